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
}
