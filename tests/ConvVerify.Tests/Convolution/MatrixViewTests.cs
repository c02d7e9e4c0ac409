using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Convolution;

public class MatrixViewTests
{
    [Test]
    public void AnswersExampleIsA4x16MatrixWithNineSharedWeights()
    {
        var p = new ConvProblem(1, 1, 1, 1, [4, 4], [3, 3], hasBias: false);
        double[] w = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var m = ConvMatrix<double>.Build(p, w);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((m.Rows, m.Cols), Is.EqualTo((4, 16)));
            Assert.That(m.DistinctNonZero(), Is.EquivalentTo(w));
            Assert.That(m.NonZeroCount, Is.EqualTo(36), "each of the 4 outputs reads 9 inputs");
            // Row 0 is the kernel laid over the top-left 3x3 of the 4x4 image, row-major.
            double[] row0 = [1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0];
            Assert.That(Enumerable.Range(0, 16).Select(c => m[0, c]), Is.EqualTo(row0));
            // Row 3 (output (1,1)) is the same kernel shifted one right and one down.
            double[] row3 = [0, 0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9];
            Assert.That(Enumerable.Range(0, 16).Select(c => m[3, c]), Is.EqualTo(row3));
        }
    }

    private static IEnumerable<ConvProblem> Problems() => RandomProblems.Generate(150, seed: 7);

    [TestCaseSource(nameof(Problems))]
    public void NaiveForwardAndDataGradientEqualTheMatrixProductsExactly(ConvProblem p)
    {
        // Integer inputs make every sum exact, so the two computations must agree to the bit.
        var rng = RandomProblems.Rng(p);
        var x = RandomProblems.Integers<double>(p.XSize, rng);
        var w = RandomProblems.Integers<double>(p.WSize, rng);
        var b = RandomProblems.Integers<double>(p.BSize, rng);
        var dy = RandomProblems.Integers<double>(p.YSize, rng);
        var m = ConvMatrix<double>.Build(p, w);
        var y = new double[p.YSize];
        var dx = new double[p.XSize];
        NaiveConv.Forward<double>(p, x, w, b, y);
        NaiveConv.BackwardData<double>(p, dy, w, dx);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(y, Is.EqualTo(m.Multiply(x, b)), "forward = M·x + b");
            Assert.That(dx, Is.EqualTo(m.MultiplyTransposed(dy)), "dx = Mᵀ·dy");
        }
    }

    [TestCaseSource(nameof(Problems))]
    public void NormalValuesAgreeWithinRounding(ConvProblem p)
    {
        var rng = RandomProblems.Rng(p, 1);
        var x = RandomProblems.Normals(p.XSize, rng).Select(v => (float)v).ToArray();
        var w = RandomProblems.Normals(p.WSize, rng).Select(v => (float)v).ToArray();
        var dy = RandomProblems.Normals(p.YSize, rng).Select(v => (float)v).ToArray();
        var q = p.WithBias(false).WithDType(DType.Float32);
        var m = ConvMatrix<float>.Build(q, w);
        var y = new float[q.YSize];
        var dx = new float[q.XSize];
        NaiveConv.Forward<float>(q, x, w, [], y);
        NaiveConv.BackwardData<float>(q, dy, w, dx);
        var inputs = new ConvVerify.Cases.ConvInputs<float>(x, w, [], dy);
        var forward = ConvVerify.Comparison.TensorComparison.Compare<float>(q, ConvVerify.Cases.Direction.Forward, inputs, y, m.Multiply(x, []), ConvVerify.Comparison.Tolerance.SoundBound);
        var data = ConvVerify.Comparison.TensorComparison.Compare<float>(q, ConvVerify.Cases.Direction.BackwardData, inputs, dx, m.MultiplyTransposed(dy), ConvVerify.Comparison.Tolerance.SoundBound);
        Assert.That(forward.Passed, Is.True, forward.ToString());
        Assert.That(data.Passed, Is.True, data.ToString());
    }

    [TestCase("mb1ic1iw10oc1ow3kw3sw3pw0", 8)] // reads 0..8, input 9 is never read
    [TestCase("mb1ic2ih8oc1oh3kh1sh3ph0", 6)]  // 1x1 stride 3: columns 0, 3, 6 are read, 7 is not
    [TestCase("mb1ic1iw9oc2ow3kw2sw3pw0dw1", 8)] // dilation 2, k 2: reads 0,2 / 3,5 / 6,8 — 1, 4, 7 are unread too
    public void InputsNoOutputReadsGetExactlyZeroGradient(string descriptor, int lastReadable)
    {
        var p = BenchdnnDescriptor.Parse(descriptor, DType.Float64);
        var rng = new Random(3);
        var w = RandomProblems.Integers<double>(p.WSize, rng).Select(v => v == 0 ? 1 : v).ToArray();
        var dy = RandomProblems.Integers<double>(p.YSize, rng).Select(v => v == 0 ? 1 : v).ToArray();
        var dx = new double[p.XSize];
        NaiveConv.BackwardData<double>(p, dy, w, dx);
        var m = ConvMatrix<double>.Build(p, w);
        int spatialW = p.Input[^1];
        for (int c = 0; c < p.XSize; c++)
        {
            bool read = Enumerable.Range(0, m.Rows).Any(r => m[r, c] != 0);
            if (!read) Assert.That(dx[c], Is.Zero, $"dx[{c}] is not read by any output");
            if (c % spatialW > lastReadable) Assert.That(read, Is.False, $"input column {c % spatialW} lies beyond the last window");
        }
        Assert.That(dx.Count(v => v == 0), Is.GreaterThan(0));
    }
}
