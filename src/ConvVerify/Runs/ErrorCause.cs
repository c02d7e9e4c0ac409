using System.Text.Json.Serialization;

namespace ConvVerify.Runs;

/// <summary>
/// Why an <see cref="Outcome.Error"/> row could not be checked: the case's input, or an oracle that failed for a reason
/// that is not the input. Both end the run with exit 2 (the run is no verdict on the subject either way); the reports
/// say which, since a broken dependency sent users looking for a fault in input that had none.
/// </summary>
[JsonConverter(typeof(ErrorCauseConverter))]
public enum ErrorCause
{
    /// <summary>Unusable input: an unreadable pack or file, a problem an oracle rejected, inputs that cannot be made.</summary>
    [JsonStringEnumMemberName("input")] Input,

    /// <summary>
    /// An oracle failed on input that was fine: torch or ONNX Runtime raised or returned something unexpected, a call of
    /// either passed its time limit (or an earlier one has not returned), a library it needs is missing, or the oracle was
    /// shut down (torch) or disposed (ORT) before it was called.
    /// </summary>
    [JsonStringEnumMemberName("oracle")] Oracle,
}

/// <summary>The words reports use for an <see cref="ErrorCause"/>, and the cause of what a case threw.</summary>
public static class ErrorCauses
{
    /// <summary>"unusable input" or "oracle failure": a JUnit error's type, the summary's reason.</summary>
    public static string Name(this ErrorCause cause) => cause switch
    {
        ErrorCause.Input => "unusable input",
        ErrorCause.Oracle => "oracle failure",
        _ => throw new ArgumentOutOfRangeException(nameof(cause), cause, $"cause: expected input or oracle, got {(int)cause}"),
    };

    /// <summary>
    /// Whether <paramref name="e"/> is an oracle's failure rather than the input's: the exceptions torch's and ONNX
    /// Runtime's oracles throw when they raise, time out, cannot run, or are called shut down or disposed, and a native
    /// library missing or not loadable, also behind a type initializer or as the cause of another exception.
    /// </summary>
    public static ErrorCause Of(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is Oracles.TorchOracleException or Oracles.OrtOracleException or Oracles.OracleUnavailableException
                or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
                return ErrorCause.Oracle;
        }
        return ErrorCause.Input;
    }
}
