using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConvVerify.Runs;

/// <summary>Counts of a report's rows by outcome.</summary>
public sealed record RunSummary
{
    /// <summary>Distinct cases.</summary>
    [JsonPropertyName("cases")] public int Cases { get; init; }

    /// <summary>Rows about directions: every row but those about a pack's files (<see cref="Files"/>).</summary>
    [JsonPropertyName("directions")] public int Directions { get; init; }

    /// <summary>
    /// Rows about a pack's files (case <c>(pack)</c>: a file that fails the manifest's sha256 or is missing), counted as
    /// files and in no outcome of <see cref="Outcomes"/>; 0 in a report from before they were counted apart (one that had
    /// such rows counted them as directions, no longer agrees with its rows, and is refused: docs/report-schema.md, "Versions").
    /// </summary>
    [JsonPropertyName("files")] public int Files { get; init; }

    /// <summary>Problems the selection named but the run left out (the report's <c>skipped</c> list).</summary>
    [JsonPropertyName("skipped")] public int Skipped { get; init; }

    /// <summary>Rows about directions by outcome name (the rows about a pack's files are <see cref="Files"/>); every outcome is present.</summary>
    [JsonPropertyName("outcomes")] public SortedDictionary<string, int> Outcomes { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The exit code the run ends with: 0 all passed, 1 any failed or suspicious (or required but absent), 2 unusable input or an oracle that failed.</summary>
    [JsonPropertyName("exit_code")] public int ExitCode { get; init; }

    /// <summary>Why the exit code is not 0, one sentence each.</summary>
    [JsonPropertyName("reasons")] public List<string> Reasons { get; init; } = [];
}
