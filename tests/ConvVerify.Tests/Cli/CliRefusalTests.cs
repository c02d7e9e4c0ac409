using ConvVerify.Catalog;
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
            "convverify: Required command was not provided.",
            "convverify: Unrecognized command or argument '--bogus'.",
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
    public void AnUnknownSetOfCommittedPacksNamesTheKnownOnes()
    {
        var r = Run("check", "--set", "nosuchset");
        IsBadUsage(r, "--set: unknown case set 'nosuchset' (known: ");
        foreach (string set in CaseSets.All) Assert.That(r.Err, Does.Contain(set));
    }

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
    }

    [Test]
    public void AJsonOrJUnitPathThatIsAFolderOrInAMissingFolderIsRefused()
    {
        string folder = TempPath("out");
        Directory.CreateDirectory(folder);
        IsBadUsage(Run("check", "--set", "question", "--json", folder), $"--json: cannot write {folder}: it is a folder");
        string lost = Path.Combine(Temp, "nowhere", "r.xml");
        IsBadUsage(Run("check", "--set", "question", "--junit", lost), $"--junit: cannot write {lost}: folder {Path.Combine(Temp, "nowhere")} does not exist");
    }

    [Test]
    public void AReportFolderThatIsAFileOrInAMissingFolderIsRefused()
    {
        string file = TempPath("index");
        File.WriteAllText(file, "");
        IsBadUsage(Run("check", "--set", "question", "--report", file), $"--report: {file} is a file; give a folder for index.html and its pictures");
        string lost = Path.Combine(Temp, "nowhere", "report");
        IsBadUsage(Run("check", "--set", "question", "--report", lost), $"--report: cannot write {lost}: folder {Path.Combine(Temp, "nowhere")} does not exist");
        Assert.That(Directory.Exists(Path.Combine(Temp, "nowhere")), Is.False);
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
    public void APackThatFailsItsIntegrityCheckIsNoOracleForVerifyImpl()
    {
        string pack = CopyCommittedPack("question");
        string id = QuestionCase("f32", "integer");
        string y = Path.Combine(pack, id, "y.npy");
        var bytes = File.ReadAllBytes(y);
        bytes[^1] ^= 1;
        File.WriteAllBytes(y, bytes);
        string candidate = TempPath("candidate");
        Directory.CreateDirectory(candidate);
        var r = Run("verify-impl", "--pack", pack, "--candidate", candidate);
        IsBadUsage(r, "the pack failed its integrity check, so it cannot serve as an oracle:\n  ");
        Assert.That(r.Err, Does.Contain(y));
    }
}
