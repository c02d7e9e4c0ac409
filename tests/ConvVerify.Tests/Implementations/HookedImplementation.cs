using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Implementations;

/// <summary>The matrix view's results, each direction's call preceded by <paramref name="before"/> (a stall, a record of the thread).</summary>
internal sealed class HookedImplementation(Action<Direction> before) : IConvImplementation
{
    private readonly MatrixViewImplementation _right = new();

    /// <summary>Stalls with <paramref name="stall"/> before the call of direction <paramref name="at"/> only.</summary>
    public static HookedImplementation At(Direction at, Action stall) => new(d =>
    {
        if (d == at) stall();
    });

    public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        before(Direction.Forward);
        _right.Forward(p, x, w, b, y);
    }

    public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        before(Direction.BackwardData);
        _right.BackwardData(p, dy, w, dx);
    }

    public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T>
    {
        before(Direction.BackwardWeights);
        _right.BackwardWeights(p, x, dy, dw);
    }

    public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T>
    {
        before(Direction.BackwardBias);
        _right.BackwardBias(p, dy, db);
    }
}
