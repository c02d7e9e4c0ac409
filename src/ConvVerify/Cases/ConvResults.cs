using System.Numerics;
using ConvVerify.Problems;

namespace ConvVerify.Cases;

/// <summary>The four results of a case: y, dL/dx, dL/dw and dL/db (empty without bias).</summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed record ConvResults<T>(T[] Y, T[] Dx, T[] Dw, T[] Db)
{
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
