using System.Xml.Linq;

namespace ConvVerify.Tests.Cli;

/// <summary>Shards written with --json, merged with <c>report merge</c>, and JUnit XML for CI systems.</summary>
public class ReportMergeTests : CliTestBase
{
    private string[] Shards(int n, params string[] selection) =>
        [.. Enumerable.Range(1, n).Select(i =>
        {
            string path = TempPath($"shard-{i}.json");
            var r = Run(["check", .. selection, "--shard", $"{i}/{n}", "--json", path]);
            Assert.That(r.Code, Is.EqualTo(0), r.ToString());
            return path;
        })];

    [Test]
    public void ShardsMergeIntoTheWholeRunAndItsJUnit()
    {
        var whole = Run("check", "--set", "basic", "--json", TempPath("whole.json"));
        string[] shards = Shards(3, "--set", "basic");
        string junit = TempPath("all.xml");
        var merged = Run(["report", "merge", .. shards, "--json", TempPath("merged.json"), "--junit", junit]);
        Assert.That(merged.Code, Is.EqualTo(0), merged.ToString());
        var a = ConvVerify.Runs.RunReport.Read(TempPath("whole.json"));
        var b = ConvVerify.Runs.RunReport.Read(TempPath("merged.json"));
        Assert.That(b.Rows.Select(r => (r.Case, r.Direction)).Order(), Is.EqualTo(a.Rows.Select(r => (r.Case, r.Direction)).Order()), "every case in exactly one shard");
        Assert.That(b.Shard, Is.EqualTo("1/1"));
        var xml = XDocument.Load(junit);
        // Every row, and the merged run's verdict once (a passing test case): no shard's verdict again.
        Assert.That(xml.Descendants("testcase").Count(), Is.EqualTo(a.Rows.Count + 1));
        Assert.That(xml.Descendants("testcase").Count(t => t.Attribute("name")!.Value.StartsWith("verdict", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(xml.Root!.Attribute("failures")!.Value, Is.EqualTo("0"));
    }

    [Test]
    public void MissingTwiceOrForeignShardsAreBadInput()
    {
        string[] shards = Shards(3, "--set", "question");
        var missing = Run("report", "merge", shards[0], shards[2]);
        Assert.That(missing.Code, Is.EqualTo(2), missing.ToString());
        Assert.That(missing.Err, Does.StartWith("convverify: report merge: ").And.Contain("missing 2/3"));
        var twice = Run("report", "merge", shards[0], shards[0], shards[1], shards[2]);
        Assert.That(twice.Err, Does.Contain("given twice"));
        string foreign = TempPath("foreign.json");
        Run("check", "--set", "basic", "--shard", "2/3", "--json", foreign);
        var mixed = Run("report", "merge", shards[0], foreign, shards[2]);
        Assert.That(mixed.Code, Is.EqualTo(2), mixed.ToString());
        Assert.That(mixed.Err, Does.Contain(foreign).And.Contain("another selection"));
        File.WriteAllText(TempPath("junk.json"), "{");
        Assert.That(Run("report", "merge", TempPath("junk.json")).Err, Does.Contain("not a ConvVerify report"));
    }

    [Test]
    public void AFailingShardFailsTheMergeAndShowsInJUnit()
    {
        string pack = CopyCommittedPack("question");
        File.Delete(Path.Combine(pack, "manifest.json"));
        string dx = Path.Combine(pack, QuestionCase("f32", "integer"), "dx.npy");
        var values = ConvVerify.Fixtures.Npy.Read<float>(dx, ConvVerify.Problems.DType.Float32, [1, 3, 5, 5]);
        values[3] += 1;
        ConvVerify.Fixtures.Npy.Write(dx, [1, 3, 5, 5], values);
        var paths = Enumerable.Range(1, 2).Select(i => TempPath($"s{i}.json")).ToArray();
        for (int i = 0; i < 2; i++) Run("check", "--pack", pack, "--shard", $"{i + 1}/2", "--json", paths[i]);
        string junit = TempPath("j.xml");
        var r = Run(["report", "merge", .. paths, "--junit", junit]);
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        var failures = XDocument.Load(junit).Descendants("failure").ToList();
        Assert.That(failures.Select(f => f.Parent!.Attribute("name")!.Value), Is.EqualTo(new[] { "verdict", "dx (exact vs pack " + pack + ")" }));
        var failure = failures[1];
        Assert.That(failure.Parent!.Attribute("classname")!.Value, Does.Contain(QuestionCase("f32", "integer")));
        Assert.That(failure.Attribute("message")!.Value, Does.Contain("dx").And.Contain("flat 3"));
        Assert.That(failures[0].Attribute("message")!.Value, Is.EqualTo("exit code 1: 1 direction failed"));
    }
    [Test]
    public void AShardsTextsArePrintedWithTheirControlCharactersEscaped()
    {
        // Someone else's shard file: a newline in a case id or a warning would print a line of its own (a forged pass, a
        // forged summary), an escape sequence would drive the terminal.
        string shard = Shards(1, "--set", "question")[0];
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(shard))!;
        string first = (string)json["rows"]![0]!["case"]!;
        foreach (var row in json["rows"]!.AsArray().Where(row => (string)row!["case"]! == first))
            row!["case"] = "q\u001b[2J\ncheck: 1 cases, 1 directions: 1 passed";
        json["warnings"]!.AsArray().Add("w\r\nPASS forged");
        // Its selection made the one of the ids it now holds: refused as not the selection's, it would print nothing.
        json["selection_set_hash"] = ConvVerify.Runs.RunReport.SetHashOf(json["rows"]!.AsArray().Select(row => (string)row!["case"]!));
        File.WriteAllText(shard, json.ToJsonString());
        var r = Run("report", "merge", shard, "--verbose");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        // (By character: a culture-aware substring search ignores control characters and finds them anywhere.)
        Assert.That(r.Out.Where(c => char.IsControl(c) && c != '\n'), Is.Empty, r.Out);
        Assert.That(r.Out.Split('\n'), Has.None.StartsWith("check: 1 cases").And.None.StartsWith("PASS forged"), r.Out);
        Assert.That(r.Out, Does.Contain("q\\u001b[2J\\u000acheck: 1 cases").And.Contain("w\\u000d\\u000aPASS forged"), r.Out);

        // And in the messages that refuse a shard: they quote its texts.
        json["command"] = "check\u001b[31m\nforged";
        File.WriteAllText(shard, json.ToJsonString());
        string other = TempPath("other.json");
        Assert.That(Run("check", "--set", "question", "--shard", "1/1", "--json", other).Code, Is.EqualTo(0));
        var refused = Run("report", "merge", shard, other);
        Assert.That(refused.Code, Is.EqualTo(2), refused.ToString());
        Assert.That(refused.Err.TrimEnd('\n').Where(char.IsControl), Is.Empty, refused.Err);
        Assert.That(refused.Err, Does.Contain("\\u001b[31m\\u000aforged"), refused.Err);
    }

    [Test]
    public void TheMergePrintsTheWholeRunsSummary()
    {
        string[] shards = Shards(3, "--set", "question");
        var r = Run(["report", "merge", .. shards]);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        // The question pack: 12 cases of four directions each, all passing; merged, the shard is the whole run again.
        Assert.That(r.Out, Does.StartWith("check: 12 cases, 48 directions: 48 passed, 0 failed, 0 suspicious, 0 not in pack, 0 not provided by oracle, "
            + "0 not provided, 0 errors (exact against committed packs (torch) [numpy "), r.ToString());
    }

    // Checked before any shard is read: an output that cannot be written must not cost the merge first.
    [TestCase("--json")]
    [TestCase("--junit")]
    public void AnOutputThatIsAFolderIsRefusedBeforeTheMerge(string option)
    {
        string shard = Shards(1, "--set", "question", "--dtype", "f32", "--fill", "integer")[0];
        string folder = TempPath("out");
        Directory.CreateDirectory(folder);
        var r = Run("report", "merge", shard, option, folder);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Is.EqualTo($"convverify: {option}: cannot write {folder}: it is a folder\n"));
        Assert.That(r.Out, Is.Empty, "refused before the merged report is printed");
    }

    [Test]
    public void AReportFolderThatIsAFileIsRefusedBeforeTheMerge()
    {
        string shard = Shards(1, "--set", "question", "--dtype", "f32", "--fill", "integer")[0];
        string file = TempPath("index");
        File.WriteAllText(file, "");
        var r = Run("report", "merge", shard, "--report", file);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Is.EqualTo($"convverify: --report: {file} is a regular file; give a folder for index.html and its pictures\n"));
        Assert.That(r.Out, Is.Empty, "refused before the merged report is printed");
    }
}
