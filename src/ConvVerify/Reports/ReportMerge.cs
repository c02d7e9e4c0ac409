using System.Globalization;
using ConvVerify.Runs;

namespace ConvVerify.Reports;

/// <summary>Shard reports combined into the report of the whole run, after checking they are the shards of one run.</summary>
public static class ReportMerge
{
    // Shards named in a refusal (missing, or given more than once); the rest are counted.
    private const int MostListed = 10;

    // The first of a long list, then how many more: a thousand shards given twice, or two billion missing, each listed
    // whole was a message nobody reads (and the missing ones 8 GB of it).
    private static string Listed(IReadOnlyList<string> shown, long total) =>
        string.Join(", ", shown) + (total > shown.Count ? string.Create(CultureInfo.InvariantCulture, $" and {total - shown.Count:N0} more") : "");

    /// <summary>
    /// Merges shard reports: the rows about the pack every shard holds once, then the cases' rows in shard order;
    /// warnings once each, times added up.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The reports are not the shards of one run: another command, subject (its versions included), references (the
    /// sha256 of their packs' manifests included, <see cref="SourceInfo.Packs"/>), selection or option deciding the verdict (the first
    /// mismatch is named), another shard count, a shard twice, or missing shards (the first ten listed, the rest counted); or a shard is not what its run
    /// wrote: a summary (<see cref="RunReport.WrittenSummary"/>) its rows disagree with, a row twice, a case of another
    /// shard, rows about the pack unlike the other shards', fewer or more cases in all than the selection holds, or
    /// cases that are not the selection's (<see cref="RunReport.SelectionSetHash"/>, which a report from before it was
    /// recorded has not: refused too), or a shard without <see cref="RunReport.CaseDirections"/> (from before it was
    /// recorded); or times that add up past what a double holds.
    /// </exception>
    public static RunReport Merge(IReadOnlyList<(string Path, RunReport Report)> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0) throw new ArgumentException("report merge: no shard reports given");
        var (firstPath, first) = shards[0];
        var parsed = new List<(string Path, RunReport Report, Shard Shard)>();
        foreach (var (path, r) in shards)
        {
            if (r.Command != first.Command) throw new ArgumentException($"{path}: a '{r.Command}' report, but {firstPath} is '{first.Command}'");
            if (r.SelectionHash != first.SelectionHash || r.SelectionCases != first.SelectionCases)
                throw new ArgumentException(AnotherSelection(path, r, firstPath, first, $"{r.SelectionCases} cases, hash {Short(r.SelectionHash)}", $"{first.SelectionCases} cases, hash {Short(first.SelectionHash)}"));
            // The subject with its versions, as the references: a shard run with another torch (or other CPU kernels) checked
            // other code, and the merged report named only the first shard's. Compared field by field, said as the summary
            // line says them, with the layout each computed in: a shard run with --layout channels-last checked other
            // kernels than one without.
            if (!SameSource(r.Subject, first.Subject) || r.References.Count != first.References.Count || r.References.Zip(first.References).Any(z => !SameSource(z.First, z.Second)))
                throw new ArgumentException($"{path}: checked {Side(r.Subject)} against {Refs(r)}, but {firstPath} checked {Side(first.Subject)} against {Refs(first)}");
            if (OtherPacks(path, r, firstPath, first) is { } packs) throw new ArgumentException(packs);
            // Every shard of a run skips the same problems: sharding splits the cases, not the selection. Where they were
            // named is not compared: a batch file's path depends on the machine and the folder each shard ran in.
            if (!r.SkippedByKind.SequenceEqual(first.SkippedByKind))
                throw new ArgumentException($"{path}: shard of another selection (skipped {Kinds(r)}) than {firstPath} (skipped {Kinds(first)})");
            if (r.Skipped.Zip(first.Skipped).FirstOrDefault(z => !SameSkip(z.First, z.Second)) is ({ } mine, { } theirs))
                throw new ArgumentException($"{path}: shard of another selection (skipped {mine.Descriptor}, {mine.Kind}: {mine.Reason}) than {firstPath} (skipped {theirs.Descriptor}, {theirs.Kind}: {theirs.Reason} there)");
            // The merged report takes one shard's options and judges every row by them: rows judged by others would
            // pass or fail by which file came first.
            if (VerdictOptions(r).Zip(VerdictOptions(first)).FirstOrDefault(z => z.First != z.Second) is ({ } option, { } firstOption))
                throw new ArgumentException($"{path}: run with {option}, but {firstPath} with {firstOption}: the shards of one run share the options that decide its verdict");
            // Said of the whole selection (a batch file's --dir=), so alike in every shard of a run; the reader holds
            // each shard's case_directions to it.
            if (r.DirectionsSelected != first.DirectionsSelected)
                throw new ArgumentException($"{path}: directions_selected is {Said(r.DirectionsSelected)}, but in {firstPath} {Said(first.DirectionsSelected)}: "
                    + (r.DirectionsSelected is null || first.DirectionsSelected is null
                        ? "a report from before it was recorded (2026-12-02) cannot show that its cases were checked in every direction; run the shard again"
                        : "shards of another selection (a batch file's --dir=)"));
            CheckSummary(path, r);
            // Which directions each case was checked in is how a shard's cut rows are seen (the reader checks them
            // against it): a shard without it cannot be checked so.
            if (r.CaseDirections is null)
                throw new ArgumentException($"{path}: no case_directions (a report from before it was recorded, 2026-12-02): the merge cannot check that no direction's rows were cut from a case; run the shard again");
            Shard shard;
            try
            {
                shard = Shard.Parse(r.Shard);
            }
            catch (ArgumentException e)
            {
                // Plain: Shard.Parse's parameter name is C#'s, nothing a user of the report can act on.
                throw new ArgumentException($"{path}: {Problems.ErrorText.Plain(e)}", e);
            }
            parsed.Add((path, r, shard));
        }
        int n = parsed[0].Shard.Count;
        if (parsed.FirstOrDefault(p => p.Shard.Count != n) is { Path: not null } other)
            throw new ArgumentException($"{other.Path}: shard {other.Shard} of {other.Shard.Count}, but {parsed[0].Path} is one of {n}");
        if (parsed.GroupBy(p => p.Shard.Index).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            // Counted and its files listed as the missing ones are: "given twice" over three files said less than was so,
            // and a shard given a thousand times listed every file.
            int times = twice.Count();
            string count = times == 2 ? "twice" : string.Create(CultureInfo.InvariantCulture, $"{times:N0} times");
            throw new ArgumentException($"shard {twice.Key}/{n} given {count}: {Listed([.. twice.Take(MostListed).Select(p => p.Path)], times)}");
        }
        // Every index is in 1..n and given once (above), so n less the shards given are missing. Only the first few are
        // looked for, found within as many steps as there are files: a shard "1/2147483647" (a count --shard takes) had
        // the two billion others listed, 8 GB of them, and the merge ran out of memory instead of saying so.
        long missing = (long)n - parsed.Count;
        if (missing > 0)
        {
            var given = parsed.Select(p => p.Shard.Index).ToHashSet();
            var named = new List<long>();
            for (long i = 1; i <= n && named.Count < MostListed; i++)
                if (!given.Contains((int)i)) named.Add(i);
            throw new ArgumentException($"the shards do not cover the run: missing {Listed([.. named.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i}/{n}"))], missing)}");
        }
        var ordered = parsed.OrderBy(p => p.Shard.Index).ToList();
        CheckSelectionSet(ordered);
        var beforeRun = CheckRows(ordered, first.SelectionCases);
        CheckCasesAreTheSelection(ordered);
        double seconds = ordered.Sum(p => p.Report.Seconds);
        // Each shard's time is at most RunReport.MaxSeconds (the reader refuses others), but their sum need not be:
        // written, "Infinity" was a report (and a JUnit time) that report merge itself refuses to read back.
        if (!(seconds <= RunReport.MaxSeconds))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"the shards ran {seconds} seconds in all ({string.Join(", ", ordered.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Path}: {p.Report.Seconds}")))}): not a time, so not the reports of one run"));
        return new RunReport
        {
            Command = first.Command,
            Subject = first.Subject,
            References = first.References,
            Requirement = first.Requirement,
            Strict = first.Strict,
            RequireComparison = first.RequireComparison,
            ToleranceMode = first.ToleranceMode,
            Seed = first.Seed,
            Shard = Shard.All.ToString(),
            SelectionCases = first.SelectionCases,
            SelectionHash = first.SelectionHash,
            SelectionSetHash = first.SelectionSetHash,
            Started = ordered.Min(p => p.Report.Started) ?? first.Started,
            Seconds = seconds,
            Warnings = [.. ordered.SelectMany(p => p.Report.Warnings).Distinct()],
            Skipped = [.. first.Skipped],
            SkippedByKind = new(first.SkippedByKind, StringComparer.Ordinal),
            // Each listed case is one of its shard's rows (the reader checks it), so each is in one shard only.
            DirectionsSelected = first.DirectionsSelected,
            CaseDirections = new(ordered.SelectMany(p => p.Report.CaseDirections!).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal), StringComparer.Ordinal),
            Rows = [.. beforeRun, .. ordered.SelectMany(p => p.Report.Rows.Where(r => r.Subject != RunRow.NoSubject))],
        };
    }

    // A reference's packs by the sha256 of each one's manifest.json, which lists every file's: a pack regenerated (or
    // edited, its manifest rehashed) at the same folder between two CI jobs was merged as one run, its shards judged
    // against other results. The folders are said, not compared: a committed pack's depends on the machine, and a
    // --pack folder is in the reference's name already.
    private static string? OtherPacks(string path, RunReport r, string firstPath, RunReport first)
    {
        foreach (var (mine, theirs) in r.References.Zip(first.References))
        {
            if (mine.Packs is null && theirs.Packs is null) continue;
            if (mine.Packs is null || theirs.Packs is null)
            {
                var (without, with) = mine.Packs is null ? (path, firstPath) : (firstPath, path);
                return $"{without}: records no manifest sha256 of the packs of {mine.Name} (a report from before it was recorded, 2026-12-02), but {with} does: "
                    + "the merge cannot check that the shards read the same packs; run the shard again";
            }
            if (mine.Packs.Count != theirs.Packs.Count)
                return $"{path}: {mine.Name} read {Counted.Of(mine.Packs.Count, "pack")}, but in {firstPath} {Counted.Of(theirs.Packs.Count, "pack")}: the shards of one run read the same packs";
            for (int i = 0; i < mine.Packs.Count; i++)
            {
                var (a, b) = (mine.Packs[i], theirs.Packs[i]);
                if (a.ManifestSha256 == b.ManifestSha256) continue;
                return $"{path}: read the pack {Folder(a)} with {ManifestOf(a)}, but {firstPath} read the pack {Folder(b)} with {ManifestOf(b)}: "
                    + "the pack changed between the shards (regenerated, or edited and its manifest rehashed), so they were judged against other results; run every shard against one pack";
            }
        }
        return null;
    }

    private static string Said(bool? selected) => selected switch { null => "not recorded", true => "true", false => "false" };

    // A folder is cut where a path ends at the latest (Linux's PATH_MAX), not at a quoted text's 80 characters: a temporary
    // folder's path is longer, and the pack is what the message names.
    private static string Folder(PackIdentity p) => ReportChecks.Printable(p.Folder, 4096);

    private static string ManifestOf(PackIdentity p) => p.ManifestSha256 is { } sha ? $"manifest.json sha256 {sha}" : "no manifest.json";

    private static bool SameSource(SourceInfo a, SourceInfo b) =>
        a.Name == b.Name && a.Layout == b.Layout && a.Versions.SequenceEqual(b.Versions);

    private static string Side(SourceInfo s) => s.Describe() + (s.Layout is { } layout ? " in " + layout : "");

    private static string Refs(RunReport r) => string.Join(", ", r.References.Select(Side));

    private static string Short(string hash) => hash[..Math.Min(12, hash.Length)];

    // selection_hash is of the ids in plan order, which the rows do not keep: the merge can compare it between shards,
    // not rebuild it, and a case renamed in a shard (to an id hashing to the same shard) passed as one of the selection.
    // selection_set_hash is rebuilt from the rows, below; a shard without it (from before it was recorded) cannot be
    // checked so, and is refused rather than merged on its word.
    private static void CheckSelectionSet(List<(string Path, RunReport Report, Shard Shard)> shards)
    {
        var (firstPath, first, _) = shards[0];
        foreach (var (path, r, _) in shards)
        {
            if (r.SelectionSetHash.Length == 0)
                throw new ArgumentException($"{path}: no selection_set_hash (a report from before it was recorded, 2026-12-02): the merge cannot check that the shards' cases are the selection's; run the shard again");
            if (r.SelectionSetHash != first.SelectionSetHash)
                throw new ArgumentException(AnotherSelection(path, r, firstPath, first, $"selection_set_hash {Short(r.SelectionSetHash)}", Short(first.SelectionSetHash)));
        }
    }

    // The cases of the rows (those about the pack aside, which may name a case that could not be read) are the
    // selection's, not only as many: recomputed from them, the set hash is the one every shard recorded.
    private static void CheckCasesAreTheSelection(List<(string Path, RunReport Report, Shard Shard)> shards)
    {
        string recorded = shards[0].Report.SelectionSetHash;
        string held = RunReport.SetHashOf(shards.SelectMany(s => s.Report.Rows).Where(r => r.Subject != RunRow.NoSubject).Select(r => r.Case));
        if (held != recorded)
            throw new ArgumentException($"the shards hold cases that are not the selection's: their ids hash to {Short(held)}, but selection_set_hash is {Short(recorded)}: "
                + "a shard holds a case the selection has not (a case renamed, or from another run) in place of one it has");
    }

    // Shards of other selections, said by what makes a selection of their command (the shards share their command):
    // soak has no packs or catalog, only random problems drawn from its --seed, which is said first where it differs (it
    // makes other cases, and decides the verdict as well); a check with a seed computed its cases with a live oracle;
    // the others read packs. "Not the same packs or catalog" was said of soak shards of another --seed or --cases.
    private static string AnotherSelection(string path, RunReport r, string firstPath, RunReport first, string mine, string theirs)
    {
        if (r.Seed != first.Seed)
            return $"{path}: run with {SeedOf(r)}, but {firstPath} with {SeedOf(first)}: the shards of one run are of one seed, which makes their cases and inputs";
        string what = r.Command switch
        {
            RunCommands.Soak => "another --cases, --dtype or --fill",
            RunCommands.Check when r.Seed is not null => "other cases (--set, --batch, descriptors, --random, --mb, --max-macs, --dtype or --fill)",
            RunCommands.Check => "other packs, or other cases of them (--pack, --set, --batch, descriptors, --max-macs, --dtype or --fill)",
            RunCommands.VerifyImpl => "another pack, or other cases of it (--max-macs, --dtype or --fill)",
            _ => "another pack",
        };
        return $"{path}: shard of another selection ({mine}) than {firstPath} ({theirs}): {what}";
    }

    private static string SeedOf(RunReport r) => r.Seed is { } seed ? string.Create(CultureInfo.InvariantCulture, $"--seed {seed}") : "no --seed recorded";

    // Every option the exit code depends on beyond the rows themselves, as the command line says it.
    private static string[] VerdictOptions(RunReport r) =>
    [
        r.Requirement == Requirement.Any ? "--require any" : "--require all",
        r.Strict ? "--strict" : "no --strict",
        r.ToleranceMode is { } mode ? "--tolerance " + mode : "no --tolerance recorded",
        SeedOf(r),
        r.RequireComparison ? "a comparison required" : "no comparison required",
    ];

    // A shard's summary is what its own run decided; rows that no longer give it were cut, added to or edited since.
    // A report made in memory has only its rows (a caller reading files requires the summary; report merge does).
    private static void CheckSummary(string path, RunReport r)
    {
        if (ReportChecks.SummaryDisagreement(r) is { } why) throw new ArgumentException($"{path}: {why}: not the report --json wrote");
    }

    /// <summary>
    /// Checks the shards' rows together: the rows about the pack (made before sharding) alike in every shard; each of
    /// the other rows once, its case in its own shard only; and as many cases in all as the selection holds. Returns
    /// the rows about the pack, to be kept once.
    /// </summary>
    private static List<RunRow> CheckRows(List<(string Path, RunReport Report, Shard Shard)> shards, int selectionCases)
    {
        var (firstPath, first, _) = shards[0];
        var beforeRun = first.Rows.Where(r => r.Subject == RunRow.NoSubject).ToList();
        var owner = new Dictionary<string, Shard>(StringComparer.Ordinal);
        foreach (var (path, report, shard) in shards)
        {
            var mine = report.Rows.Where(r => r.Subject == RunRow.NoSubject).ToList();
            if (!mine.Select(Key).SequenceEqual(beforeRun.Select(Key)))
                throw new ArgumentException($"{path}: {mine.Count} rows about the pack (subject \"{RunRow.NoSubject}\"), unlike the {beforeRun.Count} of {firstPath}: every shard of a run holds the same");
            var seen = new HashSet<(string, string, string, string)>();
            foreach (var row in report.Rows.Where(r => r.Subject != RunRow.NoSubject))
            {
                if (!seen.Add((row.Case, row.Direction, row.Subject, row.Reference)))
                    throw new ArgumentException($"{path}: the row of case {row.Case} {row.Direction} ({row.Subject} against {row.Reference}) is there twice");
                if (!shard.Contains(row.Case))
                {
                    var home = Enumerable.Range(1, shard.Count).Select(i => new Shard(i, shard.Count)).First(s => s.Contains(row.Case));
                    var (homePath, homeReport, _) = shards.First(s => s.Shard == home);
                    string also = homeReport.Rows.Any(r => r.Case == row.Case) ? $"; it is also in {homePath}" : "";
                    throw new ArgumentException($"{path}: case {row.Case} belongs to shard {home}, not {shard}{also}");
                }
                owner.TryAdd(row.Case, shard);
            }
        }
        if (owner.Count != selectionCases)
        {
            string each = string.Join(", ", shards.Select(s => string.Create(CultureInfo.InvariantCulture,
                $"{s.Shard} {s.Path}: {owner.Values.Count(o => o == s.Shard)}")));
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"the shards hold {owner.Count} cases, the selection {selectionCases} ({each}): a shard lost rows, or holds a case the selection has not"));
        }
        return beforeRun;
    }

    private static (string, string, Outcome, string) Key(RunRow r) => (r.Case, r.Direction, r.Outcome, r.Reason);

    private static string Kinds(RunReport r) =>
        r.SkippedByKind.Count == 0 ? "nothing" : string.Join(", ", r.SkippedByKind.Select(kv => $"{kv.Value} {kv.Key}"));

    private static bool SameSkip(SkippedProblem a, SkippedProblem b) => a.Descriptor == b.Descriptor && a.Kind == b.Kind && a.Reason == b.Reason;
}
