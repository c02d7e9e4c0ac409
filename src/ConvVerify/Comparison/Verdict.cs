using System.Globalization;

namespace ConvVerify.Comparison;

/// <summary>The outcome of comparing one result tensor with the oracle's.</summary>
/// <param name="Tensor">y, dx, dw or db.</param>
/// <param name="Tolerance">The rule applied.</param>
/// <param name="Count">Elements compared.</param>
/// <param name="Failures">Elements outside their bound.</param>
/// <param name="MaxAbsError">The largest absolute error.</param>
/// <param name="WorstRatio">The largest error/bound ratio (0 when every element matches).</param>
/// <param name="Worst">The worst element: the first with the largest ratio, and among infinite ratios (every mismatch under an exact rule) the largest error; null when every element matches.</param>
public sealed record Verdict(string Tensor, Tolerance Tolerance, int Count, int Failures, double MaxAbsError, double WorstRatio, ElementError? Worst)
{
    /// <summary>True when no element is outside its bound.</summary>
    public bool Passed => Failures == 0;

    /// <summary>The rule in words.</summary>
    public string Rule => Tolerance switch
    {
        Tolerance.ExactValues => "exact equality (+0 = -0)",
        Tolerance.Bitwise => "bitwise equality",
        _ => "the sound summation bound",
    };

    /// <summary>A sentence a person can act on.</summary>
    public override string ToString() => Passed
        ? string.Create(CultureInfo.InvariantCulture, $"{Tensor}: all {Count} elements within {Rule} (max abs err {MaxAbsError:G4}, worst error/bound {RatioFormat.Format(WorstRatio)})")
        : string.Create(CultureInfo.InvariantCulture, $"{Tensor}: {Failures} of {Count} elements outside {Rule}; worst at {Worst}");
}
