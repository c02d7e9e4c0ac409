using ConvVerify.Comparison;

namespace ConvVerify.Tests.Comparison;

/// <summary>A failing ratio never reads as "1", nor a passing one as "1" or more.</summary>
public class RatioFormatTests
{
    [TestCase(0.99989, "0.9998")]
    [TestCase(0.99999999, "0.9999")]
    [TestCase(1.00015, "1.001")]
    [TestCase(1.0000001, "1.001")]
    [TestCase(1.0, "1")]
    [TestCase(0.0, "0")]
    [TestCase(0.123456, "0.1234")]
    [TestCase(12345.6, "1.235E+04")]
    [TestCase(double.PositiveInfinity, "inf")]
    [TestCase(double.NaN, "nan")]
    public void FourDigitsRoundedAwayFromOne(double ratio, string text) => Assert.That(RatioFormat.Format(ratio), Is.EqualTo(text));

    // The probe: 10^(3 − log10 r) overflowed, and a verdict with a vast bound factor said "worst error/bound NaN".
    [TestCase(1e-310, "1E-310")]
    [TestCase(2.2250738585072014E-308, "2.225E-308")]
    [TestCase(double.Epsilon, "4.941E-324")]
    [TestCase(1.2344e-301, "1.234E-301")]
    [TestCase(double.MaxValue, "1.798E+308")]
    [TestCase(1e301, "1E+301")]
    public void RatiosAtTheEdgesOfADoubleAreNumbers(double ratio, string text) => Assert.That(RatioFormat.Format(ratio), Is.EqualTo(text));

    [Test]
    public void NoRatioOnEitherSideOfOnePrintsAsTheOtherSide()
    {
        var rng = new Random(5);
        for (int i = 0; i < 10000; i++)
        {
            double r = Math.Exp((rng.NextDouble() - 0.5) * 1e-3 * Math.Pow(10, rng.Next(4)));
            double printed = double.Parse(RatioFormat.Format(r), System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(printed < 1, Is.EqualTo(r < 1), $"{r:R} printed {printed}");
            Assert.That(printed > 1, Is.EqualTo(r > 1), $"{r:R} printed {printed}");
        }
    }

    [Test]
    public void NoRatioNextToOnePrintsAsOne()
    {
        // Where the scaling's own rounding could carry a floor up to 1 or a ceiling down to it, if anywhere.
        double below = 1, above = 1;
        for (int i = 0; i < 100_000; i++)
        {
            below = Math.BitDecrement(below);
            above = Math.BitIncrement(above);
            Assert.That(RatioFormat.Format(below), Is.EqualTo("0.9999"), $"{below:R}");
            Assert.That(RatioFormat.Format(above), Is.EqualTo("1.001"), $"{above:R}");
        }
    }

    [TestCase(double.PositiveInfinity, "inf")]
    [TestCase(double.NegativeInfinity, "-inf")]
    [TestCase(double.NaN, "nan")]
    [TestCase(double.Epsilon, "5E-324")]
    [TestCase(1.2345678e-5, "1.235E-05")]
    [TestCase(0.5, "0.5")]
    [TestCase(-0.00125, "-0.00125")]
    [TestCase(123456.0, "1.235E+05")]
    [TestCase(1e20, "1E+20")]
    [TestCase(0.0, "0")]
    public void NumbersReadAsRatiosDo(double value, string text) => Assert.That(RatioFormat.Number(value), Is.EqualTo(text));

    [TestCase(double.PositiveInfinity, "inf")]
    [TestCase(double.NaN, "nan")]
    [TestCase(0.1, "0.1")]
    [TestCase(1.2345678e-5, "1.2345678E-05")]
    public void ExactValuesReadBackAndInfinitiesAsRatiosDo(double value, string text) => Assert.That(RatioFormat.Exact(value), Is.EqualTo(text));
}
