using System.Numerics;
using System.Runtime.CompilerServices;

namespace ConvVerify.Convolution;

/// <summary>
/// The terms every element of one position block sums, for one reduction channel: term t reads the source at
/// <see cref="Source"/>[t] elements from the block's first position and the weights at tap <see cref="Tap"/>[t], in the
/// definition's order (kd, kh, kw ascending, out-of-range taps absent). The channel loop around them steps the source
/// by <see cref="SrcC"/> and the transposed weights by <see cref="WC"/>.
/// </summary>
internal readonly ref struct Terms(ref int source, ref int tap, int count, int channels, int srcC, int wC)
{
    public readonly ref int Source = ref source;
    public readonly ref int Tap = ref tap;
    public readonly int Count = count, Channels = channels, SrcC = srcC, WC = wC;
}

/// <summary>A compile-time switch of a kernel: the JIT specializes each struct instantiation and drops the dead branch.</summary>
internal interface IFlag
{
    static abstract bool Value { get; }
}

internal readonly struct On : IFlag
{
    public static bool Value => true;
}

internal readonly struct Off : IFlag
{
    public static bool Value => false;
}

/// <summary>
/// The kernel of forward and data gradient, which are the same computation with x/dy and the weight transpose swapped:
/// each lane is one output element (a channel of a block of channels), each broadcast operand a source value, and
/// every accumulator sees exactly its element's terms in the definition's order (channel, then the block's terms),
/// starting from +0. Blocking only interleaves independent accumulators.
/// </summary>
internal static class ChannelKernels<T, TV, TS, TF>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TV : struct
    where TS : struct, ISimd<TV, T>
    where TF : struct, ISource<TV, T>
{
    /// <summary>
    /// Four or eight (<typeparamref name="TEight"/>) positions of one channel block, or of two (<typeparamref name="TPair"/>)
    /// <paramref name="bs"/> weight elements apart: each source value fetched serves both blocks and each weight vector
    /// every position, so a term costs two or three loads for up to sixteen multiply-adds. Position r reads
    /// <paramref name="offsets"/>[r] source elements after position 0. Results go to <paramref name="output"/> as
    /// [block][position][lane], four or eight positions per block.
    /// </summary>
    /// <remarks>
    /// One source for the four shapes, so they cannot drift apart; the flags are constants, so each shape compiles to
    /// its own straight loop. With <paramref name="resume"/> the sums start from the partial sums in
    /// <paramref name="output"/> (the same layout) instead of +0: a run over the first channels then one over the rest
    /// is the same sequence of roundings as one run over all of them.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile<TPair, TEight>(ref T src, ref T w, nint bs, scoped Terms k, ref int offsets, bool resume, ref T output)
        where TPair : struct, IFlag where TEight : struct, IFlag
    {
        int channels = k.Channels, count = k.Count, v = TS.Count;
        nint srcC = k.SrcC, wC = k.WC;
        ref int termSrc = ref k.Source, termTap = ref k.Tap;
        nint p1 = Unsafe.Add(ref offsets, 1), p2 = Unsafe.Add(ref offsets, 2), p3 = Unsafe.Add(ref offsets, 3);
        nint p4 = 0, p5 = 0, p6 = 0, p7 = 0;
        if (TEight.Value) (p4, p5, p6, p7) = (Unsafe.Add(ref offsets, 4), Unsafe.Add(ref offsets, 5), Unsafe.Add(ref offsets, 6), Unsafe.Add(ref offsets, 7));
        TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero, a4 = TS.Zero, a5 = TS.Zero, a6 = TS.Zero, a7 = TS.Zero;
        TV b0 = TS.Zero, b1 = TS.Zero, b2 = TS.Zero, b3 = TS.Zero, b4 = TS.Zero, b5 = TS.Zero, b6 = TS.Zero, b7 = TS.Zero;
        int width = TEight.Value ? 8 : 4;
        if (resume)
        {
            ref T o = ref output;
            (a0, a1, a2, a3) = (TS.Load(ref o), TS.Load(ref Unsafe.Add(ref o, v)), TS.Load(ref Unsafe.Add(ref o, 2 * v)), TS.Load(ref Unsafe.Add(ref o, 3 * v)));
            o = ref Unsafe.Add(ref o, 4 * v);
            if (TEight.Value) (a4, a5, a6, a7) = (TS.Load(ref o), TS.Load(ref Unsafe.Add(ref o, v)), TS.Load(ref Unsafe.Add(ref o, 2 * v)), TS.Load(ref Unsafe.Add(ref o, 3 * v)));
            o = ref Unsafe.Add(ref output, width * v);
            if (TPair.Value) (b0, b1, b2, b3) = (TS.Load(ref o), TS.Load(ref Unsafe.Add(ref o, v)), TS.Load(ref Unsafe.Add(ref o, 2 * v)), TS.Load(ref Unsafe.Add(ref o, 3 * v)));
            o = ref Unsafe.Add(ref o, 4 * v);
            if (TPair.Value && TEight.Value) (b4, b5, b6, b7) = (TS.Load(ref o), TS.Load(ref Unsafe.Add(ref o, v)), TS.Load(ref Unsafe.Add(ref o, 2 * v)), TS.Load(ref Unsafe.Add(ref o, 3 * v)));
        }
        for (int c = 0; c < channels; c++)
        {
            ref T sc = ref Unsafe.Add(ref src, c * srcC);
            ref T wc = ref Unsafe.Add(ref w, c * wC);
            for (int t = 0; t < count; t++)
            {
                ref T s = ref Unsafe.Add(ref sc, Unsafe.Add(ref termSrc, t));
                ref T ww = ref Unsafe.Add(ref wc, (nint)Unsafe.Add(ref termTap, t) * v);
                TV wa = TS.Load(ref ww);
                TV wb = TPair.Value ? TS.Load(ref Unsafe.Add(ref ww, bs)) : wa;
                TV x = TF.Fetch(ref s);
                a0 = TS.Add(a0, TS.Multiply(x, wa));
                if (TPair.Value) b0 = TS.Add(b0, TS.Multiply(x, wb));
                x = TF.Fetch(ref Unsafe.Add(ref s, p1));
                a1 = TS.Add(a1, TS.Multiply(x, wa));
                if (TPair.Value) b1 = TS.Add(b1, TS.Multiply(x, wb));
                x = TF.Fetch(ref Unsafe.Add(ref s, p2));
                a2 = TS.Add(a2, TS.Multiply(x, wa));
                if (TPair.Value) b2 = TS.Add(b2, TS.Multiply(x, wb));
                x = TF.Fetch(ref Unsafe.Add(ref s, p3));
                a3 = TS.Add(a3, TS.Multiply(x, wa));
                if (TPair.Value) b3 = TS.Add(b3, TS.Multiply(x, wb));
                if (!TEight.Value) continue;
                x = TF.Fetch(ref Unsafe.Add(ref s, p4));
                a4 = TS.Add(a4, TS.Multiply(x, wa));
                if (TPair.Value) b4 = TS.Add(b4, TS.Multiply(x, wb));
                x = TF.Fetch(ref Unsafe.Add(ref s, p5));
                a5 = TS.Add(a5, TS.Multiply(x, wa));
                if (TPair.Value) b5 = TS.Add(b5, TS.Multiply(x, wb));
                x = TF.Fetch(ref Unsafe.Add(ref s, p6));
                a6 = TS.Add(a6, TS.Multiply(x, wa));
                if (TPair.Value) b6 = TS.Add(b6, TS.Multiply(x, wb));
                x = TF.Fetch(ref Unsafe.Add(ref s, p7));
                a7 = TS.Add(a7, TS.Multiply(x, wa));
                if (TPair.Value) b7 = TS.Add(b7, TS.Multiply(x, wb));
            }
        }
        Store4(a0, a1, a2, a3, ref output);
        if (TEight.Value) Store4(a4, a5, a6, a7, ref Unsafe.Add(ref output, 4 * v));
        if (!TPair.Value) return;
        Store4(b0, b1, b2, b3, ref Unsafe.Add(ref output, width * v));
        if (TEight.Value) Store4(b4, b5, b6, b7, ref Unsafe.Add(ref output, (width + 4) * v));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(TV r0, TV r1, TV r2, TV r3, ref T output)
    {
        int v = TS.Count;
        TS.Store(r0, ref output);
        TS.Store(r1, ref Unsafe.Add(ref output, v));
        TS.Store(r2, ref Unsafe.Add(ref output, 2 * v));
        TS.Store(r3, ref Unsafe.Add(ref output, 3 * v));
    }
}
