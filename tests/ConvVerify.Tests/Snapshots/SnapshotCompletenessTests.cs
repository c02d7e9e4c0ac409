using System.Text;
using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Snapshots;

/// <summary>The snapshot folder holds exactly one verified file per committed case, and every file is clean UTF-8 with LF ends.</summary>
public class SnapshotCompletenessTests
{
    /// <summary>Every snapshot name some test writes; a new snapshot fixture adds its names here.</summary>
    private static IEnumerable<string> ExpectedNames() => ResultSnapshotTests.SnapshotNames();

    [Test]
    public void EveryCaseHasAVerifiedFileAndNoFileIsOrphaned()
    {
        var audit = Snapshot.Repository.Audit(ExpectedNames());
        Assert.Multiple(() =>
        {
            // Every name in full: the constraint's own listing stops after ten.
            Assert.That(audit.Missing, Is.Empty,
                $"{audit.Missing.Count} cases have no verified snapshot in {Snapshot.Repository.Directory} (run the snapshot tests with CONVVERIFY_ACCEPT_SNAPSHOTS=1 to create them):\n"
                + string.Concat(audit.Missing.Select(n => $"  {n}\n")));
            Assert.That(audit.Orphaned, Is.Empty, Snapshot.Repository.DescribeOrphans(audit.Orphaned));
        });
    }

    [Test]
    public void EveryCommittedCaseIsCovered()
    {
        // Independent of ResultSnapshotTests.Cases(): a case dropped there must not silently lose its snapshot.
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (string set in CaseSets.Committed)
            foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.BFloat16 })
                foreach (var problem in CaseSets.Load(set, dtype))
                    foreach (var fill in new[] { Fill.Integer, Fill.Normal })
                        ids.Add(ConvCase.IdOf(problem, fill));
        var names = ResultSnapshotTests.SnapshotNames().ToHashSet(StringComparer.Ordinal);
        Assert.That(ids, Is.EquivalentTo(names), "snapshot files are named by case id");
        Assert.That(ids, Has.Count.GreaterThan(450), "the committed sets hold 78 problems × 3 dtypes × 2 fills");
    }

    [Test]
    public void CaseIdsAreUniquePerProblemAndFill()
    {
        var byId = new Dictionary<string, ConvProblem>(StringComparer.Ordinal);
        foreach (string set in CaseSets.Committed)
            foreach (var problem in CaseSets.Load(set, DType.Float64))
                foreach (var fill in new[] { Fill.Integer, Fill.Normal })
                {
                    string id = ConvCase.IdOf(problem, fill);
                    if (byId.TryGetValue(id, out var other))
                        Assert.That(problem, Is.EqualTo(other), $"two different problems share the snapshot id {id}");
                    byId[id] = problem;
                }
    }

    [Test]
    public void VerifiedFilesAreUtf8WithoutBomWithLfLineEnds()
    {
        var store = Snapshot.Repository;
        var bad = new List<string>();
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        foreach (string name in store.VerifiedNames())
        {
            byte[] bytes = File.ReadAllBytes(store.VerifiedPath(name));
            if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) bad.Add($"{name}: BOM");
            if (bytes.Contains((byte)'\r')) bad.Add($"{name}: CR line ends");
            if (bytes.Length == 0 || bytes[^1] != (byte)'\n') bad.Add($"{name}: does not end with LF");
            try { strict.GetString(bytes); }
            catch (DecoderFallbackException) { bad.Add($"{name}: not UTF-8"); }
        }
        Assert.That(bad, Is.Empty);
    }
}
