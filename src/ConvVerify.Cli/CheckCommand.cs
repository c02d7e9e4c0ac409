using System.CommandLine;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Checking;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary><c>convverify check</c>: the main job — the naive C# convolution against an oracle, every case and direction.</summary>
internal static class CheckCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var sel = new SelectionOptions();
        var oracle = new Option<string>("--oracle") { Description = "fixtures (committed packs, no Python needed) or torch (live PyTorch)", DefaultValueFactory = _ => "fixtures" };
        var pack = new Option<string?>("--pack") { Description = "Check against this fixture pack instead of the committed ones (any pack in the documented format)" };
        var json = new Option<string?>("--json") { Description = "Also write the report as JSON to this file" };
        var layout = new Option<string>("--layout") { Description = "With --oracle torch: the memory layout torch computes in, nchw (default) or channels-last", DefaultValueFactory = _ => "nchw" };
        var seed = new Option<ulong>("--seed") { Description = "Base seed of the inputs with --oracle torch", DefaultValueFactory = _ => ConvCase.DefaultSeed };
        var cmd = new Command("check", "Run the naive C# convolution on every selected case and direction and compare it with the oracle.\n"
            + "Exit 0: all pass; 1: any mismatch; 2: bad usage or unreadable input.\n\nExamples:\n  convverify check\n  convverify check --set basic --dtype f32 --fill normal\n"
            + "  convverify check --pack path/to/pack --json report.json\n  convverify check --oracle torch --set resnet50 --dtype f32 --fill normal");
        sel.AddTo(cmd);
        cmd.Options.Add(oracle);
        cmd.Options.Add(pack);
        cmd.Options.Add(json);
        cmd.Options.Add(seed);
        cmd.Options.Add(layout);
        cmd.SetAction(pr =>
        {
            bool fixtures = pr.GetValue(oracle) == "fixtures";
            if (fixtures && pr.GetResult(seed) is { Implicit: false })
                throw new CliException("--seed goes with --oracle torch: a pack's inputs are stored in it");
            var torchLayout = pr.GetValue(layout) switch
            {
                "nchw" => TorchLayout.Contiguous,
                "channels-last" => TorchLayout.ChannelsLast,
                var other => throw new CliException($"--layout: expected nchw or channels-last, got '{other}'"),
            };
            if (fixtures && torchLayout != TorchLayout.Contiguous)
                throw new CliException("--layout goes with --oracle torch: a pack holds results, not the layout they were computed in");
            if (pr.GetValue(pack) is not null && pr.GetValue(sel.Set) is not null)
                throw new CliException("--set picks a committed pack; with --pack, select cases with descriptors or --batch");
            var report = pr.GetValue(oracle) switch
            {
                "fixtures" => AgainstPacks(console, pr, sel, pr.GetValue(pack)),
                "torch" => pr.GetValue(pack) is null
                    ? AgainstTorch(console, sel.Resolve(pr, defaultSet: "question"), sel.Given(pr), pr.GetValue(seed), torchLayout)
                    : throw new CliException("--pack goes with --oracle fixtures"),
                var other => throw new CliException($"--oracle: expected fixtures or torch, got '{other}'"),
            };
            report.Print(console);
            if (pr.GetValue(json) is { } path) report.WriteJson(path);
            return report.ExitCode(requireAll: true);
        });
        return cmd;
    }

    private static Report AgainstPacks(IAnsiConsole console, ParseResult pr, SelectionOptions sel, string? packDir)
    {
        var dtypes = CaseSelection.ParseDTypes(pr.GetValue(sel.DType));
        var fills = CaseSelection.ParseFills(pr.GetValue(sel.Fill));
        string? set = pr.GetValue(sel.Set);
        List<string> packDirs;
        if (packDir is not null) packDirs = [packDir];
        else if (set is not null)
        {
            if (!CaseSets.All.Contains(set)) throw new CliException($"--set: unknown case set '{set}' (known: {string.Join(", ", CaseSets.All)})");
            if (!CaseSets.Committed.Contains(set)) throw new CliException($"--set {set} has no committed fixture pack; use --oracle torch");
            packDirs = [Path.Combine(RepoPaths.FixturesDir(), set)];
        }
        else packDirs = [.. CaseSets.Committed.Select(s => Path.Combine(RepoPaths.FixturesDir(), s))];

        var packs = new List<FixturePack>();
        try
        {
            packs.AddRange(packDirs.Select(FixturePack.Open));
        }
        catch (FixtureException e)
        {
            throw new CliException(e.Message);
        }
        var report = new Report("check", packDir is null ? "committed fixture packs" : $"pack {packDir}");
        foreach (var p in packs)
        {
            report.Warnings.AddRange(p.Warnings);
            var broken = p.CheckIntegrity();
            if (broken.Count > 0)
            {
                report.InputErrors = true;
                report.Warnings.AddRange(broken);
            }
        }

        // Every case the packs hold; a broken case.json is reported and skipped.
        var available = new List<(FixturePack Pack, ConvCase Case)>();
        foreach (var p in packs)
        foreach (string id in p.CaseIds)
        {
            try
            {
                available.Add((p, p.ReadCase(id)));
            }
            catch (FixtureException e)
            {
                report.InputErrors = true;
                report.Warnings.Add(e.Message);
            }
        }

        // Named cases (--batch or descriptors) are found by their problem, dtype and fill; a descriptor without a
        // name matches the case whatever the catalog called it.
        var selected = new List<(FixturePack Pack, ConvCase Case)>();
        bool named = pr.GetValue(sel.Batch) is not null || (pr.GetValue(sel.Descriptors)?.Length ?? 0) > 0;
        if (named)
        {
            foreach (var wanted in sel.Resolve(pr, defaultSet: "question").Cases(ConvCase.DefaultSeed))
            {
                var hits = available.Where(a => a.Case.Fill == wanted.Fill && Same(wanted.Problem, a.Case.Problem)).ToList();
                if (hits.Count == 0)
                    throw new CliException($"case {wanted.Id} is in no pack checked ({string.Join(", ", packDirs)}); use --oracle torch for cases without fixtures");
                selected.AddRange(hits.Where(h => !selected.Contains(h)));
            }
        }
        else
        {
            selected.AddRange(available.Where(a => dtypes.Contains(a.Case.Problem.DType) && fills.Contains(a.Case.Fill)));
        }

        Progress.Run(console, selected.Count, "check", i =>
        {
            var (pack, c) = selected[i];
            try
            {
                report.Add(NaiveCheck.AgainstPack(pack, c));
            }
            catch (FixtureException e)
            {
                report.InputErrors = true;
                report.Add([new DirectionReport(c.Id, c.Problem.ToString(), Direction.Forward, Outcome.Fail, null, e.Message)]);
            }
        });
        return report;
    }

    private static bool Same(ConvProblem wanted, ConvProblem have) =>
        wanted.Name is null ? wanted.Equals(have.WithName(null)) : wanted.Equals(have);

    private static Report AgainstTorch(IAnsiConsole console, CaseSelection selection, bool selectionGiven, ulong seed, TorchLayout layout)
    {
        var availability = TorchOracle.Probe();
        if (!availability.Available) throw new CliException("--oracle torch: " + availability.Reason);
        var torch = TorchOracle.Get();
        var oracle = torch.In(layout);
        // With no selection, check every set that fits in memory and time: the committed ones.
        var problems = selectionGiven ? selection.Problems : [.. CaseSets.Committed.SelectMany(s => CaseSets.Load(s))];
        var cases = ConvCase.Expand(problems, selection.DTypes, selection.Fills, seed);
        var report = new Report("check", $"live torch {torch.TorchVersion}{(layout == TorchLayout.ChannelsLast ? ", channels-last" : "")}");
        Progress.Run(console, cases.Count, "check (torch)", i =>
        {
            var c = cases[i];
            try
            {
                report.Add(NaiveCheck.AgainstOracle(c, oracle, TorchTolerance.BoundFactor));
            }
            catch (Exception e) when (e is ArgumentException or TorchOracleException)
            {
                report.InputErrors = true;
                report.Add([new DirectionReport(c.Id, c.Problem.ToString(), Direction.Forward, Outcome.Fail, null, e.Message)]);
            }
        });
        return report;
    }
}
