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
}
