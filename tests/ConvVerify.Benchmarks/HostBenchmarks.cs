using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace ConvVerify.Benchmarks;

/// <summary>
/// What this host gives a second thread at all: a loop that touches no memory, only multiplies and adds in registers
/// (separately, as the exact engine must: no fused multiply-add), the same total work split into the same number of
/// tasks on one thread and on two. The engine's two-thread ratio cannot beat this one; run it in the same
/// BenchmarkDotNet run as <see cref="EngineBenchmarks"/> so both ratios see the same host.
/// </summary>
public class HostBenchmarks
{
    // About 3–4 ms on one thread, like one call of a ResNet-50 3x3 layer, in 16 tasks as the engine's calls have.
    private const int Tasks = 16;
    private const int StepsPerTask = 1 << 16;

    /// <summary>The whole work on one thread.</summary>
    [Benchmark(Baseline = true)]
    public float Registers1Thread() => Run(1);

    /// <summary>The same tasks on two threads.</summary>
    [Benchmark]
    public float Registers2Threads() => Run(2);

    private static float Run(int threads)
    {
        var sums = new float[Tasks];
        Parallel.For(0, Tasks, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => sums[t] = Chains(t));
        return sums.Sum();
    }

    // Eight independent chains of a multiply then an add, enough to keep both vector ports busy while each chain
    // waits on its own latency. a·½ + 1 converges to 2, so no value overflows or turns subnormal on the way.
    private static float Chains(int seed)
    {
        var m = Vector512.Create(0.5f);
        var c = Vector512.Create(1f);
        var a0 = Vector512.Create((float)seed);
        Vector512<float> a1 = a0 + c, a2 = a1 + c, a3 = a2 + c, a4 = a3 + c, a5 = a4 + c, a6 = a5 + c, a7 = a6 + c;
        for (int i = 0; i < StepsPerTask; i++)
        {
            a0 = a0 * m + c; a1 = a1 * m + c; a2 = a2 * m + c; a3 = a3 * m + c;
            a4 = a4 * m + c; a5 = a5 * m + c; a6 = a6 * m + c; a7 = a7 * m + c;
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
    }
}
