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
        // Hangs with a child of its own, and says which processes must be gone once it is killed.
        Script("hangstree", """sleep 30 & echo "$$ $!" > "$0.pids"; wait""");
        // Answers and exits, leaving a child that holds its stdout open.
        Script("holdsout", """sleep 30 & echo "$!" > "$0.pid"; echo 'CONVVERIFY-PROBE {"executable": "/fake/bin/python3.99", "version": "3.99.0", "torch": "9.9", "numpy": "8.8", "libpython": "/fake/lib/libpython3.99.so"}'""");
        Script("stdoutonly", "echo 'Could not find platform independent libraries'; echo 'last words on stdout'; exit 4");
        Script("silent", "exit 5");
        // Valid JSON, but not the probe's object: read as such, it threw from the search (a probe found it).
        Script("array", "echo 'CONVVERIFY-PROBE [1,2]'");
        Script("string", "echo 'CONVVERIFY-PROBE \"x\"'");
    }

    [OneTimeTearDown]
    public void RemoveFakes()
    {
        if (_dir.Length > 0) Directory.Delete(_dir, recursive: true);
    }

    private static string Answer(string version) =>
        $$"""echo 'CONVVERIFY-PROBE {"executable": "/fake/bin/python3", "prefix": "/fake", "version": "{{version}}", "torch": "9.9", "numpy": "8.8", "libpython": "/fake/lib/libpython3.99.so"}'""";

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
        string lib = Touch(Path.Combine(root, "lib", "libpython3.98.so.1.0"));
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
        string lib = Touch(Path.Combine(root, "lib", "libpython3.so"));
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
        string lib = Touch(Path.Combine(root, "a", "lib", "libpython3.98.so"));
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
    public void AnInterpreterThatDoesNotSayItsVersionIsNotTakenForALibPython()
    {
        var location = new PythonLocator(
            Env((PythonLocator.PythonVariable, Fake("noversion")), (PythonLocator.PyDllVariable, "/nowhere/libpython3.98.so")), []).Locate();
        Assert.That(location.Found, Is.False);
        Assert.That(location.Attempts[0], Is.EqualTo(
            $"{Fake("noversion")} (from CONVVERIFY_PYTHON): is Python of an unknown version, but /nowhere/libpython3.98.so is Python 3.98"));
    }

    [Test]
    public void Python311IsNotOfLibPython31ButIsOfLibPython311()
    {
        var wrong = new PythonLocator(
            Env((PythonLocator.PythonVariable, Fake("py311")), (PythonLocator.PyDllVariable, "/nowhere/libpython3.1.so")), []).Locate();
        Assert.That(wrong.Found, Is.False, wrong.Reason);
        Assert.That(wrong.Attempts[0], Is.EqualTo($"{Fake("py311")} (from CONVVERIFY_PYTHON): is Python 3.11.4, but /nowhere/libpython3.1.so is Python 3.1"));

        var right = new PythonLocator(
            Env((PythonLocator.PythonVariable, Fake("py311")), (PythonLocator.PyDllVariable, "/nowhere/libpython3.11.so.1.0")), []).Locate();
        Assert.That(right.Installation?.LibPython, Is.EqualTo("/nowhere/libpython3.11.so.1.0"), right.Reason);
        Assert.That(right.Installation?.PythonVersion, Is.EqualTo("3.11.4"));
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
        var location = new PythonLocator(Env(), [Fake("hangstree")], TimeSpan.FromSeconds(2)).Locate();
        clock.Stop();
        Assert.That(location.Attempts, Is.EqualTo(new[] { $"{Fake("hangstree")}: no answer within 2 s (killed)" }));
        // Not a benchmark: the fake sleeps 30 s, and an answer at the timeout shows the wait is bounded by it.
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
        int[] pids = [.. File.ReadAllText(Fake("hangstree") + ".pids").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];
        Assert.That(pids, Has.Length.EqualTo(2));
        // The shell and its sleep: gone, or dead and waiting to be reaped (an orphan's reaper may be slow or absent).
        var deadline = Stopwatch.StartNew();
        while (pids.Any(Alive) && deadline.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(50);
        Assert.That(pids.Where(Alive), Is.Empty, "the interpreter and its child must not outlive the timeout");
    }

    [Test]
    public void AnInterpreterWhoseChildHoldsItsOutputIsGivenUpAtTheTimeout()
    {
        var clock = Stopwatch.StartNew();
        var location = new PythonLocator(Env(), [Fake("holdsout")], TimeSpan.FromSeconds(2)).Locate();
        clock.Stop();
        try
        {
            Assert.That(location.Attempts, Is.EqualTo(new[] { $"{Fake("holdsout")}: exited, but a process it started kept its output open past 2 s" }));
            // Not a benchmark: the child sleeps 30 s, and an answer before then shows the wait is bounded.
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
        }
        finally
        {
            if (int.TryParse(File.ReadAllText(Fake("holdsout") + ".pid"), out int held))
            {
                try
                {
                    using var child = Process.GetProcessById(held);
                    child.Kill();
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException) { /* already gone */ }
            }
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
