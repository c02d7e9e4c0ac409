using System.Globalization;
using ConvVerify.Fixtures;
using ConvVerify.Problems;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ConvVerify.Cli;

/// <summary>
/// The table of <c>convverify cases</c>, written in blocks of rows so that its memory does not grow with the number of
/// problems, laid out exactly as one Spectre table of every row would be.
/// </summary>
/// <remarks>
/// Spectre holds a whole table, and its rendering, in memory (200,000 rows took 2.6 GB). A table's layout depends on its
/// rows only through each column's widest cell, so a first pass measures every cell the way Spectre does and each block
/// is a table whose columns have those widths: every block then lays out, collapses and folds its rows as the whole table
/// would. Only the first block has the header and the top border, only the last the bottom border.
/// </remarks>
internal static class ProblemTable
{
    /// <summary>Rows per block: a block's rendering costs some tens of kilobytes per row.</summary>
    internal const int BlockRows = 1024;

    private static readonly string[] Headers = ["descriptor", "rank", "mb", "g", "ic", "oc", "input", "kernel", "stride", "pad", "dilation", "output", "bias"];

    /// <summary>Writes the table of <paramref name="problems"/> to <paramref name="console"/>.</summary>
    public static void Write(IAnsiConsole console, IReadOnlyList<ConvProblem> problems) => Write(console, problems, BlockRows, console.Write);

    /// <summary>As <see cref="Write(IAnsiConsole, IReadOnlyList{ConvProblem})"/>, each block handed to <paramref name="write"/>; tests choose the block size and see the blocks.</summary>
    internal static void Write(IAnsiConsole console, IReadOnlyList<ConvProblem> problems, int blockRows, Action<Table> write)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows, 1);
        var options = RenderOptions.Create(console, console.Profile.Capabilities);
        int maxWidth = console.Profile.Width;
        // Spectre measures cells against the width left once borders and padding are taken: a table of zero-width
        // columns measures as that overhead alone.
        var overhead = Block(new int[Headers.Length], TableBorder.Simple, header: false);
        int cellWidth = maxWidth - ((IRenderable)overhead).Measure(options, maxWidth).Max;

        int[] widths = [.. Headers.Select(h => ((IRenderable)new Markup(h)).Measure(options, cellWidth).Max)];
        foreach (var p in problems)
        {
            string[] cells = Cells(p);
            for (int c = 0; c < cells.Length; c++)
                widths[c] = Math.Max(widths[c], ((IRenderable)new Text(cells[c])).Measure(options, cellWidth).Max);
        }

        // A table too wide for the console renders as a lone "…", whatever its rows: once, not once per block.
        if (Block(widths, TableBorder.Simple, header: false).GetSegments(console).Any())
        {
            write(Block(widths, TableBorder.Simple, header: true));
            return;
        }
        int blocks = Math.Max(1, (problems.Count + blockRows - 1) / blockRows);
        for (int b = 0; b < blocks; b++)
        {
            bool first = b == 0, last = b == blocks - 1;
            var table = Block(widths, new PartOfSimple(TableBorder.Simple, top: first, bottom: last), header: first);
            for (int i = b * blockRows; i < Math.Min(problems.Count, (b + 1) * blockRows); i++) table.AddRow(Cells(problems[i]).Select(cell => new Text(cell)));
            write(table);
        }
    }

    private static Table Block(int[] widths, TableBorder border, bool header)
    {
        var table = new Table().Border(border).AddColumns(Headers);
        table.ShowHeaders = header;
        for (int c = 0; c < widths.Length; c++) table.Columns[c].NoWrap().Width(widths[c]);
        return table;
    }

    // Cells are Text, not markup: a descriptor's name may hold '[' (which markup refuses or reads as a style) and
    // control characters, which are escaped.
    internal static string[] Cells(ConvProblem p) =>
    [
        PackPaths.Printable(p.ToString()), p.Rank.ToString(CultureInfo.InvariantCulture), p.Mb.ToString(CultureInfo.InvariantCulture),
        p.Groups.ToString(CultureInfo.InvariantCulture), p.IC.ToString(CultureInfo.InvariantCulture), p.OC.ToString(CultureInfo.InvariantCulture),
        ConvProblem.FormatTuple(p.Input), ConvProblem.FormatTuple(p.Kernel), ConvProblem.FormatTuple(p.Stride),
        $"{ConvProblem.FormatTuple(p.PadBegin)}/{ConvProblem.FormatTuple(p.PadEnd)}", ConvProblem.FormatTuple(p.Dilation), ConvProblem.FormatTuple(p.Output), p.HasBias ? "yes" : "no",
    ];

    // A border as another draws it, without its top line (blocks after the first) or its bottom line (blocks before the
    // last): Spectre leaves out a border line that is empty.
    private sealed class PartOfSimple(TableBorder border, bool top, bool bottom) : TableBorder
    {
        public override bool Visible => border.Visible;
        public override bool SupportsRowSeparator => border.SupportsRowSeparator;
        public override bool UsePadding => border.UsePadding;
        public override TableBorder? SafeBorder => border.SafeBorder is { } safe ? new PartOfSimple(safe, top, bottom) : null;
        public override string GetPart(TableBorderPart part) => border.GetPart(part);

        public override string GetColumnRow(TablePart part, IReadOnlyList<int> widths, IReadOnlyList<IColumn> columns) => part switch
        {
            TablePart.Top when !top => "",
            TablePart.Bottom when !bottom => "",
            _ => border.GetColumnRow(part, widths, columns),
        };
    }
}
