using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Problems;

namespace ConvVerify.Oracles;

/// <summary>Something that computes the trusted results of a problem: live PyTorch, ONNX Runtime, or the definition itself.</summary>
public interface IConvOracle
{
    /// <summary>The name <c>--oracle</c> takes and reports and manifests record, e.g. "torch".</summary>
    string Name { get; }

    /// <summary>The versions that decide its results, as recorded in a pack's manifest, e.g. {"torch": "1.13.1", "numpy": "1.24.2"}
    /// and, under <see cref="CpuVersionKey"/>, the CPU kernels it runs.</summary>
    IReadOnlyDictionary<string, string> Versions { get; }

    /// <summary>The key of <see cref="Versions"/> naming the CPU kernels an oracle runs (e.g. "ATen AVX2, oneDNN avx2").</summary>
    const string CpuVersionKey = "cpu";

    /// <summary>
    /// Multiplier of the sound bound when this oracle's results are the expected ones: 1 for implementations that sum each
    /// element's products in some order in the working precision (the bound's assumption); more for algorithms that round more.
    /// </summary>
    double BoundFactor { get; }

    /// <summary>Whether it computes <paramref name="direction"/> of <paramref name="problem"/> (in the problem's dtype); if not, why.</summary>
    bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason);

    /// <summary>The results of the requested directions, each of which it <see cref="Provides"/>.</summary>
    /// <exception cref="ArgumentException">Inputs of the wrong size, or a direction it does not provide.</exception>
    IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
