using System.Text.Json.Nodes;
using ConvVerify.Cases;
using ConvVerify.Fixtures;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// Issue 10, item 1: names from a manifest, case folders, candidate folders and snapshot files never lead outside their
/// folder. Each test puts a valid-looking case outside the pack ("victim") and checks that the command exits 2 naming
/// the offending entry and that the victim is never reported.
/// </summary>
public class PackPathSafetyTests : CliTestBase
{
    private string _pack = "";
    private string _victim = "";
    private string _caseId = "";

    [SetUp]
    public void MakePackAndVictim()
    {
        _pack = CopyCommittedPack("question");
        _caseId = QuestionCase("f32", "integer");
        // A copy of a real case: were it read, it would pass, so a silent pass would show in the report.
        _victim = TempPath("victim");
        CopyDirectory(Path.Combine(_pack, _caseId), _victim);
    }

    private void EditManifest(Action<JsonObject> edit)
    {
        string path = Path.Combine(_pack, "manifest.json");
        var m = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(m);
        File.WriteAllText(path, m.ToJsonString());
    }

    private void AssertRejected(CliResult r, string offending)
    {
        Assert.Multiple(() =>
        {
            Assert.That(r.Code, Is.EqualTo(2), r.ToString());
            Assert.That(r.Err, Does.Contain(offending), r.ToString());
            Assert.That(r.Out, Does.Not.Contain("victim"), "nothing outside the pack is reported");
            Assert.That(r.Out, Does.Not.Contain("passed"), "no run happened");
        });
    }

    private string[] Commands(string candidate) =>
        [$"check --pack {_pack}", $"fixtures check {_pack}", $"verify-impl --pack {_pack} --candidate {candidate}"];

    private void AssertEveryReaderRejects(string offending)
    {
        string candidate = TempPath("candidate");
        Directory.CreateDirectory(candidate);
        foreach (string command in Commands(candidate))
            AssertRejected(Run(command.Split(' ')), offending);
    }

    [TestCase("../victim", "\"../victim\" holds a path separator")]
    [TestCase("..", "\"..\" is a relative path component")]
    [TestCase("", "\"\" is empty")]
    [TestCase("a\\b", "holds a path separator")]
    [TestCase("C:victim", "\"C:victim\" holds ':'")]
    [TestCase("a\u0000b", "\"a\\u0000b\" holds a control character")]
    [TestCase("a\nb", "\"a\\u000ab\" holds a control character")]
    public void AManifestCaseIdThatIsNotAPlainNameIsRejected(string id, string message)
    {
        EditManifest(m => m["cases"]!.AsArray().Add(id));
        AssertEveryReaderRejects(message);
    }

    [Test]
    public void AnAbsoluteCaseIdIsRejected()
    {
        EditManifest(m => m["cases"]!.AsArray().Add(_victim));
        AssertEveryReaderRejects($"\"{_victim}\" holds a path separator");
    }

    [TestCase("../victim/case.json", "\"../victim/case.json\" must be <case-id>/<file> with exactly one '/'")]
    [TestCase("victim/../../x.npy", "exactly one '/'")]
    [TestCase("../case.json", "case id \"..\" is a relative path component")]
    [TestCase("id/..", "file \"..\" is a relative path component")]
    [TestCase("case.json", "exactly one '/'")]
    public void AFilesKeyThatLeavesThePackIsRejected(string key, string message)
    {
        EditManifest(m => m["files"]![key] = Manifest.Sha256(Path.Combine(_victim, "case.json")));
        AssertEveryReaderRejects(message);
    }

    [Test]
    public void ACaseFolderLinkedOutsideIsRejectedEvenWhenItsFilesMatchTheManifest()
    {
        string folder = Path.Combine(_pack, _caseId);
        Directory.Delete(folder, recursive: true);
        // The victim is byte-identical to the case, so sha256 checks alone would let it through.
        Directory.CreateSymbolicLink(folder, _victim);
        AssertEveryReaderRejects($"{folder}: a symbolic link to {_victim}, outside {_pack}");
    }

    [Test]
    public void AFileLinkedOutsideIsRejected()
    {
        string file = Path.Combine(_pack, _caseId, "x.npy");
        File.Delete(file);
        File.CreateSymbolicLink(file, Path.Combine(_victim, "x.npy"));
        AssertEveryReaderRejects($"{file}: a symbolic link to");
    }

    [Test]
    public void AFolderLinkedOutsideIsRejectedInAPackWithoutManifest()
    {
        File.Delete(Path.Combine(_pack, "manifest.json"));
        string link = Path.Combine(_pack, "extra");
        Directory.CreateSymbolicLink(link, _victim);
        AssertRejected(Run("check", "--pack", _pack), $"{link}: a symbolic link to");
    }

    [Test]
    public void ALinkInsideThePackIsAllowed()
    {
        string file = Path.Combine(_pack, _caseId, "y.npy");
        string copy = Path.Combine(_pack, "y-copy.npy");
        File.Move(file, copy);
        File.CreateSymbolicLink(file, Path.Combine("..", "y-copy.npy"));
        var r = Run("check", "--pack", _pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
    }

    [Test]
    public void ACandidateCaseFolderLinkedOutsideIsRejected()
    {
        string candidate = TempPath("candidate");
        Directory.CreateDirectory(candidate);
        string link = Path.Combine(candidate, _caseId);
        Directory.CreateSymbolicLink(link, _victim);
        AssertRejected(Run("verify-impl", "--pack", _pack, "--candidate", candidate), $"{link}: a symbolic link to {_victim}, outside {candidate}");
    }

    [Test]
    public void ACandidateFileLinkedOutsideIsRejected()
    {
        string candidate = TempPath("candidate");
        string file = Path.Combine(candidate, _caseId, "y.npy");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.CreateSymbolicLink(file, Path.Combine(_victim, "y.npy"));
        AssertRejected(Run("verify-impl", "--pack", _pack, "--candidate", candidate), $"{file}: a symbolic link to");
    }

    [Test]
    public void ForceDoesNotReplaceAPackWithALinkOutside()
    {
        string folder = Path.Combine(_pack, _caseId);
        Directory.Delete(folder, recursive: true);
        Directory.CreateSymbolicLink(folder, _victim);
        var r = Run("fixtures", "generate", "--out", _pack, "--force", "--oracle", "exact", "mb1ic1ih4oc1kh3");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain($"{folder}: a symbolic link to {_victim}"));
        Assert.That(File.Exists(Path.Combine(_victim, "x.npy")), "the victim is untouched");
        Assert.That(new FileInfo(folder).LinkTarget, Is.EqualTo(_victim), "the pack is left as it was");
    }

    [Test]
    public void SnapshotsAcceptRefusesAReceivedFileLinkedOutside()
    {
        string dir = TempPath("snapshots");
        Directory.CreateDirectory(dir);
        string secret = TempPath("secret.txt");
        File.WriteAllText(secret, "private\n");
        string received = Path.Combine(dir, "A.B_c.received.txt");
        File.CreateSymbolicLink(received, secret);
        var r = Run("snapshots", "accept", "--dir", dir);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain($"{received}: a symbolic link to {secret}"));
        Assert.That(File.Exists(Path.Combine(dir, "A.B_c.verified.txt")), Is.False, "nothing was copied out of the secret");
    }

    [TestCase("../evil")]
    [TestCase("a/b")]
    [TestCase("..")]
    public void TheWriterRejectsACaseIdThatIsNotAPlainName(string id)
    {
        string dir = TempPath("out");
        var writer = new PackWriter(dir, force: false);
        var c = new ConvCase(ConvVerify.Problems.BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3"), Fill.Integer, 1) with { Id = id };
        var inputs = c.MakeInputs<float>();
        var e = Assert.Throws<FixtureException>(() => writer.Add(c, inputs, new Dictionary<Direction, float[]>()));
        Assert.That(e!.Message, Does.Contain($"case id \"{id}\""));
        Assert.That(Directory.GetFileSystemEntries(Temp), Is.EquivalentTo(new[] { _pack, _victim, dir }), "nothing was written outside the pack");
    }
}
