using System.Buffers;
using System.Numerics;
using ConvVerify.Problems;

namespace ConvVerify.Convolution;

public static unsafe partial class ExactConv
{
    /// <summary>Forward (x → y, lanes over output channels) or data gradient (dy → dx, lanes over input channels).</summary>
    private sealed class ChannelSetup<T>(ConvProblem p, SpatialDim gd, SpatialDim gh, SpatialDim gw, bool forward,
        nint src, nint w, nint dst, nint bias) : ISetup<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run<TV, TS>(int threads) where TV : struct where TS : struct, ISimd<TV, T>
        {
            int v = TS.Count, groups = p.Groups, icg = p.IC / groups, ocg = p.OC / groups;
            int lanes = forward ? ocg : icg, channels = forward ? icg : ocg, blocks = Blocks(lanes, v);
            int taps = gd.K * gh.K * gw.K;
            var (srcC, srcSp, dstC, dstSp) = forward ? (p.IC, (gd.In, gh.In, gw.In), p.OC, (gd.Out, gh.Out, gw.Out))
                                                     : (p.OC, (gd.Out, gh.Out, gw.Out), p.IC, (gd.In, gh.In, gw.In));
            int length = groups * blocks * channels * taps * v;
            T[] wt = ArrayPool<T>.Shared.Rent(length);
            try
            {
                // [group][block][reduction channel][tap][lane] from w's (OC, IC/G, taps).
                T* ws = (T*)w;
                For(groups * blocks, threads, gb =>
                {
                    int g = gb / blocks, block = gb % blocks;
                    for (int c = 0; c < channels; c++)
                    for (int l = 0; l < v; l++)
                    {
                        int lane = block * v + l;
                        int baseOut = ((gb * channels + c) * taps) * v + l;
                        if (lane >= lanes)
                        {
                            for (int t = 0; t < taps; t++) wt[baseOut + t * v] = T.Zero;
                            continue;
                        }
                        var (o, i) = forward ? ((long)g * ocg + lane, c) : ((long)g * ocg + c, lane);
                        T* row = ws + (o * icg + i) * taps;
                        for (int t = 0; t < taps; t++) wt[baseOut + t * v] = row[t];
                    }
                });
                var (tapsD, tapsH, tapsW) = forward
                    ? (TapList.ForOutputs(gd), TapList.ForOutputs(gh), TapList.ForOutputs(gw))
                    : (TapList.ForInputs(gd), TapList.ForInputs(gh), TapList.ForInputs(gw));
                var srcStrides = Strides(srcC, srcSp);
                var positionBlocks = PositionBlocks.Of(tapsD, tapsH, tapsW, dstSp, (srcStrides.D, srcStrides.H));
                int blockGroups = Blocks(blocks, ChannelJob<T, TV, TS>.BlockGroup);
                long macsPerPositionBlock = 8L * Math.Min(blocks, ChannelJob<T, TV, TS>.BlockGroup) * v * channels * taps;
                fixed (T* pwt = wt)
                {
                    var job = new ChannelJob<T, TV, TS>
                    {
                        Src = (T*)src, Wt = pwt, Dst = (T*)dst, Bias = (T*)bias,
                        N = p.Mb, Groups = groups, Channels = channels, Lanes = lanes,
                        SrcStrides = srcStrides, DstStrides = (dstC * dstSp.Item1 * dstSp.Item2 * dstSp.Item3, dstSp.Item1 * dstSp.Item2 * dstSp.Item3),
                        K = (gd.K, gh.K, gw.K), TapsD = tapsD, TapsH = tapsH, TapsW = tapsW,
                        Blocks = positionBlocks,
                        BlocksPerTask = PerTask(positionBlocks.Count, (long)p.Mb * groups * blockGroups, macsPerPositionBlock, threads),
                    };
                    For(job.Tasks, threads, job.Run);
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(wt);
            }
        }
    }

    /// <summary>Weight gradient: lanes over output channels of a transposed dy, broadcasts from x.</summary>
    private sealed class WeightSetup<T>(ConvProblem p, SpatialDim gd, SpatialDim gh, SpatialDim gw, nint x, nint dy, nint dw) : ISetup<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run<TV, TS>(int threads) where TV : struct where TS : struct, ISimd<TV, T>
        {
            int v = TS.Count, groups = p.Groups, icg = p.IC / groups, ocg = p.OC / groups, blocks = Blocks(ocg, v);
            int positions = gd.Out * gh.Out * gw.Out, n = p.Mb, oc = p.OC;
            int length = groups * blocks * n * positions * v;
            T[] dyt = ArrayPool<T>.Shared.Rent(length);
            try
            {
                // [group][block][n][position][lane] from dy's (N, OC, positions).
                T* d = (T*)dy;
                For(groups * blocks * n, threads, row =>
                {
                    int b = row / n, mb = row % n, g = b / blocks, block = b % blocks;
                    for (int l = 0; l < v; l++)
                    {
                        int lane = block * v + l, baseOut = row * positions * v + l;
                        if (lane >= ocg)
                        {
                            for (int s = 0; s < positions; s++) dyt[baseOut + s * v] = T.Zero;
                            continue;
                        }
                        T* src = d + ((long)mb * oc + g * ocg + lane) * positions;
                        for (int s = 0; s < positions; s++) dyt[baseOut + s * v] = src[s];
                    }
                });
                fixed (T* pdyt = dyt)
                {
                    var job = new WeightJob<T, TV, TS>
                    {
                        X = (T*)x, DyT = pdyt, Dw = (T*)dw,
                        N = n, Groups = groups, InChannels = icg, Lanes = ocg,
                        XStrides = Strides(p.IC, (gd.In, gh.In, gw.In)),
                        Out = (gd.Out, gh.Out, gw.Out), K = (gd.K, gh.K, gw.K),
                        TapsD = TapList.ForTaps(gd), TapsH = TapList.ForTaps(gh), TapsW = TapList.ForTaps(gw),
                    };
                    For(job.Tasks, threads, job.Run);
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(dyt);
            }
        }
    }

    /// <summary>Enough items per task to amortize a task (about 64 K multiply-adds), but at least 4 tasks per thread when the work allows.</summary>
    private static int PerTask(int items, long otherTasks, long macsPerItem, int threads)
    {
        long wanted = Math.Max(1, 65536 / Math.Max(1, macsPerItem));
        long cap = Math.Max(1, items * otherTasks / (4L * threads));
        return (int)Math.Min(wanted, cap);
    }

    private static (int N, int C, int D, int H) Strides(int channels, (int D, int H, int W) spatial)
    {
        int plane = spatial.D * spatial.H * spatial.W;
        return (channels * plane, plane, spatial.H * spatial.W, spatial.W);
    }
}
