using ConvVerify.Problems;
using ConvVerify.Tests.Properties;
using CsCheck;

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
    [TestCase("mb1ic3ih5oc3kh3n\"repeated*12*1\"", "mb1ic3ih5oc3oh3kh3ph0n\"repeated*12*1\"")]
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
    public void ADeducedBeginPaddingOfZeroIsAccepted()
    {
        // ph = ((oh-1)*sh - ih + kh) / 2 = (2 - 5 + 3) / 2 = 0: the edge of the refusal of a negative one.
        var p = BenchdnnDescriptor.Parse("ic1ih5oc1oh3kh3");
        Assert.That((p.PadBegin[0], p.PadEnd[0], p.Output[0]), Is.EqualTo((0, 0, 3)));
    }

    [Test]
    public void NegativeDeducedEndPaddingMeansTrailingInputIsNeverRead()
    {
        var p = BenchdnnDescriptor.Parse("mb1ic17iw8oc17ow4kw1sw2pw0");
        Assert.That((p.PadEnd[0], p.Output[0]), Is.EqualTo((-1, 4)));
    }

    [Test]
    public void AProblemWhoseWindowsLieInTheBeginPaddingRoundTrips()
    {
        // The end padding formula gives -1 here, cropping the only input element; the problem keeps it, and so must the parser.
        var p = new ConvProblem(1, 1, 1, 1, [1], [1], stride: [3], padBegin: [1], padEnd: [0]);
        Assert.That(BenchdnnDescriptor.Parse(BenchdnnDescriptor.Format(p)), Is.EqualTo(p), BenchdnnDescriptor.Format(p));
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
    [TestCase("ic3ih5oc3oh3kh3ph6", "peh: end padding -6 would crop 6 elements, more than the 5 input elements of h (every window lies in the begin padding ph6, which holds 4 of them, not 3)")]
    [TestCase("ic3ih5oc3kh3kh99999999999", "too large")]
    [TestCase("ic3ih5oc3kh3dh2147483647", "'dh2147483647' is too large")]
    [TestCase("ic3ih5oc3oh1kh3", "deduces ph = -1, a negative begin padding")]
    [TestCase("ic1oc1ih5kh3__", "unrecognized token at position 13: '_'")]
    [TestCase("mb1ic1oc1iw2kw3pw2147483647dw1073741823", "ow: output extent 2147483648")]
    public void RejectsBadDescriptorNamingTheCause(string descriptor, string expected)
    {
        var e = Assert.Throws<DescriptorException>(() => BenchdnnDescriptor.Parse(descriptor));
        Assert.That(e!.Message, Does.Contain(expected));
    }

    [Test]
    public void WindowsInTheBeginPaddingOnlyCropTheWholeInput()
    {
        // ph5 on ih5: three windows of 3 at stride 1 cover padded rows 0–4, all begin padding; the end padding crops all 5 rows.
        var p = BenchdnnDescriptor.Parse("ic3ih5oc3oh3kh3ph5");
        Assert.That((p.PadEnd[0], p.Output[0]), Is.EqualTo((-5, 3)));
        Assert.That(BenchdnnDescriptor.Parse(p.ToString()), Is.EqualTo(p));
    }

    [TestCase("x*3")]
    [TestCase("*12")]
    [TestCase("a\"b")]
    public void ANameEndingInARepeatCountSurvivesTheRoundTrip(string name)
    {
        var p = BenchdnnDescriptor.Parse("mb1ic3ih5oc3kh3").WithName(name);
        Assert.That(BenchdnnDescriptor.Parse(BenchdnnDescriptor.Format(p)), Is.EqualTo(p));
    }

    [Test]
    public void AnEmptyNameIsNoName() =>
        Assert.That(BenchdnnDescriptor.Parse("mb1ic3ih5oc3kh3").WithName(""), Is.EqualTo(BenchdnnDescriptor.Parse("mb1ic3ih5oc3kh3")));

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
    [TestCase("--dir=SIDEWAYS\nmb1ic3ih5oc3kh3\n", "SIDEWAYS")]
    [TestCase("--attr-post-ops=relu\nmb1ic3ih5oc3kh3\n", "--attr-post-ops=relu")]
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
            catch (DescriptorException e)
            {
                AssertNamesTheCause(text, e);
                continue;
            }
            parsed++;
            Assert.That(BenchdnnDescriptor.Parse(BenchdnnDescriptor.Format(p)), Is.EqualTo(p), text);
        }
        Assert.That(parsed, Is.GreaterThan(20), "the generator must also produce valid descriptors");
    }

    // Small valid problems of every rank, with the knobs a descriptor has: groups, strides, paddings, dilations, a name.
    private static readonly Gen<ConvProblem> ValidProblem =
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[0, 2], Gen.Int[1, 9].Array[3], Gen.Int[1, 4].Array[3], Gen.Int[1, 3].Array[3])
            .Select(Gen.Int[0, 2].Array[3], Gen.Int[1, 2].Array[3], Gen.Int[0, 2].Array[3], Gen.OneOf("", "conv", "a b", "x*3", "*12", "\"", "q\"uote", "n\"inner\""),
                (t, pad, dil, extra, name) =>
                {
                    var (rank, g, icg, ocg, mb0, input, kernel, stride) = t;
                    int[] Take(int[] a) => a[..rank];
                    // End padding beyond the begin padding, as benchdnn descriptors deduce it; clipped by the problem.
                    int[] padEnd = [.. Take(pad).Zip(Take(extra), (a, b) => a + b)];
                    try
                    {
                        return new ConvProblem(mb0 + 1, g, g * icg, g * ocg, Take(input), Take(kernel), Take(stride), Take(pad), padEnd, Take(dil),
                            name: name.Length == 0 ? null : name);
                    }
                    catch (ArgumentException)
                    {
                        return null;
                    }
                })
            .Where(p => p is not null)
            .Select(p => p!);

    // What a careless hand or a bad script does to a descriptor.
    private static readonly string[] Insertions =
        ["g", "mb", "ic", "id", "ih", "iw", "oc", "od", "oh", "ow", "kd", "kh", "kw", "sd", "sh", "sw", "pd", "ph", "pw", "dd", "dh", "dw",
         "0", "1", "7", "-1", "_", "__", "n", "\"", "*", " ", "x", "2147483647", "2147483648", "99999999999999999999", "\u0000", "é", "\t"];

    private static readonly Gen<string> MutatedDescriptor =
        Gen.Select(ValidProblem, Gen.Int[1, 4], Gen.Int[0, 1000].Array[4], Gen.OneOf(Insertions))
            .Select((p, count, picks, insertion) =>
            {
                string s = BenchdnnDescriptor.Format(p);
                for (int m = 0; m < count && s.Length > 0; m++)
                {
                    int at = picks[m] % (s.Length + 1), len = Math.Min(1 + picks[(m + 1) % 4] % 4, s.Length - Math.Min(at, s.Length - 1));
                    s = (picks[(m + 2) % 4] % 5) switch
                    {
                        0 => s.Insert(at, insertion),
                        1 => at < s.Length ? s.Remove(at, Math.Max(1, Math.Min(len, s.Length - at))) : s[..^1],
                        2 => s.Insert(at, s[Math.Min(at, s.Length - 1)..Math.Min(s.Length, at + len)]), // a repeated token: refused as given twice
                        3 => new System.Text.RegularExpressions.Regex(@"\d+").Replace(s, insertion, 1, at % s.Length),
                        _ => s[..at],
                    };
                }
                return s;
            });

    [Test]
    public void MutatedDescriptorsRoundTripOrNameWhatIsWrong()
    {
        int parsed = 0, rejected = 0;
        Property.ForAll(MutatedDescriptor, text =>
        {
            ConvProblem p;
            try
            {
                p = BenchdnnDescriptor.Parse(text);
            }
            catch (DescriptorException e)
            {
                AssertNamesTheCause(text, e);
                rejected++;
                return;
            }
            parsed++;
            string printed = BenchdnnDescriptor.Format(p);
            Assert.That(BenchdnnDescriptor.Parse(printed), Is.EqualTo(p), printed);
        }, iterations: 5000, stream: 1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed, Is.GreaterThan(200), "mutants that still parse");
            Assert.That(rejected, Is.GreaterThan(200), "mutants that are rejected");
        }
    }

    [Test]
    public void EveryValidProblemRoundTrips() =>
        Property.ForAll(ValidProblem, p =>
        {
            string printed = BenchdnnDescriptor.Format(p);
            Assert.That(BenchdnnDescriptor.Parse(printed), Is.EqualTo(p), printed);
        }, iterations: 3000, stream: 2, describe: BenchdnnDescriptor.Format);

    // The message quotes the descriptor and then says what in it is wrong: a token, a field or a position.
    private static void AssertNamesTheCause(string text, DescriptorException e)
    {
        string prefix = $"descriptor '{ConvVerify.Fixtures.PackPaths.Printable(BenchdnnDescriptor.Quoted(text))}': ";
        if (text.Trim().Length == 0)
        {
            Assert.That(e.Message, Is.EqualTo("descriptor: empty text"));
            return;
        }
        Assert.That(e.Message, Does.StartWith(prefix));
        string reason = e.Message[prefix.Length..];
        Assert.That(reason, Does.Match(@"'[^']+'|\b(mb|g|ic|oc|groups|rank|x|w|y|p?[eiokspd][dhw]|axis [dhw]|o[dhw]|no spatial|3-D|outputs)\b"), e.Message);
    }
}
