using System.Text.Json.Serialization;
using ConvVerify.Problems;

namespace ConvVerify.Runs;

/// <summary>
/// A problem the selection named but the run did not check (a benchdnn entry with an unsupported option or dtype, left
/// out by <c>--match=</c>, too large, invalid, a missing include): in the report so that a run's readers, people or
/// programs, see what was not checked and why, not only what was.
/// </summary>
public sealed record SkippedProblem
{
    /// <summary>Where it was named: a batch file and line, or the source of the selection.</summary>
    [JsonPropertyName("where")] public required string Where { get; init; }

    /// <summary>The descriptor as written.</summary>
    [JsonPropertyName("descriptor")] public required string Descriptor { get; init; }

    /// <summary>Why, in one word: option, dtype, match, too-large, invalid or include.</summary>
    [JsonPropertyName("kind")] public required string Kind { get; init; }

    /// <summary>Why, as a sentence naming the value.</summary>
    [JsonPropertyName("reason")] public required string Reason { get; init; }

    /// <summary>The kind's word in the report.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="BatchSkipKind.None"/> or an unknown kind: taken entries are no skipped problems.</exception>
    public static string KindName(BatchSkipKind kind) => kind switch
    {
        BatchSkipKind.Option => "option",
        BatchSkipKind.DType => "dtype",
        BatchSkipKind.Match => "match",
        BatchSkipKind.TooLarge => "too-large",
        BatchSkipKind.Invalid => "invalid",
        BatchSkipKind.Include => "include",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a reason to skip"),
    };
}
