using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;

namespace ConvVerify.Runs;

/// <summary>
/// Is a committed pack still what the generator and its oracle make today? The subject regenerates each case's inputs from
/// its seed (they must equal the pack's bitwise) and recomputes the oracle's results; they are compared with the pack's
/// bitwise when the oracle's versions are the manifest's, otherwise exactly (integer fill) or within the sound bound.
/// </summary>
public static class Freshness
{
    /// <summary>The plan that checks <paramref name="pack"/> (or only the cases <paramref name="ids"/>) against live <paramref name="oracle"/>.</summary>
    public static RunPlan Plan(FixturePack pack, IConvOracle oracle, IReadOnlyCollection<string>? ids = null)
    {
        ArgumentNullException.ThrowIfNull(pack);
        // Stryker disable once Statement : SameVersions refuses a null oracle by the same name before anything else reads it
        ArgumentNullException.ThrowIfNull(oracle);
        var warnings = new List<string>(pack.Warnings);
        var errors = new List<RunRow>();
        // The pack is what is checked: a corrupt result file is compared, to show which directions the corruption breaks.
        var cases = Plans.ReadCases(pack, warnings, errors, ids, compareCorrupt: true);
        bool same = SameVersions(pack.Manifest, oracle);
        if (pack.Manifest is { } m && m.OracleName != oracle.Name)
            warnings.Add($"the pack was made by oracle {m.OracleName}, checked against {oracle.Name}: results are compared within the sound bound, not bitwise");
        else if (!same)
            warnings.Add($"the pack was made with {Describe(pack.Manifest?.Versions)}, live {oracle.Name} is {Describe(oracle.Versions)}: normal-fill results are compared within the sound bound, not bitwise");
        var reference = new PackSource("pack", pack.Manifest?.Versions, [PackIdentity.Of(pack)]);
        // A case the oracle declines here (torch's bfloat16 on a CPU where it sums in bfloat16) cannot be shown stale or
        // fresh: its files are still read and hashed, its directions reported not provided, and the rest must pass.
        var declined = cases.Where(e => !oracle.Provides(e.Case.Problem, Direction.Forward, out _)).ToList();
        if (declined.Count > 0)
        {
            oracle.Provides(declined[0].Case.Problem, Direction.Forward, out string? why);
            warnings.Add($"freshness not checked for {declined.Count} of {cases.Count} cases, which {oracle.Name} declines here (first {declined[0].Case.Id}): {why}");
        }
        return new RunPlan
        {
            Command = RunCommands.FixturesCheck,
            Cases = cases,
            References = [reference],
            Subject = new RegeneratingSource(oracle),
            Requirement = declined.Count > 0 ? Requirement.Any : Requirement.All,
            Warnings = warnings,
            PlanningErrors = errors,
            ToleranceRule = (c, _, _) => same ? Tolerance.Bitwise : c.Fill == Fill.Integer ? Tolerance.ExactValues : Tolerance.SoundBound,
        };
    }

    /// <summary>
    /// The plan when the pack's oracle is not available here: every case's files are still read (so a truncated or mistyped
    /// one is found), and every direction is reported "not provided by oracle" with <paramref name="why"/>.
    /// </summary>
    public static RunPlan ReadOnlyPlan(FixturePack pack, string why)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var warnings = new List<string>(pack.Warnings) { "freshness not checked: " + why };
        var errors = new List<RunRow>();
        return new RunPlan
        {
            Command = RunCommands.FixturesCheck,
            Cases = Plans.ReadCases(pack, warnings, errors, compareCorrupt: true),
            References = [new PackSource("pack", pack.Manifest?.Versions, [PackIdentity.Of(pack)])],
            Subject = new UnavailableSource(pack.Manifest?.OracleName ?? TorchOracle.OracleName, why),
            Requirement = Requirement.Any,
            RequireComparison = false,
            Warnings = warnings,
            PlanningErrors = errors,
        };
    }

    private sealed class UnavailableSource(string name, string why) : ResultSource
    {
        public override string Name => name;

        public override SourceResults<T> Produce<T>(LoadedCase<T> c, IReadOnlyList<Direction> directions)
        {
            var r = new SourceResults<T>();
            foreach (var d in directions) r.Absent[d] = new Absence(Outcome.NotProvidedByOracle, $"{d.TensorName()}: freshness not checked: {why}");
            return r;
        }
    }

    /// <summary>Whether every version the oracle reports is the one the manifest recorded, and the manifest names that oracle.</summary>
    public static bool SameVersions(Manifest? manifest, IConvOracle oracle)
    {
        ArgumentNullException.ThrowIfNull(oracle);
        return manifest is not null && manifest.OracleName == oracle.Name
            && oracle.Versions.All(kv => manifest.Versions.TryGetValue(kv.Key, out string? v) && v == kv.Value);
    }

    private static string Describe(IReadOnlyDictionary<string, string>? versions) =>
        versions is null ? "(unknown versions)" : SourceInfo.Bracketed(versions);

    // The oracle on inputs regenerated from the case's seed; stale inputs make every result stale, said once per direction.
    private sealed class RegeneratingSource(IConvOracle oracle) : ResultSource
    {
        private readonly OracleSource _oracle = new(oracle);

        public override string Name => oracle.Name;

        public override IReadOnlyDictionary<string, string> Versions => oracle.Versions;

        public override double BoundFactor => oracle.BoundFactor;

        public override SourceResults<T> Produce<T>(LoadedCase<T> c, IReadOnlyList<Direction> directions)
        {
            var regenerated = c.Case.MakeInputs<T>();
            foreach (var (name, stored, fresh) in new[] { ("x", c.Inputs.X, regenerated.X), ("w", c.Inputs.W, regenerated.W), ("b", c.Inputs.B, regenerated.B), ("dy", c.Inputs.Dy, regenerated.Dy) })
            {
                int at = Bitwise.FirstDifference<T>(stored, fresh);
                if (at < 0) continue;
                string where = c.Entry.Pack?.CasePath(c.Case.Id, name + ".npy") ?? name;
                var stale = new SourceResults<T>();
                // Both sides have the problem's shape (the pack's files are read against it), so the first difference is an element.
                foreach (var d in directions)
                    stale.Absent[d] = new Absence(Outcome.Fail, $"{where}: differs from the inputs the generator makes today from seed {c.Case.Seed} (first at flat index {at})");
                return stale;
            }
            return _oracle.Produce(c with { Inputs = regenerated }, directions);
        }
    }
}
