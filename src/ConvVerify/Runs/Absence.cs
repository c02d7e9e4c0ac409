using System.Numerics;
using ConvVerify.Cases;

namespace ConvVerify.Runs;

/// <summary>Why a source has no result for a direction: the outcome its row gets, and the sentence.</summary>
/// <param name="Outcome">NotInPack, NotProvidedByOracle, NotProvided, or Fail for an unusable result.</param>
/// <param name="Reason">Why.</param>
public sealed record Absence(Outcome Outcome, string Reason);
