using System.Diagnostics;

namespace ConvVerify.Tests;

/// <summary>The run's temporary files land in its scratch folder, in this process and in the processes it starts.</summary>
public class TestScratchTests
{
    [Test]
    public void TemporaryPathsOfTheTestsAndTheirChildrenAreTheRunsScratchFolder()
    {
        string? root = TestScratch.Root;
        Assert.That(root, Is.Not.Null, "the assembly's set-up made the folder");
        Assert.That(Directory.Exists(root), Is.True);
        Assert.That(Path.TrimEndingDirectorySeparator(Path.GetTempPath()), Is.EqualTo(root));
        Assert.That(Directory.CreateTempSubdirectory("convverify-scratch-").Parent!.FullName, Is.EqualTo(root));
        if (!OperatingSystem.IsLinux()) return;
        var start = new ProcessStartInfo("/bin/sh", ["-c", "printf %s \"$TMPDIR\""]) { RedirectStandardOutput = true };
        using var child = Process.Start(start)!;
        string seen = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        Assert.That(seen, Is.EqualTo(root), "a started process inherits the folder");
    }

    [Test]
    public void AMemoryFolderMountedNoexecIsNotUsed()
    {
        const string plain = "tmpfs /dev/shm tmpfs rw,relatime,size=24684096k 0 0";
        const string noexec = "shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k 0 0";
        Assert.Multiple(() =>
        {
            Assert.That(TestScratch.AllowsExecution("/dev/shm", [plain]), Is.True);
            Assert.That(TestScratch.AllowsExecution("/dev/shm", [noexec]), Is.False);
            Assert.That(TestScratch.AllowsExecution("/dev/shm", [plain, noexec]), Is.False, "the last mount is the one seen");
            Assert.That(TestScratch.AllowsExecution("/dev/shm", [noexec, plain]), Is.True);
            Assert.That(TestScratch.AllowsExecution("/dev/shm", ["tmpfs /run tmpfs rw 0 0"]), Is.False, "not mounted at all");
        });
    }

    [Test]
    public void FoldersOfRunsThatAreGoneAreRemovedAndLiveOnesKeptWhateverTheirPid()
    {
        string parent = Directory.CreateTempSubdirectory("convverify-orphans-").FullName;
        try
        {
            string Folder(string name) => Directory.CreateDirectory(Path.Combine(parent, name)).FullName;
            // A killed run: its lock went with its process. Its PID may be ours or anyone's; only the lock counts.
            string killed = Folder($"convverify-tests-{Environment.ProcessId}-0123abcd");
            TestScratch.Own(killed).Dispose();
            File.WriteAllText(Path.Combine(killed, "left"), "by a killed run");
            // A live run in another container: a PID that means nothing here, and its lock held.
            string live = Folder("convverify-tests-1-89abcdef");
            using var held = TestScratch.Own(live);
            // A run between making its folder and locking it, and one of an older suite that never locked.
            string settingUp = Folder("convverify-tests-2-aaaaaaaa");
            string old = Folder("convverify-tests-3-bbbbbbbb");
            Directory.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddMinutes(-2));
            string unrelated = Folder("convverify-tests-notapid");
            File.WriteAllText(Path.Combine(unrelated, ".owner"), "");
            string other = Folder("something-else");
            TestScratch.RemoveOrphans(parent);
            Assert.That(new[] { killed, old }.Select(Directory.Exists), Is.All.False, "the killed run's folder and the old one");
            Assert.That(new[] { live, settingUp, unrelated, other }.Select(Directory.Exists), Is.All.True,
                "a live run's folder, one being set up, and folders not named by a run");
            Assert.That(File.Exists(Path.Combine(live, ".owner")), Is.True);
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    [Test]
    public void TheRunsOwnFolderIsLockedWhileItLives()
    {
        string? root = TestScratch.Root;
        Assert.That(root, Is.Not.Null);
        // As another run's sweep would try it.
        Assert.That(() => TestScratch.Own(root!), Throws.InstanceOf<IOException>());
        TestScratch.RemoveOrphans(Path.GetDirectoryName(root)!);
        Assert.That(Directory.Exists(root), Is.True);
    }
}
