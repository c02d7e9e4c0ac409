using ConvVerify.Cases;
using ConvVerify.Fixtures;

namespace ConvVerify.Runs;

/// <summary>Building blocks of plans over packs: reading their cases, checking their integrity, naming what they hold.</summary>
public static class Plans
{
    /// <summary>
    /// Every case of the pack (or those of <paramref name="ids"/>); a broken case.json becomes an error row (and the rest
    /// still run). A direction whose result file the pack's integrity check found missing, or (unless
    /// <paramref name="compareCorrupt"/>) differing from its sha256, is left out of its case: that check's row reports
    /// the file (<see cref="OpenChecked"/>).
    /// </summary>
    /// <param name="pack">The pack, its integrity checked.</param>
    /// <param name="warnings">Where what case.json says of itself goes (an unknown fill).</param>
    /// <param name="errors">Where a row for each case.json that cannot be read goes.</param>
    /// <param name="ids">The cases to read; null for every case of the pack.</param>
    /// <param name="compareCorrupt">
    /// Whether a result file that fails its sha256 is still compared: true only where the pack is what is checked
    /// (<c>fixtures check</c>, which shows which directions the corruption breaks); where the pack is the oracle its
    /// results are what the subject is judged by, and one from a corrupt file blamed the subject for the file.
    /// </param>
    public static IReadOnlyList<CaseEntry> ReadCases(FixturePack pack, List<string> warnings, List<RunRow> errors, IReadOnlyCollection<string>? ids = null, bool compareCorrupt = false)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(warnings);
        ArgumentNullException.ThrowIfNull(errors);
        var cases = new List<CaseEntry>();
        foreach (string id in pack.CaseIds)
        {
            if (ids is not null && !ids.Contains(id)) continue;
            try
            {
                var c = pack.ReadCase(id, warnings);
                // A result file the integrity check found missing is its row about the pack's files (a FAIL where the pack
                // is checked, an ERROR where it is the oracle); its direction left in, the same file was also reported as
                // "not in pack", which reads as a pack that never held it, and under --require all failed the run twice.
                // A corrupt one where the pack is the oracle alike: compared, its bytes were the expected values of a FAIL
                // blamed on the engine, said beside the file's own row as "1 direction failed".
                var missing = Cases.Directions.For(c.Problem)
                    .Where(d => pack.FoundMissing(id, d.TensorName() + ".npy") || (!compareCorrupt && pack.FoundCorrupt(id, d.TensorName() + ".npy"))).ToList();
                cases.Add(new CaseEntry(c, pack) { LeftOut = missing });
            }
            catch (FixtureException e)
            {
                errors.Add(new RunRow
                {
                    Case = id, Descriptor = "?", DType = "?", Fill = "?", Direction = "*", Reference = "pack", Subject = RunRow.NoSubject,
                    Outcome = Outcome.Error, Cause = ErrorCause.Input, Reason = e.Message,
                });
            }
        }
        return cases;
    }

    /// <summary>How the reason of a row about a file that fails its manifest's sha256 begins.</summary>
    public const string CorruptPrefix = "corrupt: ";

    /// <summary>The case of the rows about a pack's files rather than one of its cases (a file that fails its sha256).</summary>
    public const string PackCase = "(pack)";

    /// <summary>
    /// Opens a pack and checks it is whole: every file that is missing or fails its sha256 becomes a row with
    /// <paramref name="corrupt"/> as its outcome (an error where the pack serves as the oracle, a failure where the pack is
    /// what is checked), so a corrupted pack can never pass.
    /// </summary>
    public static FixturePack OpenChecked(string directory, List<string> warnings, List<RunRow> errors, Outcome corrupt = Outcome.Error)
    {
        ArgumentNullException.ThrowIfNull(warnings);
        ArgumentNullException.ThrowIfNull(errors);
        var pack = FixturePack.Open(directory);
        warnings.AddRange(pack.Warnings);
        foreach (string broken in pack.CheckIntegrity())
            errors.Add(new RunRow
            {
                Case = PackCase, Descriptor = "-", DType = "-", Fill = "-", Direction = "*", Reference = "pack", Subject = RunRow.NoSubject,
                // Every ERROR row a run writes says its cause (report-schema.md); a missing one is how reports from before read.
                Outcome = corrupt, Cause = corrupt == Outcome.Error ? ErrorCause.Input : null, Reason = CorruptPrefix + broken,
            });
        return pack;
    }

    /// <summary>The results of the packs as a reference: "<paramref name="label"/> (oracle that made them)".</summary>
    /// <param name="packs">The packs.</param>
    /// <param name="label">What to call them, e.g. "committed packs"; by default "pack FOLDER" for one pack, "packs" for several.</param>
    public static PackSource Reference(IReadOnlyList<FixturePack> packs, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(packs);
        label ??= packs.Count == 1 ? $"pack {packs[0].Directory}" : "packs";
        var manifests = packs.Select(p => p.Manifest).OfType<Manifest>().ToList();
        var oracles = manifests.Select(m => m.OracleName).Distinct().ToList();
        string name = oracles.Count == 1 ? $"{label} ({oracles[0]})" : label;
        var versions = manifests.Count > 0 && manifests.All(m => m.Versions.SequenceEqual(manifests[0].Versions)) ? manifests[0].Versions : null;
        return new PackSource(name, versions, [.. packs.Select(PackIdentity.Of)]);
    }

    /// <summary>Every case of the packs, in pack order, each paired with its pack.</summary>
    public static IReadOnlyList<CaseEntry> ReadCases(IEnumerable<FixturePack> packs, List<string> warnings, List<RunRow> errors) =>
        [.. packs.SelectMany(p => ReadCases(p, warnings, errors))];

    /// <summary>Whether a case matches a wanted problem and fill (a wanted problem without a name matches whatever the catalog called it).</summary>
    /// <remarks><see cref="CaseSelection.InPacks(IReadOnlyList{CaseEntry}, string)"/> looks cases up by this rule through an index: a change here is a change there.</remarks>
    public static bool Matches(ConvCase wanted, ConvCase have)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(have);
        return wanted.Fill == have.Fill
            && (wanted.Problem.Name is null ? wanted.Problem.Equals(have.Problem.WithName(null)) : wanted.Problem.Equals(have.Problem));
    }
}
