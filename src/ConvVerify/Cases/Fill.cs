namespace ConvVerify.Cases;

/// <summary>How a case's inputs are generated.</summary>
public enum Fill
{
    /// <summary>
    /// Small non-zero integers (±1 … ±4): every result is an exact integer, so any summation order gives the same value,
    /// and every product is non-zero, so any dropped, duplicated or misplaced term changes the result. In bfloat16 and
    /// float16 each result is that exact sum rounded once, still the same everywhere; above 256 (bfloat16) or 2048
    /// (float16) the rounding can hide a term of ±1, so there the normal fill is the one that sees a dropped term.
    /// </summary>
    Integer,

    /// <summary>Approximately standard-normal values: summation order matters, so results are compared within a sound bound.</summary>
    Normal,
}
