using System.Numerics;
using System.Runtime.CompilerServices;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Cases;

public static partial class Inputs
{
    /// <summary>Elements per task: enough that a task outweighs its hand-off to a thread, few enough that a 100 K-element tensor still splits.</summary>
    internal const int ChunkElements = 1 << 14;

    /// <summary>Elements whose draws are kept on the stack at once before they become values.</summary>
    private const int BatchElements = 256;

    /// <summary>
    /// <see cref="Values{T}"/>, the same bits, computed in chunks on up to <paramref name="threads"/> threads and, with
    /// <paramref name="useVectors"/>, one element per lane of <see cref="Vector{T}"/>. SplitMix64's state is a counter, so
    /// element i's draws are the outputs after start + i·(draws per element)·γ whichever thread or lane computes them;
    /// its value is then <see cref="Value{T}"/> of the same draw. Figures in docs/benchmarks.md ("Input generation").
    /// </summary>
    internal static T[] FastValues<T>(int count, ulong seed, int stream, Fill fill, int range, DType dtype, bool useVectors, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckRange(fill, range);
        var values = new T[count];
        ulong start = StreamStart(seed, stream);
        int chunks = (count + ChunkElements - 1) / ChunkElements;
        // Stryker disable once Logical,Equality : which path runs changes no value (the tests compare both with the definition), only the speed
        bool vectors = useVectors && Vector.IsHardwareAccelerated && Vector<ulong>.Count > 1;
        ExactConv.For(chunks, threads, c => FillChunk(values, c, start, fill, range, dtype, vectors));
        return values;
    }

    /// <summary>
    /// Chunk <paramref name="chunk"/> of <paramref name="values"/>. The normal fill's twelve draws an element go in
    /// vectors, a batch at a time, before the batch becomes values; the integer fill's one draw is cheaper than that
    /// extra pass over a batch, so its chunk goes through the definition's own loop.
    /// </summary>
    private static void FillChunk<T>(T[] values, int chunk, ulong start, Fill fill, int range, DType dtype, bool vectors)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int from = chunk * ChunkElements, end = (int)Math.Min(values.Length, (long)(chunk + 1) * ChunkElements);
        // Stryker disable once Logical,Equality,Unary,Boolean : either path gives the same values (the tests run both); this picks the faster
        if (fill == Fill.Integer || !vectors)
            Sequence<T>(values.AsSpan(from, end - from), Skip(start, fill, from), fill, range, dtype);
        else
            FillBatches(values, from, end, start, fill, range, dtype);
    }

    /// <summary>Elements <paramref name="from"/> to <paramref name="end"/> of a stream from <paramref name="start"/>, a batch at a time.</summary>
    private static void FillBatches<T>(T[] values, int from, int end, ulong start, Fill fill, int range, DType dtype)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<ulong> draws = stackalloc ulong[BatchElements];
        for (int i = from; i < end; i += BatchElements)
            FillBatch(values.AsSpan(i, Math.Min(BatchElements, end - i)), Skip(start, fill, i), fill, range, dtype, draws);
    }

    /// <summary>One batch: its draws in vectors, then each one's value.</summary>
    private static void FillBatch<T>(Span<T> to, ulong state, Fill fill, int range, DType dtype, Span<ulong> draws)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Stryker disable once Boolean : without vectors the same draws come, more slowly
        DrawBatch(state, fill, draws[..to.Length], vectors: true);
        for (int k = 0; k < to.Length; k++) to[k] = Value<T>(draws[k], fill, range, dtype);
    }

    /// <summary>The draws of consecutive elements from <paramref name="state"/> (the state before the first one's), as <see cref="Values{T}"/> makes them.</summary>
    internal static void DrawBatch(ulong state, Fill fill, Span<ulong> draws, bool vectors)
    {
        int i = 0;
        if (vectors)
        {
            int lanes = Vector<ulong>.Count;
            // Lane l holds element i + l: its state starts l elements further on, and the lanes move on together.
            Span<ulong> states = stackalloc ulong[lanes];
            for (int l = 0; l < lanes; l++) states[l] = Skip(state, fill, l);
            var s = new Vector<ulong>(states);
            var step = new Vector<ulong>(Skip(0, fill, lanes));
            for (; i + lanes <= draws.Length; i += lanes, s += step) Lanes(s, fill).CopyTo(draws[i..]);
            state = Skip(state, fill, i);
        }
        for (; i < draws.Length; i++, state = Skip(state, fill, 1)) draws[i] = Draw(state, fill);
    }

    /// <summary>
    /// The draws of the elements whose draws start after each lane of <paramref name="s"/>: <see cref="Draw(ulong, Fill)"/>
    /// on every lane (taken by value, as there, so the states stay in registers).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<ulong> Lanes(Vector<ulong> s, Fill fill)
    {
        var gamma = new Vector<ulong>(SplitMix64.Gamma);
        if (fill == Fill.Integer) return SplitMix64.Mix(s + gamma);
        var draw = Vector<ulong>.Zero;
        for (int j = 0; j < 12; j++) draw += Vector.ShiftRightLogical(SplitMix64.Mix(s += gamma), 40);
        return draw;
    }
}
