namespace ConvVerify.Cases;

/// <summary>How a case's inputs are generated.</summary>
public enum Fill
{
    /// <summary>Small integers (as oneDNN benchdnn fills): every result is an exact integer, so any summation order gives the same bits.</summary>
    Integer,

    /// <summary>Approximately standard-normal values: summation order matters, so results are compared within a sound bound.</summary>
    Normal,
}
