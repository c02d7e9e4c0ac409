using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Oracles;

/// <summary>
/// ONNX Runtime's adapter beyond agreement with the definition (OrtOracleTests, with each input of the wrong size;
/// float16 and the per-dtype reasons: LowPrecisionConvTests): the session cache's limit, null arguments, declared shapes.
/// </summary>
public class OrtOracleDetailTests
{
    private static readonly ConvProblem Small = BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3");

    [Test]
    public void TheSessionCacheStartsAfreshPastItsLimit()
    {
        // 1,024 sessions are kept; the 1,025th problem empties the cache first (tiny 1-D problems: ~0.2 ms a session).
        using var oracle = new OrtOracle();
        for (int n = 1; n <= 1024; n++)
        {
            var p = BenchdnnDescriptor.Parse($"mb1ic1iw{n}oc1kw1", hasBias: false);
            oracle.Compute(p, ConvCase.Create(p, Fill.Integer).MakeInputs<float>(), [Direction.Forward]);
        }
        Assert.That(oracle.CachedSessions, Is.EqualTo(1024));
        var last = BenchdnnDescriptor.Parse("mb1ic1iw1025oc1kw1", hasBias: false);
        oracle.Compute(last, ConvCase.Create(last, Fill.Integer).MakeInputs<float>(), [Direction.Forward]);
        Assert.That(oracle.CachedSessions, Is.EqualTo(1));
        oracle.Dispose();
        Assert.That(oracle.CachedSessions, Is.EqualTo(0), "disposing releases every session");
    }

    [Test]
    public void ASessionDroppedWhileItRunsIsReleasedByThatRunNotUnderIt()
    {
        // Tests share one oracle across threads: the cache starting over (or Dispose) on one thread must not release a
        // session another thread is running (ORT would run a released native session).
        var a = BenchdnnDescriptor.Parse("mb1ic2iw5oc3kw2", hasBias: false);
        var b = BenchdnnDescriptor.Parse("mb1ic2iw6oc3kw2", hasBias: false);
        var inputs = ConvCase.Create(a, Fill.Integer).MakeInputs<float>();
        using var oracle = new OrtOracle(maxSessions: 1);
        var held = oracle.Acquire(a, Direction.Forward);
        oracle.Compute(b, ConvCase.Create(b, Fill.Integer).MakeInputs<float>(), [Direction.Forward]);
        Assert.That((held.Dropped, held.IsDisposed, oracle.CachedSessions), Is.EqualTo((true, false, 1)), "dropped from the cache, not released");
        Assert.That(OrtOracle.Run(held.Session, a, Direction.Forward, inputs), Is.EqualTo(oracle.Compute(a, inputs, [Direction.Forward])[Direction.Forward]),
            "the held session still runs");
        oracle.Release(held);
        Assert.That(held.IsDisposed, Is.True, "its last run releases it");

        var second = oracle.Acquire(a, Direction.Forward);
        var third = oracle.Acquire(a, Direction.Forward);
        Assert.That(third, Is.SameAs(second), "one cached session serves both runs");
        oracle.Dispose();
        Assert.That(second.IsDisposed, Is.False, "disposing the oracle waits for the runs");
        oracle.Release(second);
        Assert.That(second.IsDisposed, Is.False, "one run is still going");
        oracle.Release(third);
        Assert.That(second.IsDisposed, Is.True);
        Assert.That(Assert.Throws<OrtOracleException>(() => oracle.Acquire(a, Direction.Forward))!.InnerException, Is.TypeOf<ObjectDisposedException>());
        Assert.That(() => oracle.Release(third), Throws.InvalidOperationException.With.Message.Contains("released twice"),
            "a second release would leave the count below zero, and the session never released");
    }

    [Test]
    public void ASessionNobodyRunsIsReleasedWhenTheCacheStartsOver()
    {
        var a = BenchdnnDescriptor.Parse("mb1ic2iw5oc3kw2", hasBias: false);
        var b = BenchdnnDescriptor.Parse("mb1ic2iw6oc3kw2", hasBias: false);
        using var oracle = new OrtOracle(maxSessions: 1);
        var first = oracle.Acquire(a, Direction.Forward);
        oracle.Release(first);
        Assert.That((first.Dropped, first.IsDisposed), Is.EqualTo((false, false)), "cached, not released");
        oracle.Release(oracle.Acquire(b, Direction.Forward));
        Assert.That((first.Dropped, first.IsDisposed), Is.EqualTo((true, true)), "dropped and released at once");
        Assert.That(() => new OrtOracle(maxSessions: 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("maxSessions"));
    }

    [Test]
    public void ThreadsSharingAnOracleWhoseCacheStartsOverGetTheSameResults()
    {
        ConvProblem[] problems = [.. Enumerable.Range(4, 6).Select(n => BenchdnnDescriptor.Parse($"mb1ic2iw{n}oc3kw2", hasBias: false))];
        var inputs = problems.Select(p => ConvCase.Create(p, Fill.Integer).MakeInputs<float>()).ToArray();
        float[][] expected;
        using (var alone = new OrtOracle())
            expected = [.. problems.Select((p, i) => alone.Compute(p, inputs[i], [Direction.Forward])[Direction.Forward])];
        // Two sessions for six problems: nearly every call starts the cache over while the other threads run theirs.
        using var shared = new OrtOracle(maxSessions: 2);
        var wrong = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 600, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            int i = k % problems.Length;
            var got = shared.Compute(problems[i], inputs[i], [Direction.Forward])[Direction.Forward];
            if (!got.SequenceEqual(expected[i])) wrong.Add($"call {k}, {BenchdnnDescriptor.Format(problems[i])}");
        });
        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void ADisposedOracleRefusesToComputeAndDisposesOnce()
    {
        var oracle = new OrtOracle();
        var inputs = ConvCase.Create(Small, Fill.Integer).MakeInputs<float>();
        oracle.Compute(Small, inputs, [Direction.Forward]);
        oracle.Dispose();
        oracle.Dispose();
        // Ours, naming the oracle: not whatever ORT's released options would throw on the next session. The oracle's own
        // exception, so that a run says "oracle failure", with .NET's disposed exception, naming the type, underneath.
        var e = Assert.Throws<OrtOracleException>(() => oracle.Compute(Small, inputs, [Direction.Forward]))!;
        Assert.That(e.Message, Is.EqualTo("ort not called for y of mb1ic3ih5oc16oh3kh3ph0 (float32, bias): the oracle was disposed (OrtOracle.Dispose) and its sessions released"));
        Assert.That(((ObjectDisposedException)e.InnerException!).ObjectName, Is.EqualTo(typeof(OrtOracle).FullName));
    }

    [Test]
    public void AnOracleDisposedWhileItMakesASessionReleasesItAndSaysItWasDisposed()
    {
        // Dispose (a run's end) between the check on entry and the session's making: the session made for a disposed
        // oracle is released at once, and the call refused in the oracle's words, as on entry.
        var oracle = new OrtOracle();
        var inputs = ConvCase.Create(Small, Fill.Integer).MakeInputs<float>();
        var e = Assert.Throws<OrtOracleException>(() => oracle.Compute(Small, inputs, [Direction.BackwardData], null, Timeout.InfiniteTimeSpan, _ => oracle.Dispose()))!;
        Assert.That(e.Message, Is.EqualTo("ort not called for dx of mb1ic3ih5oc16oh3kh3ph0 (float32, bias): the oracle was disposed (OrtOracle.Dispose) and its sessions released"));
        Assert.That(e.InnerException, Is.TypeOf<ObjectDisposedException>());
        Assert.That((oracle.CachedSessions, oracle.OptionsReleased), Is.EqualTo((0, true)));
        Assert.That(ErrorCauses.Of(e), Is.EqualTo(ErrorCause.Oracle));
    }

    [Test]
    public void NullArgumentsAreRefusedByName()
    {
        using var oracle = new OrtOracle();
        var inputs = ConvCase.Create(Small, Fill.Integer).MakeInputs<float>();
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<ArgumentNullException>(() => oracle.Provides(null!, Direction.Forward, out _))!.ParamName, Is.EqualTo("problem"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => oracle.Compute(null!, inputs, [Direction.Forward]))!.ParamName, Is.EqualTo("problem"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => oracle.Compute<float>(Small, null!, [Direction.Forward]))!.ParamName, Is.EqualTo("inputs"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => oracle.Compute(Small, inputs, null!))!.ParamName, Is.EqualTo("directions"));
        });
    }

    [Test]
    public void EachModelDeclaresTheShapesOfItsInputsAndOutput()
    {
        // Declared shapes make ONNX Runtime check every feed; the names of model, graph and nodes are labels only.
        static (string, long[])[] Shapes(Google.Protobuf.Collections.RepeatedField<Onnx.ValueInfoProto> values) =>
            [.. values.Select(v => (v.Name, v.Type.TensorType.Shape.Dim.Select(d => d.DimValue).ToArray()))];
        var forward = Onnx.ModelProto.Parser.ParseFrom(OrtModels.Build(Small, Direction.Forward)).Graph;
        Assert.That(Shapes(forward.Input).Where(v => v.Item1 is "w" or "b"), Is.EqualTo(new[] { ("w", new long[] { 16, 3, 3, 3 }), ("b", new long[] { 16 }) }));
        Assert.That(Shapes(forward.Output), Is.EqualTo(new[] { ("out", new long[] { 1, 16, 3, 3 }) }));
        var weights = Onnx.ModelProto.Parser.ParseFrom(OrtModels.Build(Small, Direction.BackwardWeights)).Graph;
        Assert.That(Shapes(weights.Output), Is.EqualTo(new[] { ("out", new long[] { 16, 3, 3, 3 }) }));
        Assert.That(Assert.Throws<ArgumentNullException>(() => OrtModels.Build(null!, Direction.Forward))!.ParamName, Is.EqualTo("p"));
    }
}
