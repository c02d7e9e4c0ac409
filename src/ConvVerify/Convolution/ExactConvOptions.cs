namespace ConvVerify.Convolution;

/// <summary>
/// How <see cref="ExactConv"/> may run. Neither setting changes a single bit of any result: every output element is
/// computed by the same sequence of roundings whatever the vector width or the number of threads.
/// </summary>
public sealed record ExactConvOptions
{
    /// <summary>All cores, the widest vectors the CPU accelerates.</summary>
    public static ExactConvOptions Default { get; } = new();

    /// <summary>One thread and no vectors: the plainest path, for checking the others against it.</summary>
    public static ExactConvOptions ScalarSingleThread { get; } = new() { MaxThreads = 1, UseVectors = false };

    /// <summary>Most threads one call may use; 0 (the default) means <see cref="Environment.ProcessorCount"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative value.</exception>
    public int MaxThreads
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxThreads), value, "MaxThreads: must be >= 0 (0 for all cores)");
    }

    /// <summary>Whether to use SIMD vectors (512, 256 or 128 bits, whichever the CPU accelerates); false forces scalar code. Default true.</summary>
    public bool UseVectors { get; init; } = true;

    /// <summary>Which lane layout runs; <see cref="LaneLayout.Auto"/> (the default) picks the one with fewer vectors. For tests, which run both.</summary>
    internal LaneLayout Layout { get; init; }

    internal int Threads => MaxThreads == 0 ? Environment.ProcessorCount : MaxThreads;
}

/// <summary>What the lanes of a vector hold (see <see cref="ExactConv"/>'s dispatch).</summary>
internal enum LaneLayout
{
    /// <summary>Whichever needs fewer vectors per position and term.</summary>
    Auto,

    /// <summary>Destination channels of one group (broadcast source).</summary>
    Channels,

    /// <summary>One destination channel in each of consecutive groups (transposed source, loaded).</summary>
    Groups,
}
