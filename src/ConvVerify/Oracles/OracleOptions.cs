using ConvVerify.Convolution;

namespace ConvVerify.Oracles;

/// <summary>Settings an oracle may honour when it is created by name.</summary>
/// <param name="Layout">
/// The memory layout asked of the oracle. A factory that honours it returns an oracle declaring it
/// (<see cref="ILayoutOracle.Layout"/>, as torch's does); one that ignores it returns an NC(D)(H)W oracle, which must not
/// declare the layout, and <c>check --layout</c> then refuses it.
/// </param>
/// <param name="TimeLimit">
/// How long one call of torch (<see cref="TorchOracle.WithTimeLimit"/>) or ONNX Runtime (<see cref="OrtOracle.TimeLimit"/>)
/// may run before it fails and is abandoned: null (the default) for the oracle's own default of each call
/// (<see cref="TorchOracle.DefaultTimeLimit"/>, <see cref="OrtOracle.DefaultTimeLimit"/>), <see cref="Timeout.InfiniteTimeSpan"/>
/// for none. The engines, which run in .NET, have none.
/// </param>
public sealed record OracleOptions(TorchLayout Layout = TorchLayout.Contiguous, TimeSpan? TimeLimit = null)
{
    private readonly TimeSpan? _timeLimit = Checked(TimeLimit);

    /// <summary>How long one torch or ONNX Runtime call may run; see the constructor.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Zero, negative (but <see cref="Timeout.InfiniteTimeSpan"/>), or longer than <see cref="int.MaxValue"/> milliseconds.</exception>
    public TimeSpan? TimeLimit
    {
        get => _timeLimit;
        init => _timeLimit = Checked(value);
    }

    // The rule of an implementation's limit, in this setting's name.
    private static TimeSpan? Checked(TimeSpan? limit) => limit is { } given && TimeLimits.Problem(given) is { } why
        ? throw new ArgumentOutOfRangeException(nameof(TimeLimit), given, $"{nameof(OracleOptions)}.{nameof(TimeLimit)}: {why}")
        : limit;
}
