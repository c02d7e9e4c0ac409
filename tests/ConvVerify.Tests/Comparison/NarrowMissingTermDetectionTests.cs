using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Comparison;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Comparison;

/// <summary>
/// The bfloat16 rule's probabilistic tier on long sums: a candidate that sums in float32 and rounds once, correctly but
/// for one product term missing from an element, or one whose element is two bfloat16 ulps off the correct rounding,
/// on ResNet-50's 3x3 layers and its 7x7 stem. Under the sound rule alone γ_K·M is many ulps wide there and most of
/// these passed (docs/tolerance.md, "Where the narrow rule is weak"); the tier must catch nearly every omission that
/// moves the correctly rounded exact sum, and all but a few results two ulps off (elements that cancel to far below
/// their terms' spread have a model error of an ulp or more).
/// </summary>
[Parallelizable(ParallelScope.All)]
public class NarrowMissingTermDetectionTests
{
    private const int Trials = 200;

    public static IEnumerable<TestCaseData> Layers() =>
        from p in CaseSets.Load("resnet50").Where(p => p.Name!.Contains("3x3", StringComparison.Ordinal) || p.Name == "resnet50_conv1")
        from d in new[] { Direction.Forward, Direction.BackwardData, Direction.BackwardWeights }
        select new TestCaseData(p.ToString(), d).SetArgDisplayNames(p.Name!, d.TensorName());

    [TestCaseSource(nameof(Layers))]
    public void OneMissingTermOrTwoUlpsAreCaughtByTheTier(string descriptor, Direction d)
    {
        const DType bf16 = DType.BFloat16;
        var p = BenchdnnDescriptor.Parse(descriptor, bf16);
        var inputs = ConvCase.Create(p, Fill.Normal).MakeInputs<float>();
        float[] expected = d.Compute(ConvEngines.Exact, p, inputs);
        // The candidate's float32 sums: the definition in float32 of the same (bfloat16) values, before its one rounding.
        float[] sums = d.Compute(ConvEngines.Exact, p.WithDType(DType.Float32), inputs);
        var rng = new Random(977 + (int)d);
        var picks = new HashSet<int>();
        while (picks.Count < 2 * Trials) picks.Add(rng.Next(expected.Length));
        var omitted = picks.Take(Trials).ToList();
        var shifted = picks.Skip(Trials).ToList();
        var actual = (float[])expected.Clone();
        var terms = new Dictionary<int, float>();
        foreach (int e in omitted)
        {
            terms[e] = MissingTermDetectionTests.RandomTerm(p, d, inputs, e, rng);
            actual[e] = (float)DTypes.RoundFromDouble(bf16, sums[e] - terms[e]);
        }
        foreach (int e in shifted)
        {
            double up = DTypes.NextUp(bf16, DTypes.NextUp(bf16, expected[e])), down = DTypes.NextDown(bf16, DTypes.NextDown(bf16, expected[e]));
            actual[e] = (float)(rng.Next(2) == 0 ? up : down);
        }
        // Both rules' bounds and the exact sums from one computation (the public NarrowBounds and NarrowProbabilisticBounds
        // each make S and M again: NarrowTierDetailTests checks them against these).
        var (sound, tier, exact) = TensorComparison.NarrowRuleParts<float>(p, d, inputs, expected, actual);
        // Whether the omission moves the correctly rounded exact sum: what no rule at the result's precision can miss.
        int movesRounding = omitted.Count(e => DTypes.RoundFromDouble(bf16, exact[e] - terms[e]) != DTypes.RoundFromDouble(bf16, exact[e]));
        int Caught(IEnumerable<int> at, bool byTier) =>
            at.Count(e => TensorComparison.Judge(Math.Abs((double)actual[e] - expected[e]), sound[e], byTier ? tier[e] : sound[e]) != Judgement.Pass);
        int omittedSound = Caught(omitted, false), omittedTier = Caught(omitted, true);
        int shiftedSound = Caught(shifted, false), shiftedTier = Caught(shifted, true);
        TestContext.Out.WriteLine($"{p.Name} {d.TensorName()}: one term missing: {omittedSound} (sound), {omittedTier} (tier) of {Trials} caught, "
            + $"{movesRounding} move the correctly rounded sum; two ulps off: {shiftedSound} (sound), {shiftedTier} (tier)");

        // The per-element rule is the one Compare applies under the probabilistic rule.
        var v = TensorComparison.Compare<float>(p, d, inputs, expected, actual, Tolerance.Probabilistic);
        Assert.That(v.Failures + v.Suspicious, Is.EqualTo(omittedTier + shiftedTier), v.ToString());
        Assert.That(v.Narrow && v.Tolerance == Tolerance.Probabilistic, v.Rule);
        Assert.That(omittedTier, Is.GreaterThanOrEqualTo(0.9 * movesRounding), $"{omittedTier} of the {movesRounding} omissions that move the correct rounding caught");
        // Not all: where an element cancels to far below its terms' spread the model's error is itself an ulp or more.
        Assert.That(shiftedTier, Is.GreaterThanOrEqualTo(0.98 * Trials), "results two ulps off the correct rounding caught");
    }
}
