using ConvVerify.Oracles;

namespace ConvVerify.Tests.Oracles;

/// <summary>The locator with injected environments and candidates: fake interpreters are shell scripts, so no real Python is needed.</summary>
[Parallelizable(ParallelScope.All)]
public class PythonLocatorTests
{
    private string _dir = "";

    [OneTimeSetUp]
    public void MakeFakes()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("fake interpreters are POSIX shell scripts");
        _dir = Directory.CreateTempSubdirectory("convverify-locator-").FullName;
        // Answers the probe as an interpreter without torch would.
        Script("notorch", """echo 'CONVVERIFY-PROBE {"executable": "/fake/notorch", "prefix": "/fake", "error": "No module named '"'"'torch'"'"'"}'""");
        Script("crashes", "echo 'Fatal Python error: init_fs_encoding' >&2; exit 3");
        Script("hangs", "sleep 30");
        Script("nolib", """echo 'CONVVERIFY-PROBE {"executable": "/fake/nolib", "prefix": "/fake", "torch": "9.9", "numpy": "8.8", "libpython": null, "libsearch": "LIBDIR=/fake/lib"}'""");
        Script("garbled", "echo 'CONVVERIFY-PROBE {not json'");
        // A file that is there but cannot be run (no execute bit: not even root may exec it).
        File.WriteAllText(Path.Combine(_dir, "notexec"), "#!/bin/sh\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(_dir, "notexec"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Script("works", Works);
    }

    // Runs only the probe script, given as Python's -c argument and followed by nothing but the libpython it is to load,
    // if one was chosen (any other command line is not the probe's).
    private const string Works = """[ "$1" = -c ] && { [ $# -eq 2 ] || [ $# -eq 3 ]; } && case "$2" in *CONVVERIFY-PROBE*) true;; *) false;; esac || exit 9; echo 'CONVVERIFY-PROBE {"executable": "/fake/bin/python3.99", "prefix": "/fake", "version": "3.99.0", "torch": "9.9", "numpy": "8.8", "libpython": "/fake/lib/libpython3.99.so"}'""";

    [OneTimeTearDown]
    public void RemoveFakes()
    {
        if (_dir.Length > 0) Directory.Delete(_dir, recursive: true);
    }

    private void Script(string name, string body) => ShellScripts.Write(Path.Combine(_dir, name), body);

    private string Fake(string name) => Path.Combine(_dir, name);

    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Test]
    public void BogusConvVerifyPythonIsReportedAndNotSilentlyReplaced()
    {
        var locator = new PythonLocator(Env((PythonLocator.PythonVariable, "/no/such/python3")), [Fake("works")]);
        var location = locator.Locate();
        Assert.That(location.Found, Is.False, location.Reason);
        Assert.That(location.Attempts[0], Is.EqualTo("/no/such/python3 (from CONVVERIFY_PYTHON): not found"));
        Assert.That(location.Reason, Does.Contain("/no/such/python3 (from CONVVERIFY_PYTHON): not found"));
        Assert.That(location.Reason, Does.Not.Contain(Fake("works")), "an explicit choice must not fall back to another interpreter");
    }

    [Test]
    public void ConvVerifyPythonWithoutTorchSaysSo()
    {
        var location = new PythonLocator(Env((PythonLocator.PythonVariable, Fake("notorch"))), []).Locate();
        Assert.That(location.Found, Is.False);
        Assert.That(location.Reason, Does.Contain($"{Fake("notorch")} (from CONVVERIFY_PYTHON): No module named 'torch'"));
    }

    [Test]
    public void EveryCandidateTriedIsReportedWithWhatItSaid()
    {
        var locator = new PythonLocator(
            Env(("PATH", _dir + "/nothing-here")),
            [Fake("absent"), Fake("notorch"), Fake("crashes"), Fake("hangs"), Fake("nolib"), "python3"],
            // Every candidate has this long, not only the one that hangs. (With the pipes read through the thread pool,
            // 2 s were too little for the others' answers on a loaded machine, whose pool was starved; they are read on
            // threads of their own now.)
            TimeSpan.FromSeconds(1));
        var location = locator.Locate();
        Assert.That(location.Found, Is.False, location.Reason);
        Assert.That(location.Attempts, Is.EqualTo(new[]
        {
            $"{Fake("absent")}: not found",
            $"{Fake("notorch")}: No module named 'torch'",
            $"{Fake("crashes")}: exited with code 3: Fatal Python error: init_fs_encoding",
            $"{Fake("hangs")}: no answer within 1 s (killed)",
            $"{Fake("nolib")}: has torch 9.9 but no shared libpython to embed (LIBDIR=/fake/lib)",
            "python3 on PATH: not found",
        }));
        foreach (string attempt in location.Attempts) Assert.That(location.Reason, Does.Contain(attempt));
    }

    [Test]
    public void FirstUsableCandidateWinsAndReportsItself()
    {
        var location = new PythonLocator(Env(), [Fake("notorch"), Fake("works"), Fake("crashes")]).Locate();
        Assert.That(location.Installation, Is.EqualTo(new PythonInstallation("/fake/bin/python3.99", "/fake/lib/libpython3.99.so", "/fake", "3.99.0", "9.9", "8.8")));
        Assert.That(location.Attempts, Has.Count.EqualTo(2), "stops at the first usable interpreter");
    }

    [Test]
    public void BareCandidateIsLookedUpOnTheInjectedPath()
    {
        var location = new PythonLocator(Env(("PATH", "/no/dir" + Path.PathSeparator + _dir)), ["works"]).Locate();
        Assert.That(location.Found, Is.True, location.Reason);
        Assert.That(location.Attempts[0], Does.StartWith($"works on PATH ({Fake("works")})"));
    }

    [Test]
    public void BogusPythonnetPyDllIsReported()
    {
        var location = new PythonLocator(Env((PythonLocator.PyDllVariable, "/no/lib/libpython3.42.so.1.0")), [Fake("works")]).Locate();
        Assert.That(location.Found, Is.False);
        Assert.That(location.Attempts[0], Is.EqualTo("/no/lib/libpython3.42.so.1.0 (from PYTHONNET_PYDLL): not found"));
    }

    [Test]
    public void AnUnrunnableFileAndAGarbledAnswerAreReportedAsSuch()
    {
        var location = new PythonLocator(Env(), [Fake("notexec"), Fake("garbled")]).Locate();
        Assert.That(location.Found, Is.False, location.Reason);
        Assert.That(location.Attempts[0], Does.StartWith($"{Fake("notexec")}: cannot run: "));
        Assert.That(location.Attempts[1], Does.StartWith($"{Fake("garbled")}: unreadable answer (").And.EndWith("): CONVVERIFY-PROBE {not json"));
    }

    [Test]
    public void WithBothVariablesTheInterpreterChosenMustBeOfTheLibrarysVersion()
    {
        // Embedding one version under the other loads the wrong standard library. (The search upward from the library
        // alone: PythonLocatorDetailTests.EveryInterpreterRefusedForALibPythonIsCounted.)
        string lib = FakeLibraries.Write(Path.Combine(_dir, "orphan", "lib", "libpython3.98.so"));
        var both = new PythonLocator(Env((PythonLocator.PythonVariable, Fake("works")), (PythonLocator.PyDllVariable, lib)), []).Locate();
        Assert.That(both.Found, Is.False);
        Assert.That(both.Attempts[0], Is.EqualTo($"{Fake("works")} (from CONVVERIFY_PYTHON): is Python 3.99.0, but {lib} is Python 3.98"));
    }

    [Test]
    public void PythonnetPyDllFindsTheInterpreterInBinAboveIt()
    {
        // <root>/lib/x86_64-linux-gnu/libpython3.99.so.1.0 belongs to <root>/bin/python3.99, as on Debian.
        string root = Path.Combine(_dir, "prefix");
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        string libDir = Directory.CreateDirectory(Path.Combine(root, "lib", "x86_64-linux-gnu")).FullName;
        string lib = FakeLibraries.Write(Path.Combine(libDir, "libpython3.99.so.1.0"));
        ShellScripts.Write(Path.Combine(root, "bin", "python3.99"), Works);
        var location = new PythonLocator(Env((PythonLocator.PyDllVariable, lib)), []).Locate();
        Assert.That(location.Found, Is.True, location.Reason);
        Assert.That(location.Installation!.LibPython, Is.EqualTo(lib), "the libpython asked for is the one loaded");
        Assert.That(location.Attempts[0], Does.StartWith($"{Path.Combine(root, "bin", "python3.99")} (interpreter of {lib} (from PYTHONNET_PYDLL))"));
    }

    [Test]
    public void DefaultCandidatesTryUsrBinFirstAndPathLast()
    {
        var candidates = PythonLocator.DefaultCandidates().ToList();
        Assert.That(candidates[0], Is.EqualTo("/usr/bin/python3"));
        Assert.That(candidates[^1], Is.EqualTo("python3"));
        var versioned = candidates.Skip(1).SkipLast(1).ToList();
        Assert.That(versioned, Has.All.Match(@"^/usr/bin/python3\.\d+$"), "no python3.N-config and the like");
        var minors = versioned.Select(c => int.Parse(c["/usr/bin/python3.".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.That(minors, Is.Ordered.Descending);
    }

    [Test]
    public void RealInterpreterIsFoundThroughEitherVariable()
    {
        var live = TorchOracle.Probe();
        if (!live.Available)
        {
            if (LiveTorch.Required) Assert.Fail(live.Reason);
            Assert.Ignore("live PyTorch unavailable: " + live.Reason);
        }
        var byPython = new PythonLocator(Env((PythonLocator.PythonVariable, live.Interpreter!)), []).Locate();
        Assert.That(byPython.Installation?.TorchVersion, Is.EqualTo(live.TorchVersion), byPython.Reason);
        Assert.That(byPython.Installation?.LibPython, Is.EqualTo(live.LibPython));
        var byLib = new PythonLocator(Env((PythonLocator.PyDllVariable, live.LibPython!)), []).Locate();
        Assert.That(byLib.Installation?.TorchVersion, Is.EqualTo(live.TorchVersion), byLib.Reason);
        Assert.That(byLib.Installation?.NumpyVersion, Is.EqualTo(live.NumpyVersion));
    }
}
