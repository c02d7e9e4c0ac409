using System.Collections.Immutable;
using System.Globalization;

namespace ConvVerify.Problems;

/// <summary>A valid problem whose tensors would not fit in .NET arrays; the message names the tensor, its extents and the limit.</summary>
public sealed class ProblemTooLargeException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public ProblemTooLargeException(string message, string paramName) : base(message, paramName) { }

    /// <summary>Creates the exception.</summary>
    public ProblemTooLargeException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public ProblemTooLargeException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with no message.</summary>
    public ProblemTooLargeException() { }
}

/// <summary>
/// One convolution problem with PyTorch semantics: <c>y = conv{1,2,3}d(F.pad(x, pads), w, b, stride, 0, dilation, groups)</c>.
/// Tensors are NC(D)(H)W row-major, weights (OC, IC/G, K...). Immutable and validated on construction:
/// an invalid problem throws <see cref="ArgumentException"/> naming the field and its value.
/// </summary>
/// <remarks>
/// Padding is stored as separate begin and end amounts per spatial dim. An end padding may be negative
/// (trailing input elements are never read, as benchdnn descriptors with a deduced right padding below zero
/// express) as long as it crops at most the whole input and every output extent is at least 1. A dimension cropped away
/// entirely (every window reads padding only, benchdnn's <c>pd-back</c> cases) is stored with an end padding of −in.
/// Dilation is PyTorch's (1 = dense), not benchdnn's zero-based one.
/// </remarks>
public sealed class ConvProblem : IEquatable<ConvProblem>
{
    /// <summary>Spatial rank: 1, 2 or 3 (conv1d, conv2d, conv3d).</summary>
    public int Rank { get; }

    /// <summary>Minibatch N.</summary>
    public int Mb { get; }

    /// <summary>Groups G; <see cref="IC"/> and <see cref="OC"/> are multiples of it.</summary>
    public int Groups { get; }

    /// <summary>Input channels.</summary>
    public int IC { get; }

    /// <summary>Output channels (number of filters).</summary>
    public int OC { get; }

    /// <summary>Input spatial extents, outermost first (D, H, W as the rank has them).</summary>
    public ImmutableArray<int> Input { get; }

    /// <summary>Kernel spatial extents.</summary>
    public ImmutableArray<int> Kernel { get; }

    /// <summary>Strides, each at least 1.</summary>
    public ImmutableArray<int> Stride { get; }

    /// <summary>Padding before the first input element, each at least 0.</summary>
    public ImmutableArray<int> PadBegin { get; }

    /// <summary>
    /// Padding after the last input element that the last output window reads: (out−1)·s + dil·(k−1) + 1 − in − pb
    /// (at least −in: when every window lies in the begin padding, the whole input is cropped).
    /// Negative crops trailing input elements no window reaches. End padding given beyond it is dropped, since it changes no result.
    /// </summary>
    public ImmutableArray<int> PadEnd { get; }

    /// <summary>PyTorch dilation, each at least 1.</summary>
    public ImmutableArray<int> Dilation { get; }

    /// <summary>Output spatial extents: floor((in + pb + pe − dil·(k−1) − 1) / stride) + 1.</summary>
    public ImmutableArray<int> Output { get; }

    /// <summary>Whether the problem has a bias of OC elements.</summary>
    public bool HasBias { get; }

    /// <summary>Element type.</summary>
    public DType DType { get; }

    /// <summary>Optional case name (benchdnn's <c>n"..."</c>), never empty; part of equality.</summary>
    public string? Name { get; }

    /// <summary>Creates and validates a problem. Omitted stride/dilation default to 1, paddings to 0, end padding to the begin padding.</summary>
    /// <param name="mb">Minibatch N ≥ 1.</param>
    /// <param name="groups">Groups ≥ 1 dividing both channel counts.</param>
    /// <param name="ic">Input channels.</param>
    /// <param name="oc">Output channels.</param>
    /// <param name="input">Input extents; its length is the spatial rank (1, 2 or 3).</param>
    /// <param name="kernel">Kernel extents, same length as <paramref name="input"/>.</param>
    /// <param name="stride">Strides, or null for all 1.</param>
    /// <param name="padBegin">Begin paddings, or null for all 0.</param>
    /// <param name="padEnd">End paddings, or null for the same as <paramref name="padBegin"/>.</param>
    /// <param name="dilation">PyTorch dilations, or null for all 1.</param>
    /// <param name="hasBias">Whether a bias is added.</param>
    /// <param name="dtype">Element type.</param>
    /// <param name="name">Optional case name.</param>
    /// <exception cref="ArgumentException">Any field is out of range; the message names it and its value.</exception>
    public ConvProblem(
        int mb, int groups, int ic, int oc,
        IReadOnlyList<int> input, IReadOnlyList<int> kernel,
        IReadOnlyList<int>? stride = null, IReadOnlyList<int>? padBegin = null, IReadOnlyList<int>? padEnd = null,
        IReadOnlyList<int>? dilation = null, bool hasBias = true, DType dtype = DType.Float32, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(kernel);
        Rank = input.Count;
        if (Rank is < 1 or > 3)
            throw new ArgumentException($"input: spatial rank must be 1, 2 or 3, got {Rank} extents", nameof(input));
        Mb = mb;
        Groups = groups;
        IC = ic;
        OC = oc;
        Input = Spatial(input, nameof(input), 0);
        Kernel = Spatial(kernel, nameof(kernel), 0);
        Stride = Spatial(stride, nameof(stride), 1);
        PadBegin = Spatial(padBegin, nameof(padBegin), 0);
        PadEnd = padEnd is null ? PadBegin : Spatial(padEnd, nameof(padEnd), 0);
        Dilation = Spatial(dilation, nameof(dilation), 1);
        HasBias = hasBias;
        DType = Enum.IsDefined(dtype) ? dtype : throw new ArgumentException($"dtype: unknown value {(int)dtype}", nameof(dtype));
        // An empty name is no name: a descriptor cannot tell them apart, and equal problems must print alike.
        Name = string.IsNullOrEmpty(name) ? null : name;
        Output = Validate();
        // Keep only the end padding some window reads: extra padding changes no result, and one stored form
        // makes equal problems equal and lets every problem print as a descriptor that parses back to it.
        // When every window lies in the begin padding, the formula crops the whole input and more: crop exactly the whole
        // input (keeping an element instead could make room for one more window).
        // In long, then back: every term is bounded by the padded extent Validate already checked.
        PadEnd = [.. Enumerable.Range(0, Rank).Select(i => (int)Math.Max(-(long)Input[i],
            (Output[i] - 1L) * Stride[i] + (long)Dilation[i] * (Kernel[i] - 1) + 1 - Input[i] - PadBegin[i]))];
        // Once, here: the element counts are read in loop conditions, and each shape is a new array.
        XSize = Count(XShape);
        WSize = Count(WShape);
        YSize = Count(YShape);
    }

    /// <summary>Creates a problem whose padding is PyTorch's <c>padding="same"</c> or <c>"valid"</c>.</summary>
    /// <exception cref="ArgumentException"><c>same</c> with a stride other than 1, or any invalid field.</exception>
    /// <exception cref="ProblemTooLargeException"><c>same</c> padding of more than <see cref="int.MaxValue"/> elements.</exception>
    public static ConvProblem WithPadding(
        PaddingMode padding, int mb, int groups, int ic, int oc,
        IReadOnlyList<int> input, IReadOnlyList<int> kernel,
        IReadOnlyList<int>? stride = null, IReadOnlyList<int>? dilation = null,
        bool hasBias = true, DType dtype = DType.Float32, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(kernel);
        int rank = input.Count;
        var begin = new int[rank];
        var end = new int[rank];
        if (padding == PaddingMode.Same)
        {
            for (int i = 0; i < rank; i++)
            {
                // The constructor reports a list whose length is not the rank; only what each list holds is read here.
                if (i >= kernel.Count || i >= (stride?.Count ?? rank) || i >= (dilation?.Count ?? rank)) break;
                int s = stride is null ? 1 : stride[i];
                if (s != 1)
                    throw new ArgumentException($"stride: padding=\"same\" needs stride 1 in every dim (as PyTorch), got stride {FormatTuple(stride!)}", nameof(stride));
                int d = dilation is null ? 1 : dilation[i];
                // PyTorch's _conv_forward pads total = d·(k−1), the odd element at the end. In long: in int a large
                // dilation wrapped it, and the constructor then named a padding the caller never gave.
                long total = d * (kernel[i] - 1L);
                if (d >= 1 && kernel[i] >= 1 && total > int.MaxValue)
                    throw new ProblemTooLargeException(
                        $"dilation: padding=\"same\" pads dilation·(k−1) = {d}·{kernel[i] - 1L} = {total} in spatial dim {i}, past {int.MaxValue}, the largest the loops index with",
                        nameof(dilation));
                if (total is < 0 or > int.MaxValue) break; // a kernel or dilation below 1, which the constructor names
                begin[i] = (int)(total / 2);
                end[i] = (int)(total - begin[i]);
            }
        }
        else if (padding != PaddingMode.Valid)
        {
            throw new ArgumentException($"padding: unknown mode {(int)padding}", nameof(padding));
        }
        return new ConvProblem(mb, groups, ic, oc, input, kernel, stride, begin, end, dilation, hasBias, dtype, name);
    }

    /// <summary>Returns a copy with another element type.</summary>
    public ConvProblem WithDType(DType dtype) =>
        new(Mb, Groups, IC, OC, Input, Kernel, Stride, PadBegin, PadEnd, Dilation, HasBias, dtype, Name);

    /// <summary>Returns a copy with or without bias.</summary>
    public ConvProblem WithBias(bool hasBias) =>
        new(Mb, Groups, IC, OC, Input, Kernel, Stride, PadBegin, PadEnd, Dilation, hasBias, DType, Name);

    /// <summary>Returns a copy with another minibatch.</summary>
    /// <exception cref="ArgumentException"><paramref name="mb"/> below 1, or the tensors grow beyond a .NET array.</exception>
    public ConvProblem WithMb(int mb) =>
        new(mb, Groups, IC, OC, Input, Kernel, Stride, PadBegin, PadEnd, Dilation, HasBias, DType, Name);

    /// <summary>Multiply-adds of one direction (forward, dL/dx and dL/dw each take this many): N·OC·Π(out)·(IC/G)·Π(k).</summary>
    public long MultiplyAdds =>
        (long)Mb * OC * Output.Aggregate(1L, (a, b) => a * b) * (IC / Groups) * Kernel.Aggregate(1L, (a, b) => a * b);

    /// <summary>
    /// Iterations of the innermost loop nest the definition (<c>NaiveConv.BackwardData</c>) runs for dL/dx:
    /// N·IC·Π(in)·(OC/G)·Π(k), every input position against every kernel tap, each tap tested against the output grid
    /// and most discarded. It is <see cref="MultiplyAdds"/>·Π(in)/Π(out): a wide kernel over a wide input with one
    /// output position (<c>iw100000kw100000ow1</c>) has 10⁵ multiply-adds but 10¹⁰ visits.
    /// </summary>
    public long DataGradientLoopVisits =>
        (long)Mb * IC * Input.Aggregate(1L, (a, b) => a * b) * (OC / Groups) * Kernel.Aggregate(1L, (a, b) => a * b);

    /// <summary>
    /// Most loop visits of any direction of the definition (the naive engine), which runs its loops in full whatever
    /// the taps that count: forward and dL/dw visit N·OC·Π(out)·(IC/G)·Π(k), <see cref="MultiplyAdds"/> with the taps
    /// landing in padding or cropped input tested and skipped; dL/dx visits <see cref="DataGradientLoopVisits"/>; dL/db
    /// sums dy once. The naive engine's time follows this, not <see cref="MultiplyAdds"/>, so <c>--max-macs</c> holds
    /// it to the same limit wherever that engine computes, and where the exact engine runs the definition's dL/dx.
    /// </summary>
    public long NaiveLoopVisits => Math.Max(MultiplyAdds, DataGradientLoopVisits);

    /// <summary>Returns a copy with another name (null for none).</summary>
    public ConvProblem WithName(string? name) =>
        new(Mb, Groups, IC, OC, Input, Kernel, Stride, PadBegin, PadEnd, Dilation, HasBias, DType, name);

    /// <summary>Shape of x: (N, IC, in...).</summary>
    public int[] XShape => [Mb, IC, .. Input];

    /// <summary>Shape of w: (OC, IC/G, k...).</summary>
    public int[] WShape => [OC, IC / Groups, .. Kernel];

    /// <summary>Shape of b: (OC).</summary>
    public int[] BShape => [OC];

    /// <summary>Shape of y and dL/dy: (N, OC, out...).</summary>
    public int[] YShape => [Mb, OC, .. Output];

    /// <summary>Element count of x.</summary>
    public int XSize { get; }

    /// <summary>Element count of w.</summary>
    public int WSize { get; }

    /// <summary>Element count of b (0 without bias).</summary>
    public int BSize => HasBias ? OC : 0;

    /// <summary>Element count of y.</summary>
    public int YSize { get; }

    /// <summary>The spatial letters of this rank, outermost first: "w", "hw" or "dhw".</summary>
    public string DimLetters => Rank switch { 1 => "w", 2 => "hw", _ => "dhw" };

    /// <summary>Every spatial field as a 3-D extent with unit (or zero) values prepended, as benchdnn treats all problems.</summary>
    internal (SpatialDim D, SpatialDim H, SpatialDim W) To3D()
    {
        SpatialDim At(int i) => i < 3 - Rank ? new(1, 1, 1, 0, 1, 1)
            : new(Input[i - 3 + Rank], Kernel[i - 3 + Rank], Stride[i - 3 + Rank], PadBegin[i - 3 + Rank], Dilation[i - 3 + Rank], Output[i - 3 + Rank]);
        return (At(0), At(1), At(2));
    }

    /// <inheritdoc/>
    public override string ToString() => BenchdnnDescriptor.Format(this);

    /// <inheritdoc/>
    public bool Equals(ConvProblem? other) =>
        other is not null && Rank == other.Rank && Mb == other.Mb && Groups == other.Groups && IC == other.IC && OC == other.OC
        && Input.SequenceEqual(other.Input) && Kernel.SequenceEqual(other.Kernel) && Stride.SequenceEqual(other.Stride)
        && PadBegin.SequenceEqual(other.PadBegin) && PadEnd.SequenceEqual(other.PadEnd) && Dilation.SequenceEqual(other.Dilation)
        && HasBias == other.HasBias && DType == other.DType && Name == other.Name;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ConvProblem);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Mb); h.Add(Groups); h.Add(IC); h.Add(OC); h.Add(HasBias); h.Add(DType); h.Add(Name);
        foreach (var a in new[] { Input, Kernel, Stride, PadBegin, PadEnd, Dilation })
            foreach (int v in a) h.Add(v);
        return h.ToHashCode();
    }

    private ImmutableArray<int> Spatial(IReadOnlyList<int>? values, string field, int fill)
    {
        if (values is null) return [.. Enumerable.Repeat(fill, Rank)];
        if (values.Count != Rank)
            throw new ArgumentException($"{field}: expected {Rank} extents (one per spatial dim of input), got {values.Count}: {FormatTuple(values)}", field);
        return [.. values];
    }

    private ImmutableArray<int> Validate()
    {
        Positive(Mb, "mb");
        Positive(Groups, "groups");
        Positive(IC, "ic");
        Positive(OC, "oc");
        if (IC % Groups != 0) throw new ArgumentException($"ic: {IC} input channels are not divisible by groups={Groups}", "ic");
        if (OC % Groups != 0) throw new ArgumentException($"oc: {OC} output channels are not divisible by groups={Groups}", "oc");
        var output = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            string dim = DimLetters[i].ToString();
            Positive(Input[i], "i" + dim);
            Positive(Kernel[i], "k" + dim);
            Positive(Stride[i], "s" + dim, "stride");
            Positive(Dilation[i], "d" + dim, "dilation");
            if (PadBegin[i] < 0)
                throw new ArgumentException($"p{dim}: begin padding must be >= 0, got {PadBegin[i]}", "padBegin");
            // Cropping the whole dimension is a problem whose every window reads padding only (benchdnn's "pd-back(-2)" cases).
            if ((long)Input[i] + PadEnd[i] < 0)
                throw new ArgumentException(
                    $"pe{dim}: end padding {PadEnd[i]} would crop {-(long)PadEnd[i]} elements, more than the {Input[i]} input elements of {dim}", "padEnd");
            long padded = (long)Input[i] + PadBegin[i] + PadEnd[i];
            long span = (long)Dilation[i] * (Kernel[i] - 1) + 1;
            if (padded < span)
                throw new ArgumentException(
                    $"k{dim}: dilated kernel extent {span} (k={Kernel[i]}, dilation={Dilation[i]}) exceeds the padded input {padded} "
                    + $"(i={Input[i]} + pb={PadBegin[i]} + pe={PadEnd[i]}): the output would be empty", "kernel");
            long o = (padded - span) / Stride[i] + 1;
            if (o > Array.MaxLength)
                throw new ProblemTooLargeException($"o{dim}: output extent {o} (i={Input[i]}, pb={PadBegin[i]}, pe={PadEnd[i]}) is larger than any tensor can hold", "input");
            // The loops index padded coordinates (o·s + k·dil up to the last window's end, i + pb for every input) in
            // int; past int.MaxValue they would wrap. End padding no window reads is dropped, so it does not count.
            long inputs = (long)Input[i] + PadBegin[i], windows = (o - 1) * Stride[i] + span, reach = Math.Max(inputs, windows);
            if (reach - 1 > int.MaxValue)
                throw new ProblemTooLargeException(
                    $"p{dim}: the padded input extent {reach} (i={Input[i]}, pb={PadBegin[i]}, pe={PadEnd[i]}) puts coordinates past {int.MaxValue}, the largest the loops index with",
                    inputs >= windows ? "padBegin" : "padEnd");
            output[i] = (int)o;
        }
        CheckSize("x", [Mb, IC, .. Input]);
        CheckSize("w", [OC, IC / Groups, .. Kernel]);
        CheckSize("y", [Mb, OC, .. output]);
        return [.. output];
    }

    private static void Positive(int value, string field, string? param = null)
    {
        if (value < 1) throw new ArgumentException($"{field}: must be >= 1, got {value}", param ?? field);
    }

    private static void CheckSize(string tensor, int[] shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            n *= d;
            if (n > Array.MaxLength)
                throw new ProblemTooLargeException($"{tensor}: shape {FormatTuple(shape)} holds more elements than a .NET array can ({Array.MaxLength})", tensor);
        }
    }

    private static int Count(int[] shape)
    {
        int n = 1;
        foreach (int d in shape) n *= d;
        return n;
    }

    /// <summary>Formats extents as a tuple, as Python and numpy write one: "(2, 3, 5)", "(432,)" for one extent, "()" for none.</summary>
    public static string FormatTuple(IEnumerable<int> v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return FormatShape([.. v.Select(d => (long)d)]);
    }

    // A file's shape is read as longs (a hostile header may give any extent), a problem's as ints: one writing for both,
    // so a message setting them side by side ("shape is (432,), expected (2, 6, 6, 6)") writes them alike. One extent
    // was "(432)", which in Python is no tuple but the number 432.
    internal static string FormatShape(IReadOnlyList<long> shape) =>
        shape.Count == 1 ? string.Create(CultureInfo.InvariantCulture, $"({shape[0]},)")
        : "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
}
