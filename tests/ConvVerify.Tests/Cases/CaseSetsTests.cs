using ConvVerify.Catalog;

namespace ConvVerify.Tests.Cases;

/// <summary>The named sets in process: the CLI's refusal of an unknown set is tested through a child process, which mutation runs leave out.</summary>
public class CaseSetsTests
{
    [Test]
    public void AnUnknownSetIsRefusedWithTheKnownOnesListed()
    {
        Assert.That(() => CaseSets.Text("nosuchset"), Throws.ArgumentException
            .With.Message.StartsWith("set: unknown case set 'nosuchset' (known: question, basic, pytorch, resnet50, resnet50_mb16)")
            .And.Property("ParamName").EqualTo("name"));
        Assert.That(() => CaseSets.Text(null!), Throws.ArgumentNullException);
        Assert.That(CaseSets.Load("question"), Is.Not.Empty);
    }

    [Test]
    public void AnEmbeddedSetThatIsNotUtf8IsRefusedNamingTheResourceAndTheByte()
    {
        // Decoded by a StreamReader, the 0xFF became U+FFFD and the set read "mb1?"; now refused like any other text file.
        byte[] bad = [.. "# two lines\nmb1"u8, 0xFF, .. "ic1\n"u8];
        Assert.That(() => CaseSets.Decode(bad, "ConvVerify.Catalog.Sets.basic.txt"), Throws.InstanceOf<InvalidDataException>().With.Message.EqualTo(
            "ConvVerify.Catalog.Sets.basic.txt: not UTF-8: byte offset 15 (line 2) holds 0xFF, which UTF-8 never uses; a shape file must be UTF-8"));
        // A cut-short sequence at the very end, which a lenient decoder also replaced silently.
        Assert.That(() => CaseSets.Decode([.. "mb1"u8, 0xE2, 0x82], "r.txt"), Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith(
            "r.txt: not UTF-8: byte offset 3 (line 1) begins a 3-byte sequence (0xE2 0x82) that the end of the file cuts short"));
        // What the StreamReader accepted still reads the same: a UTF-8 BOM dropped, other characters kept.
        Assert.That(CaseSets.Decode([0xEF, 0xBB, 0xBF, .. "mb1ic1ih4 # ×2\n"u8], "r.txt"), Is.EqualTo("mb1ic1ih4 # \u00D72\n"));
    }

    [Test]
    public void EveryEmbeddedSetIsUtf8AndParses()
    {
        foreach (string name in CaseSets.All) Assert.That(CaseSets.Load(name), Is.Not.Empty, name);
    }

    // A shape file added to Catalog/Sets but not to CaseSets.All is embedded and never reachable (nor read by the test
    // above); one named in All but not embedded is refused as unknown. Both lists must name the same sets.
    [Test]
    public void TheEmbeddedShapeFilesAreExactlyTheNamedSets()
    {
        const string prefix = "ConvVerify.Catalog.Sets.";
        var embedded = typeof(CaseSets).Assembly.GetManifestResourceNames()
            .Where(r => r.StartsWith(prefix, StringComparison.Ordinal))
            .Select(r => r[prefix.Length..^".txt".Length]);
        Assert.That(embedded, Is.EquivalentTo(CaseSets.All));
    }
}
