using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipes;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ConvVerify.Oracles;

/// <summary>A Python interpreter that imports torch and numpy, with the shared library pythonnet must load for it.</summary>
/// <param name="Interpreter">The interpreter's own <c>sys.executable</c> (not a shim that launched it), used as pythonnet's program name so <c>sys.prefix</c> comes out right.</param>
/// <param name="LibPython">Path of the shared libpython to embed.</param>
/// <param name="Prefix">The interpreter's <c>sys.prefix</c>.</param>
/// <param name="PythonVersion">e.g. <c>3.11.2</c>.</param>
/// <param name="TorchVersion"><c>torch.__version__</c>.</param>
/// <param name="NumpyVersion"><c>numpy.__version__</c>.</param>
public sealed record PythonInstallation(
    string Interpreter, string LibPython, string Prefix, string PythonVersion, string TorchVersion, string NumpyVersion);

/// <summary>The outcome of <see cref="PythonLocator.Locate"/>: the installation found, or none, and what every attempt said.</summary>
/// <param name="Installation">The first usable installation, or null.</param>
/// <param name="Attempts">One line per interpreter tried, in order: <c>path: what happened</c>.</param>
public sealed record PythonLocation(PythonInstallation? Installation, IReadOnlyList<string> Attempts)
{
    /// <summary>Whether a usable installation was found.</summary>
    public bool Found => Installation is not null;

    /// <summary>A one-paragraph account: what was chosen, or why nothing was, naming every interpreter tried.</summary>
    public string Reason => Installation is { } i
        ? $"using {i.Interpreter} (Python {i.PythonVersion}, {i.LibPython}, torch {i.TorchVersion}, numpy {i.NumpyVersion})"
        : "no Python with torch and numpy found; tried: " + (Attempts.Count == 0 ? "nothing" : string.Join("; ", Attempts));
}

/// <summary>
/// Finds a Python that can serve as the PyTorch oracle without trusting <c>PATH</c> (which often leads to a
/// pyenv or venv interpreter lacking torch). Order: <c>CONVVERIFY_PYTHON</c> (an interpreter: a path, or a bare name
/// looked up on <c>PATH</c>) or <c>PYTHONNET_PYDLL</c> (a libpython), which when set are the only thing tried; otherwise
/// <c>/usr/bin/python3</c>, <c>/usr/bin/python3.N</c> newest first, then <c>python3</c> on <c>PATH</c>; the first that
/// imports torch and numpy, and whose libpython loads and is of its version, wins. Every candidate is asked about itself
/// in a subprocess with a timeout, so a broken interpreter or library cannot crash or hang the caller.
/// </summary>
public sealed partial class PythonLocator
{
    /// <summary>Environment variable naming the interpreter to use.</summary>
    public const string PythonVariable = "CONVVERIFY_PYTHON";

    /// <summary>pythonnet's environment variable naming the libpython to load.</summary>
    public const string PyDllVariable = "PYTHONNET_PYDLL";

    /// <summary>How long one interpreter may take to answer (a cold torch import takes seconds).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    // Printed as one JSON line so nothing the interpreter logs on stdout before it can confuse the parse.
    // Import errors are caught to report "No module named 'torch'" instead of a traceback.
    // The libpython to embed (argv[1] when one was chosen, else the interpreter's own) is loaded here, in a process that
    // may fail, rather than first inside pythonnet's type initializers, which hide the loader's words: dlopen's error
    // names a file that is no shared library, of another architecture or missing a dependency. Py_GetVersion needs no
    // running interpreter and tells a libpython of another version under a name without one. ctypes loads it
    // RTLD_LOCAL, so it cannot take over the running interpreter's symbols.
    private const string ProbeScript = """
import sys, os, json, sysconfig
out = {"executable": sys.executable, "prefix": sys.prefix, "version": sys.version.split()[0]}
try:
    import numpy
    out["numpy"] = numpy.__version__
    import torch
    out["torch"] = torch.__version__
except BaseException as e:
    out["error"] = str(e) or type(e).__name__
v = sysconfig.get_config_var
libdir, multiarch = v("LIBDIR") or "", v("MULTIARCH") or ""
names = [n for n in (v("INSTSONAME"), v("LDLIBRARY")) if n and not n.endswith(".a")]
dirs = [libdir, os.path.join(libdir, multiarch) if multiarch else "", os.path.join(sys.base_prefix, "lib")]
out["libpython"] = next((os.path.join(d, n) for n in names for d in dirs if d and os.path.isfile(os.path.join(d, n))), None)
out["libsearch"] = "LIBDIR=%s MULTIARCH=%s INSTSONAME=%s LDLIBRARY=%s" % (libdir, multiarch, v("INSTSONAME"), v("LDLIBRARY"))
lib = sys.argv[1] if len(sys.argv) > 1 else out["libpython"]
try:
    import ctypes
except ImportError:
    ctypes = None
if lib and ctypes:
    try:
        get_version = ctypes.CDLL(lib).Py_GetVersion
    except OSError as e:
        out["liberror"] = str(e) or type(e).__name__
    except AttributeError as e:
        out["liberror"] = "it has no Py_GetVersion, so it is not a libpython (%s)" % e
    else:
        get_version.restype = ctypes.c_char_p
        out["libversion"] = (get_version() or b"").decode(errors="replace").split(" ")[0]
print("CONVVERIFY-PROBE " + json.dumps(out))
""";

    private readonly Func<string, string?> _environment;
    private readonly Func<IEnumerable<string>> _candidates;
    private readonly TimeSpan _timeout;
    private readonly Func<string, bool> _fileExists;

    /// <summary>Creates a locator. The parameters exist so tests can inject an environment and candidates instead of mutating the process's.</summary>
    /// <param name="environment">Reads an environment variable; null for the process environment.</param>
    /// <param name="candidates">Interpreters to try when neither variable is set (a bare name is looked up on PATH); null for <see cref="DefaultCandidates()"/>.</param>
    /// <param name="timeout">How long one interpreter may take to answer; null for <see cref="DefaultTimeout"/>.</param>
    public PythonLocator(Func<string, string?>? environment = null, IEnumerable<string>? candidates = null, TimeSpan? timeout = null)
        : this(environment, candidates, timeout, null)
    {
    }

    /// <summary>Creates a locator that sees the file system through <paramref name="fileExists"/>, so a test can hide the
    /// machine's own interpreters (the search for a libpython's interpreter always reaches <c>/bin</c>).</summary>
    /// <param name="environment">As in the public constructor.</param>
    /// <param name="candidates">As in the public constructor.</param>
    /// <param name="timeout">As in the public constructor.</param>
    /// <param name="fileExists">Whether a file is there; null for <see cref="File.Exists"/>.</param>
    internal PythonLocator(Func<string, string?>? environment, IEnumerable<string>? candidates, TimeSpan? timeout, Func<string, bool>? fileExists)
    {
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _candidates = candidates is null ? DefaultCandidates : () => candidates;
        _timeout = timeout ?? DefaultTimeout;
        _fileExists = fileExists ?? File.Exists;
    }

    /// <summary><c>/usr/bin/python3</c>, <c>/usr/bin/python3.N</c> (newest first), then <c>python3</c> (looked up on PATH).</summary>
    public static IEnumerable<string> DefaultCandidates() => DefaultCandidates("/usr/bin");

    /// <summary><c><paramref name="folder"/>/python3</c>, <c><paramref name="folder"/>/python3.N</c> (newest first), then <c>python3</c> (looked up on PATH).</summary>
    /// <param name="folder">The folder to look in (<c>/usr/bin</c> for <see cref="DefaultCandidates()"/>); a test's own.</param>
    internal static IEnumerable<string> DefaultCandidates(string folder)
    {
        yield return folder + "/python3";
        string[] versioned = [];
        try
        {
            // Stryker disable once String : an empty search pattern lists every file, and VersionedName below keeps the same ones
            versioned = [.. Directory.EnumerateFiles(folder, "python3.*")
                .Where(f => VersionedName().IsMatch(Path.GetFileName(f)))
                .OrderByDescending(f => int.Parse(VersionedName().Match(Path.GetFileName(f)).Groups[1].Value, CultureInfo.InvariantCulture))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No /usr/bin (e.g. Windows): the PATH candidate still gets its chance.
        }
        foreach (string f in versioned) yield return f;
        yield return "python3";
    }

    /// <summary>Tries the environment's choice, or else every candidate, and returns the first usable installation.</summary>
    public PythonLocation Locate()
    {
        var attempts = new List<string>();
        string? python = Nonempty(_environment(PythonVariable));
        // Absolute from here on: the file checked and probed must be the file pythonnet loads, and dlopen would look
        // a name without a folder up on the library path instead of in the current directory.
        string? pydll = Nonempty(_environment(PyDllVariable)) is { } given ? Path.GetFullPath(given) : null;
        // An explicit choice is never silently replaced by another interpreter: results would come from a torch
        // the user did not ask for.
        if (pydll is not null && LibPythonProblem(pydll) is { } problem)
        {
            attempts.Add($"{pydll} (from {PyDllVariable}): {problem}");
            attempts.Add($"not trying other interpreters because {PyDllVariable} is set");
            return new PythonLocation(null, attempts);
        }
        if (python is not null)
        {
            var found = Resolve(python, $" (from {PythonVariable})", attempts) is { } named
                ? TryInterpreter(named.Path, named.Label, pydll, attempts)
                : null;
            if (found is null) attempts.Add($"not trying other interpreters because {PythonVariable} is set");
            return new PythonLocation(found, attempts);
        }
        if (pydll is not null)
        {
            var found = TryLibPython(pydll, attempts);
            if (found is null) attempts.Add($"not trying other interpreters because {PyDllVariable} is set");
            return new PythonLocation(found, attempts);
        }
        foreach (string candidate in _candidates())
        {
            if (Resolve(candidate, "", attempts) is not { } resolved) continue;
            var found = TryInterpreter(resolved.Path, resolved.Label, null, attempts);
            if (found is not null) return new PythonLocation(found, attempts);
        }
        return new PythonLocation(null, attempts);
    }

    // A bare name is looked up on PATH, as a shell would run it; the label keeps the name, where it was found and
    // where the name came from (origin), so the user sees which file answered for it.
    private (string Path, string Label)? Resolve(string candidate, string origin, List<string> attempts)
    {
        if (candidate.Contains('/') || candidate.Contains('\\')) return (candidate, candidate + origin);
        if (OnPath(candidate) is not { } path)
        {
            attempts.Add($"{candidate} on PATH{origin}: not found");
            return null;
        }
        return (path, $"{candidate} on PATH ({path}){origin}");
    }

    // What is plainly wrong with a PYTHONNET_PYDLL, before any interpreter runs: pythonnet would dlopen it inside a type
    // initializer, whose failure reads only "The type initializer for 'Delegates' threw an exception". What only
    // loading can tell (architecture, dependencies, symbols, version) the probe tells. Only ELF systems are checked.
    private string? LibPythonProblem(string libPython)
    {
        if (!_fileExists(libPython)) return "not found";
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsFreeBSD()) return null;
        var head = new byte[8];
        int length;
        try
        {
            using var file = File.OpenRead(libPython);
            length = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read: {e.Message}";
        }
        var start = head.AsSpan(0, length);
        if (length == 0) return "is empty, not a shared library";
        if (start.StartsWith("\u007FELF"u8)) return null;
        // The libpython3.N.a beside the .so is an easy mistake to make.
        if (start.SequenceEqual("!<arch>\n"u8)) return "is a static library (an ar archive), not a shared library";
        string bytes = string.Join(" ", head.Take(Math.Min(length, 4)).Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));
        return $"is not an ELF shared library: it starts with {bytes}, not 7F 45 4C 46";
    }

    private PythonInstallation? TryLibPython(string libPython, List<string> attempts)
    {
        string label = $"{libPython} (from {PyDllVariable})";
        // The interpreter matching a libpython lives in bin/ under one of the library's ancestors:
        // /usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0 -> /usr/bin/python3.11, /opt/py/lib/libpython3.12.so -> /opt/py/bin/python3.12.
        string? version = LibVersion().Match(Path.GetFileName(libPython)) is { Success: true } m ? m.Groups[1].Value : null;
        string[] names = version is null ? ["python3"] : [$"python{version}", "python3"];
        int tried = 0;
        // Where /bin links to /usr/bin, /bin/python3 is /usr/bin/python3 again: each file is asked once (a probe
        // imports torch, about a second).
        var asked = new HashSet<string>(StringComparer.Ordinal);
        for (var dir = Path.GetDirectoryName(Path.GetFullPath(libPython)); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            foreach (string name in names)
            {
                // Not the first one found, but the first that works: a bin/python3 of another version higher up (the
                // system's, under /) must not end the search, nor be taken.
                string exe = Path.Combine(dir, "bin", name);
                if (!_fileExists(exe) || !asked.Add(RealPathOrSelf(exe))) continue;
                tried++;
                if (TryInterpreter(exe, $"{exe} (interpreter of {label})", libPython, attempts) is { } found) return found;
            }
        }
        attempts.Add(tried == 0
            ? $"{label}: no interpreter {string.Join(" or ", names)} in a bin/ folder above it"
            : $"{label}: none of the {tried} interpreters {string.Join(" or ", names)} in bin/ folders above it can embed it (each is listed above)");
        return null;
    }

    private PythonInstallation? TryInterpreter(string path, string label, string? libPython, List<string> attempts)
    {
        if (!_fileExists(path))
        {
            attempts.Add($"{label}: not found");
            return null;
        }
        var (outcome, error) = Run(path, libPython);
        if (outcome is null)
        {
            attempts.Add($"{label}: {error}");
            return null;
        }
        if (outcome.Value.ValueKind != JsonValueKind.Object)
        {
            attempts.Add($"{label}: its probe answered {outcome.Value.ValueKind.ToString().ToLowerInvariant()} JSON, not an object: not the probe's answer");
            return null;
        }
        string Field(string name) => outcome.Value.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
        if (Field("error") is { Length: > 0 } importError)
        {
            attempts.Add($"{label}: {importError}");
            return null;
        }
        // A libpython of one version embedded under an interpreter of another loads the wrong standard library.
        if (libPython is not null && LibVersion().Match(Path.GetFileName(libPython)) is { Success: true } lv
            && !SameMinorVersion(Field("version"), lv.Groups[1].Value))
        {
            attempts.Add($"{label}: is Python {(Field("version") is { Length: > 0 } v ? v : "of an unknown version")}, but {libPython} is Python {lv.Groups[1].Value}");
            return null;
        }
        string lib = libPython ?? Field("libpython");
        if (lib.Length == 0)
        {
            attempts.Add($"{label}: has torch {Field("torch")} but no shared libpython to embed ({Field("libsearch")})");
            return null;
        }
        if (LibPythonRefused(label, lib, Field("version"), Field("liberror"), Field("libversion")) is { } refusal)
        {
            attempts.Add(refusal);
            return null;
        }
        var found = new PythonInstallation(
            Field("executable") is { Length: > 0 } exe ? exe : path, lib, Field("prefix"), Field("version"), Field("torch"), Field("numpy"));
        attempts.Add($"{label}: torch {found.TorchVersion}, numpy {found.NumpyVersion}, {found.LibPython}");
        return found;
    }

    // Why the probe's load of the libpython (its liberror and libversion) rules the library out; null when it does not,
    // or when the probe could not try (an interpreter without ctypes): pythonnet's own load then reports what it finds.
    private static string? LibPythonRefused(string label, string lib, string version, string libError, string libVersion)
    {
        if (libError.Length > 0) return $"{label}: cannot embed {lib}: {libError}";
        if (libVersion.Length == 0) return null;
        if (MajorMinor().Match(libVersion) is not { Success: true } mm)
            return $"{label}: cannot tell which Python {lib} is: its Py_GetVersion says '{libVersion}'";
        return SameMinorVersion(version, mm.Value) ? null
            : $"{label}: is Python {(version.Length > 0 ? version : "of an unknown version")}, but {lib} is Python {libVersion}";
    }

    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(1);

    private (JsonElement? Outcome, string Error) Run(string path, string? libPython)
    {
        var psi = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            // Stryker disable once Boolean : CreateNoWindow is read only on Windows (.NET's Unix Process.Start ignores it), and these tests run on Linux
            CreateNoWindow = true,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(ProbeScript);
        if (libPython is not null) psi.ArgumentList.Add(libPython);
        Process process;
        try
        {
            // Stryker disable once String : Process.Start returns null only for a shell-executed document, and UseShellExecute is false
            process = Process.Start(psi) ?? throw new Win32Exception("Process.Start returned null");
        }
        catch (Win32Exception e)
        {
            return (null, $"cannot run: {e.Message}");
        }
        using (process)
        {
            process.StandardInput.Close();
            // Both pipes at once, each on a thread of its own: a child filling one pipe while we block on the other would
            // deadlock, and reads completed through the thread pool wait for a pool thread, which a busy process (a
            // test run, an application searching from its own pool) may not have free before the timeout.
            var stdout = ReadToEndOnOwnThread(process.StandardOutput);
            var stderr = ReadToEndOnOwnThread(process.StandardError);
            var clock = Stopwatch.StartNew();
            if (!process.WaitForExit(_timeout))
            {
                try { process.Kill(entireProcessTree: true); }
                catch (InvalidOperationException) { /* exited meanwhile */ }
                // A grandchild whose parent exited is no longer in the tree, but may still hold the output.
                KillWriters(process);
                return (null, $"no answer within {_timeout.TotalSeconds:0.#} s (killed)");
            }
            // A process the interpreter started may still hold its output open after it exited; the search must not
            // wait for that process, whose end no one knows. An exit just before the timeout still gets a moment for
            // its pipes to drain.
            var rest = _timeout - clock.Elapsed;
            if (!Task.WaitAll([stdout, stderr], rest > OutputGrace ? rest : OutputGrace))
            {
                string killed = KillWriters(process);
                return (null, $"exited, but a process it started kept its output open past {_timeout.TotalSeconds:0.#} s{(killed.Length > 0 ? $" (killed {killed})" : "")}");
            }
            string output = stdout.GetAwaiter().GetResult(), errors = stderr.GetAwaiter().GetResult();
            string? line = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("CONVVERIFY-PROBE ", StringComparison.Ordinal));
            if (line is null)
            {
                string last = LastLine(errors) ?? LastLine(output) ?? "no output";
                return (null, $"exited with code {process.ExitCode}: {last}");
            }
            try
            {
                using var doc = JsonDocument.Parse(line["CONVVERIFY-PROBE ".Length..]);
                // Stryker disable once String : the error text is read only when there is no outcome
                return (doc.RootElement.Clone(), "");
            }
            catch (JsonException e)
            {
                return (null, $"unreadable answer ({e.Message}): {line}");
            }
        }
    }

    private static Task<string> ReadToEndOnOwnThread(StreamReader reader) =>
        Task.Factory.StartNew(reader.ReadToEnd, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    // Kills every other process holding a write end of the probe's stdout or stderr pipe, and names them ("1234 sleep").
    // Once the probe has exited, a process it started is re-parented (to init), out of reach of Kill(entireProcessTree),
    // but what keeps the output open is exactly a write end, which /proc shows: the same "pipe:[inode]" link as ours,
    // opened for writing. Write ends only: another thread's Process.Start forks a child that holds copies of our read
    // ends until its exec, and that child is not ours to kill. Without /proc (not Linux) nothing is found.
    private static string KillWriters(Process process)
    {
        var pipes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reader in new[] { process.StandardOutput, process.StandardError })
        {
            if (reader.BaseStream is PipeStream pipe
                && LinkTarget($"/proc/self/fd/{pipe.SafePipeHandle.DangerousGetHandle()}") is { } target
                && target.StartsWith("pipe:", StringComparison.Ordinal))
                pipes.Add(target);
        }
        var killed = new List<string>();
        var tried = new HashSet<int>();
        // Again while new writers turn up: one may have forked another before it was killed.
        for (int round = 0; round < 5 && pipes.Count > 0; round++)
        {
            var writers = Writers(pipes).Where(tried.Add).ToList();
            if (writers.Count == 0) break;
            foreach (int pid in writers)
            {
                if (!HoldsWriteEnd(pid, pipes))
                    continue;
                string name = ReadProc($"/proc/{pid}/comm")?.Trim() ?? "?";
                try
                {
                    using var writer = Process.GetProcessById(pid);
                    writer.Kill();
                    killed.Add($"{pid} {name}");
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception)
                {
                    // Gone meanwhile, or not ours to kill: the caller gives up on the output either way.
                }
            }
        }
        return string.Join(", ", killed);
    }

    // What decides who is killed, asked again just before each kill (a pid may have exited and been reused meanwhile).
    // A mutation tool once turned the search's filter into "every process" and killed the whole machine twice, so the
    // filter lives here alone and is excluded from mutation on purpose: a mutant of the search or of the kill loop can
    // now at worst skip a kill. Its tests are the kill tests, which pass only when it lets the real writer through.
    // Stryker disable all : a mutant of this guard kills processes outside the test (see above)
    private static bool HoldsWriteEnd(int pid, HashSet<string> pipes)
    {
        if (pid <= 1 || pid == Environment.ProcessId || pipes.Count == 0 || !pipes.All(p => p.StartsWith("pipe:[", StringComparison.Ordinal)))
            return false;
        string[] fds;
        try { fds = Directory.GetFileSystemEntries($"/proc/{pid}/fd"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
        foreach (string fd in fds)
        {
            if (LinkTarget(fd) is { } target && pipes.Contains(target) && OpenForWriting(pid, Path.GetFileName(fd)))
                return true;
        }
        return false;
    }
    // Stryker restore all

    // The processes with one of the pipes open for writing: every process is asked, and HoldsWriteEnd alone answers.
    private static List<int> Writers(HashSet<string> pipes)
    {
        var found = new List<int>();
        string[] processes;
        try { processes = Directory.GetDirectories("/proc"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return found; }
        foreach (string dir in processes)
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && HoldsWriteEnd(pid, pipes))
                found.Add(pid);
        }
        return found;
    }

    // fdinfo's "flags:" line holds the open flags in octal; the access mode is the low two bits (O_WRONLY 1, O_RDWR 2).
    private static bool OpenForWriting(int pid, string fd)
    {
        string? flags = ReadProc($"/proc/{pid}/fdinfo/{fd}")?.Split('\n').FirstOrDefault(l => l.StartsWith("flags:", StringComparison.Ordinal));
        try
        {
            return flags is not null && (Convert.ToInt64(flags["flags:".Length..].Trim(), 8) & 3) != 0;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            return false;
        }
    }

    private static string? LinkTarget(string path)
    {
        try { return new FileInfo(path).LinkTarget; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static string? ReadProc(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    // As a shell looks a command up: the first file of that name that may be executed (a non-executable python3 early
    // on PATH is passed over, not reported as the interpreter that "cannot run").
    private string? OnPath(string name)
    {
        foreach (string dir in _environment("PATH")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries) ?? [])
        {
            string full = Path.Combine(dir, name);
            if (_fileExists(full) && MayExecute(full)) return full;
        }
        return null;
    }

    // Whether any execute bit is set. A file the injected file system shows but the disk does not, or one whose mode
    // cannot be read, is left to the run to judge.
    private static bool MayExecute(string path)
    {
        if (OperatingSystem.IsWindows()) return true;
        try
        {
            return (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    private static string RealPathOrSelf(string path)
    {
        try
        {
            return Fixtures.PackPaths.RealPath(path);
        }
        catch (Exception e) when (e is Fixtures.FixtureException or IOException or UnauthorizedAccessException)
        {
            return path;
        }
    }

    private static string? LastLine(string text) =>
        text.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);

    private static string? Nonempty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    [GeneratedRegex(@"^python3\.(\d+)$")]
    private static partial Regex VersionedName();

    // "3.11.2" is of 3.11; "3.110.0" and "3.1" are not.
    private static bool SameMinorVersion(string version, string majorMinor) =>
        version == majorMinor || version.StartsWith(majorMinor + ".", StringComparison.Ordinal);

    [GeneratedRegex(@"^libpython(\d+\.\d+)")]
    private static partial Regex LibVersion();

    // Of a version as Py_GetVersion begins ("3.11.2", "3.13.0rc1"): "3.11", "3.13".
    [GeneratedRegex(@"^\d+\.\d+(?!\d)")]
    private static partial Regex MajorMinor();
}
