using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Comparison;

/// <summary>
/// A bound that is NaN or infinite vouches for nothing: a NaN or infinite input makes M (the convolution of the
/// magnitudes) NaN or infinite, and a finite expected value then must not be matched by any other value.
/// </summary>
public class NonFiniteBoundTests
{
    // y = x0·w0 + x1·w1: one output of K = 2 products.
    private static readonly ConvProblem Dot = BenchdnnDescriptor.Parse("mb1ic1iw2oc1ow1kw2", hasBias: false);

    private static ConvInputs<T> Inputs<T>(T x0) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        new([x0, T.One], [T.One, T.One], [], [T.One]);

    [TestCase(float.NaN, Tolerance.SoundBound)]
    [TestCase(float.NaN, Tolerance.Probabilistic)]
    [TestCase(float.PositiveInfinity, Tolerance.SoundBound)]
    [TestCase(float.PositiveInfinity, Tolerance.Probabilistic)]
    [TestCase(float.NegativeInfinity, Tolerance.SoundBound)]
    public void AFiniteExpectedValueIsNotMatchedUnderANonFiniteBound(float x0, Tolerance rule)
    {
        // The expected 3 is not what these inputs give: it stands for a pack whose x was overwritten after its results.
        var verdict = TensorComparison.Compare(Dot, Direction.Forward, Inputs(x0), [3f], [0f], rule);
        Assert.That(verdict.Passed, Is.False, verdict.ToString());
        Assert.That(verdict.Failures, Is.EqualTo(1), verdict.ToString());
        Assert.That(verdict.WorstRatio, Is.EqualTo(double.PositiveInfinity), "an error a bound cannot measure is infinitely far out");
        Assert.That(TensorComparison.Ratios(Dot, Direction.Forward, Inputs(x0), [3f], [0f], rule), Is.EqualTo(new[] { double.PositiveInfinity }));
    }

    [Test]
    public void TheSameHoldsInFloat64()
    {
        var verdict = TensorComparison.Compare(Dot.WithDType(DType.Float64), Direction.Forward, Inputs(double.NaN), [3.0], [2.5], Tolerance.SoundBound);
        Assert.That(verdict.Failures, Is.EqualTo(1), verdict.ToString());
    }

    [Test]
    public void ANonFiniteBoundJudgesEveryErrorAFailure()
    {
        Assert.That(TensorComparison.Judge(1e-30, double.NaN, double.NaN), Is.EqualTo(Judgement.Fail));
        Assert.That(TensorComparison.Judge(1e-30, double.PositiveInfinity, double.PositiveInfinity), Is.EqualTo(Judgement.Fail));
        Assert.That(TensorComparison.Judge(double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity), Is.EqualTo(Judgement.Fail));
        // A probabilistic bound that says nothing leaves a within-sound error suspicious, not passed.
        Assert.That(TensorComparison.Judge(0.5, 1.0, double.NaN), Is.EqualTo(Judgement.Suspicious));
        Assert.That(TensorComparison.Judge(0.5, 1.0, 0.5), Is.EqualTo(Judgement.Pass));
    }

    [Test]
    public void PastKTimesUOfOneTheBoundIsInfiniteNotNegative()
    {
        // The probe: dL/db of 2^24 + 1 float32 terms, where γ_K = K·u/(1 − K·u) has a negative denominator: the bound was
        // -5.6e14, and a 1-ulp difference failed with a negative error/bound. No summation bound holds there.
        int n = (1 << 24) + 1;
        var p = new ConvProblem(1, 1, 1, 1, [n], [1]);
        var dy = new float[p.YSize];
        Array.Fill(dy, 1f);
        var inputs = new ConvInputs<float>(new float[p.XSize], new float[p.WSize], new float[p.BSize], dy);
        Assert.That(TensorComparison.Bounds(p, Direction.BackwardBias, inputs)[0], Is.EqualTo(double.PositiveInfinity));
        var v = TensorComparison.Compare(p, Direction.BackwardBias, inputs, [16777216f], [16777218f], Tolerance.SoundBound);
        Assert.That((v.Passed, v.Failures, v.WorstRatio), Is.EqualTo((false, 1, double.PositiveInfinity)), v.ToString());
        Assert.That(TensorComparison.Compare(p, Direction.BackwardBias, inputs, [16777216f], [16777216f], Tolerance.SoundBound).Passed, Is.True, "equal still passes");
        // The same sum in float64 is far below 1/u: its bound is finite and positive.
        var q = p.WithDType(DType.Float64);
        var wide = new ConvInputs<double>(new double[q.XSize], new double[q.WSize], new double[q.BSize], [.. dy.Select(f => (double)f)]);
        Assert.That(TensorComparison.Bounds(q, Direction.BackwardBias, wide)[0], Is.GreaterThan(0).And.LessThan(1));
        Assert.That(TensorComparison.Gamma(1L << 24, Math.ScaleB(1, -24)), Is.EqualTo(double.PositiveInfinity), "K·u = 1 exactly");
    }

    [TestCase(Tolerance.Bitwise)]
    [TestCase(Tolerance.SoundBound)]
    public void InputsOfTheWrongLengthAreRefusedWhateverTheResults(Tolerance tolerance)
    {
        // The probe: identical results skip the bound, and the exact rules never make one, so inputs of the wrong length
        // were refused only when the results happened to differ.
        var wrong = new ConvInputs<float>([1f], [1f, 1f], [], [1f]);
        Assert.That(() => TensorComparison.Compare(Dot, Direction.Forward, wrong, [2f], [2f], tolerance),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("x").And.Message.StartsWith("x: has 1 elements, the problem needs 2"));
        Assert.That(() => TensorComparison.Ratios(Dot, Direction.BackwardData, new ConvInputs<float>([1f, 1f], [1f], [], [1f]), [1f, 1f], [1f, 1f], tolerance),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("w"));
        Assert.That(() => TensorComparison.Compare(Dot, Direction.BackwardWeights, new ConvInputs<float>([1f, 1f], [1f, 1f], [], []), [1f, 1f], [1f, 1f], tolerance),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("dy"));
    }
}
