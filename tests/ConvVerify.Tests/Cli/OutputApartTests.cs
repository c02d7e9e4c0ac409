namespace ConvVerify.Tests.Cli;

/// <summary>
/// A run's outputs never land on what it reads: a probe wrote --json over a pack's manifest, --junit over an input array
/// and --json over a candidate's result, each run passing and the next one failing.
/// </summary>
public class OutputApartTests : CliTestBase
{
    [Test]
    public void AnOutputOnAPackFileOrInsideAPackIsRefusedBeforeTheRun()
    {
        string pack = CopyCommittedPack("question");
        string manifest = Path.Combine(pack, "manifest.json");
        string before = File.ReadAllText(manifest);
        var r = Run("check", "--pack", pack, "--json", manifest);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2, $"convverify: --json: {manifest} is inside the --pack folder {pack}; an output must not overwrite what the run reads")), r.ToString());
        string x = Path.Combine(pack, QuestionCase("f32", "integer"), "x.npy");
        r = Run("check", "--pack", pack, "--junit", x);
        Assert.That((r.Code, r.Err.Contains("--junit: ", StringComparison.Ordinal) && r.Err.Contains("inside the --pack folder", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        r = Run("check", "--pack", pack, "--report", pack);
        Assert.That((r.Code, r.Err.Contains($"--report: {pack} is the --pack the run reads", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        r = Run("fixtures", "check", pack, "--json", Path.Combine(pack, "r.json"));
        Assert.That((r.Code, r.Err.Contains("r.json is inside the pack folder", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        // Without --pack the committed packs are read: a report into one of them is refused too.
        string committed = Path.Combine(ConvVerify.Locations.CommittedPack("basic"), "r.json");
        r = Run("check", "--json", committed);
        Assert.That((r.Code, r.Err.Contains("r.json is inside the committed pack folder", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        Assert.That(File.Exists(committed), Is.False);
        Assert.That(File.ReadAllText(manifest), Is.EqualTo(before), "nothing was written");
        // Beside the pack is fine, and a name that only starts like the pack's is not inside it.
        r = Run("check", "--pack", pack, "--json", pack + "-report.json");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
    }

    [Test]
    public void AnOutputOnACandidateOrABatchFileIsRefused()
    {
        string pack = CopyCommittedPack("question");
        string cand = TempPath("cand");
        Directory.CreateDirectory(Path.Combine(cand, QuestionCase("f32", "integer")));
        var r = Run("verify-impl", "--pack", pack, "--candidate", cand, "--json", Path.Combine(cand, QuestionCase("f32", "integer"), "y.npy"));
        Assert.That((r.Code, r.Err.Contains("inside the --candidate folder", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        string batch = TempPath("b.txt");
        File.WriteAllText(batch, "mb1ic2ih4oc2kh3\n");
        r = Run("check", "--oracle", "naive", "--batch", batch, "--json", batch);
        Assert.That((r.Code, r.Err.Contains($"--json: {batch} is the --batch the run reads", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        Assert.That(File.ReadAllText(batch), Is.EqualTo("mb1ic2ih4oc2kh3\n"));
        r = Run("check", "--oracle", "naive", "mb1ic2ih4oc2kh3", "--json", TempPath("rep"), "--report", TempPath("rep"));
        Assert.That((r.Code, r.Err.Contains("is also the --report folder", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
    }
}
