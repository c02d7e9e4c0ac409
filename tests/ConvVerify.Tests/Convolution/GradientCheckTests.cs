using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Convolution;

/// <summary>Central finite differences (PyTorch gradcheck's eps 1e-6, atol 1e-5, rtol 1e-3) and adjoint identities, in float64.</summary>
public class GradientCheckTests
{
    private const double Eps = 1e-6, Atol = 1e-5, Rtol = 1e-3;

    private static IEnumerable<ConvProblem> Small() => RandomProblems.Generate(40, seed: 11, maxElements: 120);

    private static double Loss(ConvProblem p, double[] x, double[] w, double[] b, double[] dy)
    {
        var y = new double[p.YSize];
        NaiveConv.Forward<double>(p, x, w, b, y);
        return y.Zip(dy, (a, c) => a * c).Sum();
    }

    private static void CheckNumerically(double[] param, double[] analytic, Func<double> loss, string name)
    {
        for (int i = 0; i < param.Length; i++)
        {
            double keep = param[i];
            param[i] = keep + Eps;
            double up = loss();
            param[i] = keep - Eps;
            double down = loss();
            param[i] = keep;
            double numeric = (up - down) / (2 * Eps);
            Assert.That(Math.Abs(analytic[i] - numeric), Is.LessThanOrEqualTo(Atol + Rtol * Math.Abs(numeric)),
                $"{name}[{i}]: analytic {analytic[i]:R}, numeric {numeric:R}");
        }
    }

    [TestCaseSource(nameof(Small))]
    public void GradientsMatchCentralDifferences(ConvProblem p)
    {
        var rng = RandomProblems.Rng(p);
        var x = RandomProblems.Normals(p.XSize, rng);
        var w = RandomProblems.Normals(p.WSize, rng);
        var b = RandomProblems.Normals(p.BSize, rng);
        var dy = RandomProblems.Normals(p.YSize, rng);
        var dx = new double[p.XSize];
        var dw = new double[p.WSize];
        var db = new double[p.BSize];
        NaiveConv.BackwardData<double>(p, dy, w, dx);
        NaiveConv.BackwardWeights<double>(p, x, dy, dw);
        if (p.HasBias) NaiveConv.BackwardBias<double>(p, dy, db);
        double L() => Loss(p, x, w, b, dy);
        CheckNumerically(x, dx, L, "dx");
        CheckNumerically(w, dw, L, "dw");
        CheckNumerically(b, db, L, "db");
    }

    private static IEnumerable<ConvProblem> Adjoint() => RandomProblems.Generate(60, seed: 23, maxElements: 2000);

    [TestCaseSource(nameof(Adjoint))]
    public void ForwardIsTheAdjointOfBothGradients(ConvProblem problem)
    {
        var p = problem.WithBias(false);
        var rng = RandomProblems.Rng(p);
        var x = RandomProblems.Normals(p.XSize, rng);
        var w = RandomProblems.Normals(p.WSize, rng);
        var dy = RandomProblems.Normals(p.YSize, rng);
        var y = new double[p.YSize];
        var dx = new double[p.XSize];
        var dw = new double[p.WSize];
        NaiveConv.Forward<double>(p, x, w, [], y);
        NaiveConv.BackwardData<double>(p, dy, w, dx);
        NaiveConv.BackwardWeights<double>(p, x, dy, dw);
        double lhs = Dot(y, dy);
        // ⟨conv(x; w), dy⟩ is linear in x for fixed w and in w for fixed x: the same number three ways.
        double scale = Math.Max(1, y.Zip(dy, (a, c) => Math.Abs(a * c)).Sum());
        Assert.That(Math.Abs(lhs - Dot(x, dx)) / scale, Is.LessThan(1e-12), "⟨Forward(x), dy⟩ = ⟨x, BackwardData(dy)⟩");
        Assert.That(Math.Abs(lhs - Dot(w, dw)) / scale, Is.LessThan(1e-12), "⟨Forward_w(w), dy⟩ = ⟨w, BackwardWeights(dy)⟩");
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b, (u, v) => u * v).Sum();

    [Test]
    public void BufferSizesAreChecked()
    {
        var p = new ConvProblem(2, 1, 3, 4, [5, 5], [3, 3]);
        var e = Assert.Throws<ArgumentException>(() => NaiveConv.Forward<float>(p, new float[149], new float[108], new float[4], new float[72]));
        Assert.That(e!.Message, Does.Contain("x: has 149 elements, the problem needs 150 (shape (2, 3, 5, 5))"));
        e = Assert.Throws<ArgumentException>(() => NaiveConv.Forward<float>(p, new float[150], new float[108], new float[3], new float[72]));
        Assert.That(e!.Message, Does.Contain("b: has 3 elements, the problem needs 4"));
        e = Assert.Throws<ArgumentException>(() => NaiveConv.BackwardData<float>(p, new float[72], new float[108], new float[1]));
        Assert.That(e!.Message, Does.Contain("dx: has 1 elements"));
        e = Assert.Throws<ArgumentException>(() => NaiveConv.BackwardWeights<float>(p, new float[150], new float[70], new float[108]));
        Assert.That(e!.Message, Does.Contain("dy: has 70 elements, the problem needs 72"));
        e = Assert.Throws<ArgumentException>(() => NaiveConv.BackwardBias<float>(p.WithBias(false), new float[72], new float[4]));
        Assert.That(e!.Message, Does.Contain("has no bias"));
    }

    [Test]
    public void ANullProblemIsNamedNotANullReference()
    {
        // The probe: each of the four dereferenced p for its buffer checks and threw NullReferenceException.
        Assert.Multiple(() =>
        {
            Assert.That(() => NaiveConv.Forward<float>(null!, [], [], [], new float[1]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("p"));
            Assert.That(() => NaiveConv.BackwardData<float>(null!, [], [], new float[1]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("p"));
            Assert.That(() => NaiveConv.BackwardWeights<float>(null!, [], [], new float[1]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("p"));
            Assert.That(() => NaiveConv.BackwardBias<float>(null!, [], new float[1]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("p"));
        });
    }
}
