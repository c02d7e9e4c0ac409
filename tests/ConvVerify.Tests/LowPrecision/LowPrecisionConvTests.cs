using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Comparison;
using ConvVerify.Convolution;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Runs;
using ConvVerify.Tests.Oracles;

namespace ConvVerify.Tests.LowPrecision;

/// <summary>bfloat16 and float16 convolution: the engines, the fills, and the oracles that compute them.</summary>
[Parallelizable(ParallelScope.All)]
public class LowPrecisionConvTests
{
    private static readonly DType[] Narrow = [DType.BFloat16, DType.Float16];

    private static IEnumerable<ConvCase> CommittedCases(DType dtype, Fill? fill = null) =>
        CaseSets.Committed.SelectMany(s => CaseSets.Load(s, dtype)).DistinctBy(p => p.ToString() + p.Name)
            .SelectMany(p => (fill is { } f ? [f] : new[] { Fill.Integer, Fill.Normal }).Select(f => ConvCase.Create(p, f)));

    private static bool SameBits(float a, float b) => BitConverter.SingleToUInt32Bits(a) == BitConverter.SingleToUInt32Bits(b);

    private static IEnumerable<string> Differences(ConvProblem p, ConvResults<float> expected, ConvResults<float> actual, string what)
    {
        foreach (var d in Directions.For(p))
        {
            float[] e = expected.Get(d), a = actual.Get(d);
            int i = Enumerable.Range(0, e.Length).FirstOrDefault(j => !SameBits(e[j], a[j]), -1);
            if (i >= 0) yield return $"{what} {d.TensorName()}[{i}]: {e[i]:R} vs {a[i]:R}";
        }
    }

    [TestCaseSource(nameof(Narrow))]
    public void ExactEngineIsTheNaiveLoopsBitForBitOnTheCommittedSetsAndRandomProblems(DType dtype)
    {
        var cases = CommittedCases(dtype).Concat(ConvVerify.Tests.Convolution.RandomProblems.Generate(150, seed: 1612, dtype: dtype)
            .SelectMany(p => new[] { ConvCase.Create(p, Fill.Integer), ConvCase.Create(p, Fill.Normal) })).ToList();
        var wrong = new List<string>();
        foreach (var c in cases)
        {
            var inputs = c.MakeInputs<float>();
            var naive = Directions.ComputeAll(ConvEngines.Naive, c.Problem, inputs);
            wrong.AddRange(Differences(c.Problem, naive, Directions.ComputeAll(ConvEngines.Exact, c.Problem, inputs), c.Id + " exact"));
            wrong.AddRange(Differences(c.Problem, naive, Directions.ComputeAll(new ExactEngine(ExactConvOptions.ScalarSingleThread), c.Problem, inputs), c.Id + " scalar"));
        }
        Assert.That(cases, Has.Count.GreaterThan(400));
        Assert.That(wrong.Take(10), Is.Empty);
    }

    [TestCaseSource(nameof(Narrow))]
    public void NaiveResultsAreTheFloat32SumsRoundedOnce(DType dtype)
    {
        // The definition, restated: the float32 problem's naive sums, each rounded to the narrow type to nearest even.
        var wrong = new List<string>();
        foreach (var c in CommittedCases(dtype))
        {
            var inputs = c.MakeInputs<float>();
            var narrow = Directions.ComputeAll(ConvEngines.Naive, c.Problem, inputs);
            var wide = Directions.ComputeAll(ConvEngines.Naive, c.Problem.WithDType(DType.Float32), inputs);
            foreach (var d in Directions.For(c.Problem))
            {
                float[] w = wide.Get(d), n = narrow.Get(d);
                for (int i = 0; i < w.Length; i++)
                {
                    float once = dtype == DType.BFloat16 ? (float)(BFloat16)w[i] : (float)(Half)w[i];
                    if (!SameBits(once, n[i])) wrong.Add($"{c.Id} {d.TensorName()}[{i}]: {n[i]:R}, the float32 sum {w[i]:R} rounds to {once:R}");
                }
            }
        }
        Assert.That(wrong.Take(10), Is.Empty);
    }

    [TestCaseSource(nameof(Narrow))]
    public void ANarrowProblemIsNotSummedInFloat64(DType dtype)
    {
        // Its definition sums in float32: double buffers would sum in float64 and round twice on the way down.
        var p = BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3", dtype);
        var d = ConvCase.Create(p.WithDType(DType.Float64), Fill.Integer).MakeInputs<double>();
        var e = Assert.Throws<ArgumentException>(() => NaiveConv.Forward<double>(p, d.X, d.W, d.B, new double[p.YSize]))!;
        Assert.That(e.Message, Does.Contain($"is {DTypes.NumpyName(dtype)}, whose values are float (its results are float32 sums rounded once), not Double"));
    }

    [TestCaseSource(nameof(Narrow))]
    public void FillsHoldOnlyValuesOfTheDType(DType dtype)
    {
        foreach (var c in CommittedCases(dtype).Take(40))
        {
            var i = c.MakeInputs<float>();
            float[] all = [.. i.X, .. i.W, .. i.B, .. i.Dy];
            Assert.That(all.Where(v => !DTypes.Represents(dtype, v)), Is.Empty, c.Id);
            Assert.That(all.Where(v => v == 0), Is.Empty, c.Id + ": never 0, in either fill");
        }
        // The normal fill is rounded once from float64: not the float32 fill rounded again.
        var p = BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3", dtype);
        var narrow = ConvCase.Create(p, Fill.Normal).MakeInputs<float>();
        Assert.That(narrow.X.Distinct().Count(), Is.GreaterThan(narrow.X.Length / 2), "normal values, not a handful of levels");
    }

    [Test]
    public void Float16IntegerFillKeepsResultsFinite()
    {
        // 512 channels of a 5x5 kernel with the usual ranges could sum to 512·25·4·4 = 204800, past float16's largest
        // finite value: the fill must shrink its ranges, or results round to infinity.
        var big = BenchdnnDescriptor.Parse("mb1ic512ih7oc4kh5ph2", DType.Float16);
        long limit = Inputs.ExactIntegerLimit(DType.Float16);
        Assert.That(limit, Is.EqualTo(65504), "float16's largest finite value");
        var c = ConvCase.Create(big, Fill.Integer);
        var r = Directions.ComputeAll(ConvEngines.Exact, big, c.MakeInputs<float>());
        Assert.That(Directions.For(big).SelectMany(d => r.Get(d)).Where(v => !float.IsFinite(v)), Is.Empty);
    }

    private static List<RunRow> Against(IConvOracle oracle, IEnumerable<ConvCase> cases, Tolerance integerRule) =>
        [.. cases.SelectMany(c => Runner.RunCase(new RunPlan
        {
            Command = "test",
            Cases = [new CaseEntry(c)],
            References = [new OracleSource(oracle)],
            Subject = new EngineSource(ConvEngines.Naive),
            ToleranceRule = (k, _, _) => k.Fill == Fill.Integer ? integerRule : Tolerance.SoundBound,
        }, new CaseEntry(c)))];

    /// <summary>torch's own bfloat16 results, whether or not it offers them as a reference on this CPU.</summary>
    private sealed class RawTorch(TorchOracle torch, TorchLayout layout) : IConvOracle
    {
        public string Name => "raw-torch";

        public IReadOnlyDictionary<string, string> Versions => torch.Versions;

        public double BoundFactor => 1;

        public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason) => direction.Applies(problem, out reason);

        public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var all = torch.Compute(problem, inputs, layout);
            return directions.ToDictionary(d => d, all.Get);
        }
    }

    /// <summary>
    /// torch is a bfloat16 reference where its sums are float32 (one rounding, bitwise on integer data), and declines
    /// where they are not (torch 1.13 without AVX-512 sums in bfloat16): never a reference whose results break the rule.
    /// </summary>
    [TestCase(TorchLayout.Contiguous)]
    [TestCase(TorchLayout.ChannelsLast)]
    public void IntegerFillBFloat16EqualsTorchBitwiseOnEveryCommittedCase(TorchLayout layout)
    {
        var live = LiveTorch.Require();
        var torch = live.In(layout);
        var cases = CaseSets.Committed.SelectMany(CaseSets.AllVariants).DistinctBy(c => c.Id)
            .Where(c => c.Problem.DType == DType.BFloat16 && c.Fill == Fill.Integer).ToList();
        Assert.That(cases, Has.Count.EqualTo(78));
        // torch's probe is ungrouped (TorchOracle.NarrowSupport says why its verdict holds for groups): grouped and
        // depthwise cases here hold it to that wherever torch offers bfloat16.
        Assert.That(cases.Where(c => c.Problem.Groups > 1 && c.Problem.IC == c.Problem.Groups).Select(c => c.Problem.Rank).Distinct(), Is.EquivalentTo(new[] { 1, 2 }), "depthwise");
        Assert.That(cases.Where(c => c.Problem.Groups > 1 && c.Problem.IC > c.Problem.Groups).Select(c => c.Problem.Rank).Distinct(), Is.EquivalentTo(new[] { 2, 3 }), "grouped");
        var raw = Against(new RawTorch(live, layout), cases, Tolerance.Bitwise);
        Assert.That(raw, Has.Count.EqualTo(cases.Sum(c => c.Problem.HasBias ? 4 : 3)));
        Assert.That(raw.Select(r => r.Tolerance), Is.All.EqualTo(Tolerance.Bitwise));
        var wrong = raw.Where(r => r.Outcome != Outcome.Pass).Select(r => $"{r.Case} {r.Direction}: {r.Reason}").ToList();
        var rows = Against(torch, cases, Tolerance.Bitwise);
        if (torch.Provides(cases[0].Problem, Direction.Forward, out string? why))
        {
            Assert.That(wrong, Is.Empty, "torch offers bfloat16 as a reference here, so its sums must be float32");
            Assert.That(rows.Select(r => r.Outcome), Is.All.EqualTo(Outcome.Pass));
            return;
        }
        // Declined: each row says why instead of passing or failing, and the reason is this CPU's accumulator.
        TestContext.Out.WriteLine($"torch declines bfloat16 here: {why}; its own results break the rule on {wrong.Count} directions");
        Assert.That(why, Does.Contain("without a float32 accumulator on this CPU (" + live.CpuKernels + ")"));
        Assert.That(rows.Select(r => r.Outcome), Is.All.EqualTo(Outcome.NotProvidedByOracle));
        Assert.That(rows.Select(r => r.Reason), Is.All.Contain("without a float32 accumulator"));
    }

    [Test]
    public void TorchHasNoFloat16ConvolutionAndSaysWhy()
    {
        var torch = LiveTorch.Require();
        var c = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3", DType.Float16), Fill.Integer);
        var rows = Against(torch, [c], Tolerance.Bitwise);
        Assert.That(rows.Select(r => r.Outcome), Is.All.EqualTo(Outcome.NotProvidedByOracle));
        // torch's own words, not ours.
        Assert.That(rows.Select(r => r.Reason), Is.All.Contain("not implemented for 'Half'"));
    }

    [Test]
    public void OrtFloat16EqualsTheNaiveLoopsOnEveryCommittedCase()
    {
        using var ort = new OrtOracle();
        var cases = CommittedCases(DType.Float16).ToList();
        var rows = Against(ort, cases, Tolerance.Bitwise);
        Assert.That(rows, Has.Count.EqualTo(cases.Sum(c => c.Problem.HasBias ? 4 : 3)), "all four directions provided");
        Assert.That(rows.Where(r => r.Outcome != Outcome.Pass).Select(r => $"{r.Case} {r.Direction}: {r.Reason}"), Is.Empty);
        Assert.That(rows.Count(r => r.Fill == "integer" && r.Tolerance == Tolerance.Bitwise), Is.GreaterThan(250));
    }

    /// <summary>What docs/tolerance.md says of ORT's float16: its float32 kernels' results, rounded once (the float16 graph runs between casts).</summary>
    [Test]
    public void OrtFloat16IsItsFloat32RoundedOnce()
    {
        using var ort = new OrtOracle();
        var wrong = new List<string>();
        int compared = 0;
        foreach (var c in CommittedCases(DType.Float16, Fill.Normal))
        {
            var inputs = c.MakeInputs<float>();
            var directions = Directions.For(c.Problem).ToList();
            var half = ort.Compute(c.Problem, inputs, directions);
            var single = ort.Compute(c.Problem.WithDType(DType.Float32), inputs, directions);
            foreach (var d in directions)
                for (int i = 0; i < half[d].Length; i++, compared++)
                    if (!SameBits(half[d][i], (float)(Half)single[d][i])) wrong.Add($"{c.Id} {d.TensorName()}[{i}]: {half[d][i]:R}, float32 {single[d][i]:R}");
        }
        Assert.That(compared, Is.GreaterThan(10_000));
        Assert.That(wrong.Take(10), Is.Empty, $"{wrong.Count} differ");
    }

    [Test]
    public void OrtHasNoBFloat16ConvolutionAndSaysWhy()
    {
        using var ort = new OrtOracle();
        var p = BenchdnnDescriptor.Parse("mb1ic3ih5oc16kh3", DType.BFloat16);
        Assert.That(ort.Provides(p, Direction.Forward, out string? why), Is.False);
        Assert.That(why, Is.EqualTo(OrtOracle.BFloat16Reason));
        // The reason quotes ORT: asked for a bfloat16 Conv, it must really refuse it so.
        var e = Assert.Throws<OrtOracleException>(() => ort.CreateSession(p, Direction.Forward).Dispose())!;
        Assert.That(e.Message, Does.Contain("Type 'tensor(bfloat16)' of input parameter (x) of operator (Conv)"));
    }

    /// <summary>
    /// torch's bfloat16 results measured against the exact sums S: an element's excess |a − S| − ½·gap(a toward S) (half
    /// the distance from a to its bfloat16 neighbour on S's side, half an ulp but at ±2^k toward zero) must stay
    /// within the float32 sums' budget γ_K·M + K·η (the rule of <see cref="TensorComparison.NarrowBounds{T}"/>), and
    /// within the tier's, one summation's probable error λ·u·√(K·(Q + S²)/3) + K·η where that is the smaller (the rule
    /// of <see cref="TensorComparison.NarrowProbabilisticBounds{T}"/>), which is the calibration of that tier. Prints
    /// the largest fraction of each budget used, per direction, and how many results are not the exact sum correctly
    /// rounded (a float32 sum that landed across a half-way point): the figures of docs/tolerance.md.
    /// </summary>
    [Test]
    public void TorchBFloat16ResultsStayWithinHalfAGapOfTheExactSumPlusTheFloat32Budget()
    {
        var torch = LiveTorch.Require();
        var cases = CommittedCases(DType.BFloat16, Fill.Normal)
            .Concat(CaseSets.Load("resnet50", DType.BFloat16).Select(p => ConvCase.Create(p, Fill.Normal))).ToList();
        var worst = new Dictionary<Direction, (double Used, string Where)>();
        var worstTier = new Dictionary<Direction, (double Used, string Where)>();
        long elements = 0, notCorrectlyRounded = 0;
        foreach (var c in cases)
        {
            var p = c.Problem;
            var inputs = c.MakeInputs<float>();
            var got = torch.Compute(p, inputs);
            var q = p.WithDType(DType.Float64);
            static double[] D(float[] v, Func<double, double> f)
            {
                var d = new double[v.Length];
                for (int i = 0; i < v.Length; i++) d[i] = f(v[i]);
                return d;
            }
            ConvInputs<double> Lifted(Func<double, double> f) => new(D(inputs.X, f), D(inputs.W, f), D(inputs.B, f), D(inputs.Dy, f));
            var exact = Directions.ComputeAll(ConvEngines.Exact, q, Lifted(v => v));
            var mags = Directions.ComputeAll(ConvEngines.Exact, q, Lifted(Math.Abs));
            var squares = Directions.ComputeAll(ConvEngines.Exact, q, Lifted(v => v * v));
            foreach (var d in Directions.For(p))
            {
                long k = d.AccumulationLength(p);
                double gamma = k * Math.ScaleB(1, -24) / (1 - k * Math.ScaleB(1, -24));
                float[] a = got.Get(d);
                double[] sum = exact.Get(d), m = mags.Get(d), sq = squares.Get(d);
                // The case's largest use first, then against the other cases': no dictionary look-up per element.
                (double Used, int At) most = (double.NegativeInfinity, -1), mostTier = most;
                for (int i = 0; i < a.Length; i++)
                {
                    elements++;
                    if (!SameBits(a[i], (float)(BFloat16)sum[i])) notCorrectlyRounded++;
                    double budget = gamma * m[i] + k * float.Epsilon;
                    // Written out from docs/tolerance.md, not taken from the code under test.
                    double tier = Math.Min(budget, TensorComparison.Lambda * Math.ScaleB(1, -24) * Math.Sqrt(k * (sq[i] + sum[i] * sum[i]) / 3) + k * float.Epsilon);
                    double neighbour = sum[i] > a[i] ? DTypes.NextUp(DType.BFloat16, a[i]) : DTypes.NextDown(DType.BFloat16, a[i]);
                    double excess = Math.Abs(a[i] - sum[i]) - Math.Abs(neighbour - a[i]) / 2;
                    double used = excess / budget, usedTier = excess / tier;
                    if (double.IsNaN(used)) used = usedTier = double.PositiveInfinity; // a NaN result is as far off as can be
                    if (most.At < 0 || used > most.Used) most = (used, i);
                    if (mostTier.At < 0 || usedTier > mostTier.Used) mostTier = (usedTier, i);
                }
                if (most.At >= 0 && (!worst.TryGetValue(d, out var w) || most.Used > w.Used)) worst[d] = (most.Used, $"{c.Id} {d.TensorName()}[{most.At}]");
                if (mostTier.At >= 0 && (!worstTier.TryGetValue(d, out var t) || mostTier.Used > t.Used)) worstTier[d] = (mostTier.Used, $"{c.Id} {d.TensorName()}[{mostTier.At}]");
            }
        }
        foreach (var (d, w) in worst.OrderBy(kv => kv.Key))
            TestContext.Out.WriteLine($"{d.TensorName()}: largest excess/budget {w.Used:F3} at {w.Where}; excess/tier budget {worstTier[d].Used:F3} at {worstTier[d].Where}");
        TestContext.Out.WriteLine($"{cases.Count} cases, {elements} elements, {notCorrectlyRounded} not the correctly rounded exact sum");
        Assert.That(elements, Is.GreaterThan(10_000_000), "ResNet-50's layers were measured");
        string budgets = string.Join("; ", worst.Values.Select(w => $"{w.Used} at {w.Where}"));
        // Where torch offers bfloat16 as a reference, every result keeps the rule; where it declines (a bfloat16
        // accumulator), the measurement shows why: results far outside the float32 budget.
        if (torch.Provides(cases[0].Problem, Direction.Forward, out string? why))
        {
            Assert.That(worst.Values.Select(w => w.Used), Is.All.LessThanOrEqualTo(1.0), budgets);
            Assert.That(worstTier.Values.Select(w => w.Used), Is.All.LessThanOrEqualTo(1.0), string.Join("; ", worstTier.Values.Select(w => $"{w.Used} at {w.Where}")));
        }
        else
            Assert.That(worst.Values.Max(w => w.Used), Is.GreaterThan(1.0), $"torch declines bfloat16 ({why}), yet its results keep the rule: {budgets}");
    }
}
