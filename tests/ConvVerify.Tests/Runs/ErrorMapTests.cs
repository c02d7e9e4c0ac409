using ConvVerify.Runs;

namespace ConvVerify.Tests.Runs;

/// <summary>The map of a failing direction: which slice it shows for each rank, and the histogram's bins at their edges.</summary>
public class ErrorMapTests
{
    // Ratios numbered by flat index, so a slice's values say where it was cut.
    private static double[] Numbered(int count) => [.. Enumerable.Range(0, count).Select(i => (double)i)];

    [Test]
    public void A2DMapIsThePlaneOfTheWorstElementsBatchAndChannel()
    {
        // Shape (2, 3, 4, 5), worst at [1, 2, 3, 4]: the plane starts at (1·3 + 2)·20 = 100.
        var m = ErrorMap.From(Numbered(120), [2, 3, 4, 5], [1, 2, 3, 4]);
        Assert.That((m.Slice, m.Height, m.Width), Is.EqualTo(("[1, 2, :, :]", 4, 5)));
        Assert.That(m.Ratios, Is.EqualTo(Enumerable.Range(100, 20).Select(i => (double)i)));
        var first = ErrorMap.From(Numbered(120), [2, 3, 4, 5], [0, 1, 0, 0]);
        Assert.That((first.Slice, first.Ratios[0]), Is.EqualTo(("[0, 1, :, :]", 20.0)));
    }

    [Test]
    public void A1DMapIsAStripAndA3DMapTheDepthSliceOfTheWorstElement()
    {
        // (2, 3, 5), worst at [1, 2, 4]: the strip starts at (1·3 + 2)·5 = 25.
        var strip = ErrorMap.From(Numbered(30), [2, 3, 5], [1, 2, 4]);
        Assert.That((strip.Slice, strip.Height, strip.Width), Is.EqualTo(("[1, 2, :]", 1, 5)));
        Assert.That(strip.Ratios, Is.EqualTo(new double[] { 25, 26, 27, 28, 29 }));
        // (1, 2, 3, 4, 5), worst at [0, 1, 2, 3, 4]: depth 2 of channel 1 starts at ((0·2 + 1)·3 + 2)·20 = 100.
        var depth = ErrorMap.From(Numbered(120), [1, 2, 3, 4, 5], [0, 1, 2, 3, 4]);
        Assert.That((depth.Slice, depth.Height, depth.Width), Is.EqualTo(("[0, 1, 2, :, :]", 4, 5)));
        Assert.That(depth.Ratios, Is.EqualTo(Enumerable.Range(100, 20).Select(i => (double)i)));
    }

    [Test]
    public void TheHistogramHasQuarterDecadeBinsFromATenThousandthToTenThousandTimesTheBound()
    {
        var m = ErrorMap.From([0, -1, 1e-5, 1e-4, 0.9, 1, 1e4, 1e5, double.PositiveInfinity, double.NaN], [1, 1, 1, 10], [0, 0, 0, 0]);
        Assert.That(m.HistogramEdges, Has.Length.EqualTo(33));
        Assert.That((m.HistogramEdges[0], m.HistogramEdges[1], m.HistogramEdges[16], m.HistogramEdges[32]), Is.EqualTo((-4.0, -3.75, 0.0, 4.0)));
        var expected = new long[33];
        expected[0] = 4;  // 0 (an exact match), a negative ratio, 1e-5 (below the first edge) and 1e-4 (on it)
        expected[15] = 1; // 0.9: log10 = -0.046, in [-0.25, 0)
        expected[16] = 1; // 1: on the edge 0
        expected[32] = 4; // 1e4 on the last edge, 1e5 above it, infinity and NaN
        Assert.That(m.HistogramCounts, Is.EqualTo(expected));
    }

    [Test]
    public void NullArgumentsAreRefusedByName()
    {
        Assert.That(Assert.Throws<ArgumentNullException>(() => ErrorMap.From(null!, [1], [0]))!.ParamName, Is.EqualTo("ratios"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => ErrorMap.From([0], null!, [0]))!.ParamName, Is.EqualTo("shape"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => ErrorMap.From([0], [1], null!))!.ParamName, Is.EqualTo("worst"));
    }
}
