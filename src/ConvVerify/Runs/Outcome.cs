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

    /// <summary>
    /// The pack (the oracle, where it is the reference) holds no result for this direction; nothing was compared. A failure
    /// only under <see cref="Requirement.All"/>, as a direction an oracle declines is.
    /// </summary>
    NotInPack,

    /// <summary>The oracle does not compute this direction or dtype (the reason says why); a failure only under <see cref="Requirement.All"/>.</summary>
    NotProvidedByOracle,

    /// <summary>The checked side gave no result for this direction; a failure only under <see cref="Requirement.All"/>.</summary>
    NotProvided,

    /// <summary>
    /// Could not be checked: unusable input (an unreadable pack, a problem the oracle rejected), or an oracle that failed on
    /// input that was fine (torch raising, a time limit passed, a library missing); <see cref="RunRow.Cause"/> says which. Exit code 2.
    /// </summary>
    Error,
}
