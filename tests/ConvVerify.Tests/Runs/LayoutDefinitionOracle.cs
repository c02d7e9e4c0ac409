using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using Permutes = ConvVerify.Layouts.Layout;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Runs;

/// <summary>
/// A layout-aware oracle that is no torch by name, for commands that must read what an oracle declares rather than its
/// name. It declares both layouts, and it honours the one it was made in: x and dL/dy are held in that layout's memory
/// order (channels-last for <see cref="TorchLayout.ChannelsLast"/>) and brought back before the definition computes, so
/// its results are the definition's in either. Each computation is recorded with its layout, for tests to see which one
/// a run really used.
/// </summary>
internal sealed class LayoutDefinitionOracle(string name, TorchLayout layout, ConcurrentQueue<TorchLayout> computed) : IConvOracle, ILayoutOracle
{
    public string Name => name;

    public IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string> { ["convverify"] = "layout-stand-in" };

    public double BoundFactor => 1.0;

    public IReadOnlyCollection<TorchLayout> Layouts { get; } = [TorchLayout.Contiguous, TorchLayout.ChannelsLast];

    public TorchLayout Layout => layout;

    public IConvOracle In(TorchLayout other) => new LayoutDefinitionOracle(name, other, computed);

    public string? LayoutFallback(ConvProblem problem) => null;

    public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason) => direction.Applies(problem, out reason);

    public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        computed.Enqueue(layout);
        var held = layout == TorchLayout.ChannelsLast
            ? inputs with
            {
                X = Permutes.FromChannelsLast<T>(Permutes.ToChannelsLast<T>(inputs.X, problem.XShape), problem.XShape),
                Dy = Permutes.FromChannelsLast<T>(Permutes.ToChannelsLast<T>(inputs.Dy, problem.YShape), problem.YShape),
            }
            : inputs;
        return directions.ToDictionary(d => d, d => d.Compute(ConvEngines.Naive, problem, held));
    }
}
