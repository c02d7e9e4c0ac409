using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Comparison;

/// <summary>The verdict's numbers, element by element, on tiny hand-made tensors (found by mutation testing).</summary>
public class ComparisonEdgeTests
{
    // y = x ⊛ 1x1 kernel of weight 1, 2 images of 2 elements, no bias: K = 1 and M = |x| for the forward.
    private static readonly ConvProblem P = new(2, 1, 1, 1, [2], [1], hasBias: false, dtype: DType.Float64);
    private static readonly ConvInputs<double> In = new([1, 2, 4, 8], [1], [], [1, 1, 1, 1]);

    private static Verdict Compare(double[] expected, double[] actual, Tolerance t = Tolerance.SoundBound) =>
        TensorComparison.Compare<double>(P, Direction.Forward, In, expected, actual, t);

    [Test]
    public void WorstIsTheFirstElementWithTheLargestRatio()
    {
        double[] e = [1, 2, 4, 8];
        double d = 1e-3;
        var v = Compare(e, [1 + 2 * d, 2 + d, 4 + 4 * 3 * d, 8 + 8 * 3 * d]);
        var bounds = TensorComparison.Bounds(P, Direction.Forward, In);
        // Bounds grow with |x|, so relative errors 2δ, δ/2, 3δ, 3δ give ratios in that order; the first maximum wins.
        Assert.That(v.Worst!.Index, Is.EqualTo(2));
        Assert.That(v.Worst.Position, Is.EqualTo(new[] { 1, 0, 0 }), "element 2 is batch 1, channel 0, position 0");
        Assert.That(v.WorstRatio, Is.EqualTo(Math.Abs(4 + 4 * 3 * d - 4) / bounds[2]));
        Assert.That(v.MaxAbsError, Is.EqualTo(Math.Abs(8 + 8 * 3 * d - 8)));
        Assert.That(v.Failures, Is.EqualTo(4));
    }

    [Test]
    public void IdenticalTensorsHaveNoWorstElementAndReadAsAPass()
    {
        var v = Compare([1, 2, 4, 8], [1, 2, 4, 8]);
        Assert.That((v.Passed, v.Worst, v.WorstRatio, v.MaxAbsError), Is.EqualTo((true, (ElementError?)null, 0.0, 0.0)));
        Assert.That(v.ToString(), Is.EqualTo("y: all 4 elements within the sound summation bound (max abs err 0, worst error/bound 0)"));
        Assert.That(Compare([1, 2, 4, 8], [1, 2, 4, 8], Tolerance.ExactValues).ToString(), Does.Contain("within exact equality"));
    }

    [Test]
    public void MaxAbsErrorUnderExactEquality()
    {
        var v = Compare([1, 2, 4, 8], [1.5, 2.1, 4, 8], Tolerance.ExactValues);
        Assert.That((v.MaxAbsError, v.Failures, v.Worst!.Index), Is.EqualTo((0.5, 2, 0)));
        Assert.That(v.WorstRatio, Is.EqualTo(double.PositiveInfinity));
    }

    [Test]
    public void SameNonFiniteValuesOnBothSidesAgree()
    {
        var v = Compare([double.NaN, double.PositiveInfinity, 4, 8], [double.NaN, double.PositiveInfinity, 4, 8]);
        Assert.That(v.Passed, Is.True, v.ToString());
    }

    [TestCase(DType.Float32)]
    [TestCase(DType.Float64)]
    public void ZeroInputsLeaveOnlyTheUnderflowTerm(DType dtype)
    {
        // 3 input channels of a 1x1 kernel: K = 3 products, all zero, so M = 0 and the bound is 2·K·η.
        var p = new ConvProblem(1, 1, 3, 1, [1], [1], hasBias: false, dtype: dtype);
        double eta = dtype == DType.Float32 ? float.Epsilon : double.Epsilon;
        var bound = dtype == DType.Float32
            ? TensorComparison.Bounds(p, Direction.Forward, new ConvInputs<float>([0, 0, 0], [0, 0, 0], [], [0]))
            : TensorComparison.Bounds(p, Direction.Forward, new ConvInputs<double>([0, 0, 0], [0, 0, 0], [], [0]));
        Assert.That(bound, Is.EqualTo(new[] { 2 * 3 * eta }));
    }

    [Test]
    public void ABoundFactorBelowOneIsRefused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TensorComparison.Bounds(P, Direction.Forward, In, 0.5));
        Assert.That(e!.Message, Does.Contain("would not be sound"));
    }

    [Test]
    public void BiasGradientOfABiasFreeProblemIsEmpty() =>
        Assert.That(Direction.BackwardBias.ShapeOf(P), Is.EqualTo(new[] { 0 }));

    [Test]
    public void NullsAndWrongLengthsAreArgumentErrors()
    {
        double[] four = [1, 2, 4, 8];
        Assert.Throws<ArgumentNullException>(() => TensorComparison.Compare<double>(null!, Direction.Forward, In, four, four, Tolerance.ExactValues));
        Assert.Throws<ArgumentNullException>(() => TensorComparison.Compare<double>(P, Direction.Forward, null!, four, four, Tolerance.ExactValues));
        Assert.Throws<ArgumentNullException>(() => TensorComparison.Bounds<double>(null!, Direction.Forward, In));
        Assert.Throws<ArgumentNullException>(() => TensorComparison.Bounds<double>(P, Direction.Forward, null!));
        Assert.Throws<ArgumentNullException>(() => Direction.Forward.AccumulationLength(null!));
        Assert.Throws<ArgumentNullException>(() => Direction.Forward.ShapeOf(null!));
        var e = Assert.Throws<ArgumentException>(() => TensorComparison.Compare<double>(P, Direction.Forward, In, [1, 2, 4, 8, 16], four, Tolerance.ExactValues));
        Assert.That(e!.Message, Does.Contain("expected y: has 5 elements, the problem needs 4"));
    }
}
