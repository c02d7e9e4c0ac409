using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using ConvVerify.Reports;
using ConvVerify.Runs;
using static ConvVerify.Tests.Reports.TestRows;

namespace ConvVerify.Tests.Reports;

/// <summary>
/// The JUnit file written element by element is the file the document built in memory was, byte for byte; whatever a
/// report's texts hold, the file is XML 1.0 that a strict reader takes, and gives back every character XML can carry
/// (the others as <c>\uXXXX</c>).
/// </summary>
public class JUnitStreamTests
{
    // The writer before streaming, as it was but for its plural ("1 problems" is now "1 problem"), the whole run's
    // suite name (no "(shard 1/1)"), the run's verdict as the first test case, and the rows about the pack in the first
    // shard only: the whole document built as a tree, then saved.
    private static byte[] AsBuilt(RunReport report)
    {
        string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
        bool first = report.Shard.Split('/')[0] == "1";
        var rows = report.Rows.Where(r => first || r.Subject != RunRow.NoSubject).ToList();
        var cases = rows.Select(r =>
        {
            var tc = new XElement("testcase",
                new XAttribute("classname", OldX($"convverify.{report.Command}.{r.Case}")),
                new XAttribute("name", OldX($"{r.Direction} ({r.Subject} vs {r.Reference})")),
                new XAttribute("time", F(r.Seconds)));
            switch (r.Outcome)
            {
                case Outcome.Fail or Outcome.Suspicious:
                    tc.Add(new XElement("failure", new XAttribute("message", OldX(r.Reason)), new XAttribute("type", r.Outcome.Name()),
                        OldX($"{r.Descriptor} ({r.DType}, {r.Fill})\n{r.Reason}")));
                    break;
                case Outcome.Error:
                    tc.Add(new XElement("error", new XAttribute("message", OldX(r.Reason)), new XAttribute("type", "unusable input"), OldX(r.Reason)));
                    break;
                case Outcome.NotInPack or Outcome.NotProvided or Outcome.NotProvidedByOracle:
                    tc.Add(new XElement("skipped", new XAttribute("message", OldX($"{r.Outcome.Name()}: {r.Reason}"))));
                    break;
            }
            return tc;
        }).ToList();
        int exit = report.ExitCode();
        var verdict = new XElement("testcase", new XAttribute("classname", OldX($"convverify.{report.Command}")),
            new XAttribute("name", report.Shard == "1/1" ? "verdict" : $"verdict (shard {report.Shard})"), new XAttribute("time", "0"));
        var reasons = report.Reasons().ToList();
        if (exit != 0)
            verdict.Add(new XElement(exit == 1 ? "failure" : "error", new XAttribute("message", OldX($"exit code {exit}: {string.Join("; ", reasons)}")),
                new XAttribute("type", $"exit code {exit}"), OldX(string.Join("\n", [report.SummaryLine(), .. reasons]))));
        cases.Insert(0, verdict);
        if (first)
        {
            cases.AddRange(report.SkippedByKind.Select(kv =>
            {
                var example = report.Skipped.FirstOrDefault(k => k.Kind == kv.Key);
                string eg = example is null ? "" : $", e.g. {example.Descriptor} ({example.Where}): {example.Reason}";
                return new XElement("testcase",
                    new XAttribute("classname", OldX($"convverify.{report.Command}.skipped")), new XAttribute("name", OldX($"{kv.Key}: {Counted.Of(kv.Value, "problem")}")), new XAttribute("time", "0"),
                    new XElement("skipped", new XAttribute("message", OldX($"{Counted.Of(kv.Value, "problem")} skipped ({kv.Key}){eg}"))));
            }));
        }
        int failures = rows.Count(r => r.Outcome is Outcome.Fail or Outcome.Suspicious) + (exit == 1 ? 1 : 0);
        int errors = rows.Count(r => r.Outcome == Outcome.Error) + (exit == 2 ? 1 : 0);
        int skipped = cases.Count(c => c.Element("skipped") is not null);
        var suite = new XElement("testsuite",
            new XAttribute("name", OldX($"convverify {report.Command}" + (report.Shard == "1/1" ? "" : $" (shard {report.Shard})"))),
            new XAttribute("tests", cases.Count), new XAttribute("failures", failures),
            new XAttribute("errors", errors), new XAttribute("skipped", skipped),
            new XAttribute("time", F(report.Seconds)), new XAttribute("timestamp", OldX(report.Started)),
            new XElement("properties",
                new XElement("property", new XAttribute("name", "subject"), new XAttribute("value", OldX(report.Subject.Name))),
                report.References.Select(s => new XElement("property", new XAttribute("name", "reference"), new XAttribute("value", OldX(s.Describe())))),
                report.Warnings.Select(w => new XElement("property", new XAttribute("name", "warning"), new XAttribute("value", OldX(w))))),
            cases);
        var doc = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites", new XAttribute("name", "convverify"), new XAttribute("tests", cases.Count),
                new XAttribute("failures", failures), new XAttribute("errors", errors), new XAttribute("time", F(report.Seconds)), suite));
        using var stream = new MemoryStream();
        doc.Save(stream);
        return stream.ToArray();
    }

    private static string OldX(string s)
    {
        var o = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (i + 1 < s.Length && XmlConvert.IsXmlSurrogatePair(s[i + 1], s[i])) o.Append(s, i++, 2);
            else if (XmlConvert.IsXmlChar(s[i])) o.Append(s[i]);
            else o.Append(CultureInfo.InvariantCulture, $"\\u{(int)s[i]:x4}");
        }
        return o.ToString();
    }

    private static byte[] Streamed(RunReport report)
    {
        using var stream = new MemoryStream();
        JUnitWriter.Write(report, stream);
        return stream.ToArray();
    }

    private static RunReport Report(string shard, params RunRow[] rows) => new()
    {
        Command = "check",
        Subject = new SourceInfo { Name = "naive" },
        References = [new SourceInfo { Name = "torch", Versions = new(StringComparer.Ordinal) { ["torch"] = "1.13.0" } }, new SourceInfo { Name = "exact" }],
        Shard = shard,
        Started = "2026-11-29T03:00:00Z",
        Seconds = 12.3456789,
        Warnings = ["pack basic has no manifest", "a <b> & \"c\" 'd'"],
        Rows = [.. rows],
    };

    private static RunRow[] EveryOutcome() =>
    [
        Row("a", "forward", Outcome.Pass, "within bound", seconds: 1.5),
        Row("a", "data", Outcome.Fail, "dx[0,1,2,3]: error 2 > bound 1 & <more>", seconds: 0.0000001),
        Row("a", "weights", Outcome.Suspicious, "dw[0]: beyond the \"probabilistic\" bound"),
        Row("b", "forward", Outcome.NotInPack, "the pack has no y"),
        Row("b", "data", Outcome.NotProvidedByOracle, "ORT has no float64 ConvTranspose"),
        Row("b", "weights", Outcome.NotProvided, ""),
        Row("b", "bias", Outcome.Error, "x.npy: truncated"),
        Row("c", "bias", Outcome.Error, ""),
        Row("c\u0001\t\n", "forward", Outcome.Fail, "x\u0001y\ttab\nline 😀 \ud800 \udc00 \uffff\ufffe end\u0085\u2028 ", seconds: 3),
    ];

    private static IEnumerable<TestCaseData> Reports()
    {
        yield return new TestCaseData(Report("1/1", EveryOutcome())).SetName("{m}(every outcome, whole run)");
        yield return new TestCaseData(Report("2/3", EveryOutcome())).SetName("{m}(every outcome, a later shard)");
        yield return new TestCaseData(Report("1/1")).SetName("{m}(no rows)");
        var skipped = Report("1/2", EveryOutcome());
        skipped.Skipped.Add(new SkippedProblem { Where = "b.txt:2", Descriptor = "mb1ic2ih5oc2kh3", Kind = "option", Reason = "--attr-post-ops=relu\u0007" });
        skipped.SkippedByKind["option"] = 1;
        skipped.SkippedByKind["dtype"] = 4;
        yield return new TestCaseData(skipped).SetName("{m}(skipped kinds, one and several)");
        var later = Report("2/2", [.. skipped.Rows]);
        later.Skipped.AddRange(skipped.Skipped);
        foreach (var (kind, n) in skipped.SkippedByKind) later.SkippedByKind[kind] = n;
        yield return new TestCaseData(later).SetName("{m}(skipped kinds, a later shard)");
    }

    [TestCaseSource(nameof(Reports))]
    public void TheStreamedFileIsTheBuiltOne(RunReport report) =>
        Assert.That(Streamed(report), Is.EqualTo(AsBuilt(report)));

    [Test]
    public void TheFileIsUtf8WithItsMarkAndTheTreeIsTheFilesDocument()
    {
        var report = Report("1/1", EveryOutcome());
        byte[] file = Streamed(report);
        Assert.That(file.Take(3), Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }));
        Assert.That(Encoding.UTF8.GetString(file, 3, 60), Does.StartWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites "));
        // ToXml is that document as a tree: saved, it is the file.
        using var saved = new MemoryStream();
        JUnitWriter.ToXml(report).Save(saved);
        Assert.That(saved.ToArray(), Is.EqualTo(file));
    }

    // XML 1.0's Char production (https://www.w3.org/TR/xml/#charsets), as code points.
    private static bool XmlChar(int c) =>
        c is 0x9 or 0xA or 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);

    // What a reader should get back: each code point XML can carry as itself, each UTF-16 unit of any other as \uXXXX.
    private static string Visible(string s)
    {
        var o = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                o.Append(s, i, 2);
                i++;
            }
            else if (!char.IsSurrogate(s[i]) && XmlChar(s[i])) o.Append(s[i]);
            else o.Append("\\u").Append(((int)s[i]).ToString("x4", CultureInfo.InvariantCulture));
        }
        return o.ToString();
    }

    // Every class XML 1.0 cannot carry, beside every kind it can that a writer might still get wrong.
    private static readonly string[] Probes =
    [
        string.Concat(Enumerable.Range(0, 0x20).Select(c => (char)c)), // C0 controls: all but tab, LF and CR refused
        "\u007f\u0080\u0085\u009f", // DEL and C1 controls: XML 1.0 holds them
        "a\ud800b", "a\udbffb", "a\udc00b", "a\udfff", "\ud83d", // lone high and low surrogates, at the end too
        "\ude00\ud83d", // a pair in the wrong order is two lone surrogates
        "😀 \U0010FFFF", // pairs: kept
        "\ufffe\uffff", "\ufffd\ue000\ud7ff", // the two non-characters refused; their neighbours kept
        "cr\r", "crlf\r\nend", "\r\r\n\n", "tab\tin", // line ends and tabs as they were
        "  lead and trail  ", " ", "", // whitespace that must not be trimmed or dropped
        "<&>\"'", "]]>", "\u2028\u2029", // markup characters; a CDATA end; Unicode line separators
    ];

    [Test]
    public void EveryOutputIsStrictXmlAndGivesBackItsVisibleText()
    {
        foreach (string probe in Probes)
        {
            var report = Report("1/1",
                Row(probe, probe, Outcome.Fail, probe),
                Row("e", "forward", Outcome.Error, probe),
                Row("s", "forward", Outcome.NotProvided, probe));
            report.Warnings.Add(probe);
            report.Skipped.Add(new SkippedProblem { Where = probe, Descriptor = probe, Kind = "option", Reason = probe });
            report.SkippedByKind["option"] = 2;
            string what = string.Join(" ", probe.Select(c => ((int)c).ToString("x4", CultureInfo.InvariantCulture)));

            var read = Read(Streamed(report));
            string v = Visible(probe);
            Assert.That(read.Attributes, Does.Contain(("testcase", "classname", $"convverify.check.{v}")), what);
            Assert.That(read.Attributes, Does.Contain(("testcase", "name", $"{v} (naive vs torch)")), what);
            Assert.That(read.Attributes, Does.Contain(("failure", "message", v)), what);
            Assert.That(read.Attributes, Does.Contain(("error", "message", v)), what);
            Assert.That(read.Attributes, Does.Contain(("skipped", "message", "not provided: " + v)), what);
            Assert.That(read.Attributes, Does.Contain(("property", "value", v)), what);
            Assert.That(read.Attributes, Does.Contain(("skipped", "message", $"2 problems skipped (option), e.g. {v} ({v}): {v}")), what);
            // The run's verdict first: an error, for the ERROR row.
            Assert.That(read.Texts.Skip(1), Is.EqualTo(new[] { ("failure", $"mb1ic3ih5oc16oh3kh3 (f32, integer)\n{v}"), ("error", v) }), what);
            Assert.That(read.Texts[0].Item1, Is.EqualTo("error"), what);
        }
    }

    // Every attribute and element text a strict reader gets from the file (whitespace between elements aside).
    private static (List<(string, string, string)> Attributes, List<(string, string)> Texts) Read(byte[] file)
    {
        var settings = new XmlReaderSettings
        {
            CheckCharacters = true, ConformanceLevel = ConformanceLevel.Document, DtdProcessing = DtdProcessing.Prohibit,
            IgnoreWhitespace = false, IgnoreComments = false, XmlResolver = null,
        };
        var attributes = new List<(string, string, string)>();
        var texts = new List<(string, string)>();
        using var reader = XmlReader.Create(new MemoryStream(file), settings);
        string element = "";
        var text = new StringBuilder();
        bool inText = false;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    element = reader.Name;
                    for (bool more = reader.MoveToFirstAttribute(); more; more = reader.MoveToNextAttribute())
                        attributes.Add((element, reader.Name, reader.Value));
                    reader.MoveToElement();
                    text.Clear();
                    inText = !reader.IsEmptyElement;
                    break;
                case XmlNodeType.Text or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace or XmlNodeType.CDATA:
                    text.Append(reader.Value);
                    break;
                case XmlNodeType.EndElement:
                    // An element holding text only (failure, error) ends straight after it; one holding elements does not.
                    if (inText && reader.Name == element) texts.Add((element, text.ToString()));
                    inText = false;
                    text.Clear();
                    break;
            }
        }
        return (attributes, texts);
    }

    [Test]
    public void TheSkippedKindsCountTheirProblemsInAgreement()
    {
        var report = Report("1/1");
        report.SkippedByKind["dtype"] = 1;
        report.SkippedByKind["option"] = 2;
        var read = Read(Streamed(report));
        Assert.That(read.Attributes.Where(a => a.Item1 == "testcase" && a.Item2 == "name").Select(a => a.Item3), Is.EqualTo(new[] { "verdict", "dtype: 1 problem", "option: 2 problems" }));
        Assert.That(read.Attributes.Where(a => a.Item1 == "skipped").Select(a => a.Item3), Is.EqualTo(new[] { "1 problem skipped (dtype)", "2 problems skipped (option)" }));
    }

    [Test]
    public void NothingIsWrittenForANullReportOrStream()
    {
        Assert.That(() => JUnitWriter.Write(null!, new MemoryStream()), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("report"));
        Assert.That(() => JUnitWriter.Write(Report("1/1"), (Stream)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("stream"));
        Assert.That(() => JUnitWriter.Write(null!, "never-written.xml"), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("report"));
        Assert.That(File.Exists("never-written.xml"), Is.False);
    }
}
