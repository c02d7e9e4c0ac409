using ConvVerify.Problems;

namespace ConvVerify.Tests.LowPrecision;

/// <summary>
/// <see cref="BFloat16"/> against the format's definition, without torch (the torch comparisons are in
/// <see cref="BFloat16Tests"/>): rounding checked against a second, slower rule (the nearer of the two neighbours by
/// distance in float64), widening over all 65536 patterns, the constants and equality.
/// </summary>
public class BFloat16FormatTests
{
    // The nearer of the two bfloat16 values around f, by distance (exact in float64), the even one on a tie; past the
    // largest finite value the upper neighbour is 2^128, so the half-way point to it decides overflow.
    private static ushort Nearest(float f)
    {
        uint bits = BitConverter.SingleToUInt32Bits(f);
        uint sign = bits & 0x8000_0000u, mag = bits & 0x7FFF_FFFFu;
        uint lo = mag & 0xFFFF_0000u, hi = lo + 0x1_0000u;
        double a = Math.Abs((double)f);
        double loV = BitConverter.UInt32BitsToSingle(lo);
        double hiV = hi >= 0x7F80_0000u ? Math.ScaleB(1, 128) : BitConverter.UInt32BitsToSingle(hi);
        double dLo = a - loV, dHi = hiV - a;
        uint pick = dLo < dHi ? lo : dHi < dLo ? hi : ((lo >> 16) & 1) == 0 ? lo : hi;
        return (ushort)((sign | pick) >> 16);
    }

    private static IEnumerable<uint> Patterns()
    {
        uint[] special =
        [
            0, 0x3F80_8000, 0x3F81_8000, 0x3F80_7FFF, 0x3F80_8001, 0x0000_8000, 0x0001_8000, 0x0000_0001, 0x007F_FFFF,
            0x007F_8000, 0x0080_0000, 0x7F7F_0000, 0x7F7F_7FFF, 0x7F7F_8000, 0x7F7F_FFFF, 0x7F80_0000, 0x4B7F_FFFF,
        ];
        foreach (uint s in special)
        {
            yield return s;
            yield return s | 0x8000_0000u;
        }
        var rng = new Random(16);
        for (int i = 0; i < 200_000; i++) yield return (uint)rng.NextInt64(0, 1L << 32);
    }

    [Test]
    public void RoundingIsToTheNearerNeighbourTiesToEven()
    {
        var wrong = Patterns()
            .Where(b => (b & 0x7FFF_FFFFu) <= 0x7F80_0000u)
            .Select(b => (Bits: b, Ours: ((BFloat16)BitConverter.UInt32BitsToSingle(b)).Bits, Rule: Nearest(BitConverter.UInt32BitsToSingle(b))))
            .Where(r => r.Ours != r.Rule)
            .Select(r => $"0x{r.Bits:X8}: 0x{r.Ours:X4}, the rule says 0x{r.Rule:X4}").Take(10).ToList();
        Assert.That(wrong, Is.Empty);
    }

    [TestCase(0x7F80_0001u, (ushort)0x7FC0)]
    [TestCase(0xFF80_0001u, (ushort)0xFFC0)]
    [TestCase(0x7FA0_0000u, (ushort)0x7FE0)]
    [TestCase(0x7FC1_2345u, (ushort)0x7FC1)]
    [TestCase(0x7FFF_FFFFu, (ushort)0x7FFF)]
    public void ANaNStaysANaNOfItsSignQuietedWithItsTopPayload(uint input, ushort expected)
    {
        var r = (BFloat16)BitConverter.UInt32BitsToSingle(input);
        Assert.That(r.Bits, Is.EqualTo(expected), $"0x{r.Bits:X4}");
        Assert.That(r.IsNaN, Is.True);
    }

    [Test]
    public void WideningAppendsZeroBitsAndTheClassificationFollows()
    {
        var wrong = new List<string>();
        for (int b = 0; b < 65536; b++)
        {
            var v = BFloat16.FromBits((ushort)b);
            float f = (float)v;
            double d = (double)v;
            if (BitConverter.SingleToUInt32Bits(f) != (uint)b << 16) wrong.Add($"0x{b:X4} widens to 0x{BitConverter.SingleToUInt32Bits(f):X8}");
            if (!(double.IsNaN(d) ? float.IsNaN(f) : d == f && double.IsNegative(d) == float.IsNegative(f))) wrong.Add($"0x{b:X4} as double {d}");
            if (v.IsNaN != float.IsNaN(f) || v.IsFinite != float.IsFinite(f)) wrong.Add($"0x{b:X4}: IsNaN {v.IsNaN}, IsFinite {v.IsFinite}");
            if (v.Bits != b) wrong.Add($"0x{b:X4}: Bits {v.Bits}");
        }
        Assert.That(wrong.Take(10), Is.Empty);
    }

    [Test]
    public void ConstantsAreTheFormatsExtremes()
    {
        Assert.Multiple(() =>
        {
            Assert.That((double)BFloat16.MaxValue, Is.EqualTo((2 - Math.Pow(2, -7)) * Math.Pow(2, 127)));
            Assert.That((double)BFloat16.Epsilon, Is.EqualTo(Math.Pow(2, -133)));
            Assert.That((double)BFloat16.PositiveInfinity, Is.EqualTo(double.PositiveInfinity));
            Assert.That((double)BFloat16.NegativeInfinity, Is.EqualTo(double.NegativeInfinity));
            Assert.That(BFloat16.NaN.Bits, Is.EqualTo((ushort)0x7FC0));
            Assert.That(BFloat16.NaN.IsNaN && !BFloat16.NaN.IsFinite && !BFloat16.PositiveInfinity.IsFinite && BFloat16.MaxValue.IsFinite, Is.True);
        });
    }

    [Test]
    public void EqualityIsBitwise()
    {
        BFloat16 zero = BFloat16.FromBits(0x0000), negZero = BFloat16.FromBits(0x8000), one = (BFloat16)1f;
        Assert.Multiple(() =>
        {
            Assert.That(zero == negZero, Is.False);
            Assert.That(zero != negZero, Is.True);
            Assert.That(BFloat16.NaN == BFloat16.FromBits(0x7FC0), Is.True, "a NaN equals itself");
            Assert.That(BFloat16.NaN != BFloat16.FromBits(0x7FC1), Is.True, "another NaN's bits are another value here");
            Assert.That(one.Equals((object)BFloat16.FromBits(0x3F80)), Is.True);
            Assert.That(one.Equals((object)1f), Is.False);
            Assert.That(one.Equals(null), Is.False);
            Assert.That(one.GetHashCode(), Is.EqualTo(0x3F80));
            Assert.That(((BFloat16)1.5f).ToString(), Is.EqualTo("1.5"));
            Assert.That(((BFloat16)(-0.25)).ToString(), Is.EqualTo("-0.25"));
        });
    }

    [Test]
    public void RoundToOddKeepsEveryDroppedBitAsTheLowestBit()
    {
        float Odd(double v) => BFloat16.RoundToOddSingle(v);
        Assert.Multiple(() =>
        {
            Assert.That(Odd(1.5), Is.EqualTo(1.5f), "exact values are kept");
            Assert.That(Odd(1 + Math.Pow(2, -30)), Is.EqualTo(1 + MathF.Pow(2, -23)), "toward zero, then the low bit set");
            Assert.That(Odd(-(1 + Math.Pow(2, -30))), Is.EqualTo(-(1 + MathF.Pow(2, -23))));
            Assert.That(Odd(1 - Math.Pow(2, -30)), Is.EqualTo(1 - MathF.Pow(2, -24)), "nearest would give 1; toward zero gives the float below");
            Assert.That(Odd(-(1 - Math.Pow(2, -30))), Is.EqualTo(-(1 - MathF.Pow(2, -24))));
            Assert.That(Odd(1e39), Is.EqualTo(float.MaxValue), "beyond float32's range: its largest value, odd");
            Assert.That(Odd(double.PositiveInfinity), Is.EqualTo(float.PositiveInfinity));
            Assert.That(Odd(double.NegativeInfinity), Is.EqualTo(float.NegativeInfinity));
            Assert.That(BitConverter.SingleToUInt32Bits(Odd(double.NaN)), Is.EqualTo(BitConverter.SingleToUInt32Bits((float)double.NaN)), "a NaN passes unchanged");
            Assert.That(((BFloat16)1e39).Bits, Is.EqualTo((ushort)0x7F80));
            // Just above a bfloat16 tie by less than float32 resolves: through a rounded float32 this would be the tie.
            Assert.That(((BFloat16)(1 + Math.Pow(2, -8) + Math.Pow(2, -40))).Bits, Is.EqualTo((ushort)0x3F81));
            Assert.That(((BFloat16)(1 + Math.Pow(2, -8))).Bits, Is.EqualTo((ushort)0x3F80));
        });
    }
}
