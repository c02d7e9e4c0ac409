using System.Text.Json;
using System.Text.Json.Nodes;
using ConvVerify.Reports;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Reports;

/// <summary>
/// <see cref="ReportMerge"/> on reports built in memory: what the merged report takes from its shards, and every way a
/// set of reports is refused as not the shards of one run (the CLI tests run the command end to end).
/// </summary>
public class ReportMergeDetailTests
{
    private const string Hash = "0123456789abcdef0123456789abcdef";

    // The cases of the selections the tests merge, by their count: of five, the three shards' below; of two, a and b.
    private static string[] Selection(int cases) => cases switch { 5 => ["a", "c", "e", "g", "k"], 2 => ["a", "b"], 1 => ["a"], _ => [] };

    // The case ids of a shard are ones FNV-1a puts in it (computed apart from Shard.Contains): of three shards, c and e
    // are in the first, a in the second, g and k in the third; of two, a is in the first and b in the second.
    private static RunReport Unwritten(string shard, string started, double seconds, string[] warnings, int selection, string[] cases,
        bool strict = true, Requirement requirement = Requirement.Any, string? tolerance = "probabilistic", ulong? seed = null, bool requireComparison = false) => new()
    {
        Command = "check",
        Subject = new SourceInfo { Name = "naive" },
        References = [new SourceInfo { Name = "torch", Versions = new(StringComparer.Ordinal) { ["torch"] = "1.13.0" } }],
        Requirement = requirement,
        Strict = strict,
        RequireComparison = requireComparison,
        ToleranceMode = tolerance,
        Seed = seed,
        Shard = shard,
        SelectionCases = selection,
        SelectionHash = Hash,
        SelectionSetHash = RunReport.SetHashOf(Selection(selection)),
        CaseDirections = new(StringComparer.Ordinal),
        Started = started,
        Seconds = seconds,
        Warnings = [.. warnings],
        Rows = [.. cases.Select(c => TestRows.Row(c, "forward", Outcome.Pass))],
    };

    // As report merge gets it: through the JSON --json writes, so with the summary the run wrote.
    private static RunReport Written(RunReport r) =>
        JsonSerializer.Deserialize<RunReport>(JsonSerializer.Serialize(r, RunReport.JsonOptions), RunReport.JsonOptions)!;

    private static RunReport Shard(string shard, string started, double seconds, string[] warnings, params string[] cases) =>
        Written(Unwritten(shard, started, seconds, warnings, 5, cases));

    private static RunReport One => Shard("1/3", "2026-11-29T03:00:05Z", 1.25, ["w1", "w2"], "c", "e");
    private static RunReport Two => Shard("2/3", "2026-11-29T03:00:01Z", 2.5, ["w2"], "a");
    private static RunReport Three => Shard("3/3", "2026-11-29T03:00:09Z", 4, ["w3", "w1"], "g", "k");

    private static string Refusal(params (string, RunReport)[] shards) =>
        Assert.Throws<ArgumentException>(() => ReportMerge.Merge(shards))!.Message;

    [Test]
    public void TheMergedReportIsTheWholeRunInShardOrder()
    {
        var merged = ReportMerge.Merge([("s3.json", Three), ("s1.json", One), ("s2.json", Two)]);
        Assert.That(merged.Rows.Select(r => r.Case), Is.EqualTo(new[] { "c", "e", "a", "g", "k" }), "rows by shard index, not argument order");
        Assert.That(merged.Shard, Is.EqualTo("1/1"));
        Assert.That(merged.Seconds, Is.EqualTo(7.75));
        Assert.That(merged.Started, Is.EqualTo("2026-11-29T03:00:01Z"), "the earliest start");
        Assert.That(merged.Warnings, Is.EqualTo(new[] { "w1", "w2", "w3" }), "each warning once, first seen first");
        Assert.That((merged.Command, merged.Subject.Name, merged.References.Single().Name), Is.EqualTo(("check", "naive", "torch")));
        Assert.That((merged.Requirement, merged.Strict, merged.RequireComparison), Is.EqualTo((Requirement.Any, true, false)));
        Assert.That((merged.SelectionCases, merged.SelectionHash), Is.EqualTo((5, Hash)));
    }

    [Test]
    public void ASingleWholeRunMergesToItself()
    {
        var whole = Written(Unwritten("1/1", "2026-11-29T03:00:00Z", 3, [], 1, ["a"]));
        Assert.That(ReportMerge.Merge([("all.json", whole)]).Rows.Select(r => r.Case), Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public void NothingToMergeIsRefused()
    {
        Assert.That(() => ReportMerge.Merge([]), Throws.ArgumentException.With.Message.Contains("no shard reports given"));
        Assert.That(() => ReportMerge.Merge(null!), Throws.ArgumentNullException);
    }

    [Test]
    public void AnotherCommandIsNamed()
    {
        var verify = new RunReport
        {
            Command = "verify-impl", Subject = One.Subject, References = One.References, Shard = "2/3",
            SelectionCases = 5, SelectionHash = Hash,
        };
        Assert.That(Refusal(("s1.json", One), ("s2.json", verify)), Is.EqualTo("s2.json: a 'verify-impl' report, but s1.json is 'check'"));
    }

    [Test]
    public void AnotherSelectionIsNamedWithBothCountsAndHashes()
    {
        var other = One;
        var otherHash = new RunReport
        {
            Command = "check", Subject = other.Subject, References = other.References, Shard = "2/3",
            SelectionCases = 5, SelectionHash = "fedcba9876543210fedc",
        };
        Assert.That(Refusal(("s1.json", One), ("s2.json", otherHash)), Is.EqualTo(
            "s2.json: shard of another selection (5 cases, hash fedcba987654) than s1.json (5 cases, hash 0123456789ab): "
            + "other packs, or other cases of them (--pack, --set, --batch, descriptors, --max-macs, --dtype or --fill)"));
        var otherCount = new RunReport
        {
            Command = "check", Subject = other.Subject, References = other.References, Shard = "2/3",
            SelectionCases = 6, SelectionHash = Hash,
        };
        Assert.That(Refusal(("s1.json", One), ("s2.json", otherCount)), Does.StartWith("s2.json: shard of another selection (6 cases"));
        // A hash shorter than the twelve characters shown is shown whole (a hand-edited report), not an exception.
        var shortHash = new RunReport
        {
            Command = "check", Subject = other.Subject, References = other.References, Shard = "2/3", SelectionCases = 5, SelectionHash = "abc",
        };
        Assert.That(Refusal(("s1.json", One), ("s2.json", shortHash)), Does.Contain("(5 cases, hash abc) than"));
    }

    [Test]
    public void AnotherSubjectOrReferenceIsNamed()
    {
        var ort = new RunReport
        {
            Command = "check", Subject = new SourceInfo { Name = "naive" }, References = [new SourceInfo { Name = "ort" }],
            Shard = "2/3", SelectionCases = 5, SelectionHash = Hash,
        };
        Assert.That(Refusal(("s1.json", One), ("s2.json", ort)), Is.EqualTo("s2.json: checked naive against ort, but s1.json checked naive against torch [torch 1.13.0]"));
        var newerTorch = new RunReport
        {
            Command = "check", Subject = new SourceInfo { Name = "naive" },
            References = [new SourceInfo { Name = "torch", Versions = new(StringComparer.Ordinal) { ["torch"] = "2.1.0" } }],
            Shard = "2/3", SelectionCases = 5, SelectionHash = Hash,
        };
        Assert.That(Refusal(("s1.json", One), ("s2.json", newerTorch)), Does.Contain("against torch [torch 2.1.0], but"));
        var exact = new RunReport
        {
            Command = "check", Subject = new SourceInfo { Name = "exact" }, References = One.References,
            Shard = "2/3", SelectionCases = 5, SelectionHash = Hash,
        };
        Assert.That(Refusal(("s1.json", One), ("s2.json", exact)), Does.StartWith("s2.json: checked exact against torch"));
    }

    [Test]
    public void AnotherVersionOfTheSubjectIsNamed()
    {
        // The same subject's name with other versions (another torch, other CPU kernels) checked other code: merged, the
        // report named only the first shard's versions.
        RunReport of(string shard, string torch, params string[] cases)
        {
            var r = Unwritten(shard, "", 0, [], 5, cases);
            return Written(new RunReport
            {
                Command = r.Command, Subject = new SourceInfo { Name = "torch", Versions = new(StringComparer.Ordinal) { ["torch"] = torch } },
                References = r.References, Requirement = r.Requirement, Strict = r.Strict, RequireComparison = r.RequireComparison,
                ToleranceMode = r.ToleranceMode, Shard = shard, SelectionCases = 5, SelectionHash = Hash, SelectionSetHash = r.SelectionSetHash,
                CaseDirections = r.CaseDirections, Rows = [.. r.Rows.Select(row => row with { Subject = "torch" })],
            });
        }
        var one = of("1/3", "1.13.0a0", "c", "e");
        Assert.That(ReportMerge.Merge([("s1.json", one), ("s2.json", of("2/3", "1.13.0a0", "a")), ("s3.json", of("3/3", "1.13.0a0", "g", "k"))]).Subject.Versions["torch"],
            Is.EqualTo("1.13.0a0"), "the same versions merge");
        Assert.That(Refusal(("s1.json", one), ("s2.json", of("2/3", "2.1.0", "a")), ("s3.json", of("3/3", "1.13.0a0", "g", "k"))),
            Is.EqualTo("s2.json: checked torch [torch 2.1.0] against torch [torch 1.13.0], but s1.json checked torch [torch 1.13.0a0] against torch [torch 1.13.0]"));
        var layout = Written(new RunReport
        {
            Command = one.Command, Subject = one.Subject with { Layout = "channels-last" }, References = one.References, Shard = "2/3",
            SelectionCases = 5, SelectionHash = Hash,
        });
        Assert.That(Refusal(("s1.json", one), ("s2.json", layout)), Does.StartWith("s2.json: checked torch [torch 1.13.0a0] in channels-last against"));
    }

    [Test]
    public void AShardWithoutTheSelectionSetHashIsRefusedAsFromBefore()
    {
        var old = Written(new RunReport
        {
            Command = Two.Command, Subject = Two.Subject, References = Two.References, Requirement = Two.Requirement, Strict = Two.Strict,
            RequireComparison = Two.RequireComparison, ToleranceMode = Two.ToleranceMode, Shard = "2/3", SelectionCases = 5, SelectionHash = Hash,
            CaseDirections = Two.CaseDirections, Rows = Two.Rows,
        });
        Assert.That(Refusal(("s1.json", One), ("s2.json", old), ("s3.json", Three)), Is.EqualTo(
            "s2.json: no selection_set_hash (a report from before it was recorded, 2026-12-02): the merge cannot check that the shards' cases are the selection's; run the shard again"));
    }

    [Test]
    public void ACaseRenamedInItsShardIsRefusedThoughTheCountsAgree()
    {
        // The id "a" became, one the second of three shards would hold too: the count of cases is still five and every
        // case is in its own shard, so only the set of ids tells that the selection's case "a" was never checked.
        string renamed = Enumerable.Range(0, 1000).Select(k => $"a{k}").First(id => new ConvVerify.Runs.Shard(2, 3).Contains(id));
        var two = Shard("2/3", "2026-11-29T03:00:01Z", 2.5, ["w2"], renamed);
        Assert.That(Refusal(("s1.json", One), ("s2.json", two), ("s3.json", Three)), Is.EqualTo(
            $"the shards hold cases that are not the selection's: their ids hash to {RunReport.SetHashOf(["c", "e", renamed, "g", "k"])[..12]}, but selection_set_hash is "
            + $"{RunReport.SetHashOf(Selection(5))[..12]}: a shard holds a case the selection has not (a case renamed, or from another run) in place of one it has"));
        var otherSelection = Written(new RunReport
        {
            Command = Two.Command, Subject = Two.Subject, References = Two.References, Requirement = Two.Requirement, Strict = Two.Strict,
            RequireComparison = Two.RequireComparison, ToleranceMode = Two.ToleranceMode, Shard = "2/3", SelectionCases = 5, SelectionHash = Hash,
            SelectionSetHash = RunReport.SetHashOf(["a", "c", "e", "g", renamed]), CaseDirections = Two.CaseDirections, Rows = Two.Rows,
        });
        Assert.That(Refusal(("s1.json", One), ("s2.json", otherSelection), ("s3.json", Three)), Is.EqualTo(
            $"s2.json: shard of another selection (selection_set_hash {RunReport.SetHashOf(["a", "c", "e", "g", renamed])[..12]}) than s1.json "
            + $"({RunReport.SetHashOf(Selection(5))[..12]}): other packs, or other cases of them (--pack, --set, --batch, descriptors, --max-macs, --dtype or --fill)"));
    }

    [Test]
    public void TimesAddingUpPastADoubleAreRefused()
    {
        // Each shard's time is one the reader takes; their sum, Infinity, is not: written, the merged report was refused when read back.
        // The reader takes at most RunReport.MaxSeconds (1e9) a report: two of 6e8 pass it together.
        var one = Shard("1/3", "2026-11-29T03:00:05Z", 6e8, [], "c", "e");
        var two = Shard("2/3", "2026-11-29T03:00:01Z", 6e8, [], "a");
        Assert.That(Refusal(("s1.json", one), ("s2.json", two), ("s3.json", Three)), Is.EqualTo(
            "the shards ran 1200000004 seconds in all (s1.json: 600000000, s2.json: 600000000, s3.json: 4): not a time, so not the reports of one run"));
        Assert.That(ReportMerge.Merge([("s1.json", one), ("s2.json", Two), ("s3.json", Three)]).Seconds, Is.EqualTo(6e8 + 2.5 + 4), "a sum within the limit is a time");
    }

    [Test]
    public void AnotherLayoutOfTheSameOracleIsAnotherReference()
    {
        // A shard whose torch computed in channels-last ran other kernels than one in NCHW: not one run, though the
        // names and versions agree. Said with the layout, which the summary line leaves to the oracle's name.
        var channelsLast = new RunReport
        {
            Command = "check", Subject = new SourceInfo { Name = "naive" },
            References = [One.References[0] with { Layout = "channels-last" }],
            Shard = "2/3", SelectionCases = 5, SelectionHash = Hash,
        };
        Assert.That(Refusal(("s1.json", One), ("s2.json", channelsLast)),
            Is.EqualTo("s2.json: checked naive against torch [torch 1.13.0] in channels-last, but s1.json checked naive against torch [torch 1.13.0]"));
    }

    [Test]
    public void SeveralReferencesAreNamedCommaSeparated()
    {
        var two = new RunReport
        {
            Command = "check", Subject = new SourceInfo { Name = "naive" },
            References = [.. One.References, new SourceInfo { Name = "ort", Versions = new(StringComparer.Ordinal) { ["onnxruntime"] = "1.17.0" } }],
            Shard = "2/3", SelectionCases = 5, SelectionHash = Hash,
        };
        Assert.That(Refusal(("s1.json", One), ("s2.json", two)),
            Is.EqualTo("s2.json: checked naive against torch [torch 1.13.0], ort [onnxruntime 1.17.0], but s1.json checked naive against torch [torch 1.13.0]"));
    }

    // A shard that left out one problem, counted under the kind "option" whatever its own kind says (the count is
    // compared apart from the list; here only the list differs).
    private static RunReport Skipping(string shard, string descriptor, string kind)
    {
        var r = Unwritten(shard, "", 0, [], 2, [shard == "1/2" ? "a" : "b"]);
        r.Skipped.Add(new SkippedProblem { Where = "b.txt:2", Descriptor = descriptor, Kind = kind, Reason = "--attr-post-ops=relu is not modelled" });
        r.SkippedByKind["option"] = 1;
        return Written(r);
    }

    [Test]
    public void ASkippedProblemOfAnotherKindOrAnotherDescriptorIsAnotherSelection()
    {
        var first = Skipping("1/2", "mb1ic2ih5oc2kh3", "option");
        Assert.That(ReportMerge.Merge([("1.json", first), ("2.json", Skipping("2/2", "mb1ic2ih5oc2kh3", "option"))]).Skipped, Is.EqualTo(first.Skipped), "the same problem");
        Assert.That(Refusal(("1.json", first), ("2.json", Skipping("2/2", "mb1ic2ih5oc2kh3", "dtype"))), Is.EqualTo(
            "2.json: shard of another selection (skipped mb1ic2ih5oc2kh3, dtype: --attr-post-ops=relu is not modelled) than 1.json "
            + "(skipped mb1ic2ih5oc2kh3, option: --attr-post-ops=relu is not modelled there)"));
        Assert.That(Refusal(("1.json", first), ("2.json", Skipping("2/2", "mb1ic2ih6oc2kh3", "option"))), Is.EqualTo(
            "2.json: shard of another selection (skipped mb1ic2ih6oc2kh3, option: --attr-post-ops=relu is not modelled) than 1.json "
            + "(skipped mb1ic2ih5oc2kh3, option: --attr-post-ops=relu is not modelled there)"));
    }

    [Test]
    public void AnUnreadableShardFieldIsNamedWithItsFile()
    {
        var bad = Shard("4/3", "", 0, [], "c");
        Assert.That(Refusal(("s1.json", One), ("bad.json", bad)), Is.EqualTo("bad.json: shard: expected i/n with 1 <= i <= n <= 2147483647 (e.g. 1/4), got '4/3'"), "no C# parameter name");
    }

    [Test]
    public void ShardsOfDifferentCountsAreRefused() =>
        Assert.That(Refusal(("s1.json", One), ("q.json", Shard("2/4", "", 0, [], "c"))),
            Is.EqualTo("q.json: shard 2/4 of 4, but s1.json is one of 3"));

    [Test]
    public void AShardTwiceIsNamedWithBothFiles() =>
        Assert.That(Refusal(("s1.json", One), ("s2.json", Two), ("again.json", Two), ("s3.json", Three)),
            Is.EqualTo("shard 2/3 given twice: s2.json, again.json"));

    [Test]
    public void AShardGivenThreeTimesIsCountedAndAThousandTimesListedInPart()
    {
        Assert.That(Refusal(("s1.json", One), ("s2.json", Two), ("again.json", Two), ("more.json", Two), ("s3.json", Three)),
            Is.EqualTo("shard 2/3 given 3 times: s2.json, again.json, more.json"));
        var two = Two;
        var many = Enumerable.Range(1, 1000).Select(i => ($"c{i}.json", two)).ToArray();
        Assert.That(Refusal([("s1.json", One), .. many, ("s3.json", Three)]),
            Is.EqualTo("shard 2/3 given 1,000 times: c1.json, c2.json, c3.json, c4.json, c5.json, c6.json, c7.json, c8.json, c9.json, c10.json and 990 more"));
    }

    [Test]
    public void MissingShardsAreListed() =>
        Assert.That(Refusal(("s2.json", Two)), Is.EqualTo("the shards do not cover the run: missing 1/3, 3/3"));

    [Test]
    public void AVastShardCountIsRefusedWithoutListingEveryMissingShard()
    {
        // A shard "1/2147483647" (a count --shard accepts) had the two billion others listed, a list of 8 GB that ran out
        // of memory before the message was made.
        var vast = Shard("1/2147483647", "", 0, [], "c");
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.That(Refusal(("s.json", vast)), Is.EqualTo("the shards do not cover the run: missing 2/2147483647, 3/2147483647, 4/2147483647, "
            + "5/2147483647, 6/2147483647, 7/2147483647, 8/2147483647, 9/2147483647, 10/2147483647, 11/2147483647 and 2,147,483,636 more"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
        // Up to ten missing are all listed, as before; one more is counted.
        var twelve = Shard("1/12", "", 0, [], "c");
        Assert.That(Refusal(("s.json", twelve)), Does.EndWith("10/12, 11/12 and 1 more"));
        Assert.That(Refusal(("s.json", Shard("1/11", "", 0, [], "c"))), Does.EndWith("9/11, 10/11, 11/11"));
    }

    private static RunReport TwoWith(bool strict = true, Requirement requirement = Requirement.Any, string? tolerance = "probabilistic", ulong? seed = null,
        bool requireComparison = false) =>
        Written(Unwritten("2/3", "", 0, [], 5, ["a"], strict, requirement, tolerance, seed, requireComparison));

    [Test]
    public void AnOptionThatDecidesTheVerdictMustBeTheSameInEveryShard()
    {
        const string Tail = ": the shards of one run share the options that decide its verdict";
        Assert.That(Refusal(("s1.json", One), ("s2.json", TwoWith(requirement: Requirement.All))), Is.EqualTo("s2.json: run with --require all, but s1.json with --require any" + Tail));
        Assert.That(Refusal(("s1.json", One), ("s2.json", TwoWith(strict: false))), Is.EqualTo("s2.json: run with no --strict, but s1.json with --strict" + Tail));
        Assert.That(Refusal(("s1.json", One), ("s2.json", TwoWith(tolerance: "sound"))), Is.EqualTo("s2.json: run with --tolerance sound, but s1.json with --tolerance probabilistic" + Tail));
        Assert.That(Refusal(("s1.json", One), ("s2.json", TwoWith(tolerance: null))), Is.EqualTo("s2.json: run with no --tolerance recorded, but s1.json with --tolerance probabilistic" + Tail));
        Assert.That(Refusal(("s1.json", One), ("s2.json", TwoWith(seed: 7))), Is.EqualTo("s2.json: run with --seed 7, but s1.json with no --seed recorded" + Tail));
        Assert.That(Refusal(("s1.json", One), ("s2.json", TwoWith(requireComparison: true))), Is.EqualTo("s2.json: run with a comparison required, but s1.json with no comparison required" + Tail));
    }

    [Test]
    public void TheMergedReportKeepsTheShardsOptions()
    {
        RunReport seeded(string shard, params string[] cases) => Written(Unwritten(shard, "", 0, [], 5, cases, tolerance: "sound", seed: 7));
        var merged = ReportMerge.Merge([("s1.json", seeded("1/3", "c", "e")), ("s2.json", seeded("2/3", "a")), ("s3.json", seeded("3/3", "g", "k"))]);
        Assert.That((merged.ToleranceMode, merged.Seed), Is.EqualTo(("sound", (ulong?)7)));
    }

    // The report as JSON, changed there, and read back: what a file edited after the run looks like.
    private static RunReport Edited(RunReport r, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(JsonSerializer.Serialize(r, RunReport.JsonOptions))!.AsObject();
        edit(json);
        return JsonSerializer.Deserialize<RunReport>(json.ToJsonString(), RunReport.JsonOptions)!;
    }

    [Test]
    public void AShardsRowsMustGiveItsSummary()
    {
        const string Tail = ": not the report --json wrote";
        // Made in memory, a report has no summary but its rows'.
        Assert.That(ReportMerge.Merge([("s1.json", One), ("s2.json", Unwritten("2/3", "", 0, [], 5, ["a"])), ("s3.json", Three)]).Rows, Has.Count.EqualTo(5));
        Assert.That(Refusal(("s1.json", One), ("s2.json", Edited(Two, j => j["summary"]!["cases"] = 2))), Is.EqualTo("s2.json: summary.cases is 2, but its rows give 1" + Tail));
        Assert.That(Refusal(("s1.json", One), ("s2.json", Edited(Two, j => j["summary"]!["directions"] = 0))), Is.EqualTo("s2.json: summary.directions is 0, but its rows give 1" + Tail));
        Assert.That(Refusal(("s1.json", One), ("s2.json", Edited(Two, j => j["summary"]!["skipped"] = 3))), Is.EqualTo("s2.json: summary.skipped is 3, but its rows give 0" + Tail));
        Assert.That(Refusal(("s1.json", One), ("s2.json", Edited(Two, j => j["summary"]!["outcomes"]!["FAIL"] = 1))), Is.EqualTo("s2.json: summary.outcomes[\"FAIL\"] is 1, but its rows give 0" + Tail));
        Assert.That(Refusal(("s1.json", One), ("s2.json", Edited(Two, j => j["summary"]!["outcomes"]!.AsObject().Remove("pass")))), Is.EqualTo("s2.json: summary.outcomes[\"pass\"] is 0, but its rows give 1" + Tail));
        Assert.That(Refusal(("s1.json", One), ("s2.json", Edited(Two, j => j["summary"]!["exit_code"] = 1))), Is.EqualTo("s2.json: summary.exit_code is 1, but its rows give 2" + Tail), "a warning, and --strict");
    }

    [Test]
    public void ARowTwiceInAShardIsNamed()
    {
        var twice = Written(Unwritten("1/3", "", 0, [], 5, ["c", "e", "c"]));
        Assert.That(Refusal(("s1.json", twice), ("s2.json", Two), ("s3.json", Three)), Is.EqualTo("s1.json: the row of case c forward (naive against torch) is there twice"));
        // Another direction, or another reference, of the same case is another row.
        var others = Unwritten("1/3", "", 0, [], 5, ["c", "e"]);
        others.Rows.Add(TestRows.Row("c", "dx", Outcome.Pass));
        others.Rows.Add(TestRows.Row("c", "forward", Outcome.Pass) with { Reference = "ort" });
        Assert.That(ReportMerge.Merge([("s1.json", Written(others)), ("s2.json", Two), ("s3.json", Three)]).Rows, Has.Count.EqualTo(7));
    }

    [Test]
    public void ACaseOfAnotherShardIsNamedWithItsShard()
    {
        var stray = Written(Unwritten("1/3", "", 0, [], 5, ["c", "e", "a"]));
        Assert.That(Refusal(("s1.json", stray), ("s2.json", Two), ("s3.json", Three)), Is.EqualTo("s1.json: case a belongs to shard 2/3, not 1/3; it is also in s2.json"));
        var moved = Written(Unwritten("2/3", "", 0, [], 5, []));
        Assert.That(Refusal(("s1.json", stray), ("s2.json", moved), ("s3.json", Three)), Is.EqualTo("s1.json: case a belongs to shard 2/3, not 1/3"));
    }

    [Test]
    public void FewerOrMoreCasesThanTheSelectionAreCountedByShard()
    {
        var empty = Written(Unwritten("2/3", "", 0, [], 5, []));
        Assert.That(Refusal(("s1.json", One), ("s2.json", empty), ("s3.json", Three)), Is.EqualTo(
            "the shards hold 4 cases, the selection 5 (1/3 s1.json: 2, 2/3 s2.json: 0, 3/3 s3.json: 2): a shard lost rows, or holds a case the selection has not"));
        var more = Written(Unwritten("2/3", "", 0, [], 5, ["a", "b"]));
        Assert.That(Refusal(("s1.json", One), ("s2.json", more), ("s3.json", Three)), Does.StartWith("the shards hold 6 cases, the selection 5 ("));
    }

    // A row about the pack, as a broken case.json or a corrupt file makes before the cases are split among the shards.
    private static RunReport WithPackRows(string shard, string[] cases, params string[] reasons)
    {
        var r = Unwritten(shard, "", 0, [], 5, cases);
        r.Rows.InsertRange(0, reasons.Select(reason => TestRows.Row("(pack)", "*", Outcome.Error, reason) with { Subject = RunRow.NoSubject }));
        return Written(r);
    }

    [Test]
    public void RowsAboutThePackAreInEveryShardAndKeptOnce()
    {
        var merged = ReportMerge.Merge([("s1.json", WithPackRows("1/3", ["c", "e"], "x", "y")), ("s2.json", WithPackRows("2/3", ["a"], "x", "y")),
            ("s3.json", WithPackRows("3/3", ["g", "k"], "x", "y"))]);
        Assert.That(merged.Rows.Select(r => (r.Case, r.Reason)), Is.EqualTo(new[] { ("(pack)", "x"), ("(pack)", "y"), ("c", ""), ("e", ""), ("a", ""), ("g", ""), ("k", "") }));
        Assert.That(merged.ExitCode(), Is.EqualTo(RunReport.ExitBadInput));
        Assert.That(Refusal(("s1.json", WithPackRows("1/3", ["c", "e"], "x", "y")), ("s2.json", WithPackRows("2/3", ["a"], "x")), ("s3.json", WithPackRows("3/3", ["g", "k"], "x", "y"))),
            Is.EqualTo("s2.json: 1 rows about the pack (subject \"-\"), unlike the 2 of s1.json: every shard of a run holds the same"));
        Assert.That(Refusal(("s1.json", WithPackRows("1/3", ["c", "e"], "x")), ("s2.json", WithPackRows("2/3", ["a"], "z")), ("s3.json", WithPackRows("3/3", ["g", "k"], "x"))),
            Is.EqualTo("s2.json: 1 rows about the pack (subject \"-\"), unlike the 1 of s1.json: every shard of a run holds the same"));
    }
}
