using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ConvVerify.Convolution;

/// <summary>
/// Forward or data gradient as independent tasks, one per (n, group, pair of channel blocks, run of position
/// blocks) of the destination. A vector's lanes are either destination channels of one group (output channels
/// forward, input channels for dL/dx; the source value is broadcast) or, when groups have few channels (depthwise),
/// one destination channel in each of V consecutive groups (the source is transposed so a position's V groups are
/// contiguous, and loaded). In the second layout the job's "groups" are blocks of V groups and its "channel blocks"
/// are the destination channels of a group. The weights are transposed once per call, lanes innermost (forward
/// [group][block][reduction channel][tap][lane], dL/dx [group][reduction channel][block][tap][lane]; see
/// <see cref="ChannelMajorWeights"/>). Lanes past the last channel or group read zeros; they are
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
    /// <summary>Source strides: n, channel (d, h and w are folded into the position blocks' offsets).</summary>
    public required (int N, int C) SrcStrides { get; init; }
    /// <summary>Destination strides: n, channel.</summary>
    public required (int N, int C) DstStrides { get; init; }
    /// <summary>Kernel taps (KD·KH·KW).</summary>
    public required int Taps { get; init; }
    /// <summary>
    /// Whether the transposed weights are [group][reduction channel][block][tap][lane] (dL/dx, where each output
    /// channel's row of w holds its input channels' taps side by side) rather than [group][block][reduction channel][tap][lane] (forward).
    /// </summary>
    public required bool ChannelMajorWeights { get; init; }
    public required PositionBlocks Blocks { get; init; }
    /// <summary>Position blocks per task, so tiny ones (depthwise, few channels) do not cost a task each.</summary>
    public required int BlocksPerTask { get; init; }

    /// <summary>
    /// Channel blocks a task covers: a pair, whose kernel shares each source value between two blocks. Tasks are no
    /// wider so that small planes (7x7, 14x14) with many channels still give every thread several tasks, and so that
    /// a task's weights stay in the core's cache across its positions.
    /// </summary>
    public const int BlockGroup = 2;

    /// <summary>Most position blocks per task: their partial sums live on the task's stack (32 KB for 512-bit vectors).</summary>
    public const int MaxBlocksPerTask = 32;

    /// <summary>Weight elements of a pair's slice of reduction channels: 24 KB of float, half the first-level cache of current cores.</summary>
    private static int SliceElements => 24576 / Unsafe.SizeOf<T>();

    private int V => TS.Count;
    private int BlockGroups => (BlocksPerGroup + BlockGroup - 1) / BlockGroup;
    private int WStrideC => ChannelMajorWeights ? BlocksPerGroup * Taps * V : Taps * V;
    private int WStrideBlock => ChannelMajorWeights ? Taps * V : Channels * Taps * V;
    private int Chunks => (Blocks.Count + BlocksPerTask - 1) / BlocksPerTask;

    public int Tasks => N * Groups * BlockGroups * Chunks;

    // No zeroing of the partial sums (up to 32 KB a task, more than a depthwise task's arithmetic): the first slice
    // starts its sums from +0 and writes every slot the kernel has, and only written positions are scattered.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public void Run(int task)
    {
        int chunk = task % Chunks; task /= Chunks;
        int bg = task % BlockGroups; task /= BlockGroups;
        int g = task % Groups;
        int n = task / Groups;
        int v = V, block = bg * BlockGroup;
        bool pair = block + 1 < BlocksPerGroup;
        int b0 = chunk * BlocksPerTask, b1 = Math.Min(Blocks.Count, b0 + BlocksPerTask);
        // Partial sums of every block of the task, [block][channel block][slot][lane], so the task can go over the
        // reduction channels a slice at a time: a slice's weights stay in the first-level cache across all its positions.
        Span<T> sums = stackalloc T[(b1 - b0) * 16 * v];
        ref T src = ref Unsafe.AsRef<T>(Src + (long)n * SrcStrides.N + (long)g * Channels * SrcStrides.C);
        ref T wb = ref Unsafe.AsRef<T>(Wt + (long)g * BlocksPerGroup * Channels * Taps * v + (long)block * WStrideBlock);
        nint bs = WStrideBlock;
        var pb = Blocks;
        int slice = Math.Max(1, SliceElements / (BlockGroup * Taps * v));
        for (int c0 = 0; c0 < Channels; c0 += slice)
        {
            ref T sc = ref Unsafe.Add(ref src, (nint)c0 * SrcStrides.C);
            ref T wc = ref Unsafe.Add(ref wb, (nint)c0 * WStrideC);
            int channels = Math.Min(slice, Channels - c0);
            for (int b = b0; b < b1; b++)
            {
                int list = pb.List[b], first = pb.TermStart[list];
                // An empty list may start at the arrays' end: a reference there is formed but never read.
                var terms = new Terms(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(pb.TermSource), first),
                    ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(pb.TermTap), first), pb.TermStart[list + 1] - first, channels, SrcStrides.C, WStrideC);
                ref T s = ref Unsafe.Add(ref sc, pb.Base[b]);
                ref int offsets = ref pb.SourceOffset[pb.Start[b]];
                ref T acc = ref sums[(b - b0) * 16 * v];
                bool eight = pb.Size[b] > 4, resume = c0 > 0;
                if (pair && eight) ChannelKernels<T, TV, TS, TF>.Tile<On, On>(ref s, ref wc, bs, terms, ref offsets, resume, ref acc);
                else if (pair) ChannelKernels<T, TV, TS, TF>.Tile<On, Off>(ref s, ref wc, bs, terms, ref offsets, resume, ref acc);
                else if (eight) ChannelKernels<T, TV, TS, TF>.Tile<Off, On>(ref s, ref wc, bs, terms, ref offsets, resume, ref acc);
                else ChannelKernels<T, TV, TS, TF>.Tile<Off, Off>(ref s, ref wc, bs, terms, ref offsets, resume, ref acc);
            }
        }
        for (int b = b0; b < b1; b++)
        {
            var acc = sums.Slice((b - b0) * 16 * v, 16 * v);
            Scatter(acc, n, g, block, b, pb.Size[b]);
            if (pair) Scatter(acc[((pb.Size[b] > 4 ? 8 : 4) * v)..], n, g, block + 1, b, pb.Size[b]);
        }
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
/// The destination positions cut into blocks of up to 8 positions that share one term list in every dim (same first
/// tap and count), so a block's elements use the same weights in the same order and differ only in where they read:
/// position r reads at SourceOffset[Start[b] + r] from position 0's source (a constant per block, since each dim's
/// source coordinate moves by the same step per term for every position) and writes at DestinationOffset[Start[b] + r]
/// in the destination plane. Positions anywhere in the plane may share a block: in a 7x7 image with padding, the 25
/// interior positions make blocks of 8, 8, 8 and 1.
/// </summary>
/// <remarks>
/// The kernels compute 4 or 8 positions (a block of more than 4 positions is 8 wide). The slots past a block's
/// <see cref="Size"/> repeat position 0 (source offset 0): computed, in range, never stored. That wastes a few
/// multiply-adds on a small plane's borders but keeps every block in a kernel with enough independent sums to hide
/// the adds' latency.
/// </remarks>
internal sealed class PositionBlocks
{
    /// <summary>Positions of each block (1 to 8); the kernel width is 8 above 4, else 4.</summary>
    public required int[] Size { get; init; }
    /// <summary>Where each block's slots begin in <see cref="SourceOffset"/> and <see cref="DestinationOffset"/>.</summary>
    public required int[] Start { get; init; }
    /// <summary>Source offset (within one channel of the source) of each block's first position.</summary>
    public required int[] Base { get; init; }
    /// <summary>Each block's term list.</summary>
    public required int[] List { get; init; }
    public required int[] SourceOffset { get; init; }
    public required int[] DestinationOffset { get; init; }
    /// <summary>Term list l is TermSource/TermTap[TermStart[l] .. TermStart[l + 1]).</summary>
    public required int[] TermStart { get; init; }
    /// <summary>A term's source offset from the block's first position's, within one channel.</summary>
    public required int[] TermSource { get; init; }
    /// <summary>A term's kernel tap, (kd·KH + kh)·KW + kw.</summary>
    public required int[] TermTap { get; init; }
    public required int Count { get; init; }

    public static PositionBlocks Of(TapList d, TapList h, TapList w, (int D, int H, int W) kernel, (int D, int H, int W) extents, (int D, int H, int W) srcStrides)
    {
        int positions = extents.D * extents.H * extents.W;
        var (size, start, @base, list) = (new int[positions], new int[positions], new int[positions], new int[positions]);
        var (src, dst) = (new List<int>(positions + 8), new List<int>(positions + 8));
        var (termStart, termSrc, termTap) = (new List<int> { 0 }, new List<int>(), new List<int>());
        int count = 0;
        var lists = new Dictionary<(int, int, int, int, int, int), int>();
        var pending = new Dictionary<(int, int, int, int, int, int), List<int>>();
        (int D, int H, int W) Coordinates(int p) => (p / (extents.H * extents.W), p / extents.W % extents.H, p % extents.W);
        int SourceOf(int p)
        {
            var (pd, ph, pw) = Coordinates(p);
            return d.Source[pd] * srcStrides.D + h.Source[ph] * srcStrides.H + w.Source[pw] * srcStrides.W;
        }
        int ListOf((int, int, int, int, int, int) key, int p)
        {
            if (lists.TryGetValue(key, out int l)) return l;
            var (pd, ph, pw) = Coordinates(p);
            for (int jd = 0; jd < d.Count[pd]; jd++)
            for (int jh = 0; jh < h.Count[ph]; jh++)
            for (int jw = 0; jw < w.Count[pw]; jw++)
            {
                termSrc.Add(jd * d.SourceStep * srcStrides.D + jh * h.SourceStep * srcStrides.H + jw * w.SourceStep * srcStrides.W);
                termTap.Add(((d.First[pd] + jd * d.Step) * kernel.H + h.First[ph] + jh * h.Step) * kernel.W + w.First[pw] + jw * w.Step);
            }
            termStart.Add(termSrc.Count);
            return lists[key] = termStart.Count - 2;
        }
        void Emit((int, int, int, int, int, int) key, List<int> ps)
        {
            int r = ps.Count, s0 = SourceOf(ps[0]);
            (size[count], start[count], @base[count], list[count]) = (r, src.Count, s0, ListOf(key, ps[0]));
            for (int j = 0; j < (r > 4 ? 8 : 4); j++)
            {
                src.Add(j < r ? SourceOf(ps[j]) - s0 : 0);
                dst.Add(ps[Math.Min(j, r - 1)]);
            }
            count++;
            ps.Clear();
        }
        for (int qd = 0; qd < extents.D; qd++)
        for (int qh = 0; qh < extents.H; qh++)
        for (int qw = 0; qw < extents.W; qw++)
        {
            var key = (d.First[qd], d.Count[qd], h.First[qh], h.Count[qh], w.First[qw], w.Count[qw]);
            if (!pending.TryGetValue(key, out var ps)) pending[key] = ps = new List<int>(8);
            ps.Add((qd * extents.H + qh) * extents.W + qw);
            if (ps.Count == 8) Emit(key, ps);
        }
        foreach (var (key, ps) in pending)
            if (ps.Count > 0) Emit(key, ps);
        return new()
        {
            Size = size, Start = start, Base = @base, List = list, SourceOffset = [.. src], DestinationOffset = [.. dst],
            TermStart = [.. termStart], TermSource = [.. termSrc], TermTap = [.. termTap], Count = count,
        };
    }
}
