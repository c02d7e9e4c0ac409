using System.Numerics;
using ConvVerify.Convolution;
using ConvVerify.Runs;
using ConvVerify.Problems;
using ConvVerify.Tests.Fixtures;

using ConvVerify.Tests.Runs;

namespace ConvVerify.Tests.Implementations;

public class ImplementationCheckTests
{
    private sealed class ForwardOnly : IConvImplementation
    {
        private readonly MatrixViewImplementation _inner = new();

        public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
            _inner.Forward(p, x, w, b, y);

        public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
            throw new NotSupportedException();

        public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T> =>
            throw new NotSupportedException();

        // A wrong bias gradient: twice the right one.
        public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T>
        {
            _inner.BackwardBias(p, dy, db);
            for (int i = 0; i < db.Length; i++) db[i] += db[i];
        }
    }

    [Test]
    public void UnsupportedDirectionsAreNotProvidedAndWrongOnesFail()
    {
        var pack = CommittedPacks.Open("question");
        string id = pack.CaseIds.First(i => i.Contains("question___f32_integer", StringComparison.Ordinal));
        var rows = Check.Implementation(new ForwardOnly(), pack, id).ToDictionary(r => r.Direction, r => r.Outcome);
        Assert.That(rows, Is.EqualTo(new Dictionary<string, Outcome>
        {
            ["y"] = Outcome.Pass,
            ["dx"] = Outcome.NotProvided,
            ["dw"] = Outcome.NotProvided,
            ["db"] = Outcome.Fail,
        }));
    }
}
