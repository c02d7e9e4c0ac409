namespace ConvVerify.Oracles;

/// <summary>ONNX Runtime refused a model or failed to run it; the message has ORT's text and the problem.</summary>
public sealed class OrtOracleException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OrtOracleException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public OrtOracleException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with no message.</summary>
    public OrtOracleException() { }
}
