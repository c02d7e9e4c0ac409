using ConvVerify.Problems;
using Onnx;

namespace ConvVerify.Fixtures;

/// <summary>
/// A single-node ONNX <c>Conv</c> model mapped to a <see cref="ConvProblem"/>: which graph values are x, w and b, and the
/// problem its attributes describe with x's and w's shapes.
/// </summary>
/// <param name="Model">The parsed model.</param>
/// <param name="X">The name of the Conv's data input.</param>
/// <param name="W">The name of its weight input.</param>
/// <param name="B">The name of its bias input, or null without bias.</param>
/// <param name="Y">The name of its output.</param>
internal sealed record OnnxConvModel(ModelProto Model, string X, string W, string? B, string Y)
{
    private static readonly HashSet<string> KnownAttributes = ["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"];

    /// <summary>The model's single Conv node and its tensor names.</summary>
    /// <exception cref="OnnxSkipException">Not exactly one node, not Conv (or not in the default domain): <see cref="OnnxSkipException.NotConv"/>;
    /// no graph (which cannot say whether it is a Conv), or an unsupported attribute.</exception>
    public static OnnxConvModel From(ModelProto model, string path)
    {
        var graph = model.Graph ?? throw new OnnxSkipException($"{path}: the model has no graph");
        if (graph.Node.Count != 1)
        {
            var ops = graph.Node.Select(n => n.OpType).Distinct().ToList();
            throw new OnnxSkipException($"{path}: {graph.Node.Count} nodes ({string.Join(", ", ops.Take(4))}{(ops.Count > 4 ? ", ..." : "")}), only single-node Conv models are imported") { NotConv = true };
        }
        var node = graph.Node[0];
        if (node.OpType != "Conv" || node.Domain is not ("" or "ai.onnx"))
            throw new OnnxSkipException($"{path}: the node is {(node.Domain is "" or "ai.onnx" ? "" : node.Domain + ".")}{node.OpType}, not Conv") { NotConv = true };
        if (node.Attribute.FirstOrDefault(a => !KnownAttributes.Contains(a.Name)) is { } unknown)
            throw new OnnxSkipException($"{path}: unsupported Conv attribute '{unknown.Name}'");
        // ONNX allows each attribute once; reading the first of two strides would check a Conv other than the one another
        // runtime (or the test's expected output) takes.
        if (node.Attribute.GroupBy(a => a.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new OnnxSkipException($"{path}: Conv attribute '{twice.Key}' is given {twice.Count()} times (ONNX allows each attribute once)");
        if (node.Input.Count is < 2 or > 3 || node.Output.Count != 1)
            throw new OnnxSkipException($"{path}: Conv with {node.Input.Count} inputs and {node.Output.Count} outputs (expected X, W[, B] and Y)");
        string? bias = node.Input.Count == 3 && node.Input[2].Length > 0 ? node.Input[2] : null;
        return new OnnxConvModel(model, node.Input[0], node.Input[1], bias, node.Output[0]);
    }

    /// <summary>The Conv node.</summary>
    public NodeProto Node => Model.Graph.Node[0];

    /// <summary>
    /// The problem of x and w of these shapes under the node's attributes, with PyTorch's semantics: explicit pads as
    /// begin/end amounts; SAME_UPPER and SAME_LOWER pad to out = ceil(in/stride) with the odd element at the end or the
    /// begin; VALID pads nothing.
    /// </summary>
    /// <param name="x">X's shape.</param>
    /// <param name="xSource">Where X comes from (its <c>input_N.pb</c>, or the model's initializer), named when X's rank is wrong.</param>
    /// <param name="w">W's shape.</param>
    /// <param name="wSource">Where W comes from, named when W's rank is not X's.</param>
    /// <param name="hasBias">Whether the Conv has a bias input.</param>
    /// <param name="name">The problem's name.</param>
    /// <param name="path">The model's path, named when its attributes do not fit.</param>
    /// <exception cref="OnnxSkipException">Shapes that do not fit, attributes of the wrong length or kind, or a problem ConvProblem rejects.</exception>
    public ConvProblem Problem(int[] x, string xSource, int[] w, string wSource, bool hasBias, string name, string path)
    {
        // A rank is the tensor file's own fault, not the model's: the file is named.
        if (x.Length is < 3 or > 5) throw new OnnxSkipException($"{xSource}: X has shape {ConvProblem.FormatTuple(x)}; conv1d–3d need rank 3 to 5");
        int rank = x.Length - 2;
        if (w.Length != x.Length)
            throw new OnnxSkipException($"{wSource}: W has shape {ConvProblem.FormatTuple(w)}, but X ({xSource}) has {ConvProblem.FormatTuple(x)}: ranks differ");
        // An empty extent is the data's fault: the file it came from is named, not the model (a batch of 0 in input_0.pb
        // was reported as "model.onnx: mb: must be >= 1").
        string letters = "dhw"[(3 - rank)..];
        NoEmptyExtent("X", x, xSource, ["mb", "ic", .. letters.Select(c => $"i{c}")]);
        NoEmptyExtent("W", w, wSource, ["oc", "ic per group", .. letters.Select(c => $"k{c}")]);
        bool groupGiven = Attribute("group") is not null;
        int group = (int)Int("group", 1, path);
        // Without a group attribute, channels that disagree are the data's: X's and W's files are named.
        if (!groupGiven && w[1] != x[1])
            throw new OnnxSkipException($"{wSource}: W has shape {ConvProblem.FormatTuple(w)}, but X ({xSource}) has {ConvProblem.FormatTuple(x)}: W's {w[1]} input channels differ from X's {x[1]} (the model has no group attribute, so group is 1)");
        // In long: W's 2^30 + 1 channels per group times 4 groups wrapped to X's 4 channels, and W's shape was taken as fitting.
        if (group < 1 || x[1] % group != 0 || (long)w[1] * group != x[1])
            throw new OnnxSkipException($"{path}: group={group} does not fit X's {x[1]} channels and W's {w[1]} per group");
        int[] kernel = w[2..];
        if (Ints("kernel_shape", rank, path) is { } ks && !ks.SequenceEqual(kernel))
            throw new OnnxSkipException($"{path}: kernel_shape {ConvProblem.FormatTuple(ks)} differs from W's spatial shape {ConvProblem.FormatTuple(kernel)} ({wSource})");
        int[] stride = Ints("strides", rank, path) ?? [.. Enumerable.Repeat(1, rank)];
        int[] dilation = Ints("dilations", rank, path) ?? [.. Enumerable.Repeat(1, rank)];
        int[] input = x[2..];
        // An absent auto_pad reads as an empty one: ONNX takes both as NOTSET.
        string autoPad = String("auto_pad", "", path);
        int[]? pads = Ints("pads", 2 * rank, path);
        int[] begin = new int[rank], end = new int[rank];
        switch (autoPad)
        {
            case "NOTSET" or "":
                if (pads is not null)
                {
                    begin = pads[..rank];
                    end = pads[rank..];
                }
                break;
            case "VALID":
                break;
            case "SAME_UPPER" or "SAME_LOWER":
                for (int i = 0; i < rank; i++)
                {
                    if (stride[i] < 1 || dilation[i] < 1) break; // ConvProblem names the bad value
                    long output = (input[i] + stride[i] - 1L) / stride[i];
                    // In long: a dilation near int.MaxValue makes the padding larger than an int, which wrapped to a negative pad.
                    // No long overflows: (output - 1) * stride is below input, and (kernel - 1) * dilation below 2^62.
                    long total = Math.Max(0, (output - 1) * stride[i] + (long)(kernel[i] - 1) * dilation[i] + 1 - input[i]);
                    // ConvProblem's own limit on the padded extent, checked here so the message names the attributes, not a derived pad.
                    if (input[i] + total - 1 > int.MaxValue)
                        throw new OnnxSkipException($"{path}: auto_pad={autoPad} with dilations {ConvProblem.FormatTuple(dilation)}, strides {ConvProblem.FormatTuple(stride)} "
                            + $"and W's kernel {ConvProblem.FormatTuple(kernel)} pads X's axis {i + 2} ({input[i]} elements) by {total}: its last padded index "
                            + $"{input[i] + total - 1} is past {int.MaxValue}, the largest ConvVerify's loops index with");
                    int small = (int)(total / 2), large = (int)(total - small);
                    (begin[i], end[i]) = autoPad == "SAME_UPPER" ? (small, large) : (large, small);
                }
                break;
            default:
                throw new OnnxSkipException($"{path}: unsupported auto_pad '{autoPad}' (expected NOTSET, SAME_UPPER, SAME_LOWER or VALID)");
        }
        if (autoPad is not ("NOTSET" or "") && pads is not null)
            throw new OnnxSkipException($"{path}: both auto_pad={autoPad} and pads are given");
        if (pads is not null && pads.Any(v => v < 0))
            throw new OnnxSkipException($"{path}: negative pads {ConvProblem.FormatTuple(pads)} (ONNX pads must be >= 0)");
        try
        {
            return new ConvProblem(x[0], group, x[1], w[0], input, kernel, stride, begin, end, dilation, hasBias, DType.Float32, name);
        }
        catch (ArgumentException e)
        {
            // What ConvProblem refuses is named after where its value came from: a tensor's size after its file, the
            // attributes after the model, and a disagreement between them after the model with both files. The group is
            // not among the attributes here: a group below 1 is refused above, so ConvProblem never names it.
            string where = e.ParamName switch
            {
                "x" => xSource,
                "w" => wSource,
                "stride" or "dilation" => path,
                _ => $"{path} with X {ConvProblem.FormatTuple(x)} from {xSource} and W {ConvProblem.FormatTuple(w)} from {wSource}",
            };
            throw new OnnxSkipException($"{where}: {e.Plain()}", e);
        }
    }

    // ConvProblem's names for the extents (mb, ic, ih, ...), so the message reads as its own would, under the file's name.
    private static void NoEmptyExtent(string tensor, int[] shape, string source, string[] names)
    {
        int i = Array.FindIndex(shape, d => d < 1);
        if (i >= 0)
            throw new OnnxSkipException($"{source}: {tensor} has shape {ConvProblem.FormatTuple(shape)}: {names[i]}: must be >= 1, got {shape[i]}");
    }

    private AttributeProto? Attribute(string name) => Node.Attribute.FirstOrDefault(a => a.Name == name);

    private long Int(string name, long fallback, string path)
    {
        if (Attribute(name) is not { } a) return fallback;
        if (a.Type != AttributeProto.Types.AttributeType.Int) throw new OnnxSkipException($"{path}: attribute {name} is {a.Type}, expected INT");
        if (a.I is < int.MinValue or > int.MaxValue) throw new OnnxSkipException($"{path}: attribute {name}={a.I} is out of range");
        return a.I;
    }

    private int[]? Ints(string name, int count, string path)
    {
        if (Attribute(name) is not { } a) return null;
        if (a.Type != AttributeProto.Types.AttributeType.Ints) throw new OnnxSkipException($"{path}: attribute {name} is {a.Type}, expected INTS");
        if (a.Ints.Count != count)
            throw new OnnxSkipException($"{path}: attribute {name} has {a.Ints.Count} values ({string.Join(", ", a.Ints)}), expected {count} for this rank");
        if (a.Ints.Any(v => v is < int.MinValue or > int.MaxValue)) throw new OnnxSkipException($"{path}: attribute {name} ({string.Join(", ", a.Ints)}) is out of range");
        return [.. a.Ints.Select(v => (int)v)];
    }

    private string String(string name, string fallback, string path)
    {
        if (Attribute(name) is not { } a) return fallback;
        if (a.Type != AttributeProto.Types.AttributeType.String) throw new OnnxSkipException($"{path}: attribute {name} is {a.Type}, expected STRING");
        return a.S.ToStringUtf8();
    }
}
