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

    [Test]
    public void TheGeneratorIsTheReferenceSplitMix64()
    {
        // The first outputs of Vigna's splitmix64.c from 1234567, as published with it (and in Rosetta Code's task).
        ulong state = 1234567;
        ulong[] outputs = [.. Enumerable.Range(0, 5).Select(_ => SplitMix64.Next(ref state))];
        Assert.That(outputs, Is.EqualTo(new[]
        {
            6457827717110365317UL, 3203168211198807973UL, 9817491932198370423UL, 4593380528125082431UL, 16408922859458223821UL,
        }));
    }

    // Expected values recomputed outside the code, by a few lines of Python following the class's documentation: stream s
    // starts at seed + s·0xD1B54A32D192ED03 (mod 2^64); an integer k = next mod 2r gives k − r below r, else k − r + 1;
    // a normal value is the sum of twelve (next >> 40), divided by 2^24, minus 6. Float64, so no rounding to the dtype.
    // Seed 2^64 − 1 wraps around in the stream's start. x: 8 elements, w: 3, b: 1, dy: 6; integer ranges ±4 and ±2.
    [TestCase(5UL, Fill.Integer,
        new double[] { -4, 1, -4, -4, -2, -3, 3, 4 }, new double[] { -1, 2, -4 }, new double[] { 2 }, new double[] { -1, -1, 2, 2, -2, 1 })]
    [TestCase(ulong.MaxValue, Fill.Integer,
        new double[] { 4, -3, -2, 1, 4, 1, 4, 3 }, new double[] { -1, 3, 2 }, new double[] { -1 }, new double[] { 1, 2, -2, 1, 1, 2 })]
    [TestCase(5UL, Fill.Normal,
        new double[] { -0.029062747955322266, -1.37662672996521, -1.2336995005607605, 0.3341953754425049, -0.3943561911582947, 0.7105562090873718, -0.6297104954719543, 0.9747661352157593 },
        new double[] { 0.8275631666183472, 2.0838631987571716, 0.7134754657745361 },
        new double[] { 0.7924423217773438 },
        new double[] { 0.05468875169754028, 0.44406092166900635, -2.2911141514778137, 2.57622629404068, 2.718121647834778, -0.9309108853340149 })]
    [TestCase(ulong.MaxValue, Fill.Normal,
        new double[] { -1.5597947835922241, -0.7974905371665955, -0.8688315749168396, -1.1048805713653564, -0.5037524700164795, -0.4009495973587036, -0.01349031925201416, -0.7458498477935791 },
        new double[] { 0.6307555437088013, 0.2822123169898987, 0.9350575804710388 },
        new double[] { -0.2917369604110718 },
        new double[] { 0.48721957206726074, 1.780877709388733, 1.517443299293518, -0.24715173244476318, -0.2456451654434204, -2.3655189871788025 })]
    public void TheFillsArePinnedAcrossVersions(ulong seed, Fill fill, double[] x, double[] w, double[] b, double[] dy)
    {
        var p = new ConvProblem(1, 1, 1, 1, [8], [3], dtype: DType.Float64);
        var inputs = Inputs.Generate<double>(p, fill, seed);
        Assert.That((inputs.X, inputs.W, inputs.B, inputs.Dy), Is.EqualTo((x, w, b, dy)));
    }

    [Test]
    public void ANullProblemIsRefusedByName()
    {
        // The normal fill reads the problem only for its sizes: without the check, a NullReferenceException.
        Assert.That(() => Inputs.Generate<float>(null!, Fill.Normal, 1), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("problem"));
        Assert.That(() => Inputs.Generate<float>(null!, Fill.Integer, 1), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("problem"));
    }
}
