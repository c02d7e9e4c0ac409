namespace ConvVerify.Runs;

/// <summary>What happened to one direction of one case against one reference.</summary>
public enum Outcome
{
    /// <summary>Within tolerance.</summary>
    Pass,

    /// <summary>Outside tolerance, or an unusable result (wrong shape, unreadable file).</summary>
    Fail,

    /// <summary>Within the sound bound but beyond the probabilistic one: failing by default (see docs/tolerance.md).</summary>
    Suspicious,

    /// <summary>The pack holds no result for this direction; nothing was compared. Never a failure: the pack defines what it can check.</summary>
    NotInPack,

    /// <summary>The oracle does not compute this direction or dtype (the reason says why); a failure only under <see cref="Requirement.All"/>.</summary>
    NotProvidedByOracle,

    /// <summary>The checked side gave no result for this direction; a failure only under <see cref="Requirement.All"/>.</summary>
    NotProvided,

    /// <summary>Unusable input: an unreadable pack, a problem the oracle rejected. Exit code 2.</summary>
    Error,
}

/// <summary>Whether every direction must be compared.</summary>
public enum Requirement
{
    /// <summary>Every direction the pack holds must be provided by the oracle and by the checked side.</summary>
    All,

    /// <summary>Absent directions are reported but are not failures, as long as something was compared.</summary>
    Any,
}

/// <summary>The names outcomes have in reports.</summary>
public static class Outcomes
{
    /// <summary>"pass", "FAIL", "suspicious", "not in pack", "not provided by oracle", "not provided", "ERROR".</summary>
    public static string Name(this Outcome o) => o switch
    {
        Outcome.Pass => "pass",
        Outcome.Fail => "FAIL",
        Outcome.Suspicious => "suspicious",
        Outcome.NotInPack => "not in pack",
        Outcome.NotProvidedByOracle => "not provided by oracle",
        Outcome.NotProvided => "not provided",
        Outcome.Error => "ERROR",
        _ => throw new ArgumentOutOfRangeException(nameof(o), o, "unknown outcome"),
    };

    /// <summary>The outcome of a report name.</summary>
    /// <exception cref="ArgumentException">Not an outcome's name.</exception>
    public static Outcome Parse(string name)
    {
        foreach (var o in Enum.GetValues<Outcome>())
            if (o.Name() == name) return o;
        throw new ArgumentException($"outcome: unknown outcome '{name}'", nameof(name));
    }
}
