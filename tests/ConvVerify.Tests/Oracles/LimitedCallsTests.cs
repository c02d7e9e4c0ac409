using ConvVerify.Oracles;

namespace ConvVerify.Tests.Oracles;

/// <summary>
/// The abandon/refuse/recover rule torch and ONNX Runtime share, without either: each stranded call here waits for a
/// gate the test opens, so it returns when told, never by a clock.
/// </summary>
public class LimitedCallsTests
{
    private static readonly KeptThreads Threads = new("ConvVerify test call");

    private static LimitedCalls Calls(LimitedCalls.Tally? tally = null) => new("frob", message => new InvalidDataException(message), Threads, tally);

    [Test]
    public void ALimitBelowAMillisecondIsSaidAsTheMillisecondWaited()
    {
        // The probe: --oracle-time-limit 0.0001 failed "within 0.0001 s" after a wait of a whole millisecond (the wait
        // counts whole ones, rounded up): the time waited is said, then the limit it was rounded up from.
        var calls = Calls();
        using var gate = new ManualResetEventSlim();
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => calls.Run("y of P", TimeSpan.FromTicks(1_000), () => gate.Wait(Timeout.Infinite)))!;
            Assert.That(e.Message, Does.StartWith("frob did not return within 0.001 s (a limit of 0.0001 s, waited for in whole milliseconds) from y of P; "));
        }
        finally
        {
            gate.Set();
        }
        Assert.That(SpinWait.SpinUntil(() => !calls.HasAbandonedCall, TimeSpan.FromSeconds(10)), Is.True, "the abandoned call returned");
    }

    [Test]
    public void ACallRefusedBehindAnAbandonedOneIsToldFromTheOneThatTimedOut()
    {
        // soak printed each case refused behind an abandoned call as a failure to reproduce, where the case was never
        // tried: the refusal is marked, the time-out is not.
        var calls = Calls();
        using var gate = new ManualResetEventSlim();
        try
        {
            var timedOut = Assert.Throws<InvalidDataException>(() => calls.Run("y of P", TimeSpan.FromMilliseconds(1), () => gate.Wait(Timeout.Infinite)))!;
            var refused = Assert.Throws<InvalidDataException>(() => calls.Run("y of Q", TimeSpan.FromMinutes(1), () => 1))!;
            Assert.That((LimitedCalls.IsBehindAbandonedCall(timedOut), LimitedCalls.IsBehindAbandonedCall(refused)), Is.EqualTo((false, true)));
            Assert.That(LimitedCalls.IsBehindAbandonedCall(new InvalidOperationException("the case failed", refused)), Is.True, "also where another wraps it");
            Assert.That(LimitedCalls.IsBehindAbandonedCall(new InvalidDataException(refused.Message)), Is.False, "by the mark, not the words");
        }
        finally
        {
            gate.Set();
        }
        Assert.That(SpinWait.SpinUntil(() => !calls.HasAbandonedCall, TimeSpan.FromSeconds(10)), Is.True, "the abandoned call returned");
    }

    [Test]
    public void AStrandedCallFailsInTheOraclesWordsRefusesTheNextAndIsCountedUntilItReturns()
    {
        var tally = new LimitedCalls.Tally();
        var calls = Calls(tally);
        var alongside = Calls(tally);
        var apart = Calls();
        using var gate = new ManualResetEventSlim();
        try
        {
            // A millisecond: the call cannot return before the gate opens, whatever the machine's speed.
            var e = Assert.Throws<InvalidDataException>(() => calls.Run("y, dx of P", TimeSpan.FromMilliseconds(1), () => gate.Wait(Timeout.Infinite)))!;
            Assert.That(e.Message, Is.EqualTo("frob did not return within 0.001 s from y, dx of P; the call was abandoned on its thread, "
                + "which may still be running, and frob is not called again until it returns"));
            Assert.That((calls.HasAbandonedCall, tally.Any, tally.Count), Is.EqualTo((true, true, 1)));

            var refused = Assert.Throws<InvalidDataException>(() => calls.Run("dw of Q", TimeSpan.FromMinutes(1), () => 1))!;
            Assert.That(refused.Message, Does.StartWith("frob not called for dw of Q: frob has not returned from y, dx of P after "));
            Assert.That(refused.Message, Does.EndWith(" s (its limit was 0.001 s) and may still be running; a call now could wait behind it for good"));
            Assert.That(() => calls.ThrowIfAbandonedRunning("a round trip"), Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith("frob not called for a round trip: "));

            // Another instance is refused nothing, and one without a tally leaves the tally alone.
            Assert.That(alongside.Run("y of R", TimeSpan.FromMinutes(1), () => 2), Is.EqualTo(2));
            Assert.That(apart.Run("y of R", TimeSpan.FromMinutes(1), () => 3), Is.EqualTo(3));
            Assert.That((alongside.HasAbandonedCall, apart.HasAbandonedCall), Is.EqualTo((false, false)));
            Assert.That(() => apart.Run("y of S", TimeSpan.FromMilliseconds(1), () => gate.Wait(Timeout.Infinite)), Throws.InstanceOf<InvalidDataException>());
            Assert.That((apart.HasAbandonedCall, tally.Count), Is.EqualTo((true, 1)), "stranded, but in no tally");
        }
        finally
        {
            gate.Set();
        }
        // Not a measure of time: a guard against a call that never comes back, which would hang the suite here.
        Assert.That(SpinWait.SpinUntil(() => !calls.HasAbandonedCall && !apart.HasAbandonedCall, TimeSpan.FromMinutes(1)), "the released calls returned");
        Assert.That((tally.Any, tally.Count), Is.EqualTo((false, 0)));
        Assert.That(calls.Run("y of P", TimeSpan.FromMinutes(1), () => 4), Is.EqualTo(4));
    }

    [Test]
    public void WithoutALimitTheCallRunsOnTheCallersThreadAndWithOneOnAKeptBackgroundThreadOfItsName()
    {
        var calls = Calls();
        Assert.That(calls.Run("y of P", Timeout.InfiniteTimeSpan, () => Thread.CurrentThread), Is.SameAs(Thread.CurrentThread));
        var ran = calls.Run("y of P", TimeSpan.FromMinutes(1), () => Thread.CurrentThread);
        Assert.That(ran, Is.Not.SameAs(Thread.CurrentThread));
        Assert.That((ran.IsBackground, ran.Name), Is.EqualTo((true, "ConvVerify test call")));
    }

    [Test]
    public void WhatTheCallThrowsArrivesAsItWasWithItsFrames()
    {
        var calls = Calls();
        var thrown = new FormatException("bad");
        var e = Assert.Throws<FormatException>(() => calls.Run<int>("y of P", TimeSpan.FromMinutes(1), () => Throw(thrown)))!;
        Assert.That(e, Is.SameAs(thrown));
        Assert.That(e.StackTrace, Does.Contain(nameof(Throw)), "the call thread's frames kept");
        Assert.That(calls.HasAbandonedCall, Is.False, "a call that threw returned");
    }

    [Test]
    public void AnInterruptOfTheCallersWaitGoesUpAndLeavesTheCallAbandoned()
    {
        var calls = Calls();
        using var began = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        Exception? caught = null;
        var caller = new Thread(() =>
        {
            try
            {
                calls.Run("y of P", TimeSpan.FromMinutes(5), () =>
                {
                    began.Set();
                    return gate.Wait(TimeSpan.FromMinutes(1));
                });
            }
            catch (Exception e)
            {
                caught = e;
            }
        });
        caller.Start();
        try
        {
            Assert.That(began.Wait(TimeSpan.FromSeconds(30)), "the call began");
            caller.Interrupt();
            Assert.That(caller.Join(TimeSpan.FromSeconds(30)), "the caller is no longer waiting");
            Assert.That(caught, Is.TypeOf<ThreadInterruptedException>(), "the caller's own exception, gone on up");
            Assert.That(calls.HasAbandonedCall, "the call goes on, and none other may run alongside it");
            Assert.That(() => calls.Run("dx of P", TimeSpan.FromMinutes(1), () => 0), Throws.InstanceOf<InvalidDataException>()
                .With.Message.Contains("(its limit was 300 s)"));
        }
        finally
        {
            gate.Set();
        }
        Assert.That(SpinWait.SpinUntil(() => !calls.HasAbandonedCall, TimeSpan.FromMinutes(1)), "the released call returned");
    }

    private static int Throw(Exception e) => throw e;
}
