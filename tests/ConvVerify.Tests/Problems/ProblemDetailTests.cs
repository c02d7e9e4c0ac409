using ConvVerify.Problems;

namespace ConvVerify.Tests.Problems;

/// <summary>
/// What a problem derives from its fields (shapes, sizes, multiply-adds, letters), the parameter each error names, and
/// that every field takes part in equality: worked out by hand on small problems.
/// </summary>
public class ProblemDetailTests
{
    // g2, mb3, 4 → 6 channels, 5x7 input, 3x2 kernel, stride 1x2, no padding: output (5−3)/1+1 = 3 by (7−2)/2+1 = 3.
    private static ConvProblem Sample(bool bias = true) => new(3, 2, 4, 6, [5, 7], [3, 2], stride: [1, 2], hasBias: bias);

    [Test]
    public void ShapesSizesAndMultiplyAdds()
    {
        var p = Sample();
        Assert.Multiple(() =>
        {
            Assert.That(p.Output, Is.EqualTo(new[] { 3, 3 }));
            Assert.That(p.XShape, Is.EqualTo(new[] { 3, 4, 5, 7 }));
            Assert.That(p.WShape, Is.EqualTo(new[] { 6, 2, 3, 2 }));
            Assert.That(p.BShape, Is.EqualTo(new[] { 6 }));
            Assert.That(p.YShape, Is.EqualTo(new[] { 3, 6, 3, 3 }));
            Assert.That((p.XSize, p.WSize, p.BSize, p.YSize), Is.EqualTo((420, 72, 6, 162)));
            Assert.That(Sample(bias: false).BSize, Is.Zero);
            // N·OC·Π(out)·(IC/G)·Π(k) = 3·6·9·2·6
            Assert.That(p.MultiplyAdds, Is.EqualTo(1944L));
            Assert.That(new ConvProblem(1, 1, 1, 1, [4], [1]).DimLetters, Is.EqualTo("w"));
            Assert.That(p.DimLetters, Is.EqualTo("hw"));
            Assert.That(new ConvProblem(1, 1, 1, 1, [2, 2, 2], [1, 1, 1]).DimLetters, Is.EqualTo("dhw"));
        });
    }

    [Test]
    public void MultiplyAddsDoNotOverflowAnInt()
    {
        // 2^31 and more: 64·64·(256·256)·64·9 = 2.4e11.
        var p = new ConvProblem(64, 1, 64, 64, [256, 256], [3, 3], padBegin: [1, 1]);
        Assert.That(p.MultiplyAdds, Is.EqualTo(64L * 64 * 256 * 256 * 64 * 9));
    }

    [Test]
    public void CopiesChangeOneFieldAndKeepTheRest()
    {
        var p = Sample().WithName("s");
        Assert.Multiple(() =>
        {
            Assert.That(p.WithDType(DType.Float64), Is.EqualTo(new ConvProblem(3, 2, 4, 6, [5, 7], [3, 2], stride: [1, 2], dtype: DType.Float64, name: "s")));
            Assert.That(p.WithBias(false), Is.EqualTo(new ConvProblem(3, 2, 4, 6, [5, 7], [3, 2], stride: [1, 2], hasBias: false, name: "s")));
            Assert.That(p.WithMb(1), Is.EqualTo(new ConvProblem(1, 2, 4, 6, [5, 7], [3, 2], stride: [1, 2], name: "s")));
            Assert.That(p.WithName(null), Is.EqualTo(Sample()));
            Assert.That(p.WithName("").Name, Is.Null, "an empty name is no name");
        });
    }

    private static IEnumerable<TestCaseData> OneFieldDiffers()
    {
        var a = new ConvProblem(1, 1, 2, 2, [6, 6], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], true, DType.Float32, "n");
        yield return new TestCaseData(a, new ConvProblem(2, 1, 2, 2, [6, 6], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], true, DType.Float32, "n")).SetArgDisplayNames("mb");
        yield return new TestCaseData(a, new ConvProblem(1, 2, 2, 2, [6, 6], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], true, DType.Float32, "n")).SetArgDisplayNames("groups");
        yield return new TestCaseData(a, new ConvProblem(1, 1, 4, 2, [6, 6], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], true, DType.Float32, "n")).SetArgDisplayNames("ic");
        yield return new TestCaseData(a, new ConvProblem(1, 1, 2, 4, [6, 6], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], true, DType.Float32, "n")).SetArgDisplayNames("oc");
        yield return new TestCaseData(a, new ConvProblem(1, 1, 2, 2, [6, 7], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], true, DType.Float32, "n")).SetArgDisplayNames("input");
        yield return new TestCaseData(a, new ConvProblem(1, 1, 2, 2, [6, 6], [3, 1], [1, 1], [1, 1], [1, 1], [1, 1], true, DType.Float32, "n")).SetArgDisplayNames("kernel");
        yield return new TestCaseData(a, new ConvProblem(1, 1, 2, 2, [6, 6], [3, 3], [1, 2], [1, 1], [1, 1], [1, 1], true, DType.Float32, "n")).SetArgDisplayNames("stride");
        yield return new TestCaseData(a, new ConvProblem(1, 1, 2, 2, [6, 6], [3, 3], [1, 1], [0, 1], [1, 1], [1, 1], true, DType.Float32, "n")).SetArgDisplayNames("padBegin");
        yield return new TestCaseData(a, new ConvProblem(1, 1, 2, 2, [6, 6], [3, 3], [1, 1], [1, 1], [1, 0], [1, 1], true, DType.Float32, "n")).SetArgDisplayNames("padEnd");
        yield return new TestCaseData(a, new ConvProblem(1, 1, 2, 2, [6, 6], [3, 3], [1, 1], [1, 1], [1, 1], [2, 1], true, DType.Float32, "n")).SetArgDisplayNames("dilation");
        yield return new TestCaseData(a, new ConvProblem(1, 1, 2, 2, [6, 6], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], false, DType.Float32, "n")).SetArgDisplayNames("bias");
        yield return new TestCaseData(a, new ConvProblem(1, 1, 2, 2, [6, 6], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], true, DType.BFloat16, "n")).SetArgDisplayNames("dtype");
        yield return new TestCaseData(a, new ConvProblem(1, 1, 2, 2, [6, 6], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], true, DType.Float32, "m")).SetArgDisplayNames("name");
        yield return new TestCaseData(a, new ConvProblem(1, 1, 2, 2, [36], [3], [1], [1], [1], [1], true, DType.Float32, "n")).SetArgDisplayNames("rank");
    }

    [TestCaseSource(nameof(OneFieldDiffers))]
    public void EveryFieldTakesPartInEquality(ConvProblem a, ConvProblem b)
    {
        Assert.That(a.Equals(b), Is.False);
        Assert.That(a.Equals((object)b), Is.False);
        Assert.That(a.Equals(new ConvProblem(1, 1, 2, 2, [6, 6], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], true, DType.Float32, "n")), Is.True);
        Assert.That(a.Equals((object)"n"), Is.False);
        // Last: the compiler takes an Equals(null) for a null test of a.
        Assert.That(a.Equals((ConvProblem?)null), Is.False);
    }

    [Test]
    public void TheHashFollowsEveryField()
    {
        // Not a promise of distinct hashes, but a hash that ignores a field would collide on all of these.
        var hashes = OneFieldDiffers().Select(c => ((ConvProblem)c.Arguments[1]!).GetHashCode()).ToList();
        hashes.Add(((ConvProblem)OneFieldDiffers().First().Arguments[0]!).GetHashCode());
        Assert.That(hashes.Distinct().Count(), Is.EqualTo(hashes.Count));
    }

    private static IEnumerable<TestCaseData> ParamNames()
    {
        yield return new TestCaseData((TestDelegate)(() => _ = new ConvProblem(0, 1, 1, 1, [3], [1])), "mb");
        yield return new TestCaseData((TestDelegate)(() => _ = new ConvProblem(1, 0, 1, 1, [3], [1])), "groups");
        yield return new TestCaseData((TestDelegate)(() => _ = new ConvProblem(1, 2, 3, 2, [3], [1])), "ic");
        yield return new TestCaseData((TestDelegate)(() => _ = new ConvProblem(1, 2, 2, 3, [3], [1])), "oc");
        yield return new TestCaseData((TestDelegate)(() => _ = new ConvProblem(1, 1, 1, 1, [0], [1])), "iw");
        yield return new TestCaseData((TestDelegate)(() => _ = new ConvProblem(1, 1, 1, 1, [Array.MaxLength], [1], padBegin: [1], padEnd: [0])), "input");
        yield return new TestCaseData((TestDelegate)(() => _ = new ConvProblem(1, 1, 1, 1, [3], [0])), "kw");
        yield return new TestCaseData((TestDelegate)(() => _ = new ConvProblem(1, 1, 1, 1, [3], [1], stride: [0])), "stride");
        yield return new TestCaseData((TestDelegate)(() => _ = new ConvProblem(1, 1, 1, 1, [3], [1], dilation: [0])), "dilation");
        yield return new TestCaseData((TestDelegate)(() => _ = new ConvProblem(1, 1, 1, 1, [3], [1], padBegin: [-1])), "padBegin");
        yield return new TestCaseData((TestDelegate)(() => _ = new ConvProblem(1, 1, 1, 1, [3], [1], padEnd: [-4])), "padEnd");
        yield return new TestCaseData((TestDelegate)(() => _ = new ConvProblem(1, 1, 1, 1, [3], [5])), "kernel");
        yield return new TestCaseData((TestDelegate)(() => _ = new ConvProblem(1, 1, 1, 1, [3], [1, 1])), "kernel");
        yield return new TestCaseData((TestDelegate)(() => _ = new ConvProblem(1, 1, 1, 1, [3], [1], padEnd: [0, 0])), "padEnd");
        yield return new TestCaseData((TestDelegate)(() => _ = new ConvProblem(1, 1, 1, 1, [3, 3, 3, 3], [1, 1, 1, 1])), "input");
        yield return new TestCaseData((TestDelegate)(() => _ = new ConvProblem(1, 1, 1, 1, [3], [1], dtype: (DType)9)), "dtype");
        yield return new TestCaseData((TestDelegate)(() => ConvProblem.WithPadding((PaddingMode)9, 1, 1, 1, 1, [3], [1])), "padding");
        yield return new TestCaseData((TestDelegate)(() => ConvProblem.WithPadding(PaddingMode.Same, 1, 1, 1, 1, [3, 3], [1, 1], stride: [1, 2])), "stride");
    }

    [TestCaseSource(nameof(ParamNames))]
    public void EachErrorNamesItsParameter(TestDelegate make, string param)
    {
        var e = Assert.Catch<ArgumentException>(make)!;
        Assert.That(e.ParamName, Is.EqualTo(param), e.Message);
    }

    [Test]
    public void ARankOutsideOneToThreeSaysHowManyExtentsItGot()
    {
        Assert.That(() => new ConvProblem(1, 1, 1, 1, [3, 3, 3, 3], [1, 1, 1, 1]),
            Throws.ArgumentException.With.Message.StartsWith("input: spatial rank must be 1, 2 or 3, got 4 extents"));
        Assert.That(() => new ConvProblem(1, 1, 1, 1, [], []), Throws.ArgumentException.With.Message.StartsWith("input: spatial rank must be 1, 2 or 3, got 0 extents"));
        Assert.That(new ConvProblem(1, 1, 1, 1, [3, 3, 3], [1, 1, 1]).Rank, Is.EqualTo(3));
    }

    [Test]
    public void AnUnknownPaddingModeIsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => ConvProblem.WithPadding((PaddingMode)9, 1, 1, 1, 1, [3], [1]))!;
        Assert.That(e.Message, Does.StartWith("padding: unknown mode 9"));
    }

    [Test]
    public void SamePaddingReachesEveryDimension()
    {
        // The stride check looks at every dim, not only the first; and a 3-D kernel is padded in all three.
        Assert.That(() => ConvProblem.WithPadding(PaddingMode.Same, 1, 1, 1, 1, [5, 5, 5], [3, 3, 3], stride: [1, 1, 2]),
            Throws.ArgumentException.With.Message.Contains("(1, 1, 2)"));
        var p = ConvProblem.WithPadding(PaddingMode.Same, 1, 1, 1, 1, [5, 5, 5], [3, 5, 2], stride: [1, 1, 1], dilation: [1, 1, 2]);
        Assert.That(p.PadBegin, Is.EqualTo(new[] { 1, 2, 1 }));
        Assert.That(p.PadEnd, Is.EqualTo(new[] { 1, 2, 1 }));
        Assert.That(p.Output, Is.EqualTo(new[] { 5, 5, 5 }));
    }

    [TestCase(1, 1, 100_000, 100_000, 1000, 1000, "w", "w: shape (100000, 100000, 1000) holds more elements than a .NET array can")]
    [TestCase(1, 1, 1, 100_000, 100_000, 1, "y", "y: shape (1, 100000, 100000) holds more elements than a .NET array can")]
    [TestCase(100_000, 1, 100_000, 1, 1, 1, "x", "x: shape (100000, 100000, 1) holds more elements than a .NET array can")]
    public void ATensorTooLargeForAnArrayIsNamed(int mb, int g, int ic, int oc, int input, int kernel, string tensor, string message)
    {
        var e = Assert.Throws<ProblemTooLargeException>(() => _ = new ConvProblem(mb, g, ic, oc, [input], [kernel]))!;
        Assert.That(e.ParamName, Is.EqualTo(tensor));
        Assert.That(e.Message, Does.StartWith(message));
    }

    [Test]
    public void TheWeightsSizeCountsChannelsPerGroup()
    {
        // w is (OC, IC/G, k): 65536 groups of one channel hold 65536 weights, not 65536³.
        var p = new ConvProblem(1, 65536, 65536, 65536, [1], [1]);
        Assert.That(p.WSize, Is.EqualTo(65536));
        // 1024 groups of one channel and four taps: 4096 weights; counted as all channels they would be 2^32, past any array.
        Assert.That(new ConvProblem(1, 1024, 1024, 1024, [4], [4]).WSize, Is.EqualTo(4096));
    }

    [Test]
    public void AKernelLargerThanThePaddedInputSaysByHowMuch()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new ConvProblem(1, 1, 1, 1, [3], [3], padBegin: [0], padEnd: [-1], dilation: [2]))!;
        Assert.That(e.Message, Does.StartWith("kw: dilated kernel extent 5 (k=3, dilation=2) exceeds the padded input 2 (i=3 + pb=0 + pe=-1): the output would be empty"));
    }

    [Test]
    public void InThreeDimensionsTheMissingOuterDimsAreUnitExtents()
    {
        // w: input 7, kernel 3, stride 2, padding 1 and 1, dilation 2: (7 + 2 − 5) / 2 + 1 = 3 outputs.
        var unit = new SpatialDim(1, 1, 1, 0, 1, 1);
        var w = new SpatialDim(7, 3, 2, 1, 2, 3);
        Assert.That(new ConvProblem(1, 1, 1, 1, [7], [3], stride: [2], padBegin: [1], dilation: [2]).To3D(), Is.EqualTo((unit, unit, w)));
        var h = new SpatialDim(4, 2, 1, 0, 1, 3);
        Assert.That(new ConvProblem(1, 1, 1, 1, [4, 7], [2, 3], stride: [1, 2], padBegin: [0, 1], dilation: [1, 2]).To3D(), Is.EqualTo((unit, h, w)));
        var d = new SpatialDim(5, 5, 1, 2, 1, 5);
        Assert.That(new ConvProblem(1, 1, 1, 1, [5, 4, 7], [5, 2, 3], stride: [1, 1, 2], padBegin: [2, 0, 1], dilation: [1, 1, 2]).To3D(), Is.EqualTo((d, h, w)));
    }

    [Test]
    public void FormatTupleSeparatesWithCommas()
    {
        Assert.That(ConvProblem.FormatTuple([2, 3, 5]), Is.EqualTo("(2, 3, 5)"));
        Assert.That(ConvProblem.FormatTuple([]), Is.EqualTo("()"));
        // As Python and numpy write it: "(432)" is the number 432 in Python, no tuple.
        Assert.That(ConvProblem.FormatTuple([432]), Is.EqualTo("(432,)"));
        Assert.That(ConvProblem.FormatTuple([-2]), Is.EqualTo("(-2,)"));
    }
}

/// <summary>The few problem checks the detail tests of <see cref="ProblemDetailTests"/> leave: argument nulls, limits, defaults.</summary>
public class ProblemEdgeTests
{
    [Test]
    public void NullExtentsAreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new ConvProblem(1, 1, 1, 1, null!, [1]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("input"));
            Assert.That(() => new ConvProblem(1, 1, 1, 1, [3], null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("kernel"));
            Assert.That(() => ConvProblem.WithPadding(PaddingMode.Same, 1, 1, 1, 1, null!, [1]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("input"));
            Assert.That(() => ConvProblem.WithPadding(PaddingMode.Same, 1, 1, 1, 1, [3], null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("kernel"));
        });
    }

    [Test]
    public void AShortKernelWithSamePaddingIsTheConstructorsRankError()
    {
        var e = Assert.Throws<ArgumentException>(() => ConvProblem.WithPadding(PaddingMode.Same, 1, 1, 1, 1, [5, 5], [3]))!;
        Assert.That(e.Message, Does.StartWith("kernel: expected 2 extents"));
    }

    [Test]
    public void AShortStrideOrDilationWithSamePaddingIsTheConstructorsRankError()
    {
        // The probe: WithPadding read stride[1] and dilation[1] of one-element lists and threw IndexOutOfRangeException.
        Assert.That(() => ConvProblem.WithPadding(PaddingMode.Same, 1, 1, 1, 1, [5, 5], [3, 3], stride: [1]),
            Throws.ArgumentException.With.Message.StartsWith("stride: expected 2 extents").And.Property("ParamName").EqualTo("stride"));
        Assert.That(() => ConvProblem.WithPadding(PaddingMode.Same, 1, 1, 1, 1, [5, 5], [3, 3], dilation: [1]),
            Throws.ArgumentException.With.Message.StartsWith("dilation: expected 2 extents").And.Property("ParamName").EqualTo("dilation"));
        Assert.That(() => ConvProblem.WithPadding(PaddingMode.Same, 1, 1, 1, 1, [3, 3, 3, 3], [1, 1, 1, 1], stride: [1, 1, 1]),
            Throws.ArgumentException.With.Message.StartsWith("input: spatial rank must be 1, 2 or 3, got 4 extents"));
    }

    [Test]
    public void SamePaddingPastIntIsTooLargeNotAWrappedPadding()
    {
        // The probe: d·(k−1) = 2^29·4 wrapped int to −2^31, and the constructor blamed a begin padding of −2^30 the
        // caller never gave; 2^30·4 wrapped to 0 and it said the kernel did not fit an unpadded input.
        foreach (int d in new[] { 1 << 29, 1 << 30 })
        {
            var e = Assert.Throws<ProblemTooLargeException>(() => ConvProblem.WithPadding(PaddingMode.Same, 1, 1, 1, 1, [5], [5], dilation: [d]))!;
            Assert.That((e.Message, e.ParamName), Is.EqualTo(($"dilation: padding=\"same\" pads dilation·(k−1) = {d}·4 = {4L * d} in spatial dim 0, past {int.MaxValue}, the largest the loops index with (Parameter 'dilation')", "dilation")));
        }
        Assert.That(() => ConvProblem.WithPadding(PaddingMode.Same, 1, 1, 1, 1, [5], [int.MinValue]),
            Throws.ArgumentException.With.Message.StartsWith("kw: must be >= 1").And.Property("ParamName").EqualTo("kw"), "a kernel below 1 is still the constructor's to name");
    }

    [Test]
    public void AnOmittedEndPaddingIsTheBeginPadding()
    {
        var p = new ConvProblem(1, 1, 1, 1, [5], [3], padBegin: [1]);
        Assert.That((p.PadEnd[0], p.Output[0]), Is.EqualTo((1, 5)));
    }

    [Test]
    public void ExtentsUpToTheArrayLimitAreAccepted()
    {
        // Nothing is allocated: a problem of exactly Array.MaxLength elements per tensor is valid, one more is not.
        var p = new ConvProblem(1, 1, 1, 1, [Array.MaxLength], [1]);
        Assert.That((p.XSize, p.YSize), Is.EqualTo((Array.MaxLength, Array.MaxLength)));
        Assert.That(() => new ConvProblem(1, 1, 1, 1, [Array.MaxLength], [1], padBegin: [1], padEnd: [0]),
            Throws.InstanceOf<ProblemTooLargeException>().With.Message.StartsWith($"ow: output extent {Array.MaxLength + 1L}"));
        Assert.That(() => new ConvProblem(1, 1, 2, 1, [Array.MaxLength], [1]),
            Throws.InstanceOf<ProblemTooLargeException>().With.Message.StartsWith("x: shape (1, 2,"));
    }

    [Test]
    public void PaddedCoordinatesUpToTheIntLimitAreAcceptedAndOneMoreIsNot()
    {
        // The definition's index i + pb − k·dil of input 1 would wrap past int.MaxValue here, dropping the term that
        // its forward reads (y[2] = w·x[1]): an exact engine with 64-bit offsets and the naive loops then disagreed.
        Assert.That(() => new ConvProblem(1, 1, 1, 1, [2], [1], stride: [1 << 30], padBegin: [int.MaxValue], padEnd: [0]),
            Throws.InstanceOf<ProblemTooLargeException>().With.Message.EqualTo(
                "pw: the padded input extent 2147483649 (i=2, pb=2147483647, pe=0) puts coordinates past 2147483647, the largest the loops index with (Parameter 'padBegin')"));
        // Cropping does not shrink what the loops index: i + pb stays.
        Assert.That(() => new ConvProblem(1, 1, 1, 1, [2], [1], stride: [1 << 30], padBegin: [int.MaxValue], padEnd: [-1]),
            Throws.InstanceOf<ProblemTooLargeException>().With.Message.StartsWith("pw: the padded input extent 2147483649 (i=2, pb=2147483647, pe=-1)"));
        // End padding the windows reach counts; beyond the last window it is dropped, and does not.
        Assert.That(() => new ConvProblem(1, 1, 1, 1, [3, 2], [1, 1], stride: [1, 2], padBegin: [0, 1], padEnd: [0, int.MaxValue - 1]),
            Throws.InstanceOf<ProblemTooLargeException>().With.Message.StartsWith("pw: the padded input extent 2147483649 (i=2, pb=1, pe=2147483646)")
                .And.Property("ParamName").EqualTo("padEnd"), "the windows reach past it, not the inputs");
        var dropped = new ConvProblem(1, 1, 1, 1, [4], [1], stride: [(1 << 30) + 1], padEnd: [int.MaxValue - 1]);
        Assert.That((dropped.Output[0], dropped.PadEnd[0]), Is.EqualTo((2, (1 << 30) - 2)));
        // An extent of 2³¹ indexes coordinates up to int.MaxValue: the largest accepted.
        var p = new ConvProblem(1, 1, 1, 1, [2], [1], stride: [1 << 30], padBegin: [int.MaxValue - 1], padEnd: [0]);
        Assert.That((p.Output[0], p.PadEnd[0]), Is.EqualTo((2, -2)), "both windows lie in the begin padding: the whole input is cropped");
        var q = new ConvProblem(1, 1, 1, 1, [2], [1], stride: [2], padBegin: [1], padEnd: [int.MaxValue - 3]);
        Assert.That((q.Output[0], (q.Output[0] - 1L) * 2 + 1), Is.EqualTo((1 << 30, (long)int.MaxValue)), "the last window ends at int.MaxValue");
    }

    [Test]
    public void PlainDropsOnlyTheParameterSuffix()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new ArgumentException("mb: must be >= 1, got 0", "mb").Plain(), Is.EqualTo("mb: must be >= 1, got 0"));
            Assert.That(new ArgumentException("no parameter").Plain(), Is.EqualTo("no parameter"));
            Assert.That(new InvalidOperationException("other (Parameter 'x')").Plain(), Is.EqualTo("other (Parameter 'x')"));
            Assert.That(() => ErrorText.Plain(null!), Throws.ArgumentNullException);
        });
    }
}
