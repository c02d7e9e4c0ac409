using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using ConvVerify.Oracles;

namespace ConvVerify.Cli;

/// <summary>
/// <c>--oracle-time-limit SECONDS|none</c>: how long one call of a live oracle (torch, ONNX Runtime) may run before it
/// fails and is abandoned (<see cref="OracleOptions.TimeLimit"/>), on every command that calls one. Left out, each
/// oracle's own default per call stands.
/// </summary>
/// <remarks>
/// A CI job tightens it to fail fast on a hung oracle, a slow machine or a huge layer loosens it. The value is plain
/// decimal seconds, ASCII digits with at most one point between digits, as <see cref="WholeNumbers"/> reads counts: no
/// sign, blank, exponent or unit, so what a script passes is what the run waits. <c>none</c> is the library's
/// <see cref="Timeout.InfiniteTimeSpan"/>; zero is refused, as the library refuses it, rather than read as none.
/// </remarks>
internal static class OracleTimeLimit
{
    /// <summary>The option's name.</summary>
    public const string Name = "--oracle-time-limit";

    /// <summary>The word for no limit at all.</summary>
    public const string NoLimit = "none";

    // The options made here, for the messages that have no value to show (one missing, UsageErrors).
    private static readonly ConditionalWeakTable<Option, string> Made = [];

    /// <summary>What the option takes, as every refusal of it says.</summary>
    public static string Kind { get; } = $"a number of seconds above 0 and at most {TimeLimits.Seconds(TimeLimits.Longest)}, or {NoLimit}";

    /// <summary>A new <c>--oracle-time-limit</c>: null when left out, <see cref="Timeout.InfiniteTimeSpan"/> for <c>none</c>.</summary>
    public static Option<TimeSpan?> Create()
    {
        var option = new Option<TimeSpan?>(Name)
        {
            // Not the option's own name, which would widen every command's column of help by itself.
            HelpName = "seconds",
            Description = "Seconds one call of a live oracle (torch, ort) may run, or none: a call past it is abandoned and its case is an oracle "
                + "failure (exit 2). Default: 120 plus 1 per million multiply-adds of each of y, dx and dw the call computes (torch computes all three)",
        };
        option.CustomParser = result => Parse(result);
        Made.AddOrUpdate(option, Kind);
        return option;
    }

    /// <summary><see cref="Kind"/> for an option made by <see cref="Create"/>, else null.</summary>
    public static string? Expected(Option option) => Made.TryGetValue(option, out string? kind) ? kind : null;

    /// <summary>What the option says of a value it refuses.</summary>
    public static string Refusal(string value) => $"{Name}: expected {Kind}, got '{Fixtures.PackPaths.Printable(value)}'";

    /// <summary>
    /// The limit <paramref name="value"/> means: <see cref="Timeout.InfiniteTimeSpan"/> for <c>none</c>, else its seconds
    /// rounded up to a whole tick (no call is abandoned before the limit given); null when it is no limit
    /// <see cref="TimeLimits.Problem"/> accepts, or not written as one.
    /// </summary>
    public static TimeSpan? Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value == NoLimit) return Timeout.InfiniteTimeSpan;
        int point = value.IndexOf('.', StringComparison.Ordinal);
        string whole = point < 0 ? value : value[..point], fraction = point < 0 ? "0" : value[(point + 1)..];
        // Digits on both sides of the point: ".5" and "5." are typos as often as not, and "5.0.1" no number.
        if (whole.Length == 0 || fraction.Length == 0 || !whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit)) return null;
        // The ticks counted from the digits themselves, not through decimal: decimal keeps 28 places and read 1e-29 s
        // (29 of them) as 0, refused as not above 0 although it is. Digits past the seventh place (a tick, 100 ns) that
        // are not all zero add a tick, so a limit is rounded up, never down: no call is abandoned before the limit given,
        // and any positive value is at least a tick, which the wait rounds up to a whole millisecond (TimeLimits). Past
        // what a tick count holds, the value is too long for any limit: TimeSpan.MaxValue, which the rule refuses as such.
        const int places = 7;
        var ticks = BigInteger.Parse(whole + fraction[..Math.Min(fraction.Length, places)].PadRight(places, '0'), NumberStyles.None, CultureInfo.InvariantCulture);
        if (fraction.Length > places && fraction[places..].Any(c => c != '0')) ticks++;
        var limit = ticks > long.MaxValue ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)ticks);
        // The library's rule, so the command line cannot take what OracleOptions refuses or refuse what it takes.
        return TimeLimits.Problem(limit) is null ? limit : null;
    }

    // Called only with a value given; the arity is checked before, so there is exactly one token.
    private static TimeSpan? Parse(ArgumentResult result)
    {
        string value = result.Tokens[0].Value;
        if (Parse(value) is { } limit) return limit;
        result.AddError(Refusal(value));
        return null;
    }

    /// <summary>
    /// Refuses the option given when every oracle of the run is an engine, which runs in .NET and has no time limit: the
    /// option would be ignored.
    /// </summary>
    /// <param name="given">The parsed value (null when left out).</param>
    /// <param name="oracles">The oracles the run made.</param>
    /// <param name="whose">How the oracles are introduced: "" for the command line's, "the pack's oracle " for a pack's.</param>
    public static void RefuseWithoutLiveOracle(TimeSpan? given, IReadOnlyCollection<IConvOracle> oracles, string whose = "")
    {
        if (given is null || oracles.Count == 0 || !oracles.All(o => o is EngineOracle)) return;
        throw new CliException($"{Name} goes with a live oracle, as torch and ort are: {whose}{string.Join(", ", oracles.Select(o => o.Name))} "
            + $"{(oracles.Count == 1 ? "is an engine, which runs" : "are engines, which run")} in .NET with no time limit");
    }
}
