namespace ConvVerify.Comparison;

/// <summary>What <see cref="TensorComparison.Judge"/> makes of one element's error.</summary>
public enum Judgement
{
    /// <summary>Within every bound.</summary>
    Pass,

    /// <summary>Beyond the probabilistic bound, within the sound one.</summary>
    Suspicious,

    /// <summary>Beyond the sound bound, or NaN.</summary>
    Fail,
}
