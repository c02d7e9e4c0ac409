namespace ConvVerify.Problems;

/// <summary>PyTorch's string paddings for <c>conv*d(padding=...)</c>.</summary>
public enum PaddingMode
{
    /// <summary><c>padding="valid"</c>: no padding at all.</summary>
    Valid,

    /// <summary><c>padding="same"</c>: output extent equals input extent (stride 1 only); an odd total goes to the end.</summary>
    Same,
}
