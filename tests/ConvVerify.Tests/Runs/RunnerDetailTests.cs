using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Convolution;
using ConvVerify.Problems;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Runs;

/// <summary>
/// The pipeline's own decisions, on one small generated case: which directions it asks for, how a verdict becomes a row
/// (outcome, failures, bound factor, error map), what an error row says, and what it reports as it goes.
/// </summary>
public class RunnerDetailTests
{
    // K = 1000 unit-ish products per output: the sound and the probabilistic bound are far apart, so an error between
    // them is found easily (ComparisonDetailTests shows the same on all-ones inputs).
    private static readonly ConvCase Long = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic1iw1000oc1ow1kw1000", hasBias: false), Fill.Normal, 1);
    private static readonly ConvCase Small = ConvCase.Create(BenchdnnDescriptor.Parse("mb2ic2ih4oc3kh3"), Fill.Integer, 1);

    /// <summary>The definition with y[0] moved by <c>delta</c>, optionally asking for a wider bound.</summary>
    private sealed class Nudged(double delta, double factor = 1.0, string name = "nudged") : ResultSource
    {
        private readonly EngineSource _engine = new(ConvEngines.Naive);

        public override string Name => name;

        public override double BoundFactor => factor;

        public override SourceResults<T> Produce<T>(LoadedCase<T> c, IReadOnlyList<Direction> directions)
        {
            var r = _engine.Produce(c, directions);
            if (r.Values.TryGetValue(Direction.Forward, out var y))
            {
                y = (T[])y.Clone();
                y[0] += T.CreateChecked(delta);
                r.Values[Direction.Forward] = y;
            }
            return r;
        }
    }

    private static RunPlan Plan(ConvCase c, ResultSource subject, ResultSource? reference = null) => new()
    {
        Command = "test",
        Cases = [new CaseEntry(c)],
        References = [reference ?? new EngineSource(ConvEngines.Naive)],
        Subject = subject,
        Directions = [Direction.Forward],
        ToleranceRule = (_, _, _) => Tolerance.Probabilistic,
    };

    // The two bounds of y[0] of the long case, computed by the comparison (tested on its own in ComparisonDetailTests).
    private static (double Tau, double Sound) Bounds()
    {
        var inputs = Long.MakeInputs<float>();
        float[] y = Direction.Forward.Compute(ConvEngines.Naive, Long.Problem, inputs);
        return (TensorComparison.ProbabilisticBounds(Long.Problem, Direction.Forward, inputs, y)[0],
            TensorComparison.Bounds(Long.Problem, Direction.Forward, inputs)[0]);
    }

    [Test]
    public void AnErrorBetweenTheBoundsIsASuspiciousRowCountedAsOneFailure()
    {
        var (tau, sound) = Bounds();
        Assert.That(sound, Is.GreaterThan(4 * tau), "the case leaves room between the bounds");
        var row = Runner.Run(Plan(Long, new Nudged(2 * tau))).Rows.Single();
        Assert.That((row.Outcome, row.Failures), Is.EqualTo((Outcome.Suspicious, 1)), row.Reason);
        var failed = Runner.Run(Plan(Long, new Nudged(2 * sound))).Rows.Single();
        Assert.That((failed.Outcome, failed.Failures), Is.EqualTo((Outcome.Fail, 1)), failed.Reason);
    }

    [Test]
    public void TheWiderBoundFactorOfEitherSideApplies()
    {
        // The factor widens the sound bound (the probabilistic one is a property of the sum, not of the algorithm).
        var (tau, _) = Bounds();
        double Ratio(RunPlan plan) => Runner.Run(plan with { ToleranceRule = (_, _, _) => Tolerance.SoundBound }).Rows.Single().Ratio!.Value;
        double plain = Ratio(Plan(Long, new Nudged(2 * tau)));
        Assert.That(plain, Is.GreaterThan(0));
        double subjectWide = Ratio(Plan(Long, new Nudged(2 * tau, factor: 2)));
        Assert.That(subjectWide, Is.EqualTo(plain / 2));
        // A wide reference and a narrow subject: still the wide one.
        var reference = new Nudged(0, factor: 4, name: "wide");
        double referenceWide = Ratio(Plan(Long, new Nudged(2 * tau), reference));
        Assert.That(referenceWide, Is.EqualTo(plain / 4));
    }

    [Test]
    public void OnlyRowsThatDoNotPassCarryAnErrorMapAndOnlyWhenAsked()
    {
        var (_, sound) = Bounds();
        Assert.That(Runner.Run(Plan(Long, new Nudged(2 * sound)) with { ErrorMaps = true }).Rows.Single().Map, Is.Not.Null);
        Assert.That(Runner.Run(Plan(Long, new Nudged(2 * sound))).Rows.Single().Map, Is.Null);
        Assert.That(Runner.Run(Plan(Long, new Nudged(0)) with { ErrorMaps = true }).Rows.Single().Map, Is.Null);
    }

    /// <summary>The definition with every y element moved up by twice its own sound bound.</summary>
    private sealed class PastTheSoundBound : ResultSource
    {
        private readonly EngineSource _engine = new(ConvEngines.Naive);

        public override string Name => "past";

        public override SourceResults<T> Produce<T>(LoadedCase<T> c, IReadOnlyList<Direction> directions)
        {
            var r = _engine.Produce(c, directions);
            var y = (T[])r.Values[Direction.Forward].Clone();
            double[] sound = TensorComparison.Bounds(c.Case.Problem, Direction.Forward, c.Inputs);
            for (int i = 0; i < y.Length; i++) y[i] += T.CreateChecked(2 * sound[i]);
            r.Values[Direction.Forward] = y;
            return r;
        }
    }

    [Test]
    public void AtSmallKAFailingRowIsPastItsBoundAndItsMapRingsEveryFailure()
    {
        // K = 4 (3 taps and the bias): τ is above the sound bound on every element (Q ≥ M²/K, so τ ≥ 16·u·M/√3 ≈ 9.2·u·M
        // against 2·γ_4·M ≈ 8·u·M), so every element of this subject is past the sound bound and many are within τ.
        var small = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic1iw64oc1kw3"), Fill.Normal, 1);
        var row = Runner.Run(Plan(small, new PastTheSoundBound()) with { ErrorMaps = true }).Rows.Single();
        Assert.That((row.Outcome, row.Failures), Is.EqualTo((Outcome.Fail, 62)), row.Reason);
        Assert.That(row.Ratio, Is.GreaterThanOrEqualTo(1), row.Reason);
        Assert.That(row.Worst!.Bound, Is.LessThanOrEqualTo(row.Worst.SoundBound!.Value));
        Assert.That(row.Map!.Ratios, Has.All.GreaterThanOrEqualTo(1));
        Assert.That(Comparison.ProbabilisticCapTests.PastTheBound(row.Map), Is.EqualTo(row.Failures));
    }

    [Test]
    public void ThePlansDirectionsAndTheCasesBothNarrowWhatIsChecked()
    {
        var plan = Plan(Small, new EngineSource(ConvEngines.Default)) with { ToleranceRule = null, Directions = [Direction.BackwardData, Direction.BackwardBias] };
        Assert.That(Runner.Run(plan).Rows.Select(r => r.Direction), Is.EqualTo(new[] { "dx", "db" }));
        var narrowed = plan with { Cases = [new CaseEntry(Small) { Directions = [Direction.BackwardBias, Direction.Forward] }] };
        Assert.That(Runner.Run(narrowed).Rows.Select(r => r.Direction), Is.EqualTo(new[] { "db" }));
        Assert.That(Runner.Run(plan with { Directions = null }).Rows.Select(r => r.Direction), Is.EqualTo(new[] { "y", "dx", "dw", "db" }));
    }

    [Test]
    public void ProgressHearsEachCaseDoneOutOfTheTotal()
    {
        var heard = new List<(int, int)>();
        var plan = Plan(Small, new EngineSource(ConvEngines.Default)) with
        {
            Cases = [new CaseEntry(Small), new CaseEntry(Small with { Id = "second" }), new CaseEntry(Small with { Id = "third" })],
        };
        Runner.Run(plan, (done, total) => heard.Add((done, total)));
        Assert.That(heard, Is.EqualTo(new[] { (1, 3), (2, 3), (3, 3) }));
    }

    private sealed class Throwing : ResultSource
    {
        public override string Name => "throwing";

        public override SourceResults<T> Produce<T>(LoadedCase<T> c, IReadOnlyList<Direction> directions) =>
            throw new InvalidOperationException("cannot compute this");
    }

    [Test]
    public void ACaseThatCannotBeCheckedIsOneErrorRowForEveryDirectionNamingEveryReference()
    {
        var plan = Plan(Small, new Throwing(), new EngineSource(ConvEngines.Naive)) with
        {
            References = [new EngineSource(ConvEngines.Naive), new Nudged(0, name: "second")],
        };
        var row = Runner.Run(plan).Rows.Single();
        Assert.That((row.Outcome, row.Direction, row.Reference, row.Subject, row.Reason),
            Is.EqualTo((Outcome.Error, "*", "naive,second", "throwing", "cannot compute this")));
        Assert.That((row.Case, row.Descriptor, row.DType, row.Fill), Is.EqualTo((Small.Id, Small.Problem.ToString(), "f32", "integer")));
    }

    /// <summary>Breaks the contract of <see cref="ResultSource.Produce{T}"/>: for forward, neither a result nor an absence (or a null result).</summary>
    private sealed class Silent(bool nullResult, bool nullResults = false) : ResultSource
    {
        public override string Name => "silent";

        public override SourceResults<T> Produce<T>(LoadedCase<T> c, IReadOnlyList<Direction> directions)
        {
            if (nullResults) return null!;
            var r = new SourceResults<T>();
            if (nullResult) r.Values[Direction.Forward] = null!;
            return r;
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public void ASourceThatReturnsNoResultsAtAllIsAnErrorNamingIt(bool asSubject)
    {
        var silent = new Silent(false, nullResults: true);
        var plan = asSubject ? Plan(Small, silent) : Plan(Small, new EngineSource(ConvEngines.Naive), silent);
        var row = Runner.Run(plan).Rows.Single();
        Assert.That((row.Direction, row.Outcome, row.Reason), Is.EqualTo(("*", Outcome.Error, "source silent returned null, not its results")));
    }

    [TestCase(false, true)]
    [TestCase(false, false)]
    [TestCase(true, true)]
    [TestCase(true, false)]
    public void ASourceThatLeavesADirectionUnansweredIsAnErrorOfThatDirectionNamingIt(bool nullResult, bool asSubject)
    {
        // The probe: the pipeline's dictionary lookup threw, and the case became one error row for every direction saying
        // "The given key 'Forward' was not present in the dictionary." (or a NullReferenceException's sentence).
        var plan = asSubject ? Plan(Small, new Silent(nullResult)) : Plan(Small, new EngineSource(ConvEngines.Naive), new Silent(nullResult));
        var row = Runner.Run(plan).Rows.Single();
        Assert.That((row.Direction, row.Outcome, row.Reason), Is.EqualTo(("y", Outcome.Error, "y: source silent gave neither a result nor the reason it has none")));
    }

    [Test]
    public void NullArgumentsAreRefusedByName()
    {
        var plan = Plan(Small, new EngineSource(ConvEngines.Default));
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<ArgumentNullException>(() => Runner.Run(null!))!.ParamName, Is.EqualTo("plan"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Runner.RunCase(null!, new CaseEntry(Small)))!.ParamName, Is.EqualTo("plan"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Runner.RunCase(plan, null!))!.ParamName, Is.EqualTo("entry"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Runner.ErrorRow(null!, Small, "y", "r"))!.ParamName, Is.EqualTo("plan"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Runner.ErrorRow(plan, null!, "y", "r"))!.ParamName, Is.EqualTo("c"));
        });
    }
}
