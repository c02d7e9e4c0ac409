using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Comparison;

/// <summary>The bitwise rule tells +0 from −0 and forgives only NaN payloads; the exact-values rule forgives the sign of zero; exact rules show the largest error.</summary>
public class BitwiseToleranceTests
{
    private static readonly ConvProblem P = BenchdnnDescriptor.Parse("mb1ic1iw4oc1ow4kw1pw0", hasBias: false).WithDType(DType.Float64);
    private static readonly ConvInputs<double> In = new([1, 1, 1, 1], [1], [], [1, 1, 1, 1]);

    private static Verdict Compare(double[] e, double[] a, Tolerance t) => TensorComparison.Compare<double>(P, Direction.Forward, In, e, a, t);

    [Test]
    public void SignOfZeroFailsBitwiseOnlyAndIsNamed()
    {
        var bitwise = Compare([0.0, 1, 2, 3], [-0.0, 1, 2, 3], Tolerance.Bitwise);
        Assert.That((bitwise.Passed, bitwise.Failures, bitwise.Worst!.Index), Is.EqualTo((false, 1, 0)));
        Assert.That(bitwise.ToString(), Does.Contain("sign of zero differs").And.Contain("bitwise"));
        Assert.That(Compare([0.0, 1, 2, 3], [-0.0, 1, 2, 3], Tolerance.ExactValues).Passed, Is.True);
    }

    [Test]
    public void NaNPayloadsAreForgivenButNaNAgainstANumberIsNot()
    {
        double otherNaN = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(double.NaN) ^ 1);
        Assert.That(Compare([double.NaN, 1, 2, 3], [otherNaN, 1, 2, 3], Tolerance.Bitwise).Passed, Is.True);
        Assert.That(Compare([double.NaN, 1, 2, 3], [0, 1, 2, 3], Tolerance.Bitwise).Passed, Is.False);
        Assert.That(Bitwise.FirstDifference<double>([1, 2, double.NaN], [1, 2, otherNaN]), Is.EqualTo(-1));
        Assert.That(Bitwise.FirstDifference<float>([1, 2, 0f], [1, 2, -0f]), Is.EqualTo(2));
        Assert.That(Bitwise.FirstDifference<float>([1, 2], [1, 2, 3]), Is.EqualTo(2));
    }

    [TestCase(Tolerance.ExactValues)]
    [TestCase(Tolerance.Bitwise)]
    public void TheWorstOfAnExactComparisonIsTheLargestError(Tolerance t)
    {
        var v = Compare([1, 2, 3, 4], [1.5, 2, 13, 5], t);
        Assert.That((v.Failures, v.Worst!.Index, v.Worst.AbsError), Is.EqualTo((3, 2, 10.0)));
    }
}
