using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;

namespace ConvVerify.Runs;

/// <summary>The results stored in the case's pack; a direction it lacks is "not in pack".</summary>
public sealed class PackSource : ResultSource
{
    /// <summary>
    /// Creates the source; <paramref name="versions"/> are those of the oracle that made the packs, when known, and
    /// <paramref name="packs"/> the packs it reads, recorded in the report (null: not recorded).
    /// </summary>
    public PackSource(string name = "pack", IReadOnlyDictionary<string, string>? versions = null, IReadOnlyList<PackIdentity>? packs = null)
    {
        Name = name;
        if (versions is not null) Versions = versions;
        Packs = packs;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<PackIdentity>? Packs { get; }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string>();

    /// <inheritdoc/>
    public override SourceResults<T> Produce<T>(LoadedCase<T> c, IReadOnlyList<Direction> directions)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(directions);
        var r = new SourceResults<T>();
        foreach (var d in directions)
        {
            if (c.PackResults.TryGetValue(d, out var v)) r.Values[d] = v;
            else r.Absent[d] = new Absence(Outcome.NotInPack, $"{d.TensorName()}: not in pack");
        }
        return r;
    }
}
