using System.Numerics;
using ConvVerify.Problems;

namespace ConvVerify.Convolution;

/// <summary>
/// The convolution as the explicit dense matrix M (|y| × |x|) with shared weights: y = M·vec(x) + b and
/// dL/dx = Mᵀ·vec(dL/dy). An independent cross-check of <see cref="NaiveConv"/>'s forward and data gradient.
/// </summary>
/// <remarks>
/// Built by scattering each weight into every row whose receptive field covers it; no loop of
/// <see cref="NaiveConv"/> is reused. For a 4x4 image and a 3x3 kernel, M is 4x16 with 9 distinct non-zero values.
/// </remarks>
public sealed class ConvMatrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _m;

    private ConvMatrix(ConvProblem problem, T[] m)
    {
        Problem = problem;
        _m = m;
    }

    /// <summary>The problem the matrix represents.</summary>
    public ConvProblem Problem { get; }

    /// <summary>Rows: one per element of y (N·OC·Πout).</summary>
    public int Rows => Problem.YSize;

    /// <summary>Columns: one per element of x (N·IC·Πin).</summary>
    public int Cols => Problem.XSize;

    /// <summary>M[row, col].</summary>
    public T this[int row, int col] => _m[(long)row * Cols + col];

    /// <summary>Builds M for <paramref name="problem"/> with weights <paramref name="w"/> (OC, IC/G, k...).</summary>
    /// <exception cref="ArgumentException">w has the wrong size, or M would exceed <paramref name="maxElements"/>.</exception>
    public static ConvMatrix<T> Build(ConvProblem problem, ReadOnlySpan<T> w, long maxElements = 1L << 26)
    {
        ArgumentNullException.ThrowIfNull(problem);
        NaiveConv.CheckLength(w, "w", problem.WSize, problem.WShape);
        long size = (long)problem.YSize * problem.XSize;
        if (size > maxElements)
            throw new ArgumentException($"problem {problem}: matrix would hold {size} elements, more than the limit {maxElements}", nameof(problem));
        var m = new T[size];
        int[] outShape = [.. problem.Output], inShape = [.. problem.Input], kShape = [.. problem.Kernel];
        int icg = problem.IC / problem.Groups, ocg = problem.OC / problem.Groups;
        int outCount = Product(outShape), inCount = Product(inShape), kCount = Product(kShape);
        var outPos = new int[problem.Rank];
        var tap = new int[problem.Rank];
        var inPos = new int[problem.Rank];
        for (int n = 0; n < problem.Mb; n++)
        for (int o = 0; o < problem.OC; o++)
        for (int po = 0; po < outCount; po++)
        {
            Unravel(po, outShape, outPos);
            long row = ((long)n * problem.OC + o) * outCount + po;
            int g = o / ocg;
            for (int c = 0; c < icg; c++)
            for (int k = 0; k < kCount; k++)
            {
                Unravel(k, kShape, tap);
                if (!Window(problem, outPos, tap, inPos)) continue;
                long col = ((long)n * problem.IC + g * icg + c) * inCount + Ravel(inPos, inShape);
                m[row * problem.XSize + col] += w[(o * icg + c) * kCount + k];
            }
        }
        return new ConvMatrix<T>(problem, m);
    }

    /// <summary>y = M·x (+ b broadcast over each output channel when the problem has a bias).</summary>
    public T[] Multiply(ReadOnlySpan<T> x, ReadOnlySpan<T> b)
    {
        NaiveConv.CheckLength(x, "x", Cols, Problem.XShape);
        NaiveConv.CheckLength(b, "b", Problem.BSize, Problem.HasBias ? Problem.BShape : []);
        var y = new T[Rows];
        int perChannel = Rows / (Problem.Mb * Problem.OC);
        for (int r = 0; r < Rows; r++)
        {
            T acc = T.Zero;
            for (int c = 0; c < Cols; c++) acc += _m[(long)r * Cols + c] * x[c];
            y[r] = Problem.HasBias ? acc + b[r / perChannel % Problem.OC] : acc;
        }
        return y;
    }

    /// <summary>dL/dx = Mᵀ·dL/dy.</summary>
    public T[] MultiplyTransposed(ReadOnlySpan<T> dy)
    {
        NaiveConv.CheckLength(dy, "dy", Rows, Problem.YShape);
        // Row by row, so M is read in storage order; each dx[c] still sums its terms in ascending r, starting from +0.
        var dx = new T[Cols];
        for (int r = 0; r < Rows; r++)
        {
            var row = _m.AsSpan((int)((long)r * Cols), Cols);
            for (int c = 0; c < Cols; c++) dx[c] += row[c] * dy[r];
        }
        return dx;
    }

    /// <summary>The distinct non-zero entries of M (the shared weights).</summary>
    public IReadOnlySet<T> DistinctNonZero() => _m.Where(v => v != T.Zero).ToHashSet();

    /// <summary>Number of non-zero entries of M.</summary>
    public int NonZeroCount => _m.Count(v => v != T.Zero);

    // Where tap k of the window at output position p lands in the unpadded input; false when it lands in padding.
    private static bool Window(ConvProblem p, int[] outPos, int[] tap, int[] inPos)
    {
        for (int d = 0; d < p.Rank; d++)
        {
            int paddedCoord = outPos[d] * p.Stride[d] + tap[d] * p.Dilation[d];
            inPos[d] = paddedCoord - p.PadBegin[d];
            if (inPos[d] < 0 || inPos[d] >= p.Input[d]) return false;
        }
        return true;
    }

    private static int Product(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    private static void Unravel(int flat, int[] shape, int[] index)
    {
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
    }

    private static int Ravel(int[] index, int[] shape)
    {
        int flat = 0;
        for (int d = 0; d < shape.Length; d++) flat = flat * shape[d] + index[d];
        return flat;
    }
}
