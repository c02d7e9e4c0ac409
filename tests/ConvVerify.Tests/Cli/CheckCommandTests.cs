using System.Text.Json;
using System.Text.RegularExpressions;
using ConvVerify.Catalog;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Tests.Fixtures;
using ConvVerify.Tests.Oracles;

namespace ConvVerify.Tests.Cli;

/// <summary><c>convverify check</c>.</summary>
public partial class CheckCommandTests : CliTestBase
{
    [GeneratedRegex(@"check: (\d+) cases?, (\d+) directions?: (\d+) passed, (\d+) failed, \d+ suspicious, (\d+) not in pack, (\d+) not provided by oracle, \d+ not provided, \d+ errors?")]
    private static partial Regex SummaryLine();

    private static (int Cases, int Directions, int Passed, int Failed, int NotInPack, int NotProvided) Summary(CliResult r)
    {
        var m = SummaryLine().Match(r.Out);
        Assert.That(m.Success, Is.True, "no summary line in\n" + r);
        int G(int i) => int.Parse(m.Groups[i].Value, System.Globalization.CultureInfo.InvariantCulture);
        return (G(1), G(2), G(3), G(4), G(5), G(6));
    }

    // Directions of a pack, counted from its files: y, dx, dw and, with a bias, db.
    private static int Directions(string pack, Func<string, bool>? caseFilter = null) =>
        CaseFolders(pack).Where(id => caseFilter?.Invoke(id) ?? true)
            .Sum(id => new[] { "y", "dx", "dw", "db" }.Count(t => File.Exists(Path.Combine(pack, id, t + ".npy"))));

    [Test]
    public void ADescriptorWithoutANameFindsTheCatalogCase()
    {
        var r = Run("check", "--verbose", "mb1ic3ih5oc16kh3", "--dtype", "f32", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Summary(r), Is.EqualTo((1, 4, 4, 0, 0, 0)));
        Assert.That(r.Out, Does.Contain("question___f32_integer"));
        var missing = Run("check", "mb1ic3ih6oc16kh3", "--dtype", "f32", "--fill", "integer");
        Assert.That(missing.Code, Is.EqualTo(2), missing.ToString());
        Assert.That(missing.Err, Does.Contain("is in no pack checked").And.Contain("--oracle torch"));
    }

    // `check` with no arguments checks every committed pack (about 1.5 s); the tests that read its output share one run.
    // Per fixture instance, that is per test run: a mutation run's next run, in the same process, must run it again.
    private readonly Lazy<CliResult> _defaultCheck = new(() => Run("check"));

    [Test]
    public void DefaultChecksEveryCommittedPack()
    {
        var r = _defaultCheck.Value;
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        var s = Summary(r);
        int cases = CaseSets.Committed.Sum(set => CaseFolders(CommittedPacks.Dir(set)).Count());
        int directions = CaseSets.Committed.Sum(set => Directions(CommittedPacks.Dir(set)));
        Assert.That(s, Is.EqualTo((cases, directions, directions, 0, 0, 0)));
        Assert.That(r.Out, Does.Contain("against committed packs (torch)"));
    }

    [Test]
    public void SetDtypeFillSelectsOnlyThoseCases()
    {
        var r = Run("check", "--verbose", "--set", "question", "--dtype", "f32", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        var selected = CaseFolders(CommittedPacks.Dir("question")).Where(id => id.EndsWith("_f32_integer", StringComparison.Ordinal)).ToList();
        var others = CaseFolders(CommittedPacks.Dir("question")).Except(selected).ToList();
        Assert.That(selected, Has.Count.EqualTo(2));
        var s = Summary(r);
        Assert.That(s.Cases, Is.EqualTo(2));
        Assert.That(s.Passed, Is.EqualTo(Directions(CommittedPacks.Dir("question"), selected.Contains)));
        foreach (string id in selected) Assert.That(r.Out, Does.Contain(id));
        foreach (string id in others) Assert.That(r.Out, Does.Not.Contain(id));
    }

    [Test]
    public void PackOptionChecksACopiedPack()
    {
        string pack = CopyCommittedPack("question");
        var r = Run("check", "--pack", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        var s = Summary(r);
        Assert.That(s, Is.EqualTo((12, Directions(pack), Directions(pack), 0, 0, 0)));
        Assert.That(r.Out, Does.Contain($"pack {pack}"));
    }

    [Test]
    public void DescriptorsAreLookedUpInThePack()
    {
        var r = Run("check", "--set", "question", "mb1ic3ih5oc16kh3", "--dtype", "f64", "--fill", "normal");
        Assert.That(r.Code, Is.EqualTo(2), "a descriptor and --set together are bad usage\n" + r);
        // Case ids carry the catalog name, so the descriptor names the case as the catalog does.
        r = Run("check", "--verbose", "--pack", CommittedPacks.Dir("question"), "mb1ic3ih5oc16kh3n\"question\"", "--dtype", "f64", "--fill", "normal");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Summary(r).Cases, Is.EqualTo(1));
        Assert.That(r.Out, Does.Contain(QuestionCase("f64", "normal")));
    }

    [Test]
    public void ChangedFileUnderAManifestIsAnInputErrorNamingTheFile()
    {
        string pack = CopyCommittedPack("question");
        string id = QuestionCase("f32", "integer");
        string dx = Bump(pack, id, "dx", [1, 3, 5, 5], 7);

        var r = Run("check", "--pack", pack);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.All, Does.Contain(dx).And.Contain("sha256"));
    }

    [Test]
    public void ChangedResultWithoutManifestIsAMismatchNamingCaseDirectionAndElement()
    {
        string pack = CopyCommittedPack("question");
        File.Delete(Path.Combine(pack, "manifest.json"));
        string id = QuestionCase("f32", "integer");
        // Flat 37 of (1, 3, 5, 5) is [0, 1, 2, 2]: 37 = 1*25 + 2*5 + 2.
        Bump(pack, id, "dx", [1, 3, 5, 5], 37);

        var r = Run("check", "--pack", pack);
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        Assert.That(r.Out, Does.Contain("warning:").And.Contain("integrity"));
        var fails = r.Out.Split('\n').Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)).ToList();
        Assert.That(fails, Has.Count.EqualTo(1), r.ToString());
        Assert.That(fails[0], Does.Contain(id).And.Contain(" dx").And.Contain("[0, 1, 2, 2]").And.Contain("flat 37"));
        var s = Summary(r);
        Assert.That((s.Failed, s.Passed), Is.EqualTo((1, Directions(pack) - 1)));
    }

    [Test]
    public void ForwardOnlyPackReportsTheBackwardDirectionsNotInPack()
    {
        string pack = CopyCommittedPack("question");
        File.Delete(Path.Combine(pack, "manifest.json"));
        int cases = 0;
        foreach (string id in CaseFolders(pack))
        {
            cases++;
            foreach (string t in new[] { "dx", "dw", "db" }) File.Delete(Path.Combine(pack, id, t + ".npy"));
        }

        var r = Run("check", "--pack", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        // Every question case has a bias: y passes, dx, dw and db are not in the pack.
        Assert.That(Summary(r), Is.EqualTo((cases, 4 * cases, cases, 0, 3 * cases, 0)));
        Assert.That(r.Out, Does.Contain("not in pack"));
    }

    [Test]
    public void MissingPackFolderIsBadInput()
    {
        string missing = TempPath("no-pack");
        var r = Run("check", "--pack", missing);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain(missing));
    }

    [Test]
    public void JsonReportParsesAndItsSummaryMatchesItsRows()
    {
        string pack = CopyCommittedPack("question");
        File.Delete(Path.Combine(pack, "manifest.json"));
        string id = QuestionCase("f64", "normal");
        File.Delete(Path.Combine(pack, id, "dw.npy"));
        string json = TempPath("report.json");

        var r = Run("check", "--pack", pack, "--json", json);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        int Rows(string outcome) => rows.Count(e => e.GetProperty("outcome").GetString() == outcome);
        var summary = root.GetProperty("summary");
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("command").GetString(), Is.EqualTo("check"));
            Assert.That(rows, Has.Count.EqualTo(Directions(pack) + 1));
            Assert.That(root.GetProperty("schema").GetString(), Is.EqualTo("convverify-report/1"));
            var outcomes = summary.GetProperty("outcomes");
            Assert.That(outcomes.GetProperty("pass").GetInt32(), Is.EqualTo(Rows("pass")).And.EqualTo(Directions(pack)));
            Assert.That(outcomes.GetProperty("FAIL").GetInt32(), Is.EqualTo(Rows("FAIL")).And.Zero);
            Assert.That(outcomes.GetProperty("not in pack").GetInt32(), Is.EqualTo(Rows("not in pack")).And.EqualTo(1));
            Assert.That(outcomes.GetProperty("not provided").GetInt32(), Is.EqualTo(Rows("not provided")).And.Zero);
            Assert.That(summary.GetProperty("exit_code").GetInt32(), Is.EqualTo(r.Code));
            Assert.That(rows.Single(e => e.GetProperty("outcome").GetString() == "not in pack").GetProperty("case").GetString(), Is.EqualTo(id));
            Assert.That(root.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()), Has.Some.Contain("integrity"));
        });
    }

    [Test]
    public void UnwritableJsonReportIsBadInputNotACrash()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-folder-" + Guid.NewGuid().ToString("N"), "r.json");
        var r = Run("check", "--set", "question", "--dtype", "f32", "--fill", "integer", "--json", path);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("--json: cannot write").And.Contain(path));
    }

    [Test]
    public void LiveTorchInChannelsLastChecksADescriptor()
    {
        LiveTorch.Require();
        var r = Run("check", "--oracle", "torch", "--layout", "channels-last", "mb1ic4ih7oc6kh3sh2ph1", "--dtype", "f32");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Summary(r), Is.EqualTo((2, 8, 8, 0, 0, 0)));
        Assert.That(r.Out, Does.Contain("channels-last"));
        r = Run("check", "--oracle", "torch", "--layout", "diagonal", "mb1ic4ih7oc6kh3");
        Assert.That((r.Code, r.Err.Contains("--layout: expected nchw or channels-last, got 'diagonal'", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        r = Run("check", "--layout", "channels-last");
        Assert.That((r.Code, r.Err.Contains("--layout channels-last goes with a live oracle that computes in it, as torch does: a pack holds", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
    }

    [TestCase("f32", "float32", "--oracle torch or --oracle ort")]
    [TestCase("f64", "float64", "--oracle torch")]
    public void ADTypeAPackLacksIsSentToTheLiveOraclesThatComputeIt(string dtype, string name, string oracles)
    {
        // The probe: a bfloat16 pack checked with --dtype f32 suggested "--oracle ort or --oracle torch-rounded", the
        // second of which matters only for the narrow types.
        string pack = TempPath("bf16-pack");
        var made = Run("fixtures", "generate", "--out", pack, "--set", "question", "--dtype", "bf16", "--oracle", "exact");
        Assert.That(made.Code, Is.EqualTo(0), made.ToString());
        var r = Run("check", "--pack", pack, "--dtype", dtype);
        Assert.That((r.Code, r.Err.ReplaceLineEndings("\n")), Is.EqualTo((2, $"convverify: --dtype {dtype}: {pack} holds no {name} cases (only bf16); "
            + $"check {dtype} against a live oracle that computes it, e.g. {oracles}\n")), r.ToString());
    }

    [Test]
    public void AFloat16CheckOfTheCommittedPacksSaysTheyHoldNoneAndNamesTheLiveOracles()
    {
        // It said only "why: no case was selected" (exit 1).
        const string Said = "convverify: --dtype f16: the committed packs hold no float16 cases (only f32, f64, bf16); "
            + "check f16 against a live oracle that computes it, e.g. --oracle ort or --oracle torch-rounded\n";
        foreach (string[] args in new[] { new[] { "check", "--dtype", "f16" }, ["check", "--dtype", "f16", "--set", "question"] })
        {
            var r = Run(args);
            Assert.That((r.Code, r.Err.ReplaceLineEndings("\n")), Is.EqualTo((2, Said)), r.ToString());
        }
    }

    [Test]
    public void AChannelsLastRunWhoseChannelsLastOracleComputesNoneOfItsDTypesIsBadUsage()
    {
        // torch has no CPU float16; ort beside it computes f16 in NCHW only. The run passed (exit 0) having compared no
        // channels-last result, as torch alone is refused for it.
        LiveTorch.Require();
        var r = Run("check", "--oracle", "torch,ort", "--layout", "channels-last", "--dtype", "f16", "--set", "question");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.StartWith("convverify: --layout channels-last: no result would be computed in channels-last: f16 (float16) is not provided by this oracle: "
            + "oracle torch-channels-last: ").And.EndWith("; ort computes in NCHW only\n"), r.ToString());
        // A dtype torch computes in channels-last runs, ort's NCHW references beside it.
        Assert.That(Run("check", "--oracle", "torch,ort", "--layout", "channels-last", "--dtype", "f32", "--fill", "integer", "mb1ic4ih7oc6kh3sh2ph1").Code, Is.EqualTo(0));
    }

    [Test]
    public void LiveTorchInChannelsLastWarnsThatItsRank3CasesCheckItsNcdhwKernels()
    {
        // torch 1.13 on CPU has no channels-last conv3d: its rank-3 cases would have been reported as torch-channels-last
        // checks of kernels never run. Said, in the report too, and an error under --strict; a rank-2 run says nothing.
        var torch = LiveTorch.Require();
        string json = TempPath("channels-last-3d.json");
        string warning = $"torch-channels-last: torch {torch.TorchVersion} computes conv3d in NCDHW whatever the input's layout (from channels-last x and w, "
            + "y came back contiguous): 1 rank-3 case (f32) asked of it in channels-last checks its NCDHW kernels, not channels-last ones";
        string[] args = ["check", "--oracle", "torch", "--layout", "channels-last", "mb1ic2id4ih4iw4oc2kd3kh3kw3", "mb1ic4ih7oc6kh3sh2ph1", "--dtype", "f32", "--fill", "integer"];
        var r = Run([.. args, "--json", json]);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Summary(r), Is.EqualTo((2, 8, 8, 0, 0, 0)), "the cases still run: torch's NCDHW results are right");
        Assert.That(r.Out, Does.Contain("warning: " + warning), r.ToString());
        Assert.That(ConvVerify.Runs.RunReport.Read(json).Warnings, Is.EqualTo(new[] { warning }));
        Assert.That(Run([.. args, "--strict"]).Code, Is.EqualTo(2));
        // Each shard warns of its own cases only: every shard counted the whole selection's rank-3 cases. Split in two,
        // the run's two cases fall one way or the other; the shards together warn once, with the whole count.
        var shards = new[] { Run([.. args, "--shard", "1/2"]), Run([.. args, "--shard", "2/2"]) };
        Assert.That(shards.Select(x => x.Code), Is.All.Zero);
        Assert.That(shards.Count(x => x.Out.Contains("warning: " + warning, StringComparison.Ordinal)), Is.EqualTo(1), string.Join("\n", shards.Select(x => x.ToString())));
        Assert.That(shards.Count(x => x.Out.Contains("warning:", StringComparison.Ordinal)), Is.EqualTo(1), "the other shard has no rank-3 case to warn of");

        var rank2 = Run("check", "--oracle", "torch", "--layout", "channels-last", "mb1ic4ih7oc6kh3sh2ph1", "mb2ic4iw9oc6kw3pw1", "g4mb1ic4ih7oc4kh3",
            "mb1ic4ih7oc6kh1", "--dtype", "f32", "--fill", "integer", "--strict");
        Assert.That(rank2.Code, Is.EqualTo(0), rank2.ToString());
        Assert.That(rank2.All, Does.Not.Contain("warning"), rank2.ToString());

        // conv1d has channels-last kernels, but not for every kind of problem (torch 1.13: none depthwise, none 1-wide):
        // a probe per rank saw only the ordinary one, and these were reported as torch-channels-last checks. One warning
        // per reason, the ordinary conv1d in none.
        string Conv1d(string kind, int n, string dtypes) => $"torch-channels-last: torch {torch.TorchVersion} computes {kind} in NCW whatever the input's layout "
            + $"(from channels-last x and w, y came back contiguous): {n} rank-1 case{(n == 1 ? "" : "s")} ({dtypes}) asked of it in channels-last "
            + $"{(n == 1 ? "checks" : "check")} its NCW kernels, not channels-last ones";
        string json1 = TempPath("channels-last-1d.json");
        var rank1 = Run("check", "--oracle", "torch", "--layout", "channels-last", "g4mb2ic4iw9oc4kw3pw1", "g4mb1ic4iw7oc8kw3", "mb2ic4iw9oc6kw1",
            "mb2ic4iw9oc6kw3pw1", "--fill", "integer", "--json", json1);
        Assert.That(rank1.Code, Is.EqualTo(0), rank1.ToString());
        var expected = new[] { Conv1d("depthwise conv1d", 6, "f32, f64, bf16"), Conv1d("conv1d with a 1-wide kernel", 3, "f32, f64, bf16") };
        Assert.That(ConvVerify.Runs.RunReport.Read(json1).Warnings, Is.EquivalentTo(expected), rank1.ToString());
        foreach (string w in expected) Assert.That(rank1.Out, Does.Contain("warning: " + w), rank1.ToString());
        Assert.That(Run("check", "--oracle", "torch", "--layout", "channels-last", "g4mb2ic4iw9oc4kw3pw1", "--dtype", "f32", "--fill", "integer", "--strict").Code, Is.EqualTo(2));

        // A batch file's channels-last (--stag=acdeb) asks torch the same, case by case, beside its NCDHW twin.
        string batch = TempPath("channels-last-3d.txt");
        File.WriteAllText(batch, "--stag=abcde,acdeb\nmb1ic2id4ih4iw4oc2kd3kh3kw3\n");
        var stag = Run("check", "--oracle", "torch", "--batch", batch, "--dtype", "f32", "--fill", "integer");
        Assert.That(stag.Code, Is.EqualTo(0), stag.ToString());
        Assert.That(stag.Out, Does.Contain("check: 2 cases, ").And.Contain("warning: " + warning), stag.ToString());
    }

    [Test]
    public void OptionsThatWouldBeIgnoredAreBadUsage()
    {
        var r = Run("check", "--pack", CommittedPacks.Dir("question"), "--set", "basic");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("--set picks a committed pack"));
        r = Run("check", "--set", "question", "--seed", "5");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("--seed goes with a live oracle"));
    }

    [Test]
    public void SetWithoutCommittedPackIsBadUsage()
    {
        var r = Run("check", "--set", "resnet50");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("resnet50").And.Contain("--oracle torch"));
    }

    [Test]
    public void UnknownSetIsBadUsage()
    {
        var r = Run("check", "--set", "no-such-set");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("no-such-set"));
    }

    [Test]
    public void UnknownOracleIsBadUsage()
    {
        var r = Run("check", "--oracle", "bogus");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("bogus"));
    }

    [TestCase("--dtype", "f8")]
    [TestCase("--fill", "uniform")]
    public void BadDtypeOrFillIsBadUsage(string option, string value)
    {
        var r = Run("check", option, value);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain(value));
    }

    [Test]
    public void AnUnknownEngineOrALayoutWithoutTorchIsBadUsage()
    {
        var engine = Run("check", "--engine", "turbo", "--set", "question");
        Assert.That(engine.Code, Is.EqualTo(2), engine.ToString());
        Assert.That(engine.Err, Does.Contain("--engine").And.Contain("turbo"));
        var layout = Run("check", "--oracle", "ort", "--layout", "channels-last", "--set", "question");
        Assert.That(layout.Code, Is.EqualTo(2), layout.ToString());
        Assert.That(layout.Err, Is.EqualTo("convverify: --layout channels-last goes with an oracle that computes in it, as torch does: ort computes in NCHW only\n"));
        Assert.That(layout.Out, Does.Not.Contain("check:"), "no work was done");
    }

    [Test]
    public void LiveTorchOracleChecksADescriptor()
    {
        var torch = LiveTorch.Require();
        var r = Run("check", "--oracle", "torch", "mb1ic3ih5oc16kh3", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        // One problem, the three default dtypes, the integer fill; with a bias: 4 directions each. bfloat16's are not
        // provided where this CPU's torch sums bfloat16 in bfloat16 (not asked for by name, so no refusal).
        bool bf16 = torch.Provides(BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3", DType.BFloat16), ConvVerify.Cases.Direction.Forward, out _);
        Assert.That(Summary(r), Is.EqualTo(bf16 ? (3, 12, 12, 0, 0, 0) : (3, 12, 8, 0, 0, 4)));
        Assert.That(r.Out, Does.Contain("against torch"));
    }

    [Test]
    public void APassingCheckOfTheCommittedPacksIsShort()
    {
        var r = _defaultCheck.Value;
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.LessThan(30), r.Out);
        // One pack is enough to see every row printed (basic: 1,248 directions).
        var verbose = Run("check", "--verbose", "--pack", CommittedPacks.Dir("basic"));
        Assert.That(verbose.Out.Split('\n').Length, Is.GreaterThan(1000), "--verbose prints every row");
    }

    [Test]
    public void AHandMadeCaseNeedsNoIdOutputOrDescriptorAndAnUnknownFillIsReadAsNormalWithAWarning()
    {
        string pack = CopyCommittedPack("question");
        File.Delete(Path.Combine(pack, "manifest.json"));
        string json = Path.Combine(pack, QuestionCase("f32", "integer"), "case.json");
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        node.Remove("id");
        node.Remove("output");
        node.Remove("descriptor");
        node["fill"] = "uniform";
        File.WriteAllText(json, node.ToJsonString());

        var r = Run("check", "--pack", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("warning:").And.Contain("unknown fill \"uniform\"").And.Contain(json));

        node["output"] = new System.Text.Json.Nodes.JsonArray(9, 9);
        File.WriteAllText(json, node.ToJsonString());
        var wrong = Run("check", "--pack", pack);
        Assert.That(wrong.Code, Is.EqualTo(2), wrong.ToString());
        Assert.That(wrong.Out, Does.Contain("output (9, 9) does not follow from the other fields"));
    }

    [Test]
    public void ACaseInNoCommittedPackNamesEveryPackLookedIn()
    {
        // ih6 with kh3 gives oh4: a problem near the question's (ih5) that no committed pack holds.
        var r = Run("check", "mb1ic3ih6oc16kh3", "--dtype", "f32", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Is.EqualTo("convverify: case mb1ic3ih6oc16oh4kh3ph0__f32_integer is in no pack checked ("
            + $"{CommittedPacks.Dir("question")}, {CommittedPacks.Dir("basic")}, {CommittedPacks.Dir("pytorch")}); use --oracle torch for cases without fixtures\n"));
    }

    [Test]
    public void ASetOfTheCommittedPacksIsCheckedAgainstCommittedPacks()
    {
        // Not "pack FOLDER", which --pack gives: the folder is the tool's own, not the user's.
        var r = Run("check", "--set", "question", "--dtype", "f32", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        // The question set's two problems, each with a bias: four directions.
        Assert.That(r.Out, Does.StartWith("check: 2 cases, 8 directions: 8 passed, 0 failed, 0 suspicious, 0 not in pack, 0 not provided by oracle, "
            + "0 not provided, 0 errors (exact against committed packs (torch) [numpy "), r.ToString());
    }

    [Test]
    public void ALiveOracleWithNoSelectionChecksEveryCommittedSet()
    {
        // --max-macs 1 skips every problem: the run says which sets it read without computing any.
        var r = Run("check", "--oracle", "naive", "--max-macs", "1");
        int problems = CaseSets.Committed.Sum(set => CaseSets.Load(set).Count);
        Assert.That(r.Code, Is.EqualTo(1), "nothing compared is no pass\n" + r);
        var lines = r.Out.Split('\n');
        Assert.That(lines[..2], Is.EqualTo(new[] { $"0 problems from the committed sets; {problems} skipped: {problems} too large", "why: no case was selected" }), r.ToString());
        Assert.That(lines[2], Does.StartWith("check: 0 cases, 0 directions: 0 passed, 0 failed, 0 suspicious, 0 not in pack, 0 not provided by oracle, "
            + $"0 not provided, 0 errors, {problems} problems skipped (exact against naive "), r.ToString());
    }

    private static readonly string[] OneProblem = ["check", "--oracle", "naive", "mb1ic1ih5oc1kh3", "--dtype", "f32", "--fill", "integer"];

    [Test]
    public void AnEmptyShardOfASelectionThatHasCasesPasses()
    {
        // One case split eight ways leaves seven shards empty: a CI matrix over a small run must stay green.
        var shards = Enumerable.Range(1, 8).Select(i => Run([.. OneProblem, "--shard", $"{i}/8"])).ToList();
        Assert.That(shards.Select(r => r.Code), Is.All.Zero, string.Join("\n", shards));
        Assert.That(shards.Select(r => Summary(r).Cases).Order(), Is.EqualTo(new[] { 0, 0, 0, 0, 0, 0, 0, 1 }), string.Join("\n", shards));
        Assert.That(shards.Where(r => Summary(r).Cases == 0).Select(r => r.Out), Has.None.Contains("why:"));
    }

    [Test]
    public void ASelectionEmptiedByItsFiltersFailsInEveryShardAsItDoesWhole()
    {
        // --max-macs 1 skips the one problem. Whole, the run failed; split, every shard passed, so a CI matrix was
        // green over a run that checked nothing (and only report merge said 1).
        var whole = Run([.. OneProblem, "--max-macs", "1"]);
        Assert.That((whole.Code, whole.Out.Contains("why: no case was selected\n", StringComparison.Ordinal)), Is.EqualTo((1, true)), whole.ToString());
        foreach (int i in Enumerable.Range(1, 4))
        {
            var r = Run([.. OneProblem, "--max-macs", "1", "--shard", $"{i}/4"]);
            Assert.That(r.Code, Is.EqualTo(1), r.ToString());
            Assert.That(r.Out, Does.Contain($"why: no case was selected, in shard {i}/4 or any other: the selection is empty before --shard splits it\n"), r.ToString());
        }
    }

    [Test]
    public void ALiveOracleWithDescriptorsReadsOnlyTheCommandLine()
    {
        // Not the committed sets as well: the one descriptor is skipped once, as the command line's.
        var r = Run("check", "--oracle", "exact", "--max-macs", "1", "mb1ic3ih5oc16kh3");
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        Assert.That(r.Out, Does.StartWith("0 problems from command line; 1 skipped: 1 too large\n"), r.ToString());
    }

    [Test]
    public void DefaultDtypesAnOracleDoesNotComputeAreNotProvidedRatherThanRefused()
    {
        // Unlike --dtype bf16 named (LowPrecisionCliTests): ORT computes f32 of the default f32, f64 and bf16.
        var r = Run("check", "--oracle", "ort", "--set", "question", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        // Two problems in three dtypes, four directions each; ORT gives the two f32 cases'.
        Assert.That(r.Out, Does.Contain("check: 6 cases, 24 directions: 8 passed, 0 failed, 0 suspicious, 0 not in pack, 16 not provided by oracle, "
            + $"0 not provided, 0 errors (exact against ort [onnxruntime ").And.Contain($"; cpu {OrtOracle.CpuKernels}], "), r.ToString());
    }

    [Test]
    public void ChannelsLastIsRefusedToOraclesThatDoNotComputeInItWhateverTheirNames()
    {
        // The stand-in's name says torch, but its factory ignores the layout and it declares none: a channels-last check
        // against it would run NCHW and pass. Refused as any NCHW oracle is, naming it and the layout.
        var r = Run("check", "--oracle", TorchStandIn + ",exact", "--layout", "channels-last", "mb1ic3ih5oc16kh3", "--dtype", "f32", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Is.EqualTo($"convverify: --layout channels-last goes with an oracle that computes in it, as torch does: {TorchStandIn}, exact compute in NCHW only\n"));
        Assert.That(r.Out, Does.Not.Contain("check:"), "no work was done");
        var none = Run("check", "--oracle", "naive,exact", "--layout", "channels-last", "mb1ic3ih5oc16kh3");
        Assert.That(none.Code, Is.EqualTo(2), none.ToString());
        Assert.That(none.Err, Is.EqualTo("convverify: --layout channels-last goes with an oracle that computes in it, as torch does: naive, exact compute in NCHW only\n"));
    }

    [Test]
    public void AnOracleThatFailsIsSaidAsSuchInEveryReportNotAsUnusableInput()
    {
        string json = TempPath("failure.json"), junit = TempPath("failure.xml");
        var r = Run("check", "--oracle", CliFakeOracles.TorchLikeFailure, "mb1ic1ih4oc1kh3", "--dtype", "f32", "--fill", "integer", "--json", json, "--junit", junit);
        // Still exit 2, as README says of a case that could not be checked; the words say whose fault it was.
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Out.Contains("\nwhy: 1 direction could not be checked (oracle failure, not unusable input)\n", StringComparison.Ordinal), Is.True, r.ToString());
        Assert.That(r.Out.Contains("(unusable input)", StringComparison.Ordinal), Is.False, r.ToString());
        Assert.That(r.Out.StartsWith($"ERROR (oracle failure) mb1ic1ih4oc1oh2kh3ph0__f32_integer * (exact vs {CliFakeOracles.TorchLikeFailure}): {CliFakeOracles.TorchLikeFailureMessage}\n",
            StringComparison.Ordinal), Is.True, r.ToString());
        Assert.That(r.Out.Contains(", 1 error, an oracle failure (", StringComparison.Ordinal), Is.True, r.ToString());
        var report = ConvVerify.Runs.RunReport.Read(json);
        Assert.That(report.Rows.Select(row => row.Cause), Is.EqualTo(new ConvVerify.Runs.ErrorCause?[] { ConvVerify.Runs.ErrorCause.Oracle }));
        Assert.That(report.Summary.Reasons, Is.EqualTo(new[] { "1 direction could not be checked (oracle failure, not unusable input)" }));
        // The run's verdict, an error of exit code 2 whose message is the reason, then the row.
        var errors = System.Xml.Linq.XDocument.Load(junit).Descendants("error").ToList();
        Assert.That(errors.Select(e => ((string?)e.Attribute("type"), (string?)e.Attribute("message"))).First(), Is.EqualTo(("exit code 2",
            "exit code 2: 1 direction could not be checked (oracle failure, not unusable input)")));
        Assert.That(errors.Skip(1).Select(e => (string?)e.Attribute("type")), Is.EqualTo(new[] { "oracle failure" }));
    }

    [Test]
    public void AnOracleIsReleasedEvenWhenTheRunCrashes()
    {
        // A bug of ours is no verdict: it goes out as the exception it is (the process prints it and fails), and the
        // oracles made for the run are released on the way, as by any other end.
        int before = CliFakeOracles.OraclesMade(CliFakeOracles.Crashes).Count;
        Assert.That(() => Run("check", "--oracle", CliFakeOracles.Crashes, "mb1ic1ih4oc1kh3", "--dtype", "f32", "--fill", "integer"),
            Throws.InvalidOperationException.With.Message.EqualTo(CliFakeOracles.CrashMessage));
        Assert.That(CliFakeOracles.OraclesMade(CliFakeOracles.Crashes).Skip(before).Single().Disposed, Is.EqualTo(1));
    }

    [Test]
    public void EveryOracleTheCheckMadeIsReleasedHoweverTheCheckEnds()
    {
        const string oracle = CliFakeOracles.TwoVersionsForCheck;
        // Each run makes one; the oracles made before it are the earlier runs'.
        Runs.DefinitionOracle Made(int before) => CliFakeOracles.OraclesMade(oracle).Skip(before).Single();
        int before = CliFakeOracles.OraclesMade(oracle).Count;
        var passed = Run("check", "--oracle", oracle, "mb1ic1ih4oc1kh3", "--dtype", "f32", "--fill", "integer");
        Assert.That(passed.Code, Is.EqualTo(0), passed.ToString());
        Assert.That(Made(before).Disposed, Is.EqualTo(1), "a run that ends well");

        before = CliFakeOracles.OraclesMade(oracle).Count;
        var refused = Run("check", "--oracle", oracle, "--layout", "channels-last", "mb1ic1ih4oc1kh3");
        Assert.That(refused.Err, Is.EqualTo($"convverify: --layout channels-last goes with an oracle that computes in it, as torch does: {oracle} computes in NCHW only\n"), refused.ToString());
        Assert.That(Made(before).Disposed, Is.EqualTo(1), "a refusal after the oracle was made");

        before = CliFakeOracles.OraclesMade(oracle).Count;
        var second = Run("check", "--oracle", oracle + "," + CliFakeOracles.Unavailable, "mb1ic1ih4oc1kh3");
        Assert.That(second.Err, Is.EqualTo($"convverify: --oracle {CliFakeOracles.UnavailableReason}\n"), second.ToString());
        Assert.That(Made(before).Disposed, Is.EqualTo(1), "the first of two oracles, when the second cannot run");

        before = CliFakeOracles.OraclesMade(oracle).Count;
        var unknown = Run("check", "--oracle", oracle + ",oracle-of-delphi", "mb1ic1ih4oc1kh3");
        Assert.That(unknown.Err, Does.StartWith("convverify: --oracle: unknown oracle 'oracle-of-delphi' (known: "), unknown.ToString());
        Assert.That(CliFakeOracles.OraclesMade(oracle), Has.Count.EqualTo(before), "an unknown second name: the first is never made");
    }

    [Test]
    public void AnOracleThatFailsToReleaseIsAnOracleFailureNotACrash()
    {
        var r = Run("check", "--oracle", CliFakeOracles.FailsToRelease, "mb1ic1ih4oc1kh3", "--dtype", "f32", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Out, Does.Contain("check: 1 case, 4 directions: 4 passed"), "the check itself ran");
        Assert.That(r.Err, Is.EqualTo($"convverify: releasing the oracles made for the run failed: {CliFakeOracles.ReleaseFailure}\n"));
    }

    [Test]
    public void ChannelsLastIsAcceptedOfAnyOracleThatComputesInItAndTheReportSaysSo()
    {
        // No torch by name: what the oracle declares decides. The layout reaches its factory (OracleOptions), the run
        // computes in it, and the report records it for the oracle that did, not for the engine beside it.
        string json = TempPath("layout.json");
        int before = LayoutsComputed.Count;
        var r = Run("check", "--oracle", LayoutStandIn + ",exact", "--layout", "channels-last", "mb1ic3ih5oc16kh3", "--dtype", "f32", "--fill", "integer", "--json", json);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("check: 1 case, "), r.ToString());
        // The engine beside it computes in NCHW, and the run says so rather than let the layout seem to hold for both.
        Assert.That(r.Out, Does.Contain($"warning: --layout channels-last: exact computes in NCHW, not channels-last; {LayoutStandIn} alone does"), r.ToString());
        Assert.That(LayoutsComputed.Skip(before), Is.EqualTo(new[] { TorchLayout.ChannelsLast }), "one computation, in channels-last");
        var report = ConvVerify.Runs.RunReport.Read(json);
        Assert.That(report.References.Select(s => (s.Name, s.Layout)), Is.EqualTo(new[] { (LayoutStandIn, (string?)"channels-last"), ("exact", null) }));
        using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
            Assert.That(doc.RootElement.GetProperty("references")[0].GetProperty("layout").GetString(), Is.EqualTo("channels-last"));

        before = LayoutsComputed.Count;
        var nchw = Run("check", "--oracle", LayoutStandIn, "--layout", "nchw", "mb1ic3ih5oc16kh3", "--dtype", "f32", "--fill", "integer", "--json", json);
        Assert.That(nchw.Code, Is.EqualTo(0), nchw.ToString());
        Assert.That(nchw.Out, Does.Not.Contain("--layout"), nchw.ToString());
        Assert.That(LayoutsComputed.Skip(before), Is.EqualTo(new[] { TorchLayout.Contiguous }));
        Assert.That(ConvVerify.Runs.RunReport.Read(json).References.Single().Layout, Is.Null, "NCHW is the default, not written");
    }

    private const string TorchStandIn = "torch-stand-in";

    // Computes in the layout its factory is given, and declares it; its name is no torch's.
    private const string LayoutStandIn = "layout-stand-in";

    private static readonly System.Collections.Concurrent.ConcurrentQueue<TorchLayout> LayoutsComputed = new();

    // The mutation run has no torch: the first stands in for it by name only (it ignores the layout and declares none,
    // as an oracle that cannot honour one must), and computes as the definition does.
    static CheckCommandTests()
    {
        OracleRegistry.Register(TorchStandIn, "a test's fake", _ => new Runs.DefinitionOracle(TorchStandIn, ("convverify", "stand-in")));
        OracleRegistry.Register(LayoutStandIn, "a test's fake", o => new Runs.LayoutDefinitionOracle(LayoutStandIn, o.Layout, LayoutsComputed));
        CliFakeOracles.Register();
    }
}
