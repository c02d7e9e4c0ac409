using System.Numerics;

namespace ConvVerify.Problems;

/// <summary>Something to do with the element type a <see cref="DType"/> stands for; see <see cref="DTypes.Dispatch{TResult}"/>.</summary>
/// <typeparam name="TResult">What it returns.</typeparam>
public interface IDTypeAction<out TResult>
{
    /// <summary>Runs with <typeparamref name="T"/> the .NET type of the dtype.</summary>
    TResult Run<T>() where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>The one place a <see cref="DType"/> becomes a .NET type, and its names.</summary>
public static class DTypes
{
    /// <summary>Every dtype, in report order.</summary>
    public static IReadOnlyList<DType> All { get; } = [DType.Float32, DType.Float64];

    /// <summary>Runs <paramref name="action"/> with the element type of <paramref name="dtype"/>.</summary>
    /// <exception cref="ArgumentException">A dtype without a .NET element type here.</exception>
    public static TResult Dispatch<TResult>(DType dtype, IDTypeAction<TResult> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return dtype switch
        {
            DType.Float32 => action.Run<float>(),
            DType.Float64 => action.Run<double>(),
            _ => throw new ArgumentException($"dtype: unknown value {(int)dtype}", nameof(dtype)),
        };
    }

    /// <summary>The dtype whose element type is <typeparamref name="T"/>.</summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is no dtype's element type.</exception>
    public static DType Of<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? DType.Float32
        : typeof(T) == typeof(double) ? DType.Float64
        : throw new ArgumentException($"T: {typeof(T).Name} is not the element type of any dtype (float, double)");

    /// <summary>The short name used in case ids and on the command line: "f32", "f64".</summary>
    public static string ShortName(DType dtype) => dtype switch
    {
        DType.Float32 => "f32",
        DType.Float64 => "f64",
        _ => throw new ArgumentException($"dtype: unknown value {(int)dtype}", nameof(dtype)),
    };

    /// <summary>numpy's and torch's name: "float32", "float64".</summary>
    public static string NumpyName(DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        _ => throw new ArgumentException($"dtype: unknown value {(int)dtype}", nameof(dtype)),
    };

    /// <summary>The dtype of a short or numpy name ("f32", "float32", ...), or null.</summary>
    public static DType? TryParse(string? name) => name switch
    {
        "f32" or "float32" => DType.Float32,
        "f64" or "float64" => DType.Float64,
        _ => null,
    };

    /// <summary>The unit roundoff u: 2^−24 for float32, 2^−53 for float64.</summary>
    public static double UnitRoundoff(DType dtype) => dtype == DType.Float32 ? Math.ScaleB(1, -24) : Math.ScaleB(1, -53);

    /// <summary>The smallest positive subnormal.</summary>
    public static double SmallestSubnormal(DType dtype) => dtype == DType.Float32 ? float.Epsilon : double.Epsilon;
}
