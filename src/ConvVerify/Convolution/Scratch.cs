using System.Buffers;

namespace ConvVerify.Convolution;

/// <summary>
/// Temporary arrays of the engines: small ones from <see cref="ArrayPool{T}.Shared"/>, large ones allocated and left to
/// the garbage collector.
/// </summary>
/// <remarks>
/// The shared pool keeps what is returned to it for the life of the process, rounded up to a power of two: a 3-D
/// layer's transposed dy (a gigabyte in float32, two in float64 for the bound) would stay resident after the call, one
/// per element type, beside the next case's tensors. Above <see cref="PoolLimit"/> elements the allocation is cheap
/// next to the convolution that fills it.
/// </remarks>
internal static class Scratch
{
    /// <summary>Largest length pooled: 4 Mi elements (32 MB of doubles), a power of two so a pooled array is never longer.</summary>
    public const int PoolLimit = 1 << 22;

    /// <summary>An array of at least <paramref name="length"/> elements, contents undefined.</summary>
    public static T[] Rent<T>(int length) =>
        // Stryker disable once Equality : where pooling starts is a matter of memory; both branches give an array long enough
        length <= PoolLimit ? ArrayPool<T>.Shared.Rent(length) : GC.AllocateUninitializedArray<T>(length);

    /// <summary>Gives back an array from <see cref="Rent{T}"/>; a large one is dropped.</summary>
    public static void Return<T>(T[] array)
    {
        // Stryker disable once all : whether an array goes back to the pool is a matter of memory, never of a result
        if (array.Length <= PoolLimit) ArrayPool<T>.Shared.Return(array);
    }

    /// <summary>Dropped bytes from which <see cref="Reclaim"/> collects: 64 MB.</summary>
    public const long ReclaimBytes = 64L << 20;

    /// <summary>Collects now if at least <see cref="ReclaimBytes"/> of arrays were just dropped.</summary>
    /// <remarks>
    /// The collector sizes its large-object budget on what survived the last collection, so with gigabytes of tensors
    /// alive it lets gigabytes of dropped float64 copies pile up before it looks: a 3-D layer's bound then needs twice
    /// the memory it uses. A full collection of a heap that is mostly arrays of numbers takes milliseconds.
    /// </remarks>
    // Stryker disable all : when to collect is a matter of memory, never of a result
    public static void Reclaim(long droppedBytes)
    {
        if (droppedBytes >= ReclaimBytes) GC.Collect();
    }
    // Stryker restore all
}
