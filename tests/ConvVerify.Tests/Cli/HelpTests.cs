namespace ConvVerify.Tests.Cli;

/// <summary><c>--help</c> of every subcommand, and command-line errors.</summary>
public class HelpTests : CliTestBase
{
    [TestCase("cases")]
    [TestCase("check")]
    [TestCase("fixtures generate")]
    [TestCase("fixtures regenerate")]
    [TestCase("fixtures check")]
    [TestCase("verify-impl")]
    [TestCase("explain")]
    [TestCase("snapshots accept")]
    public void HelpExitsZeroAndShowsAnExample(string command)
    {
        var r = Run([.. command.Split(' '), "--help"]);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out.Split('\n'), Has.Some.Match(@"^\s*Examples?:"), r.ToString());
        Assert.That(r.Out, Does.Contain("convverify " + command), "the example runs this very command");
    }

    [Test]
    public void UnknownCommandIsBadUsage()
    {
        var r = Run("frobnicate");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("frobnicate"));
    }

    // The usage hint points at the help that describes what was wrong: the root's lists only the commands.
    [TestCase(new[] { "verify-impl", "--pack", "p" }, "verify-impl", "--candidate")]
    [TestCase(new[] { "fixtures", "check" }, "fixtures check", "DIR")]
    [TestCase(new[] { "report", "merge" }, "report merge", "SHARD")]
    [TestCase(new[] { "frobnicate" }, "", "frobnicate")]
    public void BadUsagePointsAtTheHelpOfTheCommandGiven(string[] args, string command, string offending)
    {
        var r = Run(args);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain(offending), r.ToString());
        string help = command.Length == 0 ? "convverify --help" : $"convverify {command} --help";
        Assert.That(r.Err, Does.EndWith($"Run '{help}' for usage.{Environment.NewLine}"), r.ToString());
    }

    [Test]
    public void UnknownOptionIsBadUsage()
    {
        var r = Run("cases", "--frobnicate");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("--frobnicate"));
    }
}
