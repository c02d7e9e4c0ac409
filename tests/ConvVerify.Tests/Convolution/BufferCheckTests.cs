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

    [TestCaseSource(nameof(Calls))]
    public void ABufferOneElementTooLongIsRefusedByName(string argument, Action call)
    {
        var e = Assert.Throws<ArgumentException>(() => call());
        Assert.That(e!.ParamName, Is.EqualTo(argument));
        Assert.That(e.Message, Does.StartWith($"{argument}: has "));
    }
}
