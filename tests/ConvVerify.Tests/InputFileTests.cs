using ConvVerify.Fixtures;
using ConvVerify.Problems;
using ConvVerify.Snapshots;

namespace ConvVerify.Tests;

/// <summary>
/// Files users name — batch files, snapshots, reports — are read only when they are regular files, and only as far as
/// their size goes: a named pipe given as a batch file used to wait for a writer for ever, and /dev/zero filled memory
/// until the runtime aborted.
/// </summary>
public class InputFileTests : TempFolderTest
{
    private string Fifo() => NamedPipes.Make(Path.Combine(Dir, "pipe"));

    [Test]
    [Platform("Linux")]
    [CancelAfter(20_000)]
    public void APipeOrADeviceIsRefusedWithoutBeingOpened()
    {
        string pipe = Fifo();
        Assert.That(() => InputFile.ReadAllText(pipe, "batch file", 1 << 20),
            Throws.InstanceOf<IOException>().With.Message.EqualTo($"{pipe}: a named pipe, not a regular file; refusing to read it as a batch file"));
        Assert.That(() => InputFile.ReadAllBytes("/dev/zero", "snapshot file", 1 << 20),
            Throws.InstanceOf<IOException>().With.Message.EqualTo("/dev/zero: a character device, not a regular file; refusing to read it as a snapshot file"));
        Assert.That(() => BatchFile.Read(pipe), Throws.InstanceOf<IOException>());
        Assert.That(() => SnapshotStore.ReadText(pipe), Throws.InstanceOf<IOException>());
        var r = Cli.CliTestBase.Run("check", "--oracle", "naive", "--batch", pipe);
        Assert.That((r.Code, r.Err.Contains($"{pipe}: a named pipe, not a regular file", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        r = Cli.CliTestBase.Run("cases", "--batch", "/dev/zero");
        Assert.That((r.Code, r.Err.Contains("/dev/zero: a character device", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        // An empty regular file is an empty batch, not an error.
        string empty = Path.Combine(Dir, "empty.txt");
        File.WriteAllText(empty, "");
        Assert.That(BatchFile.Read(empty), Is.Empty);
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

    [Test]
    [Platform("Linux")]
    public void TheFileSystemIsAskedWhatAPathIsAndDotNetAloneGuessesWithoutOpening()
    {
        string pipe = Fifo(), file = Path.Combine(Dir, "f"), empty = Path.Combine(Dir, "e"), none = Path.Combine(Dir, "none");
        File.WriteAllText(file, "x");
        File.WriteAllText(empty, "");
        Assert.Multiple(() =>
        {
            Assert.That(FileKinds.Of(file), Is.EqualTo(FileKind.Regular));
            Assert.That(FileKinds.Of(empty), Is.EqualTo(FileKind.Regular));
            Assert.That(FileKinds.Of(Dir), Is.EqualTo(FileKind.Directory));
            Assert.That(FileKinds.Of(none), Is.EqualTo(FileKind.Missing));
            Assert.That(FileKinds.Of(pipe), Is.EqualTo(FileKind.NamedPipe));
            Assert.That(FileKinds.Of("/dev/zero"), Is.EqualTo(FileKind.CharacterDevice));
            // Without the C library's answer (no statx, or a seccomp profile refusing it): size 0 stays unopened.
            Assert.That(FileKinds.Guess(file), Is.EqualTo(FileKind.Regular));
            Assert.That(FileKinds.Guess(empty), Is.EqualTo(FileKind.Other));
            Assert.That(FileKinds.Guess(pipe), Is.EqualTo(FileKind.Other));
            Assert.That(FileKinds.Guess("/dev/zero"), Is.EqualTo(FileKind.Other));
            Assert.That(FileKinds.Guess(Dir), Is.EqualTo(FileKind.Directory));
            Assert.That(FileKinds.Guess(none), Is.EqualTo(FileKind.Missing));
        });
    }

    [Test]
    public void AFileReadThroughALinkIsReadWholeAndItsOwnSizeLimited()
    {
        // The size was the link's own (the length of its target's name): a 100-byte file behind a link was read as its
        // first few bytes, an ONNX model through a link refused as truncated, a report as not JSON.
        string file = Path.Combine(Dir, "a-file-whose-name-is-long-enough.bin"), link = Path.Combine(Dir, "l");
        byte[] bytes = [.. Enumerable.Range(0, 100).Select(i => (byte)i)];
        File.WriteAllBytes(file, bytes);
        File.CreateSymbolicLink(link, Path.GetFileName(file));
        Assert.That(InputFile.ReadAllBytes(link, "protobuf file", 100), Is.EqualTo(bytes));
        Assert.That(() => InputFile.ReadAllBytes(link, "protobuf file", 99), Throws.InstanceOf<IOException>().With.Message.EqualTo(
            $"{link}: 100 bytes, more than a protobuf file may hold (99)"));
    }

    [Test]
    [Platform("Linux")]
    public void DotNetAloneGuessesALinkByWhatItLeadsTo()
    {
        // A link's own size is never 0, so a link to a pipe or an empty file was guessed regular, and opened.
        string pipe = Fifo(), empty = Path.Combine(Dir, "e"), file = Path.Combine(Dir, "f");
        File.WriteAllText(empty, "");
        File.WriteAllText(file, "x");
        File.CreateSymbolicLink(Path.Combine(Dir, "to-pipe"), pipe);
        File.CreateSymbolicLink(Path.Combine(Dir, "to-empty"), empty);
        File.CreateSymbolicLink(Path.Combine(Dir, "to-file"), file);
        Assert.That(FileKinds.Guess(Path.Combine(Dir, "to-pipe")), Is.EqualTo(FileKind.Other));
        Assert.That(FileKinds.Guess(Path.Combine(Dir, "to-empty")), Is.EqualTo(FileKind.Other));
        Assert.That(FileKinds.Guess(Path.Combine(Dir, "to-file")), Is.EqualTo(FileKind.Regular));
    }
}
