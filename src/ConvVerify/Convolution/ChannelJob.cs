using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ConvVerify.Convolution;

/// <summary>
/// Forward or data gradient as independent tasks, one per (n, group, up to eight channel blocks, run of position
/// blocks) of the destination. A vector's lanes are either destination channels of one group (output channels
/// forward, input channels for dL/dx; the source value is broadcast) or, when groups have few channels (depthwise),
/// one destination channel in each of V consecutive groups (the source is transposed so a position's V groups are
/// contiguous, and loaded). In the second layout the job's "groups" are blocks of V groups and its "channel blocks"
/// are the destination channels of a group. The weights are transposed once per call to
/// [group][block][reduction channel][kd][kh][kw][lane]. Lanes past the last channel or group read zeros; they are
/// computed and never stored, so what they hold (NaN from 0·Inf, say) does not matter.
/// </summary>
internal sealed unsafe class ChannelJob<T, TV, TS, TF>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TV : struct
    where TS : struct, ISimd<TV, T>
    where TF : struct, ISource<TV, T>
{
    public required T* Src { get; init; }
    public required T* Wt { get; init; }
    public required T* Dst { get; init; }
    /// <summary>
    /// With lanes over groups, where results go as whole vectors, [n][group block][channel][position][lane], for
    /// <see cref="GroupTranspose{T}.FromLanes"/> to put in place (and add the bias); otherwise null.
    /// </summary>
    public required T* DstT { get; init; }
    /// <summary>Null, or the bias of every destination channel: added after the sum, as the definition does.</summary>
    public required T* Bias { get; init; }
    public required int N { get; init; }
    public required int Groups { get; init; }
    /// <summary>Reduction channels per group (input channels forward, output channels for dL/dx).</summary>
    public required int Channels { get; init; }
    /// <summary>Destination channels per group.</summary>
    public required int Lanes { get; init; }
    /// <summary>Vectors per (group, reduction channel, tap) of the weights: channel blocks, or with lanes over groups the destination channels of a group.</summary>
    public required int BlocksPerGroup { get; init; }
    /// <summary>Source strides: n, channel, d, h, w (w is V with lanes over groups, else 1).</summary>
    public required (int N, int C, int D, int H, int W) SrcStrides { get; init; }
    /// <summary>Destination strides: n, channel.</summary>
    public required (int N, int C) DstStrides { get; init; }
    /// <summary>Kernel extents.</summary>
    public required (int D, int H, int W) K { get; init; }
    public required TapList TapsD { get; init; }
    public required TapList TapsH { get; init; }
    public required TapList TapsW { get; init; }
    public required PositionBlocks Blocks { get; init; }
    /// <summary>Position blocks per task, so tiny ones (depthwise, few channels) do not cost a task each.</summary>
    public required int BlocksPerTask { get; init; }

    /// <summary>Channel blocks a task covers; a lone position chains over eight (or four) of them to share each broadcast.</summary>
    public const int BlockGroup = 8;

    private int V => TS.Count;
    private int BlockGroups => (BlocksPerGroup + BlockGroup - 1) / BlockGroup;
    private int WStrideC => K.D * K.H * K.W * V;
    private int WStrideBlock => Channels * WStrideC;
    private int Chunks => (Blocks.Count + BlocksPerTask - 1) / BlocksPerTask;

    public int Tasks => N * Groups * BlockGroups * Chunks;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int task)
    {
        int chunk = task % Chunks; task /= Chunks;
        int bg = task % BlockGroups; task /= BlockGroups;
        int g = task % Groups;
        int n = task / Groups;
        int v = V, firstBlock = bg * BlockGroup, blockCount = Math.Min(BlockGroup, BlocksPerGroup - firstBlock);
        Span<T> scratch = stackalloc T[8 * v];
        ref T out0 = ref scratch[0];
        ref T src = ref Unsafe.AsRef<T>(Src + (long)n * SrcStrides.N + (long)g * Channels * SrcStrides.C);
        ref T wq = ref Unsafe.AsRef<T>(Wt + ((long)g * BlocksPerGroup + firstBlock) * WStrideBlock);
        int b0 = chunk * BlocksPerTask, b1 = Math.Min(Blocks.Count, b0 + BlocksPerTask);
        var pb = Blocks;
        // Channel block outermost, so its weights stay in cache across the task's positions.
        for (int m = 0; m < blockCount; m++)
        {
            ref T wb = ref Unsafe.Add(ref wq, (nint)m * WStrideBlock);
            for (int b = b0; b < b1; b++)
            {
                int r = pb.Size[b];
                if (r == 1 && blockCount >= 4) continue; // chained over channel blocks below
                var walk = WalkOf(b);
                ref int offsets = ref pb.SourceOffset[pb.Start[b]];
                if (r == 8) ChannelKernels<T, TV, TS, TF>.Positions8(ref src, ref wb, walk, ref offsets, ref out0);
                else if (r == 4) ChannelKernels<T, TV, TS, TF>.Positions4(ref src, ref wb, walk, ref offsets, ref out0);
                else ChannelKernels<T, TV, TS, TF>.Single(ref src, ref wb, walk, ref out0);
                Scatter(scratch, n, g, firstBlock + m, b, r);
            }
        }
        if (blockCount < 4) return;
        for (int b = b0; b < b1; b++)
        {
            if (pb.Size[b] != 1) continue;
            var walk = WalkOf(b);
            int m = 0;
            for (; m + 8 <= blockCount; m += 8)
            {
                ChannelKernels<T, TV, TS, TF>.Blocks8(ref src, ref Unsafe.Add(ref wq, (nint)m * WStrideBlock), walk, WStrideBlock, ref out0);
                for (int j = 0; j < 8; j++) Scatter(scratch.Slice(j * v, v), n, g, firstBlock + m + j, b, 1);
            }
            for (; m + 4 <= blockCount; m += 4)
            {
                ChannelKernels<T, TV, TS, TF>.Blocks4(ref src, ref Unsafe.Add(ref wq, (nint)m * WStrideBlock), walk, WStrideBlock, ref out0);
                for (int j = 0; j < 4; j++) Scatter(scratch.Slice(j * v, v), n, g, firstBlock + m + j, b, 1);
            }
            for (; m < blockCount; m++)
            {
                ChannelKernels<T, TV, TS, TF>.Single(ref src, ref Unsafe.Add(ref wq, (nint)m * WStrideBlock), walk, ref out0);
                Scatter(scratch[..v], n, g, firstBlock + m, b, 1);
            }
        }
    }

    // The terms of the block's first position; the others read the same weights at their source offsets.
    private Walk WalkOf(int b)
    {
        int v = V, wd = K.H * K.W * v, wh = K.W * v;
        int qd = Blocks.Lead[3 * b], qh = Blocks.Lead[3 * b + 1], qw = Blocks.Lead[3 * b + 2];
        return new Walk
        {
            Channels = Channels, SrcC = SrcStrides.C, WC = WStrideC,
            DCount = TapsD.Count[qd], DSrc = TapsD.Source[qd] * SrcStrides.D, DSrcStep = TapsD.SourceStep * SrcStrides.D,
            DW = TapsD.First[qd] * wd, DWStep = TapsD.Step * wd,
            HCount = TapsH.Count[qh], HSrc = TapsH.Source[qh] * SrcStrides.H, HSrcStep = TapsH.SourceStep * SrcStrides.H,
            HW = TapsH.First[qh] * wh, HWStep = TapsH.Step * wh,
            WCount = TapsW.Count[qw], WSrc = TapsW.Source[qw] * SrcStrides.W, WSrcStep = TapsW.SourceStep * SrcStrides.W,
            WW = TapsW.First[qw] * v, WWStep = TapsW.Step * v,
        };
    }

    // Lane l of position r of the scratch is destination channel block·V + l of group g at the block's r-th position;
    // with lanes over groups the vector goes whole to the transposed destination.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Scatter(ReadOnlySpan<T> scratch, int n, int g, int block, int b, int positions)
    {
        int v = V;
        int[] dst = Blocks.DestinationOffset;
        int start = Blocks.Start[b];
        if (DstT != null)
        {
            T* row = DstT + (((long)n * Groups + g) * BlocksPerGroup + block) * DstStrides.C * v;
            ref T from = ref MemoryMarshal.GetReference(scratch);
            for (int r = 0; r < positions; r++) TS.Store(TS.Load(ref Unsafe.Add(ref from, r * v)), ref *(row + (long)dst[start + r] * v));
            return;
        }
        int lanes = Math.Min(v, Lanes - block * v);
        for (int l = 0; l < lanes; l++)
        {
            int ch = g * Lanes + block * v + l;
            T* d = Dst + (long)n * DstStrides.N + (long)ch * DstStrides.C;
            if (Bias == null)
                for (int r = 0; r < positions; r++) d[dst[start + r]] = scratch[r * v + l];
            else
                for (int r = 0; r < positions; r++) d[dst[start + r]] = scratch[r * v + l] + Bias[ch];
        }
    }
}

/// <summary>
/// The destination positions cut into blocks of 8, 4 or 1 positions that share one term list in every dim (same
/// first tap and count), so a block's elements use the same weights in the same order and differ only in where they
/// read: position r reads at SourceOffset[Start[b] + r] from position 0's source (a constant per block, since each dim's
/// source coordinate moves by the same step per term for every position) and writes at DestinationOffset[Start[b] + r] in
/// the destination plane. Positions anywhere in the plane may share a block: in a 7x7 image with padding, the 25
/// interior positions make three blocks of eight.
/// </summary>
internal sealed class PositionBlocks
{
    public required int[] Size { get; init; }
    /// <summary>(qd, qh, qw) of each block's first position.</summary>
    public required int[] Lead { get; init; }
    /// <summary>Where each block's positions begin in <see cref="SourceOffset"/> and <see cref="DestinationOffset"/>.</summary>
    public required int[] Start { get; init; }
    public required int[] SourceOffset { get; init; }
    public required int[] DestinationOffset { get; init; }
    public required int Count { get; init; }

    public static PositionBlocks Of(TapList d, TapList h, TapList w, (int D, int H, int W) extents, (int D, int H, int W) srcStrides)
    {
        int positions = extents.D * extents.H * extents.W;
        var size = new int[positions];
        var lead = new int[3 * positions];
        var start = new int[positions];
        var src = new int[positions];
        var dst = new int[positions];
        int count = 0, used = 0;
        var pending = new Dictionary<(int, int, int, int, int, int), List<int>>();
        void Emit(List<int> ps, int from, int r)
        {
            int p0 = ps[from];
            var (d0, h0, w0) = (p0 / (extents.H * extents.W), p0 / extents.W % extents.H, p0 % extents.W);
            size[count] = r;
            start[count] = used;
            (lead[3 * count], lead[3 * count + 1], lead[3 * count + 2]) = (d0, h0, w0);
            int s0 = d.Source[d0] * srcStrides.D + h.Source[h0] * srcStrides.H + w.Source[w0] * srcStrides.W;
            for (int j = 0; j < r; j++)
            {
                int p = ps[from + j];
                var (pd, ph, pw) = (p / (extents.H * extents.W), p / extents.W % extents.H, p % extents.W);
                src[used] = d.Source[pd] * srcStrides.D + h.Source[ph] * srcStrides.H + w.Source[pw] * srcStrides.W - s0;
                dst[used++] = p;
            }
            count++;
        }
        for (int qd = 0; qd < extents.D; qd++)
        for (int qh = 0; qh < extents.H; qh++)
        for (int qw = 0; qw < extents.W; qw++)
        {
            var key = (d.First[qd], d.Count[qd], h.First[qh], h.Count[qh], w.First[qw], w.Count[qw]);
            if (!pending.TryGetValue(key, out var list)) pending[key] = list = new List<int>(8);
            list.Add((qd * extents.H + qh) * extents.W + qw);
            if (list.Count == 8)
            {
                Emit(list, 0, 8);
                list.Clear();
            }
        }
        foreach (var list in pending.Values)
        {
            int i = 0;
            for (; i + 4 <= list.Count; i += 4) Emit(list, i, 4);
            for (; i < list.Count; i++) Emit(list, i, 1);
        }
        return new() { Size = size, Lead = lead, Start = start, SourceOffset = src, DestinationOffset = dst, Count = count };
    }
}
