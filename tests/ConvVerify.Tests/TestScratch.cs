namespace ConvVerify.Tests;

/// <summary>
/// The test run's scratch folder: <see cref="Path.GetTempPath"/> for the tests and for the CLI processes, interpreters and
/// browser they start, which inherit <c>TMPDIR</c> (.NET reads it at every call). Removed after the last test.
/// </summary>
/// <remarks>
/// On Linux the folder is made in memory (/dev/shm) unless the caller chose <c>TMPDIR</c>, tmpfs has under 512 MiB free
/// (a container's default is 64 MB; a run's files peak at about 32 MB) or it is mounted noexec: the suite creates and
/// deletes about 38,000 files, and on ext4 without a journal each create scans the inodes deleted in the last minute —
/// a fifth of the suite's CPU time went to that (perf, docs/benchmarks.md "The test suite's time"). A process killed by
/// a test leaves its runtime's diagnostic pipes behind; they go with the folder, and a killed test host's folder goes at
/// the next run's start. The Python embedded in the test host does not see it: .NET on Unix keeps the environment it
/// changes to itself and the processes it starts.
/// </remarks>
internal static class TestScratch
{
    private const long MinimumFreeBytes = 512L << 20;

    private const string Variable = "TMPDIR";
    private const string Prefix = "convverify-tests-";

    // Held (flock, through FileShare.None) for as long as the run lives, so another run's sweep can tell a live folder
    // from an orphan even from another PID namespace, as two containers sharing /dev/shm are.
    private const string OwnerFile = ".owner";

    // A folder with no owner file yet may be a run between making its folder and locking it.
    private static readonly TimeSpan SetUpGrace = TimeSpan.FromMinutes(1);

    private static string? _root;
    private static string? _previous;
    private static FileStream? _owner;

    /// <summary>The folder of the current run, or null outside one.</summary>
    public static string? Root => _root;

    public static void Enter()
    {
        _previous = Environment.GetEnvironmentVariable(Variable);
        // Short: Unix socket paths end at 108 bytes, and chromium and the .NET runtime put theirs in TMPDIR.
        string name = $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        string? inMemory = string.IsNullOrEmpty(_previous) && InMemoryFolder() is { } shm ? Path.Combine(shm, name) : null;
        _root = inMemory is not null && TryCreate(inMemory) ? inMemory : Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), name)).FullName;
        _owner = Own(_root);
        RemoveOrphans(Path.GetDirectoryName(_root)!);
        Environment.SetEnvironmentVariable(Variable, _root);
    }

    public static void Leave()
    {
        if (_root is null) return;
        Environment.SetEnvironmentVariable(Variable, _previous);
        _owner?.Dispose();
        _owner = null;
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

    /// <summary>Takes the owner lock of a run's folder, for as long as the returned stream stays open.</summary>
    internal static FileStream Own(string folder) =>
        new(Path.Combine(folder, OwnerFile), FileMode.Create, FileAccess.ReadWrite, FileShare.None);

    /// <summary>
    /// Removes the folders of runs that are gone: a test host that is killed (a mutation run recycles its hosts, a user
    /// presses Ctrl-C) never reaches <see cref="Leave"/>, and in /dev/shm what is left holds memory. A run is gone when
    /// its owner lock can be taken (the kernel drops a lock with its process), or, for a folder without one, when the
    /// folder has not changed for <see cref="SetUpGrace"/>. A PID in the name would not do: another container's PIDs
    /// mean nothing here, and a reused PID would keep an orphan for good.
    /// </summary>
    internal static void RemoveOrphans(string parent)
    {
        foreach (string folder in Directory.EnumerateDirectories(parent, Prefix + "*"))
        {
            string[] parts = Path.GetFileName(folder)[Prefix.Length..].Split('-');
            if (parts.Length != 2 || !int.TryParse(parts[0], out _) || folder == _root || !IsAbandoned(folder)) continue;
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another user's, or going away under a concurrent run's sweep: not ours to insist on.
            }
        }
    }

    private static bool IsAbandoned(string folder)
    {
        try
        {
            using var probe = new FileStream(Path.Combine(folder, OwnerFile), FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (FileNotFoundException)
        {
            return DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) > SetUpGrace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Locked by its live run, gone under a concurrent sweep, or another user's.
            return false;
        }
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

    /// <summary>Whether the last mount of <paramref name="folder"/> in <paramref name="mounts"/> (/proc/mounts' lines) lacks noexec.</summary>
    internal static bool AllowsExecution(string folder, IEnumerable<string> mounts)
    {
        string? options = null;
        foreach (string line in mounts)
        {
            string[] f = line.Split(' ');
            if (f.Length >= 4 && f[1] == folder) options = f[3];
        }
        return options is not null && !options.Split(',').Contains("noexec");
    }

    private static string? InMemoryFolder()
    {
        const string shm = "/dev/shm";
        if (!OperatingSystem.IsLinux() || !Directory.Exists(shm)) return null;
        try
        {
            // noexec would stop the fake interpreters the locator tests write and run.
            return new DriveInfo(shm).AvailableFreeSpace >= MinimumFreeBytes && AllowsExecution(shm, File.ReadLines("/proc/mounts")) ? shm : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
