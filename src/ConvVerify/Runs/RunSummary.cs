using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConvVerify.Runs;

/// <summary>Counts of a report's rows by outcome.</summary>
public sealed record RunSummary
{
    /// <summary>Distinct cases.</summary>
    [JsonPropertyName("cases")] public int Cases { get; init; }

    /// <summary>Rows.</summary>
    [JsonPropertyName("directions")] public int Directions { get; init; }

    /// <summary>Problems the selection named but the run left out (the report's <c>skipped</c> list).</summary>
    [JsonPropertyName("skipped")] public int Skipped { get; init; }

    /// <summary>Rows by outcome name; every outcome is present.</summary>
    [JsonPropertyName("outcomes")] public SortedDictionary<string, int> Outcomes { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The exit code the run ends with: 0 all passed, 1 any failed or suspicious (or required but absent), 2 unusable input or an oracle that failed.</summary>
    [JsonPropertyName("exit_code")] public int ExitCode { get; init; }

    /// <summary>Why the exit code is not 0, one sentence each.</summary>
    [JsonPropertyName("reasons")] public List<string> Reasons { get; init; } = [];
}
