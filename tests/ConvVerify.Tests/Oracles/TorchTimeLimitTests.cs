using System.Reflection;
using ConvVerify.Cases;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Runs;
using ConvVerify.Tests.Runs;
using Python.Runtime;

namespace ConvVerify.Tests.Oracles;

/// <summary>
/// A torch call that does not return within its limit fails, is abandoned, and stands in the way of later calls until it
/// returns. Each stranded call here goes through calls of the test's own (the process's oracle and every other test's
/// calls are untouched) and is held by a Python event the test sets: it returns when told, never by a clock, and
/// leaves the suite's one Python usable.
/// </summary>
public class TorchTimeLimitTests
{
    private const string Descriptor = "mb1ic2ih5oc3oh5kh3ph1";

    // Held until the test sets the event: in a wait (Python's lock released, as time.sleep and native code that
    // releases it), or spinning in Python (the lock held, handed over every 5 ms, as a pathological problem).
    [TestCase("ev.wait()", TestName = "A call held in a wait that releases the GIL")]
    [TestCase("while not ev.is_set(): pass", TestName = "A call spinning in Python, holding the GIL")]
    public void AStrandedCallFailsNamingItsDirectionsAndProblemRefusesTheNextAndReturnsWhenReleased(string hold)
    {
        var oracle = LiveTorch.Require();
        var problem = BenchdnnDescriptor.Parse(Descriptor);
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<float>();
        var calls = TorchOracle.NewCalls();
        PyObject ev;
        using (Py.GIL()) ev = LiveTorch.Evaluate("import threading\nev = threading.Event()", "ev");
        void Hold()
        {
            using var scope = Py.CreateScope();
            scope.Set("ev", ev);
            scope.Exec(hold);
        }
        try
        {
            // A millisecond: the call cannot return before the event is set, whatever the machine's speed.
            var e = Assert.Throws<TorchOracleException>(() => oracle.Compute(problem, inputs, TorchLayout.Contiguous, null,
                TimeSpan.FromMilliseconds(1), [Direction.Forward, Direction.BackwardData], calls, Hold))!;
            Assert.That(e.Message, Does.StartWith($"torch did not return within 0.001 s from y, dx of {Descriptor} (float32, bias); the call was abandoned"));
            Assert.That(calls.HasAbandonedCall);

            var refused = Assert.Throws<TorchOracleException>(() => oracle.Compute(problem, inputs, TorchLayout.Contiguous, null,
                TimeSpan.FromMinutes(1), null, calls))!;
            Assert.That(refused.Message, Does.StartWith($"torch not called for y, dx, dw, db of {Descriptor} (float32, bias): torch has not returned from y, dx of {Descriptor} (float32, bias) after "));
            Assert.That(refused.Message, Does.Contain(" s (its limit was 0.001 s) and may still be running"));

            // Other calls into the same Python go on meanwhile: the stranded one does not keep the GIL.
            var expected = Check.Naive(problem, inputs);
            Bitwise.AssertEqual(expected.Y, oracle.Compute(problem, inputs).Y, "the process's oracle while the test's call is stranded");
        }
        finally
        {
            using (Py.GIL())
            {
                ev.InvokeMethod("set").Dispose();
            }
        }
        // Not a measure of time: a guard against a call that never comes back, which would hang the suite here.
        Assert.That(SpinWait.SpinUntil(() => !calls.HasAbandonedCall, TimeSpan.FromMinutes(1)), "the released call returned");
        var again = oracle.Compute(problem, inputs, TorchLayout.Contiguous, null, TimeSpan.FromMinutes(1), null, calls);
        Bitwise.AssertEqual(Check.Naive(problem, inputs).Dx, again.Dx, "the test's calls once the stranded one returned");
        using (Py.GIL()) ev.Dispose();
    }

    [Test]
    public void WithoutALimitTheCallRunsOnTheCallersThreadAndWithOneOnAKeptBackgroundThread()
    {
        var oracle = LiveTorch.Require();
        var problem = BenchdnnDescriptor.Parse(Descriptor);
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<float>();
        Thread? ran = null;
        oracle.Compute(problem, inputs, TorchLayout.Contiguous, null, Timeout.InfiniteTimeSpan, null, TorchOracle.NewCalls(), () => ran = Thread.CurrentThread);
        Assert.That(ran, Is.SameAs(Thread.CurrentThread));
        oracle.Compute(problem, inputs, TorchLayout.Contiguous, null, TimeSpan.FromMinutes(1), null, TorchOracle.NewCalls(), () => ran = Thread.CurrentThread);
        Assert.That(ran, Is.Not.SameAs(Thread.CurrentThread));
        // In the background, so that one still stuck does not keep the process from exiting.
        Assert.That((ran!.IsBackground, ran.Name), Is.EqualTo((true, "ConvVerify torch call")));
    }

    // The narrow-dtype probe, reached through Provides, keeps the limit an oracle was given: with none (a debugger paused
    // on it for minutes) it runs on the caller's thread, where it was abandoned after the floor's 120 s on a kept one.
    // Alone: the hook and the forgotten answers are the process's, and a probe of another test would run the hook.
    [Test, NonParallelizable]
    public void TheNarrowProbeKeepsTheOraclesLimitOnTheCallersThreadWithoutOne()
    {
        var torch = LiveTorch.Require();
        var problem = BenchdnnDescriptor.Parse(Descriptor).WithDType(DType.BFloat16);
        Thread? ran = null;
        Thread? ProbedOn(IConvOracle oracle)
        {
            ran = null;
            TorchOracle.ForgetNarrowSupport();
            oracle.Provides(problem, Direction.Forward, out _);
            return ran;
        }
        TorchOracle.NarrowProbeInside = () => ran = Thread.CurrentThread;
        try
        {
            var unlimited = torch.WithTimeLimit(Timeout.InfiniteTimeSpan);
            var onCallers = new[]
            {
                unlimited,
                ((ILayoutOracle)unlimited).In(TorchLayout.ChannelsLast),
                OracleRegistry.Create(TorchOracle.OracleName, new OracleOptions(TorchLayout.ChannelsLast, Timeout.InfiniteTimeSpan)),
            };
            foreach (var oracle in onCallers)
                Assert.That(ProbedOn(oracle), Is.SameAs(Thread.CurrentThread), $"{oracle.Name} without a limit");
            // With a limit, its own or the floor, on a kept thread that can be abandoned.
            foreach (var oracle in new[] { torch, torch.WithTimeLimit(TimeSpan.FromMinutes(5)), torch.In(TorchLayout.ChannelsLast) })
            {
                var thread = ProbedOn(oracle);
                Assert.That(thread, Is.Not.Null.And.Not.SameAs(Thread.CurrentThread), $"{oracle.Name} with a limit");
                Assert.That(thread!.Name, Is.EqualTo("ConvVerify torch call"));
            }
        }
        finally
        {
            TorchOracle.NarrowProbeInside = null;
        }
    }

    [Test]
    public void WhatTorchRaisesOnTheCallsThreadArrivesAsItWas()
    {
        var oracle = LiveTorch.Require();
        var problem = BenchdnnDescriptor.Parse(Descriptor);
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<float>();
        var e = Assert.Throws<TorchOracleException>(() => oracle.Compute(problem, inputs, TorchLayout.Contiguous, d => d["rank"] = 4, TimeSpan.FromMinutes(1)))!;
        Assert.That(e.Message, Does.Contain("ValueError: rank: expected 1, 2 or 3, got 4"));
        Assert.That(e.StackTrace, Does.Contain("ComputeOnCallThread"), "the call thread's frames kept");
    }

    [Test]
    public void TheDefaultLimitIsTheImplementationsFloorPlusThreeDirectionsOfMultiplyAddsAtTheSlowRate()
    {
        // 1 multiply-add: 3 µs at 1e6 a second, a whole second rounded up.
        Assert.That(TorchOracle.DefaultTimeLimit(BenchdnnDescriptor.Parse("mb1ic1iw1oc1kw1")), Is.EqualTo(TimeSpan.FromSeconds(121)));
        // 10^6 of them: 3 s for y, dx and dw.
        Assert.That(TorchOracle.DefaultTimeLimit(BenchdnnDescriptor.Parse("mb1ic1iw1000000oc1kw1")), Is.EqualTo(TimeSpan.FromSeconds(123)));
        Assert.That(() => TorchOracle.DefaultTimeLimit(null!), Throws.ArgumentNullException);
    }

    [Test]
    public void WhatPythonRaisesBeforeComputeIsTorchsFailureNamingTheProblem()
    {
        // The making of the inputs' tensors raising (out of memory in torch.empty, say): a bare PythonException went up,
        // reported as unusable input; it is torch's failure, as one raised in compute is.
        var oracle = LiveTorch.Require();
        var problem = BenchdnnDescriptor.Parse(Descriptor);
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<float>();
        static void Raise()
        {
            using var scope = Py.CreateScope();
            scope.Exec("raise MemoryError('no room for x')");
        }
        var e = Assert.Throws<TorchOracleException>(() => oracle.Compute(problem, inputs, TorchLayout.Contiguous, null, null, null, TorchOracle.NewCalls(), Raise))!;
        Assert.That(e.Message, Is.EqualTo($"torch failed on {Descriptor} (float32, bias): MemoryError: no room for x"));
        Assert.That(ConvVerify.Runs.ErrorCauses.Of(e), Is.EqualTo(ConvVerify.Runs.ErrorCause.Oracle));
        // And the oracle goes on.
        Assert.That(oracle.Compute(problem, inputs).Y, Has.Length.EqualTo(problem.YSize));
    }

    [Test]
    public void ALimitThatIsNoneIsRefusedByTheOracle()
    {
        var oracle = LiveTorch.Require();
        Assert.That(() => oracle.WithTimeLimit(TimeSpan.Zero), Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Message.StartsWith("limit: a direction's time limit must be positive (or Timeout.InfiniteTimeSpan for none), got 00:00:00"));
    }

    // Without torch: the options are checked before any oracle is made, and the mutation run has no torch.
    [Test]
    public void ALimitThatIsNoneIsRefusedByTheOptionsInTheirName()
    {
        Assert.That(() => new OracleOptions(TimeLimit: TimeSpan.FromSeconds(-2)), Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Message.StartsWith("OracleOptions.TimeLimit: a direction's time limit must be positive"));
        Assert.That(() => new OracleOptions() with { TimeLimit = TimeSpan.FromDays(30) }, Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Message.StartsWith("OracleOptions.TimeLimit: a direction's time limit must be at most"));
        Assert.That(new OracleOptions(TimeLimit: Timeout.InfiniteTimeSpan).TimeLimit, Is.EqualTo(Timeout.InfiniteTimeSpan));
    }

    [Test]
    public void AnOracleMadeWithALimitComputesInEitherLayoutUnderTorchsNames()
    {
        LiveTorch.Require();
        var problem = BenchdnnDescriptor.Parse(Descriptor);
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<float>();
        var expected = Check.Naive(problem, inputs);
        var limited = OracleRegistry.Create(TorchOracle.OracleName, new OracleOptions(TimeLimit: TimeSpan.FromMinutes(5)));
        Assert.That(limited, Is.InstanceOf<ILayoutOracle>(), "a case's channels-last still reaches torch");
        var channelsLast = ((ILayoutOracle)limited).In(TorchLayout.ChannelsLast);
        var fixedLayout = OracleRegistry.Create(TorchOracle.OracleName, new OracleOptions(TorchLayout.ChannelsLast, TimeSpan.FromMinutes(5)));
        foreach (var oracle in new[] { limited, channelsLast, fixedLayout })
        {
            var r = oracle.Compute(problem, inputs, [Direction.BackwardWeights]);
            Bitwise.AssertEqual(expected.Dw, r[Direction.BackwardWeights], oracle.Name);
        }
        Assert.That((limited.Name, channelsLast.Name, fixedLayout.Name), Is.EqualTo(("torch", "torch-channels-last", "torch-channels-last")));
        // What check --layout reads: each declares the layout it computes in.
        Assert.That(new[] { limited, channelsLast, fixedLayout }.Select(OracleLayouts.ComputesIn),
            Is.EqualTo(new[] { TorchLayout.Contiguous, TorchLayout.ChannelsLast, TorchLayout.ChannelsLast }));
        Assert.That(limited.Versions, Is.EqualTo(TorchOracle.Get().Versions));
    }

    [Test]
    public void PythonNetsExitHandlerIsWhereShutdownLooksForIt()
    {
        // With a call stuck holding the GIL, pythonnet's finalization at process exit waits for it for good (measured:
        // Environment.Exit and the return from Main never ended the process); Shutdown calls it off by this name, and a
        // pythonnet that renamed it would bring that hang back.
        var handler = typeof(PythonEngine).GetMethod(TorchOracle.PythonExitHandler, BindingFlags.NonPublic | BindingFlags.Static, [typeof(object), typeof(EventArgs)]);
        Assert.That(handler, Is.Not.Null);
        Assert.That(handler!.ReturnType, Is.EqualTo(typeof(void)));
    }
}
