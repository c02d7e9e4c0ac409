using System.Globalization;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Comparison;

/// <summary>How strictly two results must agree.</summary>
public enum Tolerance
{
    /// <summary>Equal values (±0 counted equal): for the integer fill, where every result is an exact integer.</summary>
    Exact,

    /// <summary>Within the deterministic bound for two summations of the same K products (see <see cref="TensorComparison"/>).</summary>
    SoundBound,
}

/// <summary>The element that decided a verdict.</summary>
/// <param name="Index">Flat row-major index.</param>
/// <param name="Position">Multi-index in the tensor's shape.</param>
/// <param name="Expected">The oracle's value.</param>
/// <param name="Actual">The checked value.</param>
/// <param name="AbsError">|actual − expected| (infinite for NaN).</param>
/// <param name="RelError">AbsError / |expected| (infinite when expected is 0 and actual is not).</param>
/// <param name="Bound">The element's allowed error.</param>
/// <param name="Ratio">AbsError / Bound (infinite when the bound is 0 and the error is not).</param>
public sealed record ElementError(int Index, int[] Position, double Expected, double Actual, double AbsError, double RelError, double Bound, double Ratio)
{
    /// <summary>A readable description of the element.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"[{string.Join(", ", Position)}] (flat {Index}): expected {Expected:R}, actual {Actual:R}, abs err {AbsError:G3}, rel err {RelError:G3}, bound {Bound:G3}, error/bound {Ratio:G3}");
}

/// <summary>The outcome of comparing one result tensor with the oracle's.</summary>
/// <param name="Tensor">y, dx, dw or db.</param>
/// <param name="Tolerance">The rule applied.</param>
/// <param name="Count">Elements compared.</param>
/// <param name="Failures">Elements outside their bound.</param>
/// <param name="MaxAbsError">The largest absolute error.</param>
/// <param name="WorstRatio">The largest error/bound ratio (0 when every error is 0).</param>
/// <param name="Worst">The element with the largest ratio, or null when every error is 0.</param>
public sealed record Verdict(string Tensor, Tolerance Tolerance, int Count, int Failures, double MaxAbsError, double WorstRatio, ElementError? Worst)
{
    /// <summary>True when no element is outside its bound.</summary>
    public bool Passed => Failures == 0;

    /// <summary>A sentence a person can act on.</summary>
    public override string ToString()
    {
        string rule = Tolerance == Tolerance.Exact ? "exact equality" : "the sound summation bound";
        return Passed
            ? string.Create(CultureInfo.InvariantCulture, $"{Tensor}: all {Count} elements within {rule} (max abs err {MaxAbsError:G3}, worst error/bound {WorstRatio:G3})")
            : string.Create(CultureInfo.InvariantCulture, $"{Tensor}: {Failures} of {Count} elements outside {rule}; worst at {Worst}");
    }
}

/// <summary>
/// The one comparison routine for every direction, in the style of PyTorch's <c>torch/testing/_comparison.py</c>:
/// a per-element verdict that says which element, how far off, and against what bound.
/// </summary>
/// <remarks>
/// Two summations of the same K products, each rounded in a different order, differ by at most
/// 2·γ_K·M with γ_K = K·u/(1 − K·u), where u is the unit roundoff (2^−24 for float32, 2^−53 for float64) and M is the
/// same sum taken over magnitudes (Higham, Accuracy and Stability of Numerical Algorithms, §3.1). M is the same
/// convolution applied to |x|, |w|, |dy| (and |b| for the forward), computed in float64. K is the accumulation
/// length of the direction: forward IC/G·Πk (+1 with bias), dx OC/G·Πk, dw and db N·Πout. A term 2·K·η (η the
/// smallest subnormal) covers underflow. The bound can be scaled by a factor for oracles whose algorithms round more
/// (documented where used).
/// </remarks>
public static class TensorComparison
{
    /// <summary>Compares <paramref name="actual"/> with <paramref name="expected"/> for one direction of a problem.</summary>
    /// <exception cref="ArgumentException">A tensor's length does not match the problem.</exception>
    public static Verdict Compare<T>(ConvProblem p, Direction direction, ConvInputs<T> inputs, ReadOnlySpan<T> expected, ReadOnlySpan<T> actual,
        Tolerance tolerance, double boundFactor = 1.0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(inputs);
        int[] shape = ShapeOf(p, direction);
        string name = direction.TensorName();
        NaiveConv.CheckLength(expected, "expected " + name, Count(shape), shape);
        NaiveConv.CheckLength(actual, "actual " + name, Count(shape), shape);
        // Identical tensors pass under any bound; the bound costs a whole convolution, so skip it then.
        bool identical = true;
        for (int i = 0; i < expected.Length && identical; i++) identical = Error(double.CreateChecked(expected[i]), double.CreateChecked(actual[i])) == 0;
        double[] bounds = tolerance == Tolerance.Exact || identical ? new double[expected.Length] : Bounds(p, direction, inputs, boundFactor);

        int failures = 0, worstIndex = -1;
        double maxAbs = 0, worstRatio = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateChecked(expected[i]), a = double.CreateChecked(actual[i]);
            double err = Error(e, a);
            double ratio = err == 0 ? 0 : bounds[i] == 0 ? double.PositiveInfinity : err / bounds[i];
            if (err > bounds[i] || double.IsNaN(err)) failures++;
            if (err > maxAbs) maxAbs = err;
            if (ratio > worstRatio)
            {
                worstRatio = ratio;
                worstIndex = i;
            }
        }
        ElementError? worst = null;
        if (worstIndex >= 0)
        {
            double e = double.CreateChecked(expected[worstIndex]), a = double.CreateChecked(actual[worstIndex]);
            double err = Error(e, a);
            double rel = e == 0 ? double.PositiveInfinity : err / Math.Abs(e);
            worst = new ElementError(worstIndex, Unravel(worstIndex, shape), e, a, err, rel, bounds[worstIndex], worstRatio);
        }
        return new Verdict(name, tolerance, expected.Length, failures, maxAbs, worstRatio, worst);
    }

    /// <summary>The per-element bounds 2·γ_K·M + 2·K·η of a direction, scaled by <paramref name="factor"/>.</summary>
    public static double[] Bounds<T>(ConvProblem p, Direction direction, ConvInputs<T> inputs, double factor = 1.0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(inputs);
        if (!(factor >= 1)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "a bound factor below 1 would not be sound");
        var q = p.WithDType(DType.Float64);
        double[] x = Abs(inputs.X), w = Abs(inputs.W), b = Abs(inputs.B), dy = Abs(inputs.Dy);
        double[] m;
        switch (direction)
        {
            case Direction.Forward:
                m = new double[q.YSize];
                NaiveConv.Forward<double>(q, x, w, b, m);
                break;
            case Direction.BackwardData:
                m = new double[q.XSize];
                NaiveConv.BackwardData<double>(q, dy, w, m);
                break;
            case Direction.BackwardWeights:
                m = new double[q.WSize];
                NaiveConv.BackwardWeights<double>(q, x, dy, m);
                break;
            case Direction.BackwardBias:
                m = new double[q.BSize];
                if (q.HasBias) NaiveConv.BackwardBias<double>(q, dy, m);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(direction), direction, "unknown direction");
        }
        long k = AccumulationLength(p, direction);
        double u = p.DType == DType.Float32 ? Math.ScaleB(1, -24) : Math.ScaleB(1, -53);
        double eta = p.DType == DType.Float32 ? float.Epsilon : double.Epsilon;
        double gamma = k * u / (1 - k * u);
        // The magnitudes themselves were summed in float64; one more relative u64 per term keeps the bound an upper bound.
        double slack = 1 + 2 * k * Math.ScaleB(1, -53);
        for (int i = 0; i < m.Length; i++) m[i] = factor * (2 * gamma * m[i] * slack + 2 * k * eta);
        return m;
    }

    /// <summary>K, the number of products summed into one element of the direction's result.</summary>
    public static long AccumulationLength(ConvProblem p, Direction direction)
    {
        ArgumentNullException.ThrowIfNull(p);
        long kernel = p.Kernel.Aggregate(1L, (a, b) => a * b), output = p.Output.Aggregate(1L, (a, b) => a * b);
        return direction switch
        {
            Direction.Forward => p.IC / p.Groups * kernel + (p.HasBias ? 1 : 0),
            Direction.BackwardData => p.OC / p.Groups * kernel,
            Direction.BackwardWeights or Direction.BackwardBias => p.Mb * output,
            _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "unknown direction"),
        };
    }

    /// <summary>The shape of a direction's result tensor.</summary>
    public static int[] ShapeOf(ConvProblem p, Direction direction)
    {
        ArgumentNullException.ThrowIfNull(p);
        return direction switch
        {
            Direction.Forward => p.YShape,
            Direction.BackwardData => p.XShape,
            Direction.BackwardWeights => p.WShape,
            Direction.BackwardBias => p.HasBias ? p.BShape : [0],
            _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "unknown direction"),
        };
    }

    // NaN or infinity anywhere counts as infinitely wrong, unless both sides hold the very same non-finite value.
    private static double Error(double e, double a)
    {
        if (e == a || (double.IsNaN(e) && double.IsNaN(a))) return 0;
        double d = Math.Abs(a - e);
        return double.IsFinite(d) ? d : double.PositiveInfinity;
    }

    private static double[] Abs<T>(T[] v) where T : unmanaged, IFloatingPointIeee754<T> =>
        [.. v.Select(t => Math.Abs(double.CreateChecked(t)))];

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    private static int[] Unravel(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }
}
