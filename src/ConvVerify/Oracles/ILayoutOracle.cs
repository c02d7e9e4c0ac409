using ConvVerify.Problems;

namespace ConvVerify.Oracles;

/// <summary>
/// An oracle that can compute in another memory layout (torch's channels-last kernels), results NC(D)(H)W either way. What
/// it declares here is what commands believe: <c>check --layout</c> is accepted only when an oracle made for it says it
/// computes in that layout (<see cref="Layout"/>), never because of its name, so an oracle that cannot honour a layout
/// must not implement this interface or must not list the layout in <see cref="Layouts"/>.
/// </summary>
public interface ILayoutOracle
{
    /// <summary>Every layout <see cref="In"/> gives an oracle that really computes in; <see cref="TorchLayout.Contiguous"/> among them.</summary>
    IReadOnlyCollection<TorchLayout> Layouts { get; }

    /// <summary>The layout this oracle computes in.</summary>
    TorchLayout Layout { get; }

    /// <summary>This oracle computing in <paramref name="layout"/>; itself, still in its own <see cref="Layout"/>, for a layout not among <see cref="Layouts"/>.</summary>
    IConvOracle In(TorchLayout layout);

    /// <summary>
    /// Null when this oracle computes <paramref name="problem"/> in its <see cref="Layout"/>; otherwise why it computes it
    /// in NC(D)(H)W instead, as a sentence naming the oracle's library (torch 1.13 on CPU has no channels-last conv3d, and
    /// computes one from channels-last inputs in NCDHW; nor a channels-last depthwise or 1-wide conv1d, nor a conv1d or
    /// conv2d with one input channel: its own probe, of the problem's rank, dtype and kind, finds it). Its results are still right, only not
    /// of the kernels the layout asked for, so commands compute them and warn, with how many cases (and of which dtypes) it concerns.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="problem"/> is null.</exception>
    string? LayoutFallback(ConvProblem problem);
}

/// <summary>What an oracle computes in, read from what it declares (<see cref="ILayoutOracle"/>); an oracle that declares nothing computes in NC(D)(H)W.</summary>
public static class OracleLayouts
{
    /// <summary>The layout <paramref name="oracle"/> computes in: its <see cref="ILayoutOracle.Layout"/>, else <see cref="TorchLayout.Contiguous"/>.</summary>
    public static TorchLayout ComputesIn(IConvOracle oracle)
    {
        ArgumentNullException.ThrowIfNull(oracle);
        return oracle is ILayoutOracle l ? l.Layout : TorchLayout.Contiguous;
    }

    /// <summary>Whether <paramref name="oracle"/> can be made to compute in <paramref name="layout"/> (<see cref="ILayoutOracle.In"/>).</summary>
    public static bool CanComputeIn(IConvOracle oracle, TorchLayout layout)
    {
        ArgumentNullException.ThrowIfNull(oracle);
        return layout == TorchLayout.Contiguous || (oracle is ILayoutOracle l && l.Layouts.Contains(layout));
    }

    /// <summary>
    /// Null when <paramref name="oracle"/> computes <paramref name="problem"/> in the layout it declares
    /// (<see cref="ComputesIn"/>), as an oracle that declares none does in NC(D)(H)W; otherwise its
    /// <see cref="ILayoutOracle.LayoutFallback"/>'s reason.
    /// </summary>
    public static string? Fallback(IConvOracle oracle, ConvProblem problem)
    {
        ArgumentNullException.ThrowIfNull(oracle);
        ArgumentNullException.ThrowIfNull(problem);
        return oracle is ILayoutOracle l && l.Layout != TorchLayout.Contiguous ? l.LayoutFallback(problem) : null;
    }

    /// <summary>The layout's name as <c>--layout</c> takes it and reports record it: "nchw" or "channels-last".</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a layout.</exception>
    public static string Name(TorchLayout layout) => layout switch
    {
        TorchLayout.Contiguous => "nchw",
        TorchLayout.ChannelsLast => "channels-last",
        _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, $"layout: expected nchw or channels-last, got {(int)layout}"),
    };

    /// <summary>The layout of a name <see cref="Name"/> gives.</summary>
    /// <exception cref="ArgumentException">Not a layout's name; the message names it and the names expected.</exception>
    public static TorchLayout Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "nchw" => TorchLayout.Contiguous,
            "channels-last" => TorchLayout.ChannelsLast,
            _ => throw new ArgumentException($"layout: expected nchw or channels-last, got '{name}'", nameof(name)),
        };
    }
}
