using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;

namespace ConvVerify.Fixtures;

/// <summary>Reads ONNX protobuf files (models and TensorProto .pb files) and float32 tensor data, with errors naming the file.</summary>
internal static class OnnxTensors
{
    /// <summary>Parses an ONNX model.</summary>
    /// <exception cref="OnnxSkipException">Missing, unreadable, empty or not a model.</exception>
    public static ModelProto ReadModel(string path) => Parse(path, ModelProto.Parser, "an ONNX model");

    /// <summary>Parses a TensorProto file (input_N.pb, output_N.pb).</summary>
    /// <exception cref="OnnxSkipException">Missing, unreadable, empty or not a TensorProto.</exception>
    public static TensorProto ReadTensor(string path) => Parse(path, TensorProto.Parser, "a TensorProto");

    /// <summary>The dims of a tensor as ints.</summary>
    /// <exception cref="OnnxSkipException">A dim below 0 or beyond what an array holds.</exception>
    public static int[] Shape(TensorProto t, string where)
    {
        var shape = new int[t.Dims.Count];
        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            long d = t.Dims[i];
            count *= Math.Max(d, 1);
            if (d < 0 || d > Array.MaxLength || count > Array.MaxLength)
                throw new OnnxSkipException($"{where}: dims ({string.Join(", ", t.Dims)}) are not a tensor ConvVerify can hold");
            shape[i] = (int)d;
        }
        return shape;
    }

    /// <summary>The float32 elements of a tensor, from raw_data (little-endian) or float_data.</summary>
    /// <exception cref="OnnxSkipException">Another element type, external or segmented data, a data_location ONNX does not define, values in
    /// more than one field or in a field of another type, or an element count that does not match the dims (a truncated file).</exception>
    public static float[] Floats(TensorProto t, string where)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Float)
            throw new OnnxSkipException($"{where}: element type {TypeName(t.DataType)}, only float32 is imported");
        // Protobuf keeps an enum value it does not know as its number: data_location 2 was read as "not external" and
        // imported, where ONNX knows only DEFAULT (0) and EXTERNAL (1) and no reader can say what 2 means.
        if (!Enum.IsDefined(t.DataLocation))
            throw new OnnxSkipException($"{where}: data_location {(int)t.DataLocation} is none that ONNX defines (0 DEFAULT, 1 EXTERNAL)");
        if (t.DataLocation == TensorProto.Types.DataLocation.External || t.ExternalData.Count > 0)
            throw new OnnxSkipException($"{where}: data stored outside the file (external_data) is not supported");
        if (t.Segment is not null) throw new OnnxSkipException($"{where}: segmented tensors are not supported");
        // ONNX's checker allows one value field per tensor: with raw_data and float_data both set the file holds two sets
        // of values, and raw_data was taken in silence, where another reader may take the other.
        string[] fields = [.. ValueFields(t)];
        if (fields.Length > 1)
            throw new OnnxSkipException($"{where}: values in {(fields.Length == 2 ? "both " : "")}{string.Join(" and ", fields)} (ONNX allows one value field per tensor): which are the tensor's is not defined");
        if (fields is [var other] && other is not ("raw_data" or "float_data"))
            throw new OnnxSkipException($"{where}: float32 values in {other} (ONNX keeps them in float_data or raw_data)");
        long count = Shape(t, where).Aggregate(1L, (a, d) => a * d);
        if (t.RawData.Length > 0)
        {
            if (t.RawData.Length != count * sizeof(float))
                throw new OnnxSkipException($"{where}: raw_data holds {t.RawData.Length} bytes, dims ({string.Join(", ", t.Dims)}) need {count * sizeof(float)} (truncated or corrupt)");
            var bytes = t.RawData.Span;
            var values = new float[count];
            for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
            return values;
        }
        if (t.FloatData.Count != count)
            throw new OnnxSkipException($"{where}: float_data holds {t.FloatData.Count} values, dims ({string.Join(", ", t.Dims)}) need {count} (truncated or corrupt)");
        return [.. t.FloatData];
    }

    // The value fields that hold anything, by their names in onnx.proto, in its order.
    private static IEnumerable<string> ValueFields(TensorProto t)
    {
        if (t.FloatData.Count > 0) yield return "float_data";
        if (t.Int32Data.Count > 0) yield return "int32_data";
        if (t.StringData.Count > 0) yield return "string_data";
        if (t.Int64Data.Count > 0) yield return "int64_data";
        if (t.RawData.Length > 0) yield return "raw_data";
        if (t.DoubleData.Count > 0) yield return "double_data";
        if (t.Uint64Data.Count > 0) yield return "uint64_data";
    }

    /// <summary>
    /// Largest model or tensor file read: 256 MiB. ONNX's Conv test files are a few KB, and a whole ResNet-50 model is about
    /// 100 MB; at the largest byte array (just under 2 GiB, protobuf's own limit) a sparse 1.9 GB file was read whole,
    /// taking 7 s and 2 GB of memory, before it was refused as no TensorProto.
    /// </summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>ONNX's name of an element type, e.g. "DOUBLE".</summary>
    public static string TypeName(int dataType) =>
        Enum.IsDefined((TensorProto.Types.DataType)dataType) ? ((TensorProto.Types.DataType)dataType).ToString().ToUpperInvariant() : $"unknown ({dataType})";

    private static TMessage Parse<TMessage>(string path, MessageParser<TMessage> parser, string what) where TMessage : IMessage<TMessage>
    {
        byte[] bytes;
        try
        {
            // A regular file only, and no larger than a model or tensor may be: a pipe would wait for ever, a link to
            // /dev/zero would fill memory.
            bytes = InputFile.ReadAllBytes(path, "protobuf file", MaxFileBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FixtureException)
        {
            throw new OnnxSkipException($"{path}: cannot be read ({e.Message})", e);
        }
        // No bytes is a valid message with every field unset: the empty X would be blamed on the model ("X has shape ()").
        if (bytes.Length == 0) throw new OnnxSkipException($"{path}: empty (0 bytes), not {what}");
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxSkipException($"{path}: not {what} ({e.Message})", e);
        }
    }
}
