using ConvVerify.Problems;

namespace ConvVerify.Tests.Convolution;

/// <summary>How the inputs of a random problem are drawn.</summary>
internal enum ValueMode
{
    /// <summary>Approximately standard normal: every rounding matters, so any reordering shows.</summary>
    Normal,

    /// <summary>Small integers, a third of them ±0.</summary>
    Integer,

    /// <summary>Mostly normal, with ±0, subnormals, ±Inf, NaN and the largest finite values sprinkled in.</summary>
    Special,

    /// <summary>Values near the square root of the largest finite value: products and sums overflow to ±Inf and Inf − Inf to NaN.</summary>
    Huge,
}

/// <summary>
/// Seeded random problems for the exact engine: <see cref="RandomProblems"/>' parameter space (rank 1–3, strides,
/// dilations, begin padding, asymmetric and cropping end padding, groups, depthwise with and without multiplier,
/// bias or none, minibatch 1–2, up to 40 groups of one or two channels), with channel counts and widths large enough to reach every kernel (several
/// 16-lane blocks, quads of blocks, chunks of eight input channels, runs of eight positions, tails of each).
/// </summary>
internal static class ExactConvProblems
{
    public static IEnumerable<ConvProblem> Generate(int count, int seed, DType dtype, long maxMacs = 20_000)
    {
        var rng = new Random(seed);
        int made = 0;
        while (made < count)
        {
            int rank = 1 + made % 3;
            int groups = rng.Next(4) switch { 0 or 1 => 1, 2 => 2, _ => 1 + rng.Next(6) };
            int icg = rng.Next(3) == 0 ? rng.Next(1, 4) : rng.Next(1, 21);
            int ocg = rng.Next(3) == 0 ? rng.Next(1, 4) : rng.Next(8) == 0 ? rng.Next(49, 70) : rng.Next(1, 41);
            if (rng.Next(6) == 0) (icg, groups) = (1, 1 + rng.Next(12)); // depthwise, maybe with a multiplier
            // Many groups of few channels: lanes over groups, with full blocks of 8 and 16 groups (register
            // transposes) and a partial block after them.
            if (rng.Next(10) == 0) (icg, ocg, groups) = (rng.Next(1, 3), rng.Next(1, 3), rng.Next(16, 41));
            var input = new int[rank]; var kernel = new int[rank]; var stride = new int[rank];
            var pb = new int[rank]; var pe = new int[rank]; var dil = new int[rank];
            for (int d = 0; d < rank; d++)
            {
                bool inner = d == rank - 1;
                input[d] = rng.Next(1, inner ? 24 : rank == 3 ? 6 : 10);
                kernel[d] = rng.Next(6) == 0 ? rng.Next(4, 8) : rng.Next(1, 4);
                stride[d] = rng.Next(3) == 0 ? rng.Next(2, 5) : 1;
                dil[d] = rng.Next(4) == 0 ? rng.Next(2, 4) : 1;
                pb[d] = rng.Next(0, 4);
                pe[d] = rng.Next(-3, 4);
            }
            ConvProblem p;
            try
            {
                p = new ConvProblem(rng.Next(3) == 0 ? 2 : 1, groups, groups * icg, groups * ocg, input, kernel, stride, pb, pe, dil,
                    hasBias: rng.Next(4) != 0, dtype: dtype);
            }
            catch (ArgumentException)
            {
                continue; // an invalid draw (empty output, over-cropping): draw again
            }
            long macs = (long)p.YSize * (p.IC / p.Groups) * p.Kernel.Aggregate(1, (a, b) => a * b);
            if (macs > maxMacs) continue;
            made++;
            yield return p;
        }
    }

    public static T[] Values<T>(int count, Random rng, ValueMode mode) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>, System.Numerics.IMinMaxValue<T>
    {
        var values = new T[count];
        for (int i = 0; i < count; i++) values[i] = Value<T>(rng, mode);
        return values;
    }

    private static T Value<T>(Random rng, ValueMode mode) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>, System.Numerics.IMinMaxValue<T>
    {
        T Normal() => T.CreateTruncating(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        switch (mode)
        {
            case ValueMode.Integer:
                int k = rng.Next(-3, 4);
                return k == 0 && rng.Next(2) == 0 ? T.NegativeZero : T.CreateTruncating(k);
            case ValueMode.Huge:
                return Normal() * T.Sqrt(T.MaxValue);
            case ValueMode.Special when rng.Next(8) == 0:
                return rng.Next(11) switch
                {
                    0 => T.Zero,
                    1 => T.NegativeZero,
                    2 => T.Epsilon,
                    3 => -T.Epsilon * T.CreateTruncating(rng.Next(1, 1000)),
                    4 => T.PositiveInfinity,
                    5 => T.NegativeInfinity,
                    6 => T.NaN,
                    7 => T.MaxValue,
                    8 => -T.MaxValue,
                    9 => T.CreateTruncating(rng.Next(2) == 0 ? 1e300 : -1e300), // float: ±Inf; double: huge
                    _ => T.Epsilon * T.CreateTruncating(1 << 20), // a larger subnormal
                };
            default:
                return Normal();
        }
    }
}
