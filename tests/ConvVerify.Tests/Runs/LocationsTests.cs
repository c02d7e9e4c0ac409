namespace ConvVerify.Tests.Runs;

/// <summary>The one locator: the repository is the first folder up holding the solution file; the committed packs are found from here.</summary>
public class LocationsTests
{
    [Test]
    public void TheRepositoryIsTheFirstFolderUpWithTheSolutionFile()
    {
        string root = Path.Combine(Path.GetTempPath(), "convverify-loc-" + Guid.NewGuid().ToString("N"));
        string deep = Path.Combine(root, "a", "b", "c");
        Directory.CreateDirectory(deep);
        try
        {
            Assert.That(Locations.RepositoryRoot(deep, "marker.sln"), Is.Null);
            File.WriteAllText(Path.Combine(root, "a", "marker.sln"), "");
            Assert.That(Locations.RepositoryRoot(deep, "marker.sln"), Is.EqualTo(Path.Combine(root, "a")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void FromTheTestAssemblyTheCommittedPacksAreTheRepositorys()
    {
        Assert.That(Locations.CommittedPack("basic"), Is.EqualTo(ConvVerify.Tests.Fixtures.CommittedPacks.Dir("basic")));
        Assert.That(Locations.SnapshotsDir(), Is.EqualTo(Path.Combine(ConvVerify.Tests.Fixtures.CommittedPacks.Root, "snapshots")));
    }
}
