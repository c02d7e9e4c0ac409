using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Convolution;
using ConvVerify.Runs;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;

using ConvVerify.Tests.Runs;

namespace ConvVerify.Tests.Oracles;

/// <summary>Every case of every set, every direction, against live PyTorch.</summary>
[Parallelizable(ParallelScope.All)]
public class LiveCatalogTests
{
    public static IEnumerable<TestCaseData> CommittedCases() =>
        CaseSets.Committed.SelectMany(CaseSets.AllVariants).Select(c => new TestCaseData(c).SetArgDisplayNames(c.Id));

    // ResNet-50 layers are large: float32 only, as the network runs; both fills (the integer fill must agree exactly).
    public static IEnumerable<TestCaseData> Cases() =>
        CommittedCases().Concat(ConvCase.Expand(CaseSets.Load("resnet50"), [DType.Float32], [Fill.Integer, Fill.Normal])
            .Select(c => new TestCaseData(c).SetArgDisplayNames(c.Id).SetCategory("resnet50")));

    /// <summary>torch's channels-last kernels are other code than its NCHW ones: the same cases, computed in that layout.</summary>
    [TestCaseSource(nameof(CommittedCases))]
    public void NaiveMatchesLivePyTorchInChannelsLast(ConvCase c)
    {
        var oracle = LiveTorch.Require().In(TorchLayout.ChannelsLast);
        AllPassOrAllDeclined(c, oracle, Check.AgainstOracle(c, oracle));
    }

    [TestCaseSource(nameof(Cases))]
    public void NaiveMatchesLivePyTorch(ConvCase c)
    {
        var oracle = LiveTorch.RequireShared();
        AllPassOrAllDeclined(c, oracle, Check.AgainstOracle(c, oracle));
    }

    // Every direction passes, or, for a bfloat16 case on a CPU where torch sums bfloat16 in bfloat16, every direction is
    // declined with that reason (LowPrecisionConvTests shows the decline is right): never a failure, never a mix.
    private static void AllPassOrAllDeclined(ConvCase c, IConvOracle oracle, IReadOnlyList<RunRow> rows)
    {
        Assert.That(rows, Has.Count.EqualTo(c.Problem.HasBias ? 4 : 3));
        if (LiveTorch.DeclinesBFloat16Here(oracle, c.Problem, rows)) return;
        Assert.That(rows.Where(r => r.Outcome != Outcome.Pass).Select(r => $"{r.Direction}: {r.Reason}"), Is.Empty);
    }
}
