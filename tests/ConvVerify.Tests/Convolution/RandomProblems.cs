using ConvVerify.Problems;

namespace ConvVerify.Tests.Convolution;

/// <summary>Small random problems over the whole parameter space: rank 1–3, stride 1–3, padding 0–3 (asymmetric,
/// also cropping), dilation 1–3, groups including depthwise and depthwise with a multiplier.</summary>
internal static class RandomProblems
{
    public static IEnumerable<ConvProblem> Generate(int count, int seed, int maxElements = 600, DType dtype = DType.Float64)
    {
        var rng = new Random(seed);
        int made = 0;
        while (made < count)
        {
            int rank = 1 + made % 3;
            int groups = rng.Next(4) switch { 0 => 1, 1 => 2, _ => 1 + rng.Next(3) };
            int icg = rng.Next(1, 3), ocg = rng.Next(1, 3);
            bool depthwise = rng.Next(5) == 0;
            if (depthwise) icg = 1;
            var input = new int[rank]; var kernel = new int[rank]; var stride = new int[rank];
            var pb = new int[rank]; var pe = new int[rank]; var dil = new int[rank];
            for (int d = 0; d < rank; d++)
            {
                input[d] = rng.Next(1, rank == 3 ? 6 : 9);
                kernel[d] = rng.Next(1, 4);
                stride[d] = rng.Next(1, 4);
                dil[d] = rng.Next(1, 4);
                pb[d] = rng.Next(0, 4);
                pe[d] = rng.Next(-2, 4);
            }
            ConvProblem p;
            try
            {
                p = new ConvProblem(rng.Next(1, 3), groups, groups * icg, groups * ocg, input, kernel, stride, pb, pe, dil,
                    hasBias: rng.Next(4) != 0, dtype: dtype);
            }
            catch (ArgumentException)
            {
                continue; // an invalid draw (empty output, over-cropping): draw again
            }
            if (p.XSize > maxElements || p.YSize > maxElements || p.WSize > maxElements) continue;
            made++;
            yield return p;
        }
    }

    // Seeded from the problem's text, not GetHashCode (randomized per process), so a failure reproduces.
    public static Random Rng(ConvProblem p, int salt = 0) => new((int)(ConvVerify.Cases.Inputs.CaseSeed((ulong)salt, p.ToString()) & int.MaxValue));

    public static T[] Integers<T>(int count, Random rng, int range = 3) where T : System.Numerics.INumber<T> =>
        [.. Enumerable.Range(0, count).Select(_ => T.CreateChecked(rng.Next(-range, range + 1)))];

    public static double[] Normals(int count, Random rng) =>
        [.. Enumerable.Range(0, count).Select(_ => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()))];
}
