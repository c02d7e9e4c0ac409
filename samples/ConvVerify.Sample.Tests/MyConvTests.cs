using System.Numerics;
using ConvVerify.Convolution;
using ConvVerify.NUnit;
using ConvVerify.Problems;
using NUnit.Framework;

namespace ConvVerify.Sample.Tests;

/// <summary>Every case of the packs that ship with ConvVerify.NUnit, every direction, against your implementation.</summary>
/// <remarks>[TestFixture] makes this assembly reference NUnit itself, which the test adapter looks for before it looks for tests.</remarks>
[TestFixture]
public class MyConvTests : ConvImplementationFixture
{
    protected override IConvImplementation Implementation { get; } = new MyConv();
}

/// <summary>Yours goes here; this one hands every direction to ConvVerify's exact engine.</summary>
public sealed class MyConv : IConvImplementation
{
    public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ExactConv.Forward(p, x, w, b, y);
    public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> => ExactConv.BackwardData(p, dy, w, dx);
    public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T> => ExactConv.BackwardWeights(p, x, dy, dw);
    public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T> => ExactConv.BackwardBias(p, dy, db);
}
