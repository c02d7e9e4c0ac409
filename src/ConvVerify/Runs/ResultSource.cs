using System.Numerics;
using ConvVerify.Cases;

namespace ConvVerify.Runs;

/// <summary>
/// One side of a comparison: where expected or checked results come from — an oracle, an engine, a pack, a candidate's
/// files, a .NET implementation. The run pipeline asks each side for the directions of a case and compares.
/// </summary>
public abstract class ResultSource
{
    /// <summary>The name report rows use.</summary>
    public abstract string Name { get; }

    /// <summary>The versions that decide its results.</summary>
    public virtual IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string>();

    /// <summary>Multiplier of the sound bound when this side is the reference.</summary>
    public virtual double BoundFactor => 1.0;

    /// <summary>Whether its results are bitwise those of the definition (engines), so two such sides must agree bitwise.</summary>
    public virtual bool IsDefinition => false;

    /// <summary>
    /// Whether it computes each direction on its own, so that asking for one direction at a time costs nothing more (an
    /// engine, but not an oracle whose one autograd pass gives all of them). The pipeline then asks for each direction
    /// just before comparing it and keeps only that one.
    /// </summary>
    public virtual bool ComputesDirectionsAlone => false;

    /// <summary>The results for <paramref name="directions"/>: each is in <see cref="SourceResults{T}.Values"/> or <see cref="SourceResults{T}.Absent"/>.</summary>
    /// <remarks>
    /// Exceptions mean the case could not be checked: the pipeline turns them into error rows, of unusable input (an oracle
    /// that rejects the problem) or of an oracle's failure (<see cref="ErrorCauses.Of"/>: torch raising, a time limit passed).
    /// </remarks>
    public abstract SourceResults<T> Produce<T>(LoadedCase<T> c, IReadOnlyList<Direction> directions) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The memory layout it computes in, as <see cref="SourceInfo.Layout"/> records it; null for NC(D)(H)W or none.</summary>
    public virtual string? Layout => null;

    /// <summary>The packs whose results it gives, as <see cref="SourceInfo.Packs"/> records them; null for a side that reads none.</summary>
    public virtual IReadOnlyList<PackIdentity>? Packs => null;

    /// <summary>For reports.</summary>
    public SourceInfo Info() => new()
    {
        Name = Name, Versions = new SortedDictionary<string, string>(Versions.ToDictionary(), StringComparer.Ordinal), Layout = Layout,
        Packs = Packs is { } packs ? [.. packs] : null,
    };
}
