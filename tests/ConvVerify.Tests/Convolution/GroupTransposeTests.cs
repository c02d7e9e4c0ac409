using System.Numerics;
using ConvVerify.Convolution;

namespace ConvVerify.Tests.Convolution;

/// <summary>
/// The engine's layout copies, called with every lane count directly. The engine picks one width per CPU and problem, so
/// its own tests reach only the register tiles of that width (on an AVX-512 machine, rarely the 256-bit ones); here each
/// width's tiles, partial group blocks and plane tails are compared with the layout written out index by index.
/// </summary>
public unsafe class GroupTransposeTests
{
    // (n, groups, channels, plane): full and partial group blocks, planes shorter than a tile, one tile, tile plus tail.
    private static readonly (int N, int Groups, int Channels, int Plane)[] Shapes =
        [(1, 16, 1, 16), (2, 35, 3, 19), (1, 8, 2, 9), (3, 5, 1, 3), (1, 4, 4, 40), (2, 1, 2, 7), (1, 32, 1, 1)];

    private static readonly int[] FloatLanes = [16, 8, 4, 2, 1];
    private static readonly int[] DoubleLanes = [8, 4, 2, 1];

    [Test]
    public void ToLanesPutsEachGroupInItsLaneAndZerosThePadding([Values(1, 2)] int threads)
    {
        foreach (int v in FloatLanes) foreach (var s in Shapes) ToLanes<float>(s, v, threads);
        foreach (int v in DoubleLanes) foreach (var s in Shapes) ToLanes<double>(s, v, threads);
    }

    [Test]
    public void FromLanesPutsEachLaneBackAndAddsItsChannelsBias([Values(1, 2)] int threads, [Values] bool withBias)
    {
        foreach (int v in FloatLanes) foreach (var s in Shapes) FromLanes<float>(s, v, threads, withBias);
        foreach (int v in DoubleLanes) foreach (var s in Shapes) FromLanes<double>(s, v, threads, withBias);
    }

    // Distinct, exactly representable values, so a misplaced element cannot equal the one it displaced.
    private static T[] Numbered<T>(int count, int offset) where T : IFloatingPointIeee754<T> =>
        [.. Enumerable.Range(0, count).Select(i => T.CreateChecked(offset + i + 0.5))];

    private static void AssertUntouched<T>(T[] dst, int length, string what) where T : IFloatingPointIeee754<T>
    {
        for (int i = length; i < dst.Length; i++)
            if (!T.IsNaN(dst[i])) Assert.Fail($"{what}: wrote {dst[i]} at {i}, past the destination's {length} elements");
    }

    private static void ToLanes<T>((int N, int Groups, int Channels, int Plane) s, int v, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int blocks = (s.Groups + v - 1) / v;
        T[] src = Numbered<T>(s.N * s.Groups * s.Channels * s.Plane, 1);
        // Poisoned, so an element the copy never writes shows, with a tail of one vector it must leave alone.
        int length = s.N * blocks * s.Channels * s.Plane * v;
        T[] dst = [.. Enumerable.Repeat(T.NaN, length + v)];
        fixed (T* ps = src, pd = dst) GroupTranspose<T>.ToLanes(ps, pd, s.N, s.Groups, s.Channels, s.Plane, v, threads);
        AssertUntouched(dst, length, $"{typeof(T).Name}, {v} lanes, {threads} threads, {s}");
        for (int n = 0; n < s.N; n++)
            for (int gb = 0; gb < blocks; gb++)
                for (int c = 0; c < s.Channels; c++)
                    for (int q = 0; q < s.Plane; q++)
                        for (int l = 0; l < v; l++)
                        {
                            int g = gb * v + l;
                            T expected = g < s.Groups ? src[((n * s.Groups + g) * s.Channels + c) * s.Plane + q] : T.Zero;
                            T got = dst[(((n * blocks + gb) * s.Channels + c) * s.Plane + q) * v + l];
                            if (!got.Equals(expected))
                                Assert.Fail($"{typeof(T).Name}, {v} lanes, {threads} threads, (n {s.N}, groups {s.Groups}, channels {s.Channels}, plane {s.Plane}): "
                                    + $"[n {n}][block {gb}][channel {c}][position {q}][lane {l}] is {got}, expected {expected}");
                        }
    }

    private static void FromLanes<T>((int N, int Groups, int Channels, int Plane) s, int v, int threads, bool withBias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int blocks = (s.Groups + v - 1) / v;
        T[] src = Numbered<T>(s.N * blocks * s.Channels * s.Plane * v, 1);
        // Biases in steps of 1000, far from the sources' spacing of 1, so a bias of the wrong channel shows.
        T[] bias = [.. Enumerable.Range(0, s.Groups * s.Channels).Select(i => T.CreateChecked(1000.0 * (i + 1)))];
        int length = s.N * s.Groups * s.Channels * s.Plane;
        T[] dst = [.. Enumerable.Repeat(T.NaN, length + v)];
        fixed (T* ps = src, pd = dst, pb = bias)
            GroupTranspose<T>.FromLanes(ps, pd, withBias ? pb : null, s.N, s.Groups, s.Channels, s.Plane, v, threads);
        AssertUntouched(dst, length, $"{typeof(T).Name}, {v} lanes, {threads} threads, bias {withBias}, {s}");
        for (int n = 0; n < s.N; n++)
            for (int g = 0; g < s.Groups; g++)
                for (int c = 0; c < s.Channels; c++)
                    for (int q = 0; q < s.Plane; q++)
                    {
                        T value = src[(((n * blocks + g / v) * s.Channels + c) * s.Plane + q) * v + g % v];
                        T expected = withBias ? value + bias[g * s.Channels + c] : value;
                        T got = dst[((n * s.Groups + g) * s.Channels + c) * s.Plane + q];
                        if (!got.Equals(expected))
                            Assert.Fail($"{typeof(T).Name}, {v} lanes, {threads} threads, bias {withBias}, (n {s.N}, groups {s.Groups}, channels {s.Channels}, plane {s.Plane}): "
                                + $"(n {n}, group {g}, channel {c}, position {q}) is {got}, expected {expected}");
                    }
    }
}
