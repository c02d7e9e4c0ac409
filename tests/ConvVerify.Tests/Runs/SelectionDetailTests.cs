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

    // The entries as the run takes them: case id and directions.
    private static IEnumerable<string> Checked(CaseSelection s) =>
        s.Generated(1).Select(e => $"{e.Case.Id}: {(e.Directions is null ? "every" : string.Join(",", e.Directions.Select(d => d.TensorName())))}");

    [Test]
    public void AnEntryWithoutADTypeMergesWithOneOfTheSameProblemInADTypeItIsCheckedIn()
    {
        // The first entry is checked in every dtype of the run, the second in f64 only: their f64 cases are one case (the
        // merge took them for two problems, and the run checked one id twice), f32 and bf16 check dx alone.
        var s = Batch("--dir=BWD_D\nmb1ic2iw5oc3kw3\n--dir=FWD_D --dt=f64\nmb1ic2iw5oc3kw3\n", dtype: null);
        Assert.That(Checked(s), Is.EqualTo(new[]
        {
            "mb1ic2iw5oc3ow3kw3pw0__nobias__f32_integer: dx",
            "mb1ic2iw5oc3ow3kw3pw0__nobias__f64_integer: y,dx",
            "mb1ic2iw5oc3ow3kw3pw0__nobias__bf16_integer: dx",
        }));
        Assert.That(s.Listing.Select(l => l.Status), Is.EqualTo(new[] { "case 1 (dx)", "merged into case 1 in f64 (f32, bf16: dx; f64: y, dx)" }));
        Assert.That(s.Problems, Has.Count.EqualTo(1));
        // The other order: the f64 entry is case 1, the entry of every dtype a second case but for f64, merged into the first.
        var reversed = Batch("--dir=FWD_D --dt=f64\nmb1ic2iw5oc3kw3\n--reset --dir=BWD_D\nmb1ic2iw5oc3kw3\n", dtype: null);
        Assert.That(Checked(reversed), Is.EquivalentTo(Checked(s)));
        Assert.That(reversed.Listing.Select(l => l.Status), Is.EqualTo(new[] { "case 1 (y)", "case 2 (dx); merged into case 1 in f64 (y, dx)" }));
        // Filtered to f64 by --dtype, the two entries are one case.
        Assert.That(Checked(Batch("--dir=BWD_D\nmb1ic2iw5oc3kw3\n--dir=FWD_D --dt=f64\nmb1ic2iw5oc3kw3\n", dtype: "f64")),
            Is.EqualTo(new[] { "mb1ic2iw5oc3ow3kw3pw0__nobias__f64_integer: y,dx" }));
    }

    [Test]
    public void AnEntryFixedToOneDTypeAddsItsDirectionsInThatDTypeOnly()
    {
        // --dt=f32 merged into an entry without --dt checked its y in every dtype (the merged case lost the fixed dtype).
        var s = Batch("--dir=BWD_D mb1ic2iw5oc3kw3\n--dir=FWD_D --dt=f32 mb1ic2iw5oc3kw3\n", dtype: null);
        Assert.That(Checked(s), Is.EqualTo(new[]
        {
            "mb1ic2iw5oc3ow3kw3pw0__nobias__f32_integer: y,dx",
            "mb1ic2iw5oc3ow3kw3pw0__nobias__f64_integer: dx",
            "mb1ic2iw5oc3ow3kw3pw0__nobias__bf16_integer: dx",
        }));
        var reversed = Batch("--dir=FWD_D --dt=f32 mb1ic2iw5oc3kw3\n--reset --dir=BWD_D mb1ic2iw5oc3kw3\n", dtype: null);
        Assert.That(Checked(reversed), Is.EqualTo(Checked(s)));
        Assert.That(reversed.Listing[1].Status, Is.EqualTo("merged into case 1 (f32: y, dx; f64, bf16: dx)"));
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
        // The vendored folder's license and README are files there, but no batch files: read as ones, their lines were
        // 1,596 skipped "problems" and the run exited 1.
        string dir = Path.GetDirectoryName(CaseSelection.BatchPath("benchdnn:shapes_basic"))!;
        Assert.That(Assert.Catch<ArgumentException>(() => CaseSelection.BatchPath("benchdnn:LICENSE"))!.Message, Is.EqualTo(
            $"--batch: benchdnn:LICENSE: LICENSE is no batch file but the vendored folder's license (oneDNN's) (the names are those of the files in {dir} but LICENSE and README.md: ls {dir})"));
        Assert.That(Assert.Catch<ArgumentException>(() => CaseSelection.BatchPath("benchdnn:README.md"))!.Message, Is.EqualTo(
            $"--batch: benchdnn:README.md: README.md is no batch file but the vendored folder's note of where its files come from (the names are those of the files in {dir} but LICENSE and README.md: ls {dir})"));
        Assert.That(Assert.Catch<ArgumentException>(() => CaseSelection.BatchPath("benchdnn:shapes_nope"))!.Message, Does.EndWith($"(the names are those of the files in {dir} but LICENSE and README.md: ls {dir})").Or.Contain($"; the names are those of the files in {dir} but LICENSE and README.md: ls {dir})"));
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
    public void EntriesLandingOnOnePackCaseCheckEveryDirectionEitherAsks()
    {
        // The first entry (no name) matches the pack's case whatever the pack called it, the second names it: one pack
        // case, checked in dw and db for the first and y for the second. Only the first's were checked, without a word.
        var s = Batch("--dir=BWD_WB mb1ic4iw9oc6ow5kw3sw2pw1\n--dir=FWD_B mb1ic4iw9oc6ow5kw3sw2pw1n\"conv1d_k3_s2_p1\"\n");
        var have = new CaseEntry(ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic4iw9oc6ow5kw3sw2pw1n\"conv1d_k3_s2_p1\""), Fill.Integer, 5));
        var found = s.InPacks([have], "test packs").Single();
        Assert.That(found.Case, Is.EqualTo(have.Case));
        Assert.That(found.Directions, Is.EqualTo(new[] { Direction.Forward, Direction.BackwardWeights, Direction.BackwardBias }));
        // An entry of every direction takes in the other's.
        var every = Batch("--dir=FWD_B mb1ic4iw9oc6ow5kw3sw2pw1\n--reset mb1ic4iw9oc6ow5kw3sw2pw1n\"conv1d_k3_s2_p1\"\n");
        Assert.That(every.InPacks([have], "test packs").Single().Directions, Is.Null);
    }

    [Test]
    public void ResolveRefusesNullDescriptors() =>
        Assert.That(Assert.Throws<ArgumentNullException>(() => CaseSelection.Resolve(null, null, null!, "f32", "integer", "question"))!.ParamName,
            Is.EqualTo("descriptors"));
}
