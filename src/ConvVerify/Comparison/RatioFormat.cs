using System.Globalization;

namespace ConvVerify.Comparison;

/// <summary>
/// error/bound ratios for people: 4 significant digits, rounded away from 1, so 0.99989 prints "0.9998" and 1.00015
/// prints "1.001": a failing ratio never reads as "1" and a passing one never as "1" or more. Below 1e-300 and above
/// 1e300, where no rounding can reach 1, to 4 digits rounded to nearest.
/// </summary>
public static class RatioFormat
{
    /// <summary>The ratio as text ("0", "inf", "nan" for the special cases).</summary>
    public static string Format(double ratio)
    {
        if (double.IsNaN(ratio)) return "nan";
        if (double.IsPositiveInfinity(ratio)) return "inf";
        if (ratio == 0 || ratio == 1) return ratio.ToString(CultureInfo.InvariantCulture);
        // Far from 1 no rounding can make the text cross it, but the scale overflows: 10^(3 − log10 r) is infinite below
        // about 1e-305 and r·scale NaN ("NaN" was printed for 1e-310), and r·scale infinite near double.MaxValue
        // ("Infinity"). There G4 alone rounds.
        if (Math.Abs(ratio) < 1e-300 || Math.Abs(ratio) > 1e300) return ratio.ToString("G4", CultureInfo.InvariantCulture);
        double scale = Math.Pow(10, 3 - Math.Floor(Math.Log10(Math.Abs(ratio))));
        // No double below 1 floors to 1 here, nor one above 1 ceils to 1: ratio·10⁴ (10³ above 1) stays more than half
        // an ulp from the power of ten even one ulp from 1 (NoRatioNextToOnePrintsAsOne checks the nearest 10⁵ on each side).
        double rounded = ratio < 1 ? Math.Floor(ratio * scale) / scale : Math.Ceiling(ratio * scale) / scale;
        return rounded.ToString("G4", CultureInfo.InvariantCulture);
    }
}
