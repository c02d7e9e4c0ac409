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
}
