using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Runs;

/// <summary>
/// A .NET implementation's results: <see cref="NotSupportedException"/> is "not provided", any other exception (but
/// <see cref="OutOfMemoryException"/>) a failure of that direction naming its type, its message and its inner exceptions.
/// Each direction reads copies of its inputs (a write into one fails it) and writes an output that starts as NaN.
/// </summary>
/// <param name="implementation">The implementation.</param>
/// <param name="name">Its name in reports.</param>
/// <exception cref="ArgumentNullException">An argument is null.</exception>
public sealed class ImplementationSource(IConvImplementation implementation, string name = "implementation") : ResultSource
{
    private readonly IConvImplementation _implementation = implementation ?? throw new ArgumentNullException(nameof(implementation));
    private readonly string _name = name ?? throw new ArgumentNullException(nameof(name));

    /// <inheritdoc/>
    public override string Name => _name;

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
                var (values, wrote) = Run(d, c.Case.Problem, c.Inputs);
                if ((wrote ?? NotOfTheDType(c.Case.Problem.DType, values)) is { } why) r.Absent[d] = new Absence(Outcome.Fail, $"{d.TensorName()}: {why}");
                else r.Values[d] = values;
            }
            catch (NotSupportedException e)
            {
                r.Absent[d] = new Absence(Outcome.NotProvided, $"{d.TensorName()}: not provided ({e.Message})");
            }
            // Whatever else it throws is its answer for this direction: let through, a NullReferenceException or a
            // NotImplementedException abandoned the whole case as unusable input (exit 2), its other directions unreported.
            // Out of memory is the machine's state, not the implementation's answer, and ends the run as anywhere else.
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                r.Absent[d] = new Absence(Outcome.Fail, $"{d.TensorName()}: the implementation threw {Described(e)}");
            }
        }
        return r;
    }

    // The implementation reads copies of the inputs: one that writes into them anyway (through MemoryMarshal, or a native
    // call handed the wrong pointer) widened the bound of its own result by what it wrote (a forward that put 1e30 into x
    // passed a y off by 0.5), and handed it to every later direction. Compared afterwards, the write fails the direction.
    private (T[] Values, string? Wrote) Run<T>(Direction d, ConvProblem p, ConvInputs<T> inputs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var reads = d.InputsOf();
        // Stryker disable once Conditional : a copy of an input the direction does not read changes only memory
        T[] Given(string input, T[] original) => reads.Contains(input) ? [.. original] : original;
        var given = new ConvInputs<T>(Given("x", inputs.X), Given("w", inputs.W), Given("b", inputs.B), Given("dy", inputs.Dy));
        // NaN, not zeroed memory: an implementation that adds into its output, or leaves elements it takes for 0, is
        // wrong on any buffer it did not clear itself, and passed every case on the fresh array.
        var values = new T[d.SizeOf(p)];
        values.AsSpan().Fill(T.NaN);
        d.Compute(_implementation, p, given, values);
        foreach (var (input, original, copy) in new[] { ("x", inputs.X, given.X), ("w", inputs.W, given.W), ("b", inputs.B, given.B), ("dy", inputs.Dy, given.Dy) })
        {
            // Bitwise: a NaN rewritten as another NaN, or 0 as -0, is a write all the same.
            var before = MemoryMarshal.AsBytes(original.AsSpan());
            int at = before.CommonPrefixLength(MemoryMarshal.AsBytes(copy.AsSpan())) / Unsafe.SizeOf<T>();
            if (at < original.Length)
                return (values, $"the implementation wrote into its input {input} (element {at}: {Shown(original[at])} became {Shown(copy[at])}); the inputs are read-only");
        }
        return (values, null);
    }

    private static string Shown<T>(T value) where T : IFormattable => value.ToString(null, System.Globalization.CultureInfo.InvariantCulture);

    // A wrapper's own message can say nothing (a type initializer's names only the type): the chain down to the cause.
    private static string Described(Exception e)
    {
        string text = $"{e.GetType().Name}: {e.Message}";
        return e.InnerException is { } inner ? $"{text} <- {Described(inner)}" : text;
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
