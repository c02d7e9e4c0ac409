using ConvVerify.Problems;
using ConvVerify.Reports;

namespace ConvVerify.Tests.Reports;

/// <summary>The picture of M: drawn up to its limit of entries inclusive, refused past it with the sizes named.</summary>
public class MatrixPictureTests : TempFolderTest
{
    [Test]
    public void MOfExactlyTheLimitIsAllowedAndOneColumnMoreIsRefused()
    {
        // 1-D, one channel, a 1-tap kernel: M is the 1024 x 1024 identity, 2^20 entries (checked, not drawn: 4 s of plotting).
        var atLimit = BenchdnnDescriptor.Parse("mb1ic1iw1024oc1kw1");
        Assert.That((long)atLimit.YSize * atLimit.XSize, Is.EqualTo(MatrixPicture.MaxEntries));
        Assert.That(() => MatrixPicture.CheckSize(atLimit), Throws.Nothing);

        // Two taps over 1025 inputs: 1024 x 1025.
        var past = BenchdnnDescriptor.Parse("mb1ic1iw1025oc1kw2");
        Assert.That(() => MatrixPicture.Write(past, Path.Combine(Dir, "past.png")),
            Throws.ArgumentException.With.Message.Contains("is 1024 x 1025, more than the 1048576 entries"));
        Assert.That(File.Exists(Path.Combine(Dir, "past.png")), Is.False, "nothing is written for a refused problem");
    }

    [Test]
    public void ASmallMIsDrawn()
    {
        string png = Path.Combine(Dir, "m.png");
        MatrixPicture.Write(BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3"), png);
        Assert.That(File.ReadAllBytes(png).Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
    }

    [Test]
    public void EachEntryShowsTheWeightItHoldsAndZerosAreBlank()
    {
        // The answer's example: a 4x4 image, one 3x3 filter, 2x2 outputs; M is 4 x 16 and row r holds weights 1…9
        // (flat index + 1) at the columns of output r's window.
        var (plot, _, _) = MatrixPicture.Plot(BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3"));
        var heat = plot.GetPlottables<ScottPlot.Plottables.Heatmap>().Single();
        Assert.That((heat.Intensities.GetLength(0), heat.Intensities.GetLength(1)), Is.EqualTo((4, 16)));
        int[][] windows = [[0, 1, 2, 4, 5, 6, 8, 9, 10], [1, 2, 3, 5, 6, 7, 9, 10, 11], [4, 5, 6, 8, 9, 10, 12, 13, 14], [5, 6, 7, 9, 10, 11, 13, 14, 15]];
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 16; c++)
            {
                int k = Array.IndexOf(windows[r], c);
                if (k < 0) Assert.That(double.IsNaN(heat.Intensities[r, c]), Is.True, $"({r}, {c}) is a zero, drawn blank");
                else Assert.That(heat.Intensities[r, c], Is.EqualTo(k + 1.0), $"({r}, {c}) holds weight {k}");
            }
        Assert.That(heat.NaNCellColor, Is.EqualTo(ScottPlot.Colors.White));
        Assert.That(plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>().Single().Label, Is.EqualTo("weight (flat index + 1)"), "the colour bar says what its colours are");
        Assert.That(plot.Axes.Title.Label.Text, Does.EndWith(": 4 x 16, 36 non-zero entries sharing 9 weights"));
        Assert.That(plot.Axes.Bottom.Label.Text, Is.EqualTo("column: element of x (flat)"));
        Assert.That(plot.Axes.Left.Label.Text, Is.EqualTo("row: element of h (flat, from the top)"));
        plot.GetImage(640, 360);
        var ticks = ((ScottPlot.TickGenerators.NumericManual)plot.Axes.Left.TickGenerator).Ticks;
        Assert.That(ticks.Select(t => (t.Position, t.Label)), Is.EqualTo(new[] { (3.0, "0"), (2.0, "1"), (1.0, "2"), (0.0, "3") }), "rows counted from the top");
    }

    [Test]
    public void TheAxesEndAtMsEdgesAndTheColourBarNamesWholeWeights()
    {
        // Autoscaled, the axes ran past M into blank bands, and the colour bar of weights 1..9 had ticks at 0.5 steps.
        var (plot, width, height) = MatrixPicture.Plot(BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3"));
        plot.GetImage(width, height);
        var limits = plot.Axes.GetLimits();
        Assert.That((limits.Left, limits.Right, limits.Bottom, limits.Top), Is.EqualTo((-0.5, 15.5, -0.5, 3.5)), "M's 16 columns and 4 rows, cells centred on whole numbers");
        var bar = plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>().Single();
        var ticks = bar.Axis.TickGenerator.Ticks.Where(t => t.IsMajor).ToList();
        Assert.That(ticks, Is.Not.Empty);
        Assert.That(ticks.Select(t => t.Position), Has.All.Matches<double>(v => v == Math.Round(v)), "a tick on every whole weight, none between");
    }

    [Test]
    public void ATallMIsLabelledEveryFewRowsDownToItsLastRowAndNoFurther()
    {
        // 24 rows: a label every second row, 0 at the top … 22 one row above the bottom; none for a row 24 below the picture's last.
        var (plot, width, height) = MatrixPicture.Plot(BenchdnnDescriptor.Parse("mb1ic1iw24oc1kw1"));
        plot.GetImage(width, height);
        var ticks = ((ScottPlot.TickGenerators.NumericManual)plot.Axes.Left.TickGenerator).Ticks;
        Assert.That(ticks.Select(t => (t.Position, t.Label)), Is.EqualTo(Enumerable.Range(0, 12).Select(i => (23.0 - 2 * i, (2 * i).ToString(System.Globalization.CultureInfo.InvariantCulture)))));
    }

    [Test]
    public void ThePictureGrowsWithMBetweenItsBounds()
    {
        var (_, w4, h4) = MatrixPicture.Plot(BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3"));
        var (_, w60, h60) = MatrixPicture.Plot(BenchdnnDescriptor.Parse("mb1ic1iw60oc1kw1"));
        var (_, w300, h300) = MatrixPicture.Plot(BenchdnnDescriptor.Parse("mb1ic1iw300oc1kw1"));
        Assert.That((w4, h4), Is.EqualTo((640, 360)), "a small M gets the smallest picture");
        Assert.That(w60, Is.InRange(641, 2399));
        Assert.That(h60, Is.InRange(361, 2399));
        Assert.That((w300, h300), Is.EqualTo((2400, 2400)), "a large M is capped");
    }

    [Test]
    public void ANullProblemIsRefusedByName() =>
        Assert.That(() => MatrixPicture.Write(null!, Path.Combine(Dir, "m.png")), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("p"));
}
