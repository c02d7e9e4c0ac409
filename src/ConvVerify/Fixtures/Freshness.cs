using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Checking;
using ConvVerify.Comparison;
using ConvVerify.Oracles;

namespace ConvVerify.Fixtures;

/// <summary>Is a committed pack still what the generator and the oracle make today? Recomputes a case in memory and compares.</summary>
public static class Freshness
{
    /// <summary>
    /// Regenerates the case's inputs from its seed (they must equal the pack's bitwise), recomputes the oracle's results and
    /// compares them with the pack's: bitwise for the integer fill, and for the normal fill when <paramref name="sameOracleVersion"/>;
    /// otherwise within the sound bound (scaled by <paramref name="boundFactor"/>).
    /// </summary>
    public static IReadOnlyList<DirectionReport> Check(FixturePack pack, string id, IConvOracle oracle, bool sameOracleVersion, double boundFactor = 1.0)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(oracle);
        var c = pack.ReadCase(id);
        return c.Problem.DType == Problems.DType.Float32
            ? Check<float>(pack, c, oracle, sameOracleVersion, boundFactor)
            : Check<double>(pack, c, oracle, sameOracleVersion, boundFactor);
    }

    private static IReadOnlyList<DirectionReport> Check<T>(FixturePack pack, ConvCase c, IConvOracle oracle, bool sameVersion, double boundFactor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var stored = pack.Read<T>(c);
        var regenerated = c.MakeInputs<T>();
        // Stale inputs make every result stale: one failing row says which file and where.
        foreach (var (name, a, b) in new[] { ("x", stored.Inputs.X, regenerated.X), ("w", stored.Inputs.W, regenerated.W), ("b", stored.Inputs.B, regenerated.B), ("dy", stored.Inputs.Dy, regenerated.Dy) })
        {
            int at = Enumerable.Range(0, Math.Min(a.Length, b.Length)).FirstOrDefault(i => !a[i].Equals(b[i]), -1);
            if (a.Length != b.Length || at >= 0)
                return [new DirectionReport(c.Id, c.Problem.ToString(), Direction.Forward, Outcome.Fail, null,
                    $"{pack.CasePath(c.Id, name + ".npy")}: differs from the inputs the generator makes today from seed {c.Seed}"
                    + (at >= 0 ? $" (first at flat index {at})" : " (length)"))];
        }
        var fresh = oracle.Compute(c.Problem, regenerated);
        bool exact = c.Fill == Fill.Integer || sameVersion;
        var reports = CaseCheck.Compare(c, regenerated, stored.Expected, d => fresh.Get(d), boundFactor);
        if (!exact) return reports;
        // Same oracle version (or exact integers): anything but identical values means the pack is stale.
        return [.. reports.Select(r => r.Outcome != Outcome.Pass || r.Verdict is not { MaxAbsError: > 0 } ? r
            : r with { Outcome = Outcome.Fail, Detail = $"{r.Direction.TensorName()}: not bitwise equal to the committed pack under the same oracle version: {r.Verdict}" })];
    }
}
