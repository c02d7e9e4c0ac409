using ConvVerify.Problems;

namespace ConvVerify.Convolution;

/// <summary>
/// The reduction terms of one spatial dim for every destination coordinate q, as an arithmetic progression:
/// term j (0 ≤ j &lt; Count[q]) is kernel tap or output position First[q] + j·Step, reading source coordinate
/// Source[q] + j·SourceStep. Only terms that land inside both tensors are listed, in ascending order of the
/// definition's loop variable, so a loop over j performs exactly the definition's non-skipped terms in its order.
/// </summary>
internal sealed class TapList
{
    public required int[] First { get; init; }
    public required int[] Count { get; init; }
    public required int[] Source { get; init; }
    public required int Step { get; init; }
    public required int SourceStep { get; init; }

    /// <summary>Forward: q is an output position; terms are taps k with input i = q·s − pb + k·dil in range.</summary>
    public static TapList ForOutputs(in SpatialDim d)
    {
        var (first, count, source) = (new int[d.Out], new int[d.Out], new int[d.Out]);
        for (int q = 0; q < d.Out; q++)
        {
            long start = (long)q * d.S - d.Pb; // input index of tap 0
            long lo = Math.Max(0, CeilDiv(-start, d.Dil));
            long hi = Math.Min(d.K - 1, FloorDiv(d.In - 1 - start, d.Dil));
            Set(first, count, source, q, lo, hi - lo + 1, start + lo * d.Dil);
        }
        return new() { First = first, Count = count, Source = source, Step = 1, SourceStep = d.Dil };
    }

    /// <summary>
    /// Data gradient: q is an input position; terms are taps k with t = q + pb − k·dil ≥ 0, divisible by s and
    /// t/s &lt; out. Those k form a progression of step s/gcd(s, dil), so no term is visited only to be discarded.
    /// </summary>
    public static TapList ForInputs(in SpatialDim d)
    {
        int g = Gcd(d.S, d.Dil);
        int step = d.S / g;
        var (first, count, source) = (new int[d.In], new int[d.In], new int[d.In]);
        for (int q = 0; q < d.In; q++)
        {
            long t0 = (long)q + d.Pb; // q + pb − k·dil must lie in [0, (out−1)·s]
            long lo = Math.Max(0, CeilDiv(t0 - (long)(d.Out - 1) * d.S, d.Dil));
            long hi = Math.Min(d.K - 1, FloorDiv(t0, d.Dil));
            long k = lo;
            // The first k of the range with k·dil ≡ q + pb (mod s); one exists among s/g consecutive k if any does.
            while (k <= hi && k < lo + step && (t0 - k * d.Dil) % d.S != 0) k++;
            if (k > hi || (t0 - k * d.Dil) % d.S != 0)
            {
                Set(first, count, source, q, 0, 0, 0);
                continue;
            }
            Set(first, count, source, q, k, (hi - k) / step + 1, (t0 - k * d.Dil) / d.S);
        }
        return new() { First = first, Count = count, Source = source, Step = step, SourceStep = -(d.Dil / g) };
    }

    /// <summary>Weight gradient: q is a kernel tap; terms are output positions o with input i = o·s − pb + q·dil in range.</summary>
    public static TapList ForTaps(in SpatialDim d)
    {
        var (first, count, source) = (new int[d.K], new int[d.K], new int[d.K]);
        for (int q = 0; q < d.K; q++)
        {
            long off = (long)q * d.Dil - d.Pb; // input index of output position 0
            long lo = Math.Max(0, CeilDiv(-off, d.S));
            long hi = Math.Min(d.Out - 1, FloorDiv(d.In - 1 - off, d.S));
            Set(first, count, source, q, lo, hi - lo + 1, off + lo * d.S);
        }
        return new() { First = first, Count = count, Source = source, Step = 1, SourceStep = d.S };
    }

    private static void Set(int[] first, int[] count, int[] source, int q, long f, long n, long src)
    {
        if (n <= 0) (f, n, src) = (0, 0, 0);
        (first[q], count[q], source[q]) = ((int)f, (int)n, (int)src);
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
