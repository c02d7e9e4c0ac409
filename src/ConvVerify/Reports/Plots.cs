using ConvVerify.Runs;

namespace ConvVerify.Reports;

/// <summary>The report's two pictures, drawn with ScottPlot.</summary>
internal static class Plots
{
    /// <summary>error/bound over the slice, row 0 at the top as the tensor is indexed, with every cell at or past the bound ringed.</summary>
    public static void Heatmap(ErrorMap map, string title, string path) =>
        HeatmapPlot(map, title).SavePng(path, 720, Math.Clamp(200 + 18 * map.Height, 260, 720));

    /// <summary>The heatmap's plot, before it is saved (tests read its cells and rings).</summary>
    internal static ScottPlot.Plot HeatmapPlot(ErrorMap map, string title)
    {
        var plt = new ScottPlot.Plot();
        // Infinity (a non-zero error against a zero bound) has no colour: draw it as the largest finite value or 2.
        double top = Math.Max(2, map.Ratios.Where(double.IsFinite).DefaultIfEmpty(0).Max());
        var data = new double[map.Height, map.Width];
        for (int i = 0; i < map.Height; i++)
            for (int j = 0; j < map.Width; j++)
            {
                double r = map.Ratios[i * map.Width + j];
                data[i, j] = double.IsFinite(r) ? r : top;
            }
        var heat = plt.Add.Heatmap(data);
        heat.Colormap = new ScottPlot.Colormaps.Turbo();
        heat.ManualRange = new ScottPlot.Range(0, top);
        // ScottPlot centres cell (i, j) on x = j, y = H-1-i: row 0 on top, as the tensor is indexed.
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i < map.Height; i++)
            for (int j = 0; j < map.Width; j++)
                if (map.Ratios[i * map.Width + j] >= 1)
                {
                    xs.Add(j);
                    ys.Add(map.Height - 1 - i);
                }
        if (xs.Count > 0)
        {
            var marks = plt.Add.ScatterPoints(xs.ToArray(), ys.ToArray());
            marks.MarkerShape = ScottPlot.MarkerShape.OpenCircle;
            marks.MarkerSize = Math.Clamp(300f / Math.Max(map.Width, map.Height), 4, 14);
            marks.Color = ScottPlot.Colors.White;
        }
        plt.Add.ColorBar(heat).Label = "error / bound";
        plt.Title(title, size: 12);
        plt.XLabel("column (last dim)", size: 12);
        plt.YLabel(map.Height == 1 ? "" : "row from the top", size: 12);
        // Tick labels count rows from the top, as the tensor is indexed.
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        int step = Math.Max(1, map.Height / 12);
        for (int i = 0; i < map.Height; i += step) ticks.AddMajor(map.Height - 1 - i, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        plt.Axes.Left.TickGenerator = ticks;
        return plt;
    }

    /// <summary>How many elements have each error/bound, on a log scale, with the bound marked.</summary>
    public static void Histogram(ErrorMap map, string title, string path) => HistogramPlot(map, title).SavePng(path, 720, 360);

    /// <summary>The histogram's plot, before it is saved (tests read its bars).</summary>
    internal static ScottPlot.Plot HistogramPlot(ErrorMap map, string title)
    {
        var plt = new ScottPlot.Plot();
        double width = map.HistogramEdges.Length > 1 ? map.HistogramEdges[1] - map.HistogramEdges[0] : 0.25;
        var bars = map.HistogramEdges.Select((e, i) => new ScottPlot.Bar
        {
            Position = e + width / 2,
            Value = map.HistogramCounts[i] == 0 ? 0 : Math.Log10(map.HistogramCounts[i]) + 1,
            Size = width * 0.9,
            FillColor = e >= 0 ? ScottPlot.Colors.Red : ScottPlot.Colors.SteelBlue,
        }).ToList();
        plt.Add.Bars(bars);
        var bound = plt.Add.VerticalLine(0);
        bound.LegendText = "the bound";
        bound.Color = ScottPlot.Colors.Black;
        plt.Title(title, size: 12);
        plt.XLabel("log10(error / bound): first bin also exact matches, last also infinite", size: 12);
        plt.YLabel("1 + log10(count)", size: 12);
        return plt;
    }
}
