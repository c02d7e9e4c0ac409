using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.CompilerServices;
using ConvVerify.Fixtures;

namespace ConvVerify.Cli;

/// <summary>What is wrong with a command line, said in the command line's own words for every command and option alike.</summary>
/// <remarks>
/// System.CommandLine's own messages ("Option '--mb' expects a single argument but 2 were provided.", "Required argument
/// missing for option: '--random'.", "Unrecognized command or argument 'frob'.") name no expected kind, follow no form of
/// ours, and are translated into the user's UI language from its satellite resources while ours are not. They are
/// found here from the parse's structure, never by reading their wording, and replaced: an option given more than once
/// or with no value, a switch given a value it cannot mean, an unknown command, option or extra argument, and a missing
/// command, required option or argument. Errors our own parsers and validators add (<see cref="WholeNumbers"/>,
/// <see cref="OracleTimeLimit"/>, <see cref="OptionLikeTokens"/>) are already in our words and pass through, unless the same option has a worse problem
/// said here.
/// </remarks>
internal static class UsageErrors
{
    /// <summary>
    /// How the command line is parsed: no response files. System.CommandLine would read any token starting with '@' as
    /// the name of a file of further arguments (<c>check @foo</c> read foo; <c>--json @out.json</c> read out.json instead
    /// of writing it), which nothing in this tool documents or needs and a CI script would not expect of a path.
    /// </summary>
    public static ParserConfiguration Configuration() => new() { ResponseFileTokenReplacer = null };

    /// <summary>What a switch (an option of type bool) says of a value it cannot mean.</summary>
    public static string SwitchRefusal(string option, string value) =>
        $"{option}: expected no value, or true or false, got '{PackPaths.Printable(value)}'";

    // What kind of value each option or argument given one by Expecting takes, for the messages that have no value to show.
    private static readonly ConditionalWeakTable<Symbol, string> Kinds = [];

    /// <summary>Records that <paramref name="option"/> (an option or an argument) takes <paramref name="kind"/> ("a folder"), which a line leaving it out is told.</summary>
    public static T Expecting<T>(this T option, string kind) where T : Symbol
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        Kinds.AddOrUpdate(option, kind);
        return option;
    }

    /// <summary>
    /// What <paramref name="option"/> takes: its range when <see cref="WholeNumbers"/> or <see cref="OracleTimeLimit"/> parses it, else the kind given to
    /// <see cref="Expecting"/>, else "a value".
    /// </summary>
    public static string Expected(Option option) =>
        Typed(option) ?? (Kinds.TryGetValue(option, out string? kind) ? kind : "a value");

    // What an option whose value is parsed as a number takes (WholeNumbers, OracleTimeLimit); null for a text option.
    private static string? Typed(Option option) => WholeNumbers.Expected(option) ?? OracleTimeLimit.Expected(option);

    /// <summary>The errors of <paramref name="parse"/> of <paramref name="args"/>, each a line, in the order found; empty when there is none.</summary>
    public static IReadOnlyList<string> Of(ParseResult parse, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(args);
        // Help and --version run instead of the command, whatever else the line holds, as System.CommandLine has them.
        if (parse.Errors.Count == 0 && parse.Action is not null && parse.Action != parse.CommandResult.Command.Action) return [];
        var said = new List<string>();
        // .NET reads a command line's bytes that are not UTF-8 (a file name in Latin-1, say) as U+FFFD: --out named a
        // folder other than the one typed, which was then written, and a pack named so was checked under the other name.
        // No path or value of this tool holds U+FFFD, so one typed as such is refused alike.
        foreach (string arg in args.Where(a => a.Contains('\uFFFD', StringComparison.Ordinal)))
            said.Add($"argument '{PackPaths.Printable(PackPaths.Cut(arg, 200)).Replace("\uFFFD", "\\ufffd", StringComparison.Ordinal)}' holds U+FFFD (shown as \\ufffd), "
                + "which is how .NET reads bytes that are not UTF-8, so the path or value meant cannot be named; give it in UTF-8, without U+FFFD");
        var replaced = new HashSet<SymbolResult>();
        var command = parse.CommandResult;
        string path = PathOf(command);

        // A switch's value is true or false only. System.CommandLine reads --verbose=xyz as --verbose and a separate xyz,
        // which a command with descriptors then took as one ("descriptor 'xyz': unrecognized token"): the joined form is
        // looked at here, on the line as typed, since the parse no longer tells it from --verbose xyz (xyz a descriptor).
        // The refused value is then no word of the line: the rest of it is parsed again without it, so that every other
        // complaint (an unknown option among the descriptors, a missing required option) is said with it, as when no
        // switch is refused, and none is dropped with the value's.
        // Only words after the command's own name are its options: fixtures --force=x generate has no switch --force
        // where it stands, and was told both that its value was refused and that the option was unknown.
        var cleaned = new List<string>(args.Count);
        var switches = command.Command.Options.Where(o => o.ValueType == typeof(bool) && o.Arity.MaximumNumberOfValues > 0).ToList();
        var names = new List<Command>();
        for (var c = command; c.Parent is CommandResult parent; c = parent) names.Insert(0, c.Command);
        int named = 0;
        bool after = false;
        foreach (string arg in args)
        {
            after |= arg == "--";
            if (!after && named < names.Count && (arg == names[named].Name || names[named].Aliases.Contains(arg))) named++;
            int at = arg.IndexOfAny(['=', ':']);
            if (!after && named == names.Count && at >= 0 && arg.StartsWith('-') && switches.FirstOrDefault(o => o.Name == arg[..at] || o.Aliases.Contains(arg[..at])) is { } flag
                && !bool.TryParse(arg[(at + 1)..], out _))
            {
                said.Add(SwitchRefusal(flag.Name, arg[(at + 1)..]));
                cleaned.Add(arg[..at]);
            }
            else cleaned.Add(arg);
        }
        if (said.Count > 0)
        {
            parse = parse.RootCommandResult.Command.Parse(cleaned, parse.Configuration);
            command = parse.CommandResult;
        }

        foreach (var option in command.Children.OfType<OptionResult>().Where(o => !o.Implicit))
        {
            string name = option.Option.Name;
            var values = option.Tokens.Select(t => PackPaths.Printable(t.Value)).ToList();
            // Any option repeated is refused, since which of the values counts is a guess; a bare switch too, as README
            // says of every option: --strict --strict was taken while --strict --strict=false was refused, so whether a
            // repeat passed hung on how it was written, and a line that names a switch twice is a line built wrong.
            if (option.IdentifierTokenCount > 1)
                said.Add($"{name}: given {Times(option.IdentifierTokenCount)}{(values.Count == option.IdentifierTokenCount ? $" ({Listed(values)})" : "")}; give it once");
            else if (values.Count == 0 && option.Option.Arity.MinimumNumberOfValues > 0)
                said.Add(Typed(option.Option) is { } kind ? $"{name}: expected a value: {kind}" : $"{name}: expected {Expected(option.Option)}, got none");
            // System.CommandLine gives a text option the next word, even an option of the command: check --json --frob
            // wrote the report to a file named --frob, and check --json --verbose dropped the --verbose. No name or list
            // starts with '-', and a path that does can be written ./-name, as OptionLikeTokens has it for arguments.
            // Counted options say it in their own words. A known option is not called unknown: "got the unknown option
            // '--verbose'" sent the reader to check a spelling that was right.
            else if (values.Count == 1 && option.Tokens[0].Value.StartsWith('-') && option.Option.ValueType == typeof(string) && Typed(option.Option) is null)
                said.Add($"{name}: expected {Expected(option.Option)}, got {(IsOptionOf(command, option.Tokens[0].Value) ? "the option" : "the unknown option")} '{values[0]}' "
                    + $"(a path starting with '-' is written ./{values[0]})");
            else continue;
            replaced.Add(option);
        }

        // A switch takes one value: in --verbose true false the first is its value and the second became a DESCRIPTOR,
        // refused by a selection rule that named neither ("give only one of --set, --batch, --random and descriptors").
        // A word true or false right after a switch's value is refused here, naming it, rather than read as the argument
        // it landed in: no descriptor is true or false, and a second value for a switch is a typo or a script's variable
        // split in two, where taking either as the value would be a guess (as an option given twice is refused). A path
        // so named is still given as ./false, as a path starting with '-' is.
        var arguments = command.Children.OfType<ArgumentResult>().ToList();
        foreach (var option in command.Children.OfType<OptionResult>().Where(o => !o.Implicit && o.Option.ValueType == typeof(bool) && o.Tokens.Count == 1))
        {
            // By reference: tokens of one word are equal, and the line may hold true more than once.
            int at = IndexOf(parse.Tokens, option.Tokens[0]);
            if (at < 0 || at + 1 >= parse.Tokens.Count) continue;
            var next = parse.Tokens[at + 1];
            if (next.Type != TokenType.Argument || !bool.TryParse(next.Value, out _)) continue;
            if (arguments.FirstOrDefault(a => IndexOf(a.Tokens, next) >= 0) is not { } argument) continue;
            string word = PackPaths.Printable(next.Value);
            said.Add($"'{word}' after {option.Option.Name} {PackPaths.Printable(option.Tokens[0].Value)} was read as {argument.Argument.Name}: a switch takes one value, true or false"
                + (Kinds.TryGetValue(argument.Argument, out _) ? $" (a path named {word} is written ./{word})" : ""));
        }

        // The root has no directives (Cli.Root), but System.CommandLine still takes a leading [word] as one and drops it.
        foreach (var token in parse.Tokens.Where(t => t.Type == TokenType.Directive))
            said.Add($"unexpected argument '{PackPaths.Printable(token.Value)}'");
        foreach (var token in parse.UnmatchedTokens)
        {
            string shown = PackPaths.Printable(token);
            said.Add(token.StartsWith('-') ? $"unknown option '{shown}'"
                : command.Command.Subcommands.Count > 0 ? $"{Prefix(path)}unknown command '{shown}' (known: {Names(command.Command)})"
                : $"{Prefix(path)}unexpected argument '{shown}'");
        }
        // A group (fixtures, report, snapshots, the root) does nothing itself; told of an unknown word above, not twice.
        if (command.Command.Subcommands.Count > 0 && command.Command.Action is null && parse.UnmatchedTokens.Count == 0)
            said.Add($"{Prefix(path)}COMMAND is missing: one of {Names(command.Command)}");
        // A required option left out has a result with no identifier, which System.CommandLine's complaint is about.
        foreach (var required in command.Command.Options.Where(o => o.Required))
        {
            // Stryker disable once Linq : System.CommandLine gives every required option a result, one without identifier when left out
            var result = command.Children.OfType<OptionResult>().FirstOrDefault(r => r.Option == required);
            if (result is { IdentifierTokenCount: > 0 }) continue;
            // Said as every other complaint about an option is: its name, what it takes, what it got. Its help sentence
            // says what the value is for, not what kind of value it is.
            said.Add($"{Prefix(path)}{required.Name} is required: expected {Expected(required)}, got none");
            if (result is not null) replaced.Add(result);
        }
        // Every argument has a result too, with fewer tokens than it needs when left out.
        foreach (var argument in command.Children.OfType<ArgumentResult>()
            .Where(a => a.Tokens.Count < a.Argument.Arity.MinimumNumberOfValues && !replaced.Contains(a)))
        {
            // Said as a required option left out is: what it takes, not its help sentence.
            said.Add($"{Prefix(path)}{argument.Argument.Name} is missing: expected {(Kinds.TryGetValue(argument.Argument, out string? kind) ? kind : "a value")}, got none");
            replaced.Add(argument);
        }

        // What is left is ours (a value refused by its parser, an option-like descriptor), except what System.CommandLine
        // says of a command (every such case is said above) or of a symbol said above.
        foreach (var error in parse.Errors)
        {
            if (error.SymbolResult is CommandResult || error.SymbolResult is null) continue;
            if (replaced.Contains(error.SymbolResult) || error.SymbolResult is ArgumentResult { Parent: { } parent } && replaced.Contains(parent)) continue;
            said.Add(error.Message);
        }
        return said;
    }

    // Where token itself (not a token equal to it) is in tokens; -1 when it is not.
    private static int IndexOf(IReadOnlyList<Token> tokens, Token token)
    {
        for (int i = 0; i < tokens.Count; i++)
            if (ReferenceEquals(tokens[i], token)) return i;
        return -1;
    }

    // Whether word names an option the command answers to: its own, or a recursive one of a command above it (--help, -h).
    private static bool IsOptionOf(CommandResult command, string word)
    {
        for (var c = command; c is not null; c = c.Parent as CommandResult)
            if (c.Command.Options.Any(o => (c == command || o.Recursive) && (o.Name == word || o.Aliases.Contains(word)))) return true;
        return false;
    }

    // The command as typed, "convverify fixtures check": the root's own name is the executable's, which in a test is the test host.
    internal static string PathOf(CommandResult command)
    {
        var names = new List<string>();
        for (var c = command; c.Parent is CommandResult parent; c = parent) names.Insert(0, c.Command.Name);
        return string.Join(" ", ["convverify", .. names]);
    }

    // "fixtures check: " before a message about a command's own words; nothing for the root, whose name the line starts with.
    private static string Prefix(string path) => path == "convverify" ? "" : path["convverify ".Length..] + ": ";

    private static string Names(Command command) => string.Join(", ", command.Subcommands.Select(c => c.Name));

    private static string Times(int n) => n == 2 ? "twice" : string.Create(CultureInfo.InvariantCulture, $"{n} times");

    // Two values or more: only an option given more than once lists its values.
    private static string Listed(IReadOnlyList<string> values) =>
        string.Join(", ", values.SkipLast(1).Select(v => $"'{v}'")) + $" and '{values[^1]}'";
}
