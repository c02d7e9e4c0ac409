using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Oracles;

/// <summary>
/// An engine as the oracle: the definition checked against itself by another engine (<c>check --oracle naive --engine exact</c>),
/// which must agree bitwise.
/// </summary>
/// <param name="engine">The engine whose results are the expected ones.</param>
public sealed class EngineOracle(IConvEngine engine) : IConvOracle
{
    /// <summary>The engine.</summary>
    public IConvEngine Engine { get; } = engine ?? throw new ArgumentNullException(nameof(engine));

    /// <inheritdoc/>
    public string Name => Engine.Name;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string>
    {
        ["convverify"] = typeof(EngineOracle).Assembly.GetName().Version?.ToString() ?? "unknown",
    };

    /// <inheritdoc/>
    public double BoundFactor => 1.0;

    /// <inheritdoc/>
    public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason) => direction.Applies(problem, out reason);

    /// <inheritdoc/>
    public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(directions);
        return directions.ToDictionary(d => d, d => d.Compute(Engine, problem, inputs));
    }
}
