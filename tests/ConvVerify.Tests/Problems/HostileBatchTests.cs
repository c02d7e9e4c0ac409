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
    public void IncludesThatFanOutAreStoppedAtTheIncludeLimitNamingTheInclude()
    {
        // Each file includes the next twice: within the depth limit, yet level k is read 2^k times. Forty levels never
        // finished; eighteen are 524,286 includes, far past the limit of 100,000 (test_conv_all includes 1,035 times).
        const int levels = 18;
        for (int i = 0; i < levels; i++) File.WriteAllText(Path.Combine(Dir, $"f{i}"), $"--batch=f{i + 1}\n--batch=f{i + 1}\n");
        File.WriteAllText(Path.Combine(Dir, $"f{levels}"), "# end\n");
        var e = Assert.Throws<DescriptorException>(() => BatchFile.Read(Path.Combine(Dir, "f0")));
        var m = Regex.Match(e!.Message, $@"^{Regex.Escape(Dir)}/f(\d+):([12]): --batch=f(\d+): the batch includes files more than 100,000 times \(benchdnn's test_conv_all: 1,035\); the batch is not read: ");
        Assert.That(m.Success, e.Message);
        Assert.That(int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), Is.EqualTo(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + 1), "the include named is on the line named");
    }

    [Test]
    public void ALargeFileOfOptionsIncludedThousandsOfTimesIsStoppedAtTheTokenLimit()
    {
        // Options make no entries, so the entry limit did not stop them: 2,000 options read 10,000 times over (11,110
        // includes, within their limit) are 20,000,000 tokens, past the 5,000,000 a read may take in. (--reset, the
        // cheapest option to take, keeps the test fast; any other took 26 s here.)
        File.WriteAllText(Path.Combine(Dir, "options"), string.Concat(Enumerable.Repeat("--reset\n", 2000)));
        File.WriteAllText(Path.Combine(Dir, "f4"), string.Concat(Enumerable.Repeat("--batch=options\n", 10)));
        for (int i = 3; i >= 1; i--) File.WriteAllText(Path.Combine(Dir, $"f{i}"), string.Concat(Enumerable.Repeat($"--batch=f{i + 1}\n", 10)));
        var e = Assert.Throws<DescriptorException>(() => BatchFile.Read(Path.Combine(Dir, "f1")));
        Assert.That(e!.Message, Does.Match($@"^{Regex.Escape(Path.Combine(Dir, "options"))}:\d+: --reset: the batch takes in more than 5,000,000 tokens with its includes "
            + @"\(an included file's each time it is included; benchdnn's test_conv_all takes 348,259\); the batch is not read: include large files fewer times$"));
    }

    [Test]
    public void AnIncludeThroughALinkToItsOwnFolderIsACycle()
    {
        // loop -> . makes loop/a.txt, loop/loop/a.txt, … new names of a.txt: no cycle by name, each level read anew until
        // the depth limit (and with two such includes a line, 2^64 reads). By its real path it is a.txt including itself.
        if (OperatingSystem.IsWindows()) Assert.Ignore("symbolic links to folders need privileges on Windows");
        Directory.CreateSymbolicLink(Path.Combine(Dir, "loop"), ".");
        string a = Path.Combine(Dir, "a.txt");
        File.WriteAllText(a, $"--batch=loop/a.txt\n{Desc}\n");
        var e = BatchFile.Read(a);
        Assert.That(e.Select(x => (x.Where, x.SkipKind, x.Skip)), Is.EqualTo(new (string, BatchSkipKind, string?)[]
        {
            ($"{a}:1", BatchSkipKind.Include, "--batch=loop/a.txt: include cycle (a.txt → a.txt)"),
            ($"{a}:2", BatchSkipKind.None, null),
        }));
        // The brief's repro, twice a line: two cycles, at once.
        File.WriteAllText(a, $"--batch=loop/a.txt\n--batch=loop/a.txt\n{Desc}\n");
        Assert.That(BatchFile.Read(a).Select(x => x.SkipKind), Is.EqualTo(new[] { BatchSkipKind.Include, BatchSkipKind.Include, BatchSkipKind.None }));
    }

    [Test]
    public void AnIncludeThatCannotBeReadIsASkippedEntryNamingItAndWhy()
    {
        // A device, a named pipe (refused unopened) and a UTF-16 file ended the whole read, exit 2, where a missing file, a
        // folder or a cycle is a skipped entry: "nothing in a file makes the file fail".
        NamedPipes.Make(Path.Combine(Dir, "fifo"));
        File.WriteAllText(Path.Combine(Dir, "utf16"), Desc + "\n", new System.Text.UnicodeEncoding(bigEndian: false, byteOrderMark: true));
        string main = Path.Combine(Dir, "main");
        File.WriteAllText(main, $"--batch=/dev/null\n--batch=fifo\n--batch=utf16\n{Desc}\n");
        var e = BatchFile.Read(main);
        Assert.That(e.Select(x => (x.Where, x.SkipKind, x.Descriptor)), Is.EqualTo(new[]
        {
            ($"{main}:1", BatchSkipKind.Include, "--batch=/dev/null"),
            ($"{main}:2", BatchSkipKind.Include, "--batch=fifo"),
            ($"{main}:3", BatchSkipKind.Include, "--batch=utf16"),
            ($"{main}:4", BatchSkipKind.None, Desc),
        }));
        Assert.That(e[0].Skip, Is.EqualTo("--batch=/dev/null: /dev/null: a character device, not a regular file; refusing to read it as a batch file"));
        Assert.That(e[1].Skip, Is.EqualTo($"--batch=fifo: {Path.Combine(Dir, "fifo")}: a named pipe, not a regular file; refusing to read it as a batch file"));
        Assert.That(e[2].Skip, Does.StartWith($"--batch=utf16: {Path.Combine(Dir, "utf16")}: not UTF-8: byte offset 0 (line 1)").And.Contain("save it as UTF-8"));
        Assert.That(BatchOptionTests.Included(main), Is.Empty, "a file that was not read is not among those read");
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
        // "Not tried again" is keyed on the pattern's text, so \(.*a\)\{40\}, \(.*a\)\{40\}\(\), … each took their own
        // second: seventy ran for over a minute. Here each may take 20 ms and all of them 300 ms, so a dozen or so run away, each
        // skipping its descriptor as before, then the read stops, long before the seventieth.
        string descriptor = "mb1ic3ih5oc16kh3n_" + new string('a', 38);
        string text = string.Concat(Enumerable.Range(0, 70).Select(i => $"--match=\\(.*a\\)\\{{40\\}}{string.Concat(Enumerable.Repeat("\\(\\)", i))}\n{descriptor}\n"));
        var e = Assert.Throws<DescriptorException>(() => BatchFile.ReadText(text, "t", null, null, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(300)));
        var m = Regex.Match(e!.Message, $@"^t:(\d+): {descriptor}: the --match patterns of the batch together took more than 0\.3 seconds \(here --match=\\\(\.\*a\\\)\\\{{40\\\}}((?:\\\(\\\))*)\); the batch is not read: use fewer or simpler patterns$");
        Assert.That(m.Success, e.Message);
        int line = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        // The descriptor after the i-th pattern is on line 2i + 2 and its pattern has i tails: the message names both of one pair.
        Assert.That(m.Groups[2].Length / 4, Is.EqualTo((line - 2) / 2));
        Assert.That(line, Is.GreaterThan(2).And.LessThanOrEqualTo(60), "more than the first pattern ran, and thirty of at least 20 ms each are well past 300 ms");
    }

    [Test]
    public void MatchesThatEachStayUnderTheirLimitStillSpendTheBudget()
    {
        // Just under the per-pattern limit on each of thousands of descriptors is as endless as running away on each.
        // \(.*a\)\{5\}b fails on thirty a's after trying every way to pick five of them and more: about ten milliseconds a line
        // here, far under the second, and two seconds for the 200 lines, far over the 50 ms given.
        string text = "--match=\\(.*a\\)\\{5\\}b\n" + string.Concat(Enumerable.Range(0, 200).Select(i => $"mb1ic3ih5oc16kh3n_{i}{new string('a', 30)}\n"));
        var e = Assert.Throws<DescriptorException>(() => BatchFile.ReadText(text, "t", null, null, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(50)));
        Assert.That(e!.Message, Does.Match(@"^t:\d+: mb1ic3ih5oc16kh3n_\d+a{30}: the --match patterns of the batch together took more than 0\.05 seconds \(here --match=\\\(\.\*a\\\)\\\{5\\\}b\);"));
    }
}
