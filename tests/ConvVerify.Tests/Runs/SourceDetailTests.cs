using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Runs;

/// <summary>
/// Each side of a comparison on its own: what every source says of a direction it lacks, which sources are asked once per
/// case, the dtype check of an implementation's narrow results, and the oracles' dtype support asked before a run.
/// </summary>
public class SourceDetailTests : TempFolderTest
{
    private static readonly ConvCase Small = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic2ih4oc2kh3"), Fill.Integer, 1);

    private static LoadedCase<float> Loaded(ConvCase c, IReadOnlyDictionary<Direction, float[]>? pack = null) =>
        new(new CaseEntry(c), c.MakeInputs<float>(), pack ?? new Dictionary<Direction, float[]>());

    /// <summary>Computes float32 only (like ONNX Runtime), counting its calls.</summary>
    private sealed class Float32Only(string name = "f32-only") : IConvOracle
    {
        public int Calls { get; private set; }

        public string Name => name;

        public IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string>();

        public double BoundFactor => 1.0;

        public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason)
        {
            reason = problem.DType == DType.Float32 ? null : "float32 only";
            return reason is null;
        }

        public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Calls++;
            return directions.ToDictionary(d => d, d => d.Compute(ConvEngines.Naive, problem, inputs));
        }
    }

    [Test]
    public void AnOracleIsAskedOnceForEveryDirectionOfACase()
    {
        var oracle = new Float32Only();
        var report = Runner.Run(new RunPlan
        {
            Command = "test", Cases = [new CaseEntry(Small)], References = [new EngineSource(ConvEngines.Naive)], Subject = new OracleSource(oracle),
        });
        Assert.That(report.Rows.Select(r => r.Outcome), Is.EqualTo(Enumerable.Repeat(Outcome.Pass, 4)));
        Assert.That(oracle.Calls, Is.EqualTo(1), "an oracle's one autograd pass gives every direction");
    }

    [Test]
    public void EachSourceSaysWhyADirectionIsAbsent()
    {
        var pack = new PackSource().Produce(Loaded(Small, new Dictionary<Direction, float[]> { [Direction.Forward] = [1f] }), [Direction.Forward, Direction.BackwardData]);
        Assert.That(pack.Values.Keys, Is.EqualTo(new[] { Direction.Forward }));
        Assert.That(pack.Absent[Direction.BackwardData], Is.EqualTo(new Absence(Outcome.NotInPack, "dx: not in pack")));

        var folder = new CandidateFolderSource(Dir);
        Assert.That(folder.Name, Is.EqualTo("candidate"));
        var candidate = folder.Produce(Loaded(Small), [Direction.BackwardWeights]);
        string path = Path.Combine(Dir, Small.Id, "dw.npy");
        Assert.That(candidate.Absent[Direction.BackwardWeights], Is.EqualTo(new Absence(Outcome.NotProvided, $"dw: not provided ({path} does not exist)")));
    }

    [Test]
    public void ACandidateFolderNeverLooksOutsideItselfForACaseId()
    {
        // A case named to climb out: an error naming it, not "not provided" (which would be looked for outside).
        var c = Small with { Id = "../outside" };
        var r = new CandidateFolderSource(Dir).Produce(Loaded(c), [Direction.Forward]);
        var absent = r.Absent[Direction.Forward];
        Assert.That(absent.Outcome, Is.EqualTo(Outcome.Error));
        Assert.That(absent.Reason, Does.Contain("../outside"));
        Assert.That(r.Values, Is.Empty);
    }

    [Test]
    public void ACandidateNameInOtherLettersIsAnErrorWhereverNamesIgnoreCaseOrNot()
    {
        // Only the names the folder lists decide, so this holds on macOS and Windows too, where y.npy would open Y.NPY.
        string upper = Path.Combine(Dir, Small.Id, "Y.NPY");
        Directory.CreateDirectory(Path.Combine(Dir, Small.Id));
        File.WriteAllText(upper, "");
        var source = new CandidateFolderSource(Dir);
        var file = source.Produce(Loaded(Small), [Direction.Forward, Direction.BackwardData]);
        Assert.That(file.Absent[Direction.Forward].Outcome, Is.EqualTo(Outcome.Error));
        Assert.That(file.Absent[Direction.Forward].Reason, Does.StartWith($"{upper}: differs from the result file y.npy only in letter case; "));
        Assert.That(file.Absent[Direction.BackwardData].Outcome, Is.EqualTo(Outcome.NotProvided), "dx has no name in other letters");

        // The case's folder in other letters: every direction, named after the folder.
        var other = Small with { Id = Small.Id.ToUpperInvariant() };
        Assume.That(other.Id, Is.Not.EqualTo(Small.Id));
        var folder = new CandidateFolderSource(Dir).Produce(Loaded(other), [Direction.Forward, Direction.BackwardData]);
        Assert.That(folder.Absent.Values.Select(a => a.Reason), Is.All.StartWith($"{Path.Combine(Dir, Small.Id)}: differs from the case folder {other.Id} only in letter case; "));
        Assert.That(folder.Absent.Values.Select(a => a.Outcome), Is.All.EqualTo(Outcome.Error));
    }

    [Test]
    public void AnUnreadableCandidateFileIsAFailureNamingIt()
    {
        Directory.CreateDirectory(Path.Combine(Dir, Small.Id));
        string path = Path.Combine(Dir, Small.Id, "y.npy");
        File.WriteAllText(path, "not an npy file");
        var absent = new CandidateFolderSource(Dir).Produce(Loaded(Small), [Direction.Forward]).Absent[Direction.Forward];
        Assert.That(absent.Outcome, Is.EqualTo(Outcome.Fail));
        Assert.That(absent.Reason, Does.Contain(path));
    }

    /// <summary>Writes 1 + 2⁻²⁰ everywhere: a float32 value, but not a bfloat16 one.</summary>
    private sealed class Unrounded : IConvImplementation
    {
        private static void Fill<T>(Span<T> s) where T : unmanaged, IFloatingPointIeee754<T> => s.Fill(T.CreateChecked(1 + Math.Pow(2, -20)));

        public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Fill(y);

        public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> => Fill(dx);

        public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T> => Fill(dw);

        public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T> => Fill(db);
    }

    [Test]
    public void ANarrowResultThatIsNotOfItsDTypeFailsNamingTheElement()
    {
        var bf16 = ConvCase.Create(Small.Problem.WithDType(DType.BFloat16), Fill.Integer, 1);
        var r = new ImplementationSource(new Unrounded()).Produce(Loaded(bf16), [Direction.Forward]);
        Assert.That(r.Absent[Direction.Forward], Is.EqualTo(new Absence(Outcome.Fail,
            "y: element 0 is 1.0000009536743164, not a bfloat16 value: a bfloat16 result must be rounded to bfloat16 (DTypes.Round)")));
        // The same values are float32 values: compared, not refused.
        var f32 = new ImplementationSource(new Unrounded()).Produce(Loaded(Small), [Direction.Forward]);
        Assert.That(f32.Values[Direction.Forward][0], Is.EqualTo(1 + Math.Pow(2, -20)));
    }

    [Test]
    public void ADTypeNoOracleComputesIsRefusedWithEveryOraclesReason()
    {
        var p = Small.Problem;
        Assert.That(DTypeSupport.Unprovided([new Float32Only()], p, DType.Float32), Is.Null);
        Assert.That(DTypeSupport.Unprovided([new Float32Only()], p, DType.Float64),
            Is.EqualTo("f64 (float64) is not provided by this oracle: oracle f32-only: float32 only"));
        Assert.That(DTypeSupport.Unprovided([new Float32Only("a"), new Float32Only("b")], p, DType.Float64),
            Is.EqualTo("f64 (float64) is not provided by any of these oracles: oracle a: float32 only; oracle b: float32 only"));
        Assert.That(DTypeSupport.Unprovided([new Float32Only(), new EngineOracle(ConvEngines.Naive)], p, DType.Float64), Is.Null);
    }

    [Test]
    public void OnlyNamedDTypesAreRefusedBeforeTheRun()
    {
        var f64 = CaseSelection.Resolve(null, null, ["mb1ic2ih4oc2kh3"], "f64", "integer", "question");
        Assert.That(DTypeSupport.UnprovidedNamed([new Float32Only()], f64, named: true), Does.StartWith("f64 (float64) is not provided"));
        Assert.That(DTypeSupport.UnprovidedNamed([new Float32Only()], f64, named: false), Is.Null);
        var both = CaseSelection.Resolve(null, null, ["mb1ic2ih4oc2kh3"], null, "integer", "question");
        Assert.That(DTypeSupport.UnprovidedNamed([new Float32Only()], both, named: true), Does.StartWith("f64 (float64)"), "the first dtype not computed");
        var none = CaseSelection.Resolve(null, null, ["mb2ic4ih8oc4kh3"], "f64", "integer", "question", maxMacs: 10);
        Assert.That(DTypeSupport.UnprovidedNamed([new Float32Only()], none, named: true), Is.Null, "no problem left to ask about");
    }

    // float64 in 2-D only, as torch may compute a narrow dtype in one rank and not in another.
    private sealed class Float64In2DOnly : IConvOracle
    {
        public string Name => "f64-2d";

        public IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string>();

        public double BoundFactor => 1.0;

        public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason)
        {
            reason = problem.DType != DType.Float64 || problem.Rank == 2 ? null : $"no conv{problem.Rank}d in float64";
            return reason is null;
        }

        public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
            where T : unmanaged, IFloatingPointIeee754<T> => throw new NotSupportedException();
    }

    [Test]
    public void ANamedDTypeIsRefusedOnlyWhenNoProblemOfTheSelectionGetsIt()
    {
        var mixed = CaseSelection.Resolve(null, null, ["mb1ic2iw5oc2kw3", "mb1ic2ih4oc2kh3"], "f64", "integer", "question");
        Assert.That(DTypeSupport.UnprovidedNamed([new Float64In2DOnly()], mixed, named: true), Is.Null, "the 2-D problem is computed; the 1-D one is a row");
        var oneD = CaseSelection.Resolve(null, null, ["mb1ic2iw5oc2kw3", "mb1ic3iw6oc2kw2"], "f64", "integer", "question");
        Assert.That(DTypeSupport.UnprovidedNamed([new Float64In2DOnly()], oneD, named: true),
            Is.EqualTo("f64 (float64) is not provided by this oracle: oracle f64-2d: no conv1d in float64"));
    }

    // bfloat16 in one layout only, as torch answers for its narrow dtypes layout by layout (torch 1.13 without AVX-512
    // sums channels-last y in float32 and contiguous y in bfloat16).
    private sealed class BFloat16In(TorchLayout only, TorchLayout layout = TorchLayout.Contiguous) : IConvOracle, ILayoutOracle
    {
        public string Name => layout == TorchLayout.Contiguous ? "bf16-layout" : "bf16-layout-channels-last";

        public IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string>();

        public double BoundFactor => 1.0;

        public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason)
        {
            reason = problem.DType != DType.BFloat16 || layout == only ? null : $"no bfloat16 in {layout}";
            return reason is null;
        }

        public IReadOnlyCollection<TorchLayout> Layouts { get; } = [TorchLayout.Contiguous, TorchLayout.ChannelsLast];

        public TorchLayout Layout => layout;

        public IConvOracle In(TorchLayout other) => new BFloat16In(only, other);

        public string? LayoutFallback(ConvProblem problem) => null;

        public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
            where T : unmanaged, IFloatingPointIeee754<T> => directions.ToDictionary(d => d, d => d.Compute(ConvEngines.Naive, problem, inputs));
    }

    [Test]
    public void ANamedDTypeIsAskedOfTheOracleInTheLayoutItsCasesRunIn()
    {
        string path = Path.Combine(Dir, "batch");
        File.WriteAllText(path, "--stag=axb mb1ic2ih4oc2kh3\n--stag=axb mb1ic3ih5oc2kh3\n");
        var channelsLast = CaseSelection.Resolve(null, path, [], "bf16", "integer", "question");
        // Each row of the run asks the oracle in its case's layout; the check before it must ask the same, or it refuses
        // a run every row of which would be computed, and lets through one none of which is.
        var rows = channelsLast.Generated(1).Select(e => new OracleSource(new BFloat16In(TorchLayout.ChannelsLast))
            .Produce(new LoadedCase<float>(e, e.Case.MakeInputs<float>(), new Dictionary<Direction, float[]>()), [Direction.Forward]));
        Assert.That(rows.Select(r => r.Absent.Count), Is.All.EqualTo(0), "the run computes every row in channels-last");
        Assert.That(DTypeSupport.UnprovidedNamed([new BFloat16In(TorchLayout.ChannelsLast)], channelsLast, named: true), Is.Null);
        Assert.That(DTypeSupport.UnprovidedNamed([new BFloat16In(TorchLayout.Contiguous)], channelsLast, named: true),
            Is.EqualTo("bf16 (bfloat16) is not provided by this oracle: oracle bf16-layout-channels-last: no bfloat16 in ChannelsLast"));
        // fixtures generate computes every case in NC(D)(H)W (a pack holds results, not layouts), and asks so.
        Assert.That(DTypeSupport.UnprovidedNamed([new BFloat16In(TorchLayout.Contiguous)], channelsLast, named: true, TorchLayout.Contiguous), Is.Null);
        Assert.That(DTypeSupport.UnprovidedNamed([new BFloat16In(TorchLayout.ChannelsLast)], channelsLast, named: true, TorchLayout.Contiguous),
            Is.EqualTo("bf16 (bfloat16) is not provided by this oracle: oracle bf16-layout: no bfloat16 in Contiguous"));
        // A problem in both layouts is computed when either is.
        File.WriteAllText(path, "mb1ic2ih4oc2kh3\n--stag=axb mb1ic2ih4oc2kh3\n");
        var both = CaseSelection.Resolve(null, path, [], "bf16", "integer", "question");
        Assert.That(DTypeSupport.UnprovidedNamed([new BFloat16In(TorchLayout.ChannelsLast)], both, named: true), Is.Null);
        Assert.That(DTypeSupport.UnprovidedNamed([new BFloat16In(TorchLayout.Contiguous)], both, named: true), Is.Null);
        Assert.That(DTypeSupport.Unprovided([new BFloat16In(TorchLayout.Contiguous)], Small.Problem, DType.BFloat16, TorchLayout.ChannelsLast),
            Does.EndWith("no bfloat16 in ChannelsLast"));
    }

    // Registered once per process (a name is taken for good): bfloat16 only in channels-last.
    private static readonly Lazy<string> ChannelsLastBFloat16 = new(() =>
    {
        OracleRegistry.Register("fake-bf16-channels-last", "a test's fake", o => new BFloat16In(TorchLayout.ChannelsLast).In(o.Layout));
        return "fake-bf16-channels-last";
    });

    [Test]
    public void TheCommandLineAsksTheLayoutItComputesIn()
    {
        string path = Path.Combine(Dir, "batch");
        File.WriteAllText(path, "--stag=axb mb1ic2ih4oc2kh3\n");
        // check computes the case in channels-last, where the oracle has bfloat16: a run, not a usage error.
        var check = Cli.CliTestBase.Run("check", "--oracle", ChannelsLastBFloat16.Value, "--batch", path, "--dtype", "bf16", "--fill", "integer");
        Assert.That(check.Code, Is.EqualTo(0), check.ToString());
        // fixtures generate computes it in NC(D)(H)W, where the oracle has none: refused before anything is written.
        string pack = Path.Combine(Dir, "pack");
        var generate = Cli.CliTestBase.Run("fixtures", "generate", "--oracle", ChannelsLastBFloat16.Value, "--batch", path, "--dtype", "bf16", "--out", pack);
        Assert.That(generate.Code, Is.EqualTo(2), generate.ToString());
        Assert.That(generate.Err, Does.Contain("--dtype bf16 (bfloat16) is not provided by this oracle: oracle bf16-layout: no bfloat16 in Contiguous"));
        Assert.That(Directory.Exists(pack), Is.False);
    }

    [Test]
    public void NullArgumentsAreRefusedByName()
    {
        var loaded = Loaded(Small);
        ResultSource[] sources = [new PackSource(), new CandidateFolderSource(Dir), new ImplementationSource(new Unrounded()), new EngineSource(ConvEngines.Naive), new OracleSource(new Float32Only())];
        Assert.Multiple(() =>
        {
            foreach (var s in sources)
            {
                Assert.That(Assert.Throws<ArgumentNullException>(() => s.Produce<float>(null!, [Direction.Forward]))!.ParamName, Is.EqualTo("c"), s.GetType().Name);
                Assert.That(Assert.Throws<ArgumentNullException>(() => s.Produce(loaded, null!))!.ParamName, Is.EqualTo("directions"), s.GetType().Name);
            }
            Assert.That(Assert.Throws<ArgumentNullException>(() => new OracleSource(null!))!.ParamName, Is.EqualTo("oracle"));
            // Taken without a check, a null implementation failed every direction with "the implementation threw
            // ArgumentNullException: ... (Parameter 'impl')", and a null folder every case with a path error.
            Assert.That(Assert.Throws<ArgumentNullException>(() => new ImplementationSource(null!))!.ParamName, Is.EqualTo("implementation"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => new ImplementationSource(new Unrounded(), null!))!.ParamName, Is.EqualTo("name"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => new CandidateFolderSource(null!))!.ParamName, Is.EqualTo("folder"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => new EngineSource(null!))!.ParamName, Is.EqualTo("engine"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => DTypeSupport.Unprovided(null!, Small.Problem, DType.Float32))!.ParamName, Is.EqualTo("oracles"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => DTypeSupport.Unprovided([], null!, DType.Float32))!.ParamName, Is.EqualTo("problem"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => DTypeSupport.UnprovidedNamed([], null!, true))!.ParamName, Is.EqualTo("selection"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => WorstElement.From(null!))!.ParamName, Is.EqualTo("e"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Shard.Parse(null!))!.ParamName, Is.EqualTo("text"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Shard.All.Contains(null!))!.ParamName, Is.EqualTo("caseId"));
        });
    }
}
