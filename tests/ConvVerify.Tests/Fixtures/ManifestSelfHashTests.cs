using ConvVerify.Fixtures;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// The writer puts its self-hash in the place of the "manifest-sha256" value alone, wherever else 64 zeros or the key's
/// own name turn up: a case id from a benchdnn name n"000…", a file whose hash is all zeros, an oracle's version named so.
/// </summary>
public class ManifestSelfHashTests : OneCasePackTest
{
    private static readonly string Zeros = new('0', 64);

    // A name of 64 zeros, as benchdnn writes one: its digits are kept in the case id as they are.
    protected override string Descriptor => $"mb1ic1ih4oc1kh3n\"{Zeros}\"";

    [Test]
    public void APackWhoseCaseIdHoldsSixtyFourZerosReadsBackIntact()
    {
        // The probe: every run of 64 zeros became the self-hash, the case id in "cases" and "files" with it, so the
        // manifest named a case folder that is not there and failed its own hash.
        Assert.That(Case.Id, Does.Contain(Zeros), "the premise: the id holds the run of zeros");
        var pack = FixturePack.Open(PackDir);
        Assert.That(pack.CaseIds, Is.EqualTo(new[] { Case.Id }));
        Assert.That(pack.Manifest!.SelfHashMatches, Is.True);
        Assert.That(pack.CheckIntegrity(), Is.Empty);
    }

    [Test]
    public void AHashOfZerosAndAVersionNamedAsTheKeyAreWrittenAsGiven()
    {
        // The probes: a "files" value of 64 zeros was replaced as the placeholder was; and a "versions" key spelling
        // "manifest-sha256" was taken for the self-hash's place, so the hash was made over other bytes than the reader's.
        string path = Path.Combine(Dir, "manifest.json");
        var written = new Manifest
        {
            Format = Manifest.CurrentFormat, Generator = "test", Created = "2026-12-01T00:00:00Z", Cases = [Zeros],
            Versions = new(StringComparer.Ordinal) { ["manifest-sha256"] = "1.0", ["torch"] = "2.0" },
            Files = new(StringComparer.Ordinal) { [$"{Zeros}/case.json"] = Zeros, [$"{Zeros}/x.npy"] = string.Concat(Enumerable.Repeat("ab", 32)) },
        };
        written.Write(path);
        var read = Manifest.Read(path);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.SelfHashMatches, Is.True);
            Assert.That(read.SelfSha256, Is.Not.EqualTo(Zeros), "a hash was written in the placeholder's place");
            Assert.That(read.Cases, Is.EqualTo(written.Cases));
            Assert.That(read.Files, Is.EqualTo(written.Files));
            Assert.That(read.Versions, Is.EqualTo(written.Versions));
        }
    }
}
