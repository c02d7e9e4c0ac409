using ConvVerify.Cases;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Cases;

/// <summary>
/// The integer fill's bound on partial sums, worked out by hand for problems where each direction's sum is the largest,
/// and the ranges it halves to in float16 (exact integers up to 65,504), where a long 1-D kernel reaches the limit.
/// </summary>
public class InputsTests
{
    [Test]
    public void TheLargestPartialSumIsTheLargestOfTheThreeDirections()
    {
        // y: IC/G·taps·xw² + dy (the bias); dx: OC/G·taps·xw·dy; dw: mb·outputs·xw·dy.
        var wide = new ConvProblem(1, 1, 10, 1, [3], [3]);
        Assert.That(Inputs.MaxPartialSum(wide, 4, 2), Is.EqualTo(10 * 3 * 16 + 2), "forward");
        var tall = new ConvProblem(1, 1, 1, 10, [3], [3]);
        Assert.That(Inputs.MaxPartialSum(tall, 4, 2), Is.EqualTo(10 * 3 * 4 * 2), "data gradient");
        // g2, mb3, 4 → 6 channels, 5x7 input, 3x2 kernel, stride 1x2: 9 outputs, IC/G 2, OC/G 3, six taps.
        var grouped = new ConvProblem(3, 2, 4, 6, [5, 7], [3, 2], stride: [1, 2]);
        Assert.That(Inputs.MaxPartialSum(grouped, 4, 2), Is.EqualTo(3 * 9 * 4 * 2), "weight gradient");
        Assert.That(Inputs.MaxPartialSum(grouped, 1, 1), Is.EqualTo(27));
        Assert.That(() => Inputs.MaxPartialSum(null!, 1, 1), Throws.ArgumentNullException);
    }

    private static (float Xw, float Dy) Largest(ConvProblem p)
    {
        var inputs = Inputs.Generate<float>(p, Fill.Integer, 1);
        return (inputs.X.Concat(inputs.W).Max(MathF.Abs), inputs.Dy.Max(MathF.Abs));
    }

    [Test]
    public void TheIntegerFillHalvesItsRangesUntilEverySumIsExact()
    {
        // A data-gradient sum of exactly the limit: 4 output channels · 2,047 taps · 4 · 2 = 65,504 is not exact enough
        // (the limit is excluded), so the ranges halve once, to ±2 and ±1.
        var atLimit = new ConvProblem(1, 1, 1, 4, [2047], [2047], dtype: DType.Float16);
        Assert.That(Inputs.MaxPartialSum(atLimit, 4, 2), Is.EqualTo(65504));
        Assert.That(Largest(atLimit), Is.EqualTo((2f, 1f)));
        // 16,384 taps: 16,384·4 + 1 is still past it at ±2, so they halve again, to ±1 and ±1.
        var twice = new ConvProblem(1, 1, 1, 1, [16384], [16384], dtype: DType.Float16);
        Assert.That(Largest(twice), Is.EqualTo((1f, 1f)));
        // Below the limit nothing halves: ±4 and ±2 (the largest values do occur in 2,000 draws).
        var small = new ConvProblem(1, 1, 1, 4, [1000], [1000], dtype: DType.Float16);
        Assert.That(Largest(small), Is.EqualTo((4f, 2f)));
    }

    [Test]
    public void AProblemTooLargeEvenForRangesOfOneIsRefused()
    {
        var huge = new ConvProblem(1, 1, 1, 1, [65536], [65536], dtype: DType.Float16);
        var e = Assert.Throws<ArgumentException>(() => Inputs.Generate<float>(huge, Fill.Integer, 1))!;
        Assert.That(e.Message, Does.StartWith($"fill: problem {huge} is too large for the integer fill in Float16: partial sums of up to 65537 would exceed 65504; use the normal fill"));
        Assert.That(e.ParamName, Is.EqualTo("fill"));
        Assert.That(Inputs.Generate<float>(huge, Fill.Normal, 1).X, Has.Length.EqualTo(65536), "the normal fill has no such limit");
        Assert.That(() => Inputs.Generate<float>(huge, (Fill)7, 1), Throws.ArgumentException.With.Message.StartsWith("fill: unknown value 7"));
    }
}
