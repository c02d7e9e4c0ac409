using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Convolution;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Tests.Cli;
using ConvVerify.Tests.Runs;

namespace ConvVerify.Tests.Oracles;

/// <summary>
/// A narrow-dtype reference made from a float32 oracle (<c>--oracle torch-rounded</c>): float32 sums, each rounded once,
/// which is what the definition does for bfloat16 and float16.
/// </summary>
public class Float32RoundedOnceOracleTests : CliTestBase
{
    private static IEnumerable<ConvCase> NarrowCommittedCases() =>
        CaseSets.Committed.SelectMany(CaseSets.AllVariants).Where(c => DTypes.IsNarrow(c.Problem.DType));

    [Test]
    public void OverTheDefinitionInFloat32ItIsTheDefinitionInEveryNarrowDType()
    {
        var oracle = new Float32RoundedOnceOracle(new EngineOracle(ConvEngines.Naive));
        int compared = 0;
        foreach (var c in NarrowCommittedCases())
        {
            var p = c.Problem;
            var inputs = c.MakeInputs<float>();
            var directions = Directions.For(p).ToList();
            var got = oracle.Compute(p, inputs, directions);
            foreach (var d in directions)
            {
                float[] expected = d.Compute(ConvEngines.Naive, p, inputs);
                Bitwise.AssertEqual(expected, got[d], $"{c.Id} {d.TensorName()}");
                compared++;
            }
        }
        Assert.That(compared, Is.GreaterThan(500), "both narrow dtypes, both fills, every committed case");
    }

    // Three products summed in float32 and rounded once: 256 + 1 + 1 = 258 and 256 + 0.5 + 0.5 = 257, a tie between
    // bfloat16's 256 and 258 that goes to the even 256. Summed in bfloat16, the first would be 256 too.
    [TestCase(1f, 1f, 258f)]
    [TestCase(0.5f, 0.5f, 256f)]
    public void EachResultIsItsFloat32SumRoundedOnce(float second, float third, float expected)
    {
        var p = BenchdnnDescriptor.Parse("mb1ic3ih1oc1oh1kh1ph0", DType.BFloat16, hasBias: false);
        var inputs = new ConvInputs<float>([256f, second, third], [1f, 1f, 1f], [], [1f]);
        var oracle = new Float32RoundedOnceOracle(new EngineOracle(ConvEngines.Exact));
        Assert.That(oracle.Compute(p, inputs, [Direction.Forward])[Direction.Forward], Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void WideDTypesAreTheInnerOraclesOwnAndNarrowOnesAreAskedInFloat32()
    {
        var inner = new DefinitionOracle("inner", ("lib", "1")) { Declines = DType.Float32 };
        var oracle = new Float32RoundedOnceOracle(inner);
        Assert.That(oracle.Name, Is.EqualTo("inner-rounded"));
        Assert.That(oracle.Versions, Is.EqualTo(new Dictionary<string, string> { ["lib"] = "1", ["narrow"] = "float32, rounded once to nearest even" }));
        Assert.That(oracle.BoundFactor, Is.EqualTo(inner.BoundFactor));
        foreach (var dtype in new[] { DType.BFloat16, DType.Float16, DType.Float32 })
        {
            Assert.That(oracle.Provides(BenchdnnDescriptor.Parse("mb1ic3ih5oc4kh3", dtype), Direction.Forward, out string? why), Is.False, dtype.ToString());
            Assert.That(why, Is.EqualTo(DefinitionOracle.DeclineReason));
        }
        Assert.That(oracle.Provides(BenchdnnDescriptor.Parse("mb1ic3ih5oc4kh3", DType.Float64), Direction.Forward, out _), Is.True);
        var bf16Declined = new Float32RoundedOnceOracle(new DefinitionOracle("inner") { Declines = DType.BFloat16 });
        Assert.That(bf16Declined.Provides(BenchdnnDescriptor.Parse("mb1ic3ih5oc4kh3", DType.BFloat16), Direction.Forward, out _), Is.True,
            "what the inner oracle thinks of bfloat16 does not matter: it is asked in float32");
        // A wide result is not rounded: 1 + 2^-20 is no bfloat16 value.
        var f32 = BenchdnnDescriptor.Parse("mb1ic1ih1oc1oh1kh1ph0", DType.Float32, hasBias: false);
        var wide = new Float32RoundedOnceOracle(new EngineOracle(ConvEngines.Naive))
            .Compute(f32, new ConvInputs<float>([1f + MathF.Pow(2, -20)], [1f], [], [1f]), [Direction.Forward]);
        Assert.That(wide[Direction.Forward], Is.EqualTo(new[] { 1f + MathF.Pow(2, -20) }));
    }

    /// <summary>An oracle that hands out the same array every time, as a cache of results does.</summary>
    private sealed class KeepingOracle(float value) : IConvOracle
    {
        public float[] Kept { get; } = [value];

        public string Name => "keeping";

        public IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string>();

        public double BoundFactor => 1;

        public bool Provides(ConvProblem problem, Direction direction, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? reason)
        {
            reason = null;
            return true;
        }

        public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
            where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
            new Dictionary<Direction, T[]> { [Direction.Forward] = (T[])(object)Kept };
    }

    [Test]
    public void TheInnerOraclesArraysAreLeftAsTheyWere()
    {
        var inner = new KeepingOracle(257f);
        var oracle = new Float32RoundedOnceOracle(inner);
        var p = BenchdnnDescriptor.Parse("mb1ic1ih1oc1oh1kh1ph0", DType.BFloat16, hasBias: false);
        var inputs = new ConvInputs<float>([1f], [1f], [], [1f]);
        Assert.That(oracle.Compute(p, inputs, [Direction.Forward])[Direction.Forward], Is.EqualTo(new[] { 256f }));
        Assert.That(inner.Kept, Is.EqualTo(new[] { 257f }), "the kept float32 result, unrounded");
        Assert.That(oracle.Compute(p, inputs, [Direction.Forward])[Direction.Forward], Is.EqualTo(new[] { 256f }));
    }

    /// <summary>Computes by the definition, recording the dtype of every problem it is asked and the layout it was put in.</summary>
    private sealed class RecordingOracle(List<string> log, TorchLayout layout = TorchLayout.Contiguous) : IConvOracle, ILayoutOracle
    {
        public string Name => "recording";

        public IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string>();

        public double BoundFactor => 1;

        public bool Provides(ConvProblem problem, Direction direction, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? reason) =>
            direction.Applies(problem, out reason);

        public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
            where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            log.Add($"{problem.DType} {layout}");
            return directions.ToDictionary(d => d, d => d.Compute(ConvEngines.Naive, problem, inputs));
        }

        public IReadOnlyCollection<TorchLayout> Layouts { get; } = [TorchLayout.Contiguous, TorchLayout.ChannelsLast];

        public TorchLayout Layout => layout;

        public IConvOracle In(TorchLayout other) => new RecordingOracle(log, other);

        public string? LayoutFallback(ConvProblem problem) => null;
    }

    [Test]
    public void TheInnerOracleIsAskedInFloat32ForNarrowDTypesAndInTheirOwnForWideOnes()
    {
        // The definition in a narrow dtype is also a float32 sum rounded once, so only the inner oracle can tell
        // whether it was handed the narrow problem.
        var log = new List<string>();
        var oracle = new Float32RoundedOnceOracle(new RecordingOracle(log));
        foreach (var dtype in new[] { DType.BFloat16, DType.Float16, DType.Float32 })
            oracle.Compute(BenchdnnDescriptor.Parse("mb1ic2ih3oc2kh2", dtype), ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic2ih3oc2kh2", dtype), Fill.Integer, 1).MakeInputs<float>(), [Direction.Forward]);
        var f64 = BenchdnnDescriptor.Parse("mb1ic2ih3oc2kh2", DType.Float64);
        oracle.Compute(f64, ConvCase.Create(f64, Fill.Integer, 1).MakeInputs<double>(), [Direction.Forward]);
        Assert.That(log, Is.EqualTo(new[] { "Float32 Contiguous", "Float32 Contiguous", "Float32 Contiguous", "Float64 Contiguous" }));
    }

    [Test]
    public void ACaseInChannelsLastIsComputedByTheInnerOracleInChannelsLast()
    {
        // A benchdnn batch's --stag=axb puts a case in channels-last; through torch-rounded, torch must compute it so.
        var log = new List<string>();
        var source = new ConvVerify.Runs.OracleSource(new Float32RoundedOnceOracle(new RecordingOracle(log)));
        var c = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic2ih3oc2kh2", DType.BFloat16), Fill.Integer, 1);
        var entry = new ConvVerify.Runs.CaseEntry(c) { Layout = TorchLayout.ChannelsLast };
        var results = source.Produce(new ConvVerify.Runs.LoadedCase<float>(entry, c.MakeInputs<float>(), new Dictionary<Direction, float[]>()), [Direction.Forward]);
        Assert.That(results.Values.Keys, Is.EqualTo(new[] { Direction.Forward }));
        Assert.That(log, Is.EqualTo(new[] { "Float32 ChannelsLast" }));
        // An inner oracle of one layout: the case is computed in it, as by that oracle alone.
        Assert.That(new Float32RoundedOnceOracle(new KeepingOracle(1f)).In(TorchLayout.ChannelsLast).Name, Is.EqualTo("keeping-rounded"));
    }

    [Test]
    public void ItDeclaresTheLayoutsOfItsInnerOracleAndNoOthers()
    {
        // Over an oracle of one layout it is itself in every layout: declaring channels-last there (it is a layout oracle
        // by type) made a batch file's --stag=axb pass unwarned through NCHW kernels.
        var nchwOnly = new Float32RoundedOnceOracle(new ConvVerify.Tests.Runs.DefinitionOracle("d"));
        Assert.That(nchwOnly.Layouts, Is.EqualTo(new[] { TorchLayout.Contiguous }));
        Assert.That(OracleLayouts.CanComputeIn(nchwOnly, TorchLayout.ChannelsLast), Is.False);
        Assert.That(nchwOnly.In(TorchLayout.ChannelsLast), Is.SameAs(nchwOnly));
        Assert.That(OracleLayouts.ComputesIn(nchwOnly.In(TorchLayout.ChannelsLast)), Is.EqualTo(TorchLayout.Contiguous));
        var both = new Float32RoundedOnceOracle(new RecordingOracle([]));
        Assert.That(OracleLayouts.CanComputeIn(both, TorchLayout.ChannelsLast), Is.True);
        Assert.That((OracleLayouts.ComputesIn(both), OracleLayouts.ComputesIn(both.In(TorchLayout.ChannelsLast))),
            Is.EqualTo((TorchLayout.Contiguous, TorchLayout.ChannelsLast)));
    }

    [Test]
    public void DisposingItReleasesTheInnerOracle()
    {
        // OracleScope releases what is IDisposable: a wrapped ONNX Runtime oracle's sessions must not outlive the run.
        var inner = new DefinitionOracle("inner");
        IConvOracle oracle = new Float32RoundedOnceOracle(inner);
        (oracle as IDisposable)?.Dispose();
        Assert.That(inner.Disposed, Is.EqualTo(1));
        new Float32RoundedOnceOracle(new KeepingOracle(1f)).Dispose(); // nothing to release
    }

    [Test]
    public void BadArgumentsAreRefusedByName()
    {
        Assert.That(() => new Float32RoundedOnceOracle(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("inner"));
        var oracle = new Float32RoundedOnceOracle(new EngineOracle(ConvEngines.Naive));
        var bf16 = BenchdnnDescriptor.Parse("mb1ic1ih1oc1oh1kh1ph0", DType.BFloat16, hasBias: false);
        Assert.That(() => oracle.Compute(bf16, new ConvInputs<double>([1], [1], [], [1]), [Direction.Forward]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("inputs").And.Message.Contains("bfloat16"));
        // An inner oracle that never looks at the inputs: the refusal is this oracle's own.
        Assert.That(() => new Float32RoundedOnceOracle(new KeepingOracle(1f)).Compute<float>(bf16, null!, [Direction.Forward]),
            Throws.ArgumentNullException.With.Property("ParamName").EqualTo("inputs"));
        Assert.That(() => oracle.Compute(null!, new ConvInputs<float>([1], [1], [], [1]), [Direction.Forward]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("problem"));
        Assert.That(() => oracle.Provides(null!, Direction.Forward, out _), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("problem"));
    }

    [Test]
    public void TorchRoundedIsALiveReferenceForBothNarrowDTypesWhereTorchHasNone()
    {
        var torch = LiveTorch.Require();
        var p = BenchdnnDescriptor.Parse("mb1ic3ih1oc1oh1kh1ph0", DType.BFloat16, hasBias: false);
        var inputs = new ConvInputs<float>([256f, 1f, 1f], [1f, 1f, 1f], [], [1f]);
        using (var scope = new OracleScope())
        {
            var rounded = scope.Create("torch-rounded");
            Assert.That(rounded.Compute(p, inputs, [Direction.Forward])[Direction.Forward], Is.EqualTo(new[] { 258f }));
            Assert.That(rounded.Versions.Keys, Is.EquivalentTo(torch.Versions.Keys.Append("narrow")));
        }
        foreach (string dtype in (string[])["bf16", "f16"])
        {
            var r = Run("check", "--oracle", "torch-rounded", "--dtype", dtype);
            Assert.That(r.Code, Is.EqualTo(0), r.ToString());
            Assert.That(r.Out, Does.Contain(" 0 failed, 0 suspicious, 0 not in pack, 0 not provided by oracle, 0 not provided, 0 errors").And.Contain("against torch-rounded ["), r.Out);
        }
    }

    [Test]
    public void APackItWritesNamesItAndIsFreshAgainstIt()
    {
        LiveTorch.Require();
        string pack = TempPath("rounded");
        var generate = Run("fixtures", "generate", "--set", "question", "--dtype", "bf16", "--oracle", "torch-rounded", "--out", pack);
        Assert.That(generate.Code, Is.EqualTo(0), generate.ToString());
        var manifest = ConvVerify.Fixtures.FixturePack.Open(pack).Manifest!;
        Assert.That(manifest.OracleName, Is.EqualTo("torch-rounded"));
        Assert.That(manifest.Versions, Does.ContainKey("narrow").WithValue("float32, rounded once to nearest even"));
        // The pack names its oracle, so checking it asks torch-rounded again, and its versions match: bitwise.
        var check = Run("fixtures", "check", pack);
        Assert.That(check.Code, Is.EqualTo(0), check.ToString());
        Assert.That(check.Out, Does.Contain("4 cases, 0 corrupt files, 0 failed directions, 16 fresh"), check.Out);
    }
}
