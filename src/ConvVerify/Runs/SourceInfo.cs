using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConvVerify.Runs;

/// <summary>One side of the comparisons of a run: its name and the versions that decide its results.</summary>
public sealed record SourceInfo
{
    /// <summary>The name rows use.</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }

    /// <summary>Versions, e.g. {"torch": "1.13.1"}; empty for engines and packs.</summary>
    [JsonPropertyName("versions")] public SortedDictionary<string, string> Versions { get; init; } = new(StringComparer.Ordinal);
}
