using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Convolution;

/// <summary>Every buffer of every direction is checked against the problem, too short and too long alike.</summary>
public class BufferCheckTests
{
    private static readonly ConvProblem P = new(2, 1, 3, 4, [5, 5], [3, 3]);

    private static IEnumerable<TestCaseData> Calls()
    {
        // (direction, argument, call with that argument one element too long)
        float[] X(int extra = 0) => new float[P.XSize + extra];
        float[] W(int extra = 0) => new float[P.WSize + extra];
        float[] B(int extra = 0) => new float[P.BSize + extra];
        float[] Y(int extra = 0) => new float[P.YSize + extra];
        yield return new TestCaseData("x", (Action)(() => NaiveConv.Forward<float>(P, X(1), W(), B(), Y()))).SetArgDisplayNames("Forward", "x");
        yield return new TestCaseData("w", (Action)(() => NaiveConv.Forward<float>(P, X(), W(1), B(), Y()))).SetArgDisplayNames("Forward", "w");
        yield return new TestCaseData("b", (Action)(() => NaiveConv.Forward<float>(P, X(), W(), B(1), Y()))).SetArgDisplayNames("Forward", "b");
        yield return new TestCaseData("y", (Action)(() => NaiveConv.Forward<float>(P, X(), W(), B(), Y(1)))).SetArgDisplayNames("Forward", "y");
        yield return new TestCaseData("dy", (Action)(() => NaiveConv.BackwardData<float>(P, Y(1), W(), X()))).SetArgDisplayNames("BackwardData", "dy");
        yield return new TestCaseData("w", (Action)(() => NaiveConv.BackwardData<float>(P, Y(), W(1), X()))).SetArgDisplayNames("BackwardData", "w");
        yield return new TestCaseData("dx", (Action)(() => NaiveConv.BackwardData<float>(P, Y(), W(), X(1)))).SetArgDisplayNames("BackwardData", "dx");
        yield return new TestCaseData("x", (Action)(() => NaiveConv.BackwardWeights<float>(P, X(1), Y(), W()))).SetArgDisplayNames("BackwardWeights", "x");
        yield return new TestCaseData("dy", (Action)(() => NaiveConv.BackwardWeights<float>(P, X(), Y(1), W()))).SetArgDisplayNames("BackwardWeights", "dy");
        yield return new TestCaseData("dw", (Action)(() => NaiveConv.BackwardWeights<float>(P, X(), Y(), W(1)))).SetArgDisplayNames("BackwardWeights", "dw");
        yield return new TestCaseData("dy", (Action)(() => NaiveConv.BackwardBias<float>(P, Y(1), B()))).SetArgDisplayNames("BackwardBias", "dy");
        yield return new TestCaseData("db", (Action)(() => NaiveConv.BackwardBias<float>(P, Y(), B(1)))).SetArgDisplayNames("BackwardBias", "db");
    }

    private static IEnumerable<TestCaseData> Overlaps()
    {
        // Each output placed in one array with one input, the rest apart; the shared array holds both end to end,
        // overlapping by one element.
        float[] X() => new float[P.XSize];
        float[] W() => new float[P.WSize];
        float[] B() => new float[P.BSize];
        float[] Y() => new float[P.YSize];
        foreach (bool exact in new[] { false, true })
        {
            string engine = exact ? "ExactConv" : "NaiveConv";
            TestCaseData Case(string output, string input, int outLength, int inLength, Action<float[], Range, Range> call) =>
                new TestCaseData(output, input, (Action)(() =>
                {
                    var shared = new float[outLength + inLength - 1];
                    call(shared, new Range(inLength - 1, inLength - 1 + outLength), new Range(0, inLength));
                })).SetArgDisplayNames(engine, output, input);
            yield return Case("y", "x", P.YSize, P.XSize, (a, o, i) => Forward(exact, a.AsSpan(i), W(), B(), a.AsSpan(o)));
            yield return Case("y", "w", P.YSize, P.WSize, (a, o, i) => Forward(exact, X(), a.AsSpan(i), B(), a.AsSpan(o)));
            yield return Case("y", "b", P.YSize, P.BSize, (a, o, i) => Forward(exact, X(), W(), a.AsSpan(i), a.AsSpan(o)));
            yield return Case("dx", "dy", P.XSize, P.YSize, (a, o, i) => Data(exact, a.AsSpan(i), W(), a.AsSpan(o)));
            yield return Case("dx", "w", P.XSize, P.WSize, (a, o, i) => Data(exact, Y(), a.AsSpan(i), a.AsSpan(o)));
            yield return Case("dw", "x", P.WSize, P.XSize, (a, o, i) => Weights(exact, a.AsSpan(i), Y(), a.AsSpan(o)));
            yield return Case("dw", "dy", P.WSize, P.YSize, (a, o, i) => Weights(exact, X(), a.AsSpan(i), a.AsSpan(o)));
            yield return Case("db", "dy", P.BSize, P.YSize, (a, o, i) => Bias(exact, a.AsSpan(i), a.AsSpan(o)));
        }
    }

    private static void Forward(bool exact, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y)
    {
        if (exact) ExactConv.Forward(P, x, w, b, y);
        else NaiveConv.Forward(P, x, w, b, y);
    }

    private static void Data(bool exact, ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx)
    {
        if (exact) ExactConv.BackwardData(P, dy, w, dx);
        else NaiveConv.BackwardData(P, dy, w, dx);
    }

    private static void Weights(bool exact, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw)
    {
        if (exact) ExactConv.BackwardWeights(P, x, dy, dw);
        else NaiveConv.BackwardWeights(P, x, dy, dw);
    }

    private static void Bias(bool exact, ReadOnlySpan<float> dy, Span<float> db)
    {
        if (exact) ExactConv.BackwardBias(P, dy, db);
        else NaiveConv.BackwardBias(P, dy, db);
    }

    /// <summary>
    /// An output sharing memory with an input is read after it is written, in an order each engine has its own of: the
    /// engines then gave different results (found by a probe), so both refuse it, naming the two tensors.
    /// </summary>
    [TestCaseSource(nameof(Overlaps))]
    public void AnOutputOverlappingAnInputIsRefusedByName(string output, string input, Action call)
    {
        var e = Assert.Throws<ArgumentException>(() => call());
        Assert.That(e!.ParamName, Is.EqualTo(output));
        Assert.That(e.Message, Does.StartWith($"{output}: shares memory with {input};"));
    }

    [Test]
    public void OutputsNextToTheirInputsInOneArrayAreFine()
    {
        // Adjacent but not overlapping: slices of one array, as a caller with one buffer for everything passes them.
        var all = new float[P.XSize + P.WSize + P.BSize + P.YSize];
        var x = all.AsSpan(0, P.XSize);
        var w = all.AsSpan(P.XSize, P.WSize);
        var b = all.AsSpan(P.XSize + P.WSize, P.BSize);
        var y = all.AsSpan(P.XSize + P.WSize + P.BSize);
        x.Fill(1);
        w.Fill(2);
        b.Fill(3);
        NaiveConv.Forward<float>(P, x, w, b, y);
        Assert.That(y[0], Is.EqualTo(3 * 9 * 2 + 3f), "every 3x3x3 window of ones, weights 2, bias 3");
        ExactConv.Forward<float>(P, x, w, b, y);
        Assert.That(y[^1], Is.EqualTo(57f));
    }

    [TestCaseSource(nameof(Calls))]
    public void ABufferOneElementTooLongIsRefusedByName(string argument, Action call)
    {
        var e = Assert.Throws<ArgumentException>(() => call());
        Assert.That(e!.ParamName, Is.EqualTo(argument));
        Assert.That(e.Message, Does.StartWith($"{argument}: has "));
    }
}
