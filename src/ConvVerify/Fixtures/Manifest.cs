using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ConvVerify.Problems;

namespace ConvVerify.Fixtures;

/// <summary>
/// <c>manifest.json</c>: who made a pack, when, from which versions, which cases, the sha256 of every file, and (from
/// format 2) the sha256 of the manifest itself.
/// </summary>
public sealed record Manifest
{
    /// <summary>The format tag written, and the newest this reader understands.</summary>
    public const string CurrentFormat = "convverify-fixtures/2";

    /// <summary>The first format: the same fields without <see cref="SelfSha256"/>; still read.</summary>
    public const string FormatWithoutSelfHash = "convverify-fixtures/1";

    private const string SelfHashKey = "manifest-sha256";

    private static readonly string[] Keys = JsonRefusal.KeysOf<Manifest>();

    private static readonly string[] RequiredKeys = JsonRefusal.RequiredKeysOf<Manifest>();

    // Stands in for the self-hash while it is computed: the 64 zeros the reader puts in its place to check it.
    private static readonly string Placeholder = new('0', 64);

    /// <summary>Format tag.</summary>
    [JsonPropertyName("format")] public required string Format { get; init; }

    /// <summary>What produced the pack.</summary>
    [JsonPropertyName("generator")] public required string Generator { get; init; }

    /// <summary>
    /// The name of the oracle whose results the pack holds (<see cref="Oracles.IConvOracle.Name"/>). Packs written before
    /// it was recorded have none and were all made by torch: see <see cref="OracleName"/>.
    /// </summary>
    [JsonPropertyName("oracle")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Oracle { get; init; }

    /// <summary>The oracle that made the pack: <see cref="Oracle"/>, or "torch" for packs from before it was recorded.</summary>
    [JsonIgnore] public string OracleName => Oracle ?? Oracles.TorchOracle.OracleName;

    /// <summary>Oracle versions, e.g. torch and numpy.</summary>
    [JsonPropertyName("versions")]
    [JsonConverter(typeof(OrdinalMapConverter))]
    public required SortedDictionary<string, string> Versions { get; init; }

    /// <summary>UTC creation time, ISO 8601.</summary>
    [JsonPropertyName("created")] public required string Created { get; init; }

    /// <summary>Case ids in order.</summary>
    [JsonPropertyName("cases")] public required List<string> Cases { get; init; }

    /// <summary>sha256 (lower-case hex) of every file but the manifest, by path relative to the pack with '/' separators.</summary>
    [JsonPropertyName("files")]
    [JsonConverter(typeof(OrdinalMapConverter))]
    public required SortedDictionary<string, string> Files { get; init; }

    /// <summary>
    /// sha256 (lower-case hex) of the manifest file's own bytes with this value replaced by 64 zeros. The files' hashes
    /// protect the data; this protects the rest (a flipped byte in "created" or "generator" would otherwise go unseen).
    /// Required from format 2 on, so that corrupting the key's name cannot quietly turn the check off.
    /// </summary>
    [JsonPropertyName(SelfHashKey)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SelfSha256 { get; init; }

    /// <summary>
    /// For a manifest read from disk: whether <see cref="SelfSha256"/> matches the file's bytes; null when the file's
    /// format has no self-hash (format 1) or the manifest was not read from a file.
    /// </summary>
    [JsonIgnore] public bool? SelfHashMatches { get; private init; }

    /// <summary>
    /// For a manifest read from disk: the sha256 (lower-case hex) of the file's bytes as read, the pack's identity in a
    /// run report (<see cref="Runs.PackIdentity"/>): it lists every file's hash, so packs with other contents have other
    /// manifests; null for a manifest not read from a file.
    /// </summary>
    [JsonIgnore] public string? FileSha256 { get; private init; }

    /// <summary>
    /// Largest manifest.json read: 256 MiB. A manifest takes about 150 bytes per file it lists, some 1,340 per case: the
    /// largest committed one (basic, 318 cases, 2,814 files) is 425 KB, and 256 MiB would list some 200,000 cases. Read
    /// whole with no limit, a 2 GB file ended in an OutOfMemoryException naming no file.
    /// </summary>
    public const long MaxBytes = 256L << 20;

    /// <summary>Reads a manifest.</summary>
    /// <exception cref="FixtureException">Not a regular file, larger than <see cref="MaxBytes"/>, not UTF-8 (<see cref="Utf8Text"/>), not JSON, missing fields, text holding a control character, a "files" value that is no sha256, an unknown
    /// format, or format 2 without its self-hash.</exception>
    public static Manifest Read(string path)
    {
        byte[] bytes = PackPaths.ReadWhole(path, "manifest.json", MaxBytes);
        if (!Utf8Text.TryText(bytes, "JSON file", out var json, out string? notUtf8)) throw new FixtureException($"{path}: {notUtf8}");
        try
        {
            var m = JsonSerializer.Deserialize<Manifest>(json.Span, CaseFile.Options) ?? throw new FixtureException($"{path}: not a valid manifest.json ({JsonRefusal.NoObject("null")})");
            // A null map would be dereferenced far from here: "versions" by every comparison of the pack's oracle with a live one.
            if (m.Versions is null || m.Cases is null || m.Files is null)
                throw new FixtureException($"{path}: \"versions\", \"cases\" and \"files\" must be present and not null");
            // A null version printed as "[torch ]", as if torch had an empty version; a null hash matched no file's.
            foreach (var (map, name) in new[] { (m.Versions, "versions"), (m.Files, "files") })
                if (map.FirstOrDefault(kv => kv.Value is null).Key is { } key)
                    throw new FixtureException($"{path}: \"{name}\" gives \"{PackPaths.Printable(key)}\" null; its values are strings");
            // A value that is no sha256 matches no file's hash: compared as one, it blamed the file ("sha256 differs … corrupt
            // or changed", exit 1) for the manifest's fault, even a file whose right hash was only written in capitals.
            if (m.Files.FirstOrDefault(kv => !IsSha256(kv.Value)) is { Key: { } badKey, Value: { } bad })
                throw new FixtureException($"{path}: \"files\" gives \"{PackPaths.Printable(badKey)}\" \"{PackPaths.Printable(PackPaths.Cut(bad, 80))}\", not a sha256 (64 lower-case hex digits)");
            // Its text is printed (the oracle's name and versions in every summary line): a control character would forge a
            // line of the report or drive the terminal, and no writer puts one there.
            (string Field, string? Text)[] texts = [("format", m.Format), ("generator", m.Generator), ("oracle", m.Oracle), ("created", m.Created),
                .. m.Versions.SelectMany(v => new[] { ("versions", v.Key), ("versions", v.Value) })];
            if (texts.FirstOrDefault(t => t.Text?.Any(char.IsControl) == true) is (string field, string text))
                throw new FixtureException($"{path}: \"{field}\" holds a control character: \"{PackPaths.Printable(text)}\"");
            m = m with { FileSha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) };
            if (m.Format == FormatWithoutSelfHash) return m;
            if (m.Format != CurrentFormat)
                throw new FixtureException($"{path}: format is \"{m.Format}\", this reader knows \"{CurrentFormat}\" and \"{FormatWithoutSelfHash}\"");
            if (m.SelfSha256 is null) throw new FixtureException($"{path}: format \"{CurrentFormat}\" requires \"{SelfHashKey}\", which is missing");
            return m with { SelfHashMatches = SelfHashAt(bytes) is >= 0 and var at && SelfHash(bytes, at) == m.SelfSha256 };
        }
        catch (JsonException e)
        {
            throw new FixtureException($"{path}: {JsonRefusal.Message(e, "manifest.json", Keys, RequiredKeys, Encoding.UTF8.GetString(json.Span))}", e);
        }
    }

    /// <summary>Writes the manifest in the current format, with its self-hash.</summary>
    public void Write(string path)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this with { Format = CurrentFormat, SelfSha256 = Placeholder }, CaseFile.Options) + "\n");
        // Stryker disable once String : the serializer always writes the key just set, so this never throws
        int at = SelfHashAt(bytes) is >= 0 and var found ? found : throw new InvalidOperationException("the self-hash placeholder went missing from the serialized manifest");
        // Only the self-hash's own 64 characters: replacing every run of 64 zeros also rewrote a case id or a "files"
        // hash holding one (a benchdnn name n"000…"), and the pack no longer matched its own hash or named its cases.
        Encoding.ASCII.GetBytes(SelfHash(bytes, at), bytes.AsSpan(at, 64));
        File.WriteAllBytes(path, bytes);
    }

    // Where the self-hash's 64 characters start, or -1 when the key is not there as written (a corrupted key or
    // hand-edited layout then fails the comparison). The last "manifest-sha256": " is the key: the writer puts it last,
    // and a key of "versions" (an oracle's names) could spell it too, ahead of it.
    private static int SelfHashAt(byte[] bytes)
    {
        byte[] key = Encoding.UTF8.GetBytes($"\"{SelfHashKey}\": \"");
        int at = bytes.AsSpan().LastIndexOf(key);
        return at < 0 || at + key.Length + 64 > bytes.Length ? -1 : at + key.Length;
    }

    // The hash of the bytes with the 64 characters at `at` zeroed, so writer and reader hash the same thing.
    private static string SelfHash(byte[] bytes, int at)
    {
        byte[] copy = (byte[])bytes.Clone();
        copy.AsSpan(at, 64).Fill((byte)'0');
        return Convert.ToHexStringLower(SHA256.HashData(copy));
    }

    // What Sha256 writes: 64 lower-case hex digits.
    private static bool IsSha256(string value) => value.Length == 64 && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>sha256 of a file as lower-case hex.</summary>
    /// <exception cref="FixtureException">Missing or not a regular file.</exception>
    public static string Sha256(string path)
    {
        PackPaths.CheckRegularFile(path);
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

/// <summary>
/// Reads a JSON object of strings into a map sorted by ordinal comparison, the order the writer uses. Without it a map
/// read from disk would sort by the current culture: slower (3,000 entries of a pack cost tens of milliseconds), and in
/// an order that changes with the user's locale.
/// </summary>
internal sealed class OrdinalMapConverter : JsonConverter<SortedDictionary<string, string>>
{
    // Read by hand rather than through a nested JsonSerializer call: that call starts a path and line count of its own, so
    // its errors (a key given twice) said "$['a/x.npy'], line 0" where the file has "files" and line 17. A JSON null map
    // never reaches a converter (the serializer makes it null itself).
    public override SortedDictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException($"expected an object of strings, got {reader.TokenType}");
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = Text(ref reader, written => $"the key '{written}'");
            reader.Read();
            // A null stays null, as the serializer's own map reader has it: the checks after reading name it.
            string? value = reader.TokenType switch
            {
                JsonTokenType.String => Text(ref reader, written => $"the value of '{key}' ('{written}')"),
                JsonTokenType.Null => null,
                _ => throw new JsonException($"the value of '{key}' is {reader.TokenType}, not a string"),
            };
            if (!options.AllowDuplicateProperties && map.ContainsKey(key))
                throw new JsonException($"Duplicate property '{key}' encountered during deserialization.");
            map[key] = value!;
        }
        return map;
    }

    // A string that escapes half of a UTF-16 surrogate pair alone ("\ud800") is no text, and GetString throws; the
    // serializer said that in .NET's words ("could not be converted to …SortedDictionary`2[…]"), naming neither key nor value.
    // `what` names it, given the string as the file writes it.
    private static string Text(ref Utf8JsonReader reader, Func<string, string> what)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            string written = Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
            throw new JsonException(what(written) + " escapes half of a UTF-16 surrogate pair alone: no character, so no text");
        }
    }

    // Always in ordinal order, whatever comparer the map was built with (a manifest is written once per pack: the copy is cheap).
    public override void Write(Utf8JsonWriter writer, SortedDictionary<string, string> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, (IDictionary<string, string>)new SortedDictionary<string, string>(value, StringComparer.Ordinal), options);
}
