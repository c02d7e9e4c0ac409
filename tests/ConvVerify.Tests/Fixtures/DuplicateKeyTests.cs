using System.Text.Json;
using ConvVerify.Fixtures;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// A key given twice in a case.json or a manifest.json is refused, naming the file and the key: JSON readers disagree
/// on which one counts, so a hand-edited file could show one value and be checked with the other.
/// </summary>
public class DuplicateKeyTests : OneCasePackTest
{
    // The file with the first `"key": value` written a second time, before it and with another value: the value is kept
    // as written up to the end of its line, so a number, a string or true stays what it is.
    private static void Repeat(string path, string key, string otherValue)
    {
        string text = File.ReadAllText(path);
        int at = text.IndexOf($"\"{key}\": ", StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThan(0), $"the writer's layout changed: the test must find \"{key}\" in {path}");
        File.WriteAllText(path, text.Insert(at, $"\"{key}\": {otherValue},\n"));
    }

    [TestCase("fill", "\"normal\"")]
    [TestCase("mb", "2")]
    [TestCase("bias", "false")]
    public void ACaseFileWithAKeyTwiceIsRefused(string key, string otherValue)
    {
        Repeat(CaseJson, key, otherValue);
        var e = Assert.Throws<FixtureException>(() => CaseFile.Read(CaseJson))!;
        Assert.That(e.Message, Does.StartWith($"{CaseJson}: not a valid case.json (").And.Contain($"'{key}'").And.Contain($"$.{key}"));
        Assert.That(e.InnerException, Is.InstanceOf<JsonException>());
        // The same file read as part of the pack: the pack names it too.
        Assert.That(() => FixturePack.Open(PackDir).ReadCase(Case.Id),
            Throws.TypeOf<FixtureException>().With.Message.StartsWith($"{CaseJson}: not a valid case.json (").And.Message.Contain($"'{key}'"));
    }

    [Test]
    public void AManifestWithATopLevelKeyTwiceIsRefused()
    {
        Repeat(ManifestJson, "oracle", "\"torch\"");
        Assert.That(() => Manifest.Read(ManifestJson), Throws.TypeOf<FixtureException>().With.Message.StartsWith(
            $"{ManifestJson}: not a valid manifest.json (").And.Message.Contain("'oracle'").And.Message.Contain("$.oracle"));
    }

    [Test]
    public void AManifestWithAFileHashTwiceIsRefusedNamingTheFile()
    {
        // Two hashes of one file: with the last taken, the first (the one a reader sees first) was never compared.
        string key = $"{Case.Id}/case.json";
        Repeat(ManifestJson, key, $"\"{new string('0', 64)}\"");
        Assert.That(() => Manifest.Read(ManifestJson), Throws.TypeOf<FixtureException>().With.Message.StartsWith(
            $"{ManifestJson}: not a valid manifest.json (").And.Message.Contain($"'{key}'").And.Message.Contain("$.files"));
        Assert.That(() => FixturePack.Open(PackDir), Throws.TypeOf<FixtureException>().With.Message.Contain($"'{key}'"));
    }

    [Test]
    public void AManifestWithAVersionTwiceIsRefusedNamingTheVersion()
    {
        Repeat(ManifestJson, "convverify", "\"0.0\"");
        var e = Assert.Throws<FixtureException>(() => Manifest.Read(ManifestJson))!;
        Assert.That(e.Message, Does.StartWith($"{ManifestJson}: not a valid manifest.json (").And.Contain("'convverify'").And.Contain("$.versions"));
        // Where the file has it: the line of the second one (the JSON reader counts lines from 0).
        int line = File.ReadAllLines(ManifestJson).ToList().FindLastIndex(l => l.Contains("\"convverify\"", StringComparison.Ordinal));
        Assert.That(((JsonException)e.InnerException!).LineNumber, Is.EqualTo(line));
    }
}
