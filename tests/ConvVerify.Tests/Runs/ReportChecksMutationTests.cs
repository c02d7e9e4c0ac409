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
    // [1, 1, 2, 2] (a 3x3 input, a 2x2 kernel), judged by the probabilistic rule (its worst element past the probabilistic
    // bound within the sound one, beside another element past its sound bound).
    private static RunRow Row() => TestRows.Row("c1", "y", Outcome.Fail, reason: "y: 1 of 4 elements beyond the bound", fill: "normal") with
    {
        Descriptor = "mb1ic1ih3oc1kh2", Tolerance = ConvVerify.Comparison.Tolerance.Probabilistic,
        Elements = 4, Failures = 1, MaxAbsError = 0.5, Ratio = 2,
        Worst = new WorstElement { Index = 3, Position = [0, 0, 1, 1], Expected = 1, Actual = 1.5, AbsError = 0.5, Bound = 0.25, SoundBound = 0.5 },
        Map = ErrorMap.From([0.25, 0.5, 0.75, 2], [1, 1, 2, 2], [0, 0, 1, 1]),
    };

    private static RunReport Report(RunRow row, IEnumerable<string>? skippedKinds = null, Dictionary<string, int>? byKind = null)
    {
        var report = new RunReport
        {
            Command = "check", ToleranceMode = "probabilistic", Subject = new SourceInfo { Name = "naive" }, References = [new SourceInfo { Name = "torch" }], Rows = [row],
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
        // A NaN sound bound (an input held NaN) is the probabilistic rule's bound too, and the ratio over it Infinity.
        var nan = Row() with { Ratio = double.PositiveInfinity };
        Assert.That(ReportChecks.Inconsistent(Report(nan with { Worst = nan.Worst! with { Bound = double.NaN, SoundBound = double.NaN } })), Is.Null);
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
    // Before 2026-11-30 (a NaN or infinite bound vouches for nothing) a finite error over an infinite bound was 0.
    [TestCase(0.5, double.PositiveInfinity, 0)]
    public void TheRatioAVerdictWritesIsSound(double error, double bound, double ratio)
    {
        // Judged by the sound bound alone, the worst element's values the error apart: it passes within a finite bound,
        // and fails past it, or under a bound that vouches for nothing.
        bool fails = !(error <= bound) || !double.IsFinite(bound);
        var row = Row() with { MaxAbsError = error, Ratio = ratio, Tolerance = ConvVerify.Comparison.Tolerance.SoundBound };
        row = row with { Worst = row.Worst! with { Expected = 0, Actual = error, AbsError = error, Bound = bound, SoundBound = null } };
        Assert.That(ReportChecks.Inconsistent(Report(fails ? row : row with { Outcome = Outcome.Pass, Failures = 0, Map = null })), Is.Null);
    }

    // The worst element has the largest error/bound: the direction passes exactly when it does, is suspicious only when
    // it is, and fails when it fails (TensorComparison). The probe: a FAIL of ratio 2 (its worst element's error twice its
    // bound) relabelled "pass", its failures set to 0, merged with exit 0.
    [TestCase(Outcome.Pass, "SoundBound", 0.5, 0.25, null, "rows[0].outcome is \"pass\", but rows[0].worst.abs_error 0.5 is past rows[0].worst.bound 0.25: the worst element fails, so the direction does")]
    [TestCase(Outcome.Pass, "SoundBound", 0.5, double.PositiveInfinity, null, "rows[0].outcome is \"pass\", but rows[0].worst.bound is Infinity, which vouches for nothing (any error fails): the worst element fails, so the direction does")]
    [TestCase(Outcome.Pass, "Probabilistic", 0.5, 0.25, 1.0, "rows[0].outcome is \"pass\", but rows[0].worst.abs_error 0.5 is past rows[0].worst.bound 0.25, within rows[0].worst.sound_bound 1: the worst element is suspicious, so the direction is")]
    [TestCase(Outcome.Suspicious, "Probabilistic", 0.5, 0.25, 0.375, "rows[0].outcome is \"suspicious\", but rows[0].worst.abs_error 0.5 is past rows[0].worst.sound_bound 0.375: the worst element fails, so the direction does")]
    [TestCase(Outcome.Fail, "Probabilistic", 0.25, 0.5, 1.0, "rows[0].outcome is \"FAIL\", but rows[0].worst.abs_error 0.25 is within rows[0].worst.bound 0.5: the worst element, of the largest error/bound, is within its bound, so every element is")]
    [TestCase(Outcome.Pass, "Bitwise", 0.5, 0.0, null, "rows[0].outcome is \"pass\", but rows[0].worst differs and rows[0].tolerance is \"Bitwise\", under which every element that differs fails: the worst element fails, so the direction does")]
    // What the writer writes of each: read.
    [TestCase(Outcome.Fail, "SoundBound", 0.5, 0.25, null, null)]
    [TestCase(Outcome.Pass, "Probabilistic", 0.25, 0.5, 1.0, null)]
    [TestCase(Outcome.Suspicious, "Probabilistic", 0.5, 0.25, 1.0, null)]
    [TestCase(Outcome.Fail, "Probabilistic", 0.5, 0.25, 1.0, null)]
    public void AnOutcomeItsWorstElementDoesNotGiveIsRefused(Outcome outcome, string rule, double error, double bound, double? sound, string? said)
    {
        bool pass = outcome == Outcome.Pass;
        var row = Row() with
        {
            Outcome = outcome, Tolerance = Enum.Parse<ConvVerify.Comparison.Tolerance>(rule), Failures = pass ? 0 : 1, Map = pass ? null : Row().Map,
            MaxAbsError = error, Ratio = bound == 0 || !double.IsFinite(bound) ? double.PositiveInfinity : error / bound,
        };
        row = row with { Worst = row.Worst! with { Expected = 1, Actual = 1 + error, AbsError = error, Bound = bound, SoundBound = sound } };
        Assert.That(ReportChecks.Inconsistent(Report(row)), Is.EqualTo(said));
    }

    // The numbers of a worst element are its rule's: the probabilistic one has a sound bound beside the probabilistic
    // bound, never below it where finite; an exact rule's bound is 0; the error is its values' difference.
    [TestCase("no sound bound", "rows[0].tolerance is \"Probabilistic\", but rows[0].worst.sound_bound is not given: under the probabilistic rule the worst element has its sound bound beside the probabilistic one")]
    [TestCase("sound bound below", "rows[0].worst.bound is 0.25, but rows[0].worst.sound_bound is 0.125: the probabilistic bound is never above a finite sound bound, and is the sound bound itself where that is NaN or infinite")]
    [TestCase("NaN sound bound", "rows[0].worst.bound is 0.25, but rows[0].worst.sound_bound is NaN: the probabilistic bound is never above a finite sound bound, and is the sound bound itself where that is NaN or infinite")]
    [TestCase("sound bound of another rule", "rows[0].worst.sound_bound is 0.5, but rows[0].tolerance is \"SoundBound\": only the probabilistic rule has a second bound")]
    [TestCase("exact bound", "rows[0].worst.bound is 0.25, but rows[0].tolerance is \"ExactValues\": an exact rule allows no error (its bound is 0)")]
    [TestCase("error", "rows[0].worst.abs_error is 0.5, but rows[0].worst.actual 1.75 and rows[0].worst.expected 1 are 0.75 apart: the error is |actual - expected| (Infinity where one is NaN or infinite and they differ)")]
    [TestCase("no rule", "rows[0].ratio is given, but rows[0].tolerance is not: a compared row names the rule it was judged by")]
    [TestCase("integer fill", "rows[0].tolerance is \"Probabilistic\", but rows[0].fill is \"integer\": the probabilistic tier is the normal fill's")]
    public void AWorstElementsNumbersNotItsRulesAreRefused(string edit, string said)
    {
        var row = Row();
        var w = row.Worst!;
        row = edit switch
        {
            "no sound bound" => row with { Worst = w with { SoundBound = null } },
            "sound bound below" => row with { Worst = w with { SoundBound = 0.125 } },
            "NaN sound bound" => row with { Worst = w with { SoundBound = double.NaN } },
            "sound bound of another rule" => row with { Tolerance = ConvVerify.Comparison.Tolerance.SoundBound },
            "exact bound" => row with { Tolerance = ConvVerify.Comparison.Tolerance.ExactValues, Fill = "integer", Worst = w with { SoundBound = null } },
            "error" => row with { Worst = w with { Actual = 1.75 } },
            "no rule" => row with { Tolerance = null },
            "integer fill" => row with { Fill = "integer" },
            _ => throw new ArgumentOutOfRangeException(nameof(edit), edit, "no such edit"),
        };
        Assert.That(ReportChecks.Inconsistent(Report(row)), Is.EqualTo(said));
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
            // A comparison counts every element of the direction's result.
            Assert.That(ReportChecks.Inconsistent(Report(agreeing with { Elements = 0 })),
                Is.EqualTo("rows[0].elements is 0, but rows[0].direction \"y\" of rows[0].descriptor has 4 (shape [1, 1, 2, 2])"), "no element compared");
            Assert.That(ReportChecks.Inconsistent(Report(agreeing with { Elements = 0, MaxAbsError = null, Ratio = null, Tolerance = null })), Is.Null, "nothing compared");
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
