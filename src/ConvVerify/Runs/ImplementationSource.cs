using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Runs;

/// <summary>A .NET implementation's results: <see cref="NotSupportedException"/> is "not provided", any other exception a failure with its message.</summary>
/// <param name="implementation">The implementation.</param>
/// <param name="name">Its name in reports.</param>
public sealed class ImplementationSource(IConvImplementation implementation, string name = "implementation") : ResultSource
{
    /// <inheritdoc/>
    public override string Name => name;

    /// <inheritdoc/>
    // Stryker disable once Boolean : asked per direction or for all at once, it makes the same calls in the same order; only memory differs
    public override bool ComputesDirectionsAlone => true;

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
                var values = d.Compute(implementation, c.Case.Problem, c.Inputs);
                if (NotOfTheDType(c.Case.Problem.DType, values) is { } why) r.Absent[d] = new Absence(Outcome.Fail, $"{d.TensorName()}: {why}");
                else r.Values[d] = values;
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

    // A bfloat16 (float16) result is stored in that type: a float32 sum handed back unrounded is not one, however close,
    // and rounding it here would pass an implementation that never rounds (or rounds the wrong way) as one that does.
    private static string? NotOfTheDType<T>(DType dtype, T[] values) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (!DTypes.IsNarrow(dtype)) return null;
        for (int i = 0; i < values.Length; i++)
        {
            double v = double.CreateTruncating(values[i]);
            if (!DTypes.Represents(dtype, v))
                return $"element {i} is {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}, not a {DTypes.NumpyName(dtype)} value: "
                    + $"a {DTypes.NumpyName(dtype)} result must be rounded to {DTypes.NumpyName(dtype)} (DTypes.Round)";
        }
        return null;
    }
}
