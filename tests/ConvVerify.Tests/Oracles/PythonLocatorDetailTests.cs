using System.Diagnostics;
using ConvVerify.Oracles;

namespace ConvVerify.Tests.Oracles;

/// <summary>
/// The locator's exact texts, the libpython search seen through a file system confined to a temp folder (so this
/// machine's own <c>/bin/python3</c> plays no part), and how it handles interpreters that read stdin, hang, or say nothing.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class PythonLocatorDetailTests
{
    private const string NotTrying = "not trying other interpreters because ";
    private string _dir = "";

    [OneTimeSetUp]
    public void MakeFakes()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("fake interpreters are POSIX shell scripts");
        _dir = Directory.CreateTempSubdirectory("convverify-locator-detail-").FullName;
        Script("works", Answer("3.99.0"));
        Script("py311", Answer("3.11.4"));
        // Has torch and a libpython but does not say which Python it is.
        Script("noversion", """echo 'CONVVERIFY-PROBE {"executable": "/fake/bin/python3", "prefix": "/fake", "torch": "9.9", "numpy": "8.8", "libpython": "/fake/lib/libpython3.99.so"}'""");
        // Answers only once its stdin is closed: a probe that left stdin open would wait for it forever.
        Script("readsstdin", "cat > /dev/null; " + Answer("3.99.0"));
        // Hangs with a child of its own and a grandchild whose parent has exited (so it is no longer in the tree, but
        // holds the output), and says which processes must be gone once it is killed.
        Script("hangstree", """(sleep 30 & echo "$!" > "$0.orphan"); sleep 30 & echo "$$ $! $(cat "$0.orphan")" > "$0.pids"; wait""");
        // Answers and exits, leaving a child that holds its stdout open, and one that holds only a read end of that pipe
        // (as a child another thread forks holds the locator's own read end until its exec): the second keeps nothing open.
        Script("holdsout", """sleep 30 3< /proc/self/fd/1 > /dev/null 2>&1 & echo "$!" > "$0.reader"; sleep 30 & echo "$!" > "$0.pid"; echo 'CONVVERIFY-PROBE {"executable": "/fake/bin/python3.99", "version": "3.99.0", "torch": "9.9", "numpy": "8.8", "libpython": "/fake/lib/libpython3.99.so"}'""");
        Script("stdoutonly", "echo 'Could not find platform independent libraries'; echo 'last words on stdout'; exit 4");
        Script("silent", "exit 5");
        // Valid JSON, but not the probe's object: read as such, it threw from the search (a probe found it).
        Script("array", "echo 'CONVVERIFY-PROBE [1,2]'");
        Script("string", "echo 'CONVVERIFY-PROBE \"x\"'");
        // As an interpreter whose ctypes cannot load the libpython it was given ($3): what dlopen says is the reason.
        Script("libfails", """echo 'CONVVERIFY-PROBE {"executable": "/fake/bin/python3", "version": "3.99.0", "torch": "9.9", "numpy": "8.8", "liberror": "'"$3"': invalid ELF header"}'""");
        Script("libother", LibVersion("3.98.2"));
        Script("libnoversion", LibVersion("custom build"));
        Script("libsame", LibVersion("3.99.0"));
    }

    [OneTimeTearDown]
    public void RemoveFakes()
    {
        if (_dir.Length > 0) Directory.Delete(_dir, recursive: true);
    }

    private static string Answer(string version) =>
        $$"""echo 'CONVVERIFY-PROBE {"executable": "/fake/bin/python3", "prefix": "/fake", "version": "{{version}}", "torch": "9.9", "numpy": "8.8", "libpython": "/fake/lib/libpython3.99.so"}'""";

    // Interpreter 3.99.0, whose libpython loads and says it is of this version.
    private static string LibVersion(string version) =>
        $$"""echo 'CONVVERIFY-PROBE {"executable": "/fake/bin/python3", "prefix": "/fake", "version": "3.99.0", "torch": "9.9", "numpy": "8.8", "libpython": "/fake/lib/libpython3.99.so", "libversion": "{{version}}"}'""";

    private string Script(string name, string body) => ShellScripts.Write(Path.Combine(_dir, name), body);


    private string Fake(string name) => Path.Combine(_dir, name);

    /// <summary>A fresh folder for one test, and a view of the file system in which nothing outside it exists.</summary>
    private (string Root, Func<string, bool> FileExists) World(string name)
    {
        string root = Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;
        return (root, p => p.StartsWith(root + "/", StringComparison.Ordinal) && File.Exists(p));
    }

    private static string Touch(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "");
        return path;
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Test]
    public void ReasonNamesTheInstallationChosen()
    {
        var location = new PythonLocator(Env(), [Fake("works")]).Locate();
        Assert.That(location.Reason, Is.EqualTo("using /fake/bin/python3 (Python 3.99.0, /fake/lib/libpython3.99.so, torch 9.9, numpy 8.8)"));
        Assert.That(location.Attempts, Is.EqualTo(new[] { $"{Fake("works")}: torch 9.9, numpy 8.8, /fake/lib/libpython3.99.so" }));
    }

    [Test]
    public void AProbeAnswerThatIsNoObjectIsAnAttemptNotACrash()
    {
        var location = new PythonLocator(Env(), [Fake("array"), Fake("string")]).Locate();
        Assert.That(location.Found, Is.False);
        Assert.That(location.Attempts, Is.EqualTo(new[]
        {
            $"{Fake("array")}: its probe answered array JSON, not an object: not the probe's answer",
            $"{Fake("string")}: its probe answered string JSON, not an object: not the probe's answer",
        }));
    }

    [Test]
    public void ReasonSaysNothingWasTriedWhenThereWasNothingToTry()
    {
        var location = new PythonLocator(Env(), []).Locate();
        Assert.That(location.Found, Is.False);
        Assert.That(location.Attempts, Is.Empty);
        Assert.That(location.Reason, Is.EqualTo("no Python with torch and numpy found; tried: nothing"));
    }

    [Test]
    public void AFailedConvVerifyPythonSaysWhyNothingElseWasTried()
    {
        var location = new PythonLocator(Env((PythonLocator.PythonVariable, "/no/such/python3")), [Fake("works")]).Locate();
        Assert.That(location.Attempts, Is.EqualTo(new[]
        {
            "/no/such/python3 (from CONVVERIFY_PYTHON): not found",
            "not trying other interpreters because CONVVERIFY_PYTHON is set",
        }));
        Assert.That(location.Reason, Is.EqualTo(
            "no Python with torch and numpy found; tried: /no/such/python3 (from CONVVERIFY_PYTHON): not found; "
            + "not trying other interpreters because CONVVERIFY_PYTHON is set"));

        var works = new PythonLocator(Env((PythonLocator.PythonVariable, Fake("works"))), []).Locate();
        Assert.That(works.Found, Is.True, works.Reason);
        Assert.That(works.Attempts, Is.EqualTo(new[] { $"{Fake("works")} (from CONVVERIFY_PYTHON): torch 9.9, numpy 8.8, /fake/lib/libpython3.99.so" }));
    }

    // The probe: TorchOracle.Get threw InvalidOperationException where every other oracle that cannot run here throws
    // OracleUnavailableException, which the commands catch to exit 2 with the reason. The outcome of a locator that
    // finds no Python is given to Get's decision; the suite's own interpreter is not touched.
    [Test]
    public void TorchOracleGetWithNoPythonIsAnOracleUnavailableExceptionGivingTheReason()
    {
        var location = new PythonLocator(Env((PythonLocator.PythonVariable, "/no/such/python3")), []).Locate();
        var e = Assert.Throws<OracleUnavailableException>(() => TorchOracle.GetFor(new TorchAvailability(false, location.Reason, null, null, null, null)))!;
        Assert.That(e.Message, Is.EqualTo("torch: no Python with torch and numpy found; tried: /no/such/python3 (from CONVVERIFY_PYTHON): not found; "
            + "not trying other interpreters because CONVVERIFY_PYTHON is set"));
    }

    [Test]
    public void AFailedPythonnetPyDllSaysWhyNothingElseWasTried()
    {
        var location = new PythonLocator(Env((PythonLocator.PyDllVariable, "/no/lib/libpython3.42.so.1.0")), [Fake("works")]).Locate();
        Assert.That(location.Attempts, Is.EqualTo(new[]
        {
            "/no/lib/libpython3.42.so.1.0 (from PYTHONNET_PYDLL): not found",
            "not trying other interpreters because PYTHONNET_PYDLL is set",
        }));
    }

    [Test]
    public void ALibPythonWithNoInterpreterAboveItSaysWhichNamesWereLookedFor()
    {
        var (root, fileExists) = World("lonely");
        string lib = FakeLibraries.Write(Path.Combine(root, "lib", "libpython3.98.so.1.0"));
        var location = new PythonLocator(Env((PythonLocator.PyDllVariable, lib)), [], null, fileExists).Locate();
        Assert.That(location.Found, Is.False);
        Assert.That(location.Attempts, Is.EqualTo(new[]
        {
            $"{lib} (from PYTHONNET_PYDLL): no interpreter python3.98 or python3 in a bin/ folder above it",
            NotTrying + "PYTHONNET_PYDLL is set",
        }));
    }

    [Test]
    public void ALibPythonWithoutAVersionInItsNameIsLookedForAsPython3Only()
    {
        var (root, fileExists) = World("unversioned");
        string lib = FakeLibraries.Write(Path.Combine(root, "lib", "libpython3.so"));
        var none = new PythonLocator(Env((PythonLocator.PyDllVariable, lib)), [], null, fileExists).Locate();
        Assert.That(none.Attempts[0], Is.EqualTo($"{lib} (from PYTHONNET_PYDLL): no interpreter python3 in a bin/ folder above it"));

        // A bin/python next to bin/python3 is not among the names, so it is neither tried nor reported.
        ShellScripts.Write(Path.Combine(root, "bin", "python"), Answer("3.99.0"));
        string python3 = ShellScripts.Write(Path.Combine(root, "bin", "python3"), Answer("3.99.0"));
        var found = new PythonLocator(Env((PythonLocator.PyDllVariable, lib)), [], null, fileExists).Locate();
        Assert.That(found.Installation?.LibPython, Is.EqualTo(lib), found.Reason);
        Assert.That(found.Attempts, Is.EqualTo(new[] { $"{python3} (interpreter of {lib} (from PYTHONNET_PYDLL)): torch 9.9, numpy 8.8, {lib}" }));
    }

    [Test]
    public void EveryInterpreterRefusedForALibPythonIsCounted()
    {
        // <root>/a/lib/libpython3.98.so: <root>/a/bin/python3.98 and <root>/bin/python3 are both found, both of another version.
        var (root, fileExists) = World("refused");
        string lib = FakeLibraries.Write(Path.Combine(root, "a", "lib", "libpython3.98.so"));
        string near = ShellScripts.Write(Path.Combine(root, "a", "bin", "python3.98"), Answer("3.99.1"));
        string far = ShellScripts.Write(Path.Combine(root, "bin", "python3"), Answer("3.97.0"));
        var location = new PythonLocator(Env((PythonLocator.PyDllVariable, lib)), [], null, fileExists).Locate();
        Assert.That(location.Found, Is.False, location.Reason);
        string label = $"{lib} (from PYTHONNET_PYDLL)";
        Assert.That(location.Attempts, Is.EqualTo(new[]
        {
            $"{near} (interpreter of {label}): is Python 3.99.1, but {lib} is Python 3.98",
            $"{far} (interpreter of {label}): is Python 3.97.0, but {lib} is Python 3.98",
            $"{label}: none of the 2 interpreters python3.98 or python3 in bin/ folders above it can embed it (each is listed above)",
            NotTrying + "PYTHONNET_PYDLL is set",
        }));
    }

    [Test]
    public void AnInterpreterReachedTwiceThroughALinkedFolderIsAskedOnce()
    {
        // <root>/bin links to <root>/usr/bin, as /bin to /usr/bin on merged-/usr systems: <root>/usr/bin/python3.98 and
        // <root>/bin/python3.98 are one file, which must be probed (a torch import) and counted once.
        var (root, fileExists) = World("merged-usr");
        string lib = FakeLibraries.Write(Path.Combine(root, "usr", "lib", "libpython3.98.so"));
        string python = ShellScripts.Write(Path.Combine(root, "usr", "bin", "python3.98"), Answer("3.97.0"));
        Directory.CreateSymbolicLink(Path.Combine(root, "bin"), Path.Combine(root, "usr", "bin"));
        var location = new PythonLocator(Env((PythonLocator.PyDllVariable, lib)), [], null, fileExists).Locate();
        string label = $"{lib} (from PYTHONNET_PYDLL)";
        Assert.That(location.Attempts, Is.EqualTo(new[]
        {
            $"{python} (interpreter of {label}): is Python 3.97.0, but {lib} is Python 3.98",
            $"{label}: none of the 1 interpreters python3.98 or python3 in bin/ folders above it can embed it (each is listed above)",
            NotTrying + "PYTHONNET_PYDLL is set",
        }));
    }

    [Test]
    public void ARelativePythonnetPyDllIsCheckedProbedAndEmbeddedAsOneAbsolutePath()
    {
        // dlopen would look a relative name up elsewhere than the file the locator checked; from the variable on, the
        // library is the absolute path of what the user named, relative to the current folder.
        string lib = FakeLibraries.Write(Path.Combine(_dir, "relative", "libpython3.99.so"));
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, lib);
        Assert.That(relative, Is.Not.EqualTo(lib), "the test needs a path that is not absolute");
        var location = new PythonLocator(Env((PythonLocator.PythonVariable, Fake("works")), (PythonLocator.PyDllVariable, relative)), []).Locate();
        Assert.That(location.Installation?.LibPython, Is.EqualTo(lib), location.Reason);
        Assert.That(location.Attempts, Is.EqualTo(new[] { $"{Fake("works")} (from CONVVERIFY_PYTHON): torch 9.9, numpy 8.8, {lib}" }));
    }

    [Test]
    public void ABareNameOnPathPassesOverAFileThatMayNotBeRun()
    {
        // As a shell does: a works without execute bits earlier on PATH is not the interpreter found.
        string notRunnable = Path.Combine(_dir, "not-runnable", "works");
        Directory.CreateDirectory(Path.GetDirectoryName(notRunnable)!);
        File.WriteAllText(notRunnable, "#!/bin/sh\nexit 7\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(notRunnable, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var location = new PythonLocator(Env(("PATH", Path.GetDirectoryName(notRunnable) + Path.PathSeparator + _dir)), ["works"]).Locate();
        Assert.That(location.Attempts, Is.EqualTo(new[] { $"works on PATH ({Fake("works")}): torch 9.9, numpy 8.8, /fake/lib/libpython3.99.so" }));
    }

    [Test]
    public void AnInterpreterThatDoesNotSayItsVersionIsNotTakenForALibPython()
    {
        string lib = FakeLibraries.Write(Path.Combine(_dir, "unsaid", "libpython3.98.so"));
        var location = new PythonLocator(
            Env((PythonLocator.PythonVariable, Fake("noversion")), (PythonLocator.PyDllVariable, lib)), []).Locate();
        Assert.That(location.Found, Is.False);
        Assert.That(location.Attempts[0], Is.EqualTo(
            $"{Fake("noversion")} (from CONVVERIFY_PYTHON): is Python of an unknown version, but {lib} is Python 3.98"));
    }

    [Test]
    public void Python311IsNotOfLibPython31ButIsOfLibPython311()
    {
        string lib31 = FakeLibraries.Write(Path.Combine(_dir, "py31", "libpython3.1.so"));
        var wrong = new PythonLocator(
            Env((PythonLocator.PythonVariable, Fake("py311")), (PythonLocator.PyDllVariable, lib31)), []).Locate();
        Assert.That(wrong.Found, Is.False, wrong.Reason);
        Assert.That(wrong.Attempts[0], Is.EqualTo($"{Fake("py311")} (from CONVVERIFY_PYTHON): is Python 3.11.4, but {lib31} is Python 3.1"));

        string lib311 = FakeLibraries.Write(Path.Combine(_dir, "py311lib", "libpython3.11.so.1.0"));
        var right = new PythonLocator(
            Env((PythonLocator.PythonVariable, Fake("py311")), (PythonLocator.PyDllVariable, lib311)), []).Locate();
        Assert.That(right.Installation?.LibPython, Is.EqualTo(lib311), right.Reason);
        Assert.That(right.Installation?.PythonVersion, Is.EqualTo("3.11.4"));
    }

    [Test]
    public void WithBothVariablesAMissingLibPythonIsReportedNotEmbedded()
    {
        var location = new PythonLocator(
            Env((PythonLocator.PythonVariable, Fake("works")), (PythonLocator.PyDllVariable, "/nowhere/libpython3.99.so")), []).Locate();
        Assert.That(location.Found, Is.False, location.Reason);
        Assert.That(location.Attempts, Is.EqualTo(new[]
        {
            "/nowhere/libpython3.99.so (from PYTHONNET_PYDLL): not found",
            NotTrying + "PYTHONNET_PYDLL is set",
        }));
    }

    // pythonnet's dlopen of such a file failed inside a type initializer, which read as "The type initializer for
    // 'Delegates' threw an exception" (/etc/passwd, a probe found). An interpreter that would take it waits above it.
    [TestCase("passwd", "root:x:0:0:root:/root:/bin/bash\n", "is not an ELF shared library: it starts with 72 6F 6F 74, not 7F 45 4C 46")]
    [TestCase("archive", "!<arch>\n/               0           0     0     0       4         `\n", "is a static library (an ar archive), not a shared library")]
    [TestCase("short", "#!", "is not an ELF shared library: it starts with 23 21, not 7F 45 4C 46")]
    [TestCase("empty", "", "is empty, not a shared library")]
    public void APythonnetPyDllThatIsNoSharedLibraryIsRefusedBeforeAnyInterpreterRuns(string name, string content, string problem)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsFreeBSD()) Assert.Ignore("only ELF systems' libraries are looked at before loading");
        var (root, fileExists) = World("notelf-" + name);
        string lib = Path.Combine(root, "lib", "libpython3.99.so");
        Directory.CreateDirectory(Path.GetDirectoryName(lib)!);
        File.WriteAllText(lib, content);
        ShellScripts.Write(Path.Combine(root, "bin", "python3.99"), Answer("3.99.0"));
        var location = new PythonLocator(Env((PythonLocator.PyDllVariable, lib)), [], null, fileExists).Locate();
        Assert.That(location.Found, Is.False, location.Reason);
        Assert.That(location.Attempts, Is.EqualTo(new[] { $"{lib} (from PYTHONNET_PYDLL): {problem}", NotTrying + "PYTHONNET_PYDLL is set" }));

        var both = new PythonLocator(Env((PythonLocator.PythonVariable, Fake("works")), (PythonLocator.PyDllVariable, lib)), [], null, fileExists).Locate();
        Assert.That(both.Attempts[0], Is.EqualTo($"{lib} (from PYTHONNET_PYDLL): {problem}"));
    }

    [Test]
    public void TheProbeIsGivenTheLibPythonChosenAndItsLoadErrorIsReported()
    {
        // The fake says what dlopen would of the path it was given.
        string lib = FakeLibraries.Write(Path.Combine(_dir, "unloadable", "libpython3.99.so"));
        var location = new PythonLocator(Env((PythonLocator.PythonVariable, Fake("libfails")), (PythonLocator.PyDllVariable, lib)), []).Locate();
        Assert.That(location.Found, Is.False, location.Reason);
        Assert.That(location.Attempts[0], Is.EqualTo($"{Fake("libfails")} (from CONVVERIFY_PYTHON): cannot embed {lib}: {lib}: invalid ELF header"));
    }

    [Test]
    public void TheProbeLoadsTheLibPythonItWouldEmbedAndAsksItsVersion()
    {
        // The probe script itself, in a real interpreter, which cannot import the machine's torch (-S: no site-packages)
        // but finds stand-ins for numpy and torch, so no real torch is imported.
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Ignore($"no {python} to run the probe script in");
        string native = Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "libSystem.Native.so");
        if (!File.Exists(native)) Assert.Ignore($"no {native} to stand for a shared library that is not a libpython");
        string modules = Directory.CreateDirectory(Path.Combine(_dir, "standins")).FullName;
        File.WriteAllText(Path.Combine(modules, "numpy.py"), "__version__ = '8.8'\n");
        File.WriteAllText(Path.Combine(modules, "torch.py"), "__version__ = '9.9'\n");
        string interpreter = ShellScripts.Write(Path.Combine(_dir, "realprobe"), $"PYTHONPATH='{modules}' exec {python} -S \"$@\"");
        string lib = Path.Combine(Directory.CreateDirectory(Path.Combine(_dir, "notpython")).FullName, "libpython.so");
        File.Copy(native, lib);

        var notPython = new PythonLocator(Env((PythonLocator.PythonVariable, interpreter), (PythonLocator.PyDllVariable, lib)), []).Locate();
        Assert.That(notPython.Found, Is.False, notPython.Reason);
        Assert.That(notPython.Attempts[0], Does.StartWith($"{interpreter} (from CONVVERIFY_PYTHON): cannot embed {lib}: it has no Py_GetVersion, so it is not a libpython ("));

        var own = new PythonLocator(Env((PythonLocator.PythonVariable, interpreter)), []).Locate();
        if (own.Installation is null && own.Attempts[0].Contains("no shared libpython", StringComparison.Ordinal))
            Assert.Ignore($"{python} has no shared libpython to load: {own.Reason}");
        Assert.That(own.Installation?.TorchVersion, Is.EqualTo("9.9"), own.Reason);
    }

    [Test]
    public void ALibPythonOfAnotherVersionThanItsNameSaysIsRefused()
    {
        // Named without a version, so only the library's own answer tells: libpython.so -> libpython3.98.so.1.0.
        string lib = FakeLibraries.Write(Path.Combine(_dir, "renamed", "libpython.so"));
        var chosen = new PythonLocator(Env((PythonLocator.PythonVariable, Fake("libother")), (PythonLocator.PyDllVariable, lib)), []).Locate();
        Assert.That(chosen.Found, Is.False, chosen.Reason);
        Assert.That(chosen.Attempts[0], Is.EqualTo($"{Fake("libother")} (from CONVVERIFY_PYTHON): is Python 3.99.0, but {lib} is Python 3.98.2"));

        // The interpreter's own libpython is held to the same.
        var own = new PythonLocator(Env(), [Fake("libother")]).Locate();
        Assert.That(own.Attempts, Is.EqualTo(new[] { $"{Fake("libother")}: is Python 3.99.0, but /fake/lib/libpython3.99.so is Python 3.98.2" }));

        var unreadable = new PythonLocator(Env(), [Fake("libnoversion")]).Locate();
        Assert.That(unreadable.Attempts, Is.EqualTo(new[] { $"{Fake("libnoversion")}: cannot tell which Python /fake/lib/libpython3.99.so is: its Py_GetVersion says 'custom build'" }));

        var same = new PythonLocator(Env(), [Fake("libsame")]).Locate();
        Assert.That(same.Installation?.LibPython, Is.EqualTo("/fake/lib/libpython3.99.so"), same.Reason);
    }

    [Test]
    public void AFailureWithoutStderrQuotesStdoutOrSaysThereWasNoOutput()
    {
        var location = new PythonLocator(Env(), [Fake("stdoutonly"), Fake("silent")]).Locate();
        Assert.That(location.Attempts, Is.EqualTo(new[]
        {
            $"{Fake("stdoutonly")}: exited with code 4: last words on stdout",
            $"{Fake("silent")}: exited with code 5: no output",
        }));
    }

    [Test]
    public void ThePathOfABareCandidateMayBeUnset()
    {
        var location = new PythonLocator(Env(), ["works"]).Locate();
        Assert.That(location.Attempts, Is.EqualTo(new[] { "works on PATH: not found" }));
    }

    [Test]
    public void ABareConvVerifyPythonIsLookedUpOnPathAndNamedWithWhereItWasFound()
    {
        var location = new PythonLocator(
            Env((PythonLocator.PythonVariable, " works "), ("PATH", "/no/dir" + Path.PathSeparator + _dir)), [Fake("py311")]).Locate();
        Assert.That(location.Attempts, Is.EqualTo(new[] { $"works on PATH ({Fake("works")}) (from CONVVERIFY_PYTHON): torch 9.9, numpy 8.8, /fake/lib/libpython3.99.so" }));
        Assert.That(location.Installation?.PythonVersion, Is.EqualTo("3.99.0"), "the interpreter named, not a candidate");
    }

    [Test]
    public void ABareConvVerifyPythonNotOnPathSaysItWasLookedForThere()
    {
        // works is a candidate and on this PATH, under another name: neither may stand in for the one named.
        var location = new PythonLocator(
            Env((PythonLocator.PythonVariable, "python3.11"), ("PATH", _dir + "/nothing-here" + Path.PathSeparator + _dir)), ["works"]).Locate();
        Assert.That(location.Attempts, Is.EqualTo(new[]
        {
            "python3.11 on PATH (from CONVVERIFY_PYTHON): not found",
            NotTrying + "CONVVERIFY_PYTHON is set",
        }));
    }

    [Test]
    public void AnInterpreterReadingStdinGetsItsEndAndAnswers()
    {
        // Bounded by the locator's own timeout: were stdin left open, the fake would wait for it until killed.
        var location = new PythonLocator(Env(), [Fake("readsstdin")], TimeSpan.FromSeconds(10)).Locate();
        Assert.That(location.Attempts, Is.EqualTo(new[] { $"{Fake("readsstdin")}: torch 9.9, numpy 8.8, /fake/lib/libpython3.99.so" }));
    }

    [Test]
    public void AHangingInterpreterIsKilledWithItsChildrenAtTheTimeout()
    {
        var clock = Stopwatch.StartNew();
        var location = new PythonLocator(Env(), [Fake("hangstree")], TimeSpan.FromSeconds(1)).Locate();
        clock.Stop();
        Assert.That(location.Attempts, Is.EqualTo(new[] { $"{Fake("hangstree")}: no answer within 1 s (killed)" }));
        // Not a benchmark: the fake sleeps 30 s, and an answer at the timeout shows the wait is bounded by it.
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
        int[] pids = [.. File.ReadAllText(Fake("hangstree") + ".pids").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];
        Assert.That(pids, Has.Length.EqualTo(3));
        try
        {
            // The shell and both sleeps: gone, or dead and waiting to be reaped (an orphan's reaper may be slow or absent).
            Assert.That(Survivors(pids), Is.Empty, "the interpreter, its child and its orphaned grandchild must not outlive the timeout");
        }
        finally
        {
            KillLeftovers(pids);
        }
    }

    [Test]
    public void AnInterpreterWhoseChildHoldsItsOutputIsGivenUpAtTheTimeout()
    {
        var clock = Stopwatch.StartNew();
        var location = new PythonLocator(Env(), [Fake("holdsout")], TimeSpan.FromSeconds(1)).Locate();
        clock.Stop();
        int held = int.Parse(File.ReadAllText(Fake("holdsout") + ".pid"), System.Globalization.CultureInfo.InvariantCulture);
        int reader = int.Parse(File.ReadAllText(Fake("holdsout") + ".reader"), System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            Assert.That(location.Attempts, Is.EqualTo(new[] { $"{Fake("holdsout")}: exited, but a process it started kept its output open past 1 s (killed {held} sleep)" }));
            // Not a benchmark: the child sleeps 30 s, and an answer before then shows the wait is bounded.
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
            Assert.That(Survivors([held]), Is.Empty, "the child holding the output must not outlive the search");
            Assert.That(Alive(reader), Is.True, "a process holding only a read end is not what kept the output open");
        }
        finally
        {
            KillLeftovers([held, reader]);
        }
    }

    // The pids still alive after waiting up to 10 s for them to go: not a benchmark, the processes sleep 30 s.
    private static int[] Survivors(int[] pids)
    {
        var deadline = Stopwatch.StartNew();
        while (pids.Any(Alive) && deadline.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(50);
        return [.. pids.Where(Alive)];
    }

    // A failed test must not leave its fakes' sleeps behind for the rest of the run.
    private static void KillLeftovers(int[] pids)
    {
        foreach (int pid in pids.Where(Alive))
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                p.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception) { /* already gone */ }
        }
    }

    private static bool Alive(int pid)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return false; }
        // "pid (comm) S ...": the state follows the last ')'.
        string state = stat[(stat.LastIndexOf(')') + 1)..].TrimStart();
        return !state.StartsWith('Z') && !state.StartsWith('X');
    }

    [Test]
    public void DefaultCandidatesListAFolderNewestFirstAndNothingButPython3N()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_dir, "usrbin")).FullName;
        foreach (string name in new[] { "python3", "python3.9", "python3.12", "python3.10-config", "python3.x", "python2.7", "python3.11m" })
            Touch(Path.Combine(folder, name));
        Assert.That(PythonLocator.DefaultCandidates(folder), Is.EqualTo(new[]
        {
            folder + "/python3", folder + "/python3.12", folder + "/python3.9", "python3",
        }));
    }

    [Test]
    public void DefaultCandidatesWithoutTheFolderStillEndWithPython3OnPath()
    {
        string folder = Path.Combine(_dir, "no-such-folder");
        Assert.That(PythonLocator.DefaultCandidates(folder), Is.EqualTo(new[] { folder + "/python3", "python3" }));
    }
}
