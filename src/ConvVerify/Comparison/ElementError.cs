using System.Globalization;

namespace ConvVerify.Comparison;

/// <summary>The element that decided a verdict.</summary>
/// <param name="Index">Flat row-major index.</param>
/// <param name="Position">Multi-index in the tensor's shape.</param>
/// <param name="Expected">The oracle's value.</param>
/// <param name="Actual">The checked value.</param>
/// <param name="AbsError">|actual − expected| (infinite for NaN).</param>
/// <param name="RelError">AbsError / |expected| (infinite when expected is 0 and actual is not).</param>
/// <param name="Bound">The element's allowed error.</param>
/// <param name="Ratio">AbsError / Bound (infinite when the bound is 0 and the element does not match).</param>
/// <param name="SoundBound">Under the probabilistic rule, the element's sound bound (its hard limit; <paramref name="Bound"/> is then the probabilistic one, capped at this: <see cref="TensorComparison.TierBound"/>); else null.</param>
/// <param name="ExactSum">Under the bfloat16 and float16 rule, the element's exact sum S, which both values must lie near; else null.</param>
/// <param name="ExpectedAllowance">Under that rule, how far from S the expected value may lie, given only when it lies
/// farther (the reference breaks the rule, so no difference from it is allowed: <paramref name="Bound"/> is 0); under
/// its probabilistic tier, of an element within its sound bound, the tier's allowance; NaN for a NaN, or an infinity no
/// correct rounding of S gives; else null.</param>
public sealed record ElementError(int Index, int[] Position, double Expected, double Actual, double AbsError, double RelError, double Bound, double Ratio,
    double? SoundBound = null, double? ExactSum = null, double? ExpectedAllowance = null)
{
    /// <summary>A readable description of the element.</summary>
    public override string ToString()
    {
        string zeroSign = Expected == 0 && Actual == 0 && double.IsNegative(Expected) != double.IsNegative(Actual) ? " (the sign of zero differs)" : "";
        string sound = SoundBound is { } sb
            ? string.Create(CultureInfo.InvariantCulture, $", sound bound {RatioFormat.Number(sb)} (error/sound bound {RatioFormat.Format(AbsError / sb)})") : "";
        string exact = ExactSum is not { } s ? ""
            : ExpectedAllowance is not { } r ? string.Create(CultureInfo.InvariantCulture, $", exact sum {RatioFormat.Exact(s)}")
                // A correct reference with a bound of 0: read alone, "bound 0" looked like a reference that breaks the rule.
                + (Bound == 0 && double.IsFinite(Expected) && double.IsFinite(Actual) && Actual != Expected
                    ? $": the expected value is a correct rounding of it and no value {(Actual > Expected ? "above" : "below")} it is, so the bound that way is 0"
                    : "")
            // Under the tier an element within its sound bound was judged by the tier's allowance: the reference is then
            // beyond what the tier allows it, not what the sound rule does.
            : double.IsFinite(Expected) && SoundBound is { } tierSound && AbsError <= tierSound ? string.Create(CultureInfo.InvariantCulture,
                $", exact sum {RatioFormat.Exact(s)}: the expected value lies {RatioFormat.Number(Math.Abs(Expected - s))} from it, beyond its own probable allowance {RatioFormat.Number(r)} (within its sound one), so the reference is suspicious and no difference from it is allowed by the probabilistic tier")
            : double.IsFinite(Expected) ? string.Create(CultureInfo.InvariantCulture,
                $", exact sum {RatioFormat.Exact(s)}: the expected value lies {RatioFormat.Number(Math.Abs(Expected - s))} from it, beyond its own allowance {RatioFormat.Number(r)}, so the reference breaks the rule and no difference from it is allowed")
            : string.Create(CultureInfo.InvariantCulture, $", exact sum {RatioFormat.Exact(s)}: no correct rounding of it gives the expected value, so the reference breaks the rule and no difference from it is allowed");
        return string.Create(CultureInfo.InvariantCulture,
            $"[{string.Join(", ", Position)}] (flat {Index}): expected {RatioFormat.Exact(Expected)}, actual {RatioFormat.Exact(Actual)}{zeroSign}, abs err {RatioFormat.Number(AbsError)}, rel err {RatioFormat.Number(RelError)}, bound {RatioFormat.Number(Bound)}, error/bound {RatioFormat.Format(Ratio)}{sound}{exact}");
    }
}
