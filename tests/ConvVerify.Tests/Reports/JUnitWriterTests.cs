using System.Xml.Linq;
using ConvVerify.Reports;
using ConvVerify.Runs;
using static ConvVerify.Tests.Reports.TestRows;

namespace ConvVerify.Tests.Reports;

/// <summary>
/// The JUnit XML a CI system reads: one row of every outcome, and what GitHub Actions, GitLab and Jenkins take from each
/// element (the counts on both suite levels, failure/error/skipped children, their messages, the suite's properties).
/// </summary>
public class JUnitWriterTests
{
    private static RunReport Report(params RunRow[] rows) => new()
    {
        Command = "check",
        Subject = new SourceInfo { Name = "naive" },
        References = [new SourceInfo { Name = "torch", Versions = new(StringComparer.Ordinal) { ["torch"] = "1.13.0", ["numpy"] = "1.24.2" } }],
        Shard = "2/3",
        Started = "2026-11-29T03:00:00Z",
        Seconds = 12.3456789,
        Warnings = ["pack basic has no manifest"],
        Rows = [.. rows],
    };

    // One row of every outcome, in enum order; a test case is found by its class name (the case) and name (the direction).
    private static readonly RunReport EveryOutcome = Report(
        Row("a", "forward", Outcome.Pass, "within bound", seconds: 1.5),
        Row("a", "data", Outcome.Fail, "dx[0,1,2,3]: error 2 > bound 1"),
        Row("a", "weights", Outcome.Suspicious, "dw[0]: beyond the probabilistic bound"),
        Row("b", "forward", Outcome.NotInPack, "the pack has no y"),
        Row("b", "data", Outcome.NotProvidedByOracle, "ORT has no float64 ConvTranspose"),
        Row("b", "weights", Outcome.NotProvided, "no dw file"),
        Row("b", "bias", Outcome.Error, "x.npy: truncated"));

    private static XElement Case(XDocument xml, string id, string name) =>
        xml.Descendants("testcase").Single(t => (string?)t.Attribute("classname") == $"convverify.check.{id}" && (string?)t.Attribute("name") == name);

    [Test]
    public void TheWholeRunIsNoShard()
    {
        // The probe: a merged report (whose shard is the whole run's, 1/1), and a run not split, were "convverify check
        // (shard 1/1)", one part of one.
        var whole = new RunReport { Command = "check", Subject = EveryOutcome.Subject, References = EveryOutcome.References, Shard = "1/1", Rows = [.. EveryOutcome.Rows] };
        Assert.That((string?)JUnitWriter.ToXml(whole).Root!.Elements("testsuite").Single().Attribute("name"), Is.EqualTo("convverify check"));
    }

    [Test]
    public void CountsAreOnBothSuiteLevels()
    {
        var xml = JUnitWriter.ToXml(EveryOutcome);
        var suites = xml.Root!;
        Assert.That(suites.Name.LocalName, Is.EqualTo("testsuites"));
        Assert.That((string?)suites.Attribute("name"), Is.EqualTo("convverify"));
        // The seven rows and the run's verdict, an error: the ERROR row makes the exit code 2.
        Assert.That((int?)suites.Attribute("tests"), Is.EqualTo(8));
        Assert.That((int?)suites.Attribute("failures"), Is.EqualTo(2), "fail and suspicious both fail a CI run");
        Assert.That((int?)suites.Attribute("errors"), Is.EqualTo(2));
        Assert.That((string?)suites.Attribute("time"), Is.EqualTo("12.345679"));

        var suite = suites.Elements("testsuite").Single();
        Assert.That((string?)suite.Attribute("name"), Is.EqualTo("convverify check (shard 2/3)"));
        Assert.That((int?)suite.Attribute("tests"), Is.EqualTo(8));
        Assert.That((int?)suite.Attribute("failures"), Is.EqualTo(2));
        Assert.That((int?)suite.Attribute("errors"), Is.EqualTo(2));
        Assert.That((int?)suite.Attribute("skipped"), Is.EqualTo(3), "not in pack, not provided by oracle, not provided");
        Assert.That((string?)suite.Attribute("time"), Is.EqualTo("12.345679"));
        Assert.That((string?)suite.Attribute("timestamp"), Is.EqualTo("2026-11-29T03:00:00Z"));
        Assert.That(suite.Elements("testcase").Count(), Is.EqualTo(8));
    }

    [Test]
    public void EachOutcomeBecomesTheElementCiSystemsShow()
    {
        var xml = JUnitWriter.ToXml(EveryOutcome);

        var pass = Case(xml, "a", "forward (naive vs torch)");
        Assert.That(pass.Elements(), Is.Empty, "a pass has no child");
        Assert.That((string?)pass.Attribute("time"), Is.EqualTo("1.5"));

        var fail = Case(xml, "a", "data (naive vs torch)").Elements().Single();
        Assert.That(fail.Name.LocalName, Is.EqualTo("failure"));
        Assert.That((string?)fail.Attribute("message"), Is.EqualTo("dx[0,1,2,3]: error 2 > bound 1"));
        Assert.That((string?)fail.Attribute("type"), Is.EqualTo("FAIL"));
        Assert.That(fail.Value, Is.EqualTo("mb1ic3ih5oc16oh3kh3 (f32, integer)\ndx[0,1,2,3]: error 2 > bound 1"));

        var suspicious = Case(xml, "a", "weights (naive vs torch)").Elements().Single();
        Assert.That(suspicious.Name.LocalName, Is.EqualTo("failure"));
        Assert.That((string?)suspicious.Attribute("type"), Is.EqualTo("suspicious"));

        var cases = xml.Descendants("testcase").Where(t => (string?)t.Attribute("classname") == "convverify.check.b").ToList();
        Assert.That(cases.Select(t => t.Elements().Single().Name.LocalName), Is.EqualTo(new[] { "skipped", "skipped", "skipped", "error" }));
        Assert.That(cases.Take(3).Select(t => (string?)t.Elements().Single().Attribute("message")), Is.EqualTo(new[]
        {
            "not in pack: the pack has no y", "not provided by oracle: ORT has no float64 ConvTranspose", "not provided: no dw file",
        }));
        var error = cases[3].Elements().Single();
        Assert.That((string?)error.Attribute("message"), Is.EqualTo("x.npy: truncated"));
        Assert.That((string?)error.Attribute("type"), Is.EqualTo("unusable input"));
        Assert.That(error.Value, Is.EqualTo("x.npy: truncated"));
    }

    [Test]
    public void TheSuiteNamesWhatWasComparedAndTheWarnings()
    {
        var properties = JUnitWriter.ToXml(EveryOutcome).Descendants("property")
            .Select(p => ((string?)p.Attribute("name"), (string?)p.Attribute("value"))).ToList();
        Assert.That(properties, Is.EqualTo(new (string?, string?)[]
        {
            ("subject", "naive"),
            ("reference", "torch [numpy 1.24.2; torch 1.13.0]"),
            ("warning", "pack basic has no manifest"),
        }));
    }

    [Test]
    public void AnEmptySelectionIsAValidDocumentOfItsFailingVerdictOnly()
    {
        string path = Path.Combine(Path.GetTempPath(), $"junit-{Guid.NewGuid():N}.xml");
        try
        {
            JUnitWriter.Write(Report(), path);
            var xml = XDocument.Load(path);
            Assert.That(xml.Declaration?.Encoding, Is.EqualTo("utf-8"));
            var suite = xml.Root!.Elements("testsuite").Single();
            // No case selected exits 1: zero tests and zero failures were a green CI page.
            Assert.That(new[] { "tests", "failures", "errors", "skipped" }.Select(a => (int?)suite.Attribute(a)), Is.EqualTo(new int?[] { 1, 1, 0, 0 }));
            var verdict = suite.Elements("testcase").Single();
            Assert.That(((string?)verdict.Attribute("classname"), (string?)verdict.Attribute("name"), (string?)verdict.Element("failure")?.Attribute("message")), Is.EqualTo((
                "convverify.check", "verdict (shard 2/3)",
                "exit code 1: no case was selected, in shard 2/3 or any other: the selection is empty before --shard splits it")));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void TheDocumentDeclaresXml10InUtf8()
    {
        // What a caller of ToXml gets (Write saves it to a file, whose writer declares the same).
        var declaration = JUnitWriter.ToXml(EveryOutcome).Declaration;
        Assert.That(declaration?.ToString(), Is.EqualTo("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    }

    [Test]
    public void ControlCharactersXmlCannotHoldAreWrittenEscapedAndTheRestKept()
    {
        // The probe: a candidate folder named "bad\u0001name" (a warning) made --junit fail after the run with
        // "'\u0001', hexadecimal value 0x01, is an invalid character", and a shard's row text did the same in report merge.
        var report = Report(Row("c\u001b[31m", "forward", Outcome.Fail, "x\u0001y\ttab\nline 😀"), Row("d", "data", Outcome.Error, "e\u0000"));
        report.Warnings.Add("w\u0008");
        string path = Path.Combine(Path.GetTempPath(), $"junit-{Guid.NewGuid():N}.xml");
        try
        {
            JUnitWriter.Write(report, path);
            var xml = XDocument.Load(path);
            var fail = xml.Descendants("failure").Single();
            Assert.That((string?)fail.Parent!.Attribute("classname"), Is.EqualTo("convverify.check.c\\u001b[31m"));
            Assert.That((string?)fail.Attribute("message"), Is.EqualTo("x\\u0001y\ttab\nline 😀"), "tab, newline and a character beyond the BMP are XML");
            Assert.That((string?)xml.Descendants("error").Single(e => (string?)e.Attribute("type") == "unusable input").Attribute("message"), Is.EqualTo("e\\u0000"));
            Assert.That(xml.Descendants("property").Select(p => (string?)p.Attribute("value")), Does.Contain("w\\u0008"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ANullReportIsRefusedByName() =>
        Assert.That(() => JUnitWriter.ToXml(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("report"));
}
