using ConvVerify.Fixtures;
using ConvVerify.Tests.Cli;
using ConvVerify.Tests.Properties;
using CsCheck;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// Hostile manifest.json files in a copy of the committed question pack: each pack is opened, or refused with a
/// <see cref="FixtureException"/> naming a file of the pack in printable text; one opened with an edited manifest never
/// passes its integrity check in silence.
/// </summary>
public class ManifestPropertyTests : CliTestBase
{
    /// <summary>Edits of a manifest; <paramref name="Metadata"/>: of its members but "files" and "cases" only.</summary>
    internal sealed record Edit(bool Metadata, JsonMutations.Mutation[] Mutations);

    // Edits anywhere land mostly in "files", which holds most of a manifest's nodes, and what they break the files' own
    // hashes catch, or the reader refuses: eight of them never edited the rest (format, oracle, versions, generator),
    // which only the manifest's own hash catches, so the check of that hash could go unnoticed. Half edit that rest alone.
    private static readonly Gen<Edit> Edits = Gen.Select(Gen.Bool, JsonMutations.Gen, (metadata, m) => new Edit(metadata, m));

    private static (string Text, string[] Applied) Apply(string valid, Edit e) => e.Metadata
        ? JsonMutations.Apply(valid, e.Mutations, n => !n.GetPath().StartsWith("$.files", StringComparison.Ordinal) && !n.GetPath().StartsWith("$.cases", StringComparison.Ordinal))
        : JsonMutations.Apply(valid, e.Mutations);

    [Test]
    public void AnyManifestIsReadOrRefusedNamingTheFile()
    {
        string pack = TempPath("pack");
        CopyDirectory(CommittedPacks.Dir("question"), pack);
        string manifestPath = Path.Combine(pack, "manifest.json");
        string valid = File.ReadAllText(manifestPath);
        int opened = 0, refused = 0;
        Property.ForAll(Edits, edit =>
        {
            var (text, applied) = Apply(valid, edit);
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
        }, iterations: 10, stream: 13,
            describe: e => string.Join("; ", Apply(valid, e).Applied));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(opened, Is.GreaterThan(0), "packs opened");
            Assert.That(refused, Is.GreaterThan(3), "packs refused");
        }
    }
}
