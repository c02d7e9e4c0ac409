using ConvVerify.Oracles;

namespace ConvVerify.Tests.Oracles;

/// <summary>Gate for tests that need live PyTorch.</summary>
public static class LiveTorch
{
    /// <summary>Set to 1 (as CI with torch does) to turn a missing PyTorch into a failure instead of an ignored test.</summary>
    public const string RequireVariable = "CONVVERIFY_REQUIRE_TORCH";

    /// <summary>Whether <see cref="RequireVariable"/> is set to 1.</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>The oracle; otherwise ignores the test with the reason, or fails it when <see cref="RequireVariable"/>=1.</summary>
    public static TorchOracle Require()
    {
        var availability = TorchOracle.Probe();
        if (!availability.Available)
        {
            string reason = "live PyTorch unavailable: " + availability.Reason;
            if (Required) Assert.Fail($"{reason} ({RequireVariable}=1)");
            else Assert.Ignore(reason);
        }
        return TorchOracle.Get();
    }

    private static Lazy<RememberingOracle> _sharedOracle = NewShared();

    private static Lazy<RememberingOracle> NewShared() => new(() => new RememberingOracle(TorchOracle.Get()));

    /// <summary>Forgets the remembered results, so the next run asks torch through its own code (see <see cref="TestAssemblySetup"/>).</summary>
    public static void Forget() => _sharedOracle = NewShared();

    /// <summary>
    /// Whether <paramref name="oracle"/> declines this bfloat16 problem because this CPU's torch sums bfloat16 without a
    /// float32 accumulator; when it does, asserts that reason and that every row says "not provided by oracle".
    /// </summary>
    public static bool DeclinesBFloat16Here(IConvOracle oracle, ConvVerify.Problems.ConvProblem problem, IEnumerable<ConvVerify.Runs.RunRow> rows)
    {
        if (problem.DType != ConvVerify.Problems.DType.BFloat16 || oracle.Provides(problem, ConvVerify.Cases.Direction.Forward, out string? why)) return false;
        Assert.That(why, Does.Contain("without a float32 accumulator on this CPU"));
        Assert.That(rows.Select(r => r.Outcome), Is.All.EqualTo(ConvVerify.Runs.Outcome.NotProvidedByOracle));
        return true;
    }

    /// <summary>Runs <paramref name="code"/> in a scope of its own and returns its variable <paramref name="name"/>; the caller holds the GIL and disposes it.</summary>
    public static Python.Runtime.PyObject Evaluate(string code, string name)
    {
        using var scope = Python.Runtime.Py.CreateScope();
        scope.Exec(code);
        return scope.Get(name);
    }

    /// <summary>As <see cref="Require"/>, in torch's default layout, remembering results for other tests that ask the same.</summary>
    public static IConvOracle RequireShared()
    {
        Require();
        return _sharedOracle.Value;
    }
}

/// <summary>
/// An oracle that remembers its results by problem, requested directions and the exact bits of the inputs, so tests that
/// ask torch the same question (the live catalog and the freshness of the committed packs) pay for it once per run.
/// Sound because torch is deterministic here (one thread in every call), which the freshness tests themselves check.
/// </summary>
public sealed class RememberingOracle(IConvOracle inner) : IConvOracle
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<object>> _results = new(StringComparer.Ordinal);

    public string Name => inner.Name;

    public IReadOnlyDictionary<string, string> Versions => inner.Versions;

    public double BoundFactor => inner.BoundFactor;

    public bool Provides(ConvVerify.Problems.ConvProblem problem, ConvVerify.Cases.Direction direction, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? reason) =>
        inner.Provides(problem, direction, out reason);

    public IReadOnlyDictionary<ConvVerify.Cases.Direction, T[]> Compute<T>(ConvVerify.Problems.ConvProblem problem, ConvVerify.Cases.ConvInputs<T> inputs,
        IReadOnlyCollection<ConvVerify.Cases.Direction> directions) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var t in (T[][])[inputs.X, inputs.W, inputs.B, inputs.Dy])
        {
            sha.AppendData(BitConverter.GetBytes(t.Length));
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.AsSpan()));
        }
        string key = $"{problem}|{problem.DType}|{typeof(T).Name}|{string.Join(",", directions.Order())}|{Convert.ToHexString(sha.GetHashAndReset())}";
        var results = (IReadOnlyDictionary<ConvVerify.Cases.Direction, T[]>)_results
            .GetOrAdd(key, _ => new Lazy<object>(() => inner.Compute(problem, inputs, directions))).Value;
        // Copies, so a caller that writes into a result cannot change what the next caller gets.
        return results.ToDictionary(kv => kv.Key, kv => (T[])kv.Value.Clone());
    }
}
