using System.CommandLine;
using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Convolution;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Runs;
using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary><c>convverify soak</c>: problems nobody wrote down, in every direction, against a live oracle; each failure printed so that <c>check</c> reproduces it.</summary>
internal static class SoakCommand
{
    public static Command Build(IAnsiConsole console, OracleScope scope)
    {
        var count = new Option<int>("--cases") { Description = "How many random problems (docs/random-problems.md); each runs in every requested dtype and fill", DefaultValueFactory = _ => 300 }.WholeNumber(1);
        var seed = new Option<ulong>("--seed") { Description = "Seed of the problems and their inputs", DefaultValueFactory = _ => 1 }.WholeNumber(0UL);
        var oracle = new Option<string>("--oracle") { Description = "Live oracles, comma-separated: " + OracleRegistry.Describe(), DefaultValueFactory = _ => TorchOracle.OracleName }.CommaList();
        var dtype = new Option<string?>("--dtype") { Description = "f32, f64, bf16 or f16 (default: f32, f64 and bf16)" };
        var fill = new Option<string?>("--fill") { Description = "integer or normal (default: both)" };
        var timeLimit = OracleTimeLimit.Create();
        var run = new RunOptions("any");
        var cmd = new Command("soak", "Check the C# convolution on N random problems against a live oracle, every direction. A failure is a bug in the "
            + "naive loops, the oracle adapter or the bound; each is printed as a check command that reproduces it.\n"
            + "Exit 0: all pass; 1: any failure; 2: bad usage or an oracle that cannot run.\n\n"
            + "Examples:\n  convverify soak --cases 300 --seed 1\n  convverify soak --cases 10000 --seed 7 --oracle ort --dtype f32 --shard 1/4");
        cmd.Options.Add(count);
        cmd.Options.Add(seed);
        cmd.Options.Add(oracle);
        cmd.Options.Add(dtype);
        cmd.Options.Add(fill);
        cmd.Options.Add(timeLimit);
        run.AddTo(cmd);
        cmd.SetAction(pr =>
        {
            run.CheckOutputs(pr);
            ulong s = pr.GetValue(seed);
            // Trimmed: " exact" is the exact engine too, and the reproduce line must stay one shell word.
            var items = CommaLists.Items("--oracle", pr.GetValue(oracle)!);
            string names = string.Join(',', items);
            // Stryker disable once String : --cases always gives random problems (it has a default), so the default set is never read
            CaseSelection selection;
            try
            {
                selection = CaseSelection.Resolve(null, null, [], pr.GetValue(dtype), pr.GetValue(fill), "question", pr.GetValue(count), s);
            }
            catch (ArgumentException e) when (e.Message.StartsWith("--random:", StringComparison.Ordinal))
            {
                // soak's count is --cases; the selection names the option it knows.
                throw new CliException("--cases:" + e.Plain()["--random:".Length..]);
            }
            IReadOnlyList<IConvOracle> oracles;
            try
            {
                oracles = scope.CreateAll(names, new OracleOptions(TimeLimit: pr.GetValue(timeLimit)));
            }
            catch (ArgumentException e)
            {
                // "oracle: unknown oracle 'Torch' (known: ...)", named by the option as check names it.
                throw new CliException("--" + e.Plain());
            }
            catch (OracleUnavailableException e)
            {
                throw new CliException("--oracle " + e.Message);
            }
            OracleTimeLimit.RefuseWithoutLiveOracle(pr.GetValue(timeLimit), oracles);
            if (DTypeSupport.UnprovidedNamed(oracles, selection, pr.GetValue(dtype) is not null) is { } why) throw new CliException("--dtype " + why);
            var plan = new RunPlan
            {
                Command = RunCommands.Soak,
                Cases = selection.Generated(s),
                Skipped = selection.Skipped(),
                Warnings = items.Contains(ConvEngines.Default.Name, StringComparer.Ordinal)
                    ? [.. selection.InputWarnings(), $"--oracle {names}: soak checks the {ConvEngines.Default.Name} engine, which can only agree with itself"]
                    : selection.InputWarnings(),
                References = [.. oracles.Select(o => new OracleSource(o))],
                Subject = new EngineSource(ConvEngines.Default),
                Requirement = run.RequirementOf(pr),
                Shard = run.ShardOf(pr),
                Strict = pr.GetValue(run.Strict),
                ToleranceRule = run.ToleranceRuleOf(pr),
                ToleranceMode = pr.GetValue(run.Tolerance),
                Seed = s,
            };
            string options = Deciding(pr, timeLimit, run);
            return run.Execute(console, pr, plan, "soak", report =>
            {
                var problems = plan.Cases.DistinctBy(c => c.Case.Id).ToDictionary(c => c.Case.Id, c => c.Case.Problem);
                // Under --require all a direction not provided fails the soak as a failed one does, and is reproduced alike.
                var failing = report.Rows.Where(r => r.Outcome is Outcome.Fail or Outcome.Suspicious or Outcome.Error
                    || (report.Requirement == Requirement.All && r.Outcome is Outcome.NotProvided or Outcome.NotProvidedByOracle)).ToList();
                // A case whose oracle was not called, since a call abandoned before it had not returned, was never tried:
                // its check passes. Each was printed as a failure to reproduce; they follow from the abandoned call's.
                var reproduced = failing.Where(r => !r.BehindAbandonedCall).DistinctBy(r => r.Case).ToList();
                int behind = failing.Where(r => r.BehindAbandonedCall).Select(r => r.Case).Except(reproduced.Select(r => r.Case), StringComparer.Ordinal).Count();
                foreach (var r in reproduced)
                    console.WriteLine("reproduce: " + Reproduce(names, r, problems.GetValueOrDefault(r.Case), s, options));
                if (behind > 0)
                    console.WriteLine($"not reproduced: {Counted.Of(behind, "case")} the oracle was not called for, while a call of it abandoned above had not returned: "
                        + $"{(behind == 1 ? "it follows" : "they follow")} from that failure, not from {(behind == 1 ? "the case itself" : "the cases themselves")}");
            });
        });
        return cmd;
    }

    // The options given that decide a row's outcome, for the check that reproduces it: without them the check of a case
    // failed by --oracle-time-limit 0.0001 passed. The rest are soak's own (--cases, --shard), outputs (--json, --junit,
    // --report, --verbose), or the run's warnings (--strict), none of a row's verdict; check takes soak's engine and
    // layout by default. Each value was checked before the run: digits, or a word of the option's own.
    private static string Deciding(ParseResult pr, Option<TimeSpan?> timeLimit, RunOptions run)
    {
        var said = new List<string>();
        if (pr.GetResult(timeLimit) is { Implicit: false, Tokens: [var limit] }) said.Add($"{OracleTimeLimit.Name} {limit.Value}");
        if (pr.GetResult(run.Tolerance) is { Implicit: false }) said.Add($"--tolerance {pr.GetValue(run.Tolerance)}");
        if (pr.GetResult(run.Require) is { Implicit: false }) said.Add($"--require {pr.GetValue(run.Require)}");
        return string.Concat(said.Select(o => " " + o));
    }

    // A descriptor always has a bias, so `check DESCRIPTOR` of a bias-free problem checks another case (other inputs, a
    // dL/db): such a problem is reproduced as problem i of the seed's stream, alone.
    private static string Reproduce(string names, RunRow r, ConvProblem? problem, ulong seed, string options) =>
        problem is { HasBias: false } && RandomProblems.IndexOf(problem, seed) is { } i
            ? $"convverify check --oracle {names} --random-index {i} --seed {seed} --dtype {r.DType} --fill {r.Fill}{options} --verbose"
            : $"convverify check --oracle {names} '{r.Descriptor}' --dtype {r.DType} --fill {r.Fill} --seed {seed}{options} --verbose";
}
