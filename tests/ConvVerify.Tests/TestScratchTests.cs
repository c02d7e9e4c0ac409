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
}
