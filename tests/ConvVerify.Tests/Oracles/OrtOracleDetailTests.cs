using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Oracles;

/// <summary>
/// ONNX Runtime's adapter beyond agreement with the definition: float16 through ORT's own half type, each input of the
/// wrong size named, the reasons per dtype, the session cache's limit, and the definition as an oracle.
/// </summary>
public class OrtOracleDetailTests
{
    private static readonly ConvProblem Small = BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3");

    [Test]
    public void Float16GoesThroughOrtsHalfTypeAndComesBackExact()
    {
        // Integer fill, 27 products per output: every value and sum is an integer far below float16's 2048, so exact.
        var p = Small.WithDType(DType.Float16);
        var inputs = ConvCase.Create(p, Fill.Integer, 3).MakeInputs<float>();
        using var oracle = new OrtOracle();
        var ort = oracle.Compute(p, inputs, Directions.All);
        foreach (var d in Directions.All)
            Bitwise.AssertEqual(ort[d], d.Compute(ConvEngines.Naive, p.WithDType(DType.Float32), inputs), d.TensorName());
    }

    [TestCase("x", 75)]
    [TestCase("w", 432)]
    [TestCase("b", 16)]
    public void EachInputOfTheWrongSizeIsNamedWithTheProblem(string tensor, int size)
    {
        var inputs = ConvCase.Create(Small, Fill.Integer).MakeInputs<float>();
        inputs = tensor switch
        {
            "x" => inputs with { X = inputs.X[1..] },
            "w" => inputs with { W = inputs.W[1..] },
            _ => inputs with { B = inputs.B[1..] },
        };
        using var oracle = new OrtOracle();
        var e = Assert.Throws<ArgumentException>(() => oracle.Compute(Small, inputs, [Direction.Forward]))!;
        Assert.That(e.Message, Does.StartWith($"inputs.{tensor}: expected {size} elements, got {size - 1}: mb1ic3ih5oc16oh3kh3ph0 (float32, bias)"));
        Assert.That(e.ParamName, Is.EqualTo("inputs"));
        var noBias = BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3", hasBias: false);
        var short_ = ConvCase.Create(noBias, Fill.Integer).MakeInputs<float>();
        Assert.That(() => oracle.Compute(noBias, short_ with { X = short_.X[1..] }, [Direction.Forward]),
            Throws.ArgumentException.With.Message.Contains("(float32, no bias)"));
    }

    [Test]
    public void EachDTypeOrtLacksHasItsOwnReason()
    {
        using var oracle = new OrtOracle();
        Assert.That(oracle.Provides(Small.WithDType(DType.BFloat16), Direction.Forward, out string? bf16), Is.False);
        Assert.That(oracle.Provides(Small.WithDType(DType.Float64), Direction.Forward, out string? f64), Is.False);
        Assert.That((bf16, f64), Is.EqualTo((OrtOracle.BFloat16Reason, OrtOracle.Float64Reason)));
        Assert.That(bf16, Is.Not.EqualTo(f64));
        Assert.That(oracle.Provides(Small.WithDType(DType.Float16), Direction.BackwardWeights, out _), Is.True);
    }

    [Test]
    public void TheSessionCacheStartsAfreshPastItsLimit()
    {
        // 1,024 sessions are kept; the 1,025th problem empties the cache first (tiny 1-D problems: ~0.2 ms a session).
        using var oracle = new OrtOracle();
        for (int n = 1; n <= 1024; n++)
        {
            var p = BenchdnnDescriptor.Parse($"mb1ic1iw{n}oc1kw1", hasBias: false);
            oracle.Compute(p, ConvCase.Create(p, Fill.Integer).MakeInputs<float>(), [Direction.Forward]);
        }
        Assert.That(oracle.CachedSessions, Is.EqualTo(1024));
        var last = BenchdnnDescriptor.Parse("mb1ic1iw1025oc1kw1", hasBias: false);
        oracle.Compute(last, ConvCase.Create(last, Fill.Integer).MakeInputs<float>(), [Direction.Forward]);
        Assert.That(oracle.CachedSessions, Is.EqualTo(1));
        oracle.Dispose();
        Assert.That(oracle.CachedSessions, Is.EqualTo(0), "disposing releases every session");
    }

    [Test]
    public void NullArgumentsAreRefusedByName()
    {
        using var oracle = new OrtOracle();
        var inputs = ConvCase.Create(Small, Fill.Integer).MakeInputs<float>();
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<ArgumentNullException>(() => oracle.Provides(null!, Direction.Forward, out _))!.ParamName, Is.EqualTo("problem"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => oracle.Compute(null!, inputs, [Direction.Forward]))!.ParamName, Is.EqualTo("problem"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => oracle.Compute<float>(Small, null!, [Direction.Forward]))!.ParamName, Is.EqualTo("inputs"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => oracle.Compute(Small, inputs, null!))!.ParamName, Is.EqualTo("directions"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => new EngineOracle(ConvEngines.Naive).Compute(Small, inputs, null!))!.ParamName, Is.EqualTo("directions"));
        });
    }

    [Test]
    public void TheDefinitionAsAnOracleRecordsThisLibrarysVersion()
    {
        var versions = new EngineOracle(ConvEngines.Exact).Versions;
        Assert.That(versions.Keys, Is.EqualTo(new[] { "convverify" }));
        Assert.That(versions["convverify"], Does.Match(@"^\d+\.\d+\.\d+\.\d+$"));
    }
}
