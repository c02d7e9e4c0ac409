using System.CommandLine;
using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Checking;
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
        return cmd;
    }

    private static Command Generate(IAnsiConsole console)
    {
        var sel = new SelectionOptions();
        var output = new Option<string>("--out") { Description = "The pack folder to write", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Base seed of the inputs", DefaultValueFactory = _ => ConvCase.DefaultSeed };
        var force = new Option<bool>("--force") { Description = "Replace the contents of a non-empty --out folder" };
        var cmd = new Command("generate", "Write a pack with live PyTorch: C# makes the inputs, python/convverify_torch.py the results. "
            + "The manifest is written last, so an interrupted run never leaves a pack that looks complete.\n\n"
            + "Examples:\n  convverify fixtures generate --out my-pack --set basic --dtype f32\n  convverify fixtures generate --out my-pack mb1ic3ih5oc16kh3 --fill integer");
        sel.AddTo(cmd);
        cmd.Options.Add(output);
        cmd.Options.Add(seed);
        cmd.Options.Add(force);
        cmd.SetAction(pr =>
        {
            if (!sel.Given(pr)) throw new CliException("choose the cases with --set, --batch or descriptors");
            var cases = sel.Resolve(pr, defaultSet: "question").Cases(pr.GetValue(seed));
            Write(console, pr.GetValue(output)!, cases, pr.GetValue(force));
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
                Write(console, Path.Combine(RepoPaths.FixturesDir(), set), CaseSets.AllVariants(set), force: true);
            }
            return ExitCodes.Pass;
        });
        return cmd;
    }

    private static void Write(IAnsiConsole console, string dir, IReadOnlyList<ConvCase> cases, bool force)
    {
        var availability = TorchOracle.Probe();
        if (!availability.Available) throw new CliException("fixtures generate needs live PyTorch: " + availability.Reason);
        try
        {
            var oracle = TorchOracle.Get();
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
            console.WriteLine($"wrote {dir}: {manifest.Cases.Count} cases, {manifest.Files.Count} files (torch {oracle.TorchVersion})");
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

    private static Command Check(IAnsiConsole console)
    {
        var dir = new Argument<string>("DIR") { Description = "The pack folder" };
        var cmd = new Command("check", "Verify a pack: every file's sha256 against the manifest, every case readable, and, when live PyTorch is available, "
            + "freshness (bitwise for the integer fill, and for the normal fill when the torch version is the manifest's).\n\nExample:\n  convverify fixtures check tests/fixtures/basic");
        cmd.Arguments.Add(dir);
        cmd.SetAction(pr =>
        {
            string path = pr.GetValue(dir)!;
            FixturePack pack;
            try
            {
                pack = FixturePack.Open(path);
            }
            catch (FixtureException e)
            {
                throw new CliException(e.Message);
            }
            var report = new Report("fixtures check", $"pack {path}");
            report.Warnings.AddRange(pack.Warnings);
            var broken = pack.CheckIntegrity();
            foreach (string b in broken) console.MarkupLineInterpolated($"[red]corrupt:[/] {b}");
            var availability = TorchOracle.Probe();
            if (!availability.Available)
                report.Warnings.Add("freshness not checked: " + availability.Reason);
            string? packTorch = pack.Manifest?.Versions.GetValueOrDefault("torch");
            bool same = availability.Available && packTorch == availability.TorchVersion;
            if (availability.Available && !same)
                report.Warnings.Add($"the pack was made with torch {packTorch ?? "(unknown)"}, live torch is {availability.TorchVersion}: normal-fill results are compared within the sound bound, not bitwise");
            Progress.Run(console, pack.CaseIds.Count, "fixtures check", i =>
            {
                string id = pack.CaseIds[i];
                try
                {
                    if (availability.Available) report.Add(Freshness.Check(pack, id, TorchOracle.Get(), same, TorchTolerance.BoundFactor));
                    else
                    {
                        var c = pack.ReadCase(id);
                        if (c.Problem.DType == DType.Float32) pack.Read<float>(c);
                        else pack.Read<double>(c);
                    }
                }
                catch (FixtureException e)
                {
                    report.InputErrors = true;
                    report.Add([new DirectionReport(id, "?", Direction.Forward, Outcome.Fail, null, e.Message)]);
                }
            });
            if (availability.Available) report.Print(console);
            else
            {
                foreach (string w in report.Warnings) console.MarkupLineInterpolated($"[yellow]warning:[/] {w}");
            }
            int failures = report.Count(Outcome.Fail) + broken.Count;
            console.WriteLine($"fixtures check {path}: {pack.CaseIds.Count} cases, {broken.Count} corrupt files, {report.Count(Outcome.Fail)} failed directions"
                + (availability.Available ? $", {report.Count(Outcome.Pass)} fresh" : ", freshness not checked"));
            return report.InputErrors ? ExitCodes.BadInput : failures > 0 ? ExitCodes.Mismatch : ExitCodes.Pass;
        });
        return cmd;
    }
}
