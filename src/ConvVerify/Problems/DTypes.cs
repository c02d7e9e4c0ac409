using System.Runtime.CompilerServices;
using System.Numerics;

namespace ConvVerify.Problems;

/// <summary>Something to do with the element type a <see cref="DType"/> stands for; see <see cref="DTypes.Dispatch{TResult}"/>.</summary>
/// <typeparam name="TResult">What it returns.</typeparam>
public interface IDTypeAction<out TResult>
{
    /// <summary>Runs with <typeparamref name="T"/> the .NET type of the dtype.</summary>
    TResult Run<T>() where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>The one place a <see cref="DType"/> becomes a .NET type, and its names.</summary>
/// <remarks>
/// bfloat16 and float16 tensors live in memory as float32 arrays holding only values of the narrow type: the definition
/// reads them exactly as float32, sums in float32, and rounds each result once on storing it (<see cref="Round{T}(DType, T)"/>).
/// So their element type here is float, and <see cref="AccumulationType"/> says so; files hold the narrow bits.
/// </remarks>
public static class DTypes
{
    /// <summary>Every dtype, in report order.</summary>
    public static IReadOnlyList<DType> All { get; } = [DType.Float32, DType.Float64, DType.BFloat16, DType.Float16];

    /// <summary>
    /// The dtypes a selection without <c>--dtype</c> takes: those the committed packs hold and live torch computes. float16
    /// is asked for by name: torch has no CPU float16 convolution, so it would only add cases no default oracle checks.
    /// </summary>
    public static IReadOnlyList<DType> Default { get; } = [DType.Float32, DType.Float64, DType.BFloat16];

    /// <summary>Runs <paramref name="action"/> with the element type of <paramref name="dtype"/> (float for bfloat16 and float16).</summary>
    /// <exception cref="ArgumentException">A dtype without a .NET element type here.</exception>
    public static TResult Dispatch<TResult>(DType dtype, IDTypeAction<TResult> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return AccumulationType(dtype) switch
        {
            DType.Float32 => action.Run<float>(),
            DType.Float64 => action.Run<double>(),
            _ => throw Unknown(dtype),
        };
    }

    /// <summary>
    /// The dtype the definition multiplies and sums in, which is also the one whose .NET type holds the tensors in memory:
    /// float32 for bfloat16 and float16, the dtype itself otherwise.
    /// </summary>
    public static DType AccumulationType(DType dtype) => dtype switch
    {
        DType.Float32 or DType.BFloat16 or DType.Float16 => DType.Float32,
        DType.Float64 => DType.Float64,
        _ => throw Unknown(dtype),
    };

    /// <summary>Whether results are rounded to a narrower type than they are summed in (bfloat16, float16).</summary>
    public static bool IsNarrow(DType dtype) => dtype is DType.BFloat16 or DType.Float16;

    /// <summary>Whether <typeparamref name="T"/> is the .NET type that holds <paramref name="dtype"/>'s tensors.</summary>
    public static bool Holds<T>(DType dtype) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == (AccumulationType(dtype) == DType.Float32 ? typeof(float) : typeof(double));

    /// <summary>The dtype whose element type is <typeparamref name="T"/>.</summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is no dtype's element type.</exception>
    public static DType Of<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? DType.Float32
        : typeof(T) == typeof(double) ? DType.Float64
        : throw new ArgumentException($"T: {typeof(T).Name} is not the element type of any dtype (float, double)");

    /// <summary>The short name used in case ids and on the command line: "f32", "f64", "bf16", "f16".</summary>
    public static string ShortName(DType dtype) => dtype switch
    {
        DType.Float32 => "f32",
        DType.Float64 => "f64",
        DType.BFloat16 => "bf16",
        DType.Float16 => "f16",
        _ => throw Unknown(dtype),
    };

    /// <summary>torch's name, and case.json's: "float32", "float64", "bfloat16", "float16".</summary>
    public static string NumpyName(DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.BFloat16 => "bfloat16",
        DType.Float16 => "float16",
        _ => throw Unknown(dtype),
    };

    /// <summary>The dtype of a short or long name ("f32", "float32", "bf16", "bfloat16", ...), or null.</summary>
    public static DType? TryParse(string? name) => name switch
    {
        "f32" or "float32" => DType.Float32,
        "f64" or "float64" => DType.Float64,
        "bf16" or "bfloat16" => DType.BFloat16,
        "f16" or "float16" => DType.Float16,
        _ => null,
    };

    /// <summary>The unit roundoff u of the accumulation: 2^−24 for float32 (and bfloat16, float16), 2^−53 for float64.</summary>
    public static double UnitRoundoff(DType dtype) => AccumulationType(dtype) == DType.Float32 ? Math.ScaleB(1, -24) : Math.ScaleB(1, -53);

    /// <summary>The smallest positive subnormal of the accumulation type.</summary>
    public static double SmallestSubnormal(DType dtype) => AccumulationType(dtype) == DType.Float32 ? float.Epsilon : double.Epsilon;

    /// <summary>
    /// <paramref name="value"/> rounded to <paramref name="dtype"/>, to nearest even: the one rounding of a narrow dtype's
    /// result. Unchanged for float32 and float64, whose results are their sums.
    /// </summary>
    /// <exception cref="ArgumentException">An undefined dtype, or a narrow dtype with <typeparamref name="T"/> other than float: its
    /// sums are float32, and a float64 sum rounded through float32 would be rounded twice.</exception>
    public static T Round<T>(DType dtype, T value) where T : unmanaged, IFloatingPointIeee754<T> => dtype switch
    {
        // An undefined dtype is not "wide": taken as one, its values would pass unrounded.
        DType.Float32 or DType.Float64 => value,
        _ when !IsNarrow(dtype) => throw Unknown(dtype),
        _ when typeof(T) != typeof(float) => throw new ArgumentException(
            // Named as the type argument, which is what is wrong (TensorComparison's refusal names it so too), not the value.
            $"T: {NumpyName(dtype)} results are float32 sums rounded once; {typeof(T).Name} is not float", nameof(T)),
        DType.BFloat16 => T.CreateTruncating((float)(BFloat16)float.CreateTruncating(value)),
        _ => T.CreateTruncating((float)(Half)float.CreateTruncating(value)),
    };

    /// <summary><see cref="Round{T}(DType, T)"/> of every element, in place.</summary>
    /// <exception cref="ArgumentException">As <see cref="Round{T}(DType, T)"/>, an undefined dtype even with no element.</exception>
    public static void Round<T>(DType dtype, Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Stryker disable once Statement : only skips the loop; the element-wise Round returns a wide value unchanged
        if (dtype is DType.Float32 or DType.Float64) return;
        if (!IsNarrow(dtype)) throw Unknown(dtype);
        for (int i = 0; i < values.Length; i++) values[i] = Round(dtype, values[i]);
    }

    /// <summary>
    /// <paramref name="value"/> rounded once to <paramref name="dtype"/> (float64 to bfloat16 or float16 directly, not through
    /// a rounded float32), as a double: how the fills make their values.
    /// </summary>
    // Inlined: the input generator calls it for every element it makes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double RoundFromDouble(DType dtype, double value) => dtype switch
    {
        DType.Float32 => (float)value,
        DType.Float64 => value,
        DType.BFloat16 => (double)(BFloat16)value,
        DType.Float16 => (double)(Half)BFloat16.RoundToOddSingle(value),
        _ => throw Unknown(dtype),
    };

    /// <summary>Whether <paramref name="value"/> is exactly a value of <paramref name="dtype"/> (NaN counts as one).</summary>
    public static bool Represents(DType dtype, double value) =>
        double.IsNaN(value) || RoundFromDouble(dtype, value).Equals(value);

    /// <summary>
    /// The spacing of <paramref name="dtype"/>'s values at |<paramref name="value"/>|: 2^(e − p + 1) for a value in
    /// [2^e, 2^(e+1)) with p significand bits, at least the smallest subnormal; infinity for a non-finite value.
    /// </summary>
    public static double Ulp(DType dtype, double value)
    {
        var (bits, minExponent, _) = Format(dtype);
        if (!double.IsFinite(value)) return double.PositiveInfinity;
        // Math.ILogB(0) is int.MinValue: zero takes the subnormal spacing, as it should.
        int e = Math.Max(Math.ILogB(value), minExponent);
        return Math.ScaleB(1, e - bits + 1);
    }

    /// <summary>
    /// The least value of <paramref name="dtype"/> above <paramref name="value"/> (IEEE 754 nextUp for a value of the
    /// dtype): +∞ above the largest finite value, the smallest subnormal above either zero, the most negative finite value
    /// above −∞; +∞ and NaN stay as they are.
    /// </summary>
    /// <remarks>
    /// Not always <paramref name="value"/> + <see cref="Ulp"/>: below a positive power of two 2^k the spacing is half its
    /// ulp, so the neighbour above −2^k is −2^k + ½·ulp(2^k) (except at the smallest normal, whose subnormals below are
    /// spaced as its own binade).
    /// </remarks>
    /// <exception cref="ArgumentException">An undefined dtype.</exception>
    public static double NextUp(DType dtype, double value)
    {
        var (bits, _, maxExponent) = Format(dtype);
        if (double.IsNaN(value) || double.IsPositiveInfinity(value)) return value;
        double r = RoundFromDouble(dtype, value);
        if (r > value) return r;
        // Rounded to −∞ (−∞ itself, or a value beyond the overflow threshold): the neighbour above is the most negative finite value.
        if (double.IsNegativeInfinity(r)) return -Math.ScaleB(2 - Math.ScaleB(1, 1 - bits), maxExponent);
        // r ≤ value is the dtype's value at or just below it; upward, a negative r moves toward zero, into the binade
        // below its magnitude when that is a power of two.
        double up = Ulp(dtype, r);
        if (r < 0 && Math.ScaleB(1, Math.ILogB(r)) == -r) up = Ulp(dtype, r / 2);
        // Rounded again only so that max + ulp, which is no value of the dtype, becomes +∞.
        double next = RoundFromDouble(dtype, r + up);
        // −smallest subnormal + itself is +0, but the value above it is −0 (IEEE 754's nextUp), as its mirror NextDown of
        // the smallest subnormal is +0.
        return next == 0 && r < 0 ? -0.0 : next;
    }

    /// <summary>The greatest value of <paramref name="dtype"/> below <paramref name="value"/>: <see cref="NextUp"/> mirrored.</summary>
    /// <exception cref="ArgumentException">An undefined dtype.</exception>
    public static double NextDown(DType dtype, double value) => -NextUp(dtype, -value);

    // Significand bits p (the implicit one included), and the smallest and largest normal exponents.
    private static (int Bits, int MinExponent, int MaxExponent) Format(DType dtype) => dtype switch
    {
        DType.Float32 => (24, -126, 127),
        DType.Float64 => (53, -1022, 1023),
        DType.BFloat16 => (8, -126, 127),
        DType.Float16 => (11, -14, 15),
        _ => throw Unknown(dtype),
    };

    /// <summary>Bytes per element in a file: 4, 8, 2, 2.</summary>
    public static int StorageSize(DType dtype) => dtype switch
    {
        DType.Float32 => 4,
        DType.Float64 => 8,
        DType.BFloat16 or DType.Float16 => 2,
        _ => throw Unknown(dtype),
    };

    private static ArgumentException Unknown(DType dtype) => new($"dtype: unknown value {(int)dtype}", nameof(dtype));
}
