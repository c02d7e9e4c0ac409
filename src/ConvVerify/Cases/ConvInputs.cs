namespace ConvVerify.Cases;

/// <summary>The tensors fed to a convolution: x, w, b (empty without bias) and the upstream gradient dL/dy.</summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed record ConvInputs<T>(T[] X, T[] W, T[] B, T[] Dy);
