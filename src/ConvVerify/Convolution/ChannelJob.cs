using System.Numerics;
using System.Runtime.CompilerServices;

namespace ConvVerify.Convolution;

/// <summary>
/// Forward or data gradient as independent tasks, one per (n, group, quad of channel blocks, d row, h row) of the
/// destination. Lanes are destination channels (output channels forward, input channels for dL/dx); the weights are
/// transposed once per call to [group][block][reduction channel][kd][kh][kw][lane], lanes past the group's channels
/// zero. Those lanes are computed and never stored, so what they hold (NaN from 0·Inf, say) does not matter.
/// </summary>
internal sealed unsafe class ChannelJob<T, TV, TS>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TV : struct
    where TS : struct, ISimd<TV, T>
{
    public required T* Src { get; init; }
    public required T* Wt { get; init; }
    public required T* Dst { get; init; }
    /// <summary>Null, or the bias of every destination channel: added after the sum, as the definition does.</summary>
    public required T* Bias { get; init; }
    public required int N { get; init; }
    public required int Groups { get; init; }
    /// <summary>Reduction channels per group (input channels forward, output channels for dL/dx).</summary>
    public required int Channels { get; init; }
    /// <summary>Destination channels per group, the lanes.</summary>
    public required int Lanes { get; init; }
    /// <summary>Source strides: n, channel, d, h (w is 1).</summary>
    public required (int N, int C, int D, int H) SrcStrides { get; init; }
    /// <summary>Destination strides: n, channel, d, h (w is 1).</summary>
    public required (int N, int C, int D, int H) DstStrides { get; init; }
    /// <summary>Destination extents of d and h, which the tasks split.</summary>
    public required (int D, int H) Rows { get; init; }
    /// <summary>Kernel extents.</summary>
    public required (int D, int H, int W) K { get; init; }
    public required TapList TapsD { get; init; }
    public required TapList TapsH { get; init; }
    public required TapList TapsW { get; init; }
    /// <summary>Runs of W positions sharing one term list (see <see cref="PositionBlocks"/>).</summary>
    public required PositionBlocks Blocks { get; init; }

    private int V => TS.Count;
    private int BlocksPerGroup => (Lanes + V - 1) / V;
    private int Quads => (BlocksPerGroup + 3) / 4;
    private int WStrideC => K.D * K.H * K.W * V;
    private int WStrideBlock => Channels * WStrideC;

    public int Tasks => N * Groups * Quads * Rows.D * Rows.H;

    public void Run(int task)
    {
        int qh = task % Rows.H; task /= Rows.H;
        int qd = task % Rows.D; task /= Rows.D;
        int quad = task % Quads; task /= Quads;
        int g = task % Groups;
        int n = task / Groups;
        int v = V, wd = K.H * K.W * v, wh = K.W * v;
        var walk = new Walk
        {
            Channels = Channels, SrcC = SrcStrides.C, WC = WStrideC,
            DCount = TapsD.Count[qd], DSrc = TapsD.Source[qd] * SrcStrides.D, DSrcStep = TapsD.SourceStep * SrcStrides.D,
            DW = TapsD.First[qd] * wd, DWStep = TapsD.Step * wd,
            HCount = TapsH.Count[qh], HSrc = TapsH.Source[qh] * SrcStrides.H, HSrcStep = TapsH.SourceStep * SrcStrides.H,
            HW = TapsH.First[qh] * wh, HWStep = TapsH.Step * wh,
            WSrcStep = TapsW.SourceStep, WWStep = TapsW.Step * v,
        };
        ref T src = ref Unsafe.AsRef<T>(Src + (long)n * SrcStrides.N + (long)g * Channels * SrcStrides.C);
        int firstBlock = quad * 4, blockCount = Math.Min(4, BlocksPerGroup - firstBlock);
        ref T wq = ref Unsafe.AsRef<T>(Wt + ((long)g * BlocksPerGroup + firstBlock) * WStrideBlock);
        long dstRow = (long)n * DstStrides.N + (long)qd * DstStrides.D + (long)qh * DstStrides.H;
        Span<T> scratch = stackalloc T[8 * v];
        ref T out0 = ref scratch[0];
        var blocks = Blocks;
        for (int bi = 0; bi < blocks.Count; bi++)
        {
            int q0 = blocks.Start[bi], r = blocks.Size[bi];
            walk.WCount = TapsW.Count[q0];
            walk.WSrc = TapsW.Source[q0];
            walk.WW = TapsW.First[q0] * v;
            if (r == 1 && blockCount == 4)
            {
                ChannelKernels<T, TV, TS>.Blocks4(ref src, ref wq, walk, WStrideBlock, ref out0);
                for (int m = 0; m < 4; m++) Scatter(scratch.Slice(m * v, v), g, firstBlock + m, dstRow, q0, 1);
                continue;
            }
            for (int m = 0; m < blockCount; m++)
            {
                ref T wb = ref Unsafe.Add(ref wq, (nint)m * WStrideBlock);
                if (r == 8) ChannelKernels<T, TV, TS>.Positions8(ref src, ref wb, walk, blocks.SourceStep, ref out0);
                else if (r == 4) ChannelKernels<T, TV, TS>.Positions4(ref src, ref wb, walk, blocks.SourceStep, ref out0);
                else ChannelKernels<T, TV, TS>.Single(ref src, ref wb, walk, ref out0);
                Scatter(scratch, g, firstBlock + m, dstRow, q0, r);
            }
        }
    }

    // Lane l of position r of the scratch is destination channel (block·V + l) at W position q0 + r·step.
    private void Scatter(ReadOnlySpan<T> scratch, int g, int block, long dstRow, int q0, int positions)
    {
        int v = V, lanes = Math.Min(v, Lanes - block * v), step = Blocks.PositionStep;
        for (int l = 0; l < lanes; l++)
        {
            int ch = g * Lanes + block * v + l;
            T* d = Dst + dstRow + (long)ch * DstStrides.C + q0;
            if (Bias == null)
                for (int r = 0; r < positions; r++) d[(long)r * step] = scratch[r * v + l];
            else
                for (int r = 0; r < positions; r++) d[(long)r * step] = scratch[r * v + l] + Bias[ch];
        }
    }
}

/// <summary>
/// The innermost (W) destination positions cut into blocks of 8, 4 or 1 positions that share one term list, so a
/// block's elements differ only in where they read: position r of a block is W coordinate Start + r·PositionStep and
/// reads source W coordinates shifted by r·SourceStep. Forward: positions are consecutive and read s apart. Data
/// gradient: positions s apart (one residue class mod s, whose taps agree) read consecutive dy elements.
/// </summary>
internal sealed class PositionBlocks
{
    public required int[] Start { get; init; }
    public required int[] Size { get; init; }
    public required int Count { get; init; }
    public required int PositionStep { get; init; }
    public required int SourceStep { get; init; }

    private static readonly int[] Sizes = [8, 4, 1];

    public static PositionBlocks Of(TapList taps, int positions, int positionStep, int sourceStep)
    {
        var (start, size) = (new int[positions], new int[positions]);
        int count = 0;
        for (int rho = 0; rho < Math.Min(positionStep, positions); rho++)
        {
            int q = rho;
            while (q < positions)
            {
                // A run: later positions of the class whose term list (first tap and count) equals q's.
                int run = 1;
                while (q + (long)run * positionStep < positions
                       && taps.First[q + run * positionStep] == taps.First[q] && taps.Count[q + run * positionStep] == taps.Count[q])
                    run++;
                foreach (int r in Sizes)
                {
                    while (run >= r)
                    {
                        (start[count], size[count]) = (q, r);
                        count++;
                        q += r * positionStep;
                        run -= r;
                    }
                }
            }
        }
        return new() { Start = start, Size = size, Count = count, PositionStep = positionStep, SourceStep = sourceStep };
    }
}
