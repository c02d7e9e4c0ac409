using System.Text.Json;
using System.Text.Json.Serialization;
using ConvVerify.Problems;

namespace ConvVerify.Fixtures;

/// <summary>
/// Why a pack's JSON file (case.json, manifest.json) was refused, said in the file's words: its keys, its lines, the
/// kind of value a writer in any language must put there. System.Text.Json's own messages name C# types and members.
/// </summary>
internal static class JsonRefusal
{
    /// <summary>The keys of <typeparamref name="TFile"/>'s JSON, in declaration order.</summary>
    public static string[] KeysOf<TFile>() =>
        [.. typeof(TFile).GetProperties().Select(p => p.GetCustomAttributes(typeof(JsonPropertyNameAttribute), false).OfType<JsonPropertyNameAttribute>().FirstOrDefault()?.Name).OfType<string>()];

    /// <summary>The keys <typeparamref name="TFile"/>'s JSON must have, in declaration order.</summary>
    public static string[] RequiredKeysOf<TFile>() =>
        [.. typeof(TFile).GetProperties().Where(p => p.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.RequiredMemberAttribute"))
            .Select(p => p.GetCustomAttributes(typeof(JsonPropertyNameAttribute), false).OfType<JsonPropertyNameAttribute>().FirstOrDefault()?.Name).OfType<string>()];

    /// <summary>
    /// The message for a file of <paramref name="kind"/> that <see cref="JsonSerializer"/> refused, in the file's words
    /// rather than .NET's (which name C# types, "System.Int32", and a byte position): for a key it does not know, that key,
    /// its line and the keys there are; for a missing key, the keys the file must have (<paramref name="required"/>); for
    /// a value of the wrong kind, its key (with its index in a list), its line, the kind it must be and the value written
    /// there (read again from <paramref name="json"/>, the file's text); anything else as <see cref="ErrorText.Located"/> says it.
    /// </summary>
    public static string Message(JsonException e, string kind, IReadOnlyList<string> keys, IReadOnlyList<string>? required = null, string? json = null)
    {
        // Nothing but white space (or a byte-order mark, skipped before): said as a value that is no object is.
        if (e.Path == "$" && e.Message.StartsWith("The input does not contain any JSON tokens.", StringComparison.Ordinal))
            return $"not a valid {kind} ({NoObject("nothing")})";
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
        // A key escaping a lone surrogate fails the object that holds it ("could not be converted to ConvVerify.Fixtures.CaseFile. Path: $").
        if (wrongKind.Success && json is not null && e.Path is { } objectPath && PathParts(objectPath) is { } objectParts && UndecodableKey(json, objectParts) is { } badKey)
        {
            string line = e.LineNumber is long n ? $" on line {n + 1}" : "";
            string where = objectParts.Count == 0 ? "" : $" in \"{PackPaths.Printable(KeyOf(objectParts))}\"";
            return $"not a valid {kind} (the key {badKey}{where}{line} escapes half of a UTF-16 surrogate pair alone: no character, so no text)";
        }
        if (wrongKind.Success && json is not null && e.Path is { } path && PathParts(path) is { } parts && ValueAt(json, parts, out bool noText) is { } value)
        {
            if (parts.Count == 0) return $"not a valid {kind} ({NoObject(value)})";
            string line = e.LineNumber is long n ? $" on line {n + 1}" : "";
            return noText
                ? $"not a valid {kind} (\"{PackPaths.Printable(KeyOf(parts))}\"{line} is {value}, which escapes half of a UTF-16 surrogate pair alone: no character, so no text)"
                : $"not a valid {kind} (\"{PackPaths.Printable(KeyOf(parts))}\"{line} must be {KindOf(wrongKind.Groups[1].Value)}, got {value})";
        }
        return $"not a valid {kind} ({e.Located()})";
    }

    /// <summary>
    /// What to say of a value System.Text.Json could not convert ("The JSON value could not be converted to System.Int32"),
    /// in the report reader's words: its path as that reader writes paths (<c>rows[0].subject</c>), its line and the value as
    /// written. A string that escapes half of a UTF-16 surrogate pair alone ("\ud800", which JSON allows and no .NET
    /// string holds) is said to hold no text, whatever the field's kind (a string, or an enum's name); a value of another
    /// kind is said to be no <paramref name="kindOf"/> of the .NET type named, a null where none may be "is null", and a
    /// file holding no object as <see cref="NoObject"/> says. Null for any other failure, or a type
    /// <paramref name="kindOf"/> has no words for, which the caller words.
    /// </summary>
    /// <param name="e">The reader's failure.</param>
    /// <param name="text">Makes the file's text, when the failure is one of a value's kind.</param>
    /// <param name="kindOf">The kind of JSON value a writer must put where .NET wants the type named ("an integer"), or null.</param>
    internal static string? ValueRefusal(JsonException e, Func<string> text, Func<string, string?> kindOf)
    {
        // A null where a list or an object must be was System.Text.Json's "The property or field 'references' on type
        // 'ConvVerify.Runs.RunReport' doesn't allow setting null values", naming a C# type; said as a null item of a list is.
        bool isNull = e.Message.Contains("doesn't allow setting null values", StringComparison.Ordinal);
        var wrongKind = System.Text.RegularExpressions.Regex.Match(e.Message, "^The JSON value could not be converted to ([^ ]+?)\\. Path:", System.Text.RegularExpressions.RegexOptions.Singleline);
        if (!(wrongKind.Success || isNull) || e.Path is not { } path || PathParts(path) is not { } parts)
            return null;
        string key = string.Concat(parts.Select((p, i) => p is int n ? $"[{n}]" : i == 0 ? (string)p : "." + (string)p));
        string line = e.LineNumber is long l ? $" on line {l + 1}" : "";
        if (isNull) return parts.Count == 0 ? null : $"{PackPaths.Printable(key)}{line} is null";
        // Made only now: a report may be a gigabyte, and most failures (a missing comma, a cut-off file) are no such value.
        string json = text();
        const string NoText = "which escapes half of a UTF-16 surrogate pair alone: no character, so no text";
        // A key so escaped fails the object that holds it (a map's, "could not be converted to System.String", or a
        // record's, "… to ConvVerify.Runs.RunSummary"), at the object's path: the key is named as written.
        if (UndecodableKey(json, parts) is { } name)
            return $"{(parts.Count == 0 ? "the report" : PackPaths.Printable(key))}{line} has the key {name}, {NoText}";
        if (ValueAt(json, parts, out bool noText) is not { } value) return null;
        // A string or a list where the report's object must be was "could not be converted to ConvVerify.Runs.RunReport".
        if (parts.Count == 0) return NoObject(value);
        if (noText) return $"{PackPaths.Printable(key)}{line} is {value}, {NoText}";
        return kindOf(wrongKind.Groups[1].Value) is { } kind ? $"{PackPaths.Printable(key)}{line} is {value}, not {kind}" : null;
    }

    // The first key of the object at the path that escapes a lone surrogate, quoted as written and cut as a value is;
    // null when the path leads to no object, or none of its keys does.
    private static string? UndecodableKey(string json, List<object> parts)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxQuotedDepth });
            var at = doc.RootElement;
            foreach (var part in parts) at = part is int i ? at[i] : at.GetProperty((string)part);
            if (at.ValueKind != JsonValueKind.Object) return null;
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(at.GetRawText()), new JsonReaderOptions { MaxDepth = MaxQuotedDepth });
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (TryGetString(ref reader) is null)
                {
                    return Shown(PackPaths.Printable($"\"{System.Text.Encoding.UTF8.GetString(reader.ValueSpan)}\""));
                }
                reader.Skip();
            }
            return null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static string? TryGetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Why a file whose JSON value is <paramref name="got"/> (as a message quotes it, or "null", "nothing") is refused.</summary>
    public static string NoObject(string got) => $"the file must hold one JSON object, got {got}";

    // The .NET type System.Text.Json names, as the kind of JSON value a writer must put there: those of case.json's and
    // manifest.json's fields (their maps are read by OrdinalMapConverter, which says its own errors).
    private static string KindOf(string type) => type switch
    {
        "System.Int32" => "an integer",
        "System.UInt64" => "an integer from 0 to 2^53 - 1",
        "System.Boolean" => "true or false",
        "System.String" => "a string",
        "System.Int32[]" => "a list of integers",
        _ when type.StartsWith("System.Collections.Generic.List`1[System.String", StringComparison.Ordinal) => "a list of strings",
        _ => "a value of another kind",
    };

    // "$.input[1]" as the file's words, "input[1]". The files' keys are not nested (their maps' errors are
    // OrdinalMapConverter's own), so a path is one name and list indices.
    private static string KeyOf(List<object> parts) => string.Concat(parts.Select(p => p is int i ? $"[{i}]" : (string)p));

    // The parts of a System.Text.Json path: names (string) and list indices (int); null when it is not one of those (the
    // files' keys are plain words, which System.Text.Json writes after a dot, never quoted).
    private static List<object>? PathParts(string path)
    {
        var m = System.Text.RegularExpressions.Regex.Match(path, @"^\$((\.(?<name>[^.\[]+))|(\[(?<index>\d+)\]))*$");
        if (!m.Success) return null;
        var parts = new List<(int At, object Part)>();
        parts.AddRange(m.Groups["name"].Captures.Select(c => (c.Index, (object)c.Value)));
        parts.AddRange(m.Groups["index"].Captures.Select(c => (c.Index, (object)int.Parse(c.Value, System.Globalization.CultureInfo.InvariantCulture))));
        return [.. parts.OrderBy(p => p.At).Select(p => p.Part)];
    }

    private const int ShownLength = 60;

    // A quoted value as a refusal shows it: at most ShownLength characters with the "…", cut where PackPaths.Cut cuts
    // (never inside a surrogate pair, which Printable leaves as it is).
    private static string Shown(string text) => text.Length > ShownLength ? PackPaths.Cut(text, ShownLength - 1) : text;

    private const int MaxQuotedDepth = 1024;

    // The value at a System.Text.Json path of the text, as a message quotes it: on one line, control characters written
    // out (someone else's text: it could forge report lines or drive the terminal), and at most 60 characters. A string
    // that escapes a lone surrogate ("\ud800") has no text to show: it is shown as written, and noText says so.
    private static string? ValueAt(string json, List<object> parts, out bool noText)
    {
        noText = false;
        try
        {
            // A value nested past the default depth of 64 is refused where a string or a number belongs before its depth is
            // looked at, so it must be read back here too; but not without a limit: JsonDocument's time grows with the square of
            // the depth (a case.json of 400,000 '[' ran for minutes). Deeper still, the message is .NET's.
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxQuotedDepth });
            var at = doc.RootElement;
            // The path is where the same text failed to read, so it leads to a value; one misread here gives the plain message.
            foreach (var part in parts) at = part is int i ? at[i] : at.GetProperty((string)part);
            string text;
            if (at.ValueKind != JsonValueKind.String) text = Compact(at);
            else if (TryGetString(at) is { } s) text = $"\"{s}\"";
            else (text, noText) = (at.GetRawText(), true);
            return Shown(PackPaths.Printable(text));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    // Null when the string escapes a lone surrogate: JSON allows the escape, and no .NET string of it can be made.
    private static string? TryGetString(JsonElement e)
    {
        try
        {
            return e.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    // An array or object without the file's line breaks and indentation, elements apart by ", " as people write them; only
    // so far as a message shows (past 60 characters), so that a value nested thousands deep is not walked to its bottom.
    private static string Compact(JsonElement e)
    {
        var text = new System.Text.StringBuilder();
        Compact(e, text);
        return text.ToString();
    }

    private static void Compact(JsonElement e, System.Text.StringBuilder text)
    {
        if (text.Length > ShownLength) return;
        switch (e.ValueKind)
        {
            case JsonValueKind.Array:
                text.Append('[');
                foreach (var (item, i) in e.EnumerateArray().Select((item, i) => (item, i)))
                {
                    if (text.Length > ShownLength) return;
                    if (i > 0) text.Append(", ");
                    Compact(item, text);
                }
                text.Append(']');
                break;
            case JsonValueKind.Object:
                text.Append('{');
                foreach (var (p, i) in e.EnumerateObject().Select((p, i) => (p, i)))
                {
                    if (text.Length > ShownLength) return;
                    if (i > 0) text.Append(", ");
                    text.Append(JsonSerializer.Serialize(p.Name)).Append(": ");
                    Compact(p.Value, text);
                }
                text.Append('}');
                break;
            default:
                text.Append(e.GetRawText());
                break;
        }
    }
}
