namespace ConvVerify.Cli;

/// <summary>Where the committed fixture packs and snapshots are: found by walking up to the folder holding ConvVerify.sln.</summary>
internal static class RepoPaths
{
    public static string? Root()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ConvVerify.sln"))) return dir.FullName;
        }
        return null;
    }

    public static string FixturesDir() =>
        Root() is { } root ? Path.Combine(root, "tests", "fixtures")
            : throw new CliException("the committed fixture packs were not found (no ConvVerify.sln above the current folder); pass --pack DIR");

    public static string SnapshotsDir() =>
        Root() is { } root ? Path.Combine(root, "snapshots")
            : throw new CliException("the snapshots folder was not found (no ConvVerify.sln above the current folder)");
}
