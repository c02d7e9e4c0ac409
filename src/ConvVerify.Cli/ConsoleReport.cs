using System.Globalization;
using ConvVerify.Comparison;
using ConvVerify.Fixtures;
using ConvVerify.Runs;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ConvVerify.Cli;

/// <summary>
/// The run report for people: warnings, the rows that need attention (every row with --verbose), absences grouped, why the
/// run failed, and the summary line. A passing run prints a handful of lines.
/// </summary>
internal static class ConsoleReport
{
    /// <summary>Prints <paramref name="report"/>.</summary>
    /// <param name="console">Where to.</param>
    /// <param name="report">The run.</param>
    /// <param name="verbose">Every row, not only those that need attention.</param>
    /// <param name="fromFiles">
    /// The report was read from files someone else may have written (<c>report merge</c>): every text of it is printed
    /// with its control characters as <c>\uXXXX</c>, so a newline cannot forge a line of its own (a summary, a pass) and an
    /// escape sequence cannot drive the terminal. A run's own report keeps its line breaks and tabs (a torch error's
    /// traceback has newlines) and writes every other control or invisible format character as <c>\uXXXX</c> too: its case ids and
    /// reasons hold a pack's folder names, which may hold a right-to-left override (control characters are refused there).
    /// </param>
    public static void Print(IAnsiConsole console, RunReport report, bool verbose, bool fromFiles = false)
    {
        string T(string? s) => s is null ? "" : PackPaths.Printable(s, keepWhiteSpace: !fromFiles);
        foreach (string w in report.Warnings) console.MarkupLineInterpolated($"[yellow]warning:[/] {T(w)}");
        bool consensus = report.References.Count > 1;
        if (verbose && report.Rows.Count > 0) WriteRows(console, report.Rows, consensus, T, BlockTable.BlockRows, console.Write);
        foreach (var r in report.Rows.Where(r => r.Outcome is Outcome.Fail or Outcome.Suspicious or Outcome.Error))
            console.MarkupLineInterpolated($"[{Color(r.Outcome)}]{r.OutcomeText}[/] {T(r.Case)} {T(r.Direction)} ({T(r.Subject)} vs {T(r.Reference)}): {T(r.Reason)}");
        if (!verbose)
        {
            // Absences are news once, not once per row: one line per kind with its first reason.
            foreach (var g in report.Rows.Where(r => r.Outcome is Outcome.NotInPack or Outcome.NotProvided or Outcome.NotProvidedByOracle).GroupBy(r => r.Outcome))
            {
                var rows = g.ToList();
                console.MarkupLineInterpolated($"[yellow]{Counted.Of(rows.Count, "direction")} {g.Key.Name()}[/] (e.g. {T(rows[0].Case)}: {T(rows[0].Reason)})");
            }
        }
        foreach (string reason in report.Reasons()) console.MarkupLineInterpolated($"[red]why:[/] {T(reason)}");
        console.WriteLine(T(report.SummaryLine()));
    }

    private static readonly string[] Headers = ["case", "dir", "reference", "subject", "max abs err", "err/bound", "verdict"];

    /// <summary>
    /// The table of every row, written in blocks (<see cref="BlockTable"/>) laid out as the one Spectre table of every row
    /// was: that table held 100,000 rows of a soak, and their rendering, in 2.7 GB.
    /// </summary>
    /// <param name="console">Where to.</param>
    /// <param name="rows">The rows.</param>
    /// <param name="consensus">With the consensus column (a run against several references).</param>
    /// <param name="text">How a text of the report is printed.</param>
    /// <param name="blockRows">Rows per block; tests choose it.</param>
    /// <param name="write">Writes a block; tests see the blocks.</param>
    internal static void WriteRows(IAnsiConsole console, IReadOnlyList<RunRow> rows, bool consensus, Func<string?, string> text, int blockRows, Action<Table> write)
    {
        string[] headers = consensus ? [.. Headers, "consensus"] : Headers;
        // Columns wrap as the one table's did: a long case id folds onto more lines when the table does not fit.
        BlockTable.Write(console, headers, noWrap: false, rows.Count, i => Cells(rows[i], consensus, text), blockRows, write);
    }

    private static IRenderable[] Cells(RunRow r, bool consensus, Func<string?, string> T)
    {
        var cells = new List<IRenderable>
        {
            new Text(T(r.Case)), new Text(T(r.Direction)), new Text(T(r.Reference)), new Text(T(r.Subject)),
            new Text(r.MaxAbsError is { } m ? RatioFormat.Number(m) : "-"),
            new Text(r.Ratio is { } q ? RatioFormat.Format(q) : "-"),
            new Markup($"[{Color(r.Outcome)}]{Markup.Escape(r.OutcomeText)}[/]"),
        };
        if (consensus) cells.Add(new Text(T(r.Consensus ?? "-")));
        return [.. cells];
    }

    private static string Color(Outcome o) => o switch
    {
        Outcome.Pass => "green",
        Outcome.Fail or Outcome.Error => "red",
        _ => "yellow",
    };
}
