using System.Numerics;
using ConvVerify.Problems;

namespace ConvVerify.Convolution;

/// <summary>
/// The subject under test: convolution and its three gradients written as the definitions read, one loop nest
/// per direction, every problem treated as 3-D with unit extents (as oneDNN benchdnn's <c>ref_conv.cpp</c>).
/// </summary>
/// <remarks>
/// Layouts: x (N, IC, D, H, W), w (OC, IC/G, KD, KH, KW), y and dy (N, OC, OD, OH, OW), all row-major.
/// Accumulation is in the element type itself, starting from zero, in the order of the innermost loops as
/// written (reduction dims outermost-first); the bias is added after the sum. The order is fixed, so results are
/// bitwise reproducible across runs and machines. For bfloat16 and float16 the element type is float: the inputs are read
/// exactly, products and sums are float32, and each result is rounded once, to nearest even, as it is stored
/// (<see cref="DTypes.Round{T}(DType, T)"/>; the identity for float32 and float64).
/// </remarks>
public static class NaiveConv
{
    /// <summary>y[n,o,p] = Σ_{c,k} x[n, g·ICg + c, p·s − pb + k·dil] · w[o,c,k] (+ b[o]); out-of-range taps read padding zeros.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="p"/> is null.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not hold the problem's dtype (<see cref="DTypes.Holds{T}(DType)"/>), a buffer whose length is not the problem's (named in the message), or an output that overlaps an input.</exception>
    public static void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(p);
        CheckElementType<T>(p);
        CheckLength(x, "x", p.XSize, p.XShape);
        CheckLength(w, "w", p.WSize, p.WShape);
        CheckLength(b, "b", p.BSize, p.HasBias ? p.BShape : []);
        CheckLength(y, "y", p.YSize, p.YShape);
        CheckApart(y, "y", x, "x", w, "w", b, "b");
        var (icg, ocg, (gd, gh, gw)) = (p.IC / p.Groups, p.OC / p.Groups, p.To3D());
        var (xs, ws, ys) = (Strides(p.XShape), Strides(p.WShape), Strides(p.YShape));
        for (int n = 0; n < p.Mb; n++)
        for (int g = 0; g < p.Groups; g++)
        for (int oc = 0; oc < ocg; oc++)
        for (int od = 0; od < gd.Out; od++)
        for (int oh = 0; oh < gh.Out; oh++)
        for (int ow = 0; ow < gw.Out; ow++)
        {
            int o = g * ocg + oc;
            T acc = T.Zero;
            for (int ic = 0; ic < icg; ic++)
            for (int kd = 0; kd < gd.K; kd++)
            {
                if (!InputAt(gd, od, kd, out int id)) continue;
                for (int kh = 0; kh < gh.K; kh++)
                {
                    if (!InputAt(gh, oh, kh, out int ih)) continue;
                    for (int kw = 0; kw < gw.K; kw++)
                    {
                        if (!InputAt(gw, ow, kw, out int iw)) continue;
                        acc += x[Off(xs, n, g * icg + ic, id, ih, iw)] * w[Off(ws, o, ic, kd, kh, kw)];
                    }
                }
            }
            if (p.HasBias) acc += b[o];
            y[Off(ys, n, o, od, oh, ow)] = DTypes.Round(p.DType, acc);
        }
    }

    /// <summary>
    /// dx[n,c,i] = Σ_{o,k} dy[n,o,(i + pb − k·dil)/s] · w[o,c,k] over the terms where i + pb − k·dil is ≥ 0, divisible by s
    /// and inside the output: the transpose of <see cref="Forward{T}"/>, written directly rather than through it.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="p"/> is null.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not hold the problem's dtype (<see cref="DTypes.Holds{T}(DType)"/>), a buffer whose length is not the problem's (named in the message), or an output that overlaps an input.</exception>
    public static void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(p);
        CheckElementType<T>(p);
        CheckLength(dy, "dy", p.YSize, p.YShape);
        CheckLength(w, "w", p.WSize, p.WShape);
        CheckLength(dx, "dx", p.XSize, p.XShape);
        CheckApart(dx, "dx", dy, "dy", w, "w");
        var (icg, ocg, (gd, gh, gw)) = (p.IC / p.Groups, p.OC / p.Groups, p.To3D());
        var (xs, ws, ys) = (Strides(p.XShape), Strides(p.WShape), Strides(p.YShape));
        for (int n = 0; n < p.Mb; n++)
        for (int g = 0; g < p.Groups; g++)
        for (int ic = 0; ic < icg; ic++)
        for (int id = 0; id < gd.In; id++)
        for (int ih = 0; ih < gh.In; ih++)
        for (int iw = 0; iw < gw.In; iw++)
        {
            T acc = T.Zero;
            for (int oc = 0; oc < ocg; oc++)
            for (int kd = 0; kd < gd.K; kd++)
            {
                if (!OutputAt(gd, id, kd, out int od)) continue;
                for (int kh = 0; kh < gh.K; kh++)
                {
                    if (!OutputAt(gh, ih, kh, out int oh)) continue;
                    for (int kw = 0; kw < gw.K; kw++)
                    {
                        if (!OutputAt(gw, iw, kw, out int ow)) continue;
                        acc += dy[Off(ys, n, g * ocg + oc, od, oh, ow)] * w[Off(ws, g * ocg + oc, ic, kd, kh, kw)];
                    }
                }
            }
            dx[Off(xs, n, g * icg + ic, id, ih, iw)] = DTypes.Round(p.DType, acc);
        }
    }

    /// <summary>dw[o,c,k] = Σ_{n,p} dy[n,o,p] · x[n, g·ICg + c, p·s − pb + k·dil] over in-range input positions.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="p"/> is null.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not hold the problem's dtype (<see cref="DTypes.Holds{T}(DType)"/>), a buffer whose length is not the problem's (named in the message), or an output that overlaps an input.</exception>
    public static void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(p);
        CheckElementType<T>(p);
        CheckLength(x, "x", p.XSize, p.XShape);
        CheckLength(dy, "dy", p.YSize, p.YShape);
        CheckLength(dw, "dw", p.WSize, p.WShape);
        CheckApart(dw, "dw", x, "x", dy, "dy");
        var (icg, ocg, (gd, gh, gw)) = (p.IC / p.Groups, p.OC / p.Groups, p.To3D());
        var (xs, ws, ys) = (Strides(p.XShape), Strides(p.WShape), Strides(p.YShape));
        for (int g = 0; g < p.Groups; g++)
        for (int oc = 0; oc < ocg; oc++)
        for (int ic = 0; ic < icg; ic++)
        for (int kd = 0; kd < gd.K; kd++)
        for (int kh = 0; kh < gh.K; kh++)
        for (int kw = 0; kw < gw.K; kw++)
        {
            int o = g * ocg + oc;
            T acc = T.Zero;
            for (int n = 0; n < p.Mb; n++)
            for (int od = 0; od < gd.Out; od++)
            {
                if (!InputAt(gd, od, kd, out int id)) continue;
                for (int oh = 0; oh < gh.Out; oh++)
                {
                    if (!InputAt(gh, oh, kh, out int ih)) continue;
                    for (int ow = 0; ow < gw.Out; ow++)
                    {
                        if (!InputAt(gw, ow, kw, out int iw)) continue;
                        acc += dy[Off(ys, n, o, od, oh, ow)] * x[Off(xs, n, g * icg + ic, id, ih, iw)];
                    }
                }
            }
            dw[Off(ws, o, ic, kd, kh, kw)] = DTypes.Round(p.DType, acc);
        }
    }

    /// <summary>db[o] = Σ_{n,p} dy[n,o,p].</summary>
    /// <exception cref="ArgumentNullException"><paramref name="p"/> is null.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not hold the problem's dtype (<see cref="DTypes.Holds{T}(DType)"/>), a buffer whose length is not the problem's (named in the message), an output that overlaps an input, or a problem without bias.</exception>
    public static void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(p);
        CheckElementType<T>(p);
        CheckLength(dy, "dy", p.YSize, p.YShape);
        CheckLength(db, "db", p.OC, p.BShape);
        CheckApart(db, "db", dy, "dy");
        if (!p.HasBias) throw new ArgumentException($"db: problem {p} has no bias, so it has no bias gradient", nameof(db));
        int spatial = p.YSize / (p.Mb * p.OC);
        for (int o = 0; o < p.OC; o++)
        {
            T acc = T.Zero;
            for (int n = 0; n < p.Mb; n++)
            for (int s = 0; s < spatial; s++)
                acc += dy[(n * p.OC + o) * spatial + s];
            db[o] = DTypes.Round(p.DType, acc);
        }
    }

    // The one bounds check of the forward and weight-gradient loops: which input element output position o reads
    // through kernel tap k, if any (a tap landing in begin or end padding, or in cropped input, reads zero).
    private static bool InputAt(in SpatialDim g, int o, int k, out int i)
    {
        i = o * g.S - g.Pb + k * g.Dil;
        return i >= 0 && i < g.In;
    }

    // The inverse map for the data gradient: which output position reads input i through tap k, if any.
    private static bool OutputAt(in SpatialDim g, int i, int k, out int o)
    {
        int t = i + g.Pb - k * g.Dil;
        o = t / g.S;
        return t >= 0 && t % g.S == 0 && o < g.Out;
    }

    // Row-major strides of an (A, B, spatial...) shape seen as 5-D (A, B, D, H, W).
    private static Strides5 Strides(int[] shape)
    {
        int[] f = [shape[0], shape[1], .. Enumerable.Repeat(1, 5 - shape.Length), .. shape[2..]];
        return new(f[1] * f[2] * f[3] * f[4], f[2] * f[3] * f[4], f[3] * f[4], f[4]);
    }

    private readonly record struct Strides5(int A, int B, int D, int H);

    private static int Off(in Strides5 s, int a, int b, int d, int h, int w) => a * s.A + b * s.B + d * s.D + h * s.H + w;

    /// <summary>
    /// An output that shares memory with an input would be read after it was written, in an order the engines do not
    /// share: the result would depend on the engine (and on the thread count), so it is refused.
    /// </summary>
    internal static void CheckApart<T>(ReadOnlySpan<T> output, string name, ReadOnlySpan<T> a, string aName, ReadOnlySpan<T> b = default, string bName = "", ReadOnlySpan<T> c = default, string cName = "")
    {
        if (output.Overlaps(a)) throw Overlap(name, aName);
        if (output.Overlaps(b)) throw Overlap(name, bName);
        if (output.Overlaps(c)) throw Overlap(name, cName);
    }

    private static ArgumentException Overlap(string output, string input) =>
        new($"{output}: shares memory with {input}; an output must not overlap an input", output);

    /// <summary>
    /// The element type is the problem's: float for float32, bfloat16 and float16, double for float64. Another one computed
    /// silently in its own precision (a float64 problem summed in float32, a float32 one in Half), so the result was not
    /// the problem's; checked before any buffer, so both engines name the same fault first.
    /// </summary>
    internal static void CheckElementType<T>(ConvProblem p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!DTypes.Holds<T>(p.DType))
            throw new ArgumentException(
                $"T: problem {p} is {DTypes.NumpyName(p.DType)}, whose values are {(DTypes.Holds<float>(p.DType) ? "float" : "double")}"
                + (DTypes.IsNarrow(p.DType) ? " (its results are float32 sums rounded once)" : "")
                + $", not {typeof(T).Name} (ConvProblem.WithDType gives the problem another dtype)", nameof(T));
    }

    internal static void CheckLength<T>(ReadOnlySpan<T> span, string name, int expected, int[] shape)
    {
        if (span.Length != expected)
            throw new ArgumentException(
                $"{name}: has {span.Length} elements, the problem needs {expected} (shape {ConvProblem.FormatTuple(shape)})", name);
    }
}
