using System.Numerics;
using System.Runtime.CompilerServices;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Problems;
using ConvVerify.Runs;
using ConvVerify.Tests.Fixtures;
using ConvVerify.Tests.Implementations;

namespace ConvVerify.Tests.Runs;

/// <summary>
/// A .NET implementation whose direction never returns (a loop, a deadlock), returns only after its time limit, or keeps
/// its output and writes into it later. The run goes on and says which call, and nothing the abandoned call writes is
/// read. Every stalled thread is released at teardown, so none stays busy after its test.
/// </summary>
public class HangingImplementationTests
{
    // For the calls that stall: any limit they cannot outlast is a test of it.
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(100);

    // For the calls that must pass: only a stall, never a loaded machine, may reach it.
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);

    private static readonly string IntegerCase =
        CommittedPacks.Open("question").CaseIds.First(i => i.Contains("question___f32_integer", StringComparison.Ordinal));

    // Set at teardown: what every stalled call waits for.
    private volatile bool _released;
    private ManualResetEventSlim _gate = new();
    private readonly List<IConvImplementation> _made = [];

    [SetUp]
    public void Reset()
    {
        _released = false;
        _gate = new ManualResetEventSlim();
        _made.Clear();
    }

    [TearDown]
    public void Release()
    {
        _released = true;
        _gate.Set();
        // Bounded, but no assertion on time: a thread left running would only spin on after the test.
        foreach (var impl in _made) SpinWait.SpinUntil(() => !ImplementationSource.HasAbandonedCall(impl), TimeSpan.FromSeconds(10));
        _gate.Dispose();
    }

    private T Made<T>(T impl) where T : IConvImplementation
    {
        _made.Add(impl);
        return impl;
    }

    private static Dictionary<string, (Outcome Outcome, string Reason)> Rows(IConvImplementation impl, TimeSpan? limit)
    {
        var pack = CommittedPacks.Open("question");
        var entry = new CaseEntry(pack.ReadCase(IntegerCase), pack);
        var plan = new RunPlan
        {
            Command = "test", Cases = [entry], References = [Plans.Reference([pack])],
            Subject = new ImplementationSource(impl) { TimeLimit = limit },
        };
        return Runner.RunCase(plan, entry).ToDictionary(r => r.Direction, r => (r.Outcome, r.Reason));
    }

    // The limit as said: seconds ("0.1"), or seconds and more ("0.001 s (a limit of …)").
    private static string Abandoned(string tensor, string limit) =>
        $"{tensor}: did not return within {(limit.EndsWith(')') ? limit : limit + " s")}; the call was abandoned on its thread, which may still be running "
        + "(nothing it writes is read, and the implementation is not called again while it runs)";

    private static string NotCalled(string tensor, string stuck, string limit) =>
        $"{tensor}: not called: the implementation's call for {stuck} of case {IntegerCase} did not return within {(limit.EndsWith(')') ? limit : limit + " s")} and may still be running; "
        + "calling it again would run it alongside that call";

    [Test]
    public void ADirectionThatLoopsForeverFailsAndTheRunGoesOn()
    {
        // The probe: forward spinning forever hung the whole run; no row was ever written.
        var rows = Rows(Made(HookedImplementation.At(Direction.Forward, () => { while (!_released) { } })), Short);
        Assert.That(rows.Keys, Is.EqualTo(new[] { "y", "dx", "dw", "db" }), "every direction is a row of its own");
        Assert.That(rows["y"], Is.EqualTo((Outcome.Fail, Abandoned("y", "0.1"))));
        // Still spinning: a second call would run beside it, so the others fail at once, naming it.
        foreach (string d in new[] { "dx", "dw", "db" })
            Assert.That(rows[d], Is.EqualTo((Outcome.Fail, NotCalled(d, "y", "0.1"))), d);
    }

    [Test]
    public void ADirectionThatDeadlocksFailsAndTheRunGoesOn()
    {
        // Forward, as every direction a short limit applies to: a right one could run past 50 ms on a busy machine.
        // 50.5 ms: waited for 51, the whole millisecond above it, which is said, and the limit after it as given, to the
        // microsecond, not rounded to 0.051 (or 0.05).
        var rows = Rows(Made(HookedImplementation.At(Direction.Forward, () => _gate.Wait())), TimeSpan.FromMilliseconds(50.5));
        const string said = "0.051 s (a limit of 0.0505 s, waited for in whole milliseconds)";
        Assert.That(rows["y"], Is.EqualTo((Outcome.Fail, Abandoned("y", said))));
        foreach (string d in new[] { "dx", "dw", "db" })
            Assert.That(rows[d], Is.EqualTo((Outcome.Fail, NotCalled(d, "y", said))), d);
    }

    [Test]
    public void ASlowDirectionWithinItsLimitPasses()
    {
        var rows = Rows(Made(HookedImplementation.At(Direction.BackwardWeights, () => Thread.Sleep(30))), Generous);
        foreach (var (d, row) in rows) Assert.That(row.Outcome, Is.EqualTo(Outcome.Pass), $"{d}: {row.Reason}");
        // No limit at all (for a debugger) is a limit too.
        foreach (var (d, row) in Rows(Made(HookedImplementation.At(Direction.Forward, () => Thread.Sleep(1))), Timeout.InfiniteTimeSpan))
            Assert.That(row.Outcome, Is.EqualTo(Outcome.Pass), $"{d}: {row.Reason}");
    }

    [Test]
    public void WithoutALimitEachCallRunsOnTheCallersThreadAndWithOneOnAnother()
    {
        // An implementation bound to the thread that made it (a COM apartment, a CUDA or Python context) has no limit to
        // opt out of the thread per call with; none is its way.
        int caller = Environment.CurrentManagedThreadId, ran = -1;
        var rows = Rows(Made(HookedImplementation.At(Direction.Forward, () => ran = Environment.CurrentManagedThreadId)), Timeout.InfiniteTimeSpan);
        Assert.That((rows["y"].Outcome, ran), Is.EqualTo((Outcome.Pass, caller)), rows["y"].Reason);
        rows = Rows(Made(HookedImplementation.At(Direction.Forward, () => ran = Environment.CurrentManagedThreadId)), Generous);
        Assert.That(rows["y"].Outcome, Is.EqualTo(Outcome.Pass), rows["y"].Reason);
        Assert.That(ran, Is.Not.EqualTo(caller));
    }

    // Alone: a call of another test running meanwhile could take the kept thread, and this one would make another.
    [Test, NonParallelizable]
    public void CallsThatReturnLeaveTheirThreadToTheNextCall()
    {
        // A thread made for each call cost about a millisecond a direction; one kept serves them all when none stalls.
        var threads = new List<Thread>();
        var rows = Rows(Made(new HookedImplementation(_ => threads.Add(Thread.CurrentThread))), Generous);
        Assert.That(rows.Values.Select(r => r.Outcome), Is.All.EqualTo(Outcome.Pass));
        Assert.That(threads, Has.Count.EqualTo(4));
        Assert.That(threads.Distinct().Count(), Is.EqualTo(1), "one thread, kept between calls");
        Assert.That(threads[0], Is.Not.SameAs(Thread.CurrentThread));
        // In the background (one still stuck does not keep the process from exiting), and named for a debugger's list.
        Assert.That((threads[0].IsBackground, threads[0].Name), Is.EqualTo((true, "ConvVerify implementation call")));
    }

    // 64 KB of stack a frame, checked by the runtime at each: past the end it throws, and does not end the process.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Deep(int frames)
    {
        Span<byte> frame = stackalloc byte[64 << 10];
        RuntimeHelpers.EnsureSufficientExecutionStack();
        frame[frames] = 1;
        return frames == 0 ? frame[0] : Deep(frames - 1) + frame[frames];
    }

    [Test]
    public void ACallHasTheStackOfAProgramsMainThread()
    {
        // 4 MB deep: within a Linux main thread's 8 MB (the README's promise), more than the 1.5 MB .NET gives a new thread
        // on macOS or musl (glibc gives one ulimit -s, 8 MB by default). Given 1.5 MB (tried), forward failed with
        // InsufficientExecutionStackException.
        foreach (var (d, row) in Rows(Made(HookedImplementation.At(Direction.Forward, () => Deep(64))), Generous))
            Assert.That(row.Outcome, Is.EqualTo(Outcome.Pass), $"{d}: {row.Reason}");
    }

    /// <summary>Forward never returns: it writes 1e30 over its output, again and again, until released.</summary>
    private sealed class Scribbling(Func<bool> released, ManualResetEventSlim started) : IConvImplementation
    {
        public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            started.Set();
            for (int i = 0; !released(); i = (i + 1) % y.Length) y[i] = T.CreateChecked(1e30);
        }

        public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
            throw new NotSupportedException();

        public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T> =>
            throw new NotSupportedException();

        public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T> =>
            throw new NotSupportedException();
    }

    [Test]
    public void AnAbandonedCallStillWritingIntoItsOutputSpoilsNoLaterComparison()
    {
        using var started = new ManualResetEventSlim();
        var rows = Rows(Made(new Scribbling(() => _released, started)), Short);
        Assert.That(rows["y"], Is.EqualTo((Outcome.Fail, Abandoned("y", "0.1"))));
        Assert.That(started.Wait(TimeSpan.FromSeconds(10)), Is.True, "the call runs and goes on writing");
        // While it writes on, a right implementation is checked on the same case: every one of its outputs is its own.
        foreach (var (d, row) in Rows(Made(HookedImplementation.At(Direction.Forward, () => { })), Generous))
            Assert.That(row.Outcome, Is.EqualTo(Outcome.Pass), $"{d}: {row.Reason}");
        Assert.That(ImplementationSource.HasAbandonedCall(_made[0]), Is.True, "the abandoned call was still writing throughout");
    }

    /// <summary>The first forward waits for the gate, then fills its output with 1e30 and says so; later calls are right.</summary>
    private sealed class LateForward(ManualResetEventSlim gate, ManualResetEventSlim wrote) : HookedImplementation
    {
        private int _calls;

        public override void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
        {
            if (Interlocked.Increment(ref _calls) > 1)
            {
                Right.Forward(p, x, w, b, y);
                return;
            }
            gate.Wait();
            y.Fill(T.CreateChecked(1e30));
            wrote.Set();
        }
    }

    [Test]
    public void TheBuffersOfTheCallBeforeAnAbandonedOneStayHeldWhileItRuns()
    {
        // y returns; dx is abandoned. A pointer dx's code kept from y's buffers (the same object's earlier call) must not
        // land in freed memory while dx runs on: they were let go at the abandonment, to be blamed on no one.
        var impl = Made(HookedImplementation.At(Direction.BackwardData, () => _gate.Wait()));
        var rows = Rows(impl, Short);
        Assert.That(rows["y"].Outcome, Is.EqualTo(Outcome.Pass), rows["y"].Reason);
        Assert.That(rows["dx"], Is.EqualTo((Outcome.Fail, Abandoned("dx", "0.1"))));
        Assert.That(ImplementationSource.HasAbandonedCall(impl), Is.True);
        GC.Collect();
        Assert.That(ImplementationSource.HoldsEarlierBuffers(impl), Is.True, "y's output and input copies, while dx runs");
    }

    [Test]
    public void ACallThatReturnsAfterItsLimitIsNotReadAndTheImplementationIsCalledAgainOnceItHas()
    {
        using var wrote = new ManualResetEventSlim();
        var impl = Made(new LateForward(_gate, wrote));
        var pack = CommittedPacks.Open("question");
        var loaded = new LoadedCase<float>(new CaseEntry(pack.ReadCase(IntegerCase), pack), pack.Read<float>(pack.ReadCase(IntegerCase)).Inputs, new Dictionary<Direction, float[]>());
        var source = new ImplementationSource(impl) { TimeLimit = Short };
        var first = source.Produce(loaded, [Direction.Forward]);
        Assert.That(first.Absent[Direction.Forward], Is.EqualTo(new Absence(Outcome.Fail, Abandoned("y", "0.1"))));
        // Now the abandoned call writes its 1e30s and returns: into nothing the harness holds.
        _gate.Set();
        Assert.That(wrote.Wait(TimeSpan.FromSeconds(10)), Is.True, "the released forward wrote its output");
        Assert.That(SpinWait.SpinUntil(() => !ImplementationSource.HasAbandonedCall(impl), TimeSpan.FromSeconds(10)), Is.True, "the abandoned call returned");
        Assert.That(first.Values, Is.Empty, "the late output is no result");
        // Returned, it no longer stands in the way: the next run calls the implementation, on fresh buffers, and passes.
        foreach (var (d, row) in Rows(impl, Generous)) Assert.That(row.Outcome, Is.EqualTo(Outcome.Pass), $"{d}: {row.Reason}");
    }

    /// <summary>The matrix view's results, but forward keeps a pointer to y (or into its copy of x), and dx writes through it.</summary>
    private sealed unsafe class KeepsAPointer(bool intoInput, ManualResetEventSlim? dxWaitsFor = null) : HookedImplementation
    {
        private void* _kept;

        public override void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
        {
            Right.Forward(p, x, w, b, y);
            if (intoInput)
            {
                fixed (T* at = x) _kept = at;
            }
            else
            {
                fixed (T* at = y) _kept = at;
            }
        }

        public override void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx)
        {
            dxWaitsFor?.Wait();
            *(T*)_kept = T.CreateChecked(12345);
            Right.BackwardData(p, dy, w, dx);
        }
    }

    [Test]
    public void AWriteIntoAnOutputAfterItsCallReturnedFailsTheNextDirection()
    {
        // The probe: the write went unseen (every direction passed), and through a pointer into an unpinned array it
        // could land on whatever the collector had moved there.
        var rows = Rows(Made(new KeepsAPointer(intoInput: false)), null);
        Assert.That(rows["y"].Outcome, Is.EqualTo(Outcome.Pass), "y was compared before the write: " + rows["y"].Reason);
        Assert.That(rows["dx"], Is.EqualTo((Outcome.Fail,
            $"dx: the output of the implementation's call for y of case {IntegerCase} was written into after that call had returned; an output must not be kept past its call")));
        Assert.That(rows["dw"].Outcome, Is.EqualTo(Outcome.Pass), rows["dw"].Reason);
        Assert.That(rows["db"].Outcome, Is.EqualTo(Outcome.Pass), rows["db"].Reason);
    }

    /// <summary>Forward says it began, then waits for the test's gate; dx waits for a gate of its own; dw is right.</summary>
    /// <summary>Forward and dx each say when they begin, and wait for a gate of their own.</summary>
    private sealed class StallsTwice(ManualResetEventSlim forwardBegan, ManualResetEventSlim forwardGate, ManualResetEventSlim dxBegan, ManualResetEventSlim dxGate)
        : HookedImplementation
    {
        public override void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
        {
            forwardBegan.Set();
            forwardGate.Wait();
        }

        public override void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx)
        {
            dxBegan.Set();
            dxGate.Wait();
        }
    }

    // A source calling the implementation for d on a thread of its own, which the test can interrupt while it waits.
    private sealed class Caller
    {
        private readonly Thread _thread;

        public Caller(IConvImplementation impl, LoadedCase<float> loaded, Direction d)
        {
            _thread = new Thread(() =>
            {
                try
                {
                    Result = new ImplementationSource(impl) { TimeLimit = Generous }.Produce(loaded, [d]);
                }
                catch (Exception e)
                {
                    Caught = e;
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public Exception? Caught { get; private set; }

        public SourceResults<float>? Result { get; private set; }

        public bool Join(TimeSpan limit) => _thread.Join(limit);

        // The caller's wait interrupted: its call is abandoned before the exception goes up, and so before the caller ends.
        public void Abandon(string what)
        {
            _thread.Interrupt();
            Assert.That(_thread.Join(TimeSpan.FromSeconds(10)), Is.True, $"{what}'s caller is no longer waiting");
            Assert.That(Caught, Is.TypeOf<ThreadInterruptedException>(), $"{what}'s caller's wait was interrupted");
        }
    }

    [Test]
    public void ACallAskedForWhileAnotherRunsWaitsAndIsNotMadeOnceThatOneIsAbandoned()
    {
        // Two sources (parallel NUnit cases of one fixture) call one implementation at once. The probe: the second call ran
        // alongside the first, and an implementation with a scratch buffer in a field failed half its cases as if its
        // arithmetic were wrong. The second now waits for the first; the first abandoned (its caller's wait interrupted,
        // so that no limit times the test), the second is not made at all and names the stuck call.
        using var forwardBegan = new ManualResetEventSlim();
        using var dxBegan = new ManualResetEventSlim();
        using var dxGate = new ManualResetEventSlim(true);
        var impl = Made(new StallsTwice(forwardBegan, _gate, dxBegan, dxGate));
        var loaded = LoadedIntegerCase();
        var y = new Caller(impl, loaded, Direction.Forward);
        Assert.That(forwardBegan.Wait(TimeSpan.FromSeconds(10)), Is.True, "forward was called");
        var dx = new Caller(impl, loaded, Direction.BackwardData);
        // A bounded look, not a measure: with the calls one at a time dx is not called however long this waits.
        Assert.That(dxBegan.Wait(TimeSpan.FromMilliseconds(300)), Is.False, "dx was called while forward ran");
        y.Abandon("forward");
        Assert.That(dx.Join(TimeSpan.FromSeconds(10)), Is.True, "dx's caller had its turn once forward was abandoned");
        Assert.That(dx.Caught, Is.Null);
        Assert.That(dx.Result!.Absent[Direction.BackwardData], Is.EqualTo(new Absence(Outcome.Fail,
            $"dx: not called: the implementation's call for y of case {IntegerCase} was left running when the harness's wait for it ended in ThreadInterruptedException "
            + "and may still be running; calling it again would run it alongside that call")));
        Assert.That(dxBegan.IsSet, Is.False, "dx was never called");
        Assert.That(ImplementationSource.AbandonedCallsRunning(impl), Is.EqualTo(1), "forward runs on");
    }

    private static LoadedCase<float> LoadedIntegerCase()
    {
        var pack = CommittedPacks.Open("question");
        var c = pack.ReadCase(IntegerCase);
        return new LoadedCase<float>(new CaseEntry(c, pack), pack.Read<float>(c).Inputs, new Dictionary<Direction, float[]>());
    }

    [Test]
    public void AnInterruptOfTheHarnesssOwnWaitIsNotBlamedOnTheImplementationAndLeavesTheCallAbandoned()
    {
        // The probe: the caller's thread interrupted while it waited for forward came back as "y: the implementation threw
        // ThreadInterruptedException", a failure of an implementation that had thrown nothing and was still running.
        using var began = new ManualResetEventSlim();
        var impl = Made(HookedImplementation.At(Direction.Forward, () =>
        {
            began.Set();
            _gate.Wait();
        }));
        var loaded = LoadedIntegerCase();
        SourceResults<float>? produced = null;
        Exception? caught = null;
        var caller = new Thread(() =>
        {
            try
            {
                produced = new ImplementationSource(impl) { TimeLimit = Generous }.Produce(loaded, [Direction.Forward]);
            }
            catch (Exception e)
            {
                caught = e;
            }
        });
        caller.Start();
        Assert.That(began.Wait(TimeSpan.FromSeconds(10)), Is.True, "forward was called");
        caller.Interrupt();
        Assert.That(caller.Join(TimeSpan.FromSeconds(10)), Is.True, "the caller is no longer waiting");
        Assert.That(produced?.Absent.Values.Select(a => a.Reason), Is.Null, "no result at all, least of all a failure of the implementation's");
        Assert.That(caught, Is.TypeOf<ThreadInterruptedException>(), "the harness's own exception, gone on up");
        // Forward still waits for the gate: a second call would run alongside it.
        Assert.That(ImplementationSource.HasAbandonedCall(impl), Is.True);
        var dx = new ImplementationSource(impl) { TimeLimit = Generous }.Produce(loaded, [Direction.BackwardData]);
        Assert.That(dx.Absent[Direction.BackwardData], Is.EqualTo(new Absence(Outcome.Fail,
            $"dx: not called: the implementation's call for y of case {IntegerCase} was left running when the harness's wait for it ended in ThreadInterruptedException "
            + "and may still be running; calling it again would run it alongside that call")));
    }

    [TestCase(1L, 1)]
    [TestCase(5_000L, 1)]
    [TestCase(10_000L, 1)]
    [TestCase(10_001L, 2)]
    [TestCase(505_000L, 51)]
    [TestCase(20_000_000L, 2000)]
    public void TheWaitIsGivenTheLimitRoundedUpToWholeMilliseconds(long ticks, int milliseconds)
    {
        // The probe: a limit of 0.5 ms (5,000 ticks) was waited for 0 ms, as the wait truncates a TimeSpan: every call
        // was abandoned before it had begun, a limit TimeLimitProblem accepts behaving as the zero it refuses.
        var limit = TimeSpan.FromTicks(ticks);
        Assert.That(ImplementationSource.TimeLimitProblem(limit), Is.Null, "a positive limit");
        Assert.That(TimeLimits.WaitMilliseconds(limit), Is.EqualTo(milliseconds));
    }

    [Test]
    public void TheWaitOfTheLongestLimitAndOfNoneIsWhatTheWaitTakes()
    {
        Assert.That(TimeLimits.WaitMilliseconds(TimeSpan.FromMilliseconds(int.MaxValue)), Is.EqualTo(int.MaxValue));
        Assert.That(TimeLimits.WaitMilliseconds(TimeSpan.FromMilliseconds(int.MaxValue) - TimeSpan.FromTicks(1)), Is.EqualTo(int.MaxValue));
        Assert.That(TimeLimits.WaitMilliseconds(Timeout.InfiniteTimeSpan), Is.EqualTo(-1));
    }

    [Test]
    public void ALimitOfOneTickIsShownAsTheMillisecondWaitedNotAsZero()
    {
        // The probe: shown to the microsecond, a limit of 100 ns failed its call "within 0 s"; shown to the tick, "within
        // 0.0000001 s" after a wait of a whole millisecond. The wait is said, then the limit it was rounded up from.
        var rows = Rows(Made(HookedImplementation.At(Direction.Forward, () => _gate.Wait())), TimeSpan.FromTicks(1));
        Assert.That(rows["y"], Is.EqualTo((Outcome.Fail, Abandoned("y", "0.001 s (a limit of 0.0000001 s, waited for in whole milliseconds)"))));
    }

    [Test]
    public void WhatAnAbandonedCallWritesIntoTheBuffersBeforeItIsBlamedOnNoLaterCall()
    {
        // dx, abandoned, writes through forward's kept pointer into y's held output once it is let go. Those buffers stay
        // held (not freed under the pointer) but unchecked: the next case's first call, made once dx has returned, passes.
        var impl = Made(new KeepsAPointer(intoInput: false, dxWaitsFor: _gate));
        var rows = Rows(impl, Short);
        Assert.That(rows["y"].Outcome, Is.EqualTo(Outcome.Pass), rows["y"].Reason);
        Assert.That(rows["dx"], Is.EqualTo((Outcome.Fail, Abandoned("dx", "0.1"))));
        _gate.Set();
        Assert.That(SpinWait.SpinUntil(() => !ImplementationSource.HasAbandonedCall(impl), TimeSpan.FromSeconds(10)), Is.True, "dx returns once let go");
        Assert.That(Rows(impl, Generous)["y"].Outcome, Is.EqualTo(Outcome.Pass), "the stuck call's write is blamed on no one");
    }

    [Test]
    public void WithoutALimitAnInterruptTheImplementationLeavesOnTheCallersThreadIsTheCallers()
    {
        // On the caller's own thread the interrupt is the caller's, as everything else the implementation does there: not
        // cleared as one left on a kept thread is.
        var pack = CommittedPacks.Open("question");
        var c = pack.ReadCase(IntegerCase);
        var source = new ImplementationSource(HookedImplementation.At(Direction.Forward, () => Thread.CurrentThread.Interrupt())) { TimeLimit = Timeout.InfiniteTimeSpan };
        var produced = source.Produce(new LoadedCase<float>(new CaseEntry(c, pack), pack.Read<float>(c).Inputs, new Dictionary<Direction, float[]>()), [Direction.Forward]);
        Assert.That(produced.Values, Contains.Key(Direction.Forward));
        Assert.That(() => Thread.Sleep(0), Throws.TypeOf<ThreadInterruptedException>(), "still pending on the caller's thread");
    }

    [Test]
    public void AWriteIntoAnInputCopyAfterItsCallReturnedFailsTheNextDirectionAndNoOtherVerdict()
    {
        // The probe: the write went unseen (every direction passed), through a pointer into a copy nothing held or pinned:
        // once the collector had moved or freed the copy, onto whatever it had put there (the case's x, a result).
        var rows = Rows(Made(new KeepsAPointer(intoInput: true)), null);
        Assert.That(rows["y"].Outcome, Is.EqualTo(Outcome.Pass), "y was compared before the write: " + rows["y"].Reason);
        Assert.That(rows["dx"], Is.EqualTo((Outcome.Fail,
            $"dx: the input x of the implementation's call for y of case {IntegerCase} was written into after that call had returned; the inputs are read-only, and must not be kept past their call")));
        // dw reads x: the case's own, untouched by a write into forward's copy.
        Assert.That(rows["dw"].Outcome, Is.EqualTo(Outcome.Pass), rows["dw"].Reason);
        Assert.That(rows["db"].Outcome, Is.EqualTo(Outcome.Pass), rows["db"].Reason);
    }

    /// <summary>Forward keeps a pointer into its output and says it is not provided; dx writes through the pointer, then
    /// computes (or says it is not provided as well).</summary>
    private sealed unsafe class KeepsAnOutputAndThrows(bool dxThrows) : HookedImplementation
    {
        private void* _kept;

        public override void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
        {
            fixed (T* at = y) _kept = at;
            throw new NotSupportedException("no forward");
        }

        public override void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx)
        {
            *(T*)_kept = T.CreateChecked(12345);
            if (dxThrows) throw new NotSupportedException("no dx");
            Right.BackwardData(p, dy, w, dx);
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AWriteIntoTheOutputOfACallThatThrewFailsTheNextDirectionEvenOneThatThrows(bool dxThrows)
    {
        // The probe: a call that threw had its output and input copies neither held nor checked, so the write through the
        // pointer it kept went unseen (dx passed, or was "not provided") onto an array the collector was free to reuse.
        var rows = Rows(Made(new KeepsAnOutputAndThrows(dxThrows)), Generous);
        Assert.That(rows["y"], Is.EqualTo((Outcome.NotProvided, "y: not provided (no forward)")));
        Assert.That(rows["dx"], Is.EqualTo((Outcome.Fail,
            $"dx: the output of the implementation's call for y of case {IntegerCase} was written into after that call had returned; an output must not be kept past its call")));
        Assert.That(rows["dw"].Outcome, Is.EqualTo(Outcome.Pass), rows["dw"].Reason);
        Assert.That(rows["db"].Outcome, Is.EqualTo(Outcome.Pass), rows["db"].Reason);
    }

    /// <summary>The first forward waits for the gate, then throws; later forwards throw at once; the rest is right.</summary>
    private sealed class ThrowsLate(ManualResetEventSlim gate) : HookedImplementation
    {
        private int _calls;

        public override void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
        {
            if (Interlocked.Increment(ref _calls) > 1) throw new InvalidOperationException("a later forward");
            gate.Wait();
            throw new InvalidOperationException("the abandoned forward");
        }
    }

    [Test]
    public void AnAbandonedCallThatThrowsWhenItReturnsIsBlamedOnNoLaterCall()
    {
        // Thrown on a thread of the harness's with nobody waiting: unhandled, it would end the process.
        var impl = Made(new ThrowsLate(_gate));
        // 1 ms: forward waits for the gate however long it is given.
        var first = new ImplementationSource(impl) { TimeLimit = TimeSpan.FromMilliseconds(1) }.Produce(LoadedIntegerCase(), [Direction.Forward]);
        Assert.That(first.Absent[Direction.Forward], Is.EqualTo(new Absence(Outcome.Fail, Abandoned("y", "0.001"))));
        _gate.Set();
        Assert.That(SpinWait.SpinUntil(() => !ImplementationSource.HasAbandonedCall(impl), TimeSpan.FromSeconds(10)), Is.True, "the abandoned call returned");
        var rows = Rows(impl, Generous);
        Assert.That(rows["y"], Is.EqualTo((Outcome.Fail, "y: the implementation threw InvalidOperationException: a later forward")));
        foreach (string d in new[] { "dx", "dw", "db" }) Assert.That(rows[d].Outcome, Is.EqualTo(Outcome.Pass), $"{d}: {rows[d].Reason}");
    }

    /// <summary>Forward says it began and waits for the gate before its right result; dx throws.</summary>
    private sealed class ThrowsWhileForwardRuns(ManualResetEventSlim began, ManualResetEventSlim gate) : HookedImplementation
    {
        public override void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
        {
            began.Set();
            gate.Wait();
            Right.Forward(p, x, w, b, y);
        }

        public override void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) =>
            throw new InvalidOperationException("no dx");
    }

    [Test]
    public void ADirectionAskedForWhileAnotherRunsWaitsItsTurnAndEachIsAnsweredAlone()
    {
        // Two sources at once (parallel NUnit cases of one fixture): dx waits for forward to return instead of running
        // alongside it, and then its exception is dx's; forward, within its limit, is neither disturbed nor abandoned.
        using var began = new ManualResetEventSlim();
        var impl = Made(new ThrowsWhileForwardRuns(began, _gate));
        var loaded = LoadedIntegerCase();
        var y = Task.Run(() => new ImplementationSource(impl) { TimeLimit = Generous }.Produce(loaded, [Direction.Forward]));
        Assert.That(began.Wait(TimeSpan.FromSeconds(10)), Is.True, "forward was called");
        var dx = Task.Run(() => new ImplementationSource(impl) { TimeLimit = Generous }.Produce(loaded, [Direction.BackwardData]));
        // A bounded look, not a measure: dx cannot end while forward holds the implementation, however long this waits.
        Assert.That(dx.Wait(TimeSpan.FromMilliseconds(300)), Is.False, "dx was called while forward ran");
        _gate.Set();
        Assert.That(Task.WaitAll([y, dx], TimeSpan.FromSeconds(10)), Is.True, "both were answered");
        Assert.That(dx.Result.Absent[Direction.BackwardData], Is.EqualTo(new Absence(Outcome.Fail, "dx: the implementation threw InvalidOperationException: no dx")));
        Assert.That(ImplementationSource.HasAbandonedCall(impl), Is.False, "forward was within its limit");
        Assert.That((y.Result.Absent.Count, y.Result.Values.Keys.Single()), Is.EqualTo((0, Direction.Forward)));
    }

    /// <summary>The matrix view's results, but forward interrupts the thread it runs on, and dx sleeps.</summary>
    private sealed class InterruptsItsThread : HookedImplementation
    {
        public override void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
        {
            Thread.CurrentThread.Interrupt();
            Right.Forward(p, x, w, b, y);
        }

        public override void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx)
        {
            Thread.Sleep(1);
            Right.BackwardData(p, dy, w, dx);
        }
    }

    [Test]
    public void AnInterruptLeftPendingOnACallThreadEndsNothingAndReachesNoLaterCall()
    {
        // The probe: the kept thread's wait for its next call threw the pending ThreadInterruptedException, unhandled,
        // and the test host died.
        foreach (var (d, row) in Rows(Made(new InterruptsItsThread()), Generous))
            Assert.That(row.Outcome, Is.EqualTo(Outcome.Pass), $"{d}: {row.Reason}");
    }

    // Alone: the kept thread, interrupted, could meanwhile be running another test's call.
    [Test, NonParallelizable]
    public void AnInterruptOfAnIdleCallThreadEndsNothing()
    {
        // An implementation's worker of its own that interrupts the thread which called it, once that call is over. The
        // probe: the idle thread's wait for its next call threw, unhandled, and the test host died.
        Thread? ran = null;
        var rows = Rows(Made(HookedImplementation.At(Direction.Forward, () => ran = Thread.CurrentThread)), Generous);
        Assert.That(rows["y"].Outcome, Is.EqualTo(Outcome.Pass), rows["y"].Reason);
        ran!.Interrupt();
        foreach (var (d, row) in Rows(Made(new HookedImplementation()), Generous))
            Assert.That(row.Outcome, Is.EqualTo(Outcome.Pass), $"{d}: {row.Reason}");
        Assert.That(ran.IsAlive, Is.True, "the thread waits for its next call");
    }

    // A call for forward on a case of its own, the source and the case then dropped: what is still reachable of them.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] ForwardCalledAndDropped(IConvImplementation impl)
    {
        var pack = CommittedPacks.Open("question");
        var c = pack.ReadCase(IntegerCase);
        var inputs = pack.Read<float>(c).Inputs;
        var source = new ImplementationSource(impl) { TimeLimit = Generous };
        Assert.That(source.Produce(new LoadedCase<float>(new CaseEntry(c, pack), inputs, new Dictionary<Direction, float[]>()), [Direction.Forward]).Values, Contains.Key(Direction.Forward));
        return [new(source), new(inputs.X), new(inputs.W), new(inputs.Dy)];
    }

    [Test]
    public void OnlyTheCallsOwnBuffersAreHeldAfterACallNotTheSourceOrTheCaseInputs()
    {
        // Its output and its copies of the inputs are held, to catch a late write into one; the case's own inputs are not.
        // The probe: the output held to catch a late write came with everything its call had captured, the source and the
        // case's inputs (of a 3-D layer, gigabytes) among it, until the next call; after the last, for as long as the
        // implementation lived (the NUnit fixture's, the whole test run).
        var impl = new MatrixViewImplementation();
        var held = ForwardCalledAndDropped(impl);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.That(held.Select(r => r.IsAlive), Is.All.False, "the source, x, w and dy");
        GC.KeepAlive(impl);
    }

    [TestCase(0.0, "00:00:00")]
    // -1 ms is Timeout.InfiniteTimeSpan, no limit, as everywhere in .NET; a millisecond either side is not.
    [TestCase(-0.002, "-00:00:00.0020000")]
    [TestCase(-2.0, "-00:00:02")]
    public void AZeroOrNegativeLimitIsRefusedNamingIt(double seconds, string shown)
    {
        Assert.That(() => new ImplementationSource(new MatrixViewImplementation()) { TimeLimit = TimeSpan.FromSeconds(seconds) },
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith(
                $"TimeLimit: a direction's time limit must be positive (or Timeout.InfiniteTimeSpan for none), got {shown}"));
    }

    [Test]
    public void ALimitBeyondWhatAThreadCanBeWaitedForIsRefusedNamingIt()
    {
        Assert.That(() => new ImplementationSource(new MatrixViewImplementation()) { TimeLimit = TimeSpan.FromDays(30) },
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith(
                "TimeLimit: a direction's time limit must be at most 24.20:31:23.6470000 (int.MaxValue milliseconds; Timeout.InfiniteTimeSpan for none), got 30.00:00:00"));
    }

    [Test]
    public void TheLongestLimitAThreadCanBeWaitedForIsAccepted()
    {
        var longest = TimeSpan.FromMilliseconds(int.MaxValue);
        Assert.That(new ImplementationSource(new MatrixViewImplementation()) { TimeLimit = longest }.TimeLimit, Is.EqualTo(longest));
        Assert.That(ImplementationSource.TimeLimitProblem(longest), Is.Null);
        Assert.That(ImplementationSource.TimeLimitProblem(longest + TimeSpan.FromTicks(1)), Does.StartWith("a direction's time limit must be at most"));
    }

    [Test]
    public void EachOutputStartsAsNaNAndNoCallIsAbandonedOfAnImplementationNeverCalled()
    {
        // NaN, not whatever the pinned heap's reused memory held: an element left unwritten must never pass by luck.
        var impl = Made(new StartsNaN());
        Assert.That(ImplementationSource.HasAbandonedCall(impl), Is.False, "never called");
        foreach (var (d, row) in Rows(impl, Generous)) Assert.That(row.Outcome, Is.EqualTo(Outcome.Pass), $"{d}: {row.Reason}");
        Assert.That(impl.AllNaN, Is.EqualTo(new[] { true, true, true, true }));
        Assert.That(() => ImplementationSource.DefaultTimeLimit(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("p"));
    }

    /// <summary>The matrix view's results, noting first whether each output it is handed holds only NaN.</summary>
    private sealed class StartsNaN : IConvImplementation
    {
        private readonly MatrixViewImplementation _right = new();

        public List<bool> AllNaN { get; } = [];

        private void Note<T>(Span<T> output) where T : IFloatingPointIeee754<T>
        {
            bool all = true;
            foreach (var v in output) all &= T.IsNaN(v);
            AllNaN.Add(all);
        }

        public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Note(y);
            _right.Forward(p, x, w, b, y);
        }

        public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Note(dx);
            _right.BackwardData(p, dy, w, dx);
        }

        public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Note(dw);
            _right.BackwardWeights(p, x, dy, dw);
        }

        public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Note(db);
            _right.BackwardBias(p, dy, db);
        }
    }

    [Test]
    public void TheDefaultLimitIsTwoMinutesPlusASecondPerMillionMultiplyAddsRoundedUp()
    {
        // 1x1 kernel: 1·1000·(100·100)·1000·1 = 10^10 multiply-adds, 10^4 s at 10^6 a second.
        var large = new ConvProblem(1, 1, 1000, 1000, [100, 100], [1, 1]);
        Assert.That(ImplementationSource.DefaultTimeLimit(large), Is.EqualTo(TimeSpan.FromSeconds(120 + 10_000)));
        // 1·1000·1·1000·1 = 10^6 multiply-adds: one second over the floor.
        Assert.That(ImplementationSource.DefaultTimeLimit(new ConvProblem(1, 1, 1000, 1000, [1], [1])), Is.EqualTo(TimeSpan.FromSeconds(121)));
        // 3 multiply-adds: the floor and one (whole) second more.
        Assert.That(ImplementationSource.DefaultTimeLimit(new ConvProblem(1, 1, 1, 1, [3], [3])), Is.EqualTo(TimeSpan.FromSeconds(121)));
        // 40000·46000·40000 ≈ 7.4·10^13 multiply-adds, 2.4 years: capped at what Thread.Join accepts, not an exception mid-run.
        var huge = new ConvProblem(1, 1, 40_000, 40_000, [46_000], [1]);
        Assert.That(ImplementationSource.DefaultTimeLimit(huge), Is.EqualTo(TimeSpan.FromMilliseconds(int.MaxValue)));
    }
}
