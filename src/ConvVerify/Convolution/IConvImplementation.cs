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
/// within the harness's time limit (<see cref="Runs.ImplementationSource.TimeLimit"/>) fails and is abandoned.
/// </summary>
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
