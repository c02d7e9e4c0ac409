using System.Text.Json;
using System.Text.RegularExpressions;
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
        Assert.That(conv1d, Does.Contain("(8,)").And.Contain("(4,)"), "one extent written as Python writes a 1-tuple");
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
        Assert.That(r.Out, Does.Contain("1 problem from").And.Contain("1 skipped: 1 invalid"));
    }

    [Test]
    public void TwoSelectionsAtOnceAreBadUsage()
    {
        var r = Run("cases", "--set", "basic", "mb1ic3ih5oc16kh3");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("only one"));
    }

    // Cells of a table line: Spectre separates columns by at least two spaces, and no cell holds two in a row.
    private static string[] Cells(string line) => Regex.Split(line.Trim(), @"\s{2,}");

    private static string[] NonBlankLines(string text) => [.. text.ReplaceLineEndings("\n").Split('\n').Where(l => l.Trim().Length > 0)];

    private static readonly string[] Header = ["descriptor", "rank", "mb", "g", "ic", "oc", "input", "kernel", "stride", "pad", "dilation", "output", "bias"];

    [Test]
    public void WithoutASelectionTheQuestionSetIsListedCellByCell()
    {
        // question.txt: mb1ic3ih5oc16oh3kh3 (5x5 input, 3x3 kernel, stride 1, no padding: 3x3 out) and mb1ic1ih4oc1oh2kh3
        // (4x4, 3x3: 2x2), both with a bias (no --dir=FWD_D). Pads print begin/end; dilation is PyTorch's (benchdnn's + 1).
        var r = Run("cases");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        string[] lines = NonBlankLines(r.Out);
        Assert.That(lines, Has.Length.EqualTo(5), r.ToString());
        Assert.That(Cells(lines[0]), Is.EqualTo(Header));
        Assert.That(lines[1].Trim(), Does.Match("^─+$"));
        Assert.That(Cells(lines[2]), Is.EqualTo(new[] { "mb1ic3ih5oc16oh3kh3ph0n\"question\"", "2", "1", "1", "3", "16", "(5, 5)", "(3, 3)", "(1, 1)", "(0, 0)/(0, 0)", "(1, 1)", "(3, 3)", "yes" }));
        Assert.That(Cells(lines[3]), Is.EqualTo(new[] { "mb1ic1ih4oc1oh2kh3ph0n\"answer_matrix\"", "2", "1", "1", "1", "1", "(4, 4)", "(3, 3)", "(1, 1)", "(0, 0)/(0, 0)", "(1, 1)", "(2, 2)", "yes" }));
        // Nothing was skipped, so the summary is the count alone (a batch file's summary adds "; 0 skipped").
        Assert.That(lines[4], Is.EqualTo("2 problems from question"));
    }

    [Test]
    public void RowsWithoutBiasOrWithUnequalPaddingShowIt()
    {
        // basic.txt: nobias_k3_s2_p1 is under --dir=FWD_D; its end padding is (o-1)*s - i + k - pb = 2*2 - 6 + 3 - 1 = 0.
        // rect_k3x2_s3_tail: h (3-1)*3 - 7 + 3 - 1 = 1, w (4-1)*3 - 10 + 2 - 1 = 0.
        var r = Run("cases", "--set", "basic");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        string[] lines = NonBlankLines(r.Out);
        Assert.That(Cells(lines[0]), Is.EqualTo(Header));
        string Row(string name) => lines.Single(l => l.Contains($"n\"{name}\"", StringComparison.Ordinal));
        Assert.That(Cells(Row("nobias_k3_s2_p1")), Is.EqualTo(new[] { "mb1ic4ih6oc5oh3kh3sh2ph1n\"nobias_k3_s2_p1\"", "2", "1", "1", "4", "5", "(6, 6)", "(3, 3)", "(2, 2)", "(1, 1)/(0, 0)", "(1, 1)", "(3, 3)", "no" }));
        Assert.That(Cells(Row("rect_k3x2_s3_tail")), Is.EqualTo(new[] { "mb1ic3ih7iw10oc4oh3ow4kh3kw2sh3sw3ph1pw1n\"rect_k3x2_s3_tail\"", "2", "1", "1", "3", "4", "(7, 10)", "(3, 2)", "(3, 3)", "(1, 1)/(1, 0)", "(1, 1)", "(3, 4)", "yes" }));
        Assert.That(lines[^1], Is.EqualTo($"{CaseSets.Load("basic").Count} problems from basic"));
    }

    [Test]
    public void ProblemsSkippedAsTooLargeAreListedUnderTheTableAndCounted()
    {
        // question: 1 * 16 out channels * 3x3 outputs * 3 in channels * 3x3 kernel = 3,888 multiply-adds; answer_matrix: 36.
        var r = Run("cases", "--set", "question", "--max-macs", "100");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        string[] lines = NonBlankLines(r.Out);
        Assert.That(lines, Has.Length.EqualTo(5), r.ToString());
        Assert.That(Cells(lines[2])[0], Is.EqualTo("mb1ic1ih4oc1oh2kh3ph0n\"answer_matrix\""));
        Assert.That(lines[3], Is.EqualTo("mb1ic3ih5oc16oh3kh3ph0n\"question\"  → skipped: too large: 3,888 multiply-adds per direction, more than --max-macs 100"));
        Assert.That(lines[4], Is.EqualTo("1 problem from question; 1 skipped: 1 too large"));
    }

    [Test]
    public void ABatchListingShowsEachEntrysOptionsAndNotes()
    {
        // --dir=BWD_D checks dx only; --impl is recorded with a note and changes nothing; --reset brings back the defaults,
        // which are not shown.
        string batch = TempPath("options.txt");
        File.WriteAllText(batch, "--dir=BWD_D --impl=ref\nmb1ic3ih5oc16kh3\n--reset\nmb1ic1ih4oc1kh3\n");
        var r = Run("cases", "--batch", batch);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out.ReplaceLineEndings("\n"), Is.EqualTo(
            $"{batch}:2  mb1ic3ih5oc16kh3  --dir=BWD_D --impl=ref  → case 1 (dx)\n"
            + "    note: --impl=ref: chooses or configures oneDNN's implementation; ignored here\n"
            + $"{batch}:4  mb1ic1ih4oc1kh3  → case 2 (every direction)\n"
            + $"2 problems from {batch}; 0 skipped\n"));
    }

    [Test]
    public void ANamesBracketsAndControlCharactersAreListedAsText()
    {
        // Spectre reads a cell's text as markup: '[' alone threw (a stack trace), "[red]x[/]" lost its brackets.
        var r = Run("cases", "mb1ic1ih4oc1kh3n\"a[b\"", "mb1ic1ih4oc1kh3n\"[red]x[/]\"", "mb1ic1ih4oc1kh3n\"c\u001b[2Jd\"");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("n\"a[b\"").And.Contain("n\"[red]x[/]\"").And.Contain("n\"c\\u001b[2Jd\""));
        Assert.That(r.Out.Where(c => char.IsControl(c) && c is not '\n' and not '\r'), Is.Empty, r.ToString());
    }

    [Test]
    public void ABatchListingEscapesTheFilesControlCharacters()
    {
        // A batch file is anyone's: a carriage return in it could overwrite its line on a terminal, an escape sequence
        // drive the terminal.
        string batch = TempPath("hostile.txt");
        File.WriteAllText(batch, "mb1ic1ih4oc1kh3n\"a\u001b[31mb\"\nzz\u0007\u001b[2J\n--impl=\u001b]0;t\u0007\nmb1ic1ih4oc1kh3\n");
        var r = Run("cases", "--batch", batch);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("n\"a\\u001b[31mb\"").And.Contain("zz\\u0007\\u001b[2J").And.Contain("--impl=\\u001b]0;t\\u0007"));
        Assert.That(r.Out.Where(c => char.IsControl(c) && c is not '\n' and not '\r'), Is.Empty, r.ToString());
    }

    /// <summary>
    /// The probe: a zero-width space after a descriptor was refused as "unrecognized token at position 15: ''", the
    /// offending value printed but invisible; a byte-order mark starting a later line of a batch file the same; a
    /// right-to-left override in a name reordered the listing after it.
    /// </summary>
    [Test]
    public void InvisibleFormatCharactersAreNamedAsEscapes()
    {
        var zeroWidth = Run("cases", "mb1ic1ih5oc1kh3\u200b");
        Assert.That(zeroWidth.Code, Is.EqualTo(2), zeroWidth.ToString());
        Assert.That(zeroWidth.Err.Contains("unrecognized token at position 15: '\\u200b'", StringComparison.Ordinal), zeroWidth.ToString());

        string batch = TempPath("bom.txt");
        File.WriteAllText(batch, "mb1ic1ih5oc1kh3\n\uFEFFmb1ic2ih5oc1kh3\nmb1ic1ih4oc1kh3n\"a\u202Eb\"\n");
        var listed = Run("cases", "--batch", batch);
        Assert.That(listed.Code, Is.EqualTo(0), listed.ToString());
        Assert.That(listed.Out.Contains($"{batch}:2  \\ufeffmb1ic2ih5oc1kh3  → skipped: descriptor '\\ufeffmb1ic2ih5oc1kh3': unrecognized token at position 0", StringComparison.Ordinal), listed.ToString());
        Assert.That(listed.Out.Contains("n\"a\\u202eb\"", StringComparison.Ordinal), listed.ToString());
        Assert.That(listed.Out.Where(c => char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format), Is.Empty, listed.ToString());
    }

    [Test]
    public void JsonIsIndentedWithQuotesInDescriptorsWrittenAsQuotes()
    {
        // The problem fields of case.json, one per line as a reader (or a diff) wants them; the descriptor's name quotes
        // as \" rather than \u0022.
        var r = Run("cases", "--json", "--set", "question");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        static string Problem(string descriptor, string name, int ic, int oc, int input, int output) => $$"""
              {
                "descriptor": "{{descriptor}}",
                "name": "{{name}}",
                "rank": 2,
                "mb": 1,
                "groups": 1,
                "ic": {{ic}},
                "oc": {{oc}},
                "input": [
                  {{input}},
                  {{input}}
                ],
                "kernel": [
                  3,
                  3
                ],
                "stride": [
                  1,
                  1
                ],
                "pad_begin": [
                  0,
                  0
                ],
                "pad_end": [
                  0,
                  0
                ],
                "dilation": [
                  1,
                  1
                ],
                "output": [
                  {{output}},
                  {{output}}
                ],
                "bias": true
              }
            """;
        string expected = "[\n" + Problem("mb1ic3ih5oc16oh3kh3ph0n\\\"question\\\"", "question", 3, 16, 5, 3) + ",\n"
            + Problem("mb1ic1ih4oc1oh2kh3ph0n\\\"answer_matrix\\\"", "answer_matrix", 1, 1, 4, 2) + "\n]\n";
        Assert.That(r.Out.ReplaceLineEndings("\n"), Is.EqualTo(expected));
    }
}
