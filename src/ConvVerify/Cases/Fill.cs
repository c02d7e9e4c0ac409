namespace ConvVerify.Cases;

/// <summary>How a case's inputs are generated.</summary>
public enum Fill
{
    /// <summary>
    /// Small non-zero integers (±1 … ±4): every result is an exact integer, so any summation order gives the same value,
    /// and every product is non-zero, so any dropped, duplicated or misplaced term changes the result.
    /// </summary>
    Integer,

    /// <summary>Approximately standard-normal values: summation order matters, so results are compared within a sound bound.</summary>
    Normal,
}
