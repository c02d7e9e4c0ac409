using System.Globalization;
using System.Text.Json;
using ConvVerify.Comparison;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Comparison;

/// <summary>
/// Text of a value reads back as that value. The 10.0 runtime's shortest formatting wrote 2^−25 as
/// "2.980232238769531E-08", the double below it, so a report whose worst element erred by 1 ulp of a float32 value near
/// 0.3 was refused by ConvVerify's own reader (its ratio no longer matched the error over the bound read back).
/// </summary>
public class RoundTripTextTests
{
    private static bool ReadsBack(string text, double value)
    {
        double back = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return BitConverter.DoubleToInt64Bits(back) == BitConverter.DoubleToInt64Bits(value);
    }

    [Test]
    public void TwoToTheMinus25IsWrittenWithTheDigitThatMakesItReadBack()
    {
        // 2^−25 = 2.98023223876953125E-08 exactly; 16 digits name the double below it (2^−25 − 2^−78 is nearer to them).
        double v = Math.ScaleB(1, -25);
        Assert.That(RoundTripText.Of(v), Is.EqualTo("2.9802322387695312E-08"));
        Assert.That(ReadsBack("2.980232238769531E-08", v), Is.False, "the premise: the 16-digit text names another double");
    }

    [Test]
    public void EveryPowerOfTwoOfEveryTypeReadsBackWithEitherSign()
    {
        var wrong = new List<string>();
        for (int e = -1074; e <= 1023; e++)
        {
            foreach (double v in new[] { Math.ScaleB(1, e), -Math.ScaleB(1, e) })
                if (!ReadsBack(RoundTripText.Of(v), v)) wrong.Add($"2^{e}: {RoundTripText.Of(v)}");
        }
        for (int e = -149; e <= 127; e++)
        {
            float f = MathF.ScaleB(1, e);
            if (float.Parse(RoundTripText.Of(f), CultureInfo.InvariantCulture) != f) wrong.Add($"float 2^{e}");
        }
        for (int e = -24; e <= 15; e++)
        {
            var h = (Half)MathF.ScaleB(1, e);
            if (Half.Parse(RoundTripText.Of(h), CultureInfo.InvariantCulture) != h) wrong.Add($"Half 2^{e}");
        }
        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void ShortTextStaysShortAndSpecialValuesAreNamedAsDotNetNamesThem()
    {
        Assert.That(RoundTripText.Of(0.1), Is.EqualTo("0.1"));
        Assert.That(RoundTripText.Of(0.5), Is.EqualTo("0.5"));
        Assert.That(RoundTripText.Of(-0.0), Is.EqualTo("-0"));
        Assert.That(RoundTripText.Of(0.3f), Is.EqualTo("0.3"));
        Assert.That(RoundTripText.Of(double.NaN), Is.EqualTo("NaN"));
        Assert.That(RoundTripText.Of(double.NegativeInfinity), Is.EqualTo("-Infinity"));
        // Seeded values: where the runtime's shortest text reads back, it is the one written.
        var random = new Random(20261202);
        for (int i = 0; i < 10000; i++)
        {
            double v = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (!double.IsFinite(v)) continue;
            string r = v.ToString("R", CultureInfo.InvariantCulture);
            if (ReadsBack(r, v)) Assert.That(RoundTripText.Of(v), Is.EqualTo(r));
            else Assert.That(ReadsBack(RoundTripText.Of(v), v), Is.True, r);
        }
    }

    [Test]
    public void TheReportsJsonWritesEveryDoubleSoThatItReadsBack()
    {
        double[] values = [Math.ScaleB(1, -25), Math.ScaleB(1, -958), -Math.ScaleB(1, -25), 0.1, -0.0, double.Epsilon, double.MaxValue];
        string json = JsonSerializer.Serialize(values, RunReport.JsonOptions);
        Assert.That(json, Does.Contain("2.9802322387695312E-08"));
        double[] back = JsonSerializer.Deserialize<double[]>(json, RunReport.JsonOptions)!;
        Assert.That(back.Select(BitConverter.DoubleToInt64Bits), Is.EqualTo(values.Select(BitConverter.DoubleToInt64Bits)));
        // Nullable members go through the same converter.
        Assert.That(JsonSerializer.Serialize<double?>(Math.ScaleB(1, -25), RunReport.JsonOptions), Is.EqualTo("2.9802322387695312E-08"));
    }

    [Test]
    public void NonFiniteValuesAreTheNamedStringsAndNoOtherStringIsANumber()
    {
        string json = JsonSerializer.Serialize(new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity }, RunReport.JsonOptions);
        Assert.That(json.Replace(" ", "").Replace("\n", "").Replace("\r", ""), Is.EqualTo("[\"NaN\",\"Infinity\",\"-Infinity\"]"));
        double[] back = JsonSerializer.Deserialize<double[]>(json, RunReport.JsonOptions)!;
        Assert.That(back, Is.EqualTo(new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity }));
        Assert.That(() => JsonSerializer.Deserialize<double[]>("[\"1.5\"]", RunReport.JsonOptions), Throws.InstanceOf<JsonException>().With.Message.StartsWith("The JSON value could not be converted to System.Double. Path: $[0]"));
        Assert.That(() => JsonSerializer.Deserialize<double[]>("[\"nan\"]", RunReport.JsonOptions), Throws.InstanceOf<JsonException>());
        Assert.That(() => JsonSerializer.Deserialize<double[]>("[true]", RunReport.JsonOptions), Throws.InstanceOf<JsonException>().With.Message.StartsWith("The JSON value could not be converted to System.Double. Path: $[0]"));
    }
}
