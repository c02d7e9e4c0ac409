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
}
