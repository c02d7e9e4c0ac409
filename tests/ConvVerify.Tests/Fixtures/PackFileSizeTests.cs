using ConvVerify.Fixtures;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// case.json and manifest.json were read whole with no limit: a 2 GB file was read into memory (or, past 2 GiB, refused
/// by .NET in words naming no file) before a byte of it was judged. Now their size is asked first and a file past the cap
/// is refused naming it and its size. The files are sparse: their size is set, nothing is written.
/// </summary>
public class PackFileSizeTests : OneCasePackTest
{
    private const long TwoGigabytes = 2_000_000_000;

    private static void Sparse(string path, long size)
    {
        File.Delete(path);
        using var s = new FileStream(path, FileMode.CreateNew);
        s.SetLength(size);
    }

    [TestCase(TwoGigabytes)]
    [TestCase(CaseFile.MaxBytes + 1)]
    public void ACaseJsonPastItsCapIsRefusedNamingItsSize(long size)
    {
        Sparse(CaseJson, size);
        var pack = FixturePack.Open(PackDir);
        Assert.That(() => pack.ReadCase(Case.Id), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{CaseJson}: {size} bytes, more than a case.json may hold (1048576)"));
    }

    [TestCase(TwoGigabytes)]
    [TestCase(Manifest.MaxBytes + 1)]
    public void AManifestPastItsCapIsRefusedNamingItsSize(long size)
    {
        Sparse(ManifestJson, size);
        Assert.That(() => FixturePack.Open(PackDir), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{ManifestJson}: {size} bytes, more than a manifest.json may hold (268435456)"));
    }

    [Test]
    public void FilesAtTheirCapAreReadAndJudgedByWhatTheyHold()
    {
        // All zeros: not JSON, which the JSON reader says; the size alone is no reason to refuse.
        Sparse(CaseJson, CaseFile.MaxBytes);
        Assert.That(() => FixturePack.Open(PackDir).ReadCase(Case.Id), Throws.TypeOf<FixtureException>().With.Message.StartsWith($"{CaseJson}: ")
            .And.Message.Not.Contains("more than"));
    }

    [Test]
    [Platform("Linux")]
    public void AReportPastItsCapOrADeviceBehindALinkIsRefusedNamingIt()
    {
        string big = Path.Combine(Dir, "big.json"), link = Path.Combine(Dir, "zero.json");
        Sparse(big, TwoGigabytes);
        Assert.That(() => RunReport.Read(big), Throws.TypeOf<InvalidDataException>().With.Message.EqualTo(
            $"{big}: {TwoGigabytes} bytes, more than a report may hold (1073741824)"));
        File.CreateSymbolicLink(link, "/dev/zero");
        Assert.That(() => RunReport.Read(link), Throws.TypeOf<InvalidDataException>().With.Message.EqualTo(
            $"{link}: a character device, not a regular file; refusing to read it as a report"));
    }

    [Test]
    [Platform("Linux")]
    public void AManifestThatIsADeviceOrAPipeIsRefusedByKind()
    {
        // A link to /dev/zero inside the pack leads outside it, which is refused first; a pipe in the pack by its kind.
        File.Delete(ManifestJson);
        NamedPipes.Make(ManifestJson);
        Assert.That(() => FixturePack.Open(PackDir), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{ManifestJson}: a named pipe, not a regular file; refusing to read it"));
        File.Delete(ManifestJson);
        File.CreateSymbolicLink(ManifestJson, "/dev/zero");
        Assert.That(() => FixturePack.Open(PackDir), Throws.TypeOf<FixtureException>().With.Message.StartsWith($"{ManifestJson}"));
    }
}
