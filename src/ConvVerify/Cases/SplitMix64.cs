namespace ConvVerify.Cases;

/// <summary>
/// Vigna's SplitMix64, the one generator behind the inputs and the random problems: its sequence is fixed by its
/// definition, unlike <see cref="Random"/>'s, which .NET does not promise to keep.
/// </summary>
internal static class SplitMix64
{
    /// <summary>Advances <paramref name="state"/> by the golden-ratio increment and returns its mix.</summary>
    internal static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        // The right shifts of the reference are written as the divisions they are on ulong: a mutation test's
        // ">> to >>>" is the same shift, and could not be marked equivalent apart from the same line's killable ">> to <<".
        z = (z ^ (z / (1UL << 30))) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z / (1UL << 27))) * 0x94D049BB133111EBUL;
        return z ^ (z / (1UL << 31));
    }
}
