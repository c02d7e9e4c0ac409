using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Problems;

namespace ConvVerify.Oracles;

/// <summary>
/// Another oracle whose narrow-dtype (bfloat16, float16) results are its float32 results for the same values, each
/// rounded once to the dtype, to nearest even: the harness's rule for narrow dtypes (float32 sums, one rounding) made
/// from a float32 oracle. For CPUs where torch 1.13 sums bfloat16 in bfloat16 (no AVX-512) and so declines it, and for
/// float16, which torch 1.13 does not convolve on a CPU at all. float32 and float64 are the inner oracle's own.
/// </summary>
/// <param name="inner">The float32 oracle.</param>
public sealed class Float32RoundedOnceOracle(IConvOracle inner) : IConvOracle, ILayoutOracle, IDisposable
{
    /// <summary>The key of <see cref="Versions"/> that says how narrow results are made.</summary>
    public const string NarrowVersionKey = "narrow";

    /// <summary>What <see cref="NarrowVersionKey"/> records.</summary>
    public const string NarrowRule = "float32, rounded once to nearest even";

    private readonly IConvOracle _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>What follows the inner oracle's name in <see cref="Name"/>.</summary>
    public const string NameSuffix = "-rounded";

    /// <summary>The inner oracle's name and <see cref="NameSuffix"/>, e.g. "torch-rounded".</summary>
    public string Name => _inner.Name + NameSuffix;

    /// <summary>The inner oracle's versions and the narrow rule: its results' bits differ from a narrow kernel's.</summary>
    public IReadOnlyDictionary<string, string> Versions =>
        new Dictionary<string, string>(_inner.Versions, StringComparer.Ordinal) { [NarrowVersionKey] = NarrowRule };

    /// <inheritdoc/>
    public double BoundFactor => _inner.BoundFactor;

    /// <inheritdoc/>
    public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return _inner.Provides(Working(problem), direction, out reason);
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (!DTypes.IsNarrow(problem.DType)) return _inner.Compute(problem, inputs, directions);
        ArgumentNullException.ThrowIfNull(inputs);
        if (!DTypes.Holds<T>(problem.DType))
            throw new ArgumentException($"T: {typeof(T).Name} does not hold {DTypes.NumpyName(problem.DType)} values (they cross as float32)", nameof(inputs));
        // The narrow values are float32 values, so the inner oracle sees exactly the inputs the problem has.
        // Rounded in copies: an inner oracle may keep the arrays it hands out (a cache of results).
        return _inner.Compute(Working(problem), inputs, directions).ToDictionary(kv => kv.Key, kv =>
        {
            T[] rounded = [.. kv.Value];
            DTypes.Round<T>(problem.DType, rounded);
            return rounded;
        });
    }

    /// <summary>The inner oracle's layouts; NC(D)(H)W only when it declares none.</summary>
    public IReadOnlyCollection<TorchLayout> Layouts => _inner is ILayoutOracle inner ? inner.Layouts : [TorchLayout.Contiguous];

    /// <summary>The layout the inner oracle computes in.</summary>
    public TorchLayout Layout => OracleLayouts.ComputesIn(_inner);

    /// <summary>
    /// This oracle over the inner oracle in <paramref name="layout"/> (a case's channels-last, as a benchdnn
    /// <c>--stag=axb</c> asks), or itself when the inner oracle has one layout only.
    /// </summary>
    public IConvOracle In(TorchLayout layout) => _inner is ILayoutOracle inner ? new Float32RoundedOnceOracle(inner.In(layout)) : this;

    /// <summary>The inner oracle's, for the float32 problem it computes (a narrow dtype's working one).</summary>
    public string? LayoutFallback(ConvProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return _inner is ILayoutOracle inner ? inner.LayoutFallback(Working(problem)) : null;
    }

    /// <summary>Releases the inner oracle when it holds anything (ONNX Runtime's sessions, for one).</summary>
    public void Dispose() => (_inner as IDisposable)?.Dispose();

    private static ConvProblem Working(ConvProblem problem) => DTypes.IsNarrow(problem.DType) ? problem.WithDType(DType.Float32) : problem;
}
