using System.CommandLine;
using System.CommandLine.Parsing;
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
        var console = ConsoleFor(stdout, IsTerminal(stdout, Console.Out, Console.IsOutputRedirected));
        return Run(args, console, stdout, stderr);
    }

    /// <summary>Whether <paramref name="stdout"/> is a terminal: the process's own output, not redirected to a file or a pipe.</summary>
    internal static bool IsTerminal(TextWriter stdout, TextWriter consoleOut, bool redirected) => ReferenceEquals(stdout, consoleOut) && !redirected;

    /// <summary>The console a run writes to: what the terminal offers on a terminal, plain text of unbounded width otherwise.</summary>
    internal static IAnsiConsole ConsoleFor(TextWriter stdout, bool terminal)
    {
        var console = AnsiConsole.Create(SettingsFor(stdout, terminal));
        // Redirected output (a log, a pipe, a test's StringWriter) is read by grep and by programs: never wrap a line
        // (FAIL lines, paths) and never shrink a table's columns to fit a width nobody sees.
        console.Profile.Width = terminal ? Math.Max(console.Profile.Width, 160) : 10_000;
        return console;
    }

    /// <summary>A terminal's capabilities are detected (colours, redraws); anything else gets none, whatever the environment says.</summary>
    internal static AnsiConsoleSettings SettingsFor(TextWriter stdout, bool terminal) => new()
    {
        Out = new AnsiConsoleOutput(stdout),
        Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
    };

    /// <summary>As <see cref="Run(string[], TextWriter, TextWriter)"/> with the console given: tests pass an interactive one to see what a terminal gets.</summary>
    internal static int Run(string[] args, IAnsiConsole console, TextWriter stdout, TextWriter stderr)
    {
        // The run owns the oracles its command makes: they are released here, however the command ends.
        var oracles = new OracleScope();
        int code;
        try
        {
            code = Run(args, console, oracles, stdout, stderr);
        }
        catch
        {
            // A bug of ours, on its way out as it is; the oracles are released all the same, and a release that fails
            // too is not reported over it.
            _ = Release(oracles);
            throw;
        }
        // The run's verdict was printed, but a native release that fails is an oracle failure all the same.
        string? failure = Release(oracles);
        if (failure is null) return code;
        stderr.WriteLine($"convverify: releasing the oracles made for the run failed: {failure}");
        return ExitCodes.BadInput;
    }

    // Null when every oracle was released, else what each failed release said.
    private static string? Release(OracleScope oracles)
    {
        try
        {
            oracles.Dispose();
            return null;
        }
        catch (AggregateException e)
        {
            return string.Join("; ", e.InnerExceptions.Select(i => i.Plain()));
        }
    }

    /// <summary>The command tree: every subcommand, writing to <paramref name="console"/>, its oracles made in <paramref name="oracles"/>.</summary>
    internal static RootCommand Root(IAnsiConsole console, OracleScope oracles)
    {
        var root = new RootCommand("ConvVerify: a naive C# convolution and its gradients checked against PyTorch autograd; an oracle for other implementations.")
        {
            CasesCommand.Build(console),
            CheckCommand.Build(console, oracles),
            FixturesCommand.Build(console, oracles),
            VerifyImplCommand.Build(console),
            SoakCommand.Build(console, oracles),
            ReportCommand.Build(console),
            ExplainCommand.Build(console),
            SnapshotsCommand.Build(console),
        };
        // System.CommandLine's [suggest] directive (for dotnet-suggest's shell completion, which this tool does not
        // document) ran instead of the command and exited 0 having done nothing: "convverify [suggest] check" passed.
        // Without it a bracketed word is an argument like any other, refused as one.
        root.Directives.Clear();
        return root;
    }

    private static int Run(string[] args, IAnsiConsole console, OracleScope oracles, TextWriter stdout, TextWriter stderr)
    {
        var parse = Root(console, oracles).Parse(args, UsageErrors.Configuration());
        var errors = UsageErrors.Of(parse, args);
        // An error System.CommandLine finds that UsageErrors does not say is still refused, in its words.
        if (errors.Count == 0 && parse.Errors.Count > 0) errors = [.. parse.Errors.Select(e => e.Message)];
        if (errors.Count > 0)
        {
            foreach (string error in errors) stderr.WriteLine($"convverify: {Shown(error)}");
            // The root's help lists only the commands: the one to read is that of the command the error is in.
            stderr.WriteLine($"Run '{UsageErrors.PathOf(parse.CommandResult)} --help' for usage.");
            return ExitCodes.BadInput;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (CliException e)
        {
            stderr.WriteLine($"convverify: {Shown(e.Message)}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or TorchOracleException or OrtOracleException)
        {
            // Unreadable or unwritable files and oracle failures are bad input, not crashes: one line, exit 2.
            stderr.WriteLine($"convverify: {Shown(e.Plain())}");
            return ExitCodes.BadInput;
        }
    }

    // An error quotes what the user gave (--dtype, --layout, --tolerance values, paths) and what files said: its control
    // characters are escaped here, once for every refusal, so that no quoted value drives the terminal. Line ends stay,
    // for the errors of several lines.
    private static string Shown(string error) => ConvVerify.Fixtures.PackPaths.Printable(error, keepWhiteSpace: true);
}
