using ConvVerify.Runs;
using ConvVerify.Tests.Reports;

namespace ConvVerify.Tests.Runs;

/// <summary>
/// What the strict report reader says of each value no writer gives, word for word: the read-back property tests
/// (ReportReadBackPropertyTests) check that a refusal names the path and the value, which a message saying the wrong
/// kind, or a check dropped where a later one then trips over the same value, also does. Checked in memory, without a
/// file: RunReportDetailTests show the reader prefixing these with the file's path.
/// </summary>
public class ReportChecksMutationTests
{
    // A failing direction of 4 elements as Runner writes it: every value in range, every count agreeing, y of shape
    // [1, 1, 2, 2] (a 3x3 input, a 2x2 kernel).
    private static RunRow Row() => TestRows.Row("c1", "y", Outcome.Fail, reason: "y: 1 of 4 elements beyond the bound") with
    {
        Descriptor = "mb1ic1ih3oc1kh2",
        Elements = 4, Failures = 1, MaxAbsError = 0.5, Ratio = 2,
        Worst = new WorstElement { Index = 3, Position = [0, 0, 1, 1], Expected = 1, Actual = 1.5, AbsError = 0.5, Bound = 0.25, SoundBound = 0.5 },
        Map = ErrorMap.From([0.25, 0.5, 0.75, 2], [1, 1, 2, 2], [0, 0, 1, 1]),
    };

    private static RunReport Report(RunRow row, IEnumerable<string>? skippedKinds = null, Dictionary<string, int>? byKind = null)
    {
        var report = new RunReport
        {
            Command = "check", Subject = new SourceInfo { Name = "naive" }, References = [new SourceInfo { Name = "torch" }], Rows = [row],
        };
        report.Skipped.AddRange((skippedKinds ?? []).Select((k, i) => new SkippedProblem { Where = $"b:{i + 1}", Descriptor = "mb1ic1ih5oc1kh3", Kind = k, Reason = "--" + k }));
        foreach (var (k, n) in byKind ?? []) report.SkippedByKind[k] = n;
        return report;
    }

    private static RunRow Edited(string member, double value)
    {
        var row = Row();
        return member switch
        {
            "max_abs_error" => row with { MaxAbsError = value },
            "ratio" => row with { Ratio = value },
            "elements" => row with { Elements = (int)value },
            "failures" => row with { Failures = (int)value },
            "worst.abs_error" => row with { Worst = row.Worst! with { AbsError = value } },
            "worst.bound" => row with { Worst = row.Worst! with { Bound = value } },
            "worst.sound_bound" => row with { Worst = row.Worst! with { SoundBound = value } },
            "map.ratios[1]" => row with { Map = row.Map! with { Ratios = [0.25, value, 0.75, 2] } },
            _ => throw new ArgumentOutOfRangeException(nameof(member), member, "no such member in this test"),
        };
    }

    [Test]
    public void TheRowAsWrittenIsSound() => Assert.That(ReportChecks.Inconsistent(Report(Row())), Is.Null);

    // Each kind of value is said as what it should have been: an error, a ratio, a count, a bound (which alone may be NaN).
    [TestCase("max_abs_error", -1, "rows[0].max_abs_error is -1, not an absolute error (0 or more, or Infinity)")]
    [TestCase("ratio", -0.5, "rows[0].ratio is -0.5, not an error/bound ratio (0 or more, or Infinity)")]
    // Below 0 and so below the failures: said as no count, not as fewer elements than failures.
    [TestCase("elements", -1, "rows[0].elements is -1, not a count (0 or more)")]
    [TestCase("failures", -2, "rows[0].failures is -2, not a count (0 or more)")]
    [TestCase("worst.abs_error", -3, "rows[0].worst.abs_error is -3, not an absolute error (0 or more, or Infinity)")]
    [TestCase("worst.bound", -4, "rows[0].worst.bound is -4, not a bound (0 or more, Infinity, or NaN)")]
    [TestCase("worst.sound_bound", -5, "rows[0].worst.sound_bound is -5, not a bound (0 or more, Infinity, or NaN)")]
    [TestCase("map.ratios[1]", -6, "rows[0].map.ratios[1] is -6, not an error/bound ratio (0 or more, or Infinity)")]
    public void AValueOutOfItsRangeIsSaidAsWhatItShouldBe(string member, double value, string said) =>
        Assert.That(ReportChecks.Inconsistent(Report(Edited(member, value))), Is.EqualTo(said));

    [Test]
    public void ANaNBoundIsABoundButANaNErrorIsNoError()
    {
        Assert.That(ReportChecks.Inconsistent(Report(Edited("worst.sound_bound", double.NaN))), Is.Null);
        Assert.That(ReportChecks.Inconsistent(Report(Edited("worst.abs_error", double.NaN))),
            Is.EqualTo("rows[0].worst.abs_error is NaN, not an absolute error (0 or more, or Infinity)"));
    }

    [Test]
    public void SkippedProblemsCountedToTheLastAReportCountsAreNotTooMany()
    {
        // 2,147,483,647 in all is as many as a report counts: the list is then merely short of its first 1,000.
        var report = Report(Row(), ["option", "dtype", "option"], new() { ["option"] = int.MaxValue - 1, ["dtype"] = 1 });
        Assert.That(ReportChecks.Inconsistent(report), Is.EqualTo("skipped lists 3 problems, but skipped_by_kind counts 2147483647: a report lists the first 1000"));
    }

    [Test]
    public void OneProblemOfAKindNoCountNamesIsOneProblem()
    {
        var report = Report(Row(), ["option", "dtype"], new() { ["option"] = 1 });
        Assert.That(ReportChecks.Inconsistent(report), Is.EqualTo("skipped lists 1 \"dtype\" problem by skipped[1], but skipped_by_kind[\"dtype\"] is 0"));
    }

    [Test]
    public void ExactlyAThousandSkippedAreAllListedSoTheKindShortOfThemIsNamed()
    {
        // 1,000 fit in the list: it must hold them all, and the kind it is short of is named, as with 3.
        var report = Report(Row(), Enumerable.Repeat("option", 999), new() { ["option"] = 1000 });
        Assert.That(ReportChecks.Inconsistent(report), Is.EqualTo("skipped_by_kind[\"option\"] is 1000, but skipped lists 999: a report lists every skipped problem up to 1000"));
        report.Skipped.Add(report.Skipped[0] with { Where = "b:1000" });
        Assert.That(ReportChecks.Inconsistent(report), Is.Null, "all 1,000 listed");
    }

    // The row's ratio is its worst element's error over its bound, Infinity where the bound measures nothing (0, NaN or
    // Infinity): a row whose ratio is neither would be merged with a verdict its own numbers do not give.
    [TestCase(0.5, 0.25, 3, "3", "0.5", "0.25", "2")]
    [TestCase(0.5, 0.25, 2.0000000000000004, "2.0000000000000004", "0.5", "0.25", "2")]
    [TestCase(0.5, 0, 2, "2", "0.5", "0", "Infinity")]
    [TestCase(0.5, double.NaN, 2, "2", "0.5", "NaN", "Infinity")]
    [TestCase(0.5, double.PositiveInfinity, 1, "1", "0.5", "Infinity", "Infinity")]
    [TestCase(double.PositiveInfinity, double.PositiveInfinity, 0, "0", "Infinity", "Infinity", "Infinity")]
    [TestCase(double.PositiveInfinity, 0.25, 1e308, "1E+308", "Infinity", "0.25", "Infinity")]
    [TestCase(0.5, 0.25, double.PositiveInfinity, "Infinity", "0.5", "0.25", "2")]
    public void ARatioNotTheWorstElementsErrorOverItsBoundIsRefused(double error, double bound, double ratio, string saidRatio, string saidError, string saidBound, string quotient)
    {
        var row = Row() with { MaxAbsError = error, Ratio = ratio };
        row = row with { Worst = row.Worst! with { AbsError = error, Bound = bound } };
        Assert.That(ReportChecks.Inconsistent(Report(row)), Is.EqualTo(
            $"rows[0].ratio is {saidRatio}, but rows[0].worst.abs_error {saidError} over rows[0].worst.bound {saidBound} is {quotient}: "
            + "the ratio is the worst element's error/bound (Infinity where the bound is 0, NaN or Infinity)"));
    }

    // What a verdict writes: the quotient as IEEE division rounds it (0.1 / 0.3 is 0.33333333333333337), Infinity past
    // the largest double (1 over the smallest subnormal), subnormals alike, and Infinity for a bound that measures nothing.
    [TestCase(0.1, 0.3, 0.33333333333333337)]
    [TestCase(1, double.Epsilon, double.PositiveInfinity)]
    [TestCase(3 * double.Epsilon, 2 * double.Epsilon, 1.5)]
    [TestCase(0.5, 0, double.PositiveInfinity)]
    [TestCase(0.5, double.NaN, double.PositiveInfinity)]
    [TestCase(double.PositiveInfinity, 0.25, double.PositiveInfinity)]
    [TestCase(0, 0.25, 0)]
    // Before 2026-11-30 (a NaN or infinite bound vouches for nothing) a finite error over an infinite bound was 0.
    [TestCase(0.5, double.PositiveInfinity, 0)]
    public void TheRatioAVerdictWritesIsSound(double error, double bound, double ratio)
    {
        var row = Row() with { MaxAbsError = error, Ratio = ratio };
        Assert.That(ReportChecks.Inconsistent(Report(row with { Worst = row.Worst! with { AbsError = error, Bound = bound } })), Is.Null);
    }

    // A verdict names its worst element whenever any element differs: a row without one had every element agree (or
    // none compared), so nothing beyond its bound, no error, no ratio, and no map drawn around it.
    [Test]
    public void ARowWithoutAWorstElementWhoseNumbersSayAnElementDifferedIsRefused()
    {
        var row = Row() with { Worst = null };
        var agreeing = row with { Outcome = Outcome.Pass, Failures = 0, MaxAbsError = 0, Ratio = 0, Map = null };
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ReportChecks.Inconsistent(Report(row)),
                Is.EqualTo("rows[0].failures is 1, but rows[0].worst is not given: a row with an element beyond its bound has a worst element"));
            Assert.That(ReportChecks.Inconsistent(Report(agreeing with { MaxAbsError = 0.5 })),
                Is.EqualTo("rows[0].max_abs_error is 0.5, but rows[0].worst is not given: a row whose elements differ has a worst element (without one, max_abs_error is 0)"));
            Assert.That(ReportChecks.Inconsistent(Report(agreeing with { MaxAbsError = double.PositiveInfinity })),
                Does.StartWith("rows[0].max_abs_error is Infinity, but rows[0].worst is not given"));
            Assert.That(ReportChecks.Inconsistent(Report(agreeing with { Ratio = 2 })),
                Is.EqualTo("rows[0].ratio is 2, but rows[0].worst is not given: a row whose elements differ has a worst element (without one, ratio is 0)"));
            Assert.That(ReportChecks.Inconsistent(Report(agreeing with { Map = Row().Map })),
                Is.EqualTo("rows[0].map is given, but rows[0].worst is not given: a map is of a failing direction's slice through its worst element"));
            Assert.That(ReportChecks.Inconsistent(Report(agreeing)), Is.Null, "every element agreed");
            Assert.That(ReportChecks.Inconsistent(Report(agreeing with { Elements = 0 })), Is.Null, "no element compared");
            Assert.That(ReportChecks.Inconsistent(Report(agreeing with { Elements = 0, MaxAbsError = null, Ratio = null })), Is.Null, "nothing compared");
        }
    }

    // A verdict gives its largest error, its largest ratio and its worst element together.
    [Test]
    public void AWorstElementWithoutTheLargestErrorOrRatioIsRefused()
    {
        Assert.That(ReportChecks.Inconsistent(Report(Row() with { Ratio = null })),
            Is.EqualTo("rows[0].worst is given, but rows[0].ratio is not: a compared row has its largest error, its largest ratio and its worst element"));
        Assert.That(ReportChecks.Inconsistent(Report(Row() with { MaxAbsError = null })),
            Is.EqualTo("rows[0].worst is given, but rows[0].max_abs_error is not: a compared row has its largest error, its largest ratio and its worst element"));
    }
}
