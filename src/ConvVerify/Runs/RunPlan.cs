using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Runs;

/// <summary>
/// Everything a run needs: the cases, the references (expected results), the subject (what is checked), and the rules.
/// Every command builds one of these and hands it to <see cref="Runner"/>.
/// </summary>
public sealed record RunPlan
{
    /// <summary>The command, for the report.</summary>
    public required string Command { get; init; }

    /// <summary>The selected cases (before sharding).</summary>
    public required IReadOnlyList<CaseEntry> Cases { get; init; }

    /// <summary>Where expected results come from; at least one.</summary>
    public required IReadOnlyList<ResultSource> References { get; init; }

    /// <summary>What is checked.</summary>
    public required ResultSource Subject { get; init; }

    /// <summary>Whether absent directions fail the run.</summary>
    public Requirement Requirement { get; init; } = Requirement.All;

    /// <summary>Whether warnings are errors.</summary>
    public bool Strict { get; init; }

    /// <summary>Whether a run that compared nothing fails (true for every check; false for reading a pack where no oracle is available).</summary>
    public bool RequireComparison { get; init; } = true;

    /// <summary>Whether failing and suspicious rows carry an <see cref="ErrorMap"/> (for the HTML report).</summary>
    public bool ErrorMaps { get; init; }

    /// <summary>The part of the cases to run.</summary>
    public Shard Shard { get; init; } = Shard.All;

    /// <summary>With several references: also compare each with every later one (the consensus of the oracles).</summary>
    public bool CrossCheckReferences { get; init; } = true;

    /// <summary>Computes the sound bound's convolution.</summary>
    public IConvEngine BoundEngine { get; init; } = ConvEngines.Default;

    /// <summary>The directions to check (null: every direction the problem has).</summary>
    public IReadOnlyCollection<Direction>? Directions { get; init; }

    /// <summary>
    /// The rule for a comparison of a case's result from a reference with a subject's; null for the default: bitwise when
    /// both sides are the definition, exact values for the integer fill, the sound bound for foreign inputs
    /// (<see cref="ConvCase.ForeignInputs"/>), the probabilistic bound inside the sound one otherwise (for bfloat16 and
    /// float16 the narrow rule's, <see cref="Comparison.TensorComparison.NarrowProbabilisticBounds{T}"/>).
    /// </summary>
    public Func<ConvCase, ResultSource, ResultSource, Tolerance>? ToleranceRule { get; init; }

    /// <summary>
    /// The name of the normal-fill rule the user chose (<c>--tolerance</c>), recorded in the report so that shards run
    /// under other rules are not merged; null where the command sets <see cref="ToleranceRule"/> itself.
    /// </summary>
    public string? ToleranceMode { get; init; }

    /// <summary>The base seed the cases' inputs were made from, recorded in the report; null where a pack holds the inputs.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Warnings found while planning (unreadable pack entries, unmatched candidate folders).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Problems the selection named but leaves out (<see cref="CaseSelection.Skipped"/>), carried into the report.</summary>
    public IReadOnlyList<SkippedProblem> Skipped { get; init; } = [];

    /// <summary>Rows for cases that could not even be selected (a broken case.json), reported as errors.</summary>
    public IReadOnlyList<RunRow> PlanningErrors { get; init; } = [];

    /// <summary>
    /// The default rule with its probabilistic tier replaced by the sound bound (<c>--tolerance sound</c>, and the NUnit
    /// fixture's <c>Tolerance.SoundBound</c>): for implementations whose rounding the tier does not model.
    /// </summary>
    public static Tolerance SoundTolerance(ConvCase c, ResultSource reference, ResultSource subject) =>
        DefaultTolerance(c, reference, subject) is var rule && rule == Tolerance.Probabilistic ? Tolerance.SoundBound : rule;

    /// <summary>The default rule (see <see cref="ToleranceRule"/>).</summary>
    public static Tolerance DefaultTolerance(ConvCase c, ResultSource reference, ResultSource subject)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(subject);
        if (reference.IsDefinition && subject.IsDefinition) return Tolerance.Bitwise;
        // Foreign inputs (ONNX's) have no probabilistic tier: it models our normal fill, and an imported sum that cancels
        // failed it however it was computed, the engine against its own pack included. Asked before the integer fill's
        // exact rule, which holds for ConvVerify's small integers only, not for data that merely says "integer". Narrow
        // dtypes have the tier too, inside their own rule (TensorComparison.NarrowProbabilisticBounds).
        if (c.ForeignInputs) return Tolerance.SoundBound;
        return c.Fill == Fill.Integer ? Tolerance.ExactValues : Tolerance.Probabilistic;
    }
}
