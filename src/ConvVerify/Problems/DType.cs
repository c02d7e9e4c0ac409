namespace ConvVerify.Problems;

/// <summary>Element type of every tensor of a problem.</summary>
public enum DType
{
    /// <summary>IEEE 754 binary32 (PyTorch <c>torch.float32</c>).</summary>
    Float32,

    /// <summary>IEEE 754 binary64 (PyTorch <c>torch.float64</c>).</summary>
    Float64,
}
