using System.Text;
using ConvVerify.Fixtures;
using ConvVerify.Runs;

namespace ConvVerify.Tests;

/// <summary>
/// Every text file ConvVerify reads (case.json, manifest.json, a run report, a batch file, a snapshot) is strict UTF-8: a
/// byte that is not was decoded as U+FFFD and the file read as something it does not say (a case name changed without a
/// word), or refused as a value "of the wrong kind". Now each reader refuses it naming the file, the byte offset and the
/// line; a leading BOM is skipped.
/// </summary>
public class Utf8TextTests : TempFolderTest
{
    // {"a": " is 7 bytes: the bytes under test begin at offset 7.
    private static byte[] Json(string hex, string after = "\"}") =>
        [.. "{\"a\": \""u8.ToArray(), .. Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)), .. Encoding.UTF8.GetBytes(after)];

    private static string Refusal(byte[] bytes)
    {
        Assert.That(Utf8Text.TryText(bytes, "JSON file", out var text, out string? why), Is.False);
        Assert.That(text.IsEmpty, Is.True, "a refused file gives no text to read");
        return why!;
    }

    [TestCase("FF", "byte offset 7 (line 1) holds 0xFF, which UTF-8 never uses")]
    [TestCase("41 F5 80 80 80", "byte offset 8 (line 1) holds 0xF5, which UTF-8 never uses")]
    [TestCase("80", "byte offset 7 (line 1) holds 0x80, a continuation byte where a character should begin")]
    [TestCase("C3 A9 BF", "byte offset 9 (line 1) holds 0xBF, a continuation byte where a character should begin")]
    [TestCase("C0 AF", "byte offset 7 (line 1) holds 0xC0, which begins only overlong encodings (of characters below U+0080)")]
    [TestCase("E0 80 AF", "byte offset 7 (line 1) begins 0xE0 0x80 0xAF, an overlong encoding (of a character below U+0800)")]
    [TestCase("F0 80 80 AF", "byte offset 7 (line 1) begins 0xF0 0x80 0x80 0xAF, an overlong encoding (of a character below U+10000)")]
    [TestCase("ED A0 80", "byte offset 7 (line 1) begins 0xED 0xA0 0x80, a UTF-16 surrogate (U+D800 to U+DFFF), which UTF-8 may not encode")]
    [TestCase("ED BF BF", "byte offset 7 (line 1) begins 0xED 0xBF 0xBF, a UTF-16 surrogate (U+D800 to U+DFFF), which UTF-8 may not encode")]
    [TestCase("F4 90 80 80", "byte offset 7 (line 1) begins 0xF4 0x90 0x80 0x80, a code point past U+10FFFF, the last of Unicode")]
    [TestCase("E2 82 41", "byte offset 7 (line 1) begins a 3-byte sequence that byte offset 9 (0x41) cuts short: 0xE2 0x82 0x41")]
    [TestCase("C3 22", "byte offset 7 (line 1) begins a 2-byte sequence that byte offset 8 (0x22) cuts short: 0xC3 0x22")]
    // The ends of each lead's range for the second byte, and of the continuation bytes, are allowed: the sequence is
    // cut short only by the byte after them.
    [TestCase("E2 80 41", "byte offset 7 (line 1) begins a 3-byte sequence that byte offset 9 (0x41) cuts short: 0xE2 0x80 0x41")]
    [TestCase("E2 BF 41", "byte offset 7 (line 1) begins a 3-byte sequence that byte offset 9 (0x41) cuts short: 0xE2 0xBF 0x41")]
    [TestCase("E0 A0 41", "byte offset 7 (line 1) begins a 3-byte sequence that byte offset 9 (0x41) cuts short: 0xE0 0xA0 0x41")]
    [TestCase("ED 9F 41", "byte offset 7 (line 1) begins a 3-byte sequence that byte offset 9 (0x41) cuts short: 0xED 0x9F 0x41")]
    [TestCase("F0 90 80 41", "byte offset 7 (line 1) begins a 4-byte sequence that byte offset 10 (0x41) cuts short: 0xF0 0x90 0x80 0x41")]
    [TestCase("F4 8F BF 41", "byte offset 7 (line 1) begins a 4-byte sequence that byte offset 10 (0x41) cuts short: 0xF4 0x8F 0xBF 0x41")]
    public void AnInvalidSequenceIsRefusedAtItsFirstByte(string hex, string said)
    {
        Assert.That(Refusal(Json(hex)), Is.EqualTo($"not UTF-8: {said}; a JSON file must be UTF-8"));
    }

    [TestCase("F0 9F 98", "byte offset 7 (line 1) begins a 4-byte sequence (0xF0 0x9F 0x98) that the end of the file cuts short")]
    [TestCase("E2", "byte offset 7 (line 1) begins a 3-byte sequence (0xE2) that the end of the file cuts short")]
    // Wrong before the end cuts it: the bytes shown are those the file has.
    [TestCase("E0 80", "byte offset 7 (line 1) begins 0xE0 0x80, an overlong encoding (of a character below U+0800)")]
    [TestCase("F4 90", "byte offset 7 (line 1) begins 0xF4 0x90, a code point past U+10FFFF, the last of Unicode")]
    public void ASequenceCutShortByTheEndOfTheFileIsRefused(string hex, string said)
    {
        Assert.That(Refusal(Json(hex, after: "")), Is.EqualTo($"not UTF-8: {said}; a JSON file must be UTF-8"));
    }

    [TestCase("C3 A9")] // é
    [TestCase("E2 82 AC")] // €
    [TestCase("ED 9F BF")] // U+D7FF, the last before the surrogates
    [TestCase("EE 80 80")] // U+E000, the first after them
    [TestCase("F0 9F 98 80")] // 😀
    [TestCase("F4 8F BF BF")] // U+10FFFF
    [TestCase("EF BB BF")] // U+FEFF inside the text is a character like any other
    public void WellFormedCharactersPassUnchanged(string hex)
    {
        byte[] bytes = Json(hex);
        Assert.That(Utf8Text.TryText(bytes, "JSON file", out var text, out string? why), Is.True, why);
        Assert.That(text.ToArray(), Is.EqualTo(bytes));
    }

    [Test]
    public void ALeadingByteOrderMarkIsSkippedAndCountedInTheOffset()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Json("C3 A9")];
        Assert.That(Utf8Text.TryText(bytes, "JSON file", out var text, out _), Is.True);
        Assert.That(text.ToArray(), Is.EqualTo(Json("C3 A9")));
        Assert.That(Refusal([0xEF, 0xBB, 0xBF, .. Json("FF")]), Does.StartWith("not UTF-8: byte offset 10 (line 1) holds 0xFF"), "the offset is the file's");
    }

    [Test]
    public void AFileSavedAsUtf16IsToldToBeSavedAsUtf8()
    {
        byte[] utf16 = [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("{}")];
        Assert.That(Refusal(utf16), Is.EqualTo("not UTF-8: byte offset 0 (line 1) holds 0xFF, which UTF-8 never uses (a UTF-16 or UTF-32 byte-order mark: "
            + "the file was saved as UTF-16 or UTF-32; save it as UTF-8); a JSON file must be UTF-8"));
        byte[] bigEndian = [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes("{}")];
        Assert.That(Refusal(bigEndian), Does.StartWith("not UTF-8: byte offset 0 (line 1) holds 0xFE, which UTF-8 never uses (a UTF-16 or UTF-32 byte-order mark"));
        Assert.That(Refusal(Json("FF FE")), Does.Not.Contain("byte-order mark"), "only at the start of the file");
        // An empty file saved as UTF-16 is its mark alone.
        Assert.That(Refusal([0xFF, 0xFE]), Does.Contain("(a UTF-16 or UTF-32 byte-order mark: "));
        Assert.That(Refusal([0xFE, 0xFF]), Does.Contain("(a UTF-16 or UTF-32 byte-order mark: "));
        // Half a mark, or a mark's byte followed by anything else, is no mark.
        foreach (byte[] bytes in new byte[][] { [0xFF], [0xFE], [0xFF, 0x41], [0xFE, 0x41], [0xFF, 0xFF], [0xFE, 0xFE], [0xF5, 0xFE], [0xF5, 0xFF] })
            Assert.That(Refusal(bytes), Is.EqualTo($"not UTF-8: byte offset 0 (line 1) holds 0x{bytes[0]:X2}, which UTF-8 never uses; a JSON file must be UTF-8"),
                Convert.ToHexString(bytes));
    }

    [Test]
    public void NullsAreRefusedByName()
    {
        Assert.That(() => Utf8Text.TryText(null!, "JSON file", out _, out _), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("bytes"));
        Assert.That(() => Utf8Text.Refusal("{}"u8, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("kind"));
    }

    [Test]
    public void AnInvalidByteFarIntoALargeFileIsFoundAtItsOffset()
    {
        // Past the transcoder's 64 K-character buffer, so the search continues from where each round stopped.
        byte[] bytes = [.. Json(string.Concat(Enumerable.Repeat("C3 A9 ", 100_000)) + "41 ED A0 80")];
        Assert.That(Refusal(bytes), Does.StartWith($"not UTF-8: byte offset {7 + 200_001} (line 1) begins 0xED 0xA0 0x80,"));
    }

    [Test]
    public void TheLineCountsLineFeedsBeforeTheBadByteAndTheKindIsNamed()
    {
        // Lines 1 and 2 end in "\n" and "\r\n"; the bad byte opens line 3, at offset 2 + 3 = 5.
        byte[] bytes = [.. "a\nb\r\n"u8.ToArray(), 0xFF, .. "\n"u8.ToArray()];
        Assert.That(Utf8Text.Refusal(bytes, "batch file"), Is.EqualTo("not UTF-8: byte offset 5 (line 3) holds 0xFF, which UTF-8 never uses; a batch file must be UTF-8"));
        Assert.That(Utf8Text.Refusal("a\nb\n"u8, "batch file"), Is.Null);
        // A BOM is UTF-8 (U+FEFF): Refusal passes it; TryText drops it.
        Assert.That(Utf8Text.Refusal([0xEF, 0xBB, 0xBF, (byte)'a'], "snapshot file"), Is.Null);
    }

    // --- the readers ---

    private static readonly ConvVerify.Cases.ConvCase Case =
        ConvVerify.Cases.ConvCase.Create(ConvVerify.Problems.BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3"), ConvVerify.Cases.Fill.Integer, 1) with { Id = "a" };

    private string Pack()
    {
        string dir = Path.Combine(Dir, "pack");
        FixtureGenerator.Generate(dir, [Case], new ConvVerify.Oracles.EngineOracle(ConvVerify.Convolution.ConvEngines.Naive), force: false);
        return dir;
    }

    // The file with its first "needle" replaced by the bytes.
    private static void Splice(string path, string needle, byte[] bytes)
    {
        byte[] file = File.ReadAllBytes(path);
        int at = file.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle));
        Assert.That(at, Is.GreaterThanOrEqualTo(0), needle);
        File.WriteAllBytes(path, [.. file[..at], .. bytes, .. file[(at + needle.Length)..]]);
    }

    [Test]
    public void ACaseJsonThatIsNotUtf8IsRefusedNamingTheFileAndOffset()
    {
        // Read before as "a\uFFFD\uFFFD\uFFFDb": the case ran under a name its file does not hold, and passed.
        string path = Path.Combine(Pack(), "a", "case.json");
        File.WriteAllBytes(path, [.. "{\"name\": \"a"u8.ToArray(), 0xED, 0xA0, 0x80, .. "b\"}"u8.ToArray()]);
        Assert.That(() => CaseFile.Read(path), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{path}: not UTF-8: byte offset 11 (line 1) begins 0xED 0xA0 0x80, a UTF-16 surrogate (U+D800 to U+DFFF), which UTF-8 may not encode; a JSON file must be UTF-8"));
    }

    [Test]
    public void ACaseJsonWithAByteOrderMarkReads()
    {
        string path = Path.Combine(Pack(), "a", "case.json");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(path)]);
        Assert.That(CaseFile.Read(path).Seed, Is.EqualTo(Case.Seed));
    }

    [Test]
    public void AManifestThatIsNotUtf8IsRefusedNamingTheFileAndOffset()
    {
        // Refused before as "\"generator\" on line 3 must be a string": the value's kind blamed for its encoding.
        string dir = Pack();
        string path = Path.Combine(dir, "manifest.json");
        int at = File.ReadAllBytes(path).AsSpan().IndexOf("\"ConvVerify"u8) + 1;
        Splice(path, "\"ConvVerify", [(byte)'"', 0xC0, 0xAF]);
        Assert.That(() => FixturePack.Open(dir), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{path}: not UTF-8: byte offset {at} (line 3) holds 0xC0, which begins only overlong encodings (of characters below U+0080); a JSON file must be UTF-8"));
    }

    [Test]
    public void AManifestWithAByteOrderMarkReadsAndFailsOnlyItsOwnHash()
    {
        // Refused before as "'0xEF' is an invalid start of a value". Read now; its bytes are not what was written, which
        // the self-hash says (a manifest is written without one).
        string dir = Pack();
        string path = Path.Combine(dir, "manifest.json");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(path)]);
        var pack = FixturePack.Open(dir);
        Assert.That(pack.CaseIds, Is.EqualTo(new[] { "a" }));
        Assert.That(pack.CheckIntegrity(), Is.EqualTo(new[] { $"{path}: its \"manifest-sha256\" does not match its own bytes (corrupt or edited)" }));
    }

    [Test]
    public void AReportThatIsNotUtf8IsRefusedNamingTheFileAndOffset()
    {
        // Refused before as "The JSON value could not be converted to System.String. Path: $.command".
        string path = Path.Combine(Dir, "r.json");
        File.WriteAllBytes(path, [.. "{\"schema\": \"convverify-report/1\", \"command\": \"ch"u8.ToArray(), 0xFF, .. "eck\"}"u8.ToArray()]);
        Assert.That(() => RunReport.Read(path), Throws.TypeOf<InvalidDataException>().With.Message.EqualTo(
            $"{path}: not a ConvVerify report (not UTF-8: byte offset 48 (line 1) holds 0xFF, which UTF-8 never uses; a JSON file must be UTF-8)"));
    }
}

public class BatchFileEncodingTests : TempFolderTest
{
    private const string Desc = "mb1ic2ih4oc2kh3";

    [Test]
    public void ABatchFileThatIsNotUtf8IsRefusedNamingTheFileOffsetAndLine()
    {
        // Read before with the byte as U+FFFD: the descriptor "mb1ic2ih4oc2kh3\uFFFD" skipped as invalid, or a comment
        // changed, without a word about the file.
        string path = Path.Combine(Dir, "b.txt");
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes($"# shapes\n{Desc}\n"), 0xC3, 0x28, .. "\n"u8.ToArray()]);
        string said = $"{path}: not UTF-8: byte offset 25 (line 3) begins a 2-byte sequence that byte offset 26 (0x28) cuts short: 0xC3 0x28; a batch file must be UTF-8";
        Assert.That(() => ConvVerify.Problems.BatchFile.Read(path), Throws.TypeOf<IOException>().With.Message.EqualTo(said));
        var r = Cli.CliTestBase.Run("cases", "--batch", path);
        Assert.That((r.Code, r.Err.Contains(said, StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
    }

    [Test]
    public void AnIncludedFileThatIsNotUtf8IsASkippedEntryNamingItsOwnPath()
    {
        // It ended the whole read, where a missing include is a skipped entry: now it is one too, saying why.
        string main = Path.Combine(Dir, "main"), inner = Path.Combine(Dir, "inner");
        File.WriteAllText(main, $"{Desc}\n--batch=inner\n");
        File.WriteAllBytes(inner, [0x80]);
        var entries = ConvVerify.Problems.BatchFile.Read(main);
        Assert.That(entries.Select(e => (e.Where, e.SkipKind, e.Skip)), Is.EqualTo(new (string, ConvVerify.Problems.BatchSkipKind, string?)[]
        {
            ($"{main}:1", ConvVerify.Problems.BatchSkipKind.None, null),
            ($"{main}:2", ConvVerify.Problems.BatchSkipKind.Include,
                $"--batch=inner: {inner}: not UTF-8: byte offset 0 (line 1) holds 0x80, a continuation byte where a character should begin; a batch file must be UTF-8"),
        }));
        // The files a run reads, for its output checks: the including file alone, as for any include that is not read.
        Assert.That(CaseSelection.ReadBatch(main).Files, Is.EqualTo(new[] { main }));
    }

    [Test]
    public void ABatchFileSavedAsUtf16IsToldToBeSavedAsUtf8()
    {
        // Windows PowerShell 5's ">" writes UTF-16 with a mark. It was read (and benchdnn, which reads bytes, cannot).
        string path = Path.Combine(Dir, "b.txt");
        File.WriteAllText(path, Desc + "\n", new UnicodeEncoding(bigEndian: false, byteOrderMark: true));
        Assert.That(() => ConvVerify.Problems.BatchFile.Read(path), Throws.TypeOf<IOException>().With.Message.EqualTo(
            $"{path}: not UTF-8: byte offset 0 (line 1) holds 0xFF, which UTF-8 never uses (a UTF-16 or UTF-32 byte-order mark: "
            + "the file was saved as UTF-16 or UTF-32; save it as UTF-8); a batch file must be UTF-8"));
    }

    [Test]
    public void ABatchFileWithAUtf8MarkOrUtf8CommentsReads()
    {
        string path = Path.Combine(Dir, "b.txt");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes($"# größer × 2\n{Desc}\n")]);
        Assert.That(ConvVerify.Problems.BatchFile.Read(path).Select(e => e.Problem?.ToString()), Is.EqualTo(new[] { "mb1ic2ih4oc2oh2kh3ph0" }));
    }
}
