using ConvVerify.Convolution;
using ConvVerify.NUnit;
using ConvVerify.Tests.Fixtures;

namespace ConvVerify.Tests.Implementations;

/// <summary>
/// The fixture as a consumer runs it in parallel, <c>[Parallelizable(ParallelScope.All)]</c>: every case of the question
/// pack against one implementation object that is not safe for two calls at once (a scratch buffer in a field). The
/// probe: the fixture called it from several cases at once, and about half the cases failed with what read as wrong
/// arithmetic. Each case passes only if its calls were made one at a time.
/// </summary>
[TestFixture, Parallelizable(ParallelScope.All)]
public class ParallelCasesTests : ConvImplementationFixture
{
    private static readonly SharedScratchImplementation Shared = new();

    protected override IConvImplementation Implementation => Shared;

    public static new IEnumerable<TestCaseData> Cases() => CasesIn(CommittedPacks.Dir("question"));

    // A case can pass by luck while calls overlap (two problems of one size computing alike): each case that ends after an
    // overlap fails too. Per case, as a fixture's one-time teardown fails no test and leaves `dotnet test` at exit 0.
    [TearDown]
    public void NoCallOverlappedAnother() => Assert.That(Shared.Overlaps, Is.Zero, "calls of the one implementation overlapped");
}
