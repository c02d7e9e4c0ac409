using ConvVerify.Problems;

namespace ConvVerify.Tests.Problems;

/// <summary>
/// The descriptor parser's less travelled paths, each with the message a user reads: where an unknown token starts,
/// which axis is mentioned by padding alone, computed and deduced extents, values at the edge of <c>int</c>.
/// </summary>
public class DescriptorDetailTests
{
    private static string Error(string text) => Assert.Throws<DescriptorException>(() => BenchdnnDescriptor.Parse(text))!.Message;

    [TestCase("zz", "descriptor 'zz': unrecognized token at position 0: 'zz'")]
    [TestCase("mb1zz", "descriptor 'mb1zz': unrecognized token at position 3: 'zz'")]
    // The '_' after mb1 separates two fields, so the token it does not recognize starts after it; a '_' that no field
    // precedes is itself the start of what is not recognized, and quoted from there (it said position 0: 'mb1ic1…').
    [TestCase("mb1_zz", "descriptor 'mb1_zz': unrecognized token at position 4: 'zz'")]
    [TestCase("_mb1ic1ih5oc1kh3", "descriptor '_mb1ic1ih5oc1kh3': unrecognized token at position 0: '_mb1ic1ih5oc…'")]
    [TestCase("ic3__ih5oc3kh3", "descriptor 'ic3__ih5oc3kh3': unrecognized token at position 4: '_ih5oc3kh3'")]
    [TestCase("mb1zzzzzzzzzzzz", "descriptor 'mb1zzzzzzzzzzzz': unrecognized token at position 3: 'zzzzzzzzzzzz'")]
    [TestCase("mb1zzzzzzzzzzzzz", "descriptor 'mb1zzzzzzzzzzzzz': unrecognized token at position 3: 'zzzzzzzzzzzz…'")]
    public void AnUnknownTokenIsShownWhereItStarts(string text, string message)
    {
        Assert.That(Error(text), Is.EqualTo(message));
    }

    // benchdnn takes the last of a repeated field; here a repeat is a typo to name. Fields that share a letter (ic/ih/id,
    // oc/oh, sd/sh, dd/dh) and repeats in a later pass of the prefix list (after '_' or an earlier prefix) are caught too.
    [TestCase("mb1ic3ic4ih5oc4kh3", "'ic' is given twice (ic3 at position 3, ic4 at position 6)")]
    [TestCase("mb2mb4ic3ih5oc4kh3", "'mb' is given twice (mb2 at position 0, mb4 at position 3)")]
    [TestCase("g2g2ic4ih5oc4kh3", "'g' is given twice (g2 at position 0, g2 at position 2)")]
    [TestCase("ic3ih5oc4oh3kh3ih5", "'ih' is given twice (ih5 at position 3, ih5 at position 15)")]
    [TestCase("kh3ic3ih5oc4kh3", "'kh' is given twice (kh3 at position 0, kh3 at position 12)")]
    [TestCase("ic3id5oc4kd3sd2sh1_sd1", "'sd' is given twice (sd2 at position 12, sd1 at position 19)")]
    [TestCase("ic3ih5oc4kh3ph1pw0ph0", "'ph' is given twice (ph1 at position 12, ph0 at position 18)")]
    [TestCase("ic3ih5oc4kh3dh1dd0dh0", "'dh' is given twice (dh1 at position 12, dh0 at position 18)")]
    [TestCase("ic3ih5oc4oh5kh3oc4", "'oc' is given twice (oc4 at position 6, oc4 at position 15)")]
    public void AFieldGivenTwiceIsNamedWithBothPositions(string text, string reason)
    {
        Assert.That(Error(text), Is.EqualTo($"descriptor '{text}': {reason}"));
    }

    [Test]
    public void AnOutputWhoseWindowsAllLieInTheBeginPaddingNamesTheEndPaddingItNeeds()
    {
        // ow3 at pw4 over iw2 (kw1, stride 1) asks for an end padding of -3, cropping more than the 2 input elements: said
        // so, as docs/benchdnn.md says, not "outputs (3) are inconsistent with the rest (they give (4))".
        Assert.That(Error("mb2ic2iw2oc3ow3kw1pw4"), Is.EqualTo("descriptor 'mb2ic2iw2oc3ow3kw1pw4': pew: end padding -3 would crop 3 elements, "
            + "more than the 2 input elements of w (every window lies in the begin padding pw4, which holds 4 of them, not 3)"));
        Assert.That(Error("mb1ic1ih3iw2oc1oh3ow1kh1kw1ph0pw5"), Does.EndWith(": pew: end padding -6 would crop 6 elements, more than the 2 input elements of w "
            + "(every window lies in the begin padding pw5, which holds 5 of them, not 1)"));
        // As many windows as the begin padding holds crop exactly the input: taken; and a stride that leaves no room for
        // another window takes the written output too (benchdnn's pd-back(-2) cases).
        Assert.That(BenchdnnDescriptor.Parse("mb2ic2iw2oc3ow4kw1pw4").PadEnd, Is.EqualTo(new[] { -2 }));
        Assert.That(BenchdnnDescriptor.Parse("mb1ic1iw2oc1ow1kw2sw3pw3").Output, Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void PositionsCountFromTheTextAsGivenWithLeadingWhiteSpace()
    {
        Assert.That(Error("  mb1zz"), Is.EqualTo("descriptor '  mb1zz': unrecognized token at position 5: 'zz'"));
        Assert.That(Error(" mb1ic3ic4ih5oc4kh3"), Is.EqualTo("descriptor ' mb1ic3ic4ih5oc4kh3': 'ic' is given twice (ic3 at position 4, ic4 at position 7)"));
        Assert.That(BenchdnnDescriptor.Parse(" \tmb1ic3ih5oc4kh3 ").Output, Is.EqualTo(new[] { 3, 3 }));
    }

    [Test]
    public void AGivenZeroPaddingIsKeptAndTheOutputDecidesTheEndPadding()
    {
        // ph0 given with oh5: benchdnn keeps the begin padding and pads the end by what the output needs (2); only a
        // padding not given is deduced from the output (here it would be 1 on both sides).
        var given = BenchdnnDescriptor.Parse("mb1ic1ih5oc1oh5kh3ph0");
        Assert.That((given.PadBegin[0], given.PadEnd[0], given.Output[0]), Is.EqualTo((0, 2, 5)));
        var deduced = BenchdnnDescriptor.Parse("mb1ic1ih5oc1oh5kh3");
        Assert.That((deduced.PadBegin[0], deduced.PadEnd[0], deduced.Output[0]), Is.EqualTo((1, 1, 5)));
    }

    [Test]
    public void PaddingAloneMentionsAnAxis()
    {
        Assert.That(Error("mb1ic2iw4oc2kw3pd1"), Is.EqualTo("descriptor 'mb1ic2iw4oc2kw3pd1': axis d is mentioned but 'id' is missing or 0"));
        Assert.That(BenchdnnDescriptor.Parse("mb1ic2iw4oc2kw3pd0").Rank, Is.EqualTo(1), "a zero padding mentions nothing");
    }

    [Test]
    public void AMentionedAxisNamesTheMissingExtent()
    {
        Assert.That(Error("mb1ic2ih4oc2"), Is.EqualTo("descriptor 'mb1ic2ih4oc2': axis h is mentioned but 'kh' is missing or 0"));
        Assert.That(Error("mb1ic2oc2kh3"), Is.EqualTo("descriptor 'mb1ic2oc2kh3': axis h is mentioned but 'ih' is missing or 0"));
    }

    [Test]
    public void AComputedOutputDividesByTheStride()
    {
        // (8 − 3 + 2·0) / 2 + 1 = 3 (w copies h)
        Assert.That(BenchdnnDescriptor.Parse("mb1ic2ih8oc2kh3sh2").Output, Is.EqualTo(new[] { 3, 3 }));
        // (9 − 5 + 2·1) / 3 + 1 = 3, with dilation 1 (PyTorch 2): extent (3 − 1)·2 + 1 = 5
        Assert.That(BenchdnnDescriptor.Parse("mb1ic2iw9oc2kw3sw3pw1dw1").Output, Is.EqualTo(new[] { 3 }));
    }

    [Test]
    public void AComputedOutputOfZeroIsNamed()
    {
        Assert.That(Error("mb1ic2ih2oc2kh3"), Is.EqualTo("descriptor 'mb1ic2ih2oc2kh3': computed oh = 0 is not positive (ih=2, kh=3, dh=0, ph=0)"));
    }

    [Test]
    public void AnEndPaddingBeyondIntIsNamed()
    {
        // pe = (ow − 1)·sw − iw + kw − pw = 2147483646·2 − 1 + 1 − 0
        Assert.That(Error("mb1ic1iw1oc1ow2147483647kw1sw2pw0"),
            Is.EqualTo("descriptor 'mb1ic1iw1oc1ow2147483647kw1sw2pw0': the end padding of w deduced from the other values (4294967292) is out of range"));
    }

    [Test]
    public void TheLargestMinibatchReachesTheProblemsSizeCheck()
    {
        var e = Assert.Throws<DescriptorException>(() => BenchdnnDescriptor.Parse("mb2147483647ic1iw1oc1kw1"))!;
        Assert.That(e.Message, Does.StartWith("descriptor 'mb2147483647ic1iw1oc1kw1': x: shape (2147483647, 1, 1) holds more elements"));
        Assert.That(e.InnerException, Is.InstanceOf<ProblemTooLargeException>());
        Assert.That(Error("mb2147483648ic1iw1oc1kw1"), Is.EqualTo("descriptor 'mb2147483648ic1iw1oc1kw1': 'mb2147483648' is too large"));
    }

    [Test]
    public void TryParseReportsInsteadOfThrowing()
    {
        Assert.That(BenchdnnDescriptor.TryParse("mb1ic2ih4oc2kh3", out var p, out var error), Is.True);
        Assert.That((p!.Output[0], error), Is.EqualTo((2, (string?)null)));
        Assert.That(BenchdnnDescriptor.TryParse("mb1zz", out p, out error), Is.False);
        Assert.That((p, error), Is.EqualTo(((ConvProblem?)null, "descriptor 'mb1zz': unrecognized token at position 3: 'zz'")));
        Assert.That(BenchdnnDescriptor.TryParse("mb1ic2ih4oc2kh3", out p, out _, DType.Float64, hasBias: false), Is.True);
        Assert.That((p!.DType, p.HasBias), Is.EqualTo((DType.Float64, false)));
    }

    [Test]
    public void NullIsRejected()
    {
        Assert.That(() => BenchdnnDescriptor.Parse(null!), Throws.ArgumentNullException);
        Assert.That(() => BenchdnnDescriptor.Format(null!), Throws.ArgumentNullException);
    }

    [Test]
    public void AnEmptyQuotedNameIsNoName()
    {
        Assert.That(BenchdnnDescriptor.Parse("mb1ic2ih4oc2kh3n\"\"").Name, Is.Null);
        Assert.That(BenchdnnDescriptor.Parse("mb1ic2ih4oc2kh3n\"*3\"").Name, Is.Null, "a name that is only a repeat count");
    }

    // benchdnn keeps everything after 'n' as the name, quotes included; a quote that opens a name and never closes was
    // once taken the same way ("a), and printed back as n""a", so the damage survived a round trip unnoticed.
    [TestCase("mb1ic3ih5oc4kh3n\"abc", "the name's quote at position 16 is never closed: '\"abc'")]
    [TestCase("mb1ic3ih5oc4kh3n\"a", "the name's quote at position 16 is never closed: '\"a'")]
    [TestCase("mb1ic3ih5oc4kh3n\"", "the name's quote at position 16 is never closed: '\"'")]
    [TestCase("mb1ic3ih5oc4kh3n\"abcdefghijklmnop", "the name's quote at position 16 is never closed: '\"abcdefghijk…'")]
    [TestCase("mb1ic3ih5oc4kh3n\"abc\"*2", "text after the name's closing quote at position 21: '*2'")]
    [TestCase("mb1ic3ih5oc4kh3n\"a\"b", "text after the name's closing quote at position 19: 'b'")]
    public void AnUnterminatedNameQuoteIsNamedWithItsPosition(string text, string reason)
    {
        string expected = reason.StartsWith("text", StringComparison.Ordinal) ? "(expected n\"NAME\" to end the descriptor)" : "(expected n\"NAME\" or a name without quotes)";
        Assert.That(Error(text), Is.EqualTo($"descriptor '{text}': {reason} {expected}"));
    }

    [Test]
    public void NamesWithoutAnOpeningQuoteAreTakenAsWritten()
    {
        // benchdnn's own rule for an unquoted name; a quote inside a quoted name is part of it.
        Assert.That(BenchdnnDescriptor.Parse("mb1ic3ih5oc4kh3nabc").Name, Is.EqualTo("abc"));
        Assert.That(BenchdnnDescriptor.Parse("mb1ic3ih5oc4kh3nab\"c").Name, Is.EqualTo("ab\"c"));
        Assert.That(BenchdnnDescriptor.Parse("mb1ic3ih5oc4kh3n\"a\"b\"").Name, Is.EqualTo("a\"b"));
        Assert.That(BenchdnnDescriptor.Parse("mb1ic3ih5oc4kh3n\"\"\"").Name, Is.EqualTo("\""));
    }
    // A hostile line of 600,000 characters was quoted whole, its digits a second time: the descriptor and any run of
    // digits are quoted cut after 120 characters, and positions still count in the whole text.
    [Test]
    public void AVastDescriptorIsQuotedCut()
    {
        string vast = "mb1ic3ih5oc4kh3" + new string('z', 600_000);
        Assert.That(Error(vast), Is.EqualTo($"descriptor '{vast[..120]}…': unrecognized token at position 15: 'zzzzzzzzzzzz…'"));
        string named = "mb1ic3ih5oc4kh3n\"" + new string('a', 600_000);
        Assert.That(Error(named), Is.EqualTo($"descriptor '{named[..120]}…': the name's quote at position 16 is never closed: '\"aaaaaaaaaaa…' (expected n\"NAME\" or a name without quotes)"));
        // Not cut between the halves of a surrogate pair, which alone are no character.
        string pairs = "mb1ic3ih5oc4kh3" + string.Concat(Enumerable.Repeat("\U0001F600", 100));
        Assert.That(char.IsHighSurrogate(pairs[119]), Is.True, "the 120th character is a pair's first half");
        Assert.That(Error("mb1ic3ih5oc4kh3z" + pairs[15..]), Does.EndWith($"unrecognized token at position 15: 'z{pairs[15..25]}…'"), "the part at a position is not cut between a pair's halves either");
        Assert.That(Error(pairs), Is.EqualTo($"descriptor '{pairs[..119]}…': unrecognized token at position 15: '{pairs[15..27]}…'"));
    }

    [Test]
    public void VastDigitsAreQuotedCut()
    {
        string digits = new string('9', 2_000_000);
        Assert.That(Error("mb1ic" + digits + "ih5oc4kh3"), Is.EqualTo($"descriptor '{("mb1ic" + digits)[..120]}…': '{("ic" + digits)[..120]}…' is too large"));
        string zeros = new string('0', 1_000_000) + "3";
        Assert.That(Error("mb1ic" + zeros + "ih5oc4kh3ic3"), Does.EndWith($"'ic' is given twice ({("ic" + zeros)[..120]}… at position 3, ic3 at position 1000015)"));
    }
}
