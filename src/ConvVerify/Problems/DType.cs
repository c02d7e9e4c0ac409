namespace ConvVerify.Problems;

/// <summary>Element type of every tensor of a problem.</summary>
public enum DType
{
    /// <summary>IEEE 754 binary32 (PyTorch <c>torch.float32</c>).</summary>
    Float32,

    /// <summary>IEEE 754 binary64 (PyTorch <c>torch.float64</c>).</summary>
    Float64,

    /// <summary>
    /// bfloat16 (PyTorch <c>torch.bfloat16</c>): x, w, b, dy and the results are stored in bfloat16, every product and sum
    /// is formed in float32, and each result is rounded once to bfloat16, to nearest even (<see cref="BFloat16"/>).
    /// </summary>
    BFloat16,

    /// <summary>IEEE 754 binary16 (PyTorch <c>torch.float16</c>), computed as <see cref="BFloat16"/> is: float32 sums, one rounding.</summary>
    Float16,
}
