using System.Numerics;
using ConvVerify.Problems;

namespace ConvVerify.Convolution;

/// <summary><see cref="NaiveConv"/> as an <see cref="IConvEngine"/>: the definition itself.</summary>
public sealed class NaiveEngine : IConvEngine
{
    /// <summary>The one instance.</summary>
    public static NaiveEngine Instance { get; } = new();

    private NaiveEngine() { }

    /// <inheritdoc/>
    public string Name => "naive";

    /// <inheritdoc/>
    public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        NaiveConv.Forward(p, x, w, b, y);

    /// <inheritdoc/>
    public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        NaiveConv.BackwardData(p, dy, w, dx);

    /// <inheritdoc/>
    public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T> =>
        NaiveConv.BackwardWeights(p, x, dy, dw);

    /// <inheritdoc/>
    public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T> =>
        NaiveConv.BackwardBias(p, dy, db);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
