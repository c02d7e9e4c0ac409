using System.CommandLine;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary>The <c>convverify</c> command line. <see cref="Run(string[], TextWriter, TextWriter)"/> is the whole program, so tests call it in-process.</summary>
public static class Cli
{
    /// <summary>Parses and runs a command line, writing to the given streams; returns the exit code (0 pass, 1 mismatch, 2 bad input).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        bool terminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // Redirected output (a log, a pipe, a test's StringWriter) is read by grep and by programs: never wrap a line
        // (FAIL lines, paths) and never shrink a table's columns to fit a width nobody sees.
        console.Profile.Width = terminal ? Math.Max(console.Profile.Width, 160) : 10_000;
        return Run(args, console, stdout, stderr);
    }

    /// <summary>As <see cref="Run(string[], TextWriter, TextWriter)"/> with the console given: tests pass an interactive one to see what a terminal gets.</summary>
    internal static int Run(string[] args, IAnsiConsole console, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("ConvVerify: a naive C# convolution and its gradients checked against PyTorch autograd; an oracle for other implementations.")
        {
            CasesCommand.Build(console),
            CheckCommand.Build(console),
            FixturesCommand.Build(console),
            VerifyImplCommand.Build(console),
            SoakCommand.Build(console),
            ReportCommand.Build(console),
            ExplainCommand.Build(console),
            SnapshotsCommand.Build(console),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) stderr.WriteLine($"convverify: {error.Message}");
            stderr.WriteLine("Run 'convverify --help' for usage.");
            return ExitCodes.BadInput;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (CliException e)
        {
            stderr.WriteLine($"convverify: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or TorchOracleException or OrtOracleException)
        {
            // Unreadable or unwritable files and oracle failures are bad input, not crashes: one line, exit 2.
            stderr.WriteLine($"convverify: {e.Plain()}");
            return ExitCodes.BadInput;
        }
    }
}
