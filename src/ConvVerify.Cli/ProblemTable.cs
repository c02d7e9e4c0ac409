using System.Globalization;
using ConvVerify.Fixtures;
using ConvVerify.Problems;
using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary>
/// The table of <c>convverify cases</c>, written in blocks of rows (<see cref="BlockTable"/>) so that its memory does not
/// grow with the number of problems, laid out exactly as one Spectre table of every row would be.
/// </summary>
internal static class ProblemTable
{
    /// <summary>Rows per block.</summary>
    internal const int BlockRows = BlockTable.BlockRows;

    private static readonly string[] Headers = ["descriptor", "rank", "mb", "g", "ic", "oc", "input", "kernel", "stride", "pad", "dilation", "output", "bias"];

    /// <summary>Writes the table of <paramref name="problems"/> to <paramref name="console"/>.</summary>
    public static void Write(IAnsiConsole console, IReadOnlyList<ConvProblem> problems) => Write(console, problems, BlockRows, console.Write);

    /// <summary>As <see cref="Write(IAnsiConsole, IReadOnlyList{ConvProblem})"/>, each block handed to <paramref name="write"/>; tests choose the block size and see the blocks.</summary>
    internal static void Write(IAnsiConsole console, IReadOnlyList<ConvProblem> problems, int blockRows, Action<Table> write) =>
        // Every column on one line, as the one table had it.
        BlockTable.Write(console, Headers, noWrap: true, problems.Count, i => [.. Cells(problems[i]).Select(cell => new Text(cell))], blockRows, write);

    // Cells are Text, not markup: a descriptor's name may hold '[' (which markup refuses or reads as a style) and
    // control characters, which are escaped.
    internal static string[] Cells(ConvProblem p) =>
    [
        PackPaths.Printable(p.ToString()), p.Rank.ToString(CultureInfo.InvariantCulture), p.Mb.ToString(CultureInfo.InvariantCulture),
        p.Groups.ToString(CultureInfo.InvariantCulture), p.IC.ToString(CultureInfo.InvariantCulture), p.OC.ToString(CultureInfo.InvariantCulture),
        ConvProblem.FormatTuple(p.Input), ConvProblem.FormatTuple(p.Kernel), ConvProblem.FormatTuple(p.Stride),
        $"{ConvProblem.FormatTuple(p.PadBegin)}/{ConvProblem.FormatTuple(p.PadEnd)}", ConvProblem.FormatTuple(p.Dilation), ConvProblem.FormatTuple(p.Output), p.HasBias ? "yes" : "no",
    ];
}
