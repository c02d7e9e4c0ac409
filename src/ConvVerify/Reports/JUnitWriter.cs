using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using ConvVerify.Runs;

namespace ConvVerify.Reports;

/// <summary>
/// A run report as JUnit XML, the format GitHub Actions, GitLab, Azure Pipelines and Jenkins display: one test case per
/// case × direction × reference, the verdict as the failure message, absences as skipped, unusable input and oracle failures as errors (their type says which);
/// and one for the run's verdict, which fails whenever the exit code is not 0.
/// </summary>
/// <remarks>
/// Written element by element to its file: the document built first as a tree held a 100,000-case soak's 374,787 test
/// cases in about 190 MB more than the run itself (615 MB peak against 425 MB) before a byte of it was written.
/// </remarks>
public static class JUnitWriter
{
    /// <summary>The XML document, as <see cref="Write(RunReport, Stream)"/> writes it.</summary>
    public static XDocument ToXml(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var doc = new XDocument();
        using (var w = doc.CreateWriter()) Write(report, w);
        // A tree takes no declaration from its writer; a file's writer writes this one.
        doc.Declaration = new XDeclaration("1.0", "utf-8", null);
        return doc;
    }

    /// <summary>
    /// Writes the XML to <paramref name="path"/>: into a file beside it, renamed over it when whole (a named pipe or a
    /// device is written in place, and a descriptor such as /dev/stdout through itself), so a failure part way leaves the
    /// file that was there (<see cref="ReplacedFile"/>).
    /// </summary>
    public static void Write(RunReport report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        ReplacedFile.Write(path, stream => Write(report, stream));
    }

    /// <summary>Writes the XML to <paramref name="stream"/>: UTF-8 with its byte order mark, indented by two spaces.</summary>
    public static void Write(RunReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(stream);
        // The settings XDocument.Save used, so the file is the one it wrote, but for a carriage return in a message or
        // body: written as &#xD;, where Save made it a line feed, so what a reader gets back is the text itself.
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), NewLineHandling = NewLineHandling.Entitize };
        using var w = XmlWriter.Create(stream, settings);
        Write(report, w);
    }

    private static void Write(RunReport report, XmlWriter w)
    {
        // The counts come first, in the suites' attributes: taken from the rows before any test case is written.
        bool first = FirstShard(report.Shard);
        int kinds = first ? report.SkippedByKind.Count : 0;
        // The rows about the pack (a corrupt file, a case.json that cannot be read) are made before the cases are split,
        // so every shard holds them (report merge requires it, and keeps them once): written in the first shard's file
        // only, as the skipped problems are, or a CI page that adds the shards up showed one corrupt file as three errors.
        var rows = first ? report.Rows : [.. report.Rows.Where(r => r.Subject != RunRow.NoSubject)];
        // The run's verdict is a test case of its own: a run failed for no row's sake (--require all's absent directions,
        // --strict's warnings, nothing compared, no case selected) showed on a CI page as all green, or all skipped.
        int exit = report.ExitCode();
        int tests = rows.Count + kinds + 1;
        int failures = rows.Count(r => r.Outcome is Outcome.Fail or Outcome.Suspicious) + (exit == RunReport.ExitFail ? 1 : 0);
        int errors = rows.Count(r => r.Outcome == Outcome.Error) + (exit == RunReport.ExitBadInput ? 1 : 0);
        int skipped = rows.Count(r => Absent(r.Outcome)) + kinds;
        string time = F(report.Seconds);

        w.WriteStartDocument();
        w.WriteStartElement("testsuites");
        Attribute(w, "name", "convverify");
        Attribute(w, "tests", tests);
        Attribute(w, "failures", failures);
        Attribute(w, "errors", errors);
        Attribute(w, "time", time);

        w.WriteStartElement("testsuite");
        // A run not split, and the report merged from the shards of one, are the whole run: "shard 1/1" said a part.
        Attribute(w, "name", X($"convverify {report.Command}{(Shard.IsWholeRun(report.Shard) ? "" : $" (shard {report.Shard})")}"));
        Attribute(w, "tests", tests);
        Attribute(w, "failures", failures);
        Attribute(w, "errors", errors);
        Attribute(w, "skipped", skipped);
        Attribute(w, "time", time);
        Attribute(w, "timestamp", X(report.Started));

        w.WriteStartElement("properties");
        Property(w, "subject", report.Subject.Name);
        foreach (var s in report.References) Property(w, "reference", s.Describe());
        foreach (string warning in report.Warnings) Property(w, "warning", warning);
        w.WriteFullEndElement();

        Verdict(w, report, exit);
        foreach (var r in rows) TestCase(w, report.Command, r);
        // Problems the selection left out are skipped test cases too, one per kind (a corpus run skips hundreds of
        // thousands for a few reasons), so a CI page shows what was not checked; only in the first shard, since every
        // shard of a run skips the same problems and CI pages add the shards up.
        if (first)
        {
            foreach (var (kind, count) in report.SkippedByKind)
            {
                var example = report.Skipped.FirstOrDefault(k => k.Kind == kind);
                string eg = example is null ? "" : $", e.g. {example.Descriptor} ({example.Where}): {example.Reason}";
                w.WriteStartElement("testcase");
                Attribute(w, "classname", X($"convverify.{report.Command}.skipped"));
                Attribute(w, "name", X($"{kind}: {Counted.Of(count, "problem")}"));
                Attribute(w, "time", "0");
                w.WriteStartElement("skipped");
                Attribute(w, "message", X($"{Counted.Of(count, "problem")} skipped ({kind}){eg}"));
                w.WriteEndElement();
                w.WriteFullEndElement();
            }
        }
        w.WriteFullEndElement();
        w.WriteFullEndElement();
        w.WriteEndDocument();
    }

    // One per file, named for its shard: each shard's file says its own exit code once, and a report merged from them
    // says the whole run's, from the merged rows, never the shards' verdicts again. A failure for exit code 1, an error
    // (no verdict either way, as an ERROR row) for 2; its message the reasons the summary gives.
    private static void Verdict(XmlWriter w, RunReport report, int exit)
    {
        w.WriteStartElement("testcase");
        Attribute(w, "classname", X($"convverify.{report.Command}"));
        Attribute(w, "name", X(Shard.IsWholeRun(report.Shard) ? "verdict" : $"verdict (shard {report.Shard})"));
        // The rows hold the run's time; counted again here, a CI page's total was twice it.
        Attribute(w, "time", "0");
        if (exit == RunReport.ExitPass)
        {
            w.WriteEndElement();
            return;
        }
        var reasons = report.Reasons().ToList();
        string message = $"exit code {exit}" + (reasons.Count == 0 ? "" : ": " + string.Join("; ", reasons));
        Child(w, exit == RunReport.ExitFail ? "failure" : "error", [("message", X(message)), ("type", $"exit code {exit}")],
            X(string.Join("\n", [report.SummaryLine(), .. reasons])));
        w.WriteFullEndElement();
    }

    private static void TestCase(XmlWriter w, string command, RunRow r)
    {
        w.WriteStartElement("testcase");
        Attribute(w, "classname", X($"convverify.{command}.{r.Case}"));
        Attribute(w, "name", X($"{r.Direction} ({r.Subject} vs {r.Reference})"));
        Attribute(w, "time", F(r.Seconds));
        switch (r.Outcome)
        {
            case Outcome.Fail or Outcome.Suspicious:
                Child(w, "failure", [("message", X(r.Reason)), ("type", r.Outcome.Name())], X($"{r.Descriptor} ({r.DType}, {r.Fill})\n{r.Reason}"));
                break;
            case Outcome.Error:
                Child(w, "error", [("message", X(r.Reason)), ("type", r.ErrorCauseOrInput.Name())], X(r.Reason));
                break;
            case var o when Absent(o):
                Child(w, "skipped", [("message", X($"{r.Outcome.Name()}: {r.Reason}"))], null);
                break;
            default:
                // A pass has no child: <testcase ... />.
                w.WriteEndElement();
                return;
        }
        w.WriteFullEndElement();
    }

    private static bool Absent(Outcome o) => o is Outcome.NotInPack or Outcome.NotProvided or Outcome.NotProvidedByOracle;

    // An element with attributes and, when given, text (even empty: <error ...></error>); without, it closes as <x ... />.
    private static void Child(XmlWriter w, string name, (string Name, string Value)[] attributes, string? text)
    {
        w.WriteStartElement(name);
        foreach (var (n, v) in attributes) Attribute(w, n, v);
        if (text is null)
        {
            w.WriteEndElement();
            return;
        }
        w.WriteString(text);
        w.WriteFullEndElement();
    }

    private static void Property(XmlWriter w, string name, string value)
    {
        w.WriteStartElement("property");
        Attribute(w, "name", name);
        Attribute(w, "value", X(value));
        w.WriteEndElement();
    }

    private static void Attribute(XmlWriter w, string name, string value) => w.WriteAttributeString(name, value);

    private static void Attribute(XmlWriter w, string name, int value) => w.WriteAttributeString(name, value.ToString(CultureInfo.InvariantCulture));

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>
    /// <paramref name="s"/> with every character XML 1.0 cannot hold as <c>\uXXXX</c>: control characters but tab, line
    /// feed and carriage return, lone surrogates, U+FFFE and U+FFFF. Not even escaped can a document hold them, so one in a
    /// name (a stray file in a candidate folder) or a shard's text made the writer throw after the run; they are written
    /// as the console and the messages show them.
    /// </summary>
    private static string X(string s)
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

    // "1/n" (the whole run is "1/1").
    private static bool FirstShard(string shard) => shard.Split('/')[0] == "1";
}
