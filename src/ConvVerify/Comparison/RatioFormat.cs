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

    /// <summary>
    /// An error, bound or value for people, as the report's lines and tables print them beside ratios: "inf", "-inf" and
    /// "nan" as <see cref="Format"/> writes them (a line said "abs err Infinity, ..., error/bound inf", and the page's table
    /// "inf" in one column and "Infinity" in the next); else 4 significant digits, or the value exactly when that is no
    /// longer (a line said "actual 5E-324, abs err 4.941E-324" of one subnormal).
    /// </summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value)) return NonFinite(value);
        string exact = RoundTripText.Of(value);
        return SignificantDigits(exact) <= 4 ? exact : value.ToString("G4", CultureInfo.InvariantCulture);
    }

    /// <summary>A value exactly (the shortest text that reads back as it), with "inf", "-inf" and "nan" as <see cref="Number"/> writes them.</summary>
    public static string Exact(double value) =>
        double.IsFinite(value) ? RoundTripText.Of(value) : NonFinite(value);

    private static string NonFinite(double value) => double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";

    // The digits of a number's mantissa from its first non-zero one: "0.00125" and "1.25E-05" have 3.
    private static int SignificantDigits(string number)
    {
        int e = number.IndexOfAny(['E', 'e']);
        string digits = new([.. (e < 0 ? number : number[..e]).Where(char.IsAsciiDigit)]);
        return digits.TrimStart('0').Length;
    }
}
