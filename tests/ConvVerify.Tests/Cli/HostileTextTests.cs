namespace ConvVerify.Tests.Cli;

/// <summary>Descriptors and batch files whose text would be read as markup or drive a terminal, as the commands print them.</summary>
public class HostileTextTests : CliTestBase
{
    // Every control character but the line ends the commands write themselves.
    private static string Controls(string s) => string.Concat(s.Where(c => char.IsControl(c) && c is not ('\n' or '\r')));

    [TestCase("[x")]
    [TestCase("[red]x[/]")]
    public void CasesListsANameWithSquareBracketsAsWritten(string name)
    {
        // The table read each cell as Spectre markup: an unclosed '[' was an unhandled InvalidOperationException.
        var r = Run("cases", $"mb1ic1ih3oc1oh3kh1n\"{name}\"");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain($"n\"{name}\""));
    }

    [Test]
    public void CasesListsABatchFilesControlCharactersEscaped()
    {
        string batch = TempPath("esc.txt");
        File.WriteAllText(batch, "--stag=\u001b[5m\nmb1ic1ih3oc1oh3kh1\u001b[31mRED\u0008n\"x\"\nmb1ic1ih3oc1oh3kh1n\"\u0007\u001b[2K\"\n");
        var r = Run("cases", "--batch", batch);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Controls(r.Out), Is.Empty, r.ToString());
        Assert.That(r.Out, Does.Contain("mb1ic1ih3oc1oh3kh1\\u001b[31mRED\\u0008n\"x\"").And.Contain("n\"\\u0007\\u001b[2K\"").And.Contain("note: --stag=\\u001b[5m"));
    }

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
}
