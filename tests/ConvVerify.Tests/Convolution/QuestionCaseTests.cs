using ConvVerify.Convolution;
using ConvVerify.Layouts;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Convolution;

/// <summary>
/// The question: x is (5,5,3), 16 filters of (3,3,3), stride 1, no padding, so h is (3,3,16); given dL/dh (3,3,16),
/// dL/dx (5,5,3) is the sum over the filters of each filter's contribution. Every expectation here is a closed form
/// worked out by hand, in the question's (H, W, C) / (F_H, F_W, C, F) layout.
/// </summary>
public class QuestionCaseTests
{
    private const int H = 5, W = 5, C = 3, K = 3, F = 16, O = 3;
    private static readonly ConvProblem Problem = BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3", DType.Float64, hasBias: true);

    // x[h,w,c] = 100h + 10w + c: distinct integers whose window sums have a closed form.
    private static double[] XHwc() => [.. Enumerable.Range(0, H * W * C).Select(i => 100.0 * (i / (W * C)) + 10.0 * (i / C % W) + i % C)];

    private static (double[] Y, double[] Dx, double[] Dw, double[] Db) Run(double[] xHwc, double[] wHwio, double[] dyHwc)
    {
        var p = Problem;
        double[] x = Layout.FromHwc<double>(xHwc, H, W, C), w = Layout.FromHwio<double>(wHwio, K, K, C, F), dy = Layout.FromHwc<double>(dyHwc, O, O, F);
        var y = new double[p.YSize];
        var dx = new double[p.XSize];
        var dw = new double[p.WSize];
        var db = new double[p.OC];
        NaiveConv.Forward<double>(p, x, w, new double[F], y);
        NaiveConv.BackwardData<double>(p, dy, w, dx);
        NaiveConv.BackwardWeights<double>(p, x, dy, dw);
        NaiveConv.BackwardBias<double>(p, dy, db);
        return (Layout.ToHwc<double>(y, F, O, O), Layout.ToHwc<double>(dx, C, H, W), Layout.ToHwio<double>(dw, F, C, K, K), db);
    }

    private static double[] Ones(int n) => Enumerable.Repeat(1.0, n).ToArray();

    [Test]
    public void ShapesAreTheQuestions()
    {
        Assert.That(Problem.XShape, Is.EqualTo(new[] { 1, C, H, W }), "x (5,5,3) as NCHW");
        Assert.That(Problem.WShape, Is.EqualTo(new[] { F, C, K, K }), "16 filters of (3,3,3)");
        Assert.That(Problem.YShape, Is.EqualTo(new[] { 1, F, O, O }), "h (3,3,16) as NCHW");
    }

    [Test]
    public void ForwardWithAllOnesFiltersSumsEachWindow()
    {
        var (y, _, _, _) = Run(XHwc(), Ones(K * K * C * F), new double[O * O * F]);
        // Σ_{di,dj,c} 100(i+di) + 10(j+dj) + c = 2700i + 2700 + 270j + 270 + 27, for every filter f.
        for (int i = 0; i < O; i++)
        for (int j = 0; j < O; j++)
        for (int f = 0; f < F; f++)
            Assert.That(y[(i * O + j) * F + f], Is.EqualTo(2700 * i + 270 * j + 2997), $"h[{i},{j},{f}]");
    }

    [Test]
    public void SingleUpstreamGradientScattersOneFilterIntoItsWindow()
    {
        var rng = new Random(5);
        var w = RandomProblems.Integers<double>(K * K * C * F, rng, 4);
        const int i0 = 1, j0 = 2, f0 = 9;
        var dy = new double[O * O * F];
        dy[(i0 * O + j0) * F + f0] = 1;
        var (_, dx, dw, db) = Run(XHwc(), w, dy);
        for (int h = 0; h < H; h++)
        for (int x = 0; x < W; x++)
        for (int c = 0; c < C; c++)
        {
            bool inWindow = h - i0 is >= 0 and < K && x - j0 is >= 0 and < K;
            double expected = inWindow ? w[(((h - i0) * K + (x - j0)) * C + c) * F + f0] : 0;
            Assert.That(dx[(h * W + x) * C + c], Is.EqualTo(expected), $"dL/dx[{h},{x},{c}]");
        }
        for (int kh = 0; kh < K; kh++)
        for (int kw = 0; kw < K; kw++)
        for (int c = 0; c < C; c++)
        for (int f = 0; f < F; f++)
        {
            double expected = f == f0 ? 100 * (i0 + kh) + 10 * (j0 + kw) + c : 0;
            Assert.That(dw[((kh * K + kw) * C + c) * F + f], Is.EqualTo(expected), $"dL/dw[{kh},{kw},{c},{f}]");
        }
        Assert.That(db, Is.EqualTo(Enumerable.Range(0, F).Select(f => f == f0 ? 1.0 : 0.0)));
    }

    [Test]
    public void AllOnesGradientCountsTheWindowsCoveringEachPixel()
    {
        var (_, dx, dw, db) = Run(XHwc(), Ones(K * K * C * F), Ones(O * O * F));
        int[] cover = [1, 2, 3, 2, 1]; // windows of 3 at stride 1 over 5 cover each index this often
        for (int h = 0; h < H; h++)
        for (int x = 0; x < W; x++)
        for (int c = 0; c < C; c++)
            Assert.That(dx[(h * W + x) * C + c], Is.EqualTo(F * cover[h] * cover[x]), $"dL/dx[{h},{x},{c}]");
        // dw[kh,kw,c,f] = Σ_{i,j<3} 100(i+kh) + 10(j+kw) + c = 900kh + 900 + 90kw + 90 + 9c
        for (int kh = 0; kh < K; kh++)
        for (int kw = 0; kw < K; kw++)
        for (int c = 0; c < C; c++)
            Assert.That(dw[((kh * K + kw) * C + c) * F + 5], Is.EqualTo(900 * kh + 90 * kw + 9 * c + 990), $"dL/dw[{kh},{kw},{c},5]");
        Assert.That(db, Is.All.EqualTo(9.0));
    }

    [Test]
    public void DataGradientIsTheSumOfEveryFiltersContribution()
    {
        var rng = new Random(8);
        var w = RandomProblems.Integers<double>(K * K * C * F, rng, 4);
        var dy = RandomProblems.Integers<double>(O * O * F, rng, 2);
        var (_, dx, _, _) = Run(XHwc(), w, dy);
        var sum = new double[H * W * C];
        for (int f = 0; f < F; f++)
        {
            // Filter f's contribution: dL/dh restricted to channel f.
            var only = dy.Select((v, i) => i % F == f ? v : 0).ToArray();
            var (_, part, _, _) = Run(XHwc(), w, only);
            for (int i = 0; i < sum.Length; i++) sum[i] += part[i];
        }
        Assert.That(dx, Is.EqualTo(sum));
        Assert.That(dx.Any(v => v != 0));
    }
}
