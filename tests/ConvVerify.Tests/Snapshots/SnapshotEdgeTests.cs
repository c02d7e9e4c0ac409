using System.Text;
using ConvVerify.Snapshots;

namespace ConvVerify.Tests.Snapshots;

/// <summary>
/// The snapshot format's refusals and the diff of two texts too long for a line-by-line alignment: the paths no
/// committed snapshot takes (the store's are in SnapshotStoreDetailTests).
/// </summary>
public class SnapshotEdgeTests
{
    [Test]
    public void ATensorWhoseValuesDoNotMatchItsShapeIsRefused()
    {
        var sb = new StringBuilder();
        Assert.That(() => ConvSnapshot.AppendTensor<float>(sb, "db", null, [1f]),
            Throws.ArgumentException.With.Message.StartsWith("db: no shape (absent tensor) but 1 values").And.Property("ParamName").EqualTo("values"));
        Assert.That(() => ConvSnapshot.AppendTensor<float>(sb, "y", [2, 3], [1f, 2f]),
            Throws.ArgumentException.With.Message.StartsWith("y: shape [2, 3] has 6 elements but 2 values were given").And.Property("ParamName").EqualTo("values"));
        Assert.That(sb.ToString(), Is.Empty, "nothing is written for a refused tensor");
    }

    [Test]
    public void ResultsOfAnotherElementTypeThanTheCaseAreRefused()
    {
        var c = ConvVerify.Cases.ConvCase.Create(ConvVerify.Problems.BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3", ConvVerify.Problems.DType.Float64), ConvVerify.Cases.Fill.Integer);
        var floats = new ConvVerify.Cases.ConvResults<float>(new float[4], new float[16], new float[9], new float[1]);
        Assert.That(() => ConvSnapshot.Format(c, floats), Throws.ArgumentException.With.Message.StartsWith(
            "results: element type Single does not match the case's dtype Float64").And.Property("ParamName").EqualTo("results"));
    }

    [Test]
    public void ANarrowTensorHoldingAValueItsDTypeCannotIsRefusedByElement()
    {
        // 1 + 2⁻¹⁰ is a float16 value but not a bfloat16 one (8 bits of significand).
        float v = 1 + MathF.ScaleB(1, -10);
        Assert.That(() => ConvSnapshot.StorageSha256(ConvVerify.Problems.DType.BFloat16, [1f, v]), Throws.ArgumentException.With.Message.StartsWith(
            "values: element 1 (").And.Message.Contains(") is not a bfloat16 value").And.Property("ParamName").EqualTo("values"));
        Assert.That(ConvSnapshot.StorageSha256(ConvVerify.Problems.DType.Float16, [1f, v]), Has.Length.EqualTo(64));
    }

    [Test]
    public void OnlyFloatAndDoubleAreHashed()
    {
        Assert.That(() => ConvSnapshot.Sha256<Half>([(Half)1]), Throws.TypeOf<NotSupportedException>().With.Message.EqualTo("snapshots support float and double, not Half"));
        // SHA-256 of the four little-endian bytes of 1.0f (00 00 80 3f) and of the eight of 1.0 (... f0 3f).
        Assert.That(ConvSnapshot.Sha256<float>([1f]), Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([0, 0, 0x80, 0x3f]))));
        Assert.That(ConvSnapshot.Sha256<double>([1.0]), Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]))));
    }

    [Test]
    public void TextsTooLongToAlignAreComparedLineByLine()
    {
        // 5,000 lines each, every one different: 25 million cells, past the alignment's limit. Line i of each side is
        // shown where it differs, removed before added.
        string verified = string.Join("\n", Enumerable.Range(0, 5000).Select(i => $"a{i}"));
        string received = string.Join("\n", Enumerable.Range(0, 4999).Select(i => i == 7 ? "a7" : $"b{i}"));
        var diff = SnapshotDiff.Compute(verified, received);
        Assert.That(diff.Take(3), Is.EqualTo(new[] { new DiffLine('-', 1, "a0"), new DiffLine('+', 1, "b0"), new DiffLine('-', 2, "a1") }));
        Assert.That(diff.Where(d => d.LineNumber == 8), Is.Empty, "the one equal line is not shown");
        Assert.That(diff[^1], Is.EqualTo(new DiffLine('-', 5000, "a4999")), "the verified side's extra last line");
        Assert.That(diff.Count(d => d.Kind == '-'), Is.EqualTo(4999));
        Assert.That(diff.Count(d => d.Kind == '+'), Is.EqualTo(4998));
    }
}
