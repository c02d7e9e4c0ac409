using ConvVerify.Reports;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Reports;

/// <summary>
/// How the report writers hold up on a big run (a benchdnn corpus, a million random problems): what they allocate and
/// write grows with the rows at most linearly, and never with the rows' file as a whole held in memory. Measured in bytes
/// allocated and files written, not in time, so a slow machine fails nothing.
/// </summary>
public class ReportScaleTests : TempFolderTest
{
    private static RunReport Report(int cases) => new()
    {
        Command = "check",
        Subject = new SourceInfo { Name = "naive" },
        References = [new SourceInfo { Name = "torch" }],
        Rows = [.. Enumerable.Range(0, cases).SelectMany(i => new[] { "y", "dx", "dw", "db" }.Select(d =>
            TestRows.Row($"mb1ic3ih5oc16oh3kh3_c{i}___f32_integer", d, Outcome.Pass, reason: $"{d}: 240 of 240 elements equal", ratio: 0, maxAbs: 0)))],
    };

    [Test]
    public void TheJsonReportIsStreamedIntoItsFileNotMadeAsOneStringFirst()
    {
        var report = Report(5000);
        string path = Path.Combine(Dir, "report.json");
        report.Write(path); // the serializer's first use sets itself up: not counted
        long before = GC.GetAllocatedBytesForCurrentThread();
        report.Write(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long written = new FileInfo(path).Length;
        // As one string, the text was allocated twice in UTF-16 (the string, then it with its newline): four bytes per
        // byte written. Streamed, what is left is the summary's count of the cases.
        Assert.That(written, Is.GreaterThan(5_000_000));
        Assert.That(allocated, Is.LessThan(written / 2), $"{allocated} bytes allocated to write {written}");
    }

    [Test]
    public void TheHtmlPageDrawsTheFirstFailingDirectionsOnlyAndSaysSo()
    {
        var map = ErrorMap.From([0.1, 2.5, 0.1, 0.2], [1, 1, 2, 2], [0, 0, 0, 1]);
        // Three drawn, as the report's own limit would be applied (drawing its 100 takes seconds).
        const int limit = 3;
        int failing = limit + 3;
        var report = Report(0);
        report.Rows.Add(TestRows.Row("e", "*", Outcome.Error, reason: "unreadable"));
        report.Rows.AddRange(Enumerable.Range(0, failing).Select(i => TestRows.Row($"c{i}", "y", Outcome.Fail, reason: "y: wrong", ratio: 2.5, map: map)));
        HtmlReport.Write(report, Dir, limit);
        string page = File.ReadAllText(Path.Combine(Dir, "index.html"));
        // The error row has no map, so it takes no picture's place: the first `limit` rows with maps are drawn.
        var drawn = Directory.GetFiles(Dir, "*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.That(drawn, Has.Length.EqualTo(2 * limit));
        Assert.That(drawn, Does.Contain($"failure-{limit}-histogram.png").And.Not.Contain($"failure-{limit + 1}-heatmap.png"));
        Assert.That(page, Does.Contain($"<p id=\"unpictured\">pictures of the first {limit} of {failing} failing directions only; "
            + "a --json report holds the error maps of all</p>"));
        Assert.That(page, Does.Contain($"id=\"failure-{failing}\""), "every failing direction keeps its section");
        Assert.That(page, Does.Not.Contain($"failure-{limit + 1}-"), "no picture past the limit is named");
    }

    [Test]
    public void AtTheLimitEveryFailingDirectionIsDrawnAndNothingIsSaid()
    {
        var map = ErrorMap.From([0.1, 2.5, 0.1, 0.2], [1, 1, 2, 2], [0, 0, 0, 1]);
        var report = Report(0);
        const int limit = 3;
        report.Rows.AddRange(Enumerable.Range(0, limit).Select(i => TestRows.Row($"c{i}", "y", Outcome.Fail, reason: "y: wrong", ratio: 2.5, map: map)));
        HtmlReport.Write(report, Dir, limit);
        Assert.That(Directory.GetFiles(Dir, "*.png"), Has.Length.EqualTo(2 * limit));
        Assert.That(File.ReadAllText(Path.Combine(Dir, "index.html")), Does.Not.Contain("unpictured"));
    }
}
