using System.CommandLine;
using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Runs;
using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary><c>convverify check</c>: the main job — the C# convolution against an oracle, every case and direction.</summary>
internal static class CheckCommand
{
    public static Command Build(IAnsiConsole console, OracleScope oracles)
    {
        var sel = new SelectionOptions();
        var run = new RunOptions("any");
        var oracle = new Option<string>("--oracle")
        {
            Description = "fixtures (the committed packs, or --pack; no Python needed), or live oracles, comma-separated: "
                + OracleRegistry.Describe() + ". With several, each is also checked against the others (consensus).",
            DefaultValueFactory = _ => "fixtures",
        }.CommaList();
        var pack = new Option<string?>("--pack") { Description = "Check against this fixture pack instead of the committed ones (any pack in the documented format)" }.Expecting("a folder");
        var engine = new Option<string>("--engine") { Description = $"The engine checked: {string.Join(", ", ConvEngines.Names)} (all bitwise the definition)", DefaultValueFactory = _ => ConvEngines.Default.Name };
        var layout = new Option<string>("--layout") { Description = "The memory layout the live oracle computes in, nchw or channels-last (torch can; an oracle that cannot is refused)", DefaultValueFactory = _ => "nchw" };
        var seed = new Option<ulong>("--seed") { Description = "Base seed of the inputs with a live oracle", DefaultValueFactory = _ => ConvCase.DefaultSeed }.WholeNumber(0UL);
        var timeLimit = OracleTimeLimit.Create();
        var cmd = new Command("check", "Run the C# convolution on every selected case and direction and compare it with the oracle.\n"
            + "Exit 0: all pass; 1: any failed or suspicious direction (or, with --require all, any direction an oracle does not provide), nothing compared, or no case selected; "
            + "2: bad usage, unreadable input (a committed pack that does not hold exactly its catalog set included), an oracle that failed (raised, timed out, a library missing), or (with --strict) any warning.\n\n"
            + "Examples:\n  convverify check\n  convverify check --set basic --dtype f32 --fill normal\n"
            + "  convverify check --pack tests/fixtures/basic --json report.json\n  convverify check --oracle torch --set resnet50 --dtype f32 --fill normal\n"
            + "  convverify check --oracle naive --engine exact --set basic     # an engine against the definition, bitwise\n"
            + "  convverify check --oracle torch --batch benchdnn:set_conv_all --mb 2 --dtype f32   # benchdnn's corpus (docs/benchdnn.md)");
        sel.AddTo(cmd);
        run.AddTo(cmd);
        cmd.Options.Add(oracle);
        cmd.Options.Add(pack);
        cmd.Options.Add(engine);
        cmd.Options.Add(seed);
        cmd.Options.Add(layout);
        cmd.Options.Add(timeLimit);
        cmd.SetAction(pr =>
        {
            var names = CommaLists.Items("--oracle", pr.GetValue(oracle)!);
            bool fixtures = names is ["fixtures"];
            // Said as itself: the registry of live oracles called it an unknown oracle, beside a hint to use it.
            if (!fixtures && names.Contains("fixtures"))
                throw new CliException($"--oracle: 'fixtures' (the packs) goes alone, not in a list of live oracles: '{pr.GetValue(oracle)}'");
            // Options that go with a live oracle are refused before the outputs are checked: that check looks for the
            // committed packs, and outside a clone said they were not found, "pass a pack folder explicitly", which for a
            // --random selection led only to this refusal.
            if (fixtures && pr.GetResult(seed) is { Implicit: false })
                throw new CliException("--seed goes with a live oracle: a pack's inputs are stored in it");
            if (fixtures && pr.GetValue(timeLimit) is not null)
                throw new CliException($"{OracleTimeLimit.Name} goes with a live oracle: a pack's results are stored in it, not computed");
            TorchLayout torchLayout;
            try
            {
                torchLayout = OracleLayouts.Parse(pr.GetValue(layout)!);
            }
            catch (ArgumentException e)
            {
                throw new CliException("--" + e.Plain());
            }
            if (fixtures && torchLayout != TorchLayout.Contiguous)
                throw new CliException($"--layout {pr.GetValue(layout)} goes with a live oracle that computes in it, as torch does: a pack holds results, not the layout they were computed in");
            if (pr.GetValue(pack) is not null && pr.GetValue(sel.Set) is not null)
                throw new CliException("--set picks a committed pack; with --pack, select cases with descriptors or --batch");
            if (!fixtures && pr.GetValue(pack) is not null) throw new CliException("--pack goes with --oracle fixtures");
            if (fixtures && pr.GetValue(sel.Random) is not null) throw new CliException($"--random goes with a live oracle: packs hold only the cases they were made with; {AddALiveOracle}");
            if (fixtures && pr.GetValue(sel.RandomIndex) is not null) throw new CliException($"--random-index goes with a live oracle: packs hold only the cases they were made with; {AddALiveOracle}");
            if (fixtures && pr.GetValue(sel.Mb) is not null)
                throw new CliException("--mb goes with a live oracle: a pack holds the problems it was made with");
            if (fixtures && pr.GetValue(pack) is null && pr.GetValue(sel.MaxMacs) is not null)
                throw new CliException("--max-macs goes with a live oracle or --pack: the committed packs hold small problems only");
            // Every file the batch pulls in, its includes and a benchdnn: name's vendored file too: a report written over
            // one would change what the next run reads. Read once: the files kept apart are those whose entries are run.
            var batch = sel.ReadBatch(pr);
            var batchFiles = batch?.Files ?? [];
            run.CheckOutputs(pr, [("--pack", pr.GetValue(pack)), ("--batch", batchFiles.FirstOrDefault()),
                .. (fixtures && pr.GetValue(pack) is null ? CaseSets.Committed.Select(s => ("committed pack", (string?)Locations.CommittedPack(s))) : [])],
                [.. batchFiles.Skip(1).Select(f => (f, batch!.Batch))]);
            IConvEngine subject;
            try
            {
                subject = ConvEngines.Get(pr.GetValue(engine)!);
            }
            catch (ArgumentException e)
            {
                throw new CliException("--" + e.Plain());
            }
            // An engine against itself can only agree: said, and an error under --strict, rather than passed quietly.
            string? itself = !fixtures && names.Contains(subject.Name, StringComparer.Ordinal)
                ? $"--oracle {pr.GetValue(oracle)}: the engine checked is {subject.Name} itself, which can only agree with it"
                : null;
            bool naiveSubject = subject is NaiveEngine;
            var plan = fixtures
                ? AgainstPacks(pr, sel, batch, pr.GetValue(pack), console, naiveSubject)
                : AgainstOracles(pr, sel, batch, oracles, string.Join(',', names), pr.GetValue(seed), new OracleOptions(torchLayout, pr.GetValue(timeLimit)), console, run.ShardOf(pr), naiveSubject);
            plan = plan with
            {
                Subject = new EngineSource(subject),
                Requirement = run.RequirementOf(pr),
                Shard = run.ShardOf(pr),
                Strict = pr.GetValue(run.Strict),
                ToleranceRule = run.ToleranceRuleOf(pr),
                ToleranceMode = pr.GetValue(run.Tolerance),
            };
            if (itself is not null) plan = plan with { Warnings = [.. plan.Warnings, itself] };
            if (run.ForeignInputsWarning(pr, plan.Cases) is { } foreign) plan = plan with { Warnings = [.. plan.Warnings, foreign] };
            return run.Execute(console, pr, plan, "check");
        });
        return cmd;
    }

    // What a selection that only a live oracle can compute is told to add (ort needs no Python).
    private const string AddALiveOracle = "add --oracle torch, --oracle ort or another live oracle";

    // Skipped entries are no failure, but they are said: how many, and why (cases --batch lists each). Descriptors of the
    // command line (eachSkip) are said one by one: cases cannot say why torch's memory skipped one, nor any run's but this.
    internal static CaseSelection Said(CaseSelection selection, IAnsiConsole console, bool eachSkip)
    {
        var writer = console.Profile.Out.Writer;
        if (selection.Listing.Count > 0) writer.WriteLine(selection.Summary());
        if (eachSkip)
            foreach (var l in selection.Listing.Where(l => l.Kind != BatchSkipKind.None))
                // The descriptor is the user's text: a newline in it would forge a line of this output.
                writer.WriteLine(PackPaths.Printable($"{l.Descriptor}: skipped: {l.Reason}"));
        return selection;
    }

    // naive: the engine checked is the naive one, whose loop visits (ConvProblem.NaiveLoopVisits) --max-macs holds too.
    private static RunPlan AgainstPacks(ParseResult pr, SelectionOptions sel, BatchRead? batch, string? packDir, IAnsiConsole console, bool naive)
    {
        string? set = pr.GetValue(sel.Set);
        List<string> packDirs;
        if (packDir is not null) packDirs = [packDir];
        else if (set is not null)
        {
            if (!CaseSets.All.Contains(set)) throw new CliException($"--set: unknown case set '{set}' (known: {string.Join(", ", CaseSets.All)})");
            if (!CaseSets.Committed.Contains(set)) throw new CliException($"--set {set} has no committed fixture pack; use --oracle torch");
            packDirs = [Locations.CommittedPack(set)];
        }
        else packDirs = [.. CaseSets.Committed.Select(Locations.CommittedPack)];

        var warnings = new List<string>();
        var errors = new List<RunRow>();
        var packs = new List<FixturePack>();
        try
        {
            packs.AddRange(packDirs.Select(d => Plans.OpenChecked(d, warnings, errors)));
        }
        catch (FixtureException e)
        {
            throw new CliException(e.Message);
        }
        var available = Plans.ReadCases(packs, warnings, errors);
        // The committed packs are the catalog's sets: one that holds other cases (a catalog changed and not regenerated, a
        // pack written over) made check pass over what it happened to hold, "every committed case" no longer being that.
        // Refused before anything runs, as a pack that cannot be opened is: its rows would pass or fail cases of no set.
        if (packDir is null && CoverageRefusal(set is null ? CaseSets.Committed : [set], packs, available) is { } stale) throw new CliException(stale);
        var selection = Said(sel.Resolve(pr, defaultSet: "question", batch: batch, naiveEngine: naive), console, sel.NamesDescriptors(pr));
        // A pack given by --pack is not trusted: each of its cases is held to --max-macs and to memory like a named problem.
        // Without a selection every pack case runs and the default set stands for nothing, so what --max-macs skipped of it
        // (the question case) is no problem of this run and must not be reported as one.
        var skipped = new List<SkippedProblem>(selection.Named ? selection.Skipped() : []);
        int named = skipped.Count;
        var cases = selection.InPacks(available, string.Join(", ", packDirs));
        // A dtype no pack holds selects nothing, and the run said only "no case was selected": f16 of the committed packs,
        // which hold none (torch, their oracle, has no CPU float16).
        if (pr.GetValue(sel.DType) is not null && available.Count > 0 && !available.Any(e => selection.DTypes.Contains(e.Case.Problem.DType)))
        {
            var dtype = selection.DTypes[0];
            var held = DTypes.All.Where(d => available.Any(e => e.Case.Problem.DType == d)).Select(DTypes.ShortName);
            throw new CliException($"--dtype {DTypes.ShortName(dtype)}: {(packDir is null ? "the committed packs hold" : PackPaths.Printable(packDir) + " holds")} no {DTypes.NumpyName(dtype)} cases "
                + $"(only {string.Join(", ", held)}); check {DTypes.ShortName(dtype)} against a live oracle that computes it, e.g. {OraclesFor(dtype)}");
        }
        if (packDir is not null) cases = CaseSelection.WithinLimits(cases, pr.GetValue(sel.MaxMacs), skipped, errors, naiveEngine: naive);
        if (skipped.Count > named) console.Profile.Out.Writer.WriteLine($"{Counted.Of(skipped.Count - named, "pack case")} skipped: too large");
        return new RunPlan
        {
            Command = RunCommands.Check,
            Cases = cases,
            Skipped = skipped,
            References = [Plans.Reference(packs, packDir is null ? "committed packs" : null)],
            Subject = new EngineSource(ConvEngines.Default),
            Warnings = [.. warnings, .. selection.InputWarnings()],
            PlanningErrors = errors,
        };
    }

    /// <summary>
    /// Why the committed packs <paramref name="packs"/> of <paramref name="sets"/> (in the same order) cannot serve
    /// <c>check</c>: each that does not hold exactly its set's cases (<see cref="CommittedCoverage"/>) on a line of its
    /// own, then how to rewrite them; null when every one does.
    /// </summary>
    internal static string? CoverageRefusal(IReadOnlyList<string> sets, IReadOnlyList<FixturePack> packs, IReadOnlyList<CaseEntry> available)
    {
        var stale = new List<(string Set, string Dir, string Why)>();
        for (int i = 0; i < sets.Count; i++)
        {
            var pack = packs[i];
            if (CommittedCoverage.Mismatch(sets[i], CaseSets.AllVariants(sets[i]), pack, available.Where(e => ReferenceEquals(e.Pack, pack)).Select(e => e.Case)) is { } why)
                stale.Add((sets[i], pack.Directory, why));
        }
        if (stale.Count == 0) return null;
        // The clone's packs are rewritten by regenerate; the variable's are someone's own, which regenerate never writes.
        string fix = Environment.GetEnvironmentVariable(Locations.FixturesVariable) is { Length: > 0 } variable
            ? $"the committed packs are read from {Locations.FixturesVariable} ({variable}): rewrite "
                + string.Join(" and ", stale.Select(s => $"'convverify fixtures generate --out {s.Dir} --set {s.Set} --force'")) + ", or unset the variable"
            : "run 'convverify fixtures regenerate' to rewrite the committed packs from the catalog";
        return "check reads the committed packs as the catalog's sets, and "
            + (stale.Count == 1 ? "one does not hold its set" : $"{stale.Count} do not hold their sets") + ":\n"
            + string.Concat(stale.Select(s => "  " + s.Why + "\n")) + fix;
    }

    // The committed sets' selections as one: their problems in order (each once) and every line any of them skipped.
    private static CaseSelection Committed(IReadOnlyList<CaseSelection> sets) => sets[0] with
    {
        Source = "the committed sets",
        Problems = [.. sets.SelectMany(s => s.Problems).Distinct()],
        Listing = [.. sets.SelectMany(s => s.Listing)],
    };

    private static RunPlan AgainstOracles(ParseResult pr, SelectionOptions sel, BatchRead? batch, OracleScope scope, string names, ulong seed, OracleOptions options, IAnsiConsole console, Shard shard,
        bool naiveSubject)
    {
        var layout = options.Layout;
        IReadOnlyList<IConvOracle> oracles;
        try
        {
            oracles = scope.CreateAll(names, options);
        }
        catch (ArgumentException e)
        {
            throw new CliException("--" + e.Plain() + "; or fixtures for the packs");
        }
        catch (OracleUnavailableException e)
        {
            throw new CliException("--oracle " + e.Message);
        }
        OracleTimeLimit.RefuseWithoutLiveOracle(options.TimeLimit, oracles);
        // Read from what each oracle made for the layout declares it computes in, never from its name: a torch-named oracle
        // that ignores the layout would have run NCHW under a channels-last check, and another that honours it been refused.
        // Said with the layout and the oracles given, as the warning of a batch file's --stag=axb names them.
        if (layout != TorchLayout.Contiguous && !oracles.Any(o => OracleLayouts.ComputesIn(o) == layout))
        {
            bool never = !oracles.Any(o => OracleLayouts.CanComputeIn(o, layout));
            throw new CliException($"--layout {OracleLayouts.Name(layout)} goes with an oracle that computes in it, as torch does: {string.Join(", ", oracles.Select(o => o.Name))} "
                + $"{(oracles.Count == 1 ? "computes" : "compute")} in NCHW{(never ? " only" : "")}");
        }
        // The naive engine, checked or as an oracle, runs the definition's loops in full: --max-macs holds their visits too.
        bool naive = naiveSubject || oracles.Any(o => o is EngineOracle { Engine: NaiveEngine });
        // Torch pads x itself and builds im2col columns: memory counts them where it computes.
        bool torch = oracles.Any(o => TorchOracle.Named(o.Name));
        // With no selection, check every set that fits in memory and time: the committed ones, each under --mb and --max-macs.
        // Stryker disable once String : with a set, batch file, descriptor or --random named (sel.Given) the default set is never read
        var selection = Said(sel.Given(pr) ? sel.Resolve(pr, defaultSet: "question", seed, batch, naive, torch) : Committed(sel.Resolve(pr, CaseSets.Committed, seed, naive, torch)), console, sel.NamesDescriptors(pr));
        // bf16 (or f16) asked of oracles none of which computes it is a usage error, not a run with nothing compared.
        if (DTypeSupport.UnprovidedNamed(oracles, selection, pr.GetValue(sel.DType) is not null) is { } why) throw new CliException("--dtype " + why);
        // Nor is a --layout run whose oracles in that layout compute none of its dtypes: the NCHW oracle beside them (ort
        // beside torch for f16) made it pass having compared no result in the layout asked for.
        if (layout != TorchLayout.Contiguous && selection.Problems.Count > 0)
        {
            var inLayout = oracles.Where(o => OracleLayouts.ComputesIn(o) == layout).ToList();
            var provided = selection.DTypes.Where(d => selection.Problems.Any(p => DTypeSupport.Unprovided(inLayout, p, d, layout) is null)).ToList();
            if (provided.Count == 0)
            {
                // Every dtype of the run is named with its reason (the default dtypes are three), and the NCHW oracles
                // only when there are any.
                var nchw = oracles.Except(inLayout).Select(o => o.Name).ToList();
                throw new CliException($"--layout {OracleLayouts.Name(layout)}: no result would be computed in {OracleLayouts.Name(layout)}: "
                    + string.Join("; ", selection.DTypes.Select(d => DTypeSupport.Unprovided(inLayout, selection.Problems[0], d, layout)))
                    + (nchw.Count == 0 ? "" : $"; {string.Join(", ", nchw)} {(nchw.Count == 1 ? "computes" : "compute")} in NCHW only"));
            }
        }
        // A batch file's --stag=axb asks for channels-last, which only an oracle declaring it (torch) computes in.
        int channelsLast = selection.Details.Values.Count(d => d.Layouts.Contains(TorchLayout.ChannelsLast));
        string[] layoutWarning = channelsLast > 0 && !oracles.Any(o => OracleLayouts.CanComputeIn(o, TorchLayout.ChannelsLast))
            ? [$"{Counted.Of(channelsLast, "problem")} {(channelsLast == 1 ? "asks" : "ask")} for channels-last (--stag=axb), but {string.Join(", ", oracles.Select(o => o.Name))} computes in NCHW only: their channels-last cases are NCHW checks"]
            : [];
        // An oracle beside the one computing in the layout (ort beside torch) computes in NCHW: its references are NCHW
        // checks, said rather than let the layout seem to hold for every reference of the run.
        var inNchw = layout == TorchLayout.Contiguous ? [] : oracles.Where(o => OracleLayouts.ComputesIn(o) != layout).Select(o => o.Name).ToList();
        string[] partWarning = inNchw.Count > 0
            ? [$"--layout {OracleLayouts.Name(layout)}: {string.Join(", ", inNchw)} {(inNchw.Count == 1 ? "computes" : "compute")} in NCHW, not {OracleLayouts.Name(layout)}; "
                + $"{string.Join(", ", oracles.Where(o => OracleLayouts.ComputesIn(o) == layout).Select(o => o.Name))} alone {(oracles.Count - inNchw.Count == 1 ? "does" : "do")}"]
            : [];
        var cases = selection.Generated(seed);
        return new RunPlan
        {
            Command = RunCommands.Check,
            Cases = cases,
            Seed = seed,
            Skipped = selection.Skipped(),
            References = [.. oracles.Select(o => new OracleSource(o))],
            Subject = new EngineSource(ConvEngines.Default),
            // Cases an oracle declares channels-last for but computes in NCHW (torch's conv3d), said as the cases of an
            // oracle that computes in NCHW only are: the report would otherwise name them torch-channels-last checks.
            // Of this shard's cases only: every shard's report counted the whole selection's, cases it never ran.
            Warnings = [.. selection.InputWarnings(), .. layoutWarning, .. partWarning, .. LayoutFallbacks.Warnings(oracles, [.. cases.Where(e => shard.Contains(e.Case.Id))])],
        };
    }

    // The live oracles that compute a dtype (torch has no CPU float16, ONNX Runtime no float64 or bfloat16 convolution):
    // a float32 pack suggested torch-rounded, which only matters for the narrow types.
    private static string OraclesFor(DType dtype) => dtype switch
    {
        DType.Float16 => "--oracle ort or --oracle torch-rounded",
        DType.BFloat16 => "--oracle torch or --oracle torch-rounded",
        DType.Float32 => "--oracle torch or --oracle ort",
        _ => "--oracle torch",
    };
}
