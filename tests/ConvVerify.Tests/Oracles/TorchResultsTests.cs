using ConvVerify.Cases;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using Python.Runtime;

namespace ConvVerify.Tests.Oracles;

/// <summary>
/// What <c>compute</c> hands back is checked piece by piece before a byte is copied: the tuple, each tensor under its
/// own name, and db's absence without bias. Hand-made Python values stand in for a broken torch.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class TorchResultsTests
{
    private static float[] Count(int n, int from) => [.. Enumerable.Range(from, n).Select(i => (float)i)];

    // y, dx, dw, db of a 1-D problem, each tensor holding its own run of integers so a mix-up shows in the values.
    private static PyObject[] Tensors(TorchOracle torch, ConvProblem p) =>
    [
        torch.TensorIn<float>(Count(p.YSize, 100), p.YShape),
        torch.TensorIn<float>(Count(p.XSize, 200), p.XShape),
        torch.TensorIn<float>(Count(p.WSize, 300), p.WShape),
        torch.TensorIn<float>(Count(p.BSize, 400), p.BShape),
    ];

    private static void Dispose(IEnumerable<PyObject> objects)
    {
        foreach (var o in objects) o.Dispose();
    }

    private static string Where(ConvProblem p) => $": {BenchdnnDescriptor.Format(p)} (float32, {(p.HasBias ? "bias" : "no bias")})";

    [Test]
    public void EachTensorLandsInItsOwnResult()
    {
        var torch = LiveTorch.Require();
        var p = BenchdnnDescriptor.Parse("mb1ic2iw4oc3kw3");
        using (Py.GIL())
        {
            var t = Tensors(torch, p);
            try
            {
                using var tuple = new PyTuple(t);
                var r = TorchOracle.Results<float>(tuple, p);
                Assert.That(r.Y, Is.EqualTo(Count(6, 100)));
                Assert.That(r.Dx, Is.EqualTo(Count(8, 200)));
                Assert.That(r.Dw, Is.EqualTo(Count(18, 300)));
                Assert.That(r.Db, Is.EqualTo(Count(3, 400)));
            }
            finally
            {
                Dispose(t);
            }
        }
    }

    [Test]
    public void AnythingButATupleOfFourIsRefusedWithWhatCameBack()
    {
        var torch = LiveTorch.Require();
        var p = BenchdnnDescriptor.Parse("mb1ic2iw4oc3kw3");
        using (Py.GIL())
        {
            var t = Tensors(torch, p);
            using var list = new PyList(t);
            using var three = new PyTuple(t[..3]);
            using var five = new PyTuple([.. t, t[3]]);
            foreach (var (value, shows) in new[] { (list, "[tensor("), ((PyObject)three, "(tensor("), (five, "(tensor(") })
            {
                var e = Assert.Throws<TorchOracleException>(() => TorchOracle.Results<float>(value, p))!;
                Assert.That(e.Message, Does.StartWith("convverify_torch.compute returned " + shows));
                Assert.That(e.Message, Does.EndWith($" instead of (y, dx, dw, db) for {BenchdnnDescriptor.Format(p)} (float32, bias)"));
            }
            Dispose(t);
        }
    }

    [TestCase(0, 1, "y: expected shape (1, 3, 2), torch returned (1, 2, 4)")]
    [TestCase(1, 2, "dx: expected shape (1, 2, 4), torch returned (3, 2, 3)")]
    [TestCase(2, 0, "dw: expected shape (3, 2, 3), torch returned (1, 3, 2)")]
    [TestCase(3, 0, "db: expected shape (3,), torch returned (1, 3, 2)")]
    [TestCase(0, 3, "y: expected shape (1, 3, 2), torch returned (3,)")] // both sides written alike, as Python writes a 1-tuple
    public void ATensorInAnotherPlaceIsNamedByItsPlace(int place, int from, string message)
    {
        var torch = LiveTorch.Require();
        var p = BenchdnnDescriptor.Parse("mb1ic2iw4oc3kw3");
        using (Py.GIL())
        {
            var t = Tensors(torch, p);
            var swapped = (PyObject[])t.Clone();
            swapped[place] = t[from];
            using var tuple = new PyTuple(swapped);
            Assert.That(() => TorchOracle.Results<float>(tuple, p),
                Throws.TypeOf<TorchOracleException>().With.Message.EqualTo(message + Where(p)));
            Dispose(t);
        }
    }

    [Test]
    public void DbIsATensorWithBiasAndNoneWithout()
    {
        var torch = LiveTorch.Require();
        var biased = BenchdnnDescriptor.Parse("mb1ic2iw4oc3kw3");
        var plain = BenchdnnDescriptor.Parse("mb1ic2iw4oc3kw3", hasBias: false);
        using (Py.GIL())
        {
            var t = Tensors(torch, biased);
            using var noDb = new PyTuple([t[0], t[1], t[2], PyObject.None]);
            Assert.That(() => TorchOracle.Results<float>(noDb, biased),
                Throws.TypeOf<TorchOracleException>().With.Message.EqualTo("db: expected a tensor of shape (3,), got None" + Where(biased)));
            Assert.That(TorchOracle.Results<float>(noDb, plain).Db, Is.Empty);
            using var withDb = new PyTuple(t);
            var e = Assert.Throws<TorchOracleException>(() => TorchOracle.Results<float>(withDb, plain))!;
            Assert.That(e.Message, Does.StartWith("db: expected None for a problem without bias, got tensor([400., 401., 402.]"));
            Assert.That(e.Message, Does.EndWith(Where(plain)));
            Dispose(t);
        }
    }

    [Test]
    public void NullArgumentsAreRefusedByNameBeforePython()
    {
        var torch = LiveTorch.Require();
        var p = BenchdnnDescriptor.Parse("mb1ic2iw4oc3kw3");
        var inputs = ConvCase.Create(p, Fill.Integer).MakeInputs<float>();
        Assert.That(() => torch.Compute(null!, inputs), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("p"));
        Assert.That(() => torch.Compute<float>(p, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("inputs"));
    }

    [TestCase("x")]
    [TestCase("w")]
    [TestCase("b")]
    [TestCase("dy")]
    public void AnInputOfTheWrongSizeIsNamed(string tensor)
    {
        var torch = LiveTorch.Require();
        var p = BenchdnnDescriptor.Parse("mb1ic2iw4oc3kw3");
        var good = ConvCase.Create(p, Fill.Integer).MakeInputs<float>();
        var (bad, expected) = tensor switch
        {
            "x" => (good with { X = good.X[1..] }, 8),
            "w" => (good with { W = good.W[1..] }, 18),
            "b" => (good with { B = good.B[1..] }, 3),
            _ => (good with { Dy = good.Dy[1..] }, 6),
        };
        Assert.That(() => torch.Compute(p, bad), Throws.ArgumentException
            .With.Message.EqualTo($"inputs.{tensor}: expected {expected} elements, got {expected - 1}{Where(p)} (Parameter 'inputs')")
            .And.Property("ParamName").EqualTo("inputs"));
    }

    [Test]
    public void AsAnOracleItNamesItsVersionsAndLayoutAndHandsBackTheDirectionsAskedFor()
    {
        var torch = LiveTorch.Require();
        Assert.That(torch.Versions, Is.EqualTo(new Dictionary<string, string> { ["torch"] = torch.TorchVersion, ["numpy"] = torch.NumpyVersion, ["blas"] = torch.Blas, ["cpu"] = torch.CpuKernels }));
        Assert.That(torch.In(TorchLayout.Contiguous).Name, Is.EqualTo("torch"));
        Assert.That(torch.In(TorchLayout.ChannelsLast).Name, Is.EqualTo("torch-channels-last"));
        var p = BenchdnnDescriptor.Parse("mb1ic2iw4oc3kw3", hasBias: false);
        var inputs = ConvCase.Create(p, Fill.Integer).MakeInputs<float>();
        IConvOracle oracle = torch;
        var got = oracle.Compute(p, inputs, [Direction.BackwardWeights, Direction.Forward]);
        Assert.That(got.Keys, Is.EquivalentTo(new[] { Direction.BackwardWeights, Direction.Forward }));
        var naive = ConvVerify.Tests.Runs.Check.Naive(p, inputs);
        Assert.That(got[Direction.BackwardWeights], Is.EqualTo(naive.Dw));
        Assert.That(got[Direction.Forward], Is.EqualTo(naive.Y));
        Assert.That(oracle.Provides(p, Direction.BackwardBias, out string? why), Is.False);
        Assert.That(() => oracle.Compute(p, inputs, [Direction.BackwardBias]), Throws.ArgumentException
            .With.Message.EqualTo($"directions: torch does not provide db: {why} (Parameter 'directions')"));
        Assert.That(() => oracle.Compute(p, inputs, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("directions"));
    }

    [Test]
    public void NarrowDTypesAreProvidedAsTorchSays()
    {
        var torch = LiveTorch.Require();
        // torch 1.13 on CPU: convolutions in bfloat16, none in float16 ("slow_conv2d_cpu" not implemented for 'Half').
        // Its bfloat16 sums are float32 where oneDNN has bfloat16 kernels (AVX-512, measured bitwise on integer data)
        // and bfloat16 elsewhere (an AVX2 machine, 2026-11-29: the 7x7 stem's y is -332 where the exact sum is -328):
        // only the former is a reference for the one-rounding rule.
        var bf16 = BenchdnnDescriptor.Parse("mb1ic2ih4oc3kh3", DType.BFloat16);
        bool float32Sums = torch.CpuKernels.Contains("oneDNN avx512", StringComparison.Ordinal);
        Assert.That(torch.Provides(bf16, Direction.Forward, out string? bfWhy), Is.EqualTo(float32Sums), bfWhy);
        if (!float32Sums)
        {
            Assert.That(bfWhy, Does.StartWith($"torch {torch.TorchVersion} sums CPU conv2d in bfloat16 without a float32 accumulator on this CPU ({torch.CpuKernels}): on integer data, "));
            Assert.That(bfWhy, Does.Match(@"\d+ of 4096 elements of (y|dx|dw|db) are not their exact sum rounded once, e\.g\. \w+\[\d+, \d+, \d+, \d+\] = -?\d+, exact -?\d+$"));
        }
        var f16 = BenchdnnDescriptor.Parse("mb1ic2ih4oc3kh3", DType.Float16);
        // Whether float16 runs is torch's to say (later versions have CPU kernels); a refusal names the version and quotes torch.
        if (!torch.Provides(f16, Direction.Forward, out string? why))
            Assert.That(why, Does.StartWith($"torch {torch.TorchVersion} has no CPU conv2d in float16: ").And.Contain("Half"));
        else Assert.That(torch.TorchVersion, Does.Not.StartWith("1.13"), "torch 1.13 has no float16 convolution on CPU");
    }

    [Test]
    public void ATensorOffTheCpuIsRefused()
    {
        // data_ptr() of a tensor elsewhere is no address of ours; torch's "meta" device stands in for a GPU here.
        LiveTorch.Require();
        using (Py.GIL())
        {
            using var t = LiveTorch.Evaluate("import torch\nt = torch.empty((2, 3), device='meta')", "t");
            Assert.That(() => TorchOracle.TensorOut<float>(t, "dw", [2, 3], new float[6]), Throws.InstanceOf<TorchOracleException>()
                .With.Message.EqualTo("dw: expected a CPU tensor, torch returned one on meta"));
        }
    }

    [Test]
    public void TensorsOfAnotherSizeThanTheirShapeAreRefused()
    {
        var torch = LiveTorch.Require();
        using (Py.GIL())
        {
            Assert.That(() => torch.TensorIn<float>(new float[5], [2, 3]), Throws.ArgumentException
                .With.Message.EqualTo("data: 5 elements for shape (2, 3) of 6 (Parameter 'data')"));
            using var t = torch.TensorIn<float>(new float[6], [2, 3]);
            Assert.That(() => TorchOracle.TensorOut<float>(t, "y", [2, 3], new float[5]), Throws.ArgumentException
                .With.Message.EqualTo("destination: 5 elements for y of 6 (Parameter 'destination')"));
            using var empty = torch.TensorIn<float>([], [0, 3]);
            var none = Array.Empty<float>();
            Assert.That(() => TorchOracle.TensorOut<float>(empty, "dx", [0, 3], none), Throws.Nothing);
        }
    }
}
