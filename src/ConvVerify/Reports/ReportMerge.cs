using ConvVerify.Runs;

namespace ConvVerify.Reports;

/// <summary>Shard reports combined into the report of the whole run, after checking they are the shards of one run.</summary>
public static class ReportMerge
{
    /// <summary>Merges shard reports: rows in shard order, warnings once each, times added up.</summary>
    /// <exception cref="ArgumentException">
    /// The reports are not the shards of one run: another command or selection (the first mismatch is named), another
    /// shard count, a shard twice, or missing shards (listed).
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
                throw new ArgumentException($"{path}: shard of another selection ({r.SelectionCases} cases, hash {r.SelectionHash[..Math.Min(12, r.SelectionHash.Length)]}) than {firstPath} ({first.SelectionCases} cases, hash {first.SelectionHash[..Math.Min(12, first.SelectionHash.Length)]}): not the same packs or catalog");
            string refs(RunReport x) => string.Join(", ", x.References.Select(s => s.Describe()));
            if (refs(r) != refs(first) || r.Subject.Name != first.Subject.Name)
                throw new ArgumentException($"{path}: checked {r.Subject.Name} against {refs(r)}, but {firstPath} checked {first.Subject.Name} against {refs(first)}");
            // Every shard of a run skips the same problems: sharding splits the cases, not the selection. Where they were
            // named is not compared: a batch file's path depends on the machine and the folder each shard ran in.
            if (!r.SkippedByKind.SequenceEqual(first.SkippedByKind))
                throw new ArgumentException($"{path}: shard of another selection (skipped {Kinds(r)}) than {firstPath} (skipped {Kinds(first)})");
            if (r.Skipped.Zip(first.Skipped).FirstOrDefault(z => !SameSkip(z.First, z.Second)) is ({ } mine, { } theirs))
                throw new ArgumentException($"{path}: shard of another selection (skipped {mine.Descriptor}, {mine.Kind}: {mine.Reason}) than {firstPath} (skipped {theirs.Descriptor}, {theirs.Kind}: {theirs.Reason} there)");
            Shard shard;
            try
            {
                shard = Shard.Parse(r.Shard);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"{path}: {e.Message}", e);
            }
            parsed.Add((path, r, shard));
        }
        int n = parsed[0].Shard.Count;
        if (parsed.FirstOrDefault(p => p.Shard.Count != n) is { Path: not null } other)
            throw new ArgumentException($"{other.Path}: shard {other.Shard} of {other.Shard.Count}, but {parsed[0].Path} is one of {n}");
        if (parsed.GroupBy(p => p.Shard.Index).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"shard {twice.Key}/{n} given twice: {string.Join(", ", twice.Select(p => p.Path))}");
        var missing = Enumerable.Range(1, n).Except(parsed.Select(p => p.Shard.Index)).ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"the shards do not cover the run: missing {string.Join(", ", missing.Select(i => $"{i}/{n}"))}");
        var ordered = parsed.OrderBy(p => p.Shard.Index).ToList();
        return new RunReport
        {
            Command = first.Command,
            Subject = first.Subject,
            References = first.References,
            Requirement = first.Requirement,
            Strict = first.Strict,
            RequireComparison = first.RequireComparison,
            Shard = Shard.All.ToString(),
            SelectionCases = first.SelectionCases,
            SelectionHash = first.SelectionHash,
            Started = ordered.Min(p => p.Report.Started) ?? first.Started,
            Seconds = ordered.Sum(p => p.Report.Seconds),
            Warnings = [.. ordered.SelectMany(p => p.Report.Warnings).Distinct()],
            Skipped = [.. first.Skipped],
            SkippedByKind = new(first.SkippedByKind, StringComparer.Ordinal),
            Rows = [.. ordered.SelectMany(p => p.Report.Rows)],
        };
    }

    private static string Kinds(RunReport r) =>
        r.SkippedByKind.Count == 0 ? "nothing" : string.Join(", ", r.SkippedByKind.Select(kv => $"{kv.Value} {kv.Key}"));

    private static bool SameSkip(SkippedProblem a, SkippedProblem b) => a.Descriptor == b.Descriptor && a.Kind == b.Kind && a.Reason == b.Reason;
}
