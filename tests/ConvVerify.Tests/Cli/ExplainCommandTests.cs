namespace ConvVerify.Tests.Cli;

/// <summary><c>convverify explain</c>.</summary>
public class ExplainCommandTests : CliTestBase
{
    // M of a 4x4 input and a 3x3 kernel (weights a..i row-major): one row per output element (0,0), (0,1), (1,0), (1,1),
    // one column per input element; each row holds the kernel, shifted.
    private static readonly string[] AnswerRows =
    [
        "a b c . d e f . g h i . . . . .",
        ". a b c . d e f . g h i . . . .",
        ". . . . a b c . d e f . g h i .",
        ". . . . . a b c . d e f . g h i",
    ];

    private static List<string> MatrixRows(string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int header = lines.FindIndex(l => l.TrimStart().StartsWith("M (", StringComparison.Ordinal));
        Assert.That(header, Is.GreaterThanOrEqualTo(0), text);
        return [.. lines.Skip(header + 1).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal)).Select(l => l.Trim())];
    }

    [Test]
    public void DefaultExplainsTheQuestion()
    {
        var r = Run("explain");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(r.Out, Does.Contain("(5,5,3)"), "x in the question's layout");
            Assert.That(r.Out, Does.Contain("(3,3,16)"), "h and dL/dh in the question's layout");
            Assert.That(r.Out, Does.Contain("(3,3,3)"), "each filter in the question's layout");
            Assert.That(r.Out, Does.Contain("floor((5 + 0 + 0 - 1*(3-1) - 1) / 1) + 1 = 3"));
            Assert.That(r.Out, Does.Contain("M (4 x 16)"));
            Assert.That(r.Out, Does.Contain("9 distinct non-zero values"));
            Assert.That(r.Out, Does.Contain("max |dL/dx - sum of the 16 filters' contributions| = 0\n").Or.Contain("max |dL/dx - sum of the 16 filters' contributions| = 0\r\n"));
            Assert.That(r.Out, Does.Contain("max |dL/dx - M^T * dL/dh| = 0"));
            Assert.That(MatrixRows(r.Out), Is.EqualTo(AnswerRows));
        });
        Assert.That(r.Err, Is.Empty);
    }

    [Test]
    public void AnswerMatrixDescriptorPrintsItsMatrix()
    {
        var r = Run("explain", "mb1ic1ih4oc1kh3");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("M (4 x 16)"));
        Assert.That(r.Out, Does.Not.Contain("too large to print"));
        Assert.That(MatrixRows(r.Out), Is.EqualTo(AnswerRows));
        Assert.That(r.Out, Does.Contain("floor((4 + 0 + 0 - 1*(3-1) - 1) / 1) + 1 = 2"));
        Assert.That(r.Out, Does.Contain("max |dL/dx - sum of the 1 filters' contributions| = 0"));
    }

    [Test]
    public void StridedPaddedConv1dShowsItsNumbers()
    {
        // iw7 kw3 sw2 pw1: floor((7 + 1 + 1 - 1*(3-1) - 1) / 2) + 1 = 4; M is 4 x 7.
        var r = Run("explain", "mb1ic1iw7oc1kw3sw2pw1");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("floor((7 + 1 + 1 - 1*(3-1) - 1) / 2) + 1 = 4"));
        Assert.That(r.Out, Does.Contain("M (4 x 7)"));
        // Output p reads inputs 2p - 1 + k, k = 0..2: the first window's a falls on the begin padding, the last one's c on the end padding.
        Assert.That(MatrixRows(r.Out), Is.EqualTo(new[]
        {
            "b c . . . . .",
            ". a b c . . .",
            ". . . a b c .",
            ". . . . . a b",
        }));
    }

    [TestCase("mb1ic3zz5oc16kh3")]
    [TestCase("mb1ic3ih2oc16kh3")]
    public void BadDescriptorIsBadUsage(string descriptor)
    {
        var r = Run("explain", descriptor);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain(descriptor));
        Assert.That(r.Out, Is.Empty);
    }

    [Test]
    public void TooLargeAProblemIsBadUsageNotAWait()
    {
        var r = Run("explain", "mb1ic64ih56oc64kh3");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("too large to explain").And.Contain("x 200704"));
    }

    [Test]
    public void PngDrawsTheMatrixAndRefusesWhatNoPictureCanShow()
    {
        string dir = Path.Combine(Path.GetTempPath(), "convverify-png-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string png = Path.Combine(dir, "m.png");
            var r = CliTestBase.Run("explain", "mb1ic1ih4oc1kh3", "--png", png);
            Assert.That(r.Code, Is.EqualTo(0), r.ToString());
            byte[] bytes = File.ReadAllBytes(png);
            Assert.That(bytes[..8], Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }));
            Assert.That(ConvVerify.Tests.Reports.PlotsTests.PngSize(png), Is.EqualTo((640, 360)), "the 4 x 16 matrix at its minimum size");
            Assert.That(r.Out, Does.Contain($"M drawn in {png}"));
            var big = CliTestBase.Run("explain", "mb1ic8ih64oc8kh3", "--png", Path.Combine(dir, "big.png"));
            Assert.That(big.Code, Is.EqualTo(2), big.ToString());
            var bad = CliTestBase.Run("explain", "--png", Path.Combine(dir, "no-such-folder", "m.png"));
            Assert.That(bad.Code, Is.EqualTo(2), bad.ToString());
            Assert.That(bad.Err, Does.Contain("--png"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
