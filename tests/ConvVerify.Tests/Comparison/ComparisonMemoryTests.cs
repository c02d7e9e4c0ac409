using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Comparison;

/// <summary>
/// What a comparison allocates: a 3-D layer's float64 copies are gigabytes, so only the inputs a direction reads are
/// copied, once for both bounds.
/// </summary>
public class ComparisonMemoryTests
{
    [TestCase("mb2ic4id8ih16iw16oc8kd3kh3kw3", Direction.Forward)]
    [TestCase("mb2ic4id8ih16iw16oc8kd3kh3kw3", Direction.BackwardData)]
    [TestCase("mb2ic4id8ih16iw16oc8kd3kh3kw3", Direction.BackwardWeights)]
    public void TheProbabilisticRuleCopiesOnlyTheInputsTheDirectionReads(string descriptor, Direction d)
    {
        var p = BenchdnnDescriptor.Parse(descriptor);
        var inputs = Inputs.Generate<float>(p, Fill.Normal, 7);
        float[] expected = d.Compute(ConvEngines.Exact, p, inputs), actual = (float[])expected.Clone();
        actual[1] = MathF.BitIncrement(actual[1]); // not identical, so both bounds are computed
        // The bounds' engine on this thread alone: with worker threads, which thread first rents a pooled array is
        // chance, and a rent this thread's pool cannot serve is counted against it (seen once in CI: 600 KB).
        var engine = new ExactEngine(new ExactConvOptions { MaxThreads = 1 });
        // Warm the engine's pools and per-shape tables, which are not the comparison's.
        TensorComparison.Compare<float>(p, d, inputs, expected, actual, Tolerance.Probabilistic, engine: engine);

        // The least of three calls: the engine's plan cache is shared with the tests running beside this one and is
        // emptied when full, so one call may rebuild a plan; a comparison that copies too much does so every time.
        long allocated = long.MaxValue;
        Verdict v = null!;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            v = TensorComparison.Compare<float>(p, d, inputs, expected, actual, Tolerance.Probabilistic, engine: engine);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        long read = d switch
        {
            Direction.Forward => p.XSize + p.WSize + p.BSize,
            Direction.BackwardData => p.YSize + p.WSize,
            _ => p.XSize + p.YSize,
        };
        // One float64 copy of what the direction reads and the two float64 bounds (the engine's transposed copies of a
        // layer this small come from its pool); copying every input twice, as it once did, is far above.
        long bounds = 2L * sizeof(double) * d.SizeOf(p);
        long limit = sizeof(double) * read + bounds + 64 * 1024;
        long everyInputTwice = 2L * sizeof(double) * (p.XSize + p.WSize + p.BSize + p.YSize) + bounds;
        Assert.That(v.Passed, Is.True, v.ToString());
        Assert.That(everyInputTwice, Is.GreaterThan(limit), "the limit tells the two apart");
        Assert.That(allocated, Is.LessThanOrEqualTo(limit), $"allocated {allocated} bytes");
    }
}
