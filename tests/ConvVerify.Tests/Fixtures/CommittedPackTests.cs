using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Convolution;
using ConvVerify.Runs;
using ConvVerify.Fixtures;
using ConvVerify.Problems;
using ConvVerify.Tests.Oracles;

using ConvVerify.Tests.Runs;

namespace ConvVerify.Tests.Fixtures;

/// <summary>The naive implementation against the committed PyTorch results (no Python needed), and the packs themselves.</summary>
public class CommittedPackTests
{
    [TestCaseSource(typeof(CommittedPacks), nameof(CommittedPacks.Cases))]
    public void NaiveMatchesPyTorchFromThePack(string set, string id)
    {
        var pack = CommittedPacks.Open(set);
        var c = pack.ReadCase(id);
        var rows = Check.AgainstPack(pack, id);
        Assert.That(rows, Has.Count.EqualTo(c.Problem.HasBias ? 4 : 3), "every direction is in the pack");
        Assert.That(rows.Where(r => r.Outcome != Outcome.Pass).Select(r => $"{r.Direction}: {r.Reason}"), Is.Empty);
    }

    [TestCaseSource(typeof(CaseSets), nameof(CaseSets.Committed))]
    public void PackIsIntactAndCoversTheWholeSet(string set)
    {
        var pack = CommittedPacks.Open(set);
        Assert.That(pack.Manifest, Is.Not.Null);
        Assert.That(pack.CheckIntegrity(), Is.Empty);
        var expected = CaseSets.AllVariants(set).Select(c => c.Id);
        Assert.That(pack.CaseIds, Is.EquivalentTo(expected), "pack and catalog agree: regenerate with 'convverify fixtures regenerate' after changing a set");
        // Every file on disk is listed, so nothing unhashed can hide in a pack.
        var onDisk = Directory.GetFiles(pack.Directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(pack.Directory, f).Replace('\\', '/')).Where(f => f != "manifest.json");
        Assert.That(onDisk, Is.EquivalentTo(pack.Manifest!.Files.Keys));
    }

    [Test]
    public void CommittedPacksStayUnder20MB()
    {
        long bytes = CaseSets.Committed.Sum(s => Directory.GetFiles(CommittedPacks.Dir(s), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length));
        Assert.That(bytes, Is.LessThan(20L << 20));
    }
}

/// <summary>The committed packs are what today's generator and today's PyTorch make: a stale pack fails here.</summary>
[Parallelizable(ParallelScope.All)]
public class FreshnessTests
{
    [TestCaseSource(typeof(CommittedPacks), nameof(CommittedPacks.Cases))]
    public void CommittedCaseIsFresh(string set, string id)
    {
        var oracle = LiveTorch.RequireShared();
        var pack = CommittedPacks.Open(set);
        var c = pack.ReadCase(id);
        var rows = Check.Freshness(pack, id, oracle);
        // Made elsewhere (another torch, numpy or CPU: the committed packs record no CPU), normal-fill results are
        // compared within the sound bound; bfloat16 is declined where this CPU's torch sums it in bfloat16.
        if (LiveTorch.DeclinesBFloat16Here(oracle, c.Problem, rows)) return;
        Assert.That(rows.Where(r => r.Outcome != Outcome.Pass).Select(r => r.Reason), Is.Empty);
    }
}
