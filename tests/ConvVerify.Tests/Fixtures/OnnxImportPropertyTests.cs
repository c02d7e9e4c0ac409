using System.Globalization;
using ConvVerify.Cases;
using ConvVerify.Fixtures;
using ConvVerify.Tests.Properties;
using CsCheck;
using Google.Protobuf;
using Onnx;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// Hostile ONNX tests: ONNX's own conformance folders with a model or tensor file mutated, field by field through the
/// protobuf classes or byte by byte. Each is imported, or refused with a <see cref="FixtureException"/> whose every skip
/// names the mutated folder; what is imported reads back from the pack.
/// </summary>
public class OnnxImportPropertyTests
{
    // Small tests of each shape the importer meets: inputs as test data, weights and bias as initializers, 1-d, auto_pad,
    // and a ConvTranspose a mutated op_type turns into a Conv.
    private static readonly string[] Tests =
        ["node/test_conv_with_strides_padding", "pytorch-converted/test_Conv2d_groups", "pytorch-converted/test_Conv1d_dilated",
         "node/test_conv_with_autopad_same", "node/test_convtranspose_pads"];

    // Every edge an int, an array length, a product of dims or a varint has.
    private static readonly long[] Edges =
        [0, 1, 2, 3, 4, -1, -2, int.MaxValue, (long)int.MaxValue + 1, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue,
         Array.MaxLength, (long)Array.MaxLength + 1, 65536, 46341, 1 << 20, 1L << 32, 1L << 40];

    private static readonly string[] AttributeNames = ["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides", "fancy", ""];

    private static readonly string[] Strings = ["NOTSET", "", "VALID", "SAME_UPPER", "SAME_LOWER", "same_upper", "SAME_UPPER\0", "\u00e9"];

    private static readonly string[] OpTypes = ["Conv", "ConvTranspose", "", "conv", "Conv\0", "Relu"];

    private static readonly string[] Domains = ["", "ai.onnx", "com.microsoft"];

    /// <summary>One change: what it does to which file, with the numbers that pick its details.</summary>
    public sealed record Mutation(string File, int Kind, int A, int B, long[] Values, byte[] Bytes)
    {
        /// <inheritdoc/>
        public override string ToString() => $"{File} #{Kind} a={A} b={B} values=({string.Join(", ", Values)}) bytes={Convert.ToHexString(Bytes)}";
    }

    /// <summary>One test folder and the changes made to it.</summary>
    public sealed record Case(string Test, Mutation[] Mutations)
    {
        /// <inheritdoc/>
        public override string ToString() => Test + ": " + string.Join("; ", Mutations.Select(m => m.ToString()));
    }

    private static readonly Gen<Mutation> Mutations =
        Gen.Select(Gen.OneOf("model.onnx", "model.onnx", "input_0.pb", "input_1.pb", "output_0.pb"), Gen.Int[0, 39], Gen.Int[0, 1000], Gen.Int[0, 1000],
                Gen.OneOf(Edges).Array[0, 6], Gen.Byte.Array[0, 6])
            .Select((file, kind, a, b, values, bytes) => new Mutation(file, kind, a, b, values, bytes));

    private static readonly Gen<Case> Cases = Gen.Select(Gen.OneOf(Tests), Mutations.Array[1, 3], (t, m) => new Case(t, m));

    private string _scratch = "";

    [SetUp]
    public void CreateScratch()
    {
        if (!Directory.Exists(OnnxImportTests.DebianData))
            Assert.Fail($"{OnnxImportTests.DebianData} not found: install the Debian package libonnx-testdata");
        _scratch = Property.ScratchFile("");
        Directory.CreateDirectory(_scratch);
    }

    [TearDown]
    public void DeleteScratch() => Directory.Delete(_scratch, recursive: true);

    [Test]
    public void AnyMutatedTestIsImportedOrSkippedNamingItsFile()
    {
        int imported = 0, refused = 0, n = 0;
        Property.ForAll(Cases, c =>
        {
            string folder = Path.Combine(_scratch, "t" + n.ToString(CultureInfo.InvariantCulture), Path.GetFileName(c.Test));
            string pack = Path.Combine(_scratch, "p" + n.ToString(CultureInfo.InvariantCulture));
            n++;
            Copy(Path.Combine(OnnxImportTests.DebianData, c.Test), folder);
            foreach (var m in c.Mutations) Apply(folder, m);
            OnnxImportResult? result = null;
            try
            {
                result = OnnxImport.Import([folder], pack);
                imported++;
            }
            catch (FixtureException e)
            {
                refused++;
                Assert.That(e.Message, Does.StartWith(folder + ": no importable single-node float32 Conv test (1 skipped)\n  " + folder));
            }
            if (result is not null)
            {
                // What the import wrote, the pack's own readers accept.
                var read = FixturePack.Open(pack);
                Assert.That(read.CheckIntegrity(), Is.Empty);
                foreach (string id in read.CaseIds)
                    Assert.That(read.Read<float>(id).Inputs.X, Has.Length.EqualTo(read.ReadCase(id).Problem.XShape.Aggregate(1L, (a, d) => a * d)));
            }
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
            if (Directory.Exists(pack)) Directory.Delete(pack, recursive: true);
        }, iterations: 60, stream: 11, describe: c => c.ToString());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(imported, Is.GreaterThan(3), "tests imported");
            Assert.That(refused, Is.GreaterThan(30), "tests refused");
        }
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (string d in Directory.GetDirectories(from)) Copy(d, Path.Combine(to, Path.GetFileName(d)));
    }

    private static void Apply(string folder, Mutation m)
    {
        string path = m.File == "model.onnx" ? Path.Combine(folder, m.File) : Path.Combine(folder, "test_data_set_0", m.File);
        if (!File.Exists(path)) return;
        byte[] bytes = File.ReadAllBytes(path);
        if (m.Kind >= 30)
        {
            File.WriteAllBytes(path, Bytes(bytes, m));
            return;
        }
        try
        {
            if (m.File == "model.onnx")
            {
                var model = ModelProto.Parser.ParseFrom(bytes);
                MutateModel(model, m);
                File.WriteAllBytes(path, model.ToByteArray());
            }
            else
            {
                var tensor = TensorProto.Parser.ParseFrom(bytes);
                MutateTensor(tensor, m);
                File.WriteAllBytes(path, tensor.ToByteArray());
            }
        }
        catch (InvalidProtocolBufferException)
        {
            // An earlier byte mutation left nothing to edit field by field.
        }
    }

    private static byte[] Bytes(byte[] bytes, Mutation m)
    {
        int at = bytes.Length == 0 ? 0 : m.A * 7919 % bytes.Length;
        var list = bytes.ToList();
        switch (m.Kind % 6)
        {
            case 0: if (list.Count > 0) list[at] ^= (byte)(1 << (m.B % 8)); break;
            case 1: list.RemoveRange(at, list.Count - at); break;
            case 2: list.InsertRange(at, m.Bytes); break;
            case 3: if (list.Count > 0) list[at] = m.B % 2 == 0 ? (byte)0xFF : (byte)0x80; break;
            case 4: if (list.Count > 0) list.RemoveAt(at); break;
            default: return m.Bytes;
        }
        return [.. list];
    }

    private static long Value(Mutation m, int i) => m.Values.Length == 0 ? m.A - 500 : m.Values[i % m.Values.Length];

    private static void MutateModel(ModelProto model, Mutation m)
    {
        var graph = model.Graph;
        if (graph is null) return;
        var node = graph.Node.Count > 0 ? graph.Node[m.B % graph.Node.Count] : null;
        switch (m.Kind % 15)
        {
            case 0: if (node is not null) node.OpType = OpTypes[m.A % OpTypes.Length]; break;
            case 1: if (node is not null) node.Domain = Domains[m.A % Domains.Length]; break;
            case 2 or 3 or 4:
            {
                if (node is null) break;
                string name = AttributeNames[m.A % AttributeNames.Length];
                var a = node.Attribute.FirstOrDefault(x => x.Name == name);
                if (a is null) node.Attribute.Add(a = new AttributeProto { Name = name });
                int type = m.B % 12;
                a.Type = type switch { 0 => AttributeProto.Types.AttributeType.Int, 1 => AttributeProto.Types.AttributeType.String, 2 => AttributeProto.Types.AttributeType.Float, 11 => (AttributeProto.Types.AttributeType)99, _ => AttributeProto.Types.AttributeType.Ints };
                a.I = Value(m, 0);
                a.Ints.Clear();
                a.Ints.AddRange(m.Kind % 15 == 2 && m.Values.Length > 0 ? m.Values : [.. m.Values.Select(v => v % 5)]);
                a.S = ByteString.CopyFromUtf8(Strings[m.B % Strings.Length]);
                break;
            }
            case 5: if (node is not null && node.Attribute.Count > 0) node.Attribute.RemoveAt(m.A % node.Attribute.Count); break;
            case 6:
                if (node is null) break;
                while (node.Input.Count > m.A % 5) node.Input.RemoveAt(node.Input.Count - 1);
                while (node.Input.Count < m.A % 5) node.Input.Add(m.B % 3 == 0 ? "" : m.B % 3 == 1 ? "nowhere" : node.Input.FirstOrDefault() ?? "");
                break;
            case 7: if (node is not null) { node.Output.Clear(); for (int i = 0; i < m.A % 3; i++) node.Output.Add("y" + i.ToString(CultureInfo.InvariantCulture)); } break;
            case 8: if (graph.Initializer.Count > 0) MutateTensor(graph.Initializer[m.A % graph.Initializer.Count], m with { Kind = m.B }); break;
            case 9: if (graph.Initializer.Count > 0) graph.Initializer.Add(graph.Initializer[m.A % graph.Initializer.Count].Clone()); break;
            case 10:
                if (m.A % 2 == 0 && graph.Input.Count > 0) graph.Input.RemoveAt(m.B % graph.Input.Count);
                else graph.Input.Add(new ValueInfoProto { Name = m.B % 2 == 0 ? "extra" : graph.Input.FirstOrDefault()?.Name ?? "" });
                break;
            case 11: model.Graph = null; break;
            case 12: if (node is not null) graph.Node.Add(node.Clone()); break;
            case 13: foreach (var o in model.OpsetImport) o.Version = Value(m, 0); break;
            default: if (graph.Initializer.Count > 0) graph.Initializer[m.A % graph.Initializer.Count].Name = m.B % 2 == 0 ? "" : graph.Node.FirstOrDefault()?.Input.FirstOrDefault() ?? ""; break;
        }
    }

    private static void MutateTensor(TensorProto t, Mutation m)
    {
        switch (m.Kind % 10)
        {
            case 0: t.Dims.Clear(); t.Dims.AddRange(m.Values); break;
            case 1: if (t.Dims.Count > 0) t.Dims[m.A % t.Dims.Count] = Value(m, 0); break;
            case 2: t.DataType = m.B % 20 == 19 ? -1 : m.B % 20; break;
            case 3:
                if (t.RawData.Length > 0)
                    t.RawData = m.B % 2 == 0 ? ByteString.CopyFrom(t.RawData.Span[..(m.A % t.RawData.Length)]) : ByteString.CopyFrom([.. t.RawData.Span, .. m.Bytes]);
                else if (t.FloatData.Count > 0) t.FloatData.RemoveAt(m.A % t.FloatData.Count);
                break;
            case 4:
                if (t.RawData.Length > 0)
                {
                    var floats = new float[t.RawData.Length / 4];
                    Buffer.BlockCopy(t.RawData.ToByteArray(), 0, floats, 0, floats.Length * 4);
                    t.RawData = ByteString.Empty;
                    t.FloatData.AddRange(floats);
                }
                else t.FloatData.AddRange([.. m.Bytes.Select(b => (float)b)]);
                break;
            case 5: t.RawData = ByteString.Empty; t.FloatData.Clear(); break;
            case 6: t.DataLocation = (TensorProto.Types.DataLocation)(m.A % 3); break;
            case 7: t.Segment = new TensorProto.Types.Segment { Begin = Value(m, 0), End = Value(m, 1) }; break;
            case 8:
                if (m.A % 2 == 0) t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "data.bin" });
                else t.DoubleData.Add(1.5);
                break;
            default:
                float v = (m.B % 4) switch { 0 => float.NaN, 1 => float.PositiveInfinity, 2 => 3e38f, _ => -0f };
                if (t.RawData.Length >= 4)
                {
                    byte[] raw = t.RawData.ToByteArray();
                    BitConverter.GetBytes(v).CopyTo(raw, m.A % (raw.Length / 4) * 4);
                    t.RawData = ByteString.CopyFrom(raw);
                }
                else if (t.FloatData.Count > 0) t.FloatData[m.A % t.FloatData.Count] = v;
                break;
        }
    }
}
