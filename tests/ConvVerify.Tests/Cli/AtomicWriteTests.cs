using System.Diagnostics;
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

    private static Func<string, bool> WrittenAtLeast(int cases) => staging =>
    {
        try
        {
            return Directory.GetDirectories(staging).Length >= cases;
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

    [Test]
    public void AKilledGenerateLeavesTheOldPackOrTheNewOneAndTheNextRunCleansUp()
    {
        string target = TempPath("pack");
        // The old pack: the same cases from another seed, so old and new are told apart by their hashes.
        var old = Run([.. GenerateBasic, "--out", target, "--seed", "1"]);
        Assert.That(old.Code, Is.EqualTo(0), old.ToString());
        var oldFiles = FixturePack.Open(target).Manifest!.Files;
        var rng = new Random(20261128);
        var seen = new List<string>();
        // Kill points by progress, not wall time (a loaded machine stretches the write many times over): early in
        // the write, late in it, and once the swap has begun; each with a seeded delay on top.
        Func<string, bool>[] points =
        [
            WrittenAtLeast(rng.Next(1, BasicCases / 2)),
            WrittenAtLeast(rng.Next(BasicCases / 2, BasicCases)),
            staging => !Directory.Exists(staging) || Beside(target).Any(n => n.Contains(".old-", StringComparison.Ordinal) || n.Contains(".trash-", StringComparison.Ordinal)),
        ];
        for (int i = 0; i < points.Length; i++)
        {
            using var p = StartWriting(target, [.. GenerateBasic, "--out", target, "--force"]);
            string staging = Path.Combine(Temp, Beside(target).FirstOrDefault(n => n.Contains(".tmp-", StringComparison.Ordinal)) ?? "none");
            var wait = Stopwatch.StartNew();
            while (!p.HasExited && !points[i](staging) && wait.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(1);
            int delay = rng.Next(0, 20);
            Thread.Sleep(delay);
            bool finished = p.HasExited;
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            if (Directory.Exists(target))
            {
                Assert.That(IntactCases(target), Is.EqualTo(BasicCases), $"kill at point {i} +{delay} ms");
                seen.Add($"point {i} +{delay} ms: " + (finished ? "finished" : FixturePack.Open(target).Manifest!.Files.SequenceEqual(oldFiles) ? "old" : "new"));
            }
            else
            {
                // The documented window between the two renames: the old pack waits aside for the next run.
                Assert.That(Beside(target).Any(n => n.Contains(".old-", StringComparison.Ordinal)), $"kill at point {i} +{delay} ms: target gone and no .old- folder");
                seen.Add($"point {i} +{delay} ms: aside");
            }
        }
        TestContext.Out.WriteLine($"after each kill: {string.Join(", ", seen)}");

        var rerun = Run([.. GenerateBasic, "--out", target, "--force"]);
        Assert.That(rerun.Code, Is.EqualTo(0), rerun.ToString());
        Assert.That(IntactCases(target), Is.EqualTo(BasicCases));
        Assert.That(Beside(target), Is.Empty, "no temporary, old or lock file is left beside the pack");
    }

    [Test]
    public void ASecondRunOnTheSameTargetFailsAtOnceAndTheFirstCompletes()
    {
        string target = TempPath("pack");
        using var p = StartWriting(target, [.. GenerateBasic, "--out", target]);
        Assert.That(p.HasExited, Is.False, "the first run was still writing");
        var sw = Stopwatch.StartNew();
        var second = Run("fixtures", "generate", "--out", target, "--force", "--set", "question", "--oracle", "exact");
        sw.Stop();
        Assert.That(second.Code, Is.EqualTo(2), second.ToString());
        Assert.That(second.Err, Does.Contain($"{target}: another run is writing it (lock {Path.Combine(Temp, ".pack.lock")} is held)"));
        // Generous for a loaded machine; waiting for the lock would take the first run's whole write.
        Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "it fails at once rather than waiting");
        Assert.That(p.WaitForExit(30_000), Is.True);
        Assert.That(p.ExitCode, Is.EqualTo(0));
        Assert.That(IntactCases(target), Is.EqualTo(BasicCases), "the first run's pack, whole");
        Assert.That(Beside(target), Is.Empty);
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
