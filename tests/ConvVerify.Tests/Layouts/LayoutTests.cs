using ConvVerify.Layouts;

namespace ConvVerify.Tests.Layouts;

public class LayoutTests
{
    [Test]
    public void ChannelsLastPlacesChannelInnermost()
    {
        // NCHW (1, 2, 1, 3): channel 0 = 0,1,2; channel 1 = 10,11,12 → NHWC interleaves them.
        int[] nchw = [0, 1, 2, 10, 11, 12];
        Assert.That(Layout.ToChannelsLast<int>(nchw, [1, 2, 1, 3]), Is.EqualTo(new[] { 0, 10, 1, 11, 2, 12 }));
    }

    [TestCase(new[] { 2, 3, 4 })]
    [TestCase(new[] { 2, 3, 4, 5 })]
    [TestCase(new[] { 1, 2, 3, 4, 5 })]
    public void ChannelsLastRoundTripIsExact(int[] shape)
    {
        var data = Enumerable.Range(0, shape.Aggregate((a, b) => a * b)).Select(i => i * 0.1f).ToArray();
        var back = Layout.FromChannelsLast<float>(Layout.ToChannelsLast<float>(data, shape), shape);
        Assert.That(back, Is.EqualTo(data));
    }

    [Test]
    public void QuestionLayoutsRoundTripAndIndexAsDocumented()
    {
        var hwc = Enumerable.Range(0, 5 * 4 * 3).Select(i => (double)i).ToArray();
        var chw = Layout.FromHwc<double>(hwc, 5, 4, 3);
        Assert.That(chw[(2 * 5 + 3) * 4 + 1], Is.EqualTo(hwc[(3 * 4 + 1) * 3 + 2]), "x_chw[c=2,h=3,w=1] = x_hwc[h=3,w=1,c=2]");
        Assert.That(Layout.ToHwc<double>(chw, 3, 5, 4), Is.EqualTo(hwc));
        var hwio = Enumerable.Range(0, 3 * 2 * 3 * 16).Select(i => (double)i).ToArray();
        var oihw = Layout.FromHwio<double>(hwio, 3, 2, 3, 16);
        Assert.That(oihw[((7 * 3 + 1) * 3 + 2) * 2 + 1], Is.EqualTo(hwio[((2 * 2 + 1) * 3 + 1) * 16 + 7]), "w[f=7,c=1,kh=2,kw=1]");
        Assert.That(Layout.ToHwio<double>(oihw, 16, 3, 3, 2), Is.EqualTo(hwio));
    }

    [Test]
    public void BadPermutationOrShapeIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Layout.Permute<int>(new int[6], [2, 3], [0, 0]));
        Assert.That(e!.Message, Does.Contain("(0, 0) is not a permutation"));
        e = Assert.Throws<ArgumentException>(() => Layout.Permute<int>(new int[5], [2, 3], [1, 0]));
        Assert.That(e!.Message, Does.Contain("has 5 elements, shape (2, 3) needs 6"));
        // A negative extent is named even where the product would come out right: (−2)·(−3) is 6.
        e = Assert.Throws<ArgumentException>(() => Layout.Permute<int>(new int[6], [-2, -3], [1, 0]));
        Assert.That((e!.Message, e.ParamName), Is.EqualTo(("shape: negative extent in (-2, -3) (Parameter 'shape')", "shape")));
        Assert.That(Layout.Permute<int>([], [0, 3], [1, 0]), Is.Empty, "a zero extent is an empty tensor, not an error");
        Assert.That(() => Layout.Permute<int>(new int[6], null!, [1, 0]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("shape"));
        Assert.That(() => Layout.Permute<int>(new int[6], [2, 3], null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("perm"));
        Assert.That(() => Layout.FromChannelsLast<int>(new int[6], null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("ncsShape"));
    }

    [Test]
    public void ChannelsLastWithoutAChannelDimIsNamed()
    {
        // The probe: a null shape was a NullReferenceException, one of fewer than 2 dims an error about "count" or an IndexOutOfRangeException.
        Assert.That(() => Layout.ToChannelsLast<int>(new int[1], null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("shape"));
        var e = Assert.Throws<ArgumentException>(() => Layout.ToChannelsLast<int>(new int[3], [3]))!;
        Assert.That((e.Message, e.ParamName), Is.EqualTo(("shape: channels-last needs (N, C, spatial...), at least 2 dims, got (3,) (Parameter 'shape')", "shape")));
        e = Assert.Throws<ArgumentException>(() => Layout.FromChannelsLast<int>(new int[3], [3]))!;
        Assert.That((e.Message, e.ParamName), Is.EqualTo(("ncsShape: channels-last needs (N, C, spatial...), at least 2 dims, got (3,) (Parameter 'ncsShape')", "ncsShape")));
        Assert.That(() => Layout.FromChannelsLast<int>(new int[1], []), Throws.ArgumentException.With.Property("ParamName").EqualTo("ncsShape"));
        Assert.That(Layout.ToChannelsLast<int>([1, 2], [1, 2]), Is.EqualTo(new[] { 1, 2 }), "(N, C) alone is its own channels-last form");
    }

    [Test]
    public void AShapeWhoseCountWrapsIsRefusedNotMatchedToAnEmptySpan()
    {
        // The probe: 65536^4 = 2^64 wrapped to 0 in long, so an empty span "matched" the shape and an empty array came back.
        var e = Assert.Throws<ArgumentException>(() => Layout.Permute<int>([], [65536, 65536, 65536, 65536], [3, 2, 1, 0]))!;
        Assert.That((e.Message, e.ParamName), Is.EqualTo(($"shape: (65536, 65536, 65536, 65536) holds more elements than a .NET array can ({Array.MaxLength}) (Parameter 'shape')", "shape")));
        Assert.That(Layout.Permute<int>([], [int.MaxValue, int.MaxValue, int.MaxValue, 0], [3, 2, 1, 0]), Is.Empty, "a zero extent still makes any shape empty");
    }
}
