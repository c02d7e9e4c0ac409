using ConvVerify.Fixtures;
using ConvVerify.Runs;
using ConvVerify.Tests.Fixtures;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// <c>--require all</c> where a pack is the oracle: a direction the pack holds no result for is absent, and fails the run
/// as a direction an oracle declines does; under <c>--require any</c> it is only reported.
/// </summary>
public class RequireAllPackTests : QuestionPackTest
{
    // The probe: every dw.npy out of the case folders and the manifest (sealed again), and the candidate's dw all wrong:
    // verify-impl passed with "12 not in pack", though --require all says every direction must come from the oracle.
    private int StripFromPack(string pack, string tensor)
    {
        string manifestPath = Path.Combine(pack, "manifest.json");
        var m = Manifest.Read(manifestPath);
        int cases = 0;
        foreach (string id in CaseFolders(pack))
        {
            File.Delete(Path.Combine(pack, id, tensor + ".npy"));
            Assert.That(m.Files.Remove($"{id}/{tensor}.npy"), Is.True, id);
            cases++;
        }
        m.Write(manifestPath);
        return cases;
    }

    // Garbage in the data of each of the candidate's files of the tensor; the .npy header is kept, so it still reads.
    private void Garble(string tensor)
    {
        foreach (string id in CaseFolders(Candidate))
        {
            string file = Path.Combine(Candidate, id, tensor + ".npy");
            byte[] bytes = File.ReadAllBytes(file);
            for (int i = bytes.Length - 16; i < bytes.Length; i++) bytes[i] ^= 0x21;
            File.WriteAllBytes(file, bytes);
        }
    }

    private static string[] Why(CliResult r) =>
        [.. r.Out.ReplaceLineEndings("\n").Split('\n').Where(l => l.StartsWith("why: ", StringComparison.Ordinal))];

    [Test]
    public void VerifyImplUnderRequireAllFailsADirectionThePackDoesNotHold()
    {
        int cases = StripFromPack(Pack, "dw");
        Garble("dw");

        var all = Run("verify-impl", "--pack", Pack, "--candidate", Candidate);
        Assert.That(all.Code, Is.EqualTo(1), "verify-impl defaults to --require all, and the pack, the oracle, has no dw\n" + all);
        Assert.That(Why(all), Has.Length.EqualTo(1), all.ToString());
        Assert.That(Why(all)[0], Does.StartWith($"why: --require all: {cases} directions not in pack (first: ")
            .And.EndWith(" dw: not in pack); --require any accepts absent directions"), all.ToString());
        Assert.That(all.Out, Does.Contain($"{3 * cases} passed, 0 failed, 0 suspicious, {cases} not in pack"));

        var any = Run("verify-impl", "--pack", Pack, "--candidate", Candidate, "--require", "any");
        Assert.That(any.Code, Is.EqualTo(0), "under --require any the absent dw is reported, not a failure\n" + any);
        Assert.That(Why(any), Is.Empty, any.ToString());
        Assert.That(any.Out, Does.Contain($"{cases} not in pack"));
    }

    [Test]
    public void CheckOfAPackUnderRequireAllFailsADirectionItDoesNotHold()
    {
        int cases = StripFromPack(Pack, "dx");
        var all = Run("check", "--pack", Pack, "--require", "all");
        Assert.That(all.Code, Is.EqualTo(1), all.ToString());
        Assert.That(Why(all).Single(), Does.StartWith($"why: --require all: {cases} directions not in pack (first: "), all.ToString());
        var any = Run("check", "--pack", Pack);
        Assert.That(any.Code, Is.EqualTo(0), "check defaults to --require any\n" + any);
    }

    [Test]
    public void MergedShardsExitAsTheUnshardedRunUnderRequireAll()
    {
        StripFromPack(Pack, "dw");
        var whole = Run("verify-impl", "--pack", Pack, "--candidate", Candidate);
        Assert.That(whole.Code, Is.EqualTo(1), whole.ToString());
        var shards = Enumerable.Range(1, 2).Select(i => TempPath($"s{i}.json")).ToList();
        for (int i = 0; i < 2; i++)
        {
            var shard = Run("verify-impl", "--pack", Pack, "--candidate", Candidate, "--shard", $"{i + 1}/2", "--json", shards[i]);
            Assert.That(shard.Code, Is.EqualTo(1), "each shard holds some of the cases, each without dw\n" + shard);
        }
        string json = TempPath("merged.json");
        var merged = Run(["report", "merge", .. shards, "--json", json]);
        Assert.That(merged.Code, Is.EqualTo(whole.Code), merged.ToString());
        var report = RunReport.Read(json);
        Assert.That(report.Summary.ExitCode, Is.EqualTo(1));
        Assert.That(report.Summary.Reasons.Single(), Does.StartWith("--require all: 12 directions not in pack (first: "));
    }

    [Test]
    public void FixturesCheckFailsAPackMissingADirectionItsOracleComputes()
    {
        // The exact engine runs here, so freshness is checked under --require all: the generator writes dw today.
        string pack = TempPath("exact");
        var made = Run("fixtures", "generate", "--set", "question", "--dtype", "f32", "--fill", "integer", "--oracle", "exact", "--out", pack);
        Assert.That(made.Code, Is.EqualTo(0), made.ToString());
        int cases = StripFromPack(pack, "dw");
        var r = Run("fixtures", "check", pack);
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        Assert.That(Why(r).Single(), Does.StartWith($"why: --require all: {cases} directions not in pack (first: "), r.ToString());
    }

    [Test]
    public void AForwardOnlyOnnxPackNeedsRequireAnyToCheckItsYAlone()
    {
        // What turns red on purpose: fixtures import-onnx without --oracle holds y only, so verify-impl's default
        // --require all fails on dx and dw (the case has no bias); the reason says --require any accepts them.
        string test = Path.Combine(OnnxImportTests.DebianData, "node", "test_conv_with_strides_padding");
        if (!Directory.Exists(test))
            Assert.Fail($"{test} not found: install the Debian package libonnx-testdata (apt-get install libonnx-testdata)");
        string pack = TempPath("onnx");
        Assert.That(Run("fixtures", "import-onnx", test, "--out", pack).Code, Is.EqualTo(0));
        string candidate = TempPath("onnx-candidate");
        string id = CaseFolders(pack).Single();
        Directory.CreateDirectory(Path.Combine(candidate, id));
        File.Copy(Path.Combine(pack, id, "y.npy"), Path.Combine(candidate, id, "y.npy"));

        var all = Run("verify-impl", "--pack", pack, "--candidate", candidate);
        Assert.That(all.Code, Is.EqualTo(1), all.ToString());
        Assert.That(Why(all).Single(), Does.StartWith("why: --require all: 2 directions not in pack (first: ").And.EndWith("--require any accepts absent directions"));
        var any = Run("verify-impl", "--pack", pack, "--candidate", candidate, "--require", "any");
        Assert.That(any.Code, Is.EqualTo(0), any.ToString());
        // fixtures check cannot run the pack's oracle ("onnx"), so it only reads the pack: nothing is required of it.
        Assert.That(Run("fixtures", "check", pack).Code, Is.EqualTo(0));
    }
}
