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
    public void AFolderThatDoesNotExistHasNothingToAcceptAndIsNotCreated()
    {
        // The parent exists, the folder does not: the check for folders named as received files looked into it regardless.
        var store = new SnapshotStore(Path.Combine(Dir, "snapshots"));
        Assert.That(store.AcceptAll(), Is.Empty);
        Assert.That(Directory.Exists(store.Directory), Is.False, "accepting nothing made no folder");
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

    [Test]
    public void AVerifiedFileThatIsAFolderIsNamedNotItsStagingCopy()
    {
        var store = new SnapshotStore(Path.Combine(Dir, "snapshots"));
        SnapshotStore.WriteText(store.ReceivedPath("n"), "new\n");
        Directory.CreateDirectory(store.VerifiedPath("n"));
        Assert.That(() => store.AcceptAll(), Throws.InstanceOf<IOException>().With.Message.EqualTo(
            $"{store.VerifiedPath("n")}: is a folder; {store.ReceivedPath("n")} cannot be accepted onto it"));
        Assert.That(File.Exists(store.ReceivedPath("n")), Is.True, "nothing was accepted");
    }

    [Test]
    [Platform("Linux")]
    public void AFileThatCannotBeCopiedIntoTheStagingFolderIsNamedByItsOwnPath()
    {
        // The staging folder's name is 38 characters longer than the folder's, so a path just under Linux's limit of
        // 4,096 bytes is copied to one just over it: the system's error names only the staging copy.
        string folder = Dir;
        while (folder.Length < 3_800) folder = Path.Combine(folder, new string('d', 200));
        var store = new SnapshotStore(Path.Combine(folder, "snapshots"));
        string name = new('n', 4_080 - store.Directory.Length - 1 - SnapshotStore.ReceivedSuffix.Length);
        SnapshotStore.WriteText(store.ReceivedPath(name), "new\n");
        var e = Assert.Throws<IOException>(() => store.AcceptAll())!;
        Assert.That(e.Message, Does.StartWith($"{store.ReceivedPath(name)}: its copy {Path.GetDirectoryName(store.Directory)}{Path.DirectorySeparatorChar}.snapshots.tmp-"));
        Assert.That(e.Message, Does.Contain("could not be written (nothing was accepted): "));
        Assert.That((File.Exists(store.ReceivedPath(name)), File.Exists(store.VerifiedPath(name))), Is.EqualTo((true, false)), "nothing was accepted");
    }
}
