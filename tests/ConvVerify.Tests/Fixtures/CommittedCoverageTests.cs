using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Fixtures;
using ConvVerify.Problems;
using ConvVerify.Runs;
using ConvVerify.Tests.Runs;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// <see cref="CommittedCoverage"/>: a committed pack must hold exactly its catalog set's cases, or check passed over the
/// cases it happened to hold. The catalog is given as text here, so a catalog change is tested without rebuilding it.
/// </summary>
public class CommittedCoverageTests : TempFolderTest
{
    private static IReadOnlyList<ConvCase> Variants(IReadOnlyList<ConvProblem> problems) =>
        ConvCase.Expand(problems, [DType.Float32, DType.Float64, DType.BFloat16], [Fill.Integer, Fill.Normal]);

    private static List<ConvCase> Read(FixturePack pack) => [.. pack.CaseIds.Select(id => pack.ReadCase(id))];

    [TestCaseSource(typeof(CaseSets), nameof(CaseSets.Committed))]
    public void EveryCommittedPackHoldsItsSet(string set)
    {
        var pack = CommittedPacks.Open(set);
        Assert.That(CommittedCoverage.Mismatch(set, Variants(CaseSets.Load(set)), pack, Read(pack)), Is.Null);
    }

    [Test]
    public void ACatalogCaseChangedButNotRegeneratedIsNamedMissingAndTheOldOneExtra()
    {
        // The probe's edit of question.txt: `check --set question` went on checking the pack's old answer_matrix cases, exit 0.
        string text = CaseSets.Text("question");
        Assert.That(text, Does.Contain("mb1ic1ih4oc1oh2kh3n\"answer_matrix\""));
        var edited = CaseSets.Parse(text.Replace("mb1ic1ih4oc1oh2kh3n", "mb1ic1ih5oc1oh3kh3n", StringComparison.Ordinal), "question");
        var pack = CommittedPacks.Open("question");
        string? why = CommittedCoverage.Mismatch("question", Variants(edited), pack, Read(pack));
        Assert.That(why, Is.EqualTo($"{pack.Directory}: the committed pack of set 'question' does not hold exactly the set's 12 cases "
            + "(float32, float64 and bfloat16, integer and normal fill, the default seed): "
            + "6 cases of the set are missing (mb1ic1ih5oc1oh3kh3ph0n_answer_matrix___f32_integer, mb1ic1ih5oc1oh3kh3ph0n_answer_matrix___f32_normal, "
            + "mb1ic1ih5oc1oh3kh3ph0n_answer_matrix___f64_integer and 3 more); "
            + "6 cases are not in the set (mb1ic1ih4oc1oh2kh3ph0n_answer_matrix___f32_integer, mb1ic1ih4oc1oh2kh3ph0n_answer_matrix___f32_normal, "
            + "mb1ic1ih4oc1oh2kh3ph0n_answer_matrix___f64_integer and 3 more)"));
    }

    [Test]
    public void ACaseOfTheSameIdWithAnotherSeedIsNamedAsDiffering()
    {
        var pack = CommittedPacks.Open("question");
        var read = Read(pack);
        var expected = Variants(CaseSets.Load("question"));
        read[1] = read[1] with { Seed = 5 };
        var catalogs = expected.Single(c => c.Id == read[1].Id);
        Assert.That(CommittedCoverage.Mismatch("question", expected, pack, read), Does.EndWith(
            $": 1 case differs from the catalog's ({read[1].Id} (mb1ic1ih4oc1oh2kh3ph0n\"answer_matrix\" f32 integer seed 5 in the pack, "
            + $"mb1ic1ih4oc1oh2kh3ph0n\"answer_matrix\" f32 integer seed {catalogs.Seed} in the catalog))"));
    }

    [Test]
    public void APackWithoutAManifestOrOfAnotherOracleIsNoCommittedPack()
    {
        // Deleting the manifest only warned; a pack of another oracle's results checked the engine against, say, itself.
        string copy = Path.Combine(Dir, "question");
        Cli.CliTestBase.CopyDirectory(CommittedPacks.Dir("question"), copy);
        File.Delete(Path.Combine(copy, "manifest.json"));
        var pack = FixturePack.Open(copy);
        var expected = Variants(CaseSets.Load("question"));
        Assert.That(CommittedCoverage.Mismatch("question", expected, pack, Read(pack)), Does.EndWith(
            "(float32, float64 and bfloat16, integer and normal fill, the default seed): it has no manifest.json, so nothing of it is hashed"));
        string other = Path.Combine(Dir, "other");
        FixtureGenerator.Generate(other, expected, new DefinitionOracle("naive"), force: false);
        var naive = FixturePack.Open(other);
        Assert.That(CommittedCoverage.Mismatch("question", expected, naive, Read(naive)), Does.EndWith(
            "(float32, float64 and bfloat16, integer and normal fill, the default seed): it holds results of oracle naive, not torch"));
        FixtureGenerator.Generate(other, expected, new DefinitionOracle("torch"), force: true);
        var torch = FixturePack.Open(other);
        Assert.That(CommittedCoverage.Mismatch("question", expected, torch, Read(torch)), Is.Null, "the set's cases from torch");
    }
}
