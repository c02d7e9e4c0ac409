using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Fixtures;

namespace ConvVerify.Runs;

/// <summary>A selected case: its inputs come from <see cref="Pack"/> when it has one, else from its seed.</summary>
/// <param name="Case">The case.</param>
/// <param name="Pack">The pack it was read from, or null for a generated case.</param>
public sealed record CaseEntry(ConvCase Case, FixturePack? Pack = null)
{
    /// <summary>The directions to check (a benchdnn batch file's <c>--dir=</c>); null for every direction the problem has.</summary>
    public IReadOnlyList<Direction>? Directions { get; init; }

    /// <summary>
    /// Directions left out whatever the selection asks: those whose result file the pack's integrity check found missing,
    /// or corrupt where the pack is the oracle (<see cref="Plans.ReadCases(FixturePack, List{string}, List{RunRow}, IReadOnlyCollection{string}?, bool)"/>),
    /// which its file's row reports. Kept apart from <see cref="Directions"/> so that the report can say whether a
    /// selection narrowed the run (<see cref="RunReport.DirectionsSelected"/>).
    /// </summary>
    public IReadOnlyList<Direction> LeftOut { get; init; } = [];

    /// <summary>The layout a layout-aware oracle (torch) computes this case in: a benchdnn <c>--stag=axb</c> asks for channels-last.</summary>
    public Oracles.TorchLayout Layout { get; init; }
}
