using System.Text.Json.Nodes;
using ConvVerify.Fixtures;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// A hand-made case.json or manifest.json that is wrong is refused in the file's own words: the key (with its index in a
/// list), the line and the value written there, never .NET's type names or benchdnn's tokens ("System.Int32", "peh"),
/// which mean nothing to someone writing JSON from Python.
/// </summary>
public class CaseFileWordsTests : OneCasePackTest
{
    protected override string Descriptor => "mb1ic2ih5iw5oc3kh3kw3ph0pw0";

    // case.json with one key set to the JSON text given (or removed, for null), as a hand editor would leave it.
    private void Edit(string key, string? json)
    {
        var o = JsonNode.Parse(File.ReadAllText(CaseJson))!.AsObject();
        if (json is null) o.Remove(key);
        else o[key] = JsonNode.Parse(json);
        File.WriteAllText(CaseJson, o.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    // The line, counted from 1, where the file holds `text`.
    private static int LineOf(string path, string text) => File.ReadAllLines(path).ToList().FindIndex(l => l.Contains(text, StringComparison.Ordinal)) + 1;

    private string Refusal() => Assert.Throws<FixtureException>(() => CaseFile.Read(CaseJson).ToCase(CaseJson))!.Message;

    private static void NoDotNetWords(string message)
    {
        Assert.That(message, Does.Not.Contain("System."));
        Assert.That(message, Does.Not.Contain("ConvVerify."));
        Assert.That(message, Does.Not.Contain("BytePositionInLine"));
    }

    [TestCase("pad_begin", "[-1, 0]", "pad_begin[0] must be >= 0, got -1")]
    [TestCase("pad_begin", "[0, -3]", "pad_begin[1] must be >= 0, got -3")]
    [TestCase("pad_end", "[-6, 0]", "pad_end[0] must be >= -input[0] (-5: it crops at most the whole input), got -6")]
    [TestCase("pad_end", "[0, -9]", "pad_end[1] must be >= -input[1] (-5: it crops at most the whole input), got -9")]
    [TestCase("dilation", "[1, 0]", "dilation[1] must be >= 1 (PyTorch's dilation: 1 is none), got 0")]
    [TestCase("stride", "[0, 1]", "stride[0] must be >= 1, got 0")]
    [TestCase("kernel", "[3, -2]", "kernel[1] must be >= 1, got -2")]
    [TestCase("input", "[0, 5]", "input[0] must be >= 1, got 0")]
    public void ASpatialFieldOutOfRangeIsNamedByItsKeyAndIndex(string key, string value, string expected)
    {
        Edit(key, value);
        Assert.That(Refusal(), Is.EqualTo($"{CaseJson}: {expected}"));
    }

    [TestCase("ic", "\"2\"", "an integer")]
    [TestCase("mb", "1.5", "an integer")]
    [TestCase("seed", "-1", "an integer from 0 to 2^53 - 1")]
    [TestCase("bias", "\"yes\"", "true or false")]
    [TestCase("dtype", "32", "a string")]
    [TestCase("input", "5", "a list of integers")]
    public void AValueOfTheWrongKindIsNamedWithItsKeyLineAndValue(string key, string value, string kind)
    {
        Edit(key, value);
        int line = LineOf(CaseJson, $"\"{key}\"");
        Assert.That(line, Is.GreaterThan(0));
        string message = Refusal();
        Assert.That(message, Is.EqualTo($"{CaseJson}: not a valid case.json (\"{key}\" on line {line} must be {kind}, got {value})"));
        NoDotNetWords(message);
    }

    [Test]
    public void AnElementOfTheWrongKindInAListIsNamedWithItsIndex()
    {
        Edit("input", "[5, 5.0]");
        int line = LineOf(CaseJson, "5.0");
        string message = Refusal();
        Assert.That(message, Is.EqualTo($"{CaseJson}: not a valid case.json (\"input[1]\" on line {line} must be an integer, got 5.0)"));
    }

    [Test]
    public void AMissingKeyIsNamedWithTheKeysAFileMustHave()
    {
        Edit("stride", null);
        string message = Refusal();
        Assert.That(message, Is.EqualTo($"{CaseJson}: not a valid case.json (missing key \"stride\"; the keys it must have are rank, mb, groups, ic, oc, "
            + "input, kernel, stride, pad_begin, pad_end, dilation, bias, dtype, fill, seed)"));
        NoDotNetWords(message);
    }

    [Test]
    public void MissingKeysAreNamedTogether()
    {
        Edit("stride", null);
        Edit("seed", null);
        Assert.That(Refusal(), Does.StartWith($"{CaseJson}: not a valid case.json (missing keys \"stride\", \"seed\"; the keys it must have are "));
    }

    [Test]
    public void AnObjectWhereANumberBelongsIsQuotedAsPeopleWriteIt()
    {
        Edit("mb", "{\"a\": [1, 2], \"b\": {}}");
        int line = LineOf(CaseJson, "\"mb\"");
        Assert.That(Refusal(), Is.EqualTo($"{CaseJson}: not a valid case.json (\"mb\" on line {line} must be an integer, got {{\"a\": [1, 2], \"b\": {{}}}})"));
    }

    // A quoted value is shown whole up to 60 characters (its quotes included), and cut to 59 and "…" past that.
    [TestCase(58, false)]
    [TestCase(59, true)]
    public void AValueIsShownWholeUpToSixtyCharacters(int letters, bool cut)
    {
        string value = new('a', letters);
        Edit("ic", JsonValueOf(value));
        string shown = cut ? "\"" + value[..58] + "…" : "\"" + value + "\"";
        Assert.That(Refusal(), Does.EndWith($"must be an integer, got {shown})"));
    }

    [Test]
    public void AValueIsNotCutInsideACharacterOfTwoUnits()
    {
        // 57 letters after the quote put an emoji's two UTF-16 units at the 59th and 60th places: cut after the 59th, the
        // message ended in half a character, which no encoder writes (UTF-8 output made it a U+FFFD).
        string value = new string('a', 57) + "\U0001F600" + "bbb";
        Edit("ic", JsonValueOf(value));
        Assert.That(Refusal(), Does.EndWith($"must be an integer, got \"{new string('a', 57)}…)"));
    }

    [Test]
    public void ALongValueIsShortenedAndItsControlCharactersWrittenOut()
    {
        Edit("ic", JsonValueOf("\u001b[2J" + new string('a', 200)));
        string message = Refusal();
        // By character: NUnit's culture-aware string constraints skip control characters.
        Assert.That(message.Any(char.IsControl), Is.False, message);
        Assert.That(message, Does.Contain("must be an integer, got \"\\u001b[2Jaaaa"));
        Assert.That(message, Does.EndWith("…)"));
        Assert.That(message.Length, Is.LessThan(CaseJson.Length + 200), message);
    }

    private static string JsonValueOf(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    [Test]
    public void AManifestValueOfTheWrongKindIsNamedToo()
    {
        string text = File.ReadAllText(ManifestJson);
        string created = JsonNode.Parse(text)!["created"]!.ToJsonString();
        File.WriteAllText(ManifestJson, text.Replace($"\"created\": {created}", "\"created\": 20261130", StringComparison.Ordinal));
        int line = LineOf(ManifestJson, "\"created\"");
        string message = Assert.Throws<FixtureException>(() => Manifest.Read(ManifestJson))!.Message;
        Assert.That(message, Is.EqualTo($"{ManifestJson}: not a valid manifest.json (\"created\" on line {line} must be a string, got 20261130)"));
    }

    [TestCase("cases", "{}", "a list of strings")]
    [TestCase("manifest-sha256", "5", "a string")]
    [TestCase("generator", "[\"me\"]", "a string")]
    public void AManifestKeyOfTheWrongKindIsNamedInItsOwnWords(string key, string value, string kind)
    {
        var o = JsonNode.Parse(File.ReadAllText(ManifestJson))!.AsObject();
        o[key] = JsonNode.Parse(value);
        File.WriteAllText(ManifestJson, o.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        int line = LineOf(ManifestJson, $"\"{key}\"");
        string message = Assert.Throws<FixtureException>(() => Manifest.Read(ManifestJson))!.Message;
        Assert.That(message, Is.EqualTo($"{ManifestJson}: not a valid manifest.json (\"{key}\" on line {line} must be {kind}, got {value})"));
        NoDotNetWords(message);
    }

    // Nested past System.Text.Json's default depth of 64, the value could not be read back to be quoted, and the message
    // fell back to .NET's own ("could not be converted to System.String"); it is quoted as far as 60 characters reach.
    [Test]
    public void AValueNestedDeeperThan64ListsIsQuotedToo()
    {
        // By text: JsonNode itself refuses to read past depth 64.
        string text = File.ReadAllText(CaseJson);
        string edited = System.Text.RegularExpressions.Regex.Replace(text, "\"name\": [^,\n]*", "\"name\": " + new string('[', 200) + new string(']', 200));
        Assert.That(edited, Is.Not.EqualTo(text));
        File.WriteAllText(CaseJson, edited);
        int line = LineOf(CaseJson, "\"name\"");
        string message = Refusal();
        Assert.That(message, Is.EqualTo($"{CaseJson}: not a valid case.json (\"name\" on line {line} must be a string, got {new string('[', 59)}…)"));
        NoDotNetWords(message);
    }

    // Read back without a limit of depth, a case.json of 400,000 '[' (800 KB, under the 1 MiB a case.json may have) ran for
    // minutes: JsonDocument's time grows with the square of the depth. Past the depth a message quotes, it is refused at once.
    [Test]
    [CancelAfter(60_000)]
    public void AValueNestedHundredsOfThousandsDeepIsRefusedWithoutReadingItBack()
    {
        string text = File.ReadAllText(CaseJson);
        string edited = System.Text.RegularExpressions.Regex.Replace(text, "\"name\": [^,\n]*", "\"name\": " + new string('[', 400_000) + new string(']', 400_000));
        Assert.That(edited, Is.Not.EqualTo(text));
        File.WriteAllText(CaseJson, edited);
        Assert.That(Refusal(), Does.StartWith($"{CaseJson}: not a valid case.json (").And.Contain("$.name"));
    }

    // JSON may escape half of a UTF-16 surrogate pair alone ("\ud800"); no character is that, so the value is no text. It
    // was refused in .NET's words ("could not be converted to System.String"), as if it were no string.
    [TestCase("\\ud800", "\"pro\\ud800be\"")]
    [TestCase("\\udc00\\ud800", "\"pro\\udc00\\ud800be\"")]
    public void AStringHoldingALoneSurrogateEscapeIsSaidToHoldNoText(string escape, string shown)
    {
        string text = File.ReadAllText(ManifestJson);
        string edited = System.Text.RegularExpressions.Regex.Replace(text, "\"generator\": \"[^\"]*\"", $"\"generator\": \"pro{escape}be\"");
        Assert.That(edited, Is.Not.EqualTo(text));
        File.WriteAllText(ManifestJson, edited);
        int line = LineOf(ManifestJson, "\"generator\"");
        string message = Assert.Throws<FixtureException>(() => Manifest.Read(ManifestJson))!.Message;
        Assert.That(message, Is.EqualTo($"{ManifestJson}: not a valid manifest.json (\"generator\" on line {line} is {shown}, which escapes half of a UTF-16 surrogate pair alone: no character, so no text)"));
        NoDotNetWords(message);
    }

    // A key so escaped fails the object holding it, and was refused as "could not be converted to
    // ConvVerify.Fixtures.CaseFile. Path: $", naming neither key nor value.
    [Test]
    public void AKeyHoldingALoneSurrogateEscapeIsNamedAsWritten()
    {
        string text = File.ReadAllText(CaseJson);
        int brace = text.IndexOf('{', StringComparison.Ordinal);
        File.WriteAllText(CaseJson, text[..(brace + 1)] + "\"x\\ud800\": 1, " + text[(brace + 1)..]);
        string message = Refusal();
        Assert.That(message, Does.StartWith($"{CaseJson}: not a valid case.json (the key \"x\\ud800\" on line "));
        Assert.That(message, Does.EndWith(" escapes half of a UTF-16 surrogate pair alone: no character, so no text)"));
        NoDotNetWords(message);
    }

    [Test]
    public void AFileThatIsNoObjectIsSaidToBeOne()
    {
        File.WriteAllText(CaseJson, "[1, 2]");
        string message = Refusal();
        Assert.That(message, Is.EqualTo($"{CaseJson}: not a valid case.json (the file must hold one JSON object, got [1, 2])"));
    }
}
