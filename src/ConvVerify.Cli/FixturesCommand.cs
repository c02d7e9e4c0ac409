using System.CommandLine;
using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Runs;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary><c>convverify fixtures generate|regenerate|check</c>.</summary>
internal static class FixturesCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var cmd = new Command("fixtures", "Make and check fixture packs (format: docs/fixture-format.md).");
        cmd.Subcommands.Add(Generate(console));
        cmd.Subcommands.Add(Regenerate(console));
        cmd.Subcommands.Add(Check(console));
        cmd.Subcommands.Add(ImportOnnxCommand.Build(console));
        return cmd;
    }

    private static Command Generate(IAnsiConsole console)
    {
        var sel = new SelectionOptions();
        var output = new Option<string>("--out") { Description = "The pack folder to write", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Base seed of the inputs", DefaultValueFactory = _ => ConvCase.DefaultSeed };
        var force = new Option<bool>("--force") { Description = "Replace the contents of a non-empty --out folder" };
        var oracle = new Option<string>("--oracle") { Description = "The oracle whose results the pack holds: " + OracleRegistry.Describe(), DefaultValueFactory = _ => TorchOracle.OracleName };
        var cmd = new Command("generate", "Write a pack with live PyTorch: C# makes the inputs, python/convverify_torch.py the results. "
            + "The manifest is written last, so an interrupted run never leaves a pack that looks complete.\n\n"
            + "Examples:\n  convverify fixtures generate --out my-pack --set basic --dtype f32\n  convverify fixtures generate --out my-pack mb1ic3ih5oc16kh3 --fill integer");
        sel.AddTo(cmd);
        cmd.Options.Add(output);
        cmd.Options.Add(seed);
        cmd.Options.Add(force);
        cmd.Options.Add(oracle);
        cmd.SetAction(pr =>
        {
            if (!sel.Given(pr)) throw new CliException("choose the cases with --set, --batch, --random or descriptors");
            // Stryker disable once String : a selection was given (checked above), so the default set is never read
            var selection = sel.Resolve(pr, defaultSet: "question", pr.GetValue(seed));
            bool named = pr.GetValue(sel.DType) is not null;
            Write(console, "fixtures generate", pr.GetValue(output)!, selection.Cases(pr.GetValue(seed)), pr.GetValue(force), pr.GetValue(oracle)!,
                o => DTypeSupport.UnprovidedNamed([o], selection, named));
            return ExitCodes.Pass;
        });
        return cmd;
    }

    private static Command Regenerate(IAnsiConsole console)
    {
        var cmd = new Command("regenerate", "Rewrite the committed packs (tests/fixtures/<set> for question, basic and pytorch; f32, f64 and bf16, both fills) with live PyTorch.\n\nExample:\n  convverify fixtures regenerate");
        cmd.SetAction(_ =>
        {
            // An installed tool carries a copy of the packs; rewriting that copy would silently change what it checks against.
            if (Locations.RepositoryRoot() is null)
                throw new CliException($"fixtures regenerate rewrites a clone's tests/fixtures, and there is no {Locations.SolutionFile} above the current folder; use fixtures generate --out DIR");
            foreach (string set in CaseSets.Committed)
            {
                Write(console, "fixtures regenerate", Locations.CommittedPack(set), CaseSets.AllVariants(set), force: true, TorchOracle.OracleName);
            }
            return ExitCodes.Pass;
        });
        return cmd;
    }

    private static IConvOracle CreateOracle(string name, string purpose)
    {
        try
        {
            return OracleRegistry.Create(name);
        }
        catch (ArgumentException e)
        {
            throw new CliException("--" + e.Plain());
        }
        catch (OracleUnavailableException e)
        {
            throw new CliException($"{purpose} needs {e.Message}");
        }
    }

    private static void Write(IAnsiConsole console, string command, string dir, IReadOnlyList<ConvCase> cases, bool force, string oracleName,
        Func<IConvOracle, string?>? unprovided = null)
    {
        var oracle = CreateOracle(oracleName, command);
        try
        {
            // A pack of inputs without a single result checks nothing: a dtype the oracle cannot compute is bad usage.
            if (unprovided?.Invoke(oracle) is { } why) throw new CliException("--dtype " + why);
            Manifest manifest = null!;
            if (console.Profile.Capabilities.Interactive)
            {
                console.Progress().Start(ctx =>
                {
                    var task = ctx.AddTask("generate", maxValue: cases.Count);
                    manifest = FixtureGenerator.Generate(dir, cases, oracle, force, new Reporter(_ => task.Increment(1)));
                });
            }
            else
            {
                // Not a terminal: a log gets the one line below, not a line per tenth of the cases.
                manifest = FixtureGenerator.Generate(dir, cases, oracle, force);
            }
            console.WriteLine($"wrote {dir}: {manifest.Cases.Count} cases, {manifest.Files.Count} files (oracle {oracle.Name}: {string.Join(", ", oracle.Versions.Select(kv => $"{kv.Key} {kv.Value}"))})");
        }
        catch (FixtureException e)
        {
            throw new CliException(e.Message);
        }
        finally
        {
            // The command made the oracle, so it releases it (ORT holds native sessions; torch's is shared and stays).
            (oracle as IDisposable)?.Dispose();
        }
    }

    // Progress<T> posts to the thread pool, out of order; this reports on the calling thread, in order.
    private sealed class Reporter(Action<(int Done, int Total, ConvCase Case)> report) : IProgress<(int Done, int Total, ConvCase Case)>
    {
        public void Report((int Done, int Total, ConvCase Case) value) => report(value);
    }

    private static Command Check(IAnsiConsole console)
    {
        var dir = new Argument<string>("DIR") { Description = "The pack folder" };
        // Stryker disable once String : fixtures check has no --require (the plan decides what a direction must have), so its default is never read
        var run = new RunOptions("any");
        var cmd = new Command("check", "Verify a pack: every file's sha256 against the manifest, every case readable, and, when the pack's oracle "
            + "(its manifest's \"oracle\", torch for older packs) is available here, freshness: its inputs are what the generator makes today and its "
            + "results what the oracle computes (bitwise when the oracle's versions are the manifest's).\n"
            + "Exit 0: intact and fresh; 1: a corrupt file or a stale result; 2: an unreadable file.\n\nExample:\n  convverify fixtures check tests/fixtures/basic");
        cmd.Arguments.Add(dir);
        cmd.Options.Add(run.Shard);
        cmd.Options.Add(run.Json);
        cmd.Options.Add(run.JUnit);
        cmd.Options.Add(run.Report);
        cmd.Options.Add(run.Verbose);
        cmd.SetAction(pr =>
        {
            run.CheckOutputs(pr);
            string path = pr.GetValue(dir)!;
            var warnings = new List<string>();
            var errors = new List<RunRow>();
            FixturePack pack;
            try
            {
                pack = Plans.OpenChecked(path, warnings, errors, Outcome.Fail);
            }
            catch (FixtureException e)
            {
                throw new CliException(e.Message);
            }
            string oracleName = pack.Manifest?.OracleName ?? TorchOracle.OracleName;
            RunPlan plan;
            IConvOracle? made = null;
            try
            {
                made = OracleRegistry.Create(oracleName);
                plan = Freshness.Plan(pack, made);
            }
            catch (Exception e) when (e is OracleUnavailableException or ArgumentException)
            {
                plan = Freshness.ReadOnlyPlan(pack, e.Plain());
            }
            plan = plan with
            {
                Warnings = [.. warnings.Where(w => !plan.Warnings.Contains(w)), .. plan.Warnings],
                PlanningErrors = [.. errors, .. plan.PlanningErrors],
                Shard = run.ShardOf(pr),
            };
            try
            {
                return run.Execute(console, pr, plan, "fixtures check", report =>
                    console.WriteLine($"fixtures check {path}: {pack.CaseIds.Count} cases, {report.Rows.Count(r => r.Reason.StartsWith(Plans.CorruptPrefix, StringComparison.Ordinal))} corrupt files, "
                        + $"{report.Count(Outcome.Fail)} failed directions"
                        + (plan.RequireComparison ? $", {report.Count(Outcome.Pass)} fresh" : ", freshness not checked")));
            }
            finally
            {
                // The command made the oracle, so it releases it (ORT holds native sessions).
                (made as IDisposable)?.Dispose();
            }
        });
        return cmd;
    }
}
