using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// Every option of every command whose value is not text (a count, a limit, a seed), found by walking the command tree:
/// a value it cannot take is refused in the user's words, naming the option, the value and what was expected, never in
/// .NET's ("as expected type 'System.Nullable`1[System.Int32]'"). An option added without them fails here.
/// </summary>
public partial class NumericOptionTests : CliTestBase
{
    // Values no whole-number option takes: words, blanks, signs, other scripts' digits, fractions, exponents, hex,
    // separators, numbers past every 64-bit type, and control characters (printed escaped): .NET's parse takes trailing
    // NULs ("5\0" was 5), which a response file can hold.
    private static readonly string[] NotWholeNumbers =
        ["xyz", "", " 5", "5 ", "+5", "-5", "\u0663", "5.0", "1e6", "0x10", "1,000", "1_000", "99999999999999999999999", "5\u001b[2J", "5\0", "5\0\0"];

    // What each numeric option's numbers mean: a seed and an index may be 0; counts, minibatches and limits start at 1. Stated here
    // rather than read from the command, so that an option refusing too much or too little is caught.
    private static readonly Dictionary<string, int> Minimum = new(StringComparer.Ordinal)
    {
        ["--seed"] = 0,
        ["--random"] = 1,
        ["--random-index"] = 0,
        ["--cases"] = 1,
        ["--mb"] = 1,
        ["--max-macs"] = 1,
    };

    // The options that take seconds (or none) instead of a whole number, and what they say they take; stated here too.
    private static readonly Dictionary<string, string> Seconds = new(StringComparer.Ordinal)
    {
        ["--oracle-time-limit"] = "a number of seconds above 0 and at most 2147483.647, or none",
    };

    // What no option of seconds takes: the whole numbers' refusals but those that are decimals, and what else a time
    // could be written as (a unit, a point at either end, a sign before a fraction, infinity in words, none in capitals).
    private static readonly string[] NotSeconds =
        [.. NotWholeNumbers.Where(v => v != "5.0"), "0", "0.0", "5.", ".5", "-0.5", "5s", "1:00", "inf", "NaN", "None", "2147483.648", "2147483.6470001"];

    [GeneratedRegex(@"^convverify: (?<option>--[a-z-]+): expected a whole number from (?<min>\d+) to (?<max>\d+), got '(?<value>.*)'$")]
    private static partial Regex Refusal();

    private static RootCommand Tree() => CommandTree.Root();

    private static IEnumerable<(string[] Path, Command Command)> Commands(Command command, string[] path) => CommandTree.Commands(command, path);

    // The typed options: all but text (a name, a path, a list), switches (a word after one is not taken as its value)
    // and the options that take no value at all (--help, --version).
    private static bool Typed(Option o) => o.Arity.MaximumNumberOfValues > 0 && o.ValueType != typeof(string) && o.ValueType != typeof(bool);

    /// <summary>Every typed option of every command that takes a whole number (all but those of <see cref="Seconds"/>), as (command path, option name).</summary>
    public static IEnumerable<TestCaseData> TypedOptions() => Options(o => Typed(o) && !Seconds.ContainsKey(o.Name));

    /// <summary>Every option of every command that takes seconds, as (command path, option name).</summary>
    public static IEnumerable<TestCaseData> SecondsOptions() => Options(o => Typed(o) && Seconds.ContainsKey(o.Name));

    private static IEnumerable<TestCaseData> Options(Func<System.CommandLine.Option, bool> which) =>
        Commands(Tree(), []).SelectMany(c => c.Command.Options.Where(which).Select(o => new TestCaseData(string.Join(' ', c.Path), o.Name)
            .SetArgDisplayNames(string.Join(' ', c.Path), o.Name)));

    // The command's line up to the option: its path, and a value for each required option and argument, so that the
    // only error is the one under test.
    private static string[] Line(string path, string name, out Option option)
    {
        var command = Commands(Tree(), []).Single(c => string.Join(' ', c.Path) == path).Command;
        option = command.Options.Single(o => o.Name == name);
        return [.. path.Split(' '), .. command.Options.Where(o => o.Required).SelectMany(o => new[] { o.Name, "required-value" }),
            .. command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0).Select(_ => "required-value")];
    }

    private static CliResult Refused(string[] line, string path, string option, string value)
    {
        var r = Run([.. line, option, value]);
        string[] err = r.Err.TrimEnd('\n').Split('\n');
        string shown = ConvVerify.Fixtures.PackPaths.Printable(value);
        Assert.Multiple(() =>
        {
            Assert.That(r.Code, Is.EqualTo(2), $"{path} {option} '{shown}': {r}");
            Assert.That(r.Out, Is.Empty, "refused before any work");
            Assert.That(err, Has.Length.EqualTo(2), r.ToString());
            Assert.That(err[0], Does.StartWith($"convverify: {option}: expected a whole number from ").And.EndWith($", got '{shown}'"), r.ToString());
            Assert.That(err[^1], Is.EqualTo($"Run 'convverify {path} --help' for usage."));
            Assert.That(r.Err.Contains("System.", StringComparison.Ordinal) || r.Err.Contains('`', StringComparison.Ordinal), Is.False, r.ToString());
            Assert.That(r.Err.Where(char.IsControl).All(c => c == '\n'), Is.True, "control characters are escaped: " + r);
        });
        return r;
    }

    private static object? Parsed(string[] line, Option option, string value)
    {
        var parse = Tree().Parse([.. line, option.Name, value]);
        Assert.That(parse.Errors.Select(e => e.Message), Is.Empty, $"{option.Name} {value}");
        var result = parse.GetResult(parse.CommandResult.Command.Options.Single(o => o.Name == option.Name));
        return result!.GetValueOrDefault<object>();
    }

    [TestCaseSource(nameof(TypedOptions))]
    public void AValueTheOptionCannotTakeIsRefusedInTheUsersWords(string path, string name)
    {
        string[] line = Line(path, name, out var option);
        foreach (string value in NotWholeNumbers) Refused(line, path, name, value);

        // The range the refusal states is the one taken: its ends parse to themselves, one beyond either end is refused.
        var m = Refusal().Match(Refused(line, path, name, "xyz").Err.Split('\n')[0]);
        Assert.That(m.Success, Is.True);
        Assert.That(Minimum.TryGetValue(name, out int min), Is.True, $"{path} {name} is new: add its smallest value to {nameof(Minimum)}");
        Assert.That(m.Groups["min"].Value, Is.EqualTo(min.ToString(CultureInfo.InvariantCulture)), $"{path} {name}");
        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        string max = Convert.ToString(type.GetField("MaxValue")!.GetValue(null), CultureInfo.InvariantCulture)!;
        Assert.That(m.Groups["max"].Value, Is.EqualTo(max), $"{path} {name}: every value of its type up to the largest");
        foreach (string end in new[] { m.Groups["min"].Value, max, "007" })
            Assert.That(Convert.ToString(Parsed(line, option, end), CultureInfo.InvariantCulture), Is.EqualTo(end.TrimStart('0') is "" ? "0" : end.TrimStart('0')), $"{path} {name} {end}");
        Refused(line, path, name, (BigInteger.Parse(max, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture));
        Refused(line, path, name, min == 0 ? "-1" : (min - 1).ToString(CultureInfo.InvariantCulture));
    }

    [TestCaseSource(nameof(SecondsOptions))]
    public void SecondsTheOptionCannotTakeAreRefusedInTheUsersWords(string path, string name)
    {
        string[] line = Line(path, name, out var option);
        foreach (string value in NotSeconds)
        {
            var r = Run([.. line, name, value]);
            string shown = ConvVerify.Fixtures.PackPaths.Printable(value);
            Assert.That((r.Code, r.Out, r.Err.ReplaceLineEndings("\n")),
                Is.EqualTo((2, "", $"convverify: {name}: expected {Seconds[name]}, got '{shown}'\nRun 'convverify {path} --help' for usage.\n")), $"{path} {name} '{shown}'");
        }
        // The ends it states are taken, as is none: the longest wait, int.MaxValue milliseconds, and one tick.
        Assert.That(Parsed(line, option, "2147483.647"), Is.EqualTo(TimeSpan.FromMilliseconds(int.MaxValue)), $"{path} {name}");
        Assert.That(Parsed(line, option, "0.0000001"), Is.EqualTo(TimeSpan.FromTicks(1)), $"{path} {name}");
        Assert.That(Parsed(line, option, "none"), Is.EqualTo(Timeout.InfiniteTimeSpan), $"{path} {name}");
    }

    [Test]
    public void TheWalkFindsTheNumericOptionsOfTheSubcommands()
    {
        var found = TypedOptions().Select(t => $"{t.Arguments[0]} {t.Arguments[1]}").ToList();
        Assert.That(found, Does.Contain("check --random").And.Contain("check --seed").And.Contain("soak --cases")
            .And.Contain("fixtures generate --max-macs").And.Contain("verify-impl --max-macs").And.Contain("cases --mb"));
        Assert.That(SecondsOptions().Select(t => $"{t.Arguments[0]} {t.Arguments[1]}"), Does.Contain("check --oracle-time-limit").And.Contain("fixtures regenerate --oracle-time-limit"));
    }

    [Test]
    public void TheRefusalHasTheFormOfTheCommandLinesOwn()
    {
        // The form of the CLI's own refusals ("--layout: expected nchw or channels-last, got 'diagonal'").
        var r = Run("check", "--random", "xyz");
        Assert.That(r.Err.ReplaceLineEndings("\n"), Is.EqualTo("convverify: --random: expected a whole number from 1 to 2147483647, got 'xyz'\n"
            + "Run 'convverify check --help' for usage.\n"));
        Assert.That(r.Code, Is.EqualTo(2));
    }
}
