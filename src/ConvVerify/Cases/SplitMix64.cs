using System.Numerics;

namespace ConvVerify.Cases;

/// <summary>
/// Vigna's SplitMix64, the one generator behind the inputs and the random problems: its sequence is fixed by its
/// definition, unlike <see cref="Random"/>'s, which .NET does not promise to keep.
/// </summary>
/// <remarks>
/// The state is a counter: the n-th output from a state s is Mix(s + n·<see cref="Gamma"/>) (mod 2^64). So any element
/// of a stream can be drawn without drawing the ones before it, which is what lets <see cref="Inputs"/> fill a tensor
/// with vectors and threads and still give every element the same bits as the sequential loop.
/// </remarks>
internal static class SplitMix64
{
    /// <summary>The golden-ratio increment the state advances by at every draw.</summary>
    internal const ulong Gamma = 0x9E3779B97F4A7C15UL;

    private const ulong M1 = 0xBF58476D1CE4E5B9UL, M2 = 0x94D049BB133111EBUL;

    /// <summary>Advances <paramref name="state"/> by the golden-ratio increment and returns its mix.</summary>
    internal static ulong Next(ref ulong state) => Mix(state += Gamma);

    /// <summary>SplitMix64's output function of an advanced state.</summary>
    internal static ulong Mix(ulong z)
    {
        // The right shifts of the reference are written as the divisions they are on ulong: a mutation test's
        // ">> to >>>" is the same shift, and could not be marked equivalent apart from the same line's killable ">> to <<".
        z = (z ^ (z / (1UL << 30))) * M1;
        z = (z ^ (z / (1UL << 27))) * M2;
        return z ^ (z / (1UL << 31));
    }

    /// <summary>
    /// <see cref="Mix(ulong)"/> on every lane: the same shifts, exclusive ors and multiplications modulo 2^64, lane by lane
    /// (the shifts by name here: vectors of ulong have no cheap division, and on them >> and >>> are the same shift).
    /// </summary>
    internal static Vector<ulong> Mix(Vector<ulong> z)
    {
        z = (z ^ Vector.ShiftRightLogical(z, 30)) * M1;
        z = (z ^ Vector.ShiftRightLogical(z, 27)) * M2;
        return z ^ Vector.ShiftRightLogical(z, 31);
    }
}
