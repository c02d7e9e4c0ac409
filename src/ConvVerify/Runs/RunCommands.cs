namespace ConvVerify.Runs;

/// <summary>
/// The names a report's <c>command</c> takes: the commands that write one, and the only words its reader accepts there
/// (one list for both, so a writer and the reader cannot drift apart).
/// </summary>
public static class RunCommands
{
    /// <summary><c>convverify check</c>.</summary>
    public const string Check = "check";

    /// <summary><c>convverify verify-impl</c>.</summary>
    public const string VerifyImpl = "verify-impl";

    /// <summary><c>convverify soak</c>.</summary>
    public const string Soak = "soak";

    /// <summary><c>convverify fixtures check</c>.</summary>
    public const string FixturesCheck = "fixtures check";

    /// <summary>Every name, in the order the reader's message lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Check, VerifyImpl, Soak, FixturesCheck];
}
