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
    private static string Unlike(string path) =>
        $"{path}: sha256 differs from the manifest (corrupt or changed), found as its case read it; a file that does not match its hash cannot serve as an oracle";

    private static string Changed(string path) =>
        $"{path}: changed since the pack's integrity check hashed it (its sha256 now matches neither that check's nor the manifest's), found as its case read it; "
        + "a file that changes under a run cannot serve as an oracle";

    private string CaseFile(string name) => Path.Combine(PackDir, Case.Id, name);

    // The last element's lowest mantissa bit: the file keeps its size and stays a valid .npy of finite values.
    private static void FlipABit(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^4] ^= 1;
        File.WriteAllBytes(path, bytes);
    }

    [Test]
    public void CheckFilesRefusesNoKeysByName()
    {
        var pack = FixturePack.Open(PackDir);
        Assert.That(() => pack.CheckFiles(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("keys"));
    }

    [TestCase("y.npy")]
    [TestCase("x.npy")]
    [TestCase("dw.npy")]
    public void AnInputOrResultChangedAfterTheCheckIsRefusedAsItIsRead(string name)
    {
        var pack = FixturePack.Open(PackDir);
        Assert.That(pack.CheckIntegrity(), Is.Empty);
        Assert.That(pack.Read<float>(Case.Id).Expected, Has.Count.EqualTo(4));
        FlipABit(CaseFile(name));
        Assert.That(() => pack.Read<float>(Case.Id), Throws.TypeOf<FixtureException>().With.Message.EqualTo(Changed(CaseFile(name))));
    }

    [Test]
    public void WithoutACheckAFileIsComparedWithTheManifest()
    {
        // A reader that never called CheckIntegrity still uses no file the manifest does not vouch for.
        var pack = FixturePack.Open(PackDir);
        string json = File.ReadAllText(CaseJson);
        File.AppendAllText(CaseJson, "\n");
        Assert.That(() => pack.ReadCase(Case.Id), Throws.TypeOf<FixtureException>().With.Message.EqualTo(Unlike(CaseJson)));
        // Read(case) reads case.json too, to hold the case given to it: that refusal comes first while case.json is changed.
        Assert.That(() => pack.Read<float>(Case), Throws.TypeOf<FixtureException>().With.Message.EqualTo(Unlike(CaseJson)));
        File.WriteAllText(CaseJson, json);
        FlipABit(CaseFile("dy.npy"));
        Assert.That(() => pack.Read<float>(Case), Throws.TypeOf<FixtureException>().With.Message.EqualTo(Unlike(CaseFile("dy.npy"))));
    }

    [Test]
    public void AFileTheCheckFoundCorruptIsReadWhileUnchangedAndRefusedOnceItChanges()
    {
        // The check reported it (`fixtures check` then shows which directions it breaks); a later change is news.
        var pack = FixturePack.Open(PackDir);
        string y = CaseFile("y.npy");
        FlipABit(y);
        Assert.That(pack.CheckIntegrity(), Is.EqualTo(new[] { $"{y}: sha256 differs from the manifest (corrupt or changed)" }));
        Assert.That(pack.Read<float>(Case.Id).Expected, Has.Count.EqualTo(4));
        FlipABit(y);
        Assert.That(pack.Read<float>(Case.Id).Expected, Has.Count.EqualTo(4), "put back as the manifest has it: good again");
        byte[] bytes = File.ReadAllBytes(y);
        bytes[^8] ^= 1;
        File.WriteAllBytes(y, bytes);
        Assert.That(() => pack.Read<float>(Case.Id), Throws.TypeOf<FixtureException>().With.Message.EqualTo(Changed(y)));
    }

    [Test]
    public void AChangedFileThatNoLongerReadsIsRefusedForWhatIsWrongWithIt()
    {
        // What the file says comes first: "truncated" tells more than a hash, and the hash is never the only word.
        var pack = FixturePack.Open(PackDir);
        pack.CheckIntegrity();
        string y = CaseFile("y.npy");
        File.WriteAllBytes(y, File.ReadAllBytes(y)[..^4]);
        Assert.That(() => pack.Read<float>(Case.Id), Throws.TypeOf<FixtureException>().With.Message.StartWith($"{y}: not a readable .npy file (truncated"));
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
