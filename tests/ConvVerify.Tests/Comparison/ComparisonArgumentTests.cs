using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Comparison;

/// <summary>Arguments the comparison cannot mean anything by are refused by name, never judged.</summary>
public class ComparisonArgumentTests
{
    [TestCase(-1.0)]
    [TestCase(double.NegativeInfinity)]
    [TestCase(-double.Epsilon)]
    public void ANegativeErrorIsRefusedNotPassed(double error)
    {
        // The probe: Judge(−1, 1, 1) and Judge(−∞, 1, 1) were Pass, so a caller passing actual − expected passed every low element.
        Assert.That(() => TensorComparison.Judge(error, 1, 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("error"));
        Assert.That(TensorComparison.Judge(-0.0, 1, 1), Is.EqualTo(Judgement.Pass), "−0 is no error");
    }

    private static readonly ConvProblem Dot = BenchdnnDescriptor.Parse("mb1ic1iw2oc1ow1kw2", hasBias: false);

    private static readonly ConvInputs<float> DotInputs = new([1f, 2f], [3f, 4f], [], [1f]);

    [Test]
    public void AnUnknownToleranceIsRefused()
    {
        // The probe: (Tolerance)99 was judged as exact equality while the verdict read "within the sound summation bound".
        Assert.That(() => TensorComparison.Compare(Dot, Direction.Forward, DotInputs, [11f], [11f], (Tolerance)99),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("tolerance").And.Message.StartsWith("tolerance: unknown value 99"));
        Assert.That(() => TensorComparison.Ratios(Dot, Direction.Forward, DotInputs, [11f], [12f], (Tolerance)99),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("tolerance"));
    }

    [Test]
    public void RatiosRefuseWhatCompareRefusesWhateverTheRule()
    {
        // The probe: under exact equality Ratios read neither the inputs nor the factor, and took null and NaN.
        Assert.That(() => TensorComparison.Ratios(Dot, Direction.Forward, null!, [11f], [12f], Tolerance.ExactValues),
            Throws.ArgumentNullException.With.Property("ParamName").EqualTo("inputs"));
        Assert.That(() => TensorComparison.Ratios(Dot, Direction.Forward, DotInputs, [11f], [12f], Tolerance.ExactValues, double.NaN),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("boundFactor"));
        Assert.That(TensorComparison.Ratios(Dot, Direction.Forward, DotInputs, [11f], [12f], Tolerance.ExactValues), Is.EqualTo(new[] { double.PositiveInfinity }));
    }

    [Test]
    public void InputsWithANullTensorAreRefusedByName()
    {
        // The probe: ConvInputs took a null x, and Compare under the sound bound threw NullReferenceException lifting it.
        Assert.That(() => new ConvInputs<float>(null!, [3f, 4f], [], [1f]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("X"));
        Assert.That(() => new ConvInputs<float>([1f, 2f], null!, [], [1f]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("W"));
        Assert.That(() => new ConvInputs<float>([1f, 2f], [3f, 4f], null!, [1f]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("B"));
        Assert.That(() => DotInputs with { Dy = null! }, Throws.ArgumentNullException.With.Property("ParamName").EqualTo("Dy"));
        Assert.That((DotInputs with { B = [] }).X, Is.EqualTo(new[] { 1f, 2f }));
        // The message says which record refused, as ResultsWithANullTensorAreRefusedByName's says "a result".
        Assert.That(() => DotInputs with { W = null! }, Throws.ArgumentNullException.With.Message.StartsWith(
            "W: a tensor of the inputs is null; an absent one is empty"));
    }

    [Test]
    public void ResultsWithANullTensorAreRefusedByName()
    {
        // Results come from implementations under test: a null one is named where it is made, not met later as a
        // NullReferenceException where it is compared or written.
        Assert.That(() => new ConvResults<float>(null!, [], [], []), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("Y"));
        Assert.That(() => new ConvResults<float>([], null!, [], []), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("Dx"));
        Assert.That(() => new ConvResults<float>([], [], null!, []), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("Dw"));
        var results = new ConvResults<float>([1f], [2f], [3f], []);
        Assert.That(() => results with { Db = null! }, Throws.ArgumentNullException.With.Property("ParamName").EqualTo("Db"));
        Assert.That((results with { Db = [4f] }).Get(Direction.BackwardBias), Is.EqualTo(new[] { 4f }));
        Assert.That(() => new ConvResults<float>([], [], [], null!), Throws.ArgumentNullException.With.Message.StartsWith(
            "Db: a result is null; an absent one is empty"));
    }

    [Test]
    public void AnInfiniteBoundFactorIsRefusedByName()
    {
        // The probe: factor ∞ passed the "≥ 1" check and made every bound infinite, under which a y one float32 ulp off its
        // expected value failed as "outside the sound summation bound ... bound Infinity": exact equality under another name.
        var inf = double.PositiveInfinity;
        Assert.Multiple(() =>
        {
            Assert.That(() => TensorComparison.Compare(Dot, Direction.Forward, DotInputs, [11f], [11f], Tolerance.SoundBound, inf),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("boundFactor")
                    .And.Message.StartsWith("an infinite bound factor bounds nothing: every element that differs at all would fail"));
            Assert.That(() => TensorComparison.Ratios(Dot, Direction.Forward, DotInputs, [11f], [12f], Tolerance.ExactValues, inf),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("boundFactor"));
            Assert.That(() => TensorComparison.Bounds(Dot, Direction.Forward, DotInputs, inf),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("factor"));
            Assert.That(() => TensorComparison.NarrowBounds(Dot.WithDType(DType.BFloat16), Direction.Forward, DotInputs, [11f], [11f], inf),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("factor"));
        });
        // The largest finite factor is a factor: 1 off 11 is far inside it.
        Assert.That(TensorComparison.Compare(Dot, Direction.Forward, DotInputs, [11f], [12f], Tolerance.SoundBound, double.MaxValue).Passed, Is.True);
    }

    [Test]
    public void AnUnknownDirectionIsRefusedInTheCallersName()
    {
        // The probe: (Direction)9 was refused as "unknown direction (Parameter 'd')", a parameter the caller never wrote.
        Assert.That(() => TensorComparison.Compare(Dot, (Direction)9, DotInputs, [11f], [11f], Tolerance.SoundBound),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("direction").And.Message.StartsWith("direction: unknown value 9"));
        Assert.That(() => TensorComparison.Ratios(Dot, (Direction)9, DotInputs, [11f], [11f], Tolerance.SoundBound),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("direction"));
    }

    [Test]
    public void TheBiasGradientOfAProblemWithoutBiasIsNotComparedAsAPass()
    {
        // The probe: Compare(db) of a problem without bias returned "db: all 0 elements within the sound summation bound",
        // a pass that had checked nothing.
        Assert.That(Dot.HasBias, Is.False);
        Assert.That(() => TensorComparison.Compare(Dot, Direction.BackwardBias, DotInputs, [], [], Tolerance.SoundBound),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("direction")
                .And.Message.StartsWith("direction: problem mb1ic1iw2oc1ow1kw2pw0 has no db to compare (the problem has no bias)"));
        Assert.That(() => TensorComparison.Ratios(Dot, Direction.BackwardBias, DotInputs, [], [], Tolerance.Bitwise),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("direction"));
        var biased = Dot.WithBias(true);
        Assert.That(TensorComparison.Compare(biased, Direction.BackwardBias, DotInputs with { B = [0f] }, [1f], [1f], Tolerance.SoundBound).Count, Is.EqualTo(1),
            "with a bias, its gradient is compared");
    }

    [Test]
    public void ValuesOfAnotherTypeThanTheProblemsDTypeAreRefused()
    {
        // The probe: a float32 problem (the default of ConvProblem and of a parsed descriptor) compared double values with
        // float32's unit roundoff, so a double result off by 1e-6 (a billion float64 ulps) passed.
        var doubles = new ConvInputs<double>([1, 2], [3, 4], [], [1]);
        Assert.That(Dot.DType, Is.EqualTo(DType.Float32));
        Assert.That(() => TensorComparison.Compare(Dot, Direction.Forward, doubles, [11.0], [11.000001], Tolerance.SoundBound),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("T").And.Message.StartsWith(
                "T: problem mb1ic1iw2oc1ow1kw2pw0 is float32, whose values are float, not Double; its bounds would not be theirs"));
        Assert.That(TensorComparison.Compare(Dot.WithDType(DType.Float64), Direction.Forward, doubles, [11.0], [11.000001], Tolerance.SoundBound).Passed,
            Is.False, "as float64, the error is far outside the bound");
        // And float values of a float64 problem, or a type that is no dtype's; a bfloat16 problem's values are float.
        Assert.Multiple(() =>
        {
            Assert.That(() => TensorComparison.Ratios(Dot.WithDType(DType.Float64), Direction.Forward, DotInputs, [11f], [11f], Tolerance.SoundBound),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("T").And.Message.Contains("is float64, whose values are double, not Single"));
            Assert.That(() => TensorComparison.Bounds(Dot, Direction.Forward, doubles), Throws.ArgumentException.With.Property("ParamName").EqualTo("T"));
            Assert.That(() => TensorComparison.ProbabilisticBounds(Dot, Direction.Forward, doubles, [11.0]), Throws.ArgumentException.With.Property("ParamName").EqualTo("T"));
            Assert.That(() => TensorComparison.NarrowBounds(Dot.WithDType(DType.BFloat16), Direction.Forward, doubles, [11.0], [11.0]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("T"));
            var halves = new ConvInputs<Half>([(Half)1, (Half)2], [(Half)3, (Half)4], [], [(Half)1]);
            Assert.That(() => TensorComparison.Compare(Dot.WithDType(DType.Float16), Direction.Forward, halves, [(Half)11], [(Half)11], Tolerance.SoundBound),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("T").And.Message.Contains("whose values are float, not Half"));
            Assert.That(TensorComparison.NarrowBounds(Dot.WithDType(DType.BFloat16), Direction.Forward, DotInputs, [11f], [11f]), Has.Length.EqualTo(1));
        });
    }
}
