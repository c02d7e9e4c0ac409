using System.Numerics;

namespace ConvVerify.Tests.Oracles;

/// <summary>NUnit's float equality would let −0 equal +0 and hides which element differs: assert with the library's bitwise rule.</summary>
internal static class Bitwise
{
    public static void AssertEqual<T>(T[] expected, T[] actual, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), $"{what}: length");
        int i = ConvVerify.Comparison.Bitwise.FirstDifference<T>(expected, actual);
        if (i >= 0) Assert.Fail($"{what}: first difference at element {i} of {expected.Length}: expected {expected[i]}, got {actual[i]}");
    }
}
