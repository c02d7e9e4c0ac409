using System.Text.Json;
using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Fixtures;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Cli;

/// <summary><c>convverify verify-impl</c>: a candidate folder of .npy results against a pack.</summary>
public class VerifyImplCommandTests : QuestionPackTest
{
    // Shapes of the question case (mb1 ic3 ih5 oc16 kh3, bias), from the problem statement.
    private static readonly int[] XShape = [1, 3, 5, 5];

    private CliResult Verify(params string[] extra) => Run(["verify-impl", "--pack", Pack, "--candidate", Candidate, .. extra]);

    [Test]
    public void PackCasesAreSkippedOnlyBeyondAMaxMacsTheUserGave()
    {
        // Beyond the default limit or memory a pack case is an error row (BatchSelectionTests); a skip only where the
        // user asked for one. The question case has 3,888 multiply-adds per direction.
        var r = Verify("--max-macs", "3887");
        Assert.That(r.Code, Is.EqualTo(0), "a limit the user gave skips, and says so: " + r);
        Assert.That(r.Out, Does.Contain("6 pack cases skipped: too large"));
    }

    private string CandidateFile(string id, string tensor) => Path.Combine(Candidate, id, tensor + ".npy");

    private static int FailLines(CliResult r) => r.Out.Split('\n').Count(l => l.StartsWith("FAIL", StringComparison.Ordinal));

    [Test]
    public void ThePacksOwnResultsPass()
    {
        var r = Verify();
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("verify-impl: 12 cases, 48 directions: 48 passed, 0 failed"));
        Assert.That(r.Out, Does.Not.Contain("warning"), "y.npy, dx.npy, dw.npy and db.npy are the result files");
    }

    [Test]
    public void OneElementOffBy1e4RelativeInANormalCaseFails()
    {
        string id = QuestionCase("f32", "normal");
        string file = CandidateFile(id, "dx");
        var dx = Npy.Read<float>(file, DType.Float32, XShape);
        int index = Enumerable.Range(0, dx.Length).MaxBy(i => Math.Abs(dx[i]));
        dx[index] *= 1 + 1e-4f;
        Npy.Write(file, XShape, dx);
        // Unravel the flat index in (1, 3, 5, 5).
        string position = $"[0, {index / 25}, {index / 5 % 5}, {index % 5}]";

        var r = Verify();
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        Assert.That(FailLines(r), Is.EqualTo(1), r.ToString());
        string fail = r.Out.Split('\n').Single(l => l.StartsWith("FAIL", StringComparison.Ordinal));
        Assert.That(fail, Does.Contain(id).And.Contain(" dx").And.Contain(position).And.Contain($"flat {index}"));
        Assert.That(r.Out, Does.Contain("47 passed, 1 failed"));
    }

    [Test]
    public void MissingFilesAreNotProvidedAndFailUnlessRequireAny()
    {
        string id = QuestionCase("f64", "integer");
        File.Delete(CandidateFile(id, "dw"));
        File.Delete(CandidateFile(id, "db"));

        var r = Verify();
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        Assert.That(r.Out, Does.Contain("not provided"));
        Assert.That(r.Out, Does.Contain("46 passed, 0 failed, 0 suspicious, 0 not in pack, 0 not provided by oracle, 2 not provided"));

        r = Verify("--require", "any");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("46 passed, 0 failed, 0 suspicious, 0 not in pack, 0 not provided by oracle, 2 not provided"));
    }

    [Test]
    public void AFolderNamedAsAResultIsUnusableInputNotAResultLeftOut()
    {
        // The probe: a folder dx.npy read as "not provided (… does not exist)", and --require any passed the run.
        string id = QuestionCase("f64", "integer");
        string folder = CandidateFile(id, "dx");
        File.Delete(folder);
        Directory.CreateDirectory(folder);

        var r = Verify("--require", "any");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Out, Does.Contain($"{folder}: a directory, not a regular file").And.Not.Contain("does not exist"));
        Assert.That(r.Out, Does.Contain("47 passed, 0 failed, 0 suspicious, 0 not in pack, 0 not provided by oracle, 0 not provided, 1 error"));
    }

    [Test]
    public void AResultLinkLeadingNowhereIsSaidToBeOneAndWhereItPoints()
    {
        // The probe: a dangling y.npy was "file not found", while a dangling case folder was "a symbolic link leading
        // nowhere"; the user looked for a file never written where a link stood.
        string id = QuestionCase("f32", "normal");
        string y = CandidateFile(id, "y");
        File.Delete(y);
        File.CreateSymbolicLink(y, "written-elsewhere.npy");

        var r = Verify("--require", "any");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Out, Does.Contain($"{y}: a symbolic link leading nowhere (to written-elsewhere.npy, that is {Path.Combine(Candidate, id, "written-elsewhere.npy")}, "
            + "which does not exist), not a regular file; refusing to read it").And.Not.Contain("file not found"));
        Assert.That(r.Out, Does.Contain("47 passed, 0 failed, 0 suspicious, 0 not in pack, 0 not provided by oracle, 0 not provided, 1 error"));

        // Given as an absolute path, the target is said once.
        string target = Path.Combine(Candidate, id, "gone.npy");
        File.Delete(y);
        File.CreateSymbolicLink(y, target);
        Assert.That(Verify().Out, Does.Contain($"{y}: a symbolic link leading nowhere (to {target}, which does not exist), not a regular file"));
    }

    [Test]
    public void ThePackAsItsOwnCandidateIsBadUsage()
    {
        // The probe: --candidate naming the pack passed all 48 directions (exit 0), under 61 warnings about its inputs.
        string link = TempPath("link-to-pack");
        Directory.CreateSymbolicLink(link, Pack);
        foreach (string candidate in new[] { Pack, Pack + Path.DirectorySeparatorChar, link })
        {
            var r = Run("verify-impl", "--pack", Pack, "--candidate", candidate);
            Assert.That(r.Code, Is.EqualTo(2), r.ToString());
            Assert.That(r.Err, Does.Contain($"--candidate: {candidate} is the pack itself ({Pack})"), r.ToString());
            Assert.That(r.Out, Does.Not.Contain("passed"), r.ToString());
        }
    }

    [Test]
    public void AResultHardLinkedToThePacksOwnIsBadUsage()
    {
        // The probe: a candidate whose result files were hard links to the pack's (cp -al) passed all 48 directions, with
        // --strict too: one file under two names, compared with itself.
        if (OperatingSystem.IsWindows()) Assert.Ignore("no ln here");
        string id = FixturePack.Open(Pack).CaseIds[^1], mine = CandidateFile(id, "dw");
        File.Delete(mine);
        Assert.That(Link(Path.Combine(Pack, id, "dw.npy"), mine), Is.Zero, "ln made the hard link");
        var r = Verify("--strict");
        Assert.That((r.Code, r.Err), Is.EqualTo((2, $"convverify: --candidate: {mine} is the pack's own {Path.Combine(Pack, id, "dw.npy")} (one file under two names, "
            + "a hard link): its result would only be compared with itself; give the folder the implementation under test wrote\n")), r.ToString());
        Assert.That(r.Out, Does.Not.Contain("passed"), r.ToString());
    }

    private static int Link(string existing, string name)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ln", [existing, name]))!;
        p.WaitForExit();
        return p.ExitCode;
    }

    // The answer-matrix cases only (the question cases have 3,888 multiply-adds per direction): six cases, 24 results.
    private static readonly string[] SmallCases = ["--max-macs", "3887"];

    [Test]
    public void ACopyOfThePackPassesAndItsFirstWarningSaysItIsACopyWhoseResultsAreThePacks()
    {
        // The probe: a copy of the pack (the pack itself is refused above) passed every direction under a warning for
        // each of its files ("not a result file"), none saying that the results compared were the pack's own.
        string copy = CopyCommittedPack("question", "copy");
        var r = Run(["verify-impl", "--pack", Pack, "--candidate", copy, .. SmallCases]);
        Assert.That(r.Code, Is.EqualTo(0), "an exact implementation writes such files too: a pass, said plainly; " + r);
        Assert.That(Warnings(r)[0], Is.EqualTo($"warning: {copy}: a copy of a pack, not only an implementation's results (it holds {Path.Combine(copy, "manifest.json")}), "
            + $"and all 24 result files it holds are byte for byte the pack's own in {Pack}; whether they are the copy's or the implementation wrote the same bytes "
            + "over them (an exact one can) cannot be told from the folder: if they are the copy's, every direction passes whatever the implementation computed; "
            + "give a folder holding only what the implementation under test wrote"));
    }

    [Test]
    public void ResultsAnImplementationWroteIntoACopyOfThePackAreWarnedAboutAsWhatCannotBeToldApart()
    {
        // The false positive the warning cannot avoid: an exact implementation writes its results, the very bytes of the
        // pack's (read and written again here, as it would write them), into a copy of the pack. The folder is then the
        // same, byte for byte, as a copy nobody wrote into, so the warning fires; it says what it cannot tell.
        string copy = CopyCommittedPack("question", "copy");
        // The answer matrix (mb1 ic1 ih4 oc1 kh3, bias) in f32, both fills: y (1, 1, 2, 2), dx (1, 1, 4, 4), dw (1, 1, 3, 3), db (1).
        foreach (string fill in new[] { "integer", "normal" })
        {
            foreach (var (tensor, shape) in new[] { ("y", new[] { 1, 1, 2, 2 }), ("dx", new[] { 1, 1, 4, 4 }), ("dw", new[] { 1, 1, 3, 3 }), ("db", new[] { 1 }) })
            {
                string file = Path.Combine(copy, "mb1ic1ih4oc1oh2kh3ph0n_answer_matrix___f32_" + fill, tensor + ".npy");
                var values = Npy.Read<float>(file, DType.Float32, shape);
                File.Delete(file);
                Npy.Write(file, shape, values);
            }
        }
        var r = Run(["verify-impl", "--pack", Pack, "--candidate", copy, .. SmallCases]);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Warnings(r)[0], Does.Contain("all 24 result files it holds are byte for byte the pack's own")
            .And.Contain("whether they are the copy's or the implementation wrote the same bytes over them (an exact one can) cannot be told from the folder: "
                + "if they are the copy's, every direction passes"), r.ToString());
    }

    [Test]
    public void ACopyOfThePackIntoWhichSomeResultsWereWrittenCountsTheOnesStillThePacks()
    {
        // A copy the implementation wrote one result into (the rest forgotten), its manifest.json removed: the case.json
        // files still say what it is, and the 23 results it did not write pass whatever it computed.
        string copy = CopyCommittedPack("question", "copy");
        File.Delete(Path.Combine(copy, "manifest.json"));
        string answer = "mb1ic1ih4oc1oh2kh3ph0n_answer_matrix___f32_";
        File.Copy(Path.Combine(copy, answer + "normal", "y.npy"), Path.Combine(copy, answer + "integer", "y.npy"), overwrite: true);
        var r = Run(["verify-impl", "--pack", Pack, "--candidate", copy, .. SmallCases]);
        Assert.That(r.Code, Is.EqualTo(1), "the one written differs: " + r);
        Assert.That(Warnings(r)[0], Does.StartWith($"warning: {copy}: a copy of a pack, not only an implementation's results (it holds {copy}{Path.DirectorySeparatorChar}"));
        Assert.That(Warnings(r)[0], Does.EndWith($"case.json), and 23 of the 24 result files it holds are byte for byte the pack's own in {Pack}; "
            + "whether they are the copy's or the implementation wrote the same bytes over them (an exact one can) cannot be told from the folder: "
            + "if they are the copy's, those directions pass whatever the implementation computed; give a folder holding only what the implementation under test wrote"));
    }

    [Test]
    public void ResultsWrittenFreshPassWithNoWordOfACopy()
    {
        // The harness's own candidate: results only, byte for byte the pack's (an exact implementation's can be): no warning.
        Assert.That(Warnings(Verify()), Is.Empty);
    }

    [Test]
    public void RequireAnyStillFailsWhenNothingIsProvided()
    {
        foreach (string dir in Directory.GetDirectories(Candidate)) Directory.Delete(dir, recursive: true);
        var r = Verify("--require", "any");
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        Assert.That(r.Out, Does.Contain("nothing was compared"));
    }

    [Test]
    public void RequireWithAnUnknownValueIsBadUsage()
    {
        var r = Verify("--require", "most");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("most"));
    }

    [Test]
    public void WrongShapeFailsWithAShapeMessage()
    {
        string id = QuestionCase("f32", "integer");
        string file = CandidateFile(id, "dx");
        var dx = Npy.Read<float>(file, DType.Float32, XShape);
        Npy.Write(file, [1, 3, 25], dx);

        var r = Verify();
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        string fail = r.Out.Split('\n').Single(l => l.StartsWith("FAIL", StringComparison.Ordinal));
        Assert.That(fail, Does.Contain(id).And.Contain("shape").And.Contain("(1, 3, 25)"));
    }

    [Test]
    public void GarbageFileFailsAsUnreadable()
    {
        string id = QuestionCase("f32", "integer");
        string file = CandidateFile(id, "y");
        File.WriteAllBytes(file, [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 37 % 251))]);

        var r = Verify();
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        string fail = r.Out.Split('\n').Single(l => l.StartsWith("FAIL", StringComparison.Ordinal));
        Assert.That(fail, Does.Contain(id).And.Contain("not a .npy file"));
    }

    [Test]
    public void EmptyFileFailsAsUnreadable()
    {
        string id = QuestionCase("f32", "integer");
        File.WriteAllBytes(CandidateFile(id, "y"), []);
        var r = Verify();
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        Assert.That(r.Out, Does.Contain("not a .npy file"));
    }

    [Test]
    public void NaNFails()
    {
        string id = QuestionCase("f32", "normal");
        string file = CandidateFile(id, "dx");
        var dx = Npy.Read<float>(file, DType.Float32, XShape);
        dx[3] = float.NaN;
        Npy.Write(file, XShape, dx);

        var r = Verify();
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        string fail = r.Out.Split('\n').Single(l => l.StartsWith("FAIL", StringComparison.Ordinal));
        Assert.That(fail, Does.Contain(id).And.Contain(" dx").And.Contain("actual nan, abs err inf"), "NaN reads as the ratio's infinity does");
    }

    [Test]
    public void NaNInAnIntegerCaseFails()
    {
        string id = QuestionCase("f64", "integer");
        string file = CandidateFile(id, "dx");
        var dx = Npy.Read<double>(file, DType.Float64, XShape);
        dx[0] = double.NaN;
        Npy.Write(file, XShape, dx);

        var r = Verify();
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        Assert.That(FailLines(r), Is.EqualTo(1), r.ToString());
    }

    [Test]
    public void WrongDtypeFailsNamingTheDtype()
    {
        string id = QuestionCase("f32", "integer");
        string file = CandidateFile(id, "dx");
        var dx = Npy.Read<float>(file, DType.Float32, XShape);
        Npy.Write(file, XShape, dx.Select(v => (double)v).ToArray());

        var r = Verify();
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        string fail = r.Out.Split('\n').Single(l => l.StartsWith("FAIL", StringComparison.Ordinal));
        Assert.That(fail, Does.Contain(id).And.Contain("float64").And.Contain("float32"));
    }

    [Test]
    public void MissingCandidateFolderIsBadUsage()
    {
        string missing = TempPath("no-candidate");
        var r = Run("verify-impl", "--pack", Pack, "--candidate", missing);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain(missing));
    }

    [TestCase("--pack")]
    [TestCase("--candidate")]
    public void AnEmptyPathIsNamedByItsOption(string option)
    {
        // The probe: --candidate "$OUT" with OUT unset said only "The value cannot be an empty string."
        var r = Run("verify-impl", "--pack", option == "--pack" ? "" : Pack, "--candidate", option == "--candidate" ? " " : Candidate);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Is.EqualTo(option == "--pack" ? $"convverify: --pack: the path is empty{Environment.NewLine}"
            : $"convverify: --candidate: the path is only blanks (' '); for a file or folder of that name give it as './ '{Environment.NewLine}"), r.ToString());
    }

    [Test]
    public void MissingPackFolderIsBadUsage()
    {
        string missing = TempPath("no-pack");
        var r = Run("verify-impl", "--pack", missing, "--candidate", Candidate);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain(missing));
    }

    [Test]
    public void PackOptionIsRequired()
    {
        var r = Run("verify-impl", "--candidate", Candidate);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("--pack"));
    }

    [Test]
    public void CorruptPackIsBadInputNotACandidateFailure()
    {
        string file = Path.Combine(Pack, QuestionCase("f32", "normal"), "dx.npy");
        byte[] bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(file, bytes);
        var r = Verify();
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain(file));
    }

    [Test]
    public void JsonReportParses()
    {
        string id = QuestionCase("f64", "normal");
        File.Delete(CandidateFile(id, "y"));
        string json = TempPath("report.json");
        var r = Verify("--json", json);
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        Assert.That(root.GetProperty("command").GetString(), Is.EqualTo("verify-impl"));
        Assert.That(rows, Has.Count.EqualTo(48));
        Assert.That(root.GetProperty("summary").GetProperty("outcomes").GetProperty("pass").GetInt32(), Is.EqualTo(47));
        Assert.That(root.GetProperty("summary").GetProperty("outcomes").GetProperty("not provided").GetInt32(), Is.EqualTo(1));
        var missing = rows.Single(e => e.GetProperty("outcome").GetString() == "not provided");
        Assert.That(missing.GetProperty("case").GetString(), Is.EqualTo(id));
        Assert.That(missing.GetProperty("direction").GetString(), Is.EqualTo("y"));
    }

    [Test]
    public void JsonReportOfAFailureNamesTheWorstElement()
    {
        string id = QuestionCase("f64", "integer");
        string file = CandidateFile(id, "dx");
        var dx = Npy.Read<double>(file, DType.Float64, XShape);
        dx[61] -= 2; // [0, 2, 2, 1]
        Npy.Write(file, XShape, dx);
        string json = TempPath("report.json");
        var r = Verify("--json", json);
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var failed = doc.RootElement.GetProperty("rows").EnumerateArray().Single(e => e.GetProperty("outcome").GetString() == "FAIL");
        Assert.That(failed.GetProperty("case").GetString(), Is.EqualTo(id));
        Assert.That(failed.GetProperty("direction").GetString(), Is.EqualTo("dx"));
        var worst = failed.GetProperty("worst");
        Assert.That(worst.GetProperty("index").GetInt32(), Is.EqualTo(61));
        Assert.That(worst.GetProperty("position").EnumerateArray().Select(v => v.GetInt32()), Is.EqualTo(new[] { 0, 2, 2, 1 }));
        Assert.That(worst.GetProperty("actual").GetDouble(), Is.EqualTo(worst.GetProperty("expected").GetDouble() - 2));
    }

    [Test]
    public void AMisspeltCaseFolderIsNamedAndStrictMakesItBadInput()
    {
        string id = QuestionCase("f32", "normal");
        string misspelt = Path.Combine(Candidate, id.Replace("question", "questoin", StringComparison.Ordinal));
        Directory.Move(Path.Combine(Candidate, id), misspelt);
        File.WriteAllText(Path.Combine(Candidate, QuestionCase("f64", "normal"), "y.txt"), "not a result");

        var any = Verify("--require", "any");
        Assert.That(any.Code, Is.EqualTo(0), any.ToString());
        Assert.That(any.Out, Does.Contain("warning:").And.Contain(misspelt).And.Contain("matches no case of the pack"));
        Assert.That(any.Out, Does.Contain("y.txt: not a result file"));

        var strict = Verify("--require", "any", "--strict");
        Assert.That(strict.Code, Is.EqualTo(2), strict.ToString());
        Assert.That(strict.Out, Does.Contain("--strict"));

        var all = Verify();
        Assert.That(all.Code, Is.EqualTo(1), all.ToString());
        Assert.That(all.Out, Does.Contain("--require all: 4 directions not provided").And.Contain(id));
    }

    [Test]
    public void ACaseFolderInOtherLettersIsAnErrorOfEachOfItsDirections()
    {
        // The probe: only a warning ("did you mean …?"), so on Linux the case was not provided and --require any passed,
        // while macOS and Windows read the folder as the case's and compared it.
        string id = QuestionCase("f64", "integer");
        string slip = Path.Combine(Candidate, id.ToUpperInvariant());
        Directory.Move(Path.Combine(Candidate, id), slip);
        string json = TempPath("report.json");
        var r = Verify("--require", "any", "--json", json);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(Warnings(r), Is.Empty, r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var errors = doc.RootElement.GetProperty("rows").EnumerateArray().Where(e => e.GetProperty("outcome").GetString() == "ERROR").ToList();
        Assert.That(errors.Select(e => e.GetProperty("direction").GetString()), Is.EquivalentTo(new[] { "y", "dx", "dw", "db" }));
        Assert.That(errors.Select(e => e.GetProperty("reason").GetString()), Is.All.EqualTo(
            $"{slip}: differs from the case folder {id} only in letter case; a file system that ignores letter case would read it as {id} and one that does not would never read it; rename it {id} or remove it"));

        // Its case not run: never read, on any system, and said so.
        var skipped = Verify("--max-macs", "3887");
        Assert.That(skipped.Code, Is.EqualTo(0), skipped.ToString());
        Assert.That(Warnings(skipped), Is.EqualTo(new[]
        {
            $"warning: {slip}: differs from the case folder {id} only in letter case, as which only a file system that ignores letter case reads it; its case is not run, so it is not read; rename it {id}",
        }), skipped.ToString());
    }

    private static List<string> Warnings(CliResult r) => [.. r.Out.Split('\n').Where(l => l.StartsWith("warning: ", StringComparison.Ordinal))];

    [Test]
    public void EveryStrayEntryIsNamedOnceInOrdinalOrder()
    {
        // Ordinal: "aa-extra" < the case folders ("mb1…") < "notes.txt" < "zz-extra", and "a.txt" < the results < "z.txt".
        string kept = QuestionCase("f32", "integer");
        Directory.Move(Path.Combine(Candidate, QuestionCase("f32", "normal")), Path.Combine(Candidate, "zz-extra"));
        Directory.Move(Path.Combine(Candidate, QuestionCase("f64", "normal")), Path.Combine(Candidate, "aa-extra"));
        // Inside a folder that matches no case nothing more is said: the folder is the mistake.
        File.WriteAllText(Path.Combine(Candidate, "aa-extra", "y.txt"), "");
        File.WriteAllText(Path.Combine(Candidate, "notes.txt"), "");
        File.WriteAllText(Path.Combine(Candidate, kept, "z.txt"), "");
        File.WriteAllText(Path.Combine(Candidate, kept, "a.txt"), "");

        var r = Verify("--require", "any");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Warnings(r), Is.EqualTo(new[]
        {
            $"warning: {Path.Combine(Candidate, "aa-extra")}: candidate folder matches no case of the pack",
            $"warning: {Path.Combine(Candidate, kept, "a.txt")}: not a result file (expected y.npy, dx.npy, dw.npy or db.npy)",
            $"warning: {Path.Combine(Candidate, kept, "z.txt")}: not a result file (expected y.npy, dx.npy, dw.npy or db.npy)",
            $"warning: {Path.Combine(Candidate, "notes.txt")}: a file where case folders are expected; it matches no case of the pack",
            $"warning: {Path.Combine(Candidate, "zz-extra")}: candidate folder matches no case of the pack",
        }), r.ToString());
    }

    [Test]
    public void AJsonPathThatIsAFolderIsRefusedBeforeTheCandidateIsChecked()
    {
        string folder = TempPath("out");
        Directory.CreateDirectory(folder);
        var r = Verify("--json", folder);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Is.EqualTo($"convverify: --json: cannot write {folder}: it is a folder\n"));
        Assert.That(r.Out, Is.Empty, "no run, so no report printed");
    }

    [Test]
    public void StrayNamesWithControlCharactersAreShownEscapedAndTheJUnitFileIsWritten()
    {
        // The probe: a folder named "stray\nverify-impl: …" printed a line of its own, an escape sequence reached the
        // terminal, and a control character in a warning made --junit fail after the run (exit 2, no report).
        string forged = Path.Combine(Candidate, "stray\nverify-impl: 12 cases, 48 directions: 48 passed");
        Directory.CreateDirectory(forged);
        string id = QuestionCase("f32", "integer");
        File.WriteAllText(Path.Combine(Candidate, id, "\u001b[2J\u0001.npy"), "");
        string junit = TempPath("junit.xml");

        var r = Verify("--require", "any", "--junit", junit);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        string[] expected =
        [
            $"warning: {Path.Combine(Candidate, id)}{Path.DirectorySeparatorChar}\\u001b[2J\\u0001.npy: not a result file (expected y.npy, dx.npy, dw.npy or db.npy)",
            $"warning: {Candidate}{Path.DirectorySeparatorChar}stray\\u000averify-impl: 12 cases, 48 directions: 48 passed: candidate folder matches no case of the pack",
        ];
        Assert.That(Warnings(r), Is.EqualTo(expected), r.ToString());
        // IndexOfAny, ordinal: a culture-aware Contains finds an ignorable control character everywhere.
        Assert.That(r.Out.IndexOfAny(['\u001b', '\u0001']), Is.EqualTo(-1), r.ToString());
        Assert.That(r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3), "two warnings and the summary, no forged line");
        var properties = System.Xml.Linq.XDocument.Load(junit).Descendants("property").Where(p => (string?)p.Attribute("name") == "warning");
        Assert.That(properties.Select(p => "warning: " + (string?)p.Attribute("value")), Is.EqualTo(expected));
    }

    [Test]
    public void ADbOfACaseWithoutBiasAndAFileNamedAsACaseAreNamedForWhatTheyAre()
    {
        // The probes: a db.npy beside a no-bias case's results was ignored without a word, and a file named as a case
        // was said to match no case of the pack. The committed pack is only read.
        string pack = Fixtures.CommittedPacks.Dir("basic");
        const string noBias = "g2mb1ic4ih5oc4oh5kh3ph1n_nobias_group2___nobias__f32_integer", other = "g2mb1ic4ih5oc4oh5kh3ph1n_nobias_group2___nobias__f64_integer";
        string candidate = TempPath("basic-candidate");
        Directory.CreateDirectory(Path.Combine(candidate, noBias));
        foreach (string t in new[] { "y", "dx", "dw" }) File.Copy(Path.Combine(pack, noBias, t + ".npy"), Path.Combine(candidate, noBias, t + ".npy"));
        File.Copy(Path.Combine(pack, noBias, "y.npy"), Path.Combine(candidate, noBias, "db.npy"));
        // Read as db.npy where names ignore case, and not read there either: the warning says both.
        File.Copy(Path.Combine(pack, noBias, "y.npy"), Path.Combine(candidate, noBias, "DB.NPY"));
        File.WriteAllText(Path.Combine(candidate, other), "");

        var r = Run("verify-impl", "--pack", pack, "--candidate", candidate, "--require", "any");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Warnings(r), Is.EqualTo(new[]
        {
            $"warning: {Path.Combine(candidate, noBias, "DB.NPY")}: differs from the result file db.npy only in letter case, and the case has no bias, so it has no db to compare; the file is not read",
            $"warning: {Path.Combine(candidate, noBias, "db.npy")}: the case has no bias, so it has no db to compare; the file is not read",
            $"warning: {Path.Combine(candidate, other)}: a file where the case's folder is expected; no result of the case is read from it",
        }), r.ToString());
        Assert.That(r.Out, Does.Contain("3 passed, 0 failed"), "the case's y, dx and dw are compared");
    }

    [Test]
    public void AResultNamedInOtherLettersIsAnErrorOfItsDirectionOnEverySystem()
    {
        // The probe: Y.NPY got only "not a result file", so on Linux y was not provided and --require any passed, while
        // macOS and Windows read it as y.npy and compared it. An error row names it wherever the run happens.
        string id = QuestionCase("f32", "integer"), both = QuestionCase("f64", "normal");
        string upper = Path.Combine(Candidate, id, "Y.NPY"), mixed = Path.Combine(Candidate, id, "DX.npy");
        File.Move(CandidateFile(id, "y"), upper);
        File.Move(CandidateFile(id, "dx"), mixed);
        // Beside the result itself too: where names ignore case the two are one file, so which was meant is unknown.
        string beside = Path.Combine(Candidate, both, "dW.npy");
        File.Copy(CandidateFile(both, "dw"), beside);
        string json = TempPath("report.json");

        var r = Verify("--require", "any", "--json", json);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(Warnings(r), Is.Empty, "said once, as the rows' errors, not again as a stray file");
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var errors = doc.RootElement.GetProperty("rows").EnumerateArray().Where(e => e.GetProperty("outcome").GetString() == "ERROR")
            .Select(e => $"{e.GetProperty("case").GetString()} {e.GetProperty("direction").GetString()}: {e.GetProperty("reason").GetString()}");
        const string Elsewhere = "a file system that ignores letter case would read it as {0} and one that does not would never read it; rename it {0} or remove it";
        Assert.That(errors, Is.EquivalentTo(new[]
        {
            $"{id} y: {upper}: differs from the result file y.npy only in letter case; {string.Format(System.Globalization.CultureInfo.InvariantCulture, Elsewhere, "y.npy")}",
            $"{id} dx: {mixed}: differs from the result file dx.npy only in letter case; {string.Format(System.Globalization.CultureInfo.InvariantCulture, Elsewhere, "dx.npy")}",
            $"{both} dw: {beside}: differs from the result file dw.npy only in letter case; {string.Format(System.Globalization.CultureInfo.InvariantCulture, Elsewhere, "dw.npy")}",
        }));
        Assert.That(r.Out, Does.Contain("45 passed, 0 failed"), "every other direction of the three cases is compared");
    }

    [Test]
    public void AResultInOtherLettersThatTheRunDoesNotReadIsAWarningSayingSo()
    {
        // Its case left out by --max-macs (a db of a case without bias: ADbOfACaseWithoutBias…): never read, on any
        // system, so a warning (an error under --strict) that says what it would be read as, rather than "not a result file".
        string id = QuestionCase("f32", "integer");
        string upper = Path.Combine(Candidate, id, "Y.NPY");
        File.Move(CandidateFile(id, "y"), upper);
        var skipped = Verify("--max-macs", "3887");
        Assert.That(Warnings(skipped), Is.EqualTo(new[]
        {
            $"warning: {upper}: differs from the result file y.npy only in letter case, as which only a file system that ignores letter case reads it; its case is not run, so it is not read; rename it y.npy",
        }), skipped.ToString());
        Assert.That(skipped.Code, Is.EqualTo(0), skipped.ToString());
        Assert.That(Verify("--max-macs", "3887", "--strict").Code, Is.EqualTo(2));
    }

    [Test]
    public void ShardsSplitTheCasesAndTogetherCoverThemAll()
    {
        var counts = Enumerable.Range(1, 3).Select(i => Verify("--shard", $"{i}/3")).ToList();
        Assert.That(counts.Select(r => r.Code), Is.All.Zero);
        int total = counts.Sum(r => int.Parse(System.Text.RegularExpressions.Regex.Match(r.Out, @"(\d+) cases?,").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(total, Is.EqualTo(12));
        var bad = Verify("--shard", "0/3");
        Assert.That(bad.Code, Is.EqualTo(2), bad.ToString());
        Assert.That(bad.Err, Does.Contain("1 <= i <= n").And.Contain("'0/3'"));
    }

    [Test]
    public void AnErrorBetweenTheTwoBoundsIsSuspiciousAndSoundToleranceAcceptsIt()
    {
        string id = QuestionCase("f32", "normal");
        var read = FixturePack.Open(Pack).Read<float>(id);
        var p = read.Case.Problem;
        float[] y = read.Expected[Direction.Forward];
        double[] sound = TensorComparison.Bounds(p, Direction.Forward, read.Inputs);
        double[] probable = TensorComparison.ProbabilisticBounds<float>(p, Direction.Forward, read.Inputs, y);
        // The element whose two bounds are furthest apart, moved to their geometric middle: beyond the one, within the other.
        int e = Enumerable.Range(0, y.Length).MaxBy(i => sound[i] / probable[i]);
        Assert.That(sound[e] / probable[e], Is.GreaterThan(4), "the question case's bounds leave room between them");
        var moved = (float[])y.Clone();
        moved[e] = (float)(y[e] + Math.Sqrt(sound[e] * probable[e]));
        Npy.Write(CandidateFile(id, "y"), p.YShape, moved);

        var strict = Verify();
        Assert.That(strict.Code, Is.EqualTo(1), strict.ToString());
        Assert.That(strict.Out, Does.Contain("suspicious").And.Contain("beyond the probabilistic bound (lambda = 8), within the sound bound"));
        var sound2 = Verify("--tolerance", "sound");
        Assert.That(sound2.Code, Is.EqualTo(0), sound2.ToString());
        Assert.That(Verify("--tolerance", "loose").Err, Does.Contain("--tolerance: expected probabilistic or sound, got 'loose'"));
    }
}
