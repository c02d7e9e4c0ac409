using ConvVerify.Problems;

namespace ConvVerify.Tests.Problems;

/// <summary>
/// The dtype table, value by value: names, sizes, roundings and spacings as IEEE 754 and the bfloat16 format define them
/// (the expected figures are the formats' own, not read from the code).
/// </summary>
public class DTypesTests
{
    private static readonly DType Bogus = (DType)99;

    [Test]
    public void NamesSizesAndAccumulation()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DTypes.All, Is.EqualTo(new[] { DType.Float32, DType.Float64, DType.BFloat16, DType.Float16 }));
            Assert.That(DTypes.Default, Is.EqualTo(new[] { DType.Float32, DType.Float64, DType.BFloat16 }));
            Assert.That(DTypes.All.Select(DTypes.ShortName), Is.EqualTo(new[] { "f32", "f64", "bf16", "f16" }));
            Assert.That(DTypes.All.Select(DTypes.NumpyName), Is.EqualTo(new[] { "float32", "float64", "bfloat16", "float16" }));
            Assert.That(DTypes.All.Select(DTypes.StorageSize), Is.EqualTo(new[] { 4, 8, 2, 2 }));
            Assert.That(DTypes.All.Select(DTypes.AccumulationType), Is.EqualTo(new[] { DType.Float32, DType.Float64, DType.Float32, DType.Float32 }));
            Assert.That(DTypes.All.Select(DTypes.IsNarrow), Is.EqualTo(new[] { false, false, true, true }));
            foreach (var d in DTypes.All)
            {
                Assert.That(DTypes.TryParse(DTypes.ShortName(d)), Is.EqualTo(d));
                Assert.That(DTypes.TryParse(DTypes.NumpyName(d)), Is.EqualTo(d));
            }
            Assert.That(DTypes.TryParse(null), Is.Null);
            Assert.That(DTypes.TryParse("F32"), Is.Null, "names are case-sensitive, as on the command line");
            Assert.That(DTypes.TryParse("float"), Is.Null);
        });
    }

    [Test]
    public void ElementTypes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DTypes.Holds<float>(DType.Float32) && DTypes.Holds<float>(DType.BFloat16) && DTypes.Holds<float>(DType.Float16), Is.True);
            Assert.That(DTypes.Holds<double>(DType.Float64), Is.True);
            Assert.That(DTypes.Holds<double>(DType.Float32) || DTypes.Holds<double>(DType.BFloat16) || DTypes.Holds<float>(DType.Float64), Is.False);
            Assert.That(DTypes.Of<float>(), Is.EqualTo(DType.Float32));
            Assert.That(DTypes.Of<double>(), Is.EqualTo(DType.Float64));
            Assert.That(() => DTypes.Of<Half>(), Throws.ArgumentException.With.Message.EqualTo("T: Half is not the element type of any dtype (float, double)"));
            Assert.That(DTypes.All.Select(d => DTypes.Dispatch(d, new ElementTypeName())), Is.EqualTo(new[] { "Single", "Double", "Single", "Single" }));
            Assert.That(() => DTypes.Dispatch<string>(DType.Float32, null!), Throws.ArgumentNullException);
        });
    }

    private sealed class ElementTypeName : IDTypeAction<string>
    {
        public string Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => typeof(T).Name;
    }

    [Test]
    public void UnitRoundoffAndSmallestSubnormalAreTheAccumulations()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DTypes.All.Select(DTypes.UnitRoundoff),
                Is.EqualTo(new[] { Math.Pow(2, -24), Math.Pow(2, -53), Math.Pow(2, -24), Math.Pow(2, -24) }));
            Assert.That(DTypes.All.Select(DTypes.SmallestSubnormal),
                Is.EqualTo(new[] { Math.Pow(2, -149), Math.Pow(2, -1074), Math.Pow(2, -149), Math.Pow(2, -149) }));
        });
    }

    // The spacing of each format: p significand bits (24, 53, 8, 11), smallest normal exponent (−126, −1022, −126, −14).
    [TestCase(DType.Float32, 1.0, -23)]
    [TestCase(DType.Float32, 1.999, -23)]
    [TestCase(DType.Float32, 2.0, -22)]
    [TestCase(DType.Float32, -3.0, -22)]
    [TestCase(DType.Float32, 0.0, -149)]
    [TestCase(DType.Float32, 1e-40, -149)]
    [TestCase(DType.Float64, 1.0, -52)]
    [TestCase(DType.Float64, 0.0, -1074)]
    [TestCase(DType.Float64, 1024.5, -42)]
    [TestCase(DType.BFloat16, 1.0, -7)]
    [TestCase(DType.BFloat16, 256.0, 1)]
    [TestCase(DType.BFloat16, 1.99, -7)]
    [TestCase(DType.BFloat16, -300.0, 1)]
    [TestCase(DType.BFloat16, 0.0, -133)]
    [TestCase(DType.Float16, 1.0, -10)]
    [TestCase(DType.Float16, 0.0, -24)]
    [TestCase(DType.Float16, 1e-6, -24)]
    [TestCase(DType.Float16, 2048.0, 1)]
    public void UlpIsTheFormatsSpacing(DType dtype, double value, int log2)
    {
        Assert.That(DTypes.Ulp(dtype, value), Is.EqualTo(Math.ScaleB(1, log2)));
    }

    // The neighbours, from each format's layout: below 2^k (k above the smallest normal exponent) the spacing is half the
    // ulp of 2^k; below the smallest normal the subnormals keep its spacing; past the largest finite value, infinity.
    // bfloat16: [4, 8) spaced 2^−5, [8, 16) 2^−4, subnormals 2^−133, largest (2 − 2^−7)·2^127.
    // float16: [4, 8) spaced 2^−8, [8, 16) 2^−7, [32768, 65536) 32, subnormals 2^−24, largest 65504.
    private static IEnumerable<TestCaseData> Neighbours()
    {
        double bf16Max = (2 - Math.ScaleB(1, -7)) * Math.ScaleB(1, 127);
        (DType, double, double, double)[] rows =
        [
            // dtype, value, next down, next up
            (DType.BFloat16, 8, 7.96875, 8.0625),
            (DType.BFloat16, -8, -8.0625, -7.96875),
            (DType.BFloat16, 1, 1 - Math.ScaleB(1, -8), 1 + Math.ScaleB(1, -7)),
            (DType.BFloat16, 0, -Math.ScaleB(1, -133), Math.ScaleB(1, -133)),
            (DType.BFloat16, -0.0, -Math.ScaleB(1, -133), Math.ScaleB(1, -133)),
            (DType.BFloat16, Math.ScaleB(1, -126), Math.ScaleB(1, -126) - Math.ScaleB(1, -133), Math.ScaleB(1, -126) + Math.ScaleB(1, -133)),
            (DType.BFloat16, -Math.ScaleB(1, -126), -Math.ScaleB(1, -126) - Math.ScaleB(1, -133), -Math.ScaleB(1, -126) + Math.ScaleB(1, -133)),
            (DType.BFloat16, bf16Max, bf16Max - Math.ScaleB(1, 120), double.PositiveInfinity),
            (DType.BFloat16, -bf16Max, double.NegativeInfinity, -bf16Max + Math.ScaleB(1, 120)),
            (DType.BFloat16, 1.001, 1, 1 + Math.ScaleB(1, -7)),
            (DType.Float16, 8, 7.99609375, 8.0078125),
            (DType.Float16, -8, -8.0078125, -7.99609375),
            (DType.Float16, Math.ScaleB(1, -14), Math.ScaleB(1, -14) - Math.ScaleB(1, -24), Math.ScaleB(1, -14) + Math.ScaleB(1, -24)),
            (DType.Float16, 0, -Math.ScaleB(1, -24), Math.ScaleB(1, -24)),
            (DType.Float16, 65504, 65472, double.PositiveInfinity),
            (DType.Float16, 70000, 65504, double.PositiveInfinity),
            (DType.Float16, -70000, double.NegativeInfinity, -65504),
            (DType.Float16, double.PositiveInfinity, 65504, double.PositiveInfinity),
            (DType.Float16, double.NegativeInfinity, double.NegativeInfinity, -65504),
            (DType.Float32, 1, 1 - Math.ScaleB(1, -24), 1 + Math.ScaleB(1, -23)),
            (DType.Float32, -2, -2 - Math.ScaleB(1, -22), -2 + Math.ScaleB(1, -23)),
            (DType.Float64, 1, 1 - Math.ScaleB(1, -53), 1 + Math.ScaleB(1, -52)),
            (DType.Float64, double.MaxValue, double.MaxValue - Math.ScaleB(1, 971), double.PositiveInfinity),
        ];
        foreach (var (d, v, down, up) in rows)
            yield return new TestCaseData(d, v, down, up).SetName($"Neighbours({d}, {v:R})");
    }

    [TestCaseSource(nameof(Neighbours))]
    public void NextDownAndNextUpAreTheFormatsNeighbours(DType dtype, double value, double down, double up)
    {
        Assert.That((DTypes.NextDown(dtype, value), DTypes.NextUp(dtype, value)), Is.EqualTo((down, up)));
    }

    [Test]
    public void NextUpOfNaNIsNaN()
    {
        foreach (var d in DTypes.All)
            Assert.That((DTypes.NextUp(d, double.NaN), DTypes.NextDown(d, double.NaN)), Is.EqualTo((double.NaN, double.NaN)), d.ToString());
    }

    [Test]
    public void EveryFloat16NeighbourIsTheOneHalfBitIncrementGives()
    {
        // Against an independent implementation, on every float16 value (NaNs aside).
        for (int bits = 0; bits < 1 << 16; bits++)
        {
            var h = BitConverter.UInt16BitsToHalf((ushort)bits);
            if (Half.IsNaN(h)) continue;
            // By bits, so that the sign of a zero counts (NUnit takes 0 and −0 as equal): the value above −2^−24 is −0.
            Assert.That((Bits(DTypes.NextDown(DType.Float16, (double)h)), Bits(DTypes.NextUp(DType.Float16, (double)h))),
                Is.EqualTo((Bits((double)Half.BitDecrement(h)), Bits((double)Half.BitIncrement(h)))), $"0x{bits:x4}");
        }
    }

    private static long Bits(double d) => BitConverter.DoubleToInt64Bits(d);

    [Test]
    public void UlpOfANonFiniteValueIsInfinite()
    {
        foreach (var d in DTypes.All)
            foreach (double v in (double[])[double.PositiveInfinity, double.NegativeInfinity, double.NaN])
                Assert.That(DTypes.Ulp(d, v), Is.EqualTo(double.PositiveInfinity), $"{d} {v}");
    }

    [Test]
    public void RoundingOnceToTheNarrowTypes()
    {
        double tieBf16 = 1 + Math.Pow(2, -8), tieF16 = 1 + Math.Pow(2, -11);
        Assert.Multiple(() =>
        {
            // Ties go to the even neighbour (1); just above a tie goes up: rounding through float32 first would lose the
            // 2^-40 and land on the tie, then on 1.
            Assert.That(DTypes.RoundFromDouble(DType.BFloat16, tieBf16), Is.EqualTo(1.0));
            Assert.That(DTypes.RoundFromDouble(DType.BFloat16, tieBf16 + Math.Pow(2, -40)), Is.EqualTo(1 + Math.Pow(2, -7)));
            Assert.That(DTypes.RoundFromDouble(DType.Float16, tieF16), Is.EqualTo(1.0));
            Assert.That(DTypes.RoundFromDouble(DType.Float16, tieF16 + Math.Pow(2, -40)), Is.EqualTo(1 + Math.Pow(2, -10)));
            Assert.That(DTypes.RoundFromDouble(DType.Float16, 65520.0), Is.EqualTo(double.PositiveInfinity), "half-way above 65504 overflows");
            Assert.That(DTypes.RoundFromDouble(DType.Float32, 1 + Math.Pow(2, -30)), Is.EqualTo(1.0));
            Assert.That(DTypes.RoundFromDouble(DType.Float64, 1 + Math.Pow(2, -30)), Is.EqualTo(1 + Math.Pow(2, -30)));

            Assert.That(DTypes.Represents(DType.BFloat16, 1 + Math.Pow(2, -7)), Is.True);
            Assert.That(DTypes.Represents(DType.BFloat16, tieBf16), Is.False);
            Assert.That(DTypes.Represents(DType.Float16, tieBf16), Is.True);
            Assert.That(DTypes.Represents(DType.Float32, 0.1), Is.False);
            Assert.That(DTypes.Represents(DType.Float64, 0.1), Is.True);
            Assert.That(DTypes.Represents(DType.BFloat16, double.NaN), Is.True);
        });
    }

    [Test]
    public void RoundingAStoredResult()
    {
        float tie = 1 + MathF.Pow(2, -8), above = 1 + MathF.Pow(2, -8) + MathF.Pow(2, -20);
        Assert.Multiple(() =>
        {
            Assert.That(DTypes.Round(DType.BFloat16, tie), Is.EqualTo(1f));
            Assert.That(DTypes.Round(DType.BFloat16, above), Is.EqualTo(1 + MathF.Pow(2, -7)));
            Assert.That(DTypes.Round(DType.Float16, 1 + MathF.Pow(2, -11) + MathF.Pow(2, -20)), Is.EqualTo(1 + MathF.Pow(2, -10)));
            Assert.That(DTypes.Round(DType.Float32, above), Is.EqualTo(above), "float32 results are their sums");
            Assert.That(DTypes.Round(DType.Float64, 1 + Math.Pow(2, -40)), Is.EqualTo(1 + Math.Pow(2, -40)));
            Assert.That(() => DTypes.Round(DType.BFloat16, 1.0), Throws.ArgumentException.With.Message.StartsWith("T: bfloat16 results are float32 sums rounded once; Double is not float")
                .And.Property(nameof(ArgumentException.ParamName)).EqualTo("T"));
            Assert.That(() => DTypes.Round(DType.Float16, 1.0), Throws.ArgumentException.With.Message.StartsWith("T: float16 results"));

            float[] narrow = [tie, above, 3f];
            DTypes.Round(DType.BFloat16, narrow.AsSpan());
            Assert.That(narrow, Is.EqualTo(new[] { 1f, 1 + MathF.Pow(2, -7), 3f }));
            float[] wide = [tie, above];
            DTypes.Round(DType.Float32, wide.AsSpan());
            Assert.That(wide, Is.EqualTo(new[] { tie, above }));
            double[] doubles = [1 + Math.Pow(2, -40)];
            DTypes.Round(DType.Float64, doubles.AsSpan());
            Assert.That(doubles, Is.EqualTo(new[] { 1 + Math.Pow(2, -40) }), "a span of float64 results is left alone, not rejected");
        });
    }

    [Test]
    public void AnUnknownDTypeIsNamedInTheError()
    {
        var calls = new Dictionary<string, TestDelegate>
        {
            ["AccumulationType"] = () => DTypes.AccumulationType(Bogus),
            ["ShortName"] = () => DTypes.ShortName(Bogus),
            ["NumpyName"] = () => DTypes.NumpyName(Bogus),
            ["RoundFromDouble"] = () => DTypes.RoundFromDouble(Bogus, 1),
            ["Ulp"] = () => DTypes.Ulp(Bogus, 1),
            ["NextUp"] = () => DTypes.NextUp(Bogus, 1),
            ["NextDown"] = () => DTypes.NextDown(Bogus, 1),
            ["StorageSize"] = () => DTypes.StorageSize(Bogus),
            ["UnitRoundoff"] = () => DTypes.UnitRoundoff(Bogus),
            ["SmallestSubnormal"] = () => DTypes.SmallestSubnormal(Bogus),
            ["Dispatch"] = () => DTypes.Dispatch(Bogus, new ElementTypeName()),
            ["Holds"] = () => DTypes.Holds<float>(Bogus),
            ["Round"] = () => DTypes.Round(Bogus, 1f),
            ["Round of a span"] = () => DTypes.Round(Bogus, new float[] { 1f }.AsSpan()),
            ["Round of a double"] = () => DTypes.Round(Bogus, 1.0),
            ["Round of no element"] = () => DTypes.Round(Bogus, Span<float>.Empty),
        };
        foreach (var (name, call) in calls)
        {
            var e = Assert.Throws<ArgumentException>(call, name)!;
            Assert.That(e.Message, Does.StartWith("dtype: unknown value 99"), name);
            Assert.That(e.ParamName, Is.EqualTo("dtype"), name);
        }
        Assert.That(DTypes.IsNarrow(Bogus), Is.False);
        Assert.That(DTypes.Represents(Bogus, double.NaN), Is.True, "NaN is every dtype's value, without asking which");
    }
}
