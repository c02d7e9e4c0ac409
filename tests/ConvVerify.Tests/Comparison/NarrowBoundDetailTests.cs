using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Comparison;

/// <summary>
/// The bfloat16 bound of docs/tolerance.md ("Narrow dtypes") on a sum worked out by hand, without torch: two products,
/// 1·1 + 1·2^−8 = 1 + 2^−8, exactly half-way between the bfloat16 values 1 and 1 + 2^−7.
/// </summary>
public class NarrowBoundDetailTests
{
    private static readonly ConvProblem P = new(1, 1, 2, 1, [1], [1], hasBias: false, dtype: DType.BFloat16);
    private static readonly ConvInputs<float> In = new([1f, 1f], [1f, MathF.ScaleB(1, -8)], [], [1f]);
    private static readonly double S = 1 + Math.ScaleB(1, -8);

    // tolerance.md: r = factor·(γ_K·M·(1 + 2·K·u64) + K·η) + 2·K·u64·M + ulp(a)/2, u = 2^−24, η = 2^−149; M = S in every
    // sum worked here.
    private static double R(double k, double m, double factor, double halfUlp)
    {
        double u = Math.ScaleB(1, -24), u64 = Math.ScaleB(1, -53), gamma = k * u / (1 - k * u);
        return factor * (gamma * m * (1 + 2 * k * u64) + k * Math.ScaleB(1, -149)) + 2 * k * u64 * m + halfUlp;
    }

    // The two-term sum of P: K = 2, M = S.
    private static double R(double factor, double halfUlp) => R(2, S, factor, halfUlp);

    private static double Bound(float expected, float actual, double factor = 1) =>
        TensorComparison.NarrowBounds(P, Direction.Forward, In, [expected], [actual], factor).Single();

    [Test]
    public void AboveTheExpectedValueTheBoundReachesTheIntervalsTop()
    {
        Assert.That(Bound(1f, 1f), Is.EqualTo(S + R(1, Math.ScaleB(1, -8)) - 1));
        // Rounded up on the tie: ½ ulp from S, inside; measured from e = 1.
        float up = 1 + MathF.ScaleB(1, -7);
        Assert.That(Bound(1f, up), Is.EqualTo(S + R(1, Math.ScaleB(1, -8)) - 1));
        Assert.That(Math.Abs(up - 1.0), Is.LessThanOrEqualTo(Bound(1f, up)));
    }

    [Test]
    public void BelowTheExpectedValueTheBoundReachesTheIntervalsBottom()
    {
        // 1 − 2^−8 is a bfloat16 value a whole 2^−7 below S (its ulp is 2^−8): outside, so the bound is 0.
        float down = 1 - MathF.ScaleB(1, -8);
        Assert.That(Bound(1f, down), Is.Zero);
        // Expected above S (1 + 2^−7), actual 1: the distance from e down to S − r.
        double e = 1 + Math.ScaleB(1, -7);
        Assert.That(Bound((float)e, 1f), Is.EqualTo(e - (S - R(1, Math.ScaleB(1, -8)))));
    }

    [Test]
    public void TheFactorScalesTheFloat32PartOnly()
    {
        Assert.That(Bound(1f, 1f, factor: 4), Is.EqualTo(S + R(4, Math.ScaleB(1, -8)) - 1));
        Assert.That(Bound(1f, 1f, factor: 4), Is.GreaterThan(Bound(1f, 1f)));
        Assert.That(() => Bound(1f, 1f, factor: 0.5), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void ANonFiniteExpectedValueBreaksTheRuleAndLeavesNoRoom()
    {
        Assert.That(Bound(float.NaN, 1f), Is.Zero);
        Assert.That(Bound(float.PositiveInfinity, 1f), Is.Zero);
    }

    [TestCase(float.PositiveInfinity)]
    [TestCase(float.NegativeInfinity)]
    [TestCase(float.NaN)]
    public void ANonFiniteActualValueIsHeldToTheFarthestACorrectResultCouldLie(float actual)
    {
        // Not 0, which the verdict printed as "bound 0": e = 1 is inside, and a correct result of its binade reaches
        // S + r above it (S lies above 1), r with ½ ulp of 1 (2^−8).
        Assert.That(Bound(1f, actual), Is.EqualTo(S + R(1, Math.ScaleB(1, -8)) - 1));
        var v = TensorComparison.Compare(P, Direction.Forward, In, [1f], [actual], Tolerance.SoundBound);
        Assert.That((v.Failures, v.Worst!.Bound), Is.EqualTo((1, S + R(1, Math.ScaleB(1, -8)) - 1)), v.ToString());
    }

    [Test]
    public void ABoundOfZeroBesideACorrectReferenceSaysWhy()
    {
        // e = 1 rounds S = 1 + 2^−8 correctly; no bfloat16 value below 1 does (1 − 2^−8 lies 2^−7 below S): the bound that
        // way is 0. Printed as "bound 0, error/bound inf, exact sum …" alone, it read as a reference that breaks the rule.
        float down = 1 - MathF.ScaleB(1, -8);
        var v = TensorComparison.Compare(P, Direction.Forward, In, [1f], [down], Tolerance.SoundBound);
        Assert.That((v.Failures, v.Worst!.Bound, v.Worst.ExpectedAllowance), Is.EqualTo((1, 0.0, (double?)null)), v.ToString());
        Assert.That(v.Worst.ToString(), Does.EndWith(FormattableString.Invariant(
            $", exact sum {S:R}: the expected value is a correct rounding of it and no value below it is, so the bound that way is 0")));
        // Above S the other way round: e = 1 + 2^−7 is correct, and 1 + 2^−6 lies past it.
        var up = TensorComparison.Compare(P, Direction.Forward, In, [1 + MathF.ScaleB(1, -7)], [1 + MathF.ScaleB(1, -6)], Tolerance.SoundBound);
        Assert.That(up.Worst!.ToString(), Does.Not.Contain("bound that way is 0"), "a bound above 0 needs no word");
        Assert.That(up.Failures, Is.EqualTo(1), up.ToString());
    }

    [Test]
    public void AnExpectedValueOutsideItsOwnIntervalFailsACorrectActualValue()
    {
        // e = 1 + 2^−6 is two bfloat16 ulps above S = 1 + 2^−8, far past its allowance of ½ ulp (2^−8) plus the float32
        // budget; a = 1 is S correctly rounded. Measured from S alone a passed beside any e: a wrong reference went unseen.
        float e = 1 + MathF.ScaleB(1, -6);
        Assert.That(Bound(e, 1f), Is.Zero);
        var v = TensorComparison.Compare(P, Direction.Forward, In, [e], [1f], Tolerance.SoundBound);
        Assert.That((v.Failures, v.Worst!.Bound, v.Worst.ExactSum, v.Worst.ExpectedAllowance), Is.EqualTo((1, 0.0, S, R(1, Math.ScaleB(1, -8)))), v.ToString());
        Assert.That(v.ToString(), Does.EndWith(FormattableString.Invariant(
            $"exact sum {S:R}: the expected value lies {Math.ScaleB(1, -6) - Math.ScaleB(1, -8):G4} from it, beyond its own allowance {R(1, Math.ScaleB(1, -8)):G4}, so the reference breaks the rule and no difference from it is allowed")));
        // Inside its interval (1 + 2^−7, ½ ulp above S) the same e is no longer blamed, and the correct a passes beside it.
        var fine = TensorComparison.Compare(P, Direction.Forward, In, [1 + MathF.ScaleB(1, -7)], [1f], Tolerance.SoundBound);
        Assert.That((fine.Passed, fine.Worst!.ExpectedAllowance), Is.EqualTo((true, (double?)null)), fine.ToString());
        Assert.That(fine.Worst.ToString(), Does.EndWith(FormattableString.Invariant($", exact sum {S:R}")));
    }

    [Test]
    public void AnInfinityIsACorrectResultWhereTheSumRoundsPastTheLargestValue()
    {
        // float16: 65504 + 26 = 65530 lies past 65520, half-way above the largest value 65504, so it rounds to +∞. An
        // infinite reference there is right, not "a reference that breaks the rule"; below 65520 it is wrong.
        var p = new ConvProblem(1, 1, 2, 1, [1], [1], hasBias: false, dtype: DType.Float16);
        var over = new ConvInputs<float>([1f, 1f], [65504f, 26f], [], [1f]);
        var same = TensorComparison.Compare(p, Direction.Forward, over, [float.PositiveInfinity], [float.PositiveInfinity], Tolerance.SoundBound);
        Assert.That(same.Passed, Is.True, same.ToString());
        var finite = TensorComparison.Compare(p, Direction.Forward, over, [float.PositiveInfinity], [65504f], Tolerance.SoundBound);
        Assert.That((finite.Failures, finite.Worst!.ExpectedAllowance), Is.EqualTo((1, (double?)null)), finite.ToString());
        Assert.That(finite.ToString(), Does.Not.Contain("breaks the rule"));
        var under = new ConvInputs<float>([1f, 1f], [65504f, 8f], [], [1f]);
        var wrong = TensorComparison.Compare(p, Direction.Forward, under, [float.PositiveInfinity], [65504f], Tolerance.SoundBound);
        Assert.That((wrong.Failures, wrong.Worst!.ExpectedAllowance), Is.EqualTo((1, (double?)double.NaN)), wrong.ToString());
        Assert.That(wrong.ToString(), Does.EndWith("exact sum 65512: no correct rounding of it gives the expected value, so the reference breaks the rule and no difference from it is allowed"));
    }

    [Test]
    public void AnInputThatIsNotFiniteGivesABoundThatVouchesForNothing()
    {
        // As the float32 rule's M: infinite (or NaN) where an input is, not a bound of 0 that the verdict printed.
        var inf = new ConvInputs<float>([1f, float.PositiveInfinity], [1f, 1f], [], [1f]);
        Assert.That(TensorComparison.NarrowBounds(P, Direction.Forward, inf, [1f], [float.PositiveInfinity]).Single(), Is.EqualTo(double.PositiveInfinity));
        var nan = new ConvInputs<float>([1f, float.NaN], [1f, 1f], [], [1f]);
        Assert.That(TensorComparison.NarrowBounds(P, Direction.Forward, nan, [1f], [float.NaN]).Single(), Is.NaN);
        var v = TensorComparison.Compare(P, Direction.Forward, nan, [1f], [float.NaN], Tolerance.SoundBound);
        Assert.That((v.Failures, v.Worst!.ExactSum), Is.EqualTo((1, double.NaN)), v.ToString());
    }

    [Test]
    public void TheVerdictNamesTheNarrowRule([Values(Tolerance.SoundBound, Tolerance.Probabilistic)] Tolerance rule)
    {
        float far = 1 + MathF.ScaleB(1, -6);
        var wrong = TensorComparison.Compare(P, Direction.Forward, In, [1f], [far], rule);
        var same = TensorComparison.Compare(P, Direction.Forward, In, [1f], [1f], rule);
        bool tier = rule == Tolerance.Probabilistic;
        foreach (var v in new[] { wrong, same })
        {
            Assert.That((v.Tolerance, v.Narrow), Is.EqualTo((rule, true)));
            Assert.That(v.Rule, tier
                ? Does.Contain("the narrow probabilistic bound (lambda = 8: each value within its float32 sum's probable error of the exact sum, plus half the gap to its neighbour on that sum's side)")
                : Does.Contain("the narrow sound bound (each value within its float32 sum's bound of the exact sum, plus half the gap to its neighbour on that sum's side)"));
            if (!tier) Assert.That(v.ToString(), Does.Not.Contain("probabilistic").And.Not.Contain("error/sound bound"));
        }
        Assert.That(same.ToString(), Does.Contain(same.Rule));
        // Under the tier the sound bound is printed beside it, as for float32; under the sound rule one bound, once.
        Assert.That(wrong.Worst!.SoundBound, tier ? Is.Not.Null : Is.Null);
        // 1 + 2^-6 is two bfloat16 ulps from 1 (the exact sum): past both rules.
        Assert.That(wrong.ToString(), tier ? Does.StartWith("y: 1 of 1 elements outside the narrow sound bound; worst at") : Does.StartWith("y: 1 of 1 elements outside the narrow sound bound (each"));
        // Integer-filled narrow cases keep their exact rule.
        Assert.That(TensorComparison.Compare(P, Direction.Forward, In, [1f], [far], Tolerance.ExactValues).Narrow, Is.False);
    }

    [Test]
    public void ABiasLessProblemHasNoBiasBounds()
    {
        Assert.That(TensorComparison.NarrowBounds(P, Direction.BackwardBias, In, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty), Is.Empty);
    }

    [Test]
    public void BadArgumentsAreRefusedByName()
    {
        Assert.That(Assert.Throws<ArgumentNullException>(() => TensorComparison.NarrowBounds(P, Direction.Forward, null!, [1f], [1f]))!.ParamName, Is.EqualTo("inputs"));
        var factor = Assert.Throws<ArgumentOutOfRangeException>(() => TensorComparison.NarrowBounds(P, Direction.Forward, In, [1f], [1f], factor: 0.5));
        Assert.That((factor!.ParamName, factor.Message), Is.EqualTo(("factor", "a bound factor below 1 would not be sound (Parameter 'factor')\nActual value was 0.5.")));
        Assert.That(Assert.Throws<ArgumentException>(() => TensorComparison.NarrowBounds(P, Direction.Forward, In, [1f, 1f], [1f]))!.Message, Does.StartWith("expected y: "));
        Assert.That(Assert.Throws<ArgumentException>(() => TensorComparison.NarrowBounds(P, Direction.Forward, In, [1f], [1f, 1f]))!.Message, Does.StartWith("actual y: "));
    }

    [Test]
    public void AnUndefinedDirectionIsNamedAsTheCallersArgumentByEveryBound()
    {
        // Bounds and ProbabilisticBounds named the shape's own parameter "d", which the caller never wrote.
        var d = (Direction)9;
        var f32 = P.WithDType(DType.Float32);
        foreach (var call in new TestDelegate[]
        {
            () => TensorComparison.Bounds(f32, d, In),
            () => TensorComparison.ProbabilisticBounds(f32, d, In, [1f]),
            () => TensorComparison.NarrowBounds(P, d, In, [1f], [1f]),
        })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(call)!;
            Assert.That((e.ParamName, e.Message), Is.EqualTo(("direction", "direction: unknown value 9 (Parameter 'direction')\nActual value was 9.")));
        }
    }

    [TestCase(DType.Float32)]
    [TestCase(DType.Float64)]
    public void TheNarrowRuleRefusesAWideProblem(DType dtype)
    {
        // A float32 result is no float32 sum rounded to a narrow type: the bound it gave was wrong for it, not just loose.
        var e = dtype == DType.Float32
            ? Assert.Throws<ArgumentException>(() => TensorComparison.NarrowBounds(P.WithDType(dtype), Direction.Forward, In, [1f], [1f]))!
            : Assert.Throws<ArgumentException>(() => TensorComparison.NarrowBounds(P.WithDType(dtype), Direction.Forward, new ConvInputs<double>([1, 1], [1, 1], [], [1]), [1.0], [1.0]))!;
        Assert.That((e.ParamName, e.Message), Is.EqualTo(("p", $"p: problem {P} is {(dtype == DType.Float32 ? "float32" : "float64")}, not bfloat16 or float16; its bounds are Bounds and ProbabilisticBounds (Parameter 'p')")));
    }

    [Test]
    public void TheEngineGivenComputesTheSumAndTheMagnitudes()
    {
        var engine = new ComparisonDetailTests.CountingEngine();
        TensorComparison.NarrowBounds(P, Direction.Forward, In, [1f], [1f], engine: engine);
        Assert.That(engine.Calls, Is.EqualTo(2), "S and M, both by the engine passed in");
    }

    [Test]
    public void CompareJudgesANarrowResultByThisBoundUnderEitherRule([Values(Tolerance.SoundBound, Tolerance.Probabilistic)] Tolerance rule)
    {
        // Rounded up on the tie (½ ulp from S): passes, at error/bound = 2^−7 / Bound. Two ulps up: fails.
        float up = 1 + MathF.ScaleB(1, -7), far = 1 + MathF.ScaleB(1, -6);
        var rounded = TensorComparison.Compare(P, Direction.Forward, In, [1f], [up], rule);
        // Both bounds are measured from e = 1 up to S + r, r with ½ ulp of the actual value: 2^−8 for each (AboveThe…).
        Assert.That((rounded.Passed, rounded.WorstRatio), Is.EqualTo((true, Math.ScaleB(1, -7) / (S + R(1, Math.ScaleB(1, -8)) - 1))), rounded.ToString());
        var wrong = TensorComparison.Compare(P, Direction.Forward, In, [1f], [far], rule);
        Assert.That((wrong.Failures, wrong.Suspicious, wrong.WorstRatio), Is.EqualTo((1, 0, Math.ScaleB(1, -6) / (S + R(1, Math.ScaleB(1, -8)) - 1))), wrong.ToString());
        Assert.That(wrong.WorstRatio, Is.GreaterThan(1.99).And.LessThan(2), "½ ulp of the wider value above S, measured from 1: 2^−7");
    }

    [TestCase(0.5)]
    [TestCase(double.NaN)]
    public void CompareRefusesABoundFactorBelowOneEvenWhenNothingDiffers(double factor)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TensorComparison.Compare(P, Direction.Forward, In, [1f], [1f], Tolerance.SoundBound, factor));
        Assert.That((e!.ParamName, e.Plain()), Is.EqualTo(("boundFactor", $"a bound factor below 1 would not be sound\nActual value was {factor}.")));
    }

    [Test]
    public void RatiosRefuseTensorsOfTheWrongLength([Values(Tolerance.ExactValues, Tolerance.SoundBound)] Tolerance rule)
    {
        var p = P.WithDType(DType.Float32);
        Assert.That(Assert.Throws<ArgumentException>(() => TensorComparison.Ratios(p, Direction.Forward, In, [1f], [1f, 2f], rule))!.Message, Does.StartWith("actual y: "));
        Assert.That(Assert.Throws<ArgumentException>(() => TensorComparison.Ratios(p, Direction.Forward, In, [1f, 2f], [1f], rule))!.Message, Does.StartWith("expected y: "));
    }

    // K = 2^16 equal products: the sum is exact in float32 and float64, and the terms too small to see at K = 2 show.
    private static double LongSumBound(float product)
    {
        const int K = 1 << 16;
        var p = new ConvProblem(1, 1, K, 1, [1], [1], hasBias: false, dtype: DType.BFloat16);
        float half = MathF.Sqrt(product);
        var inputs = new ConvInputs<float>([.. Enumerable.Repeat(half, K)], [.. Enumerable.Repeat(half, K)], [], [1f]);
        float sum = K * product;
        return TensorComparison.NarrowBounds(p, Direction.Forward, inputs, [sum], [sum]).Single();
    }

    // r for the 2^16 equal products of LongSumBound, summing to S = M, at a = e = S.
    private static double LongSumR(double s, double halfUlp) => R(1 << 16, s, 1, halfUlp);

    [Test]
    public void OverManyTermsTheFloat64SlackCounts()
    {
        // S = M = 2^16 (ones): γ_K·M ≈ 257, ½ ulp = 256; the slack 2·K·u64 (2^−36 relative) and 2·K·u64·M (2^−20) are
        // far above the resolution of a double near 513 (2^−43), so each is pinned.
        double s = 65536, r = LongSumR(s, 256);
        Assert.That(r, Is.EqualTo(256 + 256 / (1 - Math.ScaleB(1, -8)) + Math.ScaleB(1, -20)).Within(Math.ScaleB(1, -26)));
        Assert.That(LongSumBound(1f), Is.EqualTo(s + r - s));
    }

    [Test]
    public void AtTheBottomOfTheRangeTheUnderflowTermCounts()
    {
        // Products 2^−140 (subnormal in float32, exact), S = M = 2^−124: γ_K·M ≈ 2^−132, ½ ulp = 2^−132, K·η = 2^−133,
        // 2·K·u64·M = 2^−160.
        double s = Math.ScaleB(1, -124), r = LongSumR(s, Math.ScaleB(1, -132));
        double byHand = Math.ScaleB(1, -132) / (1 - Math.ScaleB(1, -8)) + Math.ScaleB(1, -133) + Math.ScaleB(1, -132) + Math.ScaleB(1, -160);
        Assert.That(r, Is.EqualTo(byHand).Within(Math.ScaleB(1, -165)));
        Assert.That(LongSumBound(MathF.ScaleB(1, -140)), Is.EqualTo(s + r - s));
    }

    [Test]
    public void WithEverythingNullTheProblemIsNamedFirst()
    {
        Assert.That(Assert.Throws<ArgumentNullException>(() => TensorComparison.Compare<float>(null!, Direction.Forward, null!, [1f], [1f], Tolerance.SoundBound))!.ParamName, Is.EqualTo("p"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => TensorComparison.ProbabilisticBounds<float>(null!, Direction.Forward, null!, [1f]))!.ParamName, Is.EqualTo("p"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => TensorComparison.NarrowBounds<float>(null!, Direction.Forward, null!, [1f], [1f]))!.ParamName, Is.EqualTo("p"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => TensorComparison.Bounds<float>(null!, Direction.Forward, null!))!.ParamName, Is.EqualTo("p"));
    }
}
