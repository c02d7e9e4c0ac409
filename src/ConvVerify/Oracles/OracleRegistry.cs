using ConvVerify.Convolution;

namespace ConvVerify.Oracles;

/// <summary>
/// The oracles by name, as <c>--oracle NAME[,NAME]</c> finds them: live <c>torch</c>, and every engine (the definition
/// itself, for checking one engine against another bitwise).
/// </summary>
public static class OracleRegistry
{
    private static readonly Dictionary<string, (string About, Func<OracleOptions, IConvOracle> Create)> Factories = new(StringComparer.Ordinal)
    {
        [TorchOracle.OracleName] = ("live PyTorch through pythonnet", CreateTorch),
        [OrtOracle.OracleName] = ("ONNX Runtime's CPU provider in-process, float32 and float16", OrtOracle.Create),
        [TorchOracle.OracleName + Float32RoundedOnceOracle.NameSuffix] = ("live PyTorch, bfloat16 and float16 computed in float32 and each result rounded once", o => new Float32RoundedOnceOracle(CreateTorch(o))),
    };

    static OracleRegistry()
    {
        foreach (string name in ConvEngines.Names)
            Factories[name] = ($"the {name} engine (bitwise the definition)", _ => new EngineOracle(ConvEngines.Get(name)));
    }

    /// <summary>Every registered name, sorted.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            // Under the lock: a registration elsewhere (an extension, a test's fake) must not change the table mid-walk.
            lock (Factories) return [.. Factories.Keys.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>One line per oracle: its name and what it is.</summary>
    public static string Describe()
    {
        lock (Factories) return string.Join("; ", Names.Select(n => $"{n} ({Factories[n].About})"));
    }

    /// <summary>Adds an oracle (an extension's, or a test's fake).</summary>
    /// <exception cref="ArgumentException">The name is taken.</exception>
    public static void Register(string name, string about, Func<OracleOptions, IConvOracle> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(create);
        lock (Factories)
        {
            if (!Factories.TryAdd(name, (about, create))) throw new ArgumentException($"oracle: '{name}' is registered already", nameof(name));
        }
    }

    /// <summary>Creates the oracle of that name.</summary>
    /// <exception cref="ArgumentException">No oracle of that name; the message lists the known ones.</exception>
    /// <exception cref="OracleUnavailableException">It exists but cannot run here; the message says why.</exception>
    public static IConvOracle Create(string name, OracleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        (string, Func<OracleOptions, IConvOracle> Create) entry;
        lock (Factories)
        {
            if (!Factories.TryGetValue(name, out entry)) throw Unknown(name, nameof(name));
        }
        return entry.Create(options ?? new OracleOptions());
    }

    // A list where one oracle is taken (a pack's, an import's gradients) was called an unknown oracle, as if the names
    // in it were misspelt.
    private static ArgumentException Unknown(string name, string parameter) =>
        new(name.Contains(',', StringComparison.Ordinal)
            ? $"oracle: '{name}' names several oracles, and only one is taken here (known: {string.Join(", ", Names)})"
            : $"oracle: unknown oracle '{name}' (known: {string.Join(", ", Names)})", parameter);

    /// <summary>
    /// The names of a comma-separated list such as "torch,ort", trimmed, each once and each registered: what
    /// <see cref="OracleScope.CreateAll"/> makes, checked whole so that a typo in the second name does not first start the
    /// first oracle (torch takes seconds).
    /// </summary>
    /// <exception cref="ArgumentException">An empty or unknown name, or one named twice.</exception>
    public static IReadOnlyList<string> SplitNames(string names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var list = names.Split(',', StringSplitOptions.TrimEntries);
        if (list.Any(n => n.Length == 0)) throw new ArgumentException($"oracle: empty name in '{names}'", nameof(names));
        if (list.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"oracle: '{twice.Key}' named twice in '{names}'", nameof(names));
        lock (Factories)
        {
            if (list.FirstOrDefault(n => !Factories.ContainsKey(n)) is { } unknown) throw Unknown(unknown, nameof(names));
        }
        return list;
    }

    private static IConvOracle CreateTorch(OracleOptions options)
    {
        // No probe here: Get decides under the oracle's lock, so a Shutdown between a probe and the call cannot be told as a
        // stale "unavailable"; it throws OracleUnavailableException ("torch: " and the probe's reason) where torch cannot run.
        var torch = TorchOracle.Get();
        if (options.TimeLimit is not { } limit) return options.Layout == TorchLayout.Contiguous ? torch : torch.In(options.Layout);
        var limited = torch.WithTimeLimit(limit);
        return options.Layout == TorchLayout.Contiguous ? limited : ((ILayoutOracle)limited).In(options.Layout);
    }
}
