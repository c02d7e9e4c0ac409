using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Implementations;

/// <summary>
/// The matrix view's results, each direction's call preceded by <paramref name="before"/> (a stall, a record of the
/// thread); a misbehaving implementation overrides the directions it changes and is right in the others.
/// </summary>
internal class HookedImplementation(Action<Direction>? before = null) : IConvImplementation
{
    /// <summary>The right results.</summary>
    protected MatrixViewImplementation Right { get; } = new();

    /// <summary>Stalls with <paramref name="stall"/> before the call of direction <paramref name="at"/> only.</summary>
    public static HookedImplementation At(Direction at, Action stall) => new(d =>
    {
        if (d == at) stall();
    });

    public virtual void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        before?.Invoke(Direction.Forward);
        Right.Forward(p, x, w, b, y);
    }

    public virtual void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        before?.Invoke(Direction.BackwardData);
        Right.BackwardData(p, dy, w, dx);
    }

    public virtual void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T>
    {
        before?.Invoke(Direction.BackwardWeights);
        Right.BackwardWeights(p, x, dy, dw);
    }

    public virtual void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T>
    {
        before?.Invoke(Direction.BackwardBias);
        Right.BackwardBias(p, dy, db);
    }
}
