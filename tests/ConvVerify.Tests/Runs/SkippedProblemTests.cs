using System.Text.Json;
using System.Xml.Linq;
using ConvVerify.Convolution;
using ConvVerify.Problems;
using ConvVerify.Reports;
using ConvVerify.Runs;
using ConvVerify.Tests.Cli;

namespace ConvVerify.Tests.Runs;

/// <summary>
/// What a selection named but the run left out reaches every reader of the run: the report (JSON), its summary line,
/// merged shards, JUnit (as skipped test cases) and the HTML page — not only the console of the machine that ran it.
/// </summary>
public class SkippedProblemTests : TempFolderTest
{
    // Line 1 taken; 2 an option this harness does not model; 3 too large for --max-macs 100000; 4 not a valid problem.
    private const string Batch = "mb1ic2ih4oc2kh3\n--attr-post-ops=relu mb1ic2ih5oc2kh3\n--reset mb2ic16ih32oc16kh3\nmb1ic2ih2oc2kh5\n";

    private CaseSelection Selection()
    {
        string path = Path.Combine(Dir, "batch.txt");
        File.WriteAllText(path, Batch);
        return CaseSelection.Resolve(null, path, [], "f32", "integer", "question", maxMacs: 100_000);
    }

    private RunReport Run(CaseSelection s, Shard? shard = null) => Runner.Run(new RunPlan
    {
        Command = "check", Cases = s.Generated(1), Skipped = s.Skipped(),
        References = [new EngineSource(ConvEngines.Naive)], Subject = new EngineSource(ConvEngines.Exact), Shard = shard ?? Shard.All,
    });

    [Test]
    public void EachSkippedEntryKeepsWhereItWasWhatItSaidAndWhy()
    {
        var s = Selection();
        var skipped = s.Skipped();
        Assert.That(skipped.Select(k => (k.Descriptor, k.Kind)), Is.EqualTo(new[]
        {
            ("mb1ic2ih5oc2kh3", "option"), ("mb2ic16ih32oc16kh3", "too-large"), ("mb1ic2ih2oc2kh5", "invalid"),
        }));
        Assert.That(skipped.Select(k => k.Where), Is.EqualTo(new[] { 2, 3, 4 }.Select(line => $"{Path.Combine(Dir, "batch.txt")}:{line}")));
        // 2 images · 16 output channels · 30·30 positions · 16 input channels · 3·3 taps = 4,147,200.
        Assert.That(skipped[1].Reason, Is.EqualTo("too large: 4,147,200 multiply-adds per direction, more than --max-macs 100000"));
        Assert.That(skipped.Select(k => k.Reason), Has.None.StartsWith("skipped"), "the reason without the listing's prefix");
        Assert.That(s.Problems, Has.Count.EqualTo(1));
        // A hand-picked set skips nothing.
        Assert.That(CaseSelection.Resolve("basic", null, [], null, null, "question").Skipped(), Is.Empty);
    }

    [TestCase(BatchSkipKind.Option, "option")]
    [TestCase(BatchSkipKind.DType, "dtype")]
    [TestCase(BatchSkipKind.Match, "match")]
    [TestCase(BatchSkipKind.TooLarge, "too-large")]
    [TestCase(BatchSkipKind.Invalid, "invalid")]
    [TestCase(BatchSkipKind.Include, "include")]
    public void EveryKindHasItsWord(BatchSkipKind kind, string word) => Assert.That(SkippedProblem.KindName(kind), Is.EqualTo(word));

    [Test]
    public void TakenIsNoReasonToSkip() =>
        Assert.That(() => SkippedProblem.KindName(BatchSkipKind.None), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("kind"));

    [Test]
    public void TheReportCarriesThemAndSaysHowMany()
    {
        var s = Selection();
        var report = Run(s);
        Assert.That(report.Skipped, Is.EqualTo(s.Skipped()));
        Assert.That(report.Summary.Skipped, Is.EqualTo(3));
        Assert.That(report.SummaryLine(), Does.Contain("0 errors, 3 problems skipped ("));
        Assert.That(report.ExitCode(), Is.EqualTo(RunReport.ExitPass), "skipping is no failure");
        string json = Path.Combine(Dir, "r.json");
        report.Write(json);
        using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
        {
            var first = doc.RootElement.GetProperty("skipped")[0];
            Assert.That((first.GetProperty("descriptor").GetString(), first.GetProperty("kind").GetString()), Is.EqualTo(("mb1ic2ih5oc2kh3", "option")));
            Assert.That(doc.RootElement.GetProperty("summary").GetProperty("skipped").GetInt32(), Is.EqualTo(3));
        }
        Assert.That(RunReport.Read(json).Skipped, Is.EqualTo(report.Skipped));
        // Without skips the line is as before.
        Assert.That(Run(CaseSelection.Resolve("question", null, [], "f32", "integer", "question")).SummaryLine(), Does.Not.Contain("skipped"));
    }

    [Test]
    public void ShardsOfOneRunShareTheListAndTheMergeKeepsItOnce()
    {
        var s = Selection();
        var merged = ReportMerge.Merge([("1.json", Run(s, Shard.Parse("1/2"))), ("2.json", Run(s, Shard.Parse("2/2")))]);
        Assert.That(merged.Skipped, Is.EqualTo(s.Skipped()));
        var other = Run(s, Shard.Parse("2/2"));
        other.Skipped.RemoveAt(0);
        Assert.That(() => ReportMerge.Merge([("1.json", Run(s, Shard.Parse("1/2"))), ("2.json", other)]),
            Throws.ArgumentException.With.Message.EqualTo("2.json: shard of another selection (2 problems skipped) than 1.json (3 skipped)"));
    }

    [Test]
    public void JUnitShowsEachAsASkippedTestCase()
    {
        var report = Run(Selection());
        var xml = JUnitWriter.ToXml(report);
        var skippedCases = xml.Descendants("testcase").Where(t => t.Attribute("classname")!.Value == "convverify.check.skipped").ToList();
        Assert.That(skippedCases.Select(t => t.Attribute("name")!.Value), Is.EqualTo(report.Skipped.Select(k => k.Descriptor)));
        Assert.That(skippedCases[1].Element("skipped")!.Attribute("message")!.Value,
            Is.EqualTo($"too-large: {report.Skipped[1].Reason} ({report.Skipped[1].Where})"));
        var suite = xml.Descendants("testsuite").Single();
        Assert.That(suite.Attribute("tests")!.Value, Is.EqualTo((report.Rows.Count + 3).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(suite.Attribute("skipped")!.Value, Is.EqualTo("3"));
        Assert.That(xml.Root!.Attribute("tests")!.Value, Is.EqualTo(suite.Attribute("tests")!.Value));
    }

    [Test]
    public void ThePageListsThemEscaped()
    {
        var report = Run(Selection());
        report.Skipped.Add(new SkippedProblem { Where = "x<1>", Descriptor = "a&b", Kind = "invalid", Reason = "<script>" });
        HtmlReport.Write(report, Dir);
        string page = File.ReadAllText(Path.Combine(Dir, "index.html"));
        Assert.That(page, Does.Contain("<h2>Skipped problems</h2>"));
        Assert.That(page, Does.Contain("<tr class=\"absent\"><td>mb1ic2ih5oc2kh3</td><td>option</td>"));
        Assert.That(page, Does.Contain("<tr class=\"absent\"><td>a&amp;b</td><td>invalid</td><td>&lt;script&gt;</td><td>x&lt;1&gt;</td></tr>"));
        HtmlReport.Write(Run(CaseSelection.Resolve("question", null, [], "f32", "integer", "question")), Dir);
        Assert.That(File.ReadAllText(Path.Combine(Dir, "index.html")), Does.Not.Contain("Skipped problems"));
    }

    [Test]
    public void CheckWritesThemIntoItsJsonReport()
    {
        string batch = Path.Combine(Dir, "batch.txt"), json = Path.Combine(Dir, "r.json");
        File.WriteAllText(batch, Batch);
        var r = CliTestBase.Run("check", "--oracle", "exact", "--batch", batch, "--dtype", "f32", "--fill", "integer", "--max-macs", "100000", "--json", json);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("3 problems skipped"));
        Assert.That(RunReport.Read(json).Skipped.Select(k => k.Kind), Is.EqualTo(new[] { "option", "too-large", "invalid" }));
    }
}
