using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Problems;
using Python.Runtime;

namespace ConvVerify.Oracles;

/// <summary>The memory layout torch computes in; its channels-last kernels are other code than its contiguous ones.</summary>
public enum TorchLayout
{
    /// <summary>NC(D)(H)W, torch's default.</summary>
    Contiguous,

    /// <summary>Channels innermost (<c>torch.channels_last</c>, <c>channels_last_3d</c>, and the same order for conv1d).</summary>
    ChannelsLast,
}
