using System.Reflection;
using System.Text;
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
    /// <exception cref="InvalidDataException">The set's embedded file is not UTF-8 (<see cref="Decode"/>).</exception>
    public static string Text(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string resource = $"ConvVerify.Catalog.Sets.{name}.txt";
        // The name is checked before it goes into a resource's name: only a known set's is opened.
        using var stream = All.Contains(name) ? typeof(CaseSets).Assembly.GetManifestResourceStream(resource) : null;
        if (stream is null)
            throw new ArgumentException($"set: unknown case set '{name}' (known: {string.Join(", ", All)})", nameof(name));
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return Decode(bytes.ToArray(), resource);
    }

    /// <summary>
    /// The text of an embedded shape file's <paramref name="bytes"/>, decoded strictly as every other text file ConvVerify
    /// reads is (<see cref="Utf8Text"/>: a leading UTF-8 BOM dropped, anything else not UTF-8 refused).
    /// </summary>
    /// <remarks>
    /// Decoded leniently (a <see cref="StreamReader"/>'s default), a bad byte committed to a set became U+FFFD and the set
    /// was read as something its file does not say; refused, it names the resource and the byte offset.
    /// </remarks>
    /// <param name="bytes">The resource's bytes.</param>
    /// <param name="resource">The manifest resource's name, for the refusal: "ConvVerify.Catalog.Sets.basic.txt".</param>
    /// <exception cref="InvalidDataException">The bytes are not UTF-8: "{resource}: not UTF-8: byte offset 17 (line 2) ...".</exception>
    internal static string Decode(byte[] bytes, string resource)
    {
        if (!Utf8Text.TryText(bytes, "shape file", out var text, out string? refusal))
            throw new InvalidDataException($"{resource}: {refusal}");
        return Encoding.UTF8.GetString(text.Span);
    }

    /// <summary>Every case of a set as committed: float32, float64 and bfloat16, integer and normal fill, the default seed.</summary>
    public static IReadOnlyList<ConvCase> AllVariants(string name) =>
        ConvCase.Expand(Load(name), DTypes.Default, [Fill.Integer, Fill.Normal]);

    /// <summary>The problems of a set, in file order.</summary>
    /// <exception cref="ArgumentException">Unknown set, or a bad line in it, or a problem listed twice (<see cref="Parse"/>).</exception>
    public static IReadOnlyList<ConvProblem> Load(string name, DType dtype = DType.Float32) => Parse(Text(name), name, dtype);

    /// <summary>
    /// The problems of the shape file <paramref name="text"/> of set <paramref name="name"/>, each of which must make a case
    /// of its own.
    /// </summary>
    /// <remarks>
    /// A line repeated was a second case of the same id: the run's selection dropped it in silence, while regenerating
    /// the packs wrote the sets before it and then stopped at it, leaving packs of two generations. The catalog is ours,
    /// so a repeat is refused wherever the set is read, naming both lines.
    /// </remarks>
    /// <exception cref="DescriptorException">A bad line, or two lines making the same case: "set 'pytorch':81: the same
    /// case as line 80 (...)".</exception>
    internal static IReadOnlyList<ConvProblem> Parse(string text, string name, DType dtype = DType.Float32)
    {
        string source = $"set '{name}'";
        var problems = BatchFile.Parse(text, source, dtype);
        var ids = problems.Select(p => ConvCase.IdOf(p, Fill.Integer)).ToList();
        if (ids.Distinct(StringComparer.OrdinalIgnoreCase).Count() == ids.Count) return problems;
        // Parse takes every entry, so its problems are the entries in order: each one's line is its entry's.
        var lines = BatchFile.ReadText(text, source, null).Select(e => e.Line).ToList();
        var first = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < ids.Count; i++)
        {
            if (first.TryAdd(ids[i], i)) continue;
            int j = first[ids[i]];
            string how = ids[i] == ids[j] ? $"the same case as line {lines[j]} ({problems[i]}: identical ids)"
                : $"a case whose id equals line {lines[j]}'s up to letter case ({ids[j]} and {ids[i]}: one folder where names ignore case)";
            throw new DescriptorException($"{source}:{lines[i]}: {how}; a set lists each problem once: remove one of the lines "
                + $"(src/ConvVerify/Catalog/Sets/{name}.txt)");
        }
        return problems;
    }
}
