using ConvVerify.Catalog;
using ConvVerify.Fixtures;

namespace ConvVerify.Tests.Fixtures;

/// <summary>The committed fixture packs under tests/fixtures/, one per committed case set.</summary>
public static class CommittedPacks
{
    public static string Root { get; } = FindRoot();

    public static string Dir(string set) => Path.Combine(Root, "tests", "fixtures", set);

    // Opening a pack reads its manifest and checks every entry for links (~80 ms for the largest): once per set and run.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<FixturePack>> Opened = new(StringComparer.Ordinal);

    /// <summary>The committed pack of a set, opened once per test run (the packs are read-only to the tests).</summary>
    public static FixturePack Open(string set) => Opened.GetOrAdd(set, s => new(() => FixturePack.Open(Dir(s)))).Value;

    /// <summary>Forgets the opened packs, so the next run opens them with its own code (see <see cref="TestAssemblySetup"/>).</summary>
    public static void Forget() => Opened.Clear();

    /// <summary>(set, case id) of every committed case, for TestCaseSource.</summary>
    public static IEnumerable<TestCaseData> Cases() =>
        CaseSets.Committed.SelectMany(set => Open(set).CaseIds.Select(id => new TestCaseData(set, id).SetArgDisplayNames(id)));

    private static string FindRoot() =>
        Locations.RepositoryRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException($"no {Locations.SolutionFile} above {AppContext.BaseDirectory}");
}
