using System.Diagnostics;
using ConvVerify.Fixtures;
using ConvVerify.Snapshots;
using ConvVerify.Tests.Cli;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// What the folder swap must refuse rather than do: a target that is a mount point (the swap's rename fails with EBUSY
/// only after all the work), and links planted beside the target under the names of its leftovers and of its lock.
/// </summary>
public class AtomicFolderGuardTests : TempFolderTest
{
    private string Target => Path.Combine(Dir, "pack");

    // A tmpfs mounted on a fresh folder (we run as root, in CI too: see .ci/run); unmounted by the caller's dispose.
    private sealed class Tmpfs : IDisposable
    {
        public Tmpfs(string path)
        {
            Path = path;
            Directory.CreateDirectory(path);
            Assert.That(Mount("mount", "-t", "tmpfs", "-o", "size=4m", "convverify-test", path), Is.Zero,
                $"mount -t tmpfs on {path} failed: the mount-point tests need root and a kernel that lets it mount (CI runs as root)");
        }

        public string Path { get; }

        public void Dispose() => Mount("umount", Path);

        private static int Mount(string command, params string[] args)
        {
            using var p = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit();
            return p.ExitCode;
        }
    }

    [Test]
    public void AMountPointIsRefusedBeforeAnythingIsWrittenAndNamedWithWhatToDo()
    {
        using var mount = new Tmpfs(Target);
        File.WriteAllText(Path.Combine(Target, "old.txt"), "old");
        var e = Assert.Throws<IOException>(() => AtomicFolder.CheckReplaceable(Target))!;
        Assert.That(e.Message, Does.StartWith($"{Target}: is a mount point").And.Contain("cannot be renamed").And.Contain("give a folder below it"));
        using (var swap = AtomicFolder.Begin(Target))
            Assert.That(Assert.Throws<IOException>(swap.CheckReplaceable)!.Message, Is.EqualTo(e.Message));
        Assert.That(File.ReadAllText(Path.Combine(Target, "old.txt")), Is.EqualTo("old"));
        Assert.That(Directory.GetFileSystemEntries(Dir).Select(Path.GetFileName), Is.EqualTo(new[] { "pack" }), "nothing left beside it");
        Assert.That(FileKinds.IsMountRoot(Dir), Is.False, "an ordinary folder is no mount point");
        Assert.That(FileKinds.IsMountRoot(Path.Combine(Target, "below")), Is.False, "a missing folder is none");
    }

    [Test]
    public void ARenameThatFailsLateNamesTheFoldersAndWhichRenameItWas()
    {
        // A writer that skipped CheckReplaceable reaches the swap: the kernel's EBUSY was all the run said.
        using var mount = new Tmpfs(Target);
        using var swap = AtomicFolder.Begin(Target);
        var e = Assert.Throws<IOException>(swap.Commit)!;
        Assert.That(e.Message, Does.StartWith($"{Target}: written in {swap.Staging}, but the old folder could not be set aside as {Path.Combine(Dir, ".pack.old-")}"));
        Assert.That(e.Message, Does.EndWith(": " + e.InnerException!.Message));
    }

    [Test]
    public void TheCommandsRefuseAMountPointBeforeWriting()
    {
        using var mount = new Tmpfs(Target);
        var r = CliTestBase.Run("fixtures", "generate", "--out", Target, "--oracle", "exact", "--force", "mb1ic1ih4oc1kh3");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain($"{Target}: is a mount point"));
        Assert.That(Directory.GetFileSystemEntries(Target), Is.Empty);
        File.WriteAllText(Path.Combine(Target, "A.B_c.received.txt"), "new\n");
        r = CliTestBase.Run("snapshots", "accept", "--dir", Target);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain($"{Target}: is a mount point"));
        Assert.That(Directory.GetFileSystemEntries(Target).Select(Path.GetFileName), Is.EqualTo(new[] { "A.B_c.received.txt" }));
        Assert.That(Directory.GetFileSystemEntries(Dir).Select(Path.GetFileName), Is.EqualTo(new[] { "pack" }));
    }

    [Test]
    public void AnOldLeftoverThatIsALinkIsNeverPutInPlace()
    {
        string outside = Path.Combine(Dir, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "secret.verified.txt"), "secret\n");
        string planted = Path.Combine(Dir, $".pack.old-{Guid.NewGuid():N}");
        Directory.CreateSymbolicLink(planted, outside);
        Assert.That(AtomicFolder.HasFolderAside(Target), Is.False, "a link is no folder aside");
        var e = Assert.Throws<IOException>(() => AtomicFolder.Begin(Target))!;
        Assert.That(e.Message, Is.EqualTo($"{Target}: {planted} beside it is a symbolic link (to {outside}), not a folder an earlier run left; nothing was written; remove it"));
        Assert.That(Path.Exists(Target), Is.False);
        Directory.CreateDirectory(Target);
        Assert.That(Assert.Throws<IOException>(() => AtomicFolder.Begin(Target))!.Message, Is.EqualTo(e.Message), "nor deleted beside an existing target");
        Assert.That(new FileInfo(planted).LinkTarget, Is.EqualTo(outside));
        Assert.That(File.ReadAllText(Path.Combine(outside, "secret.verified.txt")), Is.EqualTo("secret\n"));
        Assert.That(Directory.GetFileSystemEntries(Target), Is.Empty);
        Assert.That(Path.Exists(Path.Combine(Dir, ".pack.lock")), Is.False);
    }

    [Test]
    public void SnapshotsAcceptCopiesNothingThroughAnOldLeftoverThatIsALink()
    {
        string outside = Path.Combine(Dir, "outside"), sn = Path.Combine(Dir, "sn");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "key.verified.txt"), "private\n");
        Directory.CreateDirectory(sn);
        File.WriteAllText(Path.Combine(sn, "A.B_c.received.txt"), "new\n");
        Directory.CreateSymbolicLink(Path.Combine(Dir, ".sn.old-0123456789abcdef0123456789abcdef"), outside);
        Assert.Throws<IOException>(() => new SnapshotStore(sn).AcceptAll());
        Assert.That(Directory.GetFileSystemEntries(sn).Select(Path.GetFileName), Is.EqualTo(new[] { "A.B_c.received.txt" }));
        Directory.Delete(sn, recursive: true);
        var r = CliTestBase.Run("snapshots", "accept", "--dir", sn);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(Path.Exists(sn), Is.False, "the outside folder is not put in the snapshots' place");
    }

    [Test]
    public void ALockFileThatIsALinkIsNotFollowed()
    {
        string outside = Path.Combine(Dir, "outside");
        Directory.CreateDirectory(outside);
        string created = Path.Combine(outside, "made-through-the-link"), existing = Path.Combine(outside, "existing");
        File.WriteAllText(existing, "kept");
        string lockPath = Path.Combine(Dir, ".pack.lock");
        foreach (string to in new[] { created, existing })
        {
            File.CreateSymbolicLink(lockPath, to);
            var e = Assert.Throws<IOException>(() => AtomicFolder.Begin(Target))!;
            Assert.That(e.Message, Is.EqualTo($"{Target}: its lock {lockPath} is a symbolic link (to {to}), not a lock file; nothing was written; remove it"));
            Assert.That(new FileInfo(lockPath).LinkTarget, Is.EqualTo(to), "the link is left as it was");
            File.Delete(lockPath);
        }
        Assert.That(File.Exists(created), Is.False, "no file was made where the link led");
        Assert.That(File.ReadAllText(existing), Is.EqualTo("kept"));
        Assert.That(Directory.GetFileSystemEntries(Dir).Select(Path.GetFileName), Is.EqualTo(new[] { "outside" }), "no staging folder");
    }
}
