using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Convolution;

/// <summary>The engines' names and options, and the matrix view's argument checks, each pinned by what a caller sees.</summary>
public class EngineDetailTests
{
    [Test]
    public void EnginesAreFoundByNameAndAnUnknownNameListsTheKnownOnes()
    {
        Assert.That(ConvEngines.Names, Is.EqualTo(new[] { "exact", "naive" }), "in ordinal order");
        Assert.That(ConvEngines.Get("exact"), Is.SameAs(ConvEngines.Exact));
        Assert.That(ConvEngines.Get("naive"), Is.SameAs(ConvEngines.Naive));
        Assert.That(ConvEngines.Default, Is.SameAs(ConvEngines.Exact));
        Assert.That((ConvEngines.Exact.Name, ConvEngines.Exact.ToString(), ConvEngines.Naive.Name, ConvEngines.Naive.ToString()),
            Is.EqualTo(("exact", "exact", "naive", "naive")));
        var e = Assert.Throws<ArgumentException>(() => ConvEngines.Get("Exact"));
        Assert.That((e!.ParamName, e.Plain()), Is.EqualTo(("name", "engine: unknown engine 'Exact' (known: exact, naive)")));
        Assert.That(Assert.Throws<ArgumentNullException>(() => ConvEngines.Get(null!))!.ParamName, Is.EqualTo("name"));
    }

    [Test]
    public void AnExactEngineKeepsItsOptionsAndDefaultsToEveryCore()
    {
        var one = ExactConvOptions.ScalarSingleThread;
        Assert.That(new ExactEngine(one).Options, Is.SameAs(one));
        Assert.That(new ExactEngine().Options, Is.SameAs(ExactConvOptions.Default));
        Assert.That(ExactEngine.Instance.Options, Is.SameAs(ExactConvOptions.Default));
        Assert.That((ExactConvOptions.Default.MaxThreads, ExactConvOptions.Default.UseVectors), Is.EqualTo((0, true)));
    }

    [Test]
    public void OptionsSayHowManyThreadsAndWhetherVectors()
    {
        Assert.That((ExactConvOptions.ScalarSingleThread.MaxThreads, ExactConvOptions.ScalarSingleThread.UseVectors), Is.EqualTo((1, false)));
        Assert.That(new ExactConvOptions { MaxThreads = 0 }.Threads, Is.EqualTo(Environment.ProcessorCount), "0 is every core, and allowed");
        Assert.That(new ExactConvOptions { MaxThreads = 3 }.Threads, Is.EqualTo(3));
        Assert.That(ExactConvOptions.Default.Threads, Is.EqualTo(Environment.ProcessorCount));
    }

    [Test]
    public void ACallTakesAThreadPer131072MultiplyAddsUpToItsMost()
    {
        var three = new ExactConvOptions { MaxThreads = 3 };
        Assert.That(three.MinWorkPerThread, Is.EqualTo(131_072), "the default share, in multiply-adds");
        Assert.Multiple(() =>
        {
            Assert.That(three.ThreadsFor(0), Is.EqualTo(1), "an empty call still runs on its own thread");
            Assert.That(three.ThreadsFor(2 * 131_072 - 1), Is.EqualTo(1), "one thread until two full shares");
            Assert.That(three.ThreadsFor(2 * 131_072), Is.EqualTo(2));
            Assert.That(three.ThreadsFor(3 * 131_072), Is.EqualTo(3));
            Assert.That(three.ThreadsFor(long.MaxValue), Is.EqualTo(3), "never more than MaxThreads");
            Assert.That((three with { MinWorkPerThread = 0 }).ThreadsFor(1), Is.EqualTo(3), "0 shares nothing out: every thread allowed");
            Assert.That(ExactConvOptions.Default.ThreadsFor(long.MaxValue), Is.EqualTo(Environment.ProcessorCount));
            Assert.That(ExactConvOptions.ScalarSingleThread.ThreadsFor(long.MaxValue), Is.EqualTo(1));
            Assert.That(new ExactConvOptions { MaxThreads = 2 }.ThreadsFor(BenchdnnDescriptor.Parse("g256mb1ic256ih14oc256oh14kh3ph1").MultiplyAdds), Is.EqualTo(2), "ResNet-50's depthwise layer shares");
        });
    }

    [Test]
    public void ANegativeThreadCountIsRefusedWithItsValue()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ExactConvOptions { MaxThreads = -2 });
        Assert.That((e!.ParamName, e.ActualValue, e.Plain()), Is.EqualTo(("MaxThreads", (object)(-2), "MaxThreads: must be >= 0 (0 for all cores)\nActual value was -2.")));
    }

    private static readonly ConvProblem WithBias = new(1, 1, 2, 3, [4], [3]);

    [Test]
    public void TheMatrixRefusesWrongSizesByName()
    {
        Assert.That(Assert.Throws<ArgumentNullException>(() => ConvMatrix<float>.Build(null!, []))!.ParamName, Is.EqualTo("problem"));
        var w = Assert.Throws<ArgumentException>(() => ConvMatrix<float>.Build(WithBias, new float[17]));
        Assert.That((w!.ParamName, w.Plain()), Is.EqualTo(("w", "w: has 17 elements, the problem needs 18 (shape (3, 2, 3))")));
        var m = ConvMatrix<float>.Build(WithBias, new float[18]);
        var x = Assert.Throws<ArgumentException>(() => m.Multiply(new float[7], new float[3]));
        Assert.That((x!.ParamName, x.Plain()), Is.EqualTo(("x", "x: has 7 elements, the problem needs 8 (shape (1, 2, 4))")));
        var b = Assert.Throws<ArgumentException>(() => m.Multiply(new float[8], new float[2]));
        Assert.That((b!.ParamName, b.Plain()), Is.EqualTo(("b", "b: has 2 elements, the problem needs 3 (shape (3,))")));
        var none = ConvMatrix<float>.Build(WithBias.WithBias(false), new float[18]);
        Assert.That(Assert.Throws<ArgumentException>(() => none.Multiply(new float[8], new float[3]))!.Plain(),
            Is.EqualTo("b: has 3 elements, the problem needs 0 (shape ())"), "no bias: no b, and its shape is empty");
        var dy = Assert.Throws<ArgumentException>(() => m.MultiplyTransposed(new float[5]));
        Assert.That((dy!.ParamName, dy.Plain()), Is.EqualTo(("dy", "dy: has 5 elements, the problem needs 6 (shape (1, 3, 2))")));
    }

    [Test]
    public void TheMatrixLimitIsInclusive()
    {
        // Rows 6 × columns 8 = 48 elements.
        Assert.That(ConvMatrix<float>.Build(WithBias, new float[18], maxElements: 48).Rows, Is.EqualTo(6));
        var e = Assert.Throws<ArgumentException>(() => ConvMatrix<float>.Build(WithBias, new float[18], maxElements: 47));
        Assert.That((e!.ParamName, e.Plain()), Is.EqualTo(("problem", $"problem {WithBias}: matrix would hold 48 elements, more than the limit 47")));
    }
}
