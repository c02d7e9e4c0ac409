using System.Text.Json;
using ConvVerify.Cli;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// The options every run command shares (<c>RunOptions</c>): what --tolerance sound changes and what it leaves, error maps
/// made exactly when a file will show them, and output files that cannot be written refused by name.
/// </summary>
public class RunOptionsTests : CliTestBase
{
    private static JsonElement[] Rows(string json) => [.. JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("rows").EnumerateArray()];

    [Test]
    public void ToleranceSoundReplacesOnlyTheProbabilisticTier()
    {
        string sound = TempPath("sound.json"), probable = TempPath("probable.json");
        Assert.That(Run("check", "--set", "question", "--dtype", "f32", "--tolerance", "sound", "--json", sound).Code, Is.EqualTo(0));
        Assert.That(Run("check", "--set", "question", "--dtype", "f32", "--json", probable).Code, Is.EqualTo(0));
        static string[] Tiers(string json, string fill) =>
            [.. Rows(json).Where(r => r.GetProperty("fill").GetString() == fill).Select(r => r.GetProperty("tolerance").GetString()!).Distinct()];
        Assert.That(Tiers(probable, "normal"), Is.EqualTo(new[] { "Probabilistic" }));
        Assert.That(Tiers(sound, "normal"), Is.EqualTo(new[] { "SoundBound" }));
        // Integer fills are compared for exact values either way: there is no probabilistic tier to replace.
        Assert.That(Tiers(probable, "integer"), Is.EqualTo(new[] { "ExactValues" }));
        Assert.That(Tiers(sound, "integer"), Is.EqualTo(new[] { "ExactValues" }));
    }

    // A failing row's error map costs a pass over its elements: made when a file (--json, --report) will hold it.
    [TestCase(true, false)]
    [TestCase(false, true)]
    [TestCase(true, true)]
    public void AFailingRowCarriesItsErrorMapWhenAJsonOrHtmlReportIsWritten(bool json, bool html)
    {
        string pack = CopyCommittedPack("question");
        File.Delete(Path.Combine(pack, "manifest.json"));
        string id = QuestionCase("f32", "integer");
        Bump(pack, id, "y", [1, 16, 3, 3], 0);
        string jsonPath = TempPath("r.json"), htmlDir = TempPath("html");
        string[] args = ["check", "--pack", pack, "--dtype", "f32", "--fill", "integer"];
        if (json) args = [.. args, "--json", jsonPath];
        if (html) args = [.. args, "--report", htmlDir];
        var r = Run(args);
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        if (json)
        {
            var failing = Rows(jsonPath).Single(row => row.GetProperty("outcome").GetString() == "FAIL");
            Assert.That(failing.TryGetProperty("map", out var map) && map.ValueKind == JsonValueKind.Object, Is.True, "the failing row's map");
        }
        if (html)
        {
            Assert.That(File.ReadAllText(Path.Combine(htmlDir, "index.html")), Does.Contain("failure-0-heatmap.png"));
            Assert.That(File.Exists(Path.Combine(htmlDir, "failure-0-heatmap.png")), Is.True);
        }
    }

    [Test]
    public void AReportFolderThatCannotBeMadeIsRefusedBeforeTheRun()
    {
        // /proc refuses new entries even to root, whose writes no permission bit stops.
        var r = Run("check", "--set", "question", "--report", "/proc/self/convverify-report");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.StartWith("convverify: --report: cannot write into /proc/self/convverify-report: "), r.ToString());
        Assert.That(r.Out, Is.Empty, "refused before any case ran");
    }

    [Test]
    public void AReportFolderThatExistsButTakesNoFilesIsRefusedBeforeTheRun()
    {
        // /proc/self exists, so making it succeeds; only writing a file into it shows it cannot hold the report.
        var r = Run("check", "--set", "question", "--report", "/proc/self");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.StartWith("convverify: --report: cannot write into /proc/self: "), r.ToString());
        Assert.That(r.Out, Is.Empty, "refused before any case ran");
    }

    [Test]
    public void TheFileSystemRootIsAReportFolderWithoutAParent()
    {
        // "/" has no parent folder to look for; whether it is writable is the file system's answer, not "does not exist".
        string? refusal = null;
        try
        {
            RunOptions.CheckReportFolder("/");
        }
        catch (CliException e)
        {
            refusal = e.Message;
        }
        Assert.That(refusal, Is.Null.Or.StartWith("--report: cannot write into /: "));
        Assert.That(File.Exists("/.convverify-write-test"), Is.False, "the probe is removed");
    }

    // /dev/full accepts the open and fails the write (no space), so these pass the checks made before the run and fail
    // when the report is written: each is named with its option and the system's reason, exit 2.
    [TestCase("--json")]
    [TestCase("--junit")]
    public void AReportFileWhoseWriteFailsIsNamedWithItsOption(string option)
    {
        Assume.That(File.Exists("/dev/full"), "needs Linux's /dev/full");
        var r = Run("check", "--set", "question", "--dtype", "f32", "--fill", "integer", option, "/dev/full");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.StartWith($"convverify: {option}: cannot write /dev/full: "), r.ToString());
    }

    [Test]
    public void AReportFolderWhoseWriteFailsIsNamed()
    {
        // RunOptions.Finish writes after the run, when the folder may have gone or turned into something else.
        var report = new ConvVerify.Runs.RunReport { Command = "check", Subject = new ConvVerify.Runs.SourceInfo { Name = "naive" }, References = [] };
        string blocked = TempPath("blocked");
        File.WriteAllText(blocked, "a file where the report's folder should be");
        var e = Assert.Throws<CliException>(() => RunOptions.Finish(report, null, null, blocked))!;
        Assert.That(e.Message, Does.StartWith($"--report: cannot write {blocked}: "));
    }

    [TestCase("1/2147483648")]
    [TestCase("2147483648/2147483648")]
    [TestCase("1/99999999999999999999")]
    public void AShardPastTheLargestCountSaysTheLimit(string shard)
    {
        // The probe: 1/2147483648 was told "expected i/n with 1 <= i <= n", which it meets; the bound it broke was unsaid.
        var r = Run("check", "--oracle", "exact", "mb1ic1ih4oc1kh3", "--dtype", "f32", "--fill", "integer", "--shard", shard);
        Assert.That((r.Code, r.Out, r.Err), Is.EqualTo((2, "", $"convverify: --shard: expected i/n with 1 <= i <= n <= 2147483647 (e.g. 1/4), got '{shard}'\n")), r.ToString());
    }

    [Test]
    public void TheLargestShardCountIsTaken()
    {
        // The bound said is the bound kept: n = 2147483647 runs (its shard of one case most likely empty, which passes).
        var r = Run("check", "--oracle", "exact", "mb1ic1ih4oc1kh3", "--dtype", "f32", "--fill", "integer", "--shard", "2147483647/2147483647");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
    }
}
