namespace ConvVerify.Cli;

/// <summary>Bad usage or unreadable input: printed as one line and exits with code 2.</summary>
internal sealed class CliException(string message) : Exception(message);

/// <summary>Exit codes shared by every subcommand.</summary>
internal static class ExitCodes
{
    public const int Pass = Runs.RunReport.ExitPass;
    public const int Mismatch = Runs.RunReport.ExitFail;
    public const int BadInput = Runs.RunReport.ExitBadInput;
}
