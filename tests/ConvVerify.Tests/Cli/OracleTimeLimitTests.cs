using ConvVerify.Cli;
using ConvVerify.Oracles;
using ConvVerify.Tests.Fixtures;
using ConvVerify.Tests.Oracles;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// <c>--oracle-time-limit</c>: what it reads (decimal seconds or none, by the library's rule), that it reaches the oracle
/// each command makes, that it is refused where no call could be limited, and that a call past it fails the run as an
/// oracle failure naming it. The walk over every typed option (NumericOptionTests, UsageErrorTests) holds its refusals.
/// </summary>
public class OracleTimeLimitTests : CliTestBase
{
    static OracleTimeLimitTests() => CliFakeOracles.Register();

    // Stated here, not read from the code: what the option takes.
    private const string Kind = "a number of seconds above 0 and at most 2147483.647, or none";

    private static readonly string[] OneCase = ["mb1ic1ih4oc1kh3", "--dtype", "f32", "--fill", "integer"];

    // Each value and the limit it is, written out in ticks (100 ns) or milliseconds rather than by the parser's arithmetic.
    private static IEnumerable<TestCaseData> Accepted() =>
    [
        new("5", TimeSpan.FromTicks(50_000_000)),
        new("007", TimeSpan.FromTicks(70_000_000)),
        new("0.5", TimeSpan.FromTicks(5_000_000)),
        new("120.25", TimeSpan.FromTicks(1_202_500_000)),
        new("0.001", TimeSpan.FromTicks(10_000)),
        new("0.0000001", TimeSpan.FromTicks(1)),
        // Below a tick, rounded up to one: no call is abandoned before the limit given.
        new("0.00000001", TimeSpan.FromTicks(1)),
        new("0.00000015", TimeSpan.FromTicks(2)),
        // Past the 28 places decimal keeps, above 0 all the same (the probe: 1e-29 s was refused as not above 0): a tick,
        // which the wait rounds up to a millisecond.
        new("0.00000000000000000000000000001", TimeSpan.FromTicks(1)),
        new("0." + new string('0', 100) + "1", TimeSpan.FromTicks(1)),
        new("0.0000001" + new string('0', 30) + "1", TimeSpan.FromTicks(2)),
        new("0.0000001" + new string('0', 30), TimeSpan.FromTicks(1)),
        new("000000000000000000000000000000005", TimeSpan.FromTicks(50_000_000)),
        // The longest wait there is: int.MaxValue milliseconds.
        new("2147483.647", TimeSpan.FromMilliseconds(2_147_483_647)),
        new("2147483.6470000", TimeSpan.FromMilliseconds(2_147_483_647)),
        new("none", Timeout.InfiniteTimeSpan),
    ];

    [TestCaseSource(nameof(Accepted))]
    public void DecimalSecondsAndNoneAreRead(string value, TimeSpan limit) => Assert.That(OracleTimeLimit.Parse(value), Is.EqualTo(limit));

    [TestCase("")]
    [TestCase("0")]
    [TestCase("0.0")]
    [TestCase("000.00000000")]
    [TestCase("-1")]
    [TestCase("+1")]
    [TestCase(" 1")]
    [TestCase("1 ")]
    [TestCase("1e3")]
    [TestCase(".5")]
    [TestCase("5.")]
    [TestCase("1.2.3")]
    [TestCase("1,5")]
    [TestCase("0x10")]
    [TestCase("\u0663")]
    [TestCase("5s")]
    [TestCase("5\0")]
    [TestCase("NONE")]
    [TestCase("None")]
    [TestCase("inf")]
    [TestCase("Infinity")]
    [TestCase("NaN")]
    [TestCase("-0.001")]
    // One millisecond (or one tick) past the longest wait, and far past anything a TimeSpan or a decimal holds.
    [TestCase("2147483.648")]
    [TestCase("2147483.6470001")]
    [TestCase("922337203685.4775808")]
    [TestCase("99999999999999999999999999999999999")]
    [TestCase("0.00000000000000000000000000000000000000000")]
    public void AnythingElseIsNoLimit(string value) => Assert.That(OracleTimeLimit.Parse(value), Is.Null);

    [Test]
    public void EveryCommandThatCallsALiveOracleTakesItAndNoOtherDoes()
    {
        var having = CommandTree.All().Where(c => c.Command.Options.Any(o => o.Name == "--oracle-time-limit")).Select(c => c.Path);
        Assert.That(having, Is.EquivalentTo(new[] { "check", "soak", "fixtures generate", "fixtures regenerate", "fixtures check", "fixtures import-onnx" }));
    }

    [Test]
    public void ARefusedValueNamesTheOptionTheValueAndWhatItTakes()
    {
        var r = Run(["check", "--oracle", "ort", "--oracle-time-limit", "0", .. OneCase]);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err.ReplaceLineEndings("\n"), Is.EqualTo($"convverify: --oracle-time-limit: expected {Kind}, got '0'\nRun 'convverify check --help' for usage.\n"));
    }

    [TestCase("check")]
    [TestCase("soak")]
    [TestCase("fixtures generate")]
    [TestCase("fixtures check")]
    [TestCase("fixtures import-onnx")]
    public void TheLimitReachesTheOracleTheCommandMakes(string command)
    {
        string oracle = CliFakeOracles.RecordsOptions(command);
        string pack = TempPath("pack");
        if (command == "fixtures check")
        {
            // A pack whose manifest names the recording oracle, which fixtures check then makes for freshness.
            var made = Run(["fixtures", "generate", "--oracle", oracle, "--out", pack, .. OneCase]);
            Assert.That(made.Code, Is.EqualTo(0), made.ToString());
        }
        string[] line = command switch
        {
            "check" => ["check", "--oracle", oracle, .. OneCase],
            "soak" => ["soak", "--oracle", oracle, "--cases", "1", "--dtype", "f32", "--fill", "integer"],
            "fixtures generate" => ["fixtures", "generate", "--oracle", oracle, "--out", pack, "--force", .. OneCase],
            "fixtures check" => ["fixtures", "check", pack],
            _ => ["fixtures", "import-onnx", Path.Combine(OnnxImportTests.DebianData, "node", "test_conv_with_strides_padding"), "--out", pack, "--force", "--oracle", oracle],
        };
        foreach (var (given, limit) in new (string[], TimeSpan?)[]
            {
                (["--oracle-time-limit", "2.5"], TimeSpan.FromMilliseconds(2500)),
                (["--oracle-time-limit", "none"], Timeout.InfiniteTimeSpan),
                // Left out: each oracle's own default.
                ([], null),
            })
        {
            int before = CliFakeOracles.OptionsGiven(oracle).Count;
            var r = Run([.. line, .. given]);
            Assert.That(r.Code, Is.EqualTo(0), $"{command} {string.Join(' ', given)}: {r}");
            Assert.That(CliFakeOracles.OptionsGiven(oracle).Skip(before).Select(o => o.TimeLimit), Is.EqualTo(new[] { limit }), $"{command} {string.Join(' ', given)}");
        }
    }

    [Test]
    public void WhereNoCallCouldBeLimitedItIsBadUsage()
    {
        // Each refused before any work, naming the option and why it would be ignored, as --seed is with a pack.
        string pack = TempPath("exact-pack");
        Assert.That(Run(["fixtures", "generate", "--oracle", "exact", "--out", pack, .. OneCase]).Code, Is.EqualTo(0));
        foreach (var (line, message) in new (string[], string)[]
            {
                (["check", "--oracle-time-limit", "5"], "--oracle-time-limit goes with a live oracle: a pack's results are stored in it, not computed"),
                (["check", "--pack", pack, "--oracle-time-limit", "none"], "--oracle-time-limit goes with a live oracle: a pack's results are stored in it, not computed"),
                (["check", "--oracle", "naive", "--oracle-time-limit", "5", .. OneCase],
                    "--oracle-time-limit goes with a live oracle, as torch and ort are: naive is an engine, which runs in .NET with no time limit"),
                (["check", "--oracle", "naive,exact", "--oracle-time-limit", "5", .. OneCase],
                    "--oracle-time-limit goes with a live oracle, as torch and ort are: naive, exact are engines, which run in .NET with no time limit"),
                (["soak", "--oracle", "naive", "--cases", "1", "--oracle-time-limit", "5"],
                    "--oracle-time-limit goes with a live oracle, as torch and ort are: naive is an engine, which runs in .NET with no time limit"),
                (["fixtures", "generate", "--oracle", "exact", "--out", TempPath("not-written"), "--oracle-time-limit", "5", .. OneCase],
                    "--oracle-time-limit goes with a live oracle, as torch and ort are: exact is an engine, which runs in .NET with no time limit"),
                (["fixtures", "check", pack, "--oracle-time-limit", "5"],
                    "--oracle-time-limit goes with a live oracle, as torch and ort are: the pack's oracle exact is an engine, which runs in .NET with no time limit"),
                (["fixtures", "import-onnx", TempPath("no-data"), "--out", TempPath("onnx"), "--oracle-time-limit", "5"],
                    "--oracle-time-limit goes with --oracle: without it the import calls no oracle"),
            })
        {
            var r = Run(line);
            Assert.That((r.Code, r.Err, r.Out), Is.EqualTo((2, $"convverify: {message}\n", "")), string.Join(' ', line));
        }
        // Beside a live oracle an engine is no reason to refuse it: the live oracle's calls are limited.
        Assert.That(Run(["check", "--oracle", "ort,naive", "--oracle-time-limit", "60", .. OneCase]).Code, Is.EqualTo(0));
        Assert.That(Directory.Exists(TempPath("not-written")), Is.False);
    }

    [Test]
    public void AnOrtCallPastTheLimitIsAnOracleFailureNamingIt()
    {
        // ONNX Runtime, not torch: its abandoned call holds only this run's own oracle (made and released by the run),
        // where torch's would hold the process's one interpreter, which every other test shares. Its calls wait for a
        // gate opened only after the run: a problem too big to finish in the limit would not do, since a wait woken late
        // (a loaded machine) takes the answer of a call that returned meanwhile.
        int before = CliFakeOracles.GatedOrtsMade.Count;
        CliFakeOracles.OrtGate.Reset();
        CliResult r;
        try
        {
            r = Run(["check", "--oracle", CliFakeOracles.GatedOrt, "--oracle-time-limit", "0.001", .. OneCase]);
        }
        finally
        {
            CliFakeOracles.OrtGate.Set();
        }
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Out.StartsWith($"ERROR (oracle failure) mb1ic1ih4oc1oh2kh3ph0__f32_integer * (exact vs {CliFakeOracles.GatedOrt}): "
            + "ort did not return within 0.001 s from y, dx, dw, db of ", StringComparison.Ordinal), Is.True, r.ToString());
        Assert.That(r.Out.Contains("\nwhy: 1 direction could not be checked (oracle failure, not unusable input)\n", StringComparison.Ordinal), Is.True, r.ToString());
        // The abandoned call returns once the gate is open, as the oracle's own tests see it.
        var ort = CliFakeOracles.GatedOrtsMade.Skip(before).Single();
        Assert.That(SpinWait.SpinUntil(() => !ort.Calls.HasAbandonedCall, TimeSpan.FromMinutes(1)), Is.True, "the abandoned call returned");
    }

    [TestCase("0.0001", "0.0001")]
    [TestCase("0.00000000000000000000000000001", "0.0000001")]
    public void ALimitBelowAMillisecondWaitsOneAndSaysSo(string given, string limit)
    {
        // The probe: 1e-29 s was refused as not above 0, and 0.0001 failed "within 0.0001 s" after a whole millisecond's
        // wait. README: whole milliseconds, rounded up, never less than it says; the row says the wait and the limit.
        int before = CliFakeOracles.GatedOrtsMade.Count;
        CliFakeOracles.OrtGate.Reset();
        CliResult r;
        try
        {
            r = Run(["check", "--oracle", CliFakeOracles.GatedOrt, "--oracle-time-limit", given, .. OneCase]);
        }
        finally
        {
            CliFakeOracles.OrtGate.Set();
        }
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Out.StartsWith($"ERROR (oracle failure) mb1ic1ih4oc1oh2kh3ph0__f32_integer * (exact vs {CliFakeOracles.GatedOrt}): "
            + $"ort did not return within 0.001 s (a limit of {limit} s, waited for in whole milliseconds) from y, dx, dw, db of ", StringComparison.Ordinal), Is.True, r.ToString());
        var ort = CliFakeOracles.GatedOrtsMade.Skip(before).Single();
        Assert.That(SpinWait.SpinUntil(() => !ort.Calls.HasAbandonedCall, TimeSpan.FromMinutes(1)), Is.True, "the abandoned call returned");
    }

    [Test]
    public void LiveTorchTakesALimitAndNone()
    {
        // Plumbing only, well within the limit: a torch call abandoned here would refuse every other test's torch call
        // until it returned. none runs the call on the caller's thread (the library's Timeout.InfiniteTimeSpan).
        LiveTorch.Require();
        foreach (string limit in new[] { "600", "none" })
        {
            var r = Run(["check", "--oracle", "torch", "--oracle-time-limit", limit, .. OneCase]);
            Assert.That(r.Code, Is.EqualTo(0), $"--oracle-time-limit {limit}: {r}");
        }
    }
}
