using ConvVerify.Oracles;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// <c>convverify fixtures regenerate</c> where torch cannot run: it refuses, and writes nothing. With torch it would rewrite
/// every committed set, which no test does.
/// </summary>
[NonParallelizable] // points the committed packs of the whole process at a temporary folder
public class FixturesRegenerateTests : CliTestBase
{
    [Test]
    public void WithoutTorchRegenerateRefusesAndWritesNothing()
    {
        var torch = TorchOracle.Probe();
        if (torch.Available) Assert.Ignore("torch runs here: regenerate would rewrite every committed set (minutes of live torch)");
        // Should the refusal ever come too late, the packs written are these, not the repository's.
        string packs = TempPath("packs");
        string? before = Environment.GetEnvironmentVariable(ConvVerify.Locations.FixturesVariable);
        Environment.SetEnvironmentVariable(ConvVerify.Locations.FixturesVariable, packs);
        try
        {
            var r = Run("fixtures", "regenerate");
            Assert.That(r.Code, Is.EqualTo(2), r.ToString());
            Assert.That(r.Err.ReplaceLineEndings("\n"), Is.EqualTo($"convverify: fixtures generate needs torch: {torch.Reason}\n"));
            Assert.That(r.Out, Is.Empty);
            Assert.That(Path.Exists(packs), Is.False);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ConvVerify.Locations.FixturesVariable, before);
        }
    }
}
