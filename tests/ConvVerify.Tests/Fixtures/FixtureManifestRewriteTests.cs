using ConvVerify.Cases;
using ConvVerify.Fixtures;
using ConvVerify.Problems;
using ConvVerify.Tests.Runs;

namespace ConvVerify.Tests.Fixtures;

/// <summary>What a rewritten pack's manifest records: the versions asked for, and its old time when nothing changed.</summary>
public class FixtureManifestRewriteTests : TempFolderTest
{
    private static readonly ConvCase[] Cases =
        [ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3"), Fill.Integer), ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic2ih5oc3kh3"), Fill.Normal)];

    private static DefinitionOracle Torch() => new("torch", ("torch", "1.13"), ("numpy", "1.24"), ("cpu", "ATen AVX2"), ("blas", "libblas.so.3"));

    [Test]
    public void VersionsLeftUnrecordedAreNotInTheManifest()
    {
        var manifest = FixtureGenerator.Generate(Dir, Cases, Torch(), force: true, unrecordedVersions: ["cpu", "blas"]);
        Assert.That(manifest.Versions.Keys, Is.EqualTo(new[] { "numpy", "torch" }));
        Assert.That(Manifest.Read(Path.Combine(Dir, "manifest.json")).Versions.Keys, Is.EqualTo(new[] { "numpy", "torch" }));
        Assert.That(FixtureGenerator.Generate(Dir, Cases, Torch(), force: true).Versions.Keys, Is.EqualTo(new[] { "blas", "cpu", "numpy", "torch" }), "by default every version");
    }

    [Test]
    public void ARewriteThatChangesNothingKeepsTheManifestAsItWas()
    {
        // Every regenerate gave every manifest a new "created", and the committed packs changed though no result had.
        string path = Path.Combine(Dir, "manifest.json");
        var first = FixtureGenerator.Generate(Dir, Cases, Torch(), force: true);
        (first with { Created = "2000-01-01T00:00:00Z" }).Write(path);
        byte[] old = File.ReadAllBytes(path);
        Assert.That(FixtureGenerator.Generate(Dir, Cases, Torch(), force: true).Created, Is.EqualTo("2000-01-01T00:00:00Z"));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(old));
        // Anything else changed, the time is this run's: another version, or other cases.
        var other = new DefinitionOracle("torch", ("torch", "2.0"), ("numpy", "1.24"));
        Assert.That(FixtureGenerator.Generate(Dir, Cases, other, force: true).Created, Is.Not.EqualTo("2000-01-01T00:00:00Z"));
        (Manifest.Read(path) with { Created = "2000-01-01T00:00:00Z" }).Write(path);
        Assert.That(FixtureGenerator.Generate(Dir, Cases[..1], other, force: true).Created, Is.Not.EqualTo("2000-01-01T00:00:00Z"));
    }
}
