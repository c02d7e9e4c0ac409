using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Comparison;

/// <summary>
/// The narrow rule of docs/tolerance.md ("Narrow dtypes") where a value's two neighbours are not equally far: at ±2^k,
/// whose neighbour toward zero is half as far as the one away from it, at the smallest normal value, at zero and at the
/// largest finite value. Each sum has two exact products, worked by hand from the formats: bfloat16 spaces [4, 8) by
/// 2^−5 and [8, 16) by 2^−4, float16 by 2^−8 and 2^−7. A correct result rounds some float32 sum s within the budget of
/// the exact sum S; a value rounded outward to 2^k from below 2^k − ½·(the spacing below) is no such rounding.
/// </summary>
public class NarrowBoundPowerOfTwoTests
{
    // One output element of y = x0·w0 + x1·w1: a 1x1 convolution over two input channels.
    private static ConvProblem Problem(DType dtype) => new(1, 1, 2, 1, [1], [1], hasBias: false, dtype: dtype);

    private static ConvInputs<float> Inputs(double x0, double w0, double x1, double w1) =>
        new([(float)x0, (float)x1], [(float)w0, (float)w1], [], [1f]);

    // The float32 budget by hand (K = 2): γ_2·M·(1 + 4·u64) + 2·η + 4·u64·M, u = 2^−24, η = 2^−149, u64 = 2^−53.
    private static double Budget(double m)
    {
        double u = Math.ScaleB(1, -24), u64 = Math.ScaleB(1, -53), gamma = 2 * u / (1 - 2 * u);
        return gamma * m * (1 + 4 * u64) + 2 * Math.ScaleB(1, -149) + 4 * u64 * m;
    }

    private static Verdict Compare(DType dtype, ConvInputs<float> inputs, double expected, double actual) =>
        TensorComparison.Compare(Problem(dtype), Direction.Forward, inputs, [(float)expected], [(float)actual], Tolerance.SoundBound);

    private static double Bound(DType dtype, ConvInputs<float> inputs, double expected, double actual) =>
        TensorComparison.NarrowBounds(Problem(dtype), Direction.Forward, inputs, [(float)expected], [(float)actual]).Single();

    [Test]
    public void ABFloat16ResultRoundedOutwardToEightFails([Values(1, -1)] int sign)
    {
        // S = ±(8 − 7·2^−8): 2^−8 from 7.96875, its correct rounding, and 7·2^−8 from 8, past half the spacing below 8
        // (2^−6 = 4·2^−8) plus a budget of about 2^−20. Half an ulp of 8 (2^−5) let 8 through.
        var inputs = Inputs(1, sign * 8, 1, -sign * 7 * Math.ScaleB(1, -8));
        double s = sign * (8 - 7 * Math.ScaleB(1, -8)), m = 8 + 7 * Math.ScaleB(1, -8), right = sign * 7.96875, wrong = sign * 8.0;
        var v = Compare(DType.BFloat16, inputs, right, wrong);
        Assert.That(v.Failures, Is.EqualTo(1), v.ToString());
        // From e = 7.96875 outward to the edge of 8's interval: S + budget + 2^−6, 5·2^−8 + budget past e.
        Assert.That(Bound(DType.BFloat16, inputs, right, wrong), Is.EqualTo(5 * Math.ScaleB(1, -8) + Budget(m)).Within(Math.ScaleB(1, -40)));
        // 8 as the reference breaks the rule; its allowance is the budget plus half the spacing below 8.
        var reference = Compare(DType.BFloat16, inputs, wrong, right);
        Assert.That((reference.Failures, reference.Worst!.ExactSum), Is.EqualTo((1, s)), reference.ToString());
        Assert.That(reference.Worst.ExpectedAllowance, Is.EqualTo(Budget(m) + Math.ScaleB(1, -6)).Within(Math.ScaleB(1, -40)), reference.ToString());
        Assert.That(Compare(DType.BFloat16, inputs, right, right).Passed, Is.True);
    }

    [Test]
    public void AFloat16ResultRoundedOutwardToEightFails([Values(1, -1)] int sign)
    {
        // S = ±(8 − 7·2^−11): 2^−11 from 7.99609375 (8 − 2^−8), 7·2^−11 from 8, past 2^−9 = 4·2^−11 (half the spacing
        // below 8) plus a budget of about 2^−20; half an ulp of 8 is 2^−8 = 8·2^−11.
        var inputs = Inputs(1, sign * 8, 1, -sign * 7 * Math.ScaleB(1, -11));
        double right = sign * 7.99609375, wrong = sign * 8.0;
        var v = Compare(DType.Float16, inputs, right, wrong);
        Assert.That(v.Failures, Is.EqualTo(1), v.ToString());
        Assert.That(Bound(DType.Float16, inputs, right, right), Is.GreaterThan(0), "the correct rounding is inside");
        Assert.That(Bound(DType.Float16, inputs, wrong, wrong), Is.Zero, "8 as the reference breaks the rule");
    }

    [Test]
    public void EightIsRightWhereTheSumIsWithinHalfTheSpacingBelowIt([Values(1, -1)] int sign)
    {
        // S = ±(8 − 2^−7), 2^−7 < 2^−6 below 8: 8 is its rounding, 7.96875 (3·2^−7 away) is not.
        var inputs = Inputs(1, sign * 8, 1, -sign * Math.ScaleB(1, -7));
        double eight = sign * 8.0, below = sign * 7.96875;
        Assert.That(Compare(DType.BFloat16, inputs, eight, eight).Passed, Is.True);
        // From e = ±8 upward (a = e counts as above it) to S + budget + 2^−6, the half gap on S's side of 8.
        Assert.That(Bound(DType.BFloat16, inputs, eight, eight) + sign * Math.ScaleB(1, -7), Is.EqualTo(Math.ScaleB(1, -6) + Budget(8 + Math.ScaleB(1, -7))).Within(Math.ScaleB(1, -40)));
        Assert.That(Compare(DType.BFloat16, inputs, eight, below).Failures, Is.EqualTo(1));
        // On the half-way point 8 − 2^−6 both neighbours are right: S rounds to even (8), a float32 sum a little below it to 7.96875.
        var tie = Inputs(1, sign * 8, 1, -sign * Math.ScaleB(1, -6));
        Assert.That((Compare(DType.BFloat16, tie, eight, below).Passed, Compare(DType.BFloat16, tie, below, eight).Passed), Is.EqualTo((true, true)));
    }

    [Test]
    public void AtTheSmallestNormalValueTheSpacingBelowIsTheSubnormals()
    {
        // bfloat16: below 2^−126 the subnormals are spaced 2^−133, as [2^−126, 2^−125) is: no halving there.
        // S = 2^−126 − 3·2^−136 (2^−63·2^−63 − 3·2^−68·2^−68, exact in float32), 3/8 of the spacing below 2^−126:
        // 2^−126 is its rounding; 2^−126 − 2^−133 lies 5·2^−136 from S, past half the spacing (4·2^−136) and a budget of about 2^−148.
        var inputs = Inputs(Math.ScaleB(1, -63), Math.ScaleB(1, -63), -3 * Math.ScaleB(1, -68), Math.ScaleB(1, -68));
        double min = Math.ScaleB(1, -126), below = min - Math.ScaleB(1, -133);
        Assert.That(Compare(DType.BFloat16, inputs, min, min).Passed, Is.True);
        Assert.That(Bound(DType.BFloat16, inputs, min, min), Is.GreaterThan(0), "2^−126 is a correct reference");
        Assert.That(Compare(DType.BFloat16, inputs, min, below).Failures, Is.EqualTo(1));
        Assert.That(Bound(DType.BFloat16, inputs, below, below), Is.Zero);
    }

    [Test]
    public void AroundZeroBothZerosAreRightAndTheSubnormalBeyondHalfItsSpacingIsNot()
    {
        // S = 2^−136 − 3·2^−136 = −2^−135, a quarter of bfloat16's subnormal spacing 2^−133: it rounds to −0, and +0 is
        // as near; −2^−133 lies 3·2^−135 from S, past half the spacing (2·2^−135) and a budget of about 2^−148.
        var inputs = Inputs(Math.ScaleB(1, -68), Math.ScaleB(1, -68), -3 * Math.ScaleB(1, -68), Math.ScaleB(1, -68));
        double tiny = Math.ScaleB(1, -133);
        Assert.That(Bound(DType.BFloat16, inputs, 0.0, 0.0), Is.GreaterThan(0));
        Assert.That(Bound(DType.BFloat16, inputs, -0.0, -0.0), Is.GreaterThan(0));
        Assert.That(Compare(DType.BFloat16, inputs, 0.0, -tiny).Failures, Is.EqualTo(1));
        Assert.That(Compare(DType.BFloat16, inputs, -0.0, -tiny).Failures, Is.EqualTo(1));
        Assert.That(Bound(DType.BFloat16, inputs, -tiny, -tiny), Is.Zero);
    }

    [Test]
    public void TheLargestFiniteFloat16IsRightUpToHalfItsUlpAboveIt()
    {
        // float16's largest value 65504 has neighbour +∞, yet sums from 65520 (65504 + ½·32) on round to +∞: 65504 is
        // right for S = 65519 and wrong for S = 65521 (budget about 2^−8), whose rounding is +∞.
        var inside = Inputs(1, 65504, 1, 15);
        var past = Inputs(1, 65504, 1, 17);
        Assert.That(Bound(DType.Float16, inside, 65504, 65504), Is.GreaterThan(0));
        Assert.That(Bound(DType.Float16, past, 65504, 65504), Is.Zero);
        var v = Compare(DType.Float16, past, 65504, 65472);
        Assert.That(v.Worst!.ExpectedAllowance, Is.EqualTo(16 + Budget(65521)).Within(Math.ScaleB(1, -30)), v.ToString());
    }

    [Test]
    public void AtTheOverflowThresholdTheLargestFiniteFloat16AndInfinityPassBesideEachOther([Values(1, -1)] int sign)
    {
        // S = ±65520 exactly: a float32 sum a hair past it rounds to ±∞, one a hair short of it to ±65504 (16 = ½·32 away),
        // so both are correct. Each failed beside the other: the error between them is infinite, and no bound passes that.
        var edge = Inputs(sign, 65504, sign, 16);
        double inf = sign * double.PositiveInfinity, max = sign * 65504.0;
        var v = Compare(DType.Float16, edge, max, inf);
        Assert.That((v.Passed, v.Failures), Is.EqualTo((true, 0)), v.ToString());
        Assert.That(Compare(DType.Float16, edge, inf, max).Passed, Is.True, "the other way round");
        Assert.That(TensorComparison.Ratios(Problem(DType.Float16), Direction.Forward, edge, [(float)max], [(float)inf], Tolerance.SoundBound).Single(), Is.Zero,
            "the picture shows the pair as agreeing");
        // Neither correct value passes beside the other infinity, nor beside a wrong finite value.
        Assert.That(Compare(DType.Float16, edge, max, -inf).Failures, Is.EqualTo(1));
        Assert.That(Compare(DType.Float16, edge, inf, -inf).Failures, Is.EqualTo(1));
        Assert.That(Compare(DType.Float16, edge, inf, sign * 65472.0).Failures, Is.EqualTo(1));
        // One below the threshold (S = 65519) ∞ is no rounding of S: beside 65504 it fails, as actual or as expected.
        var below = Inputs(sign, 65504, sign, 15);
        Assert.That(Compare(DType.Float16, below, max, inf).Failures, Is.EqualTo(1));
        var broken = Compare(DType.Float16, below, inf, max);
        Assert.That((broken.Failures, broken.Worst!.ExpectedAllowance), Is.EqualTo((1, (double?)double.NaN)), broken.ToString());
        // One above it (S = 65521) 65504 is no rounding of S: beside ∞ it fails.
        var above = Inputs(sign, 65504, sign, 17);
        Assert.That(Compare(DType.Float16, above, inf, max).Failures, Is.EqualTo(1));
        Assert.That(Compare(DType.Float16, above, max, inf).Failures, Is.EqualTo(1));
    }
}
