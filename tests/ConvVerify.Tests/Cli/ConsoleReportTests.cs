using ConvVerify.Cli;
using ConvVerify.Runs;
using Spectre.Console;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// The report a person reads after `check` and `verify-impl`, printed from a report built by hand (one row of every
/// outcome), as a log gets it: word for word without --verbose, the table's cells with it.
/// </summary>
public class ConsoleReportTests
{
    private static RunRow Row(string id, string direction, Outcome outcome, string reason, double? err = null, double? ratio = null, string? consensus = null) => new()
    {
        Case = id, Descriptor = "mb1ic1ih4oc1kh3", DType = "float32", Fill = "normal", Direction = direction,
        Reference = "torch", Subject = "naive", Outcome = outcome, Reason = reason, MaxAbsError = err, Ratio = ratio, Consensus = consensus,
    };

    private static RunReport Report(int references, params RunRow[] rows) => new()
    {
        Command = "check", Subject = new SourceInfo { Name = "naive" },
        References = [.. Enumerable.Range(0, references).Select(i => new SourceInfo { Name = i == 0 ? "torch" : "ort" })],
        Warnings = ["w one"], Rows = [.. rows],
    };

    private static readonly RunRow[] EveryOutcome =
    [
        Row("a", "y", Outcome.Pass, "within the bound", 0.25, 0.5, "agree"),
        Row("a", "dx", Outcome.Fail, "off at 3", 1.5, 3),
        Row("b", "y", Outcome.Suspicious, "beyond the probabilistic bound", 0.0001234567, 1.25),
        Row("b", "dx", Outcome.Error, "unreadable dy"),
        Row("c", "y", Outcome.NotInPack, "no y.npy"),
        Row("d", "y", Outcome.NotInPack, "no y.npy either"),
        Row("e", "dw", Outcome.NotProvided, "the candidate has no dw"),
        Row("f", "db", Outcome.NotProvidedByOracle, "no bias gradient from ort"),
    ];

    private static string[] Print(RunReport report, bool verbose)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 10_000;
        ConsoleReport.Print(console, report, verbose);
        return text.ToString().TrimEnd('\n').Split('\n');
    }

    [Test]
    public void WithoutVerboseOnlyWarningsProblemsAbsencesByKindReasonsAndTheSummaryArePrinted()
    {
        var report = Report(1, EveryOutcome);
        Assert.That(Print(report, verbose: false), Is.EqualTo(new[]
        {
            "warning: w one",
            "FAIL a dx (naive vs torch): off at 3",
            "suspicious b y (naive vs torch): beyond the probabilistic bound",
            "ERROR b dx (naive vs torch): unreadable dy",
            "2 directions not in pack (e.g. c: no y.npy)",
            "1 direction not provided (e.g. e: the candidate has no dw)",
            "1 direction not provided by oracle (e.g. f: no bias gradient from ort)",
            "why: 1 direction could not be checked (unusable input)",
            "why: 1 direction failed",
            "why: 1 direction is suspicious (beyond the probabilistic bound)",
            "why: --require all: 2 directions not in pack (first: c y: no y.npy); --require any accepts absent directions",
            "why: --require all: 1 direction not provided (first: e dw: the candidate has no dw); --require any accepts absent directions",
            "why: --require all: 1 direction not provided by oracle (first: f db: no bias gradient from ort); --require any accepts absent directions",
            "check: 6 cases, 8 directions: 1 passed, 1 failed, 1 suspicious, 2 not in pack, 1 not provided by oracle, 1 not provided, 1 error (naive against torch, 0.0 s)",
        }));
    }

    [Test]
    public void APassingRunPrintsItsSummaryAlone()
    {
        var report = Report(1, Row("a", "y", Outcome.Pass, "within the bound", 0, 0));
        report.Warnings.Clear();
        Assert.That(Print(report, verbose: false), Is.EqualTo(new[]
        {
            "check: 1 case, 1 direction: 1 passed, 0 failed, 0 suspicious, 0 not in pack, 0 not provided by oracle, 0 not provided, 0 errors (naive against torch, 0.0 s)",
        }));
    }

    [Test]
    public void VerboseTabulatesEveryRowAndGroupsNoAbsences()
    {
        string[] lines = Print(Report(1, EveryOutcome), verbose: true);
        Assert.That(lines[0], Is.EqualTo("warning: w one"));
        Assert.That(lines.Count(l => l.Contains("case") && l.Contains("verdict")), Is.EqualTo(1), string.Join("\n", lines));
        Assert.That(Cells(lines.Single(l => l.Contains("verdict"))), Is.EqualTo(new[] { "case", "dir", "reference", "subject", "max abs err", "err/bound", "verdict" }));
        // One table line per row, in order; an absent error or ratio is "-"; errors in 4 significant digits.
        string[][] rows = [.. lines.Select(Cells).Where(c => c.Length == 7 && c[0] != "case")];
        Assert.That(rows.Select(c => string.Join("|", c)), Is.EqualTo(new[]
        {
            "a|y|torch|naive|0.25|0.5|pass",
            "a|dx|torch|naive|1.5|3|FAIL",
            "b|y|torch|naive|0.0001235|1.25|suspicious",
            "b|dx|torch|naive|-|-|ERROR",
            "c|y|torch|naive|-|-|not in pack",
            "d|y|torch|naive|-|-|not in pack",
            "e|dw|torch|naive|-|-|not provided",
            "f|db|torch|naive|-|-|not provided by oracle",
        }));
        Assert.That(lines, Has.None.StartsWith("2 directions not in pack"), "--verbose shows absences in the table, not grouped");
        Assert.That(lines, Has.One.EqualTo("FAIL a dx (naive vs torch): off at 3"), "problems are still spelled out under the table");
        Assert.That(lines[^1], Does.StartWith("check: 6 cases, 8 directions: "));
    }

    [Test]
    public void VerboseWithSeveralReferencesAddsTheConsensusColumn()
    {
        string[] lines = Print(Report(2, EveryOutcome[0], EveryOutcome[1]), verbose: true);
        Assert.That(Cells(lines.Single(l => l.Contains("verdict"))), Is.EqualTo(new[] { "case", "dir", "reference", "subject", "max abs err", "err/bound", "verdict", "consensus" }));
        string[][] rows = [.. lines.Select(Cells).Where(c => c.Length == 8 && c[0] != "case")];
        Assert.That(rows.Select(c => string.Join("|", c)), Is.EqualTo(new[] { "a|y|torch|naive|0.25|0.5|pass|agree", "a|dx|torch|naive|1.5|3|FAIL|-" }));
    }

    [Test]
    public void VerboseWithNoRowsPrintsNoTable()
    {
        var report = Report(1);
        Assert.That(Print(report, verbose: true), Is.EqualTo(new[]
        {
            "warning: w one",
            "why: no case was selected",
            "check: 0 cases, 0 directions: 0 passed, 0 failed, 0 suspicious, 0 not in pack, 0 not provided by oracle, 0 not provided, 0 errors (naive against torch, 0.0 s)",
        }));
    }

    // The cells of a table line: columns are separated by a bar or by runs of two or more spaces; rule lines have none.
    private static string[] Cells(string line) =>
        [.. System.Text.RegularExpressions.Regex.Split(line.Trim(), @"\s*│\s*|\s{2,}").Where(c => c.Length > 0 && c.Any(ch => ch is not ('─' or '┼' or '┬' or '┴')))];
}
