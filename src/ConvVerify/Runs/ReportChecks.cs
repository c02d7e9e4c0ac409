using System.Globalization;

namespace ConvVerify.Runs;

/// <summary>
/// What a report read back must hold beyond its types: numbers in the range the writer gives them, and every count that
/// another part of the report also gives agreeing with it. A merge of shards that hold neither would pass on its word a
/// verdict no run made. Each check says what is wrong, named by its JSON path (as <c>rows[3].ratio</c>); null when nothing is.
/// </summary>
internal static class ReportChecks
{
    /// <summary>The first value or count of <paramref name="r"/> no writer makes, or null.</summary>
    public static string? Inconsistent(RunReport r) =>
        Enumerable.Range(0, r.Rows.Count).Select(i => BadRow($"rows[{i}]", r.Rows[i])).FirstOrDefault(w => w is not null)
        ?? BadSkipped(r)
        // Last: the summary is computed from the rows and the skipped counts, which must be sound first.
        ?? SummaryDisagreement(r);

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
        }
        return row.Map is { } map ? BadMapValues($"{what}.map", map, row.Elements) : null;
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
            if (!double.IsFinite(e)) return Say($"{what}.histogram_log10_edges[{i}] is {e}, not a finite log10 edge");
            if (i > 0 && !(e > m.HistogramEdges[i - 1]))
                return Say($"{what}.histogram_log10_edges[{i}] is {e}, but {what}.histogram_log10_edges[{i - 1}] is {m.HistogramEdges[i - 1]}: the edges increase strictly");
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
            ("cases", written.Cases, rows.Cases), ("directions", written.Directions, rows.Directions), ("skipped", written.Skipped, rows.Skipped),
        };
        foreach (var (outcome, count) in rows.Outcomes)
            pairs.Add(($"outcomes[\"{outcome}\"]", written.Outcomes.GetValueOrDefault(outcome), count));
        pairs.Add(("exit_code", written.ExitCode, rows.ExitCode));
        return pairs.FirstOrDefault(p => p.Written != p.Rows) is { Field: not null } differs
            ? Say($"summary.{differs.Field} is {differs.Written}, but its rows give {differs.Rows}")
            : null;
    }

    private static string? NotError(string what, double? value, string kind) =>
        value is not { } v || v >= 0 ? null : Say($"{what} is {v}, not {kind} (0 or more, or Infinity)");

    private static string? NotBound(string what, double? value) =>
        value is not { } v || v >= 0 || double.IsNaN(v) ? null : Say($"{what} is {v}, not a bound (0 or more, Infinity, or NaN)");

    private static string? NotCount(string what, int value) => value >= 0 ? null : Say($"{what} is {value}, not a count (0 or more)");

    private static string Say(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    // A kind is someone else's text: shown as the console would show it.
    private static string Printable(string s) => Fixtures.PackPaths.Printable(s);
}
