using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Fixtures;
using ConvVerify.Problems;
using ConvVerify.Runs;
using ConvVerify.Tests.Cli;
using ConvVerify.Tests.Fixtures;

namespace ConvVerify.Tests.LowPrecision;

/// <summary>
/// Implementations of bfloat16 convolution that get it wrong in the two usual ways are rejected by the committed
/// <c>basic</c> pack, and one that gets it right (in another summation order) passes, both as a .NET implementation and as
/// a candidate folder of <c>&lt;u2</c> files through <c>verify-impl</c>.
/// </summary>
public class LowPrecisionCandidateTests : CliTestBase
{
    private static IReadOnlyList<string> Bf16Cases(FixturePack pack) => [.. pack.CaseIds.Where(id => id.Contains("__bf16_", StringComparison.Ordinal))];

    private static List<RunRow> RunOnBasic(Accumulation mode)
    {
        var pack = CommittedPacks.Open("basic");
        var ids = Bf16Cases(pack);
        Assert.That(ids, Has.Count.GreaterThan(100), "the basic pack holds its bf16 cases");
        return [.. ids.SelectMany(id => ConvVerify.Tests.Runs.Check.Implementation(new LowPrecisionCandidate(mode), pack, id))];
    }

    private static string Summary(IEnumerable<RunRow> rows) =>
        string.Join("; ", rows.GroupBy(r => (r.Fill, r.Outcome)).Select(g => $"{g.Key.Fill} {g.Key.Outcome.Name()}: {g.Count()}"));

    [Test]
    public void FloatSumsRoundedOnceInAnotherOrderPass()
    {
        var rows = RunOnBasic(Accumulation.Float32RoundedOnce);
        Assert.That(rows.Where(r => r.Outcome != Outcome.Pass).Select(r => $"{r.Case} {r.Direction}: {r.Reason}"), Is.Empty);
    }

    [Test]
    public void AccumulatingInBFloat16IsRejected()
    {
        var rows = RunOnBasic(Accumulation.InBFloat16);
        var failed = rows.Where(r => r.Outcome is Outcome.Fail or Outcome.Suspicious).ToList();
        TestContext.Out.WriteLine(Summary(rows));
        Assert.That(failed, Is.Not.Empty, Summary(rows));
        // The integer fill's sums leave bfloat16's exact integers (256) long before float32's: exact comparison sees it.
        Assert.That(failed.Where(r => r.Fill == "integer"), Is.Not.Empty, Summary(rows));
    }

    [Test]
    public void RoundingTowardZeroIsRejected()
    {
        var rows = RunOnBasic(Accumulation.TowardZero);
        var failed = rows.Where(r => r.Outcome is Outcome.Fail or Outcome.Suspicious).ToList();
        TestContext.Out.WriteLine(Summary(rows));
        // basic's integer sums mostly stay within bfloat16's exact integers, where no rounding happens; the normal fill's
        // results are rounded everywhere, and cut toward zero they leave ½ ulp of the exact sum on about half the elements.
        Assert.That(failed.Where(r => r.Fill == "normal").Count(), Is.GreaterThan(100), Summary(rows));
    }

    [TestCase(Accumulation.InBFloat16)]
    [TestCase(Accumulation.TowardZero)]
    public void AWrongReferenceIsSeenWhenTheDefinitionIsCheckedAgainstIt(Accumulation mode)
    {
        // check's roles: the definition is the subject, the reference (torch) the expected side. A rule measuring the
        // subject against the exact sum alone passed the definition beside any reference, however wrong.
        var pack = CommittedPacks.Open("basic");
        int failed = 0, compared = 0;
        foreach (string id in Bf16Cases(pack).Where(id => id.Contains("_normal", StringComparison.Ordinal)))
        {
            var c = pack.Read<float>(id);
            var p = c.Case.Problem;
            var wrong = Directions.ComputeAll(new LowPrecisionCandidate(mode), p, c.Inputs);
            foreach (var d in Directions.For(p))
            {
                var v = TensorComparison.Compare<float>(p, d, c.Inputs, wrong.Get(d), c.Expected[d], Tolerance.Probabilistic);
                compared++;
                if (!v.Passed) failed++;
            }
        }
        TestContext.Out.WriteLine($"{mode}: {failed} of {compared} directions fail");
        Assert.That(compared, Is.GreaterThan(200));
        // As the same references fail as candidates (RoundingTowardZeroIsRejected: about half of the elements leave ½ ulp).
        Assert.That(failed, Is.GreaterThan(compared / 2), $"{mode}: {failed} of {compared}");
    }

    [Test]
    public void AnUnroundedFloat32ResultIsNotABFloat16Result()
    {
        // An implementation that hands back its float32 sums: close, but not what a bfloat16 kernel stores.
        var pack = CommittedPacks.Open("basic");
        var rows = Bf16Cases(pack).SelectMany(id => ConvVerify.Tests.Runs.Check.Implementation(new UnroundedForward(), pack, id)).ToList();
        var notBf16 = rows.Where(r => r.Reason.Contains("not a bfloat16 value", StringComparison.Ordinal)).ToList();
        Assert.That(notBf16, Is.Not.Empty, Summary(rows));
        Assert.That(notBf16.Select(r => r.Outcome), Is.All.EqualTo(Outcome.Fail));
    }

    // The candidate's results as the files another implementation would write: <u2 raw bits, case.json saying bfloat16.
    private string WriteCandidateFolder(string pack, Accumulation mode)
    {
        string dir = TempPath("candidate-" + mode);
        var p = FixturePack.Open(pack);
        foreach (string id in Bf16Cases(p))
        {
            var c = p.Read<float>(id);
            var results = Directions.ComputeAll(new LowPrecisionCandidate(mode), c.Case.Problem, c.Inputs);
            Directory.CreateDirectory(Path.Combine(dir, id));
            foreach (var d in Directions.For(c.Case.Problem))
                Npy.Write(Path.Combine(dir, id, d.TensorName() + ".npy"), d.ShapeOf(c.Case.Problem), results.Get(d), DType.BFloat16);
        }
        return dir;
    }

    [TestCase(Accumulation.Float32RoundedOnce, 0)]
    [TestCase(Accumulation.InBFloat16, 1)]
    [TestCase(Accumulation.TowardZero, 1)]
    [TestCase(Accumulation.OutwardToPowersOfTwo, 1)]
    public void VerifyImplJudgesBFloat16CandidateFiles(Accumulation mode, int exit)
    {
        string pack = CommittedPacks.Dir("basic");
        string candidate = WriteCandidateFolder(pack, mode);
        // The candidate has bf16 results only; the pack's f32 and f64 cases are "not provided", which --require any accepts.
        var r = Run("verify-impl", "--pack", pack, "--candidate", candidate, "--require", "any");
        if (exit == 0) Assert.That(r.Out, Does.Contain("416 passed, 0 failed"), r.ToString());
        Assert.That(r.Code, Is.EqualTo(exit), r.ToString());
        string first = Directory.GetDirectories(candidate).Order(StringComparer.Ordinal).First();
        using var f = File.OpenRead(Path.Combine(first, "y.npy"));
        var head = new byte[64];
        f.ReadExactly(head);
        Assert.That(System.Text.Encoding.Latin1.GetString(head), Does.Contain("'descr': '<u2'"), "bfloat16 files hold raw bits");
    }
}

/// <summary>A forward that returns its float32 sums as they are, unrounded; the other directions it does not have.</summary>
internal sealed class UnroundedForward : ConvVerify.Convolution.IConvImplementation
{
    public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        ConvVerify.Convolution.ConvMatrix<T>.Build(p, w).Multiply(x, b).CopyTo(y);

    public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        throw new NotSupportedException("forward only");

    public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        throw new NotSupportedException("forward only");

    public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        throw new NotSupportedException("forward only");
}
