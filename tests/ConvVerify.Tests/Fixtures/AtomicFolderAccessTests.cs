using System.Diagnostics;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// A replaced folder keeps who may use it: its mode, and its owner and group. The new folder is made by the writer, with
/// the writer's owner and default mode: a private 0700 folder came back 0755, a shared setgid group folder root:root 0755.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class AtomicFolderAccessTests : TempFolderTest
{
    private string Target => Path.Combine(Dir, "shared");

    // Read by stat(1), not by the code under test.
    private static string StatOf(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("stat", ["-c", "%a %u %g", path]) { RedirectStandardOutput = true })!;
        string text = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return text;
    }

    private static void Chown(string path, string owner)
    {
        using var p = Process.Start(new ProcessStartInfo("chown", [owner, path]) { RedirectStandardError = true })!;
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.Zero, $"chown {owner} {path}: {p.StandardError.ReadToEnd()}");
    }

    private void Replace()
    {
        using var swap = AtomicFolder.Begin(Target);
        File.WriteAllText(Path.Combine(swap.Staging, "new.txt"), "new");
        swap.Commit();
    }

    [Test]
    public void APrivateFolderStaysPrivate()
    {
        Directory.CreateDirectory(Target);
        File.SetUnixFileMode(Target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string before = StatOf(Target);
        Assert.That(before, Does.StartWith("700 "));
        Replace();
        Assert.That(File.ReadAllText(Path.Combine(Target, "new.txt")), Is.EqualTo("new"));
        Assert.That(StatOf(Target), Is.EqualTo(before));
    }

    [Test]
    public void ASetgidGroupFolderKeepsItsModeOwnerAndGroup()
    {
        // Giving a folder away takes root; CI runs as root (.ci/run), and so does this suite wherever it is documented to run.
        Assume.That(Environment.UserName, Is.EqualTo("root"), "giving the folder to another owner needs root");
        Directory.CreateDirectory(Target);
        Chown(Target, "65534:65534");
        File.SetUnixFileMode(Target, UnixFileMode.SetGroup | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute);
        Assert.That(StatOf(Target), Is.EqualTo("2770 65534 65534"));
        Replace();
        Assert.That(File.ReadAllText(Path.Combine(Target, "new.txt")), Is.EqualTo("new"));
        Assert.That(StatOf(Target), Is.EqualTo("2770 65534 65534"));
        // What was written inside took the folder's group, as the setgid bit gives it: given only at the swap, the
        // folder's group came after its contents, which kept the writer's.
        Assert.That(StatOf(Path.Combine(Target, "new.txt")).Split(' ')[2], Is.EqualTo("65534"));
    }
}
