using System.Text.Json;

namespace ConvVerify.Problems;

/// <summary>Error messages as people read them.</summary>
public static class ErrorText
{
    /// <summary>
    /// The message without .NET's " (Parameter 'name')" suffix: our messages already name the field, and the suffix names
    /// a C# parameter, which means nothing to a user of a descriptor, a pack or the command line.
    /// </summary>
    public static string Plain(this Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
    }

    /// <summary>
    /// The message of a JSON error with where in the file it happened, in System.Text.Json's words ("Path: $.files['a/x.npy']
    /// | LineNumber: 4 | BytePositionInLine: 20."). System.Text.Json says where in most of its messages, but not in some:
    /// a key given twice in a map ("Duplicate properties not allowed during deserialization.", the key only in the
    /// path), or an error raised by a converter. Control characters are written as <c>\uXXXX</c>
    /// (<see cref="Fixtures.PackPaths.Printable"/>): the key quoted comes from someone else's file, and a newline or escape
    /// sequence in it would forge a line of the report or drive the terminal.
    /// </summary>
    public static string Located(this JsonException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Fixtures.PackPaths.Printable(e.Path is null || e.Message.Contains($"Path: {e.Path} ", StringComparison.Ordinal) ? e.Message
            : $"{e.Message.TrimEnd()} Path: {e.Path} | LineNumber: {e.LineNumber} | BytePositionInLine: {e.BytePositionInLine}.");
    }
}
