using ConvVerify.Cli;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// Every option whose help says its value is comma-separated, found by walking the command tree, reads the list by one
/// rule: items trimmed, an empty item or one given twice refused as the line is parsed, naming the option and the item.
/// An option added later that says "comma-separated" without going through CommaLists fails here.
/// </summary>
public class CommaListTests : CliTestBase
{
    /// <summary>Every option of every command that says it takes a comma-separated list.</summary>
    public static IEnumerable<TestCaseData> ListOptions() =>
        CommandTree.All().SelectMany(c => c.Command.Options
            .Where(o => o.Description?.Contains("comma-separated", StringComparison.Ordinal) == true)
            .Select(o => new TestCaseData(c.Path, o.Name).SetArgDisplayNames(c.Path, o.Name)));

    [Test]
    public void TheWalkFindsTheOracleListsOfCheckAndSoak() =>
        Assert.That(ListOptions().Select(t => $"{t.Arguments[0]} {t.Arguments[1]}"), Is.SupersetOf(new[] { "check --oracle", "soak --oracle" }));

    [TestCaseSource(nameof(ListOptions))]
    public void AnEmptyOrRepeatedItemIsRefusedNamingTheOptionAndTheItem(string path, string name)
    {
        Assert.That(CommaLists.IsList(CommandTree.At(path).Options.Single(o => o.Name == name)), Is.True, $"{path} {name} is read by CommaLists");
        foreach (var (value, message) in new[]
        {
            ("a,,b", "empty name (item 2 of 3) in 'a,,b'"),
            ("a,", "empty name (item 2 of 2) in 'a,'"),
            (",a", "empty name (item 1 of 2) in ',a'"),
            ("a, ,b", "empty name (item 2 of 3) in 'a, ,b'"),
            ("", "empty name (item 1 of 1) in ''"),
            (" ", "empty name (item 1 of 1) in ' '"),
            ("a,b,a", "'a' named twice in 'a,b,a'"),
            ("a, a", "'a' named twice in 'a, a'"),
            ("a,\u001b[2J,\u001b[2J", "'\\u001b[2J' named twice in 'a,\\u001b[2J,\\u001b[2J'"),
        })
        {
            var r = Run([.. CommandTree.Line(path), name, value]);
            Assert.That(r.Code, Is.EqualTo(2), r.ToString());
            Assert.That(r.Out, Is.Empty);
            Assert.That(r.Err.Split('\n')[0], Is.EqualTo($"convverify: {name}: {message}"), r.ToString());
            Assert.That(r.Err.Split('\n')[1], Is.EqualTo($"Run 'convverify {path} --help' for usage."), r.ToString());
        }
    }

    [TestCaseSource(nameof(ListOptions))]
    public void ItemsAreTrimmedAndKeptAsTyped(string path, string name)
    {
        // Unknown names pass the parse: what the names mean is the registry's to say. Case is kept ("A" is not "a").
        string[] line = [.. CommandTree.Line(path), name, " a ,b,A"];
        var parse = CommandTree.Root().Parse(line, UsageErrors.Configuration());
        Assert.That(UsageErrors.Of(parse, line), Is.Empty);
        Assert.That(CommaLists.Items(name, " a ,b,A"), Is.EqualTo(new[] { "a", "b", "A" }));
    }

    [Test]
    public void ANameOutsideTheRegistryIsTheRegistrysToRefuse()
    {
        foreach (string command in new[] { "soak", "check" })
        {
            var r = Run(command, "--oracle", "exact, Exact", command == "soak" ? "--cases" : "--random", "1");
            Assert.That(r.Code, Is.EqualTo(2), r.ToString());
            Assert.That(r.Err, Does.StartWith("convverify: --oracle: unknown oracle 'Exact' (known: "), r.ToString());
            Assert.That(r.Out, Is.Empty);
        }
    }
}
