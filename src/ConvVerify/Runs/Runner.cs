using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Runs;

/// <summary>
/// The one run pipeline: cases → (shard) → inputs → every reference's and the subject's results → one compared row per
/// case × direction × reference → report. The only place where exceptions become rows.
/// </summary>
public static class Runner
{
    /// <summary>Runs the plan; <paramref name="progress"/> hears (done, total) after each case.</summary>
    public static RunReport Run(RunPlan plan, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.References.Count == 0) throw new ArgumentException("plan: at least one reference is needed", nameof(plan));
        var clock = Stopwatch.StartNew();
        var (skipped, skippedByKind) = RunReport.SkippedOf(plan.Skipped);
        var cases = plan.Cases.Where(e => plan.Shard.Contains(e.Case.Id)).ToList();
        var report = new RunReport
        {
            Command = plan.Command,
            Subject = plan.Subject.Info(),
            References = [.. plan.References.Select(r => r.Info())],
            Requirement = plan.Requirement,
            Strict = plan.Strict,
            RequireComparison = plan.RequireComparison,
            ToleranceMode = plan.ToleranceMode,
            Seed = plan.Seed,
            Shard = plan.Shard.ToString(),
            SelectionCases = plan.Cases.Count,
            SelectionHash = RunReport.HashOf(plan.Cases.Select(e => e.Case.Id)),
            SelectionSetHash = RunReport.SetHashOf(plan.Cases.Select(e => e.Case.Id)),
            Warnings = [.. plan.Warnings],
            Skipped = skipped,
            SkippedByKind = skippedByKind,
            CaseDirections = RunReport.CaseDirectionsOf(cases.Select(e => (e.Case.Id, (IReadOnlyCollection<Direction>)DirectionsOf(plan, e)))),
            // Of the whole selection, so that every shard of a run says the same.
            DirectionsSelected = plan.Cases.Any(e => SelectedDirections(plan, e).Count() < Cases.Directions.For(e.Case.Problem).Count),
            Rows = [.. plan.PlanningErrors],
        };
        for (int i = 0; i < cases.Count; i++)
        {
            report.Rows.AddRange(RunCase(plan, cases[i]));
            progress?.Invoke(i + 1, cases.Count);
        }
        report.Seconds = clock.Elapsed.TotalSeconds;
        return report;
    }

    /// <summary>The rows of one case (what <see cref="Run"/> does per case; tests call it directly).</summary>
    public static IReadOnlyList<RunRow> RunCase(RunPlan plan, CaseEntry entry)
    {
        // Stryker disable once Statement : without it the error row's own check refuses the null plan by the same name
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            return DTypes.Dispatch(entry.Case.Problem.DType, new CaseRun(plan, entry));
        }
        // An interrupt of the run's own thread is a request to stop, not a fault of the case: made a row, the run went
        // on to the next case as if nothing had asked it to end. Out of memory is the machine's state.
        catch (Exception e) when (e is not (OutOfMemoryException or ThreadInterruptedException))
        {
            // Unreadable pack files, problems an oracle rejects, inputs that cannot be generated: unusable input; torch or
            // ORT raising, a time limit passed, a library missing: the oracle failed, not the input. Said once, as which.
            return [ErrorRow(plan, entry.Case, "*", e.Message, ErrorCauses.Of(e)) with { BehindAbandonedCall = Oracles.LimitedCalls.IsBehindAbandonedCall(e) }];
        }
    }

    /// <summary>
    /// The directions a case is checked in: its problem's, within the plan's and its own selection (a benchdnn batch file's
    /// <c>--dir=</c>), less those its pack cannot give (<see cref="CaseEntry.LeftOut"/>: a result file found missing, or
    /// corrupt where the pack is the oracle). The report records them (<see cref="RunReport.CaseDirections"/>).
    /// </summary>
    public static List<Direction> DirectionsOf(RunPlan plan, CaseEntry entry)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(entry);
        return [.. SelectedDirections(plan, entry).Where(d => !entry.LeftOut.Contains(d))];
    }

    // The directions of a case's problem the plan's and the case's own selection ask for.
    private static IEnumerable<Direction> SelectedDirections(RunPlan plan, CaseEntry entry) =>
        Cases.Directions.For(entry.Case.Problem).Where(d => (plan.Directions?.Contains(d) ?? true) && (entry.Directions?.Contains(d) ?? true));

    /// <summary>A row for a case that could not be checked at all, for <paramref name="cause"/>.</summary>
    public static RunRow ErrorRow(RunPlan plan, ConvCase c, string direction, string reason, ErrorCause cause = ErrorCause.Input)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(c);
        return new RunRow
        {
            Case = c.Id, Descriptor = c.Problem.ToString(), DType = DTypes.ShortName(c.Problem.DType), Fill = ConvCase.FillName(c.Fill),
            Direction = direction, Reference = string.Join(",", plan.References.Select(r => r.Name)), Subject = plan.Subject.Name,
            Outcome = Outcome.Error, Reason = reason, Cause = cause,
        };
    }

    private sealed class CaseRun(RunPlan plan, CaseEntry entry) : IDTypeAction<IReadOnlyList<RunRow>>
    {
        public IReadOnlyList<RunRow> Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var clock = Stopwatch.StartNew();
            var loaded = Load<T>(entry);
            var directions = DirectionsOf(plan, entry);
            var references = plan.References.Select(r => (Source: r, Results: Produce(r, loaded, directions))).ToList();
            // A subject that computes directions one by one anyway is asked for each just before it is compared, so
            // only one of its results is alive at a time: of a 3-D layer, each is a gigabyte.
            bool oneByOne = plan.Subject.ComputesDirectionsAlone;
            var subject = oneByOne ? null : Produce(plan.Subject, loaded, directions);
            double shared = directions.Count == 0 ? 0 : clock.Elapsed.TotalSeconds / directions.Count;
            var rows = new List<RunRow>();
            // The directions two or more references computed: only there do oracles stand beside each other. Where one
            // alone did (ort declines bfloat16 beside torch), "agree" claimed a consensus of a single oracle.
            var beside = new HashSet<string>(StringComparer.Ordinal);
            foreach (var d in directions)
            {
                var own = Stopwatch.StartNew();
                var actual = subject ?? Produce(plan.Subject, loaded, [d]);
                if (references.Count(r => r.Results.Values.ContainsKey(d)) >= 2) beside.Add(d.TensorName());
                // The pairs compared: the subject with each reference, and with several, each reference with every later one.
                var pairs = references.Select(r => (Reference: r.Source, Expected: r.Results, Subject: plan.Subject, Actual: actual)).ToList();
                if (plan.CrossCheckReferences)
                {
                    for (int i = 0; i < references.Count; i++)
                        for (int j = i + 1; j < references.Count; j++)
                        {
                            // An oracle that is the subject itself (soak --oracle naive,exact) was compared with every other
                            // oracle just above: the pair again is a row of the same names, which a merge reads as one row twice.
                            if (references[i].Source.Name == plan.Subject.Name || references[j].Source.Name == plan.Subject.Name) continue;
                            pairs.Add((references[i].Source, references[i].Results, references[j].Source, references[j].Results));
                        }
                }
                // A row's seconds: the direction's share of the case's computation, and the subject's own for it, split
                // among the direction's rows, plus the row's own comparison. Each row given the whole share counted the
                // case's oracle calls once per row: with two oracles (three rows a direction) the rows added up to about
                // 2.4 times the run. So split, the rows of a run add up to its time, less what no case took.
                double seconds = (shared + own.Elapsed.TotalSeconds) / pairs.Count;
                foreach (var pair in pairs)
                    rows.Add(Row(loaded, d, pair.Reference, pair.Expected, pair.Subject, pair.Actual, seconds));
                // The direction is judged: its results are not needed again, and the next direction's bounds need the room.
                // Stryker disable all : how much was dropped only decides when to collect, a matter of memory, never of a result
                long dropped = 0;
                foreach (var results in references.Select(r => r.Results).Append(actual))
                    if (results.Values.Remove(d, out var values)) dropped += (long)values.Length * Unsafe.SizeOf<T>();
                Scratch.Reclaim(dropped);
                // Stryker restore all
            }
            if (references.Count < 2) return rows;
            // Every side agrees with every other on a direction, or the direction is in dispute: said on each of its rows.
            // A comparison not made (a side that declined or failed the direction) is neither; a direction only one
            // reference computed has no consensus to state, and says none.
            return [.. rows.Select(r => beside.Contains(r.Direction) ? r with
            {
                Consensus = rows.Where(o => o.Direction == r.Direction && o.Outcome is Outcome.Pass or Outcome.Fail or Outcome.Suspicious)
                    .All(o => o.Outcome == Outcome.Pass) ? "agree" : "disagree",
            } : r)];
        }

        // A source of another's making may break Produce's contract: no results at all, or a direction left without a
        // result or an absence (or with a null result), abandoned the whole case with the sentence of a
        // KeyNotFoundException or NullReferenceException, naming neither the source nor the direction.
        private static SourceResults<T> Produce<T>(ResultSource source, LoadedCase<T> c, IReadOnlyList<Direction> directions)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var results = source.Produce(c, directions);
            if (results is null) throw new InvalidOperationException($"source {source.Name} returned null, not its results");
            foreach (var d in directions)
            {
                if (results.Absent.ContainsKey(d) || results.Values.GetValueOrDefault(d) is not null) continue;
                results.Values.Remove(d);
                results.Absent[d] = new Absence(Outcome.Error, $"{d.TensorName()}: source {source.Name} gave neither a result nor the reason it has none");
            }
            return results;
        }

        private RunRow Row<T>(LoadedCase<T> c, Direction d, ResultSource reference, SourceResults<T> expected, ResultSource subject, SourceResults<T> actual, double shared)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var clock = Stopwatch.StartNew();
            var p = c.Case.Problem;
            // Stryker disable once String : every path below replaces the empty reason (absence, length, verdict)
            var row = new RunRow
            {
                Case = c.Case.Id, Descriptor = p.ToString(), DType = DTypes.ShortName(p.DType), Fill = ConvCase.FillName(c.Case.Fill),
                Direction = d.TensorName(), Reference = reference.Name, Subject = subject.Name, Outcome = Outcome.Pass, Reason = "",
            };
            if (expected.Absent.TryGetValue(d, out var missing) || actual.Absent.TryGetValue(d, out missing))
                return row with { Outcome = missing.Outcome, Reason = missing.Reason, Cause = missing.Outcome == Outcome.Error ? ErrorCause.Input : null, Seconds = shared };
            T[] e = expected.Values[d], a = actual.Values[d];
            if (a.Length != e.Length)
                return row with { Outcome = Outcome.Fail, Reason = $"{d.TensorName()}: {a.Length} elements, expected {e.Length}", Seconds = shared };
            var tolerance = (plan.ToleranceRule ?? RunPlan.DefaultTolerance)(c.Case, reference, subject);
            double factor = Math.Max(reference.BoundFactor, subject.BoundFactor);
            // With pictures, the ratios come from the comparison's own bounds rather than a second computation of them.
            var (v, ratios) = plan.ErrorMaps
                ? TensorComparison.CompareWithRatios<T>(p, d, c.Inputs, e, a, tolerance, factor, plan.BoundEngine)
                : (TensorComparison.Compare<T>(p, d, c.Inputs, e, a, tolerance, factor, plan.BoundEngine), null);
            return row with
            {
                Outcome = v.Passed ? Outcome.Pass : v.IsSuspicious ? Outcome.Suspicious : Outcome.Fail,
                Tolerance = v.Tolerance,
                Elements = v.Count,
                Failures = v.Failures + v.Suspicious,
                MaxAbsError = v.MaxAbsError,
                Ratio = v.WorstRatio,
                Worst = v.Worst is { } w ? WorstElement.From(w) : null,
                Reason = v.ToString(),
                Map = plan.ErrorMaps && !v.Passed && v.Worst is { } at
                    ? ErrorMap.From(ratios ?? new double[v.Count], d.ShapeOf(p), at.Position)
                    : null,
                Seconds = shared + clock.Elapsed.TotalSeconds,
            };
        }

        private static LoadedCase<T> Load<T>(CaseEntry e) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (e.Pack is null) return new LoadedCase<T>(e, e.Case.MakeInputs<T>(), new Dictionary<Direction, T[]>());
            var read = e.Pack.Read<T>(e.Case);
            return new LoadedCase<T>(e, read.Inputs, read.Expected);
        }
    }
}
