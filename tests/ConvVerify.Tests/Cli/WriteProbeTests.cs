using System.Diagnostics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// A probe of the commands that write packs and snapshots, against hostile file-system states: each refusal names the
/// path and what it is, and nothing is written or deleted that should not be.
/// </summary>
public class WriteProbeTests : CliTestBase
{
    private static readonly string[] OneCase = ["fixtures", "generate", "--oracle", "naive", "--dtype", "f32", "--fill", "integer", "mb1ic1ih3oc1kh2"];

    private static string CaseId(string pack) => Path.GetFileName(Directory.GetDirectories(pack).Single());

    private string Pack(string name = "pack")
    {
        string pack = TempPath(name);
        FixtureGenerator.Generate(pack, [ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic1ih3oc1kh2"), Fill.Integer)], new EngineOracle(ConvEngines.Naive), force: false);
        return pack;
    }

    [Test]
    public void AnOutputThatIsANamedPipeOrADeviceIsCalledSoNotAFile()
    {
        // Both were "is a file, not a pack folder", and the user looked for a file that was not there.
        string pipe = NamedPipes.Make(TempPath("pipe"));
        var r = Run([.. OneCase, "--out", pipe]);
        Assert.That((r.Code, r.Err), Is.EqualTo((2, $"convverify: {pipe}: is a named pipe, not a pack folder\n")), r.ToString());
        r = Run([.. OneCase, "--out", "/dev/null"]);
        Assert.That((r.Code, r.Err), Is.EqualTo((2, "convverify: /dev/null: is a character device, not a pack folder\n")), r.ToString());
    }

    [Test]
    public void AnOutputBelowAFileNamesTheFileInTheWay()
    {
        // Was the system's "The file '.../afile' already exists.", naming neither --out nor why a file mattered.
        string file = TempPath("afile");
        File.WriteAllText(file, "mine");
        string output = Path.Combine(file, "sub", "pack");
        var r = Run([.. OneCase, "--out", output]);
        Assert.That((r.Code, r.Err), Is.EqualTo((2, $"convverify: {output}: its folder {Path.Combine(file, "sub")} cannot be made: {file} is a regular file, not a folder\n")), r.ToString());
        Assert.That(File.ReadAllText(file), Is.EqualTo("mine"));
    }

    [Test]
    public void ALockThatIsAFolderIsNamedAndTheRefusedRunLeavesNoLockFile()
    {
        string output = TempPath("pack");
        string lockPath = Path.Combine(Temp, ".pack.lock");
        Directory.CreateDirectory(lockPath);
        var r = Run([.. OneCase, "--out", output]);
        Assert.That((r.Code, r.Err), Is.EqualTo((2, $"convverify: {output}: its lock {lockPath} is a folder, not a lock file; remove it\n")), r.ToString());
        Directory.Delete(lockPath);
        // Refused after the lock was taken (the folder is not empty): the lock file went with the run.
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "mine"), "");
        r = Run([.. OneCase, "--out", output]);
        Assert.That((r.Code, Path.Exists(lockPath)), Is.EqualTo((2, false)), r.ToString());
    }

    [Test]
    public void ForceNeverDeletesAFolderOrAPipeInsideACaseFolder()
    {
        // --force checked only the pack's top level: a folder kept in a case folder (notes, data) was deleted unseen.
        string pack = Pack();
        string kept = Path.Combine(pack, CaseId(pack), "mine");
        Directory.CreateDirectory(kept);
        File.WriteAllText(Path.Combine(kept, "precious.txt"), "mine");
        var r = Run([.. OneCase, "--out", pack, "--force"]);
        Assert.That((r.Code, r.Err), Is.EqualTo((2, $"convverify: {kept}: a directory in a case folder, where a pack holds regular files only; refusing to delete it even with --force\n")), r.ToString());
        Assert.That(File.ReadAllText(Path.Combine(kept, "precious.txt")), Is.EqualTo("mine"));
        Directory.Delete(kept, recursive: true);
        string pipe = NamedPipes.Make(Path.Combine(pack, CaseId(pack), "p"));
        Assert.That(() => PackWriter.CheckReplaceable(pack, force: true), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{pipe}: a named pipe in a case folder, where a pack holds regular files only; refusing to delete it even with --force"));
        File.Delete(pipe);
        Assert.That(PackWriter.CheckReplaceable(pack, force: true), Is.True, "a pack of files only is replaced");
    }

    [Test]
    public void ForceNeverDeletesAFileInACaseFolderThatIsNoCaseFile()
    {
        // A note kept in a case folder went with the pack under --force (and under regenerate), while the same note at
        // the pack's top was refused: refused alike now, naming it, before anything is written.
        string pack = Pack();
        string notes = Path.Combine(pack, CaseId(pack), "notes.txt");
        File.WriteAllText(notes, "mine");
        var before = Directory.GetFiles(pack, "*", SearchOption.AllDirectories).ToDictionary(f => f, Manifest.Sha256);
        var r = Run([.. OneCase, "--out", pack, "--force"]);
        Assert.That((r.Code, r.Err), Is.EqualTo((2, $"convverify: {notes}: not a case file (a pack's case folder holds case.json, x.npy, w.npy, b.npy, dy.npy, "
            + "y.npy, dx.npy, dw.npy or db.npy), so not the pack's to replace; refusing to delete it even with --force\n")), r.ToString());
        Assert.That(Directory.GetFiles(pack, "*", SearchOption.AllDirectories).ToDictionary(f => f, Manifest.Sha256), Is.EqualTo(before), "nothing written or deleted");
        File.Delete(notes);
        Assert.That(Run([.. OneCase, "--out", pack, "--force"]).Code, Is.Zero, "a pack of case files only is replaced");
    }

    [Test]
    public void AFolderThatIsNoPackIsSaidSoBeforeForceIsSuggested()
    {
        // Without --force the run said "pass --force to replace its contents", and with it refused to delete the folder.
        string folder = TempPath("p3");
        Directory.CreateDirectory(folder);
        string mine = Path.Combine(folder, "mine.txt");
        File.WriteAllText(mine, "");
        string refusal = $"convverify: {folder}: not a fixture pack (1 entry is neither a case folder nor manifest.json, e.g. {mine}); refusing to delete it even with --force\n";
        var r = Run([.. OneCase, "--out", folder]);
        Assert.That((r.Code, r.Err), Is.EqualTo((2, refusal)), r.ToString());
        r = Run([.. OneCase, "--out", folder, "--force"]);
        Assert.That((r.Code, r.Err), Is.EqualTo((2, refusal)), r.ToString());
        // A pack is what --force is suggested for.
        string pack = Pack();
        r = Run([.. OneCase, "--out", pack]);
        Assert.That((r.Code, r.Err), Is.EqualTo((2, $"convverify: {pack}: holds a fixture pack; pass --force to replace it\n")), r.ToString());
    }

    [Test]
    public void OneStrayIsCountedInTheSingular()
    {
        string pack = Pack();
        string notes = Path.Combine(pack, "notes.txt");
        File.WriteAllText(notes, "");
        Assert.That(() => PackWriter.CheckReplaceable(pack, force: true), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{pack}: not a fixture pack (1 entry is neither a case folder nor manifest.json, e.g. {notes}); refusing to delete it even with --force"));
    }

    [Test]
    public void WrittenOutAFolderNameWithANewlineOrAnEscapeIsEscaped()
    {
        // "wrote nl\nname: ..." printed a line of its own; an escape sequence drove the terminal.
        foreach (string name in (string[])["n\nl", "e\u001b[31m"])
        {
            string pack = TempPath(name);
            var r = Run([.. OneCase, "--out", pack]);
            Assert.That(r.Code, Is.EqualTo(0), r.ToString());
            Assert.That(r.Out.Any(c => c is '\u001b') || r.Out.TrimEnd('\n').Contains('\n', StringComparison.Ordinal), Is.False, r.ToString());
            Assert.That(r.Out, Does.StartWith("wrote " + PackPaths.Printable(pack) + ": 1 case"), r.ToString());
            r = Run("fixtures", "check", pack);
            string summary = r.Out.Split('\n').Single(l => l.StartsWith("fixtures check ", StringComparison.Ordinal) && l.Contains("corrupt", StringComparison.Ordinal));
            Assert.That((r.Code, summary), Is.EqualTo((0, $"fixtures check {PackPaths.Printable(pack)}: 1 case, 0 corrupt files, 0 failed directions, 4 fresh")), r.ToString());
            string snapshots = TempPath("s" + name);
            Directory.CreateDirectory(snapshots);
            File.WriteAllText(Path.Combine(snapshots, "a.received.txt"), "hi\n");
            r = Run("snapshots", "accept", "--dir", snapshots);
            Assert.That((r.Code, r.Out.Count(c => c == '\n'), r.Out.Contains('\u001b', StringComparison.Ordinal)), Is.EqualTo((0, 2, false)), r.ToString());
        }
    }

    [Test]
    public void AnArgumentThatWasNotUtf8IsRefusedNotTakenForAnotherName()
    {
        // .NET reads the bytes "bad\xff" of a command line as "bad\uFFFD": --out wrote a folder of another name.
        string output = TempPath("bad\uFFFD");
        var r = Run([.. OneCase, "--out", output]);
        Assert.That((r.Code, r.Err.Split('\n')[0]), Is.EqualTo((2,
            $"convverify: argument '{Path.Combine(Temp, "bad")}\\ufffd' holds U+FFFD (shown as \\ufffd), which is how .NET reads bytes that are not UTF-8, so the path or value meant cannot be named; give it in UTF-8, without U+FFFD")), r.ToString());
        Assert.That(Path.Exists(output), Is.False);
    }

    [Test]
    public void AReportFolderThatIsANamedPipeIsCalledSo()
    {
        string pipe = NamedPipes.Make(TempPath("fifo"));
        var r = Run("check", "--set", "question", "--report", pipe);
        Assert.That((r.Code, r.Err), Is.EqualTo((2, $"convverify: --report: {pipe} is a named pipe; give a folder for index.html and its pictures\n")), r.ToString());
    }

    [Test]
    public void RegenerateRefusesAReadOnlySetBeforeRewritingAny()
    {
        // The stray check ran over every set first, but a read-only folder of the third was found after the first two
        // had been rewritten, leaving the clone's packs of two generations.
        string root = TempPath("fixtures");
        foreach (string set in ConvVerify.Catalog.CaseSets.Committed) Directory.CreateDirectory(Path.Combine(root, set));
        string last = Path.Combine(root, ConvVerify.Catalog.CaseSets.Committed[^1]), caseDir = Path.Combine(last, "case");
        Directory.CreateDirectory(caseDir);
        File.WriteAllText(Path.Combine(last, "manifest.json"), "{}");
        File.WriteAllText(Path.Combine(caseDir, "case.json"), "{}");
        MakeReadOnly(caseDir);
        try
        {
            string message = Assert.Throws<ConvVerify.Cli.CliException>(() => ConvVerify.Cli.FixturesCommand.CheckRegenerateTargets(root))!.Message;
            Assert.That(message, Does.StartWith($"fixtures regenerate: {caseDir}: cannot be emptied ("));
            Assert.That(message, Does.EndWith($"), so {last} cannot be replaced; nothing was written; no set was rewritten"));
        }
        finally
        {
            UndoReadOnly(caseDir);
        }
        ConvVerify.Cli.FixturesCommand.CheckRegenerateTargets(root);
    }

    [Test]
    public void AReadOnlyOldPackIsRefusedBeforeAnythingIsWritten()
    {
        // Found only after the new pack was written: the swap put it in, deleting the old one failed ("Access to the path
        // '.../.pack.trash-…/case' is denied", exit 2 though written), and the leftover failed every later run the same way.
        // Root writes through mode bits, so the immutable flag (which binds root too) stands in for them there.
        string pack = Pack();
        string caseDir = Path.Combine(pack, CaseId(pack));
        MakeReadOnly(caseDir);
        try
        {
            var r = Run([.. OneCase, "--out", pack, "--force"]);
            Assert.That((r.Code, r.Err), Is.EqualTo((2, $"convverify: {caseDir}: cannot be emptied (Operation not permitted), so {pack} cannot be replaced; nothing was written\n"))
                .Or.EqualTo((2, $"convverify: {caseDir}: cannot be emptied (Permission denied), so {pack} cannot be replaced; nothing was written\n")), r.ToString());
            Assert.That(Directory.GetFileSystemEntries(Temp).Select(Path.GetFileName), Is.EqualTo(new[] { "pack" }), "no staging, trash or lock left");
        }
        finally
        {
            UndoReadOnly(caseDir);
        }
    }

    [Test]
    public void AReadOnlySubfolderOfASnapshotFolderIsRefusedBeforeAnythingIsAccepted()
    {
        string snapshots = TempPath("snapshots"), cli = Path.Combine(snapshots, "cli");
        Directory.CreateDirectory(cli);
        File.WriteAllText(Path.Combine(snapshots, "a.received.txt"), "new\n");
        MakeReadOnly(cli);
        try
        {
            var r = Run("snapshots", "accept", "--dir", snapshots);
            Assert.That((r.Code, r.Err), Is.EqualTo((2, $"convverify: {cli}: cannot be emptied (Operation not permitted), so {snapshots} cannot be replaced; nothing was written\n"))
                .Or.EqualTo((2, $"convverify: {cli}: cannot be emptied (Permission denied), so {snapshots} cannot be replaced; nothing was written\n")), r.ToString());
            Assert.That(Directory.GetFileSystemEntries(snapshots).Select(Path.GetFileName).Order(StringComparer.Ordinal), Is.EqualTo(new[] { "a.received.txt", "cli" }), "nothing accepted");
        }
        finally
        {
            UndoReadOnly(cli);
        }
    }

    [Test]
    public void ALeftoverThatCannotBeDeletedIsNamedWithWhatToDo()
    {
        string pack = Pack();
        string trash = Path.Combine(Temp, $".pack.trash-{Guid.NewGuid():N}");
        string inner = Path.Combine(trash, "case");
        Directory.CreateDirectory(inner);
        File.WriteAllText(Path.Combine(inner, "x.npy"), "");
        MakeReadOnly(inner);
        try
        {
            var r = Run([.. OneCase, "--out", pack, "--force"]);
            Assert.That(r.Code, Is.EqualTo(2), r.ToString());
            Assert.That(r.Err, Does.StartWith($"convverify: {pack}: an earlier run's leftover beside it, {trash}, cannot be deleted (").And.EndWith("); remove it by hand\n"), r.ToString());
        }
        finally
        {
            UndoReadOnly(inner);
        }
    }

    [Test]
    public void APackBelowAFileSaysTheFileIsInTheWay()
    {
        // "afile/x: pack folder not found" sent the user looking for a typo in x.
        string file = TempPath("afile");
        File.WriteAllText(file, "");
        string pack = Path.Combine(file, "x");
        var r = Run("fixtures", "check", pack);
        Assert.That((r.Code, r.Err), Is.EqualTo((2, $"convverify: {pack}: pack folder not found ({file} is a regular file, not a folder)\n")), r.ToString());
        Assert.That(PackPaths.NotAFolder(Path.Combine(Temp, "none", "x")), Is.EqualTo("folder not found"), "a missing folder above is no file in the way");
    }

    // Mode bits for an ordinary user; for root, which they do not bind, the immutable flag (Linux, ext4 and the like).
    private static void MakeReadOnly(string folder)
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("no Unix permissions");
        if (Environment.UserName != "root" && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            return;
        }
        if (Chattr("+i", folder) != 0) Assert.Ignore($"running as root, and chattr +i {folder} failed: no way to make a folder read-only here");
    }

    private static void UndoReadOnly(string folder)
    {
        if (OperatingSystem.IsWindows()) return;
        if (Environment.UserName != "root") File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        else Chattr("-i", folder);
    }

    private static int Chattr(string flag, string path)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
