using System.Text;
using System.Text.RegularExpressions;
using ConvVerify.Reports;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Reports;

/// <summary>
/// The HTML report's page as text, written in-process from a report built in memory: what it says, which rows get which
/// class, which directions get a section and pictures, and that nothing from a case name reaches the page unescaped.
/// (Cli/HtmlReportTests loads a real report in a browser.)
/// </summary>
public partial class HtmlReportPageTests : TempFolderTest
{
    [GeneratedRegex("<section class=\"failure\" id=\"failure-(\\d+)\"><h2 class=\"([^\"]+)\">([^<]*)</h2>")]
    private static partial Regex SectionHeading();

    [GeneratedRegex("<tr class=\"([^\"]+)\" data-case=\"[^\"]*\" data-direction=\"([^\"]+)\">(.*?)</tr>")]
    private static partial Regex TableRow();

    private static RunRow Row(string id, string direction, Outcome outcome, string reason, double? ratio = null, double? maxAbs = null, ErrorMap? map = null) =>
        TestRows.Row(id, direction, outcome, reason, fill: "normal", ratio: ratio, maxAbs: maxAbs, map: map);

    // A 3x4 slice whose row 1 is past the bound: what a padding bug looks like.
    private static ErrorMap Map() =>
        ErrorMap.From([0.1, 0.2, 0.1, 0.2, 1.5, 2.5, 1.5, 3.0, 0.1, 0.2, 0.1, 0.2], [1, 1, 3, 4], [0, 0, 1, 3]);

    private static RunReport Report(string shard = "2/3", List<RunRow>? rows = null) => new()
    {
        Command = "verify-impl",
        Subject = new SourceInfo { Name = "naive" },
        References = [new SourceInfo { Name = "torch", Versions = new(StringComparer.Ordinal) { ["torch"] = "1.13.0", ["numpy"] = "1.24.2" } }],
        Shard = shard,
        Started = "2026-11-29T03:00:00Z",
        Seconds = 12.34,
        Warnings = ["candidate file extra.npy matches no case"],
        Rows = rows ??
        [
            Row("a", "y", Outcome.Pass, "", ratio: 0.25, maxAbs: 1.23456789e-5),
            Row("a", "dx", Outcome.Fail, "dx[0,0,1,3]: error 3 x bound", ratio: 3, maxAbs: 0.5, map: Map()),
            Row("a", "dw", Outcome.Suspicious, "dw: past the probabilistic bound", ratio: 1.5),
            Row("b<1>&", "y", Outcome.NotInPack, "no y.npy"),
            Row("b<1>&", "dx", Outcome.NotProvidedByOracle, "ORT: no float64"),
            Row("b<1>&", "dw", Outcome.NotProvided, "no <dw> file"),
            Row("b<1>&", "db", Outcome.Error, "db.npy: truncated"),
        ],
    };

    private string Page(RunReport report)
    {
        HtmlReport.Write(report, Dir);
        byte[] bytes = File.ReadAllBytes(Path.Combine(Dir, "index.html"));
        Assert.That(bytes.Take(2), Is.EqualTo("<!"u8.ToArray()), "UTF-8 without a byte-order mark, doctype first");
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>
    /// The whole page of the report above, pinned in snapshots/reports/: its markup, style and browser hooks are then a
    /// reviewed change (accept with CONVVERIFY_ACCEPT_SNAPSHOTS=1), while the tests below say what each part must hold.
    /// </summary>
    [Test]
    public void ThePageIsItsVerifiedSnapshot()
    {
        var store = new ConvVerify.Snapshots.SnapshotStore(Path.Combine(ConvVerify.Tests.Snapshots.Snapshot.Repository.Directory, "reports"));
        var result = store.Check("html-report_index", Page(Report()), ConvVerify.Snapshots.SnapshotStore.AcceptRequestedByEnvironment);
        Assert.That(result.Passed, result.Message);
    }

    [Test]
    public void TheHeadSaysWhatRanAgainstWhatAndWhyItFails()
    {
        var report = Report();
        string page = Page(report);
        Assert.That(page, Does.Contain("<title>ConvVerify verify-impl</title>"));
        Assert.That(page, Does.Contain("<h1>ConvVerify verify-impl</h1>"));
        Assert.That(page, Does.Contain($"<p id=\"summary\">{System.Net.WebUtility.HtmlEncode(report.SummaryLine())}</p>"));
        Assert.That(page, Does.Contain("<li>checked: <b>naive</b></li><li>against: <b>torch</b> [numpy 1.24.2; torch 1.13.0]</li>"));
        Assert.That(page, Does.Contain("<li>started 2026-11-29T03:00:00Z, 12.3 s, shard 2/3</li>"));
        // The whole run, split and merged or not split at all, is no shard: it said "shard 1/1".
        Assert.That(Page(Report("1/1")), Does.Contain("<li>started 2026-11-29T03:00:00Z, 12.3 s</li>").And.Not.Contain("shard"));
        Assert.That(page, Does.Contain("<li>exit code 2</li>"), "an unusable input makes the exit code 2");
        var reasons = Regex.Matches(page, "<li class=\"FAIL\">([^<]*)</li>").Select(m => m.Groups[1].Value).ToList();
        Assert.That(reasons, Is.EqualTo(report.Reasons().Select(System.Net.WebUtility.HtmlEncode)));
        Assert.That(reasons, Has.Count.GreaterThanOrEqualTo(3), "error, failure and suspicious each give a reason");
        Assert.That(page, Does.Contain("<li class=\"absent\">warning: candidate file extra.npy matches no case</li>"));
    }

    // The declarations of one CSS selector in the page's single <style> block (selectors may be grouped with commas).
    private static Dictionary<string, string> Rule(string page, string selector)
    {
        var styles = Regex.Matches(page, "<style>(.*?)</style>", RegexOptions.Singleline);
        Assert.That(styles, Has.Count.EqualTo(1), "one closed style block");
        var rule = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in Regex.Matches(styles[0].Groups[1].Value, "([^{}]+)\\{([^}]*)\\}"))
        {
            if (!m.Groups[1].Value.Split(',').Select(x => x.Trim()).Contains(selector)) continue;
            foreach (string d in m.Groups[2].Value.Split(';', StringSplitOptions.RemoveEmptyEntries))
                rule[d.Split(':')[0].Trim()] = d[(d.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        return rule;
    }

    // The red, green and blue of a #rrggbb colour.
    private static (int R, int G, int B) Rgb(string hex) =>
        (Convert.ToInt32(hex[1..3], 16), Convert.ToInt32(hex[3..5], 16), Convert.ToInt32(hex[5..7], 16));

    [Test]
    public void OutcomesAreColouredByWhatTheyMeanAndTheTableIsRuled()
    {
        string page = Page(Report());
        // Failures and errors red and bold, passes green, what needs a look (suspicious, absent) amber: red and green, little blue.
        foreach (string bad in new[] { ".FAIL", ".ERROR" })
        {
            var (r, g, b) = Rgb(Rule(page, bad)["color"]);
            Assert.That(r, Is.GreaterThan(2 * Math.Max(g, b)), bad + " is red");
            Assert.That(Rule(page, bad)["font-weight"], Is.EqualTo("bold"));
        }
        var pass = Rgb(Rule(page, ".pass")["color"]);
        Assert.That(pass.G, Is.GreaterThan(2 * Math.Max(pass.R, pass.B)), ".pass is green");
        foreach (string look in new[] { ".suspicious", ".absent" })
        {
            var (r, g, b) = Rgb(Rule(page, look)["color"]);
            Assert.That(Math.Min(r, g), Is.GreaterThan(2 * b), look + " is amber");
        }
        // Every cell ruled, failure sections set off by a rule in the failures' red, pictures side by side.
        Assert.That(Rule(page, "table")["border-collapse"], Is.EqualTo("collapse"));
        Assert.That(Rule(page, "td"), Does.ContainKey("border"));
        Assert.That(Rule(page, "th")["border"], Is.EqualTo(Rule(page, "td")["border"]));
        Assert.That(Rule(page, "section.failure")["border-top"], Does.EndWith(Rule(page, ".FAIL")["color"]));
        Assert.That(Rule(page, "figure")["display"], Is.EqualTo("inline-block"));
        Assert.That(Rule(page, "body"), Does.ContainKey("font-family"));
        // A random 3-D problem's case id of 90 characters without a space ran off the page's right edge.
        foreach (string text in new[] { "h1", "h2", "p", "figcaption" })
            Assert.That(Rule(page, text)["overflow-wrap"], Is.EqualTo("anywhere"), text + " breaks a long case id");
    }

    [Test]
    public void FailingSuspiciousAndUnusableDirectionsGetASectionAndOnlyMappedOnesPictures()
    {
        string page = Page(Report());
        var sections = SectionHeading().Matches(page).Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value)).ToList();
        Assert.That(sections, Is.EqualTo(new[]
        {
            ("0", "FAIL", "FAIL a dx"), ("1", "suspicious", "suspicious a dw"), ("2", "ERROR", "ERROR b&lt;1&gt;&amp; db"),
        }));
        Assert.That(page, Does.Contain("<p>mb1ic3ih5oc16oh3kh3 (f32, normal); naive against torch</p>\n<p>dx[0,0,1,3]: error 3 x bound</p>"));
        var images = Regex.Matches(page, "<img src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.That(images, Is.EqualTo(new[] { "failure-0-heatmap.png", "failure-0-histogram.png" }), "only the row with a map has pictures");
        Assert.That(page, Does.Contain("error/bound over [0, 0, :, :]"));
        foreach (string image in images)
        {
            byte[] png = File.ReadAllBytes(Path.Combine(Dir, image));
            Assert.That(png.Take(8), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10 }), image);
        }
        Assert.That(Directory.GetFiles(Dir, "*.png"), Has.Length.EqualTo(2));
        // A section closes before the next opens: the figure belongs to its own direction.
        int first = page.IndexOf("id=\"failure-0\"", StringComparison.Ordinal), second = page.IndexOf("id=\"failure-1\"", StringComparison.Ordinal);
        Assert.That(page.IndexOf("failure-0-histogram.png", StringComparison.Ordinal), Is.InRange(first, second));
        Assert.That(page[first..second], Does.Contain("</section>"));
    }

    [Test]
    public void TheCaptionSaysHowFailingCellsAreToldApart()
    {
        Assert.That(Page(Report()), Does.Contain("error/bound over [0, 0, :, :] on a log scale: blue below the bound, yellow to red at or past it; cells at or past the bound are ringed"), "3 x 4: ringed");
        var wide = ErrorMap.From([.. Enumerable.Range(0, 60).Select(k => k % 2 * 2.0)], [1, 1, 1, 60], [0, 0, 0, 1]);
        var report = Report(rows: [Row("a", "dx", Outcome.Fail, "dx[0,0,0,1]: error 2 x bound", ratio: 2, maxAbs: 0.5, map: wide)]);
        Assert.That(Page(report), Does.Contain("on a log scale: blue below the bound, yellow to red at or past it (too many cells to ring)</figcaption>"), "60 cells: colours alone");
    }

    [Test]
    public void EveryDirectionIsARowWithItsOutcomesClassAndNumbers()
    {
        string page = Page(Report());
        var rows = TableRow().Matches(page).Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value)).ToList();
        Assert.That(rows.Select(r => r.Item1), Is.EqualTo(new[] { "pass", "FAIL", "suspicious", "absent", "absent", "absent", "ERROR" }));
        Assert.That(rows.Select(r => r.Item2), Is.EqualTo(new[] { "y", "dx", "dw", "y", "dx", "dw", "db" }));
        Assert.That(rows[0].Item3, Is.EqualTo("<td>a</td><td>y</td><td>naive</td><td>torch</td><td class=\"pass\">pass</td><td>"
            + ConvVerify.Comparison.RatioFormat.Format(0.25) + "</td><td>1.235E-05</td>"));
        Assert.That(rows[2].Item3, Does.EndWith("<td class=\"suspicious\">suspicious</td><td>" + ConvVerify.Comparison.RatioFormat.Format(1.5) + "</td><td>-</td>"),
            "no max abs error is a dash");
        Assert.That(rows[3].Item3, Is.EqualTo("<td>b&lt;1&gt;&amp;</td><td>y</td><td>naive</td><td>torch</td><td class=\"absent\">not in pack</td><td>-</td><td>-</td>"));
        Assert.That(page, Does.Contain("data-case=\"b&lt;1&gt;&amp;\""));
    }

    [Test]
    public void TheTableWritesInfinityOneWayInEveryColumn()
    {
        // The probe: "inf" under error/bound and "Infinity" under max abs err of one row.
        var report = new RunReport
        {
            Command = "check", Subject = new SourceInfo { Name = "naive" }, References = [new SourceInfo { Name = "torch" }],
            Rows = [TestRows.Row("a", "y", Outcome.Fail, ratio: double.PositiveInfinity, maxAbs: double.PositiveInfinity),
                TestRows.Row("b", "y", Outcome.Fail, ratio: double.PositiveInfinity, maxAbs: double.Epsilon)],
        };
        var rows = TableRow().Matches(Page(report)).Select(m => m.Groups[3].Value).ToList();
        Assert.That(rows[0], Does.EndWith("<td>inf</td><td>inf</td>"));
        Assert.That(rows[1], Does.EndWith("<td>inf</td><td>5E-324</td>"));
    }

    [Test]
    public void NothingFromTheRunReachesThePageUnescaped()
    {
        string page = Page(Report());
        Assert.That(page, Does.Not.Contain("b<1>"));
        Assert.That(page, Does.Not.Contain("<dw>"));
        Assert.That(page, Does.Contain("no &lt;dw&gt; file"), "the --require all reason quotes the absent row, escaped");
    }

    [Test]
    public void ControlCharactersReachThePageAsEscapesAndLineBreaksStay()
    {
        // HtmlEncode left them raw: a NUL or an escape sequence from a shard is no character an HTML page may hold.
        var report = Report();
        report.Rows[1] = report.Rows[1] with { Reason = "dx\u0000\u001b[2J: wrong\nsecond line" };
        report.Warnings.Add("bell\u0007");
        string page = Page(report);
        Assert.That(page.Where(c => char.IsControl(c) && c != '\n').Select(c => (int)c), Is.Empty);
        Assert.That(page, Does.Contain("<p>dx\\u0000\\u001b[2J: wrong\nsecond line</p>").And.Contain("warning: bell\\u0007<"));
    }

    [Test]
    public void APassingRunHasNoSectionsNoPicturesAndExitCodeZero()
    {
        var report = new RunReport
        {
            Command = "check", Subject = new SourceInfo { Name = "naive" }, References = [new SourceInfo { Name = "torch" }],
            Rows = [Row("a", "y", Outcome.Pass, "", ratio: 0)],
        };
        string page = Page(report);
        Assert.That(SectionHeading().Matches(page), Is.Empty);
        Assert.That(Directory.GetFiles(Dir, "*.png"), Is.Empty);
        Assert.That(page, Does.Contain("<li>exit code 0</li>"));
        Assert.That(page, Does.Not.Contain("<li class=\"FAIL\">"));
        Assert.That(page, Does.Contain("<li>against: <b>torch</b></li>"), "a reference without versions");
    }

    [Test]
    public void ANullReportIsRefusedByName() =>
        Assert.That(() => HtmlReport.Write(null!, Dir), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("report"));

    [Test]
    public void AFolderThatDoesNotExistYetIsCreated()
    {
        string folder = Path.Combine(Dir, "reports", "run 1");
        HtmlReport.Write(Report(), folder);
        Assert.That(File.ReadAllText(Path.Combine(folder, "index.html")), Does.StartWith("<!DOCTYPE html>"));
        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal),
            Is.EqualTo(new[] { "failure-0-heatmap.png", "failure-0-histogram.png", "index.html" }));
    }

    /// <summary>
    /// The pictures' titles name the direction (and the heatmap its slice). ScottPlot's PNG is read back as bytes only, so
    /// each picture is compared with the same map drawn by <see cref="Plots"/> under the title written out here: the same
    /// bytes, while a picture under any other title differs.
    /// </summary>
    [Test]
    public void ThePicturesAreTitledWithTheCaseDirectionAndSlice()
    {
        HtmlReport.Write(Report(), Dir);
        string expected = Path.Combine(Dir, "expected");
        Directory.CreateDirectory(expected);
        byte[] Drawn(Action<string> draw, string name)
        {
            string path = Path.Combine(expected, name);
            draw(path);
            return File.ReadAllBytes(path);
        }
        byte[] heat = File.ReadAllBytes(Path.Combine(Dir, "failure-0-heatmap.png"));
        Assert.That(heat, Is.EqualTo(Drawn(p => Plots.Heatmap(Map(), "a dx [0, 0, :, :]: error/bound", p), "heat.png")));
        Assert.That(heat, Is.Not.EqualTo(Drawn(p => Plots.Heatmap(Map(), "", p), "untitled-heat.png")), "the bytes tell titles apart");
        byte[] hist = File.ReadAllBytes(Path.Combine(Dir, "failure-0-histogram.png"));
        Assert.That(hist, Is.EqualTo(Drawn(p => Plots.Histogram(Map(), "a dx: error/bound of every element", p), "hist.png")));
        Assert.That(hist, Is.Not.EqualTo(Drawn(p => Plots.Histogram(Map(), "", p), "untitled-hist.png")), "the bytes tell titles apart");
    }
}
