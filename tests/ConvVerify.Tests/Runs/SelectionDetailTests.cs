using ConvVerify.Cases;
using ConvVerify.Problems;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Runs;

/// <summary>
/// The selection's finer rules: how merged batch entries combine their dtype and directions, what each source is called,
/// which selections are named, how the summary reads with nothing merged or skipped, and looking named cases up in packs.
/// </summary>
public class SelectionDetailTests : TempFolderTest
{
    private CaseSelection Batch(string text, string? dtype = "f32", string? fill = "integer")
    {
        string path = Path.Combine(Dir, "batch");
        File.WriteAllText(path, text);
        return CaseSelection.Resolve(null, path, [], dtype, fill, "question");
    }

    private static CaseSelection Descriptors(params string[] descriptors) =>
        CaseSelection.Resolve(null, null, descriptors, "f32", "integer", "question");

    [Test]
    public void AnEntryWithoutADTypeIsTakenInTheRunsDTypes()
    {
        // The file fixes nothing: --dtype f64 applies to it (only a dtype the file fixes can be filtered out).
        var s = Batch("mb1ic2ih4oc2kh3\n", dtype: "f64");
        Assert.That(s.Cases(1).Select(c => c.Problem.DType), Is.EqualTo(new[] { DType.Float64 }));
        Assert.That(s.Listing.Single().Kind, Is.EqualTo(BatchSkipKind.None));
    }

    [Test]
    public void AMergedEntryKeepsTheDTypeFixedOnlyIfEveryEntryFixedIt()
    {
        // The first entry fixes f32, the second leaves the dtype to the run: the merged case runs in every dtype asked for;
        // when both fix it, only in that one.
        var s = Batch("--dt=f32 mb1ic2ih4oc2kh3\n--reset mb1ic2ih4oc2kh3\n", dtype: null);
        Assert.That(s.Cases(1).Select(c => c.Problem.DType), Is.EqualTo(new[] { DType.Float32, DType.Float64, DType.BFloat16 }));
        var both = Batch("--dt=f32 mb1ic2ih4oc2kh3\n--dt=f32 mb1ic2ih4oc2kh3\n", dtype: null);
        Assert.That(both.Cases(1).Select(c => c.Problem.DType), Is.EqualTo(new[] { DType.Float32 }));
    }

    [Test]
    public void MergingWithAnEntryOfEveryDirectionChecksEveryDirection()
    {
        var s = Batch("--dir=FWD_B mb1ic2ih4oc2kh3\n--reset mb1ic2ih4oc2kh3\n");
        Assert.That(s.Generated(1).Single().Directions, Is.Null);
        Assert.That(s.Listing[1].Status, Is.EqualTo("merged into case 1 (every direction)"));
        var reversed = Batch("mb1ic2ih4oc2kh3\n--dir=FWD_B mb1ic2ih4oc2kh3\n");
        Assert.That(reversed.Generated(1).Single().Directions, Is.Null);
    }

    [Test]
    public void EachSourceIsNamedAndOnlyAWholeSetIsUnnamed()
    {
        var random = CaseSelection.Resolve(null, null, [], "f32", "integer", "question", random: 2, randomSeed: 7);
        var line = Descriptors("mb1ic2ih4oc2kh3");
        var set = CaseSelection.Resolve("basic", null, [], "f32", "integer", "question");
        var batch = Batch("mb1ic2ih4oc2kh3\n");
        Assert.That((random.Source, random.Named), Is.EqualTo(("random (seed 7)", true)));
        Assert.That((line.Source, line.Named), Is.EqualTo(("command line", true)));
        Assert.That((set.Source, set.Named), Is.EqualTo(("basic", false)));
        Assert.That((batch.Source, batch.Named), Is.EqualTo((Path.Combine(Dir, "batch"), true)));
    }

    [Test]
    public void TheSummarySaysNothingOfMergesOrSkipsThatDidNotHappen()
    {
        Assert.That(Descriptors("mb1ic2ih4oc2kh3").Summary(), Is.EqualTo("1 problem from command line; 0 skipped"));
        Assert.That(Batch("mb1ic2ih4oc2kh3\nmb1ic2ih5oc2kh3\n").Summary(), Is.EqualTo($"2 problems from {Path.Combine(Dir, "batch")}; 0 skipped"));
    }

    [Test]
    public void ADescriptorSkippedForItsSizeIsListedUnderTheSourceInCanonicalForm()
    {
        var s = CaseSelection.Resolve(null, null, ["mb2ic4ih8oc4kh3"], "f32", "integer", "question", maxMacs: 10);
        var line = s.Listing.Single();
        Assert.That((line.Where, line.Descriptor, line.Options, line.Notes), Is.EqualTo(("command line", "mb2ic4ih8oc4oh6kh3ph0", "", Array.Empty<string>())), "the canonical descriptor");
    }

    [Test]
    public void ALineNeitherTakenNorSkippedHasNoStatusOrReason()
    {
        var line = new SelectionLine("here", "mb1ic2ih4oc2kh3", "", []);
        Assert.That((line.Status, line.Reason, line.Kind, line.Case), Is.EqualTo(("", "", BatchSkipKind.None, 0)));
        var skipped = line.Skipped(BatchSkipKind.DType, "why");
        Assert.That((skipped.Status, skipped.Reason, skipped.Kind), Is.EqualTo(("skipped: why", "why", BatchSkipKind.DType)));
    }

    [Test]
    public void ErrorsOfTheSourceAreSaidWithoutParameterNames()
    {
        var set = Assert.Catch<ArgumentException>(() => CaseSelection.Resolve("no-such-set", null, [], "f32", "integer", "question"));
        var descriptor = Assert.Catch<ArgumentException>(() => Descriptors("mb1icXih4"));
        Assert.That(set!.Message, Does.Contain("no-such-set").And.Not.Contain("(Parameter"));
        Assert.That(descriptor!.Message, Does.Contain("mb1icXih4").And.Not.Contain("(Parameter"));
    }

    [Test]
    public void AVendoredNameIsAPlainFileName()
    {
        // shapes_basic exists; reached through a folder it is still refused, as is an empty name.
        Assert.That(CaseSelection.BatchPath("benchdnn:shapes_basic"), Does.EndWith("shapes_basic"));
        Assert.That(Assert.Catch<ArgumentException>(() => CaseSelection.BatchPath("benchdnn:./shapes_basic"))!.Message, Does.Contain("no such vendored benchdnn file"));
        Assert.That(Assert.Catch<ArgumentException>(() => CaseSelection.BatchPath("benchdnn:"))!.Message, Does.Contain("no such vendored benchdnn file"));
        Assert.That(CaseSelection.BatchPath("some/file"), Is.EqualTo("some/file"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => CaseSelection.BatchPath(null!))!.ParamName, Is.EqualTo("batch"));
    }

    [Test]
    public void ANamedCaseInTwoLayoutsIsLookedUpInPacksOnce()
    {
        var s = Batch("mb1ic2ih4oc2kh3\n--stag=axb mb1ic2ih4oc2kh3\n");
        var have = new CaseEntry(ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic2ih4oc2kh3").WithName("catalog-name"), Fill.Integer, 5));
        var other = new CaseEntry(ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic2ih6oc2kh3"), Fill.Integer, 5));
        Assert.That(s.InPacks([have, other], "test packs").Select(e => e.Case), Is.EqualTo(new[] { have.Case }));
        Assert.That(Assert.Throws<ArgumentNullException>(() => s.InPacks(null!, "test packs"))!.ParamName, Is.EqualTo("available"));
        var missing = Assert.Catch<ArgumentException>(() => Batch("mb1ic2ih9oc2kh3\n").InPacks([have], "test packs"));
        Assert.That(missing!.Message, Does.Contain("is in no pack checked (test packs)"));
    }

    [Test]
    public void ResolveRefusesNullDescriptors() =>
        Assert.That(Assert.Throws<ArgumentNullException>(() => CaseSelection.Resolve(null, null, null!, "f32", "integer", "question"))!.ParamName,
            Is.EqualTo("descriptors"));
}
