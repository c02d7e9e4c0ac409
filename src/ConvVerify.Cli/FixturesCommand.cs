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
            if (!sel.Given(pr)) throw new CliException("choose the cases with --set, --batch or descriptors");
            var cases = sel.Resolve(pr, defaultSet: "question").Cases(pr.GetValue(seed));
            Write(console, pr.GetValue(output)!, cases, pr.GetValue(force), pr.GetValue(oracle)!);
            return ExitCodes.Pass;
        });
        return cmd;
    }

    private static Command Regenerate(IAnsiConsole console)
    {
        var cmd = new Command("regenerate", "Rewrite the committed packs (tests/fixtures/<set> for question, basic and pytorch; both dtypes, both fills) with live PyTorch.\n\nExample:\n  convverify fixtures regenerate");
        cmd.SetAction(_ =>
        {
            foreach (string set in CaseSets.Committed)
            {
                Write(console, CommittedPack(set), CaseSets.AllVariants(set), force: true, TorchOracle.OracleName);
            }
            return ExitCodes.Pass;
        });
        return cmd;
    }

    private static string CommittedPack(string set)
    {
        try
        {
            return Locations.CommittedPack(set);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new CliException(e.Message);
        }
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

    private static void Write(IAnsiConsole console, string dir, IReadOnlyList<ConvCase> cases, bool force, string oracleName)
    {
        var oracle = CreateOracle(oracleName, "fixtures generate");
        try
        {
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
                int step = Math.Max(1, cases.Count / 10);
                manifest = FixtureGenerator.Generate(dir, cases, oracle, force, new Reporter(p =>
                {
                    if (p.Done % step == 0 || p.Done == p.Total) console.WriteLine($"  {p.Done}/{p.Total} {p.Case.Id}");
                }));
            }
            console.WriteLine($"wrote {dir}: {manifest.Cases.Count} cases, {manifest.Files.Count} files ({oracle.Name} {string.Join(" ", oracle.Versions.Select(kv => $"{kv.Key} {kv.Value}"))})");
        }
        catch (FixtureException e)
        {
            throw new CliException(e.Message);
        }
    }

    private sealed class ReadAll(FixturePack pack, ConvCase c) : IDTypeAction<bool>
    {
        public bool Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            pack.Read<T>(c);
            return true;
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
        var cmd = new Command("check", "Verify a pack: every file's sha256 against the manifest, every case readable, and, when live PyTorch is available, "
            + "freshness (bitwise for the integer fill, and for the normal fill when the torch version is the manifest's).\n\nExample:\n  convverify fixtures check tests/fixtures/basic");
        cmd.Arguments.Add(dir);
        cmd.SetAction(pr =>
        {
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
            IConvOracle? oracle = null;
            try
            {
                oracle = OracleRegistry.Create(oracleName);
            }
            catch (Exception e) when (e is OracleUnavailableException or ArgumentException)
            {
                warnings.Add($"freshness not checked: {e.Plain()}");
            }
            RunReport report;
            if (oracle is not null)
            {
                var plan = Freshness.Plan(pack, oracle);
                report = Progress.Run(console, "fixtures check", plan with
                {
                    Warnings = [.. warnings.Where(w => !plan.Warnings.Contains(w)), .. plan.Warnings],
                    PlanningErrors = [.. errors, .. plan.PlanningErrors],
                });
            }
            else
            {
                // No oracle here: still read every file, so a truncated or mistyped one is found.
                var cases = Plans.ReadCases(pack, warnings, errors);
                var readPlan = new RunPlan { Command = "fixtures check", Cases = [], References = [new PackSource()], Subject = new PackSource() };
                foreach (var c in cases)
                {
                    try
                    {
                        DTypes.Dispatch(c.Case.Problem.DType, new ReadAll(pack, c.Case));
                    }
                    catch (FixtureException e)
                    {
                        errors.Add(Runner.ErrorRow(readPlan, c.Case, "*", e.Message));
                    }
                }
                report = new RunReport { Command = "fixtures check", Subject = new SourceInfo { Name = "-" }, References = [new SourceInfo { Name = "pack" }], Warnings = warnings, Rows = errors };
            }
            ConsoleReport.Print(console, report, verbose: false);
            console.WriteLine($"fixtures check {path}: {pack.CaseIds.Count} cases, {report.Rows.Count(r => r.Reason.StartsWith(Plans.CorruptPrefix, StringComparison.Ordinal))} corrupt files, "
                + $"{report.Count(Outcome.Fail)} failed directions" + (oracle is null ? ", freshness not checked" : $", {report.Count(Outcome.Pass)} fresh"));
            if (oracle is not null) return report.ExitCode();
            return report.Count(Outcome.Error) > 0 ? ExitCodes.BadInput : report.Count(Outcome.Fail) > 0 ? ExitCodes.Mismatch : ExitCodes.Pass;
        });
        return cmd;
    }
}
