using System.Globalization;
using System.Net;
using System.Text;
using ConvVerify.Comparison;
using ConvVerify.Runs;

namespace ConvVerify.Reports;

/// <summary>
/// A run report as a self-contained page: <c>DIR/index.html</c> (CSS inline, no network) with the summary, every row, and
/// for every failing or suspicious direction a heatmap of error/bound over the worst slice and a histogram over all
/// elements, drawn with ScottPlot as PNG files beside the page.
/// </summary>
public static partial class HtmlReport
{
    /// <summary>
    /// Whether <see cref="Write(RunReport, string)"/> may write a file of that name into its folder: <c>index.html</c>, or a failure's
    /// picture, <c>failure-K-heatmap.png</c> or <c>failure-K-histogram.png</c>.
    /// </summary>
    public static bool IsPageFile(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name == "index.html" || PictureName().IsMatch(name);
    }

    /// <summary>
    /// Most failing directions drawn. Each of their pictures takes about 10 ms and 30 KB: a run of 10,000 failing cases
    /// (37,000 failing directions) spent minutes and gigabytes on 75,000 pictures, and its page asked a browser for every
    /// one. The directions past it keep their sections, without pictures; the <c>--json</c> report holds every map.
    /// </summary>
    public const int MaxPictured = 100;

    [System.Text.RegularExpressions.GeneratedRegex(@"^failure-[0-9]+-(heatmap|histogram)\.png$")]
    private static partial System.Text.RegularExpressions.Regex PictureName();

    /// <summary>Writes the page and its pictures into <paramref name="directory"/> (created if needed).</summary>
    public static void Write(RunReport report, string directory) => Write(report, directory, MaxPictured);

    /// <summary>As <see cref="Write(RunReport, string)"/>, drawing at most <paramref name="maxPictured"/> failing directions (tests draw few).</summary>
    /// <remarks>
    /// Every file is written beside its name and renamed over it (<see cref="ReplacedFile"/>): a symbolic or hard link
    /// left at one of the page's names is replaced, not written through (a link failure-0-heatmap.png to a pack's y.npy
    /// turned the array into a PNG). Pictures of the page's names (<see cref="IsPageFile"/>) that this page does not show
    /// are removed, so no picture of an earlier run stands beside it.
    /// </remarks>
    internal static void Write(RunReport report, string directory, int maxPictured)
    {
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(directory);
        var written = new HashSet<string>(StringComparer.Ordinal) { "index.html" };
        ReplacedFile.Write(Path.Combine(directory, "index.html"), stream => WritePage(report, directory, maxPictured, stream, written), followLinks: false);
        foreach (string stale in Directory.EnumerateFileSystemEntries(directory).Where(p => IsPageFile(Path.GetFileName(p)) && !written.Contains(Path.GetFileName(p))).ToList())
            File.Delete(stale);
    }

    private static void WritePage(RunReport report, string directory, int maxPictured, Stream stream, HashSet<string> written)
    {
        // Written out as it grows: held whole, a page of 100,000 cases (105 MB) took 430 MB more, as the builder and its string.
        using var page = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
        var html = new StringBuilder();
        void Spill()
        {
            if (html.Length < 1 << 16) return;
            page.Write(html);
            html.Clear();
        }
        // HtmlEncode leaves control characters as they are, and HTML has no place for them (a NUL or an escape sequence from
        // someone's shard is a parse error, and shows as nothing): written as \uXXXX, as the console shows them. White
        // space stays, so a traceback keeps its lines.
        string E(string s) => WebUtility.HtmlEncode(Fixtures.PackPaths.Printable(s, keepWhiteSpace: true));
        string R(double? r) => r is { } v ? RatioFormat.Format(v) : "-";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ConvVerify ").Append(E(report.Command)).Append("</title>\n<style>")
            .Append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;font-size:0.85em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}")
            .Append(".pass{color:#176317}.FAIL,.ERROR{color:#b00020;font-weight:bold}.suspicious,.absent{color:#8a6100}figure{display:inline-block;margin:0 1em 1em 0}")
            .Append("section.failure{border-top:2px solid #b00020;margin-top:1.5em}h1,h2,p,figcaption{overflow-wrap:anywhere}</style>\n")
            // Hooks for a browser test: script errors and images that did not load are written onto the page itself.
            .Append("<script>window.addEventListener('error',e=>{document.body.dataset.errors=(document.body.dataset.errors||'')+e.message+';'});")
            .Append("window.addEventListener('load',()=>{const bad=[...document.images].filter(i=>!i.complete||i.naturalWidth===0).map(i=>i.getAttribute('src'));")
            .Append("document.body.dataset.images=bad.length?'broken:'+bad.join(','):'ok:'+document.images.length;});</script></head>\n<body>\n");
        // The verdict first, in its colour: a run failed for no row's sake (no case selected, nothing compared, --strict's
        // warnings) had a page of passed or absent rows, its reasons below the counts.
        int exit = report.ExitCode();
        html.Append("<h1>ConvVerify ").Append(E(report.Command)).Append("</h1>\n<p id=\"verdict\" class=\"").Append(exit == RunReport.ExitPass ? "pass" : "FAIL").Append("\">")
            .Append(exit == RunReport.ExitPass ? "passed" : "failed").Append(" (exit code ").Append(exit).Append(")</p>\n<p id=\"summary\">").Append(E(report.SummaryLine())).Append("</p>\n<ul>");
        html.Append("<li>checked: <b>").Append(E(report.Subject.Name)).Append("</b></li>");
        foreach (var r in report.References)
        {
            html.Append("<li>against: <b>").Append(E(r.Name)).Append("</b>");
            if (r.Versions.Count > 0) html.Append(' ').Append(E(SourceInfo.Bracketed(r.Versions)));
            if (r.Layout is { } layout) html.Append(" in ").Append(E(layout));
            html.Append("</li>");
        }
        html.Append("<li>started ").Append(E(report.Started)).Append(", ").Append(report.Seconds.ToString("0.0", CultureInfo.InvariantCulture)).Append(" s");
        // The whole run, split or not (a merged report), is no shard: "shard 1/1" said a part.
        if (!Runs.Shard.IsWholeRun(report.Shard)) html.Append(", shard ").Append(E(report.Shard));
        html.Append("</li>");
        html.Append("<li>exit code ").Append(report.ExitCode()).Append("</li>");
        foreach (string reason in report.Reasons()) html.Append("<li class=\"FAIL\">").Append(E(reason)).Append("</li>");
        foreach (string w in report.Warnings) html.Append("<li class=\"absent\">warning: ").Append(E(w)).Append("</li>");
        html.Append("</ul>\n");

        var failing = report.Rows.Where(r => r.Outcome is Outcome.Fail or Outcome.Suspicious or Outcome.Error).ToList();
        int mapped = failing.Count(r => r.Map is not null), pictured = 0;
        if (mapped > maxPictured)
            html.Append("<p id=\"unpictured\">pictures of the first ").Append(maxPictured).Append(" of ").Append(mapped)
                .Append(" failing directions only; a --json report holds the error maps of all</p>\n");
        for (int k = 0; k < failing.Count; k++)
        {
            var r = failing[k];
            html.Append("<section class=\"failure\" id=\"failure-").Append(k).Append("\"><h2 class=\"").Append(E(r.Outcome.Name())).Append("\">")
                .Append(E(r.OutcomeText)).Append(' ').Append(E(r.Case)).Append(' ').Append(E(r.Direction)).Append("</h2>\n<p>")
                .Append(E($"{r.Descriptor} ({r.DType}, {r.Fill}); {r.Subject} against {r.Reference}")).Append("</p>\n<p>").Append(E(r.Reason)).Append("</p>\n");
            if (r.Map is { } map && pictured < maxPictured)
            {
                pictured++;
                string heat = $"failure-{k}-heatmap.png", hist = $"failure-{k}-histogram.png";
                ReplacedFile.WriteByName(Path.Combine(directory, heat), p => Plots.Heatmap(map, $"{r.Case} {r.Direction} {map.Slice}: error/bound", p), followLinks: false);
                ReplacedFile.WriteByName(Path.Combine(directory, hist), p => Plots.Histogram(map, $"{r.Case} {r.Direction}: error/bound of every element", p), followLinks: false);
                written.Add(heat);
                written.Add(hist);
                html.Append("<figure><img src=\"").Append(heat).Append("\" alt=\"heatmap of error/bound\"><figcaption>error/bound over ").Append(E(map.Slice))
                    .Append(" on a log scale: blue below the bound, yellow to red at or past it")
                    .Append(Plots.Rings(map) ? "; cells at or past the bound are ringed" : " (too many cells to ring)")
                    .Append("</figcaption></figure>")
                    .Append("<figure><img src=\"").Append(hist).Append("\" alt=\"histogram of error/bound\"><figcaption>log10(error/bound) over every element; the bound is at 0</figcaption></figure>\n");
            }
            html.Append("</section>\n");
            Spill();
        }

        if (report.SkippedTotal > 0)
        {
            // Folded: a corpus run's list is long, and it is what was not checked, not what failed.
            html.Append("<details id=\"skipped\"><summary>").Append(report.SkippedTotal).Append(" problems skipped: ")
                .Append(E(string.Join(", ", report.SkippedByKind.Select(kv => $"{kv.Value} {kv.Key}")))).Append("</summary>\n");
            html.Append("<table><tr><th>descriptor</th><th>why</th><th>reason</th><th>where</th></tr>\n");
            foreach (var s in report.Skipped)
                html.Append("<tr class=\"absent\"><td>").Append(E(s.Descriptor)).Append("</td><td>").Append(E(s.Kind)).Append("</td><td>").Append(E(s.Reason))
                    .Append("</td><td>").Append(E(s.Where)).Append("</td></tr>\n");
            html.Append("</table>\n");
            if (report.Skipped.Count < report.SkippedTotal) html.Append("<p>the first ").Append(report.Skipped.Count).Append(" are listed</p>\n");
            html.Append("</details>\n");
        }
        html.Append("<h2>Every direction</h2>\n<table id=\"rows\"><tr><th>case</th><th>dir</th><th>subject</th><th>reference</th><th>outcome</th><th>error/bound</th><th>max abs err</th></tr>\n");
        foreach (var r in report.Rows)
        {
            string cls = r.Outcome switch { Outcome.Pass => "pass", Outcome.Fail => "FAIL", Outcome.Error => "ERROR", Outcome.Suspicious => "suspicious", _ => "absent" };
            html.Append("<tr class=\"").Append(cls).Append("\" data-case=\"").Append(E(r.Case)).Append("\" data-direction=\"").Append(E(r.Direction)).Append("\"><td>")
                .Append(E(r.Case)).Append("</td><td>").Append(E(r.Direction)).Append("</td><td>").Append(E(r.Subject)).Append("</td><td>").Append(E(r.Reference))
                .Append("</td><td class=\"").Append(cls).Append("\">").Append(E(r.OutcomeText)).Append("</td><td>").Append(R(r.Ratio)).Append("</td><td>")
                .Append(r.MaxAbsError is { } m ? RatioFormat.Number(m) : "-").Append("</td></tr>\n");
            Spill();
        }
        html.Append("</table>\n</body></html>\n");
        page.Write(html);
    }
}
