using System.Security.Cryptography;
using System.Text;
using ConvVerify.Cases;
using ConvVerify.Problems;
using ConvVerify.Snapshots;

namespace ConvVerify.Tests.Snapshots;

/// <summary>
/// A tensor's section word for word where the values are special (NaN, zeros of both signs), the 2-byte bits a
/// narrow dtype's hash is of, and the refusal of null arguments by name.
/// </summary>
public class ConvSnapshotDetailTests
{
    private static string Hash(params byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Test]
    public void ZerosKeepTheSignOfTheFirstAndNaNIsSkippedButFlagged()
    {
        // Min and max compare strictly, so a later equal value (0 after -0) does not replace the first; NaN takes no
        // part in either, makes the sum NaN and adds the ".nan" line.
        var sb = new StringBuilder();
        ConvSnapshot.AppendTensor<double>(sb, "t", [3], [-0.0, 0.0, double.NaN]);
        string sha = Hash(0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf8, 0xff);
        Assert.That(sb.ToString(), Is.EqualTo(
            $"t.shape: [3]\nt.count: 3\nt.sha256: {sha}\nt.min: -0\nt.max: -0\nt.sum: NaN\nt.nan: yes\nt.values: all 3\n"
            + "t[0] = -0\nt[1] = 0\nt[2] = NaN\n"));
    }

    [Test]
    public void ALeadingNaNIsReplacedByTheFirstNumber()
    {
        var sb = new StringBuilder();
        ConvSnapshot.AppendTensor<float>(sb, "u", [3], [float.NaN, -1f, 3f]);
        string sha = Hash(0, 0, 0xc0, 0xff, 0, 0, 0x80, 0xbf, 0, 0, 0x40, 0x40);
        Assert.That(sb.ToString(), Is.EqualTo(
            $"u.shape: [3]\nu.count: 3\nu.sha256: {sha}\nu.min: -1\nu.max: 3\nu.sum: NaN\nu.nan: yes\nu.values: all 3\n"
            + "u[0] = NaN\nu[1] = -1\nu[2] = 3\n"));
    }

    [Test]
    public void NarrowDTypesAreHashedAsTheirOwnTwoByteBits()
    {
        // 1 and -2 are 0x3c00 and 0xc000 in float16, 0x3f80 and 0xc000 in bfloat16, stored little-endian.
        Assert.That(ConvSnapshot.StorageSha256(DType.Float16, [1f, -2f]), Is.EqualTo(Hash(0x00, 0x3c, 0x00, 0xc0)));
        Assert.That(ConvSnapshot.StorageSha256(DType.BFloat16, [1f, -2f]), Is.EqualTo(Hash(0x80, 0x3f, 0x00, 0xc0)));
    }

    [Test]
    public void NullArgumentsAreRefusedByName()
    {
        var c = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3", DType.Float64), Fill.Integer);
        var results = new ConvResults<double>(new double[2], new double[4], new double[3], new double[1]);
        Assert.That(() => ConvSnapshot.Format(null!, results), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("convCase"));
        Assert.That(() => ConvSnapshot.Format<double>(c, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("results"));
        Assert.That(() => ConvSnapshot.AppendTensor<double>(null!, "t", [1], [1.0]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("sb"));
        // An absent tensor needs no name to be written; it is refused all the same.
        var sb = new StringBuilder();
        Assert.That(() => ConvSnapshot.AppendTensor<double>(sb, null!, null, []), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("name"));
        Assert.That(sb.ToString(), Is.Empty);
    }
}
