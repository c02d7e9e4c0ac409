using BenchmarkDotNet.Attributes;
using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Benchmarks;

/// <summary>
/// The naive loops on a ResNet-50 layer (res4 3x3: 256→256 channels, 14x14, 115.6M multiply-adds per direction), and
/// the sound bound of a direction, which costs one more convolution: what a live ResNet-50 check spends its time on.
/// </summary>
public class NaiveConvBenchmarks
{
    private readonly ConvProblem _p = BenchdnnDescriptor.Parse("mb1ic256ih14oc256oh14kh3ph1");
    private ConvInputs<float> _in = null!;
    private float[] _y = [], _dx = [], _dw = [];

    /// <summary>Makes the inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _in = ConvCase.Create(_p, Fill.Normal).MakeInputs<float>();
        (_y, _dx, _dw) = (new float[_p.YSize], new float[_p.XSize], new float[_p.WSize]);
    }

    /// <summary>y = conv(x, w) + b.</summary>
    [Benchmark]
    public void Forward() => NaiveConv.Forward<float>(_p, _in.X, _in.W, _in.B, _y);

    /// <summary>dL/dx by the direct formula.</summary>
    [Benchmark]
    public void BackwardData() => NaiveConv.BackwardData<float>(_p, _in.Dy, _in.W, _dx);

    /// <summary>dL/dw.</summary>
    [Benchmark]
    public void BackwardWeights() => NaiveConv.BackwardWeights<float>(_p, _in.X, _in.Dy, _dw);

    /// <summary>The per-element bound of the forward result.</summary>
    [Benchmark]
    public double[] ForwardBound() => TensorComparison.Bounds(_p, Direction.Forward, _in);
}
