namespace ConvVerify.Comparison;

/// <summary>How strictly two results must agree.</summary>
public enum Tolerance
{
    /// <summary>
    /// Equal as numbers: what the integer fill demands, where every result is an exact integer in any summation order.
    /// Forgives the sign of zero (+0 equals −0: an implementation whose sum starts from its first product gives −0 where
    /// one starting from +0 gives +0) and NaN payloads (any NaN equals any NaN).
    /// </summary>
    ExactValues,

    /// <summary>Within the deterministic bound for two summations of the same K products (see <see cref="TensorComparison"/>).</summary>
    SoundBound,

    /// <summary>
    /// The sound bound as the hard limit, and inside it the probabilistic bound for independent zero-mean terms
    /// (<see cref="TensorComparison.ProbabilisticBounds{T}"/>, docs/tolerance.md), capped at the sound bound where it is
    /// the looser at small K (<see cref="TensorComparison.TierBound"/>): an element past that one is suspicious. For
    /// bfloat16 and float16 the same inside their own rule (<see cref="TensorComparison.NarrowProbabilisticBounds{T}"/>).
    /// The default for the normal fill; for implementations whose rounding does not follow the model
    /// (Winograd, FFT, data-dependent orders) use <see cref="SoundBound"/>.
    /// </summary>
    Probabilistic,

    /// <summary>
    /// The same bits: for an engine against the definition, which perform the very same operations. Distinguishes +0 from
    /// −0; forgives only NaN payloads (any NaN equals any NaN), which IEEE 754 leaves to the hardware.
    /// </summary>
    Bitwise,
}
