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
internal static class ChannelKernels<T, TV, TS>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TV : struct
    where TS : struct, ISimd<TV, T>
{
    /// <summary>Eight positions of one channel block: positions sit <paramref name="ps"/> source elements apart.</summary>
    public static void Positions8(ref T src, ref T w, in Walk k, int ps, ref T output)
    {
        Walk a = k;
        nint p1 = ps, p2 = 2 * p1, p3 = 3 * p1, p4 = 4 * p1, p5 = 5 * p1, p6 = 6 * p1, p7 = 7 * p1;
        TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero, a4 = TS.Zero, a5 = TS.Zero, a6 = TS.Zero, a7 = TS.Zero;
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
                        a0 = TS.Add(a0, TS.Multiply(TS.Broadcast(s), wv));
                        a1 = TS.Add(a1, TS.Multiply(TS.Broadcast(Unsafe.Add(ref s, p1)), wv));
                        a2 = TS.Add(a2, TS.Multiply(TS.Broadcast(Unsafe.Add(ref s, p2)), wv));
                        a3 = TS.Add(a3, TS.Multiply(TS.Broadcast(Unsafe.Add(ref s, p3)), wv));
                        a4 = TS.Add(a4, TS.Multiply(TS.Broadcast(Unsafe.Add(ref s, p4)), wv));
                        a5 = TS.Add(a5, TS.Multiply(TS.Broadcast(Unsafe.Add(ref s, p5)), wv));
                        a6 = TS.Add(a6, TS.Multiply(TS.Broadcast(Unsafe.Add(ref s, p6)), wv));
                        a7 = TS.Add(a7, TS.Multiply(TS.Broadcast(Unsafe.Add(ref s, p7)), wv));
                        s = ref Unsafe.Add(ref s, a.WSrcStep);
                        ww = ref Unsafe.Add(ref ww, a.WWStep);
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
    public static void Positions4(ref T src, ref T w, in Walk k, int ps, ref T output)
    {
        Walk a = k;
        nint p1 = ps, p2 = 2 * p1, p3 = 3 * p1;
        TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero;
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
                        a0 = TS.Add(a0, TS.Multiply(TS.Broadcast(s), wv));
                        a1 = TS.Add(a1, TS.Multiply(TS.Broadcast(Unsafe.Add(ref s, p1)), wv));
                        a2 = TS.Add(a2, TS.Multiply(TS.Broadcast(Unsafe.Add(ref s, p2)), wv));
                        a3 = TS.Add(a3, TS.Multiply(TS.Broadcast(Unsafe.Add(ref s, p3)), wv));
                        s = ref Unsafe.Add(ref s, a.WSrcStep);
                        ww = ref Unsafe.Add(ref ww, a.WWStep);
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

    /// <summary>One position of four channel blocks <paramref name="bs"/> weight elements apart: four chains share each broadcast.</summary>
    public static void Blocks4(ref T src, ref T w, in Walk k, int bs, ref T output)
    {
        Walk a = k;
        nint b1 = bs, b2 = 2 * b1, b3 = 3 * b1;
        TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero;
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
                        TV sv = TS.Broadcast(s);
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
        int v = TS.Count;
        TS.Store(a0, ref output);
        TS.Store(a1, ref Unsafe.Add(ref output, v));
        TS.Store(a2, ref Unsafe.Add(ref output, 2 * v));
        TS.Store(a3, ref Unsafe.Add(ref output, 3 * v));
    }

    /// <summary>One position of one channel block: a single chain, for what no other kernel covers.</summary>
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
                        a0 = TS.Add(a0, TS.Multiply(TS.Broadcast(s), TS.Load(ref ww)));
                        s = ref Unsafe.Add(ref s, a.WSrcStep);
                        ww = ref Unsafe.Add(ref ww, a.WWStep);
                    }
                }
            }
        }
        TS.Store(a0, ref output);
    }
}
