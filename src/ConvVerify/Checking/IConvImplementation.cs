using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Fixtures;
using ConvVerify.Problems;

namespace ConvVerify.Checking;

/// <summary>
/// A .NET convolution to be checked against the oracle. Layouts are ConvVerify's: x (N, IC, spatial...), w (OC, IC/G, k...),
/// y and dy (N, OC, out...), row-major; b and db are empty without bias. A direction the implementation does not have
/// throws <see cref="NotSupportedException"/> and is reported "not provided".
/// </summary>
public interface IConvImplementation
{
    /// <summary>y = conv(x, w) + b.</summary>
    void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>dL/dx from dL/dy.</summary>
    void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>dL/dw from x and dL/dy.</summary>
    void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>dL/db from dL/dy (only called for problems with a bias).</summary>
    void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>Runs an <see cref="IConvImplementation"/> on a pack's case and compares it with the pack's PyTorch results.</summary>
public static class ImplementationCheck
{
    /// <summary>One report row per direction of the case.</summary>
    /// <exception cref="FixtureException">A pack file cannot be read.</exception>
    public static IReadOnlyList<DirectionReport> AgainstPack(IConvImplementation impl, FixturePack pack, string id)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var c = pack.ReadCase(id);
        return c.Problem.DType == DType.Float32 ? Run<float>(impl, pack, c) : Run<double>(impl, pack, c);
    }

    private static IReadOnlyList<DirectionReport> Run<T>(IConvImplementation impl, FixturePack pack, ConvCase c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(impl);
        var read = pack.Read<T>(c);
        var (p, i) = (read.Case.Problem, read.Inputs);
        return CaseCheck.Compare(read.Case, i, read.Expected, d =>
        {
            try
            {
                T[] result;
                switch (d)
                {
                    case Direction.Forward: impl.Forward<T>(p, i.X, i.W, i.B, result = new T[p.YSize]); break;
                    case Direction.BackwardData: impl.BackwardData<T>(p, i.Dy, i.W, result = new T[p.XSize]); break;
                    case Direction.BackwardWeights: impl.BackwardWeights<T>(p, i.X, i.Dy, result = new T[p.WSize]); break;
                    default: impl.BackwardBias<T>(p, i.Dy, result = new T[p.BSize]); break;
                }
                return result;
            }
            catch (NotSupportedException)
            {
                return null;
            }
        });
    }
}
