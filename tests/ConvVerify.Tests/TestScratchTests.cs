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
    public void FoldersOfRunsWhoseProcessIsGoneAreRemovedAndOthersKept()
    {
        string parent = Directory.CreateTempSubdirectory("convverify-orphans-").FullName;
        try
        {
            // A process that has exited: its PID names no running process (until reused, which the sweep then respects).
            using var gone = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true })!;
            gone.StandardOutput.ReadToEnd();
            gone.WaitForExit();
            string orphan = Directory.CreateDirectory(Path.Combine(parent, $"convverify-tests-{gone.Id}-0123abcd")).FullName;
            File.WriteAllText(Path.Combine(orphan, "left"), "by a killed run");
            string mine = Directory.CreateDirectory(Path.Combine(parent, $"convverify-tests-{Environment.ProcessId}-89abcdef")).FullName;
            string unrelated = Directory.CreateDirectory(Path.Combine(parent, "convverify-tests-notapid")).FullName;
            string other = Directory.CreateDirectory(Path.Combine(parent, "something-else")).FullName;
            TestScratch.RemoveOrphans(parent);
            Assert.That(Directory.Exists(orphan), Is.False, "the exited run's folder");
            Assert.That(new[] { mine, unrelated, other }.Select(Directory.Exists), Is.All.True, "a live run's folder and folders not named by a run");
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }
}
