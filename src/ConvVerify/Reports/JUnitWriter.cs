using System.Globalization;
using System.Xml.Linq;
using ConvVerify.Runs;

namespace ConvVerify.Reports;

/// <summary>
/// A run report as JUnit XML, the format GitHub Actions, GitLab, Azure Pipelines and Jenkins display: one test case per
/// case × direction × reference, the verdict as the failure message, absences as skipped, unusable input as errors.
/// </summary>
public static class JUnitWriter
{
    /// <summary>The XML document.</summary>
    public static XDocument ToXml(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
        var cases = report.Rows.Select(r =>
        {
            var tc = new XElement("testcase",
                new XAttribute("classname", X($"convverify.{report.Command}.{r.Case}")),
                new XAttribute("name", X($"{r.Direction} ({r.Subject} vs {r.Reference})")),
                new XAttribute("time", F(r.Seconds)));
            switch (r.Outcome)
            {
                case Outcome.Fail or Outcome.Suspicious:
                    tc.Add(new XElement("failure", new XAttribute("message", X(r.Reason)), new XAttribute("type", r.Outcome.Name()),
                        X($"{r.Descriptor} ({r.DType}, {r.Fill})\n{r.Reason}")));
                    break;
                case Outcome.Error:
                    tc.Add(new XElement("error", new XAttribute("message", X(r.Reason)), new XAttribute("type", "unusable input"), X(r.Reason)));
                    break;
                case Outcome.NotInPack or Outcome.NotProvided or Outcome.NotProvidedByOracle:
                    tc.Add(new XElement("skipped", new XAttribute("message", X($"{r.Outcome.Name()}: {r.Reason}"))));
                    break;
            }
            return tc;
        }).ToList();
        // Problems the selection left out are skipped test cases too, one per kind (a corpus run skips hundreds of
        // thousands for a few reasons), so a CI page shows what was not checked; only in the first shard, since every
        // shard of a run skips the same problems and CI pages add the shards up.
        if (FirstShard(report.Shard))
        {
            cases.AddRange(report.SkippedByKind.Select(kv =>
            {
                var example = report.Skipped.FirstOrDefault(k => k.Kind == kv.Key);
                string eg = example is null ? "" : $", e.g. {example.Descriptor} ({example.Where}): {example.Reason}";
                return new XElement("testcase",
                    new XAttribute("classname", X($"convverify.{report.Command}.skipped")), new XAttribute("name", X($"{kv.Key}: {kv.Value} problems")), new XAttribute("time", "0"),
                    new XElement("skipped", new XAttribute("message", X($"{kv.Value} problems skipped ({kv.Key}){eg}"))));
            }));
        }
        int failures = report.Count(Outcome.Fail) + report.Count(Outcome.Suspicious);
        int skipped = cases.Count(c => c.Element("skipped") is not null);
        var suite = new XElement("testsuite",
            new XAttribute("name", X($"convverify {report.Command} (shard {report.Shard})")),
            new XAttribute("tests", cases.Count), new XAttribute("failures", failures),
            new XAttribute("errors", report.Count(Outcome.Error)), new XAttribute("skipped", skipped),
            new XAttribute("time", F(report.Seconds)), new XAttribute("timestamp", X(report.Started)),
            new XElement("properties",
                new XElement("property", new XAttribute("name", "subject"), new XAttribute("value", X(report.Subject.Name))),
                report.References.Select(s => new XElement("property", new XAttribute("name", "reference"),
                    new XAttribute("value", X(s.Describe())))),
                report.Warnings.Select(w => new XElement("property", new XAttribute("name", "warning"), new XAttribute("value", X(w))))),
            cases);
        return new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites", new XAttribute("name", "convverify"), new XAttribute("tests", cases.Count),
                new XAttribute("failures", failures), new XAttribute("errors", report.Count(Outcome.Error)), new XAttribute("time", F(report.Seconds)), suite));
    }

    // XML 1.0 cannot hold most control characters, not even escaped, so one in a name (a stray file in a candidate folder)
    // or a shard's text made the writer throw after the run: written as \uXXXX, as the console and the messages show them.
    private static string X(string s)
    {
        var o = new System.Text.StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (i + 1 < s.Length && System.Xml.XmlConvert.IsXmlSurrogatePair(s[i + 1], s[i])) o.Append(s, i++, 2);
            else if (System.Xml.XmlConvert.IsXmlChar(s[i])) o.Append(s[i]);
            else o.Append(CultureInfo.InvariantCulture, $"\\u{(int)s[i]:x4}");
        }
        return o.ToString();
    }

    // "1/n" (the whole run is "1/1").
    private static bool FirstShard(string shard) => shard.Split('/')[0] == "1";

    /// <summary>Writes the XML to <paramref name="path"/>.</summary>
    public static void Write(RunReport report, string path)
    {
        // Shared for reading, as the --json report is written: File.Create's exclusive lock was refused at a named pipe
        // whose reader holds it open.
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        ToXml(report).Save(stream);
    }
}
