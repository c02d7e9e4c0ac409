using System.Numerics;
using ConvVerify.Problems;

namespace ConvVerify.Convolution;

/// <summary><see cref="ExactConv"/> as an <see cref="IConvEngine"/>: the definition's computation, vectorized and threaded, bitwise equal.</summary>
/// <param name="options">Threads and vector use (results do not depend on them).</param>
public sealed class ExactEngine(ExactConvOptions? options = null) : IConvEngine
{
    private readonly ExactConvOptions _options = options ?? ExactConvOptions.Default;

    /// <summary>The options every call runs with.</summary>
    public ExactConvOptions Options => _options;

    /// <summary>The engine with default options: every core, the widest vectors the CPU has.</summary>
    public static ExactEngine Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "exact";

    /// <inheritdoc/>
    public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        ExactConv.Forward(p, x, w, b, y, _options);

    /// <inheritdoc/>
    public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ExactConv.BackwardData(p, dy, w, dx, _options);

    /// <inheritdoc/>
    public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T> =>
        ExactConv.BackwardWeights(p, x, dy, dw, _options);

    /// <inheritdoc/>
    public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T> =>
        ExactConv.BackwardBias(p, dy, db, _options);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
