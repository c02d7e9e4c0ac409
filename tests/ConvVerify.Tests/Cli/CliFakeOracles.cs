using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// Oracles the commands find by name that no real oracle can stand in for without torch: one that cannot run here, and
/// one with two versions (the commands print versions joined) that records being disposed.
/// </summary>
public static class CliFakeOracles
{
    /// <summary>An oracle that exists but cannot run here, as torch without Python.</summary>
    public const string Unavailable = "cli-unavailable";

    /// <summary>Why <see cref="Unavailable"/> cannot run; a real oracle's reason starts with its name too ("torch: ...").</summary>
    public const string UnavailableReason = "cli-unavailable: not on this machine";

    /// <summary>The definition (naive loops) under two versions, <c>lib-a 1.0</c> then <c>lib-b 2.5</c>, for `import-onnx`.</summary>
    public const string TwoVersions = "cli-two-versions";

    /// <summary>The same for `fixtures generate`: fixtures run in parallel, so each counts the oracles made under its own name.</summary>
    public const string TwoVersionsForGenerate = "cli-two-versions-generate";

    private static readonly ConcurrentDictionary<string, ConcurrentQueue<TwoVersionOracle>> Created = new(StringComparer.Ordinal);

    static CliFakeOracles()
    {
        OracleRegistry.Register(Unavailable, "a test's fake", _ => throw new OracleUnavailableException(UnavailableReason));
        foreach (string name in (string[])[TwoVersions, TwoVersionsForGenerate])
        {
            var made = Created.GetOrAdd(name, _ => new ConcurrentQueue<TwoVersionOracle>());
            OracleRegistry.Register(name, "a test's fake", _ =>
            {
                var o = new TwoVersionOracle(name);
                made.Enqueue(o);
                return o;
            });
        }
    }

    /// <summary>Registers the fakes (once per process).</summary>
    public static void Register()
    {
        // The static constructor does the work; this only makes sure it has run.
    }

    /// <summary>Every two-version oracle made under <paramref name="name"/> so far, oldest first.</summary>
    public static IReadOnlyList<TwoVersionOracle> TwoVersionOracles(string name) => [.. Created[name]];

    public sealed class TwoVersionOracle(string name) : IConvOracle, IDisposable
    {
        private int _disposed;

        /// <summary>How many times <see cref="Dispose"/> was called.</summary>
        public int Disposed => _disposed;

        public string Name => name;

        public IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string> { ["lib-a"] = "1.0", ["lib-b"] = "2.5" };

        public double BoundFactor => 1;

        public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason) => direction.Applies(problem, out reason);

        public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
            where T : unmanaged, IFloatingPointIeee754<T> =>
            directions.ToDictionary(d => d, d => d.Compute(ConvEngines.Naive, problem, inputs));

        public void Dispose() => Interlocked.Increment(ref _disposed);
    }
}
