using ConvVerify.Cases;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Fixtures;

/// <summary>Makes a pack: C# generates the inputs, the oracle computes the results, C# writes the files.</summary>
public static class FixtureGenerator
{
    /// <summary>The generator string recorded in manifests.</summary>
    public const string Generator = "ConvVerify FixtureGenerator (inputs: ConvVerify.Cases.Inputs; results: the manifest's oracle)";

    /// <summary>
    /// Writes every case to a new pack in <paramref name="directory"/>, reporting progress after each case. The pack is
    /// written beside it and swapped in when complete (<see cref="AtomicFolder"/>): a run killed at any moment leaves the
    /// old pack or the new one.
    /// </summary>
    /// <exception cref="FixtureException">The folder is not empty and <paramref name="force"/> is false, or a case id is not a plain name.</exception>
    /// <exception cref="IOException">Another run is writing the same folder.</exception>
    public static Manifest Generate(string directory, IReadOnlyList<ConvCase> cases, IConvOracle oracle, bool force,
        IProgress<(int Done, int Total, ConvCase Case)>? progress = null) =>
        Generate(directory, cases, oracle, force, [], progress);

    /// <summary>
    /// As <see cref="Generate(string, IReadOnlyList{ConvCase}, IConvOracle, bool, IProgress{ValueTuple{int, int, ConvCase}}?)"/>,
    /// leaving the oracle's versions named in <paramref name="unrecordedVersions"/> out of the manifest. The committed
    /// packs record no CPU kernels or BLAS library (<c>cpu</c>, <c>blas</c>), so that every machine checks them within the
    /// bound rather than bitwise on the one machine that matches them.
    /// </summary>
    /// <param name="directory">The pack's folder.</param>
    /// <param name="cases">The cases, in the order the manifest lists them.</param>
    /// <param name="oracle">The oracle whose results the pack holds.</param>
    /// <param name="force">Replace a pack already in <paramref name="directory"/>.</param>
    /// <param name="unrecordedVersions">Keys of <see cref="IConvOracle.Versions"/> not written to the manifest.</param>
    /// <param name="progress">Told after each case.</param>
    /// <remarks>A pack rewritten with the same files, cases, oracle and versions keeps its old manifest's <c>created</c>
    /// time, so its manifest comes out byte for byte as it was: a rewrite that changed no result changes no file.</remarks>
    /// <exception cref="FixtureException">The folder is not empty and <paramref name="force"/> is false, or a case id is not a plain name.</exception>
    /// <exception cref="IOException">Another run is writing the same folder.</exception>
    public static Manifest Generate(string directory, IReadOnlyList<ConvCase> cases, IConvOracle oracle, bool force,
        IReadOnlyCollection<string> unrecordedVersions, IProgress<(int Done, int Total, ConvCase Case)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(oracle);
        ArgumentNullException.ThrowIfNull(unrecordedVersions);
        CheckIds(directory, cases);
        using var swap = AtomicFolder.Begin(directory);
        bool replacing = PackWriter.CheckReplaceable(swap.Target, force);
        swap.CheckReplaceable();
        var previous = replacing ? PreviousManifest(swap.Target) : null;
        // Stryker disable once Boolean : the staging folder is new and empty, and force only matters for one that is not
        var writer = new PackWriter(swap.Staging, force: false, swappedInAs: swap.Target);
        // Counts named outside the tuple: a mutation testing tool's conditional inside it (`i + 1`, or `Count` turned
        // into a method group) does not compile, and then every mutant of this method is dropped unseen.
        int total = cases.Count;
        for (int i = 0; i < total; i++)
        {
            var c = cases[i];
            DTypes.Dispatch(c.Problem.DType, new AddCase(writer, c, oracle));
            int done = i + 1;
            progress?.Report((done, total, c));
        }
        var versions = oracle.Versions.Where(kv => !unrecordedVersions.Contains(kv.Key)).ToDictionary();
        var manifest = writer.Complete(Generator, oracle.Name, versions, previous);
        swap.Commit();
        return manifest;
    }

    // The manifest of the pack being replaced, for its creation time; none when it cannot be read (the new pack is
    // written all the same, with the time of this run).
    private static Manifest? PreviousManifest(string directory)
    {
        try
        {
            string path = Path.Combine(directory, "manifest.json");
            return File.Exists(path) ? Manifest.Read(path) : null;
        }
        catch (Exception e) when (e is FixtureException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Refuses cases that would share a folder of the pack in <paramref name="directory"/>: a case given twice (identical
    /// ids), or ids equal up to letter case (one folder where names ignore case). Called by <see cref="Generate(string, IReadOnlyList{ConvCase}, IConvOracle, bool, IReadOnlyCollection{string}, IProgress{ValueTuple{int, int, ConvCase}}?)"/> before
    /// anything is written, and by a caller that writes several packs before it writes the first.
    /// </summary>
    /// <exception cref="FixtureException">Two cases would share a folder; the message names their ids.</exception>
    public static void CheckIds(string directory, IReadOnlyList<ConvCase> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var groups = cases.GroupBy(c => c.Id, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).ToList();
        if (groups.Count == 0) return;
        // "Equal up to letter case" of ids that were identical sent the reader looking for a difference in case that was
        // not there: a set listing one problem twice is said as that.
        var identical = groups.Where(g => g.Select(c => c.Id).Distinct(StringComparer.Ordinal).Count() < g.Count()).Select(g => g.Key).ToList();
        var cased = groups.Where(g => g.Select(c => c.Id).Distinct(StringComparer.Ordinal).Count() > 1)
            .Select(g => string.Join(" and ", g.Select(c => c.Id).Distinct(StringComparer.Ordinal))).ToList();
        var parts = new List<string>();
        if (identical.Count > 0) parts.Add($"{Counted.Of(identical.Count, "case is", "cases are")} given twice (identical ids): {string.Join(", ", identical)}");
        if (cased.Count > 0) parts.Add($"ids equal up to letter case would share a folder where names ignore case: {string.Join(", ", cased)}");
        throw new FixtureException($"{PackPaths.Printable(directory)}: {PackPaths.Printable(string.Join("; ", parts))}");
    }

    // Writes the directions the oracle provides; the rest are "not in pack" to every reader.
    private sealed class AddCase(PackWriter writer, ConvCase c, IConvOracle oracle) : IDTypeAction<bool>
    {
        public bool Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var inputs = c.MakeInputs<T>();
            var directions = Directions.For(c.Problem).Where(d => oracle.Provides(c.Problem, d, out _)).ToList();
            writer.Add(c, inputs, oracle.Compute(c.Problem, inputs, directions));
            // Stryker disable once Boolean : the dispatcher needs a result type; nobody reads this one
            return true;
        }
    }
}
