using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Runs;
using ConvVerify.Tests.Fixtures;

namespace ConvVerify.Tests.Runs;

/// <summary>
/// The pipeline's less travelled paths, each with what a user reads: outcome names both ways and in a report file, an
/// implementation that throws, a minibatch too large for a batch entry or a set, benchdnn directions, and the summary
/// of a selection's skipped entries by reason.
/// </summary>
public class RunsDetailTests : TempFolderTest
{
    [Test]
    public void OutcomeNamesGoBothWaysAndAnUnknownOneIsRefused()
    {
        Assert.That(Enum.GetValues<Outcome>().Select(o => Outcomes.Parse(o.Name())), Is.EqualTo(Enum.GetValues<Outcome>()));
        Assert.That(() => Outcomes.Parse("bogus"), Throws.ArgumentException.With.Message.StartsWith("outcome: unknown outcome 'bogus'"));
        Assert.That(() => ((Outcome)99).Name(), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("unknown outcome"));
    }

    [Test]
    public void AReportWithAnUnknownOutcomeIsNotAReport()
    {
        var report = new RunReport
        {
            Command = "check", ToleranceMode = "probabilistic", Subject = new SourceInfo { Name = "naive" }, References = [new SourceInfo { Name = "torch" }],
            Rows = [ConvVerify.Tests.Reports.TestRows.Row("c", "y", Outcome.Pass)],
        };
        string path = Path.Combine(Dir, "r.json");
        report.Write(path);
        Assert.That(File.ReadAllText(path), Does.Contain("\"outcome\": \"pass\""), "outcomes are written by name");
        Assert.That(RunReport.Read(path).Rows.Single().Outcome, Is.EqualTo(Outcome.Pass));
        string written = File.ReadAllText(path);
        File.WriteAllText(path, written.Replace("\"outcome\": \"pass\"", "\"outcome\": \"bogus\"", StringComparison.Ordinal));
        var e = Assert.Throws<InvalidDataException>(() => RunReport.Read(path))!;
        Assert.That(e.Message, Does.StartWith($"{path}: not a ConvVerify report").And.Contain("unknown outcome 'bogus'"));
        // A null outcome is no outcome either (JSON null reads as the empty name).
        File.WriteAllText(path, written.Replace("\"outcome\": \"pass\"", "\"outcome\": null", StringComparison.Ordinal));
        Assert.That(Assert.Throws<InvalidDataException>(() => RunReport.Read(path))!.Message, Does.Contain("unknown outcome ''"));
    }

    // A key twice in a report: the top level, a row, and maps read by the serializer's own reader (counts by outcome, an
    // oracle's versions), whose error names the key only in its path. Each names the file and where the key is.
    [TestCase("schema", "\"convverify-report/0\"", "the report")]
    [TestCase("outcome", "\"FAIL\"", "rows[0]")]
    [TestCase("pass", "0", "summary.outcomes")]
    [TestCase("convverify", "\"0.0\"", "references[0].versions")]
    public void AReportWithAKeyTwiceIsNotAReport(string key, string otherValue, string holder)
    {
        string file = Path.Combine(Dir, "r.json");
        var small = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3"), Fill.Integer);
        Runner.Run(new RunPlan
        {
            Command = "check", ToleranceMode = "probabilistic", Cases = [new CaseEntry(small)], References = [new OracleSource(new EngineOracle(ConvEngines.Naive))], Subject = new EngineSource(ConvEngines.Exact),
        }).Write(file);
        Assert.That(RunReport.Read(file).Rows, Is.Not.Empty);
        string text = File.ReadAllText(file);
        int at = text.IndexOf($"\"{key}\": ", StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThan(0), $"the writer's layout changed: the test must find \"{key}\"");
        File.WriteAllText(file, text.Insert(at, $"\"{key}\": {otherValue},\n"));
        // The key given again is the one below the line inserted.
        int line = text[..at].Count(c => c == '\n') + 2;
        var e = Assert.Throws<InvalidDataException>(() => RunReport.Read(file))!;
        // Said as the reader says its own refusals: by the object's path and the key, on a line counted from 1 (the key
        // was inserted on a line of its own before the one it repeats).
        Assert.That(e.Message, Is.EqualTo($"{file}: not a ConvVerify report ({holder} on line {line} has the key \"{key}\" twice: which of the two is meant is not said)"));
    }

    /// <summary>Throws from every direction, each with another exception type an implementation might throw.</summary>
    private sealed class Throwing : IConvImplementation
    {
        public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
            throw new InvalidOperationException("no session");

        public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
            throw new IndexOutOfRangeException("off the end");

        public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T> =>
            throw new DivideByZeroException("zero stride");

        public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T> =>
            throw new NotSupportedException("no bias gradient");
    }

    [Test]
    public void AnImplementationThatThrowsFailsThatDirectionWithTheException()
    {
        var pack = CommittedPacks.Open("question");
        string id = pack.CaseIds.First(i => i.EndsWith("f32_integer", StringComparison.Ordinal));
        var rows = Check.Implementation(new Throwing(), pack, id);
        Assert.That(rows.Select(r => (r.Direction, r.Outcome, r.Reason)), Is.EqualTo(new[]
        {
            ("y", Outcome.Fail, "y: the implementation threw InvalidOperationException: no session"),
            ("dx", Outcome.Fail, "dx: the implementation threw IndexOutOfRangeException: off the end"),
            ("dw", Outcome.Fail, "dw: the implementation threw DivideByZeroException: zero stride"),
            ("db", Outcome.NotProvided, "db: not provided (no bias gradient)"),
        }));
    }

    [Test]
    public void AMinibatchTooLargeForABatchEntryOrASetProblemIsASkipWithItsSize()
    {
        string batch = Path.Combine(Dir, "b");
        File.WriteAllText(batch, "mb1ic2ih4oc2kh3\n");
        var fromBatch = CaseSelection.Resolve(null, batch, [], "f32", "integer", "question", mb: 2_000_000_000);
        Assert.That(fromBatch.Problems, Is.Empty);
        var line = fromBatch.Listing.Single();
        Assert.That(line.Kind, Is.EqualTo(BatchSkipKind.TooLarge));
        Assert.That(line.Status, Does.StartWith("skipped: too large at --mb 2000000000: "));

        var fromSet = CaseSelection.Resolve("question", null, [], "f32", "integer", "question", mb: 2_000_000_000);
        Assert.That(fromSet.Problems, Is.Empty);
        Assert.That(fromSet.Listing.Select(l => l.Kind), Is.All.EqualTo(BatchSkipKind.TooLarge));
        Assert.That(fromSet.Listing[0].Status, Does.StartWith("skipped: too large at --mb 2000000000: "));
    }

    [Test]
    public void BenchdnnDirectionsChooseWhatIsChecked()
    {
        Assert.That(CaseSelection.DirectionsOf(null, true), Is.Null, "no --dir: every direction the problem has");
        Assert.That(new[] { "FWD_B", "FWD_D", "FWD_I" }.Select(d => CaseSelection.DirectionsOf(d, true)), Is.All.EqualTo(new[] { Direction.Forward }));
        Assert.That(CaseSelection.DirectionsOf("BWD_D", true), Is.EqualTo(new[] { Direction.BackwardData }));
        Assert.That(CaseSelection.DirectionsOf("BWD_WB", true), Is.EqualTo(new[] { Direction.BackwardWeights, Direction.BackwardBias }));
        Assert.That(CaseSelection.DirectionsOf("BWD_W", false), Is.EqualTo(new[] { Direction.BackwardWeights }));
        var e = Assert.Throws<ArgumentException>(() => CaseSelection.DirectionsOf("XYZ", true))!;
        Assert.That(e.Message, Does.StartWith("--dir=XYZ is not a benchdnn direction (FWD_B, FWD_D, FWD_I, BWD_D, BWD_W, BWD_WB)"));
    }

    [Test]
    public void TheSummaryCountsSkippedEntriesByReasonInOneOrder()
    {
        string batch = Path.Combine(Dir, "b");
        File.WriteAllText(batch, string.Join("\n",
            "mb1ic2ih4oc2kh3",
            "--batch=missing",
            "mb1ic2ih4oc2kh9",
            "mb1ic2ih99999999999oc2kh3",
            "--match=nothing mb1ic2ih5oc2kh3 --reset",
            "--dt=u8 mb1ic2ih6oc2kh3 --reset",
            "--attr-post-ops=relu mb1ic2ih7oc2kh3 --reset",
            "mb1ic2ih4oc2kh3"));
        var s = CaseSelection.Resolve(null, batch, [], "f32", "integer", "question");
        Assert.That(s.Summary(), Is.EqualTo($"1 problem from {batch} (1 more entry merged into it); 6 skipped: "
            + "1 by an unsupported option, 1 by dtype, 1 not matched by --match, 1 too large, 1 invalid, 1 includes not read (missing, cyclic or unreadable)"));
    }

    [Test]
    public void AReferenceResultOfTheWrongLengthFailsThatDirection()
    {
        var c = CommittedPacks.Open("question").ReadCase(CommittedPacks.Open("question").CaseIds[0]);
        var rows = Check.AgainstOracle(c, new DefinitionOracle("fake", ("fake", "1")) { ShortForward = true });
        int size = c.Problem.YSize;
        var y = rows.Single(r => r.Direction == "y");
        Assert.That((y.Outcome, y.Reason), Is.EqualTo((Outcome.Fail, $"y: {size} elements, expected {size - 1}")));
        Assert.That(rows.Where(r => r.Direction != "y").Select(r => r.Outcome), Is.All.EqualTo(Outcome.Pass));
    }

    [Test]
    public void AFreshnessCheckSaysWhenThePackWasMadeByAnotherOracleOrOtherVersions()
    {
        var pack = CommittedPacks.Open("question");
        var made = pack.Manifest!;
        var other = Freshness.Plan(pack, new DefinitionOracle("fake", ("fake", "1")));
        Assert.That(other.Warnings, Does.Contain($"the pack was made by oracle {made.OracleName}, checked against fake: results are compared within the sound bound, not bitwise"));
        var newer = Freshness.Plan(pack, new DefinitionOracle(made.OracleName, (made.OracleName, "99.0")));
        // The committed pack's own versions change with each regeneration: the wording around them is pinned here, the
        // versions' format in PackPlanTests.OtherVersionsAreNamedOnBothSides.
        Assert.That(newer.Warnings.Where(w => w.StartsWith("the pack was made with [", StringComparison.Ordinal)
            && w.EndsWith($"], live {made.OracleName} is [{made.OracleName} 99.0]: normal-fill results are compared within the sound bound, not bitwise", StringComparison.Ordinal)).ToList(),
            Has.Count.EqualTo(1), string.Join("\n", newer.Warnings));
        Assert.That(newer.Warnings.Where(w => w.StartsWith("the pack was made by oracle", StringComparison.Ordinal)), Is.Empty, "same oracle, other versions");
    }
}
