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
    public static Command Build(IAnsiConsole console, OracleScope oracles)
    {
        var cmd = new Command("fixtures", "Make and check fixture packs (format: docs/fixture-format.md).");
        cmd.Subcommands.Add(Generate(console, oracles));
        cmd.Subcommands.Add(Regenerate(console, oracles));
        cmd.Subcommands.Add(Check(console, oracles));
        cmd.Subcommands.Add(ImportOnnxCommand.Build(console, oracles));
        return cmd;
    }

    private static Command Generate(IAnsiConsole console, OracleScope oracles)
    {
        var sel = new SelectionOptions();
        var output = new Option<string>("--out") { Description = "The pack folder to write", Required = true }.Expecting("a folder");
        var seed = new Option<ulong>("--seed") { Description = "Base seed of the inputs", DefaultValueFactory = _ => ConvCase.DefaultSeed }.WholeNumber(0UL);
        var force = new Option<bool>("--force") { Description = "Replace an existing pack at --out (a folder holding anything else is never replaced)" };
        var oracle = new Option<string>("--oracle") { Description = "The oracle whose results the pack holds: " + OracleRegistry.Describe(), DefaultValueFactory = _ => TorchOracle.OracleName };
        var timeLimit = OracleTimeLimit.Create();
        var cmd = new Command("generate", "Write a pack: C# makes the inputs, the --oracle the results (live PyTorch by default, through python/convverify_torch.py). "
            + "The manifest is written last, so an interrupted run never leaves a pack that looks complete.\n\n"
            + "Examples:\n  convverify fixtures generate --out my-pack --set basic --dtype f32\n  convverify fixtures generate --out my-pack mb1ic3ih5oc16kh3 --fill integer");
        sel.AddTo(cmd);
        cmd.Options.Add(output);
        cmd.Options.Add(seed);
        cmd.Options.Add(force);
        cmd.Options.Add(oracle);
        cmd.Options.Add(timeLimit);
        cmd.SetAction(pr =>
        {
            if (!sel.Given(pr)) throw new CliException("choose the cases with --set, --batch, --random or descriptors");
            // --force replaces the whole --out folder: a batch file read from inside it (a note kept in a case folder)
            // would be gone after the run, and one it is inside of would be written over.
            // The batch is read once: the files kept apart are those whose entries the run takes.
            var batch = sel.ReadBatch(pr);
            var batchFiles = batch?.Files ?? [];
            RunOptions.CheckReplacedApart("--out", pr.GetValue(output), [("--batch", batchFiles.FirstOrDefault())], [.. batchFiles.Skip(1).Select(f => (f, batch!.Batch))]);
            // The naive engine as the oracle runs the definition's loops in full: --max-macs holds their visits too.
            bool naive = pr.GetValue(oracle) == Convolution.ConvEngines.Naive.Name;
            // Torch pads x itself and builds im2col columns: memory counts them where it computes.
            bool torch = TorchOracle.Named(pr.GetValue(oracle)!);
            // What is skipped is said: a pack without a case asked for looked like the whole of it.
            // Stryker disable once String : a selection was given (checked above), so the default set is never read
            var selection = CheckCommand.Said(sel.Resolve(pr, defaultSet: "question", pr.GetValue(seed), batch, naive, torch), console, sel.NamesDescriptors(pr));
            bool named = pr.GetValue(sel.DType) is not null;
            var cases = selection.Cases(pr.GetValue(seed));
            string dir = pr.GetValue(output)!;
            // A pack of no case passed every check of it, having checked nothing: check itself fails a run with no case.
            if (cases.Count == 0)
                throw new CliException($"no case was selected{(selection.Skipped() is { Count: > 0 } skipped ? $" ({Counted.Of(skipped.Count, "problem")} skipped, said above)" : "")}: "
                    + $"a pack without cases checks nothing, so {dir} was not written");
            // A committed pack's folder holds its set as check requires it (CommittedCoverage): anything else written there
            // made check pass over fewer cases, or other ones, without a word.
            string? committed = CommittedSetAt(dir);
            if (committed is not null && CommittedRefusal(committed, dir, cases, pr.GetValue(oracle)!) is { } refusal) throw new CliException(refusal);
            var made = CreateOracle(oracles, pr.GetValue(oracle)!, "fixtures generate", pr.GetValue(timeLimit));
            Write(console, made, dir, cases, pr.GetValue(force), o => GenerateRefusal(o, selection, named),
                committed is null ? [] : CommittedPackUnrecordedVersions);
            return ExitCodes.Pass;
        });
        return cmd;
    }

    /// <summary>
    /// Why <paramref name="oracle"/> cannot fill a pack of <paramref name="selection"/>: a dtype it computes for none of
    /// the problems, named or among the defaults (a pack whose cases of a dtype hold no result checks nothing, and the
    /// generator itself failed on the first such case, naming its own parameter); null when it can. Says which dtypes the
    /// oracle does compute, and that --dtype (one dtype a run) chooses.
    /// </summary>
    internal static string? GenerateRefusal(IConvOracle oracle, CaseSelection selection, bool named)
    {
        // Asked as named: the defaults are refused as a named dtype is, not reported row by row as a check does.
        if (DTypeSupport.UnprovidedNamed([oracle], selection, named: true, TorchLayout.Contiguous) is not { } why) return null;
        var provided = DTypes.All.Where(d => selection.Problems.Any(p => DTypeSupport.Unprovided([oracle], p, d) is null)).Select(DTypes.ShortName).ToList();
        string choose = provided.Count == 0 ? $"oracle {oracle.Name} provides none of f32, f64, bf16 and f16 for these problems"
            : $"oracle {oracle.Name} provides {string.Join(" and ", provided)}: choose {(provided.Count == 1 ? "it" : "one")} with --dtype";
        return "--dtype " + why + (named ? "" : $" (the default --dtype is {string.Join(", ", selection.DTypes.Select(DTypes.ShortName))})") + "; " + choose;
    }

    /// <summary>
    /// Why the freshness of a pack imported from ONNX (manifest oracle <c>onnx</c> or <c>onnx+NAME</c>) is not checked:
    /// its inputs and y are ONNX's own, neither made from the case seed nor computed by an oracle, so nothing here can make
    /// them again to compare; the gradients NAME computed on them are not recomputed either.
    /// </summary>
    internal static string ImportedFreshness(string oracleName)
    {
        string? by = oracleName.Length > OnnxImport.OracleName.Length ? oracleName[(OnnxImport.OracleName.Length + 1)..] : null;
        return $"the pack was imported from ONNX's test data (oracle '{oracleName}'): x, w, b and y are ONNX's own, not made from the case seeds "
            + "nor computed by any oracle, so there is nothing to make again and compare"
            + (by is null ? "" : $"; dx, dw and db, which {by} computed on them at import, are not recomputed");
    }

    private static Command Regenerate(IAnsiConsole console, OracleScope oracles)
    {
        var timeLimit = OracleTimeLimit.Create();
        var cmd = new Command("regenerate", "Rewrite the committed packs (tests/fixtures/<set> for question, basic and pytorch; f32, f64 and bf16, both fills) with live PyTorch. "
            + "Every set is checked before the first is rewritten; the manifests record no CPU or BLAS (README, \"Regenerating the fixtures\").\n\n"
            + "Example:\n  convverify fixtures regenerate");
        cmd.Options.Add(timeLimit);
        cmd.SetAction(pr =>
        {
            string root = RegenerateRoot();
            // Every set is read, and its cases' folders checked, before any is written: a set that could not be written
            // (a line repeated in the catalog) was found after the sets before it were rewritten.
            var sets = RegenerateSets(root, CaseSets.AllVariants);
            CheckRegenerateTargets(root);
            var oracle = CreateOracle(oracles, TorchOracle.OracleName, "fixtures regenerate", pr.GetValue(timeLimit));
            // And so is whether the oracle computes every dtype of every set: torch declining bfloat16 was found per set too.
            foreach (var (set, variants) in sets)
            {
                if (RegenerateRefusal(set, variants, oracle) is { } why) throw new CliException(why);
            }
            foreach (var (set, variants) in sets)
                Write(console, oracle, Path.Combine(root, set), variants, force: true, unprovided: null, CommittedPackUnrecordedVersions);
            if (FixturesVariableElsewhere(root) is { } elsewhere) console.MarkupLineInterpolated($"[yellow]warning:[/] {PackPaths.Printable(elsewhere)}");
            return ExitCodes.Pass;
        });
        return cmd;
    }

    /// <summary>
    /// Keys of an oracle's versions a committed pack does not record: torch's CPU kernels (<c>cpu</c>) and BLAS library
    /// (<c>blas</c>). A pack recording them is checked bitwise on a machine that matches them and within the bound
    /// elsewhere; the committed packs, made on one machine and checked on every other, are checked the second way
    /// everywhere (README, "Regenerating the fixtures").
    /// </summary>
    internal static IReadOnlyList<string> CommittedPackUnrecordedVersions { get; } = [IConvOracle.CpuVersionKey, TorchOracle.BlasVersionKey];

    /// <summary>
    /// The committed sets and their cases, every one read and checked before any pack is written: a set whose cases would
    /// share a folder is refused naming it, and no set is rewritten.
    /// </summary>
    /// <param name="root">The folder of the committed packs.</param>
    /// <param name="variants">A set's cases (<see cref="CaseSets.AllVariants"/>; a test's own in its place).</param>
    /// <exception cref="CliException">A set cannot be read (a bad or repeated catalog line), or two of its cases share an id.</exception>
    internal static IReadOnlyList<(string Set, IReadOnlyList<ConvCase> Cases)> RegenerateSets(string root, Func<string, IReadOnlyList<ConvCase>> variants)
    {
        var sets = new List<(string, IReadOnlyList<ConvCase>)>();
        foreach (string set in CaseSets.Committed)
        {
            try
            {
                var cases = variants(set);
                FixtureGenerator.CheckIds(Path.Combine(root, set), cases);
                sets.Add((set, cases));
            }
            catch (Exception e) when (e is ArgumentException or FixtureException)
            {
                throw new CliException($"fixtures regenerate: {e.Plain()}; no set was rewritten");
            }
        }
        return sets;
    }

    /// <summary>
    /// What to tell the user when <c>CONVVERIFY_FIXTURES</c> names another folder than <paramref name="root"/>, the one
    /// regenerate wrote: check and the NUnit fixture read that folder's packs, not those just written. Null when it is
    /// not set, or names <paramref name="root"/> itself.
    /// </summary>
    internal static string? FixturesVariableElsewhere(string root)
    {
        if (Environment.GetEnvironmentVariable(Locations.FixturesVariable) is not { Length: > 0 } variable) return null;
        if (PackPaths.SamePath(PackPaths.RealPath(variable), PackPaths.RealPath(root))) return null;
        return $"{Locations.FixturesVariable} is set ({variable}): fixtures regenerate wrote the clone's committed packs in {root}, "
            + $"but check, and the NUnit fixture, read the packs in {variable}; unset it to check the packs just written";
    }

    /// <summary>
    /// The committed set whose pack <paramref name="dir"/> is: the clone's <c>tests/fixtures/SET</c>, or the folder
    /// <c>check</c> reads as that set's committed pack (<see cref="Locations.CommittedPack"/>); null for any other folder.
    /// </summary>
    internal static string? CommittedSetAt(string dir)
    {
        string real = PackPaths.RealPath(dir);
        var roots = new[] { Locations.RepositoryRoot() is { } repository ? Path.Combine(repository, "tests", "fixtures") : null, Locations.CommittedPacksRoot() };
        foreach (string set in CaseSets.Committed)
        {
            foreach (string? root in roots)
            {
                if (root is null) continue;
                string pack = PackPaths.RealPath(Path.Combine(root, set));
                if (PackPaths.SamePath(real, pack) || (Directory.Exists(real) && Directory.Exists(pack) && PackPaths.SameFile(real, pack))) return set;
            }
        }
        return null;
    }

    /// <summary>
    /// Why <c>fixtures generate</c> may not write <paramref name="cases"/> from <paramref name="oracle"/> into the committed
    /// pack of <paramref name="set"/> at <paramref name="dir"/>: check requires it to hold exactly the set's cases from torch
    /// (<see cref="CommittedCoverage"/>), and anything else there made it check fewer or other cases without a word. Null
    /// when they are exactly that (the same as regenerating the one set).
    /// </summary>
    internal static string? CommittedRefusal(string set, string dir, IReadOnlyList<ConvCase> cases, string oracle)
    {
        var expected = CaseSets.AllVariants(set);
        bool same = cases.Count == expected.Count && cases.Zip(expected).All(p => p.First.Id == p.Second.Id && CommittedCoverage.SameCase(p.First, p.Second));
        if (same && oracle == TorchOracle.OracleName) return null;
        string what = same ? $"results of oracle {oracle}, not torch" : $"{Counted.Of(cases.Count, "case")} other than the set's {expected.Count}";
        return $"--out {PackPaths.Printable(dir)} is the committed pack of set '{set}', which check requires to hold exactly that set's cases "
            + $"({CommittedCoverage.Described}) from torch; this run would write {what}. Rewrite it with 'convverify fixtures regenerate' "
            + $"(or fixtures generate --set {set} with the default --dtype, --fill and --seed), or give another --out";
    }

    /// <summary>
    /// The clone's <c>tests/fixtures</c>, which regenerate rewrites. Not <see cref="Locations.CommittedPacksRoot"/>: the packs
    /// that reads are those of <c>CONVVERIFY_FIXTURES</c> or the copy an installed tool carries beside itself, and rewriting
    /// either would silently change what that tool or variable checks against, while the clone kept its old packs.
    /// </summary>
    /// <exception cref="CliException">No <c>ConvVerify.sln</c> above the current folder or the tool.</exception>
    internal static string RegenerateRoot() =>
        Locations.RepositoryRoot() is { } repository ? Path.Combine(repository, "tests", "fixtures")
            : throw new CliException($"fixtures regenerate rewrites a clone's tests/fixtures, and there is no {Locations.SolutionFile} above the current folder; use fixtures generate --out DIR");

    /// <summary>
    /// Refuses, before any set is rewritten, a committed set's folder under <paramref name="root"/> that its rewrite would
    /// refuse: each pack is swapped in whole, but a stray in the third set's folder was found after the first two were
    /// rewritten, leaving the clone's packs of two generations.
    /// </summary>
    /// <exception cref="CliException">A set's folder is a file or a link, or holds anything but a pack.</exception>
    internal static void CheckRegenerateTargets(string root)
    {
        foreach (string set in CaseSets.Committed)
        {
            string dir = Path.Combine(root, set);
            try
            {
                if (new FileInfo(dir).LinkTarget is { } link)
                    throw new FixtureException($"{PackPaths.Printable(dir)}: is a symbolic link (to {PackPaths.Printable(link)}); regenerate rewrites the clone's own folders");
                PackWriter.CheckReplaceable(dir, force: true);
                AtomicFolder.CheckReplaceable(dir);
            }
            catch (Exception e) when (e is FixtureException or IOException or UnauthorizedAccessException)
            {
                throw new CliException($"fixtures regenerate: {e.Message}; no set was rewritten");
            }
        }
    }

    /// <summary>
    /// Why the oracle cannot rewrite a committed set: a dtype of it the oracle does not compute here (torch on a CPU
    /// whose bfloat16 sums are not float32) would leave the pack without that dtype's results; null when it can.
    /// </summary>
    internal static string? RegenerateRefusal(string set, IReadOnlyList<ConvCase> variants, IConvOracle oracle)
    {
        foreach (var c in variants.DistinctBy(c => (c.Problem.DType, c.Problem.Rank)))
        {
            if (DTypeSupport.Unprovided([oracle], c.Problem, c.Problem.DType) is { } why)
                return $"fixtures regenerate: the committed set '{set}' holds {DTypes.ShortName(c.Problem.DType)} cases of rank {c.Problem.Rank}, and {why}; "
                    + "regenerate where the oracle computes every dtype of the committed sets";
        }
        return null;
    }

    private static IConvOracle CreateOracle(OracleScope oracles, string name, string purpose, TimeSpan? timeLimit)
    {
        IConvOracle oracle;
        try
        {
            oracle = oracles.Create(name, new OracleOptions(TimeLimit: timeLimit));
        }
        catch (ArgumentException e)
        {
            throw new CliException("--" + e.Plain());
        }
        catch (OracleUnavailableException e)
        {
            throw new CliException($"{purpose} needs {e.Message}");
        }
        OracleTimeLimit.RefuseWithoutLiveOracle(timeLimit, [oracle]);
        return oracle;
    }

    private static void Write(IAnsiConsole console, IConvOracle oracle, string dir, IReadOnlyList<ConvCase> cases, bool force,
        Func<IConvOracle, string?>? unprovided, IReadOnlyCollection<string> unrecordedVersions)
    {
        try
        {
            // A pack of inputs without a single result checks nothing: a dtype the oracle cannot compute is bad usage.
            if (unprovided?.Invoke(oracle) is { } why) throw new CliException(why);
            Manifest manifest = null!;
            if (console.Profile.Capabilities.Interactive)
            {
                console.Progress().Start(ctx =>
                {
                    var task = ctx.AddTask("generate", maxValue: cases.Count);
                    manifest = FixtureGenerator.Generate(dir, cases, oracle, force, unrecordedVersions, new Reporter(_ => task.Increment(1)));
                });
            }
            else
            {
                // Not a terminal: a log gets the one line below, not a line per tenth of the cases.
                manifest = FixtureGenerator.Generate(dir, cases, oracle, force, unrecordedVersions);
            }
            // The folder's name is the user's, and may hold a newline (a forged line of this output) or an escape sequence.
            // What the oracle ran on is said, and what of it the manifest leaves out, which the pack's readers never see.
            var unrecorded = unrecordedVersions.Where(oracle.Versions.ContainsKey).ToList();
            console.WriteLine(PackPaths.Printable($"wrote {dir}: {Counted.Of(manifest.Cases.Count, "case")}, {Counted.Of(manifest.Files.Count, "file")} (oracle {SourceInfo.Describe(oracle.Name, oracle.Versions)}"
                + (unrecorded.Count == 0 ? ")" : $"; {string.Join(" and ", unrecorded)} not recorded in the manifest)")));
        }
        catch (FixtureException e)
        {
            throw new CliException(e.Message);
        }
    }

    // Progress<T> posts to the thread pool, out of order; this reports on the calling thread, in order.
    private sealed class Reporter(Action<(int Done, int Total, ConvCase Case)> report) : IProgress<(int Done, int Total, ConvCase Case)>
    {
        public void Report((int Done, int Total, ConvCase Case) value) => report(value);
    }

    private static Command Check(IAnsiConsole console, OracleScope oracles)
    {
        var dir = new Argument<string>("DIR") { Description = "The pack folder" }.Expecting("a pack folder");
        // Stryker disable once String : fixtures check has no --require (the plan decides what a direction must have), so its default is never read
        var run = new RunOptions("any");
        var timeLimit = OracleTimeLimit.Create();
        var cmd = new Command("check", "Verify a pack: every file's sha256 against the manifest, every case readable, and, when the pack's oracle "
            + "(its manifest's \"oracle\", torch for older packs) is available here, freshness: its inputs are what the generator makes today and its "
            + "results what the oracle computes (bitwise when the oracle's versions are the manifest's).\n"
            + "Exit 0: intact and fresh, or intact with freshness not checked where the pack's oracle cannot run here (a warning says so); "
            + "1: a corrupt file or a stale result; "
            + "2: bad usage, an unreadable file, or an oracle that failed in the freshness check (raised, timed out, a library missing).\n\nExample:\n  convverify fixtures check tests/fixtures/basic");
        cmd.Arguments.Add(dir);
        cmd.Options.Add(run.Shard);
        cmd.Options.Add(run.Json);
        cmd.Options.Add(run.JUnit);
        cmd.Options.Add(run.Report);
        cmd.Options.Add(run.Verbose);
        cmd.Options.Add(timeLimit);
        cmd.SetAction(pr =>
        {
            run.CheckOutputs(pr, ("pack", pr.GetValue(dir)));
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
            if (pack.Imported)
            {
                // Said as "unknown oracle 'onnx+ort'", which read as a pack naming an oracle that should exist.
                plan = Freshness.ReadOnlyPlan(pack, ImportedFreshness(oracleName));
            }
            else try
            {
                var oracle = oracles.Create(oracleName, new OracleOptions(TimeLimit: pr.GetValue(timeLimit)));
                OracleTimeLimit.RefuseWithoutLiveOracle(pr.GetValue(timeLimit), [oracle], "the pack's oracle ");
                plan = Freshness.Plan(pack, oracle);
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
            return run.Execute(console, pr, plan, "fixtures check", report =>
            {
                // A corrupt file's row fails the run too, but it is a file, counted as one, not a direction. A shard
                // checks only some of the cases, while every shard reads and hashes the whole pack: "6 cases" beside a
                // summary of 4 read as a miscount, so a shard says both.
                var summary = report.Summary;
                string cases = plan.Shard == Shard.All ? $": {Counted.Of(pack.CaseIds.Count, "case")}"
                    : $", shard {plan.Shard}: {summary.Cases} of the pack's {Counted.Of(pack.CaseIds.Count, "case")}";
                console.WriteLine($"fixtures check {PackPaths.Printable(path)}{cases}, {Counted.Of(summary.Files, "corrupt file")}, "
                    + $"{Counted.Of(summary.Outcomes[Outcome.Fail.Name()], "failed direction")}"
                    + (plan.RequireComparison ? $", {summary.Outcomes[Outcome.Pass.Name()]} fresh" : ", freshness not checked"));
            });
        });
        return cmd;
    }
}
