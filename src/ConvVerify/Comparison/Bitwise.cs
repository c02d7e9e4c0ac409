using System.Numerics;
using System.Runtime.InteropServices;

namespace ConvVerify.Comparison;

/// <summary>Bit-for-bit equality of floating-point values: +0 and −0 differ, any NaN equals any NaN.</summary>
public static class Bitwise
{
    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> have the same bits, or are both NaN.</summary>
    public static bool Equal<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Any NaN matches any NaN (payloads may differ); a number against a NaN falls through to bits that never match.
        if (T.IsNaN(a)) return T.IsNaN(b);
        return MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in a)).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in b)));
    }

    /// <summary>The index of the first element where the spans differ (or the shorter length when one is a prefix of the other); −1 when equal.</summary>
    public static int FirstDifference<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
            if (!Equal(a[i], b[i])) return i;
        return a.Length == b.Length ? -1 : n;
    }
}
