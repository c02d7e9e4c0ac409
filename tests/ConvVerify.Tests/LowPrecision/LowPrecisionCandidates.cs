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

    /// <summary>
    /// float32 sums rounded to nearest, except that a sum between ±2^k and the value one step inside it, nearer that
    /// value, becomes ±2^k: rounded outward across a binade edge from up to a whole spacing below it, which half an ulp
    /// of 2^k (twice that spacing) used to let through.
    /// </summary>
    OutwardToPowersOfTwo,
}

/// <summary>
/// A bfloat16 implementation that shares no loop with <see cref="NaiveConv"/>: each element's terms are read off the
/// convolution's matrix (every entry of M labelled with the weight it holds), then summed as <paramref name="mode"/> says.
/// </summary>
public sealed class LowPrecisionCandidate(Accumulation mode) : IConvImplementation
{
    public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = _labels.For(p);
        int perChannel = p.YSize / (p.Mb * p.OC);
        for (int r = 0; r < p.YSize; r++)
        {
            float acc = 0;
            foreach (var (c, l) in m.Row(r)) acc = Add(acc, F(x[c]) * F(w[l]));
            if (p.HasBias) acc = Add(acc, F(b[r / perChannel % p.OC]));
            y[r] = T.CreateTruncating(Finish(acc));
        }
    }

    public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = _labels.For(p);
        for (int c = 0; c < p.XSize; c++)
        {
            float acc = 0;
            foreach (var (r, l) in m.Column(c)) acc = Add(acc, F(dy[r]) * F(w[l]));
            dx[c] = T.CreateTruncating(Finish(acc));
        }
    }

    public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = _labels.For(p);
        var acc = new float[p.WSize];
        for (int r = 0; r < p.YSize; r++)
            foreach (var (c, l) in m.Row(r)) acc[l] = Add(acc[l], F(dy[r]) * F(x[c]));
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

    private readonly LastLabels _labels = new();

    private float Add(float acc, float term) => mode == Accumulation.InBFloat16 ? (float)(BFloat16)(acc + term) : acc + term;

    private float Finish(float acc) => mode switch
    {
        Accumulation.TowardZero => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(acc) & 0xFFFF_0000u),
        Accumulation.OutwardToPowersOfTwo => OutwardToPowerOfTwo(acc, (float)(BFloat16)acc),
        _ => (float)(BFloat16)acc,
    };

    // A normal bfloat16 value whose 7 stored significand bits are all ones is the last one below 2^(exponent + 1); a
    // sum beyond it in magnitude (it was rounded inward to it) goes out to the power of two instead.
    private static float OutwardToPowerOfTwo(float acc, float r) =>
        float.IsNormal(r) && (BitConverter.SingleToUInt32Bits(r) & 0x007F_0000u) == 0x007F_0000u && MathF.Abs(acc) > MathF.Abs(r)
            ? MathF.CopySign(MathF.ScaleB(1, MathF.ILogB(r) + 1), r) : r;
}

/// <summary>
/// The label lists of the last problem asked for: an implementation is asked for the directions of one case one after
/// another, so M's labels are read once per case.
/// </summary>
internal sealed class LastLabels
{
    private LabelLists? _last;

    public LabelLists For(ConvProblem p)
    {
        var last = _last; // read once: another test's thread may replace it meanwhile
        return last is not null && last.Problem.Equals(p) ? last : _last = LabelLists.Of(p);
    }
}

/// <summary>
/// The non-zero entries of the convolution's matrix M, each labelled with the index of the weight it holds, by row
/// (columns ascending) and by column (rows ascending): the dense matrix's scan order without its zeros.
/// </summary>
internal sealed class LabelLists
{
    private readonly (int Index, int Label)[] _byRow, _byColumn;
    private readonly int[] _rowStart, _columnStart;

    private LabelLists(ConvProblem problem, (int, int)[] byRow, int[] rowStart, (int, int)[] byColumn, int[] columnStart) =>
        (Problem, _byRow, _rowStart, _byColumn, _columnStart) = (problem, byRow, rowStart, byColumn, columnStart);

    public ConvProblem Problem { get; }

    /// <summary>(column, weight index) of row <paramref name="r"/>'s entries.</summary>
    public ReadOnlySpan<(int Index, int Label)> Row(int r) => _byRow.AsSpan(_rowStart[r], _rowStart[r + 1] - _rowStart[r]);

    /// <summary>(row, weight index) of column <paramref name="c"/>'s entries.</summary>
    public ReadOnlySpan<(int Index, int Label)> Column(int c) => _byColumn.AsSpan(_columnStart[c], _columnStart[c + 1] - _columnStart[c]);

    public static LabelLists Of(ConvProblem p)
    {
        // Entry (r, c) of M built from the weights 1..WSize is 1 + the index of the weight that multiplies x[c] into y[r], or 0.
        var m = ConvMatrix<double>.Build(p.WithDType(DType.Float64), [.. Enumerable.Range(1, p.WSize).Select(i => (double)i)]);
        var byRow = new List<(int, int)>();
        var rowStart = new int[m.Rows + 1];
        var perColumn = new int[m.Cols + 1];
        for (int r = 0; r < m.Rows; r++)
        {
            rowStart[r] = byRow.Count;
            for (int c = 0; c < m.Cols; c++)
                if (m[r, c] is var l and not 0)
                {
                    byRow.Add((c, (int)l - 1));
                    perColumn[c + 1]++;
                }
        }
        rowStart[m.Rows] = byRow.Count;
        var columnStart = new int[m.Cols + 1];
        for (int c = 0; c < m.Cols; c++) columnStart[c + 1] = columnStart[c] + perColumn[c + 1];
        var byColumn = new (int, int)[byRow.Count];
        var next = (int[])columnStart.Clone();
        // Rows ascending, so each column's entries come out in ascending row order.
        for (int r = 0; r < m.Rows; r++)
            for (int k = rowStart[r]; k < rowStart[r + 1]; k++)
            {
                var (c, l) = byRow[k];
                byColumn[next[c]++] = (r, l);
            }
        return new LabelLists(p, [.. byRow], rowStart, byColumn, columnStart);
    }
}
