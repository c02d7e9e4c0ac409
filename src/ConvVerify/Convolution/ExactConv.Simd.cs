using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvVerify.Convolution;

/// <summary>
/// The lane operations the kernels are written against, so one kernel body serves every vector width and the scalar
/// path (a width of one). Implemented by structs, so each instantiation is specialized and the calls inline away.
/// Only separate multiplies and adds: no fused multiply-add, whose single rounding would change results.
/// </summary>
internal interface ISimd<TV, T>
    where TV : struct
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    static abstract TV Zero { get; }

    static abstract TV Load(ref T source);

    static abstract TV Broadcast(T value);

    static abstract TV Add(TV a, TV b);

    static abstract TV Multiply(TV a, TV b);

    static abstract void Store(TV value, ref T destination);
}

internal readonly struct Simd512<T> : ISimd<Vector512<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;
    public static Vector512<T> Zero => Vector512<T>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Load(ref T source) => Vector512.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Broadcast(T value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Multiply(Vector512<T> a, Vector512<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<T> value, ref T destination) => value.StoreUnsafe(ref destination);
}

internal readonly struct Simd256<T> : ISimd<Vector256<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;
    public static Vector256<T> Zero => Vector256<T>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Load(ref T source) => Vector256.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Broadcast(T value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Multiply(Vector256<T> a, Vector256<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<T> value, ref T destination) => value.StoreUnsafe(ref destination);
}

internal readonly struct Simd128<T> : ISimd<Vector128<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector128<T>.Count;
    public static Vector128<T> Zero => Vector128<T>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Load(ref T source) => Vector128.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Broadcast(T value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Add(Vector128<T> a, Vector128<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Multiply(Vector128<T> a, Vector128<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<T> value, ref T destination) => value.StoreUnsafe(ref destination);
}

/// <summary>One lane: the scalar path, the same kernels with vectors of width one.</summary>
internal readonly struct Scalar<T> : ISimd<T, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => 1;
    public static T Zero => T.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Load(ref T source) => source;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Broadcast(T value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Add(T a, T b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Multiply(T a, T b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(T value, ref T destination) => destination = value;
}

/// <summary>
/// How a kernel reads its source operand (x forward and for dL/dw, dy for dL/dx): one value for every lane when lanes
/// are channels of one group, one value per lane when lanes are groups (the source is then transposed so a position's
/// groups are contiguous). Either way a lane multiplies exactly its own element's source value.
/// </summary>
internal interface ISource<TV, T>
    where TV : struct
    where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract TV Fetch(ref T source);
}

/// <summary>Lanes are channels of one group: every lane reads the same source value.</summary>
internal readonly struct BroadcastSource<T, TV, TS> : ISource<TV, T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TV : struct
    where TS : struct, ISimd<TV, T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Fetch(ref T source) => TS.Broadcast(source);
}

/// <summary>Lanes are groups: lane l reads the l-th of consecutive values, its own group's.</summary>
internal readonly struct LaneSource<T, TV, TS> : ISource<TV, T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TV : struct
    where TS : struct, ISimd<TV, T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Fetch(ref T source) => TS.Load(ref source);
}
