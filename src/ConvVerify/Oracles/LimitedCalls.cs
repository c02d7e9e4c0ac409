namespace ConvVerify.Oracles;

/// <summary>
/// An oracle's calls into native code (torch's through the embedded Python, ONNX Runtime's sessions), each on a kept
/// thread apart from the caller's for at most its time limit. One that has not returned by then is abandoned: .NET cannot
/// stop a thread, nor Python or ONNX Runtime a native call, so it goes on running until it returns, if ever. While it runs
/// every later call of the same instance is refused at once, naming it: stuck in native code that holds a lock (Python's
/// GIL, a deadlock in a library the oracle calls), it would keep a later call waiting for good; stuck where nothing is
/// held, a later call would run alongside a call in an unknown state, and would likely hang the same way, each paying the
/// limit again. Once it returns, calls are made again.
/// </summary>
/// <remarks>
/// One abandon/refuse/recover rule for every oracle; what differs is given: the oracle's name for messages, the exception
/// its callers expect, its threads (named for a debugger's list), and, for torch, a <see cref="Tally"/> that every
/// instance sharing one interpreter reports to (Python must not be finalized under any of them; ONNX Runtime's calls
/// have nothing to say about that, so they keep no tally).
/// </remarks>
/// <param name="oracle">The oracle's name, as messages start: "torch", "ort".</param>
/// <param name="error">Makes the oracle's exception of a message.</param>
/// <param name="threads">The threads calls run on.</param>
/// <param name="tally">Counts this instance's abandoned calls still running with those of the others given it; null for none.</param>
internal sealed class LimitedCalls(string oracle, Func<string, Exception> error, KeptThreads threads, LimitedCalls.Tally? tally = null)
{
    private readonly List<AbandonableCall> _stuck = [];

    /// <summary>Whether a call of this instance was abandoned and has not returned.</summary>
    public bool HasAbandonedCall
    {
        get
        {
            lock (_stuck) return _stuck.Count > 0;
        }
    }

    /// <summary>
    /// <paramref name="work"/>'s result, computed on a kept thread within <paramref name="limit"/> (on the caller's thread
    /// without one, <see cref="Timeout.InfiniteTimeSpan"/>). What it throws is thrown here.
    /// </summary>
    /// <param name="what">The call, for messages: "y, dx, dw of mb1ic3ih5oc4oh5kh3ph1 (float32, no bias)".</param>
    /// <param name="limit">Positive, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    /// <param name="work">Takes whatever lock its oracle needs itself (Python's GIL).</param>
    /// <exception cref="Exception">The oracle's (made by the constructor's error): a call abandoned earlier has not returned, or this one did not return within its limit.</exception>
    public TResult Run<TResult>(string what, TimeSpan limit, Func<TResult> work)
    {
        ThrowIfAbandonedRunning(what);
        // No limit, nothing to wait for: the caller's own thread, for stepping into the oracle in a debugger.
        if (limit == Timeout.InfiniteTimeSpan) return work();
        var call = new AbandonableCall(what, limit, _stuck, _stuck, onAbandoned: tally is null ? null : tally.Add, onRemoved: tally is null ? null : tally.Remove);
        TResult result = default!;
        // The caller's wait interrupted: the call goes on, and no other may run alongside it.
        bool returned = threads.RunWithin(() => call.Run(() => result = work()), limit, _ => call.Abandon());
        if (!returned && call.Abandon())
            throw error($"{oracle} did not return within {TimeLimits.Waited(limit)} from {what}; the call was abandoned on its thread, "
                + $"which may still be running, and {oracle} is not called again until it returns");
        call.Thrown?.Throw();
        return result;
    }

    /// <summary>Refuses <paramref name="what"/> while a call abandoned earlier has not returned.</summary>
    /// <exception cref="Exception">The oracle's (made by the constructor's error): one has not.</exception>
    public void ThrowIfAbandonedRunning(string what)
    {
        lock (_stuck)
        {
            if (_stuck.FirstOrDefault() is { } stuck)
            {
                var refused = error($"{oracle} not called for {what}: {oracle} has not returned from {stuck.What} after {Seconds(stuck.Elapsed)} s "
                    + $"(its limit was {Seconds(stuck.Limit)} s) and may still be running; a call now could wait behind it for good");
                // Marked, not told by its words: a soak printed each such case as a failure of its own to reproduce, where
                // the case was never tried and its check passes; the run says these follow from the call abandoned.
                refused.Data[BehindAbandonedKey] = true;
                throw refused;
            }
        }
    }

    private const string BehindAbandonedKey = "ConvVerify.BehindAbandonedCall";

    /// <summary>
    /// Whether <paramref name="e"/> (or an exception it wraps) is the refusal of a call because one abandoned earlier had
    /// not returned (<see cref="ThrowIfAbandonedRunning"/>): the call was never made, and its failure follows from that one's.
    /// </summary>
    public static bool IsBehindAbandonedCall(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x.Data[BehindAbandonedKey] is true) return true;
        return false;
    }

    private static string Seconds(TimeSpan limit) => TimeLimits.Seconds(limit);

    /// <summary>The abandoned calls still running of every <see cref="LimitedCalls"/> given it (torch's: one interpreter).</summary>
    internal sealed class Tally
    {
        private int _running;

        /// <summary>Whether any of them has not returned.</summary>
        public bool Any => Volatile.Read(ref _running) > 0;

        /// <summary>How many have not returned.</summary>
        public int Count => Volatile.Read(ref _running);

        internal void Add() => Interlocked.Increment(ref _running);

        internal void Remove() => Interlocked.Decrement(ref _running);
    }

    /// <summary>The tally this instance's abandoned calls are counted in; null for none.</summary>
    internal Tally? Counted => tally;
}
