using System.Globalization;
using System.Text.Json;
using ConvVerify.Runs;
using ConvVerify.Tests.Cli;
using ConvVerify.Tests.Properties;
using CsCheck;

namespace ConvVerify.Tests.Reports;

/// <summary>
/// Hostile --json reports given to <c>report merge</c>: a valid shard with members removed, retyped, given absurd
/// numbers, repeated or nested deep. Each is merged (exit 0 or 1, every writer run), or refused with exit 2 and one line
/// naming the file; never a crash.
/// </summary>
public class ReportPropertyTests : CliTestBase
{
    /// <summary>A report's text and what was done to make it.</summary>
    public sealed record Case(string Json, string[] Applied)
    {
        /// <inheritdoc/>
        public override string ToString() => string.Join("; ", Applied) + "\n" + Json;
    }

    private static RunReport Valid(int seed)
    {
        var r = new Random(seed);
        var map = ErrorMap.From([0.5, 2, 0.25, 1, 3, 0.1], [1, 1, 2, 3], [0, 0, 1, 1]);
        // Case a checked in y and dx, b in y alone (case_directions below), as a batch file's --dir= would have them.
        const string Descriptor = "mb1ic1ih2iw3oc1oh2ow3kh1kw1";
        var rows = new List<RunRow>
        {
            // Results that agree everywhere: no worst element, and so no error and no ratio (the reader refuses others).
            TestRows.Row("a", "y", Outcome.Pass, seconds: 0.25, ratio: 0, maxAbs: 0, fill: "normal") with
            {
                Descriptor = Descriptor, Elements = 6, Tolerance = ConvVerify.Comparison.Tolerance.Probabilistic,
            },
            TestRows.Row("a", "dx", Outcome.Fail, "dx: 3 of 6 elements beyond the bound", ratio: 4, maxAbs: 0.25, map: map, fill: "normal") with
            {
                // The histogram counts every element compared, as the writer's does, and the descriptor gives dx the shape
                // [1, 1, 2, 3] the worst element is placed in, whose error over its bound is the ratio (the reader refuses
                // other counts, places and ratios); the worst element is past its probabilistic bound within its sound one,
                // beside others past their sound bounds.
                Descriptor = Descriptor, Elements = 6, Failures = 3, Tolerance = ConvVerify.Comparison.Tolerance.Probabilistic,
                Worst = new WorstElement { Index = 4, Position = [0, 0, 1, 1], Expected = 1, Actual = 1.25, AbsError = 0.25, Bound = 0.0625, SoundBound = 0.5 },
            },
            TestRows.Row("b", "y", r.Next(2) == 0 ? Outcome.NotProvided : Outcome.Error, "y: not provided"),
        };
        var (skipped, byKind) = RunReport.SkippedOf([new SkippedProblem { Where = "conv.batch:3", Descriptor = "mb1ic3ih5oc4oh3kh3", Kind = "dtype", Reason = "--dt=bf16" }]);
        return JsonSerializer.Deserialize<RunReport>(JsonSerializer.Serialize(new RunReport
        {
            Command = "check",
            Subject = new SourceInfo { Name = "naive" },
            References = [new SourceInfo { Name = "torch", Versions = new(StringComparer.Ordinal) { ["torch"] = "2.5.1" } }],
            Requirement = r.Next(2) == 0 ? Requirement.All : Requirement.Any,
            ToleranceMode = "probabilistic",
            SelectionCases = 2,
            SelectionHash = RunReport.HashOf(["a", "b"]),
            SelectionSetHash = RunReport.SetHashOf(["a", "b"]),
            Started = "2026-11-29T03:00:00Z",
            Seconds = 1.5,
            Warnings = ["w1"],
            Skipped = skipped,
            SkippedByKind = byKind,
            CaseDirections = new(StringComparer.Ordinal) { ["a"] = ["y", "dx"], ["b"] = ["y"] },
            Rows = rows,
        }, RunReport.JsonOptions), RunReport.JsonOptions)!;
    }

    // Declared before Files, which reads it as it is built.
    private static readonly string[] Shards = ["1/2147483647", "2147483647/2147483647", "3/1000000", "2/3", "1/2"];

    private static readonly Gen<Case> Files =
        Gen.Select(Gen.Int[0, 1], Gen.Frequency((3, JsonMutations.Gen), (1, Gen.Const(Array.Empty<JsonMutations.Mutation>()))), Gen.Frequency((4, Gen.Const("")), (1, Gen.OneOf(Shards))), (seed, mutations, shard) =>
        {
            var report = Valid(seed);
            // The shard decides how much the merge looks for: a vast count must be refused as cheaply as a small one.
            if (shard.Length > 0) report = new RunReport
            {
                Command = report.Command, Subject = report.Subject, References = report.References, Requirement = report.Requirement,
                ToleranceMode = report.ToleranceMode, Seed = report.Seed, Shard = shard, SelectionCases = report.SelectionCases,
                SelectionHash = report.SelectionHash, SelectionSetHash = report.SelectionSetHash, Started = report.Started, Seconds = report.Seconds, Warnings = report.Warnings,
                Skipped = report.Skipped, SkippedByKind = report.SkippedByKind, CaseDirections = report.CaseDirections, Rows = report.Rows,
            };
            var (text, applied) = JsonMutations.Apply(JsonSerializer.Serialize(report, RunReport.JsonOptions), mutations);
            return new Case(text, [$"shard {shard}", .. applied]);
        });

    [Test]
    public void AnyReportIsMergedOrRefusedNamingTheFile()
    {
        int merged = 0, refused = 0, n = 0;
        Property.ForAll(Files, c =>
        {
            string dir = TempPath("i" + n++.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(dir);
            string path = Path.Combine(dir, "shard.json");
            File.WriteAllText(path, c.Json);
            var r = Run("report", "merge", path, "--json", Path.Combine(dir, "merged.json"), "--junit", Path.Combine(dir, "junit.xml"), "--report", Path.Combine(dir, "html"));
            Assert.That(r.Code, Is.InRange(0, 2), r.ToString());
            // Exit 2 is also the verdict of a run with an error row; a refusal is the one that says why on stderr.
            if (r.Err.Length > 0)
            {
                refused++;
                // What is wrong with the set of shards (one missing, cases lost) is no one file's fault.
                if (!r.Err.StartsWith("convverify: report merge: the shards ", StringComparison.Ordinal))
                    Assert.That(r.Err, Does.StartWith("convverify: ").And.Contain(path), r.ToString());
                Assert.That(r.Err.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line");
            }
            else
            {
                merged++;
                // What was merged reads back: the merged report is a report; the XML is XML; the console shows no control
                // character the file held (a report is someone else's file).
                _ = System.Xml.Linq.XDocument.Load(Path.Combine(dir, "junit.xml"));
                Assert.That(File.Exists(Path.Combine(dir, "html", "index.html")), "the HTML report");
                Assert.That(r.Out.Where(ch => char.IsControl(ch) && ch != '\n'), Is.Empty, r.Out);
                Assert.That(RunReport.Read(Path.Combine(dir, "merged.json")).ExitCode(), Is.EqualTo(r.Code));
            }
            Directory.Delete(dir, recursive: true);
        }, iterations: 12, stream: 15, describe: c => c.ToString());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(merged, Is.GreaterThan(0), "reports merged");
            Assert.That(refused, Is.GreaterThan(5), "reports refused");
        }
    }
}
