using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using System.Text;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Problems;
using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary><c>convverify explain</c>: the question, answered with the numbers of a problem.</summary>
internal static class ExplainCommand
{
    private const string Question = "mb1ic3ih5oc16kh3n\"question\"";
    private const string Answer = "mb1ic1ih4oc1kh3n\"answer_matrix\"";
    private const int MaxElements = 4096;

    public static Command Build(IAnsiConsole console)
    {
        var descriptor = new Argument<string?>("DESCRIPTOR") { Description = "A benchdnn descriptor (default: the question's case, mb1ic3ih5oc16kh3)", Arity = ArgumentArity.ZeroOrOne }.RefusingOptions();
        var cmd = new Command("explain", "Walk through how dL/dx is computed for a problem: shapes, the output-size formula with its numbers, "
            + "dL/dx as the sum of every filter's contribution, the matrix view M, and the numbers for a sample dL/dh.\n\n"
            + "Examples:\n  convverify explain\n  convverify explain mb1ic1ih4oc1kh3 --png m.png\n  convverify explain mb1ic1ih4oc1kh3\n  convverify explain mb1ic1iw7oc1kw3sw2pw1");
        var png = new Option<string?>("--png") { Description = "Also draw the matrix M as a PNG: every entry sharing a weight in the same colour" }.Expecting("a file");
        cmd.Arguments.Add(descriptor);
        cmd.Options.Add(png);
        cmd.SetAction(pr =>
        {
            ConvProblem p;
            try
            {
                p = BenchdnnDescriptor.Parse(pr.GetValue(descriptor) ?? Question, DType.Float64, hasBias: false);
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Plain());
            }
            // explain prints every element of x and recomputes dL/dx once per filter: it is for problems a person can read.
            if (p.XSize > MaxElements || p.YSize > MaxElements || p.WSize > MaxElements)
                throw new CliException($"{PackPaths.Printable(p.ToString())} is too large to explain (x {p.XSize}, w {p.WSize}, y {p.YSize} elements; at most {MaxElements} each): "
                    + "explain prints its tensors; try a smaller problem with the same stride, padding and dilation");
            if (pr.GetValue(png) is { } file)
            {
                RunOptions.CheckOutput("--png", file);
                // Asked first rather than caught: the library's refusal names the picture, the command line its option.
                if (ConvVerify.Reports.MatrixPicture.TooLarge(p) is { } why) throw new CliException($"--png: {why}");
                // Through the writer of the run reports: a full disk said "No space left on device" naming no option.
                RunOptions.Write("--png", file, f => ConvVerify.Reports.MatrixPicture.Write(p, f));
            }
            console.Profile.Out.Writer.Write(Explain(p));
            if (pr.GetValue(png) is { } written) console.Profile.Out.Writer.WriteLine($"\nM drawn in {written}");
            return ExitCodes.Pass;
        });
        return cmd;
    }

    internal static string Explain(ConvProblem p)
    {
        var o = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        var dims = p.DimLetters.ToUpperInvariant().Select(c => c.ToString()).ToArray();
        // A descriptor's name may hold control characters (a newline would forge a line, an escape drive the terminal).
        o.AppendLine(ci, $"Problem {PackPaths.Printable(p.ToString())} (PyTorch semantics, bias left out: it adds a constant and does not change dL/dx)");
        o.AppendLine(ci, $"  x: {Shape(p.XShape, ["N", "C", .. dims])}");
        o.AppendLine(ci, $"  w: {Counted.Of(p.OC, "filter")}, each {Shape([.. p.WShape.Skip(1)], ["C/groups", .. dims.Select(d => "K" + d)])}{(p.Groups > 1 ? $", in {p.Groups} groups" : "")}");
        o.AppendLine(ci, $"  h = conv(x, w): {Shape(p.YShape, ["N", "F", .. dims.Select(d => "O" + d)])}");
        if (p.Rank == 2 && p.Mb == 1)
            o.AppendLine(ci, $"  In the question's layout: x is ({p.Input[0]},{p.Input[1]},{p.IC}), each filter ({p.Kernel[0]},{p.Kernel[1]},{p.IC / p.Groups}), h and dL/dh are ({p.Output[0]},{p.Output[1]},{p.OC}).");
        o.AppendLine();
        o.AppendLine("Output extent per spatial dim: floor((in + pad_begin + pad_end - dilation*(k-1) - 1) / stride) + 1");
        // Each line is named by the extent it gives (OH, OW as in h's shape): "w: floor(...)" under "w: 1 filter" read as the
        // tensor w. A negative (cropping) padding is subtracted: "10 + 0 + -5" read as a typo.
        static string Plus(long v) => v < 0 ? $" - {-v}" : $" + {v}";
        for (int d = 0; d < p.Rank; d++)
            o.AppendLine(ci, $"  O{dims[d]}: floor(({p.Input[d]}{Plus(p.PadBegin[d])}{Plus(p.PadEnd[d])} - {p.Dilation[d]}*({p.Kernel[d]}-1) - 1) / {p.Stride[d]}) + 1 = {p.Output[d]}");
        o.AppendLine();
        o.AppendLine("dL/dx is the sum over all filters of each filter's contribution. Output h[n,f,p] used x[n,c,p*s - pb + k*dil] with weight");
        if (p.Groups == 1)
        {
            o.AppendLine("w[f,c,k], so dL/dh[n,f,p] sends dL/dh[n,f,p]*w[f,c,k] back to that input element:");
            o.AppendLine("  dL/dx[n,c,i] = sum over f, k of dL/dh[n,f,(i + pb - k*dil)/s] * w[f,c,k],");
            o.AppendLine("  over the terms where i + pb - k*dil is >= 0, divisible by the stride, and inside the output.");
            o.AppendLine("  dL/dw[f,c,k] = sum over n, p of dL/dh[n,f,p] * x[n,c,p*s - pb + k*dil];  dL/db[f] = sum over n, p of dL/dh[n,f,p].");
        }
        else
        {
            // With groups w holds C/groups channels per filter: w[f,c,k] with the input channel c indexed past its end or
            // into another group's weights. The indices within the group, as README's formulas have them.
            o.AppendLine("w[f,c',k], where x's channel c is in group g = c div (C/groups) and is channel c' = c mod (C/groups) of that group's");
            o.AppendLine("filters f = g*F/groups ... (g+1)*F/groups - 1, the only filters that read it; so dL/dh[n,f,p] sends dL/dh[n,f,p]*w[f,c',k]");
            o.AppendLine("back to that input element:");
            o.AppendLine("  dL/dx[n,c,i] = sum over f of c's group, k of dL/dh[n,f,(i + pb - k*dil)/s] * w[f,c',k],");
            o.AppendLine("  over the terms where i + pb - k*dil is >= 0, divisible by the stride, and inside the output.");
            o.AppendLine("  dL/dw[f,c',k] = sum over n, p of dL/dh[n,f,p] * x[n,c,p*s - pb + k*dil] with c = (f div (F/groups))*(C/groups) + c';");
            o.AppendLine("  dL/db[f] = sum over n, p of dL/dh[n,f,p].");
        }
        o.AppendLine();
        o.AppendLine("The matrix view: h = M*vec(x) (+ b), where M has one row per output element and one column per input element,");
        o.AppendLine("filled with shared weights; then dL/dx = M^T * vec(dL/dh).");
        var blocks = Blocks(p);
        var shown = p;
        if (!Printable(p))
        {
            // M too large is shown by this problem cut down (one image, one channel each side, a few outputs per dim),
            // which keeps every field that shapes where the weights fall: said as such, and nothing more is claimed of
            // it. Only when even that is too large is another problem shown, its differences named.
            string lead = string.Create(ci, $"Here M is {p.YSize} x {p.XSize}, too large to print")
                + (blocks is { } b ? $". It is {b.Why}, {b.Where}; " : "; ");
            if (Cut(p) is { } cut)
            {
                shown = cut;
                // Along a dim cut to one output the stride places nothing: kept in the descriptor, it is not seen in M.
                string[] single = [.. Enumerable.Range(0, p.Rank).Where(d => p.Output[d] >= 2 && cut.Output[d] == 1).Select(d => dims[d])];
                string unseen = single.Length == 0 ? ""
                    : $" (one output along {string.Join(" and ", single)}, where two would make M too large to print, so its stride there does not show)";
                AppendWrapped(o, lead + $"cut to one image, one channel in and out and a {ConvProblem.FormatTuple(cut.Input)} input, keeping its kernel, "
                    + $"stride, padding and dilation, this problem is {cut}{unseen}, whose M is:");
            }
            else
            {
                // Only M is drawn from the answer's problem, and M holds neither its dtype nor a bias: the parser's defaults do.
                shown = BenchdnnDescriptor.Parse(Answer);
                AppendWrapped(o, lead + "so is its M cut to one image, one channel in and out and the fewest outputs. "
                    + $"The answer's example {shown} differs from it in {string.Join(", ", Differences(p, shown))}; its M is:");
            }
        }
        AppendMatrix(o, shown);
        if (ReferenceEquals(shown, p) && blocks is { } printed) AppendWrapped(o, $"M is {printed.Why}, {printed.Where}.");
        o.AppendLine();
        AppendSample(o, p);
        return o.ToString();
    }

    // Whether M fits on a screen: a row a line, each entry a few characters wide.
    private static bool Printable(ConvProblem p) => p.YSize <= 32 && p.XSize <= 64;

    /// <summary>
    /// <paramref name="p"/> with one image, one input and one output channel and its input cut to give at most 2 outputs
    /// per dim, keeping its kernel, stride, padding (both ends, as stored) and dilation; 2 along as many dims as have them
    /// and fit (the earlier dims first), 1 along the others; null when no such cut has an M small enough to print.
    /// </summary>
    internal static ConvProblem? Cut(ConvProblem p)
    {
        // A stride shows only between two outputs: a cut to one along a dim that has more keeps its stride in name only.
        // Bit d of a choice keeps two along dim d; the choices with more dims kept come first.
        var choices = Enumerable.Range(0, 1 << p.Rank).OrderByDescending(c => System.Numerics.BitOperations.PopCount((uint)c)).ThenBy(c => c);
        foreach (int choice in choices)
        {
            var input = new int[p.Rank];
            for (int d = 0; d < p.Rank; d++)
            {
                int most = (choice >> d & 1) == 1 ? 2 : 1;
                // The input extent whose padded span holds exactly the windows wanted; at least one element, at most p's.
                long need = (Math.Min(p.Output[d], most) - 1L) * p.Stride[d] + (long)p.Dilation[d] * (p.Kernel[d] - 1) + 1 - p.PadBegin[d] - p.PadEnd[d];
                input[d] = (int)Math.Clamp(need, 1, p.Input[d]);
            }
            ConvProblem cut;
            try
            {
                cut = new ConvProblem(1, 1, 1, 1, input, p.Kernel, p.Stride, p.PadBegin, p.PadEnd, p.Dilation, hasBias: false, DType.Float64);
            }
            catch (ArgumentException)
            {
                continue;
            }
            // The constructor drops end padding no window reads: a cut that lost some would not be "keeping its padding".
            if (Printable(cut) && cut.PadEnd.SequenceEqual(p.PadEnd)) return cut;
        }
        return null;
    }

    // Which of the fields that place M's entries differ between p and the example q, each with both values.
    private static IEnumerable<string> Differences(ConvProblem p, ConvProblem q)
    {
        static string T(IEnumerable<int> v) => ConvProblem.FormatTuple(v);
        // Across ranks a field with one value in every dim of both is no difference: "stride ((1) here, (1, 1) there)" named
        // as a difference what is the same, and buried the fields that do differ among them.
        static bool Same(ImmutableArray<int> a, ImmutableArray<int> b) => a.SequenceEqual(b) || a.Length != b.Length && a.Concat(b).Distinct().Count() == 1;
        if (p.Rank != q.Rank) yield return string.Create(CultureInfo.InvariantCulture, $"spatial dims ({p.Rank} here, {q.Rank} there)");
        if (!Same(p.Kernel, q.Kernel)) yield return $"kernel ({T(p.Kernel)} here, {T(q.Kernel)} there)";
        if (!Same(p.Stride, q.Stride)) yield return $"stride ({T(p.Stride)} here, {T(q.Stride)} there)";
        if (!Same(p.PadBegin, q.PadBegin) || !Same(p.PadEnd, q.PadEnd))
            yield return $"padding ({T(p.PadBegin)} before and {T(p.PadEnd)} after here, {T(q.PadBegin)} and {T(q.PadEnd)} there)";
        if (!Same(p.Dilation, q.Dilation)) yield return $"dilation ({T(p.Dilation)} here, {T(q.Dilation)} there)";
        yield return $"input ({T(p.Input)} here, {T(q.Input)} there)";
    }

    /// <summary>
    /// Why M is block-diagonal and where its blocks lie, or null when it is one block (one image, one group). Its rows
    /// run over images, then output channels, then output positions, and its columns over images, then input channels,
    /// then input positions: an output reads only its own image, and of it only its own group's input channels, so the
    /// blocks are one per image and group, each of a group's output channels by its input channels.
    /// </summary>
    internal static (string Why, string Where)? Blocks(ConvProblem p)
    {
        int blocks = p.Mb * p.Groups;
        if (blocks == 1) return null;
        int outPositions = p.YSize / (p.Mb * p.OC), inPositions = p.XSize / (p.Mb * p.IC);
        int rows = p.OC / p.Groups * outPositions, cols = p.IC / p.Groups * inPositions;
        string images = "each image's outputs read only that image's inputs";
        string groups = p.IC == p.Groups
            ? $"depthwise, each output channel reads only its group's input channel (1 of the {p.IC})"
            : $"each group's output rows only touch that group's input channels ({p.IC / p.Groups} of the {p.IC})";
        string why = (p.Mb > 1, p.Groups > 1) switch
        {
            (true, false) => $"block-diagonal by image: {images}",
            (false, true) => $"block-diagonal by group: {groups}",
            _ => $"block-diagonal by image and, within an image, by group: {images}, and {groups}",
        };
        return (why, string.Create(CultureInfo.InvariantCulture, $"so all its non-zero entries lie in {blocks} blocks of {rows} x {cols} on its diagonal"));
    }

    // A sentence as lines of at most 120 characters, each indented by two spaces, broken at spaces.
    private static void AppendWrapped(StringBuilder o, string sentence)
    {
        var line = new StringBuilder("  ");
        foreach (string word in sentence.Split(' '))
        {
            if (line.Length > 2 && line.Length + 1 + word.Length > 120)
            {
                o.AppendLine(line.ToString());
                line.Clear().Append("  ");
            }
            line.Append(line.Length > 2 ? " " : "").Append(word);
        }
        o.AppendLine(line.ToString());
    }

    private static string Shape(int[] shape, IEnumerable<string> names) =>
        "(" + string.Join(", ", shape.Zip(names, (v, n) => $"{n}={v}")) + ")";

    private static void AppendMatrix(StringBuilder o, ConvProblem p)
    {
        // Weights 1..n make M's entries name the weight they hold; letters read better for small kernels.
        double[] w = [.. Enumerable.Range(1, p.WSize).Select(v => (double)v)];
        var m = ConvMatrix<double>.Build(p, w);
        string Name(double v) => v == 0 ? "." : p.WSize <= 26 ? ((char)('a' + (int)v - 1)).ToString() : "w" + ((int)v - 1).ToString(CultureInfo.InvariantCulture);
        int width = Enumerable.Range(0, m.Rows).SelectMany(r => Enumerable.Range(0, m.Cols).Select(c => Name(m[r, c]).Length)).Max();
        o.AppendLine(CultureInfo.InvariantCulture, $"  M ({m.Rows} x {m.Cols}); weights in row-major order named {(p.WSize <= 26 ? "a, b, c, ..." : "w0, w1, ...")}:");
        for (int r = 0; r < m.Rows; r++)
            o.AppendLine("    " + string.Join(" ", Enumerable.Range(0, m.Cols).Select(c => Name(m[r, c]).PadLeft(width))));
        // A row is one output element, so it holds the weights of that element's filter only: with several filters, not all the same.
        // An output whose window lies entirely in the padding reads no input: its row is empty, and an M of such rows only
        // holds no kernel at all ("0 distinct non-zero values ...: every row holds the same kernel" was said of one).
        int empty = Enumerable.Range(0, m.Rows).Count(r => Enumerable.Range(0, m.Cols).All(c => m[r, c] == 0));
        string kernel = p.OC == 1 ? "the same kernel" : "the filter of its output channel";
        string rows = empty == m.Rows ? "M is all zero: every output's window lies entirely in the padding, so no output reads an input"
            : empty == 0 ? $"every row holds {kernel}, shifted"
            : string.Create(CultureInfo.InvariantCulture, $"every non-empty row holds {kernel}, shifted; {Counted.Of(empty, "row is", "rows are")} empty, "
                + $"{(empty == 1 ? "its output's window lying" : "their outputs' windows lying")} entirely in the padding");
        AppendWrapped(o, $"{Counted.Of(m.DistinctNonZero().Count, "distinct non-zero value")} in {Counted.Of(m.NonZeroCount, "non-zero entry", "non-zero entries")}: {rows}.");
    }

    private static void AppendSample(StringBuilder o, ConvProblem p)
    {
        var ci = CultureInfo.InvariantCulture;
        var c = ConvCase.Create(p, Fill.Integer);
        var inputs = c.MakeInputs<double>();
        var dx = new double[p.XSize];
        NaiveConv.BackwardData<double>(p, inputs.Dy, inputs.W, dx);
        // Each filter's contribution on its own: dL/dx of the one-filter problem (its group's input channels, its block of w,
        // its channel of dL/dh), placed in its group's channels. A wrong block of w or channel of dL/dh changes the sum. Once
        // per filter, the whole problem with every other filter zeroed cost OC times the definition's dL/dx loop
        // (mb1ic1iw4096oc4096kw1sw4096: minutes); one filter's problem is 1/OC of it, at most X·W visits in all.
        var sum = new double[p.XSize];
        int icg = p.IC / p.Groups, ocg = p.OC / p.Groups, perFilter = p.WSize / p.OC;
        int inPlane = p.XSize / (p.Mb * p.IC), outPlane = p.YSize / (p.Mb * p.OC);
        var one = new ConvProblem(p.Mb, 1, icg, 1, p.Input, p.Kernel, p.Stride, p.PadBegin, p.PadEnd, p.Dilation, hasBias: false, p.DType);
        var dyF = new double[one.YSize];
        var part = new double[one.XSize];
        for (int f = 0; f < p.OC; f++)
        {
            for (int n = 0; n < p.Mb; n++) Array.Copy(inputs.Dy, ((long)n * p.OC + f) * outPlane, dyF, (long)n * outPlane, outPlane);
            NaiveConv.BackwardData<double>(one, dyF, inputs.W.AsSpan(f * perFilter, perFilter), part);
            int first = f / ocg * icg;
            for (int n = 0; n < p.Mb; n++)
                for (int ch = 0; ch < icg; ch++)
                    for (int s = 0; s < inPlane; s++)
                        sum[((n * p.IC) + first + ch) * inPlane + s] += part[(n * icg + ch) * inPlane + s];
        }
        double viaFilters = MaxDifference(dx, sum);
        string viaMatrix = p.YSize * (long)p.XSize <= 1 << 22
            ? MaxDifference(ConvMatrix<double>.Build(p, inputs.W).MultiplyTransposed(inputs.Dy), dx).ToString(ci)
            : "(M too large to build)";
        o.AppendLine(ci, $"A sample, with small integer inputs (the integer fill, seed {c.Seed}) so every number is exact:");
        AppendTensor(o, "w", inputs.W, p.WShape);
        AppendTensor(o, "dL/dh", inputs.Dy, p.YShape);
        AppendTensor(o, "dL/dx", dx, p.XShape);
        o.AppendLine(ci, $"  max |dL/dx - sum of the {(p.OC == 1 ? "1 filter's contribution" : $"{p.OC} filters' contributions")}| = {viaFilters.ToString(ci)}");
        o.AppendLine(ci, $"  max |dL/dx - M^T * dL/dh| = {viaMatrix}");
    }

    // Stryker disable once Linq : every difference explain takes is 0 (the integer fill keeps every partial sum exact), so Max and Min agree
    private static double MaxDifference(double[] a, double[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    // Prints a tensor as slices of H x W (of one row of W in 1-D), the first 4 in memory order: channels of the first image first.
    private static void AppendTensor(StringBuilder o, string name, double[] v, int[] shape)
    {
        int w = shape[^1], h = shape.Length >= 4 ? shape[^2] : 1;
        int slice = w * h, slices = v.Length / slice;
        o.AppendLine(CultureInfo.InvariantCulture, $"  {name} {ConvProblem.FormatTuple(shape)}{(slices > 4 ? $", first 4 of {slices} slices" : "")}:");
        for (int s = 0; s < Math.Min(4, slices); s++)
        {
            for (int r = 0; r < h; r++)
                o.AppendLine("    " + string.Join(" ", Enumerable.Range(0, w).Select(x => v[s * slice + r * w + x].ToString(CultureInfo.InvariantCulture).PadLeft(4))));
            if (s < Math.Min(4, slices) - 1) o.AppendLine();
        }
    }
}
