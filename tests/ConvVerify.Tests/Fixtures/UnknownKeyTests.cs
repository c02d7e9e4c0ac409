using System.Text.Json;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// What a case.json or manifest.json reader must not read past, each refused naming the file and the key: a key it does
/// not know (read past, "layout" or "padding_mode" would have the data checked as another problem than its maker's), a
/// null among the manifest's versions or hashes, a seed other languages' readers would round.
/// </summary>
public class UnknownKeyTests : OneCasePackTest
{
    // The file with `"key": value,` on a line of its own after the opening brace; the line it is on, counted from 1.
    private static int Insert(string path, string key, string value)
    {
        var lines = File.ReadAllLines(path).ToList();
        Assert.That(lines[0], Is.EqualTo("{"), $"the writer's layout changed: {path}");
        lines.Insert(1, $"  {JsonSerializer.Serialize(key)}: {value},");
        File.WriteAllLines(path, lines);
        return 2;
    }

    [TestCase("layout", "\"nhwc\"")]
    [TestCase("padding_mode", "\"reflect\"")]
    [TestCase("strides", "[2]")]
    public void ACaseFileWithAKeyItDoesNotKnowIsRefused(string key, string value)
    {
        int line = Insert(CaseJson, key, value);
        var e = Assert.Throws<FixtureException>(() => CaseFile.Read(CaseJson))!;
        Assert.That(e.Message, Is.EqualTo($"{CaseJson}: not a valid case.json (unknown key \"{key}\" on line {line}; its keys are id, descriptor, name, rank, "
            + "mb, groups, ic, oc, input, kernel, stride, pad_begin, pad_end, dilation, output, bias, dtype, fill, seed, and one this reader does not know might change what the file means)"));
        Assert.That(e.InnerException, Is.InstanceOf<JsonException>());
        Assert.That(() => FixturePack.Open(PackDir).ReadCase(Case.Id),
            Throws.TypeOf<FixtureException>().With.Message.Contain($"unknown key \"{key}\""));
    }

    [Test]
    public void AManifestWithAKeyItDoesNotKnowIsRefused()
    {
        int line = Insert(ManifestJson, "comment", "\"made by hand\"");
        var e = Assert.Throws<FixtureException>(() => Manifest.Read(ManifestJson))!;
        Assert.That(e.Message, Is.EqualTo($"{ManifestJson}: not a valid manifest.json (unknown key \"comment\" on line {line}; its keys are format, generator, "
            + "oracle, versions, created, cases, files, manifest-sha256, and one this reader does not know might change what the file means)"));
        Assert.That(() => FixturePack.Open(PackDir), Throws.TypeOf<FixtureException>().With.Message.Contain("unknown key \"comment\""));
    }

    [Test]
    public void AnUnknownKeysControlCharactersAreWrittenOut()
    {
        Insert(CaseJson, "x\u001b[2Jy\nz", "1");
        string message = Assert.Throws<FixtureException>(() => CaseFile.Read(CaseJson))!.Message;
        // By character: NUnit's culture-aware string constraints skip control characters.
        Assert.That(message.Any(char.IsControl), Is.False, message);
        Assert.That(message, Does.Contain("unknown key \"x\\u001b[2Jy\\u000az\""));
    }

    [Test]
    public void KeysInsideTheManifestsMapsAreTheirsToChoose()
    {
        // versions and files are maps, not fields: a version nobody reads is read, and a file key is checked as a file.
        string text = File.ReadAllText(ManifestJson);
        File.WriteAllText(ManifestJson, text.Replace("\"versions\": {", "\"versions\": {\n    \"someone-else\": \"1.0\",", StringComparison.Ordinal));
        var m = Manifest.Read(ManifestJson);
        Assert.That(m.Versions["someone-else"], Is.EqualTo("1.0"));
        Assert.That(m.SelfHashMatches, Is.False, "the edit is seen by the manifest's own hash");
    }

    [TestCase("\"versions\": {", "versions", "someone-else")]
    [TestCase("\"files\": {", "files", "some/case.json")]
    public void ANullInTheManifestsMapsIsRefusedNamingItsKey(string opening, string map, string key)
    {
        string text = File.ReadAllText(ManifestJson);
        Assert.That(text, Does.Contain(opening));
        File.WriteAllText(ManifestJson, text.Replace(opening, $"{opening}\n    \"{key}\": null,", StringComparison.Ordinal));
        Assert.That(() => Manifest.Read(ManifestJson), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{ManifestJson}: \"{map}\" gives \"{key}\" null; its values are strings"));
    }

    [TestCase(9007199254740991UL, true)]
    [TestCase(9007199254740992UL, false)]
    [TestCase(ulong.MaxValue, false)]
    public void ASeedIsReadOnlyBelowTwoToThe53(ulong seed, bool read)
    {
        string text = File.ReadAllText(CaseJson);
        string written = $"\"seed\": {Case.Seed}";
        Assert.That(text, Does.Contain(written));
        File.WriteAllText(CaseJson, text.Replace(written, $"\"seed\": {seed}", StringComparison.Ordinal));
        if (read)
        {
            Assert.That(CaseFile.Read(CaseJson).ToCase(CaseJson).Seed, Is.EqualTo(seed));
            return;
        }
        Assert.That(() => CaseFile.Read(CaseJson).ToCase(CaseJson), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{CaseJson}: seed must be below 2^53 (other languages' JSON readers round larger integers, and would make other inputs), got {seed}"));
    }

    [Test]
    public void ACaseWhoseSeedAPackCannotRecordIsNotWritten()
    {
        var c = Case with { Seed = 1UL << 53 };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CaseFile.From(c))!;
        Assert.That(e.Message, Does.StartWith($"case {c.Id}: a pack records seeds below 2^53 (other languages' JSON readers round larger integers), got 9007199254740992"));
        Assert.That(() => FixtureGenerator.Generate(Path.Combine(Dir, "other"), [c], new EngineOracle(ConvEngines.Naive), force: false), Throws.Exception);
        Assert.That(Directory.GetFileSystemEntries(Dir).Select(Path.GetFileName), Is.EqualTo(new[] { "pack" }), "nothing is left of a pack that could not be written");
    }
}
