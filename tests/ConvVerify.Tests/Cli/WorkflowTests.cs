using System.Text.RegularExpressions;
using ConvVerify.Tests.Fixtures;

namespace ConvVerify.Tests.Cli;

/// <summary>The example CI workflow is not prose: its shards, as written, cover every case of what it checks, each once.</summary>
public partial class WorkflowTests : CliTestBase
{
    [GeneratedRegex(@"^\s+shard: \[([0-9, ]+)\]", RegexOptions.Multiline)]
    private static partial Regex ShardList();

    [GeneratedRegex(@"--shard \$\{\{ matrix\.shard \}\}/(\d+)")]
    private static partial Regex ShardCount();

    [Test]
    public void TheExampleWorkflowsShardsCoverEveryCaseOnce()
    {
        string yml = File.ReadAllText(Path.Combine(CommittedPacks.Root, ".github", "workflows", "convverify.yml"));
        int[] shards = [.. ShardList().Match(yml).Groups[1].Value.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))];
        int n = int.Parse(ShardCount().Match(yml).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(shards, Is.EqualTo(Enumerable.Range(1, n)), "the matrix lists every shard of the split it asks for");
        var seen = new List<string>();
        foreach (int i in shards)
        {
            string json = TempPath($"s{i}.json");
            var r = Run("check", "--set", "basic", "--dtype", "f32", "--shard", $"{i}/{n}", "--json", json);
            Assert.That(r.Code, Is.EqualTo(0), r.ToString());
            seen.AddRange(ConvVerify.Runs.RunReport.Read(json).Rows.Select(row => row.Case).Distinct());
        }
        var all = ConvVerify.Catalog.CaseSets.AllVariants("basic").Where(c => c.Problem.DType == ConvVerify.Problems.DType.Float32).Select(c => c.Id);
        Assert.That(seen, Is.EquivalentTo(all), "every case in exactly one shard");
    }
}
