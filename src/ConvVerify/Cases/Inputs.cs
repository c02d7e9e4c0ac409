using System.Numerics;
using System.Runtime.CompilerServices;
using ConvVerify.Problems;

namespace ConvVerify.Cases;

/// <summary>
/// Deterministic input generation, bit-identical on every platform: a SplitMix64 stream (not <see cref="Random"/>,
/// whose sequence .NET does not promise to keep), and for <see cref="Fill.Normal"/> the Irwin–Hall sum of twelve
/// 24-bit uniforms minus 6, which needs no transcendental function and is exact in double.
/// </summary>
/// <remarks>
/// <see cref="Values{T}"/> is the definition, one element after another. <see cref="Generate{T}"/>
/// fills large tensors with vectors and threads (see <c>Inputs.Fast.cs</c>), which changes no bit: each element's draws
/// come from its own position in the stream, and its value from the same <see cref="Value{T}"/>.
/// </remarks>
public static partial class Inputs
{
    /// <summary>Largest magnitude of x and w in the integer fill (values ±1 … ±4, never 0); b and dy use half of it.</summary>
    public const int IntegerRange = 4;

    /// <summary>Generates x, w, b, dy for a problem. The streams of x, w, b, dy are independent of each other's sizes.</summary>
    /// <exception cref="ArgumentException">An integer fill whose partial sums could exceed the dtype's exact-integer range even with ranges of 1.</exception>
    public static ConvInputs<T> Generate<T>(ConvProblem problem, Fill fill, ulong seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(problem);
        int xwRange = IntegerRange, dyRange = IntegerRange / 2;
        if (fill == Fill.Integer)
        {
            // Shrink the ranges until no partial sum of any direction can leave the exactly representable integers.
            while (MaxPartialSum(problem, xwRange, dyRange) >= ExactIntegerLimit(problem.DType))
            {
                if (xwRange == 1 && dyRange == 1)
                    throw new ArgumentException(
                        $"fill: problem {problem} is too large for the integer fill in {problem.DType}: partial sums of up to "
                        + $"{MaxPartialSum(problem, 1, 1)} would exceed {ExactIntegerLimit(problem.DType)}; use the normal fill", nameof(fill));
                xwRange = Math.Max(1, xwRange / 2);
                dyRange = Math.Max(1, dyRange / 2);
            }
        }
        else if (fill != Fill.Normal)
        {
            throw new ArgumentException($"fill: unknown value {(int)fill}", nameof(fill));
        }
        // Stryker disable once Boolean : without vectors the same values come, more slowly
        T[] Make(int count, int stream, int range) => FastValues<T>(count, seed, stream, fill, range, problem.DType, useVectors: true, Environment.ProcessorCount);
        return new ConvInputs<T>(
            Make(problem.XSize, 1, xwRange),
            Make(problem.WSize, 2, xwRange),
            Make(problem.BSize, 3, dyRange),
            Make(problem.YSize, 4, dyRange));
    }

    /// <summary>The largest |partial sum| any direction can reach with the given integer ranges.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A range below 1 or above <see cref="IntegerRange"/>.</exception>
    public static long MaxPartialSum(ConvProblem problem, int xwRange, int dyRange)
    {
        ArgumentNullException.ThrowIfNull(problem);
        // The fill's ranges only: a negative one gave a meaningless sum, and a huge one wrapped the products of long.
        ArgumentOutOfRangeException.ThrowIfLessThan(xwRange, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(xwRange, IntegerRange);
        ArgumentOutOfRangeException.ThrowIfLessThan(dyRange, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dyRange, IntegerRange);
        long k = problem.Kernel.Aggregate(1L, (a, b) => a * b);
        long outSpatial = problem.Output.Aggregate(1L, (a, b) => a * b);
        long fwd = problem.IC / problem.Groups * k * xwRange * xwRange + dyRange;
        long bwdData = problem.OC / problem.Groups * k * xwRange * dyRange;
        long bwdWeights = problem.Mb * outSpatial * xwRange * dyRange;
        return Math.Max(Math.Max(fwd, bwdData), bwdWeights); // db's N·Πout·dyRange is below bwdWeights'
    }

    /// <summary>
    /// 2^24 for float32 and bfloat16 (whose sums are float32), 2^53 for float64: below it every integer is exact, so every
    /// summation order gives the same sum (and a bfloat16 result the same single rounding of it). For float16 the largest
    /// finite value, 65504, which is lower: a larger result would round to infinity.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a defined <see cref="DType"/>.</exception>
    public static long ExactIntegerLimit(DType dtype) => dtype switch
    {
        DType.Float64 => 1L << 53,
        DType.Float16 => 65504,
        DType.Float32 or DType.BFloat16 => 1L << 24,
        _ => throw new ArgumentException($"dtype: unknown value {(int)dtype}", nameof(dtype)),
    };

    /// <summary>A stable per-case seed from a base seed and a case id (FNV-1a), so cases of one pack differ. Below 2^53, so JSON keeps it exact.</summary>
    public static ulong CaseSeed(ulong baseSeed, string caseId)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        ulong h = 14695981039346656037UL;
        foreach (char c in caseId)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return (baseSeed ^ h) & (ConvCase.SeedLimit - 1);
    }

    /// <summary>
    /// The definition: <paramref name="count"/> values of stream <paramref name="stream"/>, one after another, each from
    /// <see cref="DrawsPerElement"/> consecutive outputs of the stream.
    /// </summary>
    internal static T[] Values<T>(int count, ulong seed, int stream, Fill fill, int range, DType dtype)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckRange(fill, range);
        var values = new T[count];
        Sequence<T>(values, StreamStart(seed, stream), fill, range, dtype);
        return values;
    }

    /// <summary>Consecutive elements of a stream, from <paramref name="state"/> (the state before the first one's draws).</summary>
    internal static void Sequence<T>(Span<T> values, ulong state, Fill fill, int range, DType dtype)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ulong step = Skip(0, fill, 1);
        for (int i = 0; i < values.Length; i++, state += step) values[i] = Value<T>(Draw(state, fill), fill, range, dtype);
    }

    /// <summary>
    /// The draw of the element whose draws start after <paramref name="state"/>: its one output, or its twelve 24-bit
    /// uniforms summed: the outputs SplitMix64.Next gives from that state (taken by value, so it stays in a register).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Draw(ulong state, Fill fill)
    {
        if (fill == Fill.Integer) return SplitMix64.Mix(state + SplitMix64.Gamma);
        ulong draw = 0;
        // 24-bit uniforms: the top 24 bits (divided, not shifted, as in SplitMix64.Mix).
        for (int j = 0; j < 12; j++) draw += SplitMix64.Mix(state += SplitMix64.Gamma) / (1UL << 40);
        return draw;
    }

    /// <exception cref="ArgumentOutOfRangeException">An integer fill's range that is not a power of two.</exception>
    private static void CheckRange(Fill fill, int range)
    {
        if (fill == Fill.Integer && !BitOperations.IsPow2(range))
            throw new ArgumentOutOfRangeException(nameof(range), range, $"range: the integer fill's ranges are powers of two (4, 2, 1), not {range}");
    }

    /// <summary>Where stream <paramref name="stream"/> of a seed starts: streams are far apart in SplitMix64's counter.</summary>
    internal static ulong StreamStart(ulong seed, int stream) => seed + (ulong)stream * 0xD1B54A32D192ED03UL;

    /// <summary>Outputs of the stream one element takes: one for the integer fill, twelve for the normal fill.</summary>
    internal static int DrawsPerElement(Fill fill) => fill == Fill.Integer ? 1 : 12;

    /// <summary>
    /// <paramref name="state"/> moved past <paramref name="elements"/> elements' draws (modulo 2^64): SplitMix64's state
    /// is a counter, so this is where the element after them starts.
    /// </summary>
    internal static ulong Skip(ulong state, Fill fill, long elements) =>
        state + (ulong)elements * (ulong)DrawsPerElement(fill) * SplitMix64.Gamma;

    /// <summary>
    /// An element from its draw: for the integer fill one SplitMix64 output, for the normal fill the sum of twelve 24-bit
    /// uniforms (below 2^28, so exact in double).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Value<T>(ulong draw, Fill fill, int range, DType dtype)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double v;
        if (fill == Fill.Integer)
        {
            // k = draw mod 2·range, a mask since ranges are powers of two (4, 2, 1; the callers check). Never 0: a zero
            // input makes its products zero, and a dropped, doubled or misplaced term invisible. No branch on k: half
            // the elements would take each way, and the mispredictions cost more than the rest of the element.
            long k = (long)(draw & (ulong)(2 * range - 1));
            v = k - range + (k < range ? 0 : 1);
        }
        else
        {
            v = (long)draw / (double)(1 << 24) - 6.0;
        }
        // One rounding to the dtype (the integers are exact in every dtype): bfloat16 and float16 hold only their own values.
        return T.CreateChecked(DTypes.RoundFromDouble(dtype, v));
    }
}
