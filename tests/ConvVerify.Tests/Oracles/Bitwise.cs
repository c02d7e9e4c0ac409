using System.Runtime.InteropServices;

namespace ConvVerify.Tests.Oracles;

/// <summary>Bit-for-bit comparison: NUnit's float equality would let −0 equal +0 and hides which element differs.</summary>
internal static class Bitwise
{
    public static void AssertEqual<T>(T[] expected, T[] actual, string what) where T : unmanaged
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), $"{what}: length");
        int size = Marshal.SizeOf<T>();
        var e = MemoryMarshal.AsBytes(expected.AsSpan());
        var a = MemoryMarshal.AsBytes(actual.AsSpan());
        for (int i = 0; i < expected.Length; i++)
        {
            if (!e.Slice(i * size, size).SequenceEqual(a.Slice(i * size, size)))
                Assert.Fail($"{what}: first difference at element {i} of {expected.Length}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
