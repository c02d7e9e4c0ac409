using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;

namespace ConvVerify.Oracles;

/// <summary>
/// Calls into the embedded Python, each on a kept thread apart from the caller's for at most its time limit. One that
/// has not returned by then is abandoned: .NET cannot stop a thread, nor Python a native call, so it goes on running
/// until it returns, if ever. While it runs every later call is refused at once, naming it: stuck in native code that
/// holds the GIL (a deadlock in a library torch calls), it leaves no other thread into Python, and a later call would
/// wait for the GIL for good; stuck where the GIL is free, a later call would run torch alongside a call in an unknown
/// state. Once it returns, calls are made again.
/// </summary>
/// <remarks>The oracle has one for the process (Python is one); a test makes its own, so that the calls it strands refuse only its own.</remarks>
internal sealed class TorchCalls
{
    private static readonly KeptThreads Threads = new("ConvVerify torch call");

    // Every instance's: Python must not be finalized under any of them.
    private static int _abandonedRunning;

    private readonly List<Call> _stuck = [];

    /// <summary>Whether a call of any instance was abandoned and has not returned: then Python must not be finalized.</summary>
    public static bool AnyAbandonedRunning => Volatile.Read(ref _abandonedRunning) > 0;

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
    /// <param name="work">Takes the GIL itself.</param>
    /// <exception cref="TorchOracleException">A call abandoned earlier has not returned, or this one did not return within its limit.</exception>
    public TResult Run<TResult>(string what, TimeSpan limit, Func<TResult> work)
    {
        ThrowIfAbandonedRunning(what);
        // No limit, nothing to wait for: the caller's own thread, for stepping into Python in a debugger.
        if (limit == Timeout.InfiniteTimeSpan) return work();
        var call = new Call(what, limit);
        TResult result = default!;
        var done = new ManualResetEventSlim();
        Threads.Start(() => call.Run(this, () => result = work()), done);
        bool returned;
        try
        {
            returned = done.Wait(Runs.ImplementationSource.WaitMilliseconds(limit));
        }
        catch (Exception)
        {
            // The caller's wait interrupted: the call goes on, and no other may run alongside it.
            Abandon(call);
            throw;
        }
        if (!returned && Abandon(call))
            throw new TorchOracleException($"torch did not return within {Seconds(limit)} s from {what}; the call was abandoned on its thread, "
                + "which may still be running, and torch is not called again until it returns");
        if (returned)
            done.Dispose();
        call.Thrown?.Throw();
        return result;
    }

    // Marks the call abandoned, unless it has returned meanwhile (then its answer is as good as any other's): true if it was.
    private bool Abandon(Call call)
    {
        lock (_stuck)
        {
            if (call.Returned) return false;
            _stuck.Add(call);
            Interlocked.Increment(ref _abandonedRunning);
            return true;
        }
    }

    /// <summary>Refuses <paramref name="what"/> while a call abandoned earlier has not returned.</summary>
    /// <exception cref="TorchOracleException">One has not.</exception>
    public void ThrowIfAbandonedRunning(string what)
    {
        lock (_stuck)
        {
            if (_stuck.FirstOrDefault() is { } stuck)
                throw new TorchOracleException($"torch not called for {what}: torch has not returned from {stuck.What} after {Seconds(stuck.Elapsed)} s "
                    + $"(its limit was {Seconds(stuck.Limit)} s) and may still be running; a call now could wait behind it for good");
        }
    }

    private static string Seconds(TimeSpan limit) => Runs.ImplementationSource.Seconds(limit);

    private sealed class Call(string what, TimeSpan limit)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public string What => what;

        public TimeSpan Limit => limit;

        public TimeSpan Elapsed => _clock.Elapsed;

        public bool Returned { get; private set; }

        public ExceptionDispatchInfo? Thrown { get; private set; }

        public void Run(TorchCalls owner, Action compute)
        {
            try
            {
                compute();
            }
            // Rethrown on the caller's thread; unhandled here, it ended the process.
            catch (Exception e)
            {
                Thrown = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                lock (owner._stuck)
                {
                    // Stryker disable once Boolean : read only when the wait passed its limit; true then means the call returned between the wait and the lock, which no test can time
                    Returned = true;
                    if (owner._stuck.Remove(this)) Interlocked.Decrement(ref _abandonedRunning);
                }
            }
        }
    }
}
