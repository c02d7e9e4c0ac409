using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Fixtures;

/// <summary>Every public entry of the pack code refuses a null argument by its name, before it touches a file.</summary>
public class FixtureNullArgumentTests : TempFolderTest
{
    private static readonly ConvCase Small = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3"), Fill.Integer, 1);

    private static string? NullParam(TestDelegate code) => Assert.Throws<ArgumentNullException>(code)!.ParamName;

    [Test]
    public void ThePackReaderAndWriterNameTheNullArgument()
    {
        var inputs = Small.MakeInputs<float>();
        var writer = new PackWriter(Path.Combine(Dir, "pack"), force: false);
        Assert.Multiple(() =>
        {
            Assert.That(NullParam(() => FixturePack.Open(null!)), Is.EqualTo("directory"));
            Assert.That(NullParam(() => new PackWriter(null!, force: false)), Is.EqualTo("directory"));
            Assert.That(NullParam(() => PackWriter.CheckReplaceable(null!, force: false)), Is.EqualTo("directory"));
            Assert.That(NullParam(() => writer.Add(null!, inputs, new Dictionary<Direction, float[]>())), Is.EqualTo("c"));
            Assert.That(NullParam(() => writer.Add(Small, null!, new Dictionary<Direction, float[]>())), Is.EqualTo("inputs"));
            Assert.That(NullParam(() => writer.Add(Small, inputs, (IReadOnlyDictionary<Direction, float[]>)null!)), Is.EqualTo("results"));
            Assert.That(NullParam(() => writer.Add(null!, inputs, Directions.ComputeAll(ConvEngines.Naive, Small.Problem, inputs))), Is.EqualTo("c"));
            Assert.That(NullParam(() => writer.Add(Small, inputs, (ConvResults<float>)null!)), Is.EqualTo("results"));
            Assert.That(NullParam(() => writer.Complete("test", "naive", null!)), Is.EqualTo("versions"));
            Assert.That(NullParam(() => CaseFile.From(null!)), Is.EqualTo("c"));
            Assert.That(NullParam(() => FixtureGenerator.Generate(Path.Combine(Dir, "g"), null!, new EngineOracle(ConvEngines.Naive), force: false)), Is.EqualTo("cases"));
            Assert.That(NullParam(() => FixtureGenerator.Generate(Path.Combine(Dir, "g"), [Small], null!, force: false)), Is.EqualTo("oracle"));
            Assert.That(NullParam(() => OnnxImport.Import(null!, Path.Combine(Dir, "o"))), Is.EqualTo("sources"));
            Assert.That(NullParam(() => OnnxImport.Import([Dir], null!)), Is.EqualTo("output"));
        });
        Assert.That(Directory.GetFileSystemEntries(Dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "pack" }), "nothing but the writer's own folder was made");
    }

    [Test]
    public void APacksReadersNameANullCaseOrFileAndAnEmptyFolder()
    {
        // The probe: a null case id or file name was refused as 'name "" is empty', as if the caller had given an empty one,
        // and an empty folder as ": pack folder not found", a message that names nothing.
        var pack = CommittedPacks.Open("question");
        Assert.Multiple(() =>
        {
            Assert.That(NullParam(() => pack.ReadCase(null!)), Is.EqualTo("id"));
            Assert.That(NullParam(() => pack.Read<float>((string)null!)), Is.EqualTo("id"));
            Assert.That(NullParam(() => pack.CasePath(null!, "x.npy")), Is.EqualTo("id"));
            Assert.That(NullParam(() => pack.CasePath(pack.CaseIds[0], null!)), Is.EqualTo("file"));
        });
        Assert.That(() => FixturePack.Open(""), Throws.ArgumentException.With.Property("ParamName").EqualTo("directory")
            .And.Message.StartsWith("directory: an empty path names no pack folder"));
        Assert.That(() => pack.ReadCase(""), Throws.TypeOf<FixtureException>().With.Message.Contains("name \"\" is empty"), "an empty id is a name, refused as one");
    }

    [Test]
    public void ThePathChecksNameTheNullArgument()
    {
        Assert.Multiple(() =>
        {
            Assert.That(NullParam(() => PackPaths.SplitFileKey(null!, "manifest.json")), Is.EqualTo("key"));
            Assert.That(NullParam(() => PackPaths.Inside(null!, "a")), Is.EqualTo("root"));
            Assert.That(NullParam(() => PackPaths.Inside(Dir, null!)), Is.EqualTo("names"));
            Assert.That(NullParam(() => PackPaths.CheckLink(null!, Dir)), Is.EqualTo("root"));
            Assert.That(NullParam(() => PackPaths.CheckTwoLevels(null!)), Is.EqualTo("root"));
            Assert.That(NullParam(() => PackPaths.CheckLink(Dir, null!)), Is.EqualTo("path"));
            Assert.That(NullParam(() => PackPaths.RealPath(null!)), Is.EqualTo("path"));
            Assert.That(NullParam(() => PackPaths.IsUnder(null!, Dir)), Is.EqualTo("root"));
            Assert.That(NullParam(() => PackPaths.IsUnder(Dir, null!)), Is.EqualTo("path"));
        });
    }
}
