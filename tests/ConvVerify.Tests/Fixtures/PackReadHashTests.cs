using ConvVerify.Fixtures;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// A pack's files were compared with the manifest only by <see cref="FixturePack.CheckIntegrity()"/>; a process that keeps
/// a pack open (the NUnit fixture, for a whole run) then read a file rewritten since as if it had been checked. Each file
/// a case reads is now compared with its manifest hash as it is read, and <see cref="FixturePack.CheckFiles"/> looks again
/// at chosen files only.
/// </summary>
public class PackReadHashTests : OneCasePackTest
{
    private string Changed(string path) =>
        $"{path}: sha256 differs from the manifest (corrupt or changed), found as its case read it; a file that does not match its hash cannot serve as an oracle";

    private string CaseFile(string name) => Path.Combine(PackDir, Case.Id, name);

    // The last element's lowest mantissa bit: the file keeps its size and stays a valid .npy of finite values.
    private static void FlipABit(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^4] ^= 1;
        File.WriteAllBytes(path, bytes);
    }

    [TestCase("y.npy")]
    [TestCase("x.npy")]
    [TestCase("dw.npy")]
    public void AnInputOrResultChangedAfterTheCheckIsRefusedAsItIsRead(string name)
    {
        var pack = FixturePack.Open(PackDir);
        Assert.That(pack.CheckIntegrity(), Is.Empty);
        FlipABit(CaseFile(name));
        Assert.That(() => pack.Read<float>(Case.Id), Throws.TypeOf<FixtureException>().With.Message.EqualTo(Changed(CaseFile(name))));
    }

    [Test]
    public void ACaseJsonChangedAfterTheCheckIsRefusedAsItIsRead()
    {
        var pack = FixturePack.Open(PackDir);
        File.AppendAllText(CaseJson, "\n");
        Assert.That(() => pack.ReadCase(Case.Id), Throws.TypeOf<FixtureException>().With.Message.EqualTo(Changed(CaseJson)));
    }

    [Test]
    public void AChangedFileThatNoLongerReadsIsNamedAsChangedWithWhyItDoesNotRead()
    {
        // Cut short, y read as "truncated", which sends one looking for a broken writer rather than a changed pack.
        var pack = FixturePack.Open(PackDir);
        string y = CaseFile("y.npy");
        File.WriteAllBytes(y, File.ReadAllBytes(y)[..^4]);
        var e = Assert.Throws<FixtureException>(() => pack.Read<float>(Case.Id))!;
        Assert.That(e.Message, Is.EqualTo(Changed(y)));
        Assert.That(e.InnerException?.Message, Does.StartWith($"{y}: not a readable .npy file (truncated"));
    }

    [Test]
    public void WithoutAManifestNothingIsComparedAndTheCaseReads()
    {
        File.Delete(ManifestJson);
        var pack = FixturePack.Open(PackDir);
        FlipABit(CaseFile("y.npy"));
        Assert.That(pack.Read<float>(Case.Id).Expected, Has.Count.EqualTo(4));
    }

    [Test]
    public void CheckFilesLooksOnlyAtTheFilesGivenAndPassesOverKeysNotListed()
    {
        var pack = FixturePack.Open(PackDir);
        FlipABit(CaseFile("y.npy"));
        File.Delete(CaseFile("dx.npy"));
        Assert.That(pack.CheckFiles([$"{Case.Id}/y.npy", $"{Case.Id}/w.npy", $"{Case.Id}/notes.txt"]),
            Is.EqualTo(new[] { $"{CaseFile("y.npy")}: sha256 differs from the manifest (corrupt or changed)" }));
        var failed = new List<string>();
        Assert.That(pack.CheckIntegrity(failed), Has.Count.EqualTo(2));
        Assert.That(failed, Is.EquivalentTo(new[] { $"{Case.Id}/y.npy", $"{Case.Id}/dx.npy" }));
        Assert.That(pack.CheckFiles(failed), Is.EqualTo(pack.CheckIntegrity()), "the failed files' lines are the whole check's");
    }
}
