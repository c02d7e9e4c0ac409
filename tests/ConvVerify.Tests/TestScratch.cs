namespace ConvVerify.Tests;

/// <summary>The test run's scratch folder: <see cref="Path.GetTempPath"/> for the tests and every process they start.</summary>
internal static class TestScratch
{
    /// <summary>tmpfs smaller than this (a container's default /dev/shm is 64 MB) is left alone.</summary>
    private const long MinimumFreeBytes = 512L << 20;

    private const string Variable = "TMPDIR";
    private static string? _root;
    private static string? _previous;

    /// <summary>The folder of the current run, or null outside one.</summary>
    public static string? Root => _root;

    public static void Enter()
    {
        _previous = Environment.GetEnvironmentVariable(Variable);
        // Short: Unix socket paths end at 108 bytes, and chromium and the .NET runtime put theirs in TMPDIR.
        string name = $"convverify-tests-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        string? inMemory = string.IsNullOrEmpty(_previous) && InMemoryFolder() is { } shm ? Path.Combine(shm, name) : null;
        _root = inMemory is not null && TryCreate(inMemory) ? inMemory : Path.Combine(Path.GetTempPath(), name);
        Directory.CreateDirectory(_root);
        Environment.SetEnvironmentVariable(Variable, _root);
    }

    public static void Leave()
    {
        if (_root is null) return;
        Environment.SetEnvironmentVariable(Variable, _previous);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A child process still exiting may hold a file; the folder's name says whose it was.
            TestContext.Progress.WriteLine($"scratch folder {_root} not removed: {e.Message}");
        }
        _root = null;
    }

    private static bool TryCreate(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string? InMemoryFolder()
    {
        const string shm = "/dev/shm";
        if (!OperatingSystem.IsLinux() || !Directory.Exists(shm)) return null;
        try
        {
            return new DriveInfo(shm).AvailableFreeSpace >= MinimumFreeBytes ? shm : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
