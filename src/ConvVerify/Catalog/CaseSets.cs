using System.Reflection;
using ConvVerify.Cases;
using ConvVerify.Problems;

namespace ConvVerify.Catalog;

/// <summary>
/// The named case sets: benchdnn shape files kept in <c>src/ConvVerify/Catalog/Sets/</c> and embedded in the assembly.
/// </summary>
public static class CaseSets
{
    /// <summary>Sets committed as fixture packs and snapshots (small enough for every dtype and fill).</summary>
    public static IReadOnlyList<string> Committed { get; } = ["question", "basic", "pytorch"];

    /// <summary>Every set, committed ones first.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Committed, "resnet50", "resnet50_mb16"];

    /// <summary>The shape-file text of a set.</summary>
    /// <exception cref="ArgumentException">No set of that name; the message lists the known ones.</exception>
    public static string Text(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var stream = typeof(CaseSets).Assembly.GetManifestResourceStream($"ConvVerify.Catalog.Sets.{name}.txt");
        if (stream is null || !All.Contains(name))
            throw new ArgumentException($"set: unknown case set '{name}' (known: {string.Join(", ", All)})", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Every case of a set as committed: float32, float64 and bfloat16, integer and normal fill, the default seed.</summary>
    public static IReadOnlyList<ConvCase> AllVariants(string name) =>
        ConvCase.Expand(Load(name), DTypes.Default, [Fill.Integer, Fill.Normal]);

    /// <summary>The problems of a set, in file order.</summary>
    /// <exception cref="ArgumentException">Unknown set, or a bad line in it.</exception>
    public static IReadOnlyList<ConvProblem> Load(string name, DType dtype = DType.Float32) =>
        BatchFile.Parse(Text(name), $"set '{name}'", dtype);
}
