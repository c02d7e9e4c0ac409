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
        IProgress<(int Done, int Total, ConvCase Case)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(oracle);
        var duplicates = cases.GroupBy(c => c.Id, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
            throw new FixtureException($"{directory}: cases would share a folder (ids equal up to letter case): {string.Join(", ", duplicates)}");
        using var swap = AtomicFolder.Begin(directory);
        PackWriter.CheckReplaceable(swap.Target, force);
        swap.CheckReplaceable();
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
        var manifest = writer.Complete(Generator, oracle.Name, oracle.Versions);
        swap.Commit();
        return manifest;
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
