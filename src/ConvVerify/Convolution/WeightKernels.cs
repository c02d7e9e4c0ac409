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
    public int WCount, WX, WDy;
    /// <summary>x offset between neighbouring output positions: stride·V with lanes over groups, which may pass int.</summary>
    public nint WXStep;
}

/// <summary>
/// Weight-gradient kernels. Lanes are output channels (dy transposed so a block of them is contiguous per position),
/// the broadcast operand is an x value, and each accumulator sums its element's terms in the definition's order
/// (n, od, oh, ow ascending). A kernel continues sums kept in its output (zero before the first call), so a sum may
/// be taken over consecutive runs of rows in several calls: storing and reloading a partial sum changes no bit.
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
        TV a0 = TS.Load(ref output), a1 = TS.Load(ref Unsafe.Add(ref output, v)), a2 = TS.Load(ref Unsafe.Add(ref output, 2 * v)),
            a3 = TS.Load(ref Unsafe.Add(ref output, 3 * v)), a4 = TS.Load(ref Unsafe.Add(ref output, 4 * v)), a5 = TS.Load(ref Unsafe.Add(ref output, 5 * v)),
            a6 = TS.Load(ref Unsafe.Add(ref output, 6 * v)), a7 = TS.Load(ref Unsafe.Add(ref output, 7 * v));
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
        TV a0 = TS.Load(ref output), a1 = TS.Load(ref Unsafe.Add(ref output, v)), a2 = TS.Load(ref Unsafe.Add(ref output, 2 * v)),
            a3 = TS.Load(ref Unsafe.Add(ref output, 3 * v));
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
        TV a0 = TS.Load(ref output);
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

    /// <summary>
    /// One input channel and one output-channel block, eight (or four) kw taps at once: their sums share each dy load. Tap j
    /// takes output positions [first[j], end[j]) of a row, reading x at xBase[j] + ow·step; the positions all eight
    /// take are done together, each tap's others alone before and after them, so every sum still runs over its
    /// positions in ascending order. A slot past the kernel's taps repeats slot 0's range into a sum never read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Taps8(ref T x, ref T dy, in DwWalk k, in TapSet t, ref T output)
    {
        DwWalk a = k;
        TapSet ts = t;
        int v = TS.Count;
        nint step = a.WXStep;
        int width = ts.Width, lo = ts.First[0], hi = ts.End[0];
        for (int j = 1; j < width; j++)
        {
            lo = Math.Max(lo, ts.First[j]);
            hi = Math.Min(hi, ts.End[j]);
        }
        if (hi < lo) hi = lo;
        nint x1 = ts.XBase[1] - ts.XBase[0], x2 = ts.XBase[2] - ts.XBase[0], x3 = ts.XBase[3] - ts.XBase[0], x4 = ts.XBase[4] - ts.XBase[0],
            x5 = ts.XBase[5] - ts.XBase[0], x6 = ts.XBase[6] - ts.XBase[0], x7 = ts.XBase[7] - ts.XBase[0];
        Span<TV> acc = [TS.Load(ref output), TS.Load(ref Unsafe.Add(ref output, v)), TS.Load(ref Unsafe.Add(ref output, 2 * v)),
            TS.Load(ref Unsafe.Add(ref output, 3 * v)), TS.Load(ref Unsafe.Add(ref output, 4 * v)), TS.Load(ref Unsafe.Add(ref output, 5 * v)),
            TS.Load(ref Unsafe.Add(ref output, 6 * v)), TS.Load(ref Unsafe.Add(ref output, 7 * v))];
        for (int n = 0; n < a.N; n++)
        {
            ref T xn = ref Unsafe.Add(ref x, (nint)n * a.XN);
            ref T dn = ref Unsafe.Add(ref dy, (nint)n * a.DyN);
            for (int jd = 0; jd < a.DCount; jd++)
            {
                int xd = a.DX + jd * a.DXStep, dd = a.DDy + jd * a.DDyStep;
                for (int jh = 0; jh < a.HCount; jh++)
                {
                    ref T xr = ref Unsafe.Add(ref xn, xd + a.HX + jh * a.HXStep);
                    ref T dr = ref Unsafe.Add(ref dn, dd + a.HDy + jh * a.HDyStep);
                    // Each tap's positions before the shared run (all of them when there is none).
                    for (int j = 0; j < width; j++)
                    {
                        TV s = acc[j];
                        int end = Math.Min(ts.End[j], lo > ts.First[j] ? lo : ts.First[j]);
                        if (hi == lo) end = ts.End[j];
                        for (int ow = ts.First[j]; ow < end; ow++)
                            s = TS.Add(s, TS.Multiply(TS.Load(ref Unsafe.Add(ref dr, (nint)ow * v)), TF.Fetch(ref Unsafe.Add(ref xr, ts.XBase[j] + ow * step))));
                        acc[j] = s;
                    }
                    if (hi > lo)
                    {
                        TV a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], a4 = acc[4], a5 = acc[5], a6 = acc[6], a7 = acc[7];
                        ref T xs = ref Unsafe.Add(ref xr, ts.XBase[0] + lo * step);
                        ref T ds = ref Unsafe.Add(ref dr, (nint)lo * v);
                        if (width == 4)
                        {
                            for (int ow = lo; ow < hi; ow++)
                            {
                                TV d = TS.Load(ref ds);
                                a0 = TS.Add(a0, TS.Multiply(d, TF.Fetch(ref xs)));
                                a1 = TS.Add(a1, TS.Multiply(d, TF.Fetch(ref Unsafe.Add(ref xs, x1))));
                                a2 = TS.Add(a2, TS.Multiply(d, TF.Fetch(ref Unsafe.Add(ref xs, x2))));
                                a3 = TS.Add(a3, TS.Multiply(d, TF.Fetch(ref Unsafe.Add(ref xs, x3))));
                                xs = ref Unsafe.Add(ref xs, step);
                                ds = ref Unsafe.Add(ref ds, v);
                            }
                        }
                        else
                        for (int ow = lo; ow < hi; ow++)
                        {
                            TV d = TS.Load(ref ds);
                            a0 = TS.Add(a0, TS.Multiply(d, TF.Fetch(ref xs)));
                            a1 = TS.Add(a1, TS.Multiply(d, TF.Fetch(ref Unsafe.Add(ref xs, x1))));
                            a2 = TS.Add(a2, TS.Multiply(d, TF.Fetch(ref Unsafe.Add(ref xs, x2))));
                            a3 = TS.Add(a3, TS.Multiply(d, TF.Fetch(ref Unsafe.Add(ref xs, x3))));
                            a4 = TS.Add(a4, TS.Multiply(d, TF.Fetch(ref Unsafe.Add(ref xs, x4))));
                            a5 = TS.Add(a5, TS.Multiply(d, TF.Fetch(ref Unsafe.Add(ref xs, x5))));
                            a6 = TS.Add(a6, TS.Multiply(d, TF.Fetch(ref Unsafe.Add(ref xs, x6))));
                            a7 = TS.Add(a7, TS.Multiply(d, TF.Fetch(ref Unsafe.Add(ref xs, x7))));
                            xs = ref Unsafe.Add(ref xs, step);
                            ds = ref Unsafe.Add(ref ds, v);
                        }
                        (acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7]) = (a0, a1, a2, a3, a4, a5, a6, a7);
                        // Each tap's positions after the shared run.
                        for (int j = 0; j < width; j++)
                        {
                            TV s = acc[j];
                            for (int ow = hi; ow < ts.End[j]; ow++)
                                s = TS.Add(s, TS.Multiply(TS.Load(ref Unsafe.Add(ref dr, (nint)ow * v)), TF.Fetch(ref Unsafe.Add(ref xr, ts.XBase[j] + ow * step))));
                            acc[j] = s;
                        }
                    }
                }
            }
        }
        for (int j = 0; j < 8; j++) TS.Store(acc[j], ref Unsafe.Add(ref output, j * v));
    }
}

/// <summary>Eight kw taps of <see cref="WeightKernels{T, TV, TS, TF}.Taps8"/>: output-position range [First, End) of a row and x offset of position 0 (x strides applied).</summary>
[InlineArray(8)]
internal struct Ints8
{
    private int _e0;
}

/// <summary>Eight x offsets of <see cref="TapSet"/>: an offset of output position 0, which may lie far in the padding.</summary>
[InlineArray(8)]
internal struct Offsets8
{
    private nint _e0;
}

/// <summary>The taps of one <see cref="WeightKernels{T, TV, TS, TF}.Taps8"/> call.</summary>
internal struct TapSet
{
    public Ints8 First, End;
    /// <summary>
    /// x offset of output position 0 of each tap, in nint: position 0 may lie in the begin padding, whose extent times
    /// the lanes' x stride (V with lanes over groups) passes int.MaxValue for a padding of a few hundred million.
    /// </summary>
    public Offsets8 XBase;
    /// <summary>Slots in use: 4 (the first four, for kernels of at most four live taps) or 8.</summary>
    public int Width;
}

/// <summary>
/// The weight gradient as independent tasks, one per (group, run of up to four output-channel blocks, chunk of eight input
/// channels, kd, kh); each task does every kw. dy is transposed once per call to [n][group][block][od][oh][ow][lane],
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
    /// Strides of the transposed dy between minibatch entries and between blocks ([n][group][block][position][lane],
    /// or with lanes over groups [n][group block][channel][position][lane]).
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
    /// <summary>
    /// Output-channel blocks per task: 4, whose x loads the kernels share, unless that leaves fewer than four tasks
    /// per thread (the stem: 3 input channels and one row of 7 taps give 7 tasks), when 2 or 1.
    /// </summary>
    public required int BlocksPerTask { get; init; }

    private int V => TS.Count;
    private int Runs => (BlocksPerGroup + BlocksPerTask - 1) / BlocksPerTask;
    private int Chunks => (InChannels + 7) / 8;
    private int BlockStride => DyStrides.Block;

    public int Tasks => Groups * Runs * Chunks * K.D * K.H;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int task)
    {
        int kh = task % K.H; task /= K.H;
        int kd = task % K.D; task /= K.D;
        int chunk = task % Chunks; task /= Chunks;
        int run = task % Runs;
        int g = task / Runs;
        int v = V, icgChunk = Math.Min(8, InChannels - chunk * 8);
        int firstBlock = run * BlocksPerTask, blockCount = Math.Min(BlocksPerTask, BlocksPerGroup - firstBlock);
        int dyD = Out.H * Out.W * v, dyH = Out.W * v;
        var walk = new DwWalk
        {
            N = N, XN = XStrides.N, DyN = DyStrides.N,
            DCount = TapsD.Count[kd], DX = TapsD.Source[kd] * XStrides.D, DXStep = TapsD.SourceStep * XStrides.D,
            DDy = TapsD.First[kd] * dyD, DDyStep = dyD,
            HCount = TapsH.Count[kh], HX = TapsH.Source[kh] * XStrides.H, HXStep = TapsH.SourceStep * XStrides.H,
            HDy = TapsH.First[kh] * dyH, HDyStep = dyH,
            WXStep = (nint)TapsW.SourceStep * XStrides.W,
        };
        int ic0 = chunk * 8;
        ref T x = ref Unsafe.AsRef<T>(X + ((long)g * InChannels + ic0) * XStrides.C);
        ref T dq = ref Unsafe.AsRef<T>(DyT + ((long)g * BlocksPerGroup + firstBlock) * BlockStride);
        // Partial sums of every (kw, channel, block) of the task: with chunks of 8 channels [kw][block][channel];
        // with Taps8 (fewer channels, several kw that have positions) [channel][block][set of 8 taps][slot]; else
        // [kw][channel][block]. The positions are taken a tile of rows at a time, every sum advancing over the tile
        // before the next, so the tile's dy stays in cache for all of them instead of being streamed once per sum.
        // On the stack for kernels of ordinary width; a kernel row of a million taps would overflow it.
        Span<int> slotOf = K.W <= MaxStackTaps ? stackalloc int[K.W] : new int[K.W];
        int live = 0;
        for (int kw = 0; kw < K.W; kw++) slotOf[kw] = TapsW.Count[kw] > 0 ? live++ : -1;
        bool taps8 = icgChunk < 8 && live >= 2;
        int sets = (live + 7) / 8;
        // At most ExactConv.MaxSumsPerTap per kw, and BackwardWeights leaves kernel rows too wide for that to fit an int
        // to the definition.
        int length = taps8 ? icgChunk * blockCount * sets * 8 * v : K.W * icgChunk * blockCount * v;
        int perKw = icgChunk * blockCount * v;
        T[] sums = Scratch.Rent<T>(length + v);
        Array.Clear(sums, 0, length + v);
        ref T s0 = ref sums[0];
        Span<TapSet> setOf = !taps8 ? [] : sets <= MaxStackTaps / 8 ? stackalloc TapSet[sets] : new TapSet[sets];
        // Each set's live taps in kw order (slots are numbered in kw order), in one pass; empty slots repeat the first.
        for (int kw = 0; kw < K.W && taps8; kw++)
        {
            if (slotOf[kw] < 0) continue;
            ref TapSet set = ref setOf[slotOf[kw] / 8];
            int j = slotOf[kw] % 8;
            set.First[j] = TapsW.First[kw];
            set.End[j] = TapsW.First[kw] + TapsW.Count[kw];
            set.XBase[j] = (nint)TapsW.Source[kw] * XStrides.W - TapsW.First[kw] * walk.WXStep;
        }
        for (int q = 0; q < setOf.Length; q++)
        {
            for (int j = q < sets - 1 ? 8 : live - q * 8; j < 8; j++)
                (setOf[q].First[j], setOf[q].End[j], setOf[q].XBase[j]) = (setOf[q].First[0], setOf[q].End[0], setOf[q].XBase[0]);
            setOf[q].Width = live <= 4 ? 4 : 8;
        }
        int tileRows = (int)Math.Max(1, TileBytes / ((long)Out.W * blockCount * v * Unsafe.SizeOf<T>()));
        var tile = walk;
        tile.N = 1;
        tile.DCount = 1;
        for (int n = 0; n < N; n++)
        for (int jd = 0; jd < walk.DCount; jd++)
        for (int jh = 0; jh < walk.HCount; jh += tileRows)
        {
            tile.DX = walk.DX + jd * walk.DXStep;
            tile.DDy = walk.DDy + jd * walk.DDyStep;
            tile.HCount = Math.Min(tileRows, walk.HCount - jh);
            tile.HX = walk.HX + jh * walk.HXStep;
            tile.HDy = walk.HDy + jh * walk.HDyStep;
            ref T xn = ref Unsafe.Add(ref x, (nint)n * walk.XN);
            ref T dn = ref Unsafe.Add(ref dq, (nint)n * walk.DyN);
            if (taps8)
            {
                for (int c = 0; c < icgChunk; c++)
                for (int m = 0; m < blockCount; m++)
                for (int q = 0; q < sets; q++)
                    WeightKernels<T, TV, TS, TF>.Taps8(ref Unsafe.Add(ref xn, (nint)c * XStrides.C), ref Unsafe.Add(ref dn, (nint)m * BlockStride), tile, setOf[q],
                        ref Unsafe.Add(ref s0, (((c * blockCount + m) * sets + q) * 8) * v));
                continue;
            }
            for (int kw = 0; kw < K.W; kw++)
            {
                tile.WCount = TapsW.Count[kw];
                tile.WX = TapsW.Source[kw] * XStrides.W;
                tile.WDy = TapsW.First[kw] * v;
                ref T sk = ref Unsafe.Add(ref s0, (nint)kw * perKw);
                if (icgChunk == 8)
                {
                    for (int m = 0; m < blockCount; m++)
                        WeightKernels<T, TV, TS, TF>.Channels8(ref xn, XStrides.C, ref Unsafe.Add(ref dn, (nint)m * BlockStride), tile, ref Unsafe.Add(ref sk, m * 8 * v));
                    continue;
                }
                for (int c = 0; c < icgChunk; c++)
                {
                    ref T xc = ref Unsafe.Add(ref xn, (nint)c * XStrides.C);
                    ref T sc = ref Unsafe.Add(ref sk, c * blockCount * v);
                    if (blockCount == 4)
                    {
                        WeightKernels<T, TV, TS, TF>.Blocks4(ref xc, ref dn, BlockStride, tile, ref sc);
                        continue;
                    }
                    for (int m = 0; m < blockCount; m++)
                        WeightKernels<T, TV, TS, TF>.Single(ref xc, ref Unsafe.Add(ref dn, (nint)m * BlockStride), tile, ref Unsafe.Add(ref sc, m * v));
                }
            }
        }
        var all = sums.AsSpan(0, length + v);
        for (int kw = 0; kw < K.W; kw++)
        {
            int tap = (kd * K.H + kh) * K.W + kw;
            for (int m = 0; m < blockCount; m++)
            for (int c = 0; c < icgChunk; c++)
            {
                // A tap without positions in the Taps8 layout has no slot: its sums are the zeros past the end.
                int at = taps8 ? (slotOf[kw] < 0 ? length : ((c * blockCount + m) * sets * 8 + slotOf[kw]) * v)
                    : kw * perKw + (icgChunk == 8 ? m * 8 + c : c * blockCount + m) * v;
                Scatter(all.Slice(at, v), g, firstBlock + m, ic0 + c, tap);
            }
        }
        Scratch.Return(sums);
    }

    /// <summary>Kernel widths (taps of one row) whose per-task tables go on the stack.</summary>
    private const int MaxStackTaps = 1024;

    /// <summary>Bytes of transposed dy a tile of rows may span (the task's blocks), about half of a core's L2.</summary>
    private const int TileBytes = 256 * 1024;

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
