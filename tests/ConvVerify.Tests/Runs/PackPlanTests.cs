using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Runs;

/// <summary>
/// Plans over packs without live torch: reading a pack's cases (a broken one an error row), its integrity rows, what the
/// pack is called as a reference, and the freshness check against the definition as the oracle (bitwise when the
/// versions match, stale inputs found, and the read-only plan when the oracle is not here).
/// </summary>
public class PackPlanTests : TempFolderTest
{
    private static readonly ConvCase Integer = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic2ih4oc2kh3"), Fill.Integer, 1) with { Id = "integer" };
    private static readonly ConvCase Normal = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic2ih5oc2kh3"), Fill.Normal, 1) with { Id = "normal" };
    private static readonly IConvOracle Naive = new EngineOracle(ConvEngines.Naive);

    // A pack of the oracle's results (the naive engine's by default); `alterX` may change the x written (stale inputs).
    private FixturePack Pack(string name, IConvOracle? oracle = null, Action<float[]>? alterX = null, ConvCase[]? cases = null,
        Func<ConvInputs<float>, ConvInputs<float>>? alter = null)
    {
        oracle ??= Naive;
        string dir = Path.Combine(Dir, name);
        var writer = new PackWriter(dir, force: false);
        foreach (var c in cases ?? [Integer, Normal])
        {
            var inputs = c.MakeInputs<float>();
            var results = oracle.Compute(c.Problem, inputs, Directions.For(c.Problem));
            alterX?.Invoke(inputs.X);
            writer.Add(c, alter?.Invoke(inputs) ?? inputs, results);
        }
        writer.Complete("test", oracle.Name, oracle.Versions);
        return FixturePack.Open(dir);
    }

    [Test]
    public void ABrokenCaseFileIsAnErrorRowAndTheOtherCasesStillRun()
    {
        var pack = Pack("p");
        File.WriteAllText(Path.Combine(pack.Directory, "integer", "case.json"), "{");
        var warnings = new List<string>();
        var errors = new List<RunRow>();
        var cases = Plans.ReadCases(pack, warnings, errors);
        Assert.That(cases.Select(c => c.Case.Id), Is.EqualTo(new[] { "normal" }));
        var row = errors.Single();
        Assert.That((row.Case, row.Descriptor, row.DType, row.Fill, row.Direction, row.Reference, row.Subject, row.Outcome),
            Is.EqualTo(("integer", "?", "?", "?", "*", "pack", "-", Outcome.Error)));
        Assert.That(row.Reason, Does.Contain("case.json"));
        // Cases not asked for are not read: the broken one is then no error.
        var onlyNormal = new List<RunRow>();
        Assert.That(Plans.ReadCases(pack, warnings, onlyNormal, ["normal"]).Select(c => c.Case.Id), Is.EqualTo(new[] { "normal" }));
        Assert.That(onlyNormal, Is.Empty);
    }

    [Test]
    public void AFileFailingItsHashIsARowWithTheOutcomeAsked()
    {
        var pack = Pack("p");
        File.AppendAllText(Path.Combine(pack.Directory, "normal", "y.npy"), "x");
        var errors = new List<RunRow>();
        Plans.OpenChecked(pack.Directory, [], errors, Outcome.Fail);
        var row = errors.Single();
        Assert.That((row.Case, row.Descriptor, row.DType, row.Fill, row.Direction, row.Reference, row.Subject, row.Outcome),
            Is.EqualTo(("(pack)", "-", "-", "-", "*", "pack", "-", Outcome.Fail)));
        Assert.That(row.Reason, Does.StartWith(Plans.CorruptPrefix).And.Contain("normal/y.npy"));
        // A cause only on an ERROR row (the report reader refuses one elsewhere), and then said: the pack is the input.
        Assert.That(row.Cause, Is.Null);
        var asOracle = new List<RunRow>();
        Plans.OpenChecked(pack.Directory, [], asOracle);
        Assert.That((asOracle.Single().Outcome, asOracle.Single().Cause), Is.EqualTo((Outcome.Error, (ErrorCause?)ErrorCause.Input)));
    }

    [Test]
    public void PacksAsAReferenceAreNamedWithTheirOracleAndItsVersionsWhenTheyAgree()
    {
        var a = Pack("a", new DefinitionOracle("lib", ("lib", "1")), cases: [Integer]);
        var b = Pack("b", new DefinitionOracle("lib", ("lib", "1")), cases: [Normal]);
        var c = Pack("c", new DefinitionOracle("lib", ("lib", "2")), cases: [Normal]);
        var d = Pack("d", new DefinitionOracle("other", ("lib", "1")), cases: [Normal]);
        var one = Plans.Reference([a]);
        Assert.That((one.Name, one.Versions["lib"]), Is.EqualTo(($"pack {a.Directory} (lib)", "1")));
        var two = Plans.Reference([a, b], "committed packs");
        Assert.That((two.Name, two.Versions["lib"]), Is.EqualTo(("committed packs (lib)", "1")));
        var differ = Plans.Reference([a, c]);
        Assert.That((differ.Name, differ.Versions.Count), Is.EqualTo(("packs (lib)", 0)), "versions that differ are no one's");
        Assert.That(Plans.Reference([a, d]).Name, Is.EqualTo("packs"));
    }

    [Test]
    public void TheVersionsAreTheSameOnlyForTheSameOracleWithEveryVersionRecorded()
    {
        var pack = Pack("p", new DefinitionOracle("lib", ("lib", "1")), cases: [Integer]);
        Assert.That(Freshness.SameVersions(pack.Manifest, new DefinitionOracle("lib", ("lib", "1"))), Is.True);
        Assert.That(Freshness.SameVersions(pack.Manifest, new DefinitionOracle("lib", ("lib", "2"))), Is.False);
        Assert.That(Freshness.SameVersions(pack.Manifest, new DefinitionOracle("other", ("lib", "1"))), Is.False);
        Assert.That(Freshness.SameVersions(null, new DefinitionOracle("lib", ("lib", "1"))), Is.False);
    }

    [Test]
    public void AFreshPackIsComparedBitwiseWhenTheVersionsMatchAndWithinBoundsWhenNot()
    {
        var pack = Pack("p", new DefinitionOracle("lib", ("lib", "1")));
        var same = Runner.Run(Freshness.Plan(pack, new DefinitionOracle("lib", ("lib", "1"))));
        Assert.That(same.Command, Is.EqualTo("fixtures check"));
        Assert.That(same.Rows.Select(r => (r.Reference, r.Subject, r.Outcome, r.Tolerance)).Distinct(),
            Is.EqualTo(new[] { ("pack", "lib", Outcome.Pass, (Tolerance?)Tolerance.Bitwise) }));
        Assert.That(same.Warnings, Is.Empty);
        var newer = Runner.Run(Freshness.Plan(pack, new DefinitionOracle("lib", ("lib", "2"))));
        Assert.That(newer.Rows.Where(r => r.Case == "integer").Select(r => r.Tolerance).Distinct(), Is.EqualTo(new Tolerance?[] { Tolerance.ExactValues }));
        Assert.That(newer.Rows.Where(r => r.Case == "normal").Select(r => r.Tolerance).Distinct(), Is.EqualTo(new Tolerance?[] { Tolerance.SoundBound }));
        Assert.That(newer.Warnings, Has.Count.EqualTo(1), "the versions' warning (its words: RunsDetailTests)");
        Assert.That(newer.Rows.Select(r => r.Reference).Distinct().Single(), Is.EqualTo("pack"));
    }

    [Test]
    public void CasesTheOracleDeclinesHereAreReadButNotJudgedAndTheRestMustPass()
    {
        var bf16 = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic2ih4oc2kh3", DType.BFloat16), Fill.Integer, 1) with { Id = "bf16" };
        var pack = Pack("p", new DefinitionOracle("lib", ("lib", "1")), cases: [Integer, bf16]);
        var declining = new DefinitionOracle("lib", ("lib", "1")) { Declines = DType.BFloat16 };
        var report = Runner.Run(Freshness.Plan(pack, declining));
        Assert.That(report.Warnings, Is.EqualTo(new[] { $"freshness not checked for 1 of 2 cases, which lib declines here (first bf16): {DefinitionOracle.DeclineReason}" }));
        Assert.That(report.Requirement, Is.EqualTo(Requirement.Any));
        Assert.That(report.Rows.Select(r => (r.Case, r.Outcome)).Distinct(), Is.EqualTo(new[] { ("integer", Outcome.Pass), ("bf16", Outcome.NotProvidedByOracle) }));
        Assert.That(report.ExitCode(), Is.EqualTo(RunReport.ExitPass));
        // What it does provide must still be fresh.
        var stale = Pack("q", new DefinitionOracle("lib", ("lib", "1")), alterX: x => x[0] += 1, cases: [Integer, bf16]);
        Assert.That(Runner.Run(Freshness.Plan(stale, declining)).ExitCode(), Is.EqualTo(RunReport.ExitFail));
        // An oracle that declines nothing keeps --require all.
        Assert.That(Freshness.Plan(pack, new DefinitionOracle("lib", ("lib", "1"))).Requirement, Is.EqualTo(Requirement.All));
    }

    [Test]
    public void InputsTheGeneratorNoLongerMakesFailEveryDirectionNamingTheFile()
    {
        var pack = Pack("p", alterX: x => x[3] += 1, cases: [Integer]);
        var report = Runner.Run(Freshness.Plan(pack, Naive));
        string x = Path.Combine(pack.Directory, "integer", "x.npy");
        Assert.That(report.Rows.Select(r => (r.Direction, r.Outcome, r.Reason)), Is.EqualTo(Directions.For(Integer.Problem).Select(d =>
            (d.TensorName(), Outcome.Fail, $"{x}: differs from the inputs the generator makes today from seed {Integer.Seed} (first at flat index 3)"))));
    }

    [Test]
    public void WithoutItsOracleAPackIsStillReadAndEveryDirectionSaysWhyItWasNotChecked()
    {
        var pack = Pack("p", cases: [Integer]);
        var report = Runner.Run(Freshness.ReadOnlyPlan(pack, "torch is not installed"));
        Assert.That(report.Warnings, Is.EqualTo(new[] { "freshness not checked: torch is not installed" }));
        Assert.That(report.Rows.Select(r => (r.Direction, r.Reference, r.Subject, r.Outcome, r.Reason)), Is.EqualTo(Directions.For(Integer.Problem).Select(d =>
            (d.TensorName(), "pack", "naive", Outcome.NotProvidedByOracle, $"{d.TensorName()}: freshness not checked: torch is not installed"))));
        Assert.That((report.Command, report.ExitCode()), Is.EqualTo(("fixtures check", RunReport.ExitPass)), "nothing compared is no failure here");
        // A broken case is still found.
        File.WriteAllText(Path.Combine(pack.Directory, "integer", "case.json"), "{");
        Assert.That(Runner.Run(Freshness.ReadOnlyPlan(pack, "no torch")).ExitCode(), Is.EqualTo(RunReport.ExitBadInput));
    }

    [Test]
    public void NullArgumentsAreRefusedByName()
    {
        var pack = Pack("p", cases: [Integer]);
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<ArgumentNullException>(() => Plans.ReadCases((FixturePack)null!, [], []))!.ParamName, Is.EqualTo("pack"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Plans.ReadCases(pack, null!, []))!.ParamName, Is.EqualTo("warnings"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Plans.ReadCases(pack, [], null!))!.ParamName, Is.EqualTo("errors"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Plans.OpenChecked(pack.Directory, null!, []))!.ParamName, Is.EqualTo("warnings"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Plans.OpenChecked(pack.Directory, [], null!))!.ParamName, Is.EqualTo("errors"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Plans.Reference(null!))!.ParamName, Is.EqualTo("packs"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Plans.Matches(null!, Integer))!.ParamName, Is.EqualTo("wanted"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Plans.Matches(Integer, null!))!.ParamName, Is.EqualTo("have"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Freshness.Plan(null!, Naive))!.ParamName, Is.EqualTo("pack"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Freshness.Plan(pack, null!))!.ParamName, Is.EqualTo("oracle"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Freshness.ReadOnlyPlan(null!, "why"))!.ParamName, Is.EqualTo("pack"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Freshness.SameVersions(null, null!))!.ParamName, Is.EqualTo("oracle"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => RunPlan.DefaultTolerance(Integer, null!, new PackSource()))!.ParamName, Is.EqualTo("reference"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => RunPlan.DefaultTolerance(Integer, new PackSource(), null!))!.ParamName, Is.EqualTo("subject"));
        });
    }

    [TestCase("w")]
    [TestCase("b")]
    [TestCase("dy")]
    public void EachStaleInputIsNamedFromItsFirstElement(string tensor)
    {
        static float[] Bumped(float[] a)
        {
            var copy = (float[])a.Clone();
            copy[0] += 1;
            return copy;
        }
        var pack = Pack("p", cases: [Integer], alter: i => tensor switch
        {
            "w" => i with { W = Bumped(i.W) },
            "b" => i with { B = Bumped(i.B) },
            _ => i with { Dy = Bumped(i.Dy) },
        });
        var row = Runner.Run(Freshness.Plan(pack, Naive)).Rows.First();
        Assert.That(row.Reason, Is.EqualTo($"{Path.Combine(pack.Directory, "integer", tensor + ".npy")}: differs from the inputs the generator makes today from seed {Integer.Seed} (first at flat index 0)"));
    }

    [Test]
    public void EveryVersionMustMatchNotJustOne()
    {
        var pack = Pack("p", new DefinitionOracle("lib", ("lib", "1"), ("other", "1")), cases: [Integer]);
        Assert.That(Freshness.SameVersions(pack.Manifest, new DefinitionOracle("lib", ("lib", "1"), ("other", "1"))), Is.True);
        Assert.That(Freshness.SameVersions(pack.Manifest, new DefinitionOracle("lib", ("lib", "1"), ("other", "2"))), Is.False);
    }

    [Test]
    public void APackWithoutAManifestHasUnknownVersions()
    {
        var pack = Pack("p", new DefinitionOracle("lib", ("lib", "1")), cases: [Integer]);
        File.Delete(Path.Combine(pack.Directory, "manifest.json"));
        var plan = Freshness.Plan(FixturePack.Open(pack.Directory), new DefinitionOracle("lib", ("lib", "1")));
        Assert.That(plan.Warnings, Does.Contain("the pack was made with (unknown versions), live lib is [lib 1]: normal-fill results are compared within the sound bound, not bitwise"));
    }

    [Test]
    public void OtherVersionsAreNamedOnBothSides()
    {
        var pack = Pack("p", new DefinitionOracle("lib", ("lib", "1"), ("cpu", "avx2"), ("blas", "3")), cases: [Integer]);
        var plan = Freshness.Plan(pack, new DefinitionOracle("lib", ("lib", "2"), ("cpu", "avx512f"), ("blas", "3")));
        Assert.That(plan.Warnings, Does.Contain("the pack was made with [blas 3; lib 1; cpu avx2], live lib is [blas 3; lib 2; cpu avx512f]: "
            + "normal-fill results are compared within the sound bound, not bitwise"));
    }

    [Test]
    public void TheDefaultRuleIsBitwiseBetweenDefinitionsExactForIntegersAndProbabilisticOtherwise()
    {
        var engine = new EngineSource(ConvEngines.Naive);
        var pack = new PackSource();
        Assert.That(RunPlan.DefaultTolerance(Integer, engine, new EngineSource(ConvEngines.Exact)), Is.EqualTo(Tolerance.Bitwise));
        Assert.That(RunPlan.DefaultTolerance(Normal, engine, new EngineSource(ConvEngines.Exact)), Is.EqualTo(Tolerance.Bitwise));
        Assert.That(RunPlan.DefaultTolerance(Integer, pack, engine), Is.EqualTo(Tolerance.ExactValues));
        Assert.That(RunPlan.DefaultTolerance(Normal, engine, pack), Is.EqualTo(Tolerance.Probabilistic));
        // bfloat16 and float16 have the tier too, inside their own rule; their integer fill is exact as float32's.
        foreach (var narrow in new[] { DType.BFloat16, DType.Float16 })
        {
            var c = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic2ih5oc2kh3").WithDType(narrow), Fill.Normal, 1);
            Assert.That(RunPlan.DefaultTolerance(c, engine, pack), Is.EqualTo(Tolerance.Probabilistic), narrow.ToString());
            Assert.That(RunPlan.SoundTolerance(c, engine, pack), Is.EqualTo(Tolerance.SoundBound), narrow.ToString());
            var i = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic2ih5oc2kh3").WithDType(narrow), Fill.Integer, 1);
            Assert.That(RunPlan.DefaultTolerance(i, engine, pack), Is.EqualTo(Tolerance.ExactValues), narrow.ToString());
        }
        Assert.That(Assert.Throws<ArgumentNullException>(() => RunPlan.DefaultTolerance(null!, pack, pack))!.ParamName, Is.EqualTo("c"));
    }
}
