using ConvVerify.Problems;

namespace ConvVerify.Tests.Problems;

public class ProblemValidationTests
{
    private static ConvProblem Make(int mb = 1, int g = 1, int ic = 2, int oc = 2, int[]? input = null, int[]? kernel = null,
        int[]? stride = null, int[]? pb = null, int[]? pe = null, int[]? dil = null) =>
        new(mb, g, ic, oc, input ?? [5, 5], kernel ?? [3, 3], stride, pb, pe, dil);

    [Test]
    public void OutputExtentFollowsTheFormula()
    {
        // floor((7 + 1 + 2 - 2·(3−1) − 1) / 2) + 1 = floor(5 / 2) + 1 = 3
        var p = Make(input: [7], kernel: [3], stride: [2], pb: [1], pe: [2], dil: [2]);
        Assert.That(p.Output, Is.EqualTo(new[] { 3 }));
    }

    [Test]
    public void EndPaddingNoWindowReadsIsDropped()
    {
        // in 8, k 3, s 2, symmetric 1: windows start at 0, 2, 4, 6 of the padded 10 and reach 8, so one end pad element is unread
        var p = Make(input: [8], kernel: [3], stride: [2], pb: [1], pe: [1]);
        Assert.That((p.Output[0], p.PadEnd[0]), Is.EqualTo((4, 0)));
    }

    [Test]
    public void SamePaddingPutsTheOddElementAtTheEnd()
    {
        var p = ConvProblem.WithPadding(PaddingMode.Same, 1, 1, 1, 1, [6, 6], [4, 3]);
        var dilated = ConvProblem.WithPadding(PaddingMode.Same, 1, 1, 1, 1, [9], [2], dilation: [3]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(p.PadBegin, Is.EqualTo(new[] { 1, 1 }));
            Assert.That(p.PadEnd, Is.EqualTo(new[] { 2, 1 }));
            Assert.That(p.Output, Is.EqualTo(p.Input));
            Assert.That((dilated.PadBegin[0], dilated.PadEnd[0], dilated.Output[0]), Is.EqualTo((1, 2, 9)));
        }
    }

    [Test]
    public void ValidPaddingIsZero()
    {
        var p = ConvProblem.WithPadding(PaddingMode.Valid, 1, 1, 1, 1, [6, 6], [3, 3]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(p.PadBegin, Is.EqualTo(new[] { 0, 0 }));
            Assert.That(p.PadEnd, Is.EqualTo(new[] { 0, 0 }));
            Assert.That(p.Output, Is.EqualTo(new[] { 4, 4 }));
        }
    }

    [Test]
    public void SameWithStrideIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => ConvProblem.WithPadding(PaddingMode.Same, 1, 1, 1, 1, [6], [3], stride: [2]));
        Assert.That(e!.Message, Does.Contain("padding=\"same\"").And.Contain("got stride (2,)"));
    }

    private static IEnumerable<TestCaseData> Invalid()
    {
        yield return new TestCaseData(() => Make(mb: 0), "mb: must be >= 1, got 0");
        yield return new TestCaseData(() => Make(g: 0), "groups: must be >= 1, got 0");
        yield return new TestCaseData(() => Make(ic: -1), "ic: must be >= 1, got -1");
        yield return new TestCaseData(() => Make(oc: 0), "oc: must be >= 1, got 0");
        yield return new TestCaseData(() => Make(g: 2, ic: 3, oc: 4), "ic: 3 input channels are not divisible by groups=2");
        yield return new TestCaseData(() => Make(g: 2, ic: 4, oc: 3), "oc: 3 output channels are not divisible by groups=2");
        yield return new TestCaseData(() => Make(input: [5, 0]), "iw: must be >= 1, got 0");
        yield return new TestCaseData(() => Make(kernel: [0, 3]), "kh: must be >= 1, got 0");
        yield return new TestCaseData(() => Make(stride: [1, 0]), "sw: must be >= 1, got 0");
        yield return new TestCaseData(() => Make(dil: [0, 1]), "dh: must be >= 1, got 0");
        yield return new TestCaseData(() => Make(pb: [-1, 0]), "ph: begin padding must be >= 0, got -1");
        yield return new TestCaseData(() => Make(pb: [0, 0], pe: [0, -6]), "pew: end padding -6 would crop 6 elements, more than the 5 input elements of w");
        yield return new TestCaseData(() => Make(kernel: [7, 3]), "kh: dilated kernel extent 7");
        yield return new TestCaseData(() => Make(dil: [3, 1]), "kh: dilated kernel extent 7 (k=3, dilation=3) exceeds the padded input 5");
        yield return new TestCaseData(() => Make(input: [5, 5, 5, 5], kernel: [1, 1, 1, 1]), "spatial rank must be 1, 2 or 3, got 4");
        yield return new TestCaseData(() => Make(input: [], kernel: []), "got 0 extents");
        yield return new TestCaseData(() => Make(kernel: [3]), "kernel: expected 2 extents");
        yield return new TestCaseData(() => Make(stride: [1, 1, 1]), "stride: expected 2 extents");
        yield return new TestCaseData(() => Make(mb: 100000, ic: 100000, input: [1000, 1000]), "x: shape (100000, 100000, 1000, 1000) holds more elements");
        yield return new TestCaseData(() => new ConvProblem(1, 1, 1, 1, [3], [1], dtype: (DType)7), "dtype: unknown value 7");
        yield return new TestCaseData(() => new ConvProblem(1, 1, 1, 1, [int.MaxValue], [1], padBegin: [int.MaxValue], padEnd: [0]), "ow: output extent 4294967294");
        yield return new TestCaseData(() => new ConvProblem(1, 1, 1, 1, [2], [1], padBegin: [0], padEnd: [int.MinValue]), "pew: end padding -2147483648 would crop 2147483648 elements, more than the 2 input elements");
    }

    [TestCaseSource(nameof(Invalid))]
    public void InvalidProblemIsRejectedNamingFieldAndValue(Func<ConvProblem> make, string message)
    {
        // Catch, not Throws: a problem too large for .NET arrays is a ProblemTooLargeException, still an ArgumentException.
        var e = Assert.Catch<ArgumentException>(() => make());
        Assert.That(e!.Message, Does.Contain(message));
    }

    [Test]
    public void EqualityIsByValue()
    {
        var a = Make(input: [5, 6]);
        var b = BenchdnnDescriptor.Parse("mb1ic2ih5iw6oc2oh3ow4kh3kw3ph0pw0", hasBias: true).WithName(null);
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
        Assert.That(Make(input: [5, 6]), Is.Not.EqualTo(Make(input: [6, 5])));
        Assert.That(Make().WithBias(false), Is.Not.EqualTo(Make()));
        Assert.That(Make().WithDType(DType.Float64), Is.Not.EqualTo(Make()));
    }
}
