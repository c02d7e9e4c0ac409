using System.Numerics;
using System.Runtime.CompilerServices;

namespace ConvVerify.Convolution;

/// <summary>
/// Where one block of output elements finds its terms: the reduction channels, then the D, H and W term
/// progressions (see <see cref="TapList"/>), with source offsets already multiplied by the source's strides and
/// weight offsets by the transposed weights' strides.
/// </summary>
internal struct Walk
{
    public int Channels, SrcC, WC;
    public int DCount, DSrc, DSrcStep, DW, DWStep;
    public int HCount, HSrc, HSrcStep, HW, HWStep;
    public int WCount, WSrc, WSrcStep, WW, WWStep;
}

/// <summary>
/// Kernels of forward and data gradient, which are the same computation with x/dy and the weight transpose swapped:
/// each lane is one output element (a channel of a block of channels), each broadcast operand a source value, and
/// every accumulator sees exactly its element's terms in the definition's order (channel, kd, kh, kw, each
/// ascending), starting from +0. Blocking only interleaves independent accumulators.
/// </summary>
internal static class ChannelKernels<T, TV, TS, TF>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TV : struct
    where TS : struct, ISimd<TV, T>
    where TF : struct, ISource<TV, T>
{
    /// <summary>Eight positions of one channel block; position r reads <paramref name="offsets"/>[r] source elements after position 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Positions8(ref T src, ref T w, in Walk k, ref int offsets, ref T output)
    {
        Walk a = k;
        nint p1 = Unsafe.Add(ref offsets, 1), p2 = Unsafe.Add(ref offsets, 2), p3 = Unsafe.Add(ref offsets, 3), p4 = Unsafe.Add(ref offsets, 4),
            p5 = Unsafe.Add(ref offsets, 5), p6 = Unsafe.Add(ref offsets, 6), p7 = Unsafe.Add(ref offsets, 7);
        TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero, a4 = TS.Zero, a5 = TS.Zero, a6 = TS.Zero, a7 = TS.Zero;
        if (a.DCount == 1 && a.HCount == 1 && a.WCount == 1)
        {
            // One term per channel (1x1 kernels, most border-free 1-D cases): the channel loop alone, no nest to re-enter.
            ref T s = ref Unsafe.Add(ref src, a.DSrc + a.HSrc + a.WSrc);
            ref T ww = ref Unsafe.Add(ref w, a.DW + a.HW + a.WW);
            for (int c = 0; c < a.Channels; c++)
            {
                TV wv = TS.Load(ref ww);
                a0 = TS.Add(a0, TS.Multiply(TF.Fetch(ref s), wv));
                a1 = TS.Add(a1, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p1)), wv));
                a2 = TS.Add(a2, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p2)), wv));
                a3 = TS.Add(a3, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p3)), wv));
                a4 = TS.Add(a4, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p4)), wv));
                a5 = TS.Add(a5, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p5)), wv));
                a6 = TS.Add(a6, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p6)), wv));
                a7 = TS.Add(a7, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p7)), wv));
                s = ref Unsafe.Add(ref s, a.SrcC);
                ww = ref Unsafe.Add(ref ww, a.WC);
            }
        }
        else
        {
            for (int c = 0; c < a.Channels; c++)
            {
                ref T sc = ref Unsafe.Add(ref src, (nint)c * a.SrcC);
                ref T wc = ref Unsafe.Add(ref w, (nint)c * a.WC);
                for (int jd = 0; jd < a.DCount; jd++)
                {
                    int sd = a.DSrc + jd * a.DSrcStep, wd = a.DW + jd * a.DWStep;
                    for (int jh = 0; jh < a.HCount; jh++)
                    {
                        ref T s = ref Unsafe.Add(ref sc, sd + a.HSrc + jh * a.HSrcStep + a.WSrc);
                        ref T ww = ref Unsafe.Add(ref wc, wd + a.HW + jh * a.HWStep + a.WW);
                        for (int jw = 0; jw < a.WCount; jw++)
                        {
                            TV wv = TS.Load(ref ww);
                            a0 = TS.Add(a0, TS.Multiply(TF.Fetch(ref s), wv));
                            a1 = TS.Add(a1, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p1)), wv));
                            a2 = TS.Add(a2, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p2)), wv));
                            a3 = TS.Add(a3, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p3)), wv));
                            a4 = TS.Add(a4, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p4)), wv));
                            a5 = TS.Add(a5, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p5)), wv));
                            a6 = TS.Add(a6, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p6)), wv));
                            a7 = TS.Add(a7, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p7)), wv));
                            s = ref Unsafe.Add(ref s, a.WSrcStep);
                            ww = ref Unsafe.Add(ref ww, a.WWStep);
                        }
                    }
                }
            }
        }
        int v = TS.Count;
        TS.Store(a0, ref output);
        TS.Store(a1, ref Unsafe.Add(ref output, v));
        TS.Store(a2, ref Unsafe.Add(ref output, 2 * v));
        TS.Store(a3, ref Unsafe.Add(ref output, 3 * v));
        TS.Store(a4, ref Unsafe.Add(ref output, 4 * v));
        TS.Store(a5, ref Unsafe.Add(ref output, 5 * v));
        TS.Store(a6, ref Unsafe.Add(ref output, 6 * v));
        TS.Store(a7, ref Unsafe.Add(ref output, 7 * v));
    }

    /// <summary>Four positions of one channel block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Positions4(ref T src, ref T w, in Walk k, ref int offsets, ref T output)
    {
        Walk a = k;
        nint p1 = Unsafe.Add(ref offsets, 1), p2 = Unsafe.Add(ref offsets, 2), p3 = Unsafe.Add(ref offsets, 3);
        TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero;
        if (a.DCount == 1 && a.HCount == 1 && a.WCount == 1)
        {
            // One term per channel (1x1 kernels, most border-free 1-D cases): the channel loop alone, no nest to re-enter.
            ref T s = ref Unsafe.Add(ref src, a.DSrc + a.HSrc + a.WSrc);
            ref T ww = ref Unsafe.Add(ref w, a.DW + a.HW + a.WW);
            for (int c = 0; c < a.Channels; c++)
            {
                TV wv = TS.Load(ref ww);
                a0 = TS.Add(a0, TS.Multiply(TF.Fetch(ref s), wv));
                a1 = TS.Add(a1, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p1)), wv));
                a2 = TS.Add(a2, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p2)), wv));
                a3 = TS.Add(a3, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p3)), wv));
                s = ref Unsafe.Add(ref s, a.SrcC);
                ww = ref Unsafe.Add(ref ww, a.WC);
            }
        }
        else
        {
            for (int c = 0; c < a.Channels; c++)
            {
                ref T sc = ref Unsafe.Add(ref src, (nint)c * a.SrcC);
                ref T wc = ref Unsafe.Add(ref w, (nint)c * a.WC);
                for (int jd = 0; jd < a.DCount; jd++)
                {
                    int sd = a.DSrc + jd * a.DSrcStep, wd = a.DW + jd * a.DWStep;
                    for (int jh = 0; jh < a.HCount; jh++)
                    {
                        ref T s = ref Unsafe.Add(ref sc, sd + a.HSrc + jh * a.HSrcStep + a.WSrc);
                        ref T ww = ref Unsafe.Add(ref wc, wd + a.HW + jh * a.HWStep + a.WW);
                        for (int jw = 0; jw < a.WCount; jw++)
                        {
                            TV wv = TS.Load(ref ww);
                            a0 = TS.Add(a0, TS.Multiply(TF.Fetch(ref s), wv));
                            a1 = TS.Add(a1, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p1)), wv));
                            a2 = TS.Add(a2, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p2)), wv));
                            a3 = TS.Add(a3, TS.Multiply(TF.Fetch(ref Unsafe.Add(ref s, p3)), wv));
                            s = ref Unsafe.Add(ref s, a.WSrcStep);
                            ww = ref Unsafe.Add(ref ww, a.WWStep);
                        }
                    }
                }
            }
        }
        int v = TS.Count;
        TS.Store(a0, ref output);
        TS.Store(a1, ref Unsafe.Add(ref output, v));
        TS.Store(a2, ref Unsafe.Add(ref output, 2 * v));
        TS.Store(a3, ref Unsafe.Add(ref output, 3 * v));
    }

    /// <summary>One position of eight channel blocks <paramref name="bs"/> weight elements apart: eight chains share each broadcast.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Blocks8(ref T src, ref T w, in Walk k, int bs, ref T output)
    {
        Walk a = k;
        nint b1 = bs, b2 = 2 * b1, b3 = 3 * b1, b4 = 4 * b1, b5 = 5 * b1, b6 = 6 * b1, b7 = 7 * b1;
        TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero, a4 = TS.Zero, a5 = TS.Zero, a6 = TS.Zero, a7 = TS.Zero;
        if (a.DCount == 1 && a.HCount == 1 && a.WCount == 1)
        {
            // One term per channel (1x1 kernels, most border-free 1-D cases): the channel loop alone, no nest to re-enter.
            ref T s = ref Unsafe.Add(ref src, a.DSrc + a.HSrc + a.WSrc);
            ref T ww = ref Unsafe.Add(ref w, a.DW + a.HW + a.WW);
            for (int c = 0; c < a.Channels; c++)
            {
                TV sv = TF.Fetch(ref s);
                a0 = TS.Add(a0, TS.Multiply(sv, TS.Load(ref ww)));
                a1 = TS.Add(a1, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b1))));
                a2 = TS.Add(a2, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b2))));
                a3 = TS.Add(a3, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b3))));
                a4 = TS.Add(a4, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b4))));
                a5 = TS.Add(a5, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b5))));
                a6 = TS.Add(a6, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b6))));
                a7 = TS.Add(a7, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b7))));
                s = ref Unsafe.Add(ref s, a.SrcC);
                ww = ref Unsafe.Add(ref ww, a.WC);
            }
        }
        else
        {
            for (int c = 0; c < a.Channels; c++)
            {
                ref T sc = ref Unsafe.Add(ref src, (nint)c * a.SrcC);
                ref T wc = ref Unsafe.Add(ref w, (nint)c * a.WC);
                for (int jd = 0; jd < a.DCount; jd++)
                {
                    int sd = a.DSrc + jd * a.DSrcStep, wd = a.DW + jd * a.DWStep;
                    for (int jh = 0; jh < a.HCount; jh++)
                    {
                        ref T s = ref Unsafe.Add(ref sc, sd + a.HSrc + jh * a.HSrcStep + a.WSrc);
                        ref T ww = ref Unsafe.Add(ref wc, wd + a.HW + jh * a.HWStep + a.WW);
                        for (int jw = 0; jw < a.WCount; jw++)
                        {
                            TV sv = TF.Fetch(ref s);
                            a0 = TS.Add(a0, TS.Multiply(sv, TS.Load(ref ww)));
                            a1 = TS.Add(a1, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b1))));
                            a2 = TS.Add(a2, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b2))));
                            a3 = TS.Add(a3, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b3))));
                            a4 = TS.Add(a4, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b4))));
                            a5 = TS.Add(a5, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b5))));
                            a6 = TS.Add(a6, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b6))));
                            a7 = TS.Add(a7, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b7))));
                            s = ref Unsafe.Add(ref s, a.WSrcStep);
                            ww = ref Unsafe.Add(ref ww, a.WWStep);
                        }
                    }
                }
            }
        }
        int v = TS.Count;
        TS.Store(a0, ref output);
        TS.Store(a1, ref Unsafe.Add(ref output, v));
        TS.Store(a2, ref Unsafe.Add(ref output, 2 * v));
        TS.Store(a3, ref Unsafe.Add(ref output, 3 * v));
        TS.Store(a4, ref Unsafe.Add(ref output, 4 * v));
        TS.Store(a5, ref Unsafe.Add(ref output, 5 * v));
        TS.Store(a6, ref Unsafe.Add(ref output, 6 * v));
        TS.Store(a7, ref Unsafe.Add(ref output, 7 * v));
    }

    /// <summary>One position of four channel blocks <paramref name="bs"/> weight elements apart: four chains share each broadcast.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Blocks4(ref T src, ref T w, in Walk k, int bs, ref T output)
    {
        Walk a = k;
        nint b1 = bs, b2 = 2 * b1, b3 = 3 * b1;
        TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero;
        if (a.DCount == 1 && a.HCount == 1 && a.WCount == 1)
        {
            // One term per channel (1x1 kernels, most border-free 1-D cases): the channel loop alone, no nest to re-enter.
            ref T s = ref Unsafe.Add(ref src, a.DSrc + a.HSrc + a.WSrc);
            ref T ww = ref Unsafe.Add(ref w, a.DW + a.HW + a.WW);
            for (int c = 0; c < a.Channels; c++)
            {
                TV sv = TF.Fetch(ref s);
                a0 = TS.Add(a0, TS.Multiply(sv, TS.Load(ref ww)));
                a1 = TS.Add(a1, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b1))));
                a2 = TS.Add(a2, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b2))));
                a3 = TS.Add(a3, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b3))));
                s = ref Unsafe.Add(ref s, a.SrcC);
                ww = ref Unsafe.Add(ref ww, a.WC);
            }
        }
        else
        {
            for (int c = 0; c < a.Channels; c++)
            {
                ref T sc = ref Unsafe.Add(ref src, (nint)c * a.SrcC);
                ref T wc = ref Unsafe.Add(ref w, (nint)c * a.WC);
                for (int jd = 0; jd < a.DCount; jd++)
                {
                    int sd = a.DSrc + jd * a.DSrcStep, wd = a.DW + jd * a.DWStep;
                    for (int jh = 0; jh < a.HCount; jh++)
                    {
                        ref T s = ref Unsafe.Add(ref sc, sd + a.HSrc + jh * a.HSrcStep + a.WSrc);
                        ref T ww = ref Unsafe.Add(ref wc, wd + a.HW + jh * a.HWStep + a.WW);
                        for (int jw = 0; jw < a.WCount; jw++)
                        {
                            TV sv = TF.Fetch(ref s);
                            a0 = TS.Add(a0, TS.Multiply(sv, TS.Load(ref ww)));
                            a1 = TS.Add(a1, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b1))));
                            a2 = TS.Add(a2, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b2))));
                            a3 = TS.Add(a3, TS.Multiply(sv, TS.Load(ref Unsafe.Add(ref ww, b3))));
                            s = ref Unsafe.Add(ref s, a.WSrcStep);
                            ww = ref Unsafe.Add(ref ww, a.WWStep);
                        }
                    }
                }
            }
        }
        int v = TS.Count;
        TS.Store(a0, ref output);
        TS.Store(a1, ref Unsafe.Add(ref output, v));
        TS.Store(a2, ref Unsafe.Add(ref output, 2 * v));
        TS.Store(a3, ref Unsafe.Add(ref output, 3 * v));
    }

    /// <summary>One position of one channel block: a single chain, for what no other kernel covers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Single(ref T src, ref T w, in Walk k, ref T output)
    {
        Walk a = k;
        TV a0 = TS.Zero;
        for (int c = 0; c < a.Channels; c++)
        {
            ref T sc = ref Unsafe.Add(ref src, (nint)c * a.SrcC);
            ref T wc = ref Unsafe.Add(ref w, (nint)c * a.WC);
            for (int jd = 0; jd < a.DCount; jd++)
            {
                int sd = a.DSrc + jd * a.DSrcStep, wd = a.DW + jd * a.DWStep;
                for (int jh = 0; jh < a.HCount; jh++)
                {
                    ref T s = ref Unsafe.Add(ref sc, sd + a.HSrc + jh * a.HSrcStep + a.WSrc);
                    ref T ww = ref Unsafe.Add(ref wc, wd + a.HW + jh * a.HWStep + a.WW);
                    for (int jw = 0; jw < a.WCount; jw++)
                    {
                        a0 = TS.Add(a0, TS.Multiply(TF.Fetch(ref s), TS.Load(ref ww)));
                        s = ref Unsafe.Add(ref s, a.WSrcStep);
                        ww = ref Unsafe.Add(ref ww, a.WWStep);
                    }
                }
            }
        }
        TS.Store(a0, ref output);
    }
}
