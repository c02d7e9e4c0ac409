using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvVerify.Convolution;

/// <summary>
/// The copies that let lanes run over groups: (N, groups·channels, plane) to [n][block of V groups][channel][position][lane]
/// and back. Pure permutations (plus, on the way back, the bias added once after the sum, as the definition does),
/// so no value changes. Full blocks of V groups move as V×V tiles transposed in registers (x86: 512, 256 and 128 bits,
/// float and double); the rest element by element.
/// </summary>
internal static unsafe class GroupTranspose<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>src (N, groups·channels, plane) to dst [n][group block][channel][position][lane], lanes past the last group zero.</summary>
    public static void ToLanes(T* src, T* dst, int n, int groups, int channels, int plane, int v, int threads)
    {
        int blocks = (groups + v - 1) / v;
        ExactConv.For(n * blocks * channels, threads, row =>
        {
            int c = row % channels, gb = row / channels % blocks, mb = row / channels / blocks;
            T* d = dst + (long)row * plane * v;
            long rowStride = (long)channels * plane;
            T* s = src + (((long)mb * groups + (long)gb * v) * channels + c) * plane;
            int full = Math.Min(v, groups - gb * v), p = 0;
            if (full == v) p = Tiles(true, s, rowStride, d, v, plane, null, 0);
            // Position by position, so the stores run in order (dL/dx's weights come here as many 9-tap planes).
            for (int q = p; q < plane; q++)
            {
                T* o = d + (long)q * v, i = s + q;
                for (int l = 0; l < full; l++) o[l] = i[l * rowStride];
                for (int l = full; l < v; l++) o[l] = T.Zero;
            }
        });
    }

    /// <summary>
    /// src [n][group block][channel][position][lane] to dst (N, groups·channels, plane), adding bias[channel of the
    /// element] when <paramref name="bias"/> is not null; lanes past the last group are dropped.
    /// </summary>
    public static void FromLanes(T* src, T* dst, T* bias, int n, int groups, int channels, int plane, int v, int threads)
    {
        int blocks = (groups + v - 1) / v;
        ExactConv.For(n * blocks * channels, threads, row =>
        {
            int c = row % channels, gb = row / channels % blocks, mb = row / channels / blocks;
            T* s = src + (long)row * plane * v;
            long rowStride = (long)channels * plane;
            T* d = dst + (((long)mb * groups + (long)gb * v) * channels + c) * plane;
            T* b = bias == null ? null : bias + (long)gb * v * channels + c;
            int full = Math.Min(v, groups - gb * v), p = 0;
            if (full == v) p = Tiles(false, s, rowStride, d, v, plane, b, channels);
            for (int l = 0; l < full; l++)
            {
                T* o = d + l * rowStride, i = s + l;
                if (b == null)
                    for (int q = p; q < plane; q++) o[q] = i[(long)q * v];
                else
                {
                    T bl = b[(long)l * channels];
                    for (int q = p; q < plane; q++) o[q] = i[(long)q * v] + bl;
                }
            }
        });
    }

    // The first positions of a full block of v rows (channel planes rowStride apart) as v×v register transposes,
    // where the hardware has them: to lanes, or from lanes adding bias[row·biasStride]. Returns the positions done.
    private static int Tiles(bool toLanes, T* planes, long rowStride, T* other, int v, int plane, T* bias, int biasStride)
    {
        // 256- and 128-bit tiles too, for the widths an AVX2 CPU runs and the narrow lanes of small groups: without them
        // every element moved alone, a strided load each, and a ResNet-50 res5 layer's weights took 1.6–2.8 ms to lay out.
        if (typeof(T) == typeof(float)) return FloatTiles(toLanes, (float*)planes, rowStride, (float*)other, v, plane, (float*)bias, biasStride);
        // Stryker disable once Equality : with the double tiles skipped every position goes to the element loop, which moves the same values
        else if (typeof(T) == typeof(double)) return DoubleTiles(toLanes, (double*)planes, rowStride, (double*)other, v, plane, (double*)bias, biasStride);
        return 0;
    }

    // The marked branch above holds only this call, so the marker hides no mutant of the width tests.
    private static int FloatTiles(bool toLanes, float* s, long rowStride, float* o, int v, int plane, float* b, int biasStride)
    {
        if (v == 16 && Avx512F.IsSupported) return Tiled(&Tile16, 16, toLanes, s, rowStride, o, plane, b, biasStride);
        if (v == 8 && Avx.IsSupported) return Tiled(&Tile8x8, 8, toLanes, s, rowStride, o, plane, b, biasStride);
        if (v == 4 && Sse.IsSupported) return Tiled(&Tile4x4, 4, toLanes, s, rowStride, o, plane, b, biasStride);
        return 0;
    }

    private static int DoubleTiles(bool toLanes, double* s, long rowStride, double* o, int v, int plane, double* b, int biasStride)
    {
        if (v == 8 && Avx512F.IsSupported) return Tiled(&Tile8, 8, toLanes, s, rowStride, o, plane, b, biasStride);
        if (v == 4 && Avx.IsSupported) return Tiled(&Tile4x4, 4, toLanes, s, rowStride, o, plane, b, biasStride);
        if (v == 2 && Sse2.IsSupported) return Tiled(&Tile2x2, 2, toLanes, s, rowStride, o, plane, b, biasStride);
        return 0;
    }

    // Whole w×w tiles from position 0 on, by tile(source, its row stride, destination, its row stride, bias, bias stride).
    private static int Tiled<TE>(delegate*<TE*, long, TE*, long, TE*, int, void> tile, int w, bool toLanes, TE* planes, long rowStride,
        TE* other, int plane, TE* bias, int biasStride) where TE : unmanaged
    {
        int p = 0;
        for (; p + w <= plane; p += w)
        {
            if (toLanes) tile(planes + p, rowStride, other + (long)p * w, w, null, 0);
            else tile(planes + (long)p * w, w, other + p, rowStride, bias, biasStride);
        }
        return p;
    }

    // Loads 16 vectors s + i·ss, stores their transpose at d + j·ds (vector j holds element j of every input), plus
    // bias[j·bs] broadcast when bias is not null.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile16(float* s, long ss, float* d, long ds, float* bias, int bs)
    {
        Vector512<float> r0 = Avx512F.LoadVector512(s), r1 = Avx512F.LoadVector512(s + ss), r2 = Avx512F.LoadVector512(s + 2 * ss),
            r3 = Avx512F.LoadVector512(s + 3 * ss), r4 = Avx512F.LoadVector512(s + 4 * ss), r5 = Avx512F.LoadVector512(s + 5 * ss),
            r6 = Avx512F.LoadVector512(s + 6 * ss), r7 = Avx512F.LoadVector512(s + 7 * ss), r8 = Avx512F.LoadVector512(s + 8 * ss),
            r9 = Avx512F.LoadVector512(s + 9 * ss), r10 = Avx512F.LoadVector512(s + 10 * ss), r11 = Avx512F.LoadVector512(s + 11 * ss),
            r12 = Avx512F.LoadVector512(s + 12 * ss), r13 = Avx512F.LoadVector512(s + 13 * ss), r14 = Avx512F.LoadVector512(s + 14 * ss),
            r15 = Avx512F.LoadVector512(s + 15 * ss);
        // Pairs of rows interleaved, then pairs of pairs (as doubles), then 128-bit quarters twice.
        var t0 = Avx512F.UnpackLow(r0, r1); var t1 = Avx512F.UnpackHigh(r0, r1);
        var t2 = Avx512F.UnpackLow(r2, r3); var t3 = Avx512F.UnpackHigh(r2, r3);
        var t4 = Avx512F.UnpackLow(r4, r5); var t5 = Avx512F.UnpackHigh(r4, r5);
        var t6 = Avx512F.UnpackLow(r6, r7); var t7 = Avx512F.UnpackHigh(r6, r7);
        var t8 = Avx512F.UnpackLow(r8, r9); var t9 = Avx512F.UnpackHigh(r8, r9);
        var t10 = Avx512F.UnpackLow(r10, r11); var t11 = Avx512F.UnpackHigh(r10, r11);
        var t12 = Avx512F.UnpackLow(r12, r13); var t13 = Avx512F.UnpackHigh(r12, r13);
        var t14 = Avx512F.UnpackLow(r14, r15); var t15 = Avx512F.UnpackHigh(r14, r15);
        Quad(t0, t2, t4, t6, t8, t10, t12, t14, 0, d, ds, bias, bs);
        Quad(t1, t3, t5, t7, t9, t11, t13, t15, 2, d, ds, bias, bs);
    }

    // From rows interleaved in pairs (even pairs or odd pairs of positions), the outputs at positions first, first+1,
    // first+4, first+5, first+8, ... : u0..u3 of the pairs-of-pairs stage feed positions (first, first+4, first+8, first+12)
    // and (first+1, ...).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quad(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> e,
        Vector512<float> f, Vector512<float> g, Vector512<float> h, Vector512<float> k, int first, float* d, long ds, float* bias, int bs)
    {
        var u0 = Avx512F.UnpackLow(a.AsDouble(), b.AsDouble()).AsSingle(); var u1 = Avx512F.UnpackHigh(a.AsDouble(), b.AsDouble()).AsSingle();
        var u4 = Avx512F.UnpackLow(c.AsDouble(), e.AsDouble()).AsSingle(); var u5 = Avx512F.UnpackHigh(c.AsDouble(), e.AsDouble()).AsSingle();
        var u8 = Avx512F.UnpackLow(f.AsDouble(), g.AsDouble()).AsSingle(); var u9 = Avx512F.UnpackHigh(f.AsDouble(), g.AsDouble()).AsSingle();
        var u12 = Avx512F.UnpackLow(h.AsDouble(), k.AsDouble()).AsSingle(); var u13 = Avx512F.UnpackHigh(h.AsDouble(), k.AsDouble()).AsSingle();
        Four(u0, u4, u8, u12, first, d, ds, bias, bs);
        Four(u1, u5, u9, u13, first + 1, d, ds, bias, bs);
    }

    // u0, u4, u8, u12 hold rows 0–3, 4–7, 8–11, 12–15 at positions (q, q+4, q+8, q+12) in their four 128-bit quarters.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Four(Vector512<float> u0, Vector512<float> u4, Vector512<float> u8, Vector512<float> u12, int q, float* d, long ds, float* bias, int bs)
    {
        var v0 = Avx512F.Shuffle4x128(u0, u4, 0x88); var v4 = Avx512F.Shuffle4x128(u0, u4, 0xdd);
        var v8 = Avx512F.Shuffle4x128(u8, u12, 0x88); var v12 = Avx512F.Shuffle4x128(u8, u12, 0xdd);
        Put(Avx512F.Shuffle4x128(v0, v8, 0x88), q, d, ds, bias, bs);
        Put(Avx512F.Shuffle4x128(v0, v8, 0xdd), q + 8, d, ds, bias, bs);
        Put(Avx512F.Shuffle4x128(v4, v12, 0x88), q + 4, d, ds, bias, bs);
        Put(Avx512F.Shuffle4x128(v4, v12, 0xdd), q + 12, d, ds, bias, bs);
    }

    // The double version of Tile16: 8 vectors of 8.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8(double* s, long ss, double* d, long ds, double* bias, int bs)
    {
        Vector512<double> r0 = Avx512F.LoadVector512(s), r1 = Avx512F.LoadVector512(s + ss), r2 = Avx512F.LoadVector512(s + 2 * ss),
            r3 = Avx512F.LoadVector512(s + 3 * ss), r4 = Avx512F.LoadVector512(s + 4 * ss), r5 = Avx512F.LoadVector512(s + 5 * ss),
            r6 = Avx512F.LoadVector512(s + 6 * ss), r7 = Avx512F.LoadVector512(s + 7 * ss);
        // t0 = (a0 b0)(a2 b2)(a4 b4)(a6 b6), t1 = (a1 b1)(a3 b3)(a5 b5)(a7 b7), and so on for rows c–h.
        var t0 = Avx512F.UnpackLow(r0, r1); var t1 = Avx512F.UnpackHigh(r0, r1);
        var t2 = Avx512F.UnpackLow(r2, r3); var t3 = Avx512F.UnpackHigh(r2, r3);
        var t4 = Avx512F.UnpackLow(r4, r5); var t5 = Avx512F.UnpackHigh(r4, r5);
        var t6 = Avx512F.UnpackLow(r6, r7); var t7 = Avx512F.UnpackHigh(r6, r7);
        // u0 = (a0 b0)(a4 b4)(c0 d0)(c4 d4), u1 = positions 2 and 6, u2 = 1 and 5, u3 = 3 and 7; u4–u7 the same for rows e–h.
        var u0 = Avx512F.Shuffle4x128(t0, t2, 0x88); var u1 = Avx512F.Shuffle4x128(t0, t2, 0xdd);
        var u2 = Avx512F.Shuffle4x128(t1, t3, 0x88); var u3 = Avx512F.Shuffle4x128(t1, t3, 0xdd);
        var u4 = Avx512F.Shuffle4x128(t4, t6, 0x88); var u5 = Avx512F.Shuffle4x128(t4, t6, 0xdd);
        var u6 = Avx512F.Shuffle4x128(t5, t7, 0x88); var u7 = Avx512F.Shuffle4x128(t5, t7, 0xdd);
        Put(Avx512F.Shuffle4x128(u0, u4, 0x88), 0, d, ds, bias, bs);
        Put(Avx512F.Shuffle4x128(u0, u4, 0xdd), 4, d, ds, bias, bs);
        Put(Avx512F.Shuffle4x128(u1, u5, 0x88), 2, d, ds, bias, bs);
        Put(Avx512F.Shuffle4x128(u1, u5, 0xdd), 6, d, ds, bias, bs);
        Put(Avx512F.Shuffle4x128(u2, u6, 0x88), 1, d, ds, bias, bs);
        Put(Avx512F.Shuffle4x128(u2, u6, 0xdd), 5, d, ds, bias, bs);
        Put(Avx512F.Shuffle4x128(u3, u7, 0x88), 3, d, ds, bias, bs);
        Put(Avx512F.Shuffle4x128(u3, u7, 0xdd), 7, d, ds, bias, bs);
    }

    // Tile16's transpose in 256 bits: 8 vectors of 8 floats s + i·ss, their transpose stored at d + j·ds (plus bias[j·bs]).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8x8(float* s, long ss, float* d, long ds, float* bias, int bs)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + ss), r2 = Avx.LoadVector256(s + 2 * ss),
            r3 = Avx.LoadVector256(s + 3 * ss), r4 = Avx.LoadVector256(s + 4 * ss), r5 = Avx.LoadVector256(s + 5 * ss),
            r6 = Avx.LoadVector256(s + 6 * ss), r7 = Avx.LoadVector256(s + 7 * ss);
        // t0 = (a0 b0 a1 b1 | a4 b4 a5 b5), t1 = (a2 b2 a3 b3 | a6 b6 a7 b7); the same for rows c–h.
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        // u0 = (a0 b0 c0 d0 | a4 b4 c4 d4), u1 = positions 1 and 5, u2 = 2 and 6, u3 = 3 and 7; u4–u7 for rows e–h.
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xee);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xee);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xee);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xee);
        Put(Avx.Permute2x128(u0, u4, 0x20), 0, d, ds, bias, bs);
        Put(Avx.Permute2x128(u1, u5, 0x20), 1, d, ds, bias, bs);
        Put(Avx.Permute2x128(u2, u6, 0x20), 2, d, ds, bias, bs);
        Put(Avx.Permute2x128(u3, u7, 0x20), 3, d, ds, bias, bs);
        Put(Avx.Permute2x128(u0, u4, 0x31), 4, d, ds, bias, bs);
        Put(Avx.Permute2x128(u1, u5, 0x31), 5, d, ds, bias, bs);
        Put(Avx.Permute2x128(u2, u6, 0x31), 6, d, ds, bias, bs);
        Put(Avx.Permute2x128(u3, u7, 0x31), 7, d, ds, bias, bs);
    }

    // The double version: 4 vectors of 4.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x4(double* s, long ss, double* d, long ds, double* bias, int bs)
    {
        Vector256<double> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + ss), r2 = Avx.LoadVector256(s + 2 * ss),
            r3 = Avx.LoadVector256(s + 3 * ss);
        // t0 = (a0 b0 | a2 b2), t1 = (a1 b1 | a3 b3), t2 and t3 the same for rows c and d.
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        Put(Avx.Permute2x128(t0, t2, 0x20), 0, d, ds, bias, bs);
        Put(Avx.Permute2x128(t1, t3, 0x20), 1, d, ds, bias, bs);
        Put(Avx.Permute2x128(t0, t2, 0x31), 2, d, ds, bias, bs);
        Put(Avx.Permute2x128(t1, t3, 0x31), 3, d, ds, bias, bs);
    }

    // The same in 128 bits: 4 vectors of 4 floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x4(float* s, long ss, float* d, long ds, float* bias, int bs)
    {
        Vector128<float> r0 = Sse.LoadVector128(s), r1 = Sse.LoadVector128(s + ss), r2 = Sse.LoadVector128(s + 2 * ss),
            r3 = Sse.LoadVector128(s + 3 * ss);
        // t0 = (a0 b0 a1 b1), t1 = (a2 b2 a3 b3), t2 and t3 the same for rows c and d; then halves side by side.
        var t0 = Sse.UnpackLow(r0, r1); var t1 = Sse.UnpackHigh(r0, r1);
        var t2 = Sse.UnpackLow(r2, r3); var t3 = Sse.UnpackHigh(r2, r3);
        Put(Sse.MoveLowToHigh(t0, t2), 0, d, ds, bias, bs);
        Put(Sse.MoveHighToLow(t2, t0), 1, d, ds, bias, bs);
        Put(Sse.MoveLowToHigh(t1, t3), 2, d, ds, bias, bs);
        Put(Sse.MoveHighToLow(t3, t1), 3, d, ds, bias, bs);
    }

    // And 2 vectors of 2 doubles.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile2x2(double* s, long ss, double* d, long ds, double* bias, int bs)
    {
        Vector128<double> r0 = Sse2.LoadVector128(s), r1 = Sse2.LoadVector128(s + ss);
        Put(Sse2.UnpackLow(r0, r1), 0, d, ds, bias, bs);
        Put(Sse2.UnpackHigh(r0, r1), 1, d, ds, bias, bs);
    }

    // Stores a transposed vector as element j of the tile, adding bias[j·bs] when there is a bias: one rounding, as the
    // element loop's.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<TE>(Vector512<TE> value, int j, TE* d, long ds, TE* bias, int bs) where TE : unmanaged
    {
        if (bias != null) value += Vector512.Create(bias[(long)j * bs]);
        value.Store(d + j * ds);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<TE>(Vector256<TE> value, int j, TE* d, long ds, TE* bias, int bs) where TE : unmanaged
    {
        if (bias != null) value += Vector256.Create(bias[(long)j * bs]);
        value.Store(d + j * ds);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<TE>(Vector128<TE> value, int j, TE* d, long ds, TE* bias, int bs) where TE : unmanaged
    {
        if (bias != null) value += Vector128.Create(bias[(long)j * bs]);
        value.Store(d + j * ds);
    }
}
