using System.Diagnostics;
using System.Runtime.InteropServices;
using ConvVerify.Fixtures;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// Issue 10, item 2: <c>fixtures generate</c> (the writer <c>regenerate</c> uses too) replaces a pack atomically. The real
/// CLI runs as a child process and is killed with SIGKILL at seeded random moments; the target must then hold the old
/// pack or the new one, whole, and the next run must succeed and leave nothing beside it.
/// </summary>
public class AtomicWriteTests : CliTestBase
{
    // The exact engine is registered as an oracle: no Python; these 53 cases take about a second to write.
    private static readonly string[] GenerateBasic = ["fixtures", "generate", "--set", "basic", "--dtype", "f32", "--fill", "integer", "--oracle", "exact"];

    private const int BasicCases = 53;

    private static Process StartCli(params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "convverify.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        // Drain the pipes so a full buffer never stalls the child.
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static string[] Beside(string target) =>
        [.. Directory.GetFileSystemEntries(Path.GetDirectoryName(target)!)
            .Select(Path.GetFileName).OfType<string>()
            .Where(n => n.StartsWith("." + Path.GetFileName(target) + ".", StringComparison.Ordinal))];

    // Starts the CLI and waits until it has taken the lock and begun writing (a staging folder that was not there
    // before: a killed run leaves its own), so a kill lands in the write or the swap rather than in start-up.
    private static Process StartWriting(string target, params string[] args)
    {
        var before = Beside(target).ToHashSet(StringComparer.Ordinal);
        var p = StartCli(args);
        var sw = Stopwatch.StartNew();
        while (!p.HasExited && !Beside(target).Any(n => n.Contains(".tmp-", StringComparison.Ordinal) && !before.Contains(n)) && sw.Elapsed < TimeSpan.FromSeconds(20))
            Thread.Sleep(2);
        return p;
    }

    // Progress of a write: entries in its staging folder (case folders of a pack, files of a snapshots folder).
    private static Func<string, bool> WrittenAtLeast(int entries) => staging =>
    {
        try
        {
            return Directory.GetFileSystemEntries(staging).Length >= entries;
        }
        catch (DirectoryNotFoundException)
        {
            return true;
        }
    };

    private static int IntactCases(string target)
    {
        var pack = FixturePack.Open(target);
        Assert.That(pack.Manifest, Is.Not.Null, $"{target}: a pack without its manifest was left");
        Assert.That(pack.CheckIntegrity(), Is.Empty, $"{target}: a mix of packs was left");
        return pack.CaseIds.Count;
    }

    private static Func<string, bool> SwapBegun(string target) => staging =>
        !Directory.Exists(staging) || Beside(target).Any(n => n.Contains(".old-", StringComparison.Ordinal) || n.Contains(".trash-", StringComparison.Ordinal));

    /// <summary>
    /// Runs <paramref name="args"/> and SIGKILLs it at each of <paramref name="points"/> (a predicate on the staging
    /// folder: kill points by progress, not wall time, since a loaded machine stretches the write many times over), plus
    /// a seeded delay. After each kill <paramref name="whole"/> must accept what the target holds ("old"/"new"), or the
    /// target is gone with the old folder aside (the documented window between the two renames). A final run must
    /// succeed and leave nothing beside the target. <paramref name="makeOld"/> puts the old contents back when a run
    /// meant to be killed at the first point finished first.
    /// </summary>
    private void KillAtPoints(string target, string[] args, Func<string, bool>[] points, Random rng, Func<string, string> whole, Action makeOld)
    {
        var seen = new List<string>();
        int early = 0;
        for (int i = 0; i < points.Length; i++)
        {
            using var p = StartWriting(target, args);
            string staging = Path.Combine(Temp, Beside(target).FirstOrDefault(n => n.Contains(".tmp-", StringComparison.Ordinal)) ?? "none");
            var wait = Stopwatch.StartNew();
            while (!p.HasExited && !points[i](staging) && wait.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(1);
            int delay = rng.Next(0, 20);
            Thread.Sleep(delay);
            bool finished = p.HasExited;
            // The first point is half-way through the write at most: a run done by then was too short for the test to
            // kill it inside, or this thread was held up past the run's end (a loaded machine); only the first is an
            // error, and one run ending early by chance is tried again from the old contents.
            if (i == 0 && finished)
            {
                Assert.That(++early, Is.LessThan(3), "the first kill found the run finished three times: give it more to write");
                Assert.That(p.ExitCode, Is.Zero, "a run not killed must succeed");
                makeOld();
                i--;
                continue;
            }
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            string label = $"kill at point {i} +{delay} ms";
            if (Directory.Exists(target))
                seen.Add($"{label}: " + (finished ? "finished, " : "") + whole(target));
            else
            {
                Assert.That(Beside(target).Any(n => n.Contains(".old-", StringComparison.Ordinal)), $"{label}: target gone and no .old- folder");
                seen.Add($"{label}: aside");
            }
        }
        TestContext.Out.WriteLine($"after each kill: {string.Join(", ", seen)}");
        var rerun = Run(args);
        Assert.That(rerun.Code, Is.EqualTo(0), rerun.ToString());
        whole(target);
        Assert.That(Beside(target), Is.Empty, "no temporary, old or lock file is left beside the target");
    }

    [Test]
    public void AKilledGenerateLeavesTheOldPackOrTheNewOneAndTheNextRunCleansUp()
    {
        string target = TempPath("pack");
        // The old pack: the same cases from another seed, so old and new are told apart by their hashes.
        void MakeOld()
        {
            var old = Run([.. GenerateBasic, "--out", target, "--seed", "1", "--force"]);
            Assert.That(old.Code, Is.EqualTo(0), old.ToString());
        }
        MakeOld();
        var oldFiles = FixturePack.Open(target).Manifest!.Files;
        var rng = new Random(20261128);
        KillAtPoints(target, [.. GenerateBasic, "--out", target, "--force"],
            [WrittenAtLeast(rng.Next(1, BasicCases / 2)), WrittenAtLeast(rng.Next(BasicCases / 2, BasicCases)), SwapBegun(target)], rng,
            t =>
            {
                Assert.That(IntactCases(t), Is.EqualTo(BasicCases));
                return FixturePack.Open(t).Manifest!.Files.SequenceEqual(oldFiles) ? "old" : "new";
            }, MakeOld);
    }

    [Test]
    public void AKilledImportOnnxLeavesTheOldPackOrTheNewOne()
    {
        Assert.That(Directory.Exists(Fixtures.OnnxImportTests.DebianData), Is.True,
            $"{Fixtures.OnnxImportTests.DebianData} not found: install the Debian package libonnx-testdata");
        string target = TempPath("onnx");
        void MakeOld()
        {
            var old = Run("fixtures", "import-onnx", Fixtures.OnnxImportTests.DebianData, "--out", target, "--force");
            Assert.That(old.Code, Is.EqualTo(0), old.ToString());
        }
        MakeOld();
        int cases = FixturePack.Open(target).CaseIds.Count;
        // The new pack's results come from an oracle instead of ONNX's files, so its manifest tells it apart.
        string[] again = ["fixtures", "import-onnx", Fixtures.OnnxImportTests.DebianData, "--out", target, "--force", "--oracle", "exact"];
        var rng = new Random(33);
        KillAtPoints(target, again, [WrittenAtLeast(rng.Next(1, cases / 2)), WrittenAtLeast(rng.Next(cases / 2, cases)), SwapBegun(target)], rng,
            t =>
            {
                Assert.That(IntactCases(t), Is.EqualTo(cases));
                return FixturePack.Open(t).Manifest!.Oracle == "exact" ? "new" : "old";
            }, MakeOld);
    }

    [Test]
    public void AKilledSnapshotsAcceptLeavesEveryOldSnapshotOrEveryNewOne()
    {
        string dir = TempPath("snapshots");
        Directory.CreateDirectory(dir);
        // Enough files that the copy and the accepting take longer than the kill's seeded delay (up to 20 ms), so kills
        // land inside them: the kill points follow the staging folder's progress, not the clock.
        const int Count = 1000;
        void MakeOld()
        {
            for (int i = 0; i < Count; i++)
            {
                File.WriteAllText(Path.Combine(dir, $"S.n{i:D4}.verified.txt"), "old\n");
                File.WriteAllText(Path.Combine(dir, $"S.n{i:D4}.received.txt"), "new\n");
            }
        }
        MakeOld();
        var rng = new Random(3000);
        KillAtPoints(dir, ["snapshots", "accept", "--dir", dir], [WrittenAtLeast(rng.Next(1, Count)), WrittenAtLeast(rng.Next(Count, 2 * Count)), SwapBegun(dir)], rng,
            d =>
            {
                var texts = Directory.GetFiles(d, "*.verified.txt").Select(File.ReadAllText).Distinct().ToArray();
                int received = Directory.GetFiles(d, "*.received.txt").Length;
                Assert.That(Directory.GetFiles(d, "*.verified.txt"), Has.Length.EqualTo(Count));
                Assert.That(texts, Has.Length.EqualTo(1), "every snapshot old or every one new, never a mix");
                Assert.That(received, Is.EqualTo(texts[0] == "old\n" ? Count : 0), "received files go with the old snapshots only");
                return texts[0] == "old\n" ? "old" : "new";
            }, MakeOld);
    }

    [Test]
    public void ASecondRunOnTheSameTargetFailsAtOnceAndTheFirstCompletes()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("stops the first run with Linux's SIGSTOP");
        // The stop must land while the first run holds the lock. Its staging folder is created after the lock is taken
        // and renamed away before it is released, so a staging folder seen while the run is frozen proves the lock held.
        // A stop that lands after the commit (the run still exiting: CI saw it once, the second run then rightly
        // succeeded) proves nothing either way and is tried again on a fresh target.
        const int Attempts = 5;
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            string target = TempPath($"pack{attempt}");
            using var p = StartWriting(target, ["fixtures", "generate", "--set", "basic", "--dtype", "f32", "--oracle", "exact", "--out", target]);
            try
            {
                if (TheSecondRunMeetsTheLock(p, target, attempt)) return;
            }
            finally
            {
                // A failed assertion must not leave the first run stopped for good, holding its lock.
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    p.WaitForExit();
                }
            }
        }
        Assert.Fail($"in {Attempts} attempts the first run was never stopped while it held the lock");
    }

    // False when the stop came too late (nothing to meet); otherwise asserts that the second run failed at once.
    private bool TheSecondRunMeetsTheLock(Process p, string target, int attempt)
    {
        if (SignalUnlessExited(p, SigStop)) WaitStopped(p);
        if (p.HasExited || !Beside(target).Any(n => n.Contains(".tmp-", StringComparison.Ordinal)))
        {
            SignalUnlessExited(p, SigCont);
            Assert.That(p.WaitForExit(30_000), Is.True);
            Assert.That(p.ExitCode, Is.Zero, "the first run failed");
            return false;
        }
        var secondRun = Task.Run(() => Run("fixtures", "generate", "--out", target, "--force", "--set", "question", "--oracle", "exact"));
        bool failedAtOnce;
        try
        {
            // Had the second run waited for the lock, it would wait here for good: the first cannot move.
            failedAtOnce = secondRun.Wait(TimeSpan.FromSeconds(30));
        }
        finally
        {
            Signal(p, SigCont);
        }
        Assert.That(failedAtOnce, Is.True, "the second run waited for the first instead of failing at once");
        var second = secondRun.Result;
        Assert.That(second.Code, Is.EqualTo(2), second.ToString());
        Assert.That(second.Err, Does.Contain($"{target}: another run is writing it (lock {Path.Combine(Temp, $".pack{attempt}.lock")} is held)"));
        Assert.That(p.WaitForExit(30_000), Is.True);
        Assert.That(p.ExitCode, Is.EqualTo(0));
        Assert.That(IntactCases(target), Is.EqualTo(2 * BasicCases), "the first run's pack, whole");
        Assert.That(Beside(target), Is.Empty);
        return true;
    }

    // kill() only queues SIGSTOP: a thread on the other core runs on until it is interrupted. Waits until every thread
    // of the process is in state T (or the process is gone), so what is seen beside the target afterwards cannot change.
    private static void WaitStopped(Process p)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                if (Directory.GetDirectories($"/proc/{p.Id}/task").All(t => ThreadState(File.ReadAllText(Path.Combine(t, "stat"))) is 'T' or 'Z'))
                    return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process is gone, or only one of its threads (between the listing and the read): look again.
                if (p.HasExited) return;
                continue;
            }
            Thread.Sleep(1);
        }
        Assert.Fail($"process {p.Id} did not stop within 10 s of SIGSTOP");
    }

    // /proc/<pid>/task/<tid>/stat: "tid (comm) S ...", the command may hold spaces and parentheses.
    private static char ThreadState(string stat) => stat[stat.LastIndexOf(')') + 2];

    private const int SigStop = 19, SigCont = 18; // Linux's numbers

    private static void Signal(Process p, int signal) =>
        Assert.That(Kill(p.Id, signal), Is.Zero, $"kill({p.Id}, {signal}): errno {Marshal.GetLastPInvokeError()}");

    // A run that ends just as it is signalled is no error: the caller looks at what it left.
    private static bool SignalUnlessExited(Process p, int signal)
    {
        if (Kill(p.Id, signal) == 0) return true;
        int errno = Marshal.GetLastPInvokeError();
        Assert.That(p.WaitForExit(10_000), Is.True, $"kill({p.Id}, {signal}): errno {errno}, and the process is still there");
        return false;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private const int SigInt = 2;

    [Test]
    public void AReportInterruptedWhileItIsWrittenLeavesNoTemporaryFile()
    {
        // Ctrl+C while --json was written left a whole report as .convverify-<guid>.tmp.json beside it, which nothing removed.
        if (OperatingSystem.IsWindows()) Assert.Ignore("POSIX signals");
        string report = TempPath("report.json");
        bool Writing() => Directory.GetFiles(Temp, ".convverify-*").Length > 0;
        var p = StartCli("check", "--set", "basic", "--json", report);
        var sw = Stopwatch.StartNew();
        while (!p.HasExited && !Writing() && sw.Elapsed < TimeSpan.FromSeconds(120)) Thread.Sleep(0);
        Assert.That(p.HasExited, Is.False, "the run ended before it wrote its report");
        // Stopped with its temporary file there, then interrupted: the signal lands while the file is being written.
        Signal(p, SigStop);
        WaitStopped(p);
        Assert.That(Writing(), Is.True);
        Signal(p, SigInt);
        Signal(p, SigCont);
        Assert.That(p.WaitForExit(30_000), Is.True);
        Assert.That(Directory.GetFiles(Temp, ".convverify-*"), Is.Empty, $"exit {p.ExitCode}");
    }

    [Test]
    public void BeginRestoresAnOldFolderLeftBetweenTheRenamesAndRemovesOtherLeftovers()
    {
        string target = TempPath("pack");
        string old = Path.Combine(Temp, $".pack.old-{Guid.NewGuid():N}");
        Directory.CreateDirectory(old);
        File.WriteAllText(Path.Combine(old, "manifest.json"), "old");
        foreach (string kind in (string[])["tmp", "trash"])
            Directory.CreateDirectory(Path.Combine(Temp, $".pack.{kind}-{Guid.NewGuid():N}", "half"));
        string unrelated = Path.Combine(Temp, ".pack.keep-me");
        Directory.CreateDirectory(unrelated);

        using (var swap = AtomicFolder.Begin(target))
        {
            Assert.That(File.ReadAllText(Path.Combine(target, "manifest.json")), Is.EqualTo("old"), "the old folder is back");
            Assert.That(Beside(target), Is.EquivalentTo(new[] { Path.GetFileName(swap.Staging), ".pack.lock", ".pack.keep-me" }));
            File.WriteAllText(Path.Combine(swap.Staging, "manifest.json"), "new");
            swap.Commit();
        }
        Assert.That(File.ReadAllText(Path.Combine(target, "manifest.json")), Is.EqualTo("new"));
        Assert.That(Beside(target), Is.EquivalentTo(new[] { ".pack.keep-me" }), "only what is not ours is left");
    }

    [Test]
    public void AnOutFolderThatIsALinkIsRefused()
    {
        string real = TempPath("real");
        Directory.CreateDirectory(real);
        string link = TempPath("link");
        Directory.CreateSymbolicLink(link, real);
        var r = Run("fixtures", "generate", "--out", link, "--oracle", "exact", "mb1ic1ih4oc1kh3");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain($"{link}: is a symbolic link (to {real})"));
        Assert.That(new FileInfo(link).LinkTarget, Is.EqualTo(real), "the link is left as it was");
        Assert.That(Directory.GetFileSystemEntries(real), Is.Empty);
    }

    [Test]
    public void SnapshotsAcceptWithNothingToAcceptStillRestoresAFolderLeftAside()
    {
        // A kill between the swap's two renames leaves no snapshots folder, only the old one aside.
        string dir = TempPath("snapshots");
        string aside = Path.Combine(Temp, $".snapshots.old-{Guid.NewGuid():N}");
        Directory.CreateDirectory(aside);
        File.WriteAllText(Path.Combine(aside, "A.B_c.verified.txt"), "old\n");
        var r = Run("snapshots", "accept", "--dir", dir);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("0 snapshot files accepted"));
        Assert.That(File.ReadAllText(Path.Combine(dir, "A.B_c.verified.txt")), Is.EqualTo("old\n"));
        Assert.That(Beside(dir), Is.Empty);
    }

    [Test]
    public void SnapshotsAcceptSwapsTheFolderAndLeavesNothingBeside()
    {
        string dir = TempPath("snapshots");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "A.B_c.verified.txt"), "old\n");
        File.WriteAllText(Path.Combine(dir, "A.B_c.received.txt"), "new\r\n");
        File.WriteAllText(Path.Combine(dir, "A.B_d.verified.txt"), "kept\n");
        Directory.CreateDirectory(Path.Combine(Temp, $".snapshots.tmp-{Guid.NewGuid():N}"));
        var r = Run("snapshots", "accept", "--dir", dir);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "A.B_c.verified.txt", "A.B_d.verified.txt" }));
        Assert.That(File.ReadAllText(Path.Combine(dir, "A.B_c.verified.txt")), Is.EqualTo("new\n"));
        Assert.That(File.ReadAllText(Path.Combine(dir, "A.B_d.verified.txt")), Is.EqualTo("kept\n"));
        Assert.That(Beside(dir), Is.Empty);
    }
}
