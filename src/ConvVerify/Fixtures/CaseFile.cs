using System.Text.Json;
using System.Text.Json.Serialization;
using ConvVerify.Cases;
using ConvVerify.Problems;

namespace ConvVerify.Fixtures;

/// <summary>
/// <c>case.json</c>: one case with PyTorch semantics, readable without ConvVerify. See docs/fixture-format.md.
/// </summary>
public sealed record CaseFile
{
    /// <summary>The case id as written (readers go by the folder name; optional in hand-made packs).</summary>
    [JsonPropertyName("id")] public string? Id { get; init; }

    /// <summary>Canonical benchdnn descriptor (informational; the fields below are authoritative; optional in hand-made packs).</summary>
    [JsonPropertyName("descriptor")] public string? Descriptor { get; init; }

    /// <summary>The case name from the catalog (benchdnn's n"..."), or null.</summary>
    [JsonPropertyName("name")] public string? Name { get; init; }

    /// <summary>Spatial rank 1, 2 or 3.</summary>
    [JsonPropertyName("rank")] public required int Rank { get; init; }

    /// <summary>Minibatch.</summary>
    [JsonPropertyName("mb")] public required int Mb { get; init; }

    /// <summary>Groups.</summary>
    [JsonPropertyName("groups")] public required int Groups { get; init; }

    /// <summary>Input channels.</summary>
    [JsonPropertyName("ic")] public required int IC { get; init; }

    /// <summary>Output channels.</summary>
    [JsonPropertyName("oc")] public required int OC { get; init; }

    /// <summary>Input extents.</summary>
    [JsonPropertyName("input")] public required int[] Input { get; init; }

    /// <summary>Kernel extents.</summary>
    [JsonPropertyName("kernel")] public required int[] Kernel { get; init; }

    /// <summary>Strides.</summary>
    [JsonPropertyName("stride")] public required int[] Stride { get; init; }

    /// <summary>Begin paddings.</summary>
    [JsonPropertyName("pad_begin")] public required int[] PadBegin { get; init; }

    /// <summary>End paddings (negative: crop). Padding beyond what any window reads is accepted and has no effect.</summary>
    [JsonPropertyName("pad_end")] public required int[] PadEnd { get; init; }

    /// <summary>PyTorch dilations (≥ 1).</summary>
    [JsonPropertyName("dilation")] public required int[] Dilation { get; init; }

    /// <summary>Output extents: redundant, derived from the other fields; checked when present (optional in hand-made packs).</summary>
    [JsonPropertyName("output")] public int[]? Output { get; init; }

    /// <summary>Whether the case has a bias.</summary>
    [JsonPropertyName("bias")] public required bool Bias { get; init; }

    /// <summary>"float32", "float64", "bfloat16" or "float16": what the .npy files hold.</summary>
    [JsonPropertyName("dtype")] public required string DType { get; init; }

    /// <summary>"integer" or "normal"; another fill (a hand-made pack's) is compared with the normal fill's rule, with a warning.</summary>
    [JsonPropertyName("fill")] public required string Fill { get; init; }

    /// <summary>The seed the inputs were generated from (below <see cref="ConvCase.SeedLimit"/>, so JSON readers keep it exact).</summary>
    [JsonPropertyName("seed")] public required ulong Seed { get; init; }

    // Descriptors hold quotes; the relaxed encoder writes them as " rather than \u0022, still valid JSON. A key given twice
    // is refused when read: by default the last would win, and a hand-edited file could say one thing to a reader and
    // another to us. A key this reader does not know is refused too: it may say something about the case ("layout",
    // "padding_mode") that, ignored, would have the data checked as another problem (writing is unaffected by either).
    internal static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private static readonly string[] Keys = JsonRefusal.KeysOf<CaseFile>();

    private static readonly string[] RequiredKeys = JsonRefusal.RequiredKeysOf<CaseFile>();

    /// <summary>The file of a case.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The case's seed is not below <see cref="ConvCase.SeedLimit"/>.</exception>
    public static CaseFile From(ConvCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.Seed >= ConvCase.SeedLimit)
            throw new ArgumentOutOfRangeException(nameof(c), c.Seed, $"case {c.Id}: a pack records seeds below 2^53 (other languages' JSON readers round larger integers), got {c.Seed}");
        var p = c.Problem;
        return new CaseFile
        {
            Id = c.Id, Descriptor = BenchdnnDescriptor.Format(p), Name = p.Name, Rank = p.Rank, Mb = p.Mb, Groups = p.Groups, IC = p.IC, OC = p.OC,
            Input = [.. p.Input], Kernel = [.. p.Kernel], Stride = [.. p.Stride], PadBegin = [.. p.PadBegin], PadEnd = [.. p.PadEnd],
            Dilation = [.. p.Dilation], Output = [.. p.Output], Bias = p.HasBias, DType = DTypeName(p.DType),
            Fill = ConvCase.FillName(c.Fill), Seed = c.Seed,
        };
    }

    /// <summary>The case this file describes.</summary>
    /// <exception cref="FixtureException">An invalid field; the message names <paramref name="path"/> and the field.</exception>
    public ConvCase ToCase(string path) => ToCase(path, null);

    /// <summary>
    /// As <see cref="ToCase(string)"/>; a fill this reader does not know is read with the normal fill's comparison rule
    /// (the safe one for arbitrary values) and said in <paramref name="warnings"/> (an error when that is null).
    /// </summary>
    /// <exception cref="FixtureException">An invalid field; the message names <paramref name="path"/> and the field.</exception>
    public ConvCase ToCase(string path, ICollection<string>? warnings)
    {
        // Only the long names: case.json says what the .npy files hold, in torch's words. The values quoted below are
        // someone else's text: written out, their control characters cannot forge report lines or drive the terminal.
        var dtype = DType is "float32" or "float64" or "bfloat16" or "float16" ? DTypes.TryParse(DType)!.Value
            : throw new FixtureException($"{path}: dtype must be \"float32\", \"float64\", \"bfloat16\" or \"float16\", got \"{PackPaths.Printable(DType ?? "")}\"");
        bool unknown = false;
        var fill = Fill switch
        {
            "integer" => Cases.Fill.Integer,
            "normal" => Cases.Fill.Normal,
            _ when warnings is not null && Fill is not null => UnknownFill(),
            _ => throw new FixtureException($"{path}: fill must be \"integer\" or \"normal\", got \"{PackPaths.Printable(Fill ?? "")}\""),
        };
        Cases.Fill UnknownFill()
        {
            warnings.Add($"{path}: unknown fill \"{PackPaths.Printable(Fill)}\", compared within the sound bound (not exactly, nor by the probabilistic tier, which models ConvVerify's normal fill)");
            unknown = true;
            return Cases.Fill.Normal;
        }
        // Before the rank sizes anything: a stand-in output of new int[Rank] must not overflow or claim gigabytes.
        if (Rank is < 1 or > 3) throw new FixtureException($"{path}: rank must be 1, 2 or 3, got {Rank}");
        foreach (var (field, values) in new[] { ("input", Input), ("kernel", Kernel), ("stride", Stride), ("pad_begin", PadBegin), ("pad_end", PadEnd), ("dilation", Dilation), ("output", Output ?? new int[Rank]) })
        {
            if (values is null) throw new FixtureException($"{path}: {field} is missing or null");
            if (values.Length != Rank) throw new FixtureException($"{path}: rank is {Rank} but {field} has {values.Length} extents");
        }
        // In the file's words before the problem's: ConvProblem names a field by benchdnn's token ("ph", "peh", "dw"),
        // which a case.json writer never wrote.
        for (int i = 0; i < Rank; i++)
        {
            foreach (var (field, values) in new[] { ("input", Input), ("kernel", Kernel), ("stride", Stride) })
                if (values[i] < 1) throw new FixtureException($"{path}: {field}[{i}] must be >= 1, got {values[i]}");
            if (Dilation[i] < 1) throw new FixtureException($"{path}: dilation[{i}] must be >= 1 (PyTorch's dilation: 1 is none), got {Dilation[i]}");
            if (PadBegin[i] < 0) throw new FixtureException($"{path}: pad_begin[{i}] must be >= 0, got {PadBegin[i]}");
            if (PadEnd[i] < -Input[i])
                throw new FixtureException($"{path}: pad_end[{i}] must be >= -input[{i}] ({-Input[i]}: it crops at most the whole input), got {PadEnd[i]}");
        }
        ConvProblem p;
        try
        {
            p = new ConvProblem(Mb, Groups, IC, OC, Input, Kernel, Stride, PadBegin, PadEnd, Dilation, Bias, dtype, Name);
        }
        catch (ArgumentException e)
        {
            throw new FixtureException($"{path}: {e.Plain()}", e);
        }
        if (Seed >= ConvCase.SeedLimit)
            throw new FixtureException($"{path}: seed must be below 2^53 (other languages' JSON readers round larger integers, and would make other inputs), got {Seed}");
        if (Output is not null && !p.Output.SequenceEqual(Output))
            throw new FixtureException($"{path}: output {ConvProblem.FormatTuple(Output)} does not follow from the other fields (they give {ConvProblem.FormatTuple(p.Output)})");
        return new ConvCase(p, fill, Seed) { ForeignInputs = unknown };
    }

    /// <summary>
    /// Largest case.json read: 1 MiB. Every committed one is under 700 bytes (a dozen short fields); read whole with no
    /// limit, a 2 GB file (or one that is all zeros behind its size) ended in an OutOfMemoryException naming no file.
    /// </summary>
    public const long MaxBytes = 1L << 20;

    /// <summary>Reads and validates a case.json.</summary>
    /// <exception cref="FixtureException">Missing, not a regular file, larger than <see cref="MaxBytes"/>, not UTF-8 (<see cref="Utf8Text"/>), not JSON, missing fields, or invalid values.</exception>
    public static CaseFile Read(string path) => Parse(path, PackPaths.ReadWhole(path, "case.json", MaxBytes));

    /// <summary>As <see cref="Read"/>, of the bytes already read from <paramref name="path"/> (a pack hashes them first).</summary>
    internal static CaseFile Parse(string path, byte[] bytes)
    {
        if (!Utf8Text.TryText(bytes, "JSON file", out var utf8, out string? notUtf8)) throw new FixtureException($"{path}: {notUtf8}");
        string text = System.Text.Encoding.UTF8.GetString(utf8.Span);
        try
        {
            return JsonSerializer.Deserialize<CaseFile>(text, Options) ?? throw new FixtureException($"{path}: not a valid case.json ({JsonRefusal.NoObject("null")})");
        }
        catch (JsonException e)
        {
            throw new FixtureException($"{path}: {JsonRefusal.Message(e, "case.json", Keys, RequiredKeys, text)}", e);
        }
    }

    /// <summary>Writes the file.</summary>
    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Options) + "\n");

    /// <summary>"float32", "float64", "bfloat16" or "float16".</summary>
    public static string DTypeName(DType dtype) => DTypes.NumpyName(dtype);
}
