using System.CommandLine;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Runs;
using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary><c>convverify fixtures import-onnx DIR... --out PACK [--oracle NAME] [--force] [--strict]</c>.</summary>
internal static class ImportOnnxCommand
{
    internal static Command Build(IAnsiConsole console, OracleScope oracles)
    {
        var dirs = new Argument<string[]>("DIR") { Description = "ONNX test folders (model.onnx + test_data_set_N/), or folders holding them at any depth", Arity = ArgumentArity.OneOrMore }.RefusingOptions().Expecting("one or more folders of ONNX test data");
        var output = new Option<string>("--out") { Description = "The pack folder to write (written only when the import succeeds)", Required = true }.Expecting("a folder");
        var oracle = new Option<string?>("--oracle") { Description = "Also fill dx, dw and db with this oracle on the imported inputs: " + OracleRegistry.Describe() + ". Without it they are \"not in pack\"" };
        var force = new Option<bool>("--force") { Description = "Replace an existing pack at --out" };
        var strict = new Option<bool>("--strict") { Description = "Treat warnings (a Conv test, or a file that may hold one, that could not be imported) as errors: exit 2 and write no pack" };
        var timeLimit = OracleTimeLimit.Create();
        var cmd = new Command("import-onnx", "Make a pack of ONNX's own conformance data: every single-node float32 Conv model (pads, auto_pad, strides, "
            + "dilations, group, bias) becomes one case per test data set, with ONNX's x, w, b and expected y; dy is generated from the case seed. "
            + "Anything else is skipped with the reason; a Conv test that cannot be imported, or a file that cannot be read, is a warning (on stderr; "
            + "an error with --strict) (docs/fixture-format.md, \"Packs imported from ONNX\").\n\n"
            + "Examples:\n  convverify fixtures import-onnx /usr/share/libonnx-testdata/data --out onnx-pack\n"
            + "  convverify fixtures import-onnx /usr/share/libonnx-testdata/data/node --out onnx-pack --oracle torch --force\n  convverify check --pack onnx-pack");
        cmd.Arguments.Add(dirs);
        cmd.Options.Add(output);
        cmd.Options.Add(oracle);
        cmd.Options.Add(force);
        cmd.Options.Add(strict);
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
                result = OnnxImport.Import(pr.GetValue(dirs)!, dir, filler, pr.GetValue(force), pr.GetValue(strict));
            }
            catch (FixtureException e)
            {
                throw new CliException(e.Message);
            }
            // Folder names, attribute names and values, operator types: all from someone else's files, where a newline
            // would forge a line of this output and an escape sequence drive the terminal.
            foreach (var i in result.Imported) console.WriteLine(PackPaths.Printable($"imported {i.Source} as {i.CaseId} ({i.Descriptor})"));
            // ONNX's data is mostly tests of other operators, skipped as a matter of course: a Conv test that could not be
            // imported was one line among a thousand such, and the import exited 0 having left it out unseen.
            var stderr = pr.InvocationConfiguration.Error;
            foreach (var s in result.Skipped)
            {
                if (s.Kind == OnnxSkipKind.NotImported) stderr.WriteLine(PackPaths.Printable($"warning: not imported: {s.Reason}"));
                else console.WriteLine(PackPaths.Printable($"skipped: {s.Reason}"));
            }
            string gradients = filler is null ? "dx, dw, db not in pack" : $"dx, dw, db from {SourceInfo.Describe(filler.Name, filler.Versions)}";
            int notConv = result.Skipped.Count(s => s.Kind == OnnxSkipKind.NotConv), repeated = result.Skipped.Count(s => s.Kind == OnnxSkipKind.Repeated);
            int warned = result.Skipped.Count - notConv - repeated;
            console.WriteLine(PackPaths.Printable($"wrote {dir}: {Counted.Of(result.Imported.Count, "case")} from ONNX test data (y from ONNX; {gradients}), "
                + $"{notConv} skipped as not single-node Conv models"
                + (repeated > 0 ? $", {Counted.Of(repeated, "test folder")} reached twice (imported once)" : "")
                + $", {Counted.Of(warned, "Conv test or file", "Conv tests or files")} not imported{(warned > 0 ? " (warnings)" : "")}"));
            return ExitCodes.Pass;
        });
        return cmd;
    }
}
