using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Problems;
using ConvVerify.Snapshots;

using ConvVerify.Tests.Runs;

namespace ConvVerify.Tests.Snapshots;

/// <summary>
/// Snapshot of the definition's results (y, dx, dw, db) of every case of the committed sets, in float32, float64 and bfloat16, with
/// both fills. The verified files in <c>snapshots/</c> pin the values; any changed bit fails with a diff.
/// </summary>
public class ResultSnapshotTests
{
    /// <summary>Every committed case, once (a problem in two sets has one id and one snapshot), in catalog order.</summary>
    public static IReadOnlyList<ConvCase> Cases()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var cases = new List<ConvCase>();
        foreach (string set in CaseSets.Committed)
            foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.BFloat16 })
                foreach (var problem in CaseSets.Load(set, dtype))
                    foreach (var fill in new[] { Fill.Integer, Fill.Normal })
                    {
                        var c = ConvCase.Create(problem.WithDType(dtype), fill);
                        if (seen.Add(c.Id)) cases.Add(c);
                    }
        return cases;
    }

    /// <summary>The snapshot names this fixture writes: the case ids.</summary>
    public static IEnumerable<string> SnapshotNames() => Cases().Select(c => c.Id);

    /// <summary>The snapshot text of a case, computed by the naive implementation alone.</summary>
    public static string Text(ConvCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return DTypes.AccumulationType(c.Problem.DType) == DType.Float32 ? ConvSnapshot.Format(c, Compute<float>(c)) : ConvSnapshot.Format(c, Compute<double>(c));
    }

    /// <summary>The naive results of a case.</summary>
    public static ConvResults<T> Compute<T>(ConvCase c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(c);
        return ConvVerify.Tests.Runs.Check.Naive(c.Problem, c.MakeInputs<T>());
    }

    private static IEnumerable<TestCaseData> Source() => Cases().Select(c => new TestCaseData(c).SetName(c.Id));

    [TestCaseSource(nameof(Source))]
    public void Results(ConvCase c) => Snapshot.VerifyNamed(c.Id, Text(c));
}
