using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace ConvVerify;

/// <summary>
/// One call its caller may abandon after a time limit (a direction of a .NET implementation, an oracle's native call):
/// whether it returned and what it threw, and, while abandoned and still running, its place in its owner's list of
/// such calls, which stands in the way of the owner's next calls until it returns. One type for every owner, so that
/// abandoning a call and its return, which race, are settled by the one rule; what differs is given.
/// </summary>
/// <param name="what">The call, for messages: "call for y of case …", "y, dx, dw of mb1ic3ih5oc4oh5kh3ph1 (float32, no bias)".</param>
/// <param name="limit">Its time limit, for messages; <see cref="Timeout.InfiniteTimeSpan"/> for none, when the call runs on
/// its caller's own thread (nothing to wait for), where with one it runs on a thread of <see cref="KeptThreads"/>.</param>
/// <param name="gate">The owner's lock, under which <paramref name="stuck"/> (and whatever the owner keeps with it) is
/// read and written.</param>
/// <param name="stuck">The owner's abandoned calls still running, oldest first.</param>
/// <param name="onAbandoned">Done under <paramref name="gate"/> as the call is abandoned; null for nothing.</param>
/// <param name="onRemoved">Done under <paramref name="gate"/> as the call, abandoned, returns; null for nothing.</param>
internal sealed class AbandonableCall(string what, TimeSpan limit, object gate, List<AbandonableCall> stuck,
    Action? onAbandoned = null, Action? onRemoved = null)
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public string What => what;

    public TimeSpan Limit => limit;

    /// <summary>How long since the call was made: for how long an abandoned one has run.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    /// <summary>Why it was abandoned, e.g. "did not return within 0.1 s"; null while it is not, or when its owner gave no reason. Set under the gate.</summary>
    public string? Abandoned { get; private set; }

    public bool Returned { get; private set; }

    public ExceptionDispatchInfo? Thrown { get; private set; }

    /// <summary>Runs <paramref name="compute"/>, keeping what it throws for <see cref="Thrown"/>: it throws nothing itself.</summary>
    public void Run(Action compute)
    {
        try
        {
            compute();
        }
        // Rethrown on the caller's thread, where the call's answer is read; unhandled here, it ended the process.
        catch (Exception e)
        {
            Thrown = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            // An interrupt the called code left pending on a call thread (its own Thread.Interrupt of the thread it ran
            // on) throws from the thread's next wait: this lock when contended, leaving the call stuck for good, the wait
            // for the next call, where unhandled it ended the process, or the next call's own code, failing a call that
            // did nothing wrong. On the caller's own thread it is the caller's, and stays.
            if (limit != Timeout.InfiniteTimeSpan) KeptThreads.ClearInterrupt();
            lock (gate)
            {
                // Stryker disable once Boolean : read only when the wait passed its limit; true then means the call returned between the wait and the lock, which no test can time
                Returned = true;
                if (stuck.Remove(this)) onRemoved?.Invoke();
            }
        }
    }

    /// <summary>
    /// Marks the call abandoned, for <paramref name="why"/>, unless it has returned meanwhile (then its answer is as good
    /// as any other's): true if it was.
    /// </summary>
    public bool Abandon(string? why = null)
    {
        lock (gate)
        {
            if (Returned) return false;
            Abandoned = why;
            stuck.Add(this);
            onAbandoned?.Invoke();
            return true;
        }
    }
}
