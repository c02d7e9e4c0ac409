using System.Numerics;
using ConvVerify.Problems;

namespace ConvVerify.Convolution;

/// <summary>
/// A .NET convolution to be checked against the oracle. Layouts are ConvVerify's: x (N, IC, spatial...), w (OC, IC/G, k...),
/// y and dy (N, OC, out...), row-major; b and db are empty without bias. A direction the implementation does not have
/// throws <see cref="NotSupportedException"/> and is reported "not provided"; any other exception fails the direction. The
/// inputs are read-only: a direction that writes into one fails, whether it then returns or throws (<see cref="NotSupportedException"/>
/// included: a write is no "not provided"), and it is handed copies, so no bound and no other direction sees the write. The output holds NaN on entry: every element must be written, never added into, and nothing may write
/// into it once the call has returned (no pointer to it kept, no thread still at work on it); nor may a pointer to an
/// input be kept past the call (the copies are held until the next call, and a write into one then fails it). A call that does not return
/// within the harness's time limit (<see cref="Runs.ImplementationSource.TimeLimit"/>) fails and is abandoned. The
/// harness makes one call of an implementation object at a time, also from test cases run in parallel: an implementation
/// need not be safe for two calls at once (a workspace kept in a field is fine).
/// </summary>
/// <remarks>
/// <para>The element type: <c>T</c> is <see cref="float"/> for float32 cases and <see cref="double"/> for
/// float64 ones (<see cref="ConvProblem.DType"/> says which). A bfloat16 case (<see cref="DType.BFloat16"/>), and a float16
/// one, arrives as <c>T = float</c> too: every input holds a value of the narrow type, widened exactly to float32. Its
/// results are what the narrow type computes: every product and sum formed in float32, and each result element then
/// rounded once to the narrow type, to nearest even (<see cref="DTypes.Round{T}(DType, Span{T})"/>, the bfloat16 rule
/// of PyTorch and oneDNN), and handed back widened to float. A result that is not a value of the narrow type (a float32
/// sum left unrounded) fails its direction, however close; one rounded another way (toward zero, by cutting the float32
/// bits) or summed in the narrow type is held to a bound made for a float32 sum rounded once, and fails where the
/// difference shows.</para>
/// <para>A method switches on <c>p.DType</c> where it must round, e.g. at its end: <c>DTypes.Round(p.DType, y);</c>,
/// which leaves float32 and float64 results as they are.</para>
/// </remarks>
public interface IConvImplementation
{
    /// <summary>y = conv(x, w) + b.</summary>
    void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>dL/dx from dL/dy.</summary>
    void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>dL/dw from x and dL/dy.</summary>
    void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>dL/db from dL/dy (only called for problems with a bias).</summary>
    void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T>;
}
