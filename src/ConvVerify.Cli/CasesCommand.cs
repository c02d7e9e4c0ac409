using System.CommandLine;
using System.Text.Json;
using ConvVerify.Cases;
using ConvVerify.Fixtures;
using ConvVerify.Problems;
using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary><c>convverify cases</c>: list problems with their parsed parameters.</summary>
internal static class CasesCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var sel = new SelectionOptions();
        var json = new Option<bool>("--json") { Description = "Write the problems as JSON with the fields of case.json" };
        var cmd = new Command("cases", "List problems with their parameters (PyTorch semantics) and output extents.\n\nExamples:\n  convverify cases --set basic\n  convverify cases --batch benchdnn:harness_conv_f32\n  convverify cases --batch third_party/benchdnn-conv/shapes_basic --json\n  convverify cases mb1ic3ih5oc16kh3\n  convverify cases --random 20 --seed 7");
        var seed = new Option<ulong>("--seed") { Description = "Seed of --random and --random-index", DefaultValueFactory = _ => ConvCase.DefaultSeed }.WholeNumber(0UL);
        sel.AddTo(cmd, withDtypeFill: false);
        cmd.Options.Add(json);
        cmd.Options.Add(seed);
        cmd.SetAction(pr =>
        {
            var selection = sel.Resolve(pr, defaultSet: "question", pr.GetValue(seed));
            if (pr.GetValue(json))
            {
                var files = selection.Problems.Select(p => CaseFile.From(ConvCase.Create(p, Fill.Integer)))
                    .Select(f => new
                    {
                        descriptor = f.Descriptor, name = f.Name, rank = f.Rank, mb = f.Mb, groups = f.Groups, ic = f.IC, oc = f.OC,
                        input = f.Input, kernel = f.Kernel, stride = f.Stride, pad_begin = f.PadBegin, pad_end = f.PadEnd,
                        dilation = f.Dilation, output = f.Output, bias = f.Bias,
                    });
                console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(files, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                return ExitCodes.Pass;
            }
            if (pr.GetValue(sel.Batch) is not null)
            {
                // A batch file: every entry, taken or not, so a reader sees what the file's options did to each descriptor.
                // The file may be anyone's: its text is printed with control characters escaped, so a newline cannot
                // forge a line and an escape sequence cannot drive the terminal.
                var o = console.Profile.Out.Writer;
                foreach (var line in selection.Listing)
                {
                    o.WriteLine(PackPaths.Printable($"{line.Where}  {line.Descriptor}{(line.Options.Length > 0 ? "  " + line.Options : "")}  → {line.Status}"));
                    foreach (string note in line.Notes) o.WriteLine("    note: " + PackPaths.Printable(note));
                }
                o.WriteLine(PackPaths.Printable(selection.Summary()));
                return ExitCodes.Pass;
            }
            ProblemTable.Write(console, selection.Problems);
            foreach (var line in selection.Listing) console.Profile.Out.Writer.WriteLine(PackPaths.Printable($"{line.Descriptor}  → {line.Status}"));
            console.WriteLine(PackPaths.Printable(selection.Listing.Count > 0 ? selection.Summary() : $"{Counted.Of(selection.Problems.Count, "problem")} from {selection.Source}"));
            return ExitCodes.Pass;
        });
        return cmd;
    }
}
