using System.Diagnostics;
using ConvVerify.Snapshots;

namespace ConvVerify.Tests.Snapshots;

/// <summary>
/// An accept killed between its swap's two renames leaves no snapshots folder and its old contents aside as
/// <c>.snapshots.old-&lt;guid&gt;</c>. A probe then ran the snapshot tests: they wrote a new folder of received files only
/// (469 failures, "no verified snapshot"), and the next accept found the folder present and deleted the old one, the
/// only copy, without a word. The tests' store puts the old folder back as an accept's rerun does, and an accept refuses
/// an old folder that holds what the folder lacks.
/// </summary>
public class SnapshotRecoveryTests : TempFolderTest
{
    private string Folder => Path.Combine(Dir, "snapshots");

    // The probe's state: an accept killed between its renames, then a test run that wrote its received file into a new folder.
    private string OldAsideBesideANewFolder()
    {
        string old = Path.Combine(Dir, ".snapshots.old-0123456789abcdef0123456789abcdef");
        SnapshotStore.WriteText(Path.Combine(old, "a.verified.txt"), "a\n");
        SnapshotStore.WriteText(Path.Combine(old, "b.verified.txt"), "b\n");
        SnapshotStore.WriteText(Path.Combine(old, "cli", "c.verified.txt"), "c\n");
        SnapshotStore.WriteText(Path.Combine(Folder, "a.received.txt"), "a2\n");
        return old;
    }

    private static string[] Files(string folder) =>
        [.. Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal)];

    [Test]
    public void AnAcceptRefusesAnOldFolderAsideThatHoldsWhatTheFolderLacks()
    {
        string old = OldAsideBesideANewFolder();
        var e = Assert.Throws<IOException>(() => new SnapshotStore(Folder).AcceptAll())!;
        Assert.That(e.Message, Does.StartWith(
            $"{Folder}: an interrupted snapshots accept left the folder's old contents aside as {old}, and {Folder} lacks its a.verified.txt: {Folder} was likely made anew since "));
        Assert.That(e.Message, Does.Contain($"nothing was changed. To put it back: mv {Folder} {Folder}.new && mv {old} {Folder} ")
            .And.EndWith($"to keep {Folder} as it is instead: rm -r {old}"));
        Assert.That(Files(old), Is.EqualTo(new[] { "a.verified.txt", "b.verified.txt", Path.Combine("cli", "c.verified.txt") }), "the old folder is kept whole");
        Assert.That(Files(Folder), Is.EqualTo(new[] { "a.received.txt" }), "nothing was accepted");
        Assert.That(Directory.GetFileSystemEntries(Dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "snapshots", Path.GetFileName(old) }), "no lock or staging folder is left");
    }

    [Test]
    [Platform("Linux")]
    public void TheRefusalsCommandPutsTheOldFolderBack()
    {
        string old = OldAsideBesideANewFolder();
        string message = Assert.Throws<IOException>(() => new SnapshotStore(Folder).AcceptAll())!.Message;
        const string Lead = "To put it back: ";
        string command = message[(message.IndexOf(Lead, StringComparison.Ordinal) + Lead.Length)..message.IndexOf(" (then run", StringComparison.Ordinal)];
        Shell(command);
        Assert.That(Directory.Exists(old), Is.False);
        Assert.That(Files(Folder), Is.EqualTo(new[] { "a.verified.txt", "b.verified.txt", Path.Combine("cli", "c.verified.txt") }));
        Assert.That(Files(Folder + ".new"), Is.EqualTo(new[] { "a.received.txt" }), "what was written since is kept aside");
        Assert.That(new SnapshotStore(Folder).AcceptAll(), Is.Empty, "and the next accept runs");
    }

    [Test]
    public void AnOldFolderAsideThatTheFolderIsTheAcceptedFormOfIsDeletedByTheNextAccept()
    {
        // A run killed after its second rename: the new folder is in place, the old one still beside it.
        string old = Path.Combine(Dir, $".snapshots.old-{Guid.NewGuid():N}");
        SnapshotStore.WriteText(Path.Combine(old, "a.verified.txt"), "a\n");
        SnapshotStore.WriteText(Path.Combine(old, "a.received.txt"), "a2\r\n");
        SnapshotStore.WriteText(Path.Combine(old, "n.received.txt"), "new");
        SnapshotStore.WriteText(Path.Combine(old, "b.verified.txt"), "b\n");
        SnapshotStore.WriteText(Path.Combine(old, "cli", "c.received.txt"), "c\n");
        SnapshotStore.WriteText(Path.Combine(Folder, "a.verified.txt"), "a2\n");
        SnapshotStore.WriteText(Path.Combine(Folder, "n.verified.txt"), "new\n");
        SnapshotStore.WriteText(Path.Combine(Folder, "b.verified.txt"), "b\n");
        SnapshotStore.WriteText(Path.Combine(Folder, "cli", "c.received.txt"), "c\n");
        Assert.That(new SnapshotStore(Folder).AcceptAll(), Is.Empty);
        Assert.That(Directory.Exists(old), Is.False, "the old folder is deleted, as before");
        Assert.That(Files(Folder), Is.EqualTo(new[] { "a.verified.txt", "b.verified.txt", Path.Combine("cli", "c.received.txt"), "n.verified.txt" }));
    }

    [TestCase("b.verified.txt", "B\n", "holds its b.verified.txt otherwise", TestName = "AFileThatDiffersKeepsTheOldFolder")]
    [TestCase("a.verified.txt", "a\n", "lacks its a.received.txt accepted as a.verified.txt", TestName = "AReceivedFileNotAcceptedKeepsTheOldFolder")]
    [TestCase("cli/c.received.txt", null, "lacks its cli/c.received.txt", TestName = "AFileMissingBelowKeepsTheOldFolder")]
    public void TheFolderMustBeTheAcceptedFormOfTheOldOneWhole(string file, string? text, string how)
    {
        string old = Path.Combine(Dir, $".snapshots.old-{Guid.NewGuid():N}");
        SnapshotStore.WriteText(Path.Combine(old, "a.verified.txt"), "a\n");
        SnapshotStore.WriteText(Path.Combine(old, "a.received.txt"), "a2\n");
        SnapshotStore.WriteText(Path.Combine(old, "b.verified.txt"), "b\n");
        SnapshotStore.WriteText(Path.Combine(old, "cli", "c.received.txt"), "c\n");
        SnapshotStore.WriteText(Path.Combine(Folder, "a.verified.txt"), "a2\n");
        SnapshotStore.WriteText(Path.Combine(Folder, "b.verified.txt"), "b\n");
        SnapshotStore.WriteText(Path.Combine(Folder, "cli", "c.received.txt"), "c\n");
        // One file of the accepted form changed, or removed.
        if (text is null) File.Delete(Path.Combine(Folder, file));
        else SnapshotStore.WriteText(Path.Combine(Folder, file), text);
        Assert.That(() => new SnapshotStore(Folder).AcceptAll(), Throws.InstanceOf<IOException>().With.Message.Contains($", and {Folder} {how}: "));
        Assert.That(Directory.Exists(old), Is.True);
    }

    [Test]
    public void TheTestsStorePutsBackAFolderAnAcceptLeftAside()
    {
        // The probe's first step: `mv snapshots .snapshots.old-…`, then the snapshot tests.
        string old = Path.Combine(Dir, ".snapshots.old-0123456789abcdef0123456789abcdef");
        SnapshotStore.WriteText(Path.Combine(old, "a.verified.txt"), "a\n");
        SnapshotStore.WriteText(Path.Combine(old, "cli", "c.verified.txt"), "c\n");
        var store = Snapshot.Open(Folder);
        Assert.That(store.VerifiedNames(), Is.EqualTo(new[] { "a" }));
        Assert.That(store.Check("a", "a\n").Outcome, Is.EqualTo(SnapshotOutcome.Matched));
        Assert.That(Directory.GetFileSystemEntries(Dir).Select(Path.GetFileName), Is.EqualTo(new[] { "snapshots" }), "nothing is left beside it");
    }

    [Test]
    public void TheTestsStoreRefusesAFolderBesideAnOldOneHoldingWhatItLacks()
    {
        string old = OldAsideBesideANewFolder();
        Assert.That(() => Snapshot.Open(Folder), Throws.InstanceOf<IOException>().With.Message.StartWith(
            $"{Folder}: an interrupted snapshots accept left the folder's old contents aside as {old}"));
        Assert.That(Files(old), Has.Length.EqualTo(3));
    }

    [Test]
    public void TheTestsStoreOpensAFolderWithNothingBesideItAsItIs()
    {
        Assert.That(Snapshot.Open(Folder).VerifiedNames(), Is.Empty);
        Assert.That(Directory.GetFileSystemEntries(Dir), Is.Empty, "a missing folder with nothing aside is not made");
        SnapshotStore.WriteText(Path.Combine(Folder, "a.verified.txt"), "a\n");
        Assert.That(Snapshot.Open(Folder).VerifiedNames(), Is.EqualTo(new[] { "a" }));
    }

    private static void Shell(string command)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.That((p.ExitCode, err), Is.EqualTo((0, "")), command);
    }
}
