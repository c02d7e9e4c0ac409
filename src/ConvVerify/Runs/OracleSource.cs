using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;

namespace ConvVerify.Runs;

/// <summary>An oracle's results; a direction or dtype it does not provide is "not provided by oracle", with its reason.</summary>
/// <param name="oracle">The oracle.</param>
public sealed class OracleSource(IConvOracle oracle) : ResultSource
{
    /// <summary>The oracle.</summary>
    public IConvOracle Oracle { get; } = oracle ?? throw new ArgumentNullException(nameof(oracle));

    /// <inheritdoc/>
    public override string Name => Oracle.Name;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Versions => Oracle.Versions;

    /// <inheritdoc/>
    public override double BoundFactor => Oracle.BoundFactor;

    /// <inheritdoc/>
    public override bool IsDefinition => Oracle is EngineOracle;

    /// <summary>The layout the oracle declares it computes in (<see cref="OracleLayouts.ComputesIn"/>), when not NC(D)(H)W: what it did, not what was asked of it.</summary>
    public override string? Layout => OracleLayouts.ComputesIn(Oracle) is var l && l != TorchLayout.Contiguous ? OracleLayouts.Name(l) : null;

    /// <inheritdoc/>
    public override SourceResults<T> Produce<T>(LoadedCase<T> c, IReadOnlyList<Direction> directions)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(directions);
        var r = new SourceResults<T>();
        var provided = new List<Direction>();
        var oracle = In(Oracle, c.Entry.Layout);
        foreach (var d in directions)
        {
            if (oracle.Provides(c.Case.Problem, d, out string? why)) provided.Add(d);
            else r.Absent[d] = new Absence(Outcome.NotProvidedByOracle, $"{d.TensorName()}: not provided by oracle {oracle.Name}: {why}");
        }
        if (provided.Count > 0)
            foreach (var (d, v) in oracle.Compute(c.Case.Problem, c.Inputs, provided)) r.Values[d] = v;
        return r;
    }

    /// <summary>
    /// <paramref name="oracle"/> as it computes a case in <paramref name="layout"/>: a case may ask for torch's
    /// channels-last kernels (a benchdnn --stag=axb), through torch-rounded too; other oracles have one layout. The
    /// pre-run dtype check asks the same (<see cref="DTypeSupport"/>), so it judges the kernels the run will call.
    /// </summary>
    internal static IConvOracle In(IConvOracle oracle, TorchLayout layout) =>
        layout != TorchLayout.Contiguous && oracle is ILayoutOracle layouts && layouts.Layouts.Contains(layout) ? layouts.In(layout) : oracle;
}
