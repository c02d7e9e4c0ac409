namespace ConvVerify.Cases;

/// <summary>The tensors fed to a convolution: x, w, b (empty without bias) and the upstream gradient dL/dy.</summary>
/// <typeparam name="T">float or double.</typeparam>
/// <exception cref="ArgumentNullException">A tensor is null (an absent one is empty).</exception>
public sealed record ConvInputs<T>(T[] X, T[] W, T[] B, T[] Dy)
{
    private const string What = "a tensor of the inputs";

    // Refused here, by name: a null array surfaced as a NullReferenceException in whichever bound or engine read it first.

    /// <summary>x (N, IC, spatial...).</summary>
    public T[] X { get; init => field = NullTensors.Refused(value, nameof(X), What); } = NullTensors.Refused(X, nameof(X), What);

    /// <summary>w (OC, IC/G, k...).</summary>
    public T[] W { get; init => field = NullTensors.Refused(value, nameof(W), What); } = NullTensors.Refused(W, nameof(W), What);

    /// <summary>b (OC), empty without bias.</summary>
    public T[] B { get; init => field = NullTensors.Refused(value, nameof(B), What); } = NullTensors.Refused(B, nameof(B), What);

    /// <summary>dL/dy (N, OC, out...).</summary>
    public T[] Dy { get; init => field = NullTensors.Refused(value, nameof(Dy), What); } = NullTensors.Refused(Dy, nameof(Dy), What);
}
