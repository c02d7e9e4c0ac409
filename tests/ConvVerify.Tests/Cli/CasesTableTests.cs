using System.Globalization;
using ConvVerify.Catalog;
using ConvVerify.Cli;
using ConvVerify.Fixtures;
using ConvVerify.Problems;
using Spectre.Console;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// <c>convverify cases</c>' table written in blocks (<see cref="ProblemTable"/>) is byte for byte the one Spectre table of
/// every row it replaced, at any block size and console width, and never hands the console more than a block.
/// </summary>
public class CasesTableTests
{
    // The renderer before blocks, as it was: one table holding every row.
    private static void WriteAsOneTable(IAnsiConsole console, IReadOnlyList<ConvProblem> problems)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("descriptor", "rank", "mb", "g", "ic", "oc", "input", "kernel", "stride", "pad", "dilation", "output", "bias");
        foreach (var p in problems)
            table.AddRow(new[] { PackPaths.Printable(p.ToString()), p.Rank.ToString(CultureInfo.InvariantCulture), p.Mb.ToString(CultureInfo.InvariantCulture),
                p.Groups.ToString(CultureInfo.InvariantCulture), p.IC.ToString(CultureInfo.InvariantCulture), p.OC.ToString(CultureInfo.InvariantCulture),
                ConvProblem.FormatTuple(p.Input), ConvProblem.FormatTuple(p.Kernel), ConvProblem.FormatTuple(p.Stride),
                $"{ConvProblem.FormatTuple(p.PadBegin)}/{ConvProblem.FormatTuple(p.PadEnd)}", ConvProblem.FormatTuple(p.Dilation), ConvProblem.FormatTuple(p.Output), p.HasBias ? "yes" : "no" }
                .Select(cell => new Text(cell)));
        foreach (var column in table.Columns) column.NoWrap();
        console.Write(table);
    }

    /// <summary>
    /// The one table as the blocks draw it: without the simple border's top and bottom lines, which are blanks only
    /// (a verbose table began and ended with a line of 150 spaces).
    /// </summary>
    internal static string WithoutBlankEdges(string table)
    {
        var lines = table.Split('\n').ToList();
        if (lines.Count > 1 && string.IsNullOrWhiteSpace(lines[0])) lines.RemoveAt(0);
        // The text ends with a line break: the last line is the empty one after it, the border line the one before.
        if (lines.Count > 2 && lines[^1].Length == 0 && string.IsNullOrWhiteSpace(lines[^2])) lines.RemoveAt(lines.Count - 2);
        return string.Join('\n', lines);
    }

    /// <summary>A console writing into <paramref name="w"/> at a width, with or without ANSI; Unicode as detected unless given.</summary>
    internal static IAnsiConsole Console(StringWriter w, int width, bool ansi = false, bool? unicode = null)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(w),
            Ansi = ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ansi ? ColorSystemSupport.TrueColor : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        if (unicode is { } u) console.Profile.Capabilities.Unicode = u;
        return console;
    }

    private static (string Old, string Blocks) Both(IReadOnlyList<ConvProblem> problems, int blockRows, int width, bool ansi = false, bool unicode = true)
    {
        using var old = new StringWriter();
        WriteAsOneTable(Console(old, width, ansi, unicode), problems);
        using var blocks = new StringWriter();
        var console = Console(blocks, width, ansi, unicode);
        ProblemTable.Write(console, problems, blockRows, console.Write);
        return (WithoutBlankEdges(old.ToString()), blocks.ToString());
    }

    private static readonly string[] Hostile =
    [
        "mb1ic1ih4oc1kh3n\"a[b\"", "mb1ic1ih4oc1kh3n\"[red]x[/]\"", "mb1ic1ih4oc1kh3n\"c\u001b[2Jd\"",
        // Wide characters take two cells, a combining accent none: widths are Spectre's cells, not chars.
        "mb1ic1ih4oc1kh3n\"漢字\u0301x\"", "g2mb2ic4ih6iw5oc6kh3kw2n\"a name with spaces that is rather long indeed\"",
    ];

    private static IEnumerable<TestCaseData> Selections()
    {
        yield return new TestCaseData("random", RandomProblems.Take(7, 50));
        yield return new TestCaseData("basic", CaseSets.Load("basic"));
        yield return new TestCaseData("hostile", Hostile.Select(d => BenchdnnDescriptor.Parse(d)).ToList());
        yield return new TestCaseData("none", Array.Empty<ConvProblem>());
    }

    [TestCaseSource(nameof(Selections))]
    public void BlocksOfAnySizeWriteTheOneTable(string name, IReadOnlyList<ConvProblem> problems)
    {
        // Redirected output (10,000 wide), a terminal's least (160: random descriptors overflow it, so columns shrink and
        // the widest cells fold onto more lines), narrower still, and too narrow for any table (a lone "…").
        foreach (int width in new[] { 10_000, 160, 90, 45, 20 })
        {
            using var one = new StringWriter();
            WriteAsOneTable(Console(one, width, ansi: false, unicode: true), problems);
            foreach (int blockRows in new[] { 1, 2, 3, 7, 1024 })
            {
                using var blocks = new StringWriter();
                var console = Console(blocks, width, ansi: false, unicode: true);
                ProblemTable.Write(console, problems, blockRows, console.Write);
                Assert.That(blocks.ToString(), Is.EqualTo(WithoutBlankEdges(one.ToString())), $"{name}, width {width}, {blockRows} rows a block");
            }
        }
    }

    [Test]
    public void ANameWiderThanTheConsoleIsTheLoneEllipsisItWas()
    {
        // A name longer than the console (a batch file is anyone's) leaves no table Spectre can draw: one "…", as before,
        // not one per block, and no crash.
        var problems = new[] { BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3n\"" + new string('x', 9_990) + "\""), RandomProblems.At(7, 0) };
        foreach (int width in new[] { 10_000, 160 })
        {
            var (old, blocks) = Both(problems, 1, width);
            Assert.That(blocks, Is.EqualTo(old).And.EqualTo("…"), $"width {width}");
        }
    }

    [Test]
    public void ATerminalsColoursAndAnAsciiBorderAreTheOneTablesToo()
    {
        // A console without Unicode draws a border's safe variant (Simple has none today); one with ANSI could style it.
        var problems = RandomProblems.Take(7, 20);
        foreach (var (ansi, unicode) in new[] { (true, true), (false, false), (true, false) })
        {
            var (old, blocks) = Both(problems, 3, 160, ansi, unicode);
            Assert.That(blocks, Is.EqualTo(old), $"ansi {ansi}, unicode {unicode}");
        }
    }

    [Test]
    public void NoBlockHoldsMoreThanItsRows()
    {
        // The memory bound itself: the console never gets a table of more rows than a block, however many problems.
        var problems = RandomProblems.Take(7, 300);
        using var w = new StringWriter();
        var console = Console(w, 10_000, ansi: false, unicode: true);
        var sizes = new List<int>();
        ProblemTable.Write(console, problems, 64, t => { sizes.Add(t.Rows.Count); console.Write(t); });
        Assert.That(sizes, Is.EqualTo(Enumerable.Repeat(64, 4).Append(300 - (4 * 64))));
        using var old = new StringWriter();
        WriteAsOneTable(Console(old, 10_000, ansi: false, unicode: true), problems);
        Assert.That(w.ToString(), Is.EqualTo(WithoutBlankEdges(old.ToString())));
    }

    [Test]
    public void TheCommandWritesBlocksOfAtMostBlockRows()
    {
        Assert.That(ProblemTable.BlockRows, Is.InRange(64, 4096));
        var r = CliTestBase.Run("cases", "--random", (ProblemTable.BlockRows + 5).ToString(CultureInfo.InvariantCulture), "--seed", "7");
        using var old = new StringWriter();
        WriteAsOneTable(Console(old, 10_000, ansi: false, unicode: true), RandomProblems.Take(7, ProblemTable.BlockRows + 5));
        Assert.That(r.Out, Does.StartWith(WithoutBlankEdges(old.ToString())));
        Assert.That(r.Out[WithoutBlankEdges(old.ToString()).Length..], Is.EqualTo(string.Create(CultureInfo.InvariantCulture, $"{ProblemTable.BlockRows + 5} problems from random (seed 7)\n")));
    }
}
