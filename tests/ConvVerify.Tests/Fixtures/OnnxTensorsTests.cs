using ConvVerify.Fixtures;
using Google.Protobuf;
using Onnx;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// ONNX tensors built in memory, as a hostile or unusual conformance file could hold them: every reason a tensor is
/// skipped, with its words, and both ways float32 data can be stored.
/// </summary>
public class OnnxTensorsTests
{
    private static TensorProto Tensor(params long[] dims)
    {
        var t = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        return t;
    }

    private static string Skip(TestDelegate read) => Assert.Throws<OnnxSkipException>(read)!.Message;

    [Test]
    public void DimsATensorCannotHoldAreSkipped()
    {
        Assert.That(OnnxTensors.Shape(Tensor(2, 0, 3), "t"), Is.EqualTo(new[] { 2, 0, 3 }), "a zero extent is a valid, empty tensor");
        Assert.That(Skip(() => OnnxTensors.Shape(Tensor(2, -1), "t")), Is.EqualTo("t: dims (2, -1) are not a tensor ConvVerify can hold"));
        Assert.That(Skip(() => OnnxTensors.Shape(Tensor((long)Array.MaxLength + 1), "t")), Does.StartWith("t: dims ("));
        // Each extent fits, their product does not.
        Assert.That(Skip(() => OnnxTensors.Shape(Tensor(65536, 65536), "t")), Is.EqualTo("t: dims (65536, 65536) are not a tensor ConvVerify can hold"));
        Assert.That(OnnxTensors.Shape(Tensor(Array.MaxLength), "t"), Is.EqualTo(new[] { Array.MaxLength }), "the largest array is allowed");
    }

    [Test]
    public void Float32IsReadFromRawDataOrFloatData()
    {
        var raw = Tensor(2);
        raw.RawData = ByteString.CopyFrom([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
        Assert.That(OnnxTensors.Floats(raw, "t"), Is.EqualTo(new[] { 1f, -2f }), "little-endian");
        var listed = Tensor(3);
        listed.FloatData.AddRange([0.5f, 1.5f, -0f]);
        Assert.That(OnnxTensors.Floats(listed, "t"), Is.EqualTo(new[] { 0.5f, 1.5f, -0f }));
    }

    [Test]
    public void EverythingElseIsSkippedWithItsReason()
    {
        var dbl = Tensor(1);
        dbl.DataType = (int)TensorProto.Types.DataType.Double;
        Assert.That(Skip(() => OnnxTensors.Floats(dbl, "t")), Is.EqualTo("t: element type DOUBLE, only float32 is imported"));

        var external = Tensor(1);
        external.DataLocation = TensorProto.Types.DataLocation.External;
        Assert.That(Skip(() => OnnxTensors.Floats(external, "t")), Is.EqualTo("t: data stored outside the file (external_data) is not supported"));
        var externalEntry = Tensor(1);
        externalEntry.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        Assert.That(Skip(() => OnnxTensors.Floats(externalEntry, "t")), Is.EqualTo("t: data stored outside the file (external_data) is not supported"));

        var segmented = Tensor(1);
        segmented.Segment = new TensorProto.Types.Segment { Begin = 0, End = 1 };
        Assert.That(Skip(() => OnnxTensors.Floats(segmented, "t")), Is.EqualTo("t: segmented tensors are not supported"));

        var shortRaw = Tensor(2, 2);
        shortRaw.RawData = ByteString.CopyFrom(new byte[12]);
        Assert.That(Skip(() => OnnxTensors.Floats(shortRaw, "t")), Is.EqualTo("t: raw_data holds 12 bytes, dims (2, 2) need 16 (truncated or corrupt)"));
        var shortList = Tensor(2, 2);
        shortList.FloatData.AddRange([1f, 2f, 3f]);
        Assert.That(Skip(() => OnnxTensors.Floats(shortList, "t")), Is.EqualTo("t: float_data holds 3 values, dims (2, 2) need 4 (truncated or corrupt)"));
    }

    [Test]
    public void AFileThatIsMissingOrNotProtobufIsSkippedNamingIt()
    {
        string dir = Directory.CreateTempSubdirectory("convverify-onnx-tensors-").FullName;
        try
        {
            string missing = Path.Combine(dir, "model.onnx");
            var e = Assert.Throws<OnnxSkipException>(() => OnnxTensors.ReadModel(missing))!;
            Assert.That(e.Message, Does.StartWith($"{missing}: cannot be read ("));
            Assert.That(e.InnerException, Is.InstanceOf<FileNotFoundException>());
            // A length-delimited field 1 of 5 bytes, cut off after its length.
            string cut = Path.Combine(dir, "cut.pb");
            File.WriteAllBytes(cut, [0x0A, 0x05]);
            Assert.That(Skip(() => OnnxTensors.ReadModel(cut)), Does.StartWith($"{cut}: not an ONNX model ("));
            Assert.That(Skip(() => OnnxTensors.ReadTensor(cut)), Does.StartWith($"{cut}: not a TensorProto ("));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void ElementTypesAreNamedAsOnnxNamesThem()
    {
        Assert.That(OnnxTensors.TypeName((int)TensorProto.Types.DataType.Float16), Is.EqualTo("FLOAT16"));
        Assert.That(OnnxTensors.TypeName(999), Is.EqualTo("unknown (999)"));
    }
}
