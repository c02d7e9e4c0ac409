using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Runs;

/// <summary>
/// The definition as an oracle under a name and versions of the test's choosing, for plans that compare packs made by
/// "another" oracle or other versions; optionally one element short in y. Counts its disposals, for the commands that
/// must release the oracles they make.
/// </summary>
internal sealed class DefinitionOracle(string name, params (string Key, string Value)[] versions) : IConvOracle, IDisposable
{
    private int _disposed;

    /// <summary>How many times <see cref="Dispose"/> was called.</summary>
    public int Disposed => _disposed;

    /// <summary>Called on every disposal after it is counted (to record the order, or to fail as a native release can).</summary>
    public Action<DefinitionOracle>? Released { get; init; }

    /// <summary>A dtype it declines (as torch declines bfloat16 on a CPU where it sums it in bfloat16), with <see cref="DeclineReason"/>.</summary>
    public DType? Declines { get; init; }

    /// <summary>Why it declines <see cref="Declines"/>.</summary>
    public const string DeclineReason = "sums this dtype without a float32 accumulator here";

    /// <summary>Whether y comes back one element short.</summary>
    public bool ShortForward { get; init; }

    public string Name => name;

    private readonly Dictionary<string, string> _versions = versions.ToDictionary(v => v.Key, v => v.Value);

    /// <summary>When set, reading <see cref="Versions"/> throws an <see cref="InvalidOperationException"/> with this message: a bug, not bad input.</summary>
    public string? VersionsFailure { get; init; }

    public IReadOnlyDictionary<string, string> Versions => VersionsFailure is null ? _versions : throw new InvalidOperationException(VersionsFailure);

    public double BoundFactor => 1.0;

    public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason)
    {
        reason = problem.DType == Declines ? DeclineReason : null;
        return reason is null && direction.Applies(problem, out reason);
    }

    public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        directions.ToDictionary(d => d, d =>
        {
            var values = d.Compute(ConvEngines.Naive, problem, inputs);
            return ShortForward && d == Direction.Forward ? values[..^1] : values;
        });

    public void Dispose()
    {
        Interlocked.Increment(ref _disposed);
        Released?.Invoke(this);
    }
}
