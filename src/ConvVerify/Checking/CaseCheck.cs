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
    /// <param name="boundFactor">Scale of the sound bound (1 unless an oracle is documented to need more).</param>
    public static IReadOnlyList<DirectionReport> Compare<T>(ConvCase c, ConvInputs<T> inputs, IReadOnlyDictionary<Direction, T[]> expected,
        Func<Direction, T[]?> actual, double boundFactor = 1.0)
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
