using System.Text.RegularExpressions;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Problems;

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

    // The walk-through between a problem's extents and its M: the same words for every problem.
    private const string Walkthrough = """
        dL/dx is the sum over all filters of each filter's contribution. Output h[n,f,p] used x[n,c,p*s - pb + k*dil] with weight
        w[f,c,k], so dL/dh[n,f,p] sends dL/dh[n,f,p]*w[f,c,k] back to that input element:
          dL/dx[n,c,i] = sum over f, k of dL/dh[n,f,(i + pb - k*dil)/s] * w[f,c,k],
          over the terms where i + pb - k*dil is >= 0, divisible by the stride, and inside the output.
          dL/dw[f,c,k] = sum over n, p of dL/dh[n,f,p] * x[n,c,p*s - pb + k*dil];  dL/db[f] = sum over n, p of dL/dh[n,f,p].

        The matrix view: h = M*vec(x) (+ b), where M has one row per output element and one column per input element,
        filled with shared weights; then dL/dx = M^T * vec(dL/dh).
        """;

    private const string ExtentFormula = "Output extent per spatial dim: floor((in + pad_begin + pad_end - dilation*(k-1) - 1) / stride) + 1";

    private const string Bias = "(PyTorch semantics, bias left out: it adds a constant and does not change dL/dx)";

    private static string Lines(CliResult r) => r.Out.ReplaceLineEndings("\n");

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
        Assert.That(r.Out, Does.Contain("max |dL/dx - sum of the 1 filter's contribution| = 0"));
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
    public void ANamesControlCharactersAreEscapedInTheWalkThroughAndTheRefusals()
    {
        // A newline in the name forged a line of the walk-through; an escape sequence reached the terminal.
        const string Name = "n\"a\u001b[31mb\nPASS\"";
        var r = Run("explain", "mb1ic1ih4oc1kh3" + Name);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.StartWith("Problem mb1ic1ih4oc1oh2kh3ph0n\"a\\u001b[31mb\\u000aPASS\" "));
        Assert.That(r.Out.Where(c => char.IsControl(c) && c is not '\n' and not '\r'), Is.Empty, r.ToString());
        var big = Run("explain", "mb1ic64ih56oc64kh3" + Name);
        Assert.That(big.Code, Is.EqualTo(2), big.ToString());
        Assert.That(big.Err, Does.Contain("\\u001b[31mb\\u000aPASS"));
        Assert.That(big.Err.TrimEnd().Where(char.IsControl), Is.Empty, big.ToString());
        var png = Run("explain", "mb1ic64iw64oc64kw1" + Name, "--png", TempPath("m.png"));
        Assert.That(png.Code, Is.EqualTo(2), png.ToString());
        Assert.That(png.Err, Does.Contain("\\u001b[31mb\\u000aPASS"));
        Assert.That(png.Err.TrimEnd().Where(char.IsControl), Is.Empty, png.ToString());
    }

    [Test]
    public void AnUnparsableDescriptorIsNamedWithItsControlCharactersEscaped()
    {
        // The parser's message quoted the text as it was: the escape sequence reached the terminal (explain's and cases').
        foreach (string command in new[] { "explain", "cases" })
        {
            var r = Run(command, "mb1ic1ih4oc1kh3\u001b[2J\r");
            Assert.That(r.Code, Is.EqualTo(2), r.ToString());
            Assert.That(r.Err, Does.Contain("descriptor 'mb1ic1ih4oc1kh3\\u001b[2J\\u000d'"), r.ToString());
            Assert.That(r.Err.TrimEnd().Where(char.IsControl), Is.Empty, r.ToString());
        }
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
            // Small enough to explain (1100 elements each), too large to draw (M 1100 x 1100): the refusal names the option
            // as it was given, as every other refusal of --png does.
            var wide = CliTestBase.Run("explain", "mb1ic1iw1100oc1kw1", "--png", Path.Combine(dir, "wide.png"));
            Assert.That(wide.Code, Is.EqualTo(2), wide.ToString());
            Assert.That(wide.Err, Does.StartWith("convverify: --png: M of mb1ic1iw1100oc1ow1100kw1pw0 is 1100 x 1100, more than the 1048576 entries"), wide.ToString());
            Assert.That(File.Exists(Path.Combine(dir, "wide.png")), Is.False);
            var bad = CliTestBase.Run("explain", "--png", Path.Combine(dir, "no-such-folder", "m.png"));
            Assert.That(bad.Code, Is.EqualTo(2), bad.ToString());
            Assert.That(bad.Err, Does.Contain("--png"));
            // A write that fails once begun (a full disk) is named by the option too: it said "No space left on device : '/dev/full'".
            if (File.Exists("/dev/full"))
            {
                var full = CliTestBase.Run("explain", "--png", "/dev/full");
                Assert.That((full.Code, full.Err.StartsWith("convverify: --png: cannot write /dev/full: ", StringComparison.Ordinal)), Is.EqualTo((2, true)), full.ToString());
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void SmallConvIsExplainedWordForWord()
    {
        // x (1,2,3,3) and 2 filters of (2,2,2): h (1,2,2,2). Row (f,p,q) of M holds filter f's weights (a..h, then i..p)
        // at the columns c*9 + (p+kh)*3 + (q+kw) of the inputs its window covers.
        // w and dL/dh are the integer fill's for the case mb1ic2ih3oc2oh2kh2ph0__nobias__f64_integer (float64, no bias);
        // dL/dx[c,i,j] = sum over f, kh, kw of dL/dh[f,i-kh,j-kw] * w[f,c,kh,kw], e.g. dL/dx[0,0,0] = -2*2 + -2*-2 = 0 and
        // dL/dx[0,1,1] = (2*2 + 2*1 + -1*-3 + -2*-3) + (-2*-2 + -1*3 + 1*1 + -2*-3) = 15 + 8 = 23.
        // 4 slices of w print without "first 4 of", 2 slices of dL/dh with one blank line between them.
        string expected = $$"""
            Problem mb1ic2ih3oc2oh2kh2ph0 {{Bias}}
              x: (N=1, C=2, H=3, W=3)
              w: 2 filters, each (C/groups=2, KH=2, KW=2)
              h = conv(x, w): (N=1, F=2, OH=2, OW=2)
              In the question's layout: x is (3,3,2), each filter (2,2,2), h and dL/dh are (2,2,2).

            {{ExtentFormula}}
              OH: floor((3 + 0 + 0 - 1*(2-1) - 1) / 1) + 1 = 2
              OW: floor((3 + 0 + 0 - 1*(2-1) - 1) / 1) + 1 = 2

            {{Walkthrough}}
              M (8 x 18); weights in row-major order named a, b, c, ...:
                a b . c d . . . . e f . g h . . . .
                . a b . c d . . . . e f . g h . . .
                . . . a b . c d . . . . e f . g h .
                . . . . a b . c d . . . . e f . g h
                i j . k l . . . . m n . o p . . . .
                . i j . k l . . . . m n . o p . . .
                . . . i j . k l . . . . m n . o p .
                . . . . i j . k l . . . . m n . o p
              16 distinct non-zero values in 64 non-zero entries: every row holds the filter of its output channel, shifted.

            A sample, with small integer inputs (the integer fill, seed 4268123152005881) so every number is exact:
              w (2, 2, 2, 2):
                   2    1
                  -3   -3

                   2   -2
                  -3   -2

                  -2    3
                   1   -3

                   1    2
                  -3    4
              dL/dh (1, 2, 2, 2):
                  -2   -1
                   2    2

                  -2    1
                  -1   -2
              dL/dx (1, 2, 3, 3):
                   0  -12    2
                  10   23   -4
                  -7  -11    0

                  -6   -1    4
                  15   -8   -2
                  -3   -8  -12
              max |dL/dx - sum of the 2 filters' contributions| = 0
              max |dL/dx - M^T * dL/dh| = 0

            """;
        Assert.That(Inputs.CaseSeed(ConvCase.DefaultSeed, "mb1ic2ih3oc2oh2kh2ph0__nobias__f64_integer"), Is.EqualTo(4268123152005881UL),
            "the seed is the float64 case's without bias");
        var r = Run("explain", "mb1ic2ih3oc2kh2");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Lines(r), Is.EqualTo(expected));
        Assert.That(r.Err, Is.Empty);
    }

    [Test]
    public void Conv1dOfTwoImagesIsExplainedWordForWord()
    {
        // 1-D: every slice is one row of W, and the slices run through channels, then images. w (2,3,2) has 6 slices and
        // dL/dx (2,3,4) 6, so both print their first 4; dL/dh (2,2,3) has exactly 4. M is block-diagonal: image n's
        // outputs read only image n's inputs (2 blocks of 2 filters x 3 outputs by 3 channels x 4 inputs), and explain says
        // so. No line for the question's (H,W,C) layout: it is 2-D with one image.
        // Seed and tensors: the case mb2ic3iw4oc2ow3kw2pw0__nobias__f64_integer; w[1,0,:] = (4, 2) is the 4th slice, so
        // dL/dx[0,0,0] = 2*-3 + 1*4 = -2 and dL/dx[0,0,1] = (1*-3 + 2*-3) + (1*4 + 1*2) = -3.
        string expected = $$"""
            Problem mb2ic3iw4oc2ow3kw2pw0 {{Bias}}
              x: (N=2, C=3, W=4)
              w: 2 filters, each (C/groups=3, KW=2)
              h = conv(x, w): (N=2, F=2, OW=3)

            {{ExtentFormula}}
              OW: floor((4 + 0 + 0 - 1*(2-1) - 1) / 1) + 1 = 3

            {{Walkthrough}}
              M (12 x 24); weights in row-major order named a, b, c, ...:
                a b . . c d . . e f . . . . . . . . . . . . . .
                . a b . . c d . . e f . . . . . . . . . . . . .
                . . a b . . c d . . e f . . . . . . . . . . . .
                g h . . i j . . k l . . . . . . . . . . . . . .
                . g h . . i j . . k l . . . . . . . . . . . . .
                . . g h . . i j . . k l . . . . . . . . . . . .
                . . . . . . . . . . . . a b . . c d . . e f . .
                . . . . . . . . . . . . . a b . . c d . . e f .
                . . . . . . . . . . . . . . a b . . c d . . e f
                . . . . . . . . . . . . g h . . i j . . k l . .
                . . . . . . . . . . . . . g h . . i j . . k l .
                . . . . . . . . . . . . . . g h . . i j . . k l
              12 distinct non-zero values in 72 non-zero entries: every row holds the filter of its output channel, shifted.
              M is block-diagonal by image: each image's outputs read only that image's inputs, so all its non-zero entries lie in 2
              blocks of 6 x 12 on its diagonal.

            A sample, with small integer inputs (the integer fill, seed 8055345223834309) so every number is exact:
              w (2, 3, 2), first 4 of 6 slices:
                  -3   -3

                  -3   -3

                  -1   -1

                   4    2
              dL/dh (2, 2, 3):
                   2    1   -1

                   1    1   -2

                  -2    2    2

                  -2   -2    1
              dL/dx (2, 3, 4), first 4 of 6 slices:
                  -2   -3   -6   -1

                  -3  -10  -10   11

                  -3   -7   -1    7

                  -2  -12  -12   -4
              max |dL/dx - sum of the 2 filters' contributions| = 0
              max |dL/dx - M^T * dL/dh| = 0

            """;
        Assert.That(Inputs.CaseSeed(ConvCase.DefaultSeed, "mb2ic3iw4oc2ow3kw2pw0__nobias__f64_integer"), Is.EqualTo(8055345223834309UL));
        var r = Run("explain", "mb2ic3iw4oc2kw2");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Lines(r), Is.EqualTo(expected));
    }

    [Test]
    public void GroupsAreNamedAndSplitTheChannels()
    {
        // g2: filter 0 reads channels 0-1 only (columns 0-17), filter 1 channels 2-3 (columns 18-35); each filter has IC/G = 2 channels.
        var r = Run("explain", "g2mb1ic4ih3oc2kh2");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        string text = Lines(r);
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.StartWith($"Problem g2mb1ic4ih3oc2oh2kh2ph0 {Bias}\n  x: (N=1, C=4, H=3, W=3)\n"));
            Assert.That(text, Does.Contain("\n  w: 2 filters, each (C/groups=2, KH=2, KW=2), in 2 groups\n"));
            Assert.That(text, Does.Contain("\n  In the question's layout: x is (3,3,4), each filter (2,2,2), h and dL/dh are (2,2,2).\n"));
            Assert.That(MatrixRows(text), Is.EqualTo(new[]
            {
                "a b . c d . . . . e f . g h . . . . . . . . . . . . . . . . . . . . . .",
                ". a b . c d . . . . e f . g h . . . . . . . . . . . . . . . . . . . . .",
                ". . . a b . c d . . . . e f . g h . . . . . . . . . . . . . . . . . . .",
                ". . . . a b . c d . . . . e f . g h . . . . . . . . . . . . . . . . . .",
                ". . . . . . . . . . . . . . . . . . i j . k l . . . . m n . o p . . . .",
                ". . . . . . . . . . . . . . . . . . . i j . k l . . . . m n . o p . . .",
                ". . . . . . . . . . . . . . . . . . . . . i j . k l . . . . m n . o p .",
                ". . . . . . . . . . . . . . . . . . . . . . i j . k l . . . . m n . o p",
            }));
            Assert.That(text, Does.Contain("\n  max |dL/dx - sum of the 2 filters' contributions| = 0\n"));
        });
    }

    [Test]
    public void WithGroupsTheFormulasIndexWWithinTheGroup()
    {
        // w of g2 ic4 holds 2 channels per filter: "w[f,c,k]" with x's channel c (0-3) indexed past its end.
        string text = Lines(Run("explain", "g2mb1ic4ih3oc4kh2"));
        Assert.That(text, Does.Contain("dL/dx[n,c,i] = sum over f of c's group, k of dL/dh[n,f,(i + pb - k*dil)/s] * w[f,c',k],"));
        Assert.That(text, Does.Contain("c' = c mod (C/groups)").And.Contain("g = c div (C/groups)"));
        Assert.That(text, Does.Contain("dL/dw[f,c',k] = sum over n, p of dL/dh[n,f,p] * x[n,c,p*s - pb + k*dil] with c = (f div (F/groups))*(C/groups) + c'"));
        Assert.That(text, Does.Not.Contain("w[f,c,k]"));
        Assert.That(Lines(Run("explain", "mb1ic1ih4oc1kh3")), Does.Contain("* w[f,c,k],"), "one group: c is w's channel");
    }

    [Test]
    public void OneOfAThingIsSingular()
    {
        string text = Lines(Run("explain", "mb1ic1iw1oc1kw1"));
        Assert.That(text, Does.Contain("\n  w: 1 filter, each (C/groups=1, KW=1)\n"));
        Assert.That(text, Does.Contain("\n  1 distinct non-zero value in 1 non-zero entry: every row holds the same kernel, shifted.\n"));
    }

    [Test]
    public void RowsInThePaddingAreSaidToBeEmptyAndAnAllZeroMHoldsNoKernel()
    {
        // iw5 kw1 pw2: outputs 0, 1, 7 and 8 read only padding, their rows of M are empty.
        string padded = Lines(Run("explain", "mb1ic1iw5oc1ow9kw1pw2")).Replace(",\n  their", ", their", StringComparison.Ordinal);
        Assert.That(padded, Does.Contain("1 distinct non-zero value in 5 non-zero entries: every non-empty row holds the same kernel, shifted; 4 rows are empty, "
            + "their outputs' windows lying entirely in the padding."));
        // Dilation 2147483646 and padding 1073741823 each side: the one output's two taps both fall in the padding.
        string zero = Lines(Run("explain", "mb1ic1iw2oc1ow1kw2dw2147483646pw1073741823")).Replace("padding,\n  so", "padding, so", StringComparison.Ordinal);
        Assert.That(zero, Does.Contain("0 distinct non-zero values in 0 non-zero entries: M is all zero: every output's window lies entirely in the padding, "
            + "so no output reads an input."));
        Assert.That(zero, Does.Not.Contain("kernel, shifted"));
    }

    [Test]
    public void ExtentLinesAreNamedByTheExtentAndCroppingIsSubtracted()
    {
        // iw10 kw3 with 2 outputs: the end padding crops 6 of the input (10 - 6 - 2 - 1 + 1 = 2).
        string text = Lines(Run("explain", "mb1ic1iw10oc1ow2kw3pw0"));
        Assert.That(text, Does.Contain("\n  OW: floor((10 + 0 - 6 - 1*(3-1) - 1) / 1) + 1 = 2\n"));
        Assert.That(text, Does.Not.Contain("+ -"));
        Assert.That(text, Does.Not.Match(@"\n  w: floor"), "no extent line reads as the tensor w");
    }

    [Test]
    public void WeightsAreLettersUpToTwentySixThenNumbered()
    {
        var letters = Run("explain", "mb1ic1iw26oc1kw26");
        Assert.That(letters.Code, Is.EqualTo(0), letters.ToString());
        Assert.That(Lines(letters), Does.Contain("\n  M (1 x 26); weights in row-major order named a, b, c, ...:\n"));
        Assert.That(MatrixRows(letters.Out), Is.EqualTo(new[] { "a b c d e f g h i j k l m n o p q r s t u v w x y z" }));

        // 33 weights: w0..w32, every entry right-aligned to the widest name, "w32". M is 32 x 64, the largest printed.
        var numbered = Run("explain", "mb1ic1iw64oc1kw33");
        Assert.That(numbered.Code, Is.EqualTo(0), numbered.ToString());
        string text = Lines(numbered);
        Assert.That(text, Does.Contain("\n  M (32 x 64); weights in row-major order named w0, w1, ...:\n"));
        Assert.That(text, Does.Not.Contain("too large to print"));
        string[] rows = [.. Enumerable.Range(0, 32).Select(r => string.Join(" ", Enumerable.Range(0, 64).Select(c => (c - r is >= 0 and <= 32 ? $"w{c - r}" : ".").PadLeft(3))).Trim())];
        Assert.That(rows[1], Does.StartWith(".  w0  w1"));
        Assert.That(MatrixRows(numbered.Out), Is.EqualTo(rows));
        Assert.That(text, Does.Contain("\n  33 distinct non-zero values in 1056 non-zero entries: every row holds the same kernel, shifted.\n"));
    }

    [Test]
    public void MWithMoreThan32RowsIsShownByTheProblemCutDown()
    {
        // 33 x 33 has few enough columns but one row too many. The answer's 2-D, 3x3 example was said to have "the same
        // structure" as this 1-D, one-weight M; the problem itself, cut to two outputs, is what it is.
        var r = Run("explain", "mb1ic1iw33oc1kw1");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Lines(r), Does.Contain(
            "\nfilled with shared weights; then dL/dx = M^T * vec(dL/dh).\n"
            + "  Here M is 33 x 33, too large to print; cut to one image, one channel in and out and a (2,) input, keeping its kernel,\n"
            + "  stride, padding and dilation, this problem is mb1ic1iw2oc1ow2kw1pw0, whose M is:\n"
            + "  M (2 x 2); weights in row-major order named a, b, c, ...:\n"));
        Assert.That(MatrixRows(r.Out), Is.EqualTo(new[] { "a .", ". a" }));
        Assert.That(r.Out, Does.Not.Contain("same structure"));
    }

    // M of a problem, printed as explain prints one with at most 26 weights (weight i + 1 at w's flat index i, named by letter).
    private static string[] RowsOf(ConvProblem p)
    {
        var m = ConvMatrix<double>.Build(p, [.. Enumerable.Range(1, p.WSize).Select(v => (double)v)]);
        return [.. Enumerable.Range(0, m.Rows).Select(i => string.Join(" ", Enumerable.Range(0, m.Cols).Select(j => m[i, j] == 0 ? "." : ((char)('a' + (int)m[i, j] - 1)).ToString())))];
    }

    // Problems whose M is too large to print, with stride, padding or dilation other than the answer's example's (all 1,
    // 0, 1): the M shown is that of a problem with this one's kernel, stride, padding and dilation, as said.
    [TestCase("mb1ic2ih9oc2kh3sh2ph1dh1")] // stride, padding and dilation
    [TestCase("mb1ic1iw70oc1kw3sw3pw2")] // 1-D, strided and padded: 70 columns
    [TestCase("g4mb1ic4ih6oc4kh3sh2ph1")] // depthwise blocks, strided and padded
    [TestCase("mb2ic1id5ih5iw5oc1kd2kh2kw2sd2pd1")] // 3-D, images
    [TestCase("mb1ic3ih5oc16kh3")] // the question: stride 1, no padding, 4x4 cut, the answer's M
    public void MTooLargeIsShownByAProblemWithItsKernelStridePaddingAndDilation(string descriptor)
    {
        var r = Run("explain", descriptor);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        string text = Lines(r).Replace("\n  ", " ", StringComparison.Ordinal);
        var said = Regex.Match(text, @"cut to one image, one channel in and out and a (?<input>\([\d, ]+\)) input, keeping its kernel, stride, padding and dilation, this problem is (?<cut>\S+), whose M is:");
        Assert.That(said.Success, Is.True, text);
        Assert.That(text, Does.Not.Contain("same structure"));
        var p = BenchdnnDescriptor.Parse(descriptor, DType.Float64, hasBias: false);
        var cut = BenchdnnDescriptor.Parse(said.Groups["cut"].Value, DType.Float64, hasBias: false);
        Assert.Multiple(() =>
        {
            Assert.That((cut.Mb, cut.IC, cut.OC, cut.Groups), Is.EqualTo((1, 1, 1, 1)));
            Assert.That(cut.Kernel, Is.EqualTo(p.Kernel));
            Assert.That(cut.Stride, Is.EqualTo(p.Stride));
            Assert.That(cut.PadBegin, Is.EqualTo(p.PadBegin));
            Assert.That(cut.PadEnd, Is.EqualTo(p.PadEnd));
            Assert.That(cut.Dilation, Is.EqualTo(p.Dilation));
            Assert.That(ConvProblem.FormatTuple(cut.Input), Is.EqualTo(said.Groups["input"].Value));
            Assert.That(cut.Input.Zip(p.Input, (c, i) => c <= i), Is.All.True, "cut, not grown");
            Assert.That(MatrixRows(r.Out), Is.EqualTo(RowsOf(cut)));
        });
    }

    // A stride shows only between two outputs. Cut to one output in every dim, these were shown as a 1 x 1 M "keeping its
    // stride": now two are kept along every dim where they fit, and a dim left with one is named.
    [TestCase("mb1ic1ih33iw33oc1kh1kw1sh32sw32", "(33, 1)", new[] { 2, 1 }, "W")] // 2 x 2 outputs read 33 x 33 = 1089 columns; 2 x 1, 33
    [TestCase("mb1ic1id3ih3iw33oc1kd1kh1kw1sd2sh2sw32", "(3, 3, 1)", new[] { 2, 2, 1 }, "W")] // 3-D: two along D and H fit, 9 columns
    [TestCase("mb1ic1iw65oc1kw1sw64", "(1,)", new[] { 1 }, "W")] // two outputs 64 apart read 65 columns, one more than is printed
    public void ACutKeepsTwoOutputsAlongEveryDimWhereTheyFitAndNamesTheDimsWhereItsStrideDoesNotShow(string descriptor, string input, int[] outputs, string single)
    {
        var r = Run("explain", descriptor);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        string text = Lines(r).Replace("\n  ", " ", StringComparison.Ordinal);
        var said = Regex.Match(text, @"cut to one image, one channel in and out and a (?<input>\([\d, ]+\)) input, keeping its kernel, stride, padding and dilation, "
            + @"this problem is (?<cut>\S+) \(one output along (?<single>[A-Z ,and]+), where two would make M too large to print, so its stride there does not show\), whose M is:");
        Assert.That(said.Success, Is.True, text);
        var p = BenchdnnDescriptor.Parse(descriptor, DType.Float64, hasBias: false);
        var cut = BenchdnnDescriptor.Parse(said.Groups["cut"].Value, DType.Float64, hasBias: false);
        Assert.Multiple(() =>
        {
            Assert.That((said.Groups["input"].Value, said.Groups["single"].Value), Is.EqualTo((input, single)));
            Assert.That(ConvProblem.FormatTuple(cut.Input), Is.EqualTo(input));
            Assert.That(cut.Output, Is.EqualTo(outputs));
            Assert.That((cut.Kernel, cut.Stride, cut.PadBegin, cut.PadEnd, cut.Dilation), Is.EqualTo((p.Kernel, p.Stride, p.PadBegin, p.PadEnd, p.Dilation)));
            Assert.That(MatrixRows(r.Out), Is.EqualTo(RowsOf(cut)));
        });
    }

    [Test]
    public void MThatNoCutCanPrintIsShownByTheAnswersExampleWithWhatDiffers()
    {
        // An 11x11 kernel needs an input of 11x11 for one output: 121 columns, too many even cut down. The end padding
        // is the stored one: none, since no window of a 12x12 input read with stride 2 reaches it.
        var r = Run("explain", "mb1ic1ih12oc1kh11sh2ph1");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        string text = Lines(r).Replace("\n  ", " ", StringComparison.Ordinal);
        Assert.That(text, Does.Contain("Here M is 4 x 144, too large to print; so is its M cut to one image, one channel in and out and the fewest outputs. "
            + "The answer's example mb1ic1ih4oc1oh2kh3ph0n\"answer_matrix\" differs from it in kernel ((11, 11) here, (3, 3) there), "
            + "stride ((2, 2) here, (1, 1) there), padding ((1, 1) before and (0, 0) after here, (0, 0) and (0, 0) there), "
            + "input ((12, 12) here, (4, 4) there); its M is: M (4 x 16)"));
        Assert.That(MatrixRows(r.Out), Is.EqualTo(AnswerRows));
        Assert.That(text, Does.Not.Contain("same structure"));
    }

    [Test]
    public void AcrossRanksOnlyTheFieldsThatDifferInValueAreNamed()
    {
        // 1-D against the answer's 2-D: stride 1 and dilation 1 in every dim of both were named as differences, "stride ((1)
        // here, (1, 1) there)", among the padding that does differ. A kernel of 3 is 3 in every dim of both too.
        var r = Run("explain", "mb1ic1iw70oc1kw3pw30");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        string text = Lines(r).Replace("\n  ", " ", StringComparison.Ordinal);
        Assert.That(text, Does.Contain("The answer's example mb1ic1ih4oc1oh2kh3ph0n\"answer_matrix\" differs from it in spatial dims (1 here, 2 there), "
            + "padding ((30,) before and (30,) after here, (0, 0) and (0, 0) there), input ((70,) here, (4, 4) there); its M is:"));
        Assert.That(MatrixRows(r.Out), Is.EqualTo(AnswerRows));
    }

    // What explain says of M's blocks, checked against M itself (ConvMatrix with every weight non-zero, weight i + 1 at
    // w's flat index i): how many blocks, their size, that nothing lies outside them, and how many input channels each
    // output channel reads. The M shown then is of one image and one channel, so it stands for no claim about all M.
    [TestCase("g2mb1ic4ih5oc4kh3", false)] // the brief's: groups, M 36 x 100 too large to print
    [TestCase("g4mb1ic4ih6oc8kh3", false)] // depthwise, two filters per channel
    [TestCase("g4mb1ic4ih6oc4kh3sh2ph1", false)] // depthwise, strided and padded
    [TestCase("g3mb2ic6ih4oc3kh3", false)] // images and groups
    [TestCase("mb2ic3ih5oc4kh3", false)] // images only
    [TestCase("g2mb1ic4ih3oc2kh2", true)] // groups, M printed
    [TestCase("g2mb2ic2iw3oc2kw2", true)] // images and depthwise groups, M printed
    public void TheBlocksExplainClaimsAreThoseOfM(string descriptor, bool printed)
    {
        var r = Run("explain", descriptor);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        // The sentence is wrapped: its lines (all of explain's indented ones) joined back into one.
        string text = Lines(r).Replace("\n  ", " ", StringComparison.Ordinal);
        var claim = Regex.Match(text, @"(?<lead>Here M is \d+ x \d+, too large to print\. It is|shifted\. M is) block-diagonal by (?<by>image and, within an image, by group|image|group): "
            + @"(?<why>[^\n]*?)so all its non-zero entries lie in (?<n>\d+) blocks of (?<rows>\d+) x (?<cols>\d+) on its diagonal(?<end>[.;])");
        Assert.That(claim.Success, Is.True, text);
        Assert.That((claim.Groups["lead"].Value.StartsWith("Here", StringComparison.Ordinal), claim.Groups["end"].Value), Is.EqualTo(printed ? (false, ".") : (true, ";")));
        Assert.That(text, Does.Not.Contain("has the same structure"), "M as a whole is not like the answer's one-image, one-channel example");

        var p = BenchdnnDescriptor.Parse(descriptor, DType.Float64, hasBias: false);
        var m = ConvMatrix<double>.Build(p, [.. Enumerable.Range(1, p.WSize).Select(v => (double)v)]);
        int n = int.Parse(claim.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
        int rows = int.Parse(claim.Groups["rows"].Value, System.Globalization.CultureInfo.InvariantCulture);
        int cols = int.Parse(claim.Groups["cols"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That((n * rows, n * cols), Is.EqualTo((m.Rows, m.Cols)), "the blocks tile the diagonal");
        var inBlock = new bool[n];
        var outside = new List<string>();
        for (int i = 0; i < m.Rows; i++)
        {
            for (int j = 0; j < m.Cols; j++)
            {
                if (m[i, j] == 0) continue;
                if (j / cols != i / rows) outside.Add($"M[{i},{j}] = {m[i, j]}");
                else inBlock[i / rows] = true;
            }
        }
        Assert.That(outside, Is.Empty, "non-zero entries outside the diagonal blocks");
        Assert.That(inBlock, Is.All.True, "every block holds weights: no finer split is claimed than M has");
        Assert.That(claim.Groups["by"].Value.Contains("image", StringComparison.Ordinal), Is.EqualTo(p.Mb > 1));
        Assert.That(claim.Groups["by"].Value.Contains("group", StringComparison.Ordinal), Is.EqualTo(p.Groups > 1));
        if (p.Groups == 1) return;

        // vec(h) and vec(x) are in NCHW order: a row's output channel and a column's input channel follow from the extents.
        var said = Regex.Match(claim.Groups["why"].Value, @"\((?<k>\d+) of the (?<ic>\d+)\)");
        Assert.That(said.Success, Is.True, claim.Value);
        int outPositions = m.Rows / (p.Mb * p.OC), inPositions = m.Cols / (p.Mb * p.IC);
        var channelsRead = Enumerable.Range(0, p.OC).Select(_ => new HashSet<int>()).ToArray();
        for (int i = 0; i < m.Rows; i++)
            for (int j = 0; j < m.Cols; j++)
                if (m[i, j] != 0) channelsRead[i / outPositions % p.OC].Add(j / inPositions % p.IC);
        int read = channelsRead.Select(c => c.Count).Distinct().Single();
        Assert.That((said.Groups["k"].Value, said.Groups["ic"].Value), Is.EqualTo((read.ToString(System.Globalization.CultureInfo.InvariantCulture), p.IC.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.That(claim.Groups["why"].Value.Contains("depthwise", StringComparison.Ordinal), Is.EqualTo(read == 1), "depthwise is said when each output channel reads one input channel");
    }

    // Each row of M holds one filter's weights (every weight i + 1 at w's flat index i): with one filter, every row the
    // same kernel; with more, the filter of the row's output channel, which explain then says.
    [TestCase("mb1ic1ih4oc1kh3", "every row holds the same kernel, shifted.")]
    [TestCase("g2mb1ic4ih3oc2kh2", "every row holds the filter of its output channel, shifted.")]
    [TestCase("mb2ic1iw5oc3kw2sw2", "every row holds the filter of its output channel, shifted.")]
    public void WhatEachRowOfMHoldsIsSaidOfIt(string descriptor, string said)
    {
        var r = Run("explain", descriptor);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Lines(r), Does.Contain($" non-zero entries: {said}\n"));
        var p = BenchdnnDescriptor.Parse(descriptor, DType.Float64, hasBias: false);
        var m = ConvMatrix<double>.Build(p, [.. Enumerable.Range(1, p.WSize).Select(v => (double)v)]);
        int perFilter = p.WSize / p.OC, outPositions = m.Rows / (p.Mb * p.OC);
        for (int i = 0; i < m.Rows; i++)
        {
            int f = i / outPositions % p.OC;
            var weights = Enumerable.Range(0, m.Cols).Select(j => m[i, j]).Where(v => v != 0).Select(v => (int)v - 1).ToList();
            Assert.That(weights, Is.Not.Empty.And.All.InRange(f * perFilter, (f + 1) * perFilter - 1), $"row {i} holds filter {f}'s weights only");
        }
    }

    [TestCase("mb1ic1ih64oc1kh1")] // x and h 4096
    [TestCase("mb1ic64iw1oc64kw1")] // w 4096
    public void AtMost4096ElementsEachAreExplained(string descriptor)
    {
        var r = Run("explain", descriptor);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
    }

    [Test]
    public void FourThousandFiltersAreSplitWithoutAWait()
    {
        // The probe: each filter's contribution, recomputed by the definition once per filter, took minutes for a problem
        // within the caps. A minute is a guard against that wait, not a speed target: the walk-through takes about a second.
        var run = Task.Run(() => Run("explain", "mb1ic1iw4096oc4096kw1sw4096"));
        Assert.That(run.Wait(TimeSpan.FromMinutes(1)), Is.True, "explain of 4096 filters still running after a minute");
        Assert.That(run.Result.Code, Is.EqualTo(0), run.Result.ToString());
        Assert.That(Lines(run.Result), Does.Contain("\n  max |dL/dx - sum of the 4096 filters' contributions| = 0\n"));
    }

    // Each problem has one tensor one element over the limit and the others within it.
    [TestCase("mb1ic1iw4097oc1kw1sw2", "mb1ic1iw4097oc1ow2049kw1sw2pw0", "x 4097, w 1, y 2049")]
    [TestCase("mb1ic1iw1oc1kw1pw2048", "mb1ic1iw1oc1ow4097kw1pw2048", "x 1, w 1, y 4097")]
    [TestCase("mb1ic65iw1oc64kw1", "mb1ic65iw1oc64ow1kw1pw0", "x 65, w 4160, y 64")]
    public void OneTensorOver4096ElementsIsRefused(string descriptor, string canonical, string sizes)
    {
        var r = Run("explain", descriptor);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err.ReplaceLineEndings("\n"), Is.EqualTo($"convverify: {canonical} is too large to explain ({sizes} elements; at most 4096 each): "
            + "explain prints its tensors; try a smaller problem with the same stride, padding and dilation\n"));
        Assert.That(r.Out, Is.Empty);
    }

    // M^T * dL/dh is checked while M has at most 2^22 entries: 1024 x 4096 is built, 4096 x 4096 is not.
    [TestCase("mb1ic1ih64oc1kh1sh2", "0")]
    [TestCase("mb1ic1ih64oc1kh1", "(M too large to build)")]
    public void MatrixCheckStopsAboveTwoToThe22Entries(string descriptor, string shown)
    {
        var r = Run("explain", descriptor);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Lines(r), Does.EndWith($"\n  max |dL/dx - M^T * dL/dh| = {shown}\n"));
    }
}
