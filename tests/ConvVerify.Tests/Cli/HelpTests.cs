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

    [Test]
    public void UnknownOptionIsBadUsage()
    {
        var r = Run("cases", "--frobnicate");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("--frobnicate"));
    }
}
