using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;

namespace ConvVerify.Runs;

/// <summary>An engine's results (the definition, or one bitwise equal to it).</summary>
/// <param name="engine">The engine.</param>
/// <exception cref="ArgumentNullException"><paramref name="engine"/> is null.</exception>
public sealed class EngineSource(IConvEngine engine) : ResultSource
{
    // Refused when made: a null engine was found only by the first run's report, as a NullReferenceException at Name.
    private readonly IConvEngine _engine = engine ?? throw new ArgumentNullException(nameof(engine));

    /// <inheritdoc/>
    public override string Name => _engine.Name;

    /// <inheritdoc/>
    public override bool IsDefinition => true;

    /// <inheritdoc/>
    // Stryker disable once Boolean : either value gives the same rows; true keeps one direction's results alive at a time (memory)
    public override bool ComputesDirectionsAlone => true;

    /// <inheritdoc/>
    public override SourceResults<T> Produce<T>(LoadedCase<T> c, IReadOnlyList<Direction> directions)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(directions);
        var r = new SourceResults<T>();
        foreach (var d in directions) r.Values[d] = d.Compute(_engine, c.Case.Problem, c.Inputs);
        return r;
    }
}
