using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Runs;

/// <summary>An oracle that claims every direction and throws, on every call, what <paramref name="error"/> makes of the problem.</summary>
internal sealed class ThrowingOracle(string name, Func<ConvProblem, Exception> error) : IConvOracle
{
    public string Name => name;

    public IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string>();

    public double BoundFactor => 1;

    public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason)
    {
        reason = null;
        return true;
    }

    public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
        where T : unmanaged, IFloatingPointIeee754<T> => throw error(problem);
}
