using System.Numerics;
using ConvVerify.Cases;

namespace ConvVerify.Runs;

/// <summary>A source's results for a case: a value or an absence for every direction asked for.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class SourceResults<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Results by direction.</summary>
    public Dictionary<Direction, T[]> Values { get; } = [];

    /// <summary>Absences by direction.</summary>
    public Dictionary<Direction, Absence> Absent { get; } = [];
}
