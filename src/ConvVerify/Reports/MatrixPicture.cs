using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Reports;

/// <summary>
/// The picture the question asks for: the convolution as the sparse matrix M (h = M·vec(x), dL/dx = Mᵀ·vec(dL/dh)), one
/// cell per entry, every entry that holds the same weight in the same colour, zeros blank.
/// </summary>
public static class MatrixPicture
{
    /// <summary>Most entries drawn (rows × columns of M).</summary>
    public const long MaxEntries = 1 << 20;

    /// <summary>Refuses a problem whose M has more than <see cref="MaxEntries"/> entries (checked before any drawing).</summary>
    /// <exception cref="ArgumentException">M is too large; the message gives its size.</exception>
    internal static void CheckSize(ConvProblem p)
    {
        if (TooLarge(p) is { } why) throw new ArgumentException($"png: {why}");
    }

    /// <summary>Why M of <paramref name="p"/> cannot be drawn (more than <see cref="MaxEntries"/> entries), or null when it can.</summary>
    public static string? TooLarge(ConvProblem p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return (long)p.YSize * p.XSize > MaxEntries
            ? $"M of {Fixtures.PackPaths.Printable(p.ToString())} is {p.YSize} x {p.XSize}, more than the {MaxEntries} entries a picture can show; try a smaller problem with the same stride, padding and dilation"
            : null;
    }

    /// <summary>Draws M of <paramref name="p"/> as a PNG.</summary>
    /// <exception cref="ArgumentException">M has more than <see cref="MaxEntries"/> entries.</exception>
    public static void Write(ConvProblem p, string path)
    {
        var (plot, width, height) = Plot(p);
        plot.SavePng(path, width, height);
    }

    /// <summary>M's plot and the picture's size in pixels, before it is saved (tests read its cells and labels).</summary>
    internal static (ScottPlot.Plot Plot, int Width, int Height) Plot(ConvProblem p)
    {
        CheckSize(p);
        // Weight k holds k+1, so an entry of M names the weight it shares.
        var w = Enumerable.Range(1, p.WSize).Select(i => (double)i).ToArray();
        var m = ConvMatrix<double>.Build(p.WithDType(DType.Float64), w);
        var data = new double[m.Rows, m.Cols];
        for (int r = 0; r < m.Rows; r++)
            for (int c = 0; c < m.Cols; c++)
                data[r, c] = m[r, c] == 0 ? double.NaN : m[r, c];
        var plt = new ScottPlot.Plot();
        var heat = plt.Add.Heatmap(data);
        heat.Colormap = new ScottPlot.Colormaps.Turbo();
        heat.NaNCellColor = ScottPlot.Colors.White;
        var bar = plt.Add.ColorBar(heat);
        bar.Label = "weight (flat index + 1)";
        // Weights are whole numbers: a tick at 1.5 named a weight there is none of.
        bar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        // The axes end at M's edges (its cells are centred on whole numbers): autoscaled, they ran past M into blank bands.
        plt.Axes.SetLimits(-0.5, m.Cols - 0.5, -0.5, m.Rows - 0.5);
        plt.Title($"M of {p}: {m.Rows} x {m.Cols}, {m.NonZeroCount} non-zero entries sharing {p.WSize} weights", size: 12);
        plt.XLabel("column: element of x (flat)", size: 12);
        plt.YLabel("row: element of h (flat, from the top)", size: 12);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        int step = Math.Max(1, m.Rows / 12);
        for (int r = 0; r < m.Rows; r += step) ticks.AddMajor(m.Rows - 1 - r, r.ToString(System.Globalization.CultureInfo.InvariantCulture));
        plt.Axes.Left.TickGenerator = ticks;
        return (plt, Math.Clamp(160 + 12 * m.Cols, 640, 2400), Math.Clamp(120 + 12 * m.Rows, 360, 2400));
    }
}
