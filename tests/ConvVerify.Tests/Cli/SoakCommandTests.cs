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

    static SoakCommandTests()
    {
        OracleRegistry.Register("wrong-in-3d", "a test's fake", _ => new WrongWhere("wrong-in-3d", p => p.Rank == 3));
        OracleRegistry.Register("wrong-without-bias", "a test's fake", _ => new WrongWhere("wrong-without-bias", p => !p.HasBias));
        CliFakeOracles.Register();
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
        var lines = r.Out.Split('\n').Where(l => l.StartsWith("reproduce: ", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Has.Count.EqualTo(failed.Count).And.Count.GreaterThan(0), r.ToString());
        foreach (var (line, p) in lines.Zip(failed))
        {
            string[] words = line["reproduce: convverify ".Length..].Split(' ').Select(w => w.Trim('\'')).ToArray();
            var again = Run(words);
            Assert.That(again.Code, Is.EqualTo(1), line + "\n" + again);
            string id = ConvCase.IdOf(p, Fill.Integer);
            Assert.That(again.Out.Split('\n').Any(l => l.Contains("FAIL", StringComparison.Ordinal) && l.Contains(id, StringComparison.Ordinal)), Is.True, id + "\n" + again);
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
