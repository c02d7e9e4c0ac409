using System.Globalization;
using ConvVerify.Cli;
using ConvVerify.Comparison;
using ConvVerify.Fixtures;
using ConvVerify.Runs;
using Spectre.Console;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// <c>--verbose</c>'s table of every row written in blocks (<see cref="ConsoleReport.WriteRows"/>) is byte for byte the
/// one Spectre table it replaced, at any block size and console width, wrapping its columns as that table did, and never
/// hands the console more than a block.
/// </summary>
public class VerboseTableTests
{
    // The table before blocks, as it was: one Spectre table holding every row.
    private static void WriteAsOneTable(IAnsiConsole console, IReadOnlyList<RunRow> rows, bool consensus, Func<string?, string> T)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("case", "dir", "reference", "subject", "max abs err", "err/bound", "verdict");
        if (consensus) table.AddColumn("consensus");
        foreach (var r in rows)
        {
            var cells = new List<Spectre.Console.Rendering.IRenderable>
            {
                new Text(T(r.Case)), new Text(T(r.Direction)), new Text(T(r.Reference)), new Text(T(r.Subject)),
                new Text(r.MaxAbsError is { } m ? m.ToString("G4", CultureInfo.InvariantCulture) : "-"),
                new Text(r.Ratio is { } q ? RatioFormat.Format(q) : "-"),
                new Markup($"[{Color(r.Outcome)}]{Markup.Escape(r.Outcome.Name())}[/]"),
            };
            if (consensus) cells.Add(new Text(T(r.Consensus ?? "-")));
            table.AddRow(cells);
        }
        console.Write(table);
    }

    private static string Color(Outcome o) => o switch
    {
        Outcome.Pass => "green",
        Outcome.Fail or Outcome.Error => "red",
        _ => "yellow",
    };

    private static string Plain(string? s) => s ?? "";

    private static string Printable(string? s) => s is null ? "" : PackPaths.Printable(s);

    private static RunRow Row(int i, string id, Outcome outcome, string? consensus = null, string reference = "torch") => new()
    {
        Case = id, Descriptor = "mb1ic1ih4oc1kh3", DType = "f32", Fill = "integer", Direction = (i % 4) switch { 0 => "y", 1 => "dx", 2 => "dw", _ => "db" },
        Reference = reference, Subject = "naive", Outcome = outcome, Reason = "r",
        MaxAbsError = i % 5 == 0 ? null : i * 0.000123, Ratio = i % 7 == 0 ? null : i / 3.0, Consensus = consensus,
    };

    // Every outcome, a case id far wider than a terminal, hostile text (markup, an escape sequence, wide characters,
    // a newline) and a missing consensus.
    private static List<RunRow> Rows(int n)
    {
        var outcomes = Enum.GetValues<Outcome>();
        var rows = new List<RunRow>();
        for (int i = 0; i < n; i++)
        {
            string id = (i % 9) switch
            {
                0 => "mb4ic7ih8iw7oc6oh8ow2kh1kw4sh1sw3ph0pw2n_r1_" + i.ToString(CultureInfo.InvariantCulture) + "___nobias__f32_integer",
                3 => "c[red]x[/]\u001b[2J" + i.ToString(CultureInfo.InvariantCulture),
                5 => "漢字\u0301 " + new string('w', 60),
                7 => "line\nbreak",
                _ => "case" + i.ToString(CultureInfo.InvariantCulture),
            };
            rows.Add(Row(i, id, outcomes[i % outcomes.Length], consensus: i % 3 == 0 ? null : "agree", reference: i % 2 == 0 ? "torch" : "exact [convverify 0.2.0.0]"));
        }
        return rows;
    }

    // Redirected output, a terminal (the long ids no longer fit: columns narrow and fold their cells), narrower still, and
    // too narrow for any table (a lone "…").
    [TestCase(10_000)]
    [TestCase(160)]
    [TestCase(60)]
    [TestCase(15)]
    public void BlocksOfAnySizeWriteTheOneTable(int width)
    {
        var rows = Rows(18);
        foreach (bool consensus in new[] { false, true })
        {
            using var one = new StringWriter();
            WriteAsOneTable(CasesTableTests.Console(one, width), rows, consensus, Printable);
            foreach (int blockRows in new[] { 1, 7 })
            {
                using var blocks = new StringWriter();
                var console = CasesTableTests.Console(blocks, width);
                ConsoleReport.WriteRows(console, rows, consensus, Printable, blockRows, console.Write);
                Assert.That(blocks.ToString(), Is.EqualTo(CasesTableTests.WithoutBlankEdges(one.ToString())), $"consensus {consensus}, {blockRows} rows a block");
            }
        }
    }

    [Test]
    public void ColoursAndARunsOwnUnescapedTextAreTheOneTablesToo()
    {
        // A run's own report keeps its control characters (a torch traceback's newlines); ANSI colours the verdicts.
        var rows = Rows(20);
        using var one = new StringWriter();
        WriteAsOneTable(CasesTableTests.Console(one, 160, ansi: true), rows, consensus: true, Plain);
        using var blocks = new StringWriter();
        var console = CasesTableTests.Console(blocks, 160, ansi: true);
        ConsoleReport.WriteRows(console, rows, consensus: true, Plain, 4, console.Write);
        Assert.That(blocks.ToString(), Is.EqualTo(CasesTableTests.WithoutBlankEdges(one.ToString())));
        Assert.That(one.ToString(), Does.Contain("\u001b["), "the verdicts are coloured");
    }

    [Test]
    public void TheFirstBlocksRowsAreMadeOnceAndDrawnAsTheOneTable()
    {
        // Each row was made twice, to be measured and then drawn; the first block's are drawn from the measuring pass
        // (any others are made again: keeping them all is the memory the blocks bound).
        var rows = Rows(10);
        foreach (int blockRows in new[] { 4, 10, 64 })
        {
            var made = new int[rows.Count];
            using var w = new StringWriter();
            var console = CasesTableTests.Console(w, 160, ansi: true);
            BlockTable.Write(console, ["case", "verdict"], noWrap: false, rows.Count, i =>
            {
                made[i]++;
                return [new Text(Printable(rows[i].Case)), new Markup($"[{Color(rows[i].Outcome)}]{rows[i].Outcome}[/]")];
            }, blockRows, console.Write);
            Assert.That(made, Is.EqualTo(Enumerable.Range(0, rows.Count).Select(i => i < blockRows ? 1 : 2)), $"{blockRows} rows a block");
            // Measured, then drawn, the same cells: the bytes of the one table (one block, or the first of several).
            using var one = new StringWriter();
            var table = new Table().Border(TableBorder.Simple).AddColumns("case", "verdict");
            foreach (var r in rows) table.AddRow(new Text(Printable(r.Case)), new Markup($"[{Color(r.Outcome)}]{r.Outcome}[/]"));
            CasesTableTests.Console(one, 160, ansi: true).Write(table);
            Assert.That(w.ToString(), Is.EqualTo(CasesTableTests.WithoutBlankEdges(one.ToString())), $"{blockRows} rows a block");
        }
    }

    [Test]
    public void NoBlockHoldsMoreThanItsRows()
    {
        // The memory bound itself: the console never gets a table of more rows than a block, however many rows.
        var rows = Rows(150);
        using var w = new StringWriter();
        var console = CasesTableTests.Console(w, 10_000);
        var sizes = new List<int>();
        ConsoleReport.WriteRows(console, rows, consensus: false, Printable, 64, t => { sizes.Add(t.Rows.Count); console.Write(t); });
        Assert.That(sizes, Is.EqualTo(new[] { 64, 64, 150 - 128 }));
        using var old = new StringWriter();
        WriteAsOneTable(CasesTableTests.Console(old, 10_000), rows, consensus: false, Printable);
        Assert.That(w.ToString(), Is.EqualTo(CasesTableTests.WithoutBlankEdges(old.ToString())));
    }

    [Test]
    public void PrintWritesTheTableThenItsLines()
    {
        // Through Print, as the commands call it: the one table, then the lines after it.
        var report = new RunReport
        {
            Command = "soak", Subject = new SourceInfo { Name = "naive" }, References = [new SourceInfo { Name = "torch" }],
            Rows = [.. Enumerable.Range(0, 10).Select(i => Row(i, "case" + i.ToString(CultureInfo.InvariantCulture), Outcome.Pass))],
        };
        using var printed = new StringWriter();
        ConsoleReport.Print(CasesTableTests.Console(printed, 10_000), report, verbose: true);
        using var old = new StringWriter();
        WriteAsOneTable(CasesTableTests.Console(old, 10_000), report.Rows, consensus: false, Plain);
        Assert.That(printed.ToString(), Does.StartWith(CasesTableTests.WithoutBlankEdges(old.ToString())));
        Assert.That(printed.ToString()[CasesTableTests.WithoutBlankEdges(old.ToString()).Length..], Is.EqualTo(report.SummaryLine() + "\n"));
        Assert.That(BlockTable.BlockRows, Is.InRange(64, 4096), "a block is a bounded piece of any run");
    }

    [Test]
    public void TheTableHasNoLineOfBlanksAboveOrBelowIt()
    {
        // The simple border's top and bottom lines are spaces only: the table began and ended with a line of 150 blanks.
        foreach (int blockRows in new[] { 1, 64 })
        {
            using var w = new StringWriter();
            var console = CasesTableTests.Console(w, 160);
            ConsoleReport.WriteRows(console, Rows(5), consensus: false, Printable, blockRows, console.Write);
            string[] lines = w.ToString().Split('\n');
            Assert.That(lines[0].Trim(), Does.StartWith("case"), $"{blockRows} rows a block: the header comes first");
            Assert.That(lines[^1], Is.Empty, "the table ends with a line break");
            Assert.That(lines[..^1].Where(string.IsNullOrWhiteSpace), Is.Empty, $"{blockRows} rows a block: no blank line");
        }
    }
}
