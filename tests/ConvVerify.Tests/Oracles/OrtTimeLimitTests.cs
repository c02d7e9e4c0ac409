using ConvVerify.Cases;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Tests.Runs;

namespace ConvVerify.Tests.Oracles;

/// <summary>
/// An ONNX Runtime call that does not return within its limit fails, is abandoned, and stands in the way of its oracle's
/// later calls until it returns; the sessions it uses outlive it. Each stranded call here is held, inside the call with
/// its session acquired, by a gate the test opens: it returns when told, never by a clock.
/// </summary>
public class OrtTimeLimitTests
{
    private const string Descriptor = "mb1ic2ih5oc3oh5kh3ph1";

    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(1);

    [Test]
    public void AStrandedCallFailsNamingItsDirectionsAndProblemRefusesTheNextAndReturnsWhenReleased()
    {
        var problem = BenchdnnDescriptor.Parse(Descriptor);
        // Integers: every result is exact, so ORT's equals the definition's bit for bit (as OrtOracleTests).
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<float>();
        var expected = Check.Naive(problem, inputs);
        using var oracle = new OrtOracle();
        using var gate = new ManualResetEventSlim();
        try
        {
            // A millisecond: the call cannot return before the gate opens, whatever the machine's speed.
            var e = Assert.Throws<OrtOracleException>(() => oracle.Compute(problem, inputs, [Direction.Forward, Direction.BackwardData],
                (_, _) => gate.Wait(), TimeSpan.FromMilliseconds(1)))!;
            Assert.That(e.Message, Is.EqualTo($"ort did not return within 0.001 s from y, dx of {Descriptor} (float32, bias); the call was abandoned on its thread, "
                + "which may still be running, and ort is not called again until it returns"));
            Assert.That(oracle.Calls.HasAbandonedCall);

            var refused = Assert.Throws<OrtOracleException>(() => oracle.Compute(problem, inputs, [Direction.BackwardWeights]))!;
            Assert.That(refused.Message, Does.StartWith($"ort not called for dw of {Descriptor} (float32, bias): ort has not returned from y, dx of {Descriptor} (float32, bias) after "));
            Assert.That(refused.Message, Does.Contain(" s (its limit was 0.001 s) and may still be running"));

            // Another oracle goes on meanwhile.
            using var other = new OrtOracle();
            Bitwise.AssertEqual(expected.Y, other.Compute(problem, inputs, [Direction.Forward])[Direction.Forward], "another oracle while this one's call is stranded");
        }
        finally
        {
            gate.Set();
        }
        // Not a measure of time: a guard against a call that never comes back, which would hang the suite here.
        Assert.That(SpinWait.SpinUntil(() => !oracle.Calls.HasAbandonedCall, TimeSpan.FromMinutes(1)), "the released call returned");
        var again = oracle.Compute(problem, inputs, Directions.For(problem));
        Bitwise.AssertEqual(expected.Y, again[Direction.Forward], "y once the stranded call returned");
        Bitwise.AssertEqual(expected.Dx, again[Direction.BackwardData], "dx");
        Bitwise.AssertEqual(expected.Dw, again[Direction.BackwardWeights], "dw");
        Bitwise.AssertEqual(expected.Db, again[Direction.BackwardBias], "db");
    }

    [Test]
    public void TheSessionOfAnAbandonedCallIsReleasedOnlyWhenTheCallReturnsWhateverTheCacheAndDisposeDid()
    {
        // Released under the run, the native session would be freed while ORT still runs it.
        var a = BenchdnnDescriptor.Parse("mb1ic2iw5oc3kw2", hasBias: false);
        var b = BenchdnnDescriptor.Parse("mb1ic2iw6oc3kw2", hasBias: false);
        var inputs = ConvCase.Create(a, Fill.Integer).MakeInputs<float>();
        var oracle = new OrtOracle(maxSessions: 1);
        using var gate = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        OrtOracle.CachedSession? held = null;
        try
        {
            Assert.Throws<OrtOracleException>(() => oracle.Compute(a, inputs, [Direction.Forward], (_, s) =>
            {
                held = s;
                entered.Set();
                gate.Wait();
            }, TimeSpan.FromMilliseconds(1)));
            // Under load the 1 ms can pass before the call's thread has acquired its session; b's acquiring would then
            // come first, and a's session would be the one cached rather than the one dropped.
            Assert.That(entered.Wait(TimeSpan.FromMinutes(1)), "the call acquired its session");
            // The cache starts over (b's session past its one), then the oracle is disposed, as a run's end does.
            oracle.Release(oracle.Acquire(b, Direction.Forward));
            Assert.That((held!.Dropped, held.IsDisposed), Is.EqualTo((true, false)), "dropped from the cache, not released");
            oracle.Dispose();
            Assert.That(held.IsDisposed, Is.False, "disposing the oracle leaves it to the call");
            Assert.That(oracle.CachedSessions, Is.EqualTo(0));
        }
        finally
        {
            gate.Set();
        }
        Assert.That(SpinWait.SpinUntil(() => !oracle.Calls.HasAbandonedCall, TimeSpan.FromMinutes(1)), "the released call returned");
        Assert.That(held.IsDisposed, Is.True, "the call's end released it");
        Assert.That(() => oracle.Compute(a, inputs, [Direction.Forward]), Throws.TypeOf<OrtOracleException>().With.Message.Contains("the oracle was disposed"));
    }

    [Test]
    public void ACallStrandedMakingASessionKeepsNeitherDisposeWaitingNorItsOptionsReleasedUnderIt()
    {
        // Made under the oracle's lock, a session whose making hung kept Dispose (a run's end) waiting for good; the
        // options it is made with, released by Dispose, would be freed under the making.
        var problem = BenchdnnDescriptor.Parse(Descriptor);
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<float>();
        var oracle = new OrtOracle();
        using var gate = new ManualResetEventSlim();
        using var making = new ManualResetEventSlim();
        try
        {
            var e = Assert.Throws<OrtOracleException>(() => oracle.Compute(problem, inputs, [Direction.BackwardWeights], null,
                TimeSpan.FromMilliseconds(1), _ =>
                {
                    making.Set();
                    gate.Wait();
                }))!;
            Assert.That(e.Message, Does.StartWith($"ort did not return within 0.001 s from dw of {Descriptor} (float32, bias);"));
            // Under load the 1 ms can pass before the call's thread has started making the session; a Dispose then would
            // come first, and the call would find the oracle disposed rather than be stranded in the making.
            Assert.That(making.Wait(TimeSpan.FromMinutes(1)), "the call started making its session");
            // Not a measure of time: a Dispose that waited for the stranded making would never return.
            Assert.That(Task.Run(oracle.Dispose).Wait(TimeSpan.FromMinutes(1)), "Dispose returned while the making is stranded");
            Assert.That(oracle.OptionsReleased, Is.False, "the making still uses the options");
        }
        finally
        {
            gate.Set();
        }
        Assert.That(SpinWait.SpinUntil(() => !oracle.Calls.HasAbandonedCall, TimeSpan.FromMinutes(1)), "the released call returned");
        // The session it made, for a disposed oracle, is released at once, and the options with the last making.
        Assert.That((oracle.OptionsReleased, oracle.CachedSessions), Is.EqualTo((true, 0)));
    }

    [Test]
    public void WithoutALimitTheCallRunsOnTheCallersThreadAndWithOneOnAKeptBackgroundThread()
    {
        var problem = BenchdnnDescriptor.Parse(Descriptor);
        var inputs = ConvCase.Create(problem, Fill.Integer).MakeInputs<float>();
        Thread? ran = null;
        using (var unlimited = new OrtOracle { TimeLimit = Timeout.InfiniteTimeSpan })
            unlimited.Compute(problem, inputs, [Direction.Forward], (_, _) => ran = Thread.CurrentThread);
        Assert.That(ran, Is.SameAs(Thread.CurrentThread));
        using var oracle = new OrtOracle();
        oracle.Compute(problem, inputs, [Direction.Forward], (_, _) => ran = Thread.CurrentThread);
        Assert.That(ran, Is.Not.SameAs(Thread.CurrentThread));
        // In the background, so that one still stuck does not keep the process from exiting.
        Assert.That((ran!.IsBackground, ran.Name), Is.EqualTo((true, "ConvVerify ort call")));
        // Python's finalization waits for no ORT call: torch's calls alone are counted for it.
        Assert.That(oracle.Calls.Counted, Is.Null);
        Assert.That(TorchOracle.NewCalls().Counted, Is.Not.Null);
    }

    [Test]
    public void TheDefaultLimitIsTheFloorPlusTheMultiplyAddsOfEachConvolutionAsked()
    {
        var one = BenchdnnDescriptor.Parse("mb1ic1iw1oc1kw1");
        var million = BenchdnnDescriptor.Parse("mb1ic1iw1000000oc1kw1");
        // 1 multiply-add: 1 µs at 1e6 a second, a whole second rounded up.
        Assert.That(OrtOracle.DefaultTimeLimit(one, [Direction.Forward]), Is.EqualTo(TimeSpan.FromSeconds(121)));
        // 10^6 of them: 1 s for each of y, dx and dw; db, a sum of dy, adds nothing.
        Assert.That(OrtOracle.DefaultTimeLimit(million, [Direction.Forward]), Is.EqualTo(TimeSpan.FromSeconds(121)));
        Assert.That(OrtOracle.DefaultTimeLimit(million, [Direction.BackwardData, Direction.BackwardWeights]), Is.EqualTo(TimeSpan.FromSeconds(122)));
        Assert.That(OrtOracle.DefaultTimeLimit(million, Directions.For(million)), Is.EqualTo(TimeSpan.FromSeconds(123)));
        Assert.That(OrtOracle.DefaultTimeLimit(million, [Direction.BackwardBias]), Is.EqualTo(TimeSpan.FromSeconds(120)));
        // Every direction: torch's, which computes them all in each call.
        Assert.That(OrtOracle.DefaultTimeLimit(million, Directions.For(million)), Is.EqualTo(TorchOracle.DefaultTimeLimit(million)));
        Assert.That(() => OrtOracle.DefaultTimeLimit(null!, [Direction.Forward]), Throws.ArgumentNullException);
        Assert.That(() => OrtOracle.DefaultTimeLimit(one, null!), Throws.ArgumentNullException);
    }

    [Test]
    public void TheLimitComesFromTheOptionsAndALimitThatIsNoneIsRefusedInTheNameItWasGivenBy()
    {
        using (var made = (OrtOracle)OracleRegistry.Create(OrtOracle.OracleName, new OracleOptions(TimeLimit: TimeSpan.FromMinutes(5))))
            Assert.That(made.TimeLimit, Is.EqualTo(TimeSpan.FromMinutes(5)));
        using (var plain = (OrtOracle)OracleRegistry.Create(OrtOracle.OracleName))
            Assert.That(plain.TimeLimit, Is.Null);
        Assert.That(() => new OrtOracle { TimeLimit = TimeSpan.Zero }, Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Message.StartsWith("TimeLimit: a direction's time limit must be positive (or Timeout.InfiniteTimeSpan for none), got 00:00:00"));
        using var oracle = new OrtOracle();
        var problem = BenchdnnDescriptor.Parse(Descriptor);
        Assert.That(() => oracle.Compute(problem, ConvCase.Create(problem, Fill.Integer).MakeInputs<float>(), [Direction.Forward], null, TimeSpan.FromDays(30)),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("timeLimit: a direction's time limit must be at most"));
    }
}
