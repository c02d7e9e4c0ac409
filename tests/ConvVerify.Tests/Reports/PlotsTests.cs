using ConvVerify.Reports;
using ConvVerify.Runs;
using ScottPlot;
using ScottPlot.Plottables;

namespace ConvVerify.Tests.Reports;

/// <summary>
/// What the report's two pictures show, read from their plots before they are saved: the heatmap's cells (row 0 on top,
/// infinity drawn as the top of the scale), rings on exactly the cells at or past the bound, and the histogram's bars.
/// </summary>
public class PlotsTests : TempFolderTest
{
    // 3 rows x 4 columns: row 1 has one cell exactly at the bound, one past it and one infinite (error against a zero bound).
    private static readonly double[] Ratios = [0.1, 0.2, 0.3, 0.4, 1.0, 0.999, 5.0, double.PositiveInfinity, 0, 0.5, 0.6, 0.7];

    private static ErrorMap Map(double[] ratios, int height, int width) =>
        ErrorMap.From(ratios, [1, 1, height, width], [0, 0, 0, 0]);

    [Test]
    public void TheHeatmapShowsEveryCellOnALogScaleWithInfinityAtTheTopOfTheScale()
    {
        var plot = Plots.HeatmapPlot(Map(Ratios, 3, 4), "t");
        var heat = plot.GetPlottables<Heatmap>().Single();
        Assert.That(heat.Intensities.GetLength(0), Is.EqualTo(3));
        Assert.That(heat.Intensities.GetLength(1), Is.EqualTo(4));
        double[] cells = [.. Enumerable.Range(0, 12).Select(k => heat.Intensities[k / 4, k % 4])];
        // log10 of each ratio; 5 is under a decade past the bound, so the scale ends at 10 (log 1), where infinity goes;
        // 0 (an exact match) sits at the floor, 1e-4 of the bound.
        double[] expected = [-1, Math.Log10(0.2), Math.Log10(0.3), Math.Log10(0.4), 0, Math.Log10(0.999), Math.Log10(5), 1, -4, Math.Log10(0.5), Math.Log10(0.6), Math.Log10(0.7)];
        Assert.That(cells, Is.EqualTo(expected).Within(1e-8), "log10(error/bound), infinity at the top");
        Assert.That((heat.ManualRange!.Value.Min, heat.ManualRange.Value.Max), Is.EqualTo((-4.0, 1.0)));
        Assert.That(plot.Axes.Title.Label.Text, Is.EqualTo("t"));
        Assert.That(plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>().Single().Label, Is.EqualTo("error / bound (log)"), "the colour bar says what its colours measure");
    }

    [TestCase(1, 5000, 0, 3333)]
    [TestCase(1, 5000, 0, 4999)]
    [TestCase(3, 400, 2, 201)]
    [TestCase(700, 700, 411, 9)]
    public void TheOneFailingCellOfAMapWiderThanThePictureIsDrawn(int height, int width, int row, int column)
    {
        // More cells than pixels: ScottPlot sampled them, and the infinite ratio at [0, 3333] of a 1 x 5000 strip was not
        // drawn at all; a block of cells now shows its largest ratio.
        var ratios = new double[height * width];
        ratios[row * width + column] = double.PositiveInfinity;
        var plot = Plots.HeatmapPlot(Map(ratios, height, width), "t");
        var heat = plot.GetPlottables<Heatmap>().Single();
        Assert.That(Math.Max(heat.Intensities.GetLength(0), heat.Intensities.GetLength(1)), Is.LessThanOrEqualTo(Plots.MaxDrawnSide));
        string path = Path.Combine(Dir, "wide.png");
        plot.SavePng(path, 720, Math.Clamp(200 + 18 * height, 260, 720));
        using var bitmap = SkiaSharp.SKBitmap.Decode(path);
        var at = plot.GetPixel(new Coordinates(column, height - 1 - row));
        var c = bitmap.GetPixel((int)Math.Round(at.X), (int)Math.Round(at.Y));
        Assert.That(c.Red > 150 && c.Red > c.Blue + 60, Is.True, $"the failing cell's place is drawn {c}");
        var far = plot.GetPixel(new Coordinates((column + width / 2) % width, height - 1 - (row + height / 2) % height));
        var d = bitmap.GetPixel((int)Math.Round(far.X), (int)Math.Round(far.Y));
        Assert.That(d.Blue > d.Red + 20, Is.True, $"a passing cell half the map away is blue {d}");
    }

    [Test]
    public void CellsJustBelowTheBoundStayBelowItOnTheScale()
    {
        double below = Math.BitDecrement(1.0);
        Assert.That(Math.Log10(below) + 4, Is.EqualTo(4.0), "log10 alone rounds the ratio onto the bound's position");
        var heat = Plots.HeatmapPlot(Map([below, 1.0], 1, 2), "t").GetPlottables<Heatmap>().Single();
        Assert.That(heat.Intensities[0, 0], Is.LessThan(0));
        Assert.That(heat.Intensities[0, 1], Is.EqualTo(0.0));
    }

    // The width and height a PNG declares in its IHDR chunk (big-endian, after the 8-byte signature and the chunk's length and type).
    internal static (int Width, int Height) PngSize(string path)
    {
        byte[] png = File.ReadAllBytes(path);
        Assert.That(System.Text.Encoding.ASCII.GetString(png, 12, 4), Is.EqualTo("IHDR"));
        return (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    [Test]
    public void TheHeatmapPictureIs720WideAndGrows18PixelsARowBetween260And720High()
    {
        (int, int) Size(int height)
        {
            string path = Path.Combine(Dir, $"h{height}.png");
            Plots.Heatmap(Map([.. Enumerable.Repeat(0.5, height * 2)], height, 2), "t", path);
            return PngSize(path);
        }
        // 200 + 18 per row: 218 for one row (raised to 260), 380 for 10, 560 for 20, 920 for 40 (capped at 720).
        Assert.That(new[] { Size(1), Size(10), Size(20), Size(40) }, Is.EqualTo(new[] { (720, 260), (720, 380), (720, 560), (720, 720) }));
        string histogram = Path.Combine(Dir, "hist.png");
        Plots.Histogram(Map(Ratios, 3, 4), "h", histogram);
        Assert.That(PngSize(histogram), Is.EqualTo((720, 360)));
    }

    [Test]
    public void TheScaleReachesAtLeastADecadePastTheBound()
    {
        // All small, or all infinite: the scale still shows the bound, a decade below its top.
        var small = Plots.HeatmapPlot(Map([0.1, 0.2, 0.3], 1, 3), "t").GetPlottables<Heatmap>().Single();
        Assert.That(small.ManualRange!.Value.Max, Is.EqualTo(1.0));
        var infinite = Plots.HeatmapPlot(Map([double.PositiveInfinity, double.PositiveInfinity], 1, 2), "t").GetPlottables<Heatmap>().Single();
        Assert.That(infinite.ManualRange!.Value.Max, Is.EqualTo(1.0));
        Assert.That(infinite.Intensities[0, 0], Is.EqualTo(1.0));
        var large = Plots.HeatmapPlot(Map([1e6, double.PositiveInfinity, double.NaN], 1, 3), "t").GetPlottables<Heatmap>().Single();
        Assert.That(new[] { large.ManualRange!.Value.Max, large.Intensities[0, 0], large.Intensities[0, 1], large.Intensities[0, 2] }, Is.EqualTo(new[] { 6.0, 6.0, 6.0, 6.0 }).Within(1e-12));
    }

    [Test]
    public void EveryFailingCellIsDrawnWarmAndEveryPassingCellBlueWhateverTheLargestRatio()
    {
        // 60 x 60 (too many cells to ring): one cell a million times past its bound, a diagonal 1.5 times past it, the
        // rest exact matches or just below the bound. On the old linear scale up to 1e6 the diagonal took the exact
        // matches' colour.
        const int n = 60;
        var ratios = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                ratios[i * n + j] = i == j ? 1.5 : (i + j) % 2 == 0 ? 0 : 0.999;
        ratios[3 * n + 7] = 1e6;
        var plot = Plots.HeatmapPlot(Map(ratios, n, n), "t");
        string path = Path.Combine(Dir, "warm.png");
        plot.SavePng(path, 720, 720);
        using var bitmap = SkiaSharp.SKBitmap.Decode(path);
        bool Warm(SkiaSharp.SKColor c) => c.Red > 150 && c.Red > c.Blue + 60;
        bool Blue(SkiaSharp.SKColor c) => c.Blue > c.Red + 20;
        var wrong = new List<string>();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                var px = plot.GetPixel(new Coordinates(j, n - 1 - i));
                var c = bitmap.GetPixel((int)px.X, (int)px.Y);
                bool failing = ratios[i * n + j] >= 1;
                if (failing ? !Warm(c) : !Blue(c)) wrong.Add($"({i}, {j}) ratio {ratios[i * n + j]}: {c}");
            }
        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void CellsAtOrPastTheBoundAreRingedWhereTheyAreDrawn()
    {
        var plot = Plots.HeatmapPlot(Map(Ratios, 3, 4), "t");
        var rings = plot.GetPlottables<Scatter>().Single();
        // ScottPlot draws cell (i, j) at x = j, y = height − 1 − i: row 1 of 3 is at y = 1.
        var at = rings.Data.GetScatterPoints().Select(c => (c.X, c.Y)).ToList();
        Assert.That(at, Is.EqualTo(new[] { (0.0, 1.0), (2.0, 1.0), (3.0, 1.0) }), "1.0, 5.0 and infinity; not 0.999");
        Assert.That(rings.MarkerShape, Is.EqualTo(MarkerShape.OpenCircle));
        Assert.That(rings.LineWidth, Is.Zero, "rings only, no line joining them");
        var none = Plots.HeatmapPlot(Map([0.1, 0.9], 1, 2), "t");
        Assert.That(none.GetPlottables<Scatter>(), Is.Empty, "nothing past the bound, no rings");
    }

    // A manual tick generator hands out its ticks once the plot lays out its axes.
    private static Tick[] Ticks(Plot plot)
    {
        plot.GetImage(720, 720);
        return ((ScottPlot.TickGenerators.NumericManual)plot.Axes.Left.TickGenerator).Ticks;
    }

    [Test]
    public void RowsAreLabelledFromTheTop()
    {
        var plot = Plots.HeatmapPlot(Map([.. Enumerable.Repeat(0.5, 3 * 2)], 3, 2), "t");
        var ticks = Ticks(plot);
        Assert.That(ticks.Select(t => (t.Position, t.Label)), Is.EqualTo(new[] { (2.0, "0"), (1.0, "1"), (0.0, "2") }));
        Assert.That(plot.Axes.Left.Label.Text, Is.EqualTo("row from the top"));
        // 30 rows: a label every second row, still counted from the top.
        var tall = Plots.HeatmapPlot(Map([.. Enumerable.Repeat(0.5, 30)], 30, 1), "t");
        var tallTicks = Ticks(tall);
        Assert.That(tallTicks.Select(t => t.Label), Is.EqualTo(Enumerable.Range(0, 15).Select(i => (2 * i).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.That(tallTicks[1].Position, Is.EqualTo(27.0));
        // A 1-D strip has one row and no row axis title.
        Assert.That(Plots.HeatmapPlot(Map([0.5, 0.5], 1, 2), "t").Axes.Left.Label.Text, Is.Empty);
    }

    [Test]
    public void BarsAreAsWideAsTheirBinsInAReportFromElsewhere()
    {
        // A map read from another tool's report may have other bins: bars follow its edges; a single edge gets a quarter decade.
        ErrorMap Bins(double[] edges, long[] counts) => new() { Slice = "[:]", Height = 1, Width = 1, Ratios = [0], HistogramEdges = edges, HistogramCounts = counts };
        var halves = Plots.HistogramPlot(Bins([-0.5, 0, 0.5], [1, 0, 100]), "h").GetPlottables<BarPlot>().Single().Bars;
        Assert.That(halves.Select(b => (b.Position, b.Size, b.Value)), Is.EqualTo(new[] { (-0.25, 0.45, 1.0), (0.25, 0.45, 0.0), (0.75, 0.45, 3.0) }));
        var single = Plots.HistogramPlot(Bins([0], [10]), "h").GetPlottables<BarPlot>().Single().Bars.Single();
        Assert.That((single.Position, single.Size, single.Value), Is.EqualTo((0.125, 0.225, 2.0)));
    }

    [Test]
    public void RingsShrinkAsTheMapGrowsUpTo50CellsAndAreLeftOutPastIt()
    {
        float Size(int width) => Plots.HeatmapPlot(Map([.. Enumerable.Repeat(1.0, width)], 1, width), "t").GetPlottables<Scatter>().Single().MarkerSize;
        Assert.That((Size(4), Size(30), Size(50)), Is.EqualTo((14f, 10f, 6f)), "300 points over the longer side, at most 14");
        Assert.That(Plots.HeatmapPlot(Map([.. Enumerable.Repeat(1.0, 51)], 1, 51), "t").GetPlottables<Scatter>(), Is.Empty, "51 cells: no rings");
        Assert.That(Plots.HeatmapPlot(Map([.. Enumerable.Repeat(1.0, 51 * 2)], 51, 2), "t").GetPlottables<Scatter>(), Is.Empty, "51 rows: no rings");
        Assert.That((Plots.Rings(Map([.. Enumerable.Repeat(1.0, 50)], 50, 1)), Plots.Rings(Map([.. Enumerable.Repeat(1.0, 51)], 1, 51))), Is.EqualTo((true, false)));
        Assert.That(Plots.HeatmapPlot(Map(Ratios, 3, 4), "t").Axes.Bottom.Label.Text, Is.EqualTo("column (last dim)"));
    }

    // The share of white pixels in the plot's data area once saved: a white ring drawn over a cell hides its colour.
    private string SavedWhiteShare(Plot plot, int width, int height, out double share)
    {
        string path = Path.Combine(Dir, $"w{width}x{height}.png");
        plot.SavePng(path, width, height);
        // The cells' own rectangle, without the margins the axes leave around them (cell (0, 0) is centred on the origin).
        var cells = plot.GetPlottables<Heatmap>().SingleOrDefault()?.GetAlignedExtent();
        var rect = cells is not { } r ? plot.LastRender.DataRect : new PixelRect(
            plot.GetPixel(new Coordinates(r.Left, r.Top)), plot.GetPixel(new Coordinates(r.Right, r.Bottom)));
        using var bitmap = SkiaSharp.SKBitmap.Decode(path);
        Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((width, height)));
        int white = 0, all = 0;
        for (int y = (int)rect.Top + 2; y < (int)rect.Bottom - 2; y++)
            for (int x = (int)rect.Left + 2; x < (int)rect.Right - 2; x++)
            {
                all++;
                var c = bitmap.GetPixel(x, y);
                if (c.Red > 240 && c.Green > 240 && c.Blue > 240) white++;
            }
        share = white / (double)all;
        return path;
    }

    [TestCase(1, 1024)]
    [TestCase(200, 200)]
    [TestCase(60, 60)]
    public void ALargeSliceFailingEverywhereShowsItsColours(int height, int width)
    {
        // Every cell past the bound (3 x): a ring on each cell 0.5 pixels wide covered the colours it marked (white rings drew a
        // 1 x 1024 strip all white and 200 x 200 mostly white). Too many cells to ring leaves the colours alone.
        var map = Map([.. Enumerable.Range(0, height * width).Select(k => 2 + k % 3 / 2.0)], height, width);
        SavedWhiteShare(Plots.HeatmapPlot(map, "t"), 720, Math.Clamp(200 + 18 * height, 260, 720), out double share);
        Assert.That(share, Is.LessThan(0.02), $"{height} x {width}: the data area is coloured, not white");
        Assert.That(Plots.Rings(map), Is.False);
    }

    [Test]
    public void LongTitlesFitThePicture()
    {
        // A report's case id of 71 characters: its heatmap's title ran off the picture's left edge, its histogram's off the right.
        const string id = "mb1ic3ih5oc4oh3kh3ph0n__script_alert_1___script__-5c140d35__f32_integer";
        var map = Map(Ratios, 3, 4);
        foreach (var (plot, name) in new[] { (Plots.HeatmapPlot(map, $"{id} y [0, 2, :, :]: error/bound"), "heatmap"), (Plots.HistogramPlot(map, $"{id} y: error/bound of every element"), "histogram") })
        {
            string path = SavedWhiteShare(plot, 720, 360, out _);
            using var bitmap = SkiaSharp.SKBitmap.Decode(path);
            int top = (int)plot.LastRender.DataRect.Top;
            // Dark pixels (text) in the title's band at the picture's left or right edge: a title cut there.
            var cut = new List<(int, int)>();
            for (int y = 0; y < top - 4; y++)
                foreach (int x in new[] { 0, 1, 2, 717, 718, 719 })
                    if (bitmap.GetPixel(x, y) is var c && c.Red < 128 && c.Green < 128 && c.Blue < 128) cut.Add((x, y));
            Assert.That(cut, Is.Empty, $"{name}: the title reaches the picture's edge");
            Assert.That(plot.Axes.Title.Label.Text.Replace("\n", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal),
                Is.EqualTo(name == "heatmap" ? $"{id}y[0,2,:,:]:error/bound" : $"{id}y:error/boundofeveryelement"), $"{name}: nothing is lost");
        }
    }

    [Test]
    public void ATitleTooLongForThreeLinesKeepsTheStartAndEndOfItsLongestWord()
    {
        string id = "mb1ic1ih4oc1kh3n_" + new string('x', 300) + "_1234abcd__f32_integer";
        string title = Plots.FitTitle($"{id} dx [0, 0, :, :]: error/bound");
        string[] lines = title.Split('\n');
        Assert.That(lines.Select(l => l.Length), Has.All.LessThanOrEqualTo(Plots.TitleLine));
        Assert.That(lines, Has.Length.LessThanOrEqualTo(3), title);
        string joined = title.Replace("\n", "", StringComparison.Ordinal);
        Assert.That(joined, Does.StartWith("mb1ic1ih4oc1kh3n_xxx").And.Contain("...").And.Contain("x_1234abcd__f32_integer"), title);
        Assert.That(title.Replace('\n', ' '), Does.EndWith("_f32_integer dx [0, 0, :, :]: error/bound"), "the words after the id are whole");
        Assert.That(Plots.FitTitle("t"), Is.EqualTo("t"), "a short title stays as it is");
    }

    [Test]
    public void TheHistogramHasABarPerBinRedFromTheBoundOn()
    {
        var map = Map(Ratios, 3, 4);
        var plot = Plots.HistogramPlot(map, "h");
        var bars = plot.GetPlottables<BarPlot>().Single().Bars;
        Assert.That(bars, Has.Count.EqualTo(map.HistogramEdges.Length));
        for (int i = 0; i < bars.Count; i++)
        {
            double edge = map.HistogramEdges[i];
            Assert.That(bars[i].Position, Is.EqualTo(edge + 0.125).Within(1e-12), $"bar {i} centred in its quarter decade");
            Assert.That(bars[i].Size, Is.EqualTo(0.225).Within(1e-12));
            long count = map.HistogramCounts[i];
            // 1 + log10(count) by hand for the counts this map's bins hold (100 in the test below); an empty bin has no bar.
            double[] heightOfCount = [0, 1, 1.3010299956639813, 1.4771212547196624];
            Assert.That(count, Is.LessThan(heightOfCount.Length), $"bar {i}: a count this table has");
            Assert.That(bars[i].Value, Is.EqualTo(heightOfCount[count]).Within(1e-12), $"bar {i}: {count} elements");
            Assert.That(bars[i].FillColor, Is.EqualTo(edge >= 0 ? Colors.Red : Colors.SteelBlue), $"bar {i} at log10 {edge}");
        }
        // The elements counted: 12, of which 4 at or past the bound (1.0, 5.0, infinity in the red bins; 0.999 below).
        Assert.That(map.HistogramCounts.Sum(), Is.EqualTo(12));
        Assert.That(map.HistogramCounts.Where((c, i) => map.HistogramEdges[i] >= 0).Sum(), Is.EqualTo(3));
        var bound = plot.GetPlottables<VerticalLine>().Single();
        Assert.That((bound.X, bound.LegendText), Is.EqualTo((0.0, "the bound")), "the bound is marked at log10 = 0");
        Assert.That(plot.Axes.Title.Label.Text, Is.EqualTo("h"));
        Assert.That(plot.Axes.Bottom.Label.Text, Is.EqualTo("log10(error / bound): first bin also exact matches, last also infinite"));
        Assert.That(plot.Axes.Left.Label.Text, Is.EqualTo("1 + log10(count)"));
    }
}
