namespace ConvVerify.Tests.Cli;

/// <summary>
/// A run's outputs never land on what it reads: a probe wrote --json over a pack's manifest, --junit over an input array
/// and --json over a candidate's result, each run passing and the next one failing.
/// </summary>
public class OutputApartTests : CliTestBase
{
    [Test]
    public void AnOutputOnAPackFileOrInsideAPackIsRefusedBeforeTheRun()
    {
        string pack = CopyCommittedPack("question");
        string manifest = Path.Combine(pack, "manifest.json");
        string before = File.ReadAllText(manifest);
        var r = Run("check", "--pack", pack, "--json", manifest);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2, $"convverify: --json: {manifest} is inside the --pack folder {pack}; an output must not overwrite what the run reads")), r.ToString());
        string x = Path.Combine(pack, QuestionCase("f32", "integer"), "x.npy");
        r = Run("check", "--pack", pack, "--junit", x);
        Assert.That((r.Code, r.Err.Contains("--junit: ", StringComparison.Ordinal) && r.Err.Contains("inside the --pack folder", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        r = Run("check", "--pack", pack, "--report", pack);
        Assert.That((r.Code, r.Err.Contains($"--report: {pack} is the --pack the run reads", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        r = Run("fixtures", "check", pack, "--json", Path.Combine(pack, "r.json"));
        Assert.That((r.Code, r.Err.Contains("r.json is inside the pack folder", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        // Without --pack the committed packs are read: a report into one of them is refused too.
        string committed = Path.Combine(ConvVerify.Locations.CommittedPack("basic"), "r.json");
        r = Run("check", "--json", committed);
        Assert.That((r.Code, r.Err.Contains("r.json is inside the committed pack folder", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        Assert.That(File.Exists(committed), Is.False);
        Assert.That(File.ReadAllText(manifest), Is.EqualTo(before), "nothing was written");
        // Beside the pack is fine, and a name that only starts like the pack's is not inside it.
        r = Run("check", "--pack", pack, "--json", pack + "-report.json");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
    }

    [Test]
    public void AnOutputOnACandidateOrABatchFileIsRefused()
    {
        string pack = CopyCommittedPack("question");
        string cand = TempPath("cand");
        Directory.CreateDirectory(Path.Combine(cand, QuestionCase("f32", "integer")));
        var r = Run("verify-impl", "--pack", pack, "--candidate", cand, "--json", Path.Combine(cand, QuestionCase("f32", "integer"), "y.npy"));
        Assert.That((r.Code, r.Err.Contains("inside the --candidate folder", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        string batch = TempPath("b.txt");
        File.WriteAllText(batch, "mb1ic2ih4oc2kh3\n");
        r = Run("check", "--oracle", "naive", "--batch", batch, "--json", batch);
        Assert.That((r.Code, r.Err.Contains($"--json: {batch} is the --batch the run reads", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        Assert.That(File.ReadAllText(batch), Is.EqualTo("mb1ic2ih4oc2kh3\n"));
        r = Run("check", "--oracle", "naive", "mb1ic2ih4oc2kh3", "--json", TempPath("rep"), "--report", TempPath("rep"));
        Assert.That((r.Code, r.Err.Contains("is also the --report folder", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
    }

    [Test]
    public void AReportFolderThatWouldWriteItsPageOverAnInputIsRefused()
    {
        // report merge r/index.html --report r read the shard, then wrote the page over it.
        string folder = TempPath("r");
        Directory.CreateDirectory(folder);
        string shard = Path.Combine(folder, "index.html");
        Assert.That(Run("check", "--oracle", "naive", "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer", "--json", shard).Code, Is.EqualTo(0));
        string written = File.ReadAllText(shard);
        var r = Run("report", "merge", shard, "--report", folder);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2,
            $"convverify: --report: {folder} would write index.html over the shard {shard}; an output must not overwrite what the run reads")), r.ToString());
        Assert.That(File.ReadAllText(shard), Is.EqualTo(written), "the shard was not written over");
        // A failure's picture is a page file too; a batch file of another name in the folder is read and left alone.
        string batch = Path.Combine(folder, "failure-0-heatmap.png");
        File.WriteAllText(batch, "mb1ic2ih4oc2kh3\n");
        r = Run("check", "--oracle", "naive", "--batch", batch, "--report", folder);
        Assert.That((r.Code, r.Err.Contains($"would write failure-0-heatmap.png over the --batch {batch}", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        File.Move(batch, Path.Combine(folder, "shapes.txt"));
        r = Run("check", "--oracle", "naive", "--batch", Path.Combine(folder, "shapes.txt"), "--dtype", "f32", "--fill", "integer", "--report", folder);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
    }

    [Test]
    public void AnOutputThatIsAnInputUnderAHardLinkIsRefused()
    {
        // report merge s1.json s2.json --json copy.json, copy.json a hard link to s2.json: the merged report was written
        // over the shard it had read, and the run passed; a path comparison cannot see a hard link.
        string shard = TempPath("shard.json");
        Assert.That(Run("check", "--oracle", "naive", "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer", "--json", shard).Code, Is.EqualTo(0));
        string written = File.ReadAllText(shard);
        string copy = HardLinks.Make(shard, TempPath("copy.json"));
        var r = Run("report", "merge", shard, "--json", copy);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2,
            $"convverify: --json: {copy} is the shard {shard} the run reads, under another name (a hard link); an output must not overwrite an input")), r.ToString());
        r = Run("report", "merge", shard, "--junit", copy);
        Assert.That((r.Code, r.Err.Contains($"--junit: {copy} is the shard {shard} the run reads, under another name", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        // The page's index.html may be the shard by another name too.
        string folder = TempPath("r");
        Directory.CreateDirectory(folder);
        HardLinks.Make(shard, Path.Combine(folder, "index.html"));
        r = Run("report", "merge", shard, "--report", folder);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2,
            $"convverify: --report: {folder} would write index.html over the shard {shard}; an output must not overwrite what the run reads")), r.ToString());
        // A batch file under another name is the batch file.
        string batch = TempPath("b.txt");
        File.WriteAllText(batch, "mb1ic2ih4oc2kh3\n");
        string other = HardLinks.Make(batch, TempPath("b-link.txt"));
        r = Run("check", "--oracle", "naive", "--batch", batch, "--json", other);
        Assert.That((r.Code, r.Err.Contains($"--json: {other} is the --batch {batch} the run reads, under another name", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        Assert.That((File.ReadAllText(shard), File.ReadAllText(batch)), Is.EqualTo((written, "mb1ic2ih4oc2kh3\n")), "nothing was written over");
        // A copy is another file, however alike.
        File.Copy(shard, TempPath("copy2.json"));
        Assert.That(Run("report", "merge", shard, "--json", TempPath("copy2.json")).Code, Is.EqualTo(0));
    }

    [TestCase("index.html")]
    [TestCase("failure-0-heatmap.png")]
    public void AReportFolderHoldingAFolderWhereThePageWritesIsRefusedBeforeTheRun(string name)
    {
        // check --report r with a folder r/index.html ran every case, then said "Access to the path ... is denied" (exit 2).
        string folder = TempPath("r");
        Directory.CreateDirectory(Path.Combine(folder, name));
        var r = Run("check", "--oracle", "naive", "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer", "--report", folder);
        Assert.That((r.Code, r.Err.Trim(), r.Out), Is.EqualTo((2, $"convverify: --report: cannot write into {folder}: {name} there is a folder, where the page writes its {name}", "")), r.ToString());
    }

    [Test]
    public void AReportFileThePageWouldWriteOverIsRefused()
    {
        // --json r/index.html --report r: the page was written over the JSON report the same run had just written.
        string folder = TempPath("r");
        string json = Path.Combine(folder, "index.html"), junit = Path.Combine(folder, "failure-2-histogram.png");
        var r = Run("check", "--oracle", "naive", "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer", "--json", json, "--report", folder);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2, $"convverify: --json: {json} is where --report {folder} writes index.html; give each its own")), r.ToString());
        r = Run("check", "--oracle", "naive", "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer", "--junit", junit, "--report", folder);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2, $"convverify: --junit: {junit} is where --report {folder} writes failure-2-histogram.png; give each its own")), r.ToString());
        Assert.That(Directory.Exists(folder), Is.False, "refused before anything is written");

        // report merge checked neither this nor a --json that is the --report folder itself.
        string shard = TempPath("shard.json");
        Assert.That(Run("check", "--oracle", "naive", "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer", "--json", shard).Code, Is.EqualTo(0));
        r = Run("report", "merge", shard, "--json", json, "--report", folder);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2, $"convverify: --json: {json} is where --report {folder} writes index.html; give each its own")), r.ToString());
        r = Run("report", "merge", shard, "--junit", folder, "--report", folder);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2, $"convverify: --junit: {folder} is also the --report folder; give each its own")), r.ToString());
        // Other names in the folder are the user's to choose.
        Directory.CreateDirectory(folder);
        r = Run("report", "merge", shard, "--json", Path.Combine(folder, "merged.json"), "--report", folder);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(File.Exists(Path.Combine(folder, "merged.json")) && File.Exists(Path.Combine(folder, "index.html")), Is.True);
    }

    [Test]
    public void AnOutputOnAFileTheBatchIncludesIsRefusedNamingBoth()
    {
        // top includes mid, mid includes leaf: a report over either would replace problems the next run reads.
        string top = TempPath("top.txt"), mid = TempPath("mid.txt"), leaf = TempPath("leaf.txt");
        File.WriteAllText(top, "--batch=mid.txt\nmb1ic2ih4oc2kh3\n");
        File.WriteAllText(mid, "--batch=leaf.txt\n");
        File.WriteAllText(leaf, "mb1ic2ih5oc2kh3\n");
        var r = Run("check", "--oracle", "naive", "--batch", top, "--json", mid);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2,
            $"convverify: --json: {mid} is {mid}, a batch file that --batch {top} includes; an output must not overwrite what the run reads")), r.ToString());
        r = Run("check", "--oracle", "naive", "--batch", top, "--junit", leaf);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2,
            $"convverify: --junit: {leaf} is {leaf}, a batch file that --batch {top} includes; an output must not overwrite what the run reads")), r.ToString());
        // Another spelling of the same file is the same file.
        string roundabout = Path.Combine(Temp, "elsewhere", "..", "mid.txt");
        r = Run("check", "--oracle", "naive", "--batch", top, "--json", roundabout);
        Assert.That((r.Code, r.Err.Contains($"--json: {roundabout} is {mid}, a batch file", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        Assert.That((File.ReadAllText(mid), File.ReadAllText(leaf)), Is.EqualTo(("--batch=leaf.txt\n", "mb1ic2ih5oc2kh3\n")), "nothing was written");
        // Beside them is fine: the run reads both problems.
        r = Run("check", "--oracle", "naive", "--batch", top, "--json", TempPath("r.json"));
        Assert.That((r.Code, File.Exists(TempPath("r.json"))), Is.EqualTo((0, true)), r.ToString());
    }

    [Test]
    public void AnOutputOnAVendoredBenchdnnFileIsRefused()
    {
        // set_dilated-conv_1st includes two vendored shape files; neither it nor they may be written over.
        string dir = ConvVerify.Locations.BenchdnnInputs()!;
        string set = Path.Combine(dir, "set_dilated-conv_1st"), shapes = Path.Combine(dir, "shapes_dilated_2d_1st_strided_padding");
        byte[] setBytes = File.ReadAllBytes(set), shapesBytes = File.ReadAllBytes(shapes);
        try
        {
            var r = Run("check", "--oracle", "naive", "--batch", "benchdnn:set_dilated-conv_1st", "--max-macs", "1", "--json", shapes);
            Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2,
                $"convverify: --json: {shapes} is {shapes}, a batch file that --batch benchdnn:set_dilated-conv_1st includes; an output must not overwrite what the run reads")),
                r.ToString());
            r = Run("check", "--oracle", "naive", "--batch", "benchdnn:set_dilated-conv_1st", "--max-macs", "1", "--junit", set);
            Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2, $"convverify: --junit: {set} is the --batch the run reads; an output must not overwrite an input")), r.ToString());
        }
        finally
        {
            // Were either refusal missing, the run would have replaced a vendored file: put it back.
            bool changed = !File.ReadAllBytes(set).SequenceEqual(setBytes) || !File.ReadAllBytes(shapes).SequenceEqual(shapesBytes);
            File.WriteAllBytes(set, setBytes);
            File.WriteAllBytes(shapes, shapesBytes);
            Assert.That(changed, Is.False, "a vendored benchdnn file was written over");
        }
    }

    // A pack of one case from the exact engine (no torch needed), and the folder of that case.
    private (string Pack, string Case) ExactPack()
    {
        string pack = TempPath("pack");
        var r = Run("fixtures", "generate", "--out", pack, "--oracle", "exact", "--dtype", "f32", "--fill", "integer", "mb1ic2ih4oc2kh3");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        return (pack, CaseFolders(pack).Select(id => Path.Combine(pack, id)).Single());
    }

    private static Dictionary<string, string> Contents(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => f, ConvVerify.Fixtures.Manifest.Sha256);

    private static CliResult Generate(string output, string batch, params string[] extra) =>
        Run(["fixtures", "generate", "--out", output, "--batch", batch, "--oracle", "exact", "--dtype", "f32", "--fill", "integer", .. extra]);

    [Test]
    public void GenerateRefusesAnOutWhoseReplacementWouldDeleteItsBatch()
    {
        // A batch kept in a case folder of the pack it regenerates: --force read it, then swapped the pack away with it.
        var (pack, caseDir) = ExactPack();
        string batch = Path.Combine(caseDir, "batch.txt");
        File.WriteAllText(batch, "mb1ic2ih5oc2kh3\n");
        var before = Contents(pack);
        var r = Generate(pack, batch, "--force");
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2,
            $"convverify: --out: {pack} holds the --batch {batch} the run reads; replacing the folder would delete it")), r.ToString());

        // A file the batch includes, a roundabout spelling of --out, and a link to the batch are the same files.
        string top = TempPath("top.txt");
        File.WriteAllText(top, $"--batch={batch}\n");
        string roundabout = Path.Combine(Temp, "elsewhere", "..", "pack");
        r = Generate(roundabout, top, "--force");
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2,
            $"convverify: --out: {roundabout} holds {batch}, a batch file that --batch {top} includes; replacing the folder would delete what the run reads")), r.ToString());
        string link = TempPath("link.txt");
        File.CreateSymbolicLink(link, batch);
        r = Generate(pack, link, "--force");
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2,
            $"convverify: --out: {pack} holds the --batch {link} the run reads; replacing the folder would delete it")), r.ToString());
        string linkedPack = TempPath("linked-pack");
        Directory.CreateSymbolicLink(linkedPack, pack);
        r = Generate(pack, Path.Combine(linkedPack, Path.GetFileName(caseDir), "batch.txt"), "--force");
        Assert.That((r.Code, r.Err.Contains($"--out: {pack} holds the --batch {linkedPack}", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        Assert.That(Contents(pack), Is.EqualTo(before), "nothing was written or deleted");

        // --out on the batch file itself is named as such, not as a file where a folder was expected.
        r = Generate(batch, batch);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2, $"convverify: --out: {batch} is the --batch the run reads; an output must not overwrite an input")), r.ToString());

        // Read from beside the pack, the same batch replaces it.
        string outside = TempPath("batch.txt");
        File.Move(batch, outside);
        r = Generate(pack, outside, "--force");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(CaseFolders(pack).Single(), Does.StartWith("mb1ic2ih5oc2"));
    }

    [Test]
    public void ImportOnnxRefusesAnOutThatHoldsOrIsInsideTheDataItWalks()
    {
        string test = Path.Combine(Tests.Fixtures.OnnxImportTests.DebianData, "node", "test_conv_with_strides_padding");
        if (!Directory.Exists(test)) Assert.Fail($"{test} not found: install the Debian package libonnx-testdata");
        // An ONNX test kept in a case folder of the pack: the import read it, then --force deleted it with the old pack.
        var (pack, caseDir) = ExactPack();
        CopyDirectory(test, caseDir);
        var before = Contents(pack);
        var r = Run("fixtures", "import-onnx", caseDir, "--out", pack, "--force");
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2,
            $"convverify: --out: {pack} holds the ONNX test data folder {caseDir} the run reads; replacing the folder would delete it")), r.ToString());
        r = Run("fixtures", "import-onnx", caseDir, "--out", caseDir, "--force");
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2,
            $"convverify: --out: {caseDir} is the ONNX test data the run reads; an output must not overwrite an input")), r.ToString());
        Assert.That(Contents(pack), Is.EqualTo(before), "nothing was written or deleted");

        // A pack written into the folder the import walks (directly or through a link) would be walked by the next import.
        string data = TempPath("data");
        CopyDirectory(test, Path.Combine(data, "conv"));
        string inside = Path.Combine(data, "onnx-pack");
        r = Run("fixtures", "import-onnx", data, "--out", inside);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2,
            $"convverify: --out: {inside} is inside the ONNX test data folder {data}; an output must not overwrite what the run reads")), r.ToString());
        string link = TempPath("data-link");
        Directory.CreateSymbolicLink(link, data);
        r = Run("fixtures", "import-onnx", link, "--out", inside);
        Assert.That((r.Code, r.Err.Contains($"--out: {inside} is inside the ONNX test data folder {link};", StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
        Assert.That(Directory.GetFileSystemEntries(data).Select(Path.GetFileName), Is.EqualTo(new[] { "conv" }), "no pack, staging folder or lock file was made");

        // Beside the data is fine.
        r = Run("fixtures", "import-onnx", data, "--out", TempPath("onnx-pack"));
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
    }
}
