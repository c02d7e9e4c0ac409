using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Cases;

/// <summary>
/// The four directions' bookkeeping, worked out by hand on one grouped problem: file stems both ways, result shapes
/// and sizes, the accumulation length K each bound uses, which implementation method each direction calls, and an
/// unknown direction refused everywhere rather than read as one of the four.
/// </summary>
public class DirectionTests
{
    // g2, mb3, 4 → 6 channels, 5x7 input, 3x2 kernel, stride 1x2: output 3x3; IC/G = 2, OC/G = 3, six taps.
    private static ConvProblem Sample(bool bias = true) => new(3, 2, 4, 6, [5, 7], [3, 2], stride: [1, 2], hasBias: bias);

    private const Direction Bogus = (Direction)9;

    [Test]
    public void StemsNameTheDirectionsBothWays()
    {
        string[] stems = [.. Directions.All.Select(d => d.TensorName())];
        Assert.That(stems, Is.EqualTo(new[] { "y", "dx", "dw", "db" }));
        Assert.That(stems.Select(Directions.FromTensorName), Is.EqualTo(Directions.All));
        var e = Assert.Throws<ArgumentException>(() => Directions.FromTensorName("dy"))!;
        Assert.That((e.Message, e.ParamName), Is.EqualTo(("direction: expected y, dx, dw or db, got 'dy' (Parameter 'name')", "name")));
    }

    [Test]
    public void ShapesSizesAndAccumulationLengths()
    {
        var p = Sample();
        Assert.That(Directions.All.Select(d => d.ShapeOf(p)), Is.EqualTo(new[] { new[] { 3, 6, 3, 3 }, [3, 4, 5, 7], [6, 2, 3, 2], [6] }));
        Assert.That(Directions.All.Select(d => d.SizeOf(p)), Is.EqualTo(new[] { 162, 420, 72, 6 }));
        // y: IC/G·taps + the bias = 2·6 + 1; dx: OC/G·taps = 3·6; dw and db: mb·outputs = 3·9.
        Assert.That(Directions.All.Select(d => d.AccumulationLength(p)), Is.EqualTo(new[] { 13L, 18, 27, 27 }));
        var noBias = Sample(bias: false);
        Assert.That(Direction.BackwardBias.ShapeOf(noBias), Is.EqualTo(new[] { 0 }));
        Assert.That(Direction.BackwardBias.SizeOf(noBias), Is.Zero);
        Assert.That(Direction.Forward.AccumulationLength(noBias), Is.EqualTo(12L));
    }

    [Test]
    public void WithoutBiasThereIsNoBiasGradient()
    {
        Assert.That(Directions.For(Sample()), Is.EqualTo(Directions.All));
        Assert.That(Directions.For(Sample(bias: false)), Is.EqualTo(new[] { Direction.Forward, Direction.BackwardData, Direction.BackwardWeights }));
        Assert.That(Direction.BackwardBias.Applies(Sample(bias: false), out string? why), Is.False);
        Assert.That(why, Is.EqualTo("the problem has no bias"));
        Assert.That(Directions.All.Select(d => d.Applies(Sample(), out _)), Is.All.True);
        Assert.That(Direction.Forward.Applies(Sample(bias: false), out string? none) && none is null, Is.True);
    }

    /// <summary>Writes, into each result, which method ran and the first element of each input it was given.</summary>
    private sealed class Recorder : IConvImplementation
    {
        public List<string> Calls { get; } = [];

        public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
            Calls.Add($"forward x{x[0]} w{w[0]} b{b[0]} into {y.Length}");

        public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
            Calls.Add($"data dy{dy[0]} w{w[0]} into {dx.Length}");

        public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T> =>
            Calls.Add($"weights x{x[0]} dy{dy[0]} into {dw.Length}");

        public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T> =>
            Calls.Add($"bias dy{dy[0]} into {db.Length}");
    }

    private static ConvInputs<double> Inputs(ConvProblem p) =>
        new([.. Enumerable.Repeat(1.0, p.XSize)], [.. Enumerable.Repeat(2.0, p.WSize)], [.. Enumerable.Repeat(3.0, Math.Max(1, p.BSize))], [.. Enumerable.Repeat(4.0, p.YSize)]);

    [Test]
    public void EachDirectionCallsItsMethodWithItsInputs()
    {
        var p = Sample();
        var impl = new Recorder();
        var results = Directions.ComputeAll(impl, p, Inputs(p));
        Assert.That(impl.Calls, Is.EqualTo(new[] { "forward x1 w2 b3 into 162", "data dy4 w2 into 420", "weights x1 dy4 into 72", "bias dy4 into 6" }));
        Assert.That((results.Y.Length, results.Dx.Length, results.Dw.Length, results.Db.Length), Is.EqualTo((162, 420, 72, 6)));
        Assert.That(Directions.All.Select(d => results.Get(d)), Is.EqualTo(new[] { results.Y, results.Dx, results.Dw, results.Db }));
        Assert.That(results.ToDictionary(p).Keys, Is.EqualTo(Directions.All));

        var noBias = Sample(bias: false);
        var withoutBias = new Recorder();
        var r = Directions.ComputeAll(withoutBias, noBias, Inputs(noBias));
        Assert.That(withoutBias.Calls, Has.Count.EqualTo(3).And.None.StartsWith("bias"));
        Assert.That(r.Db, Is.Empty);
        Assert.That(r.ToDictionary(noBias).Keys, Is.EqualTo(new[] { Direction.Forward, Direction.BackwardData, Direction.BackwardWeights }));
    }

    [Test]
    public void AnUnknownDirectionIsRefusedEverywhere()
    {
        var p = Sample();
        var results = new ConvResults<double>([], [], [], []);
        // Each names its own parameter: the extensions' receiver d, ConvResults.Get's direction.
        (TestDelegate Use, string Parameter)[] uses =
        [
            (() => Bogus.TensorName(), "d"), (() => Bogus.ShapeOf(p), "d"), (() => Bogus.SizeOf(p), "d"), (() => Bogus.AccumulationLength(p), "d"),
            (() => Bogus.Compute(new Recorder(), p, Inputs(p)), "d"), (() => results.Get(Bogus), "direction"),
        ];
        foreach (var (use, parameter) in uses)
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(use)!;
            Assert.That(e.ActualValue, Is.EqualTo(Bogus));
            Assert.That(e.Message, Does.StartWith("unknown direction"));
            Assert.That(e.ParamName, Is.EqualTo(parameter));
        }
    }

    [Test]
    public void NullArgumentsAreRefusedByName()
    {
        var p = Sample();
        Assert.Multiple(() =>
        {
            Assert.That(() => Directions.For(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("p"));
            Assert.That(() => Direction.Forward.Applies(null!, out _), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("p"));
            Assert.That(() => Direction.Forward.ShapeOf(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("p"));
            Assert.That(() => Direction.Forward.SizeOf(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("p"));
            Assert.That(() => Direction.Forward.AccumulationLength(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("p"));
            Assert.That(() => Direction.Forward.Compute(null!, p, Inputs(p)), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("impl"));
            Assert.That(() => Direction.Forward.Compute<double>(new Recorder(), p, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("inputs"));
            Assert.That(() => Directions.ComputeAll(NaiveEngine.Instance, null!, Inputs(p)), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("p"));
            // ComputeAll checks the problem itself, first: were it left to Compute, a missing implementation would be named instead.
            Assert.That(() => Directions.ComputeAll(null!, null!, Inputs(p)), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("p"));
        });
    }
}
