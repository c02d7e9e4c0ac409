namespace ConvVerify.Convolution;

/// <summary>
/// How <see cref="ExactConv"/> may run. Neither setting changes a single bit of any result: every output element is
/// computed by the same sequence of roundings whatever the vector width or the number of threads. The one exception is
/// which NaN a NaN result is: where two NaNs meet, IEEE 754 leaves the payload (and sign) that survives to the hardware
/// and the operand order, which the vector paths do not keep; a NaN element is NaN on every path.
/// </summary>
public sealed record ExactConvOptions
{
    /// <summary>All cores, the widest vectors the CPU accelerates.</summary>
    public static ExactConvOptions Default { get; } = new();

    /// <summary>One thread and no vectors: the plainest path, for checking the others against it.</summary>
    public static ExactConvOptions ScalarSingleThread { get; } = new() { MaxThreads = 1, UseVectors = false };

    /// <summary>
    /// Most threads one call may use; 0 (the default) means <see cref="Environment.ProcessorCount"/>. A call with too
    /// little work to share (under 131,072 multiply-adds per thread) uses fewer.
    /// </summary>
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

    /// <summary>
    /// Multiply-adds (additions for dL/db) a call must have per thread before it takes another. Waking a sleeping pool
    /// thread takes 0.1–0.3 ms, longer than a small problem's whole computation, and the woken thread then spins before
    /// it sleeps again: on the thousands of small problems of a soak or a catalog, threads cost CPU and win no time.
    /// 131,072 multiply-adds are 10–30 µs of one thread; ResNet-50's depthwise 3x3 layer (451,584) still takes two.
    /// 0 lets every call take <see cref="MaxThreads"/> (for the tests, which run small problems on every thread count
    /// to show the count changes no bit).
    /// </summary>
    internal long MinWorkPerThread { get; init; } = 1 << 17;

    /// <summary>Threads for a call of <paramref name="work"/> multiply-adds: <see cref="Threads"/>, fewer when the work is too small to share.</summary>
    internal int ThreadsFor(long work) =>
        MinWorkPerThread <= 0 ? Threads : (int)Math.Clamp(work / MinWorkPerThread, 1, Threads);
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
