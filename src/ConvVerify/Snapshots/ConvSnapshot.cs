using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using ConvVerify.Cases;
using ConvVerify.Problems;

namespace ConvVerify.Snapshots;

/// <summary>
/// The snapshot text of one case's results: the case (canonical descriptor, bias, dtype, fill, seed) and, for each of
/// y, dx, dw and db, its shape, element count, SHA-256 of its little-endian bytes, min / max / sum and its values.
/// </summary>
/// <remarks>
/// The text is stable across runs, machines and cultures: every number is formatted with the invariant culture,
/// values as the shortest text that reads back as them (<see cref="Comparison.RoundTripText"/>), the sum is accumulated in double in index order, and lines end in LF.
/// Every value line names its tensor and element (<c>dx[17] = -3.25</c>), so a diff line alone says where a result changed.
/// A tensor of at most <see cref="MaxFullValues"/> elements is printed whole, a larger one as its first and last
/// <see cref="EdgeValues"/> elements (its SHA-256 still covers every element).
/// </remarks>
public static class ConvSnapshot
{
    /// <summary>Tensors with at most this many elements have all their values printed.</summary>
    public const int MaxFullValues = 256;

    /// <summary>How many leading and trailing values are printed for larger tensors.</summary>
    public const int EdgeValues = 16;

    /// <summary>Formats the snapshot text of a case's results.</summary>
    /// <typeparam name="T">float or double, matching the case's dtype.</typeparam>
    /// <param name="convCase">The case the results belong to.</param>
    /// <param name="results">y, dx, dw and db.</param>
    /// <returns>LF-terminated lines, ending with a newline.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not match the case's dtype, or a tensor's length does not match its shape.</exception>
    public static string Format<T>(ConvCase convCase, ConvResults<T> results) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(convCase);
        ArgumentNullException.ThrowIfNull(results);
        var p = convCase.Problem;
        if (!DTypes.Holds<T>(p.DType))
            throw new ArgumentException($"results: element type {typeof(T).Name} does not match the case's dtype {p.DType}", nameof(results));

        var sb = new StringBuilder();
        Line(sb, "case", convCase.Id);
        Line(sb, "descriptor", BenchdnnDescriptor.Format(p));
        Line(sb, "bias", p.HasBias ? "yes" : "no");
        Line(sb, "dtype", ConvCase.DTypeName(p.DType));
        Line(sb, "fill", ConvCase.FillName(convCase.Fill));
        Line(sb, "seed", convCase.Seed.ToString(CultureInfo.InvariantCulture));
        foreach (var d in Directions.All)
        {
            int[]? shape = d switch
            {
                Direction.Forward => p.YShape,
                Direction.BackwardData => p.XShape,
                Direction.BackwardWeights => p.WShape,
                _ => p.HasBias ? p.BShape : null,
            };
            AppendTensor(sb, d.TensorName(), shape, results.Get(d));
            // The hash above is of float32 bytes; a narrow dtype's own bits are what a pack stores and other tools hash.
            if (DTypes.IsNarrow(p.DType) && shape is not null)
                Line(sb, d.TensorName() + "." + ConvCase.DTypeName(p.DType) + ".sha256", StorageSha256(p.DType, (float[])(object)results.Get(d)));
        }
        return sb.ToString();
    }

    /// <summary>Formats one tensor's section: shape, count, sha256, min, max, sum and values.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="sb">Where the lines are appended.</param>
    /// <param name="name">The tensor's name (y, dx, dw, db), the prefix of every line.</param>
    /// <param name="shape">The tensor's shape, or null when the tensor does not exist (db without bias).</param>
    /// <param name="values">The tensor's elements, row-major.</param>
    /// <exception cref="ArgumentException">The number of values does not match the shape.</exception>
    public static void AppendTensor<T>(StringBuilder sb, string name, IReadOnlyList<int>? shape, ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(name);
        if (shape is null)
        {
            if (!values.IsEmpty)
                throw new ArgumentException($"{name}: no shape (absent tensor) but {values.Length} values", nameof(values));
            Line(sb, name, "absent (no bias)");
            return;
        }
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != values.Length)
            throw new ArgumentException($"{name}: shape [{string.Join(", ", shape)}] has {count} elements but {values.Length} values were given", nameof(values));

        Line(sb, name + ".shape", "[" + string.Join(", ", shape.Select(e => e.ToString(CultureInfo.InvariantCulture))) + "]");
        Line(sb, name + ".count", values.Length.ToString(CultureInfo.InvariantCulture));
        Line(sb, name + ".sha256", Sha256(values));
        if (values.IsEmpty)
            return;

        T min = values[0], max = values[0];
        bool nan = false;
        double sum = 0;
        foreach (T v in values)
        {
            if (T.IsNaN(v)) nan = true;
            else if (v < min || T.IsNaN(min)) min = v;
            if (!T.IsNaN(v) && (v > max || T.IsNaN(max))) max = v;
            sum += double.CreateChecked(v); // double, index order: the same bits everywhere
        }
        Line(sb, name + ".min", Value(min));
        Line(sb, name + ".max", Value(max));
        Line(sb, name + ".sum", Value(sum));
        if (nan) Line(sb, name + ".nan", "yes");

        bool all = values.Length <= MaxFullValues;
        Line(sb, name + ".values", all
            ? "all " + values.Length.ToString(CultureInfo.InvariantCulture)
            : $"first {EdgeValues.ToString(CultureInfo.InvariantCulture)} and last {EdgeValues.ToString(CultureInfo.InvariantCulture)} of {values.Length.ToString(CultureInfo.InvariantCulture)}");
        for (int i = 0; i < values.Length; i++)
        {
            if (!all && i == EdgeValues) i = values.Length - EdgeValues;
            sb.Append(name).Append('[').Append(i.ToString(CultureInfo.InvariantCulture)).Append("] = ").Append(Value(values[i])).Append('\n');
        }
    }

    /// <summary>A value printed round-trip exactly: the shortest text that reads back as it (<see cref="Comparison.RoundTripText"/>).</summary>
    /// <typeparam name="T">float or double.</typeparam>
    public static string Value<T>(T value) where T : IFloatingPointIeee754<T> => Comparison.RoundTripText.Of(value);

    /// <summary>Lower-case hex SHA-256 of the values' little-endian IEEE 754 bytes (on any host byte order).</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static string Sha256<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        byte[] bytes;
        if (typeof(T) == typeof(float))
        {
            bytes = new byte[values.Length * sizeof(float)];
            for (int i = 0; i < values.Length; i++)
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), float.CreateTruncating(values[i]));
        }
        else if (typeof(T) == typeof(double))
        {
            bytes = new byte[values.Length * sizeof(double)];
            for (int i = 0; i < values.Length; i++)
                BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)), double.CreateTruncating(values[i]));
        }
        else
        {
            throw new NotSupportedException($"snapshots support float and double, not {typeof(T).Name}");
        }
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>Lower-case hex SHA-256 of the values as a .npy file of <paramref name="dtype"/> stores them: bfloat16 and float16 as 2-byte little-endian bits.</summary>
    /// <exception cref="ArgumentException">A value <paramref name="dtype"/> cannot hold.</exception>
    public static string StorageSha256(DType dtype, ReadOnlySpan<float> values)
    {
        if (!DTypes.IsNarrow(dtype)) return Sha256(values);
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (!DTypes.Represents(dtype, v)) throw new ArgumentException($"values: element {i} ({Value(v)}) is not a {DTypes.NumpyName(dtype)} value", nameof(values));
            ushort bits = dtype == DType.BFloat16 ? ((BFloat16)v).Bits : BitConverter.HalfToUInt16Bits((Half)v);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), bits);
        }
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    private static void Line(StringBuilder sb, string key, string value) => sb.Append(key).Append(": ").Append(value).Append('\n');
}
