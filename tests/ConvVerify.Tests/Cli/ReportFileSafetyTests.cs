using System.Diagnostics;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// The files a run writes (--json, --junit, --report's page and pictures) never land on something else through a link
/// left at their names, are refused up front when they cannot be written, and a failure while writing leaves the file
/// that was there. A report-only probe: a link failure-0-heatmap.png -> a pack's y.npy turned the array into a PNG.
/// </summary>
public class ReportFileSafetyTests : CliTestBase
{
    private static readonly string[] Tensors = ["y", "dx", "dw", "db"];

    // A pack of one case and a candidate whose y is off by one in its last element: verify-impl exits 1 with one failing
    // direction, whose pictures are failure-0-heatmap.png and failure-0-histogram.png.
    private (string Pack, string Id, string Candidate) Failing()
    {
        string pack = TempPath("pk");
        var g = Run("fixtures", "generate", "--out", pack, "--oracle", "naive", "--dtype", "f32", "--fill", "integer", "mb1ic2ih5oc2oh3kh3n\"plain\"");
        Assert.That(g.Code, Is.Zero, g.ToString());
        string id = CaseFolders(pack).Single();
        string candidate = TempPath("cand");
        Directory.CreateDirectory(Path.Combine(candidate, id));
        foreach (string t in Tensors) File.Copy(Path.Combine(pack, id, t + ".npy"), Path.Combine(candidate, id, t + ".npy"));
        string y = Path.Combine(candidate, id, "y.npy");
        byte[] bytes = File.ReadAllBytes(y);
        BitConverter.GetBytes(BitConverter.ToSingle(bytes, bytes.Length - 4) + 1).CopyTo(bytes, bytes.Length - 4);
        File.WriteAllBytes(y, bytes);
        return (pack, id, candidate);
    }

    [Test]
    public void APictureNameLinkedToAnInputIsRefusedBeforeTheRun()
    {
        var (pack, id, candidate) = Failing();
        string y = Path.Combine(pack, id, "y.npy");
        byte[] before = File.ReadAllBytes(y);
        string folder = TempPath("r");
        Directory.CreateDirectory(folder);
        File.CreateSymbolicLink(Path.Combine(folder, "failure-0-heatmap.png"), y);
        var r = Run("verify-impl", "--pack", pack, "--candidate", candidate, "--report", folder);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2,
            $"convverify: --report: {folder} would write failure-0-heatmap.png over the --pack {pack}; an output must not overwrite what the run reads")), r.ToString());
        Assert.That(File.ReadAllBytes(y), Is.EqualTo(before), "the pack's y.npy was not written over");
        // The run's own --json, under a picture's name by a hard link.
        File.Delete(Path.Combine(folder, "failure-0-heatmap.png"));
        string json = TempPath("v.json");
        File.WriteAllText(json, "{}");
        HardLinks.Make(json, Path.Combine(folder, "failure-0-histogram.png"));
        r = Run("verify-impl", "--pack", pack, "--candidate", candidate, "--json", json, "--report", folder);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2,
            $"convverify: --json: {json} is where --report {folder} writes failure-0-histogram.png; give each its own")), r.ToString());
    }

    [Test]
    public void APageNameThatIsALinkIsReplacedNotWrittenThrough()
    {
        var (pack, id, candidate) = Failing();
        // A hard link into the pack cannot be seen by path (the pack is a folder): the page must replace the name.
        string y = Path.Combine(pack, id, "y.npy");
        byte[] before = File.ReadAllBytes(y);
        string folder = TempPath("r");
        Directory.CreateDirectory(folder);
        HardLinks.Make(y, Path.Combine(folder, "failure-0-heatmap.png"));
        string elsewhere = TempPath("notes.txt");
        File.WriteAllText(elsewhere, "mine");
        File.CreateSymbolicLink(Path.Combine(folder, "index.html"), elsewhere);
        File.CreateSymbolicLink(Path.Combine(folder, "failure-0-histogram.png"), elsewhere);
        var r = Run("verify-impl", "--pack", pack, "--candidate", candidate, "--report", folder);
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        Assert.That((File.ReadAllBytes(y), File.ReadAllText(elsewhere)), Is.EqualTo((before, "mine")), "nothing written through a link");
        foreach (string name in new[] { "index.html", "failure-0-heatmap.png", "failure-0-histogram.png" })
            Assert.That(new FileInfo(Path.Combine(folder, name)).LinkTarget, Is.Null, name + " is the page's own file now");
        Assert.That(File.ReadAllBytes(Path.Combine(folder, "failure-0-heatmap.png")).Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
        Assert.That(File.ReadAllText(Path.Combine(folder, "index.html")), Does.Contain("failure-0-heatmap.png"));
        Assert.That(Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Where(n => n!.StartsWith('.')), Is.Empty, "no temporary file left");
    }

    [TestCase("failure-0-heatmap.png")]
    [TestCase("index.html")]
    public void ANamedPipeAtAPageNameIsRefusedBeforeTheRun(string name)
    {
        // It hung the run: the picture was opened for writing, and a pipe waits for a reader.
        var (pack, _, candidate) = Failing();
        string folder = TempPath("r");
        Directory.CreateDirectory(folder);
        NamedPipes.Make(Path.Combine(folder, name));
        var r = Run("verify-impl", "--pack", pack, "--candidate", candidate, "--report", folder);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2,
            $"convverify: --report: cannot write into {folder}: {name} there is a named pipe, where the page writes its {name}; remove it")), r.ToString());
    }

    [Test]
    public void PicturesOfAnEarlierRunAreRemovedAndARefusedRunLeavesNoFolder()
    {
        var (pack, _, candidate) = Failing();
        string folder = TempPath("r");
        Directory.CreateDirectory(folder);
        foreach (string old in new[] { "failure-7-heatmap.png", "failure-7-histogram.png" }) File.WriteAllText(Path.Combine(folder, old), "old");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");
        var r = Run("verify-impl", "--pack", pack, "--candidate", candidate, "--report", folder);
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        Assert.That(Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal),
            Is.EqualTo(new[] { "failure-0-heatmap.png", "failure-0-histogram.png", "index.html", "notes.txt" }), "the earlier run's pictures went; other files stay");
        // Refused after the folder was checked (an unknown oracle): no empty folder left behind.
        string fresh = TempPath("nd1");
        r = Run("soak", "--cases", "2", "--report", fresh, "--oracle", "bogus");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(Directory.Exists(fresh), Is.False, "the refused run made no folder");
    }

    [Test]
    public void AJUnitFileThatIsTheJsonFileByALinkIsRefused()
    {
        string json = TempPath("a.json");
        string soft = TempPath("j.xml"), hard = TempPath("h.xml");
        File.WriteAllText(json, "{}");
        File.CreateSymbolicLink(soft, json);
        HardLinks.Make(json, hard);
        string[] check = ["check", "--oracle", "naive", "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer", "--json", json];
        var r = Run([.. check, "--junit", soft]);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2, $"convverify: --junit: {soft} leads to {json}, which --json {json} also writes (a symbolic link); give each its own")), r.ToString());
        r = Run([.. check, "--junit", hard]);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2, $"convverify: --junit: {hard} is the --json file {json} under another name (a hard link); give each its own")), r.ToString());
        Assert.That(File.ReadAllText(json), Is.EqualTo("{}"), "nothing ran");
        // report merge checks its outputs alike.
        string shard = TempPath("s.json");
        Assert.That(Run("check", "--oracle", "naive", "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer", "--json", shard).Code, Is.Zero);
        r = Run("report", "merge", shard, "--json", json, "--junit", soft);
        Assert.That((r.Code, r.Err.Contains($"--junit: {soft} leads to {json}", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
    }

    [TestCase("--json")]
    [TestCase("--junit")]
    public void AnOutputThatIsALinkIntoAMissingFolderIsRefusedBeforeTheRun(string option)
    {
        string link = TempPath("dang.json");
        string target = Path.Combine(Temp, "gone", "x.json");
        File.CreateSymbolicLink(link, target);
        var r = Run("check", "--oracle", "naive", "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer", option, link);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2,
            $"convverify: {option}: cannot write {link}: it is a symbolic link to {target}, and folder {Path.GetDirectoryName(target)} does not exist")), r.ToString());
        Assert.That(r.Out, Is.Empty, "refused before the run");
        // A link whose target's folder is there makes the target, and stays a link.
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        r = Run("check", "--oracle", "naive", "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer", option, link);
        Assert.That((r.Code, File.Exists(target), new FileInfo(link).LinkTarget), Is.EqualTo((0, true, target)), r.ToString());
    }

    [TestCase("--json")]
    [TestCase("--junit")]
    public void AFullDiskLeavesThePreviousOutputAsItWas(string option)
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("mounts a tmpfs");
        string disk = TempPath("disk");
        Directory.CreateDirectory(disk);
        if (!Mount(disk)) Assert.Ignore("cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)");
        try
        {
            string output = Path.Combine(disk, "out.file");
            File.WriteAllText(output, "the previous report");
            // The rest of the 64 KB taken: the report (some KB) cannot be written whole.
            using (var fill = new FileStream(Path.Combine(disk, "fill"), FileMode.CreateNew))
            {
                var block = new byte[4096];
                try
                {
                    while (true) fill.Write(block);
                }
                catch (IOException)
                {
                    // full
                }
            }
            // The question set's report (tens of KB) is larger than the page the old file frees when it is truncated.
            var r = Run("check", "--set", "question", option, output);
            Assert.That((r.Code, r.Err.Contains($"{option}: cannot write {output}", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
            Assert.That(File.ReadAllText(output), Is.EqualTo("the previous report"), "the previous file is intact");
            Assert.That(Directory.GetFileSystemEntries(disk).Select(Path.GetFileName).Order(StringComparer.Ordinal), Is.EqualTo(new[] { "fill", "out.file" }), "the temporary file was removed");
        }
        finally
        {
            Unmount(disk);
        }
    }

    [Test]
    public void AnOutputNameNearTheLimitIsWrittenThroughATemporaryNameThatFits()
    {
        // The temporary name was the output's plus ".tmp-<32 hex>.json": a name of 250 bytes passed the check before the
        // run (it can be made), and the run's output was lost at its end with "File name too long".
        string output = TempPath(new string('r', 245) + ".json");
        var r = Run("check", "--oracle", "naive", "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer", "--json", output);
        Assert.That((r.Code, File.Exists(output)), Is.EqualTo((0, true)), r.ToString());
    }

    [Test]
    public void AnOutputInAFolderThatTakesNoNewFileIsRefusedBeforeTheRun()
    {
        // Replaced by a file made beside it, a writable report in a read-only folder failed only after the whole run.
        if (!OperatingSystem.IsLinux()) Assert.Ignore("mounts a tmpfs");
        string disk = TempPath("ro");
        Directory.CreateDirectory(disk);
        if (!Mount(disk)) Assert.Ignore("cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)");
        try
        {
            string output = Path.Combine(disk, "out.json");
            File.WriteAllText(output, "the previous report");
            Assert.That(Command("mount", "-o", "remount,ro", disk), Is.Zero, "remount read-only");
            var r = Run("check", "--oracle", "naive", "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer", "--json", output);
            Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2, $"convverify: --json: cannot write {output}: it is replaced by a new file made in {disk}, which cannot be written (Read-only file system)")), r.ToString());
            Assert.That(r.Out, Is.Empty, "refused before the run");
        }
        finally
        {
            Unmount(disk);
        }
    }

    [Test]
    public void AReportFolderWhoseProbeFailsIsNotLeftBehind()
    {
        // Two inodes: the mount's root and the folder made to probe; the probe file finds none left, and the folder made
        // for it stayed behind the refusal.
        if (!OperatingSystem.IsLinux()) Assert.Ignore("mounts a tmpfs");
        string disk = TempPath("inodes");
        Directory.CreateDirectory(disk);
        if (Command("mount", "-t", "tmpfs", "-o", "size=64k,nr_inodes=2", "tmpfs", disk) != 0) Assert.Ignore("cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)");
        try
        {
            string report = Path.Combine(disk, "page");
            var r = Run("check", "--oracle", "naive", "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer", "--report", report);
            Assert.That((r.Code, r.Err.StartsWith($"convverify: --report: cannot write into {report}: ", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
            Assert.That(Directory.GetFileSystemEntries(disk), Is.Empty, "the folder made to probe is gone");
        }
        finally
        {
            Unmount(disk);
        }
    }

    private static bool Mount(string folder) => Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder) == 0;

    private static void Unmount(string folder) => Assert.That(Command("umount", folder), Is.Zero, "umount " + folder);

    private static int Command(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
