using System.Diagnostics;
using System.Text.RegularExpressions;
using ConvVerify.Fixtures;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Cli;

/// <summary>The HTML report, loaded in a real browser (Debian's chromium, headless): no script errors, every picture loaded, the failing cell present.</summary>
public partial class HtmlReportTests : CliTestBase
{
    private const string Chromium = "/usr/bin/chromium";

    [GeneratedRegex("<body[^>]*>")]
    private static partial Regex BodyTag();

    private string BrokenCandidateReport(out string id)
    {
        string pack = CopyCommittedPack("question");
        string candidate = TempPath("candidate");
        foreach (string c in CaseFolders(pack))
        {
            Directory.CreateDirectory(Path.Combine(candidate, c));
            foreach (string t in new[] { "y", "dx", "dw", "db" })
                File.Copy(Path.Combine(pack, c, t + ".npy"), Path.Combine(candidate, c, t + ".npy"));
        }
        // A padding bug's picture: the first and last rows of dx are off.
        id = QuestionCase("f32", "normal");
        string dx = Path.Combine(candidate, id, "dx.npy");
        int[] shape = [1, 3, 5, 5];
        var v = Npy.Read<float>(dx, DType.Float32, shape);
        for (int c = 0; c < 3; c++)
            for (int w = 0; w < 5; w++)
            {
                v[c * 25 + w] *= 1.001f;
                v[c * 25 + 20 + w] *= 1.001f;
            }
        Npy.Write(dx, shape, v);
        string report = TempPath("report");
        var r = Run("verify-impl", "--pack", pack, "--candidate", candidate, "--report", report);
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        return report;
    }

    private static string Browse(string args, bool printsPage = true)
    {
        Assert.That(File.Exists(Chromium), Is.True, $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        string profile = Path.Combine(Path.GetTempPath(), "convverify-chromium-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo(Chromium,
            $"--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir={profile} {args}")
        { RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using var p = Process.Start(start)!;
            var err = p.StandardError.ReadToEndAsync();
            string dom = p.StandardOutput.ReadToEnd();
            Assert.That(p.WaitForExit(60_000), Is.True, "chromium finished");
            if (printsPage) Assert.That(dom, Does.Contain("<body"), $"chromium printed no page; its errors:\n{err.Result}");
            return dom;
        }
        finally
        {
            if (Directory.Exists(profile)) Directory.Delete(profile, recursive: true);
        }
    }

    [Test]
    public void TheReportLoadsInABrowserWithItsPicturesAndTheFailingCell()
    {
        string report = BrokenCandidateReport(out string id);
        string page = Path.Combine(report, "index.html");
        Assert.That(Directory.GetFiles(report, "*.png").Select(f => new FileInfo(f).Length).ToArray(), Has.Length.EqualTo(2).And.All.GreaterThan(1000));
        string dom = Browse($"--virtual-time-budget=10000 --dump-dom file://{page}");
        string body = BodyTag().Match(dom).Value;
        Assert.That(body, Does.Contain("data-images=\"ok:2\""), "both pictures loaded with a size:\n" + body);
        Assert.That(body, Does.Not.Contain("data-errors"), "no script errors");
        Assert.That(dom, Does.Contain($"<tr class=\"FAIL\" data-case=\"{id}\" data-direction=\"dx\">"));
        Assert.That(dom, Does.Contain("1 direction failed"));
        string shot = Path.Combine(report, "shot.png");
        Browse($"--hide-scrollbars --window-size=1100,1300 --screenshot={shot} file://{page}", printsPage: false);
        Assert.That(new FileInfo(shot).Length, Is.GreaterThan(20_000), "a page with pictures, not a blank one");
    }

    [Test]
    public void AReportIntoAFileOrAnUnwritablePlaceIsBadUsageBeforeAnyWork()
    {
        string file = TempPath("a-file");
        File.WriteAllText(file, "");
        var intoFile = Run("check", "--set", "question", "--report", file);
        Assert.That(intoFile.Code, Is.EqualTo(2), intoFile.ToString());
        Assert.That(intoFile.Err, Does.Contain("--report").And.Contain("is a regular file"));
        var underFile = Run("check", "--set", "question", "--report", Path.Combine(file, "sub"));
        Assert.That(underFile.Code, Is.EqualTo(2), underFile.ToString());
        Assert.That(underFile.Err, Does.Contain("--report"));
        Assert.That(underFile.Out, Does.Not.Contain("check:"), "no work was done");
    }
}
