using ConvVerify.Cases;
using ConvVerify.Fixtures;
using ConvVerify.Problems;

namespace ConvVerify.Runs;

/// <summary>
/// Whether a committed pack holds exactly its catalog set's cases (<see cref="Catalog.CaseSets.AllVariants"/>), as
/// <c>check</c> requires of the packs it reads by default: a pack left behind by a catalog change, or written over with
/// other cases, made <c>check</c> pass over the cases it happened to hold, and only the test suite noticed.
/// </summary>
public static class CommittedCoverage
{
    /// <summary>What a committed pack holds of its set, for messages.</summary>
    public const string Described = "float32, float64 and bfloat16, integer and normal fill, the default seed";

    /// <summary>The most case ids a message lists of each kind; the rest are counted.</summary>
    public const int ListedIds = 3;

    /// <summary>
    /// How the committed pack <paramref name="pack"/> of set <paramref name="set"/> departs from the set's cases
    /// <paramref name="expected"/>, or null when it holds exactly them: no manifest (nothing of it is hashed), results of
    /// an oracle other than torch, cases missing, cases not in the set, cases whose case.json says another problem, fill
    /// or seed than the catalog's case of that id.
    /// </summary>
    /// <param name="set">The set's name, for the message.</param>
    /// <param name="expected">The set's cases as the catalog makes them today.</param>
    /// <param name="pack">The pack.</param>
    /// <param name="read">The pack's cases as read (a case whose case.json could not be read is left out: its own error says so).</param>
    public static string? Mismatch(string set, IReadOnlyList<ConvCase> expected, FixturePack pack, IEnumerable<ConvCase> read)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(read);
        var parts = new List<string>();
        if (pack.Manifest is null) parts.Add("it has no manifest.json, so nothing of it is hashed");
        else if (pack.Manifest.OracleName != Oracles.TorchOracle.OracleName) parts.Add($"it holds results of oracle {pack.Manifest.OracleName}, not torch");
        var wanted = expected.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var held = pack.CaseIds.ToHashSet(StringComparer.Ordinal);
        var missing = expected.Select(c => c.Id).Where(id => !held.Contains(id)).ToList();
        var extra = pack.CaseIds.Where(id => !wanted.ContainsKey(id)).ToList();
        var different = read.Where(c => wanted.TryGetValue(c.Id, out var w) && !SameCase(c, w)).Select(c => $"{c.Id} ({Describe(c)} in the pack, {Describe(wanted[c.Id])} in the catalog)").ToList();
        if (missing.Count > 0) parts.Add($"{Counted.Of(missing.Count, "case")} of the set {(missing.Count == 1 ? "is" : "are")} missing ({Listed(missing)})");
        if (extra.Count > 0) parts.Add($"{Counted.Of(extra.Count, "case")} {(extra.Count == 1 ? "is" : "are")} not in the set ({Listed(extra)})");
        if (different.Count > 0) parts.Add($"{Counted.Of(different.Count, "case")} {(different.Count == 1 ? "differs" : "differ")} from the catalog's ({Listed(different)})");
        if (parts.Count == 0) return null;
        return $"{PackPaths.Printable(pack.Directory)}: the committed pack of set '{set}' does not hold exactly the set's {Counted.Of(expected.Count, "case")} "
            + $"({Described}): {string.Join("; ", parts)}";
    }

    /// <summary>Whether two cases make the same inputs and results: the same problem (its name, dtype and bias included), fill and seed.</summary>
    public static bool SameCase(ConvCase a, ConvCase b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.Problem.Equals(b.Problem) && a.Fill == b.Fill && a.Seed == b.Seed;
    }

    private static string Describe(ConvCase c) =>
        $"{c.Problem} {DTypes.ShortName(c.Problem.DType)}{(c.Problem.HasBias ? "" : " without bias")} {ConvCase.FillName(c.Fill)} seed {c.Seed}";

    private static string Listed(IReadOnlyList<string> items) =>
        string.Join(", ", items.Take(ListedIds)) + (items.Count > ListedIds ? $" and {items.Count - ListedIds} more" : "");
}
