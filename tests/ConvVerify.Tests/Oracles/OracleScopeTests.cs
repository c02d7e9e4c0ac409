using System.Collections.Concurrent;
using ConvVerify.Convolution;
using ConvVerify.Oracles;
using ConvVerify.Tests.Runs;

namespace ConvVerify.Tests.Oracles;

/// <summary>The oracles one run made, released together: each once, the last made first, whichever way the run ends.</summary>
public class OracleScopeTests
{
    private const string Counted = "scope-test";
    private const string FailsToRelease = "scope-test-fails-to-release";
    private const string Unavailable = "scope-test-unavailable";

    // The registry is global and a test host may run this fixture again: registered once, and every test reads only the
    // oracles it made itself (the queue's tail).
    private static readonly ConcurrentQueue<DefinitionOracle> MadeHere = new();
    private static readonly ConcurrentQueue<DefinitionOracle> ReleaseOrder = new();
    private static OracleOptions? _heard;

    static OracleScopeTests()
    {
        OracleRegistry.Register(Counted, "a test's fake", o =>
        {
            _heard = o;
            var oracle = new DefinitionOracle(Counted) { Released = ReleaseOrder.Enqueue };
            MadeHere.Enqueue(oracle);
            return oracle;
        });
        OracleRegistry.Register(FailsToRelease, "a test's fake", _ => new DefinitionOracle(FailsToRelease)
        {
            Released = _ => throw new InvalidOperationException("the native session would not close"),
        });
        OracleRegistry.Register(Unavailable, "a test's fake", _ => throw new OracleUnavailableException("scope-test-unavailable: not here"));
    }

    [Test]
    public void EveryOracleMadeIsReleasedOnceTheLastMadeFirst()
    {
        var scope = new OracleScope();
        var first = scope.Create(Counted);
        var engine = scope.Create("naive");
        var second = scope.Create(Counted);
        Assert.That(scope.Made, Is.EqualTo(new[] { first, engine, second }));
        Assert.That(((DefinitionOracle)first).Disposed, Is.Zero, "nothing is released while the run goes on");
        int released = ReleaseOrder.Count;
        scope.Dispose();
        scope.Dispose();
        Assert.That(ReleaseOrder.Skip(released), Is.EqualTo(new[] { second, first }), "each once, the last made first; the engine is not disposable");
        Assert.That(engine, Is.TypeOf<EngineOracle>());
    }

    [Test]
    public void AListIsMadeInItsOrderWithTheOptionsGiven()
    {
        using var scope = new OracleScope();
        var options = new OracleOptions(TorchLayout.ChannelsLast);
        var made = scope.CreateAll($" naive, {Counted} ", options);
        Assert.That(made.Select(o => o.Name), Is.EqualTo(new[] { "naive", Counted }));
        Assert.That(scope.Made, Is.EqualTo(made));
        Assert.That(_heard, Is.EqualTo(options));
        scope.Create(Counted);
        Assert.That(_heard, Is.EqualTo(new OracleOptions()), "no options: the defaults");
    }

    [Test]
    public void AListWithAnUnknownNameMakesNone()
    {
        using var scope = new OracleScope();
        int before = MadeHere.Count;
        var e = Assert.Catch<ArgumentException>(() => scope.CreateAll($"{Counted},oracle-of-delphi"))!;
        Assert.That(e.Message, Does.StartWith("oracle: unknown oracle 'oracle-of-delphi' (known: "));
        Assert.That(MadeHere, Has.Count.EqualTo(before));
        Assert.That(scope.Made, Is.Empty);
    }

    [Test]
    public void WhenOneOfAListCannotRunThoseMadeBeforeItAreReleasedWithTheScope()
    {
        var scope = new OracleScope();
        int before = MadeHere.Count;
        var e = Assert.Throws<OracleUnavailableException>(() => scope.CreateAll($"{Counted},{Unavailable}"))!;
        Assert.That(e.Message, Is.EqualTo("scope-test-unavailable: not here"));
        var first = MadeHere.Skip(before).Single();
        Assert.That(scope.Made, Is.EqualTo(new[] { first }));
        scope.Dispose();
        Assert.That(first.Disposed, Is.EqualTo(1));
    }

    [Test]
    public void AFailedReleaseKeepsNoOtherFromBeingReleasedAndEveryFailureIsReported()
    {
        var scope = new OracleScope();
        var before = (DefinitionOracle)scope.Create(Counted);
        var failing = (DefinitionOracle)scope.Create(FailsToRelease);
        var after = (DefinitionOracle)scope.Create(Counted);
        var failingToo = (DefinitionOracle)scope.Create(FailsToRelease);
        var e = Assert.Throws<AggregateException>(scope.Dispose)!;
        Assert.That(e.Message, Does.StartWith("oracle: releasing the oracles made for the run failed"));
        Assert.That(e.InnerExceptions.Select(i => i.Message), Is.EqualTo(new[] { "the native session would not close", "the native session would not close" }));
        Assert.That(new[] { before.Disposed, failing.Disposed, after.Disposed, failingToo.Disposed }, Is.EqualTo(new[] { 1, 1, 1, 1 }));
        Assert.That(scope.Dispose, Throws.Nothing, "a second end releases nothing again, so it has nothing to report");
    }

    [Test]
    public void AnEndedScopeMakesNoMoreOracles()
    {
        var scope = new OracleScope();
        scope.Dispose();
        int before = MadeHere.Count;
        Assert.That(() => scope.Create(Counted), Throws.TypeOf<ObjectDisposedException>());
        Assert.That(() => scope.CreateAll(Counted), Throws.TypeOf<ObjectDisposedException>());
        Assert.That(MadeHere, Has.Count.EqualTo(before));
        Assert.That(scope.Made, Is.Empty);
    }
}
