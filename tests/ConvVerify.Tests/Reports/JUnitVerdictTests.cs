using System.Xml.Linq;
using ConvVerify.Reports;
using ConvVerify.Runs;
using static ConvVerify.Tests.Reports.TestRows;

namespace ConvVerify.Tests.Reports;

/// <summary>
/// A report-only probe: JUnit (and the HTML page) showed a green run where the exit code was 1 or 2 for the run's own
/// reasons, not a row's: absent directions under --require all (failures=0, one skipped), --strict's warnings (only a
/// property), nothing compared (all skipped), no case selected (no test case at all). The run's verdict is now a test
/// case that fails whenever the exit code is not 0. And a shard's file repeated the rows about the pack every shard
/// holds, so a CI page that adds the shards up showed one corrupt file as one error per shard.
/// </summary>
public class JUnitVerdictTests
{
    private static RunReport Report(string shard, params RunRow[] rows) => new()
    {
        Command = "check",
        Subject = new SourceInfo { Name = "naive" },
        References = [new SourceInfo { Name = "torch" }],
        Shard = shard,
        SelectionCases = 3,
        Rows = [.. rows],
    };

    private static XElement Suite(RunReport report) => JUnitWriter.ToXml(report).Root!.Elements("testsuite").Single();

    private static (int Tests, int Failures, int Errors, int Skipped) Counts(XElement suite) =>
        ((int)suite.Attribute("tests")!, (int)suite.Attribute("failures")!, (int)suite.Attribute("errors")!, (int)suite.Attribute("skipped")!);

    // The verdict's test case: its name, and its child's element name, type and message (null for a pass).
    private static (string? Name, string? Element, string? Type, string? Message) Verdict(XElement suite)
    {
        var tc = suite.Elements("testcase").Single(t => (string?)t.Attribute("classname") == "convverify.check");
        var child = tc.Elements().SingleOrDefault();
        return ((string?)tc.Attribute("name"), child?.Name.LocalName, (string?)child?.Attribute("type"), (string?)child?.Attribute("message"));
    }

    [Test]
    public void AbsentDirectionsUnderRequireAllFailTheVerdict()
    {
        var report = Report("1/1", Row("a", "forward", Outcome.Pass), Row("a", "data", Outcome.NotProvided, "no dx file"));
        Assert.That(report.ExitCode(), Is.EqualTo(1));
        var suite = Suite(report);
        Assert.That(Counts(suite), Is.EqualTo((3, 1, 0, 1)), "the two rows as they were, and the failing verdict");
        Assert.That(Verdict(suite), Is.EqualTo(("verdict", "failure", "exit code 1",
            "exit code 1: --require all: 1 direction not provided (first: a data: no dx file); --require any accepts absent directions")));
        // The verdict's text holds the summary line, then each reason on a line of its own.
        Assert.That(suite.Elements("testcase").First().Value, Does.StartWith(report.SummaryLine() + "\n--require all: 1 direction not provided"));
    }

    [Test]
    public void StrictWarningsMakeTheVerdictAnError()
    {
        var report = Report("1/1", Row("a", "forward", Outcome.Pass));
        report = new RunReport
        {
            Command = report.Command, Subject = report.Subject, References = report.References, Shard = report.Shard, SelectionCases = 1,
            Strict = true, Warnings = ["candidate file stray.npy matches no case"], Rows = report.Rows,
        };
        Assert.That(report.ExitCode(), Is.EqualTo(2));
        var suite = Suite(report);
        Assert.That(Counts(suite), Is.EqualTo((2, 0, 1, 0)));
        Assert.That(Verdict(suite), Is.EqualTo(("verdict", "error", "exit code 2", "exit code 2: 1 warning, and --strict makes warnings errors")));
    }

    [Test]
    public void NothingComparedFailsTheVerdictOfAnAllSkippedRun()
    {
        var report = new RunReport
        {
            Command = "check", Subject = new SourceInfo { Name = "naive" }, References = [new SourceInfo { Name = "torch" }], Requirement = Requirement.Any,
            SelectionCases = 1, Rows = [Row("a", "forward", Outcome.NotProvidedByOracle, "y: not provided")],
        };
        var suite = Suite(report);
        Assert.That(Counts(suite), Is.EqualTo((2, 1, 0, 1)));
        Assert.That(Verdict(suite), Is.EqualTo(("verdict", "failure", "exit code 1", "exit code 1: nothing was compared: every direction was absent on one side")));
    }

    [Test]
    public void APassingRunHasAPassingVerdictAndAShardsVerdictIsNamedForIt()
    {
        var suite = Suite(Report("2/3", Row("a", "forward", Outcome.Pass, seconds: 2)));
        Assert.That(Counts(suite), Is.EqualTo((2, 0, 0, 0)));
        Assert.That(Verdict(suite), Is.EqualTo(("verdict (shard 2/3)", (string?)null, (string?)null, (string?)null)));
        Assert.That((string?)suite.Elements("testcase").First().Attribute("time"), Is.EqualTo("0"), "the rows hold the run's time");
    }

    [Test]
    public void TheRowsAboutThePackAreInTheFirstShardsFileOnly()
    {
        RunRow Corrupt() => new()
        {
            Case = Plans.PackCase, Descriptor = "-", DType = "-", Fill = "-", Direction = "*", Reference = "pack", Subject = RunRow.NoSubject,
            Outcome = Outcome.Error, Cause = ErrorCause.Input, Reason = Plans.CorruptPrefix + "a/y.npy",
        };
        RunRow Unreadable() => new()
        {
            Case = "b", Descriptor = "?", DType = "?", Fill = "?", Direction = "*", Reference = "pack", Subject = RunRow.NoSubject,
            Outcome = Outcome.Error, Cause = ErrorCause.Input, Reason = "b/case.json: not JSON",
        };
        var rowsAboutThePack = new Dictionary<string, int>();
        var errors = new Dictionary<string, int>();
        foreach (string shard in new[] { "1/3", "2/3", "3/3" })
        {
            var suite = Suite(Report(shard, Corrupt(), Unreadable(), Row("c" + shard[0], "forward", Outcome.Pass)));
            rowsAboutThePack[shard] = suite.Elements("testcase").Count(t => ((string?)t.Attribute("name"))!.EndsWith($"({RunRow.NoSubject} vs pack)", StringComparison.Ordinal));
            errors[shard] = Counts(suite).Errors;
            // Every shard exits 2 for them, and says so in its verdict.
            Assert.That(Verdict(suite).Element, Is.EqualTo("error"), shard);
        }
        Assert.That(rowsAboutThePack, Is.EqualTo(new Dictionary<string, int> { ["1/3"] = 2, ["2/3"] = 0, ["3/3"] = 0 }));
        Assert.That(errors, Is.EqualTo(new Dictionary<string, int> { ["1/3"] = 3, ["2/3"] = 1, ["3/3"] = 1 }), "the rows once, and each shard's verdict");
    }

    [Test]
    public void TheHtmlPageSaysTheVerdictFirst()
    {
        string dir = Path.Combine(Path.GetTempPath(), "convverify-verdict-html-" + Guid.NewGuid().ToString("N"));
        try
        {
            HtmlReport.Write(Report("1/1"), dir);
            string page = File.ReadAllText(Path.Combine(dir, "index.html"));
            Assert.That(page, Does.Contain("<h1>ConvVerify check</h1>\n<p id=\"verdict\" class=\"FAIL\">failed (exit code 1)</p>\n<p id=\"summary\">"), "no case selected");
            HtmlReport.Write(Report("1/1", Row("a", "forward", Outcome.Pass)), dir);
            page = File.ReadAllText(Path.Combine(dir, "index.html"));
            Assert.That(page, Does.Contain("<p id=\"verdict\" class=\"pass\">passed (exit code 0)</p>"));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
