using ConvVerify.Problems;

namespace ConvVerify.Tests.Problems;

public class DescriptorTests
{
    private static int[] Dims(string s) => [.. s.Split('x').Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];

    [TestCaseSource(typeof(BenchdnnShapes), nameof(BenchdnnShapes.All))]
    public void ParsesBenchdnnShapeLine(BenchdnnShapes.Row row)
    {
        var p = BenchdnnDescriptor.Parse(row.Descriptor);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(p.Rank, Is.EqualTo(row.Rank), "rank");
            Assert.That((p.Mb, p.Groups, p.IC, p.OC), Is.EqualTo((row.Mb, row.G, row.Ic, row.Oc)), "mb, g, ic, oc");
            Assert.That(p.Input, Is.EqualTo(Dims(row.In)), "input");
            Assert.That(p.Kernel, Is.EqualTo(Dims(row.K)), "kernel");
            Assert.That(p.Stride, Is.EqualTo(Dims(row.S)), "stride");
            Assert.That(p.PadBegin, Is.EqualTo(Dims(row.Pb)), "pad begin");
            Assert.That(p.PadEnd, Is.EqualTo(Dims(row.Pe)), "pad end");
            Assert.That(p.Dilation, Is.EqualTo(Dims(row.Dil).Select(d => d + 1)), "dilation (PyTorch = benchdnn + 1)");
            Assert.That(p.Output, Is.EqualTo(Dims(row.Out)), "output");
        }
    }

    [TestCaseSource(typeof(BenchdnnShapes), nameof(BenchdnnShapes.All))]
    public void PrintedFormParsesBackToTheSameProblem(BenchdnnShapes.Row row)
    {
        var p = BenchdnnDescriptor.Parse(row.Descriptor);
        string printed = BenchdnnDescriptor.Format(p);
        Assert.That(BenchdnnDescriptor.Parse(printed), Is.EqualTo(p), printed);
    }

    [TestCase("mb2ic3ih5oc16oh3kh3sh1ph0", "mb2ic3ih5oc16oh3kh3ph0")]
    [TestCase("ic3ih5oc16kh3", "mb2ic3ih5oc16oh3kh3ph0")]
    [TestCase("g4ic20oc20_ih8oh4kh3ph1sh2", "g4mb2ic20ih8oc20oh4kh3sh2ph1")]
    [TestCase("mb20ic4ih8iw8oc6oh4ow8kh3kw3sh2sw1ph1pw1dh1dw0n\"dilated_conv:11\"", "mb20ic4ih8iw8oc6oh4ow8kh3kw3sh2sw1ph1pw1dh1dw0n\"dilated_conv:11\"")]
    [TestCase("ic3oc16_iw5ow5kw3pw1_n\"conv_basic_1d:1st\"", "mb2ic3iw5oc16ow5kw3pw1n\"conv_basic_1d:1st\"")]
    [TestCase("mb1ic16oc16_ih16kh3ph1oh15_iw16kw3pw0ow15", "mb1ic16ih16iw16oc16oh15ow15kh3kw3ph1pw0")]
    [TestCase("ic3id4ih4iw4oc3kd3kh3kw3", "mb2ic3id4oc3od2kd3pd0")]
    [TestCase("mb1ic3ih5oc3kh3n\"repeated*12\"", "mb1ic3ih5oc3oh3kh3ph0n\"repeated\"")]
    public void PrintsCanonicalForm(string descriptor, string canonical) =>
        Assert.That(BenchdnnDescriptor.Format(BenchdnnDescriptor.Parse(descriptor)), Is.EqualTo(canonical));

    [Test]
    public void MissingPaddingWithGivenOutputIsDeducedAsBenchdnnDoes()
    {
        // ph = ((oh-1)*sh - ih + kh) / 2 = (111*2 - 224 + 7) / 2 = 2, pe = 222 - 224 + 7 - 2 = 3
        var p = BenchdnnDescriptor.Parse("ic3ih224oc64oh112kh7sh2");
        Assert.That((p.PadBegin[0], p.PadEnd[0], p.Output[0]), Is.EqualTo((2, 3, 112)));
    }

    [Test]
    public void NegativeDeducedEndPaddingMeansTrailingInputIsNeverRead()
    {
        var p = BenchdnnDescriptor.Parse("mb1ic17iw8oc17ow4kw1sw2pw0");
        Assert.That((p.PadEnd[0], p.Output[0]), Is.EqualTo((-1, 4)));
    }

    [Test]
    public void DefaultsAndDimCopyRules()
    {
        var p2 = BenchdnnDescriptor.Parse("ic2ih6oc4kh3");
        var p3 = BenchdnnDescriptor.Parse("ic2id6oc4kd3");
        var p1 = BenchdnnDescriptor.Parse("ic2iw6oc4kw3");
        using (Assert.EnterMultipleScope())
        {
            Assert.That((p2.Rank, p2.Mb, p2.Groups), Is.EqualTo((2, 2, 1)));
            Assert.That(p2.Input, Is.EqualTo(new[] { 6, 6 }), "w copies h");
            Assert.That(p3.Kernel, Is.EqualTo(new[] { 3, 3, 3 }), "h and w copy d");
            Assert.That(p1.Rank, Is.EqualTo(1), "w only is 1-D");
            Assert.That(p2.Dilation, Is.EqualTo(new[] { 1, 1 }), "benchdnn dilation 0 is PyTorch 1");
        }
    }

    [TestCase("", "empty")]
    [TestCase("_ic3ih5oc3kh3", "unrecognized token")]
    [TestCase("ic3__ih5oc3kh3", "unrecognized token")]
    [TestCase("ic3ih5oc3kh3x", "'x'")]
    [TestCase("ic3ih5oc3kh3mb", "'mb' has no value")]
    [TestCase("ic3ih5oc3kh-3", "'kh' has a negative value")]
    [TestCase("g0ic3ih5oc3kh3", "'g' must be >= 1, got 0")]
    [TestCase("ih5oc3kh3", "'ic' must be >= 1, got nothing")]
    [TestCase("ic3ih5oc3kh3sh0", "'sh' must be >= 1, got 0")]
    [TestCase("ic1iw5oc1kw3sw0", "'sw' must be >= 1, got 0")]
    [TestCase("ic1id5oc1kd3sd0", "'sd' must be >= 1, got 0")]
    [TestCase("ic1ih5kh3", "'oc' must be >= 1, got nothing")]
    [TestCase("ic3ih5oc3", "'kh' is missing")]
    [TestCase("ic3oc3", "no spatial dimension")]
    [TestCase("ic3id5ih5oc16kd3kh3", "either both h and w")]
    [TestCase("ic3ih2oc3kh5", "computed oh = -2")]
    [TestCase("g2ic3ih5oc4kh3", "not divisible by groups=2")]
    [TestCase("ic3ih5oc3oh3kh3ph5", "ph5")]
    [TestCase("ic3ih5oc3kh3kh99999999999", "too large")]
    [TestCase("ic3ih5oc3oh1kh3", "deduces ph = -1, a negative begin padding")]
    [TestCase("ic1oc1ih5kh3__", "(end of text)")]
    [TestCase("mb1ic1oc1iw2kw3pw2147483647dw1073741823", "ow: output extent 2147483648")]
    public void RejectsBadDescriptorNamingTheCause(string descriptor, string expected)
    {
        var e = Assert.Throws<DescriptorException>(() => BenchdnnDescriptor.Parse(descriptor));
        Assert.That(e!.Message, Does.Contain(expected));
    }

    [Test]
    public void NullTextIsAnArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => BenchdnnDescriptor.Parse(null!));

    [Test]
    public void BatchFileReadsCommentsBlankLinesAndDir()
    {
        const string text = "# a comment\n\nmb1ic3ih5oc3kh3 # trailing comment\n--dir=FWD_D\nmb1ic3ih6oc3kh3\tmb1ic3ih7oc3kh3\n";
        var problems = BatchFile.Parse(text, "test");
        Assert.That(problems.Select(p => (p.Input[0], p.HasBias)), Is.EqualTo(new[] { (5, true), (6, false), (7, false) }));
    }

    [TestCase("mb1ic3ih5oc3kh3\nmb1ic3ihX\n", "test:2:")]
    [TestCase("--cfg=f32\nmb1ic3ih5oc3kh3\n", "--cfg=f32")]
    [TestCase("--dir=SIDEWAYS\n", "SIDEWAYS")]
    public void BatchFileErrorsNameTheLine(string text, string expected)
    {
        var e = Assert.Throws<DescriptorException>(() => BatchFile.Parse(text, "test"));
        Assert.That(e!.Message, Does.Contain(expected));
    }

    [Test]
    public void RandomTextEitherParsesOrGivesADescriptorError()
    {
        // Any text: a problem that prints and parses back, or a DescriptorException; never another exception or a hang.
        string[] pieces = ["g", "mb", "ic", "id", "ih", "iw", "oc", "od", "oh", "ow", "kd", "kh", "kw", "sd", "sh", "sw", "pd", "ph", "pw", "dd", "dh", "dw",
            "0", "1", "2", "3", "5", "8", "13", "99999999999", "_", "__", "-", "n\"x*3\"", "n", "x", " ", "\"", "*"];
        var rng = new Random(12345);
        int parsed = 0;
        for (int i = 0; i < 20000; i++)
        {
            // Half the texts start from a plausible problem, so both outcomes get exercised.
            string start = i % 2 == 0 ? $"ic{rng.Next(1, 4)}oc{rng.Next(1, 4)}i{"dhw"[rng.Next(3)]}{rng.Next(1, 9)}" : "";
            string text = start + string.Concat(Enumerable.Range(0, rng.Next(1, 6)).Select(_ => pieces[rng.Next(pieces.Length)] + (rng.Next(3) == 0 ? "" : rng.Next(0, 5).ToString(System.Globalization.CultureInfo.InvariantCulture))));
            ConvProblem p;
            try
            {
                p = BenchdnnDescriptor.Parse(text);
            }
            catch (DescriptorException)
            {
                continue;
            }
            parsed++;
            Assert.That(BenchdnnDescriptor.Parse(BenchdnnDescriptor.Format(p)), Is.EqualTo(p), text);
        }
        Assert.That(parsed, Is.GreaterThan(20), "the generator must also produce valid descriptors");
    }
}
