using ConvVerify.Problems;
using ConvVerify.Reports;

namespace ConvVerify.Tests.Reports;

/// <summary>The picture of M: drawn up to its limit of entries inclusive, refused past it with the sizes named.</summary>
public class MatrixPictureTests : TempFolderTest
{
    [Test]
    public void MOfExactlyTheLimitIsAllowedAndOneColumnMoreIsRefused()
    {
        // 1-D, one channel, a 1-tap kernel: M is the 1024 x 1024 identity, 2^20 entries (checked, not drawn: 4 s of plotting).
        var atLimit = BenchdnnDescriptor.Parse("mb1ic1iw1024oc1kw1");
        Assert.That((long)atLimit.YSize * atLimit.XSize, Is.EqualTo(MatrixPicture.MaxEntries));
        Assert.That(() => MatrixPicture.CheckSize(atLimit), Throws.Nothing);

        // Two taps over 1025 inputs: 1024 x 1025.
        var past = BenchdnnDescriptor.Parse("mb1ic1iw1025oc1kw2");
        Assert.That(() => MatrixPicture.Write(past, Path.Combine(Dir, "past.png")),
            Throws.ArgumentException.With.Message.Contains("is 1024 x 1025, more than the 1048576 entries"));
        Assert.That(File.Exists(Path.Combine(Dir, "past.png")), Is.False, "nothing is written for a refused problem");
    }

    [Test]
    public void ASmallMIsDrawn()
    {
        string png = Path.Combine(Dir, "m.png");
        MatrixPicture.Write(BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3"), png);
        Assert.That(File.ReadAllBytes(png).Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
    }

    [Test]
    public void ANullProblemIsRefusedByName() =>
        Assert.That(() => MatrixPicture.Write(null!, Path.Combine(Dir, "m.png")), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("p"));
}
