namespace ConvVerify.Oracles;

/// <summary>
/// The oracles one run made, released together when the run ends. A command asks the scope, not the registry, so no
/// command releases an oracle itself and none can forget to, whichever way it ends (a refusal after the oracle was made,
/// a failure half-way through a list): ONNX Runtime's oracle holds native sessions. Oracles that are not
/// <see cref="IDisposable"/> (torch's, which the whole process shares) are left as they are.
/// </summary>
public sealed class OracleScope : IDisposable
{
    private readonly List<IConvOracle> _made = [];
    private bool _disposed;

    /// <summary>The oracles made so far, in the order they were made.</summary>
    public IReadOnlyList<IConvOracle> Made => _made;

    /// <summary>Makes the oracle of that name (<see cref="OracleRegistry.Create"/>) and keeps it, to be released with the scope.</summary>
    /// <exception cref="ArgumentException">No oracle of that name; the message lists the known ones.</exception>
    /// <exception cref="OracleUnavailableException">It exists but cannot run here; the message says why.</exception>
    /// <exception cref="ObjectDisposedException">The scope has ended.</exception>
    public IConvOracle Create(string name, OracleOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var oracle = OracleRegistry.Create(name, options);
        _made.Add(oracle);
        return oracle;
    }

    /// <summary>
    /// Makes every oracle of a comma-separated list such as "torch,ort", in its order. The names are checked
    /// (<see cref="OracleRegistry.SplitNames"/>) before any is made; when one cannot run here, those made before it are
    /// kept, and released with the scope.
    /// </summary>
    /// <exception cref="ArgumentException">An empty or unknown name, or one named twice.</exception>
    /// <exception cref="OracleUnavailableException">One cannot run here.</exception>
    /// <exception cref="ObjectDisposedException">The scope has ended.</exception>
    public IReadOnlyList<IConvOracle> CreateAll(string names, OracleOptions? options = null)
    {
        var list = OracleRegistry.SplitNames(names);
        return [.. list.Select(n => Create(n, options))];
    }

    /// <summary>
    /// Releases every oracle made, the last made first (as nested <c>using</c>s would), each once; one that fails to
    /// release does not keep the others. Their failures are thrown together afterwards.
    /// </summary>
    /// <exception cref="AggregateException">One or more oracles failed to release.</exception>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        List<Exception>? failures = null;
        for (int i = _made.Count - 1; i >= 0; i--)
        {
            try
            {
                (_made[i] as IDisposable)?.Dispose();
            }
            catch (Exception e)
            {
                (failures ??= []).Add(e);
            }
        }
        if (failures is not null) throw new AggregateException("oracle: releasing the oracles made for the run failed", failures);
    }
}
