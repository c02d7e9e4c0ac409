using ConvVerify.Cases;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Runs;

/// <summary>Whether the oracles of a run compute a dtype at all, asked before any case runs.</summary>
public static class DTypeSupport
{
    /// <summary>
    /// Null when at least one of <paramref name="oracles"/> computes the forward of <paramref name="problem"/> in
    /// <paramref name="dtype"/>; otherwise every oracle's reason, e.g. torch's own error for float16. The forward
    /// applies to every problem, so an oracle that does not provide it does not compute the dtype. Each oracle is asked
    /// in <paramref name="layout"/>, as the run asks it (torch answers for its narrow dtypes layout by layout).
    /// </summary>
    public static string? Unprovided(IReadOnlyList<IConvOracle> oracles, ConvProblem problem, DType dtype, TorchLayout layout = TorchLayout.Contiguous)
    {
        ArgumentNullException.ThrowIfNull(oracles);
        ArgumentNullException.ThrowIfNull(problem);
        var reasons = new List<string>();
        foreach (var o in oracles)
        {
            var asked = OracleSource.In(o, layout);
            if (asked.Provides(problem.WithDType(dtype), Direction.Forward, out string? why)) return null;
            reasons.Add($"oracle {asked.Name}: {why}");
        }
        return $"{DTypes.ShortName(dtype)} ({DTypes.NumpyName(dtype)}) is not provided by {(oracles.Count == 1 ? "this oracle" : "any of these oracles")}: {string.Join("; ", reasons)}";
    }

    /// <summary>
    /// When the dtypes were asked for by name (<paramref name="named"/>), the first one no oracle computes for any problem of
    /// the selection, with the reasons for its first problem; null otherwise. Without a name a dtype's cases are reported
    /// "not provided by oracle", row by row, as are the problems of a dtype computed for others. Each problem is asked in
    /// <paramref name="layout"/> when given (fixtures generate: a pack holds NC(D)(H)W results computed so, whatever a
    /// batch file's --stag), else in every layout its cases run in, as a run asks.
    /// </summary>
    public static string? UnprovidedNamed(IReadOnlyList<IConvOracle> oracles, CaseSelection selection, bool named, TorchLayout? layout = null)
    {
        ArgumentNullException.ThrowIfNull(selection);
        if (!named || selection.Problems.Count == 0) return null;
        // Every problem is asked, not the first only: an oracle may compute a dtype in one rank and not in another (torch
        // answers for its narrow dtypes rank by rank), and a run must not be refused for what its first problem lacks.
        // Each in every layout its cases run in (a batch file's --stag=axb is torch in channels-last), as the run asks.
        var asked = selection.Problems.SelectMany(p => (layout is { } every ? [every] : selection.Details.GetValueOrDefault(p)?.Layouts ?? [TorchLayout.Contiguous])
            .Select(l => (p, l))).ToList();
        return selection.DTypes.Where(d => asked.All(a => Unprovided(oracles, a.p, d, a.l) is not null))
            .Select(d => Unprovided(oracles, asked[0].p, d, asked[0].l)).FirstOrDefault();
    }
}
