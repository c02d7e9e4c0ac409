using ConvVerify.Fixtures;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// The name rules of packs, one by one, with the words a user reads (PackPathSafetyTests drives the same rules through
/// the command line with hostile packs; here each rule and its message stands alone).
/// </summary>
public class PackPathTests : TempFolderTest
{
    private static string Refusal(string? name) =>
        Assert.Throws<FixtureException>(() => PackPaths.CheckName(name, "case id"))!.Message;

    [TestCase(null, "case id \"\" is empty: only a plain name inside the folder is allowed")]
    [TestCase("", "case id \"\" is empty: only a plain name inside the folder is allowed")]
    [TestCase(".", "case id \".\" is a relative path component: only a plain name inside the folder is allowed")]
    [TestCase("..", "case id \"..\" is a relative path component: only a plain name inside the folder is allowed")]
    [TestCase("a/b", "case id \"a/b\" holds a path separator: only a plain name inside the folder is allowed")]
    [TestCase("a\\b", "case id \"a\\b\" holds a path separator: only a plain name inside the folder is allowed")]
    [TestCase("c:x", "case id \"c:x\" holds ':' (a drive letter or stream name): only a plain name inside the folder is allowed")]
    [TestCase("a\0b", "case id \"a\\u0000b\" holds a control character: only a plain name inside the folder is allowed")]
    [TestCase("a\nb", "case id \"a\\u000ab\" holds a control character: only a plain name inside the folder is allowed")]
    public void EachRuleNamesTheNameAndWhy(string? name, string message) => Assert.That(Refusal(name), Is.EqualTo(message));

    [Test]
    public void ANameLongerThanAFileNameMayBeIsRefusedByItsLength()
    {
        // Set by a caller (c with { Id = ... }), a 300-letter id reached the file system and came back as .NET's
        // PathTooLongException, naming no case. 255 bytes pass; 256 do not, nor 128 two-byte letters.
        Assert.That(() => PackPaths.CheckName(new string('a', 255), "case id"), Throws.Nothing);
        Assert.That(Refusal(new string('a', 256)), Does.EndWith("\" is 256 bytes long in UTF-8, more than the 255 a file name may hold: only a plain name inside the folder is allowed"));
        Assert.That(Refusal(new string('é', 128)), Does.Contain("\" is 256 bytes long in UTF-8"));
    }

    [Test]
    public void PackWriterRefusesATooLongIdAsAFixtureException()
    {
        var c = ConvVerify.Cases.ConvCase.Create(ConvVerify.Problems.BenchdnnDescriptor.Parse("mb1ic1iw3oc1kw2"), ConvVerify.Cases.Fill.Integer, 1) with { Id = new string('a', 300) };
        var inputs = c.MakeInputs<float>();
        var writer = new PackWriter(Path.Combine(Dir, "pack"), false);
        var e = Assert.Throws<FixtureException>(() => writer.Add(c, inputs, new Dictionary<ConvVerify.Cases.Direction, float[]>()))!;
        Assert.That(e.Message, Does.Contain("is 300 bytes long in UTF-8"));
    }

    [TestCase("case-1")]
    [TestCase("...")]
    [TestCase(".hidden")]
    [TestCase("mb1ic3ih5oc16oh3kh3ph0n_question___f32_normal")]
    public void PlainNamesPass(string name) => Assert.That(() => PackPaths.CheckName(name, "case id"), Throws.Nothing);

    [Test]
    public void AFilesKeyIsOneCaseIdAndOneFile()
    {
        Assert.That(PackPaths.SplitFileKey("case-1/y.npy", "m.json"), Is.EqualTo(("case-1", "y.npy")));
        Assert.That(() => PackPaths.SplitFileKey("y.npy", "m.json"), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            "m.json: files key \"y.npy\" must be <case-id>/<file> with exactly one '/'"));
        Assert.That(() => PackPaths.SplitFileKey("a/b/y.npy", "m.json"), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            "m.json: files key \"a/b/y.npy\" must be <case-id>/<file> with exactly one '/'"));
        Assert.That(() => PackPaths.SplitFileKey("../y.npy", "m.json"), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            "m.json: files key \"../y.npy\": case id \"..\" is a relative path component: only a plain name inside the folder is allowed"));
        Assert.That(() => PackPaths.SplitFileKey("case-1/", "m.json"), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            "m.json: files key \"case-1/\": file \"\" is empty: only a plain name inside the folder is allowed"));
        Assert.That(() => PackPaths.SplitFileKey("/y.npy", "m.json"), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            "m.json: files key \"/y.npy\": case id \"\" is empty: only a plain name inside the folder is allowed"), "a '/' first is still the one '/'");
    }

    [Test]
    public void InsideJoinsPlainNamesAndRefusesTheRest()
    {
        Assert.That(PackPaths.Inside(Dir, "case-1", "y.npy"), Is.EqualTo(Path.Combine(Dir, "case-1", "y.npy")));
        Assert.That(() => PackPaths.Inside(Dir, "case-1", ".."), Throws.TypeOf<FixtureException>().With.Message.StartsWith($"{Dir}: name \"..\" is a relative path component"));
    }

    [Test]
    public void ALinkInsideThePackIsFineAndOneLeadingOutIsNot()
    {
        string inside = Path.Combine(Dir, "real"), link = Path.Combine(Dir, "link"), outside = Directory.CreateTempSubdirectory("convverify-outside-").FullName;
        try
        {
            Directory.CreateDirectory(inside);
            Directory.CreateSymbolicLink(link, inside);
            Assert.That(() => PackPaths.CheckLink(Dir, link), Throws.Nothing);
            string away = Path.Combine(Dir, "away");
            Directory.CreateSymbolicLink(away, outside);
            Assert.That(() => PackPaths.CheckLink(Dir, away), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
                $"{away}: a symbolic link to {outside}, outside {Dir}: refusing to read or write through it"));
        }
        finally
        {
            Directory.Delete(outside);
        }
    }
}
