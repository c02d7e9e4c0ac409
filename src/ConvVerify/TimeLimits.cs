using System.Globalization;

namespace ConvVerify;

/// <summary>
/// The one rule of the time limits of calls that may not return: a .NET implementation's directions
/// (<see cref="Runs.ImplementationSource"/>) and the live oracles' calls (torch, ONNX Runtime). At the library's root, as
/// <see cref="KeptThreads"/> that run those calls, so that the oracles do not reach into the runs for it.
/// </summary>
public static class TimeLimits
{
    /// <summary>The least time a call is given by default, however small its problem: a first call loads native
    /// libraries, compiles kernels or waits for a machine that other work keeps busy.</summary>
    public static readonly TimeSpan Floor = TimeSpan.FromSeconds(120);

    /// <summary>The rate the default limit allows for, in multiply-adds per second: a few hundred times slower than the
    /// definition's own loops (0.2–0.35 G per second in float32, docs/benchmarks.md), so an honest slow implementation
    /// (a debug build, software float16) stays well within it.</summary>
    public const double SlowMultiplyAddsPerSecond = 1e6;

    /// <summary>The longest limit a call may be given (<see cref="Problem"/>): a wait takes at most <see cref="int.MaxValue"/> milliseconds (24.8 days).</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>
    /// What is wrong with <paramref name="limit"/> as a time limit, e.g. "a direction's time limit must be positive (or
    /// Timeout.InfiniteTimeSpan for none), got 00:00:00"; null when it is one. For a setting of any name to refuse a value
    /// by the same rule, in its own name.
    /// </summary>
    public static string? Problem(TimeSpan limit) =>
        limit == Timeout.InfiniteTimeSpan ? null
        : limit <= TimeSpan.Zero ? $"a direction's time limit must be positive (or Timeout.InfiniteTimeSpan for none), got {limit}"
        : limit > Longest ? $"a direction's time limit must be at most {Longest} (int.MaxValue milliseconds; Timeout.InfiniteTimeSpan for none), got {limit}"
        : null;

    /// <summary>
    /// <see cref="Floor"/> plus <paramref name="multiplyAdds"/> at <see cref="SlowMultiplyAddsPerSecond"/>, in whole
    /// seconds, at most <see cref="int.MaxValue"/> milliseconds: the rule of every default limit (a direction's, an
    /// oracle call's), given the work it allows for.
    /// </summary>
    internal static TimeSpan ForWork(double multiplyAdds)
    {
        // Whole seconds: the limit is named in every row it fails.
        double seconds = Floor.TotalSeconds + Math.Ceiling(multiplyAdds / SlowMultiplyAddsPerSecond);
        return seconds >= Longest.TotalSeconds ? Longest : TimeSpan.FromSeconds(seconds);
    }

    // The wait counts whole milliseconds, and truncated a limit to them: one of 0.5 ms waited none at all, and abandoned
    // every call before it had begun. Rounded up, no call is abandoned before its limit; Problem keeps the result within
    // what the wait takes.
    internal static int WaitMilliseconds(TimeSpan limit) =>
        limit == Timeout.InfiniteTimeSpan ? Timeout.Infinite : checked((int)((limit.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond));

    /// <summary>
    /// How long a wait for <paramref name="limit"/> (positive) waits, as a message that a call did not return within it says:
    /// "0.001 s" for a limit of a whole millisecond, "0.001 s (a limit of 0.0001 s, waited for in whole milliseconds)" for one that
    /// <see cref="WaitMilliseconds"/> rounds up.
    /// </summary>
    // The wait, not the limit: a limit of 0.0001 s was said to have passed "within 0.0001 s" after a wait of a whole
    // millisecond, which was what the call had been given. The limit follows when it differs, as the number typed.
    public static string Waited(TimeSpan limit)
    {
        var waited = TimeSpan.FromMilliseconds(WaitMilliseconds(limit));
        return waited == limit ? $"{Seconds(waited)} s" : $"{Seconds(waited)} s (a limit of {Seconds(limit)} s, waited for in whole milliseconds)";
    }

    /// <summary>
    /// <paramref name="limit"/> in seconds as every message names it, invariant: "130.2", "0.001"; to the millisecond from
    /// a second up, to the tick (100 ns) below.
    /// </summary>
    // Milliseconds are enough for a limit of a second or more; a shorter one (a test's) is shown to the tick, 100 ns: to
    // the microsecond, a limit of one tick (accepted, and waited for a millisecond) was said to be "0 s".
    public static string Seconds(TimeSpan limit) => limit.TotalSeconds.ToString(limit.TotalSeconds >= 1 ? "0.###" : "0.#######", CultureInfo.InvariantCulture);
}
