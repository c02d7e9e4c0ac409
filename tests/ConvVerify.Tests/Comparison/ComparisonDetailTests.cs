using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Comparison;

/// <summary>
/// The comparison's numbers pinned one by one on problems small enough to work out by hand: the bounds' formulas as
/// docs/tolerance.md writes them, which engine computes them, the worst element's details, and the edge cases of the
/// verdict's flags. Written for the survivors of the 2026-11-28 mutation run (docs/mutation-testing.md).
/// </summary>
public class ComparisonDetailTests
{
    // y = x0·w0 + x1·w1 (+ b): a forward of K = 2 (3 with the bias) products that a reader can follow.
    private static readonly ConvProblem Dot = BenchdnnDescriptor.Parse("mb1ic1iw2oc1ow1kw2", hasBias: false);
    private static readonly ConvProblem DotBias = BenchdnnDescriptor.Parse("mb1ic1iw2oc1ow1kw2", hasBias: true);

    private static ConvInputs<float> Inputs(float x0, float x1, float w0, float w1, float b = 0, bool bias = false) =>
        new([x0, x1], [w0, w1], bias ? [b] : [], [1f]);

    /// <summary>Counts the convolutions it is asked for, then lets the definition do them.</summary>
    internal sealed class CountingEngine : IConvEngine
    {
        public int Calls;

        public string Name => "counting";

        public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Interlocked.Increment(ref Calls);
            NaiveConv.Forward(p, x, w, b, y);
        }

        public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Interlocked.Increment(ref Calls);
            NaiveConv.BackwardData(p, dy, w, dx);
        }

        public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Interlocked.Increment(ref Calls);
            NaiveConv.BackwardWeights(p, x, dy, dw);
        }

        public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Interlocked.Increment(ref Calls);
            NaiveConv.BackwardBias(p, dy, db);
        }
    }

    [Test]
    public void SoundBoundIsTwoGammaKTimesTheMagnitudesPlusUnderflowTimesTheFactor()
    {
        var inputs = Inputs(3, -5, -7, 2, b: -4, bias: true);
        double u = Math.ScaleB(1, -24), k = 3, m = 3 * 7 + 5 * 2 + 4;
        double gamma = k * u / (1 - k * u);
        double expected = 1.5 * (2 * gamma * m * (1 + 2 * k * Math.ScaleB(1, -53)) + 2 * k * float.Epsilon);
        Assert.That(TensorComparison.Bounds(DotBias, Direction.Forward, inputs, factor: 1.5), Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void ProbabilisticBoundIsTheDocumentedFormula()
    {
        var inputs = Inputs(3, -5, -7, 2, b: -4, bias: true);
        double u = Math.ScaleB(1, -24), k = 3, q = 21.0 * 21 + 10 * 10 + 4 * 4, y = -21 - 10 - 4;
        double expected = 2 * TensorComparison.Lambda * u * Math.Sqrt(k * (q * (1 + 2 * k * Math.ScaleB(1, -53)) + y * y) / 3) + 2 * k * float.Epsilon;
        Assert.That(TensorComparison.ProbabilisticBounds(DotBias, Direction.Forward, inputs, [(float)y]), Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void ANonFiniteReferenceLeavesItsElementToTheSoundBound()
    {
        var inputs = Inputs(1, 1, 1, 1);
        Assert.That(TensorComparison.ProbabilisticBounds(Dot, Direction.Forward, inputs, [float.PositiveInfinity]), Is.EqualTo(new[] { double.PositiveInfinity }));
        Assert.That(TensorComparison.ProbabilisticBounds(Dot, Direction.Forward, inputs, [float.NaN]), Is.EqualTo(new[] { double.PositiveInfinity }));
    }

    [Test]
    public void TheBoundsAreComputedByTheEngineGiven()
    {
        var inputs = Inputs(1, 2, 3, 4);
        var engine = new CountingEngine();
        TensorComparison.Bounds(Dot, Direction.Forward, inputs, engine: engine);
        TensorComparison.ProbabilisticBounds(Dot, Direction.Forward, inputs, [11f], engine);
        Assert.That(engine.Calls, Is.EqualTo(2));
        var verdict = TensorComparison.Compare(Dot, Direction.Forward, inputs, [11f], [11.0001f], Tolerance.Probabilistic, engine: engine);
        Assert.That(verdict.Failures + verdict.Suspicious, Is.EqualTo(1));
        Assert.That(engine.Calls, Is.EqualTo(4), "the sound and the probabilistic bound of the mismatch");
    }

    [Test]
    public void IdenticalResultsCostNoBoundConvolution()
    {
        var engine = new CountingEngine();
        var verdict = TensorComparison.Compare(Dot, Direction.Forward, Inputs(1, 2, 3, 4), [11f], [11f], Tolerance.Probabilistic, engine: engine);
        Assert.That(verdict.Passed);
        Assert.That(engine.Calls, Is.Zero);
    }

    [Test]
    public void AProblemWithoutBiasHasNoBiasBounds()
    {
        var inputs = Inputs(1, 2, 3, 4);
        Assert.That(TensorComparison.Bounds(Dot, Direction.BackwardBias, inputs), Is.Empty);
        Assert.That(TensorComparison.ProbabilisticBounds(Dot, Direction.BackwardBias, inputs, []), Is.Empty);
    }

    [Test]
    public void NullAndWrongSizedArgumentsAreNamed()
    {
        var inputs = Inputs(1, 2, 3, 4);
        Assert.That(Assert.Throws<ArgumentNullException>(() => TensorComparison.Compare<float>(null!, Direction.Forward, inputs, [1f], [1f], Tolerance.SoundBound))!.ParamName, Is.EqualTo("p"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => TensorComparison.Compare(Dot, Direction.Forward, null!, [1f], [1f], Tolerance.SoundBound))!.ParamName, Is.EqualTo("inputs"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => TensorComparison.Ratios<float>(null!, Direction.Forward, inputs, [1f], [1f], Tolerance.SoundBound))!.ParamName, Is.EqualTo("p"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => TensorComparison.ProbabilisticBounds<float>(null!, Direction.Forward, inputs, [1f]))!.ParamName, Is.EqualTo("p"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => TensorComparison.ProbabilisticBounds<float>(Dot, Direction.Forward, null!, [1f]))!.ParamName, Is.EqualTo("inputs"));
        var e = Assert.Throws<ArgumentException>(() => TensorComparison.ProbabilisticBounds(Dot, Direction.Forward, inputs, [1f, 2f]));
        Assert.That(e!.Message, Does.Contain("reference y"));
    }

    [Test]
    public void AnErrorEqualToABoundIsWithinIt()
    {
        Assert.That(TensorComparison.Judge(1.0, 1.0, 0.5), Is.EqualTo(Judgement.Suspicious));
        Assert.That(TensorComparison.Judge(0.5, 1.0, 0.5), Is.EqualTo(Judgement.Pass));
        Assert.That(TensorComparison.Judge(1.0000001, 1.0, 0.5), Is.EqualTo(Judgement.Fail));
        Assert.That(TensorComparison.Judge(double.NaN, double.PositiveInfinity, double.PositiveInfinity), Is.EqualTo(Judgement.Fail));
    }

    [Test]
    public void ASignedZeroMismatchUnderBitwiseHasAnInfiniteRatioAndNoRelativeError()
    {
        var verdict = TensorComparison.Compare(Dot, Direction.Forward, Inputs(1, 2, 3, 4), [0f], [-0f], Tolerance.Bitwise);
        Assert.That(verdict.Failures, Is.EqualTo(1));
        Assert.That(verdict.WorstRatio, Is.EqualTo(double.PositiveInfinity));
        Assert.That(verdict.Worst!.AbsError, Is.Zero);
        Assert.That(verdict.Worst.RelError, Is.Zero);
        Assert.That(verdict.Worst.ToString(), Does.Contain("(the sign of zero differs)"));
        var ratios = TensorComparison.Ratios(Dot, Direction.Forward, Inputs(1, 2, 3, 4), [0f], [-0f], Tolerance.Bitwise);
        Assert.That(ratios, Is.EqualTo(new[] { double.PositiveInfinity }));
    }

    [Test]
    public void SignedZerosAgreeUnderTheBounds()
    {
        var verdict = TensorComparison.Compare(Dot, Direction.Forward, Inputs(1, 2, 3, 4), [0f], [-0f], Tolerance.SoundBound);
        Assert.That(verdict.Passed);
        Assert.That(verdict.Worst, Is.Null, "not even a mismatch");
        Assert.That(TensorComparison.Ratios(Dot, Direction.Forward, Inputs(1, 2, 3, 4), [0f], [-0f], Tolerance.SoundBound), Is.EqualTo(new[] { 0.0 }));
    }

    [Test]
    public void AMismatchAgainstAZeroExpectedHasAnInfiniteRelativeError()
    {
        var verdict = TensorComparison.Compare(Dot, Direction.Forward, Inputs(1, 2, 3, 4), [0f], [1f], Tolerance.ExactValues);
        Assert.That(verdict.Worst!.RelError, Is.EqualTo(double.PositiveInfinity));
        Assert.That(verdict.Worst.ToString(), Does.Not.Contain("sign of zero"));
        var negative = TensorComparison.Compare(Dot, Direction.Forward, Inputs(1, 2, 3, 4), [-4f], [-5f], Tolerance.ExactValues);
        Assert.That(negative.Worst!.RelError, Is.EqualTo(0.25));
    }

    [Test]
    public void AmongEqualErrorsTheFirstIsTheWorst()
    {
        // dL/dx of the dot product: dx = w·dy, two elements; both off by the same amount.
        var inputs = Inputs(1, 2, 3, 4);
        var verdict = TensorComparison.Compare(Dot, Direction.BackwardData, inputs, [3f, 4f], [5f, 6f], Tolerance.ExactValues);
        Assert.That(verdict.Failures, Is.EqualTo(2));
        Assert.That(verdict.Worst!.Index, Is.EqualTo(0));
        Assert.That(verdict.MaxAbsError, Is.EqualTo(2));
    }

    [Test]
    public void RatiosAreErrorOverBoundWhereTheValuesDifferAndZeroWhereTheyAgree()
    {
        var inputs = Inputs(1, 2, 3, 4);
        double[] bounds = TensorComparison.Bounds(Dot, Direction.BackwardData, inputs);
        var ratios = TensorComparison.Ratios(Dot, Direction.BackwardData, inputs, [3f, 4f], [3f, 4.5f], Tolerance.SoundBound);
        Assert.That(ratios, Is.EqualTo(new[] { 0.0, 0.5 / bounds[1] }));
    }

    [Test]
    public void TheSoundBoundOfTheWorstIsGivenOnlyUnderTheProbabilisticRule()
    {
        var inputs = Inputs(1, 2, 3, 4);
        double sound = TensorComparison.Bounds(Dot, Direction.Forward, inputs)[0];
        var probabilistic = TensorComparison.Compare(Dot, Direction.Forward, inputs, [11f], [11.000001f], Tolerance.Probabilistic);
        Assert.That(probabilistic.Worst!.SoundBound, Is.EqualTo(sound));
        Assert.That(probabilistic.Worst.ToString(), Does.Contain($"error/sound bound {RatioFormat.Format(probabilistic.Worst.AbsError / sound)}"));
        var soundOnly = TensorComparison.Compare(Dot, Direction.Forward, inputs, [11f], [11.000001f], Tolerance.SoundBound);
        Assert.That(soundOnly.Worst!.SoundBound, Is.Null);
        Assert.That(soundOnly.Worst.ToString(), Does.Not.Contain("sound bound"));
    }

    [Test]
    public void AVerdictIsSuspiciousOnlyWithSuspiciousElementsAndNoFailures()
    {
        Verdict V(int failures, int suspicious) => new("y", Tolerance.Probabilistic, 10, failures, 0, 0, null, suspicious);
        Assert.That(V(0, 0).IsSuspicious, Is.False);
        Assert.That(V(1, 1).IsSuspicious, Is.False);
        Assert.That(V(0, 1).IsSuspicious, Is.True);
        Assert.That(V(1, 0).ToString(), Does.StartWith("y: 1 of 10 elements outside the sound summation bound"));
        Assert.That(new Verdict("y", Tolerance.SoundBound, 10, 2, 0, 0, null).ToString(), Does.StartWith("y: 2 of 10 elements outside the sound summation bound"));
    }

    [Test]
    public void BitwiseEqualityNeedsBothNaN()
    {
        Assert.That(Bitwise.Equal(float.NaN, 1f), Is.False);
        Assert.That(Bitwise.Equal(1.0, double.NaN), Is.False);
        Assert.That(Bitwise.Equal(float.NaN, -float.NaN), Is.True);
    }

    [Test]
    public void WithNothingToSumBothBoundsAreTheUnderflowTermAlone()
    {
        // All-zero terms: only 2·K·η is left, so its sign and its K are seen.
        var zeros = Inputs(0, 0, 0, 0);
        Assert.That(TensorComparison.ProbabilisticBounds(Dot, Direction.Forward, zeros, [0f]), Is.EqualTo(new[] { 2 * 2 * (double)float.Epsilon }));
        Assert.That(TensorComparison.Bounds(Dot, Direction.Forward, zeros, factor: 2), Is.EqualTo(new[] { 2 * 2 * 2 * (double)float.Epsilon }));
    }

    [Test]
    public void AnErrorBetweenTheTwoBoundsIsSuspiciousNotFailed()
    {
        // K = 1000 unit products: y = 1000, sound bound ≈ 0.12, probabilistic ≈ 0.017; an error of 0.0625 lies between.
        var p = BenchdnnDescriptor.Parse("mb1ic1iw1000oc1ow1kw1000", hasBias: false);
        float[] ones = [.. Enumerable.Repeat(1f, 1000)];
        var inputs = new ConvInputs<float>(ones, ones, [], [1f]);
        double sound = TensorComparison.Bounds(p, Direction.Forward, inputs)[0];
        double tau = TensorComparison.ProbabilisticBounds(p, Direction.Forward, inputs, [1000f])[0];
        Assert.That(tau, Is.LessThan(0.0625).And.LessThan(sound));
        Assert.That(sound, Is.GreaterThan(0.0625));
        var verdict = TensorComparison.Compare(p, Direction.Forward, inputs, [1000f], [1000.0625f], Tolerance.Probabilistic);
        Assert.That((verdict.Failures, verdict.Suspicious, verdict.IsSuspicious), Is.EqualTo((0, 1, true)));
        Assert.That(verdict.Worst!.Bound, Is.EqualTo(tau));
        Assert.That(verdict.Worst.SoundBound, Is.EqualTo(sound));
        Assert.That(verdict.WorstRatio, Is.EqualTo(0.0625 / tau));
        Assert.That(verdict.ToString(), Does.StartWith("y: 1 of 1 elements beyond the probabilistic bound (lambda = 8), within the sound bound (accepted with --tolerance sound); worst at [0, 0, 0]"));
        Assert.That(TensorComparison.Compare(p, Direction.Forward, inputs, [1000f], [1000.0625f], Tolerance.SoundBound).Passed);
        Assert.That(TensorComparison.Compare(p, Direction.Forward, inputs, [1000f], [1000.25f], Tolerance.Probabilistic).Failures, Is.EqualTo(1));
    }

    [Test]
    public void RatiosUnderBitwiseAreZeroForEqualBitsAndInfiniteOtherwise()
    {
        var ratios = TensorComparison.Ratios(Dot, Direction.BackwardData, Inputs(1, 2, 3, 4), [3f, 4f], [3f, 5f], Tolerance.Bitwise);
        Assert.That(ratios, Is.EqualTo(new[] { 0.0, double.PositiveInfinity }));
    }

    [Test]
    public void AnElementErrorReadsInFull()
    {
        var e = new ElementError(5, [0, 1, 2], -4, 4, 8, 2, 0.5, 16, null);
        Assert.That(e.ToString(), Is.EqualTo("[0, 1, 2] (flat 5): expected -4, actual 4, abs err 8, rel err 2, bound 0.5, error/bound 16"));
        var zero = new ElementError(0, [0], 0, -1, 1, double.PositiveInfinity, 0.25, 4, 2);
        Assert.That(zero.ToString(), Is.EqualTo("[0] (flat 0): expected 0, actual -1, abs err 1, rel err inf, bound 0.25, error/bound 4, sound bound 2 (error/sound bound 0.5)"));
    }

    [Test]
    public void AnElementErrorWritesEveryNumberOneWay()
    {
        // The probe: "abs err Infinity, rel err Infinity, bound 0, error/bound inf", and "actual 5E-324, abs err 4.941E-324"
        // of one subnormal. Infinities and NaN read as the ratio does; a value no longer than 4 digits reads exactly.
        var nan = new ElementError(0, [0], 1, double.NaN, double.PositiveInfinity, double.PositiveInfinity, 0, double.PositiveInfinity);
        Assert.That(nan.ToString(), Is.EqualTo("[0] (flat 0): expected 1, actual nan, abs err inf, rel err inf, bound 0, error/bound inf"));
        var tiny = new ElementError(0, [0], 0, double.Epsilon, double.Epsilon, double.PositiveInfinity, 0, double.PositiveInfinity);
        Assert.That(tiny.ToString(), Is.EqualTo("[0] (flat 0): expected 0, actual 5E-324, abs err 5E-324, rel err inf, bound 0, error/bound inf"));
        var down = new ElementError(0, [0], double.NegativeInfinity, 1.2345678e-5, double.PositiveInfinity, double.NaN, 1.2345678e-5, 0);
        Assert.That(down.ToString(), Is.EqualTo("[0] (flat 0): expected -inf, actual 1.2345678E-05, abs err inf, rel err nan, bound 1.235E-05, error/bound 0"));
    }
}
