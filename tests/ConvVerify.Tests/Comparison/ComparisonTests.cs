using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Problems;

using ConvVerify.Tests.Runs;

namespace ConvVerify.Tests.Comparison;

public class ComparisonTests
{
    // Padded, strided, dilated, grouped (with more than one output channel per group), 2-D.
    private static readonly ConvProblem Problem = BenchdnnDescriptor.Parse("g2mb2ic4ih9iw8oc4oh4ow4kh3kw2sh2sw2ph2pw1dh1dw0");

    private static IEnumerable<TestCaseData> Mutants()
    {
        yield return new TestCaseData(new Bugs(OffByOnePadding: true), Direction.Forward).SetName("off-by-one padding");
        yield return new TestCaseData(new Bugs(NoStrideCheckInDx: true), Direction.BackwardData).SetName("missing stride divisibility check in dx");
        yield return new TestCaseData(new Bugs(ZeroBasedDilation: true), Direction.Forward).SetName("zero- vs one-based dilation");
        yield return new TestCaseData(new Bugs(FlippedKernelForward: true), Direction.Forward).SetName("flipped kernel in forward (true convolution)");
        yield return new TestCaseData(new Bugs(UnflippedKernelDx: true), Direction.BackwardData).SetName("un-flipped kernel in dx");
        yield return new TestCaseData(new Bugs(WrongGroupMapping: true), Direction.Forward).SetName("wrong group mapping");
    }

    private static (ConvInputs<double> In, double[] Expected, double[] Actual) Run(Bugs bugs, Direction d, Fill fill)
    {
        var p = Problem.WithDType(DType.Float64);
        var inputs = ConvCase.Create(p, fill).MakeInputs<double>();
        var expected = ConvVerify.Tests.Runs.Check.Naive(p, inputs).Get(d);
        var actual = d == Direction.Forward
            ? MutantConv.Forward(p, inputs.X, inputs.W, inputs.B, bugs)
            : MutantConv.BackwardData(p, inputs.Dy, inputs.W, bugs);
        return (inputs, expected, actual);
    }

    [TestCase(Direction.Forward, Fill.Integer)]
    [TestCase(Direction.Forward, Fill.Normal)]
    [TestCase(Direction.BackwardData, Fill.Integer)]
    [TestCase(Direction.BackwardData, Fill.Normal)]
    public void CorrectSecondImplementationPasses(Direction d, Fill fill)
    {
        var (inputs, expected, actual) = Run(new Bugs(), d, fill);
        var tolerance = fill == Fill.Integer ? Tolerance.ExactValues : Tolerance.SoundBound;
        var v = TensorComparison.Compare<double>(Problem.WithDType(DType.Float64), d, inputs, expected, actual, tolerance);
        Assert.That(v.Passed, Is.True, v.ToString());
    }

    [TestCaseSource(nameof(Mutants))]
    public void BrokenImplementationFailsUnderBothFills(Bugs bugs, Direction d)
    {
        foreach (var fill in new[] { Fill.Integer, Fill.Normal })
        {
            var (inputs, expected, actual) = Run(bugs, d, fill);
            var tolerance = fill == Fill.Integer ? Tolerance.ExactValues : Tolerance.SoundBound;
            var v = TensorComparison.Compare<double>(Problem.WithDType(DType.Float64), d, inputs, expected, actual, tolerance);
            Assert.That(v.Passed, Is.False, $"{fill}: {v}");
            Assert.That(v.Worst, Is.Not.Null);
            Assert.That(v.ToString(), Does.Contain("outside").And.Contain(d.TensorName()));
        }
    }

    [TestCase(DType.Float32)]
    [TestCase(DType.Float64)]
    public void SingleElementOffBy1em4RelativeFailsAndIsNamed(DType dtype)
    {
        var p = Problem.WithDType(dtype);
        var c = ConvCase.Create(p, Fill.Normal);
        if (dtype == DType.Float32) Check<float>(p, c);
        else Check<double>(p, c);
    }

    private static void Check<T>(ConvProblem p, ConvCase c) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var inputs = c.MakeInputs<T>();
        var results = ConvVerify.Tests.Runs.Check.Naive(p, inputs);
        foreach (var d in Directions.All)
        {
            var expected = results.Get(d);
            var actual = (T[])expected.Clone();
            int victim = Array.FindIndex(actual, v => T.Abs(v) > T.CreateChecked(0.5));
            actual[victim] *= T.CreateChecked(1 + 1e-4);
            var v = TensorComparison.Compare<T>(p, d, inputs, expected, actual, Tolerance.SoundBound);
            Assert.That(v.Passed, Is.False, $"{d}: {v}");
            Assert.That(v.Failures, Is.EqualTo(1), d.ToString());
            Assert.That(v.Worst!.Index, Is.EqualTo(victim), d.ToString());
            Assert.That(v.Worst.Position, Has.Length.EqualTo(d.ShapeOf(p).Length));
            Assert.That(v.Worst.RelError, Is.EqualTo(1e-4).Within(1e-6), d.ToString());
        }
    }

    [Test]
    public void BoundFollowsTheFormulaOnAHandCase()
    {
        // 1 input channel, 1 output, 1x1 kernel, no bias: K = 1 for forward, M = |x|·|w| = 6 → 2·γ_1·6 + 2·η.
        var p = new ConvProblem(1, 1, 1, 1, [1], [1], hasBias: false, dtype: DType.Float64);
        var inputs = new ConvInputs<double>([2.0], [-3.0], [], [1.0]);
        double u = Math.ScaleB(1, -53), gamma = u / (1 - u);
        double[] bound = TensorComparison.Bounds(p, Direction.Forward, inputs);
        Assert.That(bound[0], Is.EqualTo(2 * gamma * 6 * (1 + 2 * u) + 2 * double.Epsilon));
        Assert.That(Direction.Forward.AccumulationLength(BenchdnnDescriptor.Parse("g2mb3ic4ih6oc6oh4kh3")), Is.EqualTo(2 * 9 + 1));
        Assert.That(Direction.BackwardData.AccumulationLength(BenchdnnDescriptor.Parse("g2mb3ic4ih6oc6oh4kh3")), Is.EqualTo(3 * 9));
        Assert.That(Direction.BackwardWeights.AccumulationLength(BenchdnnDescriptor.Parse("g2mb3ic4ih6oc6oh4kh3")), Is.EqualTo(3 * 16));
    }

    [Test]
    public void NaNAndInfinityAreFailuresNotPasses()
    {
        var p = new ConvProblem(1, 1, 1, 1, [3], [1], hasBias: false, dtype: DType.Float64);
        var inputs = new ConvInputs<double>([1, 2, 3], [1], [], [1, 1, 1]);
        var v = TensorComparison.Compare<double>(p, Direction.Forward, inputs, [1, 2, 3], [1, double.NaN, double.PositiveInfinity], Tolerance.SoundBound);
        Assert.That((v.Passed, v.Failures), Is.EqualTo((false, 2)));
        Assert.That(v.Worst!.Ratio, Is.EqualTo(double.PositiveInfinity));
    }

    [Test]
    public void ExactModeTreatsSignedZerosAsEqualButNothingElse()
    {
        var p = new ConvProblem(1, 1, 1, 1, [2], [1], hasBias: false, dtype: DType.Float32);
        var inputs = new ConvInputs<float>([0, 1], [1], [], [1, 1]);
        Assert.That(TensorComparison.Compare<float>(p, Direction.Forward, inputs, [0f, 1f], [-0f, 1f], Tolerance.ExactValues).Passed, Is.True);
        var v = TensorComparison.Compare<float>(p, Direction.Forward, inputs, [0f, 1f], [0f, 1.0000001f], Tolerance.ExactValues);
        Assert.That(v.Passed, Is.False);
        Assert.That(v.ToString(), Does.Contain("[0, 0, 1] (flat 1)").And.Contain("expected 1, actual 1.0000001"));
    }

    [Test]
    public void LengthMismatchIsAClearError()
    {
        var p = new ConvProblem(1, 1, 1, 1, [2], [1], hasBias: false, dtype: DType.Float32);
        var inputs = new ConvInputs<float>([0, 1], [1], [], [1, 1]);
        var e = Assert.Throws<ArgumentException>(() => TensorComparison.Compare<float>(p, Direction.Forward, inputs, [0f, 1f], [0f], Tolerance.ExactValues));
        Assert.That(e!.Message, Does.Contain("actual y: has 1 elements, the problem needs 2"));
    }
}
