using System.Numerics;
using System.Runtime.CompilerServices;
using ConvVerify.Convolution;
using ConvVerify.Problems;

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

/// <summary>
/// The one direction table: each direction's file stem, result shape, accumulation length, and how an implementation
/// computes it. Every other switch over <see cref="Direction"/> goes through here.
/// </summary>
public static class Directions
{
    /// <summary>All four, in report order.</summary>
    public static IReadOnlyList<Direction> All { get; } = [Direction.Forward, Direction.BackwardData, Direction.BackwardWeights, Direction.BackwardBias];

    /// <summary>The directions a problem has: all four, without db when it has no bias.</summary>
    public static IReadOnlyList<Direction> For(ConvProblem p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p.HasBias ? All : WithoutBias;
    }

    /// <summary>Whether <paramref name="p"/> has direction <paramref name="d"/> (db only with a bias); if not, why.</summary>
    public static bool Applies(this Direction d, ConvProblem p, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(p);
        reason = d == Direction.BackwardBias && !p.HasBias ? "the problem has no bias" : null;
        return reason is null;
    }

    private static readonly IReadOnlyList<Direction> WithoutBias = [Direction.Forward, Direction.BackwardData, Direction.BackwardWeights];

    /// <summary>The result tensor's file stem: y, dx, dw or db.</summary>
    public static string TensorName(this Direction d) => d switch
    {
        Direction.Forward => "y",
        Direction.BackwardData => "dx",
        Direction.BackwardWeights => "dw",
        Direction.BackwardBias => "db",
        _ => throw Unknown(d),
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

    /// <summary>The shape of a direction's result tensor (db of a problem without bias: (0)).</summary>
    public static int[] ShapeOf(this Direction d, ConvProblem p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return d switch
        {
            Direction.Forward => p.YShape,
            Direction.BackwardData => p.XShape,
            Direction.BackwardWeights => p.WShape,
            Direction.BackwardBias => p.HasBias ? p.BShape : [0],
            _ => throw Unknown(d),
        };
    }

    /// <summary>The number of elements of a direction's result.</summary>
    public static int SizeOf(this Direction d, ConvProblem p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return d switch
        {
            Direction.Forward => p.YSize,
            Direction.BackwardData => p.XSize,
            Direction.BackwardWeights => p.WSize,
            Direction.BackwardBias => p.BSize,
            _ => throw Unknown(d),
        };
    }

    /// <summary>K, the number of products summed into one element of the direction's result (the forward counts the bias as one more).</summary>
    public static long AccumulationLength(this Direction d, ConvProblem p)
    {
        ArgumentNullException.ThrowIfNull(p);
        long kernel = p.Kernel.Aggregate(1L, (a, b) => a * b), output = p.Output.Aggregate(1L, (a, b) => a * b);
        return d switch
        {
            Direction.Forward => p.IC / p.Groups * kernel + (p.HasBias ? 1 : 0),
            Direction.BackwardData => p.OC / p.Groups * kernel,
            Direction.BackwardWeights or Direction.BackwardBias => p.Mb * output,
            _ => throw Unknown(d),
        };
    }

    /// <summary>The inputs a direction reads, by name: x, w and b (forward), dy and w (dL/dx), x and dy (dL/dw), dy (dL/db).</summary>
    internal static IReadOnlyList<string> InputsOf(this Direction d) => d switch
    {
        Direction.Forward => ["x", "w", "b"],
        Direction.BackwardData => ["dy", "w"],
        Direction.BackwardWeights => ["x", "dy"],
        Direction.BackwardBias => ["dy"],
        _ => throw Unknown(d),
    };

    /// <summary>Runs one direction of <paramref name="impl"/> on <paramref name="inputs"/> into a new array.</summary>
    /// <exception cref="ArgumentException">db of a problem without bias, or inputs of the wrong size.</exception>
    public static T[] Compute<T>(this Direction d, IConvImplementation impl, ConvProblem p, ConvInputs<T> inputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(impl);
        ArgumentNullException.ThrowIfNull(inputs);
        var result = new T[d.SizeOf(p)];
        d.Compute(impl, p, inputs, result);
        return result;
    }

    /// <summary>Runs one direction of <paramref name="impl"/> on <paramref name="inputs"/> into <paramref name="result"/>, of <see cref="SizeOf"/> elements.</summary>
    internal static void Compute<T>(this Direction d, IConvImplementation impl, ConvProblem p, ConvInputs<T> inputs, Span<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (d)
        {
            case Direction.Forward: impl.Forward<T>(p, inputs.X, inputs.W, inputs.B, result); break;
            case Direction.BackwardData: impl.BackwardData<T>(p, inputs.Dy, inputs.W, result); break;
            case Direction.BackwardWeights: impl.BackwardWeights<T>(p, inputs.X, inputs.Dy, result); break;
            case Direction.BackwardBias: impl.BackwardBias<T>(p, inputs.Dy, result); break;
            // Stryker disable once Statement : unreachable, SizeOf refuses an unknown direction first; kept so no direction passes silently
            default: throw Unknown(d);
        }
    }

    /// <summary>All four results of <paramref name="impl"/> (db empty without bias).</summary>
    public static ConvResults<T> ComputeAll<T>(IConvImplementation impl, ConvProblem p, ConvInputs<T> inputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(p);
        T[] Run(Direction d) => d == Direction.BackwardBias && !p.HasBias ? [] : d.Compute(impl, p, inputs);
        return new ConvResults<T>(Run(Direction.Forward), Run(Direction.BackwardData), Run(Direction.BackwardWeights), Run(Direction.BackwardBias));
    }

    // The caller's argument names the parameter, so ConvResults.Get(direction) says "direction", not this method's "d".
    internal static ArgumentOutOfRangeException Unknown(Direction d, [CallerArgumentExpression(nameof(d))] string? parameter = null) =>
        new(parameter, d, "unknown direction");
}
