using ConvVerify.Cases;
using ConvVerify.Problems;

namespace ConvVerify.Catalog;

/// <summary>
/// Problems nobody wrote down, drawn from a documented distribution (docs/random-problems.md) with a SplitMix64 stream,
/// so <c>--random N --seed S</c> gives the same problems on every machine and problem i does not depend on N.
/// </summary>
/// <remarks>
/// Per problem: rank 1–3 uniformly; mb 1–4; groups 1 (1/2), 2–4 (1/4), depthwise with channel multiplier 1–3 (1/4);
/// channels per group 1–8; per dim: kernel 1–7, dilation 1–3 (1 with probability 1/2), stride 1–3 (1 with probability
/// 1/2), input 1–12 (rank 3: 1–6), begin padding 0–3, end padding equal to it (1/2), another 0–3 (1/4) or cropping −2–0
/// (1/4); bias with probability 3/4. Draws that give no valid problem (output below 1), whose drawn end padding crops the
/// whole input, or with more than <see cref="MaxElements"/> elements in any tensor or <see cref="MaxMacs"/> multiply-adds
/// are redrawn from the same stream (keeping the rank). Kernels larger than the input (with padding) and strides larger
/// than the kernel come out often, and so, about 1 in 120, do problems whose windows all lie in the begin padding (their
/// stored end padding crops the whole input): redrawing those would change the problems seeds already gave.
/// </remarks>
public static class RandomProblems
{
    /// <summary>Largest element count of x, w or y.</summary>
    public const int MaxElements = 1 << 14;

    /// <summary>Largest multiply-add count of one direction.</summary>
    public const long MaxMacs = 1L << 21;

    /// <summary>Draws tried for one problem before giving up: far more than any seed is known to need (a few dozen).</summary>
    internal const int MaxDraws = 10_000;

    /// <summary>Problem <paramref name="index"/> of the stream of <paramref name="seed"/>; named "r&lt;seed&gt;_&lt;index&gt;" so each reproduces.</summary>
    public static ConvProblem At(ulong seed, int index) => At(seed, index, MaxDraws);

    // maxDraws is a parameter so that a test reaches the refusal, which no seed does with MaxDraws.
    internal static ConvProblem At(ulong seed, int index, int maxDraws)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ulong state = seed * 0x9E3779B97F4A7C15UL ^ (ulong)index * 0xD1B54A32D192ED03UL;
        // The rank is kept across redraws: rank-3 draws are rejected more often, and redrawing it would make them rare.
        int rank = 1 + Next(ref state, 3);
        for (int draw = 1; ; draw++)
        {
            if (Draw(ref state, rank, $"r{seed}_{index}") is { } p) return p;
            if (draw >= maxDraws) throw new InvalidOperationException($"random problems: no valid problem in {maxDraws} draws for seed {seed}, index {index}");
        }
    }

    /// <summary>The index of <paramref name="problem"/> in the stream of <paramref name="seed"/>, read from its name; null when it is not named as one of that stream's.</summary>
    public static int? IndexOf(ConvProblem problem, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(problem);
        string prefix = $"r{seed}_";
        return problem.Name is { } name && name.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int i)
            && name == $"r{seed}_{i}"
            ? i : null;
    }

    /// <summary>Problems 0 … <paramref name="count"/>−1 of the stream.</summary>
    public static IReadOnlyList<ConvProblem> Take(ulong seed, int count)
    {
        if (count < 1) throw new ArgumentException($"random: the number of cases must be at least 1, got {count}", nameof(count));
        return [.. Enumerable.Range(0, count).Select(i => At(seed, i))];
    }

    private static ConvProblem? Draw(ref ulong state, int rank, string name)
    {
        int mb = 1 + Next(ref state, 4);
        int g, icg, ocg;
        switch (Next(ref state, 4))
        {
            case 0 or 1: (g, icg, ocg) = (1, 1 + Next(ref state, 8), 1 + Next(ref state, 8)); break;
            case 2: (g, icg, ocg) = (2 + Next(ref state, 3), 1 + Next(ref state, 4), 1 + Next(ref state, 4)); break;
            default: (g, icg, ocg) = (1 + Next(ref state, 8), 1, 1 + Next(ref state, 3)); break; // depthwise, multiplier 1–3
        }
        var input = new int[rank]; var kernel = new int[rank]; var stride = new int[rank];
        var dil = new int[rank]; var pb = new int[rank]; var pe = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            kernel[d] = 1 + Next(ref state, 7);
            dil[d] = Next(ref state, 2) == 0 ? 1 : 1 + Next(ref state, 3);
            stride[d] = Next(ref state, 2) == 0 ? 1 : 1 + Next(ref state, 3);
            input[d] = 1 + Next(ref state, rank == 3 ? 6 : 12);
            pb[d] = Next(ref state, 4);
            pe[d] = Next(ref state, 4) switch { 0 or 1 => pb[d], 2 => Next(ref state, 4), _ => -Next(ref state, 3) };
        }
        bool bias = Next(ref state, 4) != 0;
        // The documented distribution redraws a crop of the whole input, which problems allow since the benchdnn corpus
        // has them: drawing them would change every problem after the first such draw, and --random N --seed S must not.
        if (Enumerable.Range(0, rank).Any(d => input[d] + pe[d] < 1)) return null;
        ConvProblem p;
        try
        {
            p = new ConvProblem(mb, g, g * icg, g * ocg, input, kernel, stride, pb, pe, dil, bias, DType.Float32, name);
        }
        catch (ArgumentException)
        {
            return null;
        }
        return WithinLimits(p) ? p : null;
    }

    /// <summary>Whether no tensor of <paramref name="p"/> has more than <see cref="MaxElements"/> elements and no direction more than <see cref="MaxMacs"/> multiply-adds.</summary>
    internal static bool WithinLimits(ConvProblem p) =>
        p.XSize <= MaxElements && p.WSize <= MaxElements && p.YSize <= MaxElements && p.MultiplyAdds <= MaxMacs;

    private static int Next(ref ulong state, int n) => (int)(SplitMix64.Next(ref state) % (ulong)n);
}
