using ConvVerify.Fixtures;
using ConvVerify.Tests.Cli;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// A pack's case folder held files of names no reader knows (notes.txt, x.npy.bak, Y.NPY) and passed them over in
/// silence, where a candidate folder's stray file is a warning. Now a name that differs from a case file's only in letter
/// case is refused (where names ignore case it is that file, where they do not it is never read), and any other entry
/// the manifest does not list is a warning, an error under --strict; one the manifest lists is accounted for by its hash.
/// The pack's own folder follows the same rule: anything but manifest.json and case folders is a warning.
/// </summary>
public class PackStrayFileTests : OneCasePackTest
{
    private string CaseDir => Path.Combine(PackDir, Case.Id);

    private const string Expected = "case.json, x.npy, w.npy, b.npy, dy.npy, y.npy, dx.npy, dw.npy or db.npy";

    private static string InOtherCase(string path, string meant) =>
        $"{path}: differs from the case file {meant} only in letter case; a file system that ignores letter case would read it as {meant} "
        + $"and one that does not would never read it; rename it {meant} or remove it";

    [TestCase("notes.txt")]
    [TestCase("x.npy.bak")]
    [TestCase("y.npy~")]
    public void AnUnlistedFileOfAnUnknownNameIsAWarningNamingIt(string name)
    {
        string path = Path.Combine(CaseDir, name);
        File.WriteAllText(path, "kept by hand");
        var pack = FixturePack.Open(PackDir);
        Assert.That(pack.Warnings, Is.EqualTo(new[] { $"{path}: not a case file (expected {Expected}) and not listed in {ManifestJson}; it is not read" }));
        Assert.That(pack.CheckIntegrity(), Is.Empty);
        Assert.That(pack.Read<float>(Case.Id).Expected, Has.Count.EqualTo(4), "the case reads as before");
    }

    [Test]
    public void InAPackWithoutAManifestAnUnknownFileIsAWarningToo()
    {
        File.Delete(ManifestJson);
        string path = Path.Combine(CaseDir, "notes.txt");
        File.WriteAllText(path, "");
        Assert.That(FixturePack.Open(PackDir).Warnings, Is.EqualTo(new[]
        {
            $"{PackDir}: no manifest.json, so the integrity of its files could not be checked",
            $"{path}: not a case file (expected {Expected}); it is not read",
        }));
    }

    [Test]
    public void AFileTheManifestListsIsAccountedForByItsHash()
    {
        string path = Path.Combine(CaseDir, "notes.txt");
        File.WriteAllText(path, "provenance");
        var m = Manifest.Read(ManifestJson);
        m.Files[$"{Case.Id}/notes.txt"] = Manifest.Sha256(path);
        m.Write(ManifestJson);
        var pack = FixturePack.Open(PackDir);
        Assert.That((pack.Warnings, pack.CheckIntegrity()), Is.EqualTo((Array.Empty<string>(), Array.Empty<string>())));
        File.WriteAllText(path, "changed");
        Assert.That(FixturePack.Open(PackDir).CheckIntegrity(), Is.EqualTo(new[] { $"{path}: sha256 differs from the manifest (corrupt or changed)" }));
    }

    [TestCase("y.npy", "Y.NPY")]
    [TestCase("dy.npy", "DY.npy")]
    [TestCase("case.json", "Case.json")]
    public void ACaseFileRenamedInLetterCaseIsRefusedWithOrWithoutAManifest(string file, string renamed)
    {
        // Without a manifest, Y.NPY was passed over on Linux: the pack held no y, and the forward direction went unchecked
        // (with the manifest, only the integrity check's "y.npy missing" said anything, and nothing about Y.NPY).
        // A rename, not a copy, so the folder holds the same entry where names ignore case.
        string path = Path.Combine(CaseDir, renamed);
        File.Move(Path.Combine(CaseDir, file), path);
        Assert.That(() => FixturePack.Open(PackDir), Throws.TypeOf<FixtureException>().With.Message.EqualTo(InOtherCase(path, file)));
        File.Delete(ManifestJson);
        Assert.That(() => FixturePack.Open(PackDir), Throws.TypeOf<FixtureException>().With.Message.EqualTo(InOtherCase(path, file)));
    }

    [Test]
    public void AManifestListingACaseFileInAnotherLetterCaseIsRefused()
    {
        // Listed and hashed as Y.NPY, the file passed the integrity check on Linux and was never read: no y compared.
        string path = Path.Combine(CaseDir, "Y.NPY");
        File.Move(Path.Combine(CaseDir, "y.npy"), path);
        var m = Manifest.Read(ManifestJson);
        m.Files[$"{Case.Id}/Y.NPY"] = m.Files[$"{Case.Id}/y.npy"];
        m.Files.Remove($"{Case.Id}/y.npy");
        m.Write(ManifestJson);
        Assert.That(() => FixturePack.Open(PackDir), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{ManifestJson}: files key \"{Case.Id}/Y.NPY\" differs from the case file y.npy only in letter case; a file system that ignores "
            + "letter case would read it as y.npy and one that does not would never read it; rename it y.npy or remove it"));
    }

    [Test]
    public void AFolderHoldingCaseJsonInAnotherLetterCaseIsRefusedNotPassedOver()
    {
        // Without a manifest the folder was no case folder on Linux: a pack of several cases lost this one without a word.
        File.Delete(ManifestJson);
        string other = Path.Combine(PackDir, "other");
        Directory.CreateDirectory(other);
        string path = Path.Combine(other, "CASE.JSON");
        File.Copy(CaseJson, path);
        Assert.That(() => FixturePack.Open(PackDir), Throws.TypeOf<FixtureException>().With.Message.EqualTo(InOtherCase(path, "case.json")));
    }

    [Test]
    public void AManifestInAnotherLetterCaseIsRefusedNotReadAsNoManifest()
    {
        // Read on Linux as a pack without a manifest: its hashes unchecked, with only the warning that it had none.
        string path = Path.Combine(PackDir, "Manifest.json");
        File.Move(ManifestJson, path);
        Assert.That(() => FixturePack.Open(PackDir), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{path}: differs from manifest.json only in letter case; a file system that ignores letter case would read it as manifest.json "
            + "and one that does not would never read it; rename it manifest.json or remove it"));
    }

    [Test]
    public void AFileOrAFolderWithoutCaseJsonBesideTheManifestIsAWarningNamingIt()
    {
        // The probe: the pack's own folder was never looked at beyond its case folders, so a result dropped at the top or
        // a folder that is no case sat there unsaid, where the same file in a case folder was a warning.
        string file = Path.Combine(PackDir, "y.npy"), folder = Path.Combine(PackDir, "old");
        File.WriteAllText(file, "");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "x.npy"), "");
        var pack = FixturePack.Open(PackDir);
        Assert.That(pack.Warnings, Is.EqualTo(new[]
        {
            $"{folder}: a folder without a case.json and not in {ManifestJson}'s \"cases\", so no case; it is not read",
            $"{file}: neither a case folder nor manifest.json; it is not read",
        }));
        Assert.That((pack.CaseIds, pack.CheckIntegrity()), Is.EqualTo((new[] { Case.Id }, Array.Empty<string>())), "the pack reads as before");
    }

    [Test]
    public void InAPackWithoutAManifestAFolderThatLostItsCaseJsonIsAWarningNotACaseGoneSilently()
    {
        File.Delete(ManifestJson);
        string lost = Path.Combine(PackDir, "lost");
        Directory.CreateDirectory(lost);
        File.Copy(Path.Combine(PackDir, Case.Id, "x.npy"), Path.Combine(lost, "x.npy"));
        File.WriteAllText(Path.Combine(PackDir, "README"), "");
        Assert.That(FixturePack.Open(PackDir).Warnings, Is.EqualTo(new[]
        {
            $"{PackDir}: no manifest.json, so the integrity of its files could not be checked",
            $"{Path.Combine(PackDir, "README")}: neither a case folder nor manifest.json; it is not read",
            $"{lost}: a folder without a case.json, so no case; it is not read",
        }));
    }

    [Test]
    public void ANamedPipeAtThePacksTopIsCalledSo()
    {
        // Was "neither a case folder nor manifest.json", as of a file the user could open: opening a pipe waits for a writer.
        File.Delete(ManifestJson);
        string pipe = NamedPipes.Make(Path.Combine(PackDir, "pipe"));
        Assert.That(FixturePack.Open(PackDir).Warnings, Is.EqualTo(new[]
        {
            $"{PackDir}: no manifest.json, so the integrity of its files could not be checked",
            $"{pipe}: a named pipe, neither a case folder nor manifest.json; it is not read",
        }));
    }

    [Test]
    public void ANamedPipeOrAFolderInACaseFolderIsCalledSo()
    {
        string pipe = NamedPipes.Make(Path.Combine(CaseDir, "p"));
        string folder = Path.Combine(CaseDir, "old");
        Directory.CreateDirectory(folder);
        Assert.That(FixturePack.Open(PackDir).Warnings, Is.EqualTo(new[]
        {
            $"{folder}: a directory, not a case file (expected {Expected}) and not listed in {ManifestJson}; it is not read",
            $"{pipe}: a named pipe, not a case file (expected {Expected}) and not listed in {ManifestJson}; it is not read",
        }));
    }

    [Test]
    public void InARunAStrayAtThePacksTopIsAWarningThatStrictMakesAnError()
    {
        string path = Path.Combine(PackDir, "notes.txt");
        File.WriteAllText(path, "");
        var r = CliTestBase.Run("check", "--oracle", "fixtures", "--pack", PackDir, "--strict");
        Assert.That((r.Code, r.All.Contains($"{path}: neither a case folder nor manifest.json", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
    }

    [Test]
    public void InARunAStrayFileIsAWarningThatStrictMakesAnError()
    {
        string path = Path.Combine(CaseDir, "x.npy.bak");
        File.WriteAllText(path, "");
        // One run: the warning reaches the run's output, and --strict makes it an error.
        var r = CliTestBase.Run("check", "--oracle", "fixtures", "--pack", PackDir, "--strict");
        Assert.That((r.Code, r.All.Contains($"{path}: not a case file", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
    }
}
