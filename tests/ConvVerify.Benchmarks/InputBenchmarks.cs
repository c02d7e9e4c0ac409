using BenchmarkDotNet.Attributes;
using ConvVerify.Cases;
using ConvVerify.Problems;

namespace ConvVerify.Benchmarks;

/// <summary>
/// Input generation, which every check of a generated case pays before any convolution: the sequential definition,
/// then the same values with vectors on one thread and on all threads. One tensor of res2's size at mb16 (3.2 M
/// elements, about what res2's x and dy are), float32.
/// </summary>
[MemoryDiagnoser]
public class InputBenchmarks
{
    private const int Count = 16 * 64 * 56 * 56;

    /// <summary>The integer fill (one SplitMix64 output an element) and the normal fill (twelve).</summary>
    [Params(Fill.Integer, Fill.Normal)]
    public Fill Fill { get; set; }

    /// <summary>The definition, one element after another.</summary>
    [Benchmark(Baseline = true)]
    public float[] Sequential() => Inputs.Values<float>(Count, 7, 1, Fill, 4, DType.Float32);

    /// <summary>Vectors, one thread.</summary>
    [Benchmark]
    public float[] VectorsOneThread() => Inputs.FastValues<float>(Count, 7, 1, Fill, 4, DType.Float32, useVectors: true, threads: 1);

    /// <summary>Vectors, every core.</summary>
    [Benchmark]
    public float[] VectorsAllThreads() => Inputs.FastValues<float>(Count, 7, 1, Fill, 4, DType.Float32, useVectors: true, Environment.ProcessorCount);
}
