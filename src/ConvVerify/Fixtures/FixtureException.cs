namespace ConvVerify.Fixtures;

/// <summary>A fixture pack or candidate file that cannot be used; the message names the file and what is wrong with it.</summary>
public sealed class FixtureException : IOException
{
    /// <summary>Creates the exception.</summary>
    public FixtureException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public FixtureException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with no message.</summary>
    public FixtureException() { }
}
