using ConvVerify.Catalog;
using ConvVerify.Fixtures;

namespace ConvVerify.Tests.Fixtures;

/// <summary>The committed fixture packs under tests/fixtures/, one per committed case set.</summary>
public static class CommittedPacks
{
    public static string Root { get; } = FindRoot();

    public static string Dir(string set) => Path.Combine(Root, "tests", "fixtures", set);

    public static FixturePack Open(string set) => FixturePack.Open(Dir(set));

    /// <summary>(set, case id) of every committed case, for TestCaseSource.</summary>
    public static IEnumerable<TestCaseData> Cases() =>
        CaseSets.Committed.SelectMany(set => Open(set).CaseIds.Select(id => new TestCaseData(set, id).SetArgDisplayNames(id)));

    private static string FindRoot() =>
        Locations.RepositoryRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException($"no {Locations.SolutionFile} above {AppContext.BaseDirectory}");
}
