using System.Globalization;
using ConvVerify.Comparison;
using ConvVerify.Runs;
using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary>
/// The run report for people: warnings, the rows that need attention (every row with --verbose), absences grouped, why the
/// run failed, and the summary line. A passing run prints a handful of lines.
/// </summary>
internal static class ConsoleReport
{
    public static void Print(IAnsiConsole console, RunReport report, bool verbose)
    {
        foreach (string w in report.Warnings) console.MarkupLineInterpolated($"[yellow]warning:[/] {w}");
        bool consensus = report.References.Count > 1;
        if (verbose && report.Rows.Count > 0)
        {
            var table = new Table().Border(TableBorder.Simple).AddColumns("case", "dir", "reference", "subject", "max abs err", "err/bound", "verdict");
            if (consensus) table.AddColumn("consensus");
            foreach (var r in report.Rows)
            {
                var cells = new List<Spectre.Console.Rendering.IRenderable>
                {
                    new Text(r.Case), new Text(r.Direction), new Text(r.Reference), new Text(r.Subject),
                    new Text(r.MaxAbsError is { } m ? m.ToString("G4", CultureInfo.InvariantCulture) : "-"),
                    new Text(r.Ratio is { } q ? RatioFormat.Format(q) : "-"),
                    new Markup($"[{Color(r.Outcome)}]{Markup.Escape(r.Outcome.Name())}[/]"),
                };
                if (consensus) cells.Add(new Text(r.Consensus ?? "-"));
                table.AddRow(cells);
            }
            console.Write(table);
        }
        foreach (var r in report.Rows.Where(r => r.Outcome is Outcome.Fail or Outcome.Suspicious or Outcome.Error))
            console.MarkupLineInterpolated($"[{Color(r.Outcome)}]{r.Outcome.Name()}[/] {r.Case} {r.Direction} ({r.Subject} vs {r.Reference}): {r.Reason}");
        if (!verbose)
        {
            // Absences are news once, not once per row: one line per kind with its first reason.
            foreach (var g in report.Rows.Where(r => r.Outcome is Outcome.NotInPack or Outcome.NotProvided or Outcome.NotProvidedByOracle).GroupBy(r => r.Outcome))
            {
                var rows = g.ToList();
                console.MarkupLineInterpolated($"[yellow]{rows.Count} directions {g.Key.Name()}[/] (e.g. {rows[0].Case}: {rows[0].Reason})");
            }
        }
        foreach (string reason in report.Reasons()) console.MarkupLineInterpolated($"[red]why:[/] {reason}");
        console.WriteLine(report.SummaryLine());
    }

    private static string Color(Outcome o) => o switch
    {
        Outcome.Pass => "green",
        Outcome.Fail or Outcome.Error => "red",
        _ => "yellow",
    };
}
