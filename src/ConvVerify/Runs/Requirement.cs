namespace ConvVerify.Runs;

/// <summary>Whether every direction must be compared.</summary>
public enum Requirement
{
    /// <summary>Every direction the pack holds must be provided by the oracle and by the checked side.</summary>
    All,

    /// <summary>Absent directions are reported but are not failures, as long as something was compared.</summary>
    Any,
}
