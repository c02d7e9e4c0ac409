using System.Globalization;
using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Problems;

namespace ConvVerify.Runs;

/// <summary>
/// What a report read back must hold beyond its types: numbers in the range the writer gives them, and every count that
/// another part of the report also gives agreeing with it. A merge of shards that hold neither would pass on its word a
/// verdict no run made. Each check says what is wrong, named by its JSON path (as <c>rows[3].ratio</c>); null when nothing is.
/// </summary>
internal static class ReportChecks
{
    /// <summary>The first value or count of <paramref name="r"/> no writer makes, or null.</summary>
    public static string? Inconsistent(RunReport r)
    {
        // Rows of one case share their descriptor: parsed once, a report of a million rows is not a million parses.
        var problems = new Dictionary<string, (ConvProblem? Problem, string? Error)>(StringComparer.Ordinal);
        for (int i = 0; i < r.Rows.Count; i++)
        {
            string what = $"rows[{i}]";
            var row = r.Rows[i];
            if ((BadWholeCase(what, row) ?? BadRow(what, row) ?? BadRule(what, row, r.ToleranceMode) ?? BadShape(what, row, problems)) is { } why) return why;
        }
        // The rows of each case together, once each row is sound by itself.
        return ReportCaseChecks.Inconsistent(r)
            ?? BadSkipped(r)
            ?? BadSelection(r)
            // Last: the summary is computed from the rows, the skipped counts and the selection, which must be sound first.
            ?? SummaryDisagreement(r);
    }

    // An error is |actual - expected| and a ratio error/bound: both at least 0 or infinite, never NaN (TensorComparison
    // makes a NaN element's error infinite). A bound is a sum of magnitudes: at least 0, infinite, or NaN when an input
    // held NaN (which the comparison reads as a bound that vouches for nothing).
    private static string? BadRow(string what, RunRow row)
    {
        string? why = NotError($"{what}.max_abs_error", row.MaxAbsError, "an absolute error")
            ?? NotError($"{what}.ratio", row.Ratio, "an error/bound ratio")
            ?? NotCount($"{what}.elements", row.Elements)
            ?? NotCount($"{what}.failures", row.Failures);
        if (why is not null) return why;
        if (row.Failures > row.Elements)
            return Say($"{what}.failures is {row.Failures}, but {what}.elements is {row.Elements}: more elements beyond their bound than were compared");
        if (row.Worst is { } w)
        {
            why = NotError($"{what}.worst.abs_error", w.AbsError, "an absolute error")
                ?? NotBound($"{what}.worst.bound", w.Bound)
                ?? NotBound($"{what}.worst.sound_bound", w.SoundBound);
            if (why is not null) return why;
            // The worst element is the one of the largest error/bound, not of the largest error (TensorComparison): its
            // error is one of those max_abs_error is the largest of, and may be smaller.
            if (row.MaxAbsError is { } max && !(w.AbsError <= max))
                return Say($"{what}.worst.abs_error is {N(w.AbsError)}, but {what}.max_abs_error is {N(max)}: the largest error is at least the worst element's");
            // A verdict gives its largest error, its largest ratio and its worst element together (Runner).
            if (row.MaxAbsError is null || row.Ratio is null)
                return $"{what}.worst is given, but {what}.{(row.MaxAbsError is null ? "max_abs_error" : "ratio")} is not: a compared row has its largest error, its largest ratio and its worst element";
            // The ratio is the worst element's own, made by the one rule from the two numbers written beside it: the same
            // IEEE division of the same doubles, which the JSON writer writes as the shortest text that reads back to
            // them, so the equality is exact (an infinite error, a bound of 0, NaN or Infinity all give Infinity).
            // Before 2026-11-30 an infinite bound gave the quotient itself, 0 for a finite error: a report of then is read.
            double ratio = Comparison.TensorComparison.Ratio(w.AbsError, w.Bound);
            bool older = double.IsPositiveInfinity(w.Bound) && double.IsFinite(w.AbsError) && row.Ratio.Value == 0;
            if (!row.Ratio.Value.Equals(ratio) && !older)
                return Say($"{what}.ratio is {N(row.Ratio.Value)}, but {what}.worst.abs_error {N(w.AbsError)} over {what}.worst.bound {N(w.Bound)} is {N(ratio)}: the ratio is the worst element's error/bound (Infinity where the bound is 0, NaN or Infinity)");
        }
        else
        {
            // TensorComparison names a worst element whenever any element differs: without one, none did (or none was
            // compared), so nothing is beyond its bound, the largest error and ratio are 0, and no map is drawn around it.
            if (row.Failures > 0)
                return Say($"{what}.failures is {row.Failures}, but {what}.worst is not given: a row with an element beyond its bound has a worst element");
            if (row.MaxAbsError is { } max && max != 0)
                return Say($"{what}.max_abs_error is {N(max)}, but {what}.worst is not given: a row whose elements differ has a worst element (without one, max_abs_error is 0)");
            if (row.Ratio is { } ratio && ratio != 0)
                return Say($"{what}.ratio is {N(ratio)}, but {what}.worst is not given: a row whose elements differ has a worst element (without one, ratio is 0)");
            if (row.Map is not null)
                return $"{what}.map is given, but {what}.worst is not given: a map is of a failing direction's slice through its worst element";
        }
        // After the numbers are known to agree among themselves: then whether they are the rule's, and the outcome theirs.
        return BadRuleNumbers(what, row) ?? OutcomeDisagreement(what, row) ?? (row.Map is { } map ? BadMapValues($"{what}.map", map, row.Elements) : null);
    }

    // Rows about something other than one direction: subject "-" for a row about the pack made before the cases were
    // split among shards (a case.json or a file that could not be read: direction "*"), and "*" for a case the run could
    // not check at all (Runner.ErrorRow: an error, with nothing compared). A "*" row that passed, or had a ratio, was read.
    private static string? BadWholeCase(string what, RunRow row)
    {
        if (row.Subject == RunRow.NoSubject && row.Direction != "*")
            return $"{what}.direction is \"{Printable(row.Direction)}\", but {what}.subject is \"{RunRow.NoSubject}\": a row about the pack is about a whole case or file (direction \"*\")";
        if (row.Direction != "*") return null;
        if (row.Ratio is not null) return $"{what}.ratio is given, but {what}.direction is \"*\": a row about a whole case compared nothing";
        return row.Subject != RunRow.NoSubject && row.Outcome != Outcome.Error
            ? $"{what}.outcome is \"{row.Outcome.Name()}\", but {what}.direction is \"*\": a case the run could not check at all is an ERROR"
            : null;
    }

    // A compared row names its rule (and only a compared row has one: Runner.Row), and its worst element has the numbers
    // that rule gives it (TensorComparison.Compare): under the probabilistic rule a sound bound beside the probabilistic
    // one, which is never above it where it is finite (TierBound); under an exact rule a bound of 0; under every rule an
    // error that is |actual − expected| of the two values written beside it (the same doubles, the same subtraction), and
    // not 0 but under the bitwise rule (+0 against −0).
    private static string? BadRuleNumbers(string what, RunRow row)
    {
        if (row.Tolerance is { } given && row.Ratio is null)
            return $"{what}.tolerance is \"{given}\", but {what}.ratio is not given: a rule is named where a comparison was made";
        if (row.Tolerance is not { } rule)
            return row.Ratio is null ? null : $"{what}.ratio is given, but {what}.tolerance is not: a compared row names the rule it was judged by";
        if (row.Worst is not { } w) return null;
        bool probabilistic = rule == Tolerance.Probabilistic;
        if (probabilistic && w.SoundBound is null)
            return $"{what}.tolerance is \"{rule}\", but {what}.worst.sound_bound is not given: under the probabilistic rule the worst element has its sound bound beside the probabilistic one";
        if (!probabilistic && w.SoundBound is { } extra)
            return Say($"{what}.worst.sound_bound is {N(extra)}, but {what}.tolerance is \"{rule}\": only the probabilistic rule has a second bound");
        if (rule is Tolerance.Bitwise or Tolerance.ExactValues && !w.Bound.Equals(0.0))
            return Say($"{what}.worst.bound is {N(w.Bound)}, but {what}.tolerance is \"{rule}\": an exact rule allows no error (its bound is 0)");
        double error = TensorComparison.Error(w.Expected, w.Actual);
        if (!w.AbsError.Equals(error))
            return Say($"{what}.worst.abs_error is {N(w.AbsError)}, but {what}.worst.actual {N(w.Actual)} and {what}.worst.expected {N(w.Expected)} are {N(error)} apart: the error is |actual - expected| (Infinity where one is NaN or infinite and they differ)");
        if (error == 0 && rule != Tolerance.Bitwise)
            return Say($"{what}.worst.actual and {what}.worst.expected are both {N(w.Actual)}, but {what}.tolerance is \"{rule}\": the worst element is one whose values differ (only the bitwise rule tells +0 from -0)");
        if (w.SoundBound is { } sound && (double.IsFinite(sound) ? w.Bound > sound : !w.Bound.Equals(sound)))
            return Say($"{what}.worst.bound is {N(w.Bound)}, but {what}.worst.sound_bound is {N(sound)}: the probabilistic bound is never above a finite sound bound, and is the sound bound itself where that is NaN or infinite");
        return null;
    }

    // The rule of a row is the run's (RunPlan.DefaultTolerance, SoundTolerance, Freshness): the probabilistic tier only for
    // the normal fill under --tolerance probabilistic (the integer fill is compared exactly, fixtures check sets its own
    // rule; bf16 and f16 have the tier since report changelog 7, and a row of theirs under the sound bound, written
    // before, is read as it stands); exact values only for the integer fill.
    private static string? BadRule(string what, RunRow row, string? mode)
    {
        if (row.Tolerance is not { } rule) return null;
        if (rule == Tolerance.ExactValues && row.Fill != "integer")
            return $"{what}.tolerance is \"{rule}\", but {what}.fill is \"{Printable(row.Fill)}\": exact values are the integer fill's rule";
        if (rule != Tolerance.Probabilistic) return null;
        if (row.Fill != "normal")
            return $"{what}.tolerance is \"{rule}\", but {what}.fill is \"{Printable(row.Fill)}\": the probabilistic tier is the normal fill's";
        return mode == "probabilistic" ? null
            : mode is null ? $"{what}.tolerance is \"{rule}\", but tolerance is not given: only a run under --tolerance probabilistic judges by that tier"
            : $"{what}.tolerance is \"{rule}\", but tolerance is \"{Printable(mode)}\": only a run under --tolerance probabilistic judges by that tier";
    }

    // What the worst element makes of the direction, by the rule the comparison applied to it (TensorComparison.Judge):
    // under the bitwise rule every element that differs fails. Said with the numbers it was made of.
    private static (Judgement Judgement, string Why) WorstJudgement(string what, WorstElement w, Tolerance rule)
    {
        if (rule == Tolerance.Bitwise) return (Judgement.Fail, $"{what}.worst differs and {what}.tolerance is \"{rule}\", under which every element that differs fails");
        double sound = w.SoundBound ?? w.Bound;
        var j = TensorComparison.Judge(w.AbsError, sound, w.Bound);
        string soundName = w.SoundBound is null ? "bound" : "sound_bound";
        string why = j switch
        {
            Judgement.Fail when !double.IsFinite(sound) => Say($"{what}.worst.{soundName} is {N(sound)}, which vouches for nothing (any error fails)"),
            Judgement.Fail => Say($"{what}.worst.abs_error {N(w.AbsError)} is past {what}.worst.{soundName} {N(sound)}"),
            Judgement.Suspicious => Say($"{what}.worst.abs_error {N(w.AbsError)} is past {what}.worst.bound {N(w.Bound)}, within {what}.worst.sound_bound {N(sound)}"),
            _ => Say($"{what}.worst.abs_error {N(w.AbsError)} is within {what}.worst.bound {N(w.Bound)}"),
        };
        return (j, why);
    }

    // The outcome is the verdict of the numbers beside it (Runner.Row): a shard edited to say "pass" on a row with an
    // element beyond its bound, or "not provided" on a row that failed, merged to a run that passed. A compared row
    // (one with a ratio) passes with no element beyond its bound, and is suspicious or failing with one; a row with no
    // comparison (not in pack, not provided, not provided by oracle, ERROR, or a FAIL with no result to compare: a
    // length that differs, an unreadable file, an implementation that threw) has no elements, failures, errors or worst element.
    private static string? OutcomeDisagreement(string what, RunRow row)
    {
        string outcome = $"{what}.outcome is \"{row.Outcome.Name()}\"";
        switch (row.Outcome)
        {
            case Outcome.Pass when row.Failures > 0:
                return Say($"{outcome}, but {what}.failures is {row.Failures}: a direction passes with no element beyond its bound");
            case Outcome.Suspicious or Outcome.Fail when row.Ratio is not null && row.Failures == 0:
                return $"{outcome}, but {what}.failures is 0: a compared direction {(row.Outcome == Outcome.Fail ? "fails" : "is suspicious")} only with an element beyond its bound";
            case Outcome.Suspicious when row.Ratio is null:
                return $"{outcome}, but {what}.ratio is not given: a suspicious direction is a compared one";
            case Outcome.Pass or Outcome.Suspicious:
            case Outcome.Fail when row.Ratio is not null:
                return OutcomeOfWorst(what, row, outcome);
        }
        if (row.Ratio is not null) return $"{outcome}, but {what}.ratio is given: only a compared direction (pass, FAIL or suspicious) has one";
        if (row.MaxAbsError is not null) return $"{outcome}, but {what}.max_abs_error is given: only a compared direction has one";
        if (row.Elements != 0) return Say($"{outcome}, but {what}.elements is {row.Elements}: a direction with no comparison has no elements compared");
        return row.Failures != 0 ? Say($"{outcome}, but {what}.failures is {row.Failures}: a direction with no comparison has no failures") : null;
    }

    // The worst element has the largest error/bound (TensorComparison.Compare): every element is within its bound when it
    // is, none fails while it passes, and it fails whenever any element does but for a suspicious one of a larger ratio.
    // So a direction passes exactly when its worst element does, is suspicious only when it is, and fails only when it
    // fails or is suspicious. A FAIL relabelled "pass" (ratio Infinity, failures set to 0) merged to a run that passed.
    private static string? OutcomeOfWorst(string what, RunRow row, string outcome)
    {
        if (row.Worst is not { } w || row.Tolerance is not { } rule) return null;
        var (j, why) = WorstJudgement(what, w, rule);
        return (row.Outcome, j) switch
        {
            (Outcome.Pass, Judgement.Fail) or (Outcome.Suspicious, Judgement.Fail) => $"{outcome}, but {why}: the worst element fails, so the direction does",
            (Outcome.Pass, Judgement.Suspicious) => $"{outcome}, but {why}: the worst element is suspicious, so the direction is",
            (Outcome.Suspicious or Outcome.Fail, Judgement.Pass) => $"{outcome}, but {why}: the worst element, of the largest error/bound, is within its bound, so every element is",
            _ => null,
        };
    }

    // A compared row's elements are those of the direction's result, whose shape the row's descriptor gives (the writer
    // writes the problem's canonical descriptor on every row it compared); its worst element is one of them, at the
    // multi-index its flat index has in that shape.
    private static string? BadShape(string what, RunRow row, Dictionary<string, (ConvProblem? Problem, string? Error)> problems)
    {
        if (row.Ratio is null) return null;
        var w = row.Worst;
        string compared = w is null ? $"{what}.ratio is given" : $"{what}.worst is given";
        if (w is not null && (w.Index < 0 || w.Index >= row.Elements))
            return Say($"{what}.worst.index is {w.Index}, but {what}.elements is {row.Elements}: the worst element is one of those compared (0 to elements - 1)");
        if (row.Direction is not ("y" or "dx" or "dw" or "db"))
            return $"{what}.direction is \"{Printable(row.Direction)}\", but {compared}: only a compared direction (y, dx, dw or db) has {(w is null ? "a ratio" : "a worst element")}";
        // The name (n"...", always last) decides no shape, and a name of someone else's making is no reason to refuse.
        int name = row.Descriptor.IndexOf('n', StringComparison.Ordinal);
        if (!problems.TryGetValue(row.Descriptor, out var parsed))
        {
            bool ok = BenchdnnDescriptor.TryParse(name < 0 ? row.Descriptor : row.Descriptor[..name], out var p, out string? error);
            problems[row.Descriptor] = parsed = (ok ? p : null, error);
        }
        if (parsed.Problem is not { } problem)
        {
            // The parser's reason begins with the descriptor, quoted whole: said once, cut, before it.
            string text = name < 0 ? row.Descriptor : row.Descriptor[..name], error = parsed.Error ?? "";
            string prefix = $"descriptor '{BenchdnnDescriptor.Quoted(text)}': ";
            string reason = error.StartsWith(prefix, StringComparison.Ordinal) ? error[prefix.Length..] : error;
            return $"{what}.descriptor is \"{Printable(row.Descriptor)}\", but {compared}: a compared row's descriptor gives its result's shape ({Printable(reason, 2 * MaxQuoted)})";
        }
        var direction = Directions.FromTensorName(row.Direction);
        int[] shape = direction.ShapeOf(problem);
        int size = direction.SizeOf(problem);
        if (row.Elements != size)
            return Say($"{what}.elements is {row.Elements}, but {what}.direction \"{row.Direction}\" of {what}.descriptor has {size} (shape [{string.Join(", ", shape)}])");
        if (w is null) return null;
        // Counted, not listed: a position is someone else's array, and a hostile one of 100,000 indices was written out whole.
        if (w.Position.Length != shape.Length)
            return Say($"{what}.worst.position has {w.Position.Length} {(w.Position.Length == 1 ? "index" : "indices")}, but the shape [{string.Join(", ", shape)}] of {what}.direction \"{row.Direction}\" of {what}.descriptor has {shape.Length} dimensions");
        int[] at = Comparison.TensorComparison.Unravel(w.Index, shape);
        if (!w.Position.AsSpan().SequenceEqual(at))
            return Say($"{what}.worst.position is [{string.Join(", ", w.Position)}], but {what}.worst.index {w.Index} is [{string.Join(", ", at)}] in the shape [{string.Join(", ", shape)}] of {what}.direction \"{row.Direction}\" of {what}.descriptor");
        // The map is of the result's slice through the worst element: a 1 x 5,000,000 map on a row whose slice is 3 x 3
        // was read, and drawn as that row's picture.
        if (row.Map is not { } m) return null;
        var (label, _, height, width) = ErrorMap.SliceOf(shape, at);
        if (m.Height != height || m.Width != width)
            return Say($"{what}.map is {m.Height} x {m.Width}, but the slice {label} of the shape [{string.Join(", ", shape)}] of {what}.direction \"{row.Direction}\" of {what}.descriptor is {height} x {width}");
        return m.Slice == label ? null
            : $"{what}.map.slice is \"{Printable(m.Slice)}\", but the slice through {what}.worst.position [{string.Join(", ", at)}] is {label}";
    }

    // Run after the map's shape is checked (RunReport.MalformedMap): the ratios fill it, the counts are one per edge.
    private static string? BadMapValues(string what, ErrorMap m, int elements)
    {
        for (int i = 0; i < m.Ratios.Length; i++)
            if (NotError($"{what}.ratios[{i}]", m.Ratios[i], "an error/bound ratio") is { } why) return why;
        // The bins are quarter decades in order; the HTML page draws each bar from its edge to the next.
        for (int i = 0; i < m.HistogramEdges.Length; i++)
        {
            double e = m.HistogramEdges[i];
            if (!double.IsFinite(e)) return Say($"{what}.histogram_log10_edges[{i}] is {N(e)}, not a finite log10 edge");
            if (i > 0 && !(e > m.HistogramEdges[i - 1]))
                return Say($"{what}.histogram_log10_edges[{i}] is {N(e)}, but {what}.histogram_log10_edges[{i - 1}] is {N(m.HistogramEdges[i - 1])}: the edges increase strictly");
        }
        // The histogram is of every element compared, the slice's ratios of a part of them.
        Int128 total = 0;
        foreach (long c in m.HistogramCounts) total += c;
        return total == elements ? null
            : Say($"{what}.histogram_counts add up to {total}, but {what[..^".map".Length]}.elements is {elements}: the histogram counts every element compared");
    }

    // skipped lists the first MaxSkippedListed problems in order and skipped_by_kind counts all of them, each kind it
    // names at least once: the list is the counts' first problems, all of them while there are no more than fit.
    private static string? BadSkipped(RunReport r)
    {
        // Each kind is one of the writer's words (SkippedProblem.KindName): another would be merged and counted as if
        // it said why a problem was left out.
        if (r.SkippedByKind.Keys.FirstOrDefault(k => !SkipKinds.Contains(k, StringComparer.Ordinal)) is { } unknownCount)
            return Say($"skipped_by_kind[\"{Printable(unknownCount)}\"] is {r.SkippedByKind[unknownCount]}, but \"{Printable(unknownCount)}\" is no kind of skipped problem: expected {KindList}");
        for (int i = 0; i < r.Skipped.Count; i++)
            if (!SkipKinds.Contains(r.Skipped[i].Kind, StringComparer.Ordinal))
                return $"skipped[{i}].kind is \"{Printable(r.Skipped[i].Kind)}\", not a kind of skipped problem: expected {KindList}";
        foreach (var (kind, count) in r.SkippedByKind)
            if (count < 1) return Say($"skipped_by_kind[\"{Printable(kind)}\"] is {count}, not a count of skipped problems (1 or more)");
        long total = r.SkippedByKind.Values.Sum(c => (long)c);
        if (total > int.MaxValue) return Say($"skipped_by_kind counts {total} problems in all, more than a report counts ({int.MaxValue})");
        if (r.Skipped.Count > RunReport.MaxSkippedListed)
            return Say($"skipped lists {r.Skipped.Count} problems, more than the {RunReport.MaxSkippedListed} a report lists");
        var listed = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < r.Skipped.Count; i++)
        {
            string kind = r.Skipped[i].Kind;
            int n = listed[kind] = listed.GetValueOrDefault(kind) + 1;
            int counted = r.SkippedByKind.GetValueOrDefault(kind);
            if (n > counted)
                return Say($"skipped lists {n} \"{Printable(kind)}\" {(n == 1 ? "problem" : "problems")} by skipped[{i}], but skipped_by_kind[\"{Printable(kind)}\"] is {counted}");
        }
        long expected = Math.Min(total, RunReport.MaxSkippedListed);
        if (r.Skipped.Count != expected)
        {
            // Which kind the list is short of, when it should hold them all; else only the totals can differ.
            // Stryker disable once Linq : every kind listed was counted at least as often (checked above), so a list short of the counts' total is short of some kind: the default never comes
            if (total <= RunReport.MaxSkippedListed && r.SkippedByKind.FirstOrDefault(kv => listed.GetValueOrDefault(kv.Key) != kv.Value) is { Key: { } kind } shortKind)
                return Say($"skipped_by_kind[\"{Printable(kind)}\"] is {shortKind.Value}, but skipped lists {listed.GetValueOrDefault(kind)}: a report lists every skipped problem up to {RunReport.MaxSkippedListed}");
            return Say($"skipped lists {r.Skipped.Count} problems, but skipped_by_kind counts {total}: a report lists the first {RunReport.MaxSkippedListed}");
        }
        return null;
    }

    private static readonly string[] SkipKinds =
        [.. Enum.GetValues<BatchSkipKind>().Where(k => k != BatchSkipKind.None).Select(SkippedProblem.KindName)];

    private static readonly string KindList = string.Join(", ", SkipKinds.Select(k => $"\"{k}\""));

    // selection_cases and selection_hash describe the whole selection, before sharding, and are recorded together (a
    // report from before has neither): a shard's rows hold at most the selection's cases. The rows about the pack
    // (subject "-"), made before the cases were read, may name a case that could not be, which the selection has not.
    private static string? BadSelection(RunReport r)
    {
        if (NotCount("selection_cases", r.SelectionCases) is { } why) return why;
        static bool Sha256(string h) => h.Length == 64 && h.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
        // selection_set_hash came after the other two: a report may have them without it, never it without them.
        if (r.SelectionSetHash.Length > 0 && !Sha256(r.SelectionSetHash))
            return $"selection_set_hash is \"{Printable(r.SelectionSetHash)}\", not a SHA-256 (64 lower-case hex digits) or empty";
        if (r.SelectionHash.Length == 0)
        {
            if (r.SelectionCases != 0)
                return Say($"selection_cases is {r.SelectionCases}, but selection_hash is empty: a report records both, or neither (one from before they were)");
            return r.SelectionSetHash.Length == 0 ? null : "selection_set_hash is given, but selection_hash is empty: a report that records the one records the other";
        }
        if (!Sha256(r.SelectionHash))
            return $"selection_hash is \"{Printable(r.SelectionHash)}\", not a SHA-256 (64 lower-case hex digits) or empty";
        int held = r.Rows.Where(x => x.Subject != RunRow.NoSubject).Select(x => x.Case).Distinct(StringComparer.Ordinal).Count();
        return held <= r.SelectionCases ? null
            : Say($"selection_cases is {r.SelectionCases}, but the rows hold {held} cases (those about the pack, subject \"{RunRow.NoSubject}\", left out): a shard holds at most the whole selection's");
    }

    /// <summary>
    /// Where the summary a report was read with (<see cref="RunReport.WrittenSummary"/>) and the one its rows, skipped
    /// counts and options give differ, e.g. <c>summary.cases is 2, but its rows give 1</c>; null when they agree or
    /// there is none.
    /// </summary>
    public static string? SummaryDisagreement(RunReport r)
    {
        if (r.WrittenSummary is not { } written) return null;
        // Every outcome is written, and only outcomes: a count of something else would be merged as if it meant one.
        var names = Enum.GetValues<Outcome>().Select(o => o.Name()).ToList();
        if (written.Outcomes.Keys.FirstOrDefault(k => !names.Contains(k, StringComparer.Ordinal)) is { } unknown)
            return $"summary.outcomes[\"{Printable(unknown)}\"] is given, but it is no outcome: expected {string.Join(", ", names.Select(n => $"\"{n}\""))}";
        var rows = r.Summary;
        var pairs = new List<(string Field, int Written, int Rows)>
        {
            ("cases", written.Cases, rows.Cases), ("directions", written.Directions, rows.Directions), ("files", written.Files, rows.Files), ("skipped", written.Skipped, rows.Skipped),
        };
        foreach (var (outcome, count) in rows.Outcomes)
            pairs.Add(($"outcomes[\"{outcome}\"]", written.Outcomes.GetValueOrDefault(outcome), count));
        pairs.Add(("exit_code", written.ExitCode, rows.ExitCode));
        if (pairs.FirstOrDefault(p => p.Written != p.Rows) is { Field: not null } differs)
            return Say($"summary.{differs.Field} is {differs.Written}, but its rows give {differs.Rows}");
        // The reasons are made from the rows and options alone (RunReport.Reasons), word for word: compared last, as
        // the sentences of the counts above.
        var (said, given) = (written.Reasons, rows.Reasons);
        for (int i = 0; i < Math.Min(said.Count, given.Count); i++)
            if (!string.Equals(said[i], given[i], StringComparison.Ordinal))
                return $"summary.reasons[{i}] is \"{Printable(said[i])}\", but its rows give \"{Printable(given[i])}\"";
        return said.Count == given.Count ? null
            : said.Count < given.Count
            ? Say($"summary.reasons lists {said.Count}, but its rows give {given.Count}: the next is \"{Printable(given[said.Count])}\"")
            : Say($"summary.reasons[{given.Count}] is \"{Printable(said[given.Count])}\", but its rows give {given.Count} {(given.Count == 1 ? "reason" : "reasons")}");
    }

    private static string? NotError(string what, double? value, string kind) =>
        value is not { } v || v >= 0 ? null : Say($"{what} is {v}, not {kind} (0 or more, or Infinity)");

    private static string? NotBound(string what, double? value) =>
        value is not { } v || v >= 0 || double.IsNaN(v) ? null : Say($"{what} is {v}, not a bound (0 or more, Infinity, or NaN)");

    private static string? NotCount(string what, int value) => value >= 0 ? null : Say($"{what} is {value}, not a count (0 or more)");

    internal static string Say(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    // A number of the report as it reads back: the runtime's own text of 2^−25 names the double below it
    // (Comparison.RoundTripText), and a refusal about that very value printed another.
    internal static string N(double value) => Comparison.RoundTripText.Of(value);

    /// <summary>Most characters of a report's own text (a descriptor, a reason, a kind) a refusal quotes.</summary>
    internal const int MaxQuoted = 80;

    /// <summary>
    /// Someone else's text as a refusal quotes it: shown as the console would show it (<see cref="Fixtures.PackPaths.Printable"/>),
    /// and cut after <see cref="MaxQuoted"/> characters with "…", as a manifest's refusals are: a hostile report's
    /// descriptor of 10 MB was echoed whole (<paramref name="most"/> characters, for a longer sentence that may quote it). Never cut between the halves of a surrogate pair, which alone are no character.
    /// </summary>
    internal static string Printable(string s, int most = MaxQuoted) => Fixtures.PackPaths.Printable(Fixtures.PackPaths.Cut(s, most));
}
