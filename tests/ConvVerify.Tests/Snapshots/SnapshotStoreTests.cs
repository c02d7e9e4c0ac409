using ConvVerify.Snapshots;

namespace ConvVerify.Tests.Snapshots;

/// <summary>The store's Verify conventions: received files, explicit accept, readable diffs, line-end normalization.</summary>
public class SnapshotStoreTests
{
    private string dir = "";

    [SetUp]
    public void CreateScratch() => dir = Directory.CreateTempSubdirectory("convverify-store-").FullName;

    [TearDown]
    public void DeleteScratch() => Directory.Delete(dir, recursive: true);

    private static string Numbered(int n, Func<int, string>? f = null) =>
        string.Concat(Enumerable.Range(0, n).Select(i => (f ?? (j => $"v[{j}] = {j}"))(i) + "\n"));

    [Test]
    public void MissingSnapshotFailsAndWritesReceived()
    {
        var store = new SnapshotStore(dir);
        var r = store.Check("A.B_c", Numbered(30));
        Assert.Multiple(() =>
        {
            Assert.That(r.Outcome, Is.EqualTo(SnapshotOutcome.Missing));
            Assert.That(r.Passed, Is.False);
            Assert.That(r.ReceivedPath, Is.EqualTo(Path.Combine(dir, "A.B_c.received.txt")));
            Assert.That(File.ReadAllText(r.ReceivedPath!), Is.EqualTo(Numbered(30)));
            Assert.That(File.Exists(store.VerifiedPath("A.B_c")), Is.False, "nothing is accepted implicitly");
            Assert.That(r.Message, Does.Contain("no verified snapshot").And.Contain("v[19] = 19").And.Not.Contain("v[20] = 20")
                .And.Contain("and 10 more lines").And.Contain(SnapshotStore.AcceptEnvironmentVariable));
        });
    }

    [Test]
    public void AcceptTurnsReceivedIntoVerified()
    {
        var store = new SnapshotStore(dir);
        store.Check("A.B_one", "1\n");
        store.Check("A.B_two", "2\n");
        var written = store.AcceptAll();
        Assert.That(written, Is.EqualTo(new[] { store.VerifiedPath("A.B_one"), store.VerifiedPath("A.B_two") }));
        Assert.That(store.ReceivedNames(), Is.Empty);
        Assert.That(store.VerifiedNames(), Is.EqualTo(new[] { "A.B_one", "A.B_two" }));
        Assert.That(store.Check("A.B_one", "1\n").Outcome, Is.EqualTo(SnapshotOutcome.Matched));
        Assert.That(store.AcceptAll(), Is.Empty);
    }

    [Test]
    public void AcceptFlagWritesVerifiedAndSaysSo()
    {
        var store = new SnapshotStore(dir);
        var r = store.Check("A.B_c", "x\n", accept: true);
        Assert.That(r.Outcome, Is.EqualTo(SnapshotOutcome.Accepted));
        Assert.That(r.Message, Does.Contain(store.VerifiedPath("A.B_c")).And.Contain("new"));
        var changed = store.Check("A.B_c", "y\n", accept: true);
        Assert.That(changed.Message, Does.Contain("changed").And.Contain("- ").And.Contain("y"));
        Assert.That(File.ReadAllText(store.VerifiedPath("A.B_c")), Is.EqualTo("y\n"));
        Assert.That(store.ReceivedNames(), Is.Empty);
    }

    [Test]
    public void MatchDeletesStaleReceived()
    {
        var store = new SnapshotStore(dir);
        SnapshotStore.WriteText(store.VerifiedPath("A.B_c"), "1\n");
        Assert.That(store.Check("A.B_c", "2\n").Outcome, Is.EqualTo(SnapshotOutcome.Mismatched));
        Assert.That(store.ReceivedNames(), Is.EqualTo(new[] { "A.B_c" }));
        Assert.That(store.Check("A.B_c", "1\n").Outcome, Is.EqualTo(SnapshotOutcome.Matched));
        Assert.That(store.ReceivedNames(), Is.Empty);
    }

    [Test]
    public void CrLfVerifiedFileStillMatchesAndReceivedIsLfWithoutBom()
    {
        var store = new SnapshotStore(dir);
        File.WriteAllText(store.VerifiedPath("A.B_c"), "a\r\nb\r\n");
        Assert.That(store.Check("A.B_c", "a\nb\n").Outcome, Is.EqualTo(SnapshotOutcome.Matched));
        store.Check("A.B_c", "a\r\nc");
        byte[] bytes = File.ReadAllBytes(store.ReceivedPath("A.B_c"));
        Assert.That(bytes, Is.EqualTo("a\nc\n"u8.ToArray()));
    }

    [Test]
    public void DiffShowsTheFirst20DifferingLinesWithCounts()
    {
        var store = new SnapshotStore(dir);
        SnapshotStore.WriteText(store.VerifiedPath("A.B_c"), Numbered(100));
        var r = store.Check("A.B_c", Numbered(100, i => i is >= 40 and < 70 ? $"v[{i}] = {i}.5" : $"v[{i}] = {i}"));
        TestContext.Out.WriteLine(r.Message);
        Assert.Multiple(() =>
        {
            Assert.That(r.Outcome, Is.EqualTo(SnapshotOutcome.Mismatched));
            Assert.That(r.Message, Does.Contain("verified has 100 lines, received 100; 60 differing lines (30 only in verified '-', 30 only in received '+'), first 20:"));
            Assert.That(r.Message, Does.Contain("  -    41: v[40] = 40\n").And.Contain("  -    60: v[59] = 59\n").And.Not.Contain("v[60] = 60\n"));
            Assert.That(r.Message, Does.Contain("... and 40 more differing lines"));
            Assert.That(r.Message, Does.Not.Contain("v[39] = 39"), "equal lines are not shown");
        });
    }

    [Test]
    public void DiffAlignsInsertedLines()
    {
        var diff = SnapshotDiff.Compute("a\nb\nc\nd\n", "a\nb\nX\nc\nd\n");
        Assert.That(diff, Is.EqualTo(new[] { new DiffLine('+', 3, "X") }));
        Assert.That(SnapshotDiff.Describe("a\n", "a\r\n"), Is.Empty);
    }

    [Test]
    public void AuditFindsMissingAndOrphaned()
    {
        var store = new SnapshotStore(dir);
        SnapshotStore.WriteText(store.VerifiedPath("A.B_kept"), "1\n");
        SnapshotStore.WriteText(store.VerifiedPath("A.B_stale"), "1\n");
        var audit = store.Audit(["A.B_kept", "A.B_new"]);
        Assert.That(audit.Missing, Is.EqualTo(new[] { "A.B_new" }));
        Assert.That(audit.Orphaned, Is.EqualTo(new[] { "A.B_stale" }));
        Assert.That(audit.IsClean, Is.False);
    }

    [Test]
    public void NamesFollowTheConvention()
    {
        Assert.That(SnapshotStore.NameOf("NaiveSnapshotTests", "Results", "mb1ic3__f32_normal"), Is.EqualTo("NaiveSnapshotTests.Results_mb1ic3__f32_normal"));
        Assert.That(() => SnapshotStore.NameOf("A", "B", "c/d"), Throws.ArgumentException);
        Assert.That(() => new SnapshotStore(dir).VerifiedPath("../x"), Throws.ArgumentException);
    }

    [Test]
    public void RepositoryFolderIsBesideTheSolution()
    {
        string folder = SnapshotStore.FindRepositoryFolder(TestContext.CurrentContext.TestDirectory);
        Assert.That(File.Exists(Path.Combine(Path.GetDirectoryName(folder)!, "ConvVerify.sln")), Is.True);
        Assert.That(Path.GetFileName(folder), Is.EqualTo("snapshots"));
        Assert.That(() => SnapshotStore.FindRepositoryFolder(dir, "no-such.sln"), Throws.TypeOf<DirectoryNotFoundException>());
    }
}
