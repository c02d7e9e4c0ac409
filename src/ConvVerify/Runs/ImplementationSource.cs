using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;

namespace ConvVerify.Runs;

/// <summary>A .NET implementation's results: <see cref="NotSupportedException"/> is "not provided", any other exception a failure with its message.</summary>
/// <param name="implementation">The implementation.</param>
/// <param name="name">Its name in reports.</param>
public sealed class ImplementationSource(IConvImplementation implementation, string name = "implementation") : ResultSource
{
    /// <inheritdoc/>
    public override string Name => name;

    /// <inheritdoc/>
    public override SourceResults<T> Produce<T>(LoadedCase<T> c, IReadOnlyList<Direction> directions)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(directions);
        var r = new SourceResults<T>();
        foreach (var d in directions)
        {
            try
            {
                r.Values[d] = d.Compute(implementation, c.Case.Problem, c.Inputs);
            }
            catch (NotSupportedException e)
            {
                r.Absent[d] = new Absence(Outcome.NotProvided, $"{d.TensorName()}: not provided ({e.Message})");
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or ArithmeticException)
            {
                r.Absent[d] = new Absence(Outcome.Fail, $"{d.TensorName()}: the implementation threw {e.GetType().Name}: {e.Message}");
            }
        }
        return r;
    }
}
