using System.Diagnostics;

namespace ConvVerify.Tests.Snapshots;

/// <summary>
/// <c>snapshots accept</c> where file modes bind: a read-only verified file is replaced (and stays read-only), and an
/// unreadable received file is named as unreadable. Root ignores modes, so the command runs, as root, without the
/// capabilities that let it (setpriv); as anyone else, as it is.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class SnapshotAcceptModeTests : TempFolderTest
{
    private static (int Code, string Out, string Err) Accept(string dir)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "convverify.dll");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        string[] command = ["snapshots", "accept", "--dir", dir];
        var start = Environment.UserName == "root"
            ? new ProcessStartInfo("setpriv", ["--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search", dotnet, cli, .. command])
            : new ProcessStartInfo(dotnet, [cli, .. command]);
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        Assert.That(p.WaitForExit(120_000), Is.True, "the command finished");
        return (p.ExitCode, stdout, err.Result);
    }

    [Test]
    public void AReadOnlyVerifiedFileIsReplacedAndKeepsItsMode()
    {
        // The staged copy inherited 0444 and was then opened for writing: "its copy ... could not be written", blaming
        // the received file and a staging folder the user never made.
        string dir = Path.Combine(Dir, "s");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "a.verified.txt"), "old\n");
        File.SetUnixFileMode(Path.Combine(dir, "a.verified.txt"), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.WriteAllText(Path.Combine(dir, "a.received.txt"), "new\n");
        var r = Accept(dir);
        Assert.That(r.Code, Is.Zero, r.ToString());
        Assert.That(File.ReadAllText(Path.Combine(dir, "a.verified.txt")), Is.EqualTo("new\n"));
        Assert.That(File.GetUnixFileMode(Path.Combine(dir, "a.verified.txt")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
        Assert.That(File.Exists(Path.Combine(dir, "a.received.txt")), Is.False);
    }

    [Test]
    public void AnUnreadableReceivedFileIsNamedAsUnreadable()
    {
        string dir = Path.Combine(Dir, "s");
        Directory.CreateDirectory(dir);
        string received = Path.Combine(dir, "b.received.txt");
        File.WriteAllText(received, "new\n");
        File.SetUnixFileMode(received, UnixFileMode.None);
        var r = Accept(dir);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.StartWith($"convverify: {received}: cannot be read (nothing was accepted): "), r.ToString());
        Assert.That(Directory.GetFileSystemEntries(Dir).Select(Path.GetFileName), Is.EqualTo(new[] { "s" }), "no staging folder or lock left");
    }
}
