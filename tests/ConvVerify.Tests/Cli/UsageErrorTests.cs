using System.CommandLine;
using ConvVerify.Cli;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// What System.CommandLine found wrong with a line, said in the command line's words for every command and option,
/// found by walking the command tree: an option given twice or with no value, a switch given a value, an unknown
/// command, option or argument, a missing command or required option; and no '@file' read as more arguments. An option
/// or command added later is held to the same rules here, and fails them unless it goes through UsageErrors.
/// </summary>
public class UsageErrorTests : CliTestBase
{
    // What each typed option takes, stated here (as in NumericOptionTests) rather than read from the code.
    private static readonly Dictionary<string, string> Ranges = new(StringComparer.Ordinal)
    {
        ["--seed"] = "a whole number from 0 to 18446744073709551615",
        ["--random"] = "a whole number from 1 to 2147483647",
        ["--random-index"] = "a whole number from 0 to 2147483647",
        ["--cases"] = "a whole number from 1 to 2147483647",
        ["--mb"] = "a whole number from 1 to 2147483647",
        ["--max-macs"] = "a whole number from 1 to 9223372036854775807",
        ["--oracle-time-limit"] = "a number of seconds above 0 and at most 2147483.647, or none",
    };

    // What each required option takes, stated here: a required option added later must be given a kind (UsageErrors.Expecting).
    private static readonly Dictionary<string, string> Kinds = new(StringComparer.Ordinal)
    {
        ["fixtures generate --out"] = "a folder",
        ["fixtures import-onnx --out"] = "a folder",
        ["verify-impl --pack"] = "a folder",
        ["verify-impl --candidate"] = "a folder",
        // Paths, told as such when a value is missing: a file written or read, a folder written or read.
        ["check --json"] = "a file",
        ["check --junit"] = "a file",
        ["check --report"] = "a folder",
        ["fixtures check --json"] = "a file",
        ["fixtures check --junit"] = "a file",
        ["fixtures check --report"] = "a folder",
        ["verify-impl --json"] = "a file",
        ["verify-impl --junit"] = "a file",
        ["verify-impl --report"] = "a folder",
        ["soak --json"] = "a file",
        ["soak --junit"] = "a file",
        ["soak --report"] = "a folder",
        ["report merge --json"] = "a file",
        ["report merge --junit"] = "a file",
        ["report merge --report"] = "a folder",
        ["cases --batch"] = "a file",
        ["check --batch"] = "a file",
        ["fixtures generate --batch"] = "a file",
        ["check --pack"] = "a folder",
        ["explain --png"] = "a file",
        ["snapshots accept --dir"] = "a folder",
    };

    // What each required argument takes, said when it is left out.
    private static readonly Dictionary<string, string> ArgumentKinds = new(StringComparer.Ordinal)
    {
        ["fixtures check DIR"] = "a pack folder",
        ["fixtures import-onnx DIR"] = "one or more folders of ONNX test data",
        ["report merge SHARD"] = "the --json report of every shard",
    };

    private static bool IsSwitch(Option o) => o.ValueType == typeof(bool) && o.Arity.MaximumNumberOfValues > 0;

    private static IEnumerable<TestCaseData> Options(Func<Option, bool> which) =>
        CommandTree.All().SelectMany(c => c.Command.Options.Where(o => o.Arity.MaximumNumberOfValues > 0 && which(o))
            .Select(o => new TestCaseData(c.Path, o.Name).SetArgDisplayNames(c.Path, o.Name)));

    /// <summary>Every option that takes a value or may (switches too), of every command.</summary>
    public static IEnumerable<TestCaseData> ValuedOptions() => Options(_ => true);

    /// <summary>Every option that must be given a value when named.</summary>
    public static IEnumerable<TestCaseData> ValueRequiredOptions() => Options(o => o.Arity.MinimumNumberOfValues > 0);

    /// <summary>Every switch (an option of type bool), of every command.</summary>
    public static IEnumerable<TestCaseData> Switches() => Options(IsSwitch);

    /// <summary>Every command with subcommands (the root included), by path.</summary>
    public static IEnumerable<TestCaseData> Groups() =>
        CommandTree.All().Where(c => c.Command.Subcommands.Count > 0).Select(c => new TestCaseData(c.Path).SetArgDisplayNames(c.Path is "" ? "(root)" : c.Path));

    /// <summary>Every command that runs (no subcommands), by path.</summary>
    public static IEnumerable<TestCaseData> Leaves() =>
        CommandTree.All().Where(c => c.Command.Subcommands.Count == 0).Select(c => new TestCaseData(c.Path).SetArgDisplayNames(c.Path));

    // The whole of stderr: the message, then the pointer to the command's help; nothing run.
    private static void Refused(CliResult r, string path, params string[] messages)
    {
        string usage = path is "" ? "Run 'convverify --help' for usage." : $"Run 'convverify {path} --help' for usage.";
        Assert.Multiple(() =>
        {
            Assert.That(r.Code, Is.EqualTo(2), r.ToString());
            Assert.That(r.Out, Is.Empty, "refused before any work");
            Assert.That(r.Err.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'), Is.EqualTo([.. messages.Select(m => "convverify: " + m), usage]), r.ToString());
        });
    }

    [TestCaseSource(nameof(ValuedOptions))]
    public void AnOptionGivenTwiceIsRefusedNamingBothValues(string path, string name)
    {
        bool flag = IsSwitch(CommandTree.At(path).Options.Single(o => o.Name == name));
        string[] values = flag ? ["true", "false"] : ["1", "2"];
        string[] line = CommandTree.Line(path, except: name);
        Refused(Run([.. line, name, values[0], name, values[1]]), path, $"{name}: given twice ('{values[0]}' and '{values[1]}'); give it once");
        // The same value twice is refused too: the rule is about the line, not about a conflict.
        Refused(Run([.. line, $"{name}={values[0]}", $"{name}={values[0]}"]), path, $"{name}: given twice ('{values[0]}' and '{values[0]}'); give it once");
    }

    [Test]
    public void AnOptionGivenThreeTimesIsCounted() =>
        Refused(Run("check", "--mb", "2", "--mb", "3", "--mb", "4"), "check", "--mb: given 3 times ('2', '3' and '4'); give it once");

    [TestCaseSource(nameof(Switches))]
    public void ABareSwitchGivenTwiceIsRefusedAsAnyOptionIs(string path, string name)
    {
        // The probe: cases --json --json, check --verbose --verbose, --strict --strict and fixtures generate --force
        // --force passed, while --strict --strict=false was refused as given twice: every option is given at most once.
        string[] line = CommandTree.Line(path, except: name);
        Refused(Run([.. line, name, name]), path, $"{name}: given twice; give it once");
        Refused(Run([.. line, name, name, name]), path, $"{name}: given 3 times; give it once");
        // Written either way, the same refusal.
        Refused(Run([.. line, name, $"{name}=false"]), path, $"{name}: given twice; give it once");
    }

    [TestCase("true", "false")]
    [TestCase("false", "true")]
    [TestCase("true", "true")]
    [TestCase("false", "False")]
    public void ASecondSwitchValueIsNamedNotTakenForADescriptor(string value, string stray)
    {
        // The probe: check --set question --verbose true false read false as a descriptor, and was told "give only one of
        // --set, --batch, --random and descriptors", which named neither word.
        Refused(Run("check", "--set", "question", "--verbose", value, stray), "check",
            $"'{stray}' after --verbose {value} was read as DESCRIPTOR: a switch takes one value, true or false");
        Refused(Run("check", "--oracle", "exact", "--strict=" + value, stray, "mb1ic1ih3oc1kh1"), "check",
            $"'{stray}' after --strict {value} was read as DESCRIPTOR: a switch takes one value, true or false");
        // A path argument is told how to name a file so named.
        Refused(Run("report", "merge", "--verbose", value, stray), "report merge",
            $"'{stray}' after --verbose {value} was read as SHARD: a switch takes one value, true or false (a path named {stray} is written ./{stray})");
    }

    [Test]
    public void ADescriptorAfterASwitchValueIsStillOne()
    {
        // Only true or false is refused there: any other word after a switch's value is the argument it always was, and a
        // true or false after "--" is an argument as typed.
        string[] line = ["check", "--oracle", "exact", "--verbose", "true", "mb1ic1ih3oc1kh1", "--strict", "false", "mb1ic1ih3oc2kh1"];
        Assert.That(UsageErrors.Of(CommandTree.Root().Parse(line, UsageErrors.Configuration()), line), Is.Empty);
        string[] dashed = ["check", "--oracle", "exact", "--verbose", "true", "--", "false"];
        Assert.That(UsageErrors.Of(CommandTree.Root().Parse(dashed, UsageErrors.Configuration()), dashed), Is.Empty);
    }

    [TestCaseSource(nameof(ValueRequiredOptions))]
    public void AnOptionGivenNoValueIsRefusedSayingWhatItTakes(string path, string name)
    {
        var option = CommandTree.At(path).Options.Single(o => o.Name == name);
        bool typed = option.ValueType != typeof(string) && option.ValueType != typeof(string[]);
        // A range says what a number takes; a text option's help is a sentence, not a kind: the kind it was given, or only
        // the absence, is said.
        string kind = Kinds.TryGetValue($"{path} {name}", out string? given) ? given : "a value";
        string message = typed ? $"{name}: expected a value: {Ranges[name]}" : $"{name}: expected {kind}, got none";
        // Last on the line, and given empty after '=' (an unset variable in --json=$OUT).
        Refused(Run([.. CommandTree.Line(path, except: name), name]), path, message);
        Refused(Run([.. CommandTree.Line(path, except: name), name + "="]), path, message);
        // An unknown option where the value should be is not taken for it (check --json --frob wrote a file named --frob).
        if (!typed)
        {
            foreach (string word in new[] { "--frob", "-", "-x" })
                Refused(Run([.. CommandTree.Line(path, except: name), name, word]), path,
                    $"{name}: expected {kind}, got the unknown option '{word}' (a path starting with '-' is written ./{word})");
            // An option the command knows, taken for the value all the same, is not called unknown (its spelling was right).
            // (explain and snapshots accept have no other option of their own: the root's --help and its alias stand for one.)
            string? other = CommandTree.At(path).Options.FirstOrDefault(o => o.Name != name && o.Name.StartsWith("--", StringComparison.Ordinal))?.Name;
            foreach (string word in new[] { "--help", "-h", other }.OfType<string>())
                Refused(Run([.. CommandTree.Line(path, except: name), name, word]), path,
                    $"{name}: expected {kind}, got the option '{word}' (a path starting with '-' is written ./{word})");
            // Written as a path, the same name is a value like any other.
            string[] line = [.. CommandTree.Line(path, except: name), name, "./--frob"];
            Assert.That(UsageErrors.Of(CommandTree.Root().Parse(line, UsageErrors.Configuration()), line), Is.Empty, string.Join(' ', line));
        }
    }

    [TestCaseSource(nameof(Switches))]
    public void ASwitchGivenAValueOtherThanTrueOrFalseIsRefusedNamingIt(string path, string name)
    {
        // "-x" goes to the command's arguments (or is left over), whose refusal of a word starting with '-' is not repeated.
        foreach (string value in new[] { "xyz", "", "1", "yes", "true,false", "\u001b[2J", "-x" })
        {
            string shown = ConvVerify.Fixtures.PackPaths.Printable(value);
            Refused(Run([.. CommandTree.Line(path), $"{name}={value}"]), path, $"{name}: expected no value, or true or false, got '{shown}'");
            Refused(Run([.. CommandTree.Line(path), $"{name}:{value}"]), path, $"{name}: expected no value, or true or false, got '{shown}'");
        }
        // true and false are what they say, in any case, joined or not.
        foreach (var (given, meant) in new[] { ("true", true), ("false", false), ("False", false), ("TRUE", true) })
        {
            string[] joined = [.. CommandTree.Line(path), $"{name}={given}"];
            var parse = CommandTree.Root().Parse(joined, UsageErrors.Configuration());
            Assert.That(UsageErrors.Of(parse, joined), Is.Empty, string.Join(' ', joined));
            var option = parse.CommandResult.Command.Options.Single(o => o.Name == name);
            Assert.That(parse.GetResult(option)!.GetValueOrDefault<bool>(), Is.EqualTo(meant), string.Join(' ', joined));
        }
    }

    [Test]
    public void AWordAfterASwitchIsNotItsValue()
    {
        // check --verbose DESCRIPTOR: the descriptor is the descriptor; only the joined form is the switch's value.
        string[] line = ["check", "--verbose", "mb1ic3ih5oc16kh3"];
        var parse = CommandTree.Root().Parse(line, UsageErrors.Configuration());
        Assert.That(UsageErrors.Of(parse, line), Is.Empty);
        Assert.That(parse.GetValue<string[]>("DESCRIPTOR"), Is.EqualTo(new[] { "mb1ic3ih5oc16kh3" }));
        // After "--" everything is an argument, switch-like or not (one starting with '-' is refused as such, OptionLikeTokens).
        string[] after = ["report", "merge", "--", "--verbose=xyz"];
        Assert.That(UsageErrors.Of(CommandTree.Root().Parse(after, UsageErrors.Configuration()), after), Has.None.Contains("expected no value"));
    }

    [Test]
    public void TheWalkFindsTheOptionsOfTheSubcommands()
    {
        var valued = ValuedOptions().Select(t => $"{t.Arguments[0]} {t.Arguments[1]}").ToList();
        Assert.That(valued, Does.Contain("check --mb").And.Contain("check --oracle").And.Contain("report merge --json").And.Contain("fixtures generate --out"));
        var switches = Switches().Select(t => $"{t.Arguments[0]} {t.Arguments[1]}").ToList();
        Assert.That(switches, Does.Contain("check --verbose").And.Contain("soak --strict").And.Contain("cases --json").And.Contain("fixtures generate --force"));
        Assert.That(ValueRequiredOptions().Select(t => $"{t.Arguments[0]} {t.Arguments[1]}"), Does.Contain("check --random").And.Not.Contain("check --verbose"));
    }

    [TestCaseSource(nameof(Groups))]
    public void AGroupWithoutItsCommandOrWithAnUnknownOneNamesTheKnownOnes(string path)
    {
        var group = CommandTree.At(path);
        string known = string.Join(", ", group.Subcommands.Select(c => c.Name));
        string prefix = path is "" ? "" : path + ": ";
        string[] line = path.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Refused(Run(line), path, $"{prefix}COMMAND is missing: one of {known}");
        Refused(Run([.. line, "frob"]), path, $"{prefix}unknown command 'frob' (known: {known})");
        Refused(Run([.. line, "--frob"]), path, "unknown option '--frob'");
    }

    [TestCaseSource(nameof(Leaves))]
    public void ACommandNamesAnUnknownOptionAndAMissingRequiredOne(string path)
    {
        var command = CommandTree.At(path);
        Refused(Run([.. CommandTree.Line(path), "--frob"]), path, "unknown option '--frob'");
        foreach (var required in command.Options.Where(o => o.Required))
            Refused(Run(CommandTree.Line(path, except: required.Name)), path, $"{path}: {required.Name} is required: expected {Kinds[$"{path} {required.Name}"]}, got none");
        // A word beyond what the command's arguments take (those taking any number of words have no beyond).
        int room = command.Arguments.Sum(a => a.Arity.MaximumNumberOfValues) - command.Arguments.Count(a => a.Arity.MinimumNumberOfValues > 0);
        if (room < 100)
            Refused(Run([.. CommandTree.Line(path), .. Enumerable.Repeat("mb1ic3ih5oc16kh3", room), "extra"]), path, $"{path}: unexpected argument 'extra'");
    }

    [Test]
    public void ARequiredOptionLeftOutIsNamedWithTheKindItTakesNotItsHelp()
    {
        // Its help sentence ("The pack folder to write") said what the value is for, in another form than every other
        // complaint about an option: the name, what it takes, what it got.
        Refused(Run("verify-impl"), "verify-impl",
            "verify-impl: --pack is required: expected a folder, got none", "verify-impl: --candidate is required: expected a folder, got none");
        Assert.That(Run("fixtures", "generate").Err, Does.Not.Contain("The pack folder to write"));
        // A counted option says its range; one given no kind says it takes a value, never its help.
        var root = new RootCommand
        {
            new Option<int>("--n") { Description = "How many", Required = true }.WholeNumber(1),
            new Option<string>("--name") { Description = "Who", Required = true },
        };
        Assert.That(UsageErrors.Of(root.Parse([], UsageErrors.Configuration()), []), Is.EqualTo(new[]
        {
            "--n is required: expected a whole number from 1 to 2147483647, got none",
            "--name is required: expected a value, got none",
        }));
        Assert.That(() => new Option<string>("--x").Expecting(" "), Throws.ArgumentException.With.Property("ParamName").EqualTo("kind"));
        Assert.That(() => ((Option<string>)null!).Expecting("a folder"), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("option"));
    }

    [Test]
    public void AMissingArgumentIsNamedWithWhatItIs() =>
        Refused(Run("report", "merge"), "report merge", "report merge: SHARD is missing: expected the --json report of every shard, got none");

    /// <summary>Every command that must be given an argument, by path.</summary>
    public static IEnumerable<TestCaseData> TakingArguments() =>
        CommandTree.All().Where(c => c.Command.Arguments.Any(a => a.Arity.MinimumNumberOfValues > 0))
            .Select(c => new TestCaseData(c.Path).SetArgDisplayNames(c.Path));

    [TestCaseSource(nameof(TakingArguments))]
    public void EveryRequiredArgumentLeftOutIsNamedWithWhatItTakes(string path)
    {
        var command = CommandTree.At(path);
        string[] line = [.. path.Split(' '), .. command.Options.Where(o => o.Required).SelectMany(o => new[] { o.Name, "required-value" })];
        Refused(Run(line), path, [.. command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0).Select(a => $"{path}: {a.Name} is missing: expected {ArgumentKinds[$"{path} {a.Name}"]}, got none")]);
    }

    [Test]
    public void AValueItsParserRefusesIsSaidBesideTheOtherErrorsOfTheLine()
    {
        // Each problem once, whoever finds it: the repeated option here, the value's own parser (WholeNumbers) there.
        Refused(Run("check", "--random", "xyz", "--mb", "1", "--mb", "2"), "check",
            "--mb: given twice ('1' and '2'); give it once", "--random: expected a whole number from 1 to 2147483647, got 'xyz'");
        Refused(Run("check", "--random", "xyz", "--verbose=maybe"), "check",
            "--verbose: expected no value, or true or false, got 'maybe'", "--random: expected a whole number from 1 to 2147483647, got 'xyz'");
    }

    [Test]
    public void ASwitchValueRefusedLeavesEveryOtherComplaintOfTheLineSaid()
    {
        // The value went to the descriptors with the unknown option, and the complaint about both was dropped with its.
        Refused(Run("check", "--verbose=xyz", "--frob"), "check", "--verbose: expected no value, or true or false, got 'xyz'", "unknown option '--frob'");
        Refused(Run("check", "--verbose=-x", "--frob"), "check", "--verbose: expected no value, or true or false, got '-x'", "unknown option '--frob'");
        Refused(Run("verify-impl", "--strict=1", "--verbose=no", "--max-macs", "x"), "verify-impl",
            "--strict: expected no value, or true or false, got '1'",
            "--verbose: expected no value, or true or false, got 'no'",
            "verify-impl: --pack is required: expected a folder, got none",
            "verify-impl: --candidate is required: expected a folder, got none",
            "--max-macs: expected a whole number from 1 to 9223372036854775807, got 'x'");
    }

    [Test]
    public void ASwitchOfASubcommandGivenBeforeItsNameIsUnknownThereAndNothingElse()
    {
        // The probe: "--force: expected no value, or true or false, got 'x'" and then "unknown option '--force'", for a word
        // that is no option of fixtures, where it stands, whatever its value.
        Refused(Run("fixtures", "--force=x", "generate", "--out", "./unused"), "fixtures generate", "unknown option '--force=x'");
        Refused(Run("fixtures", "--force", "generate", "--out", "./unused"), "fixtures generate", "unknown option '--force'");
        // After the name, the same word is the switch's, and its value is refused.
        Refused(Run("fixtures", "generate", "--force=x", "--out", "./unused"), "fixtures generate", "--force: expected no value, or true or false, got 'x'");
    }

    [Test]
    public void AfterASecondDoubleDashASwitchLikeWordIsStillAnArgument()
    {
        // Everything after the first "--" is an argument, another "--" among them: none is looked at as a switch's value.
        string[] line = ["check", "--oracle", "exact", "--", "--", "--verbose=xyz"];
        var said = UsageErrors.Of(CommandTree.Root().Parse(line, UsageErrors.Configuration()), line);
        Assert.That(said.Where(e => e.StartsWith("--verbose:", StringComparison.Ordinal)), Is.Empty, string.Join("\n", said));
    }

    [Test]
    public void ASwitchGivenAgainBesideARefusedValueIsSaidGivenTwice()
    {
        // The refused value is dropped from the line parsed again, the switch kept: given once more with a value, the
        // switch was given twice, which is said too.
        Refused(Run("check", "--oracle", "exact", "--verbose=xyz", "--verbose=true", "mb1ic1ih3oc1kh1"), "check",
            "--verbose: expected no value, or true or false, got 'xyz'", "--verbose: given twice; give it once");
    }

    [TestCaseSource(nameof(Switches))]
    public void ASwitchValueRefusedAddsItsLineAndDropsNone(string path, string name)
    {
        // Every switch of every command, on a line with an unknown option and an extra word (and a required option left
        // out where there is one): what is said is what the line says with the bare switch, the refusal first.
        var command = CommandTree.At(path);
        string? left = command.Options.FirstOrDefault(o => o.Required)?.Name;
        string[] rest = [.. CommandTree.Line(path, except: left), "--frob", "extra"];
        var bare = Run([.. rest, name]);
        var refused = Run([.. rest, $"{name}=xyz"]);
        string[] expected = [$"convverify: {name}: expected no value, or true or false, got 'xyz'", .. bare.Err.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n')];
        Assert.That(bare.Err, Does.Contain("unknown option '--frob'"), bare.ToString());
        Assert.That(refused.Code, Is.EqualTo(2), refused.ToString());
        Assert.That(refused.Err.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'), Is.EqualTo(expected), refused.ToString());
    }

    [Test]
    public void OnlyACommandThatDoesNothingItselfIsToldToNameOne()
    {
        // UsageErrors reads any tree. A root with an action of its own runs it when no subcommand is named.
        var runs = new RootCommand { new Command("sub") };
        runs.SetAction(_ => 0);
        Assert.That(UsageErrors.Of(runs.Parse([], UsageErrors.Configuration()), []), Is.Empty);
        // A command with no subcommands has none to name, action or not.
        var bare = new RootCommand { new Command("noop") };
        Assert.That(UsageErrors.Of(bare.Parse(["noop"], UsageErrors.Configuration()), ["noop"]), Is.Empty);
        // Without its action the root is a group.
        Assert.That(UsageErrors.Of(bare.Parse([], UsageErrors.Configuration()), []), Is.EqualTo(new[] { "COMMAND is missing: one of noop" }));
    }

    [Test]
    public void NullsAreRefusedByName()
    {
        string[] line = ["cases", "--set", "basic"];
        var parse = CommandTree.Root().Parse(line, UsageErrors.Configuration());
        Assert.That(() => UsageErrors.Of(null!, line), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("parse"));
        Assert.That(() => UsageErrors.Of(parse, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("args"));
        Assert.That(() => ((Option<string>)null!).CommaList(), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("option"));
        Assert.That(() => CommaLists.Refusal("--oracle", null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("value"));
        Assert.That(() => CommaLists.Items("--oracle", null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("value"));
        Assert.That(() => ((Option<int>)null!).WholeNumber(1), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("option"));
        Assert.That(() => ((Option<int?>)null!).WholeNumber(1), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("option"));
    }

    [Test]
    public void AWholeNumberOptionCannotStartBelowZero()
    {
        // Signs are not read, so a range from -1 would promise a value no line can give.
        Assert.That(() => new Option<int>("--n").WholeNumber(-1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("min"));
        Assert.That(() => new Option<long?>("--n").WholeNumber(-1L), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("min"));
        Assert.That(WholeNumbers.Expected(new Option<int>("--n").WholeNumber(0)), Is.EqualTo("a whole number from 0 to 2147483647"));
    }

    [Test]
    public void HelpIsShownWhateverElseTheLineHolds()
    {
        // A required option left out or a bad switch value does not keep the help from being asked for.
        var r = Run("fixtures", "generate", "--verbose=xyz", "--help");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("--out"));
    }

    [TestCase("[suggest]")]
    [TestCase("[diagram]")]
    [TestCase("[parse]")]
    public void ADirectiveIsAWordLikeAnyOther(string directive)
    {
        // System.CommandLine's [suggest] ran instead of the command and passed having done nothing.
        Refused(Run(directive, "check", "--set", "question"), "check", $"unexpected argument '{directive}'");
    }

    [Test]
    public void AnAtSignIsNotAFileOfArguments()
    {
        // System.CommandLine would read the file named after '@' as more arguments: here it is a word like any other.
        string file = TempPath("args");
        File.WriteAllText(file, "--set basic\n");
        string[] line = ["check", "@" + file];
        var parse = CommandTree.Root().Parse(line, UsageErrors.Configuration());
        Assert.That(parse.GetValue<string[]>("DESCRIPTOR"), Is.EqualTo(new[] { "@" + file }));
        Assert.That(parse.GetValue<string?>("--set"), Is.Null);
        // The whole run: a descriptor that is not one, refused as such; and a missing file is not looked for.
        var r = Run(line);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.StartWith($"convverify: descriptor '@{file}'"), r.ToString());
        var missing = Run("report", "merge", "@" + TempPath("none"));
        Assert.That(missing.Err, Does.Not.Contain("Response file"), missing.ToString());
        Assert.That(missing.Err, Does.Contain("@" + TempPath("none")), missing.ToString());
    }

    [Test]
    public void TheSaidErrorsAreTheCommandLinesNotSystemCommandLines()
    {
        // System.CommandLine's own sentences end in a full stop and quote the option; ours follow "option: what, got 'value'".
        foreach (string[] line in new[] { new[] { "check", "--mb", "2", "--mb", "4" }, ["check", "--random"], ["frob"], ["fixtures"], ["fixtures", "generate"], ["soak", "extra"] })
        {
            var r = Run(line);
            Assert.That(r.Err.Split('\n')[0], Does.Not.EndWith(".").And.Not.Contain("Required").And.Not.Contain("Unrecognized").And.Not.Contain("expects"), r.ToString());
        }
    }
}
