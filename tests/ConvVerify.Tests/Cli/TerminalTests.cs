using System.Text.RegularExpressions;
using ConvVerify.Catalog;
using ConvVerify.Fixtures;
using ConvVerify.Problems;
using Spectre.Console;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// What a terminal gets: a progress bar for runs and pack writes. Output that is not a terminal (every other test, a CI
/// log) gets none, so these run the command line with an interactive console of their own.
/// </summary>
public class TerminalTests : CliTestBase
{
    // What a terminal offers: interactive, with ANSI control codes (the progress bar redraws in place).
    private static IAnsiConsole Terminal(TextWriter stdout)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout), Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.Yes,
        });
        console.Profile.Width = 200;
        return console;
    }

    private static CliResult RunOnTerminal(params string[] args) => Run(Terminal, args);

    [Test]
    public void ACheckOnATerminalShowsItsProgressToTheEndAndTheSameReport()
    {
        string[] args = ["check", "--set", "question", "--dtype", "f32", "--fill", "integer", "--oracle", "exact"];
        var terminal = RunOnTerminal(args);
        var log = Run(args);
        Assert.That(terminal.Code, Is.EqualTo(0), terminal.ToString());
        Assert.That(terminal.Out, Does.Match(@"check\s.*100\s*%"), terminal.ToString());
        Assert.That(log.Out, Does.Not.Contain("%"), "a log gets no progress");
        // The report after the bar is the log's, line for line (but for the time taken).
        static string Untimed(string s) => Regex.Replace(s.TrimEnd(), @"\d+\.\d s\)$", "s)");
        Assert.That(Untimed(terminal.Out), Does.EndWith(Untimed(log.Out)));
    }

    [Test]
    public void AVerifyImplOnATerminalShowsItsProgressUnderItsName()
    {
        string pack = CopyCommittedPack("question");
        string candidate = TempPath("candidate");
        foreach (string id in CaseFolders(pack))
        {
            Directory.CreateDirectory(Path.Combine(candidate, id));
            File.Copy(Path.Combine(pack, id, "y.npy"), Path.Combine(candidate, id, "y.npy"));
        }
        var r = RunOnTerminal("verify-impl", "--pack", pack, "--candidate", candidate, "--require", "any");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Match(@"verify-impl\s.*100\s*%"), r.ToString());
    }

    [Test]
    public void AFailingCheckOnATerminalStillFails()
    {
        // The bar is a view of the run, not a different run: a mismatch fails the same way.
        string dir = CopyCommittedPack("question");
        File.Delete(Path.Combine(dir, "manifest.json"));
        string id = QuestionCase("f32", "integer");
        Bump(dir, id, "y", [1, 16, 3, 3], 0);
        var terminal = RunOnTerminal("check", "--pack", dir);
        Assert.That(terminal.Code, Is.EqualTo(1), terminal.ToString());
        Assert.That(terminal.Out, Does.Contain("FAIL " + id + " y"));
    }

    [Test]
    public void AGenerateOnATerminalCountsEveryCaseAndWritesThePack()
    {
        string dir = TempPath("pack");
        var r = RunOnTerminal("fixtures", "generate", "--set", "question", "--dtype", "f32", "--fill", "integer", "--oracle", "exact", "--out", dir);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Match(@"generate\s.*100\s*%"), r.ToString());
        Assert.That(r.Out, Does.Contain($"wrote {dir}: {CaseSets.Load("question").Count} cases"));
        Assert.That(Run("fixtures", "check", dir).Code, Is.EqualTo(0));
    }

    [TestCase(false, false, true)]
    [TestCase(true, false, false)]
    [TestCase(false, true, false)]
    public void OnlyTheProcesssOwnUnredirectedOutputIsATerminal(bool other, bool redirected, bool terminal)
    {
        var own = new StringWriter();
        Assert.That(ConvVerify.Cli.Cli.IsTerminal(other ? new StringWriter() : own, own, redirected), Is.EqualTo(terminal));
    }

    [Test]
    public void ATerminalsCapabilitiesAreDetectedAndOtherOutputGetsNone()
    {
        var onTerminal = ConvVerify.Cli.Cli.SettingsFor(TextWriter.Null, terminal: true);
        Assert.That((onTerminal.Ansi, onTerminal.ColorSystem, onTerminal.Interactive),
            Is.EqualTo((AnsiSupport.Detect, ColorSystemSupport.Detect, InteractionSupport.Detect)));
        var elsewhere = ConvVerify.Cli.Cli.SettingsFor(TextWriter.Null, terminal: false);
        Assert.That((elsewhere.Ansi, elsewhere.ColorSystem, elsewhere.Interactive),
            Is.EqualTo((AnsiSupport.No, ColorSystemSupport.NoColors, InteractionSupport.No)));
    }

    [Test]
    public void ATerminalIsAtLeast160ColumnsWideAndOtherOutputNeverWraps()
    {
        // Behind a writer that is no console Spectre assumes 80 columns; a terminal run widens that to 160.
        Assert.That(ConvVerify.Cli.Cli.ConsoleFor(new StringWriter(), terminal: true).Profile.Width, Is.EqualTo(160));
        Assert.That(ConvVerify.Cli.Cli.ConsoleFor(new StringWriter(), terminal: false).Profile.Width, Is.EqualTo(10_000));
    }
}
