using System.Text.Json;
using ConvVerify.Catalog;
using ConvVerify.Tests.Fixtures;

namespace ConvVerify.Tests.Cli;

/// <summary><c>convverify cases</c>.</summary>
public class CasesCommandTests : CliTestBase
{
    [Test]
    public void SetBasicListsEveryProblem()
    {
        var r = Run("cases", "--set", "basic");
        int count = CaseSets.Load("basic").Count;
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain($"{count} problems from basic"));
        // One table row per problem: every row carries the "yes"/"no" bias column at its end.
        int rows = r.Out.Split('\n').Count(l => l.TrimEnd().EndsWith(" yes", StringComparison.Ordinal) || l.TrimEnd().EndsWith(" no", StringComparison.Ordinal));
        Assert.That(rows, Is.EqualTo(count), r.ToString());
        Assert.That(r.Err, Is.Empty);
    }

    [Test]
    public void DescriptorsAreListedWithTheirOutputExtents()
    {
        // ih5 kh3 → oh 3; iw8 kw1 sw2 pw0 → ow floor((8 - 1) / 2) + 1 = 4.
        var r = Run("cases", "mb1ic3ih5oc16kh3", "mb1ic2iw8oc3kw1sw2pw0");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("2 problems from command line"));
        string[] lines = r.Out.Split('\n');
        string question = lines.Single(l => l.Contains("ic3", StringComparison.Ordinal) && l.Contains("oc16", StringComparison.Ordinal));
        Assert.That(question, Does.Contain("(5, 5)").And.Contain("(3, 3)"));
        string conv1d = lines.Single(l => l.Contains("iw8", StringComparison.Ordinal));
        Assert.That(conv1d, Does.Contain("(8)").And.Contain("(4)"));
    }

    [Test]
    public void BatchFileListsItsProblems()
    {
        string batch = TempPath("shapes.txt");
        File.WriteAllText(batch, "# a comment line\nmb1ic3ih5oc16kh3   # trailing comment\n\nmb2ic4ih6oc4kh3ph1 g2mb1ic4ih8oc4kh3ph1\n");
        var r = Run("cases", "--batch", batch);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain($"3 problems from {batch}"));
    }

    [Test]
    public void JsonHasTheCaseJsonFieldsAndTheOutputExtentsComputedByHand()
    {
        // h: input 9, pad 1 both sides, PyTorch dilation 2 (benchdnn dh1), kernel 3, stride 2: floor((9 + 1 + 1 - 2*2 - 1) / 2) + 1 = 4.
        // w: input 7, pad 0, dilation 1, kernel 2, stride 1: 7 - 2 + 1 = 6.
        var r = Run("cases", "--json", "mb2ic4ih9iw7oc6kh3kw2sh2ph1dh1");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        using var doc = JsonDocument.Parse(r.Out);
        Assert.That(doc.RootElement.ValueKind, Is.EqualTo(JsonValueKind.Array));
        Assert.That(doc.RootElement.GetArrayLength(), Is.EqualTo(1));
        var e = doc.RootElement[0];

        // The problem fields of a committed case.json (id, dtype, fill and seed belong to a case, not to a problem).
        string caseJson = Directory.GetFiles(CommittedPacks.Dir("question"), "case.json", SearchOption.AllDirectories).First();
        using var committed = JsonDocument.Parse(File.ReadAllText(caseJson));
        var problemFields = committed.RootElement.EnumerateObject().Select(p => p.Name).Except(["id", "dtype", "fill", "seed"]).ToList();
        Assert.That(problemFields, Has.Count.GreaterThanOrEqualTo(15));
        Assert.That(e.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(problemFields));

        static int[] Ints(JsonElement a) => [.. a.EnumerateArray().Select(v => v.GetInt32())];
        Assert.Multiple(() =>
        {
            Assert.That(e.GetProperty("rank").GetInt32(), Is.EqualTo(2));
            Assert.That(e.GetProperty("mb").GetInt32(), Is.EqualTo(2));
            Assert.That(e.GetProperty("groups").GetInt32(), Is.EqualTo(1));
            Assert.That(e.GetProperty("ic").GetInt32(), Is.EqualTo(4));
            Assert.That(e.GetProperty("oc").GetInt32(), Is.EqualTo(6));
            Assert.That(Ints(e.GetProperty("input")), Is.EqualTo(new[] { 9, 7 }));
            Assert.That(Ints(e.GetProperty("kernel")), Is.EqualTo(new[] { 3, 2 }));
            Assert.That(Ints(e.GetProperty("stride")), Is.EqualTo(new[] { 2, 1 }));
            Assert.That(Ints(e.GetProperty("pad_begin")), Is.EqualTo(new[] { 1, 0 }));
            Assert.That(Ints(e.GetProperty("pad_end")), Is.EqualTo(new[] { 1, 0 }));
            Assert.That(Ints(e.GetProperty("dilation")), Is.EqualTo(new[] { 2, 1 }));
            Assert.That(Ints(e.GetProperty("output")), Is.EqualTo(new[] { 4, 6 }));
            Assert.That(e.GetProperty("bias").GetBoolean(), Is.True);
        });
    }

    [Test]
    public void JsonOfASetHasOneEntryPerProblem()
    {
        var r = Run("cases", "--set", "basic", "--json");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        using var doc = JsonDocument.Parse(r.Out);
        Assert.That(doc.RootElement.GetArrayLength(), Is.EqualTo(CaseSets.Load("basic").Count));
    }

    [Test]
    public void UnknownSetIsBadUsageNamingTheSet()
    {
        var r = Run("cases", "--set", "no-such-set");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("no-such-set"));
    }

    [Test]
    public void UnparsableDescriptorIsBadUsageNamingIt()
    {
        var r = Run("cases", "mb1ic3zz5oc16kh3");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("mb1ic3zz5oc16kh3"));
    }

    [Test]
    public void MissingBatchFileIsBadUsage()
    {
        string missing = TempPath("missing-shapes.txt");
        var r = Run("cases", "--batch", missing);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain(missing));
    }

    [Test]
    public void BadLineInBatchFileIsASkippedCaseNamingFileLineAndReason()
    {
        // benchdnn's corpus holds descriptors no harness can run; one of them must not make the whole file unusable.
        string batch = TempPath("bad.txt");
        File.WriteAllText(batch, "mb1ic3ih5oc16kh3\nmb1icXih5\n");
        var r = Run("cases", "--batch", batch);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain($"{batch}:2  mb1icXih5  → skipped: descriptor 'mb1icXih5': 'ic' has no value"));
        Assert.That(r.Out, Does.Contain("1 problems from").And.Contain("1 skipped: 1 invalid"));
    }

    [Test]
    public void TwoSelectionsAtOnceAreBadUsage()
    {
        var r = Run("cases", "--set", "basic", "mb1ic3ih5oc16kh3");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("only one"));
    }
}
