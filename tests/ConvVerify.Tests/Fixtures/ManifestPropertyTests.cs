using ConvVerify.Fixtures;
using ConvVerify.Tests.Cli;
using ConvVerify.Tests.Properties;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// Hostile manifest.json files in a copy of the committed question pack: each pack is opened, or refused with a
/// <see cref="FixtureException"/> naming a file of the pack in printable text; one opened with an edited manifest never
/// passes its integrity check in silence.
/// </summary>
public class ManifestPropertyTests : CliTestBase
{
    [Test]
    public void AnyManifestIsReadOrRefusedNamingTheFile()
    {
        string pack = TempPath("pack");
        CopyDirectory(CommittedPacks.Dir("question"), pack);
        string manifestPath = Path.Combine(pack, "manifest.json");
        string valid = File.ReadAllText(manifestPath);
        int opened = 0, refused = 0;
        Property.ForAll(JsonMutations.Gen, mutations =>
        {
            var (text, applied) = JsonMutations.Apply(valid, mutations);
            File.WriteAllText(manifestPath, text);
            try
            {
                var read = FixturePack.Open(pack);
                var problems = read.CheckIntegrity();
                foreach (string id in read.CaseIds) read.ReadCase(id);
                opened++;
                // An edited manifest is caught by its own hash, or carries a format that has none and says so.
                if (text != valid)
                    Assert.That(problems.Count + read.Warnings.Count(w => w.Contains("carries no hash", StringComparison.Ordinal)), Is.GreaterThan(0), string.Join("; ", applied));
            }
            catch (FixtureException e)
            {
                refused++;
                Assert.That(e.Message, Does.Contain(pack), string.Join("; ", applied));
                Assert.That(e.Message.Where(ch => char.IsControl(ch) && ch != '\n'), Is.Empty, e.Message);
            }
        }, iterations: 8, stream: 13,
            describe: m => string.Join("; ", JsonMutations.Apply(valid, m).Applied));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(opened, Is.GreaterThan(0), "packs opened");
            Assert.That(refused, Is.GreaterThan(3), "packs refused");
        }
    }
}
