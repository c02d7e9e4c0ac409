using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Runs;

/// <summary>The pipeline's common plans, one case at a time, for tests.</summary>
internal static class Check
{
    /// <summary>The definition's four results.</summary>
    public static ConvResults<T> Naive<T>(ConvProblem p, ConvInputs<T> inputs) where T : unmanaged, IFloatingPointIeee754<T> =>
        Directions.ComputeAll(ConvEngines.Naive, p, inputs);

    /// <summary>An engine on a pack case against the pack's results.</summary>
    public static IReadOnlyList<RunRow> AgainstPack(FixturePack pack, string id, IConvEngine? engine = null) =>
        One(pack, id, new EngineSource(engine ?? ConvEngines.Default));

    /// <summary>An engine against a live oracle on the case's generated inputs.</summary>
    public static IReadOnlyList<RunRow> AgainstOracle(ConvCase c, IConvOracle oracle, IConvEngine? engine = null) =>
        Runner.RunCase(new RunPlan
        {
            Command = "test",
            Cases = [new CaseEntry(c)],
            References = [new OracleSource(oracle)],
            Subject = new EngineSource(engine ?? ConvEngines.Default),
        }, new CaseEntry(c));

    /// <summary>A .NET implementation on a pack case.</summary>
    public static IReadOnlyList<RunRow> Implementation(IConvImplementation impl, FixturePack pack, string id) =>
        One(pack, id, new ImplementationSource(impl));

    /// <summary>Is the pack case fresh against the oracle?</summary>
    public static IReadOnlyList<RunRow> Freshness(FixturePack pack, string id, IConvOracle oracle)
    {
        var plan = ConvVerify.Runs.Freshness.Plan(pack, oracle, [id]);
        return Runner.RunCase(plan, plan.Cases.Single(e => e.Case.Id == id));
    }

    private static IReadOnlyList<RunRow> One(FixturePack pack, string id, ResultSource subject)
    {
        var entry = new CaseEntry(pack.ReadCase(id), pack);
        return Runner.RunCase(new RunPlan { Command = "test", Cases = [entry], References = [Plans.Reference([pack])], Subject = subject }, entry);
    }
}
