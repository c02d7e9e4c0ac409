using System.Text.Json.Serialization;
using ConvVerify.Comparison;

namespace ConvVerify.Runs;

/// <summary>One row of a run report: one direction of one case, checked against one reference.</summary>
public sealed record RunRow
{
    /// <summary>
    /// The subject of a row about the input made before any case ran (a case.json that cannot be read, a pack file failing
    /// its sha256): such a row is in the report of every shard, since sharding splits only the cases that could be read.
    /// </summary>
    public const string NoSubject = "-";

    /// <summary>The case id.</summary>
    [JsonPropertyName("case")] public required string Case { get; init; }

    /// <summary>The canonical benchdnn descriptor.</summary>
    [JsonPropertyName("descriptor")] public required string Descriptor { get; init; }

    /// <summary>"f32", "f64", "bf16" or "f16".</summary>
    [JsonPropertyName("dtype")] public required string DType { get; init; }

    /// <summary>"integer" or "normal".</summary>
    [JsonPropertyName("fill")] public required string Fill { get; init; }

    /// <summary>y, dx, dw or db.</summary>
    [JsonPropertyName("direction")] public required string Direction { get; init; }

    /// <summary>What the expected result came from: an oracle's name, or "pack".</summary>
    [JsonPropertyName("reference")] public required string Reference { get; init; }

    /// <summary>What was checked: an engine's name, "candidate", an implementation's name, or a second oracle.</summary>
    [JsonPropertyName("subject")] public required string Subject { get; init; }

    /// <summary>The outcome.</summary>
    [JsonPropertyName("outcome")] [JsonConverter(typeof(OutcomeConverter))] public required Outcome Outcome { get; init; }

    /// <summary>The rule applied, when a comparison was made.</summary>
    [JsonPropertyName("tolerance")] [JsonConverter(typeof(ToleranceConverter))] public Tolerance? Tolerance { get; init; }

    /// <summary>Elements compared (0 when nothing was).</summary>
    [JsonPropertyName("elements")] public int Elements { get; init; }

    /// <summary>Elements outside their bound.</summary>
    [JsonPropertyName("failures")] public int Failures { get; init; }

    /// <summary>The largest absolute error, when a comparison was made.</summary>
    [JsonPropertyName("max_abs_error")] public double? MaxAbsError { get; init; }

    /// <summary>The largest error/bound ratio, when a comparison was made.</summary>
    [JsonPropertyName("ratio")] public double? Ratio { get; init; }

    /// <summary>The worst element, when any element differs.</summary>
    [JsonPropertyName("worst")] public WorstElement? Worst { get; init; }

    /// <summary>For a failing or suspicious direction (when the plan asks for maps): where it is wrong.</summary>
    [JsonPropertyName("map")] public ErrorMap? Map { get; init; }

    /// <summary>
    /// For an <see cref="Outcome.Error"/> row: whether the input was unusable or an oracle failed on it. Null on other
    /// rows, and on the error rows of reports from before it was recorded, which all said unusable input (<see cref="ErrorCauseOrInput"/>).
    /// </summary>
    [JsonPropertyName("cause")] public ErrorCause? Cause { get; init; }

    /// <summary>The cause of an error row, <see cref="ErrorCause.Input"/> when none is recorded (as reports from before said it).</summary>
    [JsonIgnore] public ErrorCause ErrorCauseOrInput => Cause ?? ErrorCause.Input;

    /// <summary>
    /// For an error row of an oracle failure: the oracle was not called for the case, since a call of it abandoned earlier
    /// in the run (past its time limit) had not returned. The case was never tried, and checks alone as any other: its
    /// error follows from that call's. Not written to the report: it is what this process saw, read by the command that
    /// ran it (soak says such cases follow from the first failure rather than offer each as a failure to reproduce).
    /// </summary>
    [JsonIgnore] public bool BehindAbandonedCall { get; init; }

    /// <summary>
    /// The outcome as people read it: "ERROR (oracle failure)" for an error row an oracle's failure made, so that it is not
    /// taken for bad input; else the outcome's name (<see cref="Outcomes.Name"/>).
    /// </summary>
    [JsonIgnore] public string OutcomeText => Outcome == Outcome.Error && Cause == ErrorCause.Oracle ? $"{Outcome.Name()} ({ErrorCause.Oracle.Name()})" : Outcome.Name();

    /// <summary>A sentence a person can act on: the verdict, or why nothing was compared.</summary>
    [JsonPropertyName("reason")] public required string Reason { get; init; }

    /// <summary>
    /// With several references, on a direction at least two of them computed: "agree" when every comparison made of this
    /// case's direction passed, "disagree" otherwise; else null (one reference, or a direction only one of them computed,
    /// where no oracle stood beside another).
    /// </summary>
    [JsonPropertyName("consensus")] public string? Consensus { get; init; }

    /// <summary>
    /// Seconds spent: the case's computation (inputs, every source's results) shared among its directions and, within a
    /// direction, among its rows, plus the row's own comparison; the rows of a run add up to no more than its time.
    /// </summary>
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
}
