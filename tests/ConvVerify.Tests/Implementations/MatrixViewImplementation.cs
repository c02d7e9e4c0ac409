using System.Numerics;
using ConvVerify.Runs;
using ConvVerify.Convolution;
using ConvVerify.Tests.LowPrecision;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Implementations;

/// <summary>
/// A second, complete implementation built only on the answer's matrix view: y = M·x + b, dL/dx = Mᵀ·dL/dy, and, since
/// M = Σ_j w_j·M_j with shared weights, dL/dw_j = Σ over the entries of M holding w_j of dL/dy[row]·x[col]. It walks M's
/// non-zero entries (<see cref="LabelLists"/>: M built with every weight labelled by its index), kept for the last
/// problem, since the fixture asks for the four directions of one case in a row.
/// </summary>
public sealed class MatrixViewImplementation : IConvImplementation
{
    private readonly LastLabels _labels = new();

    // bfloat16 results are float32 sums rounded once to bfloat16, as every implementation that stores bfloat16 does.
    public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = _labels.For(p);
        int perChannel = p.YSize / (p.Mb * p.OC);
        for (int r = 0; r < p.YSize; r++)
        {
            T acc = T.Zero;
            foreach (var (c, l) in m.Row(r)) acc += w[l] * x[c];
            y[r] = p.HasBias ? acc + b[r / perChannel % p.OC] : acc;
        }
        DTypes.Round(p.DType, y);
    }

    public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = _labels.For(p);
        for (int c = 0; c < p.XSize; c++)
        {
            T acc = T.Zero;
            foreach (var (r, l) in m.Column(c)) acc += w[l] * dy[r];
            dx[c] = acc;
        }
        DTypes.Round(p.DType, dx);
    }

    public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = _labels.For(p);
        dw.Clear();
        for (int r = 0; r < p.YSize; r++)
            foreach (var (c, l) in m.Row(r)) dw[l] += dy[r] * x[c];
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
