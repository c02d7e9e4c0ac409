using System.Globalization;
using System.Text.RegularExpressions;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Problems;

/// <summary>Batch files made to break the reader: names that are no paths, endless include chains, option values that multiply without end.</summary>
public class HostileBatchTests : TempFolderTest
{
    private const string Desc = "mb1ic2ih4oc2kh3";

    [Test]
    public void AnIncludeNameWithANullCharacterIsASkippedEntryNamingIt()
    {
        // Was .NET's "Null character in path.", naming neither the file nor the line, for the whole file.
        string main = Path.Combine(Dir, "main");
        File.WriteAllText(main, $"--batch=a\0b\n{Desc}\n");
        var e = BatchFile.Read(main);
        Assert.That(e, Has.Count.EqualTo(2));
        Assert.That((e[0].SkipKind, e[0].Where, e[0].Skip), Is.EqualTo((BatchSkipKind.Include, $"{main}:1", "--batch=a\0b: not a file name (it holds a null character)")));
        Assert.That(e[1].Problem, Is.Not.Null);
        Assert.That(BatchOptionTests.Included(main), Is.Empty);
    }

    [Test]
    public void AnIncludeChainPastTheDepthLimitIsASkippedEntry()
    {
        // Ten thousand files each including the next overflowed the stack, which no handler catches.
        int n = BatchFile.MaxIncludeDepth + 3;
        for (int i = 0; i < n; i++) File.WriteAllText(Path.Combine(Dir, $"f{i}"), $"--batch=f{i + 1}\n{Desc}\n");
        var e = BatchFile.Read(Path.Combine(Dir, "f0"));
        var failed = e.Where(x => x.SkipKind == BatchSkipKind.Include).ToList();
        Assert.That(failed.Select(x => (x.Where, x.Skip)), Is.EqualTo(new[]
        {
            (Path.Combine(Dir, $"f{BatchFile.MaxIncludeDepth}") + ":1", $"--batch=f{BatchFile.MaxIncludeDepth + 1}: includes nested more than {BatchFile.MaxIncludeDepth} deep"),
        }));
        Assert.That(e.Count(x => x.Problem is not null), Is.EqualTo(BatchFile.MaxIncludeDepth + 1));
    }

    [Test]
    public void OptionValuesThatMultiplyPastTheEntryLimitAreRefusedNamingTheLine()
    {
        // Twelve options of ten values each are 10^12 combinations of one descriptor: built until memory ran out.
        string options = string.Join(" ", Enumerable.Range(0, 12).Select(i => $"--x{i}={string.Join(',', Enumerable.Range(1, 10))}"));
        var e = Assert.Throws<DescriptorException>(() => BatchFile.ReadText($"# many\n{options}\n{Desc}\n", "t", null));
        Assert.That(e!.Message, Is.EqualTo($"t:3: {Desc}: the batch makes more than 2,000,000 entries, descriptors times the combinations of the option values "
            + "in force (over 2,000,000 here); split it"));
    }

    [Test]
    public void TheEntryLimitMessageShowsControlCharactersEscaped()
    {
        string options = string.Join(" ", Enumerable.Range(0, 7).Select(i => $"--x{i}={string.Join(',', Enumerable.Range(1, 10))}"));
        var e = Assert.Throws<DescriptorException>(() => BatchFile.ReadText($"{options}\nmb1\u001b[2J\n", "t", null));
        Assert.That(e!.Message.Any(char.IsControl), Is.False, e.Message);
        Assert.That(e.Message, Does.StartWith("t:2: mb1\\u001b[2J: "));
    }

    [Test]
    public void PatternsDifferingOnlyByANoOpTailShareOneBudgetForTheWholeRead()
    {
        // "Not tried again" is keyed on the pattern's text, so (.*a){40}, (.*a){40}(), (.*a){40}()(), … each took their own
        // second: seventy ran for over a minute. Here each may take 20 ms and all of them 300 ms, so a dozen or so run away, each
        // skipping its descriptor as before, then the read stops, long before the seventieth.
        string descriptor = "mb1ic3ih5oc16kh3n_" + new string('a', 38);
        string text = string.Concat(Enumerable.Range(0, 70).Select(i => $"--match=(.*a){{40}}{string.Concat(Enumerable.Repeat("()", i))}\n{descriptor}\n"));
        var e = Assert.Throws<DescriptorException>(() => BatchFile.ReadText(text, "t", null, null, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(300)));
        var m = Regex.Match(e!.Message, $@"^t:(\d+): {descriptor}: the --match patterns of the batch together took more than 0\.3 seconds \(here --match=\(\.\*a\)\{{40\}}((?:\(\))*)\); the batch is not read: use fewer or simpler patterns$");
        Assert.That(m.Success, e.Message);
        int line = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        // The descriptor after the i-th pattern is on line 2i + 2 and its pattern has i tails: the message names both of one pair.
        Assert.That(m.Groups[2].Length / 2, Is.EqualTo((line - 2) / 2));
        Assert.That(line, Is.GreaterThan(2).And.LessThanOrEqualTo(60), "more than the first pattern ran, and thirty of at least 20 ms each are well past 300 ms");
    }

    [Test]
    public void MatchesThatEachStayUnderTheirLimitStillSpendTheBudget()
    {
        // Just under the per-pattern limit on each of thousands of descriptors is as endless as running away on each.
        // (.*a){5}b fails on thirty a's after trying every way to pick five of them and more: about ten milliseconds a line
        // here, far under the second, and two seconds for the 200 lines, far over the 50 ms given.
        string text = "--match=(.*a){5}b\n" + string.Concat(Enumerable.Range(0, 200).Select(i => $"mb1ic3ih5oc16kh3n_{i}{new string('a', 30)}\n"));
        var e = Assert.Throws<DescriptorException>(() => BatchFile.ReadText(text, "t", null, null, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(50)));
        Assert.That(e!.Message, Does.Match(@"^t:\d+: mb1ic3ih5oc16kh3n_\d+a{30}: the --match patterns of the batch together took more than 0\.05 seconds \(here --match=\(\.\*a\)\{5\}b\);"));
    }
}
