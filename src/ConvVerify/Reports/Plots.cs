using ConvVerify.Runs;

namespace ConvVerify.Reports;

/// <summary>The report's two pictures, drawn with ScottPlot.</summary>
internal static class Plots
{
    /// <summary>
    /// error/bound over the slice, row 0 at the top as the tensor is indexed, with every cell at or past the bound ringed
    /// when the cells are large enough to hold a ring (<see cref="Rings"/>).
    /// </summary>
    public static void Heatmap(ErrorMap map, string title, string path) =>
        HeatmapPlot(map, title).SavePng(path, 720, Math.Clamp(200 + 18 * map.Height, 260, 720));

    /// <summary>
    /// Longest side, in cells, whose failing cells are ringed. The picture is 720 pixels wide: at 50 cells a cell is still
    /// about 11 pixels across and its ring 6. Past it a ring is wider than its cell, and the white rings covered the colours
    /// they marked (a 1 × 1024 strip that failed everywhere was drawn all white, 200 × 200 mostly white); there the colour
    /// bar alone tells the cells at or past the bound, and the page's caption says so.
    /// </summary>
    internal const int MaxRingedSide = 50;

    /// <summary>
    /// Most cells drawn along a side: some 4 pixels each of the data area's 500 or so, so that a block holding one failing
    /// element is still seen. Past it cells are drawn in blocks, each the largest error/bound of its cells.
    /// </summary>
    internal const int MaxDrawnSide = 120;

    /// <summary>Whether the heatmap of <paramref name="map"/> rings its cells at or past the bound (its longer side is at most <see cref="MaxRingedSide"/> cells).</summary>
    public static bool Rings(ErrorMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return Math.Max(map.Width, map.Height) <= MaxRingedSide;
    }

    /// <summary>
    /// The lowest log10(error/bound) the heatmap tells apart, the histogram's first edge: errors of a ten-thousandth of the
    /// bound or less, exact matches included, share its palest colour.
    /// </summary>
    internal const double FloorLog10 = -4;

    /// <summary>
    /// A cell's intensity: log10(error/bound), from <see cref="FloorLog10"/> up to <paramref name="top"/> (where infinity
    /// and NaN go). Below the bound it stays below 0 however close to 1 the ratio is (log10 of 1 − 2⁻⁵³ rounds to
    /// nothing beside the scale's span), so a passing cell never takes a failing colour.
    /// </summary>
    internal static double Intensity(double ratio, double top)
    {
        if (!double.IsFinite(ratio)) return top;
        if (ratio >= 1) return Math.Min(Math.Log10(ratio), top);
        return Math.Min(Math.Log10(Math.Max(ratio, Math.Pow(10, FloorLog10))), -1e-9);
    }

    /// <summary>The heatmap's plot, before it is saved (tests read its cells and rings).</summary>
    internal static ScottPlot.Plot HeatmapPlot(ErrorMap map, string title)
    {
        var plt = new ScottPlot.Plot();
        // A linear scale up to the largest ratio drew a direction with one element a million times past its bound and
        // the rest 1.5 times past it as one hot cell among cells the colour of exact matches. On a log scale, with blues
        // below the bound and yellow to red at or past it, every failing cell shows whatever the largest ratio is. The
        // scale reaches at least one decade past the bound; infinity (a non-zero error against a zero bound) is its top.
        double top = Math.Max(1, Math.Log10(map.Ratios.Where(double.IsFinite).DefaultIfEmpty(0).Max()));
        // More cells than the picture has pixels: ScottPlot samples them, and the one failing element of a 1 x 5000 strip
        // was not drawn at all. Each drawn cell takes the largest intensity of the block of cells it stands for.
        int rowBlock = (map.Height + MaxDrawnSide - 1) / MaxDrawnSide, columnBlock = (map.Width + MaxDrawnSide - 1) / MaxDrawnSide;
        // ScottPlot 5.1 draws nothing for one row or one column placed in a rectangle: such a side is drawn twice, each
        // half as wide.
        int drawnRows = (map.Height + rowBlock - 1) / rowBlock, columns = (map.Width + columnBlock - 1) / columnBlock;
        int rowCopies = drawnRows == 1 ? 2 : 1, columnCopies = columns == 1 ? 2 : 1;
        var blocks = new double[drawnRows, columns];
        for (int i = 0; i < drawnRows; i++)
            for (int j = 0; j < columns; j++)
                blocks[i, j] = double.NegativeInfinity;
        for (int i = 0; i < map.Height; i++)
            for (int j = 0; j < map.Width; j++)
                blocks[i / rowBlock, j / columnBlock] = Math.Max(blocks[i / rowBlock, j / columnBlock], Intensity(map.Ratios[i * map.Width + j], top));
        var data = new double[drawnRows * rowCopies, columns * columnCopies];
        for (int i = 0; i < data.GetLength(0); i++)
            for (int j = 0; j < data.GetLength(1); j++)
                data[i, j] = blocks[i / rowCopies, j / columnCopies];
        var heat = plt.Add.Heatmap(data);
        // The blocks span the cells they stand for (the last ones reaching past the map's edge when the blocks do not
        // divide it): cell (i, j) stays centred on x = j, y = H-1-i.
        heat.Rectangle = new ScottPlot.CoordinateRect(-0.5, columns * columnBlock - 0.5, map.Height - 0.5 - drawnRows * rowBlock, map.Height - 0.5);
        heat.Colormap = new BoundColormap(-FloorLog10 / (top - FloorLog10));
        heat.ManualRange = new ScottPlot.Range(FloorLog10, top);
        // ScottPlot centres cell (i, j) on x = j, y = H-1-i: row 0 on top, as the tensor is indexed.
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i < map.Height; i++)
            for (int j = 0; j < map.Width; j++)
                if (map.Ratios[i * map.Width + j] >= 1 || double.IsNaN(map.Ratios[i * map.Width + j]))
                {
                    xs.Add(j);
                    ys.Add(map.Height - 1 - i);
                }
        if (xs.Count > 0 && Rings(map))
        {
            var marks = plt.Add.ScatterPoints(xs.ToArray(), ys.ToArray());
            marks.MarkerShape = ScottPlot.MarkerShape.OpenCircle;
            marks.MarkerSize = Math.Min(300f / Math.Max(map.Width, map.Height), 14);
            // Black shows on every colour at or past the bound (pale yellow to red).
            marks.Color = ScottPlot.Colors.Black;
        }
        var bar = plt.Add.ColorBar(heat);
        bar.Label = ColorBarLabel;
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int k = (int)FloorLog10; k <= (int)Math.Floor(top); k += Math.Max(1, (int)Math.Ceiling((top - FloorLog10) / 10)))
            ticks.AddMajor(k, RatioLabel(k));
        if (!ticks.Ticks.Any(t => t.Position == 0)) ticks.AddMajor(0, RatioLabel(0));
        bar.Axis.TickGenerator = ticks;
        plt.Title(FitTitle(title), size: 12);
        plt.XLabel("column (last dim)", size: 12);
        plt.YLabel(map.Height == 1 ? "" : "row from the top", size: 12);
        // Tick labels count rows from the top, as the tensor is indexed.
        var rows = new ScottPlot.TickGenerators.NumericManual();
        int step = Math.Max(1, map.Height / 12);
        for (int i = 0; i < map.Height; i += step) rows.AddMajor(map.Height - 1 - i, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        plt.Axes.Left.TickGenerator = rows;
        return plt;
    }

    /// <summary>What the heatmap's colour bar measures.</summary>
    internal const string ColorBarLabel = "error / bound (log)";

    /// <summary>The colour bar's label of log10(error/bound) = <paramref name="k"/>: the ratio itself, 1 being the bound.</summary>
    internal static string RatioLabel(int k) => k switch
    {
        0 => "1 (bound)",
        >= -3 and <= 3 => Math.Pow(10, k).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "1e" + k.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Blues below the bound, pale to deep as the error nears it; pale yellow to dark red at or past it. The bound sits at
    /// <see cref="Split"/> of the scale, where the colours jump, so no failing cell is drawn in a passing colour.
    /// </summary>
    internal sealed class BoundColormap(double split) : ScottPlot.IColormap
    {
        /// <summary>The position of the bound on the scale, 0 to 1.</summary>
        public double Split { get; } = split;

        public string Name => "convverify-bound";

        public ScottPlot.Color GetColor(double position)
        {
            if (double.IsNaN(position)) return ScottPlot.Colors.White;
            position = Math.Clamp(position, 0, 1);
            if (position < Split)
                return new ScottPlot.Color(222, 235, 247).MixedWith(new ScottPlot.Color(8, 69, 148), position / Split);
            double t = Split >= 1 ? 1 : (position - Split) / (1 - Split);
            return t < 0.5
                ? new ScottPlot.Color(254, 224, 80).MixedWith(new ScottPlot.Color(244, 109, 67), t * 2)
                : new ScottPlot.Color(244, 109, 67).MixedWith(new ScottPlot.Color(165, 0, 38), t * 2 - 1);
        }
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
        plt.Title(FitTitle(title), size: 12);
        plt.XLabel("log10(error / bound): first bin also exact matches, last also infinite", size: 12);
        plt.YLabel("1 + log10(count)", size: 12);
        return plt;
    }

    /// <summary>Most characters in a line of a picture's title: at 12 points about 500 of the picture's 720 pixels.</summary>
    internal const int TitleLine = 72;

    /// <summary>
    /// Most characters in a picture's title before the middle of its longest word goes: two lines' worth, which breaks
    /// within words (each may leave a line up to half empty) fit in three lines.
    /// </summary>
    internal const int TitleLength = 2 * TitleLine;

    /// <summary>
    /// <paramref name="title"/> in lines that fit the picture: a case id of a hundred characters ran off the heatmap's left
    /// edge (its title is centred over the data, right of the picture's centre) and the histogram's right. Broken at spaces,
    /// a word longer than a line after an underscore or hyphen where it has one; a title longer than
    /// <see cref="TitleLength"/> keeps the start and end of its longest word (a case id's descriptor, and its hash,
    /// dtype and fill) around "...".
    /// </summary>
    internal static string FitTitle(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        var words = title.Split(' ').ToList();
        int over = title.Length - TitleLength;
        if (over > 0)
        {
            int longest = words.IndexOf(words.MaxBy(w => w.Length)!);
            string w = words[longest];
            int keep = Math.Max(2, w.Length - over - 3);
            words[longest] = w[..(keep / 2)] + "..." + w[^(keep - keep / 2)..];
        }
        var lines = new List<string>();
        var line = new System.Text.StringBuilder();
        foreach (string word in words)
        {
            string rest = word;
            if (line.Length > 0 && line.Length + 1 + rest.Length > TitleLine)
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            // A word longer than a line starts one of its own (the line before it was ended above, or none was begun), and
            // is broken within: after its last underscore or hyphen in the line's second half, else at the line's end.
            while (rest.Length > TitleLine)
            {
                int cut = rest.LastIndexOfAny(['_', '-'], TitleLine - 1) + 1;
                if (cut < TitleLine / 2) cut = TitleLine;
                lines.Add(rest[..cut]);
                rest = rest[cut..];
            }
            if (rest.Length > 0) line.Append(line.Length > 0 ? " " : "").Append(rest);
        }
        if (line.Length > 0) lines.Add(line.ToString());
        return string.Join("\n", lines);
    }
}
