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

/// <summary>The locator's refusals and the variable that overrides where the committed packs are.</summary>
[NonParallelizable] // sets an environment variable every pack lookup of the process reads
public class LocationsOverrideTests : TempFolderTest
{
    [Test]
    public void TheFolderHoldingTheSolutionFileIsItsOwnRoot()
    {
        File.WriteAllText(Path.Combine(Dir, "marker.sln"), "");
        Assert.That(Locations.RepositoryRoot(Dir, "marker.sln"), Is.EqualTo(Dir));
        Assert.That(Locations.RepositoryRoot(Path.Combine(Dir, "not", "yet", "made"), "marker.sln"), Is.EqualTo(Dir), "a start that does not exist yet");
    }

    [Test]
    public void BlankArgumentsAreRefusedByName()
    {
        Assert.That(Assert.Catch<ArgumentException>(() => Locations.RepositoryRoot(" "))!.ParamName, Is.EqualTo("start"));
        Assert.That(Assert.Catch<ArgumentException>(() => Locations.RepositoryRoot(Dir, ""))!.ParamName, Is.EqualTo("solutionFile"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => Locations.CommittedPack(null!))!.ParamName, Is.EqualTo("set"));
    }

    [Test]
    public void TheFixturesVariableWinsOverTheRepository()
    {
        string? saved = Environment.GetEnvironmentVariable(Locations.FixturesVariable);
        try
        {
            Environment.SetEnvironmentVariable(Locations.FixturesVariable, Dir);
            Assert.That(Locations.CommittedPacksRoot(), Is.EqualTo(Dir));
            Assert.That(Locations.CommittedPack("basic"), Is.EqualTo(Path.Combine(Dir, "basic")));
            Environment.SetEnvironmentVariable(Locations.FixturesVariable, null);
            Assert.That(Locations.CommittedPack("basic"), Is.EqualTo(ConvVerify.Tests.Fixtures.CommittedPacks.Dir("basic")));
        }
        finally
        {
            Environment.SetEnvironmentVariable(Locations.FixturesVariable, saved);
        }
    }

    [Test]
    public void RegenerateRewritesTheClonesPacksNotTheFolderTheFixturesVariableNames()
    {
        // The variable (or an installed tool's shipped copy) decides what checks read; regenerate is for the clone.
        string? saved = Environment.GetEnvironmentVariable(Locations.FixturesVariable);
        try
        {
            Environment.SetEnvironmentVariable(Locations.FixturesVariable, Dir);
            Assert.That(ConvVerify.Cli.FixturesCommand.RegenerateRoot(), Is.EqualTo(Path.Combine(ConvVerify.Tests.Fixtures.CommittedPacks.Root, "tests", "fixtures")));
        }
        finally
        {
            Environment.SetEnvironmentVariable(Locations.FixturesVariable, saved);
        }
    }

    [Test]
    public void FromTheTestAssemblyTheBenchdnnInputsAreTheRepositorysVendoredCopy() =>
        Assert.That(Locations.BenchdnnInputs(), Is.EqualTo(Path.Combine(ConvVerify.Tests.Fixtures.CommittedPacks.Root, "third_party", "benchdnn-conv")));
}
