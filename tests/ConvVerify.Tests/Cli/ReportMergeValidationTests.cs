using System.Text.Json.Nodes;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// <c>report merge</c> given shards that would merge into a wrong verdict: run with other verdict options, edited or cut
/// after they were written, or not report files at all. Each is exit 2 naming the file and the value, never a merge.
/// </summary>
public class ReportMergeValidationTests : CliTestBase
{
    // The question pack: 12 cases of four directions (y, dx, dw, db) each.
    private const int QuestionCases = 12;

    private static readonly string[] Results = ["y", "dw", "db"];

    private static void IsRefused(CliResult r, params string[] parts)
    {
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.StartWith("convverify: report merge: "), r.ToString());
        foreach (string part in parts) Assert.That(r.Err, Does.Contain(part), r.ToString());
        Assert.That(r.Out, Is.Empty, "refused before the merged report is printed");
    }

    // Shard i of n of the command, with extra(i) among its options; returns each file and the shard's exit code.
    private (string Path, int Code)[] Shards(int n, Func<int, string[]> extra, params string[] command) =>
        [.. Enumerable.Range(1, n).Select(i =>
        {
            string path = TempPath($"shard-{i}.json");
            var r = Run([.. command, .. extra(i), "--shard", $"{i}/{n}", "--json", path]);
            Assert.That(File.Exists(path), Is.True, r.ToString());
            return (path, r.Code);
        })];

    // Of three, the first shard of the question pack holds no case (the split is by the ids' hash): the tests change the
    // second and the third.
    private string[] QuestionShards(int n = 3) => [.. Shards(n, _ => [], "check", "--set", "question").Select(s => s.Path)];

    // A candidate of the question pack holding the pack's own y, dw and db: every dx is "not provided".
    private (string Pack, string Candidate) WithoutDx()
    {
        string pack = CopyCommittedPack("question");
        string candidate = TempPath("candidate");
        foreach (string id in CaseFolders(pack))
        {
            Directory.CreateDirectory(Path.Combine(candidate, id));
            foreach (string t in Results) File.Copy(Path.Combine(pack, id, t + ".npy"), Path.Combine(candidate, id, t + ".npy"));
        }
        return (pack, candidate);
    }

    private static void Edit(string path, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    // Rewritten through the report's own writer, so the summary agrees with the changed rows: only the merge's
    // checks across shards can find what was done.
    private static void Rewrite(string path, Action<RunReport> change)
    {
        var report = RunReport.Read(path);
        change(report);
        report.Write(path);
    }

    [Test]
    public void ShardsRunWithAnotherRequireAreRefusedWhicheverComesFirst()
    {
        var (pack, candidate) = WithoutDx();
        var shards = Shards(3, i => ["--require", i == 1 ? "any" : "all"], "verify-impl", "--pack", pack, "--candidate", candidate);
        Assert.That(shards.Select(s => s.Code), Is.EqualTo(new[] { 0, 1, 1 }), "the absent dx fail only under --require all");
        var anyFirst = Run("report", "merge", shards[0].Path, shards[1].Path, shards[2].Path);
        IsRefused(anyFirst, shards[1].Path, "--require all", shards[0].Path, "--require any");
        var allFirst = Run("report", "merge", shards[1].Path, shards[0].Path, shards[2].Path);
        IsRefused(allFirst, shards[0].Path, "--require any", shards[1].Path, "--require all");
    }

    [Test]
    public void ShardsRunWithAnotherToleranceAreRefused()
    {
        var shards = Shards(3, i => i == 2 ? ["--tolerance", "sound"] : [], "check", "--set", "question");
        var r = Run("report", "merge", shards[0].Path, shards[1].Path, shards[2].Path);
        IsRefused(r, shards[1].Path, "--tolerance sound", shards[0].Path, "--tolerance probabilistic");
    }

    [Test]
    public void TheToleranceIsRecordedInTheReport()
    {
        string path = TempPath("sound.json");
        Run("check", "--set", "question", "--dtype", "f32", "--tolerance", "sound", "--json", path);
        Assert.That(JsonNode.Parse(File.ReadAllText(path))!["tolerance"]!.GetValue<string>(), Is.EqualTo("sound"));
        Run("check", "--set", "question", "--dtype", "f32", "--json", path);
        Assert.That(JsonNode.Parse(File.ReadAllText(path))!["tolerance"]!.GetValue<string>(), Is.EqualTo("probabilistic"), "the default is said too");
    }

    [Test]
    public void ShardsRunWithAndWithoutStrictAreRefused()
    {
        var (pack, candidate) = WithoutDx();
        // A folder that matches no case: a warning, which --strict makes an error.
        Directory.CreateDirectory(Path.Combine(candidate, "stray"));
        var shards = Shards(3, i => i == 1 ? ["--require", "any"] : ["--require", "any", "--strict"], "verify-impl", "--pack", pack, "--candidate", candidate);
        Assert.That(shards.Select(s => s.Code), Is.EqualTo(new[] { 0, 2, 2 }));
        var r = Run("report", "merge", shards[0].Path, shards[1].Path, shards[2].Path);
        IsRefused(r, shards[1].Path, "--strict", shards[0].Path, "no --strict");
    }

    [Test]
    public void AShardWhoseRowsWereEmptiedIsRefused()
    {
        string[] shards = QuestionShards();
        int cases = RunReport.Read(shards[1]).Rows.Select(r => r.Case).Distinct().Count();
        Assert.That(cases, Is.GreaterThan(0), "the shard had cases to lose");
        Edit(shards[1], json => json["rows"] = new JsonArray());
        IsRefusedAsAFile(Run(["report", "merge", .. shards]), $"{shards[1]}: not a ConvVerify report (summary.cases is {cases}, but its rows give 0)");
    }

    [Test]
    public void AShardWhoseSummarySaysFailWhileItsRowsPassIsRefused()
    {
        string[] shards = QuestionShards();
        Edit(shards[2], json => json["summary"]!["exit_code"] = 1);
        IsRefusedAsAFile(Run(["report", "merge", .. shards]), $"{shards[2]}: not a ConvVerify report (summary.exit_code is 1, but its rows give 0)");
    }

    [Test]
    public void AShardWithoutItsSummaryIsRefused()
    {
        string[] shards = QuestionShards();
        Edit(shards[0], json => json.Remove("summary"));
        IsRefusedAsAFile(Run(["report", "merge", .. shards]), $"{shards[0]}: no summary: not the report --json wrote");
    }

    [Test]
    public void ARowTwiceInAShardIsRefused()
    {
        string[] shards = QuestionShards();
        RunRow twice = null!;
        Rewrite(shards[1], r => r.Rows.Add(twice = r.Rows[1]));
        IsRefused(Run(["report", "merge", .. shards]), shards[1], twice.Case, $" {twice.Direction} ", "twice");
    }

    [Test]
    public void ARowOfAnotherShardIsRefused()
    {
        string[] shards = QuestionShards();
        // Every row of the case, each direction's: a case missing a direction is refused as the file is read.
        var read = RunReport.Read(shards[1]);
        var foreign = read.Rows.Where(x => x.Case == read.Rows[0].Case).ToList();
        Rewrite(shards[0], r => r.Rows.AddRange(foreign));
        IsRefused(Run(["report", "merge", .. shards]), $"{shards[0]}: case {foreign[0].Case}", "shard 2/3", "also in " + shards[1]);
    }

    [Test]
    public void ACaseOutsideTheSelectionIsRefused()
    {
        string[] shards = QuestionShards();
        // An id that shard 2 would hold, were it selected: only the count can tell it does not belong.
        string extra = Enumerable.Range(0, 1000).Select(k => $"extra-{k}").First(id => new Shard(2, 3).Contains(id));
        Rewrite(shards[1], r => r.Rows.AddRange([.. r.Rows.Where(row => row.Case == r.Rows[0].Case).Select(row => row with { Case = extra })]));
        IsRefused(Run(["report", "merge", .. shards]), $"the shards hold {QuestionCases + 1} cases, the selection {QuestionCases}");
    }

    [Test]
    public void ACaseRenamedWithinItsShardIsRefused()
    {
        // The probe: a case of shard 2 renamed to an id that shard 2 would hold too, its summary rewritten. The count of
        // cases and every case's shard agree, so the merge passed 12 cases, one of which no shard had checked.
        string[] shards = QuestionShards();
        string real = RunReport.Read(shards[1]).Rows[0].Case;
        string renamed = Enumerable.Range(0, 1000).Select(k => $"{real}X{k}").First(id => new Shard(2, 3).Contains(id));
        Rewrite(shards[1], r =>
        {
            var rows = r.Rows.Select(row => row.Case == real ? row with { Case = renamed } : row).ToList();
            r.Rows.Clear();
            r.Rows.AddRange(rows);
        });
        string merged = TempPath("merged.json");
        IsRefused(Run(["report", "merge", .. shards, "--json", merged]), "the shards hold cases that are not the selection's", "selection_set_hash");
        Assert.That(File.Exists(merged), Is.False);
    }

    [Test]
    public void EveryRunRecordsTheSetOfItsSelectionsCaseIds()
    {
        string whole = TempPath("whole.json");
        Assert.That(Run("check", "--set", "question", "--json", whole).Code, Is.EqualTo(0));
        var report = RunReport.Read(whole);
        Assert.That(report.SelectionSetHash, Is.EqualTo(RunReport.SetHashOf(report.Rows.Select(r => r.Case))), "the whole run holds every case");
        Assert.That(QuestionShards().Select(s => RunReport.Read(s).SelectionSetHash), Is.All.EqualTo(report.SelectionSetHash), "each shard the whole selection's");
    }

    [Test]
    public void AShardWithoutTheSelectionSetHashIsRefusedAsFromBefore()
    {
        // A report written before selection_set_hash (2026-12-02) reads, but cannot be checked against its selection.
        string[] shards = QuestionShards();
        Edit(shards[2], json => json.Remove("selection_set_hash"));
        Assert.That(RunReport.Read(shards[2]).SelectionSetHash, Is.Empty, "read");
        IsRefused(Run(["report", "merge", .. shards]), $"{shards[2]}: no selection_set_hash (a report from before it was recorded, 2026-12-02)", "run the shard again");
    }

    [Test]
    public void AMalformedSelectionSetHashIsRefusedAsAFile()
    {
        string[] shards = QuestionShards();
        Edit(shards[1], json => json["selection_set_hash"] = "xyz");
        IsRefusedAsAFile(Run(["report", "merge", .. shards]), $"{shards[1]}: not a ConvVerify report (selection_set_hash is \"xyz\", not a SHA-256 (64 lower-case hex digits) or empty)");
    }

    [Test]
    public void ShardsOfTheSameSubjectInOtherVersionsAreRefused()
    {
        // The probe: fixtures check shards run with torch 1.13.0a0 and 2.1.0 (other CPU kernels) merged into one report
        // naming the first shard's versions only. Here the subject's versions are written in, as another machine's run
        // would have them (the summary does not say them).
        string[] shards = QuestionShards(2);
        Edit(shards[0], json => json["subject"]!["versions"] = new JsonObject { ["torch"] = "1.13.0a0" });
        Edit(shards[1], json => json["subject"]!["versions"] = new JsonObject { ["torch"] = "2.1.0", ["cpu"] = "ATen AVX2" });
        string merged = TempPath("merged.json");
        IsRefused(Run(["report", "merge", .. shards, "--json", merged]), $"{shards[1]}: checked exact [torch 2.1.0; cpu ATen AVX2] against", $"but {shards[0]} checked exact [torch 1.13.0a0] against");
        Assert.That(File.Exists(merged), Is.False);
    }

    [Test]
    public void ShardTimesAddingUpPastADoubleAreRefused()
    {
        // The probe: two shards of 1.7e308 seconds each (a time the reader took then) merged into "seconds": "Infinity" and
        // JUnit time="Infinity", which report merge then refused to read back. Each shard's time is at most 1e9 now (the
        // summary printed 1.7e308 as 309 digits); two of 6e8 still add up past what the reader takes.
        string[] shards = QuestionShards(2);
        foreach (string shard in shards) Edit(shard, json => json["seconds"] = 6e8);
        string merged = TempPath("merged.json"), junit = TempPath("merged.xml");
        IsRefused(Run(["report", "merge", .. shards, "--json", merged, "--junit", junit]),
            $"the shards ran 1200000000 seconds in all ({shards[0]}: 600000000, {shards[1]}: 600000000): not a time");
        Assert.That(File.Exists(merged) || File.Exists(junit), Is.False, "nothing written");
    }

    [Test]
    public void AShardCutToNothingWithItsSummaryIsRefused()
    {
        string[] shards = QuestionShards();
        int lost = RunReport.Read(shards[1]).Rows.Select(r => r.Case).Distinct().Count();
        Rewrite(shards[1], r => r.Rows.Clear());
        IsRefused(Run(["report", "merge", .. shards]), $"the shards hold {QuestionCases - lost} cases, the selection {QuestionCases}", $"{shards[1]}: 0");
    }

    [Test]
    public void AnErrorAboutThePackIsInEveryShardAndOnceInTheMerge()
    {
        string pack = CopyCommittedPack("question");
        File.Delete(Path.Combine(pack, "manifest.json"));
        string broken = QuestionCase("f64", "normal");
        File.WriteAllText(Path.Combine(pack, broken, "case.json"), "{");
        var whole = Run("check", "--pack", pack, "--json", TempPath("whole.json"));
        Assert.That(whole.Code, Is.EqualTo(2), whole.ToString());
        var shards = Shards(3, _ => [], "check", "--pack", pack);
        Assert.That(shards.Select(s => s.Code), Is.All.EqualTo(2), "every shard says the pack is broken");
        var merged = Run(["report", "merge", .. shards.Select(s => s.Path), "--json", TempPath("merged.json")]);
        Assert.That(merged.Code, Is.EqualTo(2), merged.ToString());
        Assert.That(merged.Err, Is.Empty, "merged, not refused");
        var rows = RunReport.Read(TempPath("merged.json")).Rows;
        Assert.That(rows.Count(r => r.Case == broken), Is.EqualTo(1), "the broken case.json is one row, as in the whole run");
        Assert.That(rows.Select(r => (r.Case, r.Direction)).Order(), Is.EqualTo(RunReport.Read(TempPath("whole.json")).Rows.Select(r => (r.Case, r.Direction)).Order()));
    }

    [Test]
    public void ANamedPipeIsRefusedWithoutBeingOpened()
    {
        string fifo = TempPath("shard.fifo");
        NamedPipes.Make(fifo);
        var run = Task.Run(() => Run("report", "merge", fifo));
        bool finished = run.Wait(TimeSpan.FromSeconds(30));
        try
        {
            Assert.That(finished, Is.True, "the merge waited for a writer of the pipe");
            IsRefusedAsAFile(run.Result, $"{fifo}: a named pipe, not a regular file; refusing to read it as a report");
        }
        finally
        {
            if (!finished) using (File.OpenWrite(fifo)) { }
        }
    }

    [Test]
    public void ADeviceIsRefusedWithoutBeingRead()
    {
        Assume.That(File.Exists("/dev/zero"), "/dev/zero");
        IsRefusedAsAFile(Run("report", "merge", "/dev/zero"), "/dev/zero: a character device, not a regular file; refusing to read it as a report");
    }

    [Test]
    public void AnEmptyShardPathIsNamed()
    {
        // The probe: "convverify: The value cannot be an empty string.", naming nothing.
        var r = Run("report", "merge", "");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.StartWith("convverify: shard: the path is empty"), r.ToString());
    }

    [Test]
    public void AFolderIsRefusedAsAFolder()
    {
        string dir = TempPath("shard-1.json");
        Directory.CreateDirectory(dir);
        IsRefusedAsAFile(Run("report", "merge", dir), $"{dir}: is a folder, not a report");
    }

    [Test]
    public void AFileOverTheSizeCapIsRefusedWithoutBeingRead()
    {
        string big = TempPath("big.json");
        // Sparse: the size is there without a gigabyte written.
        using (var f = new FileStream(big, FileMode.CreateNew)) f.SetLength((1L << 30) + 1);
        IsRefusedAsAFile(Run("report", "merge", big), $"{big}: {(1L << 30) + 1} bytes, more than a report may hold ({1L << 30})");
    }

    // The probes: each of these crashed report merge with a NullReferenceException and a stack trace, or stopped it with
    // "Value cannot be null" naming no file.
    [TestCase("rows", "rows[48] is null")]
    [TestCase("warnings", "warnings[0] is null")]
    [TestCase("references", "references[1] is null")]
    [TestCase("skipped", "skipped[0] is null")]
    [TestCase("subject", "(subject on line 1 is null)")]
    [TestCase("case", "(rows[0].case on line 1 is null)")]
    [TestCase("versions", "references[0].versions[\"torch\"] is null")]
    public void ANullWhereTheWriterWritesNoneIsRefusedByItsPlace(string where, params string[] said)
    {
        string shard = TempPath("shard.json");
        var r = Run("check", "--set", "question", "--json", shard);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Edit(shard, json =>
        {
            switch (where)
            {
                case "rows" or "warnings" or "references" or "skipped": json[where]!.AsArray().Add(null); break;
                case "subject": json["subject"] = null; break;
                case "case": json["rows"]![0]!["case"] = null; break;
                case "versions": json["references"]![0]!["versions"]!["torch"] = null; break;
            }
        });
        var merged = Run("report", "merge", shard, "--report", TempPath("html"), "--junit", TempPath("junit.xml"));
        Assert.That(merged.Code, Is.EqualTo(2), merged.ToString());
        Assert.That(merged.Err, Does.StartWith($"convverify: {shard}: not a ConvVerify report ("), merged.ToString());
        foreach (string s in said) Assert.That(merged.Err, Does.Contain(s), merged.ToString());
        Assert.That(merged.Err, Does.Not.Contain("   at ").And.Not.Contain("nullability annotation"), merged.ToString());
    }

    // The probes: the HTML page's pictures indexed these and threw IndexOutOfRangeException or OverflowException (a
    // stack trace, exit 134), or stopped with ScottPlot's "min must be a real number".
    [TestCase("height", 6, "rows[{0}].map is 6 x 5, but holds 25 ratios")]
    [TestCase("height", -5, "rows[{0}].map is -5 x 5: a slice has at least one row and one column")]
    [TestCase("width", 0, "rows[{0}].map is 5 x 0: a slice has at least one row and one column")]
    [TestCase("histogram_counts", 1, "rows[{0}].map has 33 histogram edges, but 1 counts")]
    // The probe: a map of another size than its row's slice (1 x 5,000,000 on a 5 x 5 slice) was read and drawn. The
    // question case's dx is [1, 3, 5, 5]: the slice through the element bumped is 5 x 5, and labelled by its first two indices.
    [TestCase("reshaped", 0, "rows[{0}].map is 1 x 25, but the slice [0, 0, :, :] of the shape [1, 3, 5, 5] of rows[{0}].direction \"dx\" of rows[{0}].descriptor is 5 x 5")]
    [TestCase("slice", 0, "rows[{0}].map.slice is \"[0, 2, :, :]\", but the slice through rows[{0}].worst.position [0, 0, 0, 3] is [0, 0, :, :]")]
    public void AnErrorMapThatDoesNotHoldItsOwnSizesIsRefused(string field, int value, string said)
    {
        string pack = CopyCommittedPack("question");
        string candidate = CandidateFromPack(pack);
        Bump(candidate, QuestionCase("f32", "integer"), "dx", [1, 3, 5, 5], 3);
        string shard = TempPath("shard.json");
        var r = Run("verify-impl", "--pack", pack, "--candidate", candidate, "--json", shard);
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        int row = -1;
        Edit(shard, json =>
        {
            var rows = json["rows"]!.AsArray();
            row = rows.Select((x, i) => (x, i)).Single(t => t.x!["map"] is not null).i;
            var map = rows[row]!["map"]!.AsObject();
            if (field == "reshaped") (map["height"], map["width"]) = (1, 25);
            else if (field == "slice") map["slice"] = "[0, 2, :, :]";
            else map[field] = field == "histogram_counts" ? new JsonArray(value) : value;
        });
        var merged = Run("report", "merge", shard, "--report", TempPath("html"));
        IsRefusedAsAFile(merged, $"{shard}: not a ConvVerify report ({string.Format(System.Globalization.CultureInfo.InvariantCulture, said, row)})");
    }

    // Refused while reading the files, before the merge: the message is the file's own.
    private static void IsRefusedAsAFile(CliResult r, string message)
    {
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.StartWith("convverify: " + message), r.ToString());
        Assert.That(r.Out, Is.Empty);
    }

    // The question pack and a candidate holding its results, but y off by one in one element of one case, another
    // problem's dx in another, and no db in a third: a FAIL row compared, a FAIL row of a length that differs, and a
    // "not provided" row beside the passing ones.
    private (string Pack, string Candidate) Broken()
    {
        string pack = CopyCommittedPack("question");
        string candidate = TempPath("broken");
        foreach (string id in CaseFolders(pack))
        {
            Directory.CreateDirectory(Path.Combine(candidate, id));
            foreach (string t in new[] { "y", "dx", "dw", "db" }) File.Copy(Path.Combine(pack, id, t + ".npy"), Path.Combine(candidate, id, t + ".npy"));
        }
        string y = Path.Combine(candidate, QuestionCase("f32", "integer"), "y.npy");
        byte[] bytes = File.ReadAllBytes(y);
        BitConverter.GetBytes(BitConverter.ToSingle(bytes, bytes.Length - 4) + 1).CopyTo(bytes, bytes.Length - 4);
        File.WriteAllBytes(y, bytes);
        // Another problem's dx, of another length.
        File.Copy(Path.Combine(pack, "mb1ic1ih4oc1oh2kh3ph0n_answer_matrix___f32_normal", "dx.npy"), Path.Combine(candidate, QuestionCase("f32", "normal"), "dx.npy"), overwrite: true);
        File.Delete(Path.Combine(candidate, QuestionCase("f64", "integer"), "db.npy"));
        return (pack, candidate);
    }

    [Test]
    public void ARowWhoseOutcomeDisagreesWithItsNumbersIsRefused()
    {
        // The probe: a shard edited so every row says "pass", its summary made to agree, merged to exit 0 while y kept
        // "failures": 1 and "ratio": "Infinity"; FAIL rows made "not provided" likewise.
        var (pack, candidate) = Broken();
        string shard = TempPath("v.json");
        Assert.That(Run("verify-impl", "--pack", pack, "--candidate", candidate, "--json", shard).Code, Is.EqualTo(1));
        var read = RunReport.Read(shard);
        int failing = read.Rows.FindIndex(r => r.Outcome == Outcome.Fail && r.Ratio is not null);
        Assert.That(failing, Is.Not.Negative, "a compared FAIL row");
        int failures = read.Rows[failing].Failures;
        string passed = TempPath("passed.json"), absent = TempPath("absent.json");
        File.Copy(shard, passed);
        File.Copy(shard, absent);
        Rewrite(passed, r =>
        {
            for (int i = 0; i < r.Rows.Count; i++) r.Rows[i] = r.Rows[i] with { Outcome = Outcome.Pass };
        });
        Unreadable(Run("report", "merge", passed), $"{passed}: not a ConvVerify report (rows[{failing}].outcome is \"pass\", but rows[{failing}].failures is {failures}: a direction passes with no element beyond its bound)");
        Rewrite(absent, r =>
        {
            for (int i = 0; i < r.Rows.Count; i++) if (r.Rows[i].Outcome == Outcome.Fail) r.Rows[i] = r.Rows[i] with { Outcome = Outcome.NotProvided };
        });
        Unreadable(Run("report", "merge", absent), $"{absent}: not a ConvVerify report (rows[{failing}].outcome is \"not provided\", but rows[{failing}].ratio is given: only a compared direction (pass, FAIL or suspicious) has one)");
        // A suspicious row with no element beyond a bound is refused too.
        string suspicious = TempPath("suspicious.json");
        File.Copy(shard, suspicious);
        int passing = read.Rows.FindIndex(r => r.Outcome == Outcome.Pass);
        Rewrite(suspicious, r => r.Rows[passing] = r.Rows[passing] with { Outcome = Outcome.Suspicious });
        Unreadable(Run("report", "merge", suspicious), $"{suspicious}: not a ConvVerify report (rows[{passing}].outcome is \"suspicious\", but rows[{passing}].failures is 0: a compared direction is suspicious only with an element beyond its bound)");
    }

    private static void Unreadable(CliResult r, string message) =>
        Assert.That((r.Code, r.Err.Trim(), r.Out), Is.EqualTo((2, "convverify: " + message, "")), r.ToString());

    [Test]
    public void TheReportsOfEveryCommandReadBack()
    {
        // Every writer of rows: Runner's compared rows (pass and FAIL), its length mismatch and absent rows, the pack's
        // error rows (subject "-", dtype "?"), Freshness's rows (fixtures check), and soak's.
        var (pack, candidate) = Broken();
        string broken = CopyCommittedPack("question", "unreadable");
        File.WriteAllText(Path.Combine(broken, CaseFolders(broken).Order(StringComparer.Ordinal).First(), "case.json"), "not json");
        string[][] commands =
        [
            ["check", "--set", "question"],
            ["verify-impl", "--pack", pack, "--candidate", candidate],
            ["verify-impl", "--pack", pack, "--candidate", candidate, "--require", "all"],
            ["check", "--pack", broken],
            ["fixtures", "check", pack],
            ["soak", "--cases", "2", "--oracle", "naive, exact", "--dtype", "f32", "--fill", "integer"],
        ];
        var outcomes = new HashSet<Outcome>();
        for (int i = 0; i < commands.Length; i++)
        {
            string json = TempPath($"report-{i}.json");
            var run = Run([.. commands[i], "--json", json]);
            Assert.That(File.Exists(json), Is.True, run.ToString());
            outcomes.UnionWith(RunReport.Read(json).Rows.Select(r => r.Outcome));
            var merged = Run("report", "merge", json);
            Assert.That((merged.Code, merged.Err), Is.EqualTo((run.Code, "")), $"{string.Join(' ', commands[i])}: {merged}");
        }
        Assert.That(outcomes, Is.SupersetOf(new[] { Outcome.Pass, Outcome.Fail, Outcome.NotProvided, Outcome.Error }), "the rows of every kind were read");
    }

    [TestCase("command", "rm -rf", "command is \"rm -rf\", expected \"check\", \"verify-impl\", \"soak\", \"fixtures check\"")]
    [TestCase("dtype", "f99", "rows[0].dtype is \"f99\", expected \"f32\", \"f64\", \"bf16\", \"f16\"")]
    [TestCase("fill", "zzz", "rows[0].fill is \"zzz\", expected \"integer\", \"normal\"")]
    [TestCase("seconds", 1.7e308, "seconds is 1.7E+308, more than the 1000000000 seconds (about 31 years) a run may take")]
    public void AWordOrATimeNoWriterWritesIsRefused(string field, object value, string message)
    {
        string shard = TempPath("s.json");
        Assert.That(Run("check", "--oracle", "naive", "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer", "--json", shard).Code, Is.Zero);
        Edit(shard, json =>
        {
            JsonNode node = value is double d ? JsonValue.Create(d) : JsonValue.Create((string)value);
            if (field is "command" or "seconds") json[field] = node;
            else json["rows"]![0]![field] = node;
        });
        var r = Run("report", "merge", shard);
        Assert.That((r.Code, r.Err.Contains(message, StringComparison.Ordinal)), Is.EqualTo((2, true)), r.ToString());
    }
}
