using ConvVerify.Fixtures;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// The path confinement's own rules: links are resolved like realpath (relative targets with <c>.</c> and <c>..</c>,
/// chains up to the hop limit), "under" means under a separator, and the first offending entry is the first by name.
/// </summary>
public class PackPathDetailTests : TempFolderTest
{
    private string Make(params string[] parts)
    {
        string path = Path.Combine([Dir, .. parts]);
        Directory.CreateDirectory(path);
        return path;
    }

    // Format characters past U+FFFF are surrogate pairs: the tag characters (U+E0000 to U+E007F) spell text no terminal
    // shows, and were printed as they were, each half alone being no format character. Expected escapes written by hand.
    [Test]
    public void FormatCharactersPastTheBasicPlaneAreWrittenOut()
    {
        Assert.That(PackPaths.Printable("n\U000E0041\U000E0042x"), Is.EqualTo("n\\udb40\\udc41\\udb40\\udc42x"));
        Assert.That(PackPaths.Printable("a\u200bb\U0001D173c"), Is.EqualTo("a\\u200bb\\ud834\\udd73c"), "a zero-width space and a musical format character");
        // Visible characters past the plane stay, as do lone surrogates (no character, and no format one).
        Assert.That(PackPaths.Printable("\U0001F600 ok"), Is.EqualTo("\U0001F600 ok"));
        Assert.That(PackPaths.Printable("\ud800x\udc00"), Is.EqualTo("\ud800x\udc00"));
        Assert.That(PackPaths.Printable("t\tn\n\u001b", keepWhiteSpace: true), Is.EqualTo("t\tn\n\\u001b"));
    }

    // Editors, log viewers and JavaScript consoles break a line at U+2028 and U+2029, which are no control characters: a
    // name holding one could forge a line as a newline could. Kept line breaks are \n, \r and \t only.
    [Test]
    public void LineAndParagraphSeparatorsAreWrittenOut()
    {
        Assert.That(PackPaths.Printable("a\u2028check: 0 failed\u2029b"), Is.EqualTo("a\\u2028check: 0 failed\\u2029b"));
        Assert.That(PackPaths.Printable("a\u2028b", keepWhiteSpace: true), Is.EqualTo("a\\u2028b"));
    }

    [Test]
    public void RelativeLinkTargetsAreResolvedFromWhereTheLinkLives()
    {
        string b = Make("b");
        Make("a");
        File.CreateSymbolicLink(Path.Combine(Dir, "a", "up"), "../b");
        File.CreateSymbolicLink(Path.Combine(Dir, "here"), "./b");
        File.CreateSymbolicLink(Path.Combine(Dir, "a", "deep"), "../a/./../b/");
        Assert.That(PackPaths.RealPath(Path.Combine(Dir, "a", "up")), Is.EqualTo(b));
        Assert.That(PackPaths.RealPath(Path.Combine(Dir, "here")), Is.EqualTo(b));
        Assert.That(PackPaths.RealPath(Path.Combine(Dir, "a", "deep", "missing")), Is.EqualTo(Path.Combine(b, "missing")), "a missing tail is kept");
    }

    [Test]
    public void AChainOfFortyLinksResolvesAndAFortyFirstIsALoop()
    {
        string end = Make("end");
        string previous = end;
        for (int i = 1; i <= 41; i++)
        {
            string link = Path.Combine(Dir, $"l{i}");
            File.CreateSymbolicLink(link, previous);
            previous = link;
        }
        Assert.That(PackPaths.RealPath(Path.Combine(Dir, "l40")), Is.EqualTo(end));
        string last = Path.Combine(Dir, "l41");
        Assert.That(() => PackPaths.RealPath(last), Throws.TypeOf<FixtureException>().With.Message.EqualTo($"{last}: too many symbolic links (a loop?)"));
    }

    [Test]
    public void UnderMeansTheFolderItselfOrBelowASeparator()
    {
        string root = Path.Combine(Dir, "pack");
        Assert.That(PackPaths.IsUnder(root, root), Is.True);
        Assert.That(PackPaths.IsUnder(root + Path.DirectorySeparatorChar, root), Is.True, "a trailing separator on the root");
        Assert.That(PackPaths.IsUnder(root, Path.Combine(root, "case", "x.npy")), Is.True);
        Assert.That(PackPaths.IsUnder(root, root + "2"), Is.False, "a sibling sharing the prefix");
        Assert.That(PackPaths.IsUnder(root, Dir), Is.False);
        // Linux file systems tell letter case apart; Windows and macOS ones (by default) do not.
        Assert.That(PackPaths.IsUnder(root, Path.Combine(Dir, "PACK", "x")), Is.EqualTo(!OperatingSystem.IsLinux()));
    }

    [Test]
    public void InsideRefusesALinkOnTheWayOut()
    {
        string root = Make("pack");
        string outside = Make("outside");
        Directory.CreateSymbolicLink(Path.Combine(root, "case"), outside);
        Assert.That(() => PackPaths.Inside(root, "case", "y.npy"), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{Path.Combine(root, "case")}: a symbolic link to {outside}, outside {root}: refusing to read or write through it"));
        Directory.CreateSymbolicLink(Path.Combine(root, "alias"), Make("pack", "real"));
        Assert.That(PackPaths.Inside(root, "alias", "y.npy"), Is.EqualTo(Path.Combine(root, "alias", "y.npy")), "a link that stays inside is fine");
    }

    [Test]
    public void CheckLinkLooksAtTheEntryItselfNotItsParents()
    {
        // Callers check each component in turn (Inside, CheckTwoLevels), so a plain file is judged as itself: inside.
        string root = Make("pack");
        string outside = Make("outside");
        File.WriteAllText(Path.Combine(outside, "y.npy"), "");
        Directory.CreateSymbolicLink(Path.Combine(root, "case"), outside);
        Assert.That(() => PackPaths.CheckLink(root, Path.Combine(root, "case", "y.npy")), Throws.Nothing);
        Assert.That(() => PackPaths.CheckLink(root, Path.Combine(root, "case")), Throws.TypeOf<FixtureException>());
    }

    [Test]
    public void TheFirstOffendingEntryByNameIsTheOneReported()
    {
        string root = Make("pack");
        string outside = Make("outside");
        Make("pack", "case");
        // Two bad entries at each level; the report names the first in ordinal order, so it does not depend on the file system's listing.
        Directory.CreateSymbolicLink(Path.Combine(root, "case", "b.npy"), outside);
        Directory.CreateSymbolicLink(Path.Combine(root, "case", "a.npy"), outside);
        Assert.That(() => PackPaths.CheckTwoLevels(root), Throws.TypeOf<FixtureException>().With.Message.StartsWith($"{Path.Combine(root, "case", "a.npy")}: "));
        Directory.CreateSymbolicLink(Path.Combine(root, "z-link"), outside);
        Directory.CreateSymbolicLink(Path.Combine(root, "b-link"), outside);
        Assert.That(() => PackPaths.CheckTwoLevels(root), Throws.TypeOf<FixtureException>().With.Message.StartsWith($"{Path.Combine(root, "b-link")}: "));
    }

    [Test]
    public void CutKeepsWholeCharactersAndRefusesALengthThatKeepsNone()
    {
        Assert.That(PackPaths.Cut("abc", 3), Is.EqualTo("abc"));
        Assert.That(PackPaths.Cut("abcd", 3), Is.EqualTo("abc…"));
        Assert.That(PackPaths.Cut("ab\U0001F600", 3), Is.EqualTo("ab…"), "not between a pair's halves");
        Assert.That(PackPaths.Cut("a\U0001F600b", 3), Is.EqualTo("a\U0001F600…"));
        Assert.That(() => PackPaths.Cut("abc", 1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("most"));
    }
}
