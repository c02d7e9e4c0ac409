using System.Text.Json.Serialization;
using ConvVerify.Fixtures;

namespace ConvVerify.Runs;

/// <summary>
/// A pack a reference read, as a report records it (<see cref="SourceInfo.Packs"/>): its folder, and the sha256 of its
/// manifest.json, which lists the sha256 of every file of the pack, so a pack regenerated or edited (and its manifest
/// rehashed) at the same folder between the shards of a run has another.
/// </summary>
public sealed record PackIdentity
{
    /// <summary>The pack's folder as the run was given it (it depends on the machine, so <c>report merge</c> only says it).</summary>
    [JsonPropertyName("folder")] public required string Folder { get; init; }

    /// <summary>The sha256 (64 lower-case hex digits) of the bytes of the pack's manifest.json as the run read it; null for a pack without one.</summary>
    [JsonPropertyName("manifest_sha256")] public string? ManifestSha256 { get; init; }

    /// <summary>The identity of an opened pack.</summary>
    public static PackIdentity Of(FixturePack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return new PackIdentity { Folder = pack.Directory, ManifestSha256 = pack.Manifest?.FileSha256 };
    }
}
