using System.Numerics;
using ConvVerify.Problems;

namespace ConvVerify.Cases;

/// <summary>The four results of a case: y, dL/dx, dL/dw and dL/db (empty without bias).</summary>
/// <typeparam name="T">float or double.</typeparam>
/// <exception cref="ArgumentNullException">A result is null (an absent one is empty).</exception>
public sealed record ConvResults<T>(T[] Y, T[] Dx, T[] Dw, T[] Db)
{
    private const string What = "a result";

    // Refused here, by name, as ConvInputs refuses its tensors: results come from implementations under test, and a null
    // one surfaced as a NullReferenceException wherever it was first compared or written.

    /// <summary>y (N, OC, out...).</summary>
    public T[] Y { get; init => field = NullTensors.Refused(value, nameof(Y), What); } = NullTensors.Refused(Y, nameof(Y), What);

    /// <summary>dL/dx (N, IC, spatial...).</summary>
    public T[] Dx { get; init => field = NullTensors.Refused(value, nameof(Dx), What); } = NullTensors.Refused(Dx, nameof(Dx), What);

    /// <summary>dL/dw (OC, IC/G, k...).</summary>
    public T[] Dw { get; init => field = NullTensors.Refused(value, nameof(Dw), What); } = NullTensors.Refused(Dw, nameof(Dw), What);

    /// <summary>dL/db (OC), empty without bias.</summary>
    public T[] Db { get; init => field = NullTensors.Refused(value, nameof(Db), What); } = NullTensors.Refused(Db, nameof(Db), What);

    /// <summary>The result of one direction.</summary>
    public T[] Get(Direction direction) => direction switch
    {
        Direction.Forward => Y,
        Direction.BackwardData => Dx,
        Direction.BackwardWeights => Dw,
        Direction.BackwardBias => Db,
        _ => throw Directions.Unknown(direction),
    };

    /// <summary>The results of the directions that apply to <paramref name="p"/> (db only with a bias), by direction.</summary>
    public IReadOnlyDictionary<Direction, T[]> ToDictionary(ConvProblem p) => Directions.For(p).ToDictionary(d => d, Get);
}
