using ConvVerify.Problems;

namespace ConvVerify.Tests.Comparison;

/// <summary>The classic ways to get a convolution wrong, one knob each; with no knob set it is a correct second implementation.</summary>
public sealed record Bugs(bool OffByOnePadding = false, bool NoStrideCheckInDx = false, bool ZeroBasedDilation = false,
    bool FlippedKernelForward = false, bool UnflippedKernelDx = false, bool WrongGroupMapping = false);

internal static class MutantConv
{
    // All problems as 1-D over the flattened last dim are not enough here, so index per spatial dim explicitly.
    public static double[] Forward(ConvProblem p, double[] x, double[] w, double[] b, Bugs bugs)
    {
        var y = new double[p.YSize];
        int icg = p.IC / p.Groups, ocg = p.OC / p.Groups;
        var outShape = p.Output.ToArray();
        var kShape = p.Kernel.ToArray();
        int outCount = outShape.Aggregate(1, (a, c) => a * c), kCount = kShape.Aggregate(1, (a, c) => a * c);
        int inCount = p.Input.Aggregate(1, (a, c) => a * c);
        for (int n = 0; n < p.Mb; n++)
        for (int o = 0; o < p.OC; o++)
        for (int po = 0; po < outCount; po++)
        {
            int g = bugs.WrongGroupMapping ? o % p.Groups : o / ocg;
            double acc = p.HasBias ? b[o] : 0;
            for (int c = 0; c < icg; c++)
            for (int k = 0; k < kCount; k++)
            {
                int kEff = bugs.FlippedKernelForward ? kCount - 1 - k : k;
                int? pos = InputPos(p, Index(po, outShape), Index(k, kShape), bugs);
                if (pos is null) continue;
                acc += x[(n * p.IC + g * icg + c) * inCount + pos.Value] * w[(o * icg + c) * kCount + kEff];
            }
            y[(n * p.OC + o) * outCount + po] = acc;
        }
        return y;
    }

    public static double[] BackwardData(ConvProblem p, double[] dy, double[] w, Bugs bugs)
    {
        var dx = new double[p.XSize];
        int icg = p.IC / p.Groups, ocg = p.OC / p.Groups;
        var inShape = p.Input.ToArray();
        var kShape = p.Kernel.ToArray();
        int inCount = inShape.Aggregate(1, (a, c) => a * c), kCount = kShape.Aggregate(1, (a, c) => a * c);
        int outCount = p.Output.Aggregate(1, (a, c) => a * c);
        for (int n = 0; n < p.Mb; n++)
        for (int ci = 0; ci < p.IC; ci++)
        for (int pi = 0; pi < inCount; pi++)
        {
            int g = ci / icg, c = ci % icg;
            double acc = 0;
            for (int oc = 0; oc < ocg; oc++)
            for (int k = 0; k < kCount; k++)
            {
                int kEff = bugs.UnflippedKernelDx ? kCount - 1 - k : k;
                int? pos = OutputPos(p, Index(pi, inShape), Index(kEff, kShape), bugs);
                if (pos is null) continue;
                int o = g * ocg + oc;
                acc += dy[(n * p.OC + o) * outCount + pos.Value] * w[(o * icg + c) * kCount + k];
            }
            dx[(n * p.IC + ci) * inCount + pi] = acc;
        }
        return dx;
    }

    private static int? InputPos(ConvProblem p, int[] outPos, int[] tap, Bugs bugs)
    {
        int flat = 0;
        for (int d = 0; d < p.Rank; d++)
        {
            int dil = bugs.ZeroBasedDilation ? p.Dilation[d] - 1 : p.Dilation[d];
            int pb = bugs.OffByOnePadding ? p.PadBegin[d] + 1 : p.PadBegin[d];
            int i = outPos[d] * p.Stride[d] - pb + tap[d] * dil;
            if (i < 0 || i >= p.Input[d]) return null;
            flat = flat * p.Input[d] + i;
        }
        return flat;
    }

    private static int? OutputPos(ConvProblem p, int[] inPos, int[] tap, Bugs bugs)
    {
        int flat = 0;
        for (int d = 0; d < p.Rank; d++)
        {
            int t = inPos[d] + p.PadBegin[d] - tap[d] * p.Dilation[d];
            if (t < 0 || (!bugs.NoStrideCheckInDx && t % p.Stride[d] != 0)) return null;
            int o = t / p.Stride[d];
            if (o >= p.Output[d]) return null;
            flat = flat * p.Output[d] + o;
        }
        return flat;
    }

    private static int[] Index(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }
}
