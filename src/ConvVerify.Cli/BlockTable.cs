using Spectre.Console;
using Spectre.Console.Rendering;

namespace ConvVerify.Cli;

/// <summary>
/// A Spectre table of many rows written in blocks, so that its memory does not grow with the rows, laid out exactly as one
/// Spectre table of every row would be.
/// </summary>
/// <remarks>
/// Spectre holds a whole table, and its rendering, in memory (200,000 problems in <c>cases</c> took 2.6 GB, 100,000 rows
/// of <c>soak --verbose</c> 2.7 GB). A table's layout depends on its rows only through each column's widest cell (Spectre's
/// TableMeasurer takes the largest maximum of a column's cells, then narrows the wrappable columns when they do not fit),
/// so a first pass measures every cell the way Spectre does and each block is a table whose columns have those widths and
/// the same wrapping: every block then lays out, collapses and folds its rows as the whole table would. Only the first
/// block has the header and the top border, only the last the bottom border.
/// </remarks>
internal static class BlockTable
{
    /// <summary>Rows per block: a block's rendering costs some tens of kilobytes per row.</summary>
    internal const int BlockRows = 1024;

    /// <summary>Writes a table with a simple border, its rows made on demand (those of the first block once, every other twice: once measured, once drawn), in blocks of <paramref name="blockRows"/>, each handed to <paramref name="write"/>.</summary>
    /// <param name="console">The console the table is laid out for.</param>
    /// <param name="headers">The column headers, as markup.</param>
    /// <param name="noWrap">Whether the columns keep their cells on one line (else Spectre folds the widest when the table does not fit).</param>
    /// <param name="rows">The number of rows.</param>
    /// <param name="row">The cells of row i, one per header.</param>
    /// <param name="blockRows">Rows per block, at least 1.</param>
    /// <param name="write">Writes a block (the console's Write; tests see the blocks).</param>
    internal static void Write(IAnsiConsole console, IReadOnlyList<string> headers, bool noWrap, int rows, Func<int, IRenderable[]> row, int blockRows, Action<Table> write)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows, 1);
        var options = RenderOptions.Create(console, console.Profile.Capabilities);
        int maxWidth = console.Profile.Width;
        // Spectre measures cells against the width left once borders and padding are taken: a table of zero-width
        // columns measures as that overhead alone.
        var overhead = Block(headers, noWrap, new int[headers.Count], TableBorder.Simple, header: false);
        int cellWidth = maxWidth - ((IRenderable)overhead).Measure(options, maxWidth).Max;

        int[] widths = [.. headers.Select(h => ((IRenderable)new Markup(h)).Measure(options, cellWidth).Max)];
        // The first block's cells, kept from the measuring pass and drawn as they are: a table of one block (most runs)
        // makes each row once. Later rows are made again to be drawn, since keeping every row's cells until all are
        // measured is the memory that grows with the rows; measuring leaves a Text or Markup as it was, so the bytes drawn
        // are those of a row made afresh.
        var kept = new IRenderable[Math.Min(rows, blockRows)][];
        for (int i = 0; i < rows; i++)
        {
            var cells = row(i);
            if (i < kept.Length) kept[i] = cells;
            for (int c = 0; c < cells.Length; c++)
                widths[c] = Math.Max(widths[c], cells[c].Measure(options, cellWidth).Max);
        }

        // A table too wide for the console renders as a lone "…", whatever its rows: once, not once per block.
        if (Block(headers, noWrap, widths, TableBorder.Simple, header: false).GetSegments(console).Any())
        {
            write(Block(headers, noWrap, widths, TableBorder.Simple, header: true));
            return;
        }
        int blocks = Math.Max(1, (rows + blockRows - 1) / blockRows);
        for (int b = 0; b < blocks; b++)
        {
            bool first = b == 0, last = b == blocks - 1;
            var table = Block(headers, noWrap, widths, new PartOfSimple(TableBorder.Simple, top: first, bottom: last), header: first);
            for (int i = b * blockRows; i < Math.Min(rows, (b + 1) * blockRows); i++) table.AddRow(i < kept.Length ? kept[i] : row(i));
            write(table);
        }
    }

    // A column's width, when set, is all Spectre measures of it; its wrapping is what it narrows when the table is too wide.
    private static Table Block(IReadOnlyList<string> headers, bool noWrap, int[] widths, TableBorder border, bool header)
    {
        var table = new Table().Border(border).AddColumns([.. headers]);
        table.ShowHeaders = header;
        for (int c = 0; c < widths.Length; c++)
        {
            table.Columns[c].Width(widths[c]);
            if (noWrap) table.Columns[c].NoWrap();
        }
        return table;
    }

    // A border as another draws it, without its top line (blocks after the first) or its bottom line (blocks before the
    // last): Spectre leaves out a border line that is empty.
    private sealed class PartOfSimple(TableBorder border, bool top, bool bottom) : TableBorder
    {
        public override bool Visible => border.Visible;
        public override bool SupportsRowSeparator => border.SupportsRowSeparator;
        public override bool UsePadding => border.UsePadding;
        public override TableBorder? SafeBorder => border.SafeBorder is { } safe ? new PartOfSimple(safe, top, bottom) : null;
        public override string GetPart(TableBorderPart part) => border.GetPart(part);

        // The simple border's top and bottom lines are spaces only: a table began and ended with a line of 150 blanks.
        public override string GetColumnRow(TablePart part, IReadOnlyList<int> widths, IReadOnlyList<IColumn> columns) => part switch
        {
            TablePart.Top when !top => "",
            TablePart.Bottom when !bottom => "",
            TablePart.Top or TablePart.Bottom when string.IsNullOrWhiteSpace(border.GetColumnRow(part, widths, columns)) => "",
            _ => border.GetColumnRow(part, widths, columns),
        };
    }
}
