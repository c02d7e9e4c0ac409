using ConvVerify.Cases;
using ConvVerify.Problems;
using ConvVerify.Runs;
using ConvVerify.Tests.Cli;

namespace ConvVerify.Tests.Runs;

/// <summary>
/// The naive engine runs the definition's loops in full, so its time follows their visits, not the multiply-adds: its
/// dL/dx visits every input position against every kernel tap. <c>--max-macs</c> holds the visits to the same limit
/// wherever that engine computes (a wide kernel over a wide input with one output position took 52 s at 10⁵
/// multiply-adds, and hours at 10⁶), and leaves the exact engine, which visits only the taps that land, as it was.
/// </summary>
public class NaiveLoopVisitTests : TempFolderTest
{
    // The probe: 10⁵ taps over 10⁵ inputs, one output position. 1·1·1·1·10⁵ = 100,000 multiply-adds; dL/dx visits
    // 1·1·10⁵ input positions · 1 filter · 10⁵ taps = 10¹⁰.
    private const string Probe = "mb1ic1iw100000oc1ow1kw100000pw0";

    [Test]
    public void VisitsCountedByHandFromTheLoops()
    {
        // g2, mb3, 4 → 6 channels, 5x7 input, 3x2 kernel, stride 1x2: output 3 by 3 (as ProblemDetailTests' sample).
        var a = new ConvProblem(3, 2, 4, 6, [5, 7], [3, 2], stride: [1, 2]);
        // dL/dx: n 3 · g 2 · ic 2 (4/2) · id 1 · ih 5 · iw 7 = 420 positions, each oc 3 (6/2) · kd 1 · kh 3 · kw 2 = 18 taps: 7,560.
        // Forward: n 3 · g 2 · oc 3 · od 1 · oh 3 · ow 3 = 162 positions, each ic 2 · kd 1 · kh 3 · kw 2 = 12 taps: 1,944;
        // dL/dw: g 2 · oc 3 · ic 2 · 3·2 taps = 72 weights, each n 3 · 3·3 positions = 27: 1,944 too.
        // 1-D, mb2, 2 → 3 channels, 7 inputs, 3 taps, stride 2: output (7 − 3)/2 + 1 = 3.
        var b = new ConvProblem(2, 1, 2, 3, [7], [3], stride: [2]);
        // dL/dx: n 2 · g 1 · ic 2 · iw 7 = 28 positions · oc 3 · kw 3 = 9 taps: 252. Forward: n 2 · oc 3 · ow 3 = 18
        // positions · ic 2 · kw 3 = 6 taps: 108; dL/dw: oc 3 · ic 2 · kw 3 = 18 weights · n 2 · ow 3 = 6: 108.
        // With padding the out-of-range taps are visited and skipped: pw 1 on both sides gives ow (7 + 2 − 3)/2 + 1 = 4,
        // forward n 2 · oc 3 · ow 4 · ic 2 · kw 3 = 144, dL/dx unchanged at 252.
        var padded = new ConvProblem(2, 1, 2, 3, [7], [3], stride: [2], padBegin: [1], padEnd: [1]);
        var probe = BenchdnnDescriptor.Parse(Probe);
        Assert.Multiple(() =>
        {
            Assert.That((a.DataGradientLoopVisits, a.NaiveLoopVisits), Is.EqualTo((7560L, 7560L)));
            Assert.That((b.DataGradientLoopVisits, b.NaiveLoopVisits), Is.EqualTo((252L, 252L)));
            Assert.That((padded.DataGradientLoopVisits, padded.NaiveLoopVisits), Is.EqualTo((252L, 252L)));
            Assert.That((probe.DataGradientLoopVisits, probe.NaiveLoopVisits), Is.EqualTo((10_000_000_000L, 10_000_000_000L)));
            // Forward and dL/dw visit more than dL/dx where the output outnumbers the input (a transposed-like stride-1
            // padding): 1 channel, 2 inputs, 3 taps, pw 2: output 2 + 4 − 3 + 1 = 4; forward 4·3 = 12, dL/dx 2·3 = 6.
            var wide = new ConvProblem(1, 1, 1, 1, [2], [3], padBegin: [2], padEnd: [2]);
            Assert.That((wide.DataGradientLoopVisits, wide.NaiveLoopVisits), Is.EqualTo((6L, 12L)));
        });
    }

    [Test]
    public void TheNaiveOracleSkipsTheProbeNamingItsLoopVisits()
    {
        string json = Path.Combine(Dir, "r.json");
        // A small problem beside it runs, so the run compares something and passes.
        var r = CliTestBase.Run("check", "--oracle", "naive", Probe, "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer", "--max-macs", "1000000", "--json", json);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        var report = RunReport.Read(json);
        Assert.That(report.Skipped.Select(s => (s.Descriptor, s.Kind)), Is.EqualTo(new[] { (Probe, "too-large") }));
        Assert.That(report.Skipped[0].Reason, Is.EqualTo(
            "too large for the naive engine: 10,000,000,000 loop visits in its dL/dx (every input position against every kernel tap; "
            + "100,000 multiply-adds per direction), more than --max-macs 1000000"));
        Assert.That(report.Rows.Select(row => row.Descriptor).Distinct(), Has.None.Contains("iw100000"));
        Assert.That(r.Out, Does.Contain("1 skipped: 1 too large"), r.ToString());
    }

    [Test]
    public void TheNaiveEngineCheckedIsHeldToItToo()
    {
        // The naive engine as the subject, against the exact one: 2,000 multiply-adds, 4,000,000 dL/dx visits.
        string json = Path.Combine(Dir, "r.json");
        var r = CliTestBase.Run("check", "--oracle", "exact", "--engine", "naive", "mb1ic1iw2000oc1ow1kw2000pw0", "mb1ic2ih4oc2kh3",
            "--dtype", "f32", "--fill", "integer", "--max-macs", "100000", "--json", json);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(RunReport.Read(json).Skipped.Select(s => s.Reason), Is.EqualTo(new[]
        {
            "too large for the naive engine: 4,000,000 loop visits in its dL/dx (every input position against every kernel tap; 2,000 multiply-adds per direction), more than --max-macs 100000",
        }));
    }

    [Test]
    public void APackMadeByTheNaiveEngineLeavesItOut()
    {
        string pack = Path.Combine(Dir, "pack");
        var r = CliTestBase.Run("fixtures", "generate", "--oracle", "naive", "--out", pack, "mb1ic1iw2000oc1ow1kw2000pw0", "mb1ic2ih4oc2kh3",
            "--dtype", "f32", "--fill", "integer", "--max-macs", "100000");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Directory.GetDirectories(pack).Select(Path.GetFileName), Is.EqualTo(new[] { "mb1ic2ih4oc2oh2kh3ph0__f32_integer" }), r.ToString());
    }

    [Test]
    public void TheExactEngineStillRunsTheProbe()
    {
        // Its 100,000 multiply-adds are within the limit, and the exact engine visits only the taps that land.
        string json = Path.Combine(Dir, "r.json");
        var r = CliTestBase.Run("check", "--oracle", "exact", Probe, "--dtype", "f32", "--fill", "integer", "--max-macs", "1000000", "--json", json);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        var report = RunReport.Read(json);
        Assert.That(report.Skipped, Is.Empty);
        Assert.That(report.Rows.Where(row => row.Descriptor.Contains("iw100000", StringComparison.Ordinal)).Select(row => row.Outcome).Distinct(),
            Is.EqualTo(new[] { Outcome.Pass }));
    }

    [Test]
    public void APackCaseBeyondTheVisitsIsSkippedUnderAGivenLimitAndAnErrorUnderTheDefault()
    {
        // 2,000 taps over 2,000 inputs at one output: 2,000 multiply-adds, 4,000,000 dL/dx visits.
        var p = BenchdnnDescriptor.Parse("mb1ic1iw2000oc1ow1kw2000pw0");
        var cases = new[] { new CaseEntry(ConvCase.Create(p, Fill.Integer)) };
        var (skipped, errors) = (new List<SkippedProblem>(), new List<RunRow>());
        Assert.That(CaseSelection.WithinLimits(cases, 100_000, skipped, errors), Has.Count.EqualTo(1), "the exact engine: the multiply-adds are within");
        Assert.That(CaseSelection.WithinLimits(cases, 100_000, skipped, errors, naiveEngine: true), Is.Empty);
        Assert.That((skipped.Count, errors.Count), Is.EqualTo((1, 0)));
        Assert.That(skipped[0].Reason, Does.StartWith("too large for the naive engine: 4,000,000 loop visits in its dL/dx"));
        // Under the default limit nothing this small is refused; a problem past it would be an error, as for multiply-adds:
        // shown with the limit given as null but the visits past the default (kw = iw = 300,000: 9·10¹⁰ visits).
        var big = new[] { new CaseEntry(ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic1iw300000oc1ow1kw300000pw0"), Fill.Integer)) };
        skipped.Clear();
        Assert.That(CaseSelection.WithinLimits(big, null, skipped, errors, naiveEngine: true), Is.Empty);
        Assert.That((skipped.Count, errors.Count), Is.EqualTo((0, 1)));
        Assert.That(errors[0].Outcome, Is.EqualTo(Outcome.Error));
        Assert.That(errors[0].Reason, Does.StartWith("too large for the naive engine: 90,000,000,000 loop visits").And.EndWith("; give a larger --max-macs to check it"));
        errors.Clear();
        Assert.That(CaseSelection.WithinLimits(big, null, skipped, errors), Has.Count.EqualTo(1), "the exact engine runs it");
    }

    [Test]
    public void TheExactEngineIsHeldToThemWhereItsDataGradientFallsBackToTheDefinition()
    {
        // One output position, kernel as large as the input in h and w: each input position q has the one tap k = q, so
        // each dim's dL/dx plan lists n distinct (first tap, count) ranges of one term, n·n terms in all. At n = 4097 that
        // is 16,785,409, past the exact engine's 2^24 = 16,777,216: its dL/dx then runs the definition's loops, 4097⁴ ≈ 2.8·10¹⁴
        // visits, far past a limit the 16,785,409 multiply-adds are within.
        // At n = 4096, 4096² = 2^24 terms exactly: the plan is built, the visits do not matter.
        const long limit = 100_000_000;
        var over = CaseSelection.Resolve(null, null, ["mb1ic1ih4097oc1oh1kh4097ph0iw4097ow1kw4097pw0"], "f32", "integer", "question", maxMacs: limit, memoryBytes: long.MaxValue);
        var within = CaseSelection.Resolve(null, null, ["mb1ic1ih4096oc1oh1kh4096ph0iw4096ow1kw4096pw0"], "f32", "integer", "question", maxMacs: limit, memoryBytes: long.MaxValue);
        long visits = 4097L * 4097 * 4097 * 4097;
        Assert.Multiple(() =>
        {
            Assert.That(over.Problems, Is.Empty);
            Assert.That(over.Skipped().Select(s => s.Reason), Is.EqualTo(new[]
            {
                "too large for the exact engine, whose dL/dx runs the definition's loops here (its plan would list more than 16,777,216 terms): "
                + $"{visits.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} loop visits in its dL/dx (every input position against every kernel tap; "
                + "16,785,409 multiply-adds per direction), more than --max-macs 100000000",
            }));
            Assert.That(within.Problems, Has.Count.EqualTo(1), "the exact engine's plan holds it: " + string.Join("; ", within.Skipped().Select(s => s.Reason)));
        });
    }
}
