using System.Numerics;
using System.Runtime.InteropServices;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Problems;
using ConvVerify.Runs;
using ConvVerify.Tests.Fixtures;
using ConvVerify.Tests.Implementations;

namespace ConvVerify.Tests.Runs;

/// <summary>
/// A .NET implementation that misbehaves in one direction: it throws an exception of any type, writes into an input it
/// was handed read-only, or adds into its output instead of writing it. That direction fails, saying why, and the
/// others are still compared, on the inputs the case holds.
/// </summary>
public class MisbehavingImplementationTests
{
    private static readonly string Pack = "question";

    private static string CaseOf(string fill, string dtype = "f32") =>
        CommittedPacks.Open(Pack).CaseIds.First(i => i.Contains($"question___{dtype}_{fill}", StringComparison.Ordinal));

    /// <summary>
    /// The matrix view's results, with one misdeed in direction <paramref name="at"/>; with <paramref name="spoilsFirst"/>,
    /// it writes into <paramref name="spoiled"/> before it throws <paramref name="thrown"/>.
    /// </summary>
    private sealed class Misbehaving(Direction at, Exception? thrown = null, string? spoiled = null, bool accumulates = false, bool offTheDType = false,
        bool spoilsFirst = false) : IConvImplementation
    {
        private readonly MatrixViewImplementation _right = new();

        public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (spoilsFirst)
            {
                Spoil(Direction.Forward, "x", x);
                Spoil(Direction.Forward, "w", w);
                Spoil(Direction.Forward, "b", b);
            }
            Throw(Direction.Forward);
            var into = Into(Direction.Forward, y);
            _right.Forward(p, x, w, b, into);
            Add(into, y);
            // One float32 step off a bfloat16 value: no longer one, as an implementation that forgot to round hands back.
            if (at == Direction.Forward && offTheDType) y[0] = T.CreateChecked(MathF.BitIncrement(float.CreateChecked(y[0])));
            Spoil(Direction.Forward, "x", x);
            Spoil(Direction.Forward, "w", w);
            Spoil(Direction.Forward, "b", b);
        }

        public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (spoilsFirst)
            {
                Spoil(Direction.BackwardData, "dy", dy);
                Spoil(Direction.BackwardData, "w", w);
            }
            Throw(Direction.BackwardData);
            var into = Into(Direction.BackwardData, dx);
            _right.BackwardData(p, dy, w, into);
            Add(into, dx);
            Spoil(Direction.BackwardData, "dy", dy);
            Spoil(Direction.BackwardData, "w", w);
        }

        public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (spoilsFirst)
            {
                Spoil(Direction.BackwardWeights, "x", x);
                Spoil(Direction.BackwardWeights, "dy", dy);
            }
            Throw(Direction.BackwardWeights);
            var into = Into(Direction.BackwardWeights, dw);
            _right.BackwardWeights(p, x, dy, into);
            Add(into, dw);
            Spoil(Direction.BackwardWeights, "x", x);
            Spoil(Direction.BackwardWeights, "dy", dy);
        }

        public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (spoilsFirst) Spoil(Direction.BackwardBias, "dy", dy);
            Throw(Direction.BackwardBias);
            var into = Into(Direction.BackwardBias, db);
            _right.BackwardBias(p, dy, into);
            Add(into, db);
            Spoil(Direction.BackwardBias, "dy", dy);
        }

        private void Throw(Direction d)
        {
            if (d == at && thrown is not null) throw thrown;
        }

        // The accumulating direction computes aside and adds into the output, as an implementation that takes its output
        // for zeroed would: right only when it is.
        private Span<T> Into<T>(Direction d, Span<T> output) => d == at && accumulates ? new T[output.Length] : output;

        private static void Add<T>(Span<T> computed, Span<T> output) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (computed == output) return;
            for (int i = 0; i < output.Length; i++) output[i] += computed[i];
        }

        // What a native call handed the wrong pointer does: writes through a read-only span.
        private void Spoil<T>(Direction d, string name, ReadOnlySpan<T> input) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (d == at && name == spoiled) MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(input), input.Length)[1] = T.CreateChecked(1e30);
        }
    }

    private static Dictionary<string, (Outcome Outcome, string Reason)> Rows(IConvImplementation impl, string fill, string dtype = "f32") =>
        Check.Implementation(impl, CommittedPacks.Open(Pack), CaseOf(fill, dtype)).ToDictionary(r => r.Direction, r => (r.Outcome, r.Reason));

    private static void OnlyFails(Dictionary<string, (Outcome Outcome, string Reason)> rows, Direction failing)
    {
        Assert.That(rows.Keys, Is.EqualTo(new[] { "y", "dx", "dw", "db" }), "every direction is a row of its own: the case is not abandoned");
        foreach (var d in Directions.All)
            Assert.That(rows[d.TensorName()].Outcome, Is.EqualTo(d == failing ? Outcome.Fail : Outcome.Pass), $"{d.TensorName()}: {rows[d.TensorName()].Reason}");
    }

    private static IEnumerable<TestCaseData> Thrown()
    {
        yield return new TestCaseData(new NullReferenceException("no workspace"), "NullReferenceException: no workspace").SetArgDisplayNames("NullReference");
        yield return new TestCaseData(new NotImplementedException("dx comes later"), "NotImplementedException: dx comes later").SetArgDisplayNames("NotImplemented");
        yield return new TestCaseData(new KeyNotFoundException("no kernel for 3x3"), "KeyNotFoundException: no kernel for 3x3").SetArgDisplayNames("KeyNotFound");
        yield return new TestCaseData(new IOException("cache file"), "IOException: cache file").SetArgDisplayNames("IO");
        yield return new TestCaseData(new InvalidCastException("half"), "InvalidCastException: half").SetArgDisplayNames("InvalidCast");
        yield return new TestCaseData(new AggregateException(new InvalidOperationException("worker 3")),
            "AggregateException: One or more errors occurred. (worker 3) <- InvalidOperationException: worker 3").SetArgDisplayNames("Aggregate");
        // The type initializer's own message says nothing: the library that could not load is its inner exception.
        yield return new TestCaseData(new TypeInitializationException("Native", new DllNotFoundException("libconv.so")),
            "TypeInitializationException: The type initializer for 'Native' threw an exception. <- DllNotFoundException: libconv.so").SetArgDisplayNames("TypeInitialization");
        // The probe: a Message that throws was read by the harness, which made the whole case one error row, "*: ERROR:
        // message getter broke", naming neither the direction nor the implementation, and y, dw and db went unreported.
        yield return new TestCaseData(new MessageThrows(), "MessageThrows: no message: reading its Message threw InvalidOperationException").SetArgDisplayNames("MessageThrows");
        yield return new TestCaseData(new InvalidOperationException("outer", new MessageThrows()),
            "InvalidOperationException: outer <- MessageThrows: no message: reading its Message threw InvalidOperationException").SetArgDisplayNames("InnerMessageThrows");
        // Exceptions that mean something to whoever catches them are the implementation's answer all the same: a
        // cancellation is not the run's, and NUnit's own result exceptions neither pass nor ignore the test.
        yield return new TestCaseData(new OperationCanceledException("cancelled"), "OperationCanceledException: cancelled").SetArgDisplayNames("OperationCanceled");
        yield return new TestCaseData(new ThreadInterruptedException("its own"), "ThreadInterruptedException: its own").SetArgDisplayNames("ThreadInterrupted");
        yield return new TestCaseData(new SuccessException("done"), "SuccessException: done").SetArgDisplayNames("NUnitSuccess");
        yield return new TestCaseData(new IgnoreException("later"), "IgnoreException: later").SetArgDisplayNames("NUnitIgnore");
    }

    // An implementation's exception whose Message throws, as a lazily formatted native error might.
    private sealed class MessageThrows : Exception
    {
        public override string Message => throw new InvalidOperationException("message getter broke");
    }

    // Not supported, with a Message that throws.
    private sealed class NotSupportedMessageThrows : NotSupportedException
    {
        public override string Message => throw new InvalidOperationException("message getter broke");
    }

    [Test]
    public void ANotSupportedExceptionWhoseMessageThrowsIsStillNotProvided()
    {
        var rows = Rows(new Misbehaving(Direction.BackwardData, new NotSupportedMessageThrows()), "integer");
        Assert.That(rows["dx"], Is.EqualTo((Outcome.NotProvided, "dx: not provided (no message: reading its Message threw InvalidOperationException)")));
        Assert.That(rows["y"].Outcome, Is.EqualTo(Outcome.Pass), "the other directions are compared");
    }

    [TestCaseSource(nameof(Thrown))]
    public void AnyExceptionFailsItsDirectionNamingItsTypeAndTheOthersAreStillCompared(Exception thrown, string described)
    {
        // The probe: a NullReferenceException from dx became one error row "*: no workspace" for the whole case (exit 2,
        // unusable input), naming neither the direction nor the implementation, and y, dw and db were never reported.
        var rows = Rows(new Misbehaving(Direction.BackwardData, thrown), "integer");
        OnlyFails(rows, Direction.BackwardData);
        Assert.That(rows["dx"].Reason, Is.EqualTo("dx: the implementation threw " + described));
    }

    [TestCase(Direction.Forward, "x")]
    [TestCase(Direction.Forward, "w")]
    [TestCase(Direction.Forward, "b")]
    [TestCase(Direction.BackwardData, "dy")]
    [TestCase(Direction.BackwardData, "w")]
    [TestCase(Direction.BackwardWeights, "x")]
    [TestCase(Direction.BackwardWeights, "dy")]
    [TestCase(Direction.BackwardBias, "dy")]
    public void WritingIntoAnInputFailsThatDirectionAndNoOtherSeesIt(Direction at, string input)
    {
        // The probe: forward's 1e30 written into x after computing y made y's bound 1e30 times too wide (a y off by 0.5
        // passed), and dw, computed from that x, failed for forward's misdeed.
        var rows = Rows(new Misbehaving(at, spoiled: input), "normal");
        OnlyFails(rows, at);
        string reason = rows[at.TensorName()].Reason;
        Assert.That(reason, Does.StartWith($"{at.TensorName()}: the implementation wrote into its input {input} (element 1: "));
        Assert.That(reason, Does.EndWith(" became 1E+30); the inputs are read-only"));
    }

    [TestCase(Direction.Forward, "x", false)]
    [TestCase(Direction.Forward, "x", true)]
    [TestCase(Direction.Forward, "b", false)]
    [TestCase(Direction.BackwardData, "dy", true)]
    [TestCase(Direction.BackwardWeights, "x", false)]
    [TestCase(Direction.BackwardBias, "dy", true)]
    public void WritingIntoAnInputAndThenThrowingFailsThatDirectionNamingTheInputAndWhatWasThrown(Direction at, string input, bool notSupported)
    {
        // The probe: a forward that wrote 1e30 into x and then threw NotSupportedException was "not provided", and one that
        // threw anything else failed for the exception alone: the write was never said, and every case passed in the fixture.
        Exception thrown = notSupported ? new NotSupportedException("not this one") : new InvalidOperationException("gave up");
        var rows = Rows(new Misbehaving(at, thrown, spoiled: input, spoilsFirst: true), "normal");
        OnlyFails(rows, at);
        string reason = rows[at.TensorName()].Reason;
        Assert.That(reason, Does.StartWith($"{at.TensorName()}: the implementation wrote into its input {input} (element 1: "));
        Assert.That(reason, Does.EndWith(" became 1E+30); the inputs are read-only; the call then threw "
            + (notSupported ? "NotSupportedException: not this one" : "InvalidOperationException: gave up")));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void ThrowingWithoutWritingIsSaidAsBefore(bool notSupported)
    {
        // The other side of the check above: a copy compared after a call that threw is not a write unless it changed.
        Exception thrown = notSupported ? new NotSupportedException("not this one") : new InvalidOperationException("gave up");
        var rows = Rows(new Misbehaving(Direction.Forward, thrown, spoiled: "x", spoilsFirst: false), "normal");
        Assert.That(rows["y"], Is.EqualTo(notSupported
            ? (Outcome.NotProvided, "y: not provided (not this one)")
            : (Outcome.Fail, "y: the implementation threw InvalidOperationException: gave up")));
    }

    [Test]
    public void AWriteIntoAnInputIsSaidBeforeAResultOffItsDType()
    {
        // Both at once: the write is the graver misdeed (the other directions' inputs were at stake), and said first.
        var rows = Rows(new Misbehaving(Direction.Forward, spoiled: "x", offTheDType: true), "integer", "bf16");
        OnlyFails(rows, Direction.Forward);
        Assert.That(rows["y"].Reason, Does.StartWith("y: the implementation wrote into its input x (element 1: "));
        var offAlone = Rows(new Misbehaving(Direction.Forward, offTheDType: true), "integer", "bf16");
        OnlyFails(offAlone, Direction.Forward);
        Assert.That(offAlone["y"].Reason, Does.Not.Contain("wrote into"));
    }

    [TestCase(Direction.Forward)]
    [TestCase(Direction.BackwardData)]
    [TestCase(Direction.BackwardWeights)]
    [TestCase(Direction.BackwardBias)]
    public void AddingIntoTheOutputInsteadOfWritingItFails(Direction at)
    {
        // The probe: each direction's output came zeroed, so an implementation that adds into it (wrong on any buffer it
        // did not clear itself) passed every case.
        OnlyFails(Rows(new Misbehaving(at, accumulates: true), "integer"), at);
    }
}
