using ConvVerify.Convolution;
using System.Diagnostics;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Convolution;

/// <summary>
/// The exact engine's speed decisions: vector width, lane layout, work per task, how tasks meet threads. No result
/// depends on them (ExactConvTests compare every path with the definition bit for bit), so only these tests can tell
/// when a decision stops being the documented one — the slow path would still be right.
/// </summary>
public class ExactPolicyTests
{
    // AVX-512 float lanes, then 256- and 128-bit, then scalars.
    private static readonly int[] Float512 = [16, 8, 4, 1];

    private static long Fits(int width, bool overGroups) => 0;

    private static (int, bool) Choose(int groups, int lanes, LaneLayout layout = LaneLayout.Auto, Func<int, bool, long>? copySize = null) =>
        ExactConv.Choose(Float512, layout, groups, lanes, copySize ?? Fits);

    [TestCase(1, 16, 16, TestName = "a full vector of channels")]
    [TestCase(1, 17, 16, TestName = "17 channels: 2 blocks of 16 against 3 of 8")]
    [TestCase(1, 8, 8, TestName = "eight channels: the 256-bit vector")]
    [TestCase(1, 3, 4, TestName = "a group of three channels: 4-lane vectors")]
    [TestCase(1, 2, 4, TestName = "two channels: 4-lane vectors, not scalars")]
    [TestCase(2, 32, 16, TestName = "a few groups of many channels")]
    public void ChannelLanesNarrowWhileNoMoreBlocksAreNeeded(int groups, int lanes, int width) =>
        Assert.That(Choose(groups, lanes), Is.EqualTo((width, false)));

    [TestCase(32, 1, 16, TestName = "depthwise: a vector of groups")]
    [TestCase(3, 1, 4, TestName = "three depthwise groups: 4 lanes of groups")]
    [TestCase(64, 2, 16, TestName = "many groups of two channels")]
    public void ManyGroupsOfFewChannelsPutGroupsInTheLanes(int groups, int lanes, int width) =>
        Assert.That(Choose(groups, lanes), Is.EqualTo((width, true)));

    [Test]
    public void OnATieChannelsWin()
    {
        // 16 groups of 16 channels: one vector of groups per channel or one vector of channels per group, 16 either way.
        Assert.That(Choose(16, 16), Is.EqualTo((16, false)));
        // 4 groups of 4: one 4-lane vector of groups per channel (4) or one of channels per group (4).
        Assert.That(Choose(4, 4), Is.EqualTo((4, false)));
        // 2 groups of 4 is no tie: groups in 4 lanes need 1 block x 4 channels = 4 vectors, channels 2 groups x 1 = 2.
        Assert.That(Choose(2, 4), Is.EqualTo((4, false)));
    }

    [Test]
    public void TheOptionsCanForceEitherLayout()
    {
        Assert.That(Choose(1, 16, LaneLayout.Groups), Is.EqualTo((1, true)), "one group: scalars over groups");
        Assert.That(Choose(32, 1, LaneLayout.Channels), Is.EqualTo((1, false)), "depthwise over channels: scalars");
        Assert.That(Choose(32, 1, LaneLayout.Groups), Is.EqualTo((16, true)));
    }

    [Test]
    public void CopiesThatWouldNotFitAnArrayAreAvoided()
    {
        long tooLarge = (long)Array.MaxLength + 1;
        // Groups in the lanes would need a transposed source too large: channels instead.
        Assert.That(Choose(32, 1, copySize: (_, overGroups) => overGroups ? tooLarge : 0), Is.EqualTo((1, false)));
        // Widths whose padded copies are too large are passed over, narrowest last.
        Assert.That(Choose(1, 16, copySize: (w, _) => w >= 8 ? tooLarge : 0), Is.EqualTo((4, false)));
        // Exactly the largest array is fine.
        Assert.That(Choose(1, 16, copySize: (_, _) => Array.MaxLength), Is.EqualTo((16, false)));
    }

    [Test]
    public void WithoutVectorsOnlyScalarsRemain()
    {
        Assert.That(ExactConv.Widths<float>(useVectors: false), Is.EqualTo(new[] { 1 }));
        var widths = ExactConv.Widths<float>(useVectors: true);
        Assert.That(widths[^1], Is.EqualTo(1));
        Assert.That(widths, Is.Ordered.Descending.And.Unique);
        Assert.That(ExactConv.Choose([1], LaneLayout.Auto, 32, 7, Fits), Is.EqualTo((1, false)), "scalars: both layouts need as many vectors; channels");
    }

    [TestCase(100, 1, 2, 32, 12, TestName = "a hundred blocks on two threads: four tasks each, rounded down")]
    [TestCase(100, 1, 2, 8, 8, TestName = "at most the kernel's limit")]
    [TestCase(3, 1, 2, 32, 1, TestName = "fewer blocks than four tasks a thread: one a task")]
    [TestCase(10, 8, 1, 32, 20, TestName = "other tasks count: 80 blocks over four tasks")]
    [TestCase(1_000_000, 1_000_000, 2, 32, 32, TestName = "no overflow of the product")]
    public void PositionBlocksPerTaskLeaveEveryThreadFourTasks(int items, long others, int threads, int most, int perTask) =>
        Assert.That(ExactConv.PerTask(items, others, threads, most), Is.EqualTo(perTask));

    [TestCase(64, 16, 2, 4, TestName = "plenty of work: runs of four blocks")]
    [TestCase(4, 1, 2, 1, TestName = "four blocks, nothing else, two threads: one block a task")]
    [TestCase(4, 2, 2, 1, TestName = "four blocks in two chunks: runs of two leave four tasks, still fewer than eight")]
    [TestCase(8, 2, 2, 2, TestName = "runs of two give eight tasks on two threads")]
    [TestCase(16, 2, 2, 4, TestName = "runs of four give eight tasks")]
    [TestCase(1, 1, 1, 1, TestName = "one block")]
    public void WeightBlocksPerTaskHalveUntilEveryThreadHasFourTasks(int blocks, long others, int threads, int run) =>
        Assert.That(ExactConv.RunLength(blocks, others, threads), Is.EqualTo(run));

    // Parallel.For's wrapper (layout copies, inputs) and the jobs' counter.
    private static readonly Dictionary<string, Action<int, int, Action<int>>> Runners = new()
    {
        ["For"] = ExactConv.For,
        ["ForTasks"] = ExactConv.ForTasks,
    };

    [TestCase("For")]
    [TestCase("ForTasks")]
    public void OneThreadOrOneTaskRunsOnTheCallingThreadInOrder(string runner)
    {
        var run = Runners[runner];
        int caller = Environment.CurrentManagedThreadId;
        foreach (var (count, threads) in new[] { (5, 1), (1, 2), (5, 0), (1, 1) })
        {
            var seen = new List<(int Task, int Thread)>();
            run(count, threads, i => seen.Add((i, Environment.CurrentManagedThreadId)));
            Assert.That(seen, Is.EqualTo(Enumerable.Range(0, count).Select(i => (i, caller))), $"{count} tasks, {threads} threads");
        }
        var all = new System.Collections.Concurrent.ConcurrentBag<int>();
        run(1000, 2, all.Add);
        Assert.That(all.Order(), Is.EqualTo(Enumerable.Range(0, 1000)), "on two threads every task once");
        run(0, 2, _ => Assert.Fail("no tasks, no calls"));
    }

    [TestCase(2, 2)]
    [TestCase(3, 2)]
    [TestCase(2, 8, TestName = "fewer tasks than threads")]
    [TestCase(10, 1 << 27, TestName = "a thread count whose 32-fold is 2^32")]
    [TestCase(63, 2)]
    [TestCase(64, 2)]
    [TestCase(65, 2)]
    [TestCase(1000, 2)]
    [TestCase(6401, 2)]
    [TestCase(997, 3)]
    public void EveryTaskOfAJobRunsOnceOnSeveralThreads(int count, int threads)
    {
        var runs = new int[count];
        ExactConv.ForTasks(count, threads, i => Interlocked.Increment(ref runs[i]));
        Assert.That(runs, Is.All.EqualTo(1));
    }

    [TestCase(52, 2, 1, TestName = "res2 forward's 52 tasks: one at a time")]
    [TestCase(64, 2, 1)]
    [TestCase(128, 2, 2)]
    [TestCase(3072, 2, 48, TestName = "res5 dL/dw's 3,072 tasks: 48 at a time")]
    [TestCase(6400, 2, 100)]
    [TestCase(1000, 3, 10)]
    [TestCase(5, 0, 1, TestName = "no threads named: at least one task")]
    [TestCase(int.MaxValue, 1 << 27, 1, TestName = "no overflow of 32 times the threads")]
    [TestCase(int.MaxValue, 1, 67108863)]
    public void ARunIsAThirtySecondOfAThreadsShare(int count, int threads, int grain) =>
        Assert.That(ExactConv.Grain(count, threads), Is.EqualTo(grain));

    [Test]
    public void ATaskThatThrowsStopsTheJob()
    {
        // The calling thread's first task waits until the other thread is running tasks, then throws. The other
        // thread's tasks take 5 µs each, so the job (half a second) outlasts the caller's wake-up and the throw.
        int ran = 0, caller = Environment.CurrentManagedThreadId;
        using var otherRan = new ManualResetEventSlim();
        var e = Assert.Throws<AggregateException>(() => ExactConv.ForTasks(100_000, 2, i =>
        {
            Interlocked.Increment(ref ran);
            if (Environment.CurrentManagedThreadId != caller)
            {
                otherRan.Set();
                for (long end = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 200_000; Stopwatch.GetTimestamp() < end;) { }
            }
            else if (otherRan.Wait(TimeSpan.FromSeconds(30))) throw new InvalidOperationException("a task failed");
            else throw new TimeoutException("the second thread never ran a task");
        }))!;
        Assert.That(e.InnerExceptions.Select(x => x.Message), Is.EqualTo(new[] { "a task failed" }));
        // Runs of 1,562: without the stop the other thread would go on to the job's end, about 98,000 tasks.
        Assert.That(ran, Is.LessThan(25_000), "the other thread stopped at its next run instead of finishing the job");
    }

    [Test]
    public void NeighbouringTasksRunOnOneThreadInRuns()
    {
        // 6,400 tasks on two threads: runs of 100, each on one thread and in order. The first task waits until the
        // other thread has run one, so both threads take runs (tiny tasks would otherwise all end on the first).
        const int Count = 6400, Run = 100;
        var thread = new int[Count];
        var order = new int[Count];
        int step = 0, caller = Environment.CurrentManagedThreadId;
        using var otherRan = new ManualResetEventSlim();
        ExactConv.ForTasks(Count, 2, i =>
        {
            thread[i] = Environment.CurrentManagedThreadId;
            order[i] = Interlocked.Increment(ref step);
            if (thread[i] != caller) otherRan.Set();
            if (i == 0) otherRan.Wait(TimeSpan.FromSeconds(30));
        });
        Assert.That(thread.Distinct().Count(), Is.EqualTo(2), "both threads ran tasks");
        for (int start = 0; start < Count; start += Run)
        {
            var run = Enumerable.Range(start, Run);
            Assert.That(run.Select(i => thread[i]).Distinct().Count(), Is.EqualTo(1), $"tasks {start}..{start + Run - 1} on one thread");
            Assert.That(run.Select(i => order[i]), Is.Ordered.Ascending, $"tasks {start}..{start + Run - 1} in order");
        }
    }

    [Test]
    public void ThreeThreadsGiveTheBitsOfOneOnJobsOfManyTasks()
    {
        // The suite's bitwise proofs run on all cores, two here: three threads take runs from the counter in another
        // interleaving. Forward and dL/dx of this problem have 256 tasks with 8 lanes (128 with 16), dL/dw more.
        var p = BenchdnnDescriptor.Parse("mb16ic64ih28oc64oh28kh3ph1");
        var rng = new Random(7);
        float[] R(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
        float[] x = R(p.XSize), w = R(p.WSize), b = R(p.BSize), dy = R(p.YSize);
        ExactConvOptions one = new() { MaxThreads = 1 }, three = new() { MaxThreads = 3 };
        float[] Y(ExactConvOptions o) { var y = new float[p.YSize]; ExactConv.Forward<float>(p, x, w, b, y, o); return y; }
        float[] Dx(ExactConvOptions o) { var d = new float[p.XSize]; ExactConv.BackwardData<float>(p, dy, w, d, o); return d; }
        float[] Dw(ExactConvOptions o) { var d = new float[p.WSize]; ExactConv.BackwardWeights<float>(p, x, dy, d, o); return d; }
        static uint[] Bits(float[] v) => [.. v.Select(BitConverter.SingleToUInt32Bits)];
        Assert.Multiple(() =>
        {
            Assert.That(Bits(Y(three)), Is.EqualTo(Bits(Y(one))), "y");
            Assert.That(Bits(Dx(three)), Is.EqualTo(Bits(Dx(one))), "dx");
            Assert.That(Bits(Dw(three)), Is.EqualTo(Bits(Dw(one))), "dw");
        });
    }
}
