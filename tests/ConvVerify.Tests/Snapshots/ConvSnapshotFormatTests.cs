using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Problems;
using ConvVerify.Snapshots;

namespace ConvVerify.Tests.Snapshots;

/// <summary>The snapshot text: culture-independent, round-trip exact, capped, with the documented summary lines.</summary>
public class ConvSnapshotFormatTests
{
    private static ConvCase NormalCase(DType dtype, string set = "basic", int index = 0) =>
        ConvCase.Create(CaseSets.Load(set, dtype)[index], Fill.Normal);

    private static string InCulture(string culture, Func<string> f)
    {
        var (keep, keepUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
            return f();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (keep, keepUi);
        }
    }

    [TestCase("de-DE")]
    [TestCase("ar-SA")]
    [TestCase("fr-FR")]
    [TestCase("fa-IR")]
    public void TextIsTheSameUnderAnyCulture(string culture)
    {
        // The culture really is in effect (real ICU data, not invariant mode): its own formatting differs.
        string local = InCulture(culture, () => (-1234.5).ToString(CultureInfo.CurrentCulture));
        Assert.That(local, Is.Not.EqualTo("-1234.5"), $"{culture} formats like the invariant culture; is globalization invariant mode on?");
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var c = NormalCase(dtype, "pytorch");
            string invariant = InCulture("", () => ResultSnapshotTests.Text(c));
            Assert.That(InCulture(culture, () => ResultSnapshotTests.Text(c)), Is.EqualTo(invariant));
        }
    }

    [Test]
    public void CurrentCultureOfTheRunDoesNotMatter()
    {
        // Run once with LANG=de_DE.UTF-8 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=0: the snapshot tests pass, and this says so.
        TestContext.Out.WriteLine($"CurrentCulture: '{CultureInfo.CurrentCulture.Name}', 0.5 formats as '{0.5.ToString(CultureInfo.CurrentCulture)}'");
        var c = NormalCase(DType.Float64);
        Assert.That(ResultSnapshotTests.Text(c), Is.EqualTo(InCulture("", () => ResultSnapshotTests.Text(c))));
    }

    [Test]
    public void TextIsStableAcrossCalls()
    {
        var c = NormalCase(DType.Float32);
        string first = ResultSnapshotTests.Text(c);
        string second = ResultSnapshotTests.Text(c with { }); // a fresh case object: inputs regenerated from the seed
        Assert.That(second, Is.EqualTo(first));
    }

    [TestCase(DType.Float32)]
    [TestCase(DType.Float64)]
    public void PrintedValuesRoundTripAndSummariesAreExact(DType dtype)
    {
        // A normal-fill case with tensors both under and over the cap.
        var cases = CaseSets.Committed.SelectMany(s => CaseSets.Load(s, dtype)).Select(p => ConvCase.Create(p, Fill.Normal));
        var c = cases.First(c => c.Problem.HasBias && c.Problem.XSize > ConvSnapshot.MaxFullValues && c.Problem.YSize <= ConvSnapshot.MaxFullValues);
        string text = ResultSnapshotTests.Text(c);
        var lines = text.Split('\n');
        Assert.That(text, Does.EndWith("\n").And.Not.Contain("\r"));
        Assert.That(lines, Does.Contain($"case: {c.Id}").And.Contain($"descriptor: {BenchdnnDescriptor.Format(c.Problem)}")
            .And.Contain($"dtype: {ConvCase.DTypeName(dtype)}").And.Contain("fill: normal").And.Contain($"seed: {c.Seed}"));

        double Parse(string s) => dtype == DType.Float32 ? float.Parse(s, CultureInfo.InvariantCulture) : double.Parse(s, CultureInfo.InvariantCulture);
        double[][] tensors = dtype == DType.Float32
            ? [.. Directions.All.Select(d => ResultSnapshotTests.Compute<float>(c).Get(d).Select(v => (double)v).ToArray())]
            : [.. Directions.All.Select(d => ResultSnapshotTests.Compute<double>(c).Get(d))];
        foreach (var d in Directions.All)
        {
            string t = d.TensorName();
            double[] values = tensors[(int)d];
            var printed = lines.Select(l => Regex.Match(l, $@"^{t}\[(\d+)\] = (.+)$")).Where(m => m.Success)
                .ToDictionary(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m => m.Groups[2].Value);
            int[] expectedIndices = values.Length <= 256
                ? [.. Enumerable.Range(0, values.Length)]
                : [.. Enumerable.Range(0, 16), .. Enumerable.Range(values.Length - 16, 16)];
            Assert.That(printed.Keys, Is.EqualTo(expectedIndices), $"{t}: printed indices");
            foreach (var (i, s) in printed)
            {
                double parsed = Parse(s);
                Assert.That(BitConverter.DoubleToInt64Bits(parsed), Is.EqualTo(BitConverter.DoubleToInt64Bits(values[i])), $"{t}[{i}] = {s} round-trips");
            }

            double sum = 0;
            foreach (double v in values) sum += v;
            var bytes = new List<byte>();
            foreach (double v in values)
            {
                var b = new byte[dtype == DType.Float32 ? 4 : 8];
                if (dtype == DType.Float32) BinaryPrimitives.WriteSingleLittleEndian(b, (float)v);
                else BinaryPrimitives.WriteDoubleLittleEndian(b, v);
                bytes.AddRange(b);
            }
            Assert.That(lines, Does.Contain($"{t}.count: {values.Length}"));
            Assert.That(lines, Does.Contain($"{t}.sha256: {Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray()))}"));
            Assert.That(lines, Does.Contain($"{t}.sum: {sum.ToString("R", CultureInfo.InvariantCulture)}"));
            double Field(string key) => Parse(lines.Single(l => l.StartsWith($"{t}.{key}: ", StringComparison.Ordinal))[$"{t}.{key}: ".Length..]);
            double min = Field("min"), max = Field("max");
            Assert.That((min, max), Is.EqualTo((values.Min(), values.Max())), $"{t} min/max");
        }
    }

    [TestCase(0, 0)]
    [TestCase(1, 1)]
    [TestCase(256, 256)]
    [TestCase(257, 32)]
    [TestCase(3000, 32)]
    public void ValuesAreCappedAt256(int count, int printed)
    {
        var values = Enumerable.Range(0, count).Select(i => i * 0.1).ToArray();
        var sb = new StringBuilder();
        ConvSnapshot.AppendTensor<double>(sb, "t", [count], values);
        var lines = sb.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines.Count(l => l.StartsWith("t[", StringComparison.Ordinal)), Is.EqualTo(printed));
        if (count > 256)
            Assert.That(lines, Does.Contain("t[15] = 1.5").And.Contain($"t[{count - 16}] = {((count - 16) * 0.1).ToString("R", CultureInfo.InvariantCulture)}")
                .And.Not.Contain("t[16] = 1.6"));
    }

    [Test]
    public void RoundTripFormattingIsShortestExact()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ConvSnapshot.Value(0.1f), Is.EqualTo("0.1"));
            Assert.That(ConvSnapshot.Value(0.1), Is.EqualTo("0.1"));
            Assert.That(ConvSnapshot.Value((double)0.1f), Is.EqualTo("0.10000000149011612"));
            Assert.That(ConvSnapshot.Value(-0.0), Is.EqualTo("-0"));
            Assert.That(ConvSnapshot.Value(1e-45f), Is.EqualTo("1E-45"));
            Assert.That(ConvSnapshot.Value(double.NaN), Is.EqualTo("NaN"));
        });
    }

    [Test]
    public void NoBiasPrintsAnAbsentDb()
    {
        var p = CaseSets.Committed.SelectMany(s => CaseSets.Load(s, DType.Float64)).FirstOrDefault(p => !p.HasBias)
            ?? CaseSets.Load("question", DType.Float64)[0].WithBias(false);
        string text = ResultSnapshotTests.Text(ConvCase.Create(p, Fill.Integer));
        Assert.That(text, Does.Contain("\nbias: no\n").And.Contain("\ndb: absent (no bias)\n").And.Not.Contain("db.sha256"));
    }

    [Test]
    public void WrongElementTypeIsRejected()
    {
        var c = NormalCase(DType.Float64);
        var r = ResultSnapshotTests.Compute<float>(c with { Problem = c.Problem.WithDType(DType.Float32) });
        Assert.That(() => ConvSnapshot.Format(c, r), Throws.ArgumentException.With.Message.Contains("Single"));
    }
}
