using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Comparison;

namespace ConvVerify.Checking;

/// <summary>What happened to one direction of one case.</summary>
public enum Outcome
{
    /// <summary>Within tolerance.</summary>
    Pass,

    /// <summary>Outside tolerance, or unusable output (wrong shape, NaN, unreadable file).</summary>
    Fail,

    /// <summary>The oracle's pack has no result for this direction; nothing was compared.</summary>
    NotInPack,

    /// <summary>The checked implementation gave no result for this direction.</summary>
    NotProvided,
}

/// <summary>One row of a report: a case, a direction, the outcome and why.</summary>
/// <param name="CaseId">The case id.</param>
/// <param name="Descriptor">The canonical descriptor.</param>
/// <param name="Direction">The direction.</param>
/// <param name="Outcome">The outcome.</param>
/// <param name="Verdict">The comparison, when one was made.</param>
/// <param name="Detail">A sentence explaining a failure or an absence.</param>
public sealed record DirectionReport(string CaseId, string Descriptor, Direction Direction, Outcome Outcome, Verdict? Verdict, string? Detail)
{
    /// <summary>The explanation a person reads: the verdict's sentence or the detail.</summary>
    public string Explanation => Detail ?? Verdict?.ToString() ?? "";
}

/// <summary>Compares a checked implementation's results for a case with the oracle's, direction by direction.</summary>
public static class CaseCheck
{
    /// <summary>Integer-filled cases must agree exactly; normal-filled ones within the sound bound.</summary>
    public static Tolerance ToleranceFor(Fill fill) => fill == Fill.Integer ? Tolerance.Exact : Tolerance.SoundBound;

    /// <summary>Reports every direction of the case (db only with a bias).</summary>
    /// <param name="c">The case.</param>
    /// <param name="inputs">The inputs both sides used.</param>
    /// <param name="expected">The oracle's results; a missing direction is reported <see cref="Outcome.NotInPack"/>.</param>
    /// <param name="actual">The checked results; null for a direction is <see cref="Outcome.NotProvided"/>; an exception
    /// (e.g. an unreadable candidate file) is a <see cref="Outcome.Fail"/> carrying its message.</param>
    /// <param name="boundFactor">Scale of the sound bound; every expected result here is PyTorch's, so PyTorch's factor by default.</param>
    public static IReadOnlyList<DirectionReport> Compare<T>(ConvCase c, ConvInputs<T> inputs, IReadOnlyDictionary<Direction, T[]> expected,
        Func<Direction, T[]?> actual, double boundFactor = Oracles.TorchTolerance.BoundFactor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var rows = new List<DirectionReport>();
        string descriptor = c.Problem.ToString();
        foreach (var d in Directions.All)
        {
            if (d == Direction.BackwardBias && !c.Problem.HasBias) continue;
            DirectionReport Row(Outcome o, Verdict? v, string? detail) => new(c.Id, descriptor, d, o, v, detail);
            if (!expected.TryGetValue(d, out var e))
            {
                rows.Add(Row(Outcome.NotInPack, null, $"{d.TensorName()}: not in pack"));
                continue;
            }
            T[]? a;
            try
            {
                a = actual(d);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or InvalidOperationException)
            {
                rows.Add(Row(Outcome.Fail, null, ex.Message));
                continue;
            }
            if (a is null)
            {
                rows.Add(Row(Outcome.NotProvided, null, $"{d.TensorName()}: not provided"));
                continue;
            }
            if (a.Length != e.Length)
            {
                rows.Add(Row(Outcome.Fail, null, $"{d.TensorName()}: {a.Length} elements, expected {e.Length}"));
                continue;
            }
            var v = TensorComparison.Compare<T>(c.Problem, d, inputs, e, a, ToleranceFor(c.Fill), boundFactor);
            rows.Add(Row(v.Passed ? Outcome.Pass : Outcome.Fail, v, v.Passed ? null : v.ToString()));
        }
        return rows;
    }
}

/// <summary>The naive implementation checked against an oracle: a pack's stored results, or a live one.</summary>
public static class NaiveCheck
{
    /// <summary>The naive results on the pack's own inputs against the pack's results.</summary>
    /// <exception cref="Fixtures.FixtureException">A file of the case cannot be read.</exception>
    public static IReadOnlyList<DirectionReport> AgainstPack(Fixtures.FixturePack pack, string id)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return AgainstPack(pack, pack.ReadCase(id));
    }

    /// <summary>As <see cref="AgainstPack(Fixtures.FixturePack, string)"/> for a case already read from the pack.</summary>
    /// <exception cref="Fixtures.FixtureException">A file of the case cannot be read.</exception>
    public static IReadOnlyList<DirectionReport> AgainstPack(Fixtures.FixturePack pack, ConvCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return c.Problem.DType == Problems.DType.Float32 ? AgainstPack<float>(pack, c) : AgainstPack<double>(pack, c);
    }

    /// <summary>The naive results against a live oracle's, on inputs generated from the case's seed.</summary>
    public static IReadOnlyList<DirectionReport> AgainstOracle(ConvCase c, Oracles.IConvOracle oracle, double boundFactor)
    {
        ArgumentNullException.ThrowIfNull(c);
        return c.Problem.DType == Problems.DType.Float32 ? AgainstOracle<float>(c, oracle, boundFactor) : AgainstOracle<double>(c, oracle, boundFactor);
    }

    private static IReadOnlyList<DirectionReport> AgainstPack<T>(Fixtures.FixturePack pack, ConvCase c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var read = pack.Read<T>(c);
        var naive = NaiveReference.Compute(read.Case.Problem, read.Inputs);
        return CaseCheck.Compare(read.Case, read.Inputs, read.Expected, d => naive.Get(d));
    }

    private static IReadOnlyList<DirectionReport> AgainstOracle<T>(ConvCase c, Oracles.IConvOracle oracle, double boundFactor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(oracle);
        var inputs = c.MakeInputs<T>();
        var expected = oracle.Compute(c.Problem, inputs);
        var naive = NaiveReference.Compute(c.Problem, inputs);
        return CaseCheck.Compare(c, inputs, Directions.All.ToDictionary(d => d, expected.Get), d => naive.Get(d), boundFactor);
    }
}
