using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Comparison;
using ConvVerify.Convolution;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Runs;
using ConvVerify.Tests.Cli;
using ConvVerify.Tests.Convolution;

namespace ConvVerify.Tests.Oracles;

/// <summary>
/// ONNX Runtime against the naive loops. With the integer fill every result is an exact integer, so ORT must reproduce the
/// definition bit for bit in all four directions; with the normal fill it must stay within the sound bound.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class OrtOracleTests
{
    // One oracle for the class, so its sessions are shared by the tests that use the same shapes. Made and released by
    // each run: a mutation run starts the next run in the same process, where a released oracle would fail every test.
    private static OrtOracle? _oracle;

    private static OrtOracle Oracle => _oracle ?? throw new InvalidOperationException("the fixture's oracle is made in its one-time set-up");

    [OneTimeSetUp]
    public void MakeOracle() => _oracle = new OrtOracle();

    [OneTimeTearDown]
    public void DisposeOracle()
    {
        _oracle?.Dispose();
        _oracle = null;
    }

    public static IEnumerable<TestCaseData> CommittedFloat32Cases() =>
        CaseSets.Committed.SelectMany(CaseSets.AllVariants).Where(c => c.Problem.DType == DType.Float32)
            .Select(c => new TestCaseData(c).SetArgDisplayNames(c.Id));

    [TestCaseSource(nameof(CommittedFloat32Cases))]
    public void CommittedCaseMatchesTheNaiveLoops(ConvCase c)
    {
        var rows = Against(c);
        Assert.That(rows, Has.Count.EqualTo(c.Problem.HasBias ? 4 : 3));
        Assert.That(rows.Where(r => r.Outcome != Outcome.Pass).Select(r => $"{r.Direction}: {r.Reason}"), Is.Empty);
        if (c.Fill == Fill.Integer) Assert.That(rows.Select(r => r.Tolerance), Is.All.EqualTo(Tolerance.Bitwise));
    }

    [Test]
    public void RandomProblemsMatchTheNaiveLoops()
    {
        var problems = ConvVerify.Tests.Convolution.RandomProblems.Generate(300, seed: 9104, dtype: DType.Float32).ToList();
        // The draw must reach every corner the ONNX mapping treats specially, or passing says little.
        Assert.Multiple(() =>
        {
            Assert.That(problems.Count(p => p.PadEnd.Any(e => e < 0)), Is.GreaterThan(20), "cropping end padding");
            Assert.That(problems.Count(p => p.Groups > 1 && p.IC == p.Groups && p.OC > p.Groups), Is.GreaterThan(5), "depthwise with a multiplier");
            Assert.That(problems.Count(p => p.Groups > 1 && p.IC > p.Groups), Is.GreaterThan(20), "grouped");
            Assert.That(problems.Count(p => p.Dilation.Any(d => d > 1)), Is.GreaterThan(20), "dilated");
            Assert.That(problems.Count(p => Enumerable.Range(0, p.Rank).Any(i => p.Stride[i] > p.Kernel[i])), Is.GreaterThan(20), "stride > kernel");
            Assert.That(problems.Select(p => p.Rank).Distinct().Order(), Is.EqualTo(new[] { 1, 2, 3 }), "ranks");
            Assert.That(problems.Count(p => p.Mb > 1), Is.GreaterThan(20), "minibatch > 1 (the dw mapping folds N into channels)");
        });
        var failures = new List<string>();
        foreach (var p in problems)
            foreach (var fill in new[] { Fill.Integer, Fill.Normal })
                failures.AddRange(Against(ConvCase.Create(p, fill)).Where(r => r.Outcome != Outcome.Pass).Select(r => $"{r.Case} {r.Direction}: {r.Reason}"));
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void Float64IsNotProvidedWithTheReason()
    {
        var c = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3", DType.Float64), Fill.Integer);
        var rows = Against(c);
        Assert.That(rows.Select(r => r.Outcome), Is.All.EqualTo(Outcome.NotProvidedByOracle));
        Assert.That(rows.Select(r => r.Reason), Is.All.Contains(OrtOracle.Float64Reason));
        var inputs = c.MakeInputs<double>();
        Assert.That(() => Oracle.Compute(c.Problem, inputs, [Direction.Forward]),
            Throws.ArgumentException.With.Message.StartsWith("T: ort computes float32 and float16 only, asked for Double on mb1ic3ih5oc16oh3kh3ph0 (float64, bias): " + OrtOracle.Float64Reason));
        // bfloat16 data travels as float: the element type alone does not make a problem ORT's.
        var bf16 = BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3", DType.BFloat16);
        Assert.That(() => Oracle.Compute(bf16, ConvCase.Create(bf16, Fill.Integer).MakeInputs<float>(), [Direction.Forward]),
            Throws.ArgumentException.With.Message.StartsWith("T: ort computes float32 and float16 only, asked for Single on mb1ic3ih5oc16oh3kh3ph0 (bfloat16, bias): " + OrtOracle.BFloat16Reason)
                .And.Property("ParamName").EqualTo("problem"));
    }

    /// <summary>The reason quotes ORT: asking it for a float64 convolution must really say so.</summary>
    [TestCase(Direction.Forward, "Conv(11)")]
    [TestCase(Direction.BackwardData, "ConvTranspose(11)")]
    public void OrtItselfHasNoFloat64Convolution(Direction direction, string op)
    {
        var problem = BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3", DType.Float64);
        var e = Assert.Throws<OrtOracleException>(() => Oracle.CreateSession(problem, direction).Dispose())!;
        Assert.That(e.Message, Does.Contain("Could not find an implementation for " + op));
        Assert.That(e.Message, Does.Contain("mb1ic3ih5oc16oh3kh3ph0 (float64, bias)"));
        Assert.That(OrtOracle.Float64Reason, Does.Contain("Could not find an implementation for Conv(11)"));
    }

    [Test]
    public void NoBiasHasNoDb()
    {
        var problem = BenchdnnDescriptor.Parse("mb2ic3ih5oc4kh3ph1", DType.Float32, hasBias: false);
        Assert.That(Oracle.Provides(problem, Direction.BackwardBias, out string? why), Is.False);
        Assert.That(why, Is.EqualTo("the problem has no bias"));
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<float>();
        Assert.That(() => Oracle.Compute(problem, inputs, [Direction.Forward, Direction.BackwardBias]),
            Throws.ArgumentException.With.Message.StartsWith("directions: ort does not provide db: the problem has no bias").And.Property("ParamName").EqualTo("directions"));
    }

    [TestCase("x", 75)]
    [TestCase("w", 432)]
    [TestCase("b", 16)]
    [TestCase("dy", 144)]
    public void WrongInputSizesAreRejectedNamingTheTensorAndProblem(string tensor, int size)
    {
        var problem = BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3");
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<float>();
        inputs = tensor switch
        {
            "x" => inputs with { X = inputs.X[1..] },
            "w" => inputs with { W = inputs.W[1..] },
            "b" => inputs with { B = inputs.B[1..] },
            _ => inputs with { Dy = inputs.Dy[1..] },
        };
        var e = Assert.Throws<ArgumentException>(() => Oracle.Compute(problem, inputs, [Direction.BackwardBias]))!;
        Assert.That(e.Message, Does.StartWith($"inputs.{tensor}: expected {size} elements, got {size - 1}: mb1ic3ih5oc16oh3kh3ph0 (float32, bias)"));
        Assert.That(e.ParamName, Is.EqualTo("inputs"));
        var noBias = BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3", hasBias: false);
        var short_ = ConvCase.Create(noBias, Fill.Integer).MakeInputs<float>();
        Assert.That(() => Oracle.Compute(noBias, short_ with { X = short_.X[1..] }, [Direction.Forward]),
            Throws.ArgumentException.With.Message.Contains("(float32, no bias)"));
    }

    [Test]
    public void SessionsAreCachedPerProblemAndDirectionAndReleasedOnDispose()
    {
        using var oracle = new OrtOracle();
        var problem = BenchdnnDescriptor.Parse("mb2ic4ih7oc6kh3ph1");
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<float>();
        var first = oracle.Compute(problem, inputs, Directions.All);
        Assert.That(oracle.CachedSessions, Is.EqualTo(4));
        var other = ConvCase.Create(problem.WithName("renamed"), Fill.Normal).MakeInputs<float>();
        oracle.Compute(problem.WithName("renamed"), other, Directions.All);
        Assert.That(oracle.CachedSessions, Is.EqualTo(4), "a name or a fill is no reason for another session");
        var again = oracle.Compute(problem, inputs, Directions.All);
        foreach (var d in Directions.All) Bitwise.AssertEqual(first[d], again[d], $"{d}: a cached session gives the same bits");
        oracle.Dispose();
        oracle.Dispose();
        Assert.That(() => oracle.Compute(problem, inputs, [Direction.Forward]), Throws.TypeOf<OrtOracleException>().With.InnerException.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void RegistryCreatesItWithItsVersion()
    {
        var oracle = OracleRegistry.Create("ort");
        Assert.That(oracle.Name, Is.EqualTo("ort"));
        Assert.That(oracle.Versions["onnxruntime"], Does.Match(@"^\d+\.\d+\.\d+"));
        Assert.That(oracle.Versions.Keys, Is.EquivalentTo(new[] { "onnxruntime", "cpu" }));
        Assert.That(oracle.BoundFactor, Is.EqualTo(1.0));
        Assert.That(OracleRegistry.Names, Does.Contain("ort"));
        (oracle as IDisposable)?.Dispose();
    }

    [Test]
    public void ItsVersionsNameTheKernelsMlasPicksOnThisCpu()
    {
        // MLAS's float32 kernels by CPU feature, read here from the kernel's own list of the CPU's flags (Linux).
        var flags = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet()
            : null;
        using var oracle = new OrtOracle();
        Assert.That(oracle.Versions["cpu"], Is.EqualTo(OrtOracle.CpuKernels));
        if (flags is null || !flags.Contains("sse2"))
        {
            Assert.That(OrtOracle.CpuKernels, Does.StartWith("MLAS "), "not an x64 Linux: the flags say nothing here");
            return;
        }
        string expected = flags.Contains("avx512f") ? "avx512f" : flags.Contains("avx2") && flags.Contains("fma") ? "fma3" : flags.Contains("avx") ? "avx" : "sse2";
        Assert.That(OrtOracle.CpuKernels, Is.EqualTo("MLAS " + expected));
    }

    [Test]
    public void EveryCpuGetsTheMostCapableKernelsItHas()
    {
        const System.Runtime.InteropServices.Architecture X64 = System.Runtime.InteropServices.Architecture.X64;
        Assert.Multiple(() =>
        {
            Assert.That(OrtOracle.MlasKernels(new(X86: true, Avx: true, Avx2Fma: true, Avx512F: true, AdvSimd: false, X64)), Is.EqualTo("MLAS avx512f"));
            Assert.That(OrtOracle.MlasKernels(new(X86: true, Avx: true, Avx2Fma: true, Avx512F: false, AdvSimd: false, X64)), Is.EqualTo("MLAS fma3"));
            Assert.That(OrtOracle.MlasKernels(new(X86: true, Avx: true, Avx2Fma: false, Avx512F: false, AdvSimd: false, X64)), Is.EqualTo("MLAS avx"));
            Assert.That(OrtOracle.MlasKernels(new(X86: true, Avx: false, Avx2Fma: false, Avx512F: false, AdvSimd: false, X64)), Is.EqualTo("MLAS sse2"));
            Assert.That(OrtOracle.MlasKernels(new(X86: false, Avx: false, Avx2Fma: false, Avx512F: false, AdvSimd: true, System.Runtime.InteropServices.Architecture.Arm64)), Is.EqualTo("MLAS neon"));
            Assert.That(OrtOracle.MlasKernels(new(X86: false, Avx: false, Avx2Fma: false, Avx512F: false, AdvSimd: false, System.Runtime.InteropServices.Architecture.RiscV64)), Is.EqualTo("MLAS riscv64"));
        });
    }

    [Test]
    public void TheFeaturesAreReadFromTheKernelsListOfFlags()
    {
        const System.Runtime.InteropServices.Architecture X64 = System.Runtime.InteropServices.Architecture.X64;
        static string Kernels(string text, System.Runtime.InteropServices.Architecture arch = X64) =>
            OrtOracle.CpuFeatures.FromCpuInfo(text.Split('\n'), arch) is { } f ? OrtOracle.MlasKernels(f) : "none";
        Assert.Multiple(() =>
        {
            // Lines as Linux writes them (a tab before the colon); only the first processor's flags are read.
            Assert.That(Kernels("processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma avx512f avx512bw\nprocessor\t: 1\nflags\t\t: fpu sse2"), Is.EqualTo("MLAS avx512f"));
            Assert.That(Kernels("flags\t\t: fpu sse2 avx fma avx2 bmi2"), Is.EqualTo("MLAS fma3"));
            // AMD Piledriver: FMA3 without AVX2, which MLAS's fma3 kernels need too.
            Assert.That(Kernels("flags\t\t: fpu sse2 avx fma fma4"), Is.EqualTo("MLAS avx"));
            Assert.That(Kernels("flags\t\t: fpu sse2 avx2"), Is.EqualTo("MLAS sse2"), "AVX2 without AVX is no CPU; without FMA it is not fma3");
            Assert.That(Kernels("flags\t: fpu sse2"), Is.EqualTo("MLAS sse2"));
            Assert.That(Kernels("Features\t: fp asimd evtstrm aes", System.Runtime.InteropServices.Architecture.Arm64), Is.EqualTo("MLAS neon"));
            Assert.That(Kernels("Features\t: fp evtstrm", System.Runtime.InteropServices.Architecture.Arm64), Is.EqualTo("MLAS arm64"));
            Assert.That(Kernels("processor\t: 0\nmodel name\t: something"), Is.EqualTo("none"), "no flags line: .NET's view instead");
            Assert.That(Kernels("flags without a colon"), Is.EqualTo("none"));
        });
        // Without the kernel's list, what .NET sees names the same kernels on this machine (no DOTNET_Enable* here).
        Assert.That(OrtOracle.MlasKernels(OrtOracle.CpuFeatures.OfThisMachine("/nonexistent/cpuinfo")), Is.EqualTo(OrtOracle.CpuKernels));
    }

    [Test]
    public void AListOfFlagsIsReadInsteadOfWhatDotNetSees()
    {
        if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
            Assert.Ignore("the file below lists an x86-64 CPU's flags");
        // A CPU with neither AVX nor FMA, unlike any machine that runs this suite: only a file read names sse2.
        string path = Path.Combine(Path.GetTempPath(), $"convverify-cpuinfo-{Guid.NewGuid():N}");
        File.WriteAllText(path, "processor\t: 0\nflags\t\t: fpu sse sse2\n");
        try
        {
            Assert.That(OrtOracle.MlasKernels(OrtOracle.CpuFeatures.OfThisMachine(path)), Is.EqualTo("MLAS sse2"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void CheckAgainstOrtPassesTheCommittedSets()
    {
        var r = CliTestBase.Run("check", "--oracle", "ort");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Match(@"check: 468 cases, 1830 directions: 610 passed, 0 failed, 0 suspicious, 0 not in pack, 1220 not provided by oracle, 0 not provided, 0 errors"));
        Assert.That(r.Out, Does.Contain("no float64 Conv/ConvTranspose kernel"));
        var all = CliTestBase.Run("check", "--oracle", "ort", "--set", "question", "--require", "all");
        Assert.That(all.Code, Is.EqualTo(1), "with --require all, float64 directions ORT cannot compute fail the run\n" + all);
    }

    [Test]
    public void TorchAndOrtAgreeOnTheCommittedSets()
    {
        LiveTorch.Require();
        string json = Path.Combine(Path.GetTempPath(), $"convverify-ort-{Guid.NewGuid():N}.json");
        try
        {
            var r = CliTestBase.Run("check", "--oracle", "torch,ort", "--dtype", "f32", "--json", json);
            Assert.That(r.Code, Is.EqualTo(0), r.ToString());
            var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
            var rows = report.RootElement.GetProperty("rows").EnumerateArray()
                .Select(row => (Reference: row.GetProperty("reference").GetString(), Subject: row.GetProperty("subject").GetString(), Outcome: row.GetProperty("outcome").GetString()))
                .ToList();
            var consensus = rows.Where(row => row.Reference == "torch" && row.Subject == "ort").ToList();
            Assert.That(consensus, Has.Count.EqualTo(610), "one consensus row per float32 direction");
            Assert.That(consensus.Select(row => row.Outcome), Is.All.EqualTo("pass"));
        }
        finally
        {
            File.Delete(json);
        }
    }

    // Integer fills are compared bitwise (ORT must give the definition's bits, +0 and −0 included), normal fills within the bound.
    private static IReadOnlyList<RunRow> Against(ConvCase c)
    {
        var entry = new CaseEntry(c);
        return Runner.RunCase(new RunPlan
        {
            Command = "test",
            Cases = [entry],
            References = [new OracleSource(Oracle)],
            Subject = new EngineSource(ConvEngines.Naive),
            ToleranceRule = (k, _, _) => k.Fill == Fill.Integer ? Tolerance.Bitwise : Tolerance.SoundBound,
        }, entry);
    }
}
