using System.Runtime.InteropServices;
using ConvVerify.Cases;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using Python.Runtime;

using ConvVerify.Tests.Runs;

namespace ConvVerify.Tests.Oracles;

/// <summary>
/// Live PyTorch against the naive reference. With the integer fill every result is an exact integer, so any
/// summation order gives the same bits: torch and the naive loops must agree bit for bit in all four directions.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class TorchOracleTests
{
    /// <summary>Descriptor and why it is here.</summary>
    public static readonly (string Descriptor, string What)[] Shapes =
    [
        ("mb1ic3ih5oc16kh3", "the question: (5,5,3) input, 16 filters of (3,3,3)"),
        ("mb1ic2iw8oc3ow4kw1sw2pw0", "negative end padding: the last input element is cropped"),
        ("mb2ic4iw9oc6kw3pw1", "1-D, padded"),
        ("mb2ic3id4ih5iw6oc4kd2kh3kw3sd2pd1ph1pw1", "3-D, strided, padded"),
        ("g2mb2ic4ih7oc6kh3ph1", "grouped"),
        ("mb1ic3ih9oc4kh3dh1ph2", "dilated (PyTorch dilation 2)"),
        ("g4mb1ic4ih6oc4kh3sh2ph1", "depthwise, strided"),
    ];

    private static IEnumerable<TestCaseData> Cases() =>
        from s in Shapes
        from dtype in new[] { DType.Float32, DType.Float64 }
        select new TestCaseData(s.Descriptor, dtype).SetName($"{s.Descriptor}_{dtype}").SetDescription(s.What);

    [Test]
    public void AFailedStartSaysWhatTheLoaderSaidNotThatATypeInitializerThrew()
    {
        // As pythonnet 3.2 fails on a file that loads but is no libpython (PYTHONNET_PYDLL=libz.so.1, say): its symbols
        // are looked up in a type initializer. No Python is started here: the embedded one cannot be restarted.
        var missing = new MissingMethodException("Failed to load symbol Py_IncRef: /x/libz.so.1: undefined symbol: Py_IncRef");
        Assert.That(TorchOracle.StartFailure(new TypeInitializationException("Python.Runtime.Runtime+Delegates", missing)),
            Is.EqualTo("MissingMethodException: Failed to load symbol Py_IncRef: /x/libz.so.1: undefined symbol: Py_IncRef"));

        // A loader that keeps dlerror's words in an inner exception of its own, under two initializers.
        var dlopen = new DllNotFoundException("Could not load /etc/passwd", new InvalidOperationException("/etc/passwd: invalid ELF header"));
        var twice = new TypeInitializationException("Python.Runtime.Runtime", new TypeInitializationException("Python.Runtime.Runtime+Delegates", dlopen));
        Assert.That(TorchOracle.StartFailure(twice), Is.EqualTo("DllNotFoundException: Could not load /etc/passwd (/etc/passwd: invalid ELF header)"));

        Assert.That(TorchOracle.StartFailure(new InvalidOperationException("plain")), Is.EqualTo("InvalidOperationException: plain"));
        // An initializer with nothing underneath is all there is to say.
        Assert.That(TorchOracle.StartFailure(new TypeInitializationException("T", null)), Does.StartWith("TypeInitializationException: "));
    }

    [TestCaseSource(nameof(Cases))]
    public void IntegerFillEqualsNaiveReferenceBitwise(string descriptor, DType dtype)
    {
        var problem = BenchdnnDescriptor.Parse(descriptor, dtype);
        if (dtype == DType.Float32) Check<float>(problem);
        else Check<double>(problem);
    }

    [Test]
    public void CroppingCaseReallyHasNegativeEndPadding()
    {
        var problem = BenchdnnDescriptor.Parse("mb1ic2iw8oc3ow4kw1sw2pw0");
        Assert.That(problem.PadEnd[0], Is.Negative, "the cropping case must exercise F.pad with a negative amount");
    }

    [TestCase(DType.Float32)]
    [TestCase(DType.Float64)]
    public void NoBiasGivesEmptyDbAndTheSameOtherResults(DType dtype)
    {
        var problem = BenchdnnDescriptor.Parse("mb2ic3ih5oc4kh3ph1", dtype, hasBias: false);
        var results = dtype == DType.Float32 ? Check<float>(problem).Db.Length : Check<double>(problem).Db.Length;
        Assert.That(results, Is.Zero);
    }

    [Test]
    public void PythonErrorCarriesItsTextAndTheProblem()
    {
        var oracle = LiveTorch.Require();
        var problem = BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3");
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<float>();
        var e = Assert.Throws<TorchOracleException>(() => oracle.Compute(problem, inputs, TorchLayout.Contiguous, d => d["rank"] = 4))!;
        Assert.That(e.Message, Does.Contain("ValueError: rank: expected 1, 2 or 3, got 4"));
        Assert.That(e.Message, Does.Contain(BenchdnnDescriptor.Format(problem)));
        Assert.That(e.InnerException, Is.InstanceOf<PythonException>());
    }

    [Test]
    public void LayoutReachesPythonAndAnUnknownOneIsRefused()
    {
        var oracle = LiveTorch.Require();
        var problem = BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3");
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<float>();
        var e = Assert.Throws<TorchOracleException>(() => oracle.Compute(problem, inputs, TorchLayout.Contiguous, d => d["memory_format"] = "sideways"))!;
        Assert.That(e.Message, Does.Contain("memory_format: expected 'contiguous' or 'channels_last', got 'sideways'"));
        var cl = oracle.Compute(problem, inputs, TorchLayout.ChannelsLast);
        var naive = ConvVerify.Tests.Runs.Check.Naive(problem, inputs);
        foreach (var d in Directions.All) Bitwise.AssertEqual(naive.Get(d), cl.Get(d), $"{d}, integer fill, channels-last");
    }

    [Test]
    public void TheLayoutProbeFindsConv3dComputedInNcdhwAndConv2dInChannelsLast()
    {
        // Torch's behaviour as its probe finds it (torch 1.13 on CPU): no channels-last conv3d, so a channels-last
        // check of a rank-3 problem checks its NCDHW kernels; conv2d (and conv1d) have channels-last ones. Fails when a
        // torch brings a channels-last conv3d, as it should: the assumption is written down here.
        var torch = LiveTorch.Require();
        var cl = (ILayoutOracle)torch.In(TorchLayout.ChannelsLast);
        var rank3 = BenchdnnDescriptor.Parse("mb2ic3id4ih5iw6oc4kd2kh3kw3sd2pd1ph1pw1");
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.BFloat16 })
            Assert.That(cl.LayoutFallback(rank3.WithDType(dtype)), Is.EqualTo($"torch {torch.TorchVersion} computes conv3d in NCDHW whatever the input's layout "
                + "(from channels-last x and w, y came back contiguous)"), dtype.ToString());
        Assert.That(cl.LayoutFallback(BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3")), Is.Null, "conv2d computes in channels-last");
        Assert.That(cl.LayoutFallback(BenchdnnDescriptor.Parse("mb2ic4iw9oc6kw3pw1")), Is.Null, "conv1d computes in channels-last");
        // Which kernel torch picks depends on the kind of problem too: a probe per rank saw none of these. Its conv1d has no
        // channels-last kernel for a depthwise problem, a 1-wide kernel or one input channel, its conv2d none for one input
        // channel; a grouped (not depthwise) conv1d, a depthwise or 1x1 conv2d have one. A rank-3 case of any kind gives
        // the rank's reason, so conv3d makes one warning.
        string Computes(string what) => $"torch {torch.TorchVersion} computes {what} whatever the input's layout (from channels-last x and w, y came back contiguous)";
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.BFloat16 })
        {
            Assert.That(cl.LayoutFallback(BenchdnnDescriptor.Parse("g4mb2ic4iw9oc4kw3pw1").WithDType(dtype)), Is.EqualTo(Computes("depthwise conv1d in NCW")), $"{dtype}, depthwise conv1d");
            Assert.That(cl.LayoutFallback(BenchdnnDescriptor.Parse("g4mb2ic4iw9oc8kw3pw1").WithDType(dtype)), Is.EqualTo(Computes("depthwise conv1d in NCW")), $"{dtype}, depthwise conv1d, multiplier 2");
            Assert.That(cl.LayoutFallback(BenchdnnDescriptor.Parse("mb2ic4iw9oc6kw1").WithDType(dtype)), Is.EqualTo(Computes("conv1d with a 1-wide kernel in NCW")), $"{dtype}, 1-wide conv1d");
            Assert.That(cl.LayoutFallback(BenchdnnDescriptor.Parse("g4mb2ic4iw9oc4kw1").WithDType(dtype)), Is.EqualTo(Computes("depthwise conv1d with a 1-wide kernel in NCW")), $"{dtype}, depthwise 1-wide conv1d");
            Assert.That(cl.LayoutFallback(BenchdnnDescriptor.Parse("mb2ic1iw9oc6kw3").WithDType(dtype)), Is.EqualTo(Computes("conv1d with one input channel in NCW")), $"{dtype}, conv1d, ic 1");
            Assert.That(cl.LayoutFallback(BenchdnnDescriptor.Parse("mb2ic1ih5oc6kh3").WithDType(dtype)), Is.EqualTo(Computes("conv2d with one input channel in NCHW")), $"{dtype}, conv2d, ic 1");
            Assert.That(cl.LayoutFallback(BenchdnnDescriptor.Parse("g2mb2ic4iw9oc6kw3").WithDType(dtype)), Is.Null, $"{dtype}, grouped conv1d");
            Assert.That(cl.LayoutFallback(BenchdnnDescriptor.Parse("g4mb1ic4ih5oc4kh3").WithDType(dtype)), Is.Null, $"{dtype}, depthwise conv2d");
            Assert.That(cl.LayoutFallback(BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh1").WithDType(dtype)), Is.Null, $"{dtype}, 1x1 conv2d");
            Assert.That(cl.LayoutFallback(BenchdnnDescriptor.Parse("g4mb1ic4ih5oc4kh1").WithDType(dtype)), Is.Null, $"{dtype}, depthwise 1x1 conv2d");
            Assert.That(cl.LayoutFallback(BenchdnnDescriptor.Parse("g4mb1ic4id4ih5iw6oc4kd1kh1kw1").WithDType(dtype)), Is.EqualTo(Computes("conv3d in NCDHW")), $"{dtype}, depthwise 1x1x1 conv3d");
        }
        // In NCDHW there is nothing to fall back from; torch-rounded asks its inner torch (in float32 for bfloat16).
        Assert.That(torch.LayoutFallback(rank3), Is.Null);
        Assert.That(((ILayoutOracle)torch.In(TorchLayout.Contiguous)).LayoutFallback(rank3), Is.Null);
        Assert.That(new Float32RoundedOnceOracle((IConvOracle)cl).LayoutFallback(rank3.WithDType(DType.BFloat16)), Does.Contain("computes conv3d in NCDHW"));

        // What the probe says is what compute does: a rank-3 case in channels-last gives the NCDHW results bit for bit,
        // on data whose sums round (a kernel of another summation order would differ in the last bits).
        var inputs = ConvCase.Create(rank3, Fill.Normal).MakeInputs<float>();
        var nchw = torch.Compute(rank3, inputs);
        var inCl = torch.Compute(rank3, inputs, TorchLayout.ChannelsLast);
        foreach (var d in Directions.For(rank3)) Bitwise.AssertEqual(nchw.Get(d), inCl.Get(d), $"{d}, rank 3, channels-last asked");
        foreach (string descriptor in new[] { "g8mb2ic8iw33oc8kw5pw2", "mb2ic16iw33oc8kw1" })
        {
            var p = BenchdnnDescriptor.Parse(descriptor);
            var data = ConvCase.Create(p, Fill.Normal).MakeInputs<float>();
            Bitwise.AssertEqual(torch.Compute(p, data).Get(Direction.Forward), torch.Compute(p, data, TorchLayout.ChannelsLast).Get(Direction.Forward), $"{descriptor}, channels-last asked");
        }
    }

    [Test]
    public void PythonShapeCheckErrorIsReported()
    {
        var oracle = LiveTorch.Require();
        var problem = BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3", DType.Float64);
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<double>();
        // A stride the output was not made for: the tensors are the problem's, torch's y is not.
        var e = Assert.Throws<TorchOracleException>(() => oracle.Compute(problem, inputs, TorchLayout.Contiguous, d => d["stride"] = new[] { 2, 1 }))!;
        Assert.That(e.Message, Does.Contain("torch produced y of shape (1, 16, 2, 3), the problem says (1, 16, 3, 3)"));
    }

    [TestCase("ic", new[] { 4 }, "x: given a tensor of shape (1, 3, 5, 5), the problem says (1, 4, 5, 5)")]
    [TestCase("input", new[] { 6, 5 }, "x: given a tensor of shape (1, 3, 5, 5), the problem says (1, 3, 6, 5)")]
    [TestCase("kernel", new[] { 3, 2 }, "w: given a tensor of shape (16, 3, 3, 3), the problem says (16, 3, 3, 2)")]
    [TestCase("output", new[] { 4, 3 }, "dy: given a tensor of shape (1, 16, 3, 3), the problem says (1, 16, 4, 3)")]
    public void PythonChecksEveryTensorItIsGivenAgainstTheProblem(string key, int[] value, string message)
    {
        // Torch would broadcast or reinterpret some of these without a word; a scalar goes as a scalar.
        var oracle = LiveTorch.Require();
        var problem = BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3");
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<float>();
        var e = Assert.Throws<TorchOracleException>(() => oracle.Compute(problem, inputs, TorchLayout.Contiguous,
            d => d[key] = value.Length == 1 ? value[0] : value))!;
        Assert.That(e.Message, Does.Contain("ValueError: " + message));
    }

    [Test]
    public void AValuePythonCannotBeGivenIsNamedAndAnUnknownLayoutRefused()
    {
        var oracle = LiveTorch.Require();
        var problem = BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3");
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<float>();
        Assert.That(() => oracle.Compute(problem, inputs, TorchLayout.Contiguous, d => d["groups"] = 1.5), Throws.ArgumentException
            .With.Message.EqualTo("groups: cannot pass a Double to Python (Parameter 'value')"));
        Assert.That(() => oracle.Compute(problem, inputs, (TorchLayout)7), Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Message.StartsWith("unknown layout"));
        Assert.That(() => oracle.Provides(null!, Direction.Forward, out _), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("problem"));
    }

    [Test]
    public void AComputeLeavesNoTensorOfItsOwnAliveInPython()
    {
        // torch's copies of the inputs and its results are released when a call returns (of a 3-D layer they are
        // gigabytes): counted by shape, which no other test uses, so tests running beside this one do not count.
        var oracle = LiveTorch.Require();
        var problem = BenchdnnDescriptor.Parse("mb1ic7iw13oc5kw3");
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<float>();
        int Alive()
        {
            using (Py.GIL())
            {
                using var alive = LiveTorch.Evaluate("""
                    import gc, torch
                    shapes = {(1, 7, 13), (5, 7, 3), (1, 5, 11), (5,)}
                    alive = sum(1 for o in gc.get_objects() if isinstance(o, torch.Tensor) and tuple(o.shape) in shapes)
                    """, "alive");
                return alive.As<int>();
            }
        }
        int before = Alive();
        var r = oracle.Compute(problem, inputs);
        Assert.That(r.Y, Has.Length.EqualTo(problem.YSize));
        Assert.That(Alive(), Is.EqualTo(before), "tensors of the problem's shapes alive in Python after compute");
        Assert.That(() => oracle.Compute(problem, inputs, TorchLayout.Contiguous, d => d["rank"] = 4), Throws.InstanceOf<TorchOracleException>());
        Assert.That(Alive(), Is.EqualTo(before), "after a compute that Python refused");
    }

    [Test]
    public void ADTypeMismatchIsRejectedBeforePython()
    {
        // Wrong sizes: TorchResultsTests.AnInputOfTheWrongSizeIsNamed.
        var oracle = LiveTorch.Require();
        var problem = BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3", DType.Float64);
        var floats = ConvCase.Create(problem.WithDType(DType.Float32), Fill.Integer).MakeInputs<float>();
        Assert.That(() => oracle.Compute(problem, floats), Throws.ArgumentException.With.Message.Contains("does not match the problem's dtype float64"));
    }

    [Test]
    public void VersionsAreReported()
    {
        var oracle = LiveTorch.Require();
        Assert.That(oracle.TorchVersion, Does.Match(@"^\d+\.\d+"));
        Assert.That(oracle.NumpyVersion, Does.Match(@"^\d+\.\d+"));
        Assert.That(TorchOracle.Probe().TorchVersion, Is.EqualTo(oracle.TorchVersion));
        Assert.That(oracle.Versions, Is.EqualTo(new Dictionary<string, string> { ["torch"] = oracle.TorchVersion, ["numpy"] = oracle.NumpyVersion, ["blas"] = oracle.Blas, ["cpu"] = oracle.CpuKernels }));
    }

    /// <summary>
    /// torch's float64 and 1x1 convolutions are GEMM calls into whichever BLAS the system resolves (measured: Debian's
    /// reference libblas and OpenBLAS give different bits), so the library is among the versions.
    /// </summary>
    [Test]
    public void TheBlasIsTheLibraryThisProcessLoaded()
    {
        var oracle = LiveTorch.Require();
        Assert.That(oracle.Blas, Is.Not.Empty);
        if (!OperatingSystem.IsLinux()) return;
        // torch is loaded in this very process: its memory map names the files a label may name.
        var mapped = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 6 && f[5].StartsWith('/')).Select(f => f[5].Trim()).ToHashSet(StringComparer.Ordinal);
        if (oracle.Blas.StartsWith('/'))
        {
            Assert.That(mapped, Does.Contain(oracle.Blas), "a file loaded here, by its real path");
            // Seen by .NET's own loader, not by the Python code that chose it: the file is a BLAS.
            Assert.That(NativeLibrary.TryLoad(oracle.Blas, out var handle), Is.True, oracle.Blas);
            try
            {
                Assert.That(NativeLibrary.TryGetExport(handle, "dgemm_", out _), Is.True, $"{oracle.Blas} exports dgemm_");
            }
            finally
            {
                NativeLibrary.Free(handle);
            }
        }
        else if (oracle.Blas.StartsWith("OpenBLAS ", StringComparison.Ordinal))
            Assert.That(mapped, Has.Some.Contains("openblas"), oracle.Blas);
        else
            Assert.That(oracle.Blas, Does.StartWith("built in: "));
    }

    [Test]
    public void TheBlasLabelNamesOpenBlasByItsConfigurationOtherLibrariesByTheirFileAndABuiltInOneFromTorchsConfig()
    {
        LiveTorch.Require();
        string Label(string provider, string config = "  - Build settings: BLAS_INFO=generic, LAPACK_INFO=generic\n")
        {
            using (Py.GIL())
            {
                // Stand-ins for blas_provider (the file torch's dgemm_ is in) and ctypes.CDLL (OpenBLAS answers
                // openblas_get_config, the reference BLAS has no such function, anything else cannot be opened).
                using var stubs = LiveTorch.Evaluate($$"""
                    class _Lib:
                        def __init__(self, openblas):
                            if openblas:
                                def openblas_get_config():
                                    return b"OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64 "
                                self.openblas_get_config = openblas_get_config
                    def load(path):
                        if "blas" in path:
                            return _Lib("openblas" in path)
                        raise OSError(path + ": cannot open shared object file")
                    def provider():
                        {{provider}}
                    stubs = (provider, load)
                    """, "stubs");
                using var module = Py.Import("convverify_torch");
                using var c = new PyString(config);
                using var provide = stubs[0];
                using var load = stubs[1];
                using var result = module.InvokeMethod("blas_library", c, provide, load);
                return result.As<string>();
            }
        }
        const string reference = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0";
        const string mkl = "  - Intel(R) oneAPI Math Kernel Library Version 2022.2-Product Build 20220804\n  - Build settings: BLAS_INFO=mkl, ";
        Assert.Multiple(() =>
        {
            Assert.That(Label($"return '{reference}'"), Is.EqualTo(reference), "the reference BLAS, whatever numpy brought along");
            Assert.That(Label("return '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3'"),
                Is.EqualTo("OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64"));
            Assert.That(Label("return '/opt/blis/libblis.so.4'"), Is.EqualTo("/opt/blis/libblis.so.4"), "a library that cannot be opened again is named by its file");
            Assert.That(Label("return None"), Is.EqualTo("built in: none found (BLAS_INFO=generic)"));
            Assert.That(Label("return None", mkl), Is.EqualTo("built in: MKL 2022.2-Product (BLAS_INFO=mkl)"));
            Assert.That(Label("return '/site-packages/torch/lib/libtorch_cpu.so'", mkl), Is.EqualTo("built in: MKL 2022.2-Product (BLAS_INFO=mkl)"),
                "dgemm_ inside torch itself");
            Assert.That(Label("raise OSError('dladdr: no such function')"), Is.EqualTo("unknown (BLAS_INFO=generic)"), "no two machines look the same");
            Assert.That(Label("raise AttributeError('dladdr')", "no build settings"), Is.EqualTo("unknown (BLAS_INFO=unknown)"));
        });
    }

    [Test]
    public void TheCpuKernelsAreTorchsCapabilityAndTheInstructionSetOneDnnPicks()
    {
        var oracle = LiveTorch.Require();
        // What .NET sees of this CPU says which of oneDNN's instruction sets applies (its cpu_isa_traits).
        bool avx512 = System.Runtime.Intrinsics.X86.Avx512F.IsSupported && System.Runtime.Intrinsics.X86.Avx512BW.IsSupported
            && System.Runtime.Intrinsics.X86.Avx512DQ.IsSupported && System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported;
        if (System.Runtime.Intrinsics.X86.X86Base.IsSupported)
        {
            string expected = avx512 ? "oneDNN avx512_core" : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "oneDNN avx2" : "oneDNN sse41";
            Assert.That(oracle.CpuKernels, Does.Match(@"^ATen \S+, ").And.Contain(expected));
        }
        string dir = Path.Combine(Path.GetTempPath(), "convverify-cpuinfo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            const string avx512Flags = "avx2 fma sse4_1 avx512f avx512bw avx512vl avx512dq";
            string Kernels(string? flags, string config = "CPU capability usage: AVX512\n", string? cap = null)
            {
                string path = Path.Combine(dir, "cpuinfo");
                if (flags is null) File.Delete(path);
                else File.WriteAllText(path, $"processor\t: 0\nflags\t\t: fpu {flags}\nbugs\t\t: none\n\nprocessor\t: 1\nflags\t\t: fpu\n");
                using (Py.GIL())
                {
                    using var module = Py.Import("convverify_torch");
                    using var environ = new PyDict();
                    if (cap is not null) using (var v = new PyString(cap)) environ["ONEDNN_MAX_CPU_ISA"] = v;
                    using var p = new PyString(path);
                    using var c = new PyString(config);
                    using var result = module.InvokeMethod("cpu_kernels", p, c, environ);
                    return result.As<string>();
                }
            }
            Assert.Multiple(() =>
            {
                Assert.That(Kernels("sse4_1 avx2 fma", "CPU capability usage: AVX2\n"), Is.EqualTo("ATen AVX2, oneDNN avx2"));
                Assert.That(Kernels("sse4_1 avx2"), Is.EqualTo("ATen AVX512, oneDNN sse41"), "AVX2 without FMA is no avx2 for oneDNN");
                Assert.That(Kernels(avx512Flags), Is.EqualTo("ATen AVX512, oneDNN avx512_core"));
                Assert.That(Kernels(avx512Flags + " avx512_vnni"), Is.EqualTo("ATen AVX512, oneDNN avx512_core_vnni"));
                Assert.That(Kernels(avx512Flags + " avx512_vnni avx512_bf16"), Is.EqualTo("ATen AVX512, oneDNN avx512_core_bf16"));
                Assert.That(Kernels(avx512Flags + " avx512_vnni avx512_bf16 amx_tile amx_bf16 amx_int8"), Is.EqualTo("ATen AVX512, oneDNN avx512_core_amx"));
                Assert.That(Kernels("mmx"), Is.EqualTo("ATen AVX512, oneDNN default"));
                Assert.That(Kernels(null), Is.EqualTo("ATen AVX512, oneDNN unknown"), "no cpuinfo: no two machines look the same");
                Assert.That(Kernels("avx2 fma", "no such line"), Is.EqualTo("ATen unknown, oneDNN avx2"));
                Assert.That(Kernels("avx2 fma", cap: "SSE41"), Is.EqualTo("ATen AVX512, oneDNN avx2 (capped at SSE41)"));
            });
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void ReturnedTensorsOfTheWrongShapeDtypeOrLayoutAreRefused()
    {
        var oracle = LiveTorch.Require();
        using (Py.GIL())
        {
            using var t = oracle.TensorIn<float>(new float[6], [2, 3]);
            var dest = new float[6];
            Assert.That(() => TorchOracle.TensorOut<float>(t, "dw", [3, 2], dest),
                Throws.TypeOf<TorchOracleException>().With.Message.EqualTo("dw: expected shape (3, 2), torch returned (2, 3)"));
            Assert.That(() => TorchOracle.TensorOut<double>(t, "y", [2, 3], new double[6]),
                Throws.TypeOf<TorchOracleException>().With.Message.EqualTo("y: expected dtype torch.float64, torch returned torch.float32"));
            using var transposed = t.InvokeMethod("t");
            Assert.That(() => TorchOracle.TensorOut<float>(transposed, "dx", [3, 2], dest),
                Throws.TypeOf<TorchOracleException>().With.Message.Contains("non-contiguous"));
            Assert.That(() => TorchOracle.TensorOut<float>(PyObject.None, "db", [3], dest.AsSpan(0, 3)),
                Throws.TypeOf<TorchOracleException>().With.Message.Contains("got None"));
        }
    }

    [Test]
    public void TheNarrowDTypeProbeRunsOnOneThreadAsComputeDoes()
    {
        // Its answer is about the kernels compute runs, and compute runs on one thread (dw's and db's bits differ on two).
        LiveTorch.Require();
        using (Py.GIL())
        {
            using var threads = LiveTorch.Evaluate("import torch, convverify_torch\ntorch.set_num_threads(2)\nconvverify_torch.narrow_support(1, 'bfloat16')\nthreads = torch.get_num_threads()", "threads");
            Assert.That(threads.As<int>(), Is.EqualTo(1));
        }
    }

    [Test]
    public void TheLayoutProbeTakesOnlyAMissingKernelAsNoAnswerAndLetsAnyOtherFailureThrough()
    {
        // Every RuntimeError read as "computes in the layout": an out-of-memory or a broken install passed for an answer.
        LiveTorch.Require();
        using (Py.GIL())
        {
            const string code = """
                import convverify_torch as cv
                real = cv._CONV[2]
                def fails(message):
                    def conv(*args, **kwargs):
                        raise RuntimeError(message)
                    return conv
                try:
                    cv._CONV[2] = fails('"slow_conv2d_cpu" not implemented for \'Half\'')
                    missing = cv.layout_support(2, 'float32', 'channels_last')
                    cv._CONV[2] = fails('DefaultCPUAllocator: not enough memory')
                    try:
                        cv.layout_support(2, 'float32', 'channels_last')
                        other = 'no exception'
                    except RuntimeError as e:
                        other = str(e)
                finally:
                    cv._CONV[2] = real
                result = repr((missing, other))
                """;
            using var result = LiveTorch.Evaluate(code, "result");
            Assert.That(result.As<string>(), Is.EqualTo("('', 'DefaultCPUAllocator: not enough memory')"));
        }
    }

    [Test]
    public void LargeTensorCrossesExactly()
    {
        var oracle = LiveTorch.Require();
        const int n = 1_600_000;
        // Arbitrary bit patterns (finite, normal) so a transfer that rounded, reordered or truncated would show.
        var rng = new Random(12345);
        var data = new float[n];
        for (int i = 0; i < n; i++)
        {
            int sign = rng.Next(2) << 31, exponent = rng.Next(1, 255) << 23, mantissa = rng.Next(1 << 23);
            data[i] = BitConverter.Int32BitsToSingle(sign | exponent | mantissa);
        }
        var back = new float[n];
        oracle.RoundTrip<float>(data, back);
        Bitwise.AssertEqual(data, back, "round trip");
        // Twice on the same thread: each call gives back its hold on the interpreter (the lock refuses a second one).
        oracle.RoundTrip<float>(data, back);

        // Checked on the Python side too, so a copy that never reached torch's memory cannot pass.
        long expected = data.Sum(v => (long)BitConverter.SingleToInt32Bits(v));
        using (Py.GIL())
        {
            using var t = oracle.TensorIn<float>(data, [n]);
            using var torch = Py.Import("torch");
            using var int32 = torch.GetAttr("int32");
            using var int64 = torch.GetAttr("int64");
            using var bits = t.InvokeMethod("view", int32);
            using var wide = bits.InvokeMethod("to", int64);
            using var sum = wide.InvokeMethod("sum");
            using var item = sum.InvokeMethod("item");
            Assert.That(item.As<long>(), Is.EqualTo(expected), "sum of the bit patterns as torch sees them");
        }
    }

    [Test]
    public void IdentityConvolutionOfALargeTensorIsExact()
    {
        var oracle = LiveTorch.Require();
        var problem = BenchdnnDescriptor.Parse("mb1ic1ih1265oc1kh1", DType.Float32, hasBias: false);
        var inputs = ConvCase.Create(problem, Fill.Normal).MakeInputs<float>();
        inputs = inputs with { W = [1f] };
        var r = oracle.Compute(problem, inputs);
        Bitwise.AssertEqual(inputs.X, r.Y, "y of the identity 1x1 convolution");
        Bitwise.AssertEqual(inputs.Dy, r.Dx, "dx of the identity 1x1 convolution");
    }

    /// <summary>Runs both and compares every direction; returns torch's results.</summary>
    internal static ConvResults<T> Check<T>(ConvProblem problem) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var oracle = LiveTorch.Require();
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<T>();
        var torch = oracle.Compute(problem, inputs);
        var naive = ConvVerify.Tests.Runs.Check.Naive(problem, inputs);
        foreach (var direction in Directions.All)
            Bitwise.AssertEqual(naive.Get(direction), torch.Get(direction), $"{problem} {problem.DType} {direction.TensorName()}");
        return torch;
    }
}
