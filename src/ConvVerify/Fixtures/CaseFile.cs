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

    /// <summary>The keys of <typeparamref name="TFile"/>'s JSON, in declaration order.</summary>
    internal static string[] KeysOf<TFile>() =>
        [.. typeof(TFile).GetProperties().Select(p => p.GetCustomAttributes(typeof(JsonPropertyNameAttribute), false).OfType<JsonPropertyNameAttribute>().FirstOrDefault()?.Name).OfType<string>()];

    /// <summary>The keys <typeparamref name="TFile"/>'s JSON must have, in declaration order.</summary>
    internal static string[] RequiredKeysOf<TFile>() =>
        [.. typeof(TFile).GetProperties().Where(p => p.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.RequiredMemberAttribute"))
            .Select(p => p.GetCustomAttributes(typeof(JsonPropertyNameAttribute), false).OfType<JsonPropertyNameAttribute>().FirstOrDefault()?.Name).OfType<string>()];

    /// <summary>
    /// The message for a file of <paramref name="kind"/> that <see cref="JsonSerializer"/> refused, in the file's words
    /// rather than .NET's (which name C# types, "System.Int32", and a byte position): for a key it does not know, that key,
    /// its line and the keys there are; for a missing key, the keys the file must have (<paramref name="required"/>); for
    /// a value of the wrong kind, its key (with its index in a list), its line, the kind it must be and the value written
    /// there (read again from <paramref name="json"/>, the file's text); anything else as <see cref="ErrorText.Located"/> says it.
    /// </summary>
    internal static string Refusal(JsonException e, string kind, IReadOnlyList<string> keys, IReadOnlyList<string>? required = null, string? json = null)
    {
        var unknown = System.Text.RegularExpressions.Regex.Match(e.Message, "^The JSON property '(.*)' could not be mapped to any \\.NET member", System.Text.RegularExpressions.RegexOptions.Singleline);
        if (unknown.Success)
        {
            string line = e.LineNumber is long n ? $" on line {n + 1}" : "";
            return $"not a valid {kind} (unknown key \"{PackPaths.Printable(unknown.Groups[1].Value)}\"{line}; its keys are {string.Join(", ", keys)}, and one this reader does not know might change what the file means)";
        }
        var missing = System.Text.RegularExpressions.Regex.Match(e.Message, "^JSON deserialization for type '[^']*' was missing required properties including: (.*?)\\.( Path:|$)", System.Text.RegularExpressions.RegexOptions.Singleline);
        if (missing.Success && required is not null)
        {
            var names = System.Text.RegularExpressions.Regex.Matches(missing.Groups[1].Value, "'([^']*)'").Select(m => $"\"{PackPaths.Printable(m.Groups[1].Value)}\"").ToList();
            return $"not a valid {kind} (missing key{(names.Count == 1 ? "" : "s")} {string.Join(", ", names)}; the keys it must have are {string.Join(", ", required)})";
        }
        var wrongKind = System.Text.RegularExpressions.Regex.Match(e.Message, "^The JSON value could not be converted to ([^ ]+?)\\. Path:", System.Text.RegularExpressions.RegexOptions.Singleline);
        if (wrongKind.Success && json is not null && e.Path is { } path && ValueAt(json, path) is { } value)
        {
            string must = KindOf(wrongKind.Groups[1].Value);
            if (path == "$") return $"not a valid {kind} (the file must hold one JSON object, got {value})";
            string line = e.LineNumber is long n ? $" on line {n + 1}" : "";
            return $"not a valid {kind} (\"{PackPaths.Printable(KeyOf(path))}\"{line} must be {must}, got {value})";
        }
        return $"not a valid {kind} ({e.Located()})";
    }

    // The .NET type System.Text.Json names, as the kind of JSON value a writer must put there.
    private static string KindOf(string type) => type switch
    {
        "System.Int32" or "System.Int64" => "an integer",
        "System.UInt64" => "an integer from 0 to 2^53 - 1",
        "System.Boolean" => "true or false",
        "System.String" => "a string",
        "System.Int32[]" => "a list of integers",
        "System.String[]" => "a list of strings",
        _ when type.StartsWith("System.Collections.Generic.Dictionary", StringComparison.Ordinal) => "an object",
        _ when type.StartsWith("System.Collections.Generic.", StringComparison.Ordinal) => "a list",
        _ => "an object",
    };

    // "$.input[1]" as the file's words, "input[1]"; "$['manifest-sha256']" as "manifest-sha256".
    private static string KeyOf(string path)
    {
        var parts = PathParts(path) ?? [path];
        var text = new System.Text.StringBuilder();
        foreach (var part in parts)
        {
            if (part is int i) text.Append('[').Append(i).Append(']');
            else text.Append(text.Length == 0 ? "" : ".").Append((string)part);
        }
        return text.ToString();
    }

    // The parts of a System.Text.Json path: names (string) and list indices (int); null when it is not one.
    private static List<object>? PathParts(string path)
    {
        var m = System.Text.RegularExpressions.Regex.Match(path, @"^\$((\.(?<name>[^.\[]+))|(\['(?<quoted>(?:[^']|'')*)'\])|(\[(?<index>\d+)\]))*$");
        if (!m.Success) return null;
        var parts = new List<(int At, object Part)>();
        parts.AddRange(m.Groups["name"].Captures.Select(c => (c.Index, (object)c.Value)));
        parts.AddRange(m.Groups["quoted"].Captures.Select(c => (c.Index, (object)c.Value.Replace("''", "'", StringComparison.Ordinal))));
        parts.AddRange(m.Groups["index"].Captures.Select(c => (c.Index, (object)int.Parse(c.Value, System.Globalization.CultureInfo.InvariantCulture))));
        return [.. parts.OrderBy(p => p.At).Select(p => p.Part)];
    }

    // The value at a System.Text.Json path of the text, as a message quotes it: on one line, control characters written
    // out (someone else's text: it could forge report lines or drive the terminal), and at most 60 characters.
    private static string? ValueAt(string json, string path)
    {
        if (PathParts(path) is not { } parts) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var at = doc.RootElement;
            foreach (var part in parts)
            {
                if (part is int i ? at.ValueKind != JsonValueKind.Array || i >= at.GetArrayLength() : at.ValueKind != JsonValueKind.Object || !at.TryGetProperty((string)part, out _))
                    return null;
                at = part is int j ? at[j] : at.GetProperty((string)part);
            }
            string text = at.ValueKind == JsonValueKind.String ? $"\"{at.GetString()}\"" : Compact(at);
            text = PackPaths.Printable(text);
            return text.Length > 60 ? text[..59] + "…" : text;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // An array or object without the file's line breaks and indentation, elements apart by ", " as people write them.
    private static string Compact(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => "[" + string.Join(", ", e.EnumerateArray().Select(Compact)) + "]",
        JsonValueKind.Object => "{" + string.Join(", ", e.EnumerateObject().Select(p => $"{JsonSerializer.Serialize(p.Name)}: {Compact(p.Value)}")) + "}",
        _ => e.GetRawText(),
    };

    private static readonly string[] Keys = KeysOf<CaseFile>();

    private static readonly string[] RequiredKeys = RequiredKeysOf<CaseFile>();

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
        var fill = Fill switch
        {
            "integer" => Cases.Fill.Integer,
            "normal" => Cases.Fill.Normal,
            _ when warnings is not null && Fill is not null => UnknownFill(),
            _ => throw new FixtureException($"{path}: fill must be \"integer\" or \"normal\", got \"{PackPaths.Printable(Fill ?? "")}\""),
        };
        Cases.Fill UnknownFill()
        {
            warnings.Add($"{path}: unknown fill \"{PackPaths.Printable(Fill)}\", compared with the normal fill's rule (within the bounds, not exactly)");
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
        return new ConvCase(p, fill, Seed);
    }

    /// <summary>Reads and validates a case.json.</summary>
    /// <exception cref="FixtureException">Missing, not a regular file, not JSON, missing fields, or invalid values.</exception>
    public static CaseFile Read(string path)
    {
        PackPaths.CheckRegularFile(path);
        string text = File.ReadAllText(path);
        try
        {
            return JsonSerializer.Deserialize<CaseFile>(text, Options) ?? throw new FixtureException($"{path}: empty");
        }
        catch (JsonException e)
        {
            throw new FixtureException($"{path}: {Refusal(e, "case.json", Keys, RequiredKeys, text)}", e);
        }
    }

    /// <summary>Writes the file.</summary>
    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Options) + "\n");

    /// <summary>"float32", "float64", "bfloat16" or "float16".</summary>
    public static string DTypeName(DType dtype) => DTypes.NumpyName(dtype);
}
