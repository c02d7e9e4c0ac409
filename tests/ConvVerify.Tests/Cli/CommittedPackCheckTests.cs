using ConvVerify.Cases;
using ConvVerify.Fixtures;
using ConvVerify.Problems;
using ConvVerify.Tests.Fixtures;
using ConvVerify.Tests.Oracles;
using ConvVerify.Tests.Runs;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// check of the committed packs (no --pack) fails when a pack does not hold exactly its set, and fixtures generate will not
/// write a committed pack's folder with anything else. The committed packs are copies under CONVVERIFY_FIXTURES, never the
/// clone's own.
/// </summary>
[NonParallelizable] // sets an environment variable every pack lookup of the process reads
public class CommittedPackCheckTests : CliTestBase
{
    private string? _saved;
    private string _root = "";

    [SetUp]
    public void CopyTheCommittedPacks()
    {
        _saved = Environment.GetEnvironmentVariable(Locations.FixturesVariable);
        _root = TempPath("fixtures");
        foreach (string set in ConvVerify.Catalog.CaseSets.Committed) CopyDirectory(CommittedPacks.Dir(set), Path.Combine(_root, set));
        Environment.SetEnvironmentVariable(Locations.FixturesVariable, _root);
    }

    [TearDown]
    public void RestoreTheVariable() => Environment.SetEnvironmentVariable(Locations.FixturesVariable, _saved);

    private static string Id(string descriptor) => ConvCase.IdOf(BenchdnnDescriptor.Parse(descriptor), Fill.Integer);

    [Test]
    public void APackWrittenOverWithOtherCasesFailsCheckNamingThem()
    {
        // The probe's `fixtures generate --out tests/fixtures/basic mb1ic2ih5oc3kh3 --dtype f32 --fill integer --force`:
        // check then passed 151 cases of 468, exit 0.
        var intact = Run("check", "--set", "basic");
        Assert.That(intact.Code, Is.Zero, intact.ToString());
        string basic = Path.Combine(_root, "basic");
        FixtureGenerator.Generate(basic, [ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic2ih5oc3kh3"), Fill.Integer)], new DefinitionOracle("torch"), force: true);
        foreach (var args in new[] { new[] { "check", "--set", "basic" }, ["check"] })
        {
            var r = Run(args);
            Assert.That(r.Code, Is.EqualTo(2), r.ToString());
            Assert.That(r.Err, Does.StartWith("convverify: check reads the committed packs as the catalog's sets, and one does not hold its set:\n"
                + $"  {basic}: the committed pack of set 'basic' does not hold exactly the set's 318 cases (float32, float64 and bfloat16, integer and normal fill, the default seed): "
                + "318 cases of the set are missing (").And.Contains($"and 315 more); 1 case is not in the set ({Id("mb1ic2ih5oc3kh3")})\n"
                + $"the committed packs are read from {Locations.FixturesVariable} ({_root}): rewrite 'convverify fixtures generate --out {basic} --set basic --force', or unset the variable\n"),
                r.ToString());
        }
    }

    [Test]
    public void APackWithoutItsManifestAndACaseFailsCheck()
    {
        // Only a warning, exit 0.
        string question = Path.Combine(_root, "question");
        string gone = CliTestBase.QuestionCase("f64", "normal");
        File.Delete(Path.Combine(question, "manifest.json"));
        Directory.Delete(Path.Combine(question, gone), recursive: true);
        var r = Run("check");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain($"  {question}: the committed pack of set 'question' does not hold exactly the set's 12 cases "
            + $"(float32, float64 and bfloat16, integer and normal fill, the default seed): it has no manifest.json, so nothing of it is hashed; 1 case of the set is missing ({gone})\n"), r.ToString());
    }

    [Test]
    public void GenerateRefusesToWriteACommittedPackWithAnythingButItsSet()
    {
        string basic = Path.Combine(_root, "basic");
        var before = Directory.GetFiles(basic, "*", SearchOption.AllDirectories).Length;
        var r = Run("fixtures", "generate", "--out", basic, "mb1ic2ih5oc3kh3", "--dtype", "f32", "--fill", "integer", "--force", "--oracle", "naive");
        Assert.That((r.Code, r.Err), Is.EqualTo((2, $"convverify: --out {basic} is the committed pack of set 'basic', which check requires to hold exactly that set's cases "
            + "(float32, float64 and bfloat16, integer and normal fill, the default seed) from torch; this run would write 1 case other than the set's 318. "
            + "Rewrite it with 'convverify fixtures regenerate' (or fixtures generate --set basic with the default --dtype, --fill and --seed), or give another --out\n")), r.ToString());
        // The set itself, from another oracle than torch, neither.
        r = Run("fixtures", "generate", "--out", Path.Combine(_root, "question") + "/", "--set", "question", "--force", "--oracle", "naive");
        Assert.That(r.Err, Does.Contain("this run would write results of oracle naive, not torch."), r.ToString());
        Assert.That(Directory.GetFiles(basic, "*", SearchOption.AllDirectories), Has.Length.EqualTo(before));
        Assert.That(Run("check").Code, Is.Zero);
    }

    [Test]
    public void TheClonesCommittedFoldersAreKnownWhateverTheVariableSays()
    {
        Assert.That(ConvVerify.Cli.FixturesCommand.CommittedSetAt(CommittedPacks.Dir("pytorch")), Is.EqualTo("pytorch"));
        Assert.That(ConvVerify.Cli.FixturesCommand.CommittedSetAt(Path.Combine(_root, "question")), Is.EqualTo("question"));
        Assert.That(ConvVerify.Cli.FixturesCommand.CommittedSetAt(Path.Combine(_root, "resnet50")), Is.Null, "no committed set");
        Assert.That(ConvVerify.Cli.FixturesCommand.CommittedSetAt(Path.Combine(_root, "question", "x")), Is.Null);
    }

    [Test]
    public void GenerateOfTheWholeSetFromTorchRecordsNoCpuOrBlasAndChangesNothingWhenRunAgain()
    {
        var torch = LiveTorch.Require();
        // Where torch sums bfloat16 in bfloat16 it declines the set's bf16 cases, and the whole set cannot be written.
        if (!torch.Provides(BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3").WithDType(DType.BFloat16), Direction.Forward, out string? declined)) Assert.Ignore(declined);
        // The README: "The committed packs record no CPU, so they are compared that second way everywhere"; every
        // regenerate added cpu and blas, and a new "created", to every manifest.
        string question = Path.Combine(_root, "question");
        var r = Run("fixtures", "generate", "--out", question, "--set", "question", "--force");
        Assert.That(r.Code, Is.Zero, r.ToString());
        var manifest = Manifest.Read(Path.Combine(question, "manifest.json"));
        Assert.That(manifest.Versions.Keys, Is.EquivalentTo(new[] { "numpy", "torch" }));
        byte[] first = File.ReadAllBytes(Path.Combine(question, "manifest.json"));
        Assert.That(Run("fixtures", "generate", "--out", question, "--set", "question", "--force").Code, Is.Zero);
        Assert.That(File.ReadAllBytes(Path.Combine(question, "manifest.json")), Is.EqualTo(first), "no result changed, so neither did the manifest");
        Assert.That(Run("check").Code, Is.Zero);
    }

    [Test]
    public void RegenerateSaysWhenTheVariableNamesOtherPacksThanItWrote()
    {
        string clone = Path.Combine(CommittedPacks.Root, "tests", "fixtures");
        Assert.That(ConvVerify.Cli.FixturesCommand.FixturesVariableElsewhere(clone), Is.EqualTo(
            $"{Locations.FixturesVariable} is set ({_root}): fixtures regenerate wrote the clone's committed packs in {clone}, but check, and the NUnit fixture, "
            + $"read the packs in {_root}; unset it to check the packs just written"));
        Environment.SetEnvironmentVariable(Locations.FixturesVariable, clone + "/");
        Assert.That(ConvVerify.Cli.FixturesCommand.FixturesVariableElsewhere(clone), Is.Null, "the very folder written");
        Environment.SetEnvironmentVariable(Locations.FixturesVariable, null);
        Assert.That(ConvVerify.Cli.FixturesCommand.FixturesVariableElsewhere(clone), Is.Null);
    }
}
