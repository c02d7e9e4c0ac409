namespace ConvVerify.Oracles;

/// <summary>An oracle was asked for by name but cannot run here (no Python, no torch, no native library); the message says why.</summary>
public sealed class OracleUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OracleUnavailableException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public OracleUnavailableException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with no message.</summary>
    public OracleUnavailableException() { }
}
