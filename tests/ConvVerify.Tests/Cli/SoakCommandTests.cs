using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Runs;
using Spectre.Console;

namespace ConvVerify.Tests.Cli;

/// <summary><c>convverify soak</c>: random problems against an oracle, every failure printed as a check command that reproduces it.</summary>
public class SoakCommandTests : CliTestBase
{
    /// <summary>
    /// The definition, but wrong in y's last element for the problems <paramref name="wrong"/> picks: "wrong-in-3d", every
    /// 3-D problem (the soak must find those, and only those), and "wrong-without-bias", every problem without a bias (a
    /// descriptor cannot say "no bias", so these need another reproduction).
    /// </summary>
    private sealed class WrongWhere(string name, Func<ConvProblem, bool> wrong) : IConvOracle
    {
        public string Name => name;

        public IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string>();

        public double BoundFactor => 1;

        public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason)
        {
            reason = direction == Direction.BackwardBias && !problem.HasBias ? "no bias" : null;
            return reason is null;
        }

        public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var r = directions.ToDictionary(d => d, d => d.Compute(ConvEngines.Naive, problem, inputs));
            if (wrong(problem) && r.TryGetValue(Direction.Forward, out var y)) y[^1] += T.One;
            return r;
        }
    }

    /// <summary>
    /// The definition, called as a live oracle is (each call within the command's time limit on a thread of its own, and
    /// refused while one abandoned has not returned); its first call returns only once the oracle is released, at the end
    /// of the command, so it is abandoned at any limit and every call after it is refused behind it.
    /// </summary>
    private sealed class FirstCallHangs(TimeSpan? limit) : IConvOracle, IDisposable
    {
        public const string OracleName = "first-call-hangs";

        private static readonly KeptThreads Threads = new("ConvVerify soak test call");

        private readonly LimitedCalls _calls = new(OracleName, message => new TorchOracleException(message), Threads);

        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private int _made;

        public string Name => OracleName;

        public IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string>();

        public double BoundFactor => 1;

        public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason) => direction.Applies(problem, out reason);

        public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
            where T : unmanaged, IFloatingPointIeee754<T> =>
            _calls.Run($"{string.Join(", ", directions.Select(d => d.TensorName()))} of {problem}", limit ?? TimeSpan.FromMinutes(1), () =>
            {
                // A minute at most, should the command never release it.
                if (Interlocked.Increment(ref _made) == 1) _released.Task.Wait(TimeSpan.FromMinutes(1));
                return directions.ToDictionary(d => d, d => d.Compute(ConvEngines.Naive, problem, inputs));
            });

        public void Dispose() => _released.TrySetResult();
    }

    /// <summary>The definition, but dL/dw it declines: a direction not provided, which fails a run under --require all.</summary>
    private sealed class DeclinesWeights : IConvOracle
    {
        public const string OracleName = "declines-dw";

        public const string Why = "dw: this fake does not compute dL/dw";

        public string Name => OracleName;

        public IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string>();

        public double BoundFactor => 1;

        public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason)
        {
            reason = direction == Direction.BackwardWeights ? Why : null;
            return reason is null && direction.Applies(problem, out reason);
        }

        public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
            where T : unmanaged, IFloatingPointIeee754<T> =>
            directions.ToDictionary(d => d, d => d.Compute(ConvEngines.Naive, problem, inputs));
    }

    static SoakCommandTests()
    {
        OracleRegistry.Register("wrong-in-3d", "a test's fake", _ => new WrongWhere("wrong-in-3d", p => p.Rank == 3));
        OracleRegistry.Register("wrong-without-bias", "a test's fake", _ => new WrongWhere("wrong-without-bias", p => !p.HasBias));
        OracleRegistry.Register(FirstCallHangs.OracleName, "a test's fake", options => new FirstCallHangs(options.TimeLimit));
        OracleRegistry.Register(DeclinesWeights.OracleName, "a test's fake", _ => new DeclinesWeights());
        CliFakeOracles.Register();
    }

    private static List<string> ReproduceLines(CliResult r) => [.. r.Out.Split('\n').Where(l => l.StartsWith("reproduce: ", StringComparison.Ordinal))];

    // The command a reproduce line prints, as a shell would split it.
    private static string[] Words(string line) => [.. line["reproduce: convverify ".Length..].Split(' ').Select(w => w.Trim('\''))];

    [Test]
    public void AFailureOfTheTimeLimitIsReproducedWithItAndTheCasesRefusedBehindItFollowFromIt()
    {
        // The probe: soak --oracle-time-limit 0.0001 printed check lines without the limit, which passed; and every case
        // after the first, whose oracle was not called while the first call ran, had a reproduce line of its own.
        var r = Run("soak", "--cases", "3", "--seed", "1", "--oracle", FirstCallHangs.OracleName, "--dtype", "f32", "--oracle-time-limit", "0.001");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Out, Does.Contain($"{FirstCallHangs.OracleName} did not return within 0.001 s"));
        var lines = ReproduceLines(r);
        Assert.That(lines, Has.Count.EqualTo(1), r.ToString());
        Assert.That(lines[0], Does.Contain(" --oracle-time-limit 0.001 "));
        Assert.That(r.Out, Does.Contain("\nnot reproduced: 5 cases the oracle was not called for, while a call of it abandoned above had not returned: "
            + "they follow from that failure, not from the cases themselves\n"), r.ToString());
        // The line run as it stands fails as the soak did.
        var again = Run(Words(lines[0]));
        Assert.That(again.Code, Is.EqualTo(2), again.ToString());
        Assert.That(again.Out, Does.Contain($"{FirstCallHangs.OracleName} did not return within 0.001 s"));
    }

    [Test]
    public void TheOptionsThatDecideAVerdictAreOnTheReproduceLine()
    {
        // Under --require all a direction the oracle does not provide fails the soak: it had no reproduce line at all.
        var r = Run("soak", "--cases", "2", "--seed", "5", "--oracle", DeclinesWeights.OracleName, "--dtype", "f32", "--fill", "integer",
            "--require", "all", "--tolerance", "sound");
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        var lines = ReproduceLines(r);
        Assert.That(lines, Has.Count.EqualTo(2), r.ToString());
        Assert.That(lines, Has.All.EndsWith(" --tolerance sound --require all --verbose"));
        foreach (string line in lines)
        {
            var again = Run(Words(line));
            Assert.That(again.Code, Is.EqualTo(1), line + "\n" + again);
            Assert.That(again.Out, Does.Contain($"--require all: 1 direction not provided by oracle (first: ").And.Contain(DeclinesWeights.Why[4..]));
        }
    }

    [Test]
    public void EveryFailureIsPrintedAsACheckThatReproducesIt()
    {
        var r = Run("soak", "--cases", "12", "--seed", "5", "--oracle", "wrong-in-3d", "--dtype", "f32", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        var lines = r.Out.Split('\n').Where(l => l.StartsWith("reproduce: ", StringComparison.Ordinal)).ToList();
        int rank3 = ConvVerify.Catalog.RandomProblems.Take(5, 12).Count(p => p.Rank == 3);
        Assert.That(lines, Has.Count.EqualTo(rank3).And.Count.GreaterThan(0), r.ToString());
        // The printed command, run as it stands, fails on the same case.
        string[] words = lines[0]["reproduce: convverify ".Length..].Split(' ').Select(w => w.Trim('\'')).ToArray();
        var again = Run(words);
        Assert.That(again.Code, Is.EqualTo(1), again.ToString());
        Assert.That(again.Out, Does.Contain("FAIL").And.Contain(" y "));
    }

    [Test]
    public void AFailureWithoutBiasIsReproducedTooWithTheSameCase()
    {
        // A descriptor always has a bias, so `check DESCRIPTOR` of a bias-free random problem checked another case (with a
        // bias, other inputs, a dL/db): it passed where the soak had failed.
        var r = Run("soak", "--cases", "12", "--seed", "5", "--oracle", "wrong-without-bias", "--dtype", "f32", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        var failed = ConvVerify.Catalog.RandomProblems.Take(5, 12).Where(p => !p.HasBias).ToList();
        var lines = ReproduceLines(r);
        Assert.That(lines, Has.Count.EqualTo(failed.Count).And.Count.GreaterThan(0), r.ToString());
        Assert.That(failed.Select(p => ConvVerify.Catalog.RandomProblems.IndexOf(p, 5)), Has.Some.GreaterThan(0), "a problem with others before it");
        foreach (var (line, p) in lines.Zip(failed))
        {
            var again = Run(Words(line));
            Assert.That(again.Code, Is.EqualTo(1), line + "\n" + again);
            string id = ConvCase.IdOf(p, Fill.Integer);
            Assert.That(again.Out.Split('\n').Any(l => l.Contains("FAIL", StringComparison.Ordinal) && l.Contains(id, StringComparison.Ordinal)), Is.True, id + "\n" + again);
            // The problem alone, every row shown: --random i+1 reran the i problems before it, and printed no row that passed.
            Assert.That(again.Out, Does.Contain("check: 1 case, "), line + "\n" + again);
            Assert.That(again.Out, Does.Contain(" pass "), line + "\n" + again);
        }
    }

    [Test]
    public void OracleNamesWithSpacesAreTheOraclesTheyName()
    {
        // The registry trims the names: " exact" is the exact engine, which only agrees with itself; that was not said
        // (a silent pass under --strict), and the reproduce line split "naive, wrong-in-3d" into two shell words.
        var itself = Run("soak", "--cases", "1", "--oracle", "naive, exact", "--dtype", "f32", "--fill", "integer", "--strict");
        Assert.That(itself.Code, Is.EqualTo(2), itself.ToString());
        Assert.That(itself.Out, Does.Contain("--oracle naive,exact: soak checks the exact engine, which can only agree with itself"));
        var r = Run("soak", "--cases", "2", "--seed", "5", "--oracle", "naive, wrong-in-3d", "--dtype", "f32", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(1), r.ToString());
        Assert.That(r.Out, Does.Contain("reproduce: convverify check --oracle naive,wrong-in-3d '"));
    }

    [TestCase("naive,exact")]
    [TestCase("exact,naive")]
    public void AnOracleThatIsTheSubjectIsNotComparedWithTheOthersTwice(string oracles)
    {
        // exact (the oracle) against naive repeated exact (the subject) against naive under the same two names: a merge of
        // the report refused it as one row twice.
        string json = TempPath("itself.json");
        var r = Run("soak", "--cases", "1", "--oracle", oracles, "--dtype", "f32", "--fill", "integer", "--json", json);
        Assert.That(r.Code, Is.Zero, r.ToString());
        var rows = RunReport.Read(json).Rows;
        var pairs = rows.Select(row => (row.Case, row.Direction, row.Reference, row.Subject)).ToList();
        Assert.That(pairs, Is.Unique);
        // Each direction: the subject against each of the two oracles, and nothing more.
        Assert.That(rows.GroupBy(row => (row.Case, row.Direction)).Select(g => g.Count()), Is.All.EqualTo(2));
        var merged = Run("report", "merge", json);
        Assert.That((merged.Code, merged.Err), Is.EqualTo((0, "")), merged.ToString());
    }

    [Test]
    public void ATwoOracleReportWithADirectionOnlyOneComputesReadsBack()
    {
        // The writer states a consensus only where two oracles computed the direction (ort has no float64 convolution
        // beside torch); the reader, written beside it, demanded one on every row of a run with two references, and
        // refused the honest report ("rows[..].consensus is not given, but the report has 2 references").
        ConvVerify.Tests.Oracles.LiveTorch.Require();
        string json = TempPath("two-oracles.json");
        var r = Run("soak", "--cases", "2", "--seed", "2", "--oracle", "torch,ort", "--fill", "integer", "--json", json);
        Assert.That(r.Code, Is.Zero, r.ToString());
        var rows = RunReport.Read(json).Rows;
        Assert.That(rows.Where(row => row.DType == "f64").Select(row => row.Consensus), Is.Not.Empty.And.All.Null, "ort computes no float64");
        Assert.That(rows.Where(row => row.DType == "f32").Select(row => row.Consensus), Is.Not.Empty.And.All.EqualTo("agree"));
        var merged = Run("report", "merge", json);
        Assert.That((merged.Code, merged.Err), Is.EqualTo((0, "")), merged.ToString());
        // Stated where one oracle alone computed the direction, or left out where two did: refused, both.
        string text = File.ReadAllText(json);
        var doc = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();
        var f64 = doc["rows"]!.AsArray().First(row => (string?)row!["dtype"] == "f64")!.AsObject();
        f64["consensus"] = "agree";
        string forged = TempPath("forged.json");
        File.WriteAllText(forged, doc.ToJsonString());
        var refused = Run("report", "merge", forged);
        Assert.That(refused.Code, Is.EqualTo(2), refused.ToString());
        Assert.That(refused.Err, Does.Contain("only one reference computed case"), refused.ToString());
        doc = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();
        doc["rows"]!.AsArray().First(row => (string?)row!["dtype"] == "f32")!.AsObject().Remove("consensus");
        File.WriteAllText(forged, doc.ToJsonString());
        refused = Run("report", "merge", forged);
        Assert.That(refused.Code, Is.EqualTo(2), refused.ToString());
        Assert.That(refused.Err, Does.Contain("consensus is not given, but 2 references computed case"), refused.ToString());
    }

    [Test]
    public void TheOracleTheSoakMadeIsReleased()
    {
        int before = CliFakeOracles.OraclesMade(CliFakeOracles.TwoVersionsForSoak).Count;
        var r = Run("soak", "--cases", "2", "--seed", "3", "--oracle", CliFakeOracles.TwoVersionsForSoak, "--dtype", "f32", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(CliFakeOracles.OraclesMade(CliFakeOracles.TwoVersionsForSoak).Skip(before).Single().Disposed, Is.EqualTo(1));
    }

    [Test]
    public void ACorrectOracleSoaksClean()
    {
        var r = Run("soak", "--cases", "20", "--seed", "3", "--oracle", "naive");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("soak: 120 cases").And.Not.Contain("reproduce:"));
        Assert.That(Run("soak", "--cases", "0").Err, Does.StartWith("convverify: --cases: expected a whole number from 1 to "));
        Assert.That(Run("soak", "--oracle", "nope").Err, Does.Contain("unknown oracle 'nope'"));
    }

    [Test]
    [Category("soak")]
    public void ThreeHundredCasesAgainstLiveTorch()
    {
        var torch = ConvVerify.Tests.Oracles.LiveTorch.Require();
        // Every dtype checked live on every machine: where torch sums bfloat16 in bfloat16 (no AVX-512) and declines it,
        // bfloat16 is checked against its float32 results rounded once (float32 and float64 are torch's own either way).
        var bf16 = ConvVerify.Problems.BenchdnnDescriptor.Parse("mb1ic3ih5oc4kh3", ConvVerify.Problems.DType.BFloat16);
        string oracle = torch.Provides(bf16, ConvVerify.Cases.Direction.Forward, out _) ? "torch" : "torch-rounded";
        var r = Run("soak", "--cases", "300", "--seed", "1", "--oracle", oracle);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Match(@"soak: 1800 cases, (\d+) directions: \1 passed, 0 failed, 0 suspicious, 0 not in pack, 0 not provided by oracle, 0 not provided, 0 errors"), r.Out);
    }

    [Test]
    public void AnOracleOrDTypeThatCannotRunIsBadUsageWithTheReason()
    {
        var unavailable = Run("soak", "--cases", "1", "--oracle", CliFakeOracles.Unavailable);
        Assert.That(unavailable.Code, Is.EqualTo(2), unavailable.ToString());
        Assert.That(unavailable.Err.ReplaceLineEndings("\n"), Is.EqualTo($"convverify: --oracle {CliFakeOracles.UnavailableReason}\n"));
        Assert.That(unavailable.Out, Is.Empty);

        var bf16 = Run("soak", "--cases", "1", "--oracle", "ort", "--dtype", "bf16");
        Assert.That(bf16.Code, Is.EqualTo(2), bf16.ToString());
        Assert.That(bf16.Err.ReplaceLineEndings("\n"), Is.EqualTo($"convverify: --dtype bf16 (bfloat16) is not provided by this oracle: oracle ort: {OrtOracle.BFloat16Reason}\n"));
    }

    [Test]
    public void AnUnwritableJsonIsRefusedBeforeAnythingRuns()
    {
        string folder = TempPath("a-folder");
        Directory.CreateDirectory(folder);
        var r = Run("soak", "--cases", "1", "--oracle", "exact", "--json", folder);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err.ReplaceLineEndings("\n"), Is.EqualTo($"convverify: --json: cannot write {folder}: it is a folder\n"));
        Assert.That(r.Out, Is.Empty, "nothing runs when the report could not be written");
    }

    [Test]
    public void OnATerminalTheProgressIsNamedSoak()
    {
        var r = Run(w =>
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(w), Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.Yes,
            });
            console.Profile.Width = 200;
            return console;
        }, "soak", "--cases", "1", "--oracle", "exact", "--dtype", "f32", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Match(@"soak\s.*100\s*%"), r.ToString());
    }
}
