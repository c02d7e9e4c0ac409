using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Problems;
using ConvVerify.Runs;
using ConvVerify.Tests.Cli;

namespace ConvVerify.Tests.Runs;

/// <summary>A batch file as a run's selection: merged entries, per-case directions, dtypes, minibatch and size limits.</summary>
public class BatchSelectionTests
{
    private string _dir = "";

    [SetUp]
    public void MakeFolder() => _dir = Directory.CreateTempSubdirectory("convverify-selection-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_dir, recursive: true);

    private string Write(string text)
    {
        string path = Path.Combine(_dir, "batch");
        File.WriteAllText(path, text);
        return path;
    }

    private CaseSelection Resolve(string text, string? dtype = "f32", int? mb = null, long? maxMacs = null, long? memory = null) =>
        CaseSelection.Resolve(null, Write(text), [], dtype, "integer", "question", mb: mb, maxMacs: maxMacs, memoryBytes: memory);

    [Test]
    public void EntriesOfOneProblemMergeIntoOneCaseCheckingTheUnionOfTheirDirections()
    {
        // benchdnn's harness_conv_f32 runs each shape as FWD_B, BWD_D and BWD_WB.
        var s = Resolve("--dir=FWD_B mb1ic2ih4oc2kh3\n--dir=BWD_D mb1ic2ih4oc2kh3\n--dir=BWD_WB mb1ic2ih4oc2kh3\n");
        Assert.That(s.Problems.Select(p => p.HasBias), Is.EqualTo(new[] { true, false }));
        var cases = s.Generated(1);
        Assert.That(cases.Select(c => c.Directions), Is.EqualTo(new[]
        {
            new[] { Direction.Forward, Direction.BackwardWeights, Direction.BackwardBias },
            new[] { Direction.BackwardData },
        }));
        Assert.That(s.Listing.Select(l => l.Status), Is.EqualTo(new[] { "case 1 (y)", "case 2 (dx)", "merged into case 1 (y, dw, db)" }));
    }

    [Test]
    public void TheRunChecksOnlyTheDirectionsOfEachCase()
    {
        var s = Resolve("--dir=BWD_D mb1ic2ih4oc2kh3\n--dir=BWD_WB mb1ic2ih5oc2kh3\n--reset mb1ic2ih6oc2kh3\n");
        var report = Runner.Run(new RunPlan
        {
            Command = "test",
            Cases = s.Generated(1),
            References = [new EngineSource(ConvEngines.Naive)],
            Subject = new EngineSource(ConvEngines.Default),
        });
        var rows = report.Rows.GroupBy(r => r.Descriptor[..r.Descriptor.IndexOf("oc", StringComparison.Ordinal)])
            .ToDictionary(g => g.Key, g => g.Select(r => r.Direction).ToArray());
        Assert.That(rows["mb1ic2ih4"], Is.EqualTo(new[] { "dx" }));
        Assert.That(rows["mb1ic2ih5"], Is.EqualTo(new[] { "dw", "db" }));
        Assert.That(rows["mb1ic2ih6"], Is.EqualTo(new[] { "y", "dx", "dw", "db" }));
        Assert.That(report.Rows.Select(r => r.Outcome), Is.All.EqualTo(Outcome.Pass));
    }

    [Test]
    public void AFileDTypeFixesTheCaseDTypeAndDTypeFiltersIt()
    {
        // float16 is none of the default dtypes: the file's --dt adds it, after them.
        const string text = "--dt=f16 mb1ic2ih4oc2kh3\n--reset mb1ic2ih5oc2kh3\n";
        var both = Resolve(text, dtype: null);
        Assert.That(both.Cases(1).Select(c => (c.Problem.Input[0], c.Problem.DType)), Is.EqualTo(new[]
        {
            (5, DType.Float32), (5, DType.Float64), (5, DType.BFloat16), (4, DType.Float16),
        }));
        var f32 = Resolve(text, dtype: "f32");
        Assert.That(f32.Cases(1).Select(c => (c.Problem.Input[0], c.Problem.DType)), Is.EqualTo(new[] { (5, DType.Float32) }));
        Assert.That(f32.Listing[0].Status, Is.EqualTo("skipped: dtype f16 not selected by --dtype"));
    }

    [Test]
    public void MbOnTheCommandLineOverridesTheFile()
    {
        var s = Resolve("--mb=5 mb1ic2ih4oc2kh3\nic2ih4oc2kh3n\"other\"\n", mb: 3);
        Assert.That(s.Problems.Select(p => p.Mb), Is.EqualTo(new[] { 3, 3 }));
        Assert.That(CaseSelection.Resolve(null, null, ["mb1ic2ih4oc2kh3"], "f32", "integer", "question", mb: 4).Problems.Single().Mb, Is.EqualTo(4));
        Assert.Throws<ArgumentException>(() => Resolve("mb1ic2ih4oc2kh3", mb: 0));
    }

    [Test]
    public void ProblemsThatMeetAtOneMinibatchAreKeptOnceInFirstSeenOrder()
    {
        // The dedupe once scanned the list kept so far for every problem, which took --random 1000000 (then the most allowed)
        // hours before the first case; a set now does it, and must keep what the list did: the first of equal problems,
        // in order, and every random problem (their names differ).
        var s = CaseSelection.Resolve(null, null, ["mb1ic2ih4oc2kh3", "mb1ic3ih4oc2kh3", "mb2ic2ih4oc2kh3", "mb1ic2ih4oc2kh3n\"named\"", "mb3ic3ih4oc2kh3"],
            "f32", "integer", "question", mb: 2);
        Assert.That(s.Problems.Select(p => (p.IC, p.Mb, p.Name)), Is.EqualTo(new[] { (2, 2, (string?)null), (3, 2, null), (2, 2, "named") }));
        var random = CaseSelection.Resolve(null, null, [], "f32", "integer", "question", random: 20_000, randomSeed: 3);
        Assert.That(random.Problems.Select(p => p.Name), Is.EqualTo(Enumerable.Range(0, 20_000).Select(i => $"r3_{i}")));
    }

    [Test]
    public void AProblemBeyondMaxMacsIsSkippedWithItsSizeAndTheLimit()
    {
        // 2·4·(6·6)·4·(3·3) = 10,368 multiply-adds per direction.
        const string text = "mb2ic4ih8oc4kh3\nmb1ic2ih4oc2kh3\n";
        var at = Resolve(text, maxMacs: 10_368);
        Assert.That(at.Problems, Has.Count.EqualTo(2));
        var below = Resolve(text, maxMacs: 10_367);
        Assert.That(below.Problems.Select(p => p.Mb), Is.EqualTo(new[] { 1 }));
        Assert.That(below.Listing[0].Status, Is.EqualTo("skipped: too large: 10,368 multiply-adds per direction, more than --max-macs 10367"));
        Assert.That(below.Summary(), Does.EndWith("1 skipped: 1 too large"));
        // Sets and descriptors too.
        var set = CaseSelection.Resolve(null, null, ["mb2ic4ih8oc4kh3"], "f32", "integer", "question", maxMacs: 10_367);
        Assert.That(set.Problems, Is.Empty);
        Assert.That(set.Listing.Single().Status, Does.Contain("10,368 multiply-adds"));
    }

    [Test]
    public void AProblemBeyondTheMemoryThisProcessMayUseIsSkippedWithItsSize()
    {
        // x 2·4·8·8 = 512, w 4·4·3·3 = 144, b 4, y 2·4·6·6 = 288: 948 elements, 48 bytes each (inputs, two results and
        // the comparison's copy and bounds, all as float64) = 45,504 bytes.
        var p = BenchdnnDescriptor.Parse("mb2ic4ih8oc4kh3");
        Assert.That(CaseSelection.CaseBytes(p), Is.EqualTo(45_504));
        const string text = "mb2ic4ih8oc4kh3\nmb1ic2ih4oc2kh3\n";
        Assert.That(Resolve(text, memory: 45_504).Problems, Has.Count.EqualTo(2));
        var below = Resolve(text, memory: 45_503);
        Assert.That(below.Problems.Select(q => q.Mb), Is.EqualTo(new[] { 1 }));
        Assert.That(below.Listing[0].Status, Is.EqualTo("skipped: too large for this machine's memory: about 0.0 GiB for its tensors, results and bounds"));
        Assert.That(below.Listing[0].Kind, Is.EqualTo(BatchSkipKind.TooLarge));
        // With the real limit: 40,000² float64 elements in and out are about 143 GiB, which no machine of ours has; the
        // probe that found this ran the kernel's OOM killer.
        var huge = CaseSelection.Resolve(null, null, ["mb1ic1ih40000iw40000oc1kh1kw1"], "f64", "integer", "question");
        Assert.That(huge.Problems, Is.Empty);
        Assert.That(huge.Listing.Single().Status, Does.StartWith("skipped: too large for this machine's memory: about 143.1 GiB"));
        var cli = ConvVerify.Tests.Cli.CliTestBase.Run("check", "--oracle", "naive", "mb1ic1ih40000iw40000oc1kh1kw1", "--dtype", "f64", "--fill", "integer");
        Assert.That((cli.Code, cli.Out.Contains("1 skipped: 1 too large", StringComparison.Ordinal)), Is.EqualTo((1, true)), cli.ToString());
        cli = ConvVerify.Tests.Cli.CliTestBase.Run("cases", "mb1ic1ih40000iw40000oc1kh1kw1");
        Assert.That(cli.Out, Does.Contain("skipped: too large for this machine's memory: about 143.1 GiB"));
    }

    [Test]
    public void MoreRandomProblemsThanCanBeKeptAreRefused()
    {
        Assert.That(CaseSelection.Resolve(null, null, [], "f32", "integer", "question", random: 3).Problems, Has.Count.EqualTo(3));
        var e = Assert.Catch<ArgumentException>(() => CaseSelection.Resolve(null, null, [], "f32", "integer", "question", random: CaseSelection.MaxRandom + 1));
        Assert.That(e!.Message, Is.EqualTo("--random: at most 100000 problems at once (they are drawn and kept before the run), got 100001; run more seeds instead"));
    }

    [Test]
    public void AProblemBeyondADotNetArrayIsSkippedNotFatal()
    {
        var s = Resolve("mb1ic32oc1iw134217732kw3\nmb1ic1oc1iw4294967311kw3\nmb1ic2ih4oc2kh3\n");
        Assert.That(s.Problems, Has.Count.EqualTo(1));
        Assert.That(s.Listing[0].Status, Does.StartWith("skipped: too large: ").And.Contain("(1, 32, 134217732)").And.Contain("2147483591"));
        Assert.That(s.Listing[1].Kind, Is.EqualTo(BatchSkipKind.TooLarge));
        Assert.That(s.Listing[1].Status, Does.Contain("iw4294967311"));
    }

    [Test]
    public void BenchdnnNamesFindAVendoredFile()
    {
        var s = CaseSelection.Resolve(null, "benchdnn:shapes_basic", [], "f32", "integer", "question");
        Assert.That(s.Problems, Is.Not.Empty);
        var e = Assert.Catch<ArgumentException>(() => CaseSelection.Resolve(null, "benchdnn:shapes_nonexistent", [], "f32", "integer", "question"));
        Assert.That(e!.Message, Does.Contain("benchdnn:shapes_nonexistent").And.Contain("no such vendored benchdnn file"));
        Assert.Catch<ArgumentException>(() => CaseSelection.BatchPath("benchdnn:../README.md"));
    }

    [Test]
    public void CasesListsEveryEntryOfABatchFileWithWhatBecameOfIt()
    {
        string path = Write("--dir=FWD_B mb1ic2ih4oc2kh3\n--dir=BWD_D,BWD_WB --dt=f32,u8 mb1ic2ih4oc2kh3\n--attr-post-ops=relu mb1ic2ih9oc2kh3\n");
        var r = CliTestBase.Run("cases", "--batch", path);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain($"{path}:1  mb1ic2ih4oc2kh3  --dir=FWD_B  → case 1 (y)"));
        Assert.That(r.Out, Does.Contain($"{path}:2  mb1ic2ih4oc2kh3  --dir=BWD_D --dt=f32  → case 2 (dx)"));
        Assert.That(r.Out, Does.Contain("--dir=BWD_D --dt=u8  → skipped: dtype u8 not supported"));
        // Case 1 is checked in every dtype (line 1 fixes none), the f32 entry adds dw and db in f32 only.
        Assert.That(r.Out, Does.Contain("--dir=BWD_WB --dt=f32  → merged into case 1 in f32 (f32: y, dw, db; f64, bf16: y)"));
        // Options outlive their line: the third descriptor runs under all four combinations of line 2, each skipped.
        Assert.That(r.Out, Does.Contain("mb1ic2ih9oc2kh3  --dir=BWD_D --dt=f32 --attr-post-ops=relu  → skipped: option --attr-post-ops=relu is not supported"));
        Assert.That(r.Out, Does.Contain("2 problems from").And.Contain("(1 more entry merged into them); 6 skipped: 4 by an unsupported option, 2 by dtype"));
    }

    [Test]
    public void CheckSaysWhatItSkipped()
    {
        string path = Write("mb1ic2ih4oc2kh3\n--dt=bf16 mb1ic2ih5oc2kh3\n");
        var r = CliTestBase.Run("check", "--oracle", "naive", "--batch", path, "--dtype", "f32");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("1 problem from").And.Contain("1 skipped: 1 by dtype"));
    }

    [Test]
    public void MbIsRefusedWithPacksAndMaxMacsHoldsTheirCasesToALimit()
    {
        var r = CliTestBase.Run("check", "--set", "basic", "--mb", "3");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("--mb goes with a live oracle"));
        Assert.That(CliTestBase.Run("check", "--max-macs", "1000").Code, Is.EqualTo(2), "the committed packs are trusted and small");
        // A pack given by --pack is not: the question case, 16 filters · 3·3 positions · 3 channels · 3·3 taps = 3,888
        // multiply-adds per direction, is left out below that.
        string pack = CommittedPackPath("question");
        r = CliTestBase.Run("check", "--pack", pack, "--max-macs", "3887");
        Assert.That((r.Code, r.Out.Contains("6 pack cases skipped: too large", StringComparison.Ordinal)), Is.EqualTo((0, true)), "the pack's 3x3 answer-matrix cases (4 multiply-adds) still run: " + r);
        // Only those six: the question set, the default selection that no pack case is matched against here, is no part
        // of the run, so its own entry beyond the limit is not counted (it made the summary say 7).
        Assert.That(r.Out, Does.Contain(", 6 problems skipped (").And.Not.Contain("7 problems skipped"), r.ToString());
        r = CliTestBase.Run("check", "--pack", pack, "--max-macs", "3888");
        Assert.That(r.Out, Does.Not.Contain("pack cases skipped"));
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
    }

    [Test]
    public void APackCaseBeyondTheLimitsIsAnErrorUnlessAGivenMaxMacsSkipsIt()
    {
        string pack = CommittedPackPath("question");
        var cases = Plans.ReadCases([FixturePack.Open(pack)], [], []);
        Assert.That(cases, Has.Count.EqualTo(12), "f32, f64 and bf16, both fills");
        var (skipped, errors) = (new List<SkippedProblem>(), new List<RunRow>());
        // The question case: x 75, w 432, b 16, y 144: 667 elements of 48 bytes.
        Assert.That(CaseSelection.WithinLimits(cases, null, skipped, errors, memoryBytes: 667 * 48), Has.Count.EqualTo(12));
        Assert.That((skipped.Count, errors.Count), Is.EqualTo((0, 0)));
        // Memory is no choice of the user's: a case that does not fit is an error, so a run checking less cannot pass.
        var kept = CaseSelection.WithinLimits(cases, null, skipped, errors, memoryBytes: 667 * 48 - 1);
        Assert.That(kept.Select(c => c.Case.Problem.Name).Distinct(), Is.EqualTo(new[] { "answer_matrix" }));
        Assert.That((skipped.Count, errors.Count), Is.EqualTo((0, 6)), "the question's cases, in three dtypes and two fills");
        Assert.That(errors.Select(e => e.Outcome).Distinct(), Is.EqualTo(new[] { Outcome.Error }));
        Assert.That(errors[0].Reason, Is.EqualTo("too large for this machine's memory: about 0.0 GiB for its tensors, results and bounds; it needs a machine with more memory"));
        Assert.That(errors[0].Case, Is.EqualTo(QuestionId("f32", "integer")));
        // A --max-macs the user gave skips, as it does a named problem.
        errors.Clear();
        Assert.That(CaseSelection.WithinLimits(cases, 3887, skipped, errors), Has.Count.EqualTo(6));
        Assert.That((skipped.Count, errors.Count), Is.EqualTo((6, 0)));
        Assert.That(skipped[0].Reason, Is.EqualTo("too large: 3,888 multiply-adds per direction, more than --max-macs 3887"));
        Assert.That(() => CaseSelection.WithinLimits(cases, 0, skipped, errors), Throws.ArgumentException.With.Message.EqualTo("--max-macs: the limit must be at least 1, got 0"));
    }

    private static string QuestionId(string dtype, string fill) => CliTestBase.QuestionCase(dtype, fill);

    private static string CommittedPackPath(string set) => ConvVerify.Locations.CommittedPack(set);

    private const string LayoutsBatch = "mb1ic2ih4oc2kh3\n--stag=axb mb1ic2ih4oc2kh3\n--stag=acdb --dir=BWD_D mb1ic2ih5oc2kh3\n--reset --stag=axb mb1ic2ih4oc2kh3\n";

    [Test]
    public void AChannelsLastSourceTagIsASecondCaseOfTheSameInputs()
    {
        var s = Resolve(LayoutsBatch);
        var cases = s.Generated(1);
        Assert.That(cases.Select(c => (c.Case.Problem.Input[0], c.Layout)), Is.EqualTo(new[]
        {
            (4, ConvVerify.Oracles.TorchLayout.Contiguous), (4, ConvVerify.Oracles.TorchLayout.ChannelsLast), (5, ConvVerify.Oracles.TorchLayout.ChannelsLast),
        }), "a layout named twice is still one case");
        Assert.That(cases[1].Case.Id, Is.EqualTo(cases[0].Case.Id + "__channels-last"));
        Assert.That(cases[2].Case.Id, Does.EndWith("__channels-last"));
        Assert.That(cases[0].Case.Id, Does.Not.Contain("channels-last"));
        Assert.That(cases[1].Case.Seed, Is.EqualTo(cases[0].Case.Seed));
        Assert.That(s.Listing.Select(l => l.Status), Is.EqualTo(new[]
        {
            "case 1 (every direction)", "merged into case 1 (every direction; torch in channels-last)", "case 2 (dx; torch in channels-last)",
            "merged into case 1 (every direction; torch in channels-last)",
        }));
    }

    [Test]
    public void ChannelsLastCasesPassAgainstTorch()
    {
        var cases = Resolve(LayoutsBatch).Generated(1);
        var torch = ConvVerify.Tests.Oracles.LiveTorch.Require();
        var report = Runner.Run(new RunPlan { Command = "test", Cases = cases, References = [new OracleSource(torch)], Subject = new EngineSource(ConvEngines.Default) });
        Assert.That(report.Rows.Select(r => r.Outcome), Is.All.EqualTo(Outcome.Pass));
        Assert.That(report.Rows.Count(r => r.Case.EndsWith("__channels-last", StringComparison.Ordinal)), Is.EqualTo(4 + 1));
    }
}

/// <summary>A --batch is read once: the files a command keeps apart from its outputs are those whose entries it runs.</summary>
public class BatchReadOnceTests
{
    private string _dir = "";

    [SetUp]
    public void MakeFolder() => _dir = Directory.CreateTempSubdirectory("convverify-readonce-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void TheSelectionIsMadeFromTheReadingWhoseFilesWereListed()
    {
        string main = Path.Combine(_dir, "main"), first = Path.Combine(_dir, "first"), second = Path.Combine(_dir, "second");
        File.WriteAllText(first, "mb1ic2ih4oc2kh3\n");
        File.WriteAllText(second, "mb1ic3ih5oc4kh3\n");
        File.WriteAllText(main, "--batch=first\n");
        var read = CaseSelection.ReadBatch(main);
        // The file changes between the check of the outputs and the run: a second reading would run second's problem
        // while the outputs were kept apart from first only.
        File.WriteAllText(main, "--batch=second\n");
        var selection = CaseSelection.Resolve(null, main, [], "f32", "integer", "question", batchRead: read);
        Assert.That(read.Files, Is.EqualTo(new[] { main, first }));
        Assert.That(selection.Problems.Select(p => p.ToString()), Is.EqualTo(new[] { "mb1ic2ih4oc2oh2kh3ph0" }));
        // Read afresh, the same call sees the change: the reading given is what made the difference.
        Assert.That(CaseSelection.Resolve(null, main, [], "f32", "integer", "question").Problems.Select(p => p.ToString()),
            Is.EqualTo(new[] { "mb1ic3ih5oc4oh3kh3ph0" }));
    }

    [Test]
    public void AReadingOfAnotherBatchIsRefused() =>
        Assert.That(() => CaseSelection.Resolve(null, "b", [], "f32", "integer", "question", batchRead: CaseSelection.ReadBatch(Path.Combine(_dir, "a"))),
            Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("batchRead"));

    [Test]
    public void ABatchThatCannotBeReadIsSaidWhenTheSelectionIsMadeAsBefore()
    {
        // Read up front, a failure waits for the selection, which says it as a read of its own would.
        string folder = Path.Combine(_dir, "folder");
        Directory.CreateDirectory(folder);
        foreach (string batch in new[] { folder, Path.Combine(_dir, "none"), "benchdnn:no_such_file", " " })
        {
            var read = CaseSelection.ReadBatch(batch);
            string said = Assert.Catch<ArgumentException>(() => CaseSelection.Resolve(null, batch, [], "f32", "integer", "question"))!.Message;
            Assert.That(() => CaseSelection.Resolve(null, batch, [], "f32", "integer", "question", batchRead: read),
                Throws.InstanceOf<ArgumentException>().With.Message.EqualTo(said), batch);
        }
        Assert.That(CaseSelection.ReadBatch(folder).Files, Is.EqualTo(new[] { folder }));
        Assert.That(CaseSelection.ReadBatch(Path.Combine(_dir, "none")).Files, Is.Empty);
    }
}
