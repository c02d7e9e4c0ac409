using ConvVerify.Fixtures;
using ConvVerify.Snapshots;

namespace ConvVerify.Tests.Snapshots;

/// <summary>
/// Accepting every received file copies the whole folder: sub-folders come along, a link leading outside is refused,
/// and a folder whose parent does not exist is left alone (nothing created).
/// </summary>
public class SnapshotAcceptAllTests : TempFolderTest
{
    [Test]
    public void AFolderWhoseParentDoesNotExistHasNothingToAcceptAndIsNotCreated()
    {
        string parent = Path.Combine(Dir, "missing");
        var store = new SnapshotStore(Path.Combine(parent, "snapshots"));
        Assert.That(store.AcceptAll(), Is.Empty);
        Assert.That(Directory.Exists(parent), Is.False, "no folder, lock or staging copy was made");
    }

    [Test]
    public void SubFoldersAreCarriedOverWhenAccepting()
    {
        var store = new SnapshotStore(Path.Combine(Dir, "snapshots"));
        SnapshotStore.WriteText(Path.Combine(store.Directory, "notes", "deep", "keep.txt"), "kept\n");
        SnapshotStore.WriteText(store.ReceivedPath("n"), "new\n");
        Assert.That(store.AcceptAll(), Is.EqualTo(new[] { store.VerifiedPath("n") }));
        Assert.That(SnapshotStore.ReadText(Path.Combine(store.Directory, "notes", "deep", "keep.txt")), Is.EqualTo("kept\n"));
        Assert.That(SnapshotStore.ReadText(store.VerifiedPath("n")), Is.EqualTo("new\n"));
        Assert.That(File.Exists(store.ReceivedPath("n")), Is.False);
    }

    [Test]
    public void AReceivedFileLinkedOutsideTheFolderIsRefused()
    {
        // Followed, the link would copy the outside file into a verified snapshot, to be committed.
        string secret = Path.Combine(Dir, "secret.txt");
        File.WriteAllText(secret, "private\n");
        var store = new SnapshotStore(Path.Combine(Dir, "snapshots"));
        Directory.CreateDirectory(store.Directory);
        File.CreateSymbolicLink(store.ReceivedPath("n"), secret);
        Assert.That(() => store.AcceptAll(), Throws.TypeOf<FixtureException>().With.Message.StartsWith(
            $"{store.ReceivedPath("n")}: a symbolic link to ").And.Message.Contains($", outside {store.Directory}: refusing"));
        Assert.That(File.Exists(store.VerifiedPath("n")), Is.False, "nothing was accepted");
    }
}
