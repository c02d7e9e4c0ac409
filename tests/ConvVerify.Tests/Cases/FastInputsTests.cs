using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Cases;

/// <summary>
/// The input generator's vectors and threads change no bit: every tensor equals the sequential definition
/// (<c>Inputs.Values</c>), element by element, whatever the width, the thread count, the chunk and batch boundaries
/// and the lane tails. The committed packs, written by the sequential loop before the fast path existed, pin it again
/// on every committed case (the freshness tests regenerate their inputs).
/// </summary>
public class FastInputsTests
{
    // Sizes around every boundary the fast path has: vector lanes (2, 4 or 8 ulongs), the 256-element batches, the
    // 16,384-element chunks that threads share, and several chunks with a tail.
    private static readonly int[] Counts =
    [
        0, 1, 2, 3, 5, 7, 9, 255, 256, 257, 1000,
        Inputs.ChunkElements - 1, Inputs.ChunkElements, Inputs.ChunkElements + 1, 3 * Inputs.ChunkElements + 17,
    ];

    private static readonly ulong[] Seeds = [0, 5, 0x0123456789ABCDEFUL, ulong.MaxValue];

    private static IEnumerable<TestCaseData> Fills()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.BFloat16, DType.Float16 })
        {
            yield return new TestCaseData(Fill.Normal, 0, dtype);
            foreach (int range in new[] { 4, 2, 1 })
                yield return new TestCaseData(Fill.Integer, range, dtype);
        }
    }

    private static void AssertSame<T>(T[] expected, T[] actual, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!BitConverter.DoubleToInt64Bits(double.CreateChecked(actual[i])).Equals(BitConverter.DoubleToInt64Bits(double.CreateChecked(expected[i]))))
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, the sequential loop gives {expected[i]:R}");
        }
    }

    private static void EveryPathEqualsTheDefinition<T>(Fill fill, int range, DType dtype) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The chunk-sized tensors once, in the dtypes without rounding of their own: the rounding is the definition's
        // Value either way, and the boundaries do not depend on it.
        bool large = dtype is DType.Float32 or DType.Float64;
        foreach (int count in Counts.Where(c => c <= 1000 || large))
        foreach (ulong seed in count <= 1000 ? Seeds : [ulong.MaxValue])
        {
            int stream = (int)(seed % 4) + 1;
            var expected = Inputs.Values<T>(count, seed, stream, fill, range, dtype);
            foreach (bool vectors in new[] { true, false })
            foreach (int threads in new[] { 1, 2, 3 })
                AssertSame(expected, Inputs.FastValues<T>(count, seed, stream, fill, range, dtype, vectors, threads),
                    $"{typeof(T).Name} {dtype} {fill} range {range}, {count} elements, seed {seed}, stream {stream}, vectors {vectors}, {threads} threads");
        }
    }

    [TestCaseSource(nameof(Fills))]
    public void FloatTensorsEqualTheSequentialLoop(Fill fill, int range, DType dtype) => EveryPathEqualsTheDefinition<float>(fill, range, dtype);

    [TestCaseSource(nameof(Fills))]
    public void DoubleTensorsEqualTheSequentialLoop(Fill fill, int range, DType dtype) => EveryPathEqualsTheDefinition<double>(fill, range, dtype);

    [TestCase(3)]
    [TestCase(0)]
    [TestCase(-4)]
    public void AnIntegerRangeThatIsNotAPowerOfTwoIsRefusedByBothPaths(int range)
    {
        // k = draw mod 2·range is taken as a mask; a range it would not be right for must not slip through.
        foreach (var make in new Func<float[]>[]
        {
            () => Inputs.Values<float>(10, 1, 1, Fill.Integer, range, DType.Float32),
            () => Inputs.FastValues<float>(10, 1, 1, Fill.Integer, range, DType.Float32, true, 2),
        })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => make())!;
            Assert.That(e.Message, Does.StartWith($"range: the integer fill's ranges are powers of two (4, 2, 1), not {range}"));
            Assert.That(e.ParamName, Is.EqualTo("range"));
        }
        Assert.That(Inputs.Values<float>(10, 1, 1, Fill.Normal, range, DType.Float32), Has.Length.EqualTo(10), "the normal fill has no range");
    }

    [TestCase(Fill.Integer)]
    [TestCase(Fill.Normal)]
    public void AnElementsDrawsStartWhereTheStreamHasReachedIt(Fill fill)
    {
        // The jump to element i against walking the stream there one output at a time, past 2^64 wrap-arounds of the
        // counter (a seed near the top), with and without vectors, for draws that start at odd elements.
        const ulong start = ulong.MaxValue - 12345;
        int perElement = fill == Fill.Integer ? 1 : 12;
        ulong walked = start;
        long element = 0;
        foreach (long target in new long[] { 0, 1, 3, 1000, 65_537, 200_003 })
        {
            for (; element < target; element++)
                for (int j = 0; j < perElement; j++) SplitMix64.Next(ref walked);
            Assert.That(Inputs.Skip(start, fill, target), Is.EqualTo(walked), $"state before element {target}");
            foreach (bool vectors in new[] { true, false })
            {
                ulong[] draws = new ulong[11];
                Inputs.DrawBatch(Inputs.Skip(start, fill, target), fill, draws, vectors);
                ulong state = walked;
                for (int k = 0; k < draws.Length; k++)
                {
                    ulong draw = 0;
                    if (fill == Fill.Integer) draw = SplitMix64.Next(ref state);
                    else for (int j = 0; j < 12; j++) draw += SplitMix64.Next(ref state) >> 40;
                    Assert.That(draws[k], Is.EqualTo(draw), $"element {target + k}, vectors {vectors}");
                }
            }
        }
    }

    [Test]
    public void AVectorOfStatesMixesLikeEachStateAlone()
    {
        ulong[] states = [.. Enumerable.Range(0, Vector<ulong>.Count).Select(i => 0x9E3779B97F4A7C15UL * (ulong)(i + 1) + (ulong)i * 0xFFFF_FFFF_0000_0001UL)];
        ulong[] mixed = new ulong[states.Length];
        SplitMix64.Mix(new Vector<ulong>(states)).CopyTo(mixed);
        Assert.That(mixed, Is.EqualTo(states.Select(SplitMix64.Mix).ToArray()));
    }

    [Test]
    public void AResNetLayersTensorsThroughThePublicEntryEqualTheSequentialLoop()
    {
        // res4's 3x3 layer: 590,000 weights, 36 chunks shared by the threads; its integer fill keeps ranges ±4 and ±2.
        var p = BenchdnnDescriptor.Parse("mb1ic256ih14oc256oh14kh3ph1", DType.Float32);
        foreach (var fill in new[] { Fill.Normal, Fill.Integer })
        {
            var fast = Inputs.Generate<float>(p, fill, 42);
            AssertSame(Inputs.Values<float>(p.XSize, 42, 1, fill, 4, DType.Float32), fast.X, $"{fill} x");
            AssertSame(Inputs.Values<float>(p.WSize, 42, 2, fill, 4, DType.Float32), fast.W, $"{fill} w");
            AssertSame(Inputs.Values<float>(p.BSize, 42, 3, fill, 2, DType.Float32), fast.B, $"{fill} b");
            AssertSame(Inputs.Values<float>(p.YSize, 42, 4, fill, 2, DType.Float32), fast.Dy, $"{fill} dy");
        }
    }
}
