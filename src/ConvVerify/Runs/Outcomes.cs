namespace ConvVerify.Runs;

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
    /// <exception cref="ArgumentException">Not an outcome's name (quoted with control characters written out, and cut after 80 characters).</exception>
    public static Outcome Parse(string name)
    {
        foreach (var o in Enum.GetValues<Outcome>())
            if (o.Name() == name) return o;
        throw new ArgumentException($"outcome: unknown outcome '{ReportChecks.Printable(name)}'", nameof(name));
    }
}
