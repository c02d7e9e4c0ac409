using System.Numerics;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Convolution;

/// <summary>
/// The element type must hold the problem's dtype (float for float32, bfloat16 and float16, double for float64). A probe
/// found the engines apart: the definition computed a float32 problem in Half, both computed a float64 problem in
/// float32 (and a float32 one in float64), the exact engine refused Half with a message of its own, and refused a
/// bfloat16 problem in double only after writing the whole output.
/// </summary>
public class ElementTypeCheckTests
{
    private static readonly string[] Methods = ["Forward", "BackwardData", "BackwardWeights", "BackwardBias"];

    // (T, the problem's dtype) pairs where T does not hold the dtype.
    private static readonly (Type T, DType DType)[] Mismatches =
    [
        (typeof(Half), DType.Float32),
        (typeof(float), DType.Float64),
        (typeof(double), DType.Float32),
        (typeof(double), DType.BFloat16),
        (typeof(double), DType.Float16),
    ];

    private static IConvEngine Engine(string name) => name == "exact" ? new ExactEngine(ExactConvOptions.Default) : NaiveEngine.Instance;

    private static IEnumerable<TestCaseData> Cases() =>
        from engine in new[] { "naive", "exact" }
        from method in Methods
        from m in Mismatches
        select new TestCaseData(engine, method, m.T, m.DType).SetArgDisplayNames(engine, method, m.T.Name, DTypes.ShortName(m.DType));

    private static IEnumerable<TestCaseData> BothEngines() =>
        from method in Methods
        from m in Mismatches
        select new TestCaseData(method, m.T, m.DType).SetArgDisplayNames(method, m.T.Name, DTypes.ShortName(m.DType));

    private static ConvProblem Problem(DType dtype) => BenchdnnDescriptor.Parse("mb2ic3ih5oc4kh3", dtype, hasBias: true);

    // Runs one method with T given as a Type: what it threw, and whether its output still holds the sentinel everywhere.
    private static (Exception? Thrown, bool Untouched) Run(Type t, IConvEngine e, string method, ConvProblem p, int extra = 0) =>
        t == typeof(Half) ? Run<Half>(e, method, p, extra) : t == typeof(float) ? Run<float>(e, method, p, extra) : Run<double>(e, method, p, extra);

    // Inputs of ones make every result a whole number, so an output of -0.5 everywhere after the call was not written.
    // extra lengthens the first input.
    private static (Exception? Thrown, bool Untouched) Run<T>(IConvEngine e, string method, ConvProblem p, int extra) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] Ones(int n) => Enumerable.Repeat(T.One, n).ToArray();
        T sentinel = T.CreateChecked(-0.5);
        int size = method switch { "Forward" => p.YSize, "BackwardData" => p.XSize, "BackwardWeights" => p.WSize, _ => p.OC };
        var output = Enumerable.Repeat(sentinel, size).ToArray();
        try
        {
            switch (method)
            {
                case "Forward": e.Forward<T>(p, Ones(p.XSize + extra), Ones(p.WSize), Ones(p.BSize), output); break;
                case "BackwardData": e.BackwardData<T>(p, Ones(p.YSize + extra), Ones(p.WSize), output); break;
                case "BackwardWeights": e.BackwardWeights<T>(p, Ones(p.XSize + extra), Ones(p.YSize), output); break;
                default: e.BackwardBias<T>(p, Ones(p.YSize + extra), output); break;
            }
        }
        catch (Exception thrown)
        {
            return (thrown, output.All(v => v == sentinel));
        }
        return (null, output.All(v => v == sentinel));
    }

    [TestCaseSource(nameof(Cases))]
    public void AnElementTypeThatDoesNotHoldTheDTypeIsRefusedBeforeAnythingIsWritten(string engine, string method, Type t, DType dtype)
    {
        var (thrown, untouched) = Run(t, Engine(engine), method, Problem(dtype));
        Assert.That(thrown, Is.TypeOf<ArgumentException>(), $"{engine} {method}<{t.Name}> of a {DTypes.NumpyName(dtype)} problem");
        var e = (ArgumentException)thrown!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e.ParamName, Is.EqualTo("T"));
            Assert.That(e.Message, Does.StartWith("T: ").And.Contain(t.Name).And.Contain(DTypes.NumpyName(dtype)));
            Assert.That(untouched, Is.True, "the output was written before the refusal");
        }
    }

    [TestCaseSource(nameof(BothEngines))]
    public void BothEnginesNameAWrongElementTypeBeforeAWrongLength(string method, Type t, DType dtype)
    {
        // Checked in one order by both, so the one fault reported for a call with two is the same whichever engine runs it.
        var p = Problem(dtype);
        var naive = Run(t, NaiveEngine.Instance, method, p, extra: 1).Thrown;
        var exact = Run(t, new ExactEngine(ExactConvOptions.Default), method, p, extra: 1).Thrown;
        Assert.That(naive, Is.TypeOf<ArgumentException>());
        Assert.That(exact, Is.TypeOf<ArgumentException>());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(naive!.Message, Does.StartWith("T: "));
            Assert.That(exact!.Message, Is.EqualTo(naive.Message));
            Assert.That(((ArgumentException)exact).ParamName, Is.EqualTo(((ArgumentException)naive).ParamName));
        }
    }
}
