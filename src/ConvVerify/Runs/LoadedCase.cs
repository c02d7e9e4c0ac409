using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Fixtures;

namespace ConvVerify.Runs;

/// <summary>A case with its inputs in memory, and the results its pack holds (none for a generated case).</summary>
/// <typeparam name="T">The element type of the case's dtype.</typeparam>
/// <param name="Entry">The selected case.</param>
/// <param name="Inputs">x, w, b, dy.</param>
/// <param name="PackResults">The pack's results by direction (empty without a pack).</param>
public sealed record LoadedCase<T>(CaseEntry Entry, ConvInputs<T> Inputs, IReadOnlyDictionary<Direction, T[]> PackResults)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The case.</summary>
    public ConvCase Case => Entry.Case;
}
