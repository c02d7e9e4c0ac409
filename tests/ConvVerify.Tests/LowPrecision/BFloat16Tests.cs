using System.Buffers.Binary;
using System.Diagnostics;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Tests.Oracles;

namespace ConvVerify.Tests.LowPrecision;

/// <summary>
/// <see cref="BFloat16"/> (and .NET's <see cref="Half"/> as ConvVerify uses it) against torch's own conversions: the expected
/// bits come from torch in a separate Python process, never from the code under test.
/// </summary>
public class BFloat16Tests
{
    private const int RandomCount = 4_000_000;

    // Each special value with the category it stands for, so the test can say which kind of value went wrong.
    private static List<(uint Bits, string Kind)> Specials()
    {
        var s = new List<(uint, string)>();
        void Add(string kind, params uint[] bits)
        {
            foreach (uint b in bits)
            {
                s.Add((b, kind));
                s.Add((b | 0x8000_0000u, kind)); // and its negative
            }
        }
        Add("zero", 0);
        // Ties: the dropped 16 bits are exactly one half; the kept part even (stays) or odd (rounds up).
        Add("tie", 0x3F80_8000, 0x3F81_8000, 0x3FFF_8000, 0x4380_8000, 0x4381_8000, 0x0000_8000, 0x0001_8000, 0x007F_8000, 0x7F7E_8000);
        Add("near tie", 0x3F80_7FFF, 0x3F80_8001, 0x3F81_7FFF, 0x3F81_8001, 0x4380_0001, 0x4380_FFFF);
        // Subnormals: the smallest, the largest, those that round up into the normal range, and ties among them.
        Add("subnormal", 0x0000_0001, 0x0000_7FFF, 0x0000_FFFF, 0x0001_0000, 0x007F_FFFF, 0x007F_7FFF, 0x0040_0000, 0x0012_3456);
        Add("normal boundary", 0x0080_0000, 0x0080_7FFF, 0x0080_8000, 0x00FF_FFFF);
        Add("infinity", 0x7F80_0000);
        // Overflow: the largest finite bfloat16 and what lies above it up to float32's largest.
        Add("overflow", 0x7F7F_0000, 0x7F7F_7FFF, 0x7F7F_8000, 0x7F7F_FFFF, 0x7F7F_8001);
        Add("nan", 0x7FC0_0000, 0x7F80_0001, 0x7FFF_FFFF, 0x7FA0_0000, 0x7F80_FFFF, 0x7FC1_2345);
        Add("integer", 0x4380_0000 /* 256 */, 0x4380_8000 /* 257 */, 0x4381_8000 /* 259 */, 0x4B7F_FFFF /* 2^24 − 1 */);
        return s;
    }

    private static uint[] RandomBits()
    {
        var r = new uint[RandomCount];
        ulong state = 0x5EED_B16F;
        for (int i = 0; i < r.Length; i++)
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            r[i] = (uint)((z ^ (z >> 31)) >> 32);
        }
        return r;
    }

    // Runs torch on the raw float32 bits in a fresh interpreter: float32 → bfloat16 and → float16 for every input, both
    // element by element (torch's scalar c10 conversion) for the first `scalar` inputs and as one tensor (its vectorized
    // kernels) for all; and bfloat16 → float32 for all 65536 bit patterns.
    private static (ushort[] Bf16, ushort[] Bf16Scalar, ushort[] F16, uint[] Widened) Torch(uint[] input, int scalar)
    {
        LiveTorch.Require();
        string python = TorchOracle.Probe().Interpreter ?? throw new InvalidOperationException("no interpreter");
        string dir = Path.Combine(Path.GetTempPath(), "convverify-bf16-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var bytes = new byte[input.Length * 4];
            for (int i = 0; i < input.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), input[i]);
            File.WriteAllBytes(Path.Combine(dir, "in.u4"), bytes);
            File.WriteAllText(Path.Combine(dir, "round.py"), $$"""
                import numpy as np, torch, sys
                d = sys.argv[1]
                a = np.fromfile(d + "/in.u4", dtype="<u4").view("<f4")
                t = torch.from_numpy(a.copy())
                t.to(torch.bfloat16).view(torch.int16).numpy().view("<u2").tofile(d + "/bf16.u2")
                t.to(torch.float16).view(torch.int16).numpy().view("<u2").tofile(d + "/f16.u2")
                s = [torch.tensor(float(v), dtype=torch.float32).to(torch.bfloat16).view(torch.int16).item() & 0xFFFF for v in a[:{{scalar}}]]
                np.array(s, dtype="<u2").tofile(d + "/bf16scalar.u2")
                bits = torch.arange(65536, dtype=torch.int32).to(torch.int16).view(torch.bfloat16)
                bits.float().view(torch.int32).numpy().view("<u4").tofile(d + "/widened.u4")
                """);
            var start = new ProcessStartInfo(python, [Path.Combine(dir, "round.py"), dir]) { RedirectStandardError = true, RedirectStandardOutput = true };
            using var p = Process.Start(start)!;
            string err = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.That(p.ExitCode, Is.EqualTo(0), err);
            ushort[] U2(string f)
            {
                byte[] b = File.ReadAllBytes(Path.Combine(dir, f));
                return [.. Enumerable.Range(0, b.Length / 2).Select(i => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(i * 2)))];
            }
            byte[] w = File.ReadAllBytes(Path.Combine(dir, "widened.u4"));
            uint[] widened = [.. Enumerable.Range(0, w.Length / 4).Select(i => BinaryPrimitives.ReadUInt32LittleEndian(w.AsSpan(i * 4)))];
            return (U2("bf16.u2"), U2("bf16scalar.u2"), U2("f16.u2"), widened);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // One interpreter call for the whole fixture (starting one and importing torch costs more than every conversion): the
    // special values, then the random floats; each test reads the part it needs. Per fixture instance, that is per run.
    private readonly Lazy<(uint[] Input, (ushort[] Bf16, ushort[] Bf16Scalar, ushort[] F16, uint[] Widened) Torch)> Shared = new(() =>
    {
        var specials = Specials();
        uint[] input = [.. specials.Select(s => s.Bits), .. RandomBits()];
        return (input, Torch(input, specials.Count));
    });

    private static bool IsNaN32(uint bits) => (bits & 0x7FFF_FFFF) > 0x7F80_0000;

    [Test]
    public void RoundingMatchesTorchOnSpecialValuesAndFourMillionRandomFloats()
    {
        var specials = Specials();
        var (input, torch) = Shared.Value;
        Assert.That(torch.Bf16, Has.Length.EqualTo(input.Length));
        var wrong = new List<string>();
        int nans = 0, compared = 0;
        for (int i = 0; i < input.Length; i++)
        {
            float f = BitConverter.UInt32BitsToSingle(input[i]);
            var ours = (BFloat16)f;
            string kind = i < specials.Count ? specials[i].Kind : "random";
            // torch's scalar path makes every NaN 0x7FC0 and its vector path 0xFFFF: a NaN's bits are the converter's, so
            // a NaN must stay a NaN and nothing more is asked.
            bool torchNaN = (torch.Bf16[i] & 0x7FFF) > 0x7F80;
            if (IsNaN32(input[i]))
            {
                nans++;
                if (!ours.IsNaN || !torchNaN) wrong.Add($"{kind} 0x{input[i]:X8}: ours 0x{ours.Bits:X4}, torch 0x{torch.Bf16[i]:X4}");
                continue;
            }
            compared++;
            if (ours.Bits != torch.Bf16[i] || (i < specials.Count && ours.Bits != torch.Bf16Scalar[i]))
                wrong.Add($"{kind} 0x{input[i]:X8} ({f:R}): ours 0x{ours.Bits:X4}, torch 0x{torch.Bf16[i]:X4} (scalar 0x{(i < specials.Count ? torch.Bf16Scalar[i] : 0):X4})");
        }
        Assert.That(wrong.Take(20), Is.Empty, $"{wrong.Count} of {input.Length} differ");
        Assert.That(nans, Is.GreaterThan(12), "NaNs were compared");
        Assert.That(compared, Is.GreaterThan(RandomCount * 99 / 100));
    }

    [Test]
    public void TiesGoToEvenAndOverflowGoesToInfinityAsTorchDoes()
    {
        // The special values alone, with the outcome spelt out, so a failure names the rule and not just the bits.
        var specials = Specials();
        var rounded = Shared.Value.Torch;
        ushort Of(uint bits) => rounded.Bf16[specials.FindIndex(s => s.Bits == bits)];
        (uint Bits, ushort Expected, string Rule)[] cases =
        [
            (0x3F80_8000, 0x3F80, "1 + 2^-8 is a tie: to the even 1"),
            (0x3F81_8000, 0x3F82, "an odd kept part rounds up on a tie"),
            (0x7F7F_8000, 0x7F80, "half-way above the largest finite value overflows to +inf"),
            (0x7F7F_7FFF, 0x7F7F, "just below half-way stays finite"),
            (0x007F_FFFF, 0x0080, "the largest subnormal rounds up to the smallest normal"),
            (0x8000_8000, 0x8000, "−(2^-149·2^15) is a tie between −0 and −2^-133: to −0"),
        ];
        Assert.Multiple(() =>
        {
            foreach (var (bits, expected, rule) in cases)
            {
                Assert.That(Of(bits), Is.EqualTo(expected), rule);
                Assert.That(((BFloat16)BitConverter.UInt32BitsToSingle(bits)).Bits, Is.EqualTo(Of(bits)), rule);
            }
        });
    }

    [Test]
    public void Float16RoundingMatchesTorch()
    {
        var specials = Specials();
        var (input, torch) = Shared.Value;
        int count = specials.Count + 1_000_000;
        var wrong = new List<string>();
        for (int i = 0; i < count; i++)
        {
            float f = BitConverter.UInt32BitsToSingle(input[i]);
            ushort ours = BitConverter.HalfToUInt16Bits((Half)f);
            if (IsNaN32(input[i]) ? !Half.IsNaN((Half)f) || (torch.F16[i] & 0x7FFF) <= 0x7C00 : ours != torch.F16[i])
                wrong.Add($"0x{input[i]:X8}: ours 0x{ours:X4}, torch 0x{torch.F16[i]:X4}");
        }
        Assert.That(wrong.Take(20), Is.Empty, $"{wrong.Count} of {count} differ");
    }

    [Test]
    public void WideningIsExactForAll65536Patterns()
    {
        var torch = Shared.Value.Torch;
        Assert.That(torch.Widened, Has.Length.EqualTo(65536));
        var wrong = Enumerable.Range(0, 65536)
            .Where(b => BitConverter.SingleToUInt32Bits((float)BFloat16.FromBits((ushort)b)) != torch.Widened[b])
            .Select(b => $"0x{b:X4}").Take(20).ToList();
        Assert.That(wrong, Is.Empty);
    }

    /// <summary>float64 → bfloat16 is one rounding: the result is the nearer of the two bfloat16 values around the input, the even one on a tie.</summary>
    [Test]
    public void FromDoubleRoundsOnceToTheNearerNeighbour()
    {
        var rng = new Random(12);
        var wrong = new List<string>();
        for (int i = 0; i < 200_000; i++)
        {
            // Values near bfloat16 ties (where a rounding through float32 would go wrong) and plain ones.
            double d = i % 2 == 0
                ? (1 + (rng.Next(128) + 0.5) / 128 + (rng.Next(3) - 1) * Math.ScaleB(1, -30 - rng.Next(20))) * Math.ScaleB(1, rng.Next(-130, 127))
                : (rng.NextDouble() - 0.5) * Math.ScaleB(1, rng.Next(-140, 128));
            double r = (double)(BFloat16)d;
            // Neighbours by bits: the bfloat16 at or below |d| toward zero (truncation is exact), and the next one up.
            uint t = BitConverter.SingleToUInt32Bits((float)Math.Abs(d));
            if ((double)BitConverter.UInt32BitsToSingle(t) > Math.Abs(d)) t--;
            var lo = BFloat16.FromBits((ushort)(t >> 16));
            var hi = BFloat16.FromBits((ushort)((t >> 16) + 1));
            double dl = Math.Abs(d) - (double)lo, dh = (double)hi - Math.Abs(d);
            double expected = dl < dh || (dl == dh && (lo.Bits & 1) == 0) ? (double)lo : (double)hi;
            expected = Math.CopySign(expected, d);
            if (!r.Equals(expected)) wrong.Add($"{d:R}: got {r:R}, nearest {expected:R}");
        }
        Assert.That(wrong.Take(10), Is.Empty, $"{wrong.Count} wrong");
    }
}
