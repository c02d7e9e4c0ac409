namespace ConvVerify.Oracles;

/// <summary>An oracle that can compute in another memory layout (torch's channels-last kernels), results NC(D)(H)W either way.</summary>
public interface ILayoutOracle
{
    /// <summary>This oracle computing in <paramref name="layout"/>.</summary>
    IConvOracle In(TorchLayout layout);
}
