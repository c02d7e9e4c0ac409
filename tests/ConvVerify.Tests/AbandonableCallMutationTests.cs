namespace ConvVerify.Tests;

/// <summary>
/// One <see cref="AbandonableCall"/> driven by hand on the test's thread, with no time limit passing and no thread to
/// wait for: the owner's list and callbacks, what a call throws, and an interrupt the call leaves behind. The owners'
/// tests (LimitedCallsTests, HangingImplementationTests) reach the same rules through real waits, where the order of
/// abandoning and returning is the clock's; here each order is made on purpose.
/// </summary>
public class AbandonableCallMutationTests
{
    // A call, its owner's list (holding another call so that removing the wrong one, or all, shows) and the callbacks counted.
    private sealed class Owner
    {
        public readonly object Gate = new();
        public readonly List<AbandonableCall> Stuck = [];
        public readonly AbandonableCall Other;
        public int Abandoned, Removed;

        public Owner() => Other = new AbandonableCall("other", TimeSpan.FromMinutes(1), Gate, Stuck);

        public AbandonableCall Call(TimeSpan limit) =>
            new("call for y of case c1", limit, Gate, Stuck, onAbandoned: () => Abandoned++, onRemoved: () => Removed++);
    }

    [Test]
    public void WhatTheCallThrowsIsKeptAndNotThrown()
    {
        var owner = new Owner();
        var call = owner.Call(TimeSpan.FromMinutes(1));
        var thrown = new InvalidOperationException("the implementation's own");
        Assert.DoesNotThrow(() => call.Run(() => throw thrown));
        Assert.That((call.Thrown?.SourceException, call.Returned, call.Abandoned), Is.EqualTo(((Exception?)thrown, true, (string?)null)));

        var quiet = owner.Call(TimeSpan.FromMinutes(1));
        quiet.Run(() => { });
        Assert.That((quiet.Thrown, quiet.Returned), Is.EqualTo(((System.Runtime.ExceptionServices.ExceptionDispatchInfo?)null, true)));
    }

    [Test]
    public void ACallAbandonedBeforeItReturnsIsListedWithItsReasonUntilItDoes()
    {
        var owner = new Owner();
        owner.Stuck.Add(owner.Other);
        var call = owner.Call(TimeSpan.FromMilliseconds(1));
        Assert.That(call.Abandon("did not return within 0.001 s"), Is.True);
        Assert.That((call.Abandoned, owner.Abandoned, owner.Removed), Is.EqualTo(("did not return within 0.001 s", 1, 0)));
        Assert.That(owner.Stuck, Is.EqualTo(new[] { owner.Other, call }), "listed after the older one");

        call.Run(() => { });
        Assert.That((call.Returned, owner.Abandoned, owner.Removed), Is.EqualTo((true, 1, 1)));
        Assert.That(owner.Stuck, Is.EqualTo(new[] { owner.Other }), "only itself removed");
    }

    [Test]
    public void ACallThatReturnedIsNotAbandonedAndNeverListed()
    {
        var owner = new Owner();
        owner.Stuck.Add(owner.Other);
        var call = owner.Call(TimeSpan.FromMilliseconds(1));
        call.Run(() => { });
        Assert.That(owner.Removed, Is.Zero, "never abandoned, so not removed");
        Assert.That(call.Abandon("did not return within 0.001 s"), Is.False, "its answer stands");
        Assert.That((call.Abandoned, owner.Abandoned, owner.Removed), Is.EqualTo(((string?)null, 0, 0)));
        Assert.That(owner.Stuck, Is.EqualTo(new[] { owner.Other }));
    }

    [Test]
    public void AnAbandonedCallWithoutAReasonOrCallbacksIsListedAllTheSame()
    {
        var gate = new object();
        var stuck = new List<AbandonableCall>();
        var call = new AbandonableCall("dw of P", TimeSpan.FromSeconds(1), gate, stuck);
        Assert.That((call.Abandon(), call.Abandoned, stuck.Count), Is.EqualTo((true, (string?)null, 1)));
        call.Run(() => { });
        Assert.That(stuck, Is.Empty);
    }

    // On a call thread of KeptThreads an interrupt the call leaves would throw from the thread's next wait; without a
    // limit the call ran on its caller's thread, whose interrupt it is. Each is run here on the test's own thread, and
    // the pending interrupt is consumed whatever the answer, so that it cannot reach a later test.
    [Test]
    public void WithALimitAnInterruptTheCallLeavesIsClearedAndWithoutOneItStaysWithTheCaller()
    {
        var owner = new Owner();
        owner.Call(TimeSpan.FromMinutes(1)).Run(() => Thread.CurrentThread.Interrupt());
        Assert.That(InterruptPending(), Is.False, "cleared on a call thread");

        owner.Call(Timeout.InfiniteTimeSpan).Run(() => Thread.CurrentThread.Interrupt());
        Assert.That(InterruptPending(), Is.True, "the caller's, left pending");
    }

    private static bool InterruptPending()
    {
        try
        {
            Thread.Sleep(0);
            return false;
        }
        catch (ThreadInterruptedException)
        {
            return true;
        }
    }
}
