using ConvVerify.Catalog;
using ConvVerify.Checking;
using ConvVerify.Fixtures;
using NUnit.Framework;

namespace ConvVerify.NUnit;

/// <summary>
/// Derive from this in an NUnit project to check a .NET convolution against every case of the committed fixture packs,
/// every direction: bitwise for the integer fill, within the sound bound for the normal fill.
/// </summary>
/// <example>
/// <code>
/// public class MyConvTests : ConvImplementationFixture
/// {
///     protected override IConvImplementation Implementation { get; } = new MyConv();
/// }
/// </code>
/// </example>
/// <remarks>
/// The packs are found in the folder named by the environment variable <c>CONVVERIFY_FIXTURES</c> (one sub-folder per
/// pack), else in <c>tests/fixtures</c> of the first folder above the test assembly that holds <c>ConvVerify.sln</c>.
/// </remarks>
public abstract class ConvImplementationFixture
{
    /// <summary>Environment variable naming a folder of packs.</summary>
    public const string FixturesVariable = "CONVVERIFY_FIXTURES";

    /// <summary>The implementation under test.</summary>
    protected abstract IConvImplementation Implementation { get; }

    /// <summary>Whether a direction the implementation does not support fails the case (default) or is only reported.</summary>
    protected virtual bool RequireAllDirections => true;

    /// <summary>Every case of every pack: (pack folder, case id).</summary>
    public static IEnumerable<TestCaseData> Cases()
    {
        string root = FixturesRoot();
        var packs = Directory.Exists(root) ? Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "manifest.json"))).Order(StringComparer.Ordinal).ToArray() : [];
        foreach (string dir in packs)
            foreach (string id in FixturePack.Open(dir).CaseIds)
                yield return new TestCaseData(dir, id).SetArgDisplayNames(id);
    }

    /// <summary>The implementation reproduces PyTorch's results for one case.</summary>
    [TestCaseSource(nameof(Cases))]
    public void MatchesPyTorch(string packDirectory, string caseId)
    {
        var rows = ImplementationCheck.AgainstPack(Implementation, FixturePack.Open(packDirectory), caseId);
        var failed = rows.Where(r => r.Outcome == Outcome.Fail || (RequireAllDirections && r.Outcome != Outcome.Pass));
        Assert.That(failed.Select(r => $"{r.Direction}: {r.Explanation}"), Is.Empty);
    }

    /// <summary>The catalog was found: a fixture that silently checked nothing would pass.</summary>
    [Test]
    public void PacksAreFound() =>
        Assert.That(Cases().Count(), Is.GreaterThanOrEqualTo(CaseSets.Committed.Count), $"no fixture packs under {FixturesRoot()} (set {FixturesVariable})");

    private static string FixturesRoot()
    {
        if (Environment.GetEnvironmentVariable(FixturesVariable) is { Length: > 0 } dir) return dir;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ConvVerify.sln"))) return Path.Combine(d.FullName, "tests", "fixtures");
        return Path.Combine(AppContext.BaseDirectory, "fixtures");
    }
}
