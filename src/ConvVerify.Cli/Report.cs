using System.Globalization;
using System.Text.Json;
using ConvVerify.Cases;
using ConvVerify.Checking;
using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary>Collects report rows; prints them as a table with a summary line, and writes them as JSON.</summary>
internal sealed class Report(string command, string oracle)
{
    private readonly List<DirectionReport> _rows = [];

    public List<string> Warnings { get; } = [];

    public bool InputErrors { get; set; }

    public void Add(IEnumerable<DirectionReport> rows) => _rows.AddRange(rows);

    public int Count(Outcome o) => _rows.Count(r => r.Outcome == o);

    public int ExitCode(bool requireAll)
    {
        if (InputErrors) return ExitCodes.BadInput;
        bool failed = Count(Outcome.Fail) > 0 || (requireAll && Count(Outcome.NotProvided) > 0);
        return failed ? ExitCodes.Mismatch : ExitCodes.Pass;
    }

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{command}: {_rows.Select(r => r.CaseId).Distinct().Count()} cases, {_rows.Count} directions: {Count(Outcome.Pass)} passed, "
        + $"{Count(Outcome.Fail)} failed, {Count(Outcome.NotInPack)} not in pack, {Count(Outcome.NotProvided)} not provided (oracle: {oracle})");

    public void Print(IAnsiConsole console)
    {
        foreach (string w in Warnings) console.MarkupLineInterpolated($"[yellow]warning:[/] {w}");
        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("case", "dir", "max abs err", "err/bound", "verdict");
        foreach (var r in _rows)
        {
            string color = r.Outcome switch { Outcome.Pass => "green", Outcome.Fail => "red", _ => "yellow" };
            table.AddRow(
                new Text(r.CaseId),
                new Text(r.Direction.TensorName()),
                new Text(r.Verdict is null ? "-" : r.Verdict.MaxAbsError.ToString("G3", CultureInfo.InvariantCulture)),
                new Text(r.Verdict is null ? "-" : r.Verdict.WorstRatio.ToString("G3", CultureInfo.InvariantCulture)),
                new Markup($"[{color}]{Markup.Escape(Verdict(r.Outcome))}[/]"));
        }
        console.Write(table);
        foreach (var r in _rows.Where(r => r.Outcome == Outcome.Fail))
            console.MarkupLineInterpolated($"[red]FAIL[/] {r.CaseId} {r.Direction.TensorName()}: {r.Explanation}");
        console.WriteLine(Summary());
    }

    public void WriteJson(string path)
    {
        var doc = new
        {
            command,
            oracle,
            warnings = Warnings,
            summary = new
            {
                passed = Count(Outcome.Pass),
                failed = Count(Outcome.Fail),
                not_in_pack = Count(Outcome.NotInPack),
                not_provided = Count(Outcome.NotProvided),
            },
            rows = _rows.Select(r => new
            {
                @case = r.CaseId,
                descriptor = r.Descriptor,
                direction = r.Direction.TensorName(),
                outcome = Verdict(r.Outcome),
                max_abs_error = Finite(r.Verdict?.MaxAbsError),
                worst_ratio = Finite(r.Verdict?.WorstRatio),
                failures = r.Verdict?.Failures,
                worst = r.Verdict?.Worst is { } w
                    ? new { index = w.Index, position = w.Position, expected = Finite(w.Expected), actual = Finite(w.Actual), bound = Finite(w.Bound) }
                    : null,
                detail = r.Explanation,
            }),
        };
        try
        {
            File.WriteAllText(path, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"--json: cannot write {path}: {e.Message}");
        }
    }

    // JSON has no NaN or infinity: such values are written as strings.
    private static object? Finite(double? v) => v is null ? null : double.IsFinite(v.Value) ? v.Value : v.Value.ToString(CultureInfo.InvariantCulture);

    public static string Verdict(Outcome o) => o switch
    {
        Outcome.Pass => "pass",
        Outcome.Fail => "FAIL",
        Outcome.NotInPack => "not in pack",
        _ => "not provided",
    };
}
