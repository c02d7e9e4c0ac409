using System.CommandLine;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Checking;
using ConvVerify.Comparison;
using ConvVerify.Fixtures;
using ConvVerify.Problems;
using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary><c>convverify verify-impl</c>: another implementation's outputs, as .npy files, against a pack.</summary>
internal static class VerifyImplCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var pack = new Option<string>("--pack") { Description = "The fixture pack (the oracle)", Required = true };
        var candidate = new Option<string>("--candidate") { Description = "Folder with <case-id>/{y,dx,dw,db}.npy written by the implementation under test", Required = true };
        var json = new Option<string?>("--json") { Description = "Also write the report as JSON to this file" };
        var require = new Option<string>("--require") { Description = "all: every direction of every case must be provided (default); any: missing files are not failures", DefaultValueFactory = _ => "all" };
        var cmd = new Command("verify-impl", "Check another implementation's results against a fixture pack, element by element: bitwise for the integer fill, "
            + "within the sound summation bound for the normal fill.\nExit 0: all pass; 1: any mismatch or missing result; 2: bad usage or unreadable pack.\n\n"
            + "Example:\n  convverify verify-impl --pack tests/fixtures/basic --candidate out/ --json report.json");
        cmd.Options.Add(pack);
        cmd.Options.Add(candidate);
        cmd.Options.Add(json);
        cmd.Options.Add(require);
        cmd.SetAction(pr =>
        {
            bool requireAll = pr.GetValue(require) switch
            {
                "all" => true,
                "any" => false,
                var other => throw new CliException($"--require: expected all or any, got '{other}'"),
            };
            string packDir = pr.GetValue(pack)!, candidateDir = pr.GetValue(candidate)!;
            if (!Directory.Exists(candidateDir)) throw new CliException($"--candidate: folder not found: {candidateDir}");
            FixturePack p;
            try
            {
                p = FixturePack.Open(packDir);
            }
            catch (FixtureException e)
            {
                throw new CliException(e.Message);
            }
            var broken = p.CheckIntegrity();
            if (broken.Count > 0) throw new CliException($"the pack failed its integrity check, so it cannot serve as an oracle:\n  {string.Join("\n  ", broken)}");
            var report = new Report("verify-impl", $"pack {packDir}");
            report.Warnings.AddRange(p.Warnings);
            Progress.Run(console, p.CaseIds.Count, "verify-impl", i =>
            {
                string id = p.CaseIds[i];
                try
                {
                    var c = p.ReadCase(id);
                    report.Add(c.Problem.DType == DType.Float32 ? Verify<float>(p, c, candidateDir) : Verify<double>(p, c, candidateDir));
                }
                catch (FixtureException e)
                {
                    report.InputErrors = true;
                    report.Add([new DirectionReport(id, "?", Direction.Forward, Outcome.Fail, null, "pack: " + e.Message)]);
                }
            });
            if (report.Count(Outcome.Pass) + report.Count(Outcome.Fail) == 0)
                report.Warnings.Add($"the candidate folder {candidateDir} provided no result for any case of the pack");
            report.Print(console);
            if (pr.GetValue(json) is { } path) report.WriteJson(path);
            int code = report.ExitCode(requireAll);
            return code == ExitCodes.Pass && report.Count(Outcome.Pass) == 0 ? ExitCodes.Mismatch : code;
        });
        return cmd;
    }

    private static IReadOnlyList<DirectionReport> Verify<T>(FixturePack pack, ConvCase c, string candidateDir) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string id = c.Id;
        var read = pack.Read<T>(c);
        var problem = read.Case.Problem;
        return CaseCheck.Compare(read.Case, read.Inputs, read.Expected, d =>
        {
            string path = Path.Combine(candidateDir, id, d.TensorName() + ".npy");
            return File.Exists(path) ? Npy.Read<T>(path, problem.DType, TensorComparison.ShapeOf(problem, d)) : null;
        });
    }
}
