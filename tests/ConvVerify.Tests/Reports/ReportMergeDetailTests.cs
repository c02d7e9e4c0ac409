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

    private static RunReport Shard(string shard, string started, double seconds, string[] warnings, params string[] cases) => new()
    {
        Command = "check",
        Subject = new SourceInfo { Name = "naive" },
        References = [new SourceInfo { Name = "torch", Versions = new(StringComparer.Ordinal) { ["torch"] = "1.13.0" } }],
        Requirement = Requirement.Any,
        Strict = true,
        RequireComparison = false,
        Shard = shard,
        SelectionCases = 5,
        SelectionHash = Hash,
        Started = started,
        Seconds = seconds,
        Warnings = [.. warnings],
        Rows = [.. cases.Select(c => TestRows.Row(c, "forward", Outcome.Pass))],
    };

    private static RunReport One => Shard("1/3", "2026-11-29T03:00:05Z", 1.25, ["w1", "w2"], "a", "b");
    private static RunReport Two => Shard("2/3", "2026-11-29T03:00:01Z", 2.5, ["w2"], "c");
    private static RunReport Three => Shard("3/3", "2026-11-29T03:00:09Z", 4, ["w3", "w1"], "d", "e");

    private static string Refusal(params (string, RunReport)[] shards) =>
        Assert.Throws<ArgumentException>(() => ReportMerge.Merge(shards))!.Message;

    [Test]
    public void TheMergedReportIsTheWholeRunInShardOrder()
    {
        var merged = ReportMerge.Merge([("s3.json", Three), ("s1.json", One), ("s2.json", Two)]);
        Assert.That(merged.Rows.Select(r => r.Case), Is.EqualTo(new[] { "a", "b", "c", "d", "e" }), "rows by shard index, not argument order");
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
        var whole = Shard("1/1", "2026-11-29T03:00:00Z", 3, [], "a");
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
            "s2.json: shard of another selection (5 cases, hash fedcba987654) than s1.json (5 cases, hash 0123456789ab): not the same packs or catalog"));
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
        var r = Shard(shard, "", 0, [], "a");
        r.Skipped.Add(new SkippedProblem { Where = "b.txt:2", Descriptor = descriptor, Kind = kind, Reason = "--attr-post-ops=relu is not modelled" });
        r.SkippedByKind["option"] = 1;
        return r;
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
        Assert.That(Refusal(("s1.json", One), ("bad.json", bad)), Does.StartWith("bad.json: shard: expected i/n").And.Contain("'4/3'"));
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
    public void MissingShardsAreListed() =>
        Assert.That(Refusal(("s2.json", Two)), Is.EqualTo("the shards do not cover the run: missing 1/3, 3/3"));
}
