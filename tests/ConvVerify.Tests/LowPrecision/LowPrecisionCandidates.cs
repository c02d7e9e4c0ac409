using System.Numerics;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Tests.LowPrecision;

/// <summary>How a low-precision candidate sums and stores: the right way, and two ways real kernels get it wrong.</summary>
public enum Accumulation
{
    /// <summary>float32 sums, rounded once to nearest even: the definition (in another term order).</summary>
    Float32RoundedOnce,

    /// <summary>Every partial sum rounded to bfloat16, as a kernel with a bfloat16 accumulator does.</summary>
    InBFloat16,

    /// <summary>float32 sums, the result cut to bfloat16 by dropping the low 16 bits (round toward zero).</summary>
    TowardZero,
}

/// <summary>
/// A bfloat16 implementation that shares no loop with <see cref="NaiveConv"/>: each element's terms are read off the
/// convolution's matrix (every entry of M labelled with the weight it holds), then summed as <paramref name="mode"/> says.
/// </summary>
public sealed class LowPrecisionCandidate(Accumulation mode) : IConvImplementation
{
    public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = Labels(p);
        int perChannel = p.YSize / (p.Mb * p.OC);
        for (int r = 0; r < m.Rows; r++)
        {
            float acc = 0;
            for (int c = 0; c < m.Cols; c++)
                if (m[r, c] is var l and not 0) acc = Add(acc, F(x[c]) * F(w[(int)l - 1]));
            if (p.HasBias) acc = Add(acc, F(b[r / perChannel % p.OC]));
            y[r] = T.CreateTruncating(Finish(acc));
        }
    }

    public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = Labels(p);
        for (int c = 0; c < m.Cols; c++)
        {
            float acc = 0;
            for (int r = 0; r < m.Rows; r++)
                if (m[r, c] is var l and not 0) acc = Add(acc, F(dy[r]) * F(w[(int)l - 1]));
            dx[c] = T.CreateTruncating(Finish(acc));
        }
    }

    public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = Labels(p);
        var acc = new float[p.WSize];
        for (int r = 0; r < m.Rows; r++)
            for (int c = 0; c < m.Cols; c++)
                if (m[r, c] is var l and not 0) acc[(int)l - 1] = Add(acc[(int)l - 1], F(dy[r]) * F(x[c]));
        for (int j = 0; j < dw.Length; j++) dw[j] = T.CreateTruncating(Finish(acc[j]));
    }

    public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int perChannel = p.YSize / (p.Mb * p.OC);
        var acc = new float[p.OC];
        for (int r = 0; r < dy.Length; r++) acc[r / perChannel % p.OC] = Add(acc[r / perChannel % p.OC], F(dy[r]));
        for (int o = 0; o < db.Length; o++) db[o] = T.CreateTruncating(Finish(acc[o]));
    }

    private static float F<T>(T v) where T : unmanaged, IFloatingPointIeee754<T> => float.CreateTruncating(v);

    // Entry (r, c) holds 1 + the index of the weight that multiplies x[c] into y[r], or 0.
    private static ConvMatrix<double> Labels(ConvProblem p) =>
        ConvMatrix<double>.Build(p.WithDType(DType.Float64), [.. Enumerable.Range(1, p.WSize).Select(i => (double)i)]);

    private float Add(float acc, float term) => mode == Accumulation.InBFloat16 ? (float)(BFloat16)(acc + term) : acc + term;

    private float Finish(float acc) => mode switch
    {
        Accumulation.TowardZero => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(acc) & 0xFFFF_0000u),
        _ => (float)(BFloat16)acc,
    };
}
