namespace ConvVerify.Tests.Cli;

/// <summary><c>convverify snapshots accept</c>.</summary>
public class SnapshotsCommandTests : CliTestBase
{
    [Test]
    public void AcceptTurnsReceivedFilesIntoVerifiedOnes()
    {
        string dir = TempPath("snapshots");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "alpha.received.txt"), "alpha new\r\nsecond line");
        File.WriteAllText(Path.Combine(dir, "beta.received.txt"), "beta new\n");
        File.WriteAllText(Path.Combine(dir, "beta.verified.txt"), "beta old\n");
        File.WriteAllText(Path.Combine(dir, "gamma.verified.txt"), "gamma untouched\n");

        var r = Run("snapshots", "accept", "--dir", dir);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Directory.GetFiles(dir, "*.received.txt"), Is.Empty);
        Assert.That(File.ReadAllText(Path.Combine(dir, "alpha.verified.txt")), Is.EqualTo("alpha new\nsecond line\n"));
        Assert.That(File.ReadAllText(Path.Combine(dir, "beta.verified.txt")), Is.EqualTo("beta new\n"));
        Assert.That(File.ReadAllText(Path.Combine(dir, "gamma.verified.txt")), Is.EqualTo("gamma untouched\n"));
        Assert.That(r.Out, Does.Contain(Path.Combine(dir, "alpha.verified.txt")));
        Assert.That(r.Out, Does.Contain(Path.Combine(dir, "beta.verified.txt")));
        Assert.That(r.Out, Does.Not.Contain("gamma"));
        Assert.That(r.Out, Does.Contain("2 snapshot files accepted"));
        File.WriteAllText(Path.Combine(dir, "delta.received.txt"), "delta\n");
        Assert.That(Run("snapshots", "accept", "--dir", dir).Out, Does.Contain("1 snapshot file accepted in"));
    }

    [Test]
    [Platform("Linux")]
    [CancelAfter(60_000)]
    public void APipeInTheFolderIsRefusedNotWaitedOn()
    {
        // The folder is copied whole before the swap: File.Copy of a pipe waited for a writer for ever (a probe found it).
        string dir = TempPath("snapshots");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "a.verified.txt"), "old\n");
        File.WriteAllText(Path.Combine(dir, "a.received.txt"), "new\n");
        NamedPipes.Make(Path.Combine(dir, "zpipe"));
        var r = Run("snapshots", "accept", "--dir", dir);
        Assert.That((r.Code, r.Err.Contains(Path.Combine(dir, "zpipe") + ": not a regular file", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        Assert.That(File.ReadAllText(Path.Combine(dir, "a.verified.txt")), Is.EqualTo("old\n"), "nothing accepted");
    }

    // A folder named as a received file was passed over: the run accepted the rest and exited 0, so the snapshot someone meant
    // to accept (a tool that wrote a folder, a file moved into one) was never accepted, without a word. Its verified twin as a
    // folder was refused already.
    [Test]
    public void AFolderNamedAsAReceivedFileIsRefusedNotPassedOver()
    {
        string dir = TempPath("snapshots");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "a.verified.txt"), "old\n");
        File.WriteAllText(Path.Combine(dir, "a.received.txt"), "new\n");
        string folder = Path.Combine(dir, "b.received.txt");
        Directory.CreateDirectory(folder);
        var r = Run("snapshots", "accept", "--dir", dir);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2, $"convverify: {folder}: is a folder, not a received snapshot file; rename or remove it")), r.ToString());
        Assert.That(File.ReadAllText(Path.Combine(dir, "a.verified.txt")), Is.EqualTo("old\n"), "nothing accepted");
    }

    [Test]
    public void AReceivedFileThatIsNoTextIsNamed()
    {
        string dir = TempPath("snapshots");
        Directory.CreateDirectory(dir);
        string received = Path.Combine(dir, "a.received.txt");
        File.WriteAllBytes(received, [0x61, 0xFF, 0xFE]);
        var r = Run("snapshots", "accept", "--dir", dir);
        Assert.That((r.Code, r.Err.Contains("a.received.txt: not UTF-8: byte offset 1 (line 1) holds 0xFF, which UTF-8 never uses; a snapshot file must be UTF-8", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        // The text is read in the staging copy of the folder, a path the user never made: the message names theirs.
        Assert.That(r.Err, Does.Contain($"{received}: not UTF-8: byte offset 1"));
    }

    [Test]
    public void AFileNamedOnlyReceivedIsRefusedByItsPath()
    {
        // Its snapshot name is empty: the refusal was .NET's own "The value cannot be an empty string.", naming nothing.
        string dir = TempPath("snapshots");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, ".received.txt"), "x\n");
        File.WriteAllText(Path.Combine(dir, "a.received.txt"), "new\n");
        var r = Run("snapshots", "accept", "--dir", dir);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain($"{Path.Combine(dir, ".received.txt")}: not a received snapshot file: snapshot name: empty; rename or remove it"));
        Assert.That(File.Exists(Path.Combine(dir, "a.verified.txt")), Is.False, "nothing accepted");
    }

    [Test]
    [Platform("Linux")]
    public void NamesHoldingControlCharactersAreWrittenOutInTheRefusal()
    {
        // A name from a cloned folder may hold an escape sequence (it drives the terminal) or a newline (a forged line).
        string dir = TempPath("snapshots");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "x\u001b[2Jy.received.txt"), "new\n");
        var r = Run("snapshots", "accept", "--dir", dir);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err.Where(c => char.IsControl(c) && c != '\n'), Is.Empty, r.ToString());
        Assert.That(r.Err, Does.Contain($"{dir}/x\\u001b[2Jy.received.txt: not a received snapshot file: snapshot name: 'x\\u001b[2Jy' holds '\\u001b'"));

        File.Delete(Path.Combine(dir, "x\u001b[2Jy.received.txt"));
        File.WriteAllText(Path.Combine(dir, "a.received.txt"), "new\n");
        NamedPipes.Make(Path.Combine(dir, "pipe\n\u001b[2J"));
        r = Run("snapshots", "accept", "--dir", dir);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err.Where(c => char.IsControl(c) && c != '\n'), Is.Empty, r.ToString());
        Assert.That(r.Err, Does.Contain($"{dir}/pipe\\u000a\\u001b[2J: not a regular file"));
    }

    [Test]
    public void AcceptWithNothingReceivedAcceptsNothing()
    {
        string dir = TempPath("snapshots");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "gamma.verified.txt"), "gamma\n");
        var r = Run("snapshots", "accept", "--dir", dir);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("0 snapshot files accepted"));
        Assert.That(File.ReadAllText(Path.Combine(dir, "gamma.verified.txt")), Is.EqualTo("gamma\n"));
    }

    [Test]
    public void ReceivedFilesInSubfoldersAreListedWithTheCommandThatAcceptsThem()
    {
        // "0 snapshot files accepted" while the help snapshots' received files waited in snapshots/cli, and no word of them.
        string dir = TempPath("snapshots");
        Directory.CreateDirectory(Path.Combine(dir, "reports"));
        Directory.CreateDirectory(Path.Combine(dir, "cli"));
        Directory.CreateDirectory(Path.Combine(dir, "deep folder", "z"));
        File.WriteAllText(Path.Combine(dir, "a.verified.txt"), "a\n");
        File.WriteAllText(Path.Combine(dir, "cli", "x.received.txt"), "x\n");
        File.WriteAllText(Path.Combine(dir, "cli", "x.verified.txt"), "old\n");
        File.WriteAllText(Path.Combine(dir, "cli", "y.received.txt"), "y\n");
        File.WriteAllText(Path.Combine(dir, "deep folder", "z", "z.received.txt"), "z\n");
        var r = Run("snapshots", "accept", "--dir", dir);
        Assert.That((r.Code, r.Err), Is.EqualTo((0, "")), r.ToString());
        Assert.That(r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            $"0 snapshot files accepted in {dir}",
            $"2 received files wait in the subfolder {dir}/cli, accepted on its own: convverify snapshots accept --dir {dir}/cli",
            $"1 received file waits in the subfolder {dir}/deep folder/z, accepted on its own: convverify snapshots accept --dir '{dir}/deep folder/z'",
        }));
        Assert.That(File.ReadAllText(Path.Combine(dir, "cli", "x.verified.txt")), Is.EqualTo("old\n"), "a subfolder is not accepted");

        // The command as listed accepts them; nothing is left to list.
        r = Run("snapshots", "accept", "--dir", Path.Combine(dir, "cli"));
        Assert.That(r.Out, Does.Contain("2 snapshot files accepted"));
        Assert.That(Run("snapshots", "accept", "--dir", dir).Out, Does.Not.Contain("/cli"));
    }

    [Test]
    public void AnOldFolderAsideHoldingWhatTheFolderLacksIsNotDeleted()
    {
        // The probe's sequence: an accept killed between its renames, a test run writing its received file into a new folder,
        // and an accept that deleted the old folder without a word.
        string dir = TempPath("snapshots");
        string old = Path.Combine(Temp, ".snapshots.old-0123456789abcdef0123456789abcdef");
        Directory.CreateDirectory(Path.Combine(old, "cli"));
        File.WriteAllText(Path.Combine(old, "a.verified.txt"), "a\n");
        File.WriteAllText(Path.Combine(old, "cli", "c.verified.txt"), "c\n");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "a.received.txt"), "a2\n");
        var r = Run("snapshots", "accept", "--dir", dir);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.StartWith($"convverify: {dir}: an interrupted snapshots accept left the folder's old contents aside as {old}, and {dir} lacks its a.verified.txt: ")
            .And.Contain($"To put it back: mv {dir} {dir}.new && mv {old} {dir} "));
        Assert.That(File.ReadAllText(Path.Combine(old, "cli", "c.verified.txt")), Is.EqualTo("c\n"), "the old folder is kept");
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName), Is.EqualTo(new[] { "a.received.txt" }), "nothing was accepted");
    }

    [Test]
    public void MissingDirIsBadUsage()
    {
        string missing = TempPath("no-snapshots");
        var r = Run("snapshots", "accept", "--dir", missing);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain(missing));
    }
}
