namespace ConvVerify.Runs;

/// <summary>Whether every direction must be compared.</summary>
public enum Requirement
{
    /// <summary>
    /// Every direction of every case must be provided by the oracle (a pack, where it is the reference: a direction it
    /// does not hold is absent) and by the checked side.
    /// </summary>
    All,

    /// <summary>Absent directions are reported but are not failures, as long as something was compared.</summary>
    Any,
}
