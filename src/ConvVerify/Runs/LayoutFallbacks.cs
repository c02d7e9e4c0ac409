using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Runs;

/// <summary>
/// The cases an oracle was asked to compute in channels-last (<c>check --layout channels-last</c>, a batch file's
/// <c>--stag=axb</c>) but computes in NC(D)(H)W, as it says itself (<see cref="ILayoutOracle.LayoutFallback"/>): torch 1.13
/// on CPU has no channels-last conv3d. Their results are right, so the cases run; the run warns that they check the
/// NC(D)(H)W kernels, since its report would otherwise name the oracle "torch-channels-last" for them too. torch 1.13 also
/// computes a depthwise conv1d, one with a 1-wide kernel and one with one input channel (conv1d or conv2d) in NC(D)(H)W.
/// </summary>
public static class LayoutFallbacks
{
    /// <summary>
    /// One warning for each oracle, rank and reason, with the number of cases and their dtypes, e.g. "torch-channels-last:
    /// torch 1.13.0a0 computes conv3d in NCDHW whatever the input's layout (…): 4 rank-3 cases (f32, bf16) asked of it in
    /// channels-last check its NCDHW kernels, not channels-last ones". Each oracle is asked in the layout each case runs in,
    /// as the run asks it (<see cref="OracleSource.In"/>), case by case; torch's probe answers once per rank, dtype and kind of
    /// problem (<see cref="ILayoutOracle.LayoutFallback"/>), and its reason names the kind ("computes depthwise conv1d in NCW …").
    /// </summary>
    /// <exception cref="TorchOracleException">torch failed on its probe.</exception>
    public static IReadOnlyList<string> Warnings(IReadOnlyList<IConvOracle> oracles, IReadOnlyList<CaseEntry> cases)
    {
        ArgumentNullException.ThrowIfNull(oracles);
        ArgumentNullException.ThrowIfNull(cases);
        var found = new List<(string Oracle, int Rank, string Why, DType DType)>();
        foreach (var c in cases)
        {
            var p = c.Case.Problem;
            foreach (var o in oracles)
            {
                // Asked case by case: the answer may differ with the kind of problem (torch 1.13: a depthwise or 1-wide
                // conv1d, not an ordinary one), which only the oracle knows; torch keeps its probe's answers.
                var oracle = OracleSource.In(o, c.Layout);
                string? why = OracleLayouts.Fallback(oracle, p);
                if (why is not null) found.Add((oracle.Name, p.Rank, why, p.DType));
            }
        }
        return
        [
            .. found.GroupBy(f => (f.Oracle, f.Rank, f.Why)).Select(g =>
            {
                var dtypes = string.Join(", ", g.Select(f => f.DType).Distinct().Select(DTypes.ShortName));
                int n = g.Count();
                string nc = "NC" + "DHW"[(3 - g.Key.Rank)..];
                return $"{g.Key.Oracle}: {g.Key.Why}: {Counted.Of(n, $"rank-{g.Key.Rank} case")} ({dtypes}) asked of it in channels-last "
                    + $"{(n == 1 ? "checks" : "check")} its {nc} kernels, not channels-last ones";
            }),
        ];
    }
}
