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
}
