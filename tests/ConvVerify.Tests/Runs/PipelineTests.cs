using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Comparison;
using ConvVerify.Convolution;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Runs;
using ConvVerify.Tests.Cli;

namespace ConvVerify.Tests.Runs;

/// <summary>The run pipeline with a fake engine and a fake oracle: what is not provided is said, with its reason, and the requirement decides the exit code.</summary>
public class PipelineTests
{
    /// <summary>Float32 forward only, as an oracle with no float64 kernels and no autograd would be; computed by the definition.</summary>
    private sealed class ForwardF32Oracle : IConvOracle
    {
        public const string Why = "this fake computes float32 forward only";

        public int Calls { get; private set; }

        public string Name => "fake-f32-forward";

        public IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string> { ["fake"] = "1" };

        public double BoundFactor => 1.0;

        public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason)
        {
            reason = problem.DType == DType.Float32 && direction == Direction.Forward ? null : Why;
            return reason is null;
        }

        public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Calls++;
            Assert.That(directions, Is.EqualTo(new[] { Direction.Forward }), "the pipeline asks only for what the oracle provides");
            return new Dictionary<Direction, T[]> { [Direction.Forward] = Direction.Forward.Compute(ConvEngines.Naive, problem, inputs) };
        }
    }

    /// <summary>The definition under another name: the subject of the run, so the seam is exercised, not NaiveConv's call sites.</summary>
    private sealed class FakeEngine : IConvEngine
    {
        public int Calls { get; private set; }

        public string Name => "fake-engine";

        public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Calls++;
            NaiveConv.Forward(p, x, w, b, y);
        }

        public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Calls++;
            NaiveConv.BackwardData(p, dy, w, dx);
        }

        public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Calls++;
            NaiveConv.BackwardWeights(p, x, dy, dw);
        }

        public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Calls++;
            NaiveConv.BackwardBias(p, dy, db);
        }
    }

    private static RunPlan Plan(ForwardF32Oracle oracle, FakeEngine engine, Requirement requirement) => new()
    {
        Command = "check",
        ToleranceMode = "probabilistic",
        Cases = [.. CaseSets.Committed.SelectMany(CaseSets.AllVariants).DistinctBy(c => c.Id).Select(c => new CaseEntry(c))],
        References = [new OracleSource(oracle)],
        Subject = new EngineSource(engine),
        Requirement = requirement,
    };

    [Test]
    public void EveryCommittedCaseRunsAndWhatIsNotProvidedSaysWhy()
    {
        var (oracle, engine) = (new ForwardF32Oracle(), new FakeEngine());
        var report = Runner.Run(Plan(oracle, engine, Requirement.Any));
        int cases = CaseSets.Committed.SelectMany(CaseSets.AllVariants).Select(c => c.Id).Distinct().Count();
        var f32Forward = report.Rows.Where(r => r.DType == "f32" && r.Direction == "y").ToList();
        var rest = report.Rows.Except(f32Forward).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(report.Summary.Cases, Is.EqualTo(cases));
            Assert.That(f32Forward, Has.Count.EqualTo(cases / 3));
            Assert.That(f32Forward.Select(r => r.Outcome), Is.All.EqualTo(Outcome.Pass));
            Assert.That(rest.Select(r => r.Outcome), Is.All.EqualTo(Outcome.NotProvidedByOracle));
            Assert.That(rest.Select(r => r.Reason), Is.All.Contain("not provided by oracle fake-f32-forward").And.All.Contain(ForwardF32Oracle.Why));
            Assert.That(oracle.Calls, Is.EqualTo(cases / 3), "the oracle is not asked for cases it provides nothing of");
            Assert.That(engine.Calls, Is.GreaterThanOrEqualTo(report.Rows.Count), "the subject is the engine given, not NaiveConv directly");
            Assert.That(report.ExitCode(), Is.EqualTo(RunReport.ExitPass), string.Join("\n", report.Reasons()));
        });
    }

    [Test]
    public void RequireAllFailsWithTheReasonInTheSummary()
    {
        var report = Runner.Run(Plan(new ForwardF32Oracle(), new FakeEngine(), Requirement.All));
        Assert.That(report.ExitCode(), Is.EqualTo(RunReport.ExitFail));
        Assert.That(report.Summary.Reasons, Has.Some.Contain("--require all").And.Some.Contain(ForwardF32Oracle.Why));
        Assert.That(report.Count(Outcome.Fail), Is.Zero, "absences are not mismatches");
    }

    [Test]
    public void TheCommandLineSaysTheSameThroughTheRegistry()
    {
        OracleRegistry.Register("fake-f32-forward-cli", "a test's fake", _ => new ForwardF32Oracle());
        var any = CliTestBase.Run("check", "--oracle", "fake-f32-forward-cli", "--set", "basic", "--require", "any");
        var all = CliTestBase.Run("check", "--oracle", "fake-f32-forward-cli", "--set", "basic", "--require", "all");
        Assert.That(any.Code, Is.EqualTo(0), any.ToString());
        Assert.That(any.Out, Does.Contain("not provided by oracle").And.Contain(ForwardF32Oracle.Why));
        Assert.That(all.Code, Is.EqualTo(1), all.ToString());
        Assert.That(all.Out, Does.Contain("--require all").And.Contain(ForwardF32Oracle.Why));
    }

    [Test]
    public void AnEngineAgainstTheDefinitionIsComparedBitwise()
    {
        var c = ConvCase.Create(BenchdnnDescriptor.Parse("mb2ic4ih7oc6oh7kh3ph1"), Fill.Normal);
        var plan = new RunPlan
        {
            Command = "check", Cases = [new CaseEntry(c)], References = [new OracleSource(new EngineOracle(ConvEngines.Naive))],
            Subject = new EngineSource(new FakeEngine()),
        };
        var rows = Runner.RunCase(plan, plan.Cases[0]);
        Assert.That(rows.Select(r => (r.Outcome, r.Tolerance)), Is.All.EqualTo((Outcome.Pass, (Tolerance?)Tolerance.Bitwise)));
    }

    [Test]
    public void AnExceptionFromAnOracleBecomesAnErrorRowWithItsMessage()
    {
        OracleRegistry.Register("fake-throws", "a test's fake", _ => new ThrowingOracle("fake-throws", p => new InvalidOperationException("the fake oracle refuses " + p)));
        var r = CliTestBase.Run("check", "--oracle", "fake-throws", "mb1ic2iw5oc2kw3", "--dtype", "f32", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Out, Does.Contain("ERROR").And.Contain("the fake oracle refuses"));
    }

    [TestCase("1/1", "a", true)]
    [TestCase("0/3", "", false)]
    [TestCase("3/2", "", false)]
    [TestCase("a/b", "", false)]
    [TestCase("1/", "", false)]
    [TestCase("-1/2", "", false)]
    public void ShardsParseOnlyByTheRule(string text, string id, bool valid)
    {
        if (valid) Assert.That(Shard.Parse(text).Contains(id), Is.True);
        else Assert.That(() => Shard.Parse(text), Throws.ArgumentException.With.Message.Contain("1 <= i <= n").And.Message.Contain($"'{text}'"));
    }

    [Test]
    public void ShardsCoverEveryCaseExactlyOnce()
    {
        var ids = CaseSets.Committed.SelectMany(CaseSets.AllVariants).Select(c => c.Id).ToList();
        var shards = Enumerable.Range(1, 4).Select(i => new Shard(i, 4)).ToList();
        Assert.That(ids.Select(id => shards.Count(s => s.Contains(id))), Is.All.EqualTo(1));
        Assert.That(shards.Select(s => ids.Count(s.Contains)), Is.All.GreaterThan(ids.Count / 8), "a usable split");
    }

    [Test]
    public void ReportsRoundTripThroughJson()
    {
        var report = Runner.Run(Plan(new ForwardF32Oracle(), new FakeEngine(), Requirement.All) with
        {
            Cases = [new CaseEntry(ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic2iw5oc2kw3"), Fill.Normal))],
        });
        string path = Path.Combine(Path.GetTempPath(), "convverify-report-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            report.Write(path);
            var back = RunReport.Read(path);
            Assert.That(back.Rows, Is.EqualTo(report.Rows).Using<RunRow>((a, b) => a.Case == b.Case && a.Direction == b.Direction && a.Outcome == b.Outcome && a.Reason == b.Reason && a.Ratio == b.Ratio));
            Assert.That(back.ExitCode(), Is.EqualTo(report.ExitCode()));
            File.WriteAllText(path, "{\"schema\": \"other/9\", \"command\": \"x\", \"subject\": {\"name\": \"a\"}, \"references\": []}");
            Assert.That(() => RunReport.Read(path), Throws.TypeOf<InvalidDataException>().With.Message.Contain("other/9"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void WithTwoOraclesEveryRowSaysWhetherAllSidesAgree()
    {
        var c = ConvCase.Create(BenchdnnDescriptor.Parse("mb2ic3iw6oc4kw3"), Fill.Integer);
        var plan = new RunPlan
        {
            Command = "check", Cases = [new CaseEntry(c)],
            References = [new OracleSource(new EngineOracle(ConvEngines.Naive)), new OracleSource(new ForwardOffByOne())],
            Subject = new EngineSource(ConvEngines.Exact),
        };
        var rows = Runner.RunCase(plan, plan.Cases[0]);
        Assert.That(rows.Where(r => r.Direction == "y").Select(r => r.Consensus), Is.All.EqualTo("disagree"));
        Assert.That(rows.Where(r => r.Direction == "y").Count(r => r.Outcome == Outcome.Fail), Is.EqualTo(2), "exact vs the wrong oracle, and naive vs it");
        Assert.That(rows.Where(r => r.Direction != "y").Select(r => r.Consensus), Is.All.EqualTo("agree"));
        Assert.That(rows, Has.Count.EqualTo(4 * 3), "subject vs each oracle, and the oracles against each other");
    }

    [Test]
    public void AConsensusIsOfOraclesThatBothComputedTheDirection()
    {
        // The probe: soak --oracle torch,ort said "agree" on every float64 and bfloat16 row, where ort computed none of
        // them: one oracle's pass beside another's absence is no consensus.
        var c = ConvCase.Create(BenchdnnDescriptor.Parse("mb2ic3iw6oc4kw3", DType.Float64), Fill.Integer);
        var computes = new DefinitionOracle("computes");
        var declines = new DefinitionOracle("declines") { Declines = DType.Float64 };
        var plan = new RunPlan
        {
            Command = "check", Cases = [new CaseEntry(c)],
            References = [new OracleSource(computes), new OracleSource(declines)],
            Subject = new EngineSource(ConvEngines.Exact),
        };
        var rows = Runner.RunCase(plan, plan.Cases[0]);
        Assert.That(rows.Count(r => r.Outcome == Outcome.Pass), Is.EqualTo(4), "the subject against the oracle that computes, each direction");
        Assert.That(rows.Select(r => r.Consensus), Is.All.Null);
        // Two that computed the direction beside one that declined it do agree, and say so.
        var three = plan with { References = [.. plan.References, new OracleSource(new DefinitionOracle("computes too"))] };
        Assert.That(Runner.RunCase(three, three.Cases[0]).Select(r => r.Consensus), Is.All.EqualTo("agree"));
    }

    [Test]
    public void TheRowsOfARunTakeNoMoreThanTheRun()
    {
        // The probe: with torch,ort the rows' seconds added up to 2.4 times the run's, each of a direction's three rows
        // (the subject against each oracle, the oracles against each other) counting both oracles' calls.
        var plan = new RunPlan
        {
            Command = "check",
            Cases = [new CaseEntry(ConvCase.Create(BenchdnnDescriptor.Parse("mb2ic3iw6oc4kw3"), Fill.Integer))],
            References = [new OracleSource(new SlowOracle("slow-a")), new OracleSource(new SlowOracle("slow-b"))],
            Subject = new EngineSource(ConvEngines.Exact),
        };
        var report = Runner.Run(plan);
        Assert.That(report.Rows, Has.Count.EqualTo(4 * 3));
        double rows = report.Rows.Sum(r => r.Seconds);
        Assert.That(rows, Is.LessThanOrEqualTo(report.Seconds), "the rows' seconds are parts of the run's");
        Assert.That(rows, Is.GreaterThanOrEqualTo(2 * SlowOracle.Delay.TotalSeconds), "the oracles' calls are in the rows");
    }

    /// <summary>The definition, after a pause long enough that the rows' times are mostly the oracles'.</summary>
    private sealed class SlowOracle(string name) : IConvOracle
    {
        public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(300);

        public string Name => name;

        public IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string>();

        public double BoundFactor => 1;

        public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason) => direction.Applies(problem, out reason);

        public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Thread.Sleep(Delay);
            return directions.ToDictionary(d => d, d => d.Compute(ConvEngines.Naive, problem, inputs));
        }
    }

    private sealed class ForwardOffByOne : IConvOracle
    {
        public string Name => "off-by-one";

        public IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string>();

        public double BoundFactor => 1;

        public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason)
        {
            reason = null;
            return true;
        }

        public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var r = directions.ToDictionary(d => d, d => d.Compute(ConvEngines.Naive, problem, inputs));
            r[Direction.Forward][0] += T.One;
            return r;
        }
    }
}
