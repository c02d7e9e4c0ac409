using ConvVerify.Catalog;
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
        Assert.That(CliTestBase.Run("cases", "--random", "0").Err, Does.Contain("--random").And.Contain("got 0"));
        Assert.That(CliTestBase.Run("check", "--random", "3").Err, Does.Contain("--random goes with a live oracle"));
        Assert.That(CliTestBase.Run("cases", "--random", "3", "--set", "basic").Err, Does.Contain("only one of"));
    }
}
