namespace ConvVerify.Convolution;

/// <summary>The engines by name, and the one used wherever a reference result or a bound is computed.</summary>
public static class ConvEngines
{
    private static readonly Dictionary<string, IConvEngine> ByName = new(StringComparer.Ordinal)
    {
        [NaiveEngine.Instance.Name] = NaiveEngine.Instance,
        [ExactEngine.Instance.Name] = ExactEngine.Instance,
    };

    /// <summary>The definition, <see cref="NaiveConv"/>.</summary>
    public static IConvEngine Naive => NaiveEngine.Instance;

    /// <summary>The vectorized, threaded engine, bitwise equal to the definition.</summary>
    public static IConvEngine Exact => ExactEngine.Instance;

    /// <summary>The engine checks and bounds use unless told otherwise: the fastest one that is bitwise the definition.</summary>
    public static IConvEngine Default => Exact;

    /// <summary>Every engine's name.</summary>
    public static IReadOnlyList<string> Names => [.. ByName.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The engine of that name.</summary>
    /// <exception cref="ArgumentException">No engine of that name; the message lists the known ones.</exception>
    public static IConvEngine Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ByName.TryGetValue(name, out var e) ? e
            : throw new ArgumentException($"engine: unknown engine '{name}' (known: {string.Join(", ", Names)})", nameof(name));
    }
}
