namespace ConvVerify.Tests.Cli;

/// <summary>A batch file whose text would drive a terminal, as <c>check</c> warns of it (<c>cases</c>: CasesCommandTests).</summary>
public class HostileTextTests : CliTestBase
{
    // Every control character but the line ends the commands write themselves.
    private static string Controls(string s) => string.Concat(s.Where(c => char.IsControl(c) && c is not ('\n' or '\r')));

    [Test]
    public void CheckWarnsOfABadBatchEntryWithItsControlCharactersEscaped()
    {
        string batch = TempPath("esc.txt");
        File.WriteAllText(batch, "mb1ic1ih3oc1oh3kh1\u001b[31mRED\nmb1ic1ih3oc1oh3kh1\n");
        var r = Run("check", "--oracle", "exact", "--batch", batch, "--dtype", "f32", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Controls(r.All), Is.Empty, r.ToString());
        Assert.That(r.Out, Does.Contain("warning: " + batch + ":1: mb1ic1ih3oc1oh3kh1\\u001b[31mRED: skipped: "));
    }

    [TestCase("--dtype")]
    [TestCase("--layout")]
    [TestCase("--tolerance")]
    [TestCase("--fill")]
    public void ARefusedValueIsQuotedWithItsControlCharactersEscaped(string option)
    {
        var r = Run("check", "--oracle", "exact", option, "f\u001b[31mx");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(Controls(r.All), Is.Empty, r.ToString());
        Assert.That(r.Err, Does.Contain("'f\\u001b[31mx'"), r.ToString());
    }

    [Test]
    public void CheckPrintsAPackCaseIdWithItsInvisibleFormatCharactersEscaped()
    {
        // A pack's case folder may not hold a control character, but a right-to-left override was printed as it is in
        // every table row and FAIL line, reordering what followed it on the line.
        string pack = TempPath("pack"), id = "ab\u202ecd";
        CopyDirectory(Path.Combine(ConvVerify.Tests.Fixtures.CommittedPacks.Dir("question"), QuestionCase("f32", "integer")), Path.Combine(pack, id));
        // No manifest.json (a warning), so the changed y is a failure of that direction, not a corrupt pack.
        Bump(pack, id, "y", [1, 16, 3, 3], 0);
        var r = Run("check", "--pack", pack, "--verbose");
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        Assert.That(r.All.Contains('\u202e', StringComparison.Ordinal), Is.False, r.ToString());
        var rows = r.Out.Split('\n').Where(l => l.TrimStart().StartsWith("ab\\u202ecd ", StringComparison.Ordinal)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        Assert.That(rows, Is.EqualTo(new[] { "y", "dx", "dw", "db" }), r.ToString());
        Assert.That(r.Out, Does.Contain("FAIL ab\\u202ecd y ("), r.ToString());
    }
}
