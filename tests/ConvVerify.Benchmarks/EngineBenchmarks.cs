using BenchmarkDotNet.Attributes;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using Python.Runtime;

namespace ConvVerify.Benchmarks;

/// <summary>Which computation a benchmark times.</summary>
public enum Pass
{
    /// <summary>y = conv(x, w) + b.</summary>
    Forward,

    /// <summary>dL/dx.</summary>
    BackwardData,

    /// <summary>dL/dw.</summary>
    BackwardWeights,
}

/// <summary>
/// The exact engine against the naive loops and PyTorch on one thread, on ResNet-50 layers (res2, res4, res5 3x3,
/// res4 1x1 reduce, the 7x7 stride-2 stem) and a depthwise 3x3, in every direction and both dtypes. Torch runs
/// <c>aten::convolution_backward</c> with one output mask entry set for dL/dx and dL/dw (what autograd calls, without
/// the graph), and <c>torch.nn.functional.conv2d</c> forward; inputs are built once in the global setup, so only the
/// computation is timed (plus taking the GIL and one pythonnet call, microseconds).
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    /// <summary>The layers by short name, with their benchdnn descriptors.</summary>
    public static readonly IReadOnlyDictionary<string, string> Layers = new Dictionary<string, string>
    {
        ["res2_3x3"] = "mb1ic64ih56oc64oh56kh3ph1",
        ["res4_3x3"] = "mb1ic256ih14oc256oh14kh3ph1",
        ["res5_3x3"] = "mb1ic512ih7oc512oh7kh3ph1",
        ["res4_1x1_reduce"] = "mb1ic1024ih14oc256oh14kh1ph0",
        ["stem_7x7_s2"] = "mb1ic3ih224oc64oh112kh7sh2ph3",
        ["depthwise_3x3"] = "g256mb1ic256ih14oc256oh14kh3ph1",
    };

    /// <summary>The layer's short name (a key of <see cref="Layers"/>).</summary>
    [ParamsSource(nameof(LayerValues))]
    public string Layer { get; set; } = "";

    /// <summary>The direction.</summary>
    [ParamsSource(nameof(PassValues))]
    public Pass Pass { get; set; }

    /// <summary>The element type.</summary>
    [ParamsSource(nameof(DTypeValues))]
    public DType DType { get; set; }

    /// <summary>Every layer, or those named in <c>CONVVERIFY_BENCH_LAYERS</c> (comma-separated).</summary>
    public static IEnumerable<string> LayerValues => Narrowed("CONVVERIFY_BENCH_LAYERS", Layers.Keys);

    /// <summary>Every direction, or those named in <c>CONVVERIFY_BENCH_PASSES</c>.</summary>
    public static IEnumerable<Pass> PassValues => Narrowed("CONVVERIFY_BENCH_PASSES", Enum.GetValues<Pass>());

    /// <summary>Both dtypes, or those named in <c>CONVVERIFY_BENCH_DTYPES</c> (Float32, Float64).</summary>
    public static IEnumerable<DType> DTypeValues => Narrowed("CONVVERIFY_BENCH_DTYPES", [DType.Float32, DType.Float64]);

    // BenchmarkDotNet's command line filters methods, not parameters; the environment narrows a run to the rows one
    // question needs (every side of its ratios still in one run) without editing the attributes. BenchmarkDotNet
    // starts each benchmark in a child process that inherits the environment, so both see the same values.
    private static IEnumerable<TValue> Narrowed<TValue>(string variable, IEnumerable<TValue> all) where TValue : notnull
    {
        string? list = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(list)) return all;
        var byName = all.ToDictionary(v => v.ToString()!, StringComparer.Ordinal);
        return list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => byName.TryGetValue(s, out var v) ? v
                : throw new ArgumentException($"{variable}: unknown value '{s}' (known: {string.Join(", ", byName.Keys)})"))
            .ToArray();
    }

    private static readonly ExactConvOptions OneThread = new() { MaxThreads = 1 };
    private ConvProblem _p = null!;
    private ConvInputs<float> _f = null!;
    private ConvInputs<double> _d = null!;
    private float[] _outF = [];
    private double[] _outD = [];
    private PyObject? _torchCall;

    /// <summary>Multiply-adds of one pass (every direction has the same count): divide by the mean for G/s.</summary>
    public long MultiplyAdds => (long)_p.YSize * (_p.IC / _p.Groups) * _p.Kernel.Aggregate(1, (a, b) => a * b);

    /// <summary>Inputs and the output buffer of the pass.</summary>
    [GlobalSetup(Targets = [nameof(Naive), nameof(Exact1Thread), nameof(ExactAllThreads)])]
    public void Setup()
    {
        _p = BenchdnnDescriptor.Parse(Layers[Layer], DType);
        int outSize = Pass switch { Pass.Forward => _p.YSize, Pass.BackwardData => _p.XSize, _ => _p.WSize };
        if (DType == DType.Float32)
        {
            _f = ConvCase.Create(_p, Fill.Normal).MakeInputs<float>();
            _outF = new float[outSize];
        }
        else
        {
            _d = ConvCase.Create(_p, Fill.Normal).MakeInputs<double>();
            _outD = new double[outSize];
        }
        Console.WriteLine($"// {Layer} ({Layers[Layer]}) {Pass} {DType}: {MultiplyAdds} multiply-adds");
    }

    /// <summary>Starts Python, sets torch to one thread and builds the tensors and the bound call.</summary>
    [GlobalSetup(Target = nameof(Torch1Thread))]
    public void TorchSetup() => TorchSetup(1);

    /// <summary>Starts Python, sets torch to two threads and builds the tensors and the bound call.</summary>
    [GlobalSetup(Target = nameof(Torch2Threads))]
    public void Torch2ThreadsSetup() => TorchSetup(2);

    private void TorchSetup(int threads)
    {
        Setup();
        var oracle = TorchOracle.Get();
        using (Py.GIL())
        {
            using var torch = Py.Import("torch");
            torch.InvokeMethod("set_num_threads", new PyInt(threads)).Dispose();
            using var x = DType == DType.Float32 ? oracle.TensorIn<float>(_f.X, _p.XShape) : oracle.TensorIn<double>(_d.X, _p.XShape);
            using var w = DType == DType.Float32 ? oracle.TensorIn<float>(_f.W, _p.WShape) : oracle.TensorIn<double>(_d.W, _p.WShape);
            using var b = DType == DType.Float32 ? oracle.TensorIn<float>(_f.B, _p.BShape) : oracle.TensorIn<double>(_d.B, _p.BShape);
            using var dy = DType == DType.Float32 ? oracle.TensorIn<float>(_f.Dy, _p.YShape) : oracle.TensorIn<double>(_d.Dy, _p.YShape);
            // All layers here have equal begin and end padding, so torch's symmetric padding is the problem's.
            using var scope = Py.CreateScope();
            scope.Set("x", x);
            scope.Set("w", w);
            scope.Set("b", b);
            scope.Set("dy", dy);
            scope.Exec($$"""
                import torch, functools
                s, pad, dil, g = {{List(_p.Stride)}}, {{List(_p.PadBegin)}}, {{List(_p.Dilation)}}, {{_p.Groups}}
                if "{{Pass}}" == "Forward":
                    call = functools.partial(torch.nn.functional.conv2d, x, w, b, s, pad, dil, g)
                else:
                    mask = [True, False, False] if "{{Pass}}" == "BackwardData" else [False, True, False]
                    call = functools.partial(torch.ops.aten.convolution_backward, dy, x, w, None, s, pad, dil, False, [0, 0], g, mask)
                """);
            _torchCall = scope.Get("call");
            Console.WriteLine($"// torch {torch.GetAttr("__version__")}, threads {torch.InvokeMethod("get_num_threads")}");
        }
    }

    private static string List(IEnumerable<int> v) => "[" + string.Join(", ", v) + "]";

    /// <summary>Finalizes Python once the process is done with it.</summary>
    [GlobalCleanup(Targets = [nameof(Torch1Thread), nameof(Torch2Threads)])]
    public void TorchCleanup()
    {
        using (Py.GIL()) _torchCall?.Dispose();
        TorchOracle.Shutdown();
    }

    /// <summary>The definition's loops.</summary>
    [Benchmark(Baseline = true)]
    public void Naive()
    {
        if (DType == DType.Float32)
        {
            var c = _f;
            switch (Pass)
            {
                case Pass.Forward: NaiveConv.Forward<float>(_p, c.X, c.W, c.B, _outF); break;
                case Pass.BackwardData: NaiveConv.BackwardData<float>(_p, c.Dy, c.W, _outF); break;
                default: NaiveConv.BackwardWeights<float>(_p, c.X, c.Dy, _outF); break;
            }
        }
        else
        {
            var c = _d;
            switch (Pass)
            {
                case Pass.Forward: NaiveConv.Forward<double>(_p, c.X, c.W, c.B, _outD); break;
                case Pass.BackwardData: NaiveConv.BackwardData<double>(_p, c.Dy, c.W, _outD); break;
                default: NaiveConv.BackwardWeights<double>(_p, c.X, c.Dy, _outD); break;
            }
        }
    }

    /// <summary>The exact engine on one thread.</summary>
    [Benchmark]
    public void Exact1Thread() => Exact(OneThread);

    /// <summary>The exact engine on every core.</summary>
    [Benchmark]
    public void ExactAllThreads() => Exact(ExactConvOptions.Default);

    /// <summary>PyTorch (its CPU kernels, oneDNN where it applies) on one thread.</summary>
    [Benchmark]
    public void Torch1Thread()
    {
        using (Py.GIL()) _torchCall!.Invoke().Dispose();
    }

    /// <summary>
    /// PyTorch on two threads: not a target of the engine, but what a library tuned for years gets from this host's
    /// second vCPU, beside the engine's two-thread figure in the same run.
    /// </summary>
    [Benchmark]
    public void Torch2Threads()
    {
        using (Py.GIL()) _torchCall!.Invoke().Dispose();
    }

    private void Exact(ExactConvOptions o)
    {
        if (DType == DType.Float32)
        {
            var c = _f;
            switch (Pass)
            {
                case Pass.Forward: ExactConv.Forward<float>(_p, c.X, c.W, c.B, _outF, o); break;
                case Pass.BackwardData: ExactConv.BackwardData<float>(_p, c.Dy, c.W, _outF, o); break;
                default: ExactConv.BackwardWeights<float>(_p, c.X, c.Dy, _outF, o); break;
            }
        }
        else
        {
            var c = _d;
            switch (Pass)
            {
                case Pass.Forward: ExactConv.Forward<double>(_p, c.X, c.W, c.B, _outD, o); break;
                case Pass.BackwardData: ExactConv.BackwardData<double>(_p, c.Dy, c.W, _outD, o); break;
                default: ExactConv.BackwardWeights<double>(_p, c.X, c.Dy, _outD, o); break;
            }
        }
    }
}
