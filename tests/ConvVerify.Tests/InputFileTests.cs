using System.Diagnostics;
using ConvVerify.Problems;
using ConvVerify.Snapshots;

namespace ConvVerify.Tests;

/// <summary>
/// Files users name — batch files, snapshots — are read only as far as their size goes: a named pipe given as a batch
/// file used to wait for a writer for ever, and /dev/zero filled memory until the runtime aborted.
/// </summary>
public class InputFileTests : TempFolderTest
{
    private string Fifo()
    {
        string path = Path.Combine(Dir, "pipe");
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.That(mkfifo.ExitCode, Is.Zero, "mkfifo");
        return path;
    }

    [Test]
    [Platform("Linux")]
    [CancelAfter(20_000)]
    public void APipeOrADeviceReadsAsEmptyWithoutBeingWaitedOn()
    {
        string pipe = Fifo();
        Assert.That(InputFile.ReadAllText(pipe, "batch file", 1 << 20), Is.Empty);
        Assert.That(InputFile.ReadAllBytes("/dev/zero", "batch file", 1 << 20), Is.Empty);
        Assert.That(BatchFile.Read(pipe), Is.Empty);
        Assert.That(BatchFile.Read("/dev/zero"), Is.Empty);
        Assert.That(SnapshotStore.ReadText(pipe), Is.Empty);
        var r = Cli.CliTestBase.Run("check", "--oracle", "naive", "--batch", pipe);
        Assert.That((r.Code, r.All.Contains("no case was selected", StringComparison.Ordinal)), Is.EqualTo((1, true)), r.ToString());
    }

    [Test]
    public void AFileIsReadWholeAndOnlyUpToItsLimit()
    {
        string path = Path.Combine(Dir, "b.txt");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, (byte)'m', (byte)'b', (byte)'1']);
        Assert.That(InputFile.ReadAllText(path, "batch file", 6), Is.EqualTo("mb1"), "the byte-order mark dropped, six bytes allowed");
        var e = Assert.Throws<IOException>(() => InputFile.ReadAllText(path, "batch file", 5));
        Assert.That(e!.Message, Is.EqualTo($"{path}: 6 bytes, more than a batch file may hold (5)"));
        // A sparse file: its size is checked before a byte is read.
        string big = Path.Combine(Dir, "big.txt");
        using (var s = new FileStream(big, FileMode.CreateNew)) s.SetLength(BatchFile.MaxBytes + 1);
        Assert.That(() => BatchFile.Read(big), Throws.InstanceOf<IOException>().With.Message.Contains($"{BatchFile.MaxBytes + 1} bytes, more than a batch file may hold"));
    }

    [Test]
    public void AFolderOrNothingIsNamedForWhatItIs()
    {
        var e = Assert.Throws<FileNotFoundException>(() => InputFile.ReadAllBytes(Dir, "snapshot file", 10));
        Assert.That(e!.Message, Is.EqualTo($"{Dir}: is a folder, not a snapshot file"));
        string none = Path.Combine(Dir, "none");
        e = Assert.Throws<FileNotFoundException>(() => InputFile.ReadAllBytes(none, "snapshot file", 10));
        Assert.That(e!.Message, Is.EqualTo($"{none}: snapshot file not found"));
        var r = Cli.CliTestBase.Run("check", "--oracle", "naive", "--batch", Dir);
        Assert.That((r.Code, r.Err.Contains($"--batch: {Dir} is a folder; give a batch file", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
    }
}
