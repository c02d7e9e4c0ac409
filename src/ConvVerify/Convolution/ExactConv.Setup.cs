using System.Collections.Concurrent;
using System.Numerics;
using ConvVerify.Problems;

namespace ConvVerify.Convolution;

public static unsafe partial class ExactConv
{
    /// <summary>
    /// Forward (x → y, lanes over output channels) or data gradient (dy → dx, lanes over input channels); with lanes
    /// over groups, each lane is one group and the source is transposed to [n][group block][channel][position][lane].
    /// </summary>
    private sealed class ChannelSetup<T>(ConvProblem p, SpatialDim gd, SpatialDim gh, SpatialDim gw, bool forward,
        nint src, nint w, nint dst, nint bias) : ISetup<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run<TV, TS>(int threads, bool overGroups) where TV : struct where TS : struct, ISimd<TV, T>
        {
            if (overGroups) Run<TV, TS, LaneSource<T, TV, TS>>(threads, true);
            else Run<TV, TS, BroadcastSource<T, TV, TS>>(threads, false);
        }

        private void Run<TV, TS, TF>(int threads, bool overGroups)
            where TV : struct where TS : struct, ISimd<TV, T> where TF : struct, ISource<TV, T>
        {
            int v = TS.Count, groups = p.Groups, icg = p.IC / groups, ocg = p.OC / groups;
            int lanes = forward ? ocg : icg, channels = forward ? icg : ocg;
            // Job groups and vectors per (job group, reduction channel, tap): see ChannelJob.
            var (jobGroups, blocks) = overGroups ? (Blocks(groups, v), lanes) : (groups, Blocks(lanes, v));
            int taps = gd.K * gh.K * gw.K;
            var (srcC, srcSp, dstC, dstSp) = forward ? (p.IC, (gd.In, gh.In, gw.In), p.OC, (gd.Out, gh.Out, gw.Out))
                                                     : (p.OC, (gd.Out, gh.Out, gw.Out), p.IC, (gd.In, gh.In, gw.In));
            int length = jobGroups * blocks * channels * taps * v;
            T[] wt = Scratch.Rent<T>(length);
            int srcPlane = srcSp.Item1 * srcSp.Item2 * srcSp.Item3, dstPlane = dstSp.Item1 * dstSp.Item2 * dstSp.Item3;
            T[]? st = overGroups ? Scratch.Rent<T>(p.Mb * jobGroups * channels * srcPlane * v) : null;
            T[]? dt = overGroups ? Scratch.Rent<T>(p.Mb * jobGroups * lanes * dstPlane * v) : null;
            try
            {
                var srcStrides = overGroups ? Strides(jobGroups * channels, srcSp, v) : Strides(srcC, srcSp);
                var positionBlocks = Plan(gd, gh, gw, forward, dstSp, (srcStrides.D, srcStrides.H, srcStrides.W));
                int blockGroups = Blocks(blocks, ChannelJob<T, TV, TS, TF>.BlockGroup);
                fixed (T* pwt = wt, pst = st, pdt = dt)
                {
                    // The weights with lanes innermost, by the source's register transposes: w seen as (n, lane channels,
                    // plane) with the lanes' rows side by side. Forward: [group][block][input channel, tap][lane]; dL/dx:
                    // [group][output channel][block][tap][lane]; over groups the same with groups in the lanes.
                    T* ws = (T*)w;
                    if (overGroups) GroupTranspose<T>.ToLanes(ws, pwt, 1, groups, ocg, icg * taps, v, threads);
                    else if (forward) GroupTranspose<T>.ToLanes(ws, pwt, groups, ocg, 1, icg * taps, v, threads);
                    else GroupTranspose<T>.ToLanes(ws, pwt, groups * ocg, icg, 1, taps, v, threads);
                    if (overGroups) GroupTranspose<T>.ToLanes((T*)src, pst, p.Mb, groups, channels, srcPlane, v, threads);
                    var job = new ChannelJob<T, TV, TS, TF>
                    {
                        Src = overGroups ? pst : (T*)src, Wt = pwt, Dst = (T*)dst, DstT = pdt, Bias = overGroups ? null : (T*)bias,
                        N = p.Mb, Groups = jobGroups, Channels = channels, Lanes = lanes, BlocksPerGroup = blocks,
                        SrcStrides = (srcStrides.N, srcStrides.C), DstStrides = (dstC * dstSp.Item1 * dstSp.Item2 * dstSp.Item3, dstSp.Item1 * dstSp.Item2 * dstSp.Item3),
                        Taps = taps, ChannelMajorWeights = !forward, Blocks = positionBlocks,
                        BlocksPerTask = PerTask(positionBlocks.Count, (long)p.Mb * jobGroups * blockGroups, threads, ChannelJob<T, TV, TS, TF>.MaxBlocksPerTask),
                    };
                    ForTasks(job.Tasks, threads, job.Run);
                    if (overGroups) GroupTranspose<T>.FromLanes(pdt, (T*)dst, (T*)bias, p.Mb, groups, lanes, dstPlane, v, threads);
                }
            }
            finally
            {
                Scratch.Return(wt);
                if (st != null) Scratch.Return(st);
                if (dt != null) Scratch.Return(dt);
            }
        }
    }

    /// <summary>
    /// Weight gradient: lanes over output channels of a transposed dy, broadcasts from x; or lanes over groups, with
    /// x transposed as well and loaded.
    /// </summary>
    private sealed class WeightSetup<T>(ConvProblem p, SpatialDim gd, SpatialDim gh, SpatialDim gw, nint x, nint dy, nint dw) : ISetup<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run<TV, TS>(int threads, bool overGroups) where TV : struct where TS : struct, ISimd<TV, T>
        {
            if (overGroups) Run<TV, TS, LaneSource<T, TV, TS>>(threads, true);
            else Run<TV, TS, BroadcastSource<T, TV, TS>>(threads, false);
        }

        private void Run<TV, TS, TF>(int threads, bool overGroups)
            where TV : struct where TS : struct, ISimd<TV, T> where TF : struct, ISource<TV, T>
        {
            int v = TS.Count, groups = p.Groups, icg = p.IC / groups, ocg = p.OC / groups;
            var (jobGroups, blocks) = overGroups ? (Blocks(groups, v), ocg) : (groups, Blocks(ocg, v));
            int positions = gd.Out * gh.Out * gw.Out, inPlane = gd.In * gh.In * gw.In, n = p.Mb;
            int length = jobGroups * blocks * n * positions * v;
            T[] dyt = Scratch.Rent<T>(length);
            T[]? xt = overGroups ? Scratch.Rent<T>(n * jobGroups * icg * inPlane * v) : null;
            try
            {
                // dy to lanes by GroupTranspose's register tiles, seen as (n·groups, output channels of a group, positions):
                // [n][group][block][position][lane]; over groups, [n][group block][channel][position][lane].
                T* d = (T*)dy;
                var xStrides = Strides(p.IC, (gd.In, gh.In, gw.In));
                if (overGroups) xStrides = Strides(jobGroups * icg, (gd.In, gh.In, gw.In), v);
                fixed (T* pdyt = dyt, pxt = xt)
                {
                    if (overGroups)
                    {
                        GroupTranspose<T>.ToLanes((T*)x, pxt, n, groups, icg, inPlane, v, threads);
                        GroupTranspose<T>.ToLanes(d, pdyt, n, groups, ocg, positions, v, threads);
                    }
                    else GroupTranspose<T>.ToLanes(d, pdyt, n * groups, ocg, 1, positions, v, threads);
                    var job = new WeightJob<T, TV, TS, TF>
                    {
                        X = xt != null ? pxt : (T*)x, DyT = pdyt, Dw = (T*)dw,
                        N = n, Groups = jobGroups, InChannels = icg, Lanes = ocg,
                        LanesOverGroups = overGroups, ProblemGroups = groups, BlocksPerGroup = blocks,
                        BlocksPerTask = RunLength(blocks, (long)jobGroups * Blocks(icg, 8) * gd.K * gh.K, threads),
                        DyStrides = (jobGroups * blocks * positions * v, positions * v),
                        XStrides = xStrides,
                        Out = (gd.Out, gh.Out, gw.Out), K = (gd.K, gh.K, gw.K),
                        TapsD = TapList.ForTaps(gd), TapsH = TapList.ForTaps(gh), TapsW = TapList.ForTaps(gw),
                    };
                    ForTasks(job.Tasks, threads, job.Run);
                }
            }
            finally
            {
                Scratch.Return(dyt);
                if (xt != null) Scratch.Return(xt);
            }
        }
    }

    private static readonly ConcurrentDictionary<(SpatialDim, SpatialDim, SpatialDim, bool, (int, int, int)), PositionBlocks> Plans = new();

    private static readonly ConcurrentDictionary<(SpatialDim, SpatialDim, SpatialDim, bool), long> TermCounts = new();

    /// <summary>
    /// Most terms a plan of forward or dL/dx may list (16 Mi: two 64 MB tables). Every distinct combination of per-dim
    /// tap ranges gets its own term list, so a kernel about as large as its input with full padding (a 1-D kernel of
    /// 8,000 taps, a 2-D one of 80x80) lists terms by the square of the kernel: gigabytes for a problem of kilobytes.
    /// Such a problem runs the definition itself; real layers list thousands.
    /// </summary>
    internal const long MaxPlanTerms = 1L << 24;

    /// <summary>
    /// Whether dL/dx of <paramref name="p"/> runs the definition's loops here (its plan would list more than
    /// <see cref="MaxPlanTerms"/> terms), so its time follows <see cref="ConvProblem.DataGradientLoopVisits"/>, not the
    /// multiply-adds: <c>--max-macs</c> then holds those visits, as it does wherever the naive engine computes.
    /// </summary>
    internal static bool DataGradientByDefinition(ConvProblem p)
    {
        var (gd, gh, gw) = p.To3D();
        return PlanTerms(gd, gh, gw, forward: false) > MaxPlanTerms;
    }

    /// <summary>Largest plan kept for the next call (1 Mi terms, 8 MB): a larger one is rebuilt, not left resident.</summary>
    internal const long MaxCachedPlanTerms = 1L << 20;

    /// <summary>
    /// Terms the plan of forward (<paramref name="forward"/>) or dL/dx lists: per dim, the sum of the term counts of its
    /// distinct (first tap, count) ranges; the positions form a grid, so every combination of them occurs once.
    /// </summary>
    internal static long PlanTerms(SpatialDim gd, SpatialDim gh, SpatialDim gw, bool forward)
    {
        var key = (gd, gh, gw, forward);
        if (TermCounts.TryGetValue(key, out long terms)) return terms;
        terms = 1;
        foreach (var g in (ReadOnlySpan<SpatialDim>)[gd, gh, gw])
        {
            var list = forward ? TapList.ForOutputs(g) : TapList.ForInputs(g);
            var seen = new HashSet<(int, int)>();
            long sum = 0;
            for (int q = 0; q < list.First.Length; q++)
                if (seen.Add((list.First[q], list.Count[q]))) sum += list.Count[q];
            // Capped past the limit, so three dims of billions cannot wrap the product.
            terms = Math.Min(terms * Math.Min(sum, MaxPlanTerms + 1), MaxPlanTerms + 1);
        }
        if (TermCounts.Count >= 256) TermCounts.Clear();
        return TermCounts[key] = terms;
    }

    /// <summary>
    /// The term lists and position blocks of forward or dL/dx, which depend only on the spatial dims and the source's
    /// strides, kept for the next call of the same shape: checks call the same problem in every dtype and with every
    /// fill, and building the blocks costs as much as a small depthwise layer's arithmetic. The cache is emptied when
    /// it grows past 64 shapes.
    /// </summary>
    private static PositionBlocks Plan(SpatialDim gd, SpatialDim gh, SpatialDim gw, bool forward,
        (int D, int H, int W) dstSp, (int D, int H, int W) srcStrides)
    {
        var key = (gd, gh, gw, forward, srcStrides);
        if (Plans.TryGetValue(key, out var plan)) return plan;
        var (d, h, w) = forward
            ? (TapList.ForOutputs(gd), TapList.ForOutputs(gh), TapList.ForOutputs(gw))
            : (TapList.ForInputs(gd), TapList.ForInputs(gh), TapList.ForInputs(gw));
        plan = PositionBlocks.Of(d, h, w, (gd.K, gh.K, gw.K), dstSp, srcStrides);
        if (plan.TermSource.Length > MaxCachedPlanTerms) return plan;
        if (Plans.Count >= 64) Plans.Clear();
        Plans[key] = plan;
        return plan;
    }

    /// <summary>Empties the plan cache (a test run's start: a plan must not outlive the code that built it).</summary>
    internal static void ForgetPlans()
    {
        Plans.Clear();
        TermCounts.Clear();
    }

    /// <summary>
    /// As many items per task as leave every thread at least four tasks, up to <paramref name="most"/>: the more
    /// position blocks a task has, the more of them share each slice of weights it brings into cache.
    /// </summary>
    internal static int PerTask(int items, long otherTasks, int threads, int most) =>
        (int)Math.Clamp(items * otherTasks / (4L * threads), 1, most);

    /// <summary>
    /// dL/dw's output-channel blocks per task (<see cref="WeightJob{T, TV, TS, TF}.BlocksPerTask"/>) for
    /// <paramref name="blocks"/> blocks and <paramref name="others"/> tasks per run of them: 4, whose x loads the kernels
    /// share, halved while that leaves fewer than four tasks per thread.
    /// </summary>
    internal static int RunLength(int blocks, long others, int threads)
    {
        int run = 4;
        while (run > 1 && others * ((blocks + run - 1) / run) < 4L * threads) run /= 2;
        return run;
    }

    /// <summary>Strides (n, channel, d, h, w) of (N, channels, D, H, W) with <paramref name="lanes"/> values per element (lanes over groups).</summary>
    private static (int N, int C, int D, int H, int W) Strides(int channels, (int D, int H, int W) spatial, int lanes = 1)
    {
        int plane = spatial.D * spatial.H * spatial.W;
        return (channels * plane * lanes, plane * lanes, spatial.H * spatial.W * lanes, spatial.W * lanes, lanes);
    }
}
