using System.Text.Json;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Tests.Oracles;
using Spectre.Console;

namespace ConvVerify.Tests.Cli;

/// <summary><c>convverify fixtures generate</c> and <c>fixtures check</c>.</summary>
public class FixturesCommandTests : CliTestBase
{
    private static readonly string[] TwoProblems = ["mb1ic3ih5oc16kh3", "mb1ic2iw8oc3ow4kw1sw2pw0"];

    static FixturesCommandTests() => CliFakeOracles.Register();

    // The question set in f32 with the integer fill, from the exact engine: 2 cases, both with a bias, so 4 directions
    // each and 9 files each (case.json, x, w, b, dy, y, dx, dw, db). No torch needed to make it or to check it fresh.
    private string ExactPack(string name = "exact")
    {
        string pack = TempPath(name);
        var r = Run("fixtures", "generate", "--set", "question", "--dtype", "f32", "--fill", "integer", "--oracle", "exact", "--out", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        return pack;
    }

    private static string[] Lines(string text) => text.ReplaceLineEndings("\n").Split('\n');

    private CliResult Generate(string output, params string[] extra) =>
        Run(["fixtures", "generate", "--out", output, .. TwoProblems, "--dtype", "f32", .. extra]);

    [Test]
    public void GenerateWritesAPackThatChecksClean()
    {
        LiveTorch.Require();
        string pack = TempPath("generated");
        var r = Generate(pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(pack, "manifest.json")));
        var cases = manifest.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.GetString()!).ToList();
        // 2 problems × 1 dtype × 2 fills.
        Assert.That(cases, Has.Count.EqualTo(4));
        Assert.That(cases, Has.All.Contain("_f32_"));
        Assert.That(cases.Count(c => c.EndsWith("_integer", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(cases.Count(c => c.StartsWith("mb1ic3ih5oc16", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(cases.Count(c => c.StartsWith("mb1ic2iw8oc3ow4", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(CaseFolders(pack), Is.EquivalentTo(cases));
        foreach (string id in cases)
        foreach (string file in new[] { "case.json", "x.npy", "w.npy", "b.npy", "dy.npy", "y.npy", "dx.npy", "dw.npy", "db.npy" })
            Assert.That(File.Exists(Path.Combine(pack, id, file)), Is.True, $"{id}/{file}");
        Assert.That(r.Out, Does.Contain("4 cases"));

        var check = Run("fixtures", "check", pack);
        Assert.That(check.Code, Is.EqualTo(0), check.ToString());
        Assert.That(check.Out, Does.Contain("4 cases, 0 corrupt files, 0 failed directions"));

        // The generated pack serves as an oracle for the naive implementation too.
        var naive = Run("check", "--pack", pack);
        Assert.That(naive.Code, Is.EqualTo(0), naive.ToString());
    }

    [Test]
    public void GenerateIntoANonEmptyFolderNeedsForce()
    {
        LiveTorch.Require();
        string pack = TempPath("occupied");
        Directory.CreateDirectory(pack);
        string stray = Path.Combine(pack, "stray.txt");
        File.WriteAllText(stray, "keep me unless forced");

        var r = Generate(pack);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("--force"));
        Assert.That(File.Exists(stray), Is.True, "without --force nothing is deleted");
        Assert.That(File.Exists(Path.Combine(pack, "manifest.json")), Is.False);

        r = Generate(pack, "--force");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("not a fixture pack").And.Contain("stray.txt"));
        Assert.That(File.Exists(stray), Is.True, "--force replaces a pack, never a folder of other files");

        File.Delete(stray);
        Assert.That(Generate(pack).Code, Is.EqualTo(0));
        string extra = Path.Combine(pack, "leftover-case");
        Directory.CreateDirectory(extra);
        File.WriteAllText(Path.Combine(extra, "case.json"), "{}");
        r = Generate(pack, "--force");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Directory.Exists(extra), Is.False, "--force replaces an existing pack's contents");
        Assert.That(File.Exists(Path.Combine(pack, "manifest.json")), Is.True);
        Assert.That(Run("fixtures", "check", pack).Code, Is.EqualTo(0));
    }

    [Test]
    public void GenerateWithoutASelectionIsBadUsage()
    {
        string pack = TempPath("unused");
        var r = Run("fixtures", "generate", "--out", pack);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("--set"));
        Assert.That(Directory.Exists(pack), Is.False);
    }

    [Test]
    public void GenerateWithoutOutIsBadUsage()
    {
        var r = Run("fixtures", "generate", "mb1ic3ih5oc16kh3");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("--out"));
    }

    [Test]
    public void CheckOfACommittedPackCopyPasses()
    {
        string pack = CopyCommittedPack("question");
        var r = Run("fixtures", "check", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("12 cases, 0 corrupt files, 0 failed directions"));
    }

    [Test]
    public void CheckFindsACorruptedByteAndNamesTheFile()
    {
        string pack = CopyCommittedPack("question");
        string file = Path.Combine(pack, QuestionCase("f64", "normal"), "w.npy");
        byte[] bytes = File.ReadAllBytes(file);
        bytes[^3] ^= 0x10; // inside the last float64 of the data
        File.WriteAllBytes(file, bytes);

        var r = Run("fixtures", "check", pack);
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        Assert.That(r.Out, Does.Contain("corrupt:").And.Contain(file));
        // The changed input fails its case's four directions (the generator makes another w), and the file is counted
        // once, as a file: neither a case of its own nor a direction among the failed ones.
        var lines = Lines(r.Out);
        Assert.That(lines, Does.Contain($"fixtures check {pack}: 12 cases, 1 corrupt file, 4 failed directions, 44 fresh"));
        Assert.That(lines.Where(l => l.StartsWith("why: ", StringComparison.Ordinal)),
            Is.EqualTo(new[] { "why: 1 file of the pack fails its manifest's sha256 or is missing", "why: 4 directions failed" }));
        Assert.That(lines.Single(l => l.StartsWith("fixtures check: ", StringComparison.Ordinal)), Does.StartWith("fixtures check: 12 cases, 48 directions: 44 passed, 4 failed"));
    }

    [Test]
    public void CheckOfAMissingFolderIsBadInput()
    {
        string missing = TempPath("no-pack");
        var r = Run("fixtures", "check", missing);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain(missing));
    }

    [Test]
    public void CheckOfAFolderThatIsNoPackIsBadInput()
    {
        string empty = TempPath("empty");
        Directory.CreateDirectory(empty);
        var r = Run("fixtures", "check", empty);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("not a fixture pack"));
    }

    [Test]
    public void WithoutItsOracleAPackIsStillReadWholeAndSaysFreshnessWasNotChecked()
    {
        string pack = CopyCommittedPack("question");
        string manifest = Path.Combine(pack, "manifest.json");
        // Rewritten through the writer, so the manifest's own hash stays right and only the oracle is unknown.
        (ConvVerify.Fixtures.Manifest.Read(manifest) with { Oracle = "no-such-oracle" }).Write(manifest);
        var r = Run("fixtures", "check", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("freshness not checked").And.Contain("no-such-oracle"));

        string y = Path.Combine(pack, QuestionCase("f32", "normal"), "y.npy");
        File.WriteAllBytes(y, File.ReadAllBytes(y)[..100]);
        var broken = Run("fixtures", "check", pack);
        Assert.That(broken.Code, Is.EqualTo(2), "a truncated file is unreadable, not only corrupt\n" + broken);
        Assert.That(broken.Out, Does.Contain("corrupt: ").And.Contain(y).And.Contain("ERROR"));
    }

    [Test]
    public void AnOracleThatFailsInTheFreshnessCheckExits2AsAnOracleFailure()
    {
        // The help said exit 2 meant an unreadable file; an oracle that raises on every case (as torch does on a kernel
        // it lacks) exits 2 too, said as the oracle's failure, as check says it: the pack itself is fine.
        string pack = ExactPack();
        string manifest = Path.Combine(pack, "manifest.json");
        (Manifest.Read(manifest) with { Oracle = CliFakeOracles.TorchLikeFailure }).Write(manifest);
        var r = Run("fixtures", "check", pack);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        var lines = Lines(r.Out);
        Assert.That(lines.Where(l => l.StartsWith("why: ", StringComparison.Ordinal)),
            Is.EqualTo(new[] { "why: 2 directions could not be checked (oracle failure, not unusable input)" }), r.ToString());
        Assert.That(lines, Does.Contain($"fixtures check {pack}: 2 cases, 0 corrupt files, 0 failed directions, 0 fresh"), r.ToString());
    }

    [Test]
    public void FixturesCheckTakesShards()
    {
        string pack = CopyCommittedPack("question");
        var shards = Enumerable.Range(1, 2).Select(i => Run("fixtures", "check", pack, "--shard", $"{i}/2")).ToList();
        Assert.That(shards.Select(s => s.Code), Is.All.Zero, string.Join("\n", shards));
        int Cases(CliResult s) => int.Parse(System.Text.RegularExpressions.Regex.Match(s.Out, @"fixtures check: (\d+) cases?").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(shards.Sum(Cases), Is.EqualTo(12));
    }

    [Test]
    public void GenerateSaysWhatItWroteWithEveryVersionOfTheOracle()
    {
        string pack = TempPath("two-versions");
        int made = CliFakeOracles.OraclesMade(CliFakeOracles.TwoVersionsForGenerate).Count;
        var r = Run("fixtures", "generate", "--set", "question", "--dtype", "f32", "--fill", "integer", "--oracle", CliFakeOracles.TwoVersionsForGenerate, "--out", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out.ReplaceLineEndings("\n"), Is.EqualTo($"wrote {pack}: 2 cases, 18 files (oracle cli-two-versions-generate [lib-a 1.0; lib-b 2.5])\n"));
        Assert.That(Manifest.Read(Path.Combine(pack, "manifest.json")).Files, Has.Count.EqualTo(18));
        var oracle = CliFakeOracles.OraclesMade(CliFakeOracles.TwoVersionsForGenerate).Skip(made).Single();
        Assert.That(oracle.Disposed, Is.EqualTo(1), "the command made the oracle, so it releases it (ORT holds native sessions)");
    }

    [Test]
    public void GenerateRefusesAnOracleItCannotUseAndWritesNothing()
    {
        string pack = TempPath("refused");
        var unknown = Run("fixtures", "generate", "--set", "question", "--oracle", "nope", "--out", pack);
        Assert.That(unknown.Code, Is.EqualTo(2), unknown.ToString());
        Assert.That(unknown.Err, Does.StartWith("convverify: --oracle: unknown oracle 'nope' (known: "));

        var unavailable = Run("fixtures", "generate", "--set", "question", "--oracle", CliFakeOracles.Unavailable, "--out", pack);
        Assert.That(unavailable.Code, Is.EqualTo(2), unavailable.ToString());
        Assert.That(unavailable.Err.ReplaceLineEndings("\n"), Is.EqualTo($"convverify: fixtures generate needs {CliFakeOracles.UnavailableReason}\n"));
        Assert.That(Path.Exists(pack), Is.False);
    }

    [Test]
    public void GenerateRefusesADTypeNamedThatItsOracleCannotCompute()
    {
        // A pack of bf16 inputs without a single result would check nothing; ORT has no bfloat16 Conv.
        string pack = TempPath("bf16");
        var r = Run("fixtures", "generate", "--set", "question", "--dtype", "bf16", "--oracle", "ort", "--out", pack);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err.ReplaceLineEndings("\n"), Is.EqualTo($"convverify: --dtype bf16 (bfloat16) is not provided by this oracle: oracle ort: {OrtOracle.BFloat16Reason}; "
            + "oracle ort provides f32 and f16: choose one with --dtype\n"));
        Assert.That(Path.Exists(pack), Is.False);
    }

    [Test]
    public void GenerateRefusesADefaultDTypeItsOracleCannotComputeUpFrontNamingDType()
    {
        // The defaults are f32, f64 and bf16: ORT computes f64 for none of them, and the generator failed on the first
        // f64 case with "T: ort computes float32 and float16 only, asked for Double on ...", its own parameter's name.
        string pack = TempPath("default");
        var r = Run("fixtures", "generate", "--set", "question", "--oracle", "ort", "--out", pack);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err.ReplaceLineEndings("\n"), Is.EqualTo($"convverify: --dtype f64 (float64) is not provided by this oracle: oracle ort: {OrtOracle.Float64Reason} "
            + "(the default --dtype is f32, f64, bf16); oracle ort provides f32 and f16: choose one with --dtype\n"));
        Assert.That(Path.Exists(pack), Is.False);
        foreach (string dtype in new[] { "f32", "f16" })
            Assert.That(Run("fixtures", "generate", "--set", "question", "--oracle", "ort", "--dtype", dtype, "--fill", "integer", "--out", pack, "--force").Code, Is.EqualTo(0),
                $"{dtype}, which the message names, is generated");
    }

    [Test]
    public void CheckOfAPackWhoseOracleRunsHereSaysHowManyDirectionsAreFresh()
    {
        string pack = ExactPack();
        var r = Run("fixtures", "check", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        // Checked against the pack's own oracle, not torch.
        Assert.That(r.Out, Does.Contain("(exact against pack "));
        Assert.That(Lines(r.Out), Does.Contain($"fixtures check {pack}: 2 cases, 0 corrupt files, 0 failed directions, 8 fresh"));
    }

    [Test]
    public void CheckReleasesTheOracleItMadeForFreshness()
    {
        string pack = TempPath("released");
        Assert.That(Run("fixtures", "generate", "mb1ic1ih4oc1kh3", "--dtype", "f32", "--fill", "integer", "--oracle", CliFakeOracles.TwoVersionsForGenerate, "--out", pack).Code, Is.EqualTo(0));
        int made = CliFakeOracles.OraclesMade(CliFakeOracles.TwoVersionsForGenerate).Count;
        var r = Run("fixtures", "check", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Lines(r.Out), Does.Contain($"fixtures check {pack}: 1 case, 0 corrupt files, 0 failed directions, 4 fresh"));
        var oracle = CliFakeOracles.OraclesMade(CliFakeOracles.TwoVersionsForGenerate).Skip(made).Single();
        Assert.That(oracle.Disposed, Is.EqualTo(1), "the command made the oracle, so it releases it (ORT holds native sessions)");
    }

    [Test]
    public void CheckOfAPackWhoseOracleIsUnknownHereSaysSoOnceAndThatFreshnessWasNotChecked()
    {
        string pack = ExactPack();
        string manifest = Path.Combine(pack, "manifest.json");
        (Manifest.Read(manifest) with { Oracle = "no-such-oracle" }).Write(manifest);
        var r = Run("fixtures", "check", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        string[] lines = Lines(r.Out);
        Assert.That(lines.Where(l => l.StartsWith("warning: ", StringComparison.Ordinal)).ToList(),
            Has.Count.EqualTo(1).And.One.StartWith("warning: freshness not checked: oracle: unknown oracle 'no-such-oracle' (known: "));
        Assert.That(lines, Does.Contain($"fixtures check {pack}: 2 cases, 0 corrupt files, 0 failed directions, freshness not checked"));
    }

    [Test]
    public void APacksOwnWarningIsPrintedOnce()
    {
        // Opening the pack and planning its freshness both see the pack's warnings; the user reads each once.
        string pack = ExactPack();
        string manifest = Path.Combine(pack, "manifest.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace($"\"{Manifest.CurrentFormat}\"", $"\"{Manifest.FormatWithoutSelfHash}\"", StringComparison.Ordinal));
        var r = Run("fixtures", "check", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Lines(r.Out).Where(l => l.StartsWith("warning: ", StringComparison.Ordinal)).ToList(), Is.EqualTo(new[]
        {
            $"warning: {manifest}: format \"{Manifest.FormatWithoutSelfHash}\" carries no hash of the manifest itself, so only the files it lists are checked",
        }));
        Assert.That(Lines(r.Out), Does.Contain($"fixtures check {pack}: 2 cases, 0 corrupt files, 0 failed directions, 8 fresh"));
    }

    [Test]
    public void CheckRefusesAnUnwritableJsonBeforeCheckingAnything()
    {
        string pack = ExactPack();
        string folder = TempPath("a-folder");
        Directory.CreateDirectory(folder);
        var r = Run("fixtures", "check", pack, "--json", folder);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err.ReplaceLineEndings("\n"), Is.EqualTo($"convverify: --json: cannot write {folder}: it is a folder\n"));
        Assert.That(r.Out, Is.Empty, "nothing is checked when the report could not be written");
    }

    [Test]
    public void CheckOnATerminalNamesItsProgress()
    {
        string pack = ExactPack();
        var r = Run(w =>
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(w), Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.Yes,
            });
            console.Profile.Width = 200;
            return console;
        }, "fixtures", "check", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Match(@"fixtures check\s.*100\s*%"), r.ToString());
    }

    [Test]
    public void RegenerateRefusesAnOracleThatDeclinesADTypeOfACommittedSet()
    {
        // torch on a CPU where it sums bfloat16 in bfloat16 declines bfloat16: rewriting the packs there would drop
        // their bfloat16 results, so regenerate refuses before it writes anything.
        var variants = ConvVerify.Catalog.CaseSets.AllVariants("question");
        var declining = new Runs.DefinitionOracle("torch") { Declines = ConvVerify.Problems.DType.BFloat16 };
        Assert.That(ConvVerify.Cli.FixturesCommand.RegenerateRefusal("question", variants, declining), Is.EqualTo(
            "fixtures regenerate: the committed set 'question' holds bf16 cases of rank 2, and bf16 (bfloat16) is not provided by this oracle: "
            + $"oracle torch: {Runs.DefinitionOracle.DeclineReason}; regenerate where the oracle computes every dtype of the committed sets"));
        Assert.That(ConvVerify.Cli.FixturesCommand.RegenerateRefusal("question", variants, new Runs.DefinitionOracle("torch")), Is.Null);
    }
    [Test]
    public void RegenerateReadsEverySetBeforeItWritesOne()
    {
        // pytorch.txt with a line repeated: question and basic were rewritten, then the run stopped at pytorch.
        string root = TempPath("fixtures");
        var refusal = Assert.Throws<ConvVerify.Cli.CliException>(() => ConvVerify.Cli.FixturesCommand.RegenerateSets(root,
            set => set == "pytorch" ? throw new ConvVerify.Problems.DescriptorException("set 'pytorch':81: the same case as line 80") : ConvVerify.Catalog.CaseSets.AllVariants(set)))!;
        Assert.That(refusal.Message, Is.EqualTo("fixtures regenerate: set 'pytorch':81: the same case as line 80; no set was rewritten"));
        // Cases that would share a folder, however the set came to make them, alike.
        var question = ConvVerify.Catalog.CaseSets.AllVariants("question");
        refusal = Assert.Throws<ConvVerify.Cli.CliException>(() => ConvVerify.Cli.FixturesCommand.RegenerateSets(root, set => set == "basic" ? [.. question, question[0]] : question))!;
        Assert.That(refusal.Message, Is.EqualTo($"fixtures regenerate: {Path.Combine(root, "basic")}: 1 case is given twice (identical ids): {question[0].Id}; no set was rewritten"));
        Assert.That(Directory.Exists(root), Is.False, "nothing written");
        Assert.That(ConvVerify.Cli.FixturesCommand.RegenerateSets(root, ConvVerify.Catalog.CaseSets.AllVariants).Select(s => s.Set), Is.EqualTo(ConvVerify.Catalog.CaseSets.Committed));
    }

    [Test]
    public void RegenerateRefusesAnyCommittedSetsFolderItCannotReplaceBeforeRewritingOne()
    {
        // A stray in basic/ was found after question/ had been rewritten: the clone held packs of two generations.
        string root = TempPath("fixtures");
        string question = Path.Combine(root, "question"), basic = Path.Combine(root, "basic");
        Directory.CreateDirectory(question);
        File.WriteAllText(Path.Combine(question, "manifest.json"), "{}");
        ConvVerify.Cli.FixturesCommand.CheckRegenerateTargets(root);
        File.WriteAllText(basic, "");
        Assert.That(() => ConvVerify.Cli.FixturesCommand.CheckRegenerateTargets(root), Throws.TypeOf<ConvVerify.Cli.CliException>().With.Message.EqualTo(
            $"fixtures regenerate: {basic}: is a regular file, not a pack folder; no set was rewritten"));
        File.Delete(basic);
        Directory.CreateSymbolicLink(basic, question);
        Assert.That(() => ConvVerify.Cli.FixturesCommand.CheckRegenerateTargets(root), Throws.TypeOf<ConvVerify.Cli.CliException>().With.Message.EqualTo(
            $"fixtures regenerate: {basic}: is a symbolic link (to {question}); regenerate rewrites the clone's own folders; no set was rewritten"));
    }
}
