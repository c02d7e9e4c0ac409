using System.Text.Json.Serialization;

namespace ConvVerify.Runs;

/// <summary>
/// Where a failing direction is wrong: error/bound over the spatial positions of the worst element's (batch or output
/// channel, channel) slice — its depth slice in 3-D, a strip in 1-D — and a histogram of error/bound over every element.
/// A padding bug lights up the border rows; a stride bug every second column.
/// </summary>
public sealed record ErrorMap
{
    /// <summary>Which slice, e.g. "[0, 3, :, :]" or "[0, 3, 2, :, :]".</summary>
    [JsonPropertyName("slice")] public required string Slice { get; init; }

    /// <summary>Rows of the slice (1 for a strip).</summary>
    [JsonPropertyName("height")] public required int Height { get; init; }

    /// <summary>Columns of the slice.</summary>
    [JsonPropertyName("width")] public required int Width { get; init; }

    /// <summary>error/bound per position, row-major (infinite where the bound is 0 and the element differs).</summary>
    [JsonPropertyName("ratios")] public required double[] Ratios { get; init; }

    /// <summary>Lower edges of the histogram's bins, in log10(error/bound); the first bin also holds exact matches.</summary>
    [JsonPropertyName("histogram_log10_edges")] public required double[] HistogramEdges { get; init; }

    /// <summary>Elements per bin.</summary>
    [JsonPropertyName("histogram_counts")] public required long[] HistogramCounts { get; init; }

    /// <summary>Builds the map of a direction from its per-element ratios and the worst element's position.</summary>
    public static ErrorMap From(double[] ratios, int[] shape, int[] worst)
    {
        ArgumentNullException.ThrowIfNull(ratios);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(worst);
        var (label, fixedDims, height, width) = SliceOf(shape, worst);
        long offset = 0, stride = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (d < fixedDims) offset += worst[d] * stride;
            stride *= shape[d];
        }
        var slice = new double[height * width];
        Array.Copy(ratios, offset, slice, 0, slice.Length);
        // Bins of a quarter decade from 1e-4 to 1e4 of the bound; below goes to the first, above (and infinity) to the last.
        double[] edges = [.. Enumerable.Range(0, 33).Select(i => -4 + i * 0.25)];
        var counts = new long[edges.Length];
        foreach (double r in ratios)
        {
            // 0 and below land in bin 0 either way (log10 gives -inf or NaN, which the saturating cast and the clamp send to
            // 0); written out so the reader need not know that.
            int bin = r <= 0 ? 0 : double.IsPositiveInfinity(r) || double.IsNaN(r) ? edges.Length - 1
                : Math.Clamp((int)Math.Floor((Math.Log10(r) + 4) * 4), 0, edges.Length - 1);
            counts[bin]++;
        }
        return new ErrorMap { Slice = label, Height = height, Width = width, Ratios = slice, HistogramEdges = edges, HistogramCounts = counts };
    }

    /// <summary>
    /// The slice a map of a result of <paramref name="shape"/> shows around the element at <paramref name="worst"/>: it
    /// keeps the last two dims (one for a 1-D result's strip) and fixes the others at the element, e.g. "[0, 3, :, :]".
    /// The report reader asks it too: a map of another size than its row's result was drawn as that row's picture.
    /// <c>Fixed</c> is how many leading dims the slice fixes.
    /// </summary>
    internal static (string Label, int Fixed, int Height, int Width) SliceOf(int[] shape, int[] worst)
    {
        int keep = Math.Min(2, Math.Max(1, shape.Length - 2));
        int fixedDims = shape.Length - keep;
        string label = "[" + string.Join(", ", Enumerable.Range(0, shape.Length).Select(d => d < fixedDims ? worst[d].ToString(System.Globalization.CultureInfo.InvariantCulture) : ":")) + "]";
        return (label, fixedDims, keep == 2 ? shape[^2] : 1, shape[^1]);
    }
}
