using System.CommandLine;
using ConvVerify.Oracles;

namespace ConvVerify.Tests.Cli;

/// <summary>The command line's command tree, walked: tests that hold every command or option to a rule find them here.</summary>
internal static class CommandTree
{
    /// <summary>A fresh tree, as a run builds it.</summary>
    public static RootCommand Root()
    {
        using var oracles = new OracleScope();
        return ConvVerify.Cli.Cli.Root(ConvVerify.Cli.Cli.ConsoleFor(TextWriter.Null, terminal: false), oracles);
    }

    /// <summary>Every command under <paramref name="command"/>, itself first, each with its path of names below the root.</summary>
    public static IEnumerable<(string[] Path, Command Command)> Commands(Command command, string[] path)
    {
        yield return (path, command);
        foreach (var sub in command.Subcommands)
            foreach (var found in Commands(sub, [.. path, sub.Name])) yield return found;
    }

    /// <summary>Every command of a fresh tree, by its path ("fixtures generate"; "" for the root).</summary>
    public static IEnumerable<(string Path, Command Command)> All() => Commands(Root(), []).Select(c => (string.Join(' ', c.Path), c.Command));

    /// <summary>The command at <paramref name="path"/> of a fresh tree.</summary>
    public static Command At(string path) => All().Single(c => c.Path == path).Command;

    /// <summary>
    /// The command's line with a value for each required option and argument (but <paramref name="except"/>), so that the
    /// only error is the one a test adds.
    /// </summary>
    public static string[] Line(string path, string? except = null)
    {
        var command = At(path);
        return [.. path.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            .. command.Options.Where(o => o.Required && o.Name != except).SelectMany(o => new[] { o.Name, "required-value" }),
            .. command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0).Select(_ => "required-value")];
    }
}
