using ConvVerify.Convolution;
using ConvVerify.Runs;
using ConvVerify.Tests.Fixtures;

namespace ConvVerify.Tests.Runs;

/// <summary>The exact engine, handed to the pipeline as an implementation (as the sample does), writes every element of each output.</summary>
public class EngineAsImplementationTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        new[] { "question", "basic" }.SelectMany(set => CommittedPacks.Open(set).CaseIds.Select(id => new TestCaseData(set, id).SetArgDisplayNames(id)));

    [TestCaseSource(nameof(Cases))]
    public void TheExactEnginePassesEveryCaseOnOutputsThatStartNaN(string set, string id)
    {
        var rows = Check.Implementation(ConvEngines.Exact, CommittedPacks.Open(set), id);
        Assert.That(rows.Select(r => r.Outcome), Is.All.EqualTo(Outcome.Pass), string.Join("; ", rows.Select(r => r.Reason)));
    }
}
