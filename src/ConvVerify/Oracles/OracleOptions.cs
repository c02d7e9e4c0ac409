using ConvVerify.Convolution;

namespace ConvVerify.Oracles;

/// <summary>Settings an oracle may honour when it is created by name.</summary>
/// <param name="Layout">The memory layout torch computes in.</param>
public sealed record OracleOptions(TorchLayout Layout = TorchLayout.Contiguous);
