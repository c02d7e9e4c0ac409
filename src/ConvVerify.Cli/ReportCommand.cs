using System.CommandLine;
using ConvVerify.Fixtures;
using ConvVerify.Reports;
using ConvVerify.Runs;
using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary><c>convverify report merge</c>: the shards of a run combined, exiting as the whole run would.</summary>
internal static class ReportCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var cmd = new Command("report", "Work with run reports (--json files).");
        var shards = new Argument<string[]>("SHARD") { Description = "The --json reports of every shard of one run", Arity = ArgumentArity.OneOrMore }.RefusingOptions().Expecting("the --json report of every shard");
        var json = new Option<string?>("--json") { Description = "Write the merged report (schema convverify-report/1); a pipe, a device, /dev/stdout or /dev/fd/N is written in place" }.Expecting("a file");
        var junit = new Option<string?>("--junit") { Description = "Write the merged run as JUnit XML (its verdict one test case, from the merged run), as --json is written" }.Expecting("a file");
        var verbose = new Option<bool>("--verbose") { Description = "Print every row" };
        var html = new Option<string?>("--report") { Description = "Write the merged run as an HTML report into this folder" }.Expecting("a folder");
        var merge = new Command("merge", "Combine the --json reports of the shards of one run (--shard i/n) and exit as the whole run would: 0 all passed, "
            + "1 any failed, 2 when the reports are not the shards of one run (another selection or verdict option, a shard missing or given twice, rows that "
            + "disagree with their summary or their shard).\n\n"
            + "Example:\n  convverify report merge shard-1.json shard-2.json shard-3.json --junit all.xml");
        merge.Arguments.Add(shards);
        merge.Options.Add(json);
        merge.Options.Add(junit);
        merge.Options.Add(verbose);
        merge.Options.Add(html);
        merge.SetAction(pr =>
        {
            RunOptions.CheckApart([("--json", pr.GetValue(json)), ("--junit", pr.GetValue(junit)), ("--report", pr.GetValue(html))],
                pr.GetValue(shards)!.Select(s => ("shard", (string?)s)));
            RunOptions.CheckReportApart(pr.GetValue(html), pr.GetValue(json), pr.GetValue(junit));
            RunOptions.CheckOutputs(pr.GetValue(json), pr.GetValue(junit));
            RunOptions.CheckReportFolder(pr.GetValue(html));
            var reports = new List<(string, RunReport)>();
            foreach (string path in pr.GetValue(shards)!)
            {
                RunReport report;
                try
                {
                    report = RunReport.Read(path);
                }
                catch (FileNotFoundException e)
                {
                    throw new CliException(e.Message); // "report not found", or a folder named for what it is
                }
                catch (InvalidDataException e)
                {
                    throw new CliException(e.Message);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CliException($"{path}: cannot read: {e.Message}");
                }
                // The merge checks each shard's rows against the summary its run wrote: without one, any rows would do.
                if (report.WrittenSummary is null) throw new CliException($"{path}: no summary: not the report --json wrote");
                reports.Add((path, report));
            }
            RunReport merged;
            try
            {
                merged = ReportMerge.Merge(reports);
            }
            catch (ArgumentException e)
            {
                // The messages quote the shards' own texts (commands, names, reasons): one line each, whatever they hold.
                throw new CliException(PackPaths.Printable("report merge: " + e.Message));
            }
            ConsoleReport.Print(console, merged, pr.GetValue(verbose), fromFiles: true);
            return RunOptions.Finish(merged, pr.GetValue(json), pr.GetValue(junit), pr.GetValue(html));
        });
        cmd.Subcommands.Add(merge);
        return cmd;
    }
}
