using System.Text.Json;
using System.Text.RegularExpressions;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// The rows about a pack's files (case <c>(pack)</c>) are files, not directions: counted apart from the directions and
/// their outcomes in the summary line, the JSON summary and the reasons alike; a missing result file is reported once.
/// </summary>
public partial class PackFileRowTests : CliTestBase
{
    // The question set in f32 with the integer fill, from the exact engine: 2 cases with a bias, 4 directions each, and
    // freshness checked here without torch. One case's y.npy is changed (its manifest hash left as it was), the other's
    // dw.npy deleted (still listed): the probe's pack.
    private (string Pack, string Changed, string Missing) BrokenPack()
    {
        string pack = TempPath("exact");
        var made = Run("fixtures", "generate", "--set", "question", "--dtype", "f32", "--fill", "integer", "--oracle", "exact", "--out", pack);
        Assert.That(made.Code, Is.EqualTo(0), made.ToString());
        var ids = CaseFolders(pack).Order(StringComparer.Ordinal).ToList();
        Assert.That(ids, Has.Count.EqualTo(2));
        string y = Path.Combine(pack, ids[0], "y.npy");
        byte[] bytes = File.ReadAllBytes(y);
        bytes[^2] ^= 0x01; // inside the last float32: another value, the same file otherwise
        File.WriteAllBytes(y, bytes);
        string dw = Path.Combine(pack, ids[1], "dw.npy");
        File.Delete(dw);
        return (pack, y, dw);
    }

    private static string[] Lines(CliResult r) => r.Out.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    private static string SummaryLine(CliResult r) => Lines(r).Single(l => l.StartsWith("fixtures check: ", StringComparison.Ordinal));

    [GeneratedRegex(@"^fixtures check: (\d+) cases?, ")]
    private static partial Regex CasesOfSummary();

    [Test]
    public void TheSummaryCountsThePacksFilesApartFromTheDirections()
    {
        var (pack, changed, missing) = BrokenPack();
        string json = TempPath("r.json");
        var r = Run("fixtures", "check", pack, "--json", json);
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        var lines = Lines(r);
        Assert.Multiple(() =>
        {
            Assert.That(lines.Where(l => l.StartsWith("FAIL (pack) ", StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(2), r.ToString());
            Assert.That(r.Out, Does.Contain(changed).And.Contain(missing + ": listed in the manifest but missing"));
            // 8 directions less the deleted dw, which its file's row reports; the changed y fails.
            Assert.That(SummaryLine(r), Does.StartWith("fixtures check: 2 cases, 7 directions: 6 passed, 1 failed, 0 suspicious, 0 not in pack, "
                + "0 not provided by oracle, 0 not provided, 0 errors, 2 files of the pack corrupt or missing ("), r.ToString());
            Assert.That(lines.Where(l => l.StartsWith("why: ", StringComparison.Ordinal)),
                Is.EqualTo(new[] { "why: 2 files of the pack fail their manifest's sha256 or are missing", "why: 1 direction failed" }));
            Assert.That(r.Out, Does.Not.Contain("not in pack (e.g."), "the missing dw is reported once, as the pack's file");
            Assert.That(lines, Does.Contain($"fixtures check {pack}: 2 cases, 2 corrupt files, 1 failed direction, 6 fresh"));
        });

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var summary = doc.RootElement.GetProperty("summary");
        var outcomes = summary.GetProperty("outcomes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Multiple(() =>
        {
            Assert.That(doc.RootElement.GetProperty("rows").GetArrayLength(), Is.EqualTo(9), "7 directions and 2 files");
            Assert.That(summary.GetProperty("directions").GetInt32(), Is.EqualTo(7));
            Assert.That(summary.GetProperty("files").GetInt32(), Is.EqualTo(2));
            Assert.That(outcomes["FAIL"], Is.EqualTo(1));
            Assert.That(outcomes["pass"], Is.EqualTo(6));
            Assert.That(outcomes.Values.Sum(), Is.EqualTo(7), "the outcomes count the directions, every one once");
        });
    }

    [Test]
    public void AShardSaysHowManyOfThePacksCasesItChecked()
    {
        var (pack, _, _) = BrokenPack();
        var whole = Run("fixtures", "check", pack);
        var paths = new List<string>();
        int cases = 0;
        for (int i = 1; i <= 2; i++)
        {
            string json = TempPath($"s{i}.json");
            paths.Add(json);
            var shard = Run("fixtures", "check", pack, "--shard", $"{i}/2", "--json", json);
            Assert.That(shard.Code, Is.EqualTo(1), "every shard reads and hashes the whole pack\n" + shard);
            int mine = int.Parse(CasesOfSummary().Match(SummaryLine(shard)).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            cases += mine;
            Assert.That(Lines(shard), Has.One.StartWith($"fixtures check {pack}, shard {i}/2: {mine} of the pack's 2 cases, 2 corrupt files, "), shard.ToString());
            Assert.That(SummaryLine(shard), Does.Contain(", 2 files of the pack corrupt or missing ("));
        }
        Assert.That(cases, Is.EqualTo(2));
        var merged = Run(["report", "merge", .. paths, "--json", TempPath("merged.json")]);
        Assert.That(merged.Code, Is.EqualTo(whole.Code), merged.ToString());
        Assert.That(SummaryLine(merged), Does.StartWith("fixtures check: 2 cases, 7 directions: 6 passed, 1 failed, "), merged.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(TempPath("merged.json")));
        Assert.That(doc.RootElement.GetProperty("summary").GetProperty("files").GetInt32(), Is.EqualTo(2), "the rows about the pack are kept once");
    }

    [Test]
    public void WhereThePackIsTheOracleItsMissingOrCorruptFileIsOneErrorNotAlsoADirection()
    {
        // The changed y is no expected value either: compared, it was "1 direction failed", blamed on the engine, beside
        // its file's own row.
        var (pack, changed, missing) = BrokenPack();
        var r = Run("check", "--pack", pack, "--require", "all");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Out, Does.Contain(missing + ": listed in the manifest but missing").And.Contain(changed + ": sha256 differs from the manifest"));
        Assert.That(Lines(r).Where(l => l.StartsWith("why: ", StringComparison.Ordinal)),
            Is.EqualTo(new[] { "why: 2 files of the pack fail their manifest's sha256 or are missing" }), r.ToString());
        Assert.That(Lines(r).Single(l => l.StartsWith("check: ", StringComparison.Ordinal)),
            Does.StartWith("check: 2 cases, 6 directions: 6 passed, 0 failed, 0 suspicious, 0 not in pack, 0 not provided by oracle, 0 not provided, 0 errors, 2 files of the pack corrupt or missing"));
    }

    [Test]
    public void ACaseNamedByItsDescriptorKeepsItsMissingFileOutOfItsDirections()
    {
        // The review: naming the case put back every direction the selection asks for, the missing dw among them, which
        // was then reported twice (its file's row, and "not in pack" failing --require all a second time).
        var (pack, _, missing) = BrokenPack();
        string id = Path.GetFileName(Path.GetDirectoryName(missing))!;
        string descriptor = ConvVerify.Fixtures.FixturePack.Open(pack).ReadCase(id).Problem.ToString();
        var r = Run("check", "--pack", pack, "--require", "all", "--dtype", "f32", "--fill", "integer", descriptor);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(Lines(r).Where(l => l.StartsWith("why: ", StringComparison.Ordinal)),
            Is.EqualTo(new[] { "why: 2 files of the pack fail their manifest's sha256 or are missing" }), r.ToString());
        Assert.That(Lines(r).Single(l => l.StartsWith("check: ", StringComparison.Ordinal)), Does.StartWith("check: 1 case, 3 directions: 3 passed, 0 failed, 0 suspicious, 0 not in pack, "), r.ToString());
    }
}
