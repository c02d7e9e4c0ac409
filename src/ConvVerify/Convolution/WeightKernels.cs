using System.Numerics;
using System.Runtime.CompilerServices;

namespace ConvVerify.Convolution;

/// <summary>
/// Where one weight-gradient element finds its terms: minibatch, then the D, H and W output-position progressions
/// (see <see cref="TapList.ForTaps"/>), with x offsets multiplied by x's strides and dy offsets by the transposed
/// dy's ([n][od][oh][ow][lane]).
/// </summary>
internal struct DwWalk
{
    public int N, XN, DyN;
    public int DCount, DX, DXStep, DDy, DDyStep;
    public int HCount, HX, HXStep, HDy, HDyStep;
    public int WCount, WX, WXStep, WDy;
}

/// <summary>
/// Weight-gradient kernels. Lanes are output channels (dy transposed so a block of them is contiguous per position),
/// the broadcast operand is an x value, and each accumulator sums its element's terms in the definition's order
/// (n, od, oh, ow ascending) from +0.
/// </summary>
internal static class WeightKernels<T, TV, TS, TF>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TV : struct
    where TS : struct, ISimd<TV, T>
    where TF : struct, ISource<TV, T>
{
    /// <summary>Eight input channels <paramref name="xc"/> elements apart, one output-channel block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Channels8(ref T x, int xc, ref T dy, in DwWalk k, ref T output)
    {
        DwWalk a = k;
        int v = TS.Count;
        nint c1 = xc, c2 = 2 * c1, c3 = 3 * c1, c4 = 4 * c1, c5 = 5 * c1, c6 = 6 * c1, c7 = 7 * c1;
        TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero, a4 = TS.Zero, a5 = TS.Zero, a6 = TS.Zero, a7 = TS.Zero;
        for (int n = 0; n < a.N; n++)
        {
            ref T xn = ref Unsafe.Add(ref x, (nint)n * a.XN);
            ref T dn = ref Unsafe.Add(ref dy, (nint)n * a.DyN);
            for (int jd = 0; jd < a.DCount; jd++)
            {
                int xd = a.DX + jd * a.DXStep, dd = a.DDy + jd * a.DDyStep;
                for (int jh = 0; jh < a.HCount; jh++)
                {
                    ref T xs = ref Unsafe.Add(ref xn, xd + a.HX + jh * a.HXStep + a.WX);
                    ref T ds = ref Unsafe.Add(ref dn, dd + a.HDy + jh * a.HDyStep + a.WDy);
                    for (int jw = 0; jw < a.WCount; jw++)
                    {
                        TV d = TS.Load(ref ds);
                        a0 = TS.Add(a0, TS.Multiply(d, TF.Fetch(ref xs)));
                        a1 = TS.Add(a1, TS.Multiply(d, TF.Fetch(ref Unsafe.Add(ref xs, c1))));
                        a2 = TS.Add(a2, TS.Multiply(d, TF.Fetch(ref Unsafe.Add(ref xs, c2))));
                        a3 = TS.Add(a3, TS.Multiply(d, TF.Fetch(ref Unsafe.Add(ref xs, c3))));
                        a4 = TS.Add(a4, TS.Multiply(d, TF.Fetch(ref Unsafe.Add(ref xs, c4))));
                        a5 = TS.Add(a5, TS.Multiply(d, TF.Fetch(ref Unsafe.Add(ref xs, c5))));
                        a6 = TS.Add(a6, TS.Multiply(d, TF.Fetch(ref Unsafe.Add(ref xs, c6))));
                        a7 = TS.Add(a7, TS.Multiply(d, TF.Fetch(ref Unsafe.Add(ref xs, c7))));
                        xs = ref Unsafe.Add(ref xs, a.WXStep);
                        ds = ref Unsafe.Add(ref ds, v);
                    }
                }
            }
        }
        TS.Store(a0, ref output);
        TS.Store(a1, ref Unsafe.Add(ref output, v));
        TS.Store(a2, ref Unsafe.Add(ref output, 2 * v));
        TS.Store(a3, ref Unsafe.Add(ref output, 3 * v));
        TS.Store(a4, ref Unsafe.Add(ref output, 4 * v));
        TS.Store(a5, ref Unsafe.Add(ref output, 5 * v));
        TS.Store(a6, ref Unsafe.Add(ref output, 6 * v));
        TS.Store(a7, ref Unsafe.Add(ref output, 7 * v));
    }

    /// <summary>One input channel, four output-channel blocks <paramref name="bs"/> elements apart in the transposed dy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Blocks4(ref T x, ref T dy, int bs, in DwWalk k, ref T output)
    {
        DwWalk a = k;
        int v = TS.Count;
        nint b1 = bs, b2 = 2 * b1, b3 = 3 * b1;
        TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero;
        for (int n = 0; n < a.N; n++)
        {
            ref T xn = ref Unsafe.Add(ref x, (nint)n * a.XN);
            ref T dn = ref Unsafe.Add(ref dy, (nint)n * a.DyN);
            for (int jd = 0; jd < a.DCount; jd++)
            {
                int xd = a.DX + jd * a.DXStep, dd = a.DDy + jd * a.DDyStep;
                for (int jh = 0; jh < a.HCount; jh++)
                {
                    ref T xs = ref Unsafe.Add(ref xn, xd + a.HX + jh * a.HXStep + a.WX);
                    ref T ds = ref Unsafe.Add(ref dn, dd + a.HDy + jh * a.HDyStep + a.WDy);
                    for (int jw = 0; jw < a.WCount; jw++)
                    {
                        TV xv = TF.Fetch(ref xs);
                        a0 = TS.Add(a0, TS.Multiply(TS.Load(ref ds), xv));
                        a1 = TS.Add(a1, TS.Multiply(TS.Load(ref Unsafe.Add(ref ds, b1)), xv));
                        a2 = TS.Add(a2, TS.Multiply(TS.Load(ref Unsafe.Add(ref ds, b2)), xv));
                        a3 = TS.Add(a3, TS.Multiply(TS.Load(ref Unsafe.Add(ref ds, b3)), xv));
                        xs = ref Unsafe.Add(ref xs, a.WXStep);
                        ds = ref Unsafe.Add(ref ds, v);
                    }
                }
            }
        }
        TS.Store(a0, ref output);
        TS.Store(a1, ref Unsafe.Add(ref output, v));
        TS.Store(a2, ref Unsafe.Add(ref output, 2 * v));
        TS.Store(a3, ref Unsafe.Add(ref output, 3 * v));
    }

    /// <summary>One input channel, one output-channel block: a single chain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Single(ref T x, ref T dy, in DwWalk k, ref T output)
    {
        DwWalk a = k;
        int v = TS.Count;
        TV a0 = TS.Zero;
        for (int n = 0; n < a.N; n++)
        {
            ref T xn = ref Unsafe.Add(ref x, (nint)n * a.XN);
            ref T dn = ref Unsafe.Add(ref dy, (nint)n * a.DyN);
            for (int jd = 0; jd < a.DCount; jd++)
            {
                int xd = a.DX + jd * a.DXStep, dd = a.DDy + jd * a.DDyStep;
                for (int jh = 0; jh < a.HCount; jh++)
                {
                    ref T xs = ref Unsafe.Add(ref xn, xd + a.HX + jh * a.HXStep + a.WX);
                    ref T ds = ref Unsafe.Add(ref dn, dd + a.HDy + jh * a.HDyStep + a.WDy);
                    for (int jw = 0; jw < a.WCount; jw++)
                    {
                        a0 = TS.Add(a0, TS.Multiply(TS.Load(ref ds), TF.Fetch(ref xs)));
                        xs = ref Unsafe.Add(ref xs, a.WXStep);
                        ds = ref Unsafe.Add(ref ds, v);
                    }
                }
            }
        }
        TS.Store(a0, ref output);
    }
}

/// <summary>
/// The weight gradient as independent tasks, one per (group, quad of output-channel blocks, chunk of eight input
/// channels, kd, kh); each task does every kw. dy is transposed once per call to [group][block][n][od][oh][ow][lane],
/// lanes past the group's output channels zero (computed, never stored). When groups have few output channels
/// (depthwise), lanes are instead one output channel in each of V consecutive groups: the job's groups are blocks
/// of V groups, its blocks the output channels of a group, and x is transposed to [n][group block][ic][d][h][w][lane]
/// so each lane loads its own group's x.
/// </summary>
internal sealed unsafe class WeightJob<T, TV, TS, TF>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TV : struct
    where TS : struct, ISimd<TV, T>
    where TF : struct, ISource<TV, T>
{
    public required T* X { get; init; }
    public required T* DyT { get; init; }
    public required T* Dw { get; init; }
    public required int N { get; init; }
    public required int Groups { get; init; }
    public required int InChannels { get; init; }
    /// <summary>Output channels per group.</summary>
    public required int Lanes { get; init; }
    /// <summary>Whether lanes are groups (<see cref="LaneSource{T, TV, TS}"/>) rather than output channels of one group.</summary>
    public required bool LanesOverGroups { get; init; }
    /// <summary>Groups of the problem; with lanes over groups, <see cref="Groups"/> counts blocks of V of them.</summary>
    public required int ProblemGroups { get; init; }
    /// <summary>Vectors per (group, n, position) of the transposed dy: output-channel blocks, or with lanes over groups the output channels of a group.</summary>
    public required int BlocksPerGroup { get; init; }
    /// <summary>
    /// Strides of the transposed dy between minibatch entries and between blocks ([group][block][n][position][lane],
    /// or with lanes over groups [n][group block][channel][position][lane], whose n stride is the larger).
    /// </summary>
    public required (int N, int Block) DyStrides { get; init; }
    /// <summary>x strides: n, channel, d, h, w (w is V with lanes over groups, else 1).</summary>
    public required (int N, int C, int D, int H, int W) XStrides { get; init; }
    /// <summary>Output extents d, h, w.</summary>
    public required (int D, int H, int W) Out { get; init; }
    public required (int D, int H, int W) K { get; init; }
    public required TapList TapsD { get; init; }
    public required TapList TapsH { get; init; }
    public required TapList TapsW { get; init; }

    private int V => TS.Count;
    private int Quads => (BlocksPerGroup + 3) / 4;
    private int Chunks => (InChannels + 7) / 8;
    private int BlockStride => DyStrides.Block;

    public int Tasks => Groups * Quads * Chunks * K.D * K.H;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int task)
    {
        int kh = task % K.H; task /= K.H;
        int kd = task % K.D; task /= K.D;
        int chunk = task % Chunks; task /= Chunks;
        int quad = task % Quads;
        int g = task / Quads;
        int v = V, icgChunk = Math.Min(8, InChannels - chunk * 8);
        int firstBlock = quad * 4, blockCount = Math.Min(4, BlocksPerGroup - firstBlock);
        int dyD = Out.H * Out.W * v, dyH = Out.W * v;
        var walk = new DwWalk
        {
            N = N, XN = XStrides.N, DyN = DyStrides.N,
            DCount = TapsD.Count[kd], DX = TapsD.Source[kd] * XStrides.D, DXStep = TapsD.SourceStep * XStrides.D,
            DDy = TapsD.First[kd] * dyD, DDyStep = dyD,
            HCount = TapsH.Count[kh], HX = TapsH.Source[kh] * XStrides.H, HXStep = TapsH.SourceStep * XStrides.H,
            HDy = TapsH.First[kh] * dyH, HDyStep = dyH,
            WXStep = TapsW.SourceStep * XStrides.W,
        };
        int ic0 = chunk * 8;
        ref T x = ref Unsafe.AsRef<T>(X + ((long)g * InChannels + ic0) * XStrides.C);
        ref T dq = ref Unsafe.AsRef<T>(DyT + ((long)g * BlocksPerGroup + firstBlock) * BlockStride);
        Span<T> scratch = stackalloc T[8 * v];
        ref T out0 = ref scratch[0];
        for (int kw = 0; kw < K.W; kw++)
        {
            walk.WCount = TapsW.Count[kw];
            walk.WX = TapsW.Source[kw] * XStrides.W;
            walk.WDy = TapsW.First[kw] * v;
            int tap = (kd * K.H + kh) * K.W + kw;
            if (icgChunk == 8)
            {
                for (int m = 0; m < blockCount; m++)
                {
                    WeightKernels<T, TV, TS, TF>.Channels8(ref x, XStrides.C, ref Unsafe.Add(ref dq, (nint)m * BlockStride), walk, ref out0);
                    for (int r = 0; r < 8; r++) Scatter(scratch.Slice(r * v, v), g, firstBlock + m, ic0 + r, tap);
                }
                continue;
            }
            for (int c = 0; c < icgChunk; c++)
            {
                ref T xc = ref Unsafe.Add(ref x, (nint)c * XStrides.C);
                if (blockCount == 4)
                {
                    WeightKernels<T, TV, TS, TF>.Blocks4(ref xc, ref dq, BlockStride, walk, ref out0);
                    for (int m = 0; m < 4; m++) Scatter(scratch.Slice(m * v, v), g, firstBlock + m, ic0 + c, tap);
                    continue;
                }
                for (int m = 0; m < blockCount; m++)
                {
                    WeightKernels<T, TV, TS, TF>.Single(ref xc, ref Unsafe.Add(ref dq, (nint)m * BlockStride), walk, ref out0);
                    Scatter(scratch[..v], g, firstBlock + m, ic0 + c, tap);
                }
            }
        }
    }

    // Lane l is output channel block·V + l of group g, or with lanes over groups output channel `block` of group g·V + l.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Scatter(ReadOnlySpan<T> lanes, int g, int block, int ic, int tap)
    {
        int v = V, taps = K.D * K.H * K.W;
        var (count, first, laneStride) = LanesOverGroups
            ? (Math.Min(v, ProblemGroups - g * v), (long)g * v * Lanes + block, (long)Lanes)
            : (Math.Min(v, Lanes - block * v), (long)g * Lanes + block * v, 1L);
        for (int l = 0; l < count; l++)
        {
            long o = first + l * laneStride;
            Dw[(o * InChannels + ic) * taps + tap] = lanes[l];
        }
    }
}
