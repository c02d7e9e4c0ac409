using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;
using ConvVerify.Problems;

namespace ConvVerify.Convolution;

/// <summary>
/// The same four computations as <see cref="NaiveConv"/>, bit for bit, at machine speed: every output element is
/// the definition's sum, formed by the same multiplications and additions in the same order (accumulator from +0,
/// reduction dims outermost-first, out-of-range terms skipped rather than multiplied by a padding zero, bias last,
/// no fused multiply-add). Speed comes only from doing many independent elements at once: SIMD lanes across a
/// block of channels, several blocks or positions per loop (register blocking), and threads across rows.
/// </summary>
/// <remarks>
/// Layouts, shapes and argument checks are <see cref="NaiveConv"/>'s. Results do not depend on
/// <see cref="ExactConvOptions"/>: vector width and thread count only change which elements are computed together.
/// "Bitwise" holds for every finite, infinite and zero result (the sign of zero included); a NaN result is NaN where the
/// definition's is, but its payload and sign may differ (which NaN survives an operation on two NaNs is the operand
/// order's and the hardware's, as IEEE 754 leaves it), so <see cref="Comparison.Bitwise"/> counts any NaN equal to any NaN.
/// The element type must hold the problem's dtype, as for <see cref="NaiveConv"/>: <see cref="float"/> for float32, bfloat16 and float16 (the narrow ones run as float, rounded once at the end), <see cref="double"/> for float64. Each call takes its transposed copies (the weights or dy,
/// and with lanes over groups the source and destination too) from <see cref="ArrayPool{T}.Shared"/> when they are small,
/// and allocates the large ones, which the pool would otherwise keep resident for good; it builds per-dimension index
/// tables once per shape.
/// </remarks>
public static unsafe partial class ExactConv
{
    /// <summary>y = conv(x, w) (+ b), bitwise equal to <see cref="NaiveConv.Forward{T}"/>, on every core with vectors.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="p"/> is null.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not hold the problem's dtype (<see cref="DTypes.Holds{T}(DType)"/>), a buffer whose length is not the problem's (named in the message), or an output that overlaps an input.</exception>
    public static void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => Forward(p, x, w, b, y, ExactConvOptions.Default);

    /// <summary>y = conv(x, w) (+ b), bitwise equal to <see cref="NaiveConv.Forward{T}"/>.</summary>
    /// <param name="p">The problem.</param>
    /// <param name="x">Input (N, IC, D, H, W).</param>
    /// <param name="w">Weights (OC, IC/G, KD, KH, KW).</param>
    /// <param name="b">Bias (OC), or empty when the problem has none.</param>
    /// <param name="y">Output (N, OC, OD, OH, OW), overwritten.</param>
    /// <param name="options">Threads and vectors; they do not change the result.</param>
    /// <exception cref="ArgumentNullException"><paramref name="p"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not hold the problem's dtype (<see cref="DTypes.Holds{T}(DType)"/>), a buffer whose length is not the problem's (named in the message), or an output that overlaps an input.</exception>
    public static void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y, ExactConvOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check<T>(p, options);
        NaiveConv.CheckLength(x, "x", p.XSize, p.XShape);
        NaiveConv.CheckLength(w, "w", p.WSize, p.WShape);
        NaiveConv.CheckLength(b, "b", p.BSize, p.HasBias ? p.BShape : []);
        NaiveConv.CheckLength<T>(y, "y", p.YSize, p.YShape);
        NaiveConv.CheckApart<T>(y, "y", x, "x", w, "w", b, "b");
        var (gd, gh, gw) = p.To3D();
        if (PlanTerms(gd, gh, gw, forward: true) > MaxPlanTerms)
        {
            NaiveConv.Forward(p, x, w, b, y);
            return;
        }
        fixed (T* px = x, pw = w, pb = b, py = y)
        {
            var (xp, wp, bp, yp) = ((nint)px, (nint)pw, p.HasBias ? (nint)pb : 0, (nint)py);
            Dispatch<T>(options, p.MultiplyAdds, p.Groups, p.OC / p.Groups, (v, overGroups) => ChannelCopySize(p, true, v, overGroups),
                new ChannelSetup<T>(p, gd, gh, gw, true, xp, wp, yp, bp));
        }
        // bfloat16 and float16: the float32 sums above are the definition's, so rounding each once gives its result.
        DTypes.Round(p.DType, y);
    }

    /// <summary>dL/dx, bitwise equal to <see cref="NaiveConv.BackwardData{T}"/>, on every core with vectors.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="p"/> is null.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not hold the problem's dtype (<see cref="DTypes.Holds{T}(DType)"/>), a buffer whose length is not the problem's (named in the message), or an output that overlaps an input.</exception>
    public static void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T> => BackwardData(p, dy, w, dx, ExactConvOptions.Default);

    /// <summary>
    /// dL/dx, bitwise equal to <see cref="NaiveConv.BackwardData{T}"/>. Each element visits only the taps that land on
    /// an output position (a progression of step s/gcd(s, dil) per dim), never testing and discarding the others.
    /// </summary>
    /// <param name="p">The problem.</param>
    /// <param name="dy">Upstream gradient (N, OC, OD, OH, OW).</param>
    /// <param name="w">Weights (OC, IC/G, KD, KH, KW).</param>
    /// <param name="dx">Input gradient (N, IC, D, H, W), overwritten.</param>
    /// <param name="options">Threads and vectors; they do not change the result.</param>
    /// <exception cref="ArgumentNullException"><paramref name="p"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not hold the problem's dtype (<see cref="DTypes.Holds{T}(DType)"/>), a buffer whose length is not the problem's (named in the message), or an output that overlaps an input.</exception>
    public static void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx, ExactConvOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check<T>(p, options);
        NaiveConv.CheckLength(dy, "dy", p.YSize, p.YShape);
        NaiveConv.CheckLength(w, "w", p.WSize, p.WShape);
        NaiveConv.CheckLength<T>(dx, "dx", p.XSize, p.XShape);
        NaiveConv.CheckApart<T>(dx, "dx", dy, "dy", w, "w");
        var (gd, gh, gw) = p.To3D();
        if (PlanTerms(gd, gh, gw, forward: false) > MaxPlanTerms)
        {
            NaiveConv.BackwardData(p, dy, w, dx);
            return;
        }
        fixed (T* pdy = dy, pw = w, pdx = dx)
        {
            Dispatch<T>(options, p.MultiplyAdds, p.Groups, p.IC / p.Groups, (v, overGroups) => ChannelCopySize(p, false, v, overGroups),
                new ChannelSetup<T>(p, gd, gh, gw, false, (nint)pdy, (nint)pw, (nint)pdx, 0));
        }
        DTypes.Round(p.DType, dx);
    }

    /// <summary>dL/dw, bitwise equal to <see cref="NaiveConv.BackwardWeights{T}"/>, on every core with vectors.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="p"/> is null.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not hold the problem's dtype (<see cref="DTypes.Holds{T}(DType)"/>), a buffer whose length is not the problem's (named in the message), or an output that overlaps an input.</exception>
    public static void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw)
        where T : unmanaged, IFloatingPointIeee754<T> => BackwardWeights(p, x, dy, dw, ExactConvOptions.Default);

    /// <summary>dL/dw, bitwise equal to <see cref="NaiveConv.BackwardWeights{T}"/>.</summary>
    /// <param name="p">The problem.</param>
    /// <param name="x">Input (N, IC, D, H, W).</param>
    /// <param name="dy">Upstream gradient (N, OC, OD, OH, OW).</param>
    /// <param name="dw">Weight gradient (OC, IC/G, KD, KH, KW), overwritten.</param>
    /// <param name="options">Threads and vectors; they do not change the result.</param>
    /// <exception cref="ArgumentNullException"><paramref name="p"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not hold the problem's dtype (<see cref="DTypes.Holds{T}(DType)"/>), a buffer whose length is not the problem's (named in the message), or an output that overlaps an input.</exception>
    public static void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, ExactConvOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check<T>(p, options);
        NaiveConv.CheckLength(x, "x", p.XSize, p.XShape);
        NaiveConv.CheckLength(dy, "dy", p.YSize, p.YShape);
        NaiveConv.CheckLength<T>(dw, "dw", p.WSize, p.WShape);
        NaiveConv.CheckApart<T>(dw, "dw", x, "x", dy, "dy");
        var (gd, gh, gw) = p.To3D();
        if (((long)gw.K + 7) * MaxSumsPerTap + MaxLanes > Array.MaxLength)
        {
            // A kernel row of millions of taps: a task's partial sums would not fit an array.
            NaiveConv.BackwardWeights(p, x, dy, dw);
            return;
        }
        int icg = p.IC / p.Groups, ocg = p.OC / p.Groups;
        long positions = (long)p.Mb * gd.Out * gh.Out * gw.Out, inPlane = (long)gd.In * gh.In * gw.In;
        fixed (T* px = x, pdy = dy, pdw = dw)
        {
            Dispatch<T>(options, p.MultiplyAdds, p.Groups, ocg,
                (v, overGroups) => overGroups
                    ? Math.Max(Blocks(p.Groups, v) * v * (long)ocg * positions, (long)p.Mb * Blocks(p.Groups, v) * v * icg * inPlane)
                    : (long)p.Groups * Blocks(ocg, v) * v * positions,
                new WeightSetup<T>(p, gd, gh, gw, (nint)px, (nint)pdy, (nint)pdw));
        }
        DTypes.Round(p.DType, dw);
    }

    /// <summary>dL/db, bitwise equal to <see cref="NaiveConv.BackwardBias{T}"/>, on every core.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="p"/> is null.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not hold the problem's dtype (<see cref="DTypes.Holds{T}(DType)"/>), a buffer whose length is not the problem's (named in the message), an output that overlaps an input, or a problem without bias.</exception>
    public static void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db)
        where T : unmanaged, IFloatingPointIeee754<T> => BackwardBias(p, dy, db, ExactConvOptions.Default);

    /// <summary>
    /// dL/db, bitwise equal to <see cref="NaiveConv.BackwardBias{T}"/>: one sequential sum per channel (its terms are
    /// contiguous); channels are independent, so they are spread over threads.
    /// </summary>
    /// <param name="p">The problem, which must have a bias.</param>
    /// <param name="dy">Upstream gradient (N, OC, OD, OH, OW).</param>
    /// <param name="db">Bias gradient (OC), overwritten.</param>
    /// <param name="options">Threads; vectors are not used.</param>
    /// <exception cref="ArgumentNullException"><paramref name="p"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not hold the problem's dtype (<see cref="DTypes.Holds{T}(DType)"/>), a buffer whose length is not the problem's (named in the message), an output that overlaps an input, or a problem without bias.</exception>
    public static void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db, ExactConvOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check<T>(p, options);
        NaiveConv.CheckLength(dy, "dy", p.YSize, p.YShape);
        NaiveConv.CheckLength<T>(db, "db", p.OC, p.BShape);
        NaiveConv.CheckApart<T>(db, "db", dy, "dy");
        if (!p.HasBias) throw new ArgumentException($"db: problem {p} has no bias, so it has no bias gradient", nameof(db));
        int spatial = p.YSize / (p.Mb * p.OC), oc = p.OC, mb = p.Mb;
        fixed (T* pdy = dy, pdb = db)
        {
            var (dyp, dbp) = ((nint)pdy, (nint)pdb);
            const int Chunk = 16;
            For((oc + Chunk - 1) / Chunk, options.ThreadsFor(p.YSize), chunk =>
            {
                T* d = (T*)dyp;
                for (int o = chunk * Chunk; o < Math.Min(oc, (chunk + 1) * Chunk); o++)
                {
                    T acc = T.Zero;
                    for (int n = 0; n < mb; n++)
                    {
                        T* row = d + ((long)n * oc + o) * spatial;
                        for (int s = 0; s < spatial; s++) acc += row[s];
                    }
                    ((T*)dbp)[o] = acc;
                }
            });
        }
        DTypes.Round(p.DType, db);
    }

    // Every refusal before any write, in NaiveConv's order (p, then T, then the buffers): a bfloat16 problem with
    // double buffers was refused only by the final rounding, after y or db had been computed and written.
    private static void Check<T>(ConvProblem p, ExactConvOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(options);
        // T holds the dtype only if it is float or double, the two types the kernels are written for.
        NaiveConv.CheckElementType<T>(p);
    }

    private static int Blocks(int lanes, int v) => (lanes + v - 1) / v;

    /// <summary>Most lanes of any vector the engine runs (Vector512 of float).</summary>
    internal const int MaxLanes = 16;

    /// <summary>
    /// Most partial sums a dL/dw task keeps per kw: 8 input channels × 4 output-channel blocks × <see cref="MaxLanes"/>
    /// (taps in sets of 8 take no more, counting a set's empty slots as the 7 extra taps).
    /// </summary>
    internal const int MaxSumsPerTap = 8 * 4 * MaxLanes;

    /// <summary>
    /// Elements of the largest transposed copy forward (<paramref name="forward"/>) or dL/dx makes with
    /// <paramref name="v"/> lanes: the weights, and with lanes over groups also the source and the destination, each
    /// padded to whole blocks of lanes. <see cref="Choose"/> passes over a layout or width whose copy would not fit.
    /// </summary>
    internal static long ChannelCopySize(ConvProblem p, bool forward, int v, bool overGroups)
    {
        var (gd, gh, gw) = p.To3D();
        int icg = p.IC / p.Groups, ocg = p.OC / p.Groups;
        var (lanes, channels) = forward ? (ocg, icg) : (icg, ocg);
        long taps = (long)gd.K * gh.K * gw.K, inPlane = (long)gd.In * gh.In * gw.In, outPlane = (long)gd.Out * gh.Out * gw.Out;
        var (srcPlane, dstPlane) = forward ? (inPlane, outPlane) : (outPlane, inPlane);
        if (!overGroups) return (long)p.Groups * Blocks(lanes, v) * v * channels * taps;
        long groups = (long)Blocks(p.Groups, v) * v;
        return Math.Max(groups * lanes * channels * taps, Math.Max(p.Mb * groups * channels * srcPlane, p.Mb * groups * lanes * dstPlane));
    }

    /// <summary>Runs tasks 0..count−1 on up to <paramref name="threads"/> threads; each task writes its own elements.</summary>
    internal static void For(int count, int threads, Action<int> body)
    {
        if (threads <= 1 || count <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
    }

    /// <summary>
    /// Runs a job's tasks 0..count−1 on up to <paramref name="threads"/> threads, each thread taking the next run of
    /// <see cref="Grain"/> consecutive tasks from a shared counter. Parallel.For hands out ranges that grow as it goes;
    /// a channel job's tasks are long (tens to hundreds of microseconds) and few, so at the end of a call one thread
    /// still ran several of them while the other waited (ResNet-50's res2 3x3 forward: 430–570 µs of a 3.9 ms call,
    /// against 75–130 µs this way). A task that throws stops the other threads at their next run.
    /// </summary>
    internal static void ForTasks(int count, int threads, Action<int> body)
    {
        if (threads <= 1 || count <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        threads = Math.Min(threads, count);
        int grain = Grain(count, threads);
        long next = 0; // long: a count near int.MaxValue plus every thread's last step must not wrap
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, (_, state) =>
        {
            for (long start = Interlocked.Add(ref next, grain) - grain; start < count && !state.ShouldExitCurrentIteration; start = Interlocked.Add(ref next, grain) - grain)
                for (int i = (int)start, end = (int)Math.Min(count, start + grain); i < end; i++) body(i);
        });
    }

    /// <summary>
    /// Tasks a thread takes at a time in <see cref="ForTasks"/>: a 32nd of its share, at least one. Where tasks are many
    /// and short (dL/dw of res5: 3,072 tasks of a few microseconds) that keeps the counter's traffic small, and keeps
    /// neighbouring tasks, which write neighbouring elements (the taps of one dw row), on one thread.
    /// </summary>
    internal static int Grain(int count, int threads) => (int)Math.Max(1, count / (32L * Math.Max(1, threads)));

    /// <summary>What a direction runs once the vector type and the lane layout are chosen.</summary>
    private interface ISetup<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>Runs with lanes over destination channels of one group, or with <paramref name="overGroups"/> over groups.</summary>
        void Run<TV, TS>(int threads, bool overGroups) where TV : struct where TS : struct, ISimd<TV, T>;
    }

    /// <summary>Runs <paramref name="setup"/> with the width and lane layout <see cref="Choose"/> picks among the widths this CPU accelerates.</summary>
    private static void Dispatch<T>(ExactConvOptions options, long work, int groups, int lanes, Func<int, bool, long> copySize, ISetup<T> setup)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (v, overGroups) = Choose(Widths<T>(options.UseVectors), options.Layout, groups, lanes, copySize);
        int threads = options.ThreadsFor(work);
        if (v == 1) setup.Run<T, Scalar<T>>(threads, overGroups);
        else if (v == Vector512<T>.Count && Vector512.IsHardwareAccelerated) setup.Run<Vector512<T>, Simd512<T>>(threads, overGroups);
        else if (v == Vector256<T>.Count && Vector256.IsHardwareAccelerated) setup.Run<Vector256<T>, Simd256<T>>(threads, overGroups);
        else setup.Run<Vector128<T>, Simd128<T>>(threads, overGroups);
    }

    /// <summary>The lane counts of the vectors this CPU accelerates for <typeparamref name="T"/>, widest first, then 1 (scalars).</summary>
    internal static List<int> Widths<T>(bool useVectors)
    {
        List<int> widths = [];
        if (useVectors)
        {
            if (Vector512.IsHardwareAccelerated) widths.Add(Vector512<T>.Count);
            if (Vector256.IsHardwareAccelerated) widths.Add(Vector256<T>.Count);
            if (Vector128.IsHardwareAccelerated) widths.Add(Vector128<T>.Count);
        }
        widths.Add(1);
        return widths;
    }

    /// <summary>
    /// Picks the lane layout and the vector width among <paramref name="widths"/> (widest first, ending in 1). Lanes over
    /// the <paramref name="lanes"/> destination channels of a group use the widest width, narrowed while a narrower one
    /// needs no more blocks (so a group of 3 channels uses 4-lane vectors and a depthwise group scalars); lanes over
    /// groups likewise narrow on the group count. Lanes over groups run when they need fewer vectors per position and
    /// term (depthwise, a few channels per group in many groups), or when <paramref name="layout"/> forces them. A
    /// layout or width whose padded transposed copies (<paramref name="copySize"/>) would not fit an array is passed
    /// over. Which layout and width run change no result, only the speed: this is the policy the tests pin.
    /// </summary>
    internal static (int Width, bool OverGroups) Choose(IReadOnlyList<int> widths, LaneLayout layout, int groups, int lanes, Func<int, bool, long> copySize)
    {
        int Narrowest(int count)
        {
            int i = 0;
            while (i + 1 < widths.Count && Blocks(count, widths[i + 1]) == Blocks(count, widths[i])) i++;
            return i;
        }
        int ic = Narrowest(lanes), ig = Narrowest(groups);
        bool overGroups = layout switch
        {
            LaneLayout.Groups => true,
            LaneLayout.Channels => false,
            _ => (long)Blocks(groups, widths[ig]) * lanes < (long)groups * Blocks(lanes, widths[ic]),
        };
        if (overGroups && copySize(widths[ig], true) > Array.MaxLength) overGroups = false;
        int i = overGroups ? ig : ic;
        while (copySize(widths[i], overGroups) > Array.MaxLength) i++;
        return (widths[i], overGroups);
    }
}
