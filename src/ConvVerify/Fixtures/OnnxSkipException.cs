namespace ConvVerify.Fixtures;

/// <summary>Why one ONNX test folder or data set is not imported; the message names the file and the reason.</summary>
internal sealed class OnnxSkipException : Exception
{
    public OnnxSkipException(string message) : base(message) { }

    public OnnxSkipException(string message, Exception inner) : base(message, inner) { }

    public OnnxSkipException() { }

    /// <summary>The test's model is not a single-node Conv: left out as a matter of course, not warned about.</summary>
    public bool NotConv { get; init; }
}
