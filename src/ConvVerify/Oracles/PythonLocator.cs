using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
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
/// pyenv or venv interpreter lacking torch). Order: <c>CONVVERIFY_PYTHON</c> (an interpreter) or
/// <c>PYTHONNET_PYDLL</c> (a libpython), which when set are the only thing tried; otherwise <c>/usr/bin/python3</c>,
/// <c>/usr/bin/python3.N</c> newest first, then <c>python3</c> on <c>PATH</c>; the first that imports torch and
/// numpy wins. Every candidate is asked about itself in a subprocess with a timeout, so a broken interpreter
/// cannot crash or hang the caller.
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
        string? pydll = Nonempty(_environment(PyDllVariable));
        // An explicit choice is never silently replaced by another interpreter: results would come from a torch
        // the user did not ask for.
        if (python is not null)
        {
            var found = TryInterpreter(python, $"{python} (from {PythonVariable})", pydll, attempts);
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
            string label = candidate;
            string? path = candidate;
            if (!candidate.Contains('/') && !candidate.Contains('\\'))
            {
                label = $"{candidate} on PATH";
                path = OnPath(candidate);
                if (path is null)
                {
                    attempts.Add($"{label}: not found");
                    continue;
                }
                label = $"{candidate} on PATH ({path})";
            }
            var found = TryInterpreter(path, label, null, attempts);
            if (found is not null) return new PythonLocation(found, attempts);
        }
        return new PythonLocation(null, attempts);
    }

    private PythonInstallation? TryLibPython(string libPython, List<string> attempts)
    {
        string label = $"{libPython} (from {PyDllVariable})";
        if (!_fileExists(libPython))
        {
            attempts.Add($"{label}: not found");
            return null;
        }
        // The interpreter matching a libpython lives in bin/ under one of the library's ancestors:
        // /usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0 -> /usr/bin/python3.11, /opt/py/lib/libpython3.12.so -> /opt/py/bin/python3.12.
        string? version = LibVersion().Match(Path.GetFileName(libPython)) is { Success: true } m ? m.Groups[1].Value : null;
        string[] names = version is null ? ["python3"] : [$"python{version}", "python3"];
        int tried = 0;
        for (var dir = Path.GetDirectoryName(Path.GetFullPath(libPython)); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            foreach (string name in names)
            {
                // Not the first one found, but the first that works: a bin/python3 of another version higher up (the
                // system's, under /) must not end the search, nor be taken.
                string exe = Path.Combine(dir, "bin", name);
                if (!_fileExists(exe)) continue;
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
        var (outcome, error) = Run(path);
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
        var found = new PythonInstallation(
            Field("executable") is { Length: > 0 } exe ? exe : path, lib, Field("prefix"), Field("version"), Field("torch"), Field("numpy"));
        attempts.Add($"{label}: torch {found.TorchVersion}, numpy {found.NumpyVersion}, {found.LibPython}");
        return found;
    }

    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(1);

    private (JsonElement? Outcome, string Error) Run(string path)
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
            // Read both pipes asynchronously: a child filling one pipe while we block on the other would deadlock.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            if (!process.WaitForExit(_timeout))
            {
                try { process.Kill(entireProcessTree: true); }
                catch (InvalidOperationException) { /* exited meanwhile */ }
                return (null, $"no answer within {_timeout.TotalSeconds:0.#} s (killed)");
            }
            // A process the interpreter started may still hold its output open after it exited; the search must not
            // wait for that process, whose end no one knows. An exit just before the timeout still gets a moment for
            // its pipes to drain.
            var rest = _timeout - clock.Elapsed;
            if (!Task.WaitAll([stdout, stderr], rest > OutputGrace ? rest : OutputGrace))
                return (null, $"exited, but a process it started kept its output open past {_timeout.TotalSeconds:0.#} s");
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

    private string? OnPath(string name)
    {
        foreach (string dir in _environment("PATH")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries) ?? [])
        {
            string full = Path.Combine(dir, name);
            if (_fileExists(full)) return full;
        }
        return null;
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
}
