using System.Text.Json.Nodes;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// Reports the probe edited by hand that <c>report merge</c> took: rows relabelled against their numbers, directions'
/// rows cut from a case, fields that contradict the rest of the report, members missing; and the words the reader said
/// of others. Each is refused naming the file, the member and the value, while every report a run writes still reads.
/// </summary>
public class ReportReaderStrictnessTests : CliTestBase
{
    private static void Edit(string path, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    // Rewritten through the report's own writer, so that its summary is recounted from the changed rows, as the probe did.
    private static void Rewrite(string path, Action<RunReport> change)
    {
        var report = RunReport.Read(path);
        change(report);
        report.Write(path);
    }

    private string Written(string name, int code, params string[] command)
    {
        string path = TempPath(name);
        var r = Run([.. command, "--json", path]);
        Assert.That(r.Code, Is.EqualTo(code), r.ToString());
        return path;
    }

    private static void IsRefused(string path, string why)
    {
        var r = Run("report", "merge", path);
        Assert.That((r.Code, r.Err.Trim(), r.Out), Is.EqualTo((2, $"convverify: {path}: not a ConvVerify report ({why})", "")), r.ToString());
    }

    private static int RowOf(string path, Func<RunRow, bool> which)
    {
        int i = RunReport.Read(path).Rows.FindIndex(r => which(r));
        Assert.That(i, Is.Not.Negative, "the report has such a row");
        return i;
    }

    // verify-impl of the question pack against its own results with y of the f32 integer case off by 1 at flat 40: a FAIL
    // compared exactly (bound 0, ratio Infinity) among passing rows.
    private string BumpedReport()
    {
        string pack = CopyCommittedPack("question");
        string candidate = CandidateFromPack(pack);
        Bump(candidate, QuestionCase("f32", "integer"), "y", [1, 16, 3, 3], 40);
        return Written("bumped.json", 1, "verify-impl", "--pack", pack, "--candidate", candidate);
    }

    [Test]
    public void AFailRelabelledPassOrSuspiciousIsRefused()
    {
        // The probe: "outcome": "pass" and "failures": 0 on a row whose ratio is Infinity merged with exit 0.
        string shard = BumpedReport();
        int y = RowOf(shard, r => r.Outcome == Outcome.Fail && r.Worst is not null);
        string passed = TempPath("passed.json"), suspicious = TempPath("suspicious.json");
        File.Copy(shard, passed);
        File.Copy(shard, suspicious);
        Rewrite(passed, r => r.Rows[y] = r.Rows[y] with { Outcome = Outcome.Pass, Failures = 0, Map = null });
        IsRefused(passed, $"rows[{y}].outcome is \"pass\", but rows[{y}].worst.abs_error 1 is past rows[{y}].worst.bound 0: the worst element fails, so the direction does");
        Rewrite(suspicious, r => r.Rows[y] = r.Rows[y] with { Outcome = Outcome.Suspicious });
        IsRefused(suspicious, $"rows[{y}].outcome is \"suspicious\", but rows[{y}].worst.abs_error 1 is past rows[{y}].worst.bound 0: the worst element fails, so the direction does");
    }

    [Test]
    public void ADirectionsRowsCutFromACaseAreRefused()
    {
        // The probe: every db row of one case cut from a shard and its summary recounted merged as a run that checked it.
        string shard = Written("q.json", 0, "check", "--set", "question");
        string id = QuestionCase("f64", "normal");
        int first = -1;
        Rewrite(shard, r =>
        {
            r.Rows.RemoveAll(x => x.Case == id && x.Direction == "db");
            first = r.Rows.FindIndex(x => x.Case == id);
        });
        IsRefused(shard, $"case \"{id}\" has no db rows (rows[{first}] is its first), but case_directions does not list case \"{id}\", so it was checked in all four: a direction's rows were cut");
    }

    [Test]
    public void AFailingDirectionCutWithItsNameInCaseDirectionsIsRefusedWhereNoDirectionWasSelected()
    {
        // The probe: a verify-impl shard without the FAIL row of a y, its case listed as checked in dx, dw and db only,
        // its summary recounted, merged as a run that passed. verify-impl selects no directions, and its pack is whole.
        string shard = BumpedReport();
        string id = QuestionCase("f32", "integer");
        Assert.That(RunReport.Read(shard).DirectionsSelected, Is.False);
        Rewrite(shard, r =>
        {
            r.Rows.RemoveAll(x => x.Case == id && x.Direction == "y");
            r.CaseDirections![id] = ["dx", "dw", "db"];
        });
        IsRefused(shard, $"case_directions[\"{id}\"] is [\"dx\", \"dw\", \"db\"], but directions_selected is false and no file of the pack failed its check: "
            + "such a run checks a case in all four directions, or in y, dx and dw (a problem without bias)");
    }

    [Test]
    public void ACaseWithBiasListedAsOneWithoutIsRefusedWhereItsIdSaysSo()
    {
        // With a seed the case's id says whether it has a bias: its failing db cut with its name listed it as one without.
        string shard = Written("q.json", 0, "check", "--oracle", "naive", "--set", "question", "--dtype", "f32", "--fill", "integer");
        var read = RunReport.Read(shard);
        Assert.That(read.DirectionsSelected, Is.False);
        string id = read.Rows.First(x => x.Direction == "db").Case;
        Rewrite(shard, r =>
        {
            r.Rows.RemoveAll(x => x.Case == id && x.Direction == "db");
            r.CaseDirections![id] = ["y", "dx", "dw"];
        });
        IsRefused(shard, $"case_directions[\"{id}\"] is [\"y\", \"dx\", \"dw\"], but its id says the problem has a bias (seed is {read.Seed}) and directions_selected is false: it was checked in all four directions");
    }

    // A benchdnn batch file's --dir= decides each problem's directions, and its bias: FWD_D a y without bias, BWD_WB dw and db.
    private string DirBatch()
    {
        string batch = TempPath("dirs.batch");
        File.WriteAllText(batch, "--dir=FWD_D mb1ic2ih5oc3kh3\n--dir=BWD_WB mb1ic2ih6oc2kh3\n--dir=BWD_D mb1ic3ih4oc2kh3\n");
        return batch;
    }

    [Test]
    public void ShardsOfABatchFilesDirectionsMergeAndACutOneIsRefused()
    {
        string batch = DirBatch();
        string[] shards = [.. Enumerable.Range(1, 2).Select(i => Written($"s{i}.json", 0, "check", "--oracle", "naive", "--batch", batch, "--dtype", "f32", "--shard", $"{i}/2"))];
        string merged = TempPath("merged.json");
        var r = Run("report", "merge", shards[0], shards[1], "--json", merged);
        Assert.That((r.Code, r.Err), Is.EqualTo((0, "")), r.ToString());
        Assert.That(RunReport.Read(merged).DirectionsSelected, Is.True, "the batch file's --dir= selected directions");
        var directions = RunReport.Read(merged).CaseDirections!;
        Assert.That(directions.Values.Select(d => string.Join(",", d)).Distinct().Order(), Is.EqualTo(new[] { "dw,db", "dx", "y" }));
        Assert.That(directions, Has.Count.EqualTo(6), "three problems in two fills");
        // The dw and db case of the integer fill, without its db: refused in whichever shard holds it.
        string id = directions.Single(kv => kv.Value.Count == 2 && kv.Key.EndsWith("_integer", StringComparison.Ordinal)).Key;
        string holder = shards.Single(s => RunReport.Read(s).Rows.Any(x => x.Case == id));
        int first = -1;
        Rewrite(holder, x =>
        {
            x.Rows.RemoveAll(row => row.Case == id && row.Direction == "db");
            first = x.Rows.FindIndex(row => row.Case == id);
        });
        IsRefused(holder, $"case \"{id}\" has no db rows (rows[{first}] is its first), but case_directions[\"{id}\"] is [\"dw\", \"db\"]: a direction's rows were cut");
    }

    [Test]
    public void ADbRowOfACaseWithoutBiasIsRefused()
    {
        string shard = Written("b.json", 0, "check", "--oracle", "naive", "--batch", DirBatch(), "--dtype", "f32", "--fill", "integer");
        var read = RunReport.Read(shard);
        var y = read.Rows.Single(r => r.Direction == "y" && r.Case.Contains("__nobias__", StringComparison.Ordinal));
        // db of the problem is its 3 output channels; the row otherwise y's, which passed.
        var db = y with { Direction = "db", Elements = 3, Reason = "db: all 3 elements equal" };
        Rewrite(shard, r => r.Rows.Add(db));
        int at = read.Rows.Count;
        IsRefused(shard, $"rows[{at}].direction is \"db\", but case_directions[\"{y.Case}\"] is [\"y\"]: the case was not checked in db");
        // Listed too: the id still says the problem has no bias.
        Edit(shard, j => j["case_directions"]![y.Case] = new JsonArray("y", "db"));
        IsRefused(shard, $"rows[{at}].direction is \"db\", but rows[{at}].case \"{y.Case}\" is a problem without bias (seed is {read.Seed}, and its id says so): it has no db");
    }

    [Test]
    public void ADirectionNoWriterWritesIsRefused()
    {
        string shard = Written("q.json", 0, "check", "--set", "question");
        Edit(shard, j => j["rows"]![1]!["direction"] = "dz");
        IsRefused(shard, "rows[1].direction is \"dz\", expected \"y\", \"dx\", \"dw\", \"db\", or \"*\" for a row about a whole case");
    }

    [Test]
    public void ADtypeOrFillOtherThanItsCasesIsRefused()
    {
        // A live oracle's run names each case by its problem, dtype and fill (and its seed is recorded).
        string shard = Written("n.json", 0, "check", "--oracle", "naive", "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer");
        string id = RunReport.Read(shard).Rows[0].Case;
        Assert.That(id, Does.EndWith("__f32_integer"));
        string f64 = TempPath("f64.json");
        File.Copy(shard, f64);
        Edit(f64, j => { foreach (var row in j["rows"]!.AsArray()) row!["dtype"] = "f64"; });
        IsRefused(f64, $"rows[0].case is \"{id}\", but seed is {ConvVerify.Cases.ConvCase.DefaultSeed}, and the case of rows[0].descriptor, rows[0].dtype and rows[0].fill is "
            + $"\"{id.Replace("_f32_", "_f64_", StringComparison.Ordinal)}\" (\"{id.Replace("__f32_", "__nobias__f64_", StringComparison.Ordinal)}\" without bias): a run with a seed names its cases so");
        // One row of the case alone: the rows of a case disagree.
        Edit(shard, j => j["rows"]![2]!["fill"] = "normal");
        IsRefused(shard, $"rows[2].fill is \"normal\", but rows[0], of the same case \"{id}\", says \"integer\": the rows of a case share its descriptor, dtype and fill");
    }

    [Test]
    public void AComparedRowsElementsAreItsDirectionsWithOrWithoutAWorstElement()
    {
        string shard = Written("q.json", 0, "check", "--set", "question");
        int y = RowOf(shard, r => r.Direction == "y" && r.Worst is null && r.Descriptor.StartsWith("mb1ic3ih5oc16", StringComparison.Ordinal));
        Edit(shard, j => j["rows"]![y]!["elements"] = 145);
        IsRefused(shard, $"rows[{y}].elements is 145, but rows[{y}].direction \"y\" of rows[{y}].descriptor has 144 (shape [1, 16, 3, 3])");
    }

    [Test]
    public void AWorstElementsErrorIsItsValuesDifference()
    {
        string shard = BumpedReport();
        int y = RowOf(shard, r => r.Outcome == Outcome.Fail && r.Worst is not null);
        var worst = RunReport.Read(shard).Rows[y].Worst!;
        Edit(shard, j =>
        {
            j["rows"]![y]!["max_abs_error"] = 2;
            j["rows"]![y]!["worst"]!["abs_error"] = 2;
        });
        IsRefused(shard, $"rows[{y}].worst.abs_error is 2, but rows[{y}].worst.actual {ConvVerify.Comparison.RoundTripText.Of(worst.Actual)} and rows[{y}].worst.expected "
            + $"{ConvVerify.Comparison.RoundTripText.Of(worst.Expected)} are 1 apart: the error is |actual - expected| (Infinity where one is NaN or infinite and they differ)");
    }

    [Test]
    public void AProbabilisticBoundAboveTheSoundOneIsRefused()
    {
        // The committed pack against the exact engine: a probabilistic row whose worst element is within both bounds.
        string shard = Written("q.json", 0, "check", "--set", "question");
        int row = RowOf(shard, r => r.Worst is { SoundBound: not null } && r.Outcome == Outcome.Pass);
        var worst = RunReport.Read(shard).Rows[row].Worst!;
        double bound = 2 * worst.SoundBound!.Value;
        Edit(shard, j =>
        {
            j["rows"]![row]!["worst"]!["bound"] = bound;
            j["rows"]![row]!["ratio"] = worst.AbsError / bound;
        });
        IsRefused(shard, $"rows[{row}].worst.bound is {ConvVerify.Comparison.RoundTripText.Of(bound)}, but rows[{row}].worst.sound_bound is "
            + $"{ConvVerify.Comparison.RoundTripText.Of(worst.SoundBound.Value)}: the probabilistic bound is never above a finite sound bound, and is the sound bound itself where that is NaN or infinite");
    }

    [Test]
    public void ARowsRuleOtherThanItsRunsIsRefused()
    {
        string shard = Written("q.json", 0, "check", "--set", "question", "--tolerance", "sound");
        int row = RowOf(shard, r => r.Tolerance == ConvVerify.Comparison.Tolerance.SoundBound && r.Worst is null && r.DType == "f32");
        Edit(shard, j => j["rows"]![row]!["tolerance"] = "Probabilistic");
        IsRefused(shard, $"rows[{row}].tolerance is \"Probabilistic\", but tolerance is \"sound\": only a run under --tolerance probabilistic judges by that tier");
    }

    [Test]
    public void AConsensusOfOneReferenceOrANameOfNoneIsRefused()
    {
        string shard = Written("q.json", 0, "check", "--set", "question");
        string consensus = TempPath("consensus.json");
        File.Copy(shard, consensus);
        Edit(consensus, j => j["rows"]![3]!["consensus"] = "agree");
        IsRefused(consensus, "rows[3].consensus is \"agree\", but the report has one reference: only the rows of a run with several have a consensus");
        Edit(shard, j => j["rows"]![5]!["reference"] = "ort");
        IsRefused(shard, "rows[5].reference is \"ort\", but the references are \"committed packs (torch)\": a row names what it was checked against");
    }

    [TestCase("schema", "the report has no \"schema\", which the writer always writes")]
    [TestCase("started", "the report has no \"started\", which the writer always writes")]
    [TestCase("command", "the report has no \"command\", which the writer always writes")]
    [TestCase("tolerance", "tolerance is not given: a soak report records the --tolerance it was run with")]
    [TestCase("seed", "seed is not given: a soak report records the --seed its cases and their inputs were made from")]
    public void AMemberEveryReportOfItsCommandHoldsMustBeThere(string member, string why)
    {
        // The probe: a report without "started" was merged as a run that started when the merge ran.
        string shard = Written("soak.json", 0, "soak", "--cases", "2", "--oracle", "naive", "--dtype", "f32", "--fill", "integer");
        Edit(shard, j => j.Remove(member));
        IsRefused(shard, why);
    }

    [Test]
    public void WhereTheJsonIsBrokenIsSaidByALineCountedFromOne()
    {
        // System.Text.Json counts lines from 0: "LineNumber: 19" was said of line 20.
        string shard = Written("q.json", 0, "check", "--set", "question");
        var lines = File.ReadAllLines(shard);
        int line = Array.FindIndex(lines, l => l.Contains("\"dtype\": \"f32\"", StringComparison.Ordinal));
        lines[line] = lines[line].Replace("\"f32\"", "x", StringComparison.Ordinal);
        File.WriteAllLines(shard, lines);
        IsRefused(shard, $"rows[0].dtype on line {line + 1}: 'x' is an invalid start of a value");
    }

    [Test]
    public void SoakShardsOfAnotherSeedOrCountSayWhichDiffers()
    {
        // soak has no packs or catalog: "not the same packs or catalog" was said of both.
        string[] soak = ["soak", "--oracle", "naive", "--dtype", "f32", "--fill", "integer"];
        string one = Written("s1.json", 0, [.. soak, "--cases", "2", "--seed", "1", "--shard", "1/2"]);
        string seed = Written("s2.json", 0, [.. soak, "--cases", "2", "--seed", "2", "--shard", "2/2"]);
        string cases = Written("s3.json", 0, [.. soak, "--cases", "3", "--seed", "1", "--shard", "2/2"]);
        var r = Run("report", "merge", one, seed);
        Assert.That((r.Code, r.Err.Trim()), Is.EqualTo((2, $"convverify: report merge: {seed}: run with --seed 2, but {one} with --seed 1: the shards of one run are of one seed, which makes their cases and inputs")));
        r = Run("report", "merge", one, cases);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.StartWith($"convverify: report merge: {cases}: shard of another selection (3 cases").And.EndWith(": another --cases, --dtype or --fill\n"), r.ToString());
    }
}
