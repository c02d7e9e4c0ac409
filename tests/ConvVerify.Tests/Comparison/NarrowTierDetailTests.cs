using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Comparison;

/// <summary>
/// The probabilistic tier of the bfloat16 rule (docs/tolerance.md, "A probabilistic tier for bfloat16 and float16") on
/// a sum worked out by hand: K = 4096 terms of ±1 (x all 1, w alternating), S = 0, M = Q = 4096. The sound rule lets a
/// float32 sum lie γ_K·M ≈ 1 from S, so 0.5 passed; one summation's probable error is λ·u·√(K·Q/3) ≈ 0.0011.
/// </summary>
public class NarrowTierDetailTests
{
    private const int K = 4096;
    private static readonly ConvProblem P = new(1, 1, 1, 1, [K], [K], hasBias: false, dtype: DType.BFloat16);
    private static readonly ConvInputs<float> In = new(
        Enumerable.Repeat(1f, K).ToArray(), Enumerable.Range(0, K).Select(i => i % 2 == 0 ? 1f : -1f).ToArray(), [], [1f]);

    private static readonly double U = Math.ScaleB(1, -24), U64 = Math.ScaleB(1, -53), Eta = Math.ScaleB(1, -149);

    // The budgets of docs/tolerance.md, written out: the sound one γ_K·M·(1 + 2·K·u64) + K·η + 2·K·u64·M, the tier's
    // λ·u·√(K·(Q·(1 + 2·K·u64) + S²)/3) + K·η + 2·K·u64·M, with S = 0 and M = Q = K, η float32's smallest subnormal (the sums are float32).
    private static double SoundBudget => K * U / (1 - K * U) * K * (1 + 2 * K * U64) + K * Eta + 2 * K * U64 * K;

    private static double TierBudget => 8 * U * Math.Sqrt(K * (K * (1 + 2 * K * U64)) / 3.0) + K * Eta + 2 * K * U64 * K;

    // Half the gap below 0.5 toward S = 0: bfloat16 spaces [0.25, 0.5) by 2^−9.
    private static readonly double HalfGapBelowHalf = Math.ScaleB(1, -10);

    [Test]
    public void TheBudgetsAreWhatTheExampleSays()
    {
        Assert.That(SoundBudget, Is.EqualTo(1.0).Within(0.001));
        Assert.That(TierBudget, Is.EqualTo(0.001128).Within(0.000001));
    }

    [Test]
    public void HalfwayToTheSoundEdgeIsSuspiciousUnderTheTierAndPassesUnderTheSoundRule()
    {
        double[] sound = TensorComparison.NarrowBounds<float>(P, Direction.Forward, In, [0f], [0.5f]);
        double[] tier = TensorComparison.NarrowProbabilisticBounds<float>(P, Direction.Forward, In, [0f], [0.5f]);
        // a = 0.5 above e = 0 = S: the bound reaches the top of a's interval, S + budget + ½·gap(0.5 toward S).
        Assert.That(sound.Single(), Is.EqualTo(SoundBudget + HalfGapBelowHalf).Within(1e-15));
        Assert.That(tier.Single(), Is.EqualTo(TierBudget + HalfGapBelowHalf).Within(1e-15));

        var v = TensorComparison.Compare<float>(P, Direction.Forward, In, [0f], [0.5f], Tolerance.Probabilistic);
        Assert.That((v.Failures, v.Suspicious, v.IsSuspicious), Is.EqualTo((0, 1, true)), v.ToString());
        Assert.That(v.Worst!.SoundBound, Is.EqualTo(sound.Single()));
        Assert.That(v.Worst.Bound, Is.EqualTo(tier.Single()));
        Assert.That(v.ToString(), Does.StartWith("y: 1 of 1 elements beyond the narrow probabilistic bound (lambda = 8"));
        var lenient = TensorComparison.Compare<float>(P, Direction.Forward, In, [0f], [0.5f], Tolerance.SoundBound);
        Assert.That(lenient.Passed, Is.True, lenient.ToString());
        // The measurements' one computation gives the same bounds, and S.
        var parts = TensorComparison.NarrowRuleParts<float>(P, Direction.Forward, In, [0f], [0.5f]);
        Assert.That((parts.Sound, parts.Tier, parts.Sums), Is.EqualTo((sound, tier, new[] { 0.0 })));
        // The heatmap's ratios are the tier's.
        Assert.That(TensorComparison.Ratios<float>(P, Direction.Forward, In, [0f], [0.5f], Tolerance.Probabilistic).Single(), Is.EqualTo(0.5 / tier.Single()));
    }

    [Test]
    public void PastTheSoundEdgeFailsUnderBoth()
    {
        // 1.5 lies past S + ~1 + ½·gap(1.5 toward 0) = 2^−8: outside the sound interval.
        foreach (var rule in new[] { Tolerance.Probabilistic, Tolerance.SoundBound })
        {
            var v = TensorComparison.Compare<float>(P, Direction.Forward, In, [0f], [1.5f], rule);
            Assert.That(v.Failures, Is.EqualTo(1), v.ToString());
            Assert.That(v.ToString(), Does.StartWith("y: 1 of 1 elements outside the narrow sound bound"));
        }
    }

    [Test]
    public void AReferenceBeyondTheTiersAllowanceIsSuspiciousAndSaidSo()
    {
        // e = 0.5 is within its sound interval but not the tier's: a correct a = 0 beside it is suspicious, not failing,
        // and the verdict blames the reference.
        var v = TensorComparison.Compare<float>(P, Direction.Forward, In, [0.5f], [0f], Tolerance.Probabilistic);
        Assert.That((v.Failures, v.Suspicious, v.Worst!.Bound), Is.EqualTo((0, 1, 0.0)), v.ToString());
        Assert.That(v.Worst.ExpectedAllowance, Is.EqualTo(TierBudget + HalfGapBelowHalf).Within(1e-15));
        Assert.That(v.ToString(), Does.Contain("beyond its own probable allowance").And.Contain("so the reference is suspicious"));
        // Under the sound rule the same reference is within its interval and the correct a passes beside it.
        Assert.That(TensorComparison.Compare<float>(P, Direction.Forward, In, [0.5f], [0f], Tolerance.SoundBound).Passed, Is.True);
        // A reference past its sound interval still breaks the rule, and fails the element, under the tier too.
        var broken = TensorComparison.Compare<float>(P, Direction.Forward, In, [1.5f], [0f], Tolerance.Probabilistic);
        Assert.That(broken.Failures, Is.EqualTo(1), broken.ToString());
        Assert.That(broken.ToString(), Does.Contain("so the reference breaks the rule"));
    }
}
