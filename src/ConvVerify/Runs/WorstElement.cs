using System.Text.Json.Serialization;
using ConvVerify.Comparison;

namespace ConvVerify.Runs;

/// <summary>The element that decided a comparison, as a report records it.</summary>
public sealed record WorstElement
{
    /// <summary>Flat row-major index.</summary>
    [JsonPropertyName("index")] public required int Index { get; init; }

    /// <summary>Multi-index in the result's shape.</summary>
    [JsonPropertyName("position")] public required int[] Position { get; init; }

    /// <summary>The reference's value.</summary>
    [JsonPropertyName("expected")] public required double Expected { get; init; }

    /// <summary>The checked value.</summary>
    [JsonPropertyName("actual")] public required double Actual { get; init; }

    /// <summary>|actual − expected|.</summary>
    [JsonPropertyName("abs_error")] public required double AbsError { get; init; }

    /// <summary>The element's allowed error.</summary>
    [JsonPropertyName("bound")] public required double Bound { get; init; }

    /// <summary>Under the probabilistic rule, the element's sound bound (<see cref="Bound"/> is then the probabilistic one, capped at this: <see cref="Comparison.TensorComparison.TierBound"/>).</summary>
    [JsonPropertyName("sound_bound")] public double? SoundBound { get; init; }

    /// <summary>From a verdict's element.</summary>
    public static WorstElement From(ElementError e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new WorstElement { Index = e.Index, Position = e.Position, Expected = e.Expected, Actual = e.Actual, AbsError = e.AbsError, Bound = e.Bound, SoundBound = e.SoundBound };
    }
}
