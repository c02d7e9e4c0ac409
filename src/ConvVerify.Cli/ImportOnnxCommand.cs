using System.CommandLine;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Runs;
using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary><c>convverify fixtures import-onnx DIR... --out PACK [--oracle NAME] [--force]</c>.</summary>
internal static class ImportOnnxCommand
{
    internal static Command Build(IAnsiConsole console, OracleScope oracles)
    {
        var dirs = new Argument<string[]>("DIR") { Description = "ONNX test folders (model.onnx + test_data_set_N/), or folders holding them at any depth", Arity = ArgumentArity.OneOrMore }.RefusingOptions().Expecting("one or more folders of ONNX test data");
        var output = new Option<string>("--out") { Description = "The pack folder to write (written only when the import succeeds)", Required = true }.Expecting("a folder");
        var oracle = new Option<string?>("--oracle") { Description = "Also fill dx, dw and db with this oracle on the imported inputs: " + OracleRegistry.Describe() + ". Without it they are \"not in pack\"" };
        var force = new Option<bool>("--force") { Description = "Replace an existing pack at --out" };
        var timeLimit = OracleTimeLimit.Create();
        var cmd = new Command("import-onnx", "Make a pack of ONNX's own conformance data: every single-node float32 Conv model (pads, auto_pad, strides, "
            + "dilations, group, bias) becomes one case per test data set, with ONNX's x, w, b and expected y; dy is generated from the case seed. "
            + "Anything else is skipped with the reason (docs/fixture-format.md, \"Packs imported from ONNX\").\n\n"
            + "Examples:\n  convverify fixtures import-onnx /usr/share/libonnx-testdata/data --out onnx-pack\n"
            + "  convverify fixtures import-onnx /usr/share/libonnx-testdata/data/node --out onnx-pack --oracle torch --force\n  convverify check --pack onnx-pack");
        cmd.Arguments.Add(dirs);
        cmd.Options.Add(output);
        cmd.Options.Add(oracle);
        cmd.Options.Add(force);
        cmd.Options.Add(timeLimit);
        cmd.SetAction(pr =>
        {
            // The import walks every DIR and then replaces --out whole: neither may hold the other.
            RunOptions.CheckReplacedApart("--out", pr.GetValue(output), [.. pr.GetValue(dirs)!.Select(d => ("ONNX test data", (string?)d))]);
            IConvOracle? filler = null;
            if (pr.GetValue(oracle) is null && pr.GetValue(timeLimit) is not null)
                throw new CliException($"{OracleTimeLimit.Name} goes with --oracle: without it the import calls no oracle");
            if (pr.GetValue(oracle) is { } name)
            {
                try
                {
                    filler = oracles.Create(name, new OracleOptions(TimeLimit: pr.GetValue(timeLimit)));
                }
                catch (ArgumentException e)
                {
                    throw new CliException("--" + e.Plain());
                }
                catch (OracleUnavailableException e)
                {
                    throw new CliException($"fixtures import-onnx --oracle needs {e.Message}");
                }
                OracleTimeLimit.RefuseWithoutLiveOracle(pr.GetValue(timeLimit), [filler]);
            }
            string dir = pr.GetValue(output)!;
            OnnxImportResult result;
            try
            {
                result = OnnxImport.Import(pr.GetValue(dirs)!, dir, filler, pr.GetValue(force));
            }
            catch (FixtureException e)
            {
                throw new CliException(e.Message);
            }
            // Folder names, attribute names and values, operator types: all from someone else's files, where a newline
            // would forge a line of this output and an escape sequence drive the terminal.
            foreach (var i in result.Imported) console.WriteLine(PackPaths.Printable($"imported {i.Source} as {i.CaseId} ({i.Descriptor})"));
            foreach (var s in result.Skipped) console.WriteLine(PackPaths.Printable($"skipped: {s.Reason}"));
            string gradients = filler is null ? "dx, dw, db not in pack" : $"dx, dw, db from {SourceInfo.Describe(filler.Name, filler.Versions)}";
            console.WriteLine(PackPaths.Printable($"wrote {dir}: {Counted.Of(result.Imported.Count, "case")} from ONNX test data (y from ONNX; {gradients}), {result.Skipped.Count} skipped"));
            return ExitCodes.Pass;
        });
        return cmd;
    }
}
