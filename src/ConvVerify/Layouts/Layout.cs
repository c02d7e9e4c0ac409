using ConvVerify.Problems;

namespace ConvVerify.Layouts;

/// <summary>
/// Exact layout adapters. The harness computes in NC(D)(H)W; other layouts are permutations of it.
/// </summary>
/// <remarks>
/// The question's single-image convention is TensorFlow's: an image is (H, W, C), a filter bank is
/// (F_H, F_W, C, F) with the filter index last ("HWIO"), and dL/dh is (OH, OW, F). "16 filters of (3,3,3)"
/// are then w_hwio[:, :, :, f], each of shape (F_H, F_W, C), and the output (3,3,16) is h[:, :, f].
/// </remarks>
public static class Layout
{
    /// <summary>Transposes a row-major tensor: result dim i is source dim <paramref name="perm"/>[i].</summary>
    /// <exception cref="ArgumentException">The shape does not match the data or holds more elements than an array can, or <paramref name="perm"/> is not a permutation of the dims.</exception>
    public static T[] Permute<T>(ReadOnlySpan<T> src, IReadOnlyList<int> shape, IReadOnlyList<int> perm)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(perm);
        int rank = shape.Count;
        if (perm.Count != rank || perm.Order().Where((v, i) => v != i).Any())
            throw new ArgumentException($"perm: {ConvProblem.FormatTuple(perm)} is not a permutation of {rank} dims", nameof(perm));
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"shape: negative extent in {ConvProblem.FormatTuple(shape)}", nameof(shape));
            // Held just past the largest array: a product of many extents would wrap, and one wrapped to 0 matched an empty span.
            count = Math.Min(count * d, (long)Array.MaxLength + 1);
        }
        if (count > Array.MaxLength)
            throw new ArgumentException($"shape: {ConvProblem.FormatTuple(shape)} holds more elements than a .NET array can ({Array.MaxLength})", nameof(shape));
        if (count != src.Length)
            throw new ArgumentException($"src: has {src.Length} elements, shape {ConvProblem.FormatTuple(shape)} needs {count}", nameof(src));

        var srcStride = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; s *= shape[i], i--) srcStride[i] = s;
        var dstShape = perm.Select(p => shape[p]).ToArray();
        var dst = new T[src.Length];
        var index = new int[rank]; // odometer over the destination's dims
        for (int flat = 0; flat < dst.Length; flat++)
        {
            int off = 0;
            for (int i = 0; i < rank; i++) off += index[i] * srcStride[perm[i]];
            dst[flat] = src[off];
            for (int i = rank - 1; i >= 0 && ++index[i] == dstShape[i]; i--) index[i] = 0;
        }
        return dst;
    }

    /// <summary>(N, C, spatial...) to channels-last (N, spatial..., C), PyTorch's <c>channels_last</c> memory order.</summary>
    /// <exception cref="ArgumentException"><paramref name="shape"/> has fewer than 2 dims or does not match the data.</exception>
    public static T[] ToChannelsLast<T>(ReadOnlySpan<T> ncs, IReadOnlyList<int> shape)
    {
        CheckNcShape(shape, nameof(shape));
        return Permute(ncs, shape, [0, .. Enumerable.Range(2, shape.Count - 2), 1]);
    }

    /// <summary>Channels-last (N, spatial..., C) back to (N, C, spatial...); <paramref name="ncsShape"/> is the NC-first shape.</summary>
    /// <exception cref="ArgumentException"><paramref name="ncsShape"/> has fewer than 2 dims or does not match the data.</exception>
    public static T[] FromChannelsLast<T>(ReadOnlySpan<T> nsc, IReadOnlyList<int> ncsShape)
    {
        CheckNcShape(ncsShape, nameof(ncsShape));
        int[] nscShape = [ncsShape[0], .. ncsShape.Skip(2), ncsShape[1]];
        return Permute(nsc, nscShape, [0, ncsShape.Count - 1, .. Enumerable.Range(1, ncsShape.Count - 2)]);
    }

    // Without an N and a C there is no channel to move: the index arithmetic would fail in a way that names neither.
    private static void CheckNcShape(IReadOnlyList<int> shape, string name)
    {
        ArgumentNullException.ThrowIfNull(shape, name);
        if (shape.Count < 2)
            throw new ArgumentException($"{name}: channels-last needs (N, C, spatial...), at least 2 dims, got {ConvProblem.FormatTuple(shape)}", name);
    }

    /// <summary>The question's image (H, W, C) as NCHW with N = 1.</summary>
    public static T[] FromHwc<T>(ReadOnlySpan<T> hwc, int h, int w, int c) => Permute(hwc, [h, w, c], [2, 0, 1]);

    /// <summary>An NCHW tensor with N = 1 as the question's (H, W, C).</summary>
    public static T[] ToHwc<T>(ReadOnlySpan<T> chw, int c, int h, int w) => Permute(chw, [c, h, w], [1, 2, 0]);

    /// <summary>The question's filter bank (F_H, F_W, C, F) as PyTorch weights (F, C, F_H, F_W).</summary>
    public static T[] FromHwio<T>(ReadOnlySpan<T> hwio, int kh, int kw, int c, int f) => Permute(hwio, [kh, kw, c, f], [3, 2, 0, 1]);

    /// <summary>PyTorch weights (F, C, F_H, F_W) as the question's filter bank (F_H, F_W, C, F).</summary>
    public static T[] ToHwio<T>(ReadOnlySpan<T> oihw, int f, int c, int kh, int kw) => Permute(oihw, [f, c, kh, kw], [2, 3, 1, 0]);
}
