using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Convolution;

/// <summary>
/// <see cref="ExactConv"/> is <see cref="NaiveConv"/> bit for bit: on the catalog, on thousands of random problems
/// with special values, and across vector widths and thread counts. Results are compared as raw bits (any NaN
/// equals any NaN), so −0 against +0 or a last-bit difference from another summation order fails.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class ExactConvTests
{
    private static readonly ExactConvOptions Vectors1Thread = new() { MaxThreads = 1 };

    // Every core even on problems too small to share, which Default runs on one thread: the random problems are small.
    private static readonly ExactConvOptions AllThreads = new() { MinWorkPerThread = 0 };

    // ---- the catalog ----

    private static IEnumerable<TestCaseData> CommittedSets() =>
        from set in new[] { "question", "basic", "pytorch" }
        from dtype in new[] { DType.Float32, DType.Float64 }
        select new TestCaseData(set, dtype).SetArgDisplayNames(set, dtype.ToString());

    [TestCaseSource(nameof(CommittedSets))]
    public void EqualsNaiveOnEveryCaseOfTheSet(string set, DType dtype)
    {
        foreach (var c in CaseSets.AllVariants(set).Where(c => c.Problem.DType == dtype))
        {
            if (dtype == DType.Float32) AllDirections(c.Problem, c.MakeInputs<float>(), c.Id);
            else AllDirections(c.Problem, c.MakeInputs<double>(), c.Id);
        }
    }

    /// <summary>
    /// ResNet-50 in float32, forward, dL/dx and dL/dw on all cores, on every 3x3 layer (stride 1 and 2), the 7x7
    /// stride-2 stem, a stride-2 1x1 and a 1x1 reduce: every kernel path the 23 layers take (the other 1x1 layers only
    /// differ in size, and the suite's time budget does not cover them). The naive loops
    /// would take a minute and a half on the whole layers, so they run on sub-problems of three channels (first,
    /// last, one between; the last alone when there are at most four) of the side the element does not sum over: an element's terms do not depend on how many
    /// other channels there are, so the sub-problem's element is the full problem's, computed by the same loops.
    /// Inputs are uniform in [−1, 1) from <see cref="Random"/> rather than the catalog's normal fill, whose
    /// twelve-uniform sums cost about three seconds for these tensors; any real-valued fill shows a reordering.
    /// </summary>
    private static IEnumerable<TestCaseData> ResNet50Layers() =>
        CaseSets.Load("resnet50").Where(p => p.Name is { } n && (n.Contains("3x3") || n is "resnet50_conv1" or "res3_downsample_1x1_s2" or "res4_1x1_reduce"))
            .Select(p => new TestCaseData(p).SetArgDisplayNames(p.Name!));

    [TestCaseSource(nameof(ResNet50Layers))]
    public void EqualsNaiveOnResNet50ChannelSlices(ConvProblem p)
    {
        {
            var rng = RandomProblems.Rng(p, 50);
            var inputs = new ConvInputs<float>(Uniform(p.XSize, rng), Uniform(p.WSize, rng), Uniform(p.BSize, rng), Uniform(p.YSize, rng));
            int[] ocs = Pick(p.OC, rng), ics = Pick(p.IC, rng);
            int[] inSp = [.. p.Input], outSp = [.. p.Output];
            int ksz = p.Kernel.Aggregate(1, (a, b) => a * b);

            var y = new float[p.YSize];
            ExactConv.Forward<float>(p, inputs.X, inputs.W, inputs.B, y);
            var sub = Sub(p, p.IC, ocs.Length);
            var ySub = new float[sub.YSize];
            NaiveConv.Forward<float>(sub, inputs.X, Channels(inputs.W, p.OC, ocs, 1, p.IC * ksz), [.. ocs.Select(o => inputs.B[o])], ySub);
            Compare(ySub, Channels(y, p.OC, ocs, p.Mb, Count(outSp)), sub, "y (channels " + string.Join(",", ocs) + ")");

            var dx = new float[p.XSize];
            ExactConv.BackwardData<float>(p, inputs.Dy, inputs.W, dx);
            sub = Sub(p, ics.Length, p.OC);
            var dxSub = new float[sub.XSize];
            NaiveConv.BackwardData<float>(sub, inputs.Dy, Channels(inputs.W, p.IC, ics, p.OC, ksz), dxSub);
            Compare(dxSub, Channels(dx, p.IC, ics, p.Mb, Count(inSp)), sub, "dx (channels " + string.Join(",", ics) + ")");

            var dw = new float[p.WSize];
            ExactConv.BackwardWeights<float>(p, inputs.X, inputs.Dy, dw);
            sub = Sub(p, ics.Length, ocs.Length);
            var dwSub = new float[sub.WSize];
            NaiveConv.BackwardWeights<float>(sub, Channels(inputs.X, p.IC, ics, p.Mb, Count(inSp)), Channels(inputs.Dy, p.OC, ocs, p.Mb, Count(outSp)), dwSub);
            var dwRows = Channels(dw, p.OC, ocs, 1, p.IC * ksz);
            Compare(dwSub, Channels(dwRows, p.IC, ics, ocs.Length, ksz), sub, "dw (rows " + string.Join(",", ocs) + ", columns " + string.Join(",", ics) + ")");
        }

        // Few channels: only the last, or the stem's data gradient alone would cost the naive loops a second.
        static int[] Pick(int count, Random rng) => count <= 4 ? [count - 1] : [.. new[] { 0, rng.Next(count), count - 1 }.Distinct().Order()];
        static int Count(int[] extents) => extents.Aggregate(1, (a, b) => a * b);
        static ConvProblem Sub(ConvProblem p, int ic, int oc) =>
            new(p.Mb, 1, ic, oc, p.Input, p.Kernel, p.Stride, p.PadBegin, p.PadEnd, p.Dilation, p.HasBias, p.DType, p.Name);
    }

    /// <summary>
    /// Grouped layers at full size, where lanes run over groups, and few-channel layers for dL/dw: MobileNet-style depthwise 3x3 at stride 1 and 2, a
    /// depthwise 5x5 with a channel multiplier of 2, a ResNeXt-style 3x3 of 32 groups of 4 channels, and a 1x11 kernel
    /// on 3 input channels (dL/dw takes its 11 kw taps in two sets, of eight and three), and a 1x3 kernel on 3 input and
    /// 128 output channels (dL/dw has so few tasks that they take one or two output-channel blocks each), in both
    /// dtypes, in every direction against the naive loops, on all cores and on one (normal values in float32;
    /// special values, ±0, Inf and NaN among them, in float64).
    /// </summary>
    private static IEnumerable<TestCaseData> GroupedLayers() =>
        from d in new[] { "g256mb1ic256ih14oc256oh14kh3ph1", "g144mb2ic144ih15oc144oh8kh3sh2ph1", "g40mb1ic40ih12oc80oh12kh5ph2", "g32mb1ic128ih10oc128oh10kh3ph1", "mb2ic3ih5iw30oc20oh5ow30kh1kw11ph0pw5",
            "mb2ic3ih5iw12oc128oh5ow12kh1kw3ph0pw1" }
        from dtype in new[] { DType.Float32, DType.Float64 }
        select new TestCaseData(d, dtype).SetArgDisplayNames(d, dtype.ToString());

    [TestCaseSource(nameof(GroupedLayers))]
    public void EqualsNaiveOnGroupedAndFewChannelLayers(string descriptor, DType dtype)
    {
        var p = BenchdnnDescriptor.Parse(descriptor, dtype);
        var rng = RandomProblems.Rng(p, 7);
        if (dtype == DType.Float32) AllDirections(p, Make<float>(p, rng, ValueMode.Normal), descriptor, alsoScalar: true);
        else AllDirections(p, Make<double>(p, rng, ValueMode.Special), descriptor, alsoScalar: true);
    }

    /// <summary>
    /// Layers that take every shape of the forward and dL/dx tile: pairs of channel blocks and a lone last block with a
    /// lane tail (40 and 20 channels in 16 or 8 lanes), blocks of eight positions, of fewer positions padded to eight
    /// or four (a 7x7 plane's borders and corners), term lists of one, many and no terms; with strides, dilations,
    /// two groups, 1-element extents and a 3-D kernel; both dtypes, all cores and one, vectors and scalars.
    /// </summary>
    private static IEnumerable<TestCaseData> TileLayers() =>
        from d in new[]
        {
            "mb1ic20ih7oc40oh7kh3ph1", "g2mb2ic66ih5iw9oc36oh3ow5kh3kw2sh2sw2ph1pw1dh1dw1", "mb1ic34ih1iw13oc34oh1ow13kh1kw3ph0pw1",
            "mb1ic17id3ih4iw4oc33od3oh4ow4kd3kh3kw3pd1ph1pw1", "mb1ic18ih3oc18oh7kh1ph2", "mb1ic33ih9oc17oh5kh5sh2ph2",
        }
        from dtype in new[] { DType.Float32, DType.Float64 }
        select new TestCaseData(d, dtype).SetArgDisplayNames(d, dtype.ToString());

    [TestCaseSource(nameof(TileLayers))]
    public void EqualsNaiveOnEveryTileShape(string descriptor, DType dtype) => EqualsNaiveOnGroupedAndFewChannelLayers(descriptor, dtype);

    private static float[] Uniform(int count, Random rng)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = rng.NextSingle() * 2 - 1;
        return v;
    }

    // The chosen channels of a tensor seen as (outer, channels, inner).
    private static float[] Channels(float[] t, int channels, int[] chosen, int outer, int inner)
    {
        var r = new float[outer * chosen.Length * inner];
        for (int a = 0; a < outer; a++)
        for (int c = 0; c < chosen.Length; c++)
            Array.Copy(t, ((long)a * channels + chosen[c]) * inner, r, ((long)a * chosen.Length + c) * inner, inner);
        return r;
    }

    // ---- random problems ----

    private const int RandomCount = 1200; // per dtype: 2,400 problems in all

    private static IEnumerable<TestCaseData> RandomBatches() =>
        from dtype in new[] { DType.Float32, DType.Float64 }
        from batch in Enumerable.Range(0, 8)
        select new TestCaseData(dtype, batch).SetArgDisplayNames(dtype.ToString(), "batch " + batch);

    /// <summary>
    /// Random problems over every parameter, each with inputs of one <see cref="ValueMode"/> (normal, integers with
    /// ±0, special values, overflowing values), all four directions, against the naive loops; for every third
    /// problem (800 in all) also the scalar 1-thread path and the vector 1-thread path.
    /// </summary>
    [TestCaseSource(nameof(RandomBatches))]
    public void EqualsNaiveOnRandomProblems(DType dtype, int batch)
    {
        var problems = ExactConvProblems.Generate(RandomCount, seed: 8 + (int)dtype, dtype).ToList();
        int per = (problems.Count + 7) / 8;
        foreach (var (p, i) in problems.Select((p, i) => (p, i)).Skip(batch * per).Take(per))
        {
            var mode = (ValueMode)(i % 4);
            var rng = RandomProblems.Rng(p, i);
            string what = $"random problem {i} ({mode} values)";
            if (dtype == DType.Float32) AllDirections(p, Make<float>(p, rng, mode), what, alsoScalar: i % 3 == 0);
            else AllDirections(p, Make<double>(p, rng, mode), what, alsoScalar: i % 3 == 0);
        }
    }

    [Test]
    public void TheGeneratorCoversEveryParameter()
    {
        var all = ExactConvProblems.Generate(RandomCount, 8, DType.Float32).Concat(ExactConvProblems.Generate(RandomCount, 9, DType.Float64)).ToList();
        Assert.Multiple(() =>
        {
            foreach (int rank in new[] { 1, 2, 3 }) Assert.That(all.Any(p => p.Rank == rank), $"rank {rank}");
            Assert.That(all.Any(p => p.Input.Any(i => i == 1)), "a 1-element extent");
            Assert.That(all.Any(p => Enumerable.Range(0, p.Rank).Any(d => (p.Kernel[d] - 1) * p.Dilation[d] + 1 > p.Input[d])), "kernel larger than input");
            Assert.That(all.Any(p => Enumerable.Range(0, p.Rank).Any(d => p.Stride[d] > p.Kernel[d])), "stride > kernel");
            Assert.That(all.Any(p => p.PadEnd.Any(e => e < 0)), "cropping end padding");
            Assert.That(all.Any(p => !p.PadBegin.SequenceEqual(p.PadEnd)), "asymmetric padding");
            Assert.That(all.Any(p => p.Dilation.Any(d => d > 1)), "dilation");
            Assert.That(all.Any(p => p.Groups > 1 && p.IC / p.Groups > 1), "groups");
            Assert.That(all.Any(p => p.Groups > 1 && p.IC == p.Groups && p.OC == p.Groups), "depthwise");
            Assert.That(all.Any(p => p.Groups > 1 && p.IC == p.Groups && p.OC > p.Groups), "depthwise with a multiplier");
            Assert.That(all.Any(p => p.HasBias) && all.Any(p => !p.HasBias), "with and without bias");
            Assert.That(all.Any(p => p.Mb > 1), "mb > 1");
            Assert.That(all.Any(p => p.OC / p.Groups > 48), "four blocks of 16 output channels");
            Assert.That(all.Any(p => p.IC / p.Groups >= 16), "two chunks of 8 input channels");
            Assert.That(all.Any(p => p.Output[^1] >= 8), "runs of 8 positions");
            Assert.That(all.Count(p => p.IC == p.Groups && p.Groups > 16 && p.Input.Aggregate(1, (a, b) => a * b) >= 16 && p.Output.Aggregate(1, (a, b) => a * b) >= 16) >= 20,
                "depthwise with a full and a partial block of 16 groups, planes of 16 positions");
            Assert.That(all.Count(p => p.Groups > 16 && p.IC / p.Groups == 2 && p.OC / p.Groups == 2) >= 5, "many groups of two channels");
        });
    }

    private static ConvInputs<T> Make<T>(ConvProblem p, Random rng, ValueMode mode) where T : unmanaged, IFloatingPointIeee754<T>, IMinMaxValue<T> =>
        new(ExactConvProblems.Values<T>(p.XSize, rng, mode), ExactConvProblems.Values<T>(p.WSize, rng, mode),
            ExactConvProblems.Values<T>(p.BSize, rng, mode), ExactConvProblems.Values<T>(p.YSize, rng, mode));

    // ---- special values by construction ----

    /// <summary>
    /// An infinite or NaN weight on a tap that reads padding for border outputs: the definition skips that term, so
    /// the border outputs stay finite; multiplying a padding zero would make them NaN.
    /// </summary>
    [TestCase(float.PositiveInfinity)]
    [TestCase(float.NaN)]
    public void ATermInPaddingIsSkippedNotMultipliedByZero(float special)
    {
        var p = BenchdnnDescriptor.Parse("mb1ic20ih9oc33oh9kh3ph1", DType.Float32, hasBias: false);
        var rng = new Random(3);
        var inputs = Make<float>(p, rng, ValueMode.Normal);
        for (int o = 0; o < p.OC; o++) inputs.W[o * 20 * 9] = special; // tap (0, 0) of every filter, channel 0
        var exact = new float[p.YSize];
        ExactConv.Forward<float>(p, inputs.X, inputs.W, inputs.B, exact);
        Assert.That(float.IsFinite(exact[(0 * 9 + 0) * 9 + 0]), "y[0,0,0,0] reads tap (0,0) in padding only");
        AllDirections(p, inputs, $"weights with {special} at tap (0,0)");
    }

    /// <summary>
    /// The accumulator starts at +0 and a sum of +0 and −0 is +0, so an element whose every term is −0 is +0, and
    /// an element with no term at all is +0 (or the bias): both as the definition computes them.
    /// </summary>
    [Test]
    public void NegativeZeroTermsGivePositiveZero()
    {
        var p = BenchdnnDescriptor.Parse("mb2ic17ih6oc19oh8kh1ph1", DType.Float64, hasBias: false);
        var inputs = new ConvInputs<double>(
            [.. Enumerable.Repeat(-0.0, p.XSize)], [.. Enumerable.Repeat(1.0, p.WSize)], [], [.. Enumerable.Repeat(-0.0, p.YSize)]);
        var y = new double[p.YSize];
        ExactConv.Forward<double>(p, inputs.X, inputs.W, inputs.B, y);
        Assert.That(y.All(v => BitConverter.DoubleToInt64Bits(v) == 0), "every y is +0");
        AllDirections(p, inputs, "all −0 inputs");
    }

    // ---- bad input ----

    private static readonly ConvProblem P = new(2, 1, 3, 4, [5, 5], [3, 3]);

    private static IEnumerable<TestCaseData> BadCalls()
    {
        float[] X(int extra = 0) => new float[P.XSize + extra];
        float[] W(int extra = 0) => new float[P.WSize + extra];
        float[] B(int extra = 0) => new float[P.BSize + extra];
        float[] Y(int extra = 0) => new float[P.YSize + extra];
        foreach (int e in new[] { -1, 1 })
        {
            string how = e < 0 ? "short" : "long";
            yield return new TestCaseData("x", (Action)(() => ExactConv.Forward<float>(P, X(e), W(), B(), Y()))).SetArgDisplayNames("Forward", "x", how);
            yield return new TestCaseData("w", (Action)(() => ExactConv.Forward<float>(P, X(), W(e), B(), Y()))).SetArgDisplayNames("Forward", "w", how);
            yield return new TestCaseData("b", (Action)(() => ExactConv.Forward<float>(P, X(), W(), B(e), Y()))).SetArgDisplayNames("Forward", "b", how);
            yield return new TestCaseData("y", (Action)(() => ExactConv.Forward<float>(P, X(), W(), B(), Y(e)))).SetArgDisplayNames("Forward", "y", how);
            yield return new TestCaseData("dy", (Action)(() => ExactConv.BackwardData<float>(P, Y(e), W(), X()))).SetArgDisplayNames("BackwardData", "dy", how);
            yield return new TestCaseData("w", (Action)(() => ExactConv.BackwardData<float>(P, Y(), W(e), X()))).SetArgDisplayNames("BackwardData", "w", how);
            yield return new TestCaseData("dx", (Action)(() => ExactConv.BackwardData<float>(P, Y(), W(), X(e)))).SetArgDisplayNames("BackwardData", "dx", how);
            yield return new TestCaseData("x", (Action)(() => ExactConv.BackwardWeights<float>(P, X(e), Y(), W()))).SetArgDisplayNames("BackwardWeights", "x", how);
            yield return new TestCaseData("dy", (Action)(() => ExactConv.BackwardWeights<float>(P, X(), Y(e), W()))).SetArgDisplayNames("BackwardWeights", "dy", how);
            yield return new TestCaseData("dw", (Action)(() => ExactConv.BackwardWeights<float>(P, X(), Y(), W(e)))).SetArgDisplayNames("BackwardWeights", "dw", how);
            yield return new TestCaseData("dy", (Action)(() => ExactConv.BackwardBias<float>(P, Y(e), B()))).SetArgDisplayNames("BackwardBias", "dy", how);
            yield return new TestCaseData("db", (Action)(() => ExactConv.BackwardBias<float>(P, Y(), B(e)))).SetArgDisplayNames("BackwardBias", "db", how);
        }
    }

    [TestCaseSource(nameof(BadCalls))]
    public void AWrongLengthIsRefusedByNameWithTheShape(string argument, Action call)
    {
        var e = Assert.Throws<ArgumentException>(() => call());
        Assert.That(e!.ParamName, Is.EqualTo(argument));
        Assert.That(e.Message, Does.StartWith($"{argument}: has ").And.Contain("the problem needs").And.Contain("(shape ("));
    }

    [Test]
    public void HalfIsRefusedAsNotTheElementTypeOfTheProblem()
    {
        // A float32 problem's values are float: Half, like any type but the problem's, is refused as NaiveConv refuses it.
        var e = Assert.Throws<ArgumentException>(() => ExactConv.Forward<Half>(P, new Half[P.XSize], new Half[P.WSize], new Half[P.BSize], new Half[P.YSize]));
        Assert.That(e!.Message, Does.Contain("is float32, whose values are float, not Half"));
        Assert.That(e.ParamName, Is.EqualTo("T"));
    }

    [Test]
    public void BiasGradientOfAProblemWithoutBiasIsRefused()
    {
        var p = P.WithBias(false);
        var e = Assert.Throws<ArgumentException>(() => ExactConv.BackwardBias<float>(p, new float[p.YSize], new float[p.OC]));
        Assert.That(e!.ParamName, Is.EqualTo("db"));
        Assert.That(e.Message, Does.Contain("has no bias"));
    }

    [Test]
    public void OptionsAreChecked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ExactConvOptions { MaxThreads = -1 });
        Assert.Throws<ArgumentNullException>(() => ExactConv.BackwardBias<float>(P, new float[P.YSize], new float[P.OC], null!));
        Assert.Throws<ArgumentNullException>(() => ExactConv.BackwardBias<float>(null!, new float[P.YSize], new float[P.OC]));
        // The presets' values: EngineDetailTests.
    }

    // ---- helpers ----

    /// <summary>
    /// Naive and exact in every direction; with <paramref name="alsoScalar"/>, also scalar and vector 1-thread runs.
    /// A grouped problem also runs with the lane layout the dispatch did not choose (lanes over a group's channels or
    /// over groups), so both layouts are checked on every grouped problem, and with <paramref name="alsoScalar"/> with
    /// lanes over groups on the scalar path.
    /// </summary>
    private static void AllDirections<T>(ConvProblem p, ConvInputs<T> c, string what, bool alsoScalar = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var naive = ConvVerify.Tests.Runs.Check.Naive(p, c);
        List<ExactConvOptions> runs = alsoScalar ? [AllThreads, ExactConvOptions.ScalarSingleThread, Vectors1Thread] : [AllThreads];
        if (p.Groups > 1)
        {
            runs.Add(AllThreads with { Layout = LaneLayout.Groups });
            runs.Add(new() { Layout = LaneLayout.Channels, MaxThreads = 1 });
            if (alsoScalar) runs.Add(ExactConvOptions.ScalarSingleThread with { Layout = LaneLayout.Groups });
        }
        foreach (var o in runs)
        {
            string how = $"{what}, {(o.UseVectors ? "vectors" : "scalar")}, {(o.MaxThreads == 0 ? "all" : o.MaxThreads.ToString())} thread(s), lanes {o.Layout}";
            var y = new T[p.YSize];
            ExactConv.Forward<T>(p, c.X, c.W, c.B, y, o);
            Compare(naive.Y, y, p, "y, " + how);
            var dx = new T[p.XSize];
            ExactConv.BackwardData<T>(p, c.Dy, c.W, dx, o);
            Compare(naive.Dx, dx, p, "dx, " + how);
            var dw = new T[p.WSize];
            ExactConv.BackwardWeights<T>(p, c.X, c.Dy, dw, o);
            Compare(naive.Dw, dw, p, "dw, " + how);
            if (!p.HasBias) continue;
            var db = new T[p.OC];
            ExactConv.BackwardBias<T>(p, c.Dy, db, o);
            Compare(naive.Db, db, p, "db, " + how);
        }
    }

    private static void Compare<T>(T[] expected, T[] actual, ConvProblem p, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), $"{p} ({p.DType}) {what}: length");
        for (int i = 0; i < expected.Length; i++)
        {
            if (Bits(expected[i]) != Bits(actual[i]) && !(T.IsNaN(expected[i]) && T.IsNaN(actual[i])))
                Assert.Fail($"{p} ({p.DType}) {what}: element {i} of {expected.Length} differs: naive {expected[i]:R} (0x{Bits(expected[i]):x}), exact {actual[i]:R} (0x{Bits(actual[i]):x})");
        }
    }

    private static long Bits<T>(T v) where T : unmanaged =>
        v is float f ? BitConverter.SingleToInt32Bits(f) : BitConverter.DoubleToInt64Bits((double)(object)v);
}
