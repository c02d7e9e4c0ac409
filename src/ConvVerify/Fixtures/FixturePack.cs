using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Problems;

namespace ConvVerify.Fixtures;

/// <summary>One case read from a pack: its inputs and those of PyTorch's results the pack holds.</summary>
/// <typeparam name="T">float or double, as the case's dtype.</typeparam>
public sealed record PackCase<T>(ConvCase Case, ConvInputs<T> Inputs, IReadOnlyDictionary<Direction, T[]> Expected)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// A fixture pack on disk (format: docs/fixture-format.md): <c>manifest.json</c> and one folder per case with
/// <c>case.json</c>, inputs <c>x w [b] dy</c> and results <c>y dx dw [db]</c> as .npy.
/// </summary>
public sealed class FixturePack
{
    private FixturePack(string directory, Manifest? manifest, IReadOnlyList<string> caseIds, IReadOnlyList<string> warnings)
    {
        Directory = directory;
        Manifest = manifest;
        CaseIds = caseIds;
        Warnings = warnings;
    }

    /// <summary>The pack's folder.</summary>
    public string Directory { get; }

    /// <summary>The manifest, or null for a pack without one (accepted with a warning).</summary>
    public Manifest? Manifest { get; }

    /// <summary>Case ids: the manifest's, or every sub-folder holding a case.json.</summary>
    public IReadOnlyList<string> CaseIds { get; }

    /// <summary>Things a user should know, e.g. that integrity could not be checked.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Opens a pack.</summary>
    /// <exception cref="FixtureException">No such folder, an unreadable manifest, no cases at all, or a case id, file
    /// name or symbolic link that would lead outside the pack (<see cref="PackPaths"/>).</exception>
    public static FixturePack Open(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!System.IO.Directory.Exists(directory)) throw new FixtureException($"{directory}: pack folder not found");
        string manifestPath = Path.Combine(directory, "manifest.json");
        PackPaths.CheckLink(directory, manifestPath);
        if (File.Exists(manifestPath))
        {
            var manifest = Manifest.Read(manifestPath);
            foreach (string id in manifest.Cases) PackPaths.CheckName(id, $"{manifestPath}: case id");
            foreach (string key in manifest.Files.Keys) PackPaths.SplitFileKey(key, manifestPath);
            // Links are checked before anything below the pack is read, so nothing outside it ever is.
            PackPaths.CheckTwoLevels(directory);
            return new FixturePack(directory, manifest, manifest.Cases, manifest.SelfHashMatches is null
                ? [$"{manifestPath}: format \"{manifest.Format}\" carries no hash of the manifest itself, so only the files it lists are checked"]
                : []);
        }
        PackPaths.CheckTwoLevels(directory);
        var ids = System.IO.Directory.GetDirectories(directory)
            .Where(d => File.Exists(Path.Combine(d, "case.json")))
            .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        foreach (string id in ids) PackPaths.CheckName(id, $"{directory}: case folder");
        if (ids.Count == 0) throw new FixtureException($"{directory}: neither a manifest.json nor any <case>/case.json: not a fixture pack");
        return new FixturePack(directory, null, ids,
            [$"{directory}: no manifest.json, so the integrity of its files could not be checked"]);
    }

    /// <summary>
    /// Checks every file against the manifest's sha256 and that every case file the manifest lists exists.
    /// Returns one line per problem; empty when the pack is intact (or has no manifest to check against).
    /// </summary>
    public IReadOnlyList<string> CheckIntegrity()
    {
        if (Manifest is null) return [];
        var problems = new List<string>();
        if (Manifest.SelfHashMatches == false)
            problems.Add($"{Path.Combine(Directory, "manifest.json")}: its \"manifest-sha256\" does not match its own bytes (corrupt or edited)");
        foreach (var (file, hash) in Manifest.Files)
        {
            // Stryker disable once String : Open checked every key already (unless a caller edits Manifest.Files since), so its "where" is not shown
            var (id, name) = PackPaths.SplitFileKey(file, Path.Combine(Directory, "manifest.json"));
            string path = CasePath(id, name);
            if (!File.Exists(path)) problems.Add($"{path}: listed in the manifest but missing");
            else if (Manifest.Sha256(path) != hash) problems.Add($"{path}: sha256 differs from the manifest (corrupt or changed)");
        }
        foreach (string id in CaseIds)
            if (!Manifest.Files.ContainsKey($"{id}/case.json")) problems.Add($"{Path.Combine(Directory, id)}: case listed without a case.json in the manifest");
        return problems;
    }

    /// <summary>Reads a case's description.</summary>
    /// <exception cref="FixtureException">Missing or invalid case.json.</exception>
    /// <remarks>The case's id is its folder name, whatever case.json's <c>id</c> says, so renamed or hand-made cases still work.</remarks>
    public ConvCase ReadCase(string id) => ReadCase(id, null);

    /// <summary>As <see cref="ReadCase(string)"/>, reading an unknown fill as the normal fill with a line in <paramref name="warnings"/>.</summary>
    /// <exception cref="FixtureException">Missing or invalid case.json.</exception>
    public ConvCase ReadCase(string id, ICollection<string>? warnings) =>
        CaseFile.Read(CasePath(id, "case.json")).ToCase(CasePath(id, "case.json"), warnings) with { Id = id };

    /// <summary>Reads a case's inputs and expected results; a result file the pack does not hold is absent from <see cref="PackCase{T}.Expected"/>.</summary>
    /// <exception cref="FixtureException">A missing input, or any file with the wrong dtype, shape or content.</exception>
    public PackCase<T> Read<T>(string id) where T : unmanaged, IFloatingPointIeee754<T> => Read<T>(ReadCase(id));

    /// <summary>As <see cref="Read{T}(string)"/> for a case already read with <see cref="ReadCase(string)"/>, which callers need first to pick <typeparamref name="T"/>.</summary>
    /// <exception cref="FixtureException">A missing input, or any file with the wrong dtype, shape or content.</exception>
    public PackCase<T> Read<T>(ConvCase c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(c);
        var (p, id) = (c.Problem, c.Id);
        if (!DTypes.Holds<T>(p.DType))
            throw new InvalidOperationException($"case {id} is {p.DType}, read as {typeof(T).Name}");
        T[] In(string name, int[] shape) => Npy.Read<T>(CasePath(id, name + ".npy"), p.DType, shape);
        var inputs = new ConvInputs<T>(In("x", p.XShape), In("w", p.WShape), p.HasBias ? In("b", p.BShape) : [], In("dy", p.YShape));
        var expected = new Dictionary<Direction, T[]>();
        foreach (var d in Directions.All)
        {
            if (d == Direction.BackwardBias && !p.HasBias) continue;
            string path = CasePath(id, d.TensorName() + ".npy");
            if (File.Exists(path)) expected[d] = Npy.Read<T>(path, p.DType, d.ShapeOf(p));
        }
        return new PackCase<T>(c, inputs, expected);
    }

    /// <summary>The path of a file of a case, confined to the pack.</summary>
    /// <exception cref="FixtureException"><paramref name="id"/> or <paramref name="file"/> is not a plain name, or a link leads outside the pack.</exception>
    public string CasePath(string id, string file) => PackPaths.Inside(Directory, id, file);
}
