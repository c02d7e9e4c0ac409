using System.Text.Json.Nodes;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// The pack's two kinds of JSON file in detail: each extent field of case.json named when it is missing or of the wrong
/// rank, and the manifest's layout (ordinal order, trailing newline, creation time, a self-hash too short to be one).
/// </summary>
public class PackFileTests : TempFolderTest
{
    private static readonly ConvCase Case2D = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3"), Fill.Integer, 1) with { Id = "c" };

    private string CaseJson(Action<JsonObject> change)
    {
        string path = Path.Combine(Dir, "case.json");
        CaseFile.From(Case2D).Write(path);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        change(json);
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private static string Refusal(string path) =>
        Assert.Throws<FixtureException>(() => CaseFile.Read(path).ToCase(path, null))!.Message;

    // stride: PackTests.NullOrShortArraysInCaseJsonAreNamed
    [TestCase("input")]
    [TestCase("kernel")]
    [TestCase("pad_begin")]
    [TestCase("pad_end")]
    [TestCase("dilation")]
    public void EachExtentFieldIsNamedWhenMissingOrOfAnotherRank(string field)
    {
        string missing = CaseJson(j => j[field] = null);
        Assert.That(Refusal(missing), Is.EqualTo($"{missing}: {field} is missing or null"));
        string shorter = CaseJson(j => j[field] = new JsonArray(1));
        Assert.That(Refusal(shorter), Is.EqualTo($"{shorter}: rank is 2 but {field} has 1 extents"));
    }

    [Test]
    public void TheOutputMayBeLeftOutButNotGivenAtAnotherRank()
    {
        string omitted = CaseJson(j => j.Remove("output"));
        Assert.That(CaseFile.Read(omitted).ToCase(omitted, null).Problem.Output, Is.EqualTo(new[] { 2, 2 }));
        string shorter = CaseJson(j => j["output"] = new JsonArray(2));
        Assert.That(Refusal(shorter), Is.EqualTo($"{shorter}: rank is 2 but output has 1 extents"));
    }

    [Test]
    public void AManifestIsWrittenInOrdinalOrderEndingInANewline()
    {
        string path = Path.Combine(Dir, "manifest.json");
        // The values are sha256s, as a manifest read back must hold; only the keys' order is looked at.
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["c/b.npy"] = new('1', 64), ["c/B.npy"] = new('2', 64), ["c/a.npy"] = new('3', 64) };
        new Manifest { Format = Manifest.CurrentFormat, Generator = "test", Versions = new(), Created = "now", Cases = ["c"], Files = files }.Write(path);
        string text = File.ReadAllText(path);
        Assert.That(text, Does.EndWith("}\n"));
        Assert.That(Manifest.Read(path).Files.Keys, Is.EqualTo(new[] { "c/B.npy", "c/a.npy", "c/b.npy" }));
        Assert.That(text.IndexOf("c/B.npy", StringComparison.Ordinal), Is.LessThan(text.IndexOf("c/a.npy", StringComparison.Ordinal)));
        // A map built with a case-blind comparer (which puts a before B) is still written in ordinal order (B before a).
        new Manifest { Format = Manifest.CurrentFormat, Generator = "test", Versions = new(), Created = "now", Cases = ["c"], Files = new(StringComparer.OrdinalIgnoreCase) { ["c/a.npy"] = "1", ["c/B.npy"] = "3" } }.Write(path);
        text = File.ReadAllText(path);
        Assert.That(text.IndexOf("c/B.npy", StringComparison.Ordinal), Is.LessThan(text.IndexOf("c/a.npy", StringComparison.Ordinal)));
    }

    [Test]
    public void AnEngineResultSetIsWrittenAsItsDirectionsFilesAndCaseJsonEndsInANewline()
    {
        string dir = Path.Combine(Dir, "pack");
        var writer = new PackWriter(dir, force: false);
        var inputs = Case2D.MakeInputs<float>();
        writer.Add(Case2D, inputs, Directions.ComputeAll(ConvEngines.Naive, Case2D.Problem, inputs));
        Assert.That(Directory.GetFiles(Path.Combine(dir, "c")).Select(Path.GetFileName), Is.SupersetOf(new[] { "case.json", "x.npy", "w.npy", "dy.npy", "y.npy", "dx.npy", "dw.npy" }));
        Assert.That(File.ReadAllText(Path.Combine(dir, "c", "case.json")), Does.StartWith("{").And.EndWith("}\n"));
    }

    [Test]
    public void ASelfHashTooShortToBeOneIsAMismatchNotACrash()
    {
        string path = Path.Combine(Dir, "manifest.json");
        new Manifest { Format = Manifest.CurrentFormat, Generator = "test", Versions = new(), Created = "now", Cases = ["c"], Files = new(StringComparer.Ordinal) }.Write(path);
        string text = File.ReadAllText(path);
        int at = text.IndexOf("\"manifest-sha256\": \"", StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThan(0));
        File.WriteAllText(path, text[..at] + "\"manifest-sha256\": \"ab\"\n}\n");
        Assert.That(Manifest.Read(path).SelfHashMatches, Is.False);
        // 54 bytes from the key to the end: more than 64 minus the key's 20, fewer than the key and 64.
        File.WriteAllText(path, text[..at] + "\"manifest-sha256\": \"" + new string('a', 30) + "\"\n}\n");
        Assert.That(Manifest.Read(path).SelfHashMatches, Is.False);
    }

    [Test]
    public void AGeneratedPackRecordsWhenItWasMadeAndNamesItsNarrowFilesAsNpy()
    {
        var bf16 = ConvCase.Create(Case2D.Problem.WithDType(DType.BFloat16), Fill.Integer, 1) with { Id = "n" };
        string dir = Path.Combine(Dir, "pack");
        var manifest = FixtureGenerator.Generate(dir, [bf16], new EngineOracle(ConvEngines.Naive), force: false);
        Assert.That(manifest.Created, Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"));
        Assert.That(Directory.GetFiles(Path.Combine(dir, "n")).Select(Path.GetFileName).Order(StringComparer.Ordinal),
            Is.EqualTo(new[] { "b.npy", "case.json", "db.npy", "dw.npy", "dx.npy", "dy.npy", "w.npy", "x.npy", "y.npy" }));
        Assert.That(FixturePack.Open(dir).CheckIntegrity(), Is.Empty);
    }

    [Test]
    public void AJsonNullOrNoFileIsSaidAsSuch()
    {
        string caseJson = Path.Combine(Dir, "case.json"), manifest = Path.Combine(Dir, "manifest.json");
        Assert.That(() => CaseFile.Read(caseJson), Throws.TypeOf<FixtureException>().With.Message.EqualTo($"{caseJson}: file not found"));
        File.WriteAllText(caseJson, "null");
        File.WriteAllText(manifest, "null");
        // Said as the file holds it, as any other value that is no object is ("got [1, 2]"): it was "empty", which it is not.
        Assert.That(() => CaseFile.Read(caseJson), Throws.TypeOf<FixtureException>().With.Message.EqualTo($"{caseJson}: not a valid case.json (the file must hold one JSON object, got null)"));
        Assert.That(() => Manifest.Read(manifest), Throws.TypeOf<FixtureException>().With.Message.EqualTo($"{manifest}: not a valid manifest.json (the file must hold one JSON object, got null)"));
    }

    // A file of no JSON value was refused in .NET's words ("The input does not contain any JSON tokens. Expected the input to
    // start with a valid JSON token, when isFinalBlock is true."). A byte-order mark alone is skipped as at the start of any file.
    [TestCase("")]
    [TestCase(" \n\t\r\n")]
    [TestCase("\uFEFF")]
    public void AFileOfNoJsonValueIsSaidToHoldNothing(string text)
    {
        string caseJson = Path.Combine(Dir, "case.json"), manifest = Path.Combine(Dir, "manifest.json");
        File.WriteAllText(caseJson, text, new System.Text.UTF8Encoding(false));
        File.WriteAllText(manifest, text, new System.Text.UTF8Encoding(false));
        Assert.That(() => CaseFile.Read(caseJson), Throws.TypeOf<FixtureException>().With.Message.EqualTo($"{caseJson}: not a valid case.json (the file must hold one JSON object, got nothing)"));
        Assert.That(() => Manifest.Read(manifest), Throws.TypeOf<FixtureException>().With.Message.EqualTo($"{manifest}: not a valid manifest.json (the file must hold one JSON object, got nothing)"));
    }
}
