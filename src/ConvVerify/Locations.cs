namespace ConvVerify;

/// <summary>
/// The one place that knows where things live: the repository (the folder holding <c>ConvVerify.sln</c>), the committed
/// fixture packs, the snapshots. Everything that looks for them asks here.
/// </summary>
public static class Locations
{
    /// <summary>The file that marks the repository's root.</summary>
    public const string SolutionFile = "ConvVerify.sln";

    /// <summary>Environment variable naming a folder of packs (one sub-folder per pack), which wins over every other place.</summary>
    public const string FixturesVariable = "CONVVERIFY_FIXTURES";

    /// <summary>
    /// The first folder at or above <paramref name="start"/> holding <paramref name="solutionFile"/>, or null.
    /// </summary>
    public static string? RepositoryRoot(string start, string solutionFile = SolutionFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(start);
        ArgumentException.ThrowIfNullOrWhiteSpace(solutionFile);
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, solutionFile))) return dir.FullName;
        return null;
    }

    /// <summary>The repository above the current folder, else above this assembly, or null (an installed tool has none).</summary>
    public static string? RepositoryRoot() =>
        RepositoryRoot(Directory.GetCurrentDirectory()) ?? RepositoryRoot(AppContext.BaseDirectory);

    /// <summary>
    /// The folder of committed packs, and where it was found: <see cref="FixturesVariable"/>; else <c>fixtures/</c> beside
    /// this assembly (where the tool and NuGet packages ship them); else <c>tests/fixtures</c> of the repository. Null when none exists.
    /// </summary>
    public static string? CommittedPacksRoot()
    {
        if (Environment.GetEnvironmentVariable(FixturesVariable) is { Length: > 0 } dir) return dir;
        string shipped = Path.Combine(AppContext.BaseDirectory, "fixtures");
        if (Directory.Exists(shipped)) return shipped;
        return RepositoryRoot() is { } root ? Path.Combine(root, "tests", "fixtures") : null;
    }

    /// <summary>The committed pack of a set, e.g. <c>tests/fixtures/basic</c>.</summary>
    /// <exception cref="DirectoryNotFoundException">No folder of committed packs was found; the message says where it looked.</exception>
    public static string CommittedPack(string set)
    {
        ArgumentNullException.ThrowIfNull(set);
        string root = CommittedPacksRoot() ?? throw new DirectoryNotFoundException(
            $"the committed fixture packs were not found: {FixturesVariable} is not set, there is no fixtures/ folder beside "
            + $"{AppContext.BaseDirectory}, and no {SolutionFile} above the current folder; pass a pack folder explicitly");
        return Path.Combine(root, set);
    }

    /// <summary>
    /// The vendored benchdnn convolution inputs: <c>benchdnn-conv/</c> beside this assembly (where the tool ships them), else the
    /// repository's <c>third_party/benchdnn-conv</c>; null when neither exists.
    /// </summary>
    public static string? BenchdnnInputs()
    {
        string shipped = Path.Combine(AppContext.BaseDirectory, "benchdnn-conv");
        if (Directory.Exists(shipped)) return shipped;
        return RepositoryRoot() is { } root && Directory.Exists(Path.Combine(root, "third_party", "benchdnn-conv"))
            ? Path.Combine(root, "third_party", "benchdnn-conv") : null;
    }

    /// <summary>The repository's <c>snapshots/</c> folder.</summary>
    /// <exception cref="DirectoryNotFoundException">No repository above the current folder or this assembly.</exception>
    public static string SnapshotsDir() =>
        RepositoryRoot() is { } root ? Path.Combine(root, "snapshots")
            : throw new DirectoryNotFoundException($"the snapshots folder was not found (no {SolutionFile} above the current folder)");
}
