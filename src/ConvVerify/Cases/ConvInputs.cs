namespace ConvVerify.Cases;

/// <summary>The tensors fed to a convolution: x, w, b (empty without bias) and the upstream gradient dL/dy.</summary>
/// <typeparam name="T">float or double.</typeparam>
/// <exception cref="ArgumentNullException">A tensor is null (an absent one is empty).</exception>
public sealed record ConvInputs<T>(T[] X, T[] W, T[] B, T[] Dy)
{
    // Refused here, by name: a null array surfaced as a NullReferenceException in whichever bound or engine read it first.

    /// <summary>x (N, IC, spatial...).</summary>
    public T[] X { get; init => field = NotNull(value, nameof(X)); } = NotNull(X, nameof(X));

    /// <summary>w (OC, IC/G, k...).</summary>
    public T[] W { get; init => field = NotNull(value, nameof(W)); } = NotNull(W, nameof(W));

    /// <summary>b (OC), empty without bias.</summary>
    public T[] B { get; init => field = NotNull(value, nameof(B)); } = NotNull(B, nameof(B));

    /// <summary>dL/dy (N, OC, out...).</summary>
    public T[] Dy { get; init => field = NotNull(value, nameof(Dy)); } = NotNull(Dy, nameof(Dy));

    private static T[] NotNull(T[] value, string name) => value ?? throw new ArgumentNullException(name, $"{name}: a tensor of the inputs is null; an absent one is empty");
}
