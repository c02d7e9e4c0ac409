using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ConvVerify.Oracles;

namespace ConvVerify.Runs;

/// <summary>One side of the comparisons of a run: its name and the versions that decide its results.</summary>
public sealed record SourceInfo
{
    /// <summary>The name rows use.</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }

    /// <summary>Versions, e.g. {"torch": "1.13.1"}; empty for engines and packs.</summary>
    [JsonPropertyName("versions")] public SortedDictionary<string, string> Versions { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The memory layout an oracle computed in when it is not NC(D)(H)W: "channels-last" (<c>check --layout</c>, as the
    /// oracle declared it, <see cref="OracleLayouts.ComputesIn"/>); absent for NC(D)(H)W, for packs, engines and
    /// implementations, and in reports from before it was recorded. A case's own layout (a batch file's
    /// <c>--stag=axb</c>) is in its id.
    /// </summary>
    [JsonPropertyName("layout")] public string? Layout { get; init; }

    /// <summary>
    /// The packs a reference read, in order, each with the sha256 of its manifest.json (<see cref="PackIdentity"/>):
    /// <c>report merge</c> refuses shards that read packs of other contents. Absent for a side that reads no pack, and in
    /// reports from before it was recorded.
    /// </summary>
    [JsonPropertyName("packs")] public List<PackIdentity>? Packs { get; init; }

    /// <summary>The name with its versions, as every report line says it (see <see cref="Describe(string, IReadOnlyDictionary{string, string})"/>).</summary>
    public string Describe() => Describe(Name, Versions);

    /// <summary>
    /// "torch [numpy 1.24.2; torch 1.13.1; cpu ATen AVX2, oneDNN avx2]": the software in ordinal order of its key, the
    /// CPU kernels last (hardware, and a value with commas of its own), "; " between them, in brackets (summary lines
    /// stand in parentheses, names such as "committed packs (torch)" have their own); just the name when there are no
    /// versions.
    /// </summary>
    public static string Describe(string name, IReadOnlyDictionary<string, string> versions)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(versions);
        return versions.Count == 0 ? name : $"{name} {Bracketed(versions)}";
    }

    /// <summary>"[numpy 1.24.2; torch 1.13.1]": <see cref="VersionsText"/> in its brackets, "[]" when there are none (callers that
    /// leave an empty list out check the count).</summary>
    public static string Bracketed(IReadOnlyDictionary<string, string> versions) => $"[{VersionsText(versions)}]";

    /// <summary>The bracketed part of <see cref="Describe(string, IReadOnlyDictionary{string, string})"/>, without the brackets; empty when there are no versions.</summary>
    public static string VersionsText(IReadOnlyDictionary<string, string> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        return string.Join("; ", versions
            .OrderBy(kv => kv.Key == IConvOracle.CpuVersionKey)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key} {kv.Value}"));
    }
}
