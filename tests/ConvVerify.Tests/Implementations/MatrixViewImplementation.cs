using System.Numerics;
using ConvVerify.Runs;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Implementations;

/// <summary>
/// A second, complete implementation built only on the answer's matrix view: y = M·x + b, dL/dx = Mᵀ·dL/dy, and, since
/// M = Σ_j w_j·M_j with shared weights, dL/dw_j = Σ over the entries of M holding w_j of dL/dy[row]·x[col].
/// </summary>
public sealed class MatrixViewImplementation : IConvImplementation
{
    // bfloat16 results are float32 sums rounded once to bfloat16, as every implementation that stores bfloat16 does.
    public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ConvMatrix<T>.Build(p, w).Multiply(x, b).CopyTo(y);
        DTypes.Round(p.DType, y);
    }

    public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ConvMatrix<T>.Build(p, w).MultiplyTransposed(dy).CopyTo(dx);
        DTypes.Round(p.DType, dx);
    }

    public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Label every weight with its index + 1: each entry of M then names the weight it holds.
        double[] labels = [.. Enumerable.Range(1, p.WSize).Select(i => (double)i)];
        var m = ConvMatrix<double>.Build(p.WithDType(DType.Float64), labels);
        dw.Clear();
        for (int r = 0; r < m.Rows; r++)
        for (int c = 0; c < m.Cols; c++)
        {
            double label = m[r, c];
            if (label != 0) dw[(int)label - 1] += dy[r] * x[c];
        }
        DTypes.Round(p.DType, dw);
    }

    public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int perChannel = p.YSize / (p.Mb * p.OC);
        db.Clear();
        for (int r = 0; r < dy.Length; r++) db[r / perChannel % p.OC] += dy[r];
        DTypes.Round(p.DType, db);
    }
}

/// <summary>The reusable base fixture run against the matrix-view implementation: every committed case, every direction.</summary>
public class MatrixViewImplementationTests : ConvVerify.NUnit.ConvImplementationFixture
{
    protected override IConvImplementation Implementation { get; } = new MatrixViewImplementation();
}

/// <summary>The fixture pointed at one pack of the derived class's choosing (hiding <c>Cases</c>), as an external project would.</summary>
public class MatrixViewOnOnePackTests : ConvVerify.NUnit.ConvImplementationFixture
{
    protected override IConvImplementation Implementation { get; } = new MatrixViewImplementation();

    public static new IEnumerable<TestCaseData> Cases() => CasesIn(ConvVerify.Tests.Fixtures.CommittedPacks.Dir("question"));

    [Test]
    public void OnlyTheChosenPackIsChecked() =>
        Assert.That(Cases().Select(c => (string)c.Arguments[0]!).Distinct(), Is.EqualTo(new[] { ConvVerify.Tests.Fixtures.CommittedPacks.Dir("question") }));
}
