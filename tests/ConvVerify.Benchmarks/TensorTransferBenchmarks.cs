using BenchmarkDotNet.Attributes;
using ConvVerify.Oracles;
using Python.Runtime;

namespace ConvVerify.Benchmarks;

/// <summary>
/// Moving a 6.4 MB float32 tensor (1.6M elements) between .NET and torch through <c>torch.empty</c> and
/// <c>data_ptr()</c>, as <see cref="TorchOracle"/> moves every input and result. Each operation includes taking the GIL.
/// </summary>
[MemoryDiagnoser]
public class TensorTransferBenchmarks
{
    /// <summary>1.6M float32 elements, 6.4 MB.</summary>
    public const int Elements = 1_600_000;

    private readonly float[] _data = new float[Elements];
    private readonly float[] _back = new float[Elements];
    private TorchOracle _oracle = null!;
    private PyObject _tensor = null!;

    /// <summary>Starts Python and makes the tensor <see cref="OutOfTorch"/> reads.</summary>
    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < Elements; i++) _data[i] = i * 0.25f - 1000f;
        _oracle = TorchOracle.Get();
        using (Py.GIL()) _tensor = _oracle.TensorIn<float>(_data, [Elements]);
    }

    /// <summary>Finalizes Python once this benchmark process is done with it.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        using (Py.GIL()) _tensor.Dispose();
        TorchOracle.Shutdown();
    }

    /// <summary>For scale: the same bytes copied between two managed arrays.</summary>
    [Benchmark(Baseline = true)]
    public void ManagedCopy() => _data.AsSpan().CopyTo(_back);

    /// <summary>torch.empty, then one copy into its data_ptr().</summary>
    [Benchmark]
    public void IntoTorch()
    {
        using (Py.GIL())
        using (_oracle.TensorIn<float>(_data, [Elements]))
        {
        }
    }

    /// <summary>Shape, dtype, device and contiguity checks, then one copy out of data_ptr().</summary>
    [Benchmark]
    public void OutOfTorch()
    {
        using (Py.GIL()) TorchOracle.TensorOut<float>(_tensor, "tensor", [Elements], _back);
    }

    /// <summary>In and back out, as <see cref="TorchOracle"/> does per tensor.</summary>
    [Benchmark]
    public void RoundTrip() => _oracle.RoundTrip<float>(_data, _back);
}
