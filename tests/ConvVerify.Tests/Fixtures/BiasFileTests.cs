using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Tests.Cli;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// case.json's "bias" and the case folder's b.npy and db.npy must agree. A b.npy in a case without bias was never read,
/// so the case was checked as case.json says and the file passed in silence, listed in the manifest or not; now it is an
/// error naming the case's file. A case with bias whose b.npy is missing says why the file is wanted.
/// </summary>
public class BiasFileTests : CliTestBase
{
    private static readonly ConvCase WithBias = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3"), Fill.Integer, 1) with { Id = "a" };
    private static readonly ConvCase NoBias = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3", hasBias: false), Fill.Integer, 1) with { Id = "b" };

    private string Pack()
    {
        string dir = TempPath("pack");
        FixtureGenerator.Generate(dir, [WithBias, NoBias], new EngineOracle(ConvEngines.Naive), force: false);
        return dir;
    }

    private static string Stray(string path, string file) =>
        $"{path}: case.json says \"bias\": false, but the case's folder holds {file}; a case without bias has neither b.npy nor db.npy: "
        + "remove the file, or set \"bias\": true if the case has one";

    [TestCase("b.npy", false)]
    [TestCase("db.npy", false)]
    [TestCase("b.npy", true)]
    [TestCase("db.npy", true)]
    public void ABiasFileInACaseWithoutBiasIsRefusedNamingIt(string file, bool listed)
    {
        string dir = Pack();
        string path = Path.Combine(dir, "b", file);
        // Case a's: the same shape a case of this problem with bias would have, so only the contradiction is wrong.
        File.Copy(Path.Combine(dir, "a", file), path);
        if (listed)
        {
            string manifestPath = Path.Combine(dir, "manifest.json");
            var m = Manifest.Read(manifestPath);
            m.Files[$"b/{file}"] = Manifest.Sha256(path);
            m.Write(manifestPath);
        }
        var pack = FixturePack.Open(dir);
        Assert.That(pack.CheckIntegrity(), Is.Empty, "a listed file is intact; an unlisted one is not read");
        Assert.That(() => pack.Read<float>("b"), Throws.TypeOf<FixtureException>().With.Message.EqualTo(Stray(path, file)));
        Assert.That(pack.Read<float>("a").Inputs.B, Has.Length.EqualTo(1), "the case with bias reads as before");
    }

    [Test]
    public void InARunTheCaseIsAnErrorAndTheOthersStillRun()
    {
        string dir = Pack();
        File.Delete(Path.Combine(dir, "manifest.json"));
        string path = Path.Combine(dir, "b", "b.npy");
        File.Copy(Path.Combine(dir, "a", "b.npy"), path);
        var r = Run("check", "--pack", dir, "--oracle", "fixtures");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Out, Does.Contain($"ERROR b * (exact vs pack {dir}): {Stray(path, "b.npy")}"));
        Assert.That(r.Out, Does.Contain("check: 2 cases, 5 directions: 4 passed, 0 failed"), "case a's four directions");
    }

    [Test]
    public void ALinkNamedLikeABiasFileCountsToo()
    {
        // One leading to another case's file inside the pack; one leading nowhere is refused when the pack is opened.
        string dir = Pack();
        File.Delete(Path.Combine(dir, "manifest.json"));
        string path = Path.Combine(dir, "b", "db.npy");
        File.CreateSymbolicLink(path, "../a/db.npy");
        Assert.That(() => FixturePack.Open(dir).Read<float>("b"), Throws.TypeOf<FixtureException>().With.Message.EqualTo(Stray(path, "db.npy")));
        File.Delete(path);
        File.CreateSymbolicLink(path, "gone.npy");
        Assert.That(() => FixturePack.Open(dir), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{path}: a symbolic link leading nowhere (to gone.npy, that is {Path.Combine(dir, "b", "gone.npy")}, which does not exist), not a regular file; refusing to read it"));
    }

    [Test]
    public void ACaseWithBiasWithoutItsBNpyIsRefusedSayingWhyItIsWanted()
    {
        // Before: "<pack>/a/b.npy: file not found", and the reader was left to work out that case.json wants it.
        string dir = Pack();
        File.Delete(Path.Combine(dir, "manifest.json"));
        string path = Path.Combine(dir, "a", "b.npy");
        File.Delete(path);
        Assert.That(() => FixturePack.Open(dir).Read<float>("a"), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{path}: file not found; case.json says \"bias\": true, so the case's inputs include b.npy"));
        File.Delete(Path.Combine(dir, "a", "db.npy"));
        Assert.That(() => FixturePack.Open(dir).Read<float>("a"), Throws.TypeOf<FixtureException>(), "still the missing input, not a missing result");
    }

    [Test]
    public void ACaseWithBiasWithoutItsDbNpyHasThatDirectionNotInPack()
    {
        // Results are optional (a forward-only pack has none of dx, dw, db); inputs are not.
        string dir = Pack();
        File.Delete(Path.Combine(dir, "manifest.json"));
        File.Delete(Path.Combine(dir, "a", "db.npy"));
        var read = FixturePack.Open(dir).Read<float>("a");
        Assert.That(read.Expected.Keys, Is.EquivalentTo(new[] { Direction.Forward, Direction.BackwardData, Direction.BackwardWeights }));
    }

    [Test]
    public void ACaseThatIsNotItsCaseJsonsIsRefusedNotReadAsTheCallersWord()
    {
        // The probe: Read<T>(c with { Problem = other }) returned the pack's results labelled as other's problem, and a
        // bias dropped from the caller's case was blamed on case.json (which says "bias": true).
        var pack = FixturePack.Open(Pack());
        var a = pack.ReadCase("a");
        var noBias = Assert.Throws<ArgumentException>(() => pack.Read<float>(a with { Problem = a.Problem.WithBias(false) }))!;
        Assert.That((noBias.ParamName, noBias.Message), Is.EqualTo(("c",
            $"c: case a is given as mb1ic1ih4oc1oh2kh3ph0 (f32, no bias, integer fill, seed {a.Seed}), but its case.json describes mb1ic1ih4oc1oh2kh3ph0 (f32, bias, integer fill, seed {a.Seed}); "
            + "the pack's files are that case's (read it with ReadCase) (Parameter 'c')")));
        var other = BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3sh2ph1");
        Assert.That(() => pack.Read<float>(a with { Problem = other }), Throws.ArgumentException.With.Message.Contains("is given as mb1ic1ih4oc1oh2kh3sh2ph1"));
        Assert.That(() => pack.Read<float>(a with { Seed = a.Seed + 1 }), Throws.ArgumentException.With.Message.Contains($"seed {a.Seed + 1}), but its case.json describes"));
        Assert.That(() => pack.Read<float>(a with { Fill = Fill.Normal }), Throws.ArgumentException.With.Message.Contains("normal fill"));
        // The case as read, and a copy of it under another name of the same id, read as before.
        Assert.That(pack.Read<float>(a).Case, Is.SameAs(a));
        Assert.That(pack.Read<float>(a with { }).Inputs.X, Has.Length.EqualTo(16));
    }
}
