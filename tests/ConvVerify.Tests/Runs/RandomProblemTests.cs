using ConvVerify.Catalog;
using ConvVerify.Problems;
using ConvVerify.Runs;
using ConvVerify.Tests.Cli;

namespace ConvVerify.Tests.Runs;

/// <summary>Random problems: reproducible, valid, covering the parameter space, and checked against live torch on every run.</summary>
public class RandomProblemTests
{
    [Test]
    public void TheStreamIsReproducibleAndProblemIDoesNotDependOnN()
    {
        var ten = RandomProblems.Take(7, 10);
        var three = RandomProblems.Take(7, 3);
        Assert.That(three, Is.EqualTo(ten.Take(3)));
        Assert.That(RandomProblems.At(7, 9), Is.EqualTo(ten[9]));
        Assert.That(RandomProblems.Take(8, 10), Is.Not.EqualTo(ten));
        Assert.That(ten.Select(p => p.Name), Is.EqualTo(Enumerable.Range(0, 10).Select(i => $"r7_{i}")));
    }

    [Test]
    public void AProblemsIndexIsReadFromItsNameInItsOwnStreamOnly()
    {
        Assert.That(RandomProblems.IndexOf(RandomProblems.At(7, 12), 7), Is.EqualTo(12));
        Assert.That(RandomProblems.IndexOf(RandomProblems.At(ulong.MaxValue, 0), ulong.MaxValue), Is.EqualTo(0));
        Assert.That(RandomProblems.IndexOf(RandomProblems.At(7, 12), 1), Is.Null);
        Assert.That(RandomProblems.IndexOf(RandomProblems.At(17, 2), 1), Is.Null);
        foreach (string name in (string[])["r7_012", "r7_+12", "r7_12 ", "r7_", "r7_99999999999", "q7_12"])
            Assert.That(RandomProblems.IndexOf(BenchdnnDescriptor.Parse($"mb1ic1iw3oc1kw1n\"{name}\""), 7), Is.Null, name);
        Assert.That(RandomProblems.IndexOf(BenchdnnDescriptor.Parse("mb1ic1iw3oc1kw1"), 7), Is.Null);
    }

    [Test]
    public void TheStreamIsPinnedAcrossVersions()
    {
        // Recorded from `convverify cases --random 3 --seed 1` when the stream was documented (docs/random-problems.md):
        // a CI log's r1_2 must name the same problem in every later version, so any change to the draw shows here.
        Assert.That(RandomProblems.Take(1, 3).Select(p => p.ToString()), Is.EqualTo(new[]
        {
            "mb4ic4iw2oc3ow1kw2sw3pw2n\"r1_0\"",
            "mb2ic4ih12iw5oc1oh12ow1kh1kw6sh1sw2ph0pw1n\"r1_1\"",
            "mb1ic8ih5iw10oc3oh2ow8kh3kw5sh3sw1ph3pw3dh0dw1n\"r1_2\"",
        }));
    }

    /// <summary>
    /// Problems recomputed outside the code, by a Python re-implementation of docs/random-problems.md (with the problem's
    /// validity and stored end padding). Each is the first of its seed whose draws depend on one rule: r1_3 keeps a dim
    /// of one input element (input + end padding exactly 1); r1_10 is grouped with 3 output channels per group; r1_13
    /// and r1_141 follow rejected draws that cropped a whole dim (r1_141's in only one of three dims); r1_1892 and r6_113
    /// follow draws rejected for y's size alone (20,160 and 27,648 elements), r58_71 one rejected for its 2,634,240
    /// multiply-adds alone.
    /// </summary>
    [Test]
    public void ProblemsBehindEachRedrawRuleArePinned()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RandomProblems.At(1, 3), Is.EqualTo(new ConvProblem(1, 2, 2, 2, [5, 4, 1], [1, 1, 1], [1, 1, 1], [3, 3, 3], [3, 1, 0], [1, 1, 1], true, name: "r1_3")));
            Assert.That(RandomProblems.At(1, 10), Is.EqualTo(new ConvProblem(1, 4, 16, 12, [1, 2], [1, 3], [3, 1], [0, 1], [0, 1], [1, 1], true, name: "r1_10")));
            Assert.That(RandomProblems.At(1, 13), Is.EqualTo(new ConvProblem(4, 8, 8, 24, [12, 3], [6, 3], [2, 3], [2, 3], [0, 2], [1, 2], true, name: "r1_13")));
            Assert.That(RandomProblems.At(1, 141), Is.EqualTo(new ConvProblem(2, 3, 9, 12, [5, 2, 6], [2, 5, 6], [1, 1, 1], [0, 2, 2], [0, 2, -2], [1, 1, 1], false, name: "r1_141")));
            Assert.That(RandomProblems.At(1, 1892), Is.EqualTo(new ConvProblem(2, 3, 3, 12, [3, 4, 3], [5, 7, 3], [1, 3, 1], [3, 3, 1], [1, 3, -1], [1, 1, 1], true, name: "r1_1892")));
            Assert.That(RandomProblems.At(6, 113), Is.EqualTo(new ConvProblem(4, 1, 2, 8, [5, 5, 1], [5, 3, 4], [1, 1, 2], [2, 2, 3], [2, 0, 2], [1, 1, 1], false, name: "r6_113")));
            Assert.That(RandomProblems.At(58, 71), Is.EqualTo(new ConvProblem(2, 4, 4, 12, [5, 6, 4], [2, 4, 4], [2, 1, 3], [3, 2, 2], [0, 2, 1], [3, 1, 1], true, name: "r58_71")));
        });
    }

    [Test]
    public void AProblemWhoseWindowsAllLieInPaddingIsKeptAsDocumented()
    {
        // docs/random-problems.md: only the drawn end padding is tested, so r99_125's one row of windows reads only the
        // begin padding and the problem keeps an end padding cropping its one input row; the doc names it.
        var p = RandomProblems.At(99, 125);
        Assert.That(p.ToString(), Is.EqualTo("mb3ic4ih1iw10oc4oh1ow5kh1kw5sh3sw1ph1pw3dh2dw1n\"r99_125\""));
        Assert.That((p.Input[0], p.PadBegin[0], p.PadEnd[0]), Is.EqualTo((1, 1, -1)));
        Assert.That(File.ReadAllText(Path.Combine(Locations.RepositoryRoot()!, "docs", "random-problems.md")), Does.Contain("mb3ic4ih1iw10oc4oh1ow5kh1kw5sh3sw1ph1pw3dh2dw1"));
    }

    [Test]
    public void AProblemNotFoundByTheLastDrawIsRefused()
    {
        // r1_3's first two draws have no output (the Python re-implementation's count), its third is the problem.
        Assert.That(RandomProblems.At(1, 3, maxDraws: 3), Is.EqualTo(RandomProblems.At(1, 3)));
        Assert.That(() => RandomProblems.At(1, 3, maxDraws: 2), Throws.InvalidOperationException
            .With.Message.EqualTo("random problems: no valid problem in 2 draws for seed 1, index 3"));
    }

    [Test]
    public void TwoThousandProblemsSpanExactlyTheDocumentedRanges()
    {
        var ps = RandomProblems.Take(3, 2000);
        var dims = ps.SelectMany(p => Enumerable.Range(0, p.Rank).Select(d => (P: p, D: d))).ToList();
        (int, int) Range(IEnumerable<int> values) { var v = values.ToList(); return (v.Min(), v.Max()); }
        Assert.Multiple(() =>
        {
            Assert.That(Range(ps.Select(p => p.Mb)), Is.EqualTo((1, 4)), "mb");
            Assert.That(Range(ps.Where(p => p.Groups == 1).Select(p => p.IC)), Is.EqualTo((1, 8)), "channels of an ungrouped problem");
            Assert.That(Range(ps.Where(p => p.Groups == 1).Select(p => p.OC)), Is.EqualTo((1, 8)));
            Assert.That(Range(ps.Where(p => p.Groups > 1 && p.IC > p.Groups).Select(p => p.Groups)), Is.EqualTo((2, 4)), "groups of a grouped problem");
            Assert.That(Range(ps.Where(p => p.Groups > 1 && p.IC > p.Groups).Select(p => p.IC / p.Groups)), Is.EqualTo((2, 4)));
            // Only the depthwise draw has more than four groups.
            Assert.That(Range(ps.Where(p => p.IC == p.Groups && p.Groups > 4).Select(p => p.OC / p.Groups)), Is.EqualTo((1, 3)), "depthwise multiplier");
            Assert.That(ps.Where(p => p.IC == p.Groups).Max(p => p.Groups), Is.EqualTo(8), "depthwise groups");
            Assert.That(Range(dims.Select(x => x.P.Kernel[x.D])), Is.EqualTo((1, 7)), "kernel");
            Assert.That(Range(dims.Select(x => x.P.Dilation[x.D])), Is.EqualTo((1, 3)), "dilation");
            Assert.That(Range(dims.Select(x => x.P.Stride[x.D])), Is.EqualTo((1, 3)), "stride");
            Assert.That(Range(dims.Where(x => x.P.Rank < 3).Select(x => x.P.Input[x.D])), Is.EqualTo((1, 12)), "input, rank 1-2");
            Assert.That(Range(dims.Where(x => x.P.Rank == 3).Select(x => x.P.Input[x.D])), Is.EqualTo((1, 6)), "input, rank 3");
            Assert.That(Range(dims.Select(x => x.P.PadBegin[x.D])), Is.EqualTo((0, 3)), "begin padding");
            // The end padding is drawn in −2…3; a problem stores a crop past every window as a crop of the whole input.
            Assert.That(dims.Max(x => x.P.PadEnd[x.D]), Is.EqualTo(3), "end padding");
            Assert.That(dims.Count(x => x.P.PadEnd[x.D] == -2), Is.GreaterThan(100), "crops of two elements");
            Assert.That(dims.Count(x => x.P.PadEnd[x.D] == -1), Is.GreaterThan(100), "crops of one element");
            // Dilation and stride are drawn 1 with probability 1/2 + 1/2·1/3 and the bias with 3/4; redraws of problems
            // without an output favour the small ones a little (this stream: dilation 1 in 0.78 of dims, stride 1 in 0.67, bias in 0.75 of problems).
            Assert.That(dims.Count(x => x.P.Dilation[x.D] == 1) / (double)dims.Count, Is.InRange(0.62, 0.85), "dilation 1");
            Assert.That(dims.Count(x => x.P.Stride[x.D] == 1) / (double)dims.Count, Is.InRange(0.62, 0.85), "stride 1");
            Assert.That(ps.Count(p => p.HasBias) / 2000.0, Is.InRange(0.70, 0.80), "bias");
            Assert.That(ps.Max(p => Math.Max(p.XSize, Math.Max(p.WSize, p.YSize))), Is.LessThanOrEqualTo(RandomProblems.MaxElements));
            Assert.That(ps.Max(p => p.MultiplyAdds), Is.LessThanOrEqualTo(RandomProblems.MaxMacs));
        });
    }

    /// <summary>
    /// The limits are inclusive and apply to each tensor and the multiply-adds alone. The stream itself never draws x
    /// at the limit (at most 4·16·6³ = 13,824 elements) nor w (a power of two needs kernels of 1, 2 or 4: at most 2¹²),
    /// so hand-made problems pin them: each exactly at one limit is kept, each one past one limit (the rest within) is not.
    /// </summary>
    [TestCase("mb1ic1iw16384oc1kw1sw2", true, TestName = "x at the limit")]
    [TestCase("mb1ic1iw4096oc4kw1", true, TestName = "y at the limit")]
    [TestCase("mb1ic16iw64oc16kw64", true, TestName = "w at the limit")]
    [TestCase("mb1ic16ih19iw19oc32kh4kw4", true, TestName = "multiply-adds at the limit")]
    [TestCase("mb1ic1iw16386oc1kw1sw2", false, TestName = "x past the limit")]
    [TestCase("mb1ic1iw4097oc4kw1", false, TestName = "y past the limit")]
    [TestCase("mb1ic16iw65oc16kw65", false, TestName = "w past the limit")]
    [TestCase("mb1ic16ih19iw20oc32kh4kw4", false, TestName = "multiply-adds past the limit")]
    public void EachLimitIsInclusiveAndStandsAlone(string descriptor, bool kept)
    {
        var p = BenchdnnDescriptor.Parse(descriptor);
        long[] sizes = [p.XSize, p.WSize, p.YSize];
        int atOrPast = sizes.Count(s => s >= RandomProblems.MaxElements) + (p.MultiplyAdds >= RandomProblems.MaxMacs ? 1 : 0);
        Assert.That(atOrPast, Is.EqualTo(1), $"x {p.XSize}, w {p.WSize}, y {p.YSize}, {p.MultiplyAdds} multiply-adds: exactly one limit reached");
        Assert.That(RandomProblems.WithinLimits(p), Is.EqualTo(kept));
    }

    [Test]
    public void ANegativeIndexOrNoCasesIsRefused()
    {
        Assert.That(() => RandomProblems.At(1, -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("index"));
        Assert.That(() => RandomProblems.Take(1, 0), Throws.ArgumentException.With.Message.StartsWith("random: the number of cases must be at least 1, got 0"));
        Assert.That(RandomProblems.Take(1, 1), Has.Count.EqualTo(1));
    }

    [Test]
    public void FiveHundredProblemsCoverTheDocumentedSpace()
    {
        var ps = RandomProblems.Take(1, 500);
        Assert.Multiple(() =>
        {
            foreach (int r in new[] { 1, 2, 3 }) Assert.That(ps.Count(p => p.Rank == r), Is.GreaterThan(100), $"rank {r}");
            Assert.That(ps.Count(p => p.Groups > 1 && p.IC == p.Groups), Is.GreaterThan(20), "depthwise");
            Assert.That(ps.Count(p => p.Groups > 1 && p.IC == p.Groups && p.OC > p.Groups), Is.GreaterThan(10), "depthwise with a multiplier");
            Assert.That(ps.Count(p => p.Groups > 1 && p.IC > p.Groups), Is.GreaterThan(20), "grouped");
            Assert.That(ps.Count(p => Enumerable.Range(0, p.Rank).Any(d => p.PadEnd[d] < 0)), Is.GreaterThan(20), "cropping end padding");
            Assert.That(ps.Count(p => Enumerable.Range(0, p.Rank).Any(d => p.Kernel[d] > p.Input[d])), Is.GreaterThan(20), "kernel larger than the input");
            Assert.That(ps.Count(p => Enumerable.Range(0, p.Rank).Any(d => p.Stride[d] > p.Kernel[d])), Is.GreaterThan(20), "stride larger than the kernel");
            Assert.That(ps.Count(p => Enumerable.Range(0, p.Rank).Any(d => p.Dilation[d] > 1)), Is.GreaterThan(50), "dilation");
            Assert.That(ps.Count(p => Enumerable.Range(0, p.Rank).Any(d => p.PadBegin[d] != p.PadEnd[d])), Is.GreaterThan(50), "asymmetric padding");
            Assert.That(ps.Count(p => !p.HasBias), Is.GreaterThan(50), "no bias");
            Assert.That(ps.Count(p => p.Mb > 1), Is.GreaterThan(200), "minibatch");
            Assert.That(ps.Select(p => p.XSize).Max(), Is.LessThanOrEqualTo(RandomProblems.MaxElements));
        });
    }

    [Test]
    public void TheCommandLineDrawsThemAndRefusesThemForPacks()
    {
        var r = CliTestBase.Run("cases", "--random", "4", "--seed", "11");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("r11_3").And.Contain("4 problems"));
        Assert.That(CliTestBase.Run("cases", "--random", "0").Err, Does.Contain("--random").And.Contain("got '0'"));
        Assert.That(CliTestBase.Run("check", "--random", "3").Err, Does.Contain("--random goes with a live oracle"));
        Assert.That(CliTestBase.Run("cases", "--random", "3", "--set", "basic").Err, Does.Contain("only one of"));
    }

    [Test]
    public void OneProblemOfTheStreamIsSelectedAlone()
    {
        // A descriptor cannot say "no bias": soak reproduced such a problem i with --random i+1, rerunning all before it.
        var alone = CaseSelection.Resolve(null, null, [], null, null, "question", randomSeed: 11, randomIndex: 7);
        Assert.That(alone.Problems, Is.EqualTo(new[] { RandomProblems.Take(11, 8)[7] }));
        Assert.That(alone.Problems[0].Name, Is.EqualTo("r11_7"));
        Assert.That(CaseSelection.Resolve(null, null, [], null, null, "question", randomSeed: 11, randomIndex: 0).Problems, Is.EqualTo(new[] { RandomProblems.At(11, 0) }));
        Assert.That(() => CaseSelection.Resolve(null, null, [], null, null, "question", randomIndex: -1),
            Throws.ArgumentException.With.Message.EqualTo("--random-index: the index must be 0 or more, got -1"));
        Assert.That(() => CaseSelection.Resolve(null, null, [], null, null, "question", random: 3, randomIndex: 1),
            Throws.ArgumentException.With.Message.EqualTo("give only one of --set, --batch, --random, --random-index and descriptors"));

        var r = CliTestBase.Run("cases", "--random-index", "3", "--seed", "11");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("r11_3").And.Contain("1 problem from random problem 3 (seed 11)"));
        Assert.That(r.Out, Does.Not.Contain("r11_2").And.Not.Contain("r11_0"));
        Assert.That(CliTestBase.Run("cases", "--random-index", "-1").Err, Does.Contain("--random-index: expected a whole number from 0 to 2147483647, got '-1'"));
        Assert.That(CliTestBase.Run("check", "--random-index", "3").Err, Does.Contain("--random-index goes with a live oracle"));
        Assert.That(CliTestBase.Run("cases", "--random-index", "3", "--random", "2").Err, Does.Contain("only one of"));
    }
}
