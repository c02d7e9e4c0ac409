using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ConvVerify.Comparison;
using ConvVerify.Runs;
using ConvVerify.Tests.Properties;
using CsCheck;

namespace ConvVerify.Tests.Reports;

/// <summary>
/// The --json reader against its writer, on reports shaped as runs make them (rows of every outcome, error maps of
/// random ratios, infinite errors, NaN bounds, up to past 1,000 skipped problems): each reads back and is written again
/// byte for byte; and with one member changed or removed it is read (and then itself reads back the same) or refused
/// with a message naming the file and the member, its parent, or what counts the same thing.
/// </summary>
public partial class ReportReadBackPropertyTests
{
    private static readonly string[] Kinds = ["option", "dtype", "match", "too-large", "invalid", "include"];

    // What a comparison gives: an error or error/bound is at least 0 and infinite where it measures nothing, never NaN.
    private static readonly Gen<double> Error = Gen.Frequency((6, Gen.Double[0, 1e3]), (1, Gen.Const(0.0)), (1, Gen.Const(double.PositiveInfinity)));

    // A bound is a sum of magnitudes: NaN or infinite when an input held such a value.
    private static readonly Gen<double> Bound = Gen.Frequency((6, Gen.Double[0, 10]), (1, Gen.Const(0.0)), (1, Gen.Const(double.PositiveInfinity)), (1, Gen.Const(double.NaN)));

    private static readonly Gen<string> Text = Gen.Frequency((4, Gen.OneOf(Gen.Const("y: 3 of 6 elements beyond the bound"), Gen.Const("dw: not provided"))), (1, Gen.String));

    // The report's one reference (and so its rows'), named as torch computing in channels-last is.
    private const string Reference = "torch-channels-last";

    // A compared direction as Runner writes it: every count, error and map from one set of per-element ratios; its worst
    // element's values the error apart, its outcome what that element makes of it under its rule (TensorComparison.Judge:
    // the probabilistic rule's bound capped at the sound one, TierBound), a suspicious worst element now and then beside
    // another that fails.
    private static Gen<RunRow> Compared(bool probabilistic) =>
        Gen.Select(Gen.Int[1, 2].Array[2], Gen.Int[1, 5].Array[2], Gen.Bool)
        .SelectMany(t =>
        {
            var (outer, inner, failing) = t;
            int[] shape = [outer[0], outer[1], inner[0], inner[1]];
            int n = shape.Aggregate(1, (a, b) => a * b);
            return Gen.Select(Error.Array[n], Bound, Bound, Gen.Int[0, n - 1], (ratios, tier, sound, worst) =>
            {
                int[] position = [worst / (shape[1] * shape[2] * shape[3]), worst / (shape[2] * shape[3]) % shape[1], worst / shape[3] % shape[2], worst % shape[3]];
                // The worst element is one whose values differ.
                double error = ratios[worst] = ratios[worst] > 0 ? ratios[worst] : 0.5;
                double bound = probabilistic ? TensorComparison.TierBound(tier, sound) : sound;
                var outcome = TensorComparison.Judge(error, sound, bound) switch
                {
                    Judgement.Pass => Outcome.Pass,
                    Judgement.Suspicious => failing ? Outcome.Fail : Outcome.Suspicious,
                    _ => Outcome.Fail,
                };
                bool passed = outcome == Outcome.Pass;
                return new RunRow
                {
                    // The descriptor gives y the shape the elements are numbered in (a 1x1 kernel keeps the extents).
                    Case = "c" + string.Join("x", shape), DType = "f32",
                    Descriptor = string.Create(CultureInfo.InvariantCulture, $"mb{shape[0]}ic1ih{shape[2]}iw{shape[3]}oc{shape[1]}oh{shape[2]}ow{shape[3]}kh1kw1ph0pw0n\"c\""), Fill = "normal", Direction = "y",
                    Reference = Reference, Subject = "naive", Outcome = outcome, Tolerance = probabilistic ? Tolerance.Probabilistic : Tolerance.SoundBound, Reason = "y: compared",
                    Elements = n, // A failing or suspicious verdict has at least one element beyond a bound (Runner.Row).
                    Failures = passed ? 0 : Math.Max(1, ratios.Count(r => r > 1)), MaxAbsError = ratios.Max(), Ratio = RatioOf(error, bound),
                    Worst = new WorstElement { Index = worst, Position = position, Expected = 0, Actual = error, AbsError = error, Bound = bound, SoundBound = probabilistic ? sound : null },
                    Map = passed ? null : ErrorMap.From(ratios, shape, position),
                    Seconds = double.IsFinite(ratios[0]) ? ratios[0] % 7 : 0,
                };
            });
        });

    // The ratio a verdict gives its worst element: its error over its bound, Infinity where the bound measures nothing
    // (0, NaN or Infinity), as docs/report-schema.md says.
    private static double RatioOf(double error, double bound) => bound == 0 || !double.IsFinite(bound) ? double.PositiveInfinity : error / bound;

    // A compared direction whose results agree everywhere: no worst element, no error, no ratio (y and db of the problem
    // are one element each).
    private static readonly Gen<RunRow> Identical =
        Gen.Select(Gen.Bool, Gen.Bool, (y, sound) => new RunRow
        {
            Case = "same", Descriptor = "mb1ic1ih1oc1kh1n\"one\"", DType = "f64", Fill = "integer", Direction = y ? "y" : "db",
            Reference = Reference, Subject = "naive", Outcome = Outcome.Pass, Tolerance = sound ? Tolerance.SoundBound : Tolerance.ExactValues,
            Reason = "y: all equal", Elements = 1, Failures = 0, MaxAbsError = 0, Ratio = 0,
        });

    // A direction nothing was compared in: absent on one side, or an error with its cause (none in a report from before);
    // or a row about the pack's files, made before the cases were split among shards.
    private static readonly Gen<RunRow> Absent =
        Gen.Select(Gen.OneOf(Gen.Const(Outcome.NotInPack), Gen.Const(Outcome.NotProvided), Gen.Const(Outcome.NotProvidedByOracle), Gen.Const(Outcome.Error)),
            Gen.OneOf(Gen.Const((ErrorCause?)ErrorCause.Input), Gen.Const((ErrorCause?)ErrorCause.Oracle), Gen.Const((ErrorCause?)null)),
            Gen.OneOf(Gen.Const("a"), Gen.Const("b"), Gen.Const(Plans.PackCase)), Text,
            (outcome, cause, id, reason) => new RunRow
            {
                Case = id, Descriptor = "mb1ic3ih5oc4oh3kh3", DType = "bf16", Fill = "integer", Direction = id == Plans.PackCase ? "*" : "dw",
                Reference = id == Plans.PackCase ? "pack" : Reference, Subject = id == Plans.PackCase ? RunRow.NoSubject : "naive", Outcome = outcome, Reason = reason,
                Cause = outcome == Outcome.Error ? cause : null,
            });

    private static Gen<List<SkippedProblem>> Skips(Gen<int> count) =>
        count.SelectMany(n => Gen.OneOf(Kinds).Array[n]).Select(kinds =>
            kinds.Select((k, i) => new SkippedProblem { Where = $"conv.batch:{i + 1}", Descriptor = "mb1ic1ih5oc1kh3", Kind = k, Reason = "--" + k }).ToList());

    /// <summary>Reports as the writer makes them: the options, rows and skipped problems a run can have.</summary>
    /// <remarks>A list cut at 1,000 is tried now and then: each is some 100 KB of JSON to write and read.</remarks>
    internal static readonly Gen<RunReport> Reports = ReportsSkipping(Gen.Frequency((12, Gen.Int[0, 4]), (1, Gen.Int[998, 1000]), (2, Gen.Int[1001, 1003])));

    // The edits' reports list a few skipped problems: in a list of a thousand nearly every edit would land on one.
    private static readonly Gen<RunReport> ShortReports = ReportsSkipping(Gen.Int[0, 4]);

    // check's --tolerance, or none for fixtures check, which sets its own rule (and so judges by no probabilistic tier).
    private static Gen<RunReport> ReportsSkipping(Gen<int> skipped) =>
        Gen.OneOf(Gen.Const((string?)null), Gen.Const((string?)"probabilistic"), Gen.Const((string?)"sound")).SelectMany(tolerance =>
        Gen.Select(Gen.Frequency((4, Compared(tolerance == "probabilistic")), (1, Identical), (2, Absent)).List[0, 4], Skips(skipped), Gen.Bool, Gen.Bool, Gen.Bool, Text.List[0, 2],
            Gen.OneOf(Gen.Const("1/1"), Gen.Const("2/3")))
        .Select(t =>
        {
            var (rows, skipped, any, strict, requireComparison, warnings, shard) = t;
            var (listed, byKind) = RunReport.SkippedOf(skipped);
            return new RunReport
            {
                Command = tolerance is null ? "fixtures check" : "check", Subject = new SourceInfo { Name = "naive" },
                References = [new SourceInfo { Name = Reference, Versions = new(StringComparer.Ordinal) { ["torch"] = "2.5.1" }, Layout = any ? "channels-last" : null }],
                Requirement = any ? Requirement.Any : Requirement.All, Strict = strict, RequireComparison = requireComparison, ToleranceMode = tolerance,
                // A seed names the cases of a run (ConvCase.IdOf): these cases are named otherwise, so only a run of none has one.
                Seed = strict && tolerance is not null && rows.All(r => r.Subject == RunRow.NoSubject) ? 7UL : null,
                Shard = shard, SelectionCases = rows.Count, SelectionHash = RunReport.HashOf(rows.Select(r => r.Case)),
                SelectionSetHash = RunReport.SetHashOf(rows.Select(r => r.Case)),
                Started = "2026-12-01T04:00:00Z", Seconds = 0.5 * rows.Count, Warnings = warnings, Skipped = listed, SkippedByKind = byKind, Rows = rows,
            };
        }));

    private static byte[] Written(RunReport r)
    {
        string path = Property.ScratchFile(".json");
        try
        {
            r.Write(path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static RunReport ReadText(string path, string text)
    {
        File.WriteAllText(path, text);
        return RunReport.Read(path);
    }

    [Test]
    public void EveryReportTheWriterMakesReadsBackAndIsWrittenAgainByteForByte()
    {
        int maps = 0, longLists = 0;
        Property.ForAll(Reports, report =>
        {
            byte[] first = Written(report);
            string path = Property.ScratchFile(".json");
            try
            {
                File.WriteAllBytes(path, first);
                var read = RunReport.Read(path);
                AreSame(Written(read), first, "written again");
                Assert.That(read.WrittenSummary, Is.EqualTo(read.Summary).Using<RunSummary>(SameSummary), "its summary is its rows'");
            }
            finally
            {
                File.Delete(path);
            }
            maps += report.Rows.Count(r => r.Map is not null);
            longLists += report.SkippedTotal > RunReport.MaxSkippedListed ? 1 : 0;
        }, iterations: 40, stream: 41, describe: r => JsonSerializer.Serialize(r, RunReport.JsonOptions));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(maps, Is.GreaterThan(10), "rows with maps were tried");
            Assert.That(longLists, Is.GreaterThan(1), "skipped lists cut at 1,000 were tried");
        }
    }

    // Compared as spans: NUnit's collection equality takes milliseconds over a report's bytes, element by element.
    private static void AreSame(byte[] actual, byte[] expected, string what)
    {
        if (!actual.AsSpan().SequenceEqual(expected))
            Assert.Fail($"{what}: written\n{System.Text.Encoding.UTF8.GetString(actual)}\nbut first\n{System.Text.Encoding.UTF8.GetString(expected)}");
    }

    private static bool SameSummary(RunSummary a, RunSummary b) =>
        (a.Cases, a.Directions, a.Skipped, a.ExitCode) == (b.Cases, b.Directions, b.Skipped, b.ExitCode) && a.Outcomes.SequenceEqual(b.Outcomes) && a.Reasons.SequenceEqual(b.Reasons);

    /// <summary>A report and the one edit made to it.</summary>
    internal sealed record Edited(RunReport Report, JsonMutations.Mutation Mutation)
    {
        /// <inheritdoc/>
        public override string ToString() => Mutation + "\n" + JsonSerializer.Serialize(Report, RunReport.JsonOptions);
    }

    [Test]
    public void AReportWithOneMemberChangedIsReadOrRefusedNamingThatMember()
    {
        int read = 0, refused = 0;
        var gen = Gen.Select(ShortReports, JsonMutations.Edit, (r, m) => new Edited(r, m));
        Property.ForAll(gen, e =>
        {
            var (text, applied) = JsonMutations.Apply(JsonSerializer.Serialize(e.Report, RunReport.JsonOptions), [e.Mutation]);
            string verb = applied[0].StartsWith("set ", StringComparison.Ordinal) ? "set " : "remove ";
            string edited = applied[0][verb.Length..^(e.Mutation.Value.Length + 1)];
            string path = Property.ScratchFile(".json");
            try
            {
                RunReport report;
                try
                {
                    report = ReadText(path, text);
                }
                catch (InvalidDataException x)
                {
                    refused++;
                    Assert.That(x.Message, Does.StartWith(path + ": "));
                    Assert.That(Blames(x.Message[(path.Length + 2)..], edited), Is.True, $"{applied[0]}: {x.Message}");
                    return;
                }
                read++;
                // What the reader takes, the writer writes and the reader takes again: the same report, byte for byte.
                byte[] again = Written(report);
                File.WriteAllBytes(path, again);
                AreSame(Written(RunReport.Read(path)), again, applied[0]);
            }
            finally
            {
                File.Delete(path);
            }
        }, iterations: 150, stream: 42, describe: e => e.ToString());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read, Is.GreaterThan(10), "edits the reader takes");
            Assert.That(refused, Is.GreaterThan(25), "edits the reader refuses");
        }
    }

    /// <summary>A report and a value no writer gives one of its members.</summary>
    internal sealed record Broken(RunReport Report, int Pick, int Where, double Magnitude)
    {
        /// <inheritdoc/>
        public override string ToString() => $"pick {Pick}, where {Where}, magnitude {Magnitude}\n" + JsonSerializer.Serialize(Report, RunReport.JsonOptions);
    }

    private static readonly Gen<Broken> Breaks =
        Gen.Select(ShortReports.Where(r => r.Rows.Any(x => x.Map is not null)), Gen.Int[0, 30], Gen.Int[0, 1000], Gen.Double[1e-300, 1e300], (r, pick, where, m) => new Broken(r, pick, where, m));

    [Test]
    public void AValueNoWriterGivesIsRefusedNamingItsPathAndValue()
    {
        var tried = new HashSet<string>(StringComparer.Ordinal);
        Property.ForAll(Breaks, b =>
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(b.Report, RunReport.JsonOptions))!.AsObject();
            var rows = json["rows"]!.AsArray();
            int[] mapped = [.. Enumerable.Range(0, rows.Count).Where(i => rows[i]!["map"] is not null)];
            int i = mapped[b.Where % mapped.Length];
            var row = rows[i]!.AsObject();
            var map = row["map"]!.AsObject();
            string m = b.Magnitude.ToString("R", CultureInfo.InvariantCulture), neg = "-" + m;
            int edges = map["histogram_log10_edges"]!.AsArray().Count, slice = map["ratios"]!.AsArray().Count, elements = (int)row["elements"]!;
            int e = 1 + b.Where % (edges - 1), r = b.Where % slice;
            var skipped = json["skipped"]!.AsArray();
            var reasons = json["summary"]!["reasons"]!.AsArray();
            var worst = row["worst"]!.AsObject();
            int index = (int)worst["index"]!;
            int[] position = [.. worst["position"]!.AsArray().Select(x => (int)x!)];
            int[] moved = [.. position[..^1], position[^1] + 1];
            string Listed(int[] p) => "[" + string.Join(", ", p) + "]";
            // The cases the rows hold, but for those about the pack (made before the selection was read).
            int directions = rows.Count(x => (string)x!["case"]! != Plans.PackCase);
            int held = rows.Where(x => (string)x!["subject"]! != RunRow.NoSubject).Select(x => (string)x!["case"]!).Distinct(StringComparer.Ordinal).Count();
            int pick = b.Pick == 17 && skipped.Count == 0 ? 16 : b.Pick == 23 && reasons.Count == 0 ? 22 : b.Pick;
            string? alsoMember = null, alsoValue = null;
            // What is set, and what the refusal must say: the member's path as the reader writes it, and the value.
            (string Member, string Value, string[] Said) edit = pick switch
            {
                16 => ("skipped_by_kind[\"Option\"]", "1", ["skipped_by_kind[\"Option\"] is 1, but \"Option\" is no kind of skipped problem: expected \"option\", "]),
                17 => ($"skipped[{b.Where % skipped.Count}].kind", "\"Option\"", [$"skipped[{b.Where % skipped.Count}].kind is \"Option\", not a kind of skipped problem"]),
                18 => ($"rows[{i}].worst.index", elements.ToString(CultureInfo.InvariantCulture), [$"rows[{i}].worst.index is {elements}, but rows[{i}].elements is {elements}"]),
                19 => ($"rows[{i}].worst.index", "-1", [$"rows[{i}].worst.index is -1, but rows[{i}].elements is {elements}"]),
                20 => ($"rows[{i}].worst.position", "[" + string.Join(",", moved) + "]",
                       [$"rows[{i}].worst.position is {Listed(moved)}, but rows[{i}].worst.index {index} is {Listed(position)} in the shape"]),
                // The worst element's error past the largest: set with the largest made finite.
                21 => ($"rows[{i}].worst.abs_error", "\"Infinity\"", [$"rows[{i}].worst.abs_error is Infinity, but rows[{i}].max_abs_error is {m}"]),
                22 => ("summary.reasons", new System.Text.Json.Nodes.JsonArray([.. reasons.Select(x => x!.DeepClone()), "made up"]).ToJsonString(),
                       [$"summary.reasons[{reasons.Count}] is \"made up\", but its rows give {reasons.Count} "]),
                23 => ("summary.reasons[0]", "\"made up\"", ["summary.reasons[0] is \"made up\", but its rows give \""]),
                24 => ("selection_cases", "-1", ["selection_cases is -1, not a count (0 or more)"]),
                25 => ("selection_hash", "\"\"", [$"selection_cases is {(int)json["selection_cases"]!}, but selection_hash is empty"]),
                26 => ("selection_cases", (held - 1).ToString(CultureInfo.InvariantCulture), [$"selection_cases is {held - 1}, but the rows hold {held} cases"]),
                27 => ($"rows[{i}].direction", "\"db\"", [$"rows[{i}].direction \"db\" of rows[{i}].descriptor"]),
                28 => ($"rows[{i}].descriptor", "\"mb1ic1\"", [$"rows[{i}].descriptor is \"mb1ic1\", but rows[{i}].worst is given"]),
                // A ratio not the worst element's error over its bound; a failing row without its worst element.
                29 => ($"rows[{i}].ratio", m, [$"rows[{i}].ratio is {m}, but rows[{i}].worst.abs_error "]),
                30 => ($"rows[{i}].worst", "null", [$", but rows[{i}].worst is not given: "]),
                0 => ($"rows[{i}].max_abs_error", neg, [$"rows[{i}].max_abs_error is {neg}"]),
                1 => ($"rows[{i}].max_abs_error", "\"NaN\"", [$"rows[{i}].max_abs_error is NaN"]),
                2 => ($"rows[{i}].ratio", "\"-Infinity\"", [$"rows[{i}].ratio is -Infinity"]),
                3 => ($"rows[{i}].ratio", neg, [$"rows[{i}].ratio is {neg}"]),
                4 => ($"rows[{i}].worst.abs_error", "\"NaN\"", [$"rows[{i}].worst.abs_error is NaN"]),
                5 => ($"rows[{i}].worst.bound", neg, [$"rows[{i}].worst.bound is {neg}"]),
                6 => ($"rows[{i}].map.ratios[{r}]", "\"NaN\"", [$"rows[{i}].map.ratios[{r}] is NaN"]),
                7 => ($"rows[{i}].map.ratios[{r}]", neg, [$"rows[{i}].map.ratios[{r}] is {neg}"]),
                8 => ($"rows[{i}].map.histogram_log10_edges[{e}]", "\"NaN\"", [$"rows[{i}].map.histogram_log10_edges[{e}] is NaN"]),
                // Equal to the edge before it, or below: not strictly increasing.
                9 => ($"rows[{i}].map.histogram_log10_edges[{e}]", map["histogram_log10_edges"]![e - 1]!.ToJsonString(),
                      [$"rows[{i}].map.histogram_log10_edges[{e}] is {map["histogram_log10_edges"]![e - 1]}", $"rows[{i}].map.histogram_log10_edges[{e - 1}]"]),
                10 => ($"rows[{i}].map.histogram_log10_edges[{e}]", "-5", [$"rows[{i}].map.histogram_log10_edges[{e}] is -5"]),
                11 => ($"rows[{i}].map.histogram_counts[{r % edges}]", ((long)map["histogram_counts"]![r % edges]! + 1).ToString(CultureInfo.InvariantCulture),
                       [$"rows[{i}].map.histogram_counts add up to {elements + 1}", $"rows[{i}].elements is {elements}"]),
                12 => ($"rows[{i}].failures", (elements + 1).ToString(CultureInfo.InvariantCulture), [$"rows[{i}].failures is {elements + 1}", $"rows[{i}].elements is {elements}"]),
                13 => ($"rows[{i}].elements", "-1", [$"rows[{i}].elements is -1"]),
                // The rows about the pack's files are files, not directions.
                14 => ("summary.directions", (directions + 1).ToString(CultureInfo.InvariantCulture), [$"summary.directions is {directions + 1}, but its rows give {directions}"]),
                _ => ($"summary.outcomes[\"{row["outcome"]}\"]", "0", [$"summary.outcomes[\"{row["outcome"]}\"] is 0, but its rows give {(int)json["summary"]!["outcomes"]![(string)row["outcome"]!]!}"]),
            };
            if (pick == 21) (alsoMember, alsoValue) = ($"rows[{i}].max_abs_error", m);
            tried.Add(edit.Member.Split('.', 3).Last());
            Set(json, edit.Member, edit.Value);
            if (alsoMember is not null) Set(json, alsoMember, alsoValue!);
            string path = Property.ScratchFile(".json");
            try
            {
                var x = Assert.Throws<InvalidDataException>(() => ReadText(path, json.ToJsonString()), edit.Member + " = " + edit.Value)!;
                Assert.That(x.Message, Does.StartWith(path + ": not a ConvVerify report ("));
                foreach (string said in edit.Said) Assert.That(x.Message.Contains(said, StringComparison.Ordinal), Is.True, $"{said}\n{x.Message}");
            }
            finally
            {
                File.Delete(path);
            }
        }, iterations: 64, stream: 43, describe: b => b.ToString());
        Assert.That(tried, Has.Count.GreaterThan(20), string.Join(", ", tried));
    }

    // Sets a member by the reader's path: a.b[3].c["d"].
    private static void Set(System.Text.Json.Nodes.JsonObject root, string member, string value)
    {
        var parts = Segments().Matches(Normal(member)).Select(m => m.Value.TrimStart('.')).ToList();
        System.Text.Json.Nodes.JsonNode node = root;
        foreach (string part in parts.SkipLast(1)) node = part.StartsWith('[') ? node[int.Parse(part[1..^1], CultureInfo.InvariantCulture)]! : node[part]!;
        string last = parts[^1];
        if (last.StartsWith('[')) node[int.Parse(last[1..^1], CultureInfo.InvariantCulture)] = System.Text.Json.Nodes.JsonNode.Parse(value);
        else node[last] = System.Text.Json.Nodes.JsonNode.Parse(value);
    }

    // Whether a refusal names the edited member (or what is inside it), its parent (not its siblings), or what another
    // part of the report counts it by: the summary counts the rows, the skipped problems and the options deciding the
    // exit code; skipped and skipped_by_kind count each other; a row's outcome decides whether it may have a cause.
    private static bool Blames(string message, string edited)
    {
        string said = Normal(message), member = Normal(edited);
        if (member.Length == 0) return false; // the root: no edit was made, so nothing may be refused
        bool named(string p, bool within) =>
            new Regex($@"(?<![\w.\]]){Regex.Escape(p)}(?![\w{(within ? "" : @".\[")}])").IsMatch(said);
        if (named(member, within: true)) return true;
        var parts = Segments().Matches(member).Select(m => m.Value).ToList();
        for (int n = parts.Count - 1; n >= 1; n--)
            if (named(string.Concat(parts.Take(n)), within: false)) return true;
        string top = parts[0];
        var counterparts = new List<string>();
        if (top is "rows" or "warnings" or "strict" or "requirement" or "require_comparison" or "shard" or "selection_cases" or "skipped_by_kind") counterparts.Add("summary");
        // selection_cases counts at least the cases the rows hold; selection_hash is recorded with it.
        if (top is "rows" or "selection_hash") counterparts.Add("selection_cases");
        if (top == "skipped") counterparts.Add("skipped_by_kind");
        if (top == "skipped_by_kind") counterparts.Add("skipped");
        if (parts.Count >= 3 && top == "rows" && parts[2] == ".outcome") counterparts.Add(parts[0] + parts[1] + ".cause");
        return counterparts.Any(c => named(c, within: true));
    }

    // Paths as System.Text.Json, JsonNode and the reader's messages write them ($.a['b c'], a["b c"]), alike: a.b c.
    private static string Normal(string s) =>
        Bracketed().Replace(s, m => "." + m.Groups[2].Value).Replace("$.", "", StringComparison.Ordinal).TrimStart('$');

    [GeneratedRegex(@"\[(['""])(.*?)\1\]")]
    private static partial Regex Bracketed();

    [GeneratedRegex(@"^[^.\[]+|\.[^.\[]+|\[\d+\]")]
    private static partial Regex Segments();
}
