using System.Globalization;
using System.Numerics;
using ConvVerify.Problems;
using NumSharp;
using DType = ConvVerify.Problems.DType;

namespace ConvVerify.Fixtures;

/// <summary>.npy files through NumSharp, with errors that name the file and say what is wrong.</summary>
public static class Npy
{
    /// <summary>Reads a float32 or float64 tensor of exactly the expected shape.</summary>
    /// <param name="path">The file.</param>
    /// <param name="dtype">The element type the pack says the tensor has.</param>
    /// <param name="shape">The shape the problem gives the tensor.</param>
    /// <exception cref="FixtureException">Missing, unreadable, truncated, another dtype or another shape.</exception>
    public static T[] Read<T>(string path, DType dtype, int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (!File.Exists(path)) throw new FixtureException($"{path}: file not found");
        CheckPreamble(path);
        NDArray array;
        try
        {
            array = np.load(path) as NDArray ?? throw new FixtureException($"{path}: not a single array (.npz archives are not accepted)");
        }
        catch (Exception e) when (e is not FixtureException)
        {
            throw new FixtureException($"{path}: not a readable .npy file ({e.Message})", e);
        }
        using (array)
        {
            var expectedType = dtype == DType.Float32 ? typeof(float) : typeof(double);
            if (array.dtype != expectedType)
                throw new FixtureException($"{path}: dtype is {NpyName(array.dtype)}, expected {NpyName(expectedType)}");
            long[] got = array.shape;
            if (!got.SequenceEqual(shape.Select(d => (long)d)))
                throw new FixtureException($"{path}: shape is ({string.Join(", ", got)}), expected {ConvProblem.FormatTuple(shape)}");
            if (typeof(T) != expectedType)
                throw new InvalidOperationException($"{path}: read as {typeof(T).Name} but the pack says {dtype}");
            return array.ToArray<T>();
        }
    }

    /// <summary>Writes a C-order, little-endian .npy file.</summary>
    /// <exception cref="ArgumentException">The data does not fill the shape.</exception>
    public static void Write<T>(string path, int[] shape, T[] data) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length)
            throw new ArgumentException($"{path}: {data.Length} values do not fill shape {ConvProblem.FormatTuple(shape)}", nameof(data));
        using var flat = np.array(data);
        using var shaped = flat.reshape(shape);
        np.save(path, shaped);
    }

    // The reader behind np.load guesses at anything (a 7-byte file reads as "pickled data"): say what is wrong first.
    private static void CheckPreamble(string path)
    {
        Span<byte> head = stackalloc byte[10];
        int read;
        using (var f = File.OpenRead(path)) read = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        ReadOnlySpan<byte> magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        if (read < magic.Length || !head[..magic.Length].SequenceEqual(magic))
            throw new FixtureException($"{path}: not a .npy file (it does not start with the magic \\x93NUMPY; {read} bytes read)");
        if (read < head.Length)
            throw new FixtureException($"{path}: truncated .npy file ({read} bytes, shorter than the 10-byte preamble)");
        if (head[6] is not (1 or 2 or 3))
            throw new FixtureException($"{path}: unknown .npy format version {head[6]}.{head[7]} (known: 1.0, 2.0, 3.0)");
    }

    // numpy's names, so the message reads like what the writer of the file chose.
    private static string NpyName(Type t) => Type.GetTypeCode(t) switch
    {
        TypeCode.Single => "float32",
        TypeCode.Double => "float64",
        TypeCode.Int64 => "int64",
        TypeCode.Int32 => "int32",
        TypeCode.Int16 => "int16",
        TypeCode.Byte => "uint8",
        TypeCode.Boolean => "bool",
        _ => t == typeof(Half) ? "float16" : t.Name.ToLower(CultureInfo.InvariantCulture),
    };
}
