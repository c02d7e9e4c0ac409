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
}
