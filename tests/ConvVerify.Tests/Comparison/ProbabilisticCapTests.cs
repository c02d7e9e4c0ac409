using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Problems;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Comparison;

/// <summary>
/// At small K the probabilistic bound τ = 2·λ·u·√(K·(Q + y²)/3) + 2·K·η, which grows like √K, is larger than the sound
/// bound 2·γ_K·M + 2·K·η, which grows like K. The probe (2026-12-02): a FAIL row said error/bound 0.50, its worst
/// element was the one of the largest error/τ, and its pictures showed nothing past the bound. The rule's bound is τ
/// capped at the sound bound (<see cref="TensorComparison.TierBound"/>).
/// </summary>
public class ProbabilisticCapTests
{
    private const double U = 1.0 / (1 << 24);

    // y[o] = x[o]·w[0] + x[o+1]·w[1]: K = 2, no bias. x = (1, 1, −1), w = (1, 1) gives y = (2, 0).
    private static readonly ConvProblem Pair = BenchdnnDescriptor.Parse("mb1ic1iw3oc1ow2kw2", hasBias: false);
    private static readonly ConvInputs<float> PairInputs = new([1f, 1f, -1f], [1f, 1f], [], [1f, 1f]);
    private static readonly float[] Expected = [2f, 0f];

    // Element 0 three ulps (of 2, 4u each) high, element 1 at 10u instead of 0.
    private static readonly float[] Actual = [2f + 12 * (float)U, 10 * (float)U];
    private static readonly double[] Errors = [12 * U, 10 * U];

    // docs/tolerance.md, written out for this problem: K = 2, η = float.Epsilon (the smallest subnormal).
    private static double Sound(double m) => 2 * (2 * U / (1 - 2 * U)) * m + 2 * 2 * (double)float.Epsilon;

    private static double Tau(double q, double y) => 2 * 8 * U * Math.Sqrt(2 * (q + y * y) / 3) + 2 * 2 * (double)float.Epsilon;

    // Both elements have M = |1·1| + |±1·1| = 2 and Q = 1 + 1 = 2; y is 2 and 0.
    private static readonly double SoundBound = Sound(2);
    private static readonly double[] Taus = [Tau(2, 2), Tau(2, 0)];

    [Test]
    public void TheProblemHasTauAboveTheSoundBound()
    {
        // τ ≈ 32u and 18.5u against a sound bound of ≈ 8u: the premise of the tests below, from the formulas alone.
        Assert.That(Taus, Has.All.GreaterThan(2 * SoundBound));
        Assert.That(Errors, Has.All.GreaterThan(SoundBound));
        Assert.That(Errors[0] / Taus[0], Is.LessThan(Errors[1] / Taus[1]), "against τ the second element would be the worst");
        Assert.That(Errors[0] / SoundBound, Is.GreaterThan(Errors[1] / SoundBound), "against the sound bound the first is");
    }

    [Test]
    public void AFailureIsPastItsBoundAtItsWorstElementWhichIsTheOneMostPastItsSoundBound()
    {
        var v = TensorComparison.Compare(Pair, Direction.Forward, PairInputs, Expected, Actual, Tolerance.Probabilistic);
        Assert.That((v.Failures, v.Suspicious), Is.EqualTo((2, 0)), v.ToString());
        Assert.That(v.Worst!.Index, Is.EqualTo(0), v.ToString());
        Assert.That(v.WorstRatio, Is.GreaterThanOrEqualTo(1), v.ToString());
        Assert.That(v.WorstRatio, Is.EqualTo(Errors[0] / SoundBound).Within(1e-9).Percent);
        Assert.That(v.Worst.Bound, Is.EqualTo(SoundBound).Within(1e-9).Percent, "the bound shown is the one the element was judged by");
        Assert.That(v.Worst.SoundBound, Is.EqualTo(v.Worst.Bound));
        Assert.That(v.Worst.Ratio, Is.EqualTo(v.WorstRatio));
    }

    [Test]
    public void EveryFailingElementsRatioIsPastOneAndTheHistogramCountsTheFailures()
    {
        var v = TensorComparison.Compare(Pair, Direction.Forward, PairInputs, Expected, Actual, Tolerance.Probabilistic);
        double[] ratios = TensorComparison.Ratios(Pair, Direction.Forward, PairInputs, Expected, Actual, Tolerance.Probabilistic);
        Assert.That(ratios, Has.All.GreaterThanOrEqualTo(1));
        Assert.That(ratios[0], Is.EqualTo(Errors[0] / SoundBound).Within(1e-9).Percent);
        Assert.That(ratios[1], Is.EqualTo(Errors[1] / SoundBound).Within(1e-9).Percent);
        Assert.That(ratios.Max(), Is.EqualTo(v.WorstRatio), "the pictures' largest ratio is the verdict's");
        var map = ErrorMap.From(ratios, Direction.Forward.ShapeOf(Pair), v.Worst!.Position);
        Assert.That(PastTheBound(map), Is.EqualTo(v.Failures));
    }

    [Test]
    public void AnElementWithinTheSoundBoundStillPassesWhereTauIsLarger()
    {
        // Capping moves nothing into failure: 1 ulp of 2 (4u) is within the sound bound (8u), and passes.
        float[] near = [2f + 4 * (float)U, 0f];
        var v = TensorComparison.Compare(Pair, Direction.Forward, PairInputs, Expected, near, Tolerance.Probabilistic);
        Assert.That(v.Passed, v.ToString());
        Assert.That(v.WorstRatio, Is.EqualTo(4 * U / SoundBound).Within(1e-9).Percent);
    }

    [Test]
    public void TheCapKeepsASoundBoundThatVouchesForNothing()
    {
        Assert.That(TensorComparison.TierBound(3, 5), Is.EqualTo(3));
        Assert.That(TensorComparison.TierBound(5, 3), Is.EqualTo(3));
        // A finite τ must not replace an infinite or NaN sound bound: every differing element fails under it, with ratio ∞.
        Assert.That(TensorComparison.TierBound(3, double.PositiveInfinity), Is.EqualTo(double.PositiveInfinity));
        Assert.That(TensorComparison.TierBound(3, double.NaN), Is.NaN);
        // A NaN τ under a finite sound bound stays NaN: Judge reads an element under it as suspicious, as before.
        Assert.That(TensorComparison.TierBound(double.NaN, 3), Is.NaN);
        Assert.That(TensorComparison.Judge(1, 3, TensorComparison.TierBound(double.NaN, 3)), Is.EqualTo(Judgement.Suspicious));
        Assert.That(TensorComparison.Judge(1, double.NaN, TensorComparison.TierBound(3, double.NaN)), Is.EqualTo(Judgement.Fail));
    }

    [Test]
    public void AFailingSentenceCountsTheSuspiciousElementsTheReportRowCounts()
    {
        // The probe: a dw row's "failures" was 62 (54 past the sound bound, 8 between the bounds) and its sentence said 54.
        var v = new Verdict("dw", Tolerance.Probabilistic, 108, 54, 1e-5, 2, null, Suspicious: 8);
        Assert.That(v.ToString(), Does.StartWith("dw: 54 of 108 elements outside the sound summation bound and 8 more beyond the probabilistic bound (lambda = 8), within the sound bound; worst at"));
        Assert.That(new Verdict("dw", Tolerance.Probabilistic, 108, 54, 1e-5, 2, null).ToString(), Does.StartWith("dw: 54 of 108 elements outside the sound summation bound; worst at"));
    }

    // Elements in the bins at or past log10(error/bound) = 0.
    internal static long PastTheBound(ErrorMap map) =>
        map.HistogramEdges.Zip(map.HistogramCounts).Where(b => b.First >= 0).Sum(b => b.Second);
}
