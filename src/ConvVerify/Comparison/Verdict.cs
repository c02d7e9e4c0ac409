using System.Globalization;

namespace ConvVerify.Comparison;

/// <summary>The outcome of comparing one result tensor with the oracle's.</summary>
/// <param name="Tensor">y, dx, dw or db.</param>
/// <param name="Tolerance">The rule applied.</param>
/// <param name="Count">Elements compared.</param>
/// <param name="Failures">Elements outside their bound (the sound bound under the probabilistic rule).</param>
/// <param name="MaxAbsError">The largest absolute error.</param>
/// <param name="WorstRatio">The largest error/bound ratio (0 when every element matches).</param>
/// <param name="Worst">The worst element: the first with the largest ratio, and among infinite ratios (every mismatch under an exact rule) the largest error; null when every element matches.</param>
/// <param name="Suspicious">Under the probabilistic rule, elements beyond the probabilistic bound but within the sound one (a failing
/// direction's sentence counts them too; a report row's <c>failures</c> is both counts together).</param>
/// <param name="Narrow">Whether the bound was the bfloat16 and float16 rule: <see cref="TensorComparison.NarrowBounds{T}"/>, the sound
/// bound of those dtypes, and under the probabilistic rule <see cref="TensorComparison.NarrowProbabilisticBounds{T}"/> inside it.</param>
public sealed record Verdict(string Tensor, Tolerance Tolerance, int Count, int Failures, double MaxAbsError, double WorstRatio, ElementError? Worst, int Suspicious = 0,
    bool Narrow = false)
{
    /// <summary>True when no element is outside its bound, nor suspicious.</summary>
    public bool Passed => Failures == 0 && Suspicious == 0;

    /// <summary>True when no element is outside its hard bound but some are beyond the probabilistic one.</summary>
    public bool IsSuspicious => Failures == 0 && Suspicious > 0;

    /// <summary>The rule in words.</summary>
    public string Rule => Tolerance switch
    {
        Tolerance.Probabilistic when Narrow => string.Create(CultureInfo.InvariantCulture,
            $"the narrow probabilistic bound (lambda = {TensorComparison.Lambda}: each value within its float32 sum's probable error of the exact sum, plus half the gap to its neighbour on that sum's side)"),
        _ when Narrow => "the narrow sound bound (each value within its float32 sum's bound of the exact sum, plus half the gap to its neighbour on that sum's side)",
        Tolerance.ExactValues => "exact equality (+0 = -0)",
        Tolerance.Bitwise => "bitwise equality",
        Tolerance.Probabilistic => string.Create(CultureInfo.InvariantCulture, $"the probabilistic bound (lambda = {TensorComparison.Lambda})"),
        _ => "the sound summation bound",
    };

    /// <summary>A sentence a person can act on.</summary>
    public override string ToString() =>
        Passed ? string.Create(CultureInfo.InvariantCulture, $"{Tensor}: all {Count} elements within {Rule} (max abs err {RatioFormat.Number(MaxAbsError)}, worst error/bound {RatioFormat.Format(WorstRatio)})")
        : IsSuspicious ? string.Create(CultureInfo.InvariantCulture, $"{Tensor}: {Suspicious} of {Count} elements beyond {Rule}, within the sound bound (accepted with --tolerance sound); worst at {Worst}")
        // The suspicious ones too: a report row counts both as beyond its bound (Runner), and a sentence of 54 beside a count of 62 read as a mistake.
        : Tolerance == Tolerance.Probabilistic ? string.Create(CultureInfo.InvariantCulture,
            $"{Tensor}: {Failures} of {Count} elements outside {(Narrow ? "the narrow sound bound" : "the sound summation bound")}{(Suspicious > 0 ? $" and {Suspicious} more beyond {Rule}, within the sound bound" : "")}; worst at {Worst}")
        : string.Create(CultureInfo.InvariantCulture, $"{Tensor}: {Failures} of {Count} elements outside {Rule}; worst at {Worst}");
}
