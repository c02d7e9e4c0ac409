using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ConvVerify;

/// <summary>
/// Threads that run calls a caller may abandon after a time limit (an implementation's directions, torch's and ONNX Runtime's calls), kept
/// between calls: a thread made for each call, with its stack mapped and unmapped, cost about a millisecond a direction
/// (a fifth of a run of small cases). Not the thread pool's: an abandoned call keeps its thread for as long as it runs,
/// and the pool would grow to replace it; here the thread returns to the idle ones only when its call does. In the
/// background, so that one still stuck does not keep the process from exiting. With a main thread's stack (8 MB on
/// Linux), not a new thread's 1.5 MB (macOS, musl): recursive code that ran on a program's main thread runs here too.
/// </summary>
/// <param name="name">The threads' name, for a debugger's list.</param>
internal sealed class KeptThreads(string name)
{
    private const int StackBytes = 8 << 20;

    private readonly ConcurrentStack<Worker> _idle = new();

    /// <summary>Runs <paramref name="work"/> on an idle thread (or a new one) and sets <paramref name="done"/> when it returns.</summary>
    /// <remarks><paramref name="work"/> must not throw: unhandled on its thread, an exception would end the process.</remarks>
    public void Start(Action work, ManualResetEventSlim done)
    {
        if (!_idle.TryPop(out var thread)) thread = new Worker(this);
        (thread.Work, thread.Done) = (work, done);
        thread.Go.Set();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a kept thread and waits for it at most <paramref name="limit"/> (in whole
    /// milliseconds, rounded up: <see cref="TimeLimits.WaitMilliseconds"/>): whether it returned in time. A wait that
    /// throws (the caller's thread interrupted) leaves the work running: <paramref name="waitFailed"/> is told, so that
    /// the caller can count it abandoned, before the exception goes on up.
    /// </summary>
    /// <remarks><paramref name="work"/> must not throw, as for <see cref="Start"/>.</remarks>
    public bool RunWithin(Action work, TimeSpan limit, Action<Exception> waitFailed)
    {
        var done = new ManualResetEventSlim();
        Start(work, done);
        bool returned;
        try
        {
            returned = done.Wait(TimeLimits.WaitMilliseconds(limit));
        }
        catch (Exception e)
        {
            waitFailed(e);
            throw;
        }
        // Not disposed when abandoned: the work sets it whenever it returns.
        if (!returned) return false;
        // Stryker disable once Statement : an event never waited on again; disposing it is a matter of memory
        done.Dispose();
        // Stryker disable once Boolean : false leads every caller to check under its lock whether the work returned, which it set before the event, so the answer is used all the same
        return true;
    }

    /// <summary>
    /// Clears an interrupt pending on the current thread: one left there by the called code would throw from the thread's
    /// next wait (a lock taken as the call ends, the wait for the next call) instead of where it was meant.
    /// </summary>
    public static void ClearInterrupt()
    {
        try
        {
            // A pending interrupt throws from the first wait, even of no time at all; none pending, the wait does nothing.
            Thread.Sleep(0);
        }
        catch (ThreadInterruptedException)
        {
        }
    }

    private sealed class Worker
    {
        private readonly KeptThreads _owner;

        public Worker(KeptThreads owner)
        {
            _owner = owner;
            new Thread(Loop, StackBytes) { IsBackground = true, Name = owner.Name }.Start();
        }

        public AutoResetEvent Go { get; } = new(false);

        public Action? Work { get; set; }

        public ManualResetEventSlim? Done { get; set; }

        private void Loop()
        {
            while (true)
            {
                // Interrupted by a thread of the called code's own, which kept this one from an earlier call: unhandled
                // here, it ended the process.
                try
                {
                    Go.WaitOne();
                }
                catch (ThreadInterruptedException)
                {
                    continue;
                }
                var done = Done!;
                Done = null;
                RunOne();
                // Idle before the caller wakes, so that its next call finds this thread rather than making one.
                _owner._idle.Push(this);
                done.Set();
            }
        }

        // A frame of its own, gone when the call returns: a local of Loop's would keep the call (its implementation, its
        // inputs) alive while the thread waits for the next one, in a debug build for as long as the thread lives.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void RunOne()
        {
            var work = Work!;
            Work = null;
            try
            {
                work();
            }
            // The callers' work catches all it throws (for its caller's thread); one that got away is a fault of ConvVerify's
            // own, and ends the process saying so rather than as an unhandled exception of an unnamed thread.
            catch (Exception e)
            {
                Environment.FailFast($"ConvVerify: a call on a kept thread ({_owner.Name}) let an exception escape: {e}", e);
            }
        }
    }

    private string Name => name;
}
