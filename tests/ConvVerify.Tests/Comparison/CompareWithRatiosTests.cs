using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Comparison;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Comparison;

/// <summary>
/// The ratios a report's picture is drawn from come out of the comparison itself (<c>CompareWithRatios</c>) rather than a
/// second computation of the bounds: they must be, element for element, what <see cref="TensorComparison.Ratios{T}"/>
/// gives, and the verdict what <see cref="TensorComparison.Compare{T}"/> gives, under every rule and dtype.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class CompareWithRatiosTests
{
    public static IEnumerable<TestCaseData> Rules() =>
        from dtype in new[] { DType.Float32, DType.Float64, DType.BFloat16, DType.Float16 }
        from rule in new[] { Tolerance.Probabilistic, Tolerance.SoundBound, Tolerance.ExactValues, Tolerance.Bitwise }
        from d in new[] { Direction.Forward, Direction.BackwardData, Direction.BackwardWeights, Direction.BackwardBias }
        select new TestCaseData(dtype, rule, d);

    [TestCaseSource(nameof(Rules))]
    public void TheRatiosAreRatiosAndTheVerdictCompares(DType dtype, Tolerance rule, Direction d)
    {
        if (DTypes.Holds<float>(dtype)) Check<float>(dtype, rule, d);
        else Check<double>(dtype, rule, d);
    }

    private static void Check<T>(DType dtype, Tolerance rule, Direction d) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var p = BenchdnnDescriptor.Parse("mb2ic4ih9oc6kh3sh2ph1", dtype);
        var inputs = ConvCase.Create(p, Fill.Normal, 5).MakeInputs<T>();
        T[] expected = d.Compute(ConvEngines.Exact, p, inputs);
        var rng = new Random(31 + (int)d);
        // Elements off by a little, by a lot, NaN, and -0 for +0: every kind of difference a ratio is made of.
        var actual = (T[])expected.Clone();
        for (int k = 0; k < 12; k++)
        {
            int i = rng.Next(actual.Length);
            actual[i] = (k % 4) switch
            {
                0 => DTypes.Round(dtype, actual[i] * T.CreateChecked(1 + 1e-3)),
                1 => DTypes.Round(dtype, actual[i] + T.CreateChecked(rng.NextDouble())),
                2 => T.NaN,
                _ => actual[i] == T.Zero ? T.NegativeZero : DTypes.Round(dtype, actual[i] * T.CreateChecked(1 + 1e-6)),
            };
        }
        var (verdict, ratios) = TensorComparison.CompareWithRatios<T>(p, d, inputs, expected, actual, rule);
        Assert.That(verdict, Is.EqualTo(TensorComparison.Compare<T>(p, d, inputs, expected, actual, rule)).Using<Verdict>((a, b) => a.ToString() == b.ToString()));
        Assert.That(ratios, Is.Not.Null, "elements differ");
        Assert.That(ratios, Is.EqualTo(TensorComparison.Ratios<T>(p, d, inputs, expected, actual, rule)));
        // Ratios is the same loop: the values are checked against the rule's bounds from their own entry points, each
        // element's error over its bound (infinite under an exact rule, where a differing element has none).
        double[]? bounds = (rule, DTypes.IsNarrow(dtype)) switch
        {
            (Tolerance.SoundBound, true) => TensorComparison.NarrowBounds<T>(p, d, inputs, expected, actual),
            (Tolerance.Probabilistic, true) => TensorComparison.NarrowProbabilisticBounds<T>(p, d, inputs, expected, actual),
            (Tolerance.SoundBound, false) => TensorComparison.Bounds<T>(p, d, inputs),
            (Tolerance.Probabilistic, false) => TensorComparison.ProbabilisticBounds<T>(p, d, inputs, expected)
                .Zip(TensorComparison.Bounds<T>(p, d, inputs), TensorComparison.TierBound).ToArray(),
            _ => null,
        };
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateChecked(expected[i]), a = double.CreateChecked(actual[i]);
            bool differs = rule == Tolerance.Bitwise ? !Bitwise.Equal(expected[i], actual[i]) : !(e == a || (double.IsNaN(e) && double.IsNaN(a)));
            double error = !differs ? 0 : double.IsFinite(a - e) ? Math.Abs(a - e) : double.PositiveInfinity;
            double want = !differs ? 0 : bounds is null || bounds[i] == 0 || !double.IsFinite(bounds[i]) ? double.PositiveInfinity : error / bounds[i];
            Assert.That(ratios![i], Is.EqualTo(want), $"element {i}: expected {e}, actual {a}");
        }
        // Nothing differs: no ratios, all 0 by Ratios too.
        var (same, none) = TensorComparison.CompareWithRatios<T>(p, d, inputs, expected, expected, rule);
        Assert.That((same.Passed, none), Is.EqualTo((true, (double[]?)null)));
        Assert.That(TensorComparison.Ratios<T>(p, d, inputs, expected, expected, rule), Is.All.Zero);
    }
}
