using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Fixtures;

/// <summary>Refusals of the pack reader and writers that other tests reach only by their type: here with the words a user reads.</summary>
public class FixtureRefusalTests : TempFolderTest
{
    private static readonly ConvProblem Small = BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3");

    [Test]
    public void APackCannotBeWrittenOverAFile()
    {
        string file = Path.Combine(Dir, "pack");
        File.WriteAllText(file, "");
        Assert.That(() => PackWriter.CheckReplaceable(file, force: true),
            Throws.TypeOf<FixtureException>().With.Message.EqualTo($"{file}: is a regular file, not a pack folder"));
    }

    [Test]
    public void ForceReplacesAPackButNeverAFolderHoldingAnythingElse()
    {
        string pack = Path.Combine(Dir, "pack");
        FixtureGenerator.Generate(pack, [ConvCase.Create(Small, Fill.Integer)], new EngineOracle(ConvEngines.Naive), force: false);
        Assert.That(PackWriter.CheckReplaceable(pack, force: true), Is.True);
        File.WriteAllText(Path.Combine(pack, "notes.txt"), "mine");
        Directory.CreateDirectory(Path.Combine(pack, "photos"));
        Assert.That(() => PackWriter.CheckReplaceable(pack, force: true), Throws.TypeOf<FixtureException>().With.Message.StartsWith(
            $"{pack}: not a fixture pack (2 entries are neither case folders nor manifest.json, e.g. ").And.Message.EndsWith(
            "); refusing to delete it even with --force"));
        Assert.That(File.Exists(Path.Combine(pack, "notes.txt")), Is.True);
    }

    [Test]
    public void CasesWhoseIdsDifferOnlyInLetterCaseWouldShareAFolder()
    {
        // Generated ids carry a hash of any name with capitals, so only ids given by hand (a pack read back, edited) can clash.
        var lower = ConvCase.Create(Small, Fill.Integer) with { Id = "case-a" };
        var upper = ConvCase.Create(Small, Fill.Normal) with { Id = "Case-A" };
        string pack = Path.Combine(Dir, "pack");
        Assert.That(() => FixtureGenerator.Generate(pack, [lower, upper], new EngineOracle(ConvEngines.Naive), force: false),
            Throws.TypeOf<FixtureException>().With.Message.EqualTo($"{pack}: ids equal up to letter case would share a folder where names ignore case: case-a and Case-A"));
        var b = lower with { Id = "case-b" };
        Assert.That(() => FixtureGenerator.Generate(pack, [lower, b, upper, b with { Id = "CASE-B" }], new EngineOracle(ConvEngines.Naive), force: false),
            Throws.TypeOf<FixtureException>().With.Message.EqualTo($"{pack}: ids equal up to letter case would share a folder where names ignore case: case-a and Case-A, case-b and CASE-B"));
        Assert.That(Directory.Exists(pack), Is.False, "nothing written");
    }

    [Test]
    public void ACaseGivenTwiceIsSaidAsIdenticalIdsNotAsLetterCase()
    {
        // A catalog line repeated was "cases would share a folder (ids equal up to letter case)" of two identical ids.
        var a = ConvCase.Create(Small, Fill.Integer);
        var other = ConvCase.Create(Small, Fill.Normal);
        string pack = Path.Combine(Dir, "pack");
        Assert.That(() => FixtureGenerator.Generate(pack, [a, other, a], new EngineOracle(ConvEngines.Naive), force: false),
            Throws.TypeOf<FixtureException>().With.Message.EqualTo($"{pack}: 1 case is given twice (identical ids): {a.Id}"));
        var upper = other with { Id = other.Id.ToUpperInvariant() };
        Assert.That(() => FixtureGenerator.CheckIds(pack, [a, a, other, upper]), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{pack}: 1 case is given twice (identical ids): {a.Id}; ids equal up to letter case would share a folder where names ignore case: {other.Id} and {upper.Id}"));
        Assert.That(Directory.Exists(pack), Is.False, "nothing written");
    }

    [Test]
    public void AShapeFileListingAProblemTwiceIsRefusedNamingBothLines()
    {
        // pytorch.txt with its last line repeated: cases --set and check dropped the repeat in silence, regenerate wrote two
        // sets and then stopped at it.
        string text = "# one\nmb1ic1ih4oc1oh2kh3n\"a\"\nmb1ic1ih5oc1oh3kh3n\"b\"\n\nmb1ic1ih4oc1oh2kh3n\"a\"\n";
        Assert.That(() => ConvVerify.Catalog.CaseSets.Parse(text, "pytorch"), Throws.TypeOf<DescriptorException>().With.Message.EqualTo(
            "set 'pytorch':5: the same case as line 2 (mb1ic1ih4oc1oh2kh3ph0n\"a\": identical ids); a set lists each problem once: remove one of the lines "
            + "(src/ConvVerify/Catalog/Sets/pytorch.txt)"));
        // The same descriptor under another name is another case.
        Assert.That(ConvVerify.Catalog.CaseSets.Parse("mb1ic1ih4oc1oh2kh3n\"a\"\nmb1ic1ih4oc1oh2kh3n\"c\"\n", "pytorch"), Has.Count.EqualTo(2));
    }

    [Test]
    public void AFolderWithNeitherManifestNorCasesIsNotAPack()
    {
        Directory.CreateDirectory(Path.Combine(Dir, "just-a-folder"));
        Assert.That(() => FixturePack.Open(Dir), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{Dir}: neither a manifest.json nor any <case>/case.json: not a fixture pack"));
    }

    [Test]
    public void ALoopOfLinksIsRefusedNotFollowedForever()
    {
        string a = Path.Combine(Dir, "a"), b = Path.Combine(Dir, "b");
        Directory.CreateSymbolicLink(a, b);
        Directory.CreateSymbolicLink(b, a);
        string path = Path.Combine(a, "case.json");
        Assert.That(() => PackPaths.RealPath(path), Throws.TypeOf<FixtureException>().With.Message.EqualTo($"{path}: too many symbolic links (a loop?)"));
    }

    [Test]
    public void AnUnknownFillIsAnErrorUnlessTheReaderCollectsWarnings()
    {
        var file = CaseFile.From(ConvCase.Create(Small, Fill.Integer)) with { Fill = "uniform" };
        Assert.That(() => file.ToCase("c/case.json", null),
            Throws.TypeOf<FixtureException>().With.Message.EqualTo("c/case.json: fill must be \"integer\" or \"normal\", got \"uniform\""));
        var warnings = new List<string>();
        Assert.That(file.ToCase("c/case.json", warnings).Fill, Is.EqualTo(Fill.Normal));
        Assert.That(file.ToCase("c/case.json", new List<string>()).ForeignInputs, Is.True, "a fill of another's making is judged by the sound bound");
        Assert.That(CaseFile.From(ConvCase.Create(Small, Fill.Normal)).ToCase("c/case.json", new List<string>()).ForeignInputs, Is.False);
        Assert.That(warnings, Is.EqualTo(new[] { "c/case.json: unknown fill \"uniform\", compared within the sound bound (not exactly, nor by the probabilistic tier, which models ConvVerify's normal fill)" }));
    }

    [Test]
    public void ADTypeOrFillHoldingControlCharactersIsQuotedWithThemWrittenOut()
    {
        // Compared by character: Is.EqualTo and Does.Contain on strings ignore control characters.
        static void Said(string actual, string expected) => Assert.That(actual.ToCharArray(), Is.EqualTo(expected.ToCharArray()), actual);
        var file = CaseFile.From(ConvCase.Create(Small, Fill.Integer));
        Said(Assert.Throws<FixtureException>(() => (file with { DType = "float32\u001b[2J\n" }).ToCase("c/case.json"))!.Message,
            "c/case.json: dtype must be \"float32\", \"float64\", \"bfloat16\" or \"float16\", got \"float32\\u001b[2J\\u000a\"");
        var odd = file with { Fill = "normal\u001b[2J\n" };
        Said(Assert.Throws<FixtureException>(() => odd.ToCase("c/case.json"))!.Message,
            "c/case.json: fill must be \"integer\" or \"normal\", got \"normal\\u001b[2J\\u000a\"");
        var warnings = new List<string>();
        odd.ToCase("c/case.json", warnings);
        Said(warnings.Single(), "c/case.json: unknown fill \"normal\\u001b[2J\\u000a\", compared within the sound bound (not exactly, nor by the probabilistic tier, which models ConvVerify's normal fill)");
    }

    [Test]
    public void CaseAndManifestFilesThatAreNotJsonNameTheFileAndWhy()
    {
        string json = Path.Combine(Dir, "case.json");
        File.WriteAllText(json, "{ \"rank\": ");
        Assert.That(() => CaseFile.Read(json), Throws.TypeOf<FixtureException>().With.Message.StartsWith($"{json}: not a valid case.json (").And.InnerException.TypeOf<System.Text.Json.JsonException>());
        string manifest = Path.Combine(Dir, "manifest.json");
        File.WriteAllText(manifest, "[1, 2]");
        Assert.That(() => Manifest.Read(manifest), Throws.TypeOf<FixtureException>().With.Message.StartsWith($"{manifest}: not a valid manifest.json ("));
    }

    [TestCase("versions")]
    [TestCase("cases")]
    [TestCase("files")]
    public void AManifestWithoutItsListsIsNamed(string list)
    {
        // A whole manifest of a generated pack with one of its lists null.
        string pack = Path.Combine(Dir, "pack");
        FixtureGenerator.Generate(pack, [ConvCase.Create(Small, Fill.Integer)], new EngineOracle(ConvEngines.Naive), force: false);
        string manifest = Path.Combine(pack, "manifest.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!;
        json[list] = null;
        File.WriteAllText(manifest, json.ToJsonString());
        Assert.That(() => Manifest.Read(manifest), Throws.TypeOf<FixtureException>().With.Message.EqualTo($"{manifest}: \"versions\", \"cases\" and \"files\" must be present and not null"));
    }

    // What a manifest says is printed (the oracle and its versions in every summary line); '^' stands for ESC, as test names
    // holding it are not run. Compared by character: Is.EqualTo and Does.Contain on strings ignore control characters.
    [TestCase("oracle", "\"x^[2J\\nFAKE\"", "\"oracle\" holds a control character: \"x\\u001b[2J\\u000aFAKE\"")]
    [TestCase("versions", "{\"torch\": \"2^[2J\"}", "\"versions\" holds a control character: \"2\\u001b[2J\"")]
    [TestCase("versions", "{\"torch^[2J\": \"2\"}", "\"versions\" holds a control character: \"torch\\u001b[2J\"")]
    [TestCase("format", "\"convverify-fixtures/2^[2J\"", "\"format\" holds a control character: \"convverify-fixtures/2\\u001b[2J\"")]
    [TestCase("generator", "\"g\\r\"", "\"generator\" holds a control character: \"g\\u000d\"")]
    [TestCase("created", "\"\\u0007\"", "\"created\" holds a control character: \"\\u0007\"")]
    public void ManifestTextHoldingAControlCharacterIsRefusedWithItWrittenOut(string field, string value, string reason)
    {
        string pack = Path.Combine(Dir, "pack");
        FixtureGenerator.Generate(pack, [ConvCase.Create(Small, Fill.Integer)], new EngineOracle(ConvEngines.Naive), force: false);
        string manifest = Path.Combine(pack, "manifest.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!;
        json[field] = System.Text.Json.Nodes.JsonNode.Parse(value.Replace("^", "\\u001b", StringComparison.Ordinal));
        File.WriteAllText(manifest, json.ToJsonString());
        string said = Assert.Throws<FixtureException>(() => Manifest.Read(manifest))!.Message;
        Assert.That(said.ToCharArray(), Is.EqualTo($"{manifest}: {reason}".ToCharArray()), said);
    }

    // The maps' own messages quote a key; '^' stands for ESC, as test names holding it are not run.
    [TestCase("{\"files\": {\"a/x^\": \"1\", \"a/x^\": \"2\"}}", "Duplicate property 'a/x\\u001b' encountered during deserialization.")]
    [TestCase("{\"versions\": {\"torch\\n\": 2}}", "the value of 'torch\\u000a' is Number, not a string")]
    public void AMapKeyQuotedInAJsonErrorHasItsControlCharactersWrittenOut(string text, string reason)
    {
        string manifest = Path.Combine(Dir, "manifest.json");
        File.WriteAllText(manifest, text.Replace("^", "\\u001b", StringComparison.Ordinal));
        string said = Assert.Throws<FixtureException>(() => Manifest.Read(manifest))!.Message;
        Assert.That(said.Where(char.IsControl), Is.Empty, said);
        Assert.That(said, Does.StartWith($"{manifest}: not a valid manifest.json ({reason}"));
    }

    // JSON may escape half of a UTF-16 surrogate pair alone; no character is that. In a map's key or value it was refused in
    // .NET's words ("could not be converted to System.Collections.Generic.SortedDictionary`2[…]"), naming neither.
    [TestCase("{\"versions\": {\"torch\\ud800\": \"2\"}}", "the key 'torch\\ud800' escapes half of a UTF-16 surrogate pair alone: no character, so no text Path: $.versions")]
    [TestCase("{\"files\": {\"a/y.npy\": \"\\udc00\"}}", "the value of 'a/y.npy' ('\\udc00') escapes half of a UTF-16 surrogate pair alone: no character, so no text Path: $.files")]
    public void AMapKeyOrValueEscapingALoneSurrogateIsNamed(string text, string reason)
    {
        string manifest = Path.Combine(Dir, "manifest.json");
        File.WriteAllText(manifest, text);
        string said = Assert.Throws<FixtureException>(() => Manifest.Read(manifest))!.Message;
        Assert.That(said, Does.StartWith($"{manifest}: not a valid manifest.json ({reason} | LineNumber: 0 | BytePositionInLine: "));
    }

    [TestCase("files", "[\"x\"]", "expected an object of strings, got StartArray")]
    [TestCase("versions", "{\"torch\": 2}", "the value of 'torch' is Number, not a string")]
    [TestCase("files", "{\"a/case.json\": {}}", "the value of 'a/case.json' is StartObject, not a string")]
    public void AManifestMapThatIsNotAMapOfStringsIsNamed(string map, string value, string reason)
    {
        string pack = Path.Combine(Dir, "pack");
        FixtureGenerator.Generate(pack, [ConvCase.Create(Small, Fill.Integer)], new EngineOracle(ConvEngines.Naive), force: false);
        string manifest = Path.Combine(pack, "manifest.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!;
        json[map] = System.Text.Json.Nodes.JsonNode.Parse(value);
        File.WriteAllText(manifest, json.ToJsonString());
        Assert.That(() => Manifest.Read(manifest), Throws.TypeOf<FixtureException>().With.Message.StartsWith(
            $"{manifest}: not a valid manifest.json ({reason} Path: $.{map} | LineNumber: 0 | BytePositionInLine: "));
    }

    // A value that is no sha256 matches no file's hash: read as one, it blamed the file ("sha256 differs … corrupt or changed",
    // exit 1) for the manifest's fault, even a file whose right hash was only written in capitals (as PowerShell's Get-FileHash does).
    [TestCase("ZZ", "\"ZZ\"")]
    [TestCase("", "\"\"")]
    [TestCase("upper", null)]
    [TestCase("^[2J", "\"\\u001b[2J\"")]
    [TestCase("long", null)]
    public void AFilesValueThatIsNoSha256IsTheManifestsFaultNamingTheKeyAndTheValue(string value, string? said)
    {
        string pack = Path.Combine(Dir, "pack");
        var c = ConvCase.Create(Small, Fill.Integer);
        FixtureGenerator.Generate(pack, [c], new EngineOracle(ConvEngines.Naive), force: false);
        string manifest = Path.Combine(pack, "manifest.json"), key = $"{c.Id}/y.npy";
        var m = Manifest.Read(manifest);
        string hash = Manifest.Sha256(Path.Combine(pack, c.Id, "y.npy"));
        m.Files[key] = value switch
        {
            "upper" => hash.ToUpperInvariant(),
            // Not zeros: the writer puts the self-hash in place of 64 zeros wherever they stand.
            "long" => hash + new string('f', 100),
            _ => value.Replace("^", "\u001b", StringComparison.Ordinal),
        };
        // Written with its self-hash right, so the value is all that is wrong with it.
        m.Write(manifest);
        // A long value is quoted to its first 80 characters.
        said ??= value == "upper" ? $"\"{hash.ToUpperInvariant()}\"" : $"\"{(hash + new string('f', 100))[..80]}…\"";
        string message = Assert.Throws<FixtureException>(() => Manifest.Read(manifest))!.Message;
        Assert.That(message.ToCharArray(), Is.EqualTo(
            $"{manifest}: \"files\" gives \"{key}\" {said}, not a sha256 (64 lower-case hex digits)".ToCharArray()), message);
    }

    [Test]
    public void ACaseAddedTwiceToOnePackIsAProgrammingError()
    {
        var writer = new PackWriter(Path.Combine(Dir, "pack"), force: false);
        var c = ConvCase.Create(Small, Fill.Integer);
        var inputs = c.MakeInputs<float>();
        var results = Directions.ComputeAll(ConvEngines.Naive, Small, inputs).ToDictionary(Small);
        writer.Add(c, inputs, results);
        Assert.That(() => writer.Add(c, inputs, results), Throws.ArgumentException.With.Message.StartsWith($"case {c.Id} added twice").And.Property("ParamName").EqualTo("c"));
    }
    [Test]
    public void AWriteThatFailsInTheStagingFolderIsSaidOfTheFolderItWasToReplace()
    {
        // A full disk was "No space left on device : '.../.pack.tmp-…/case/case.json'", of a folder the user never made
        // and that was gone after the run. Here the case folder's name is taken by a file, which fails its creation alike.
        string staging = Path.Combine(Dir, ".pack.tmp-1"), target = Path.Combine(Dir, "pack");
        var c = ConvCase.Create(Small, Fill.Integer);
        var writer = new PackWriter(staging, force: false, swappedInAs: target);
        File.WriteAllText(Path.Combine(staging, c.Id), "");
        var oracle = new EngineOracle(ConvEngines.Naive);
        var inputs = c.MakeInputs<float>();
        Assert.That(() => writer.Add(c, inputs, oracle.Compute(c.Problem, inputs, [Direction.Forward])), Throws.TypeOf<FixtureException>().With.Message.StartsWith(
            $"{target}: its new pack, written in {staging} to be swapped in when complete, could not be written (the folder is left as it was): "));
    }

    private static IReadOnlyDictionary<Direction, float[]> NaiveResults(ConvCase c, ConvInputs<float> inputs) =>
        Directions.ComputeAll(ConvEngines.Naive, c.Problem, inputs).ToDictionary(c.Problem);

    // A failed Add registered the hashes of the files it had written: the pack completed, with "bad/..." keys of a case
    // not in "cases", and FixturePack.Open refused it. Refused before any write (a dy that does not fill its shape) or
    // failing part way (a dy value bfloat16 cannot hold, after x, w and b were written), the case leaves no trace.
    [TestCase(DType.Float32)]
    [TestCase(DType.BFloat16)]
    public void AnAddThatFailsLeavesThePackAsItWas(DType dtype)
    {
        string dir = Path.Combine(Dir, "pack");
        var writer = new PackWriter(dir, force: false);
        var good = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3", dtype), Fill.Integer) with { Id = "good" };
        var bad = good with { Id = "bad" };
        var inputs = good.MakeInputs<float>();
        var results = NaiveResults(good, inputs);
        var badInputs = dtype == DType.Float32 ? inputs with { Dy = inputs.Dy[1..] } : inputs with { Dy = [1.0000001f, .. inputs.Dy[1..]] };
        Assert.That(() => writer.Add(bad, badInputs, results), Throws.ArgumentException.With.Message.StartsWith(Path.Combine(dir, "bad", "dy.npy") + ": "));
        writer.Add(good, inputs, results);
        var manifest = writer.Complete("test", "naive", new Dictionary<string, string>());
        Assert.That(manifest.Files.Keys.Where(k => !k.StartsWith("good/", StringComparison.Ordinal)), Is.Empty);
        Assert.That(Directory.Exists(Path.Combine(dir, "bad")), Is.False, "the failed case's folder is removed");
        var pack = FixturePack.Open(dir);
        Assert.That((pack.CaseIds, pack.Warnings, pack.CheckIntegrity()), Is.EqualTo((new[] { "good" }, Array.Empty<string>(), Array.Empty<string>())));
    }

    [Test]
    public void TheWriterRefusesCaseIdsThatDifferOnlyInLetterCase()
    {
        string dir = Path.Combine(Dir, "pack");
        var writer = new PackWriter(dir, force: false);
        var c = ConvCase.Create(Small, Fill.Integer) with { Id = "Case" };
        var inputs = c.MakeInputs<float>();
        writer.Add(c, inputs, NaiveResults(c, inputs));
        Assert.That(() => writer.Add(c with { Id = "case" }, inputs, NaiveResults(c, inputs)), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{dir}: case ids \"Case\" and \"case\" differ only in letter case (one folder where names ignore case)"));
        writer.Complete("test", "naive", new Dictionary<string, string>());
        Assert.That(FixturePack.Open(dir).CaseIds, Is.EqualTo(new[] { "Case" }));
    }

    // A case folder named manifest.json took the manifest's place: Complete failed with an UnauthorizedAccessException.
    [TestCase("manifest.json")]
    [TestCase("Manifest.JSON")]
    public void TheWriterRefusesTheManifestsNameForACaseId(string id)
    {
        string dir = Path.Combine(Dir, "pack");
        var writer = new PackWriter(dir, force: false);
        var c = ConvCase.Create(Small, Fill.Integer) with { Id = id };
        var inputs = c.MakeInputs<float>();
        Assert.That(() => writer.Add(c, inputs, NaiveResults(c, inputs)), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{dir}: case id \"{id}\" is the name of the pack's manifest: a case folder cannot take its place"));
        Assert.That(Directory.EnumerateFileSystemEntries(dir), Is.Empty, "nothing written");
    }

    // Written without a word, then refused by every reader of the pack.
    [TestCase("x", float.NaN)]
    [TestCase("dw", float.PositiveInfinity)]
    public void TheWriterRefusesANonFiniteValueNamingTheTensorAndTheElement(string tensor, float value)
    {
        string dir = Path.Combine(Dir, "pack");
        var writer = new PackWriter(dir, force: false);
        var c = ConvCase.Create(Small, Fill.Integer);
        var inputs = c.MakeInputs<float>();
        var results = NaiveResults(c, inputs).ToDictionary();
        // x is (1, 1, 4, 4) and dw (1, 1, 3, 3): flat index 5 is [0, 0, 1, 1] in x and [0, 0, 1, 2] in dw.
        Assert.That((Small.XShape, Small.WShape), Is.EqualTo((new[] { 1, 1, 4, 4 }, new[] { 1, 1, 3, 3 })));
        (tensor == "x" ? inputs.X : results[Direction.BackwardWeights])[5] = value;
        string at = tensor == "x" ? "[0, 0, 1, 1]" : "[0, 0, 1, 2]";
        string said = float.IsNaN(value) ? "NaN" : "Infinity";
        Assert.That(() => writer.Add(c, inputs, results), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{Path.Combine(dir, c.Id, tensor + ".npy")}: element 5 {at} is {said}: a pack holds finite values only (a non-finite input or result makes its comparison bounds meaningless)"));
        Assert.That(Directory.EnumerateFileSystemEntries(dir), Is.Empty, "nothing written");
    }

    // A b or db given for a problem without bias was dropped in silence.
    [Test]
    public void TheWriterRefusesABiasOrItsGradientForAProblemWithoutBias()
    {
        string dir = Path.Combine(Dir, "pack");
        var writer = new PackWriter(dir, force: false);
        var p = BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3", hasBias: false);
        var c = ConvCase.Create(p, Fill.Integer);
        var inputs = c.MakeInputs<float>();
        var results = NaiveResults(c, inputs).ToDictionary();
        Assert.That(() => writer.Add(c, inputs with { B = [1f] }, results), Throws.ArgumentException.With.Message.EqualTo(
            $"case {c.Id}: b holds 1 value, but the problem {p} has no bias: a case without bias has no b (Parameter 'inputs')"));
        results[Direction.BackwardBias] = [1f];
        Assert.That(() => writer.Add(c, inputs, results), Throws.ArgumentException.With.Message.EqualTo(
            $"case {c.Id}: a db result is given, but the problem {p} has no bias: a case without bias has no db (Parameter 'results')"));
        Assert.That(Directory.EnumerateFileSystemEntries(dir), Is.Empty, "nothing written");
    }
}
