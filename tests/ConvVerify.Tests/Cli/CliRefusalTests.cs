using ConvVerify.Oracles;
using ConvVerify.Tests.Fixtures;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// Bad command lines the other command tests do not reach: each is exit 2 with one line naming the option and the value,
/// before any work (no file written, no case run).
/// </summary>
public class CliRefusalTests : CliTestBase
{
    private static void IsBadUsage(CliResult r, string message)
    {
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.StartWith("convverify: " + message), r.ToString());
        Assert.That(r.Out, Is.Empty, "refused before any work");
    }

    [Test]
    public void AnUnknownOptionIsNamedWithWhereToFindUsage()
    {
        // Every parse error on its own line, then one pointer to the usage.
        var r = Run("--bogus");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Out, Is.Empty);
        Assert.That(r.Err.TrimEnd('\n').Split('\n'), Is.EqualTo(new[]
        {
            "convverify: unknown option '--bogus'",
            "Run 'convverify --help' for usage.",
        }));
    }

    [Test]
    public void NullArgumentsAreRefusedByName() =>
        Assert.That(() => ConvVerify.Cli.Cli.Run(null!, TextWriter.Null, TextWriter.Null),
            Throws.ArgumentNullException.With.Property(nameof(ArgumentNullException.ParamName)).EqualTo("args"));

    [Test]
    public void APackNeedsTheFixturesOracle() =>
        IsBadUsage(Run("check", "--oracle", "exact", "--pack", CommittedPacks.Dir("question")), "--pack goes with --oracle fixtures");

    [Test]
    public void AnUnknownSetOfCommittedPacksNamesTheKnownOnes() =>
        IsBadUsage(Run("check", "--set", "nosuchset"), "--set: unknown case set 'nosuchset' (known: question, basic, pytorch, resnet50, resnet50_mb16)\n");

    // Each of these would otherwise be ignored by a check against packs, which hold fixed problems computed in one layout.
    [TestCase("--layout", "channels-last", "--layout channels-last goes with a live oracle that computes in it, as torch does: a pack holds results, not the layout they were computed in")]
    [TestCase("--random", "3", "--random goes with a live oracle: packs hold only the cases they were made with; add --oracle torch, --oracle ort or another live oracle")]
    [TestCase("--random-index", "3", "--random-index goes with a live oracle: packs hold only the cases they were made with; add --oracle torch, --oracle ort or another live oracle")]
    [TestCase("--mb", "2", "--mb goes with a live oracle: a pack holds the problems it was made with")]
    [TestCase("--max-macs", "10", "--max-macs goes with a live oracle or --pack: the committed packs hold small problems only")]
    public void ALiveOraclesOptionIsRefusedAgainstPacks(string option, string value, string message) =>
        IsBadUsage(Run("check", option, value), message + "\n");

    // The outputs are checked after these: that check asks where the committed packs are, which outside a clone is
    // nowhere, and the probe's `cd /tmp && convverify check --random-index 3` was told to pass a pack folder, then, given
    // one, that --random-index goes with a live oracle. An output the committed packs would refuse stands for that here.
    [TestCase("--random", "3")]
    [TestCase("--random-index", "3")]
    [TestCase("--mb", "2")]
    public void ALiveOraclesOptionIsRefusedBeforeTheOutputsAreChecked(string option, string value)
    {
        string inside = Path.Combine(ConvVerify.Locations.CommittedPack("question"), "report.json");
        IsBadUsage(Run("check", option, value, "--json", inside), $"{option} goes with a live oracle");
        Assert.That(File.Exists(inside), Is.False);
    }

    // soak's count of problems is --cases: the message names that, not the --random the selection knows it as; 0 is no
    // count at all, refused as the option is read, and more than the run draws at once by the run, with its advice.
    [TestCase("0", "--cases: expected a whole number from 1 to 2147483647, got '0'\nRun 'convverify soak --help' for usage.\n")]
    [TestCase("100001", "--cases: at most 100000 problems at once (they are drawn and kept before the run), got 100001; run more seeds instead\n")]
    public void SoaksCountIsNamedAsItsOption(string cases, string message) => IsBadUsage(Run("soak", "--cases", cases), message);

    // An engine against itself can only agree: said as a warning (an error under --strict), never passed quietly.
    [Test]
    public void AnEngineCheckedAgainstItselfIsWarnedAbout()
    {
        var r = Run("check", "--oracle", "exact", "mb1ic1ih3oc1kh3", "--dtype", "f32", "--fill", "integer");
        Assert.That((r.Code, r.All.Contains("--oracle exact: the engine checked is exact itself, which can only agree with it", StringComparison.Ordinal)), Is.EqualTo((0, true)), r.ToString());
        r = Run("check", "--oracle", "naive", "--engine", "naive", "mb1ic1ih3oc1kh3", "--dtype", "f32", "--fill", "integer", "--strict");
        Assert.That((r.Code, r.All.Contains("the engine checked is naive itself", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        r = Run("soak", "--oracle", "exact", "--cases", "1", "--dtype", "f32", "--fill", "integer", "--strict");
        Assert.That((r.Code, r.All.Contains("soak checks the exact engine, which can only agree with itself", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        // The registry trims names: " exact" is the exact engine too.
        r = Run("check", "--oracle", "naive, exact", "mb1ic1ih3oc1kh3", "--dtype", "f32", "--fill", "integer", "--strict");
        Assert.That((r.Code, r.All.Contains("--oracle naive, exact: the engine checked is exact itself", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        r = Run("check", "--oracle", "naive", "mb1ic1ih3oc1kh3", "--dtype", "f32", "--fill", "integer", "--strict");
        Assert.That(r.Code, Is.Zero, "exact against naive is the point: " + r);
    }

    [Test]
    public void ChannelsLastAskedOfOraclesWithoutLayoutsIsWarnedAbout()
    {
        // The rows say channels-last, but naive computes in NCHW: said, and an error under --strict (a probe found the
        // run passing quietly).
        string batch = Path.Combine(Path.GetTempPath(), "convverify-cl-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(batch, "--stag=axb\nmb2ic3ih5oc4kh3\n");
        try
        {
            var r = Run("check", "--oracle", "naive", "--batch", batch, "--dtype", "f32", "--fill", "integer");
            Assert.That((r.Code, r.All.Contains("1 problem asks for channels-last (--stag=axb), but naive computes in NCHW only", StringComparison.Ordinal)), Is.EqualTo((0, true)), r.ToString());
            r = Run("check", "--oracle", "naive", "--batch", batch, "--dtype", "f32", "--fill", "integer", "--strict");
            Assert.That(r.Code, Is.EqualTo(2), r.ToString());
            // A layout oracle by type over an NCHW-only one declares NCHW only: warned about as well.
            r = Run("check", "--oracle", CliFakeOracles.RoundedNchwOnly, "--batch", batch, "--dtype", "f32", "--fill", "integer");
            Assert.That((r.Code, r.All.Contains($"1 problem asks for channels-last (--stag=axb), but {CliFakeOracles.RoundedNchwOnly}-rounded computes in NCHW only", StringComparison.Ordinal)),
                Is.EqualTo((0, true)), r.ToString());
        }
        finally
        {
            File.Delete(batch);
        }
    }

    [TestCase("--json")]
    [TestCase("--junit")]
    [TestCase("--report")]
    public void AnEmptyOutputPathIsNamedByItsOption(string option) =>
        IsBadUsage(Run("check", "--set", "question", option, ""), $"{option}: the path is empty\n");

    // An unset variable in a CI script (--batch "$LIST") is named, in every command that reads a batch.
    [TestCase("check", "")]
    [TestCase("check", " ")]
    [TestCase("cases", "")]
    [TestCase("fixtures generate", "")]
    public void AnEmptyBatchPathIsNamedByItsOption(string command, string batch)
    {
        string[] args = [.. command.Split(' '), "--batch", batch];
        if (command == "fixtures generate") args = [.. args, "--out", TempPath("never-written")];
        // Blanks are a name, not nothing: said as what they are, with the way to mean them.
        IsBadUsage(Run(args), batch.Length == 0 ? "--batch: the path is empty\n" : "--batch: the path is only blanks (' '); for a file of that name give it as './ '\n");
    }

    // The probe: "snapshots accept --dir ''" gave .NET's "The value cannot be an empty string or composed entirely of
    // whitespace.", naming no option; "fixtures generate --out '  '" called a path of two blanks empty.
    [TestCase("snapshots accept", "--dir", "", "--dir: the path is empty")]
    [TestCase("snapshots accept", "--dir", " ", "--dir: the path is only blanks (' '); for a file or folder of that name give it as './ '")]
    [TestCase("fixtures generate", "--out", "  ", "--out: the path is only blanks ('  '); for a file or folder of that name give it as './  '")]
    public void ABlankFolderPathIsNamedByItsOption(string command, string option, string path, string message)
    {
        string[] args = [.. command.Split(' '), option, path];
        if (command == "fixtures generate") args = [.. args, "--set", "question", "--oracle", "exact"];
        IsBadUsage(Run(args), message + "\n");
    }

    // Checked before the oracle is known: a misspelt layout is named even where torch is not installed.
    [Test]
    public void ALayoutOtherThanNchwOrChannelsLastIsNamed() =>
        IsBadUsage(Run("check", "--layout", "diagonal"), "--layout: expected nchw or channels-last, got 'diagonal'\n");

    // Refused as the line is parsed, by the rule of every comma-separated option (CommaListTests), before any oracle starts.
    [TestCase(",exact", "--oracle: empty name (item 1 of 2) in ',exact'\nRun 'convverify check --help' for usage.")]
    [TestCase("exact,exact", "--oracle: 'exact' named twice in 'exact,exact'\nRun 'convverify check --help' for usage.")]
    [TestCase("fixtures,naive", "--oracle: 'fixtures' (the packs) goes alone, not in a list of live oracles: 'fixtures,naive'")]
    [TestCase("torch, fixtures", "--oracle: 'fixtures' (the packs) goes alone, not in a list of live oracles: 'torch, fixtures'")]
    public void AListOfOraclesThatNamesNoneOrOneTwiceIsRefused(string oracles, string message) =>
        IsBadUsage(Run("check", "--oracle", oracles), message + "\n");

    [Test]
    public void AnUnknownOracleIsNamedWithTheKnownOnesAndThePacks()
    {
        // The known list also holds the fakes other tests of this process register, so only its ends are pinned here.
        var r = Run("check", "--oracle", "bogus");
        IsBadUsage(r, "--oracle: unknown oracle 'bogus' (known: ");
        Assert.That(r.Err, Does.EndWith("); or fixtures for the packs\n"));
    }

    // Torch's absence is the real case, but whether torch is there depends on the machine; this oracle never is.
    private const string Unplugged = "unplugged", UnpluggedWhy = "unplugged: its accelerator is not attached";

    static CliRefusalTests()
    {
        OracleRegistry.Register(Unplugged, "a test's fake", _ => throw new OracleUnavailableException(UnpluggedWhy));
        CliFakeOracles.Register();
    }

    [Test]
    public void AnOracleThatCannotRunHereSaysWhy() =>
        IsBadUsage(Run("check", "--oracle", Unplugged, "mb1ic3ih5oc16kh3"), $"--oracle {UnpluggedWhy}\n");

    [Test]
    public void GenerateWithoutCasesSaysHowToChooseThem() =>
        IsBadUsage(Run("fixtures", "generate", "--oracle", "exact", "--out", TempPath("pack")), "choose the cases with --set, --batch, --random or descriptors");

    [Test]
    public void RequireTakesAllOrAny() =>
        IsBadUsage(Run("check", "--set", "question", "--require", "some"), "--require: expected all or any, got 'some'");

    [TestCase("3/2")]
    [TestCase("0/2")]
    [TestCase("half")]
    public void AShardOutOfRangeOrUnreadableIsNamed(string shard)
    {
        var r = Run("check", "--set", "question", "--shard", shard);
        IsBadUsage(r, "--shard: ");
        Assert.That(r.Err, Does.Contain(shard));
        Assert.That(r.Err, Does.Not.Contain("--shard: shard:"), "the option is named once");
        Assert.That(r.Err, Does.Not.Contain("(Parameter"), ".NET's parameter name is not the user's");
    }

    [Test]
    public void AJsonOrJUnitPathThatIsAFolderOrInAMissingFolderIsRefused()
    {
        string folder = TempPath("out");
        Directory.CreateDirectory(folder);
        IsBadUsage(Run("check", "--set", "question", "--json", folder), $"--json: cannot write {folder}: it is a folder");
        string lost = Path.Combine(Temp, "nowhere", "r.xml");
        IsBadUsage(Run("check", "--set", "question", "--junit", lost), $"--junit: cannot write {lost}: folder {Path.Combine(Temp, "nowhere")} does not exist");
        // The probe: a regular file where the folder goes (or above it) was "folder ... does not exist" too.
        string file = TempPath("afile");
        File.WriteAllText(file, "");
        IsBadUsage(Run("check", "--set", "question", "--json", Path.Combine(file, "r.json")),
            $"--json: cannot write {Path.Combine(file, "r.json")}: {file} is a regular file, not a folder");
        string below = Path.Combine(file, "sub", "r.xml");
        IsBadUsage(Run("check", "--set", "question", "--junit", below),
            $"--junit: cannot write {below}: folder {Path.Combine(file, "sub")} does not exist ({file} is a regular file, not a folder)");
        IsBadUsage(Run("explain", "mb1ic1ih4oc1kh3", "--png", Path.Combine(file, "x.png")),
            $"--png: cannot write {Path.Combine(file, "x.png")}: {file} is a regular file, not a folder");
    }

    /// <summary>/proc takes no new file, even from root (whom permission bits would not stop): refused before the run, naming the option.</summary>
    [TestCase("check", "--set", "question", "--json")]
    [TestCase("check", "--set", "question", "--junit")]
    [TestCase("explain", "--png")]
    public void AnOutputFileThatCannotBeCreatedIsRefusedBeforeTheRun(params string[] args)
    {
        Assume.That(Directory.Exists("/proc/self"), "a Linux /proc");
        string file = "/proc/convverify-" + Guid.NewGuid().ToString("N") + ".out";
        var r = Run([.. args, file]);
        IsBadUsage(r, $"{args[^1]}: cannot write {file}: ");
        Assert.That(r.Out, Does.Not.Contain("passed").And.Not.Contain("dL/dx"), "nothing ran");
    }

    /// <summary>
    /// A named pipe given as --json gets the report once, at the end: opened early to see whether it can be written, its
    /// reader would take that empty open and close for the whole report, and the real write would then wait forever.
    /// </summary>
    [TestCase("--json", "convverify-report/1")]
    [TestCase("--junit", "<testsuites")]
    public void ANamedPipeGetsTheWholeReportAndIsNotOpenedBeforeTheRun(string option, string content)
    {
        string fifo = TempPath("report.fifo");
        NamedPipes.Make(fifo);
        var reader = Task.Run(() => File.ReadAllText(fifo)); // waits for a writer to open the pipe
        var run = Task.Run(() => Run("check", "--set", "question", option, fifo));
        bool finished = run.Wait(TimeSpan.FromSeconds(30)), read = false;
        try
        {
            Assert.That(finished, Is.True, "the check waited on the pipe");
            Assert.That(run.Result.Code, Is.Zero, run.Result.ToString());
            read = reader.Wait(TimeSpan.FromSeconds(30));
            Assert.That(read, Is.True, "the report reached the reader");
            Assert.That(reader.Result, Does.Contain(content));
        }
        finally
        {
            // Whoever still waits for the other end (a writer for a reader, a reader for a writer) is let go.
            if (!finished) using (File.OpenRead(fifo)) { }
            if (!read && !reader.IsCompleted) using (File.OpenWrite(fifo)) { }
        }
    }

    [TestCase("check", "--set", "question")]
    [TestCase("report", "merge", "shard.json")]
    public void OneFileForBothJsonAndJUnitIsRefused(params string[] args)
    {
        string file = TempPath("both.out");
        IsBadUsage(Run([.. args, "--json", file, "--junit", Path.Combine(Temp, ".", "both.out")]), $"--junit: {Path.Combine(Temp, ".", "both.out")} is also the --json file; give each its own");
        Assert.That(File.Exists(file), Is.False);
    }

    [Test]
    public void AReadOnlyOutputFileIsRefusedBeforeTheRunAndKept()
    {
        string file = TempPath("kept.xml");
        File.WriteAllText(file, "old");
        File.SetAttributes(file, FileAttributes.ReadOnly);
        var r = Run("check", "--set", "question", "--junit", file);
        IsBadUsage(r, $"--junit: cannot write {file}: it is read-only");
        Assert.That(r.Out, Does.Not.Contain("passed"), "nothing ran");
        File.SetAttributes(file, FileAttributes.Normal);
        Assert.That(File.ReadAllText(file), Is.EqualTo("old"));
    }

    [Test]
    public void AnOutputFileThatIsThereIsLeftAsItWasByTheProbeAndOneThatIsNotIsNotLeftBehind()
    {
        string kept = TempPath("kept.json"), fresh = TempPath("fresh.xml");
        File.WriteAllText(kept, "old");
        var stamp = File.GetLastWriteTimeUtc(kept);
        Assert.That(Run("report", "merge", TempPath("missing.json"), "--json", kept, "--junit", fresh).Code, Is.EqualTo(2));
        Assert.That((File.ReadAllText(kept), File.GetLastWriteTimeUtc(kept)), Is.EqualTo(("old", stamp)));
        Assert.That(File.Exists(fresh), Is.False);
    }

    [Test]
    public void AReportFolderThatIsAFileOrInAMissingFolderIsRefused()
    {
        string file = TempPath("index");
        File.WriteAllText(file, "");
        IsBadUsage(Run("check", "--set", "question", "--report", file), $"--report: {file} is a regular file; give a folder for index.html and its pictures");
        string lost = Path.Combine(Temp, "nowhere", "report");
        IsBadUsage(Run("check", "--set", "question", "--report", lost), $"--report: cannot write {lost}: folder {Path.Combine(Temp, "nowhere")} does not exist");
        Assert.That(Directory.Exists(Path.Combine(Temp, "nowhere")), Is.False);
        IsBadUsage(Run("check", "--set", "question", "--report", Path.Combine(file, "report")),
            $"--report: cannot write {Path.Combine(file, "report")}: {file} is a regular file, not a folder");
    }

    [Test]
    public void MergingAReportThatDoesNotExistNamesIt()
    {
        string missing = TempPath("shard-1.json");
        IsBadUsage(Run("report", "merge", missing), $"{missing}: report not found");
    }

    [Test]
    public void SnapshotsAcceptOfAFolderThatDoesNotExistNamesIt()
    {
        string missing = TempPath("snapshots");
        IsBadUsage(Run("snapshots", "accept", "--dir", missing), $"--dir: folder not found: {missing}");
    }

    [Test]
    public void VerifyImplWithoutItsCandidateFolderNamesIt()
    {
        string missing = TempPath("candidate");
        IsBadUsage(Run("verify-impl", "--pack", CommittedPacks.Dir("question"), "--candidate", missing), $"--candidate: folder not found: {missing}");
    }

    [Test]
    public void AMistypedOptionAmongACommandsValuesIsAnUnknownOption()
    {
        // Taken as one more value, it said "give only one of --set, --batch, --random and descriptors", or looked for a
        // report named --frob.
        IsBadUsage(Run("check", "--orcale", "torch", "--set", "basic"), "unknown option '--orcale'");
        IsBadUsage(Run("report", "merge", TempPath("a.json"), "--frob"), "unknown option '--frob'");
        IsBadUsage(Run("fixtures", "import-onnx", Temp, "--out", TempPath("pack"), "--frc"), "unknown option '--frc'");
        IsBadUsage(Run("cases", "-x"), "unknown option '-x'");
        var r = Run("check", "--orcale", "torch", "--set", "basic");
        Assert.That(r.Err, Does.Contain("Run 'convverify check --help' for usage."));
    }

    [Test]
    public void AFileWhereAFolderIsExpectedIsSaidToBeAFileNotMissing()
    {
        // "folder not found" for a path that is there sent users looking for a typo.
        string file = TempPath("results.npy");
        File.WriteAllText(file, "not a folder");
        IsBadUsage(Run("verify-impl", "--pack", CommittedPacks.Dir("question"), "--candidate", file), $"--candidate: a regular file, not a folder: {file}");
        IsBadUsage(Run("snapshots", "accept", "--dir", file), $"--dir: a regular file, not a folder: {file}");
        IsBadUsage(Run("verify-impl", "--pack", file, "--candidate", Temp), $"{file}: a regular file, not a pack folder");
    }

    [Test]
    public void APackThatFailsItsIntegrityCheckIsNoOracleForVerifyImpl()
    {
        string pack = CopyCommittedPack("question");
        string id = QuestionCase("f32", "integer");
        string y = Path.Combine(pack, id, "y.npy");
        var bytes = File.ReadAllBytes(y);
        bytes[^1] ^= 1;
        File.WriteAllBytes(y, bytes);
        string dx = Path.Combine(pack, QuestionCase("f64", "normal"), "dx.npy");
        File.Delete(dx);
        string candidate = TempPath("candidate");
        Directory.CreateDirectory(candidate);
        var r = Run("verify-impl", "--pack", pack, "--candidate", candidate);
        IsBadUsage(r, "the pack failed its integrity check, so it cannot serve as an oracle:\n");
        // One file a line, in the manifest's order, which this test does not pin.
        var lines = r.Err.TrimEnd('\n').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(3), r.ToString());
        Assert.That(lines[1..], Is.EquivalentTo(new[]
        {
            $"  {y}: sha256 differs from the manifest (corrupt or changed)",
            $"  {dx}: listed in the manifest but missing",
        }), r.ToString());
    }
}
