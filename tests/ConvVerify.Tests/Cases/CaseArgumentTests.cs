using ConvVerify.Cases;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Cases;

/// <summary>Values outside an enum or a sensible range, handed to the public case helpers, are refused by name.</summary>
public class CaseArgumentTests
{
    private static readonly ConvProblem P = new(1, 1, 2, 2, [4], [3]);

    [Test]
    public void AnUnknownFillIsRefusedNotNamedNormal()
    {
        // The probe: (Fill)99 was named "normal", so its case got a normal fill's id (and case.json and snapshot said
        // "normal") until Inputs.Generate refused the same value.
        Assert.Multiple(() =>
        {
            Assert.That(() => ConvCase.FillName((Fill)99), Throws.ArgumentException.With.Message.StartsWith("fill: unknown value 99").And.Property("ParamName").EqualTo("fill"));
            Assert.That(() => ConvCase.IdOf(P, (Fill)99), Throws.ArgumentException.With.Message.StartsWith("fill: unknown value 99"));
            Assert.That(() => ConvCase.Create(P, (Fill)99), Throws.ArgumentException.With.Message.StartsWith("fill: unknown value 99"));
            Assert.That(() => ConvCase.Expand([P], [DType.Float32], [(Fill)99]), Throws.ArgumentException.With.Message.StartsWith("fill: unknown value 99"));
            Assert.That(ConvCase.FillName(Fill.Integer) + " " + ConvCase.FillName(Fill.Normal), Is.EqualTo("integer normal"));
        });
    }

    [Test]
    public void TheIntegerLimitOfAnUnknownDTypeIsRefusedNotFloat32s()
    {
        // The probe: (DType)42 fell into the float32 arm and got 2^24.
        Assert.That(() => Inputs.ExactIntegerLimit((DType)42), Throws.ArgumentException.With.Message.StartsWith("dtype: unknown value 42").And.Property("ParamName").EqualTo("dtype"));
        Assert.That(DTypes.All.Select(Inputs.ExactIntegerLimit), Is.EqualTo(new[] { 1L << 24, 1L << 53, 1L << 24, 65504 }));
    }

    [TestCase(-4, 2, "xwRange")]
    [TestCase(0, 2, "xwRange")]
    [TestCase(int.MaxValue, 2, "xwRange")]
    [TestCase(4, -1, "dyRange")]
    [TestCase(4, int.MaxValue, "dyRange")]
    public void AMaxPartialSumOfARangeOutsideTheFillsIsRefused(int xwRange, int dyRange, string name)
    {
        // The probe: (−4, 2) gave 98, (int.MaxValue, int.MaxValue) a sum that had wrapped long.
        Assert.That(() => Inputs.MaxPartialSum(P, xwRange, dyRange), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo(name));
    }
}
