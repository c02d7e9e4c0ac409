namespace ConvVerify.Cases;

/// <summary>The four results checked for every case.</summary>
public enum Direction
{
    /// <summary>y = conv(x, w) + b.</summary>
    Forward,

    /// <summary>dL/dx.</summary>
    BackwardData,

    /// <summary>dL/dw.</summary>
    BackwardWeights,

    /// <summary>dL/db.</summary>
    BackwardBias,
}

/// <summary>Names of the directions as used in packs, reports and snapshots.</summary>
public static class Directions
{
    /// <summary>All four, in report order.</summary>
    public static IReadOnlyList<Direction> All { get; } = [Direction.Forward, Direction.BackwardData, Direction.BackwardWeights, Direction.BackwardBias];

    /// <summary>The result tensor's file stem: y, dx, dw or db.</summary>
    public static string TensorName(this Direction d) => d switch
    {
        Direction.Forward => "y",
        Direction.BackwardData => "dx",
        Direction.BackwardWeights => "dw",
        Direction.BackwardBias => "db",
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, "unknown direction"),
    };

    /// <summary>The direction a result file stem names.</summary>
    /// <exception cref="ArgumentException">Not one of y, dx, dw, db.</exception>
    public static Direction FromTensorName(string name) => name switch
    {
        "y" => Direction.Forward,
        "dx" => Direction.BackwardData,
        "dw" => Direction.BackwardWeights,
        "db" => Direction.BackwardBias,
        _ => throw new ArgumentException($"direction: expected y, dx, dw or db, got '{name}'", nameof(name)),
    };
}
