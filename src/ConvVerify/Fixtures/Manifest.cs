using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConvVerify.Fixtures;

/// <summary><c>manifest.json</c>: who made a pack, when, from which versions, which cases, and the sha256 of every file.</summary>
public sealed record Manifest
{
    /// <summary>The format tag this reader understands.</summary>
    public const string CurrentFormat = "convverify-fixtures/1";

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
    [JsonPropertyName("versions")] public required SortedDictionary<string, string> Versions { get; init; }

    /// <summary>UTC creation time, ISO 8601.</summary>
    [JsonPropertyName("created")] public required string Created { get; init; }

    /// <summary>Case ids in order.</summary>
    [JsonPropertyName("cases")] public required List<string> Cases { get; init; }

    /// <summary>sha256 (lower-case hex) of every file but the manifest, by path relative to the pack with '/' separators.</summary>
    [JsonPropertyName("files")] public required SortedDictionary<string, string> Files { get; init; }

    /// <summary>Reads a manifest.</summary>
    /// <exception cref="FixtureException">Not JSON, missing fields, or an unknown format.</exception>
    public static Manifest Read(string path)
    {
        try
        {
            var m = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), CaseFile.Options) ?? throw new FixtureException($"{path}: empty");
            if (m.Cases is null || m.Files is null) throw new FixtureException($"{path}: \"cases\" and \"files\" must be present and not null");
            if (m.Format != CurrentFormat) throw new FixtureException($"{path}: format is \"{m.Format}\", this reader knows \"{CurrentFormat}\"");
            return m;
        }
        catch (JsonException e)
        {
            throw new FixtureException($"{path}: not a valid manifest.json ({e.Message})", e);
        }
    }

    /// <summary>Writes the manifest.</summary>
    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, CaseFile.Options) + "\n");

    /// <summary>sha256 of a file as lower-case hex.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
