using ConvVerify.Snapshots;

namespace ConvVerify.Tests.Snapshots;

/// <summary>
/// The line diff word for word on small hand-made texts, one boundary each: common prefixes and suffixes of every
/// length, changes at the start and the end, a tie in the alignment, exactly the alignment's cell limit, and exactly as
/// many differing lines as are shown. Every expected diff is worked out by hand from the longest common subsequence
/// (ties remove the verified line first; removed lines come before the added lines that replace them).
/// </summary>
public class SnapshotDiffTests
{
    // A diff as "<kind><line number> <text>" items, so an expectation reads like the diff itself.
    private static string[] Diff(string verified, string received) =>
        [.. SnapshotDiff.Compute(verified, received).Select(d => $"{d.Kind}{d.LineNumber} {d.Text}")];

    [TestCase("a\nb", "a\nb", new string[0], TestName = "EqualTextsHaveNoDiff")]
    [TestCase("x", "x\ny", new[] { "+2 y" }, TestName = "TheReceivedTextGoesOnWhereTheVerifiedEnds")]
    [TestCase("x\ny", "x", new[] { "-2 y" }, TestName = "TheVerifiedTextGoesOnWhereTheReceivedEnds")]
    [TestCase("x", "x\nx", new[] { "+2 x" }, TestName = "ARepeatedLineIsMatchedFromTheStartFirst")]
    [TestCase("x\nx", "x", new[] { "-2 x" }, TestName = "ARepeatedVerifiedLineIsMatchedFromTheStartFirst")]
    [TestCase("", "a\nb", new[] { "+1 a", "+2 b" }, TestName = "EverythingAddedToAnEmptyText")]
    [TestCase("a", "", new[] { "-1 a" }, TestName = "EverythingRemoved")]
    [TestCase("a\nz", "b\nz", new[] { "-1 a", "+1 b" }, TestName = "OnlyACommonSuffix")]
    public void PrefixesAndSuffixesOfEveryLength(string verified, string received, string[] expected) =>
        Assert.That(Diff(verified, received), Is.EqualTo(expected));

    [Test]
    public void TheCommonSuffixIsTrimmedBeforeAligning()
    {
        // Trimmed, "y" against "z, x" is all different and the added x is line 2. Aligned whole, "y x" against
        // "z x x" would match the first x and add the last one (line 3).
        Assert.That(Diff("y\nx", "z\nx\nx"), Is.EqualTo(new[] { "-1 y", "+1 z", "+2 x" }));
    }

    [Test]
    public void ALineInsertedAtTheStartAndOneDeletedAtTheEnd()
    {
        // A B C against X A B: the common subsequence is A B; X comes before it, C after it, each in its own group.
        Assert.That(Diff("A\nB\nC", "X\nA\nB"), Is.EqualTo(new[] { "+1 X", "-3 C" }));
    }

    [Test]
    public void ALineDeletedAtTheStartAndOneAddedAtTheEnd()
    {
        Assert.That(Diff("X\nA\nB", "A\nB\nC"), Is.EqualTo(new[] { "-1 X", "+3 C" }));
    }

    [Test]
    public void AKeptLineWithLinesInsertedBeforeAndAfterIt()
    {
        // Keeping x (one common line) beats removing it: p and q are added before it, r after.
        Assert.That(Diff("x", "p\nq\nx\nr"), Is.EqualTo(new[] { "+1 p", "+2 q", "+4 r" }));
    }

    [Test]
    public void ATieKeepsTheLaterVerifiedLine()
    {
        // A B against B A: keeping A or keeping B are both one common line; the tie removes the verified line first,
        // so B is kept, A removed from line 1 and added at line 2.
        Assert.That(Diff("A\nB", "B\nA"), Is.EqualTo(new[] { "-1 A", "+2 A" }));
    }

    [Test]
    public void ExactlyAtTheCellLimitTheLinesAreStillAligned()
    {
        // 4,000 × 4,000 = 16,000,000 cells, the most that is aligned: one inserted first line and one deleted last line,
        // not 8,000 lines paired by position.
        string verified = string.Join("\n", Enumerable.Range(0, 4000).Select(i => $"a{i}"));
        string received = "X\n" + string.Join("\n", Enumerable.Range(0, 3999).Select(i => $"a{i}"));
        Assert.That(Diff(verified, received), Is.EqualTo(new[] { "+1 X", "-4000 a3999" }));
    }

    [Test]
    public void OneCellPastTheLimitLinesArePairedByPositionAfterTheCommonPrefix()
    {
        // Two common lines, then 4,000 against 4,001 (16,004,000 cells): line i against line i, the equal line 10 not
        // shown, and the received side's extra last line added.
        string verified = "p\nq\n" + string.Join("\n", Enumerable.Range(0, 4000).Select(i => $"a{i}"));
        string received = "p\nq\n" + string.Join("\n", Enumerable.Range(0, 4001).Select(i => i == 7 ? "a7" : $"b{i}"));
        string[] expected =
        [
            .. Enumerable.Range(0, 4000).Where(i => i != 7).SelectMany(i => new[] { $"-{i + 3} a{i}", $"+{i + 3} b{i}" }),
            "+4003 b4000",
        ];
        Assert.That(Diff(verified, received), Is.EqualTo(expected));
    }

    [Test]
    public void LinesSplitOnEveryLineEndAndIgnoreAFinalOne()
    {
        Assert.That(SnapshotDiff.Lines("a\r\n\rb\n"), Is.EqualTo(new[] { "a", "", "b" }));
        Assert.That(SnapshotDiff.Lines(""), Is.Empty);
        Assert.That(SnapshotDiff.Lines("\n"), Is.EqualTo(new[] { "" }));
        Assert.That(() => SnapshotDiff.Lines(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("text"));
    }

    // "a b" against "c": a and b removed, c added (3 differing lines, 2 removed and 1 added).
    private const string Counts = "verified has 2 lines, received 1; 3 differing lines (2 only in verified '-', 1 only in received '+')";

    [Test]
    public void ExactlyAsManyDifferingLinesAsAreShownAreAllListed()
    {
        Assert.That(SnapshotDiff.Describe("a\nb", "c", maxShown: 3),
            Is.EqualTo($"{Counts}:\n  -     1: a\n  -     2: b\n  +     1: c\n"));
    }

    [Test]
    public void OneDifferingLineMoreThanAreShownIsCounted()
    {
        Assert.That(SnapshotDiff.Describe("a\nb", "c", maxShown: 2),
            Is.EqualTo($"{Counts}, first 2:\n  -     1: a\n  -     2: b\n  ... and 1 more differing lines\n"));
        Assert.That(SnapshotDiff.Describe("a\nb", "c", maxShown: 0), Is.EqualTo($"{Counts}, first 0:\n  ... and 3 more differing lines\n"));
    }

    [Test]
    public void ATrailingSpaceIsShownInTheLinesThatDifferOnlyByIt()
    {
        // The probe's case: "fill: normal " against "fill: normal" read the same.
        Assert.That(SnapshotDiff.Describe("seed: 1\nfill: normal \n", "seed: 1\nfill: normal\n"), Is.EqualTo(
            "verified has 2 lines, received 2; 2 differing lines (1 only in verified '-', 1 only in received '+'):\n"
            + "  (lines that differ only in white space, or hold nothing else, show it: '\u00B7' a space, '\u2192' a tab, \\uXXXX any other invisible character or a literal '\u00B7' or '\u2192')\n"
            + "  -     2: fill:\u00B7normal\u00B7\n  +     2: fill:\u00B7normal\n"));
    }

    [TestCase("a\tb", "a b", "a\u2192b", "a\u00B7b", TestName = "ATabAgainstASpace")]
    [TestCase("a  b", "a b", "a\u00B7\u00B7b", "a\u00B7b", TestName = "TwoSpacesAgainstOne")]
    [TestCase("a\u200B b", "a b", "a\\u200B\u00B7b", "a\u00B7b", TestName = "AnInvisibleFormatCharacter")]
    [TestCase("\u00B7 \u2192", "\u00B7\u2192", "\\u00B7\u00B7\\u2192", "\\u00B7\\u2192", TestName = "TheMarksThemselvesAreWrittenOut")]
    public void LinesThatDifferOnlyInInvisibleCharactersShowThem(string verified, string received, string shownVerified, string shownReceived)
    {
        string d = SnapshotDiff.Describe(verified, received);
        Assert.That(d, Does.Contain(SnapshotDiff.Legend + "\n"));
        Assert.That(d, Does.EndWith($"  -     1: {shownVerified}\n  +     1: {shownReceived}\n"));
    }

    [Test]
    public void ALineOfWhiteSpaceAloneIsShownAndOtherLinesAreLeftAsTheyAre()
    {
        Assert.That(SnapshotDiff.Describe("x", "x\n \t"), Does.EndWith($"{SnapshotDiff.Legend}\n  +     2: \u00B7\u2192\n"));
        // Words changed, or an empty line, or a line moved whole: nothing is hidden, and no legend.
        Assert.That(SnapshotDiff.Describe("a b \nc", "a c\n\nc"), Does.EndWith(":\n  -     1: a b \n  +     1: a c\n  +     2: \n"));
        Assert.That(SnapshotDiff.Describe("p q\nz", "z\np q"), Is.EqualTo(
            "verified has 2 lines, received 2; 2 differing lines (1 only in verified '-', 1 only in received '+'):\n  -     1: p q\n  +     2: p q\n"));
    }

    [Test]
    public void TheLegendComesOnlyWithAShownLineThatNeedsIt()
    {
        // -1 a, +1 x, -3 c, -4 "d ", +3 y, +4 d: the trailing-space pair is past the first two differing lines.
        string verified = "a\nb\nc\nd \n", received = "x\nb\ny\nd\n";
        Assert.That(SnapshotDiff.Describe(verified, received, maxShown: 2), Does.Not.Contain(SnapshotDiff.Legend));
        Assert.That(SnapshotDiff.Describe(verified, received, maxShown: 6), Does.Contain(":\n" + SnapshotDiff.Legend + "\n  -     1: a\n")
            .And.EndWith("  -     3: c\n  -     4: d\u00B7\n  +     3: y\n  +     4: d\n"));
    }

    [Test]
    public void DescribeRefusesNullTextsAndANegativeCountByName()
    {
        Assert.That(() => SnapshotDiff.Describe(null!, "a"), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("verified"));
        Assert.That(() => SnapshotDiff.Describe("a", null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("received"));
        Assert.That(() => SnapshotDiff.Describe("a", "a", -1),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("maxShown"));
    }
}
