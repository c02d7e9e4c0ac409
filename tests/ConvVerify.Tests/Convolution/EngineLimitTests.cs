using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Convolution;

/// <summary>
/// Problems at the edges of the engine's index arithmetic and tables, where a generator of ordinary shapes never goes:
/// paddings of hundreds of millions, kernel rows of millions of taps, transposed copies near the array limit, kernels
/// as large as their input. Each found by an adversarial probe: an access violation, a stack overflow, a wrapped
/// buffer length, a gigabyte plan for a problem of kilobytes.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class EngineLimitTests
{
    /// <summary>
    /// Depthwise dL/dw with lanes over groups keeps x transposed with 4 lanes per element, so output position 0 of each
    /// tap lies 4·(600,000,000 − 2k) elements before x: past int.MaxValue. With that offset in int the kernel read
    /// 2³² elements away (AccessViolationException, the test host gone).
    /// </summary>
    [TestCase(DType.Float32)]
    [TestCase(DType.Float64)]
    public void AWeightGradientWhosePaddingTimesTheLanesPassesIntIsTheDefinitions(DType dtype)
    {
        var p = BenchdnnDescriptor.Parse("g4mb1ic4iw8oc4kw3sw300000000pw600000000dw2", dtype, hasBias: false);
        Assert.That(p.Output[0], Is.EqualTo(5), "the problem as reasoned: five positions, only the middle one reads x");
        if (dtype == DType.Float32) WeightGradients<float>(p);
        else WeightGradients<double>(p);
    }

    /// <summary>
    /// A kernel row of three million taps: the per-task tables of the taps were on the stack (a stack overflow kills the
    /// process), and sorting the taps into sets of eight took time by the square of the row (19 s for 300,000 taps).
    /// </summary>
    [TestCase("mb1ic1iw1oc1kw3000000pw1500000")]
    [TestCase("mb1ic1iw2000oc1kw1500")] // 188 sets of eight taps, the last one half full: more sets than the stack takes
    [TestCase("mb1ic8iw1100oc8kw1030")] // eight channels, one sum per tap: no sets, a row wider than the stack takes
    public void WideKernelRowsAreTheDefinitions(string descriptor)
    {
        var p = BenchdnnDescriptor.Parse(descriptor, DType.Float32, hasBias: false);
        WeightGradients<float>(p);
    }

    /// <summary>
    /// Nine groups of one channel, 134,217,737 output positions: with lanes over groups (two blocks of eight) the
    /// destination's transposed copy is 2·8·134,217,737 = 2,147,483,792 elements, past the array limit. Its size was
    /// left out of the layout choice and the length wrapped to a negative one (ArgumentOutOfRangeException from the
    /// pool; with a smaller wrap, writes past a short array).
    /// </summary>
    [Test]
    public void ADestinationCopyPastTheArrayLimitTurnsTheLayoutToChannels()
    {
        var p = BenchdnnDescriptor.Parse("g9mb1ic9iw1oc9kw1pw67108868", DType.Float32, hasBias: false);
        Assert.That(p.Output[0], Is.EqualTo(134_217_737));
        Assert.Multiple(() =>
        {
            Assert.That(ExactConv.ChannelCopySize(p, forward: true, 8, overGroups: true), Is.EqualTo(2L * 8 * 134_217_737));
            Assert.That(ExactConv.ChannelCopySize(p, forward: false, 8, overGroups: true), Is.EqualTo(2L * 8 * 134_217_737), "dL/dx's source copy is dy");
            Assert.That(ExactConv.ChannelCopySize(p, forward: true, 8, overGroups: false), Is.EqualTo(9L * 8), "channel lanes copy the weights only");
            var choice = ExactConv.Choose([8, 4, 1], LaneLayout.Groups, 9, 1, (v, over) => ExactConv.ChannelCopySize(p, true, v, over));
            Assert.That(choice, Is.EqualTo((1, false)), "even when lanes over groups are asked for, they do not fit");
        });
    }

    /// <summary>
    /// A 2-D kernel as large as its 65x65 input, fully padded: every output position takes a different range of taps in
    /// each dim, 1 + 2 + … + 65 + 64 + … + 1 = 65² taps over a dim's distinct ranges, and 65⁴ terms in the plan (two
    /// int tables: 140 MB). Past the plan limit the definition runs instead.
    /// </summary>
    [Test]
    public void AKernelAsLargeAsItsInputRunsTheDefinitionWithoutAHugePlan()
    {
        var p = BenchdnnDescriptor.Parse("mb1ic1ih65oc1kh65ph64", DType.Float32, hasBias: false);
        var (gd, gh, gw) = p.To3D();
        // The limit as documented (16 Mi terms: two 64 MB tables), not read from the code it checks; counting stops past it.
        const long Limit = 1L << 24;
        Assert.That(ExactConv.MaxPlanTerms, Is.EqualTo(Limit));
        Assert.That(65L * 65 * 65 * 65, Is.GreaterThan(Limit));
        Assert.That(ExactConv.PlanTerms(gd, gh, gw, forward: true), Is.EqualTo(Limit + 1));
        var c = Inputs.Generate<float>(p, Fill.Normal, 3);
        var expected = new float[p.YSize];
        NaiveConv.Forward<float>(p, c.X, c.W, c.B, expected);
        var y = new float[p.YSize];
        long before = GC.GetAllocatedBytesForCurrentThread();
        ExactConv.Forward<float>(p, c.X, c.W, c.B, y);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        SameBits(expected, y, p, "y");
        Assert.That(allocated, Is.LessThan(1 << 20), "no plan was built");
    }

    /// <summary>The terms a plan lists, counted without building it, against the plans built for small problems.</summary>
    [Test]
    public void PlanTermsCountTheTermsOfTheBuiltPlan()
    {
        var rng = new Random(11);
        for (int i = 0; i < 300; i++)
        {
            int rank = rng.Next(1, 4);
            int[] input = [.. Enumerable.Range(0, rank).Select(_ => rng.Next(1, 9))];
            int[] kernel = [.. input.Select(n => rng.Next(1, n + 3))];
            int[] dil = [.. kernel.Select(_ => rng.Next(1, 3))];
            int[] pb = [.. kernel.Select((k, j) => rng.Next(0, dil[j] * (k - 1) + 1))];
            int[] pe = [.. kernel.Select((k, j) => rng.Next(0, dil[j] * (k - 1) + 1))];
            int[] stride = [.. kernel.Select(_ => rng.Next(1, 4))];
            ConvProblem p;
            try
            {
                p = new ConvProblem(1, 1, 1, 1, input, kernel, stride, pb, pe, dil);
            }
            catch (ArgumentException)
            {
                continue; // an empty output
            }
            var (gd, gh, gw) = p.To3D();
            foreach (bool forward in new[] { true, false })
            {
                var lists = forward
                    ? (TapList.ForOutputs(gd), TapList.ForOutputs(gh), TapList.ForOutputs(gw))
                    : (TapList.ForInputs(gd), TapList.ForInputs(gh), TapList.ForInputs(gw));
                var extents = forward ? (gd.Out, gh.Out, gw.Out) : (gd.In, gh.In, gw.In);
                var plan = PositionBlocks.Of(lists.Item1, lists.Item2, lists.Item3, (gd.K, gh.K, gw.K), extents, (extents.Item2 * extents.Item3, extents.Item3, 1));
                Assert.That(ExactConv.PlanTerms(gd, gh, gw, forward), Is.EqualTo(plan.TermSource.Length), $"{p}, {(forward ? "forward" : "dL/dx")}");
            }
        }
    }

    private static void WeightGradients<T>(ConvProblem p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var c = Inputs.Generate<T>(p, Fill.Normal, 5);
        var expected = new T[p.WSize];
        NaiveConv.BackwardWeights<T>(p, c.X, c.Dy, expected);
        foreach (var o in new ExactConvOptions[] { new() { MinWorkPerThread = 0 }, new() { Layout = LaneLayout.Groups, MinWorkPerThread = 0 }, new() { Layout = LaneLayout.Channels, MinWorkPerThread = 0 }, ExactConvOptions.ScalarSingleThread })
        {
            var dw = new T[p.WSize];
            ExactConv.BackwardWeights<T>(p, c.X, c.Dy, dw, o);
            SameBits(expected, dw, p, $"dw, lanes {o.Layout}, {(o.UseVectors ? "vectors" : "scalar")}");
        }
    }

    private static void SameBits<T>(T[] expected, T[] actual, ConvProblem p, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = T.IsNaN(expected[i]) ? T.IsNaN(actual[i]) : BitsOf(expected[i]) == BitsOf(actual[i]);
            if (!same) Assert.Fail($"{p} {what}: element {i} of {expected.Length}: naive {expected[i]:R}, exact {actual[i]:R}");
        }
    }

    private static long BitsOf<T>(T v) where T : unmanaged =>
        v is float f ? BitConverter.SingleToInt32Bits(f) : BitConverter.DoubleToInt64Bits((double)(object)v);
}
