using ConvVerify.Cases;
using ConvVerify.Problems;
using Google.Protobuf;
using Onnx;

namespace ConvVerify.Oracles;

/// <summary>
/// The ONNX models <see cref="OrtOracle"/> runs, one per direction of a problem, built in memory (IR 8, opset 17).
/// Graph inputs are named x, w, b, dy as the problem's tensors; the one output is "out".
/// </summary>
/// <remarks>
/// ONNX pads must be ≥ 0, so a negative end padding becomes a <c>Slice</c> of x first (the "cropped" extent). Because
/// <see cref="ConvProblem.PadEnd"/> is exactly what the last window reads, the padded cropped extent is always
/// (out−1)·stride + dil·(k−1) + 1: ConvTranspose then needs no output padding and the dw convolution yields exactly k.
/// Both are still computed from the general formulas, so a problem with extra end padding would work too.
/// A dimension cropped away entirely (every window reads begin padding only) would leave ORT an empty extent, which
/// ConvTranspose rejects: one element is kept there, moved into the last begin-padding position, and x (and dx) are
/// made zero, which is what every window reads then; all of x is irrelevant to such a problem, and its dx is zero.
/// </remarks>
internal static class OrtModels
{
    /// <summary>The ONNX IR version of the models.</summary>
    public const long IrVersion = 8;

    /// <summary>The default-domain opset of the models.</summary>
    public const long Opset = 17;

    private const int Float = (int)TensorProto.Types.DataType.Float;
    private const int Double = (int)TensorProto.Types.DataType.Double;
    private const int Float16 = (int)TensorProto.Types.DataType.Float16;
    private const int BFloat16 = (int)TensorProto.Types.DataType.Bfloat16;
    private const int Int64 = (int)TensorProto.Types.DataType.Int64;

    /// <summary>
    /// The serialized model computing <paramref name="direction"/> of <paramref name="p"/> in the problem's dtype (ORT's CPU
    /// provider runs only float32; float64 models are built so tests can show what ORT says about them).
    /// </summary>
    public static byte[] Build(ConvProblem p, Direction direction)
    {
        ArgumentNullException.ThrowIfNull(p);
        var g = new Graph(p);
        switch (direction)
        {
            case Direction.Forward: g.Forward(); break;
            case Direction.BackwardData: g.BackwardData(); break;
            case Direction.BackwardWeights: g.BackwardWeights(); break;
            case Direction.BackwardBias: g.BackwardBias(); break;
            default: throw Directions.Unknown(direction);
        }
        // Stryker disable once String : the producer's name is a label; no result depends on it
        var model = new ModelProto { IrVersion = IrVersion, ProducerName = "ConvVerify", Graph = g.Proto };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model.ToByteArray();
    }

    /// <summary>Input extents after cropping the elements a negative end padding never reads.</summary>
    public static int[] Cropped(ConvProblem p) => [.. Enumerable.Range(0, p.Rank).Select(i => Math.Max(1, p.Input[i] + Math.Min(0, p.PadEnd[i])))];

    /// <summary>Whether some dimension is cropped away entirely.</summary>
    public static bool CropsAll(ConvProblem p) => Enumerable.Range(0, p.Rank).Any(i => p.Input[i] + p.PadEnd[i] == 0);

    /// <summary>Whether any end padding is negative.</summary>
    public static bool Crops(ConvProblem p) => p.PadEnd.Any(int.IsNegative);

    // The begin padding ORT sees: one less where the kept element of a dimension cropped away entirely takes its place.
    private static long Begin(ConvProblem p, int i) => p.PadBegin[i] - (p.Input[i] + p.PadEnd[i] == 0 ? 1 : 0);

    private sealed class Graph(ConvProblem p)
    {
        private int _names;

        // Stryker disable once String : the graph's name is a label; no result depends on it
        public GraphProto Proto { get; } = new() { Name = "convverify" };

        private int Rank => p.Rank;

        private long[] Spatial => [.. Enumerable.Range(2, Rank).Select(i => (long)i)];

        // Begin pads then end pads, as ONNX orders them; end pads clipped at 0 because x is cropped instead.
        private long[] Pads => [.. Enumerable.Range(0, Rank).Select(i => Begin(p, i)), .. p.PadEnd.Select(v => (long)Math.Max(0, v))];

        public void Forward()
        {
            string x = CroppedX();
            Input("w", p.WShape);
            var inputs = new List<string> { x, "w" };
            if (p.HasBias)
            {
                Input("b", p.BShape);
                inputs.Add("b");
            }
            Node("Conv", inputs, "out", ConvAttributes(p.Kernel.Select(v => (long)v), p.Stride, p.Dilation, p.Groups, Pads));
            Output("out", p.YShape);
        }

        public void BackwardData()
        {
            Input("dy", p.YShape);
            Input("w", p.WShape);
            int[] cropped = Cropped(p);
            // ConvTranspose's output extent is (out−1)·s + op + dil·(k−1) + 1 − pb − pe; op makes it the cropped input.
            // Not output_shape: with it, ORT ignores explicit pads and computes its own.
            long[] outputPadding = [.. Enumerable.Range(0, Rank).Select(i =>
                cropped[i] - ((p.Output[i] - 1L) * p.Stride[i] + (long)(p.Kernel[i] - 1) * p.Dilation[i] + 1 - Begin(p, i) - Math.Max(0, p.PadEnd[i])))];
            var attributes = ConvAttributes(p.Kernel.Select(v => (long)v), p.Stride, p.Dilation, p.Groups, Pads);
            attributes.Add(Ints("output_padding", outputPadding));
            // The cropped input elements are read by no window: their gradient is zero, padded back on (by nothing when
            // nothing is cropped: one graph for every problem, rather than a branch no result could tell apart).
            // A wrong output padding would give dx another shape, which OrtOracle refuses.
            string t = Node("ConvTranspose", ["dy", "w"], null, attributes);
            if (CropsAll(p)) t = Node("Sub", [t, t], null, []);
            long[] pads = [.. new long[2 + Rank], 0, 0, .. Enumerable.Range(0, Rank).Select(i => (long)(p.Input[i] - cropped[i]))];
            Node("Pad", [t, Constant(pads)], "out", []);
            Output("out", p.XShape);
        }

        public void BackwardWeights()
        {
            int n = p.Mb, groups = p.Groups, icg = p.IC / groups;
            int[] cropped = Cropped(p);
            string x = CroppedX();
            // dw[oc, c, kpos] = Σ_n Σ_opos dy[n, oc, opos] · xpad[n, g·C/G + c, opos·s + kpos·dil]: a convolution whose
            // batch is c, whose input channels are (g, n) and whose kernel is dy, with stride and dilation swapped.
            string grouped = Node("Reshape", [x, Constant([n, groups, icg, .. cropped.Select(v => (long)v)])], null, []);
            string swapped = Node("Transpose", [grouped], null, [Ints("perm", [2, 1, 0, .. Enumerable.Range(3, Rank).Select(i => (long)i)])]);
            string input = Node("Reshape", [swapped, Constant([icg, (long)groups * n, .. cropped.Select(v => (long)v)])], null, []);
            Input("dy", p.YShape);
            string kernel = Node("Transpose", ["dy"], null, [Ints("perm", [1, 0, .. Spatial])]);
            string z = Node("Conv", [input, kernel], null, ConvAttributes(p.Output.Select(v => (long)v), p.Dilation, p.Stride, groups, Pads));
            // z's extents are floor((padded − (out−1)·s − 1) / dil) + 1 ≥ k; anything beyond k is no weight's, so z is cut
            // to k (a cut of nothing when it is k). Were it shorter, dw would come out of another shape, which OrtOracle refuses.
            z = Node("Slice", [z, Constant(new long[Rank]), Constant([.. p.Kernel.Select(v => (long)v)]), Constant(Spatial)], null, []);
            Node("Transpose", [z], "out", [Ints("perm", [1, 0, .. Spatial])]);
            Output("out", p.WShape);
        }

        public void BackwardBias()
        {
            Input("dy", p.YShape);
            Node("ReduceSum", ["dy", Constant([0, .. Spatial])], "out", [Int("keepdims", 0)]);
            Output("out", p.BShape);
        }

        private string CroppedX()
        {
            Input("x", p.XShape);
            // Nothing cropped: the Conv reads x itself (a cut of nothing would do too, but ORT's messages name what the Conv reads).
            if (!Crops(p)) return "x";
            int[] cropped = Cropped(p);
            string sliced = Node("Slice", ["x", Constant(new long[Rank]), Constant([.. cropped.Select(v => (long)v)]), Constant(Spatial)], null, []);
            // x − x: zero in x's dtype without a typed constant (inputs are finite).
            return CropsAll(p) ? Node("Sub", [sliced, sliced], null, []) : sliced;
        }

        private static List<AttributeProto> ConvAttributes(IEnumerable<long> kernel, IEnumerable<int> strides, IEnumerable<int> dilations, int group, long[] pads) =>
        [
            Ints("kernel_shape", [.. kernel]),
            Ints("strides", [.. strides.Select(v => (long)v)]),
            Ints("dilations", [.. dilations.Select(v => (long)v)]),
            Ints("pads", pads),
            Int("group", group),
        ];

        private string Node(string op, IEnumerable<string> inputs, string? output, IEnumerable<AttributeProto> attributes)
        {
            output ??= $"t{_names++}";
            // Stryker disable once String : node names are labels (ONNX does not require them); tensors are joined by their own names
            var node = new NodeProto { OpType = op, Name = $"{op}_{_names++}" };
            node.Input.AddRange(inputs);
            node.Output.Add(output);
            node.Attribute.AddRange(attributes);
            Proto.Node.Add(node);
            return output;
        }

        private string Constant(long[] values)
        {
            string name = $"c{_names++}";
            var tensor = new TensorProto { Name = name, DataType = Int64 };
            tensor.Dims.Add(values.Length);
            tensor.Int64Data.AddRange(values);
            Proto.Initializer.Add(tensor);
            return name;
        }

        private void Input(string name, int[] shape) => Proto.Input.Add(Value(name, shape));

        private void Output(string name, int[] shape) => Proto.Output.Add(Value(name, shape));

        private ValueInfoProto Value(string name, int[] shape)
        {
            var tensorShape = new TensorShapeProto();
            foreach (int d in shape) tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
            return new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = ElemType(p.DType), Shape = tensorShape } },
            };
        }

        private static int ElemType(DType dtype) => dtype switch
        {
            DType.Float64 => Double,
            DType.Float16 => Float16,
            DType.BFloat16 => BFloat16,
            _ => Float,
        };

        private static AttributeProto Ints(string name, long[] values)
        {
            var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
            a.Ints.AddRange(values);
            return a;
        }

        private static AttributeProto Int(string name, long value) =>
            new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
    }
}
