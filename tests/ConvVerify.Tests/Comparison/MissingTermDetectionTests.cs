using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Comparison;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Comparison;

/// <summary>
/// A candidate that is right except for one product term missing from one element of y, dL/dx or dL/dw — what an
/// off-by-one in a blocked loop's remainder does — must be rejected: always in the integer fill (no input is 0, so no
/// product is), and in at least 90 % of seeded trials in the normal fill, on every ResNet-50 3x3 layer.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class MissingTermDetectionTests
{
    private const int Trials = 200;

    public static IEnumerable<TestCaseData> Layers() =>
        from p in CaseSets.Load("resnet50").Where(p => p.Name!.Contains("3x3", StringComparison.Ordinal))
        from d in new[] { Direction.Forward, Direction.BackwardData, Direction.BackwardWeights }
        from f in new[] { Fill.Integer, Fill.Normal }
        select new TestCaseData(p.ToString(), d, f).SetArgDisplayNames(p.Name!, d.TensorName(), ConvCase.FillName(f));

    [TestCaseSource(nameof(Layers))]
    public void OneMissingTermIsCaught(string descriptor, Direction d, Fill fill)
    {
        var p = BenchdnnDescriptor.Parse(descriptor);
        var c = ConvCase.Create(p, fill);
        var inputs = c.MakeInputs<float>();
        float[] expected = d.Compute(ConvEngines.Exact, p, inputs);
        var tolerance = fill == Fill.Integer ? Tolerance.ExactValues : Tolerance.Probabilistic;
        double[] sound = tolerance == Tolerance.ExactValues ? new double[expected.Length] : TensorComparison.Bounds(p, d, inputs);
        double[] probable = tolerance == Tolerance.ExactValues ? sound : TensorComparison.ProbabilisticBounds<float>(p, d, inputs, expected);
        var rng = new Random(4242 + (int)d + 10 * (int)fill);
        int caught = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            int e = rng.Next(expected.Length);
            float term = RandomTerm(p, d, inputs, e, rng);
            float candidate = expected[e] - term;
            double err = Math.Abs((double)candidate - expected[e]);
            if (TensorComparison.Judge(err, sound[e], probable[e]) != Judgement.Pass) caught++;
            if (trial == 0)
            {
                // The per-element rule is the one Compare applies: the whole tensor with that one element wrong fails too.
                var actual = (float[])expected.Clone();
                actual[e] = candidate;
                var v = TensorComparison.Compare<float>(p, d, inputs, expected, actual, tolerance);
                Assert.That(v.Passed, Is.EqualTo(err == 0 || TensorComparison.Judge(err, sound[e], probable[e]) == Judgement.Pass), v.ToString());
            }
        }
        double rate = caught / (double)Trials;
        TestContext.Out.WriteLine($"{p.Name} {d.TensorName()} {ConvCase.FillName(fill)}: {caught}/{Trials} caught");
        Assert.That(rate, fill == Fill.Integer ? Is.EqualTo(1.0) : Is.GreaterThanOrEqualTo(0.9), $"{caught} of {Trials} one-term omissions caught");
    }

    // One product term of element e of the direction's result, drawn uniformly among the terms the definition sums.
    internal static float RandomTerm(ConvProblem p, Direction d, ConvInputs<float> inputs, int e, Random rng)
    {
        var (ih, iw, oh, ow, kh, kw) = (p.Input[0], p.Input[1], p.Output[0], p.Output[1], p.Kernel[0], p.Kernel[1]);
        var (sh, sw, ph, pw, dh, dw) = (p.Stride[0], p.Stride[1], p.PadBegin[0], p.PadBegin[1], p.Dilation[0], p.Dilation[1]);
        float X(int n, int c, int h, int w) => inputs.X[((n * p.IC + c) * ih + h) * iw + w];
        float W(int o, int c, int h, int w) => inputs.W[((o * p.IC + c) * kh + h) * kw + w];
        float Dy(int n, int o, int h, int w) => inputs.Dy[((n * p.OC + o) * oh + h) * ow + w];
        while (true)
        {
            switch (d)
            {
                case Direction.Forward:
                {
                    var (n, o, y, x) = (e / (p.OC * oh * ow), e / (oh * ow) % p.OC, e / ow % oh, e % ow);
                    var (c, a, b) = (rng.Next(p.IC), rng.Next(kh), rng.Next(kw));
                    var (h, w) = (y * sh - ph + a * dh, x * sw - pw + b * dw);
                    if (h >= 0 && h < ih && w >= 0 && w < iw) return X(n, c, h, w) * W(o, c, a, b);
                    break;
                }
                case Direction.BackwardData:
                {
                    var (n, c, h, w) = (e / (p.IC * ih * iw), e / (ih * iw) % p.IC, e / iw % ih, e % iw);
                    var (o, a, b) = (rng.Next(p.OC), rng.Next(kh), rng.Next(kw));
                    var (th, tw) = (h + ph - a * dh, w + pw - b * dw);
                    if (th >= 0 && tw >= 0 && th % sh == 0 && tw % sw == 0 && th / sh < oh && tw / sw < ow) return Dy(n, o, th / sh, tw / sw) * W(o, c, a, b);
                    break;
                }
                default:
                {
                    var (o, c, a, b) = (e / (p.IC * kh * kw), e / (kh * kw) % p.IC, e / kw % kh, e % kw);
                    var (n, y, x) = (rng.Next(p.Mb), rng.Next(oh), rng.Next(ow));
                    var (h, w) = (y * sh - ph + a * dh, x * sw - pw + b * dw);
                    if (h >= 0 && h < ih && w >= 0 && w < iw) return Dy(n, o, y, x) * X(n, c, h, w);
                    break;
                }
            }
        }
    }
}
