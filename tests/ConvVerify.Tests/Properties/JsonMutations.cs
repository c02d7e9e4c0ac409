using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;

namespace ConvVerify.Tests.Properties;

/// <summary>
/// Hostile edits of a valid JSON file for the property tests of its reader: a member or element replaced by a value of
/// another type or an absurd number, removed, repeated, nested far deeper than any writer nests; a key given twice; the
/// text cut short.
/// </summary>
internal static partial class JsonMutations
{
    // Values of every JSON type, numbers past each edge an int, a long, a ulong or a double has, named floats as strings,
    // and strings a reader might take for something else.
    private static readonly string[] Values =
        ["null", "\"text\"", "\"\"", "true", "false", "1.5", "{}", "[]", "1e30", "-1e30", "1e400", "-1", "0", "1", "3", "2147483647", "-2147483648",
         "2147483648", "9223372036854775807", "-9223372036854775809", "18446744073709551615", "18446744073709551616", "-0", "\"NaN\"", "\"Infinity\"",
         "\"-Infinity\"", "[null]", "[1, null]", "[\"1\"]", "[[1]]", "{\"a\": 1}", "\"1/1\"", "\"0/0\"", "\"2/1\"", "\"1/-1\"", "\"1/2147483647\"", "\"3/1000000\"", "\"pass\"", "\"fail\"",
         "\"error\"", "\"all\"", "\"any\"", "\"\\u0000\"", "\"\\u001b[2J\"", "1e-400", "5e-324", "\"..\"", "\"a/b\"", "\"/etc/passwd\"", "\"x.npy\"",
         "\"a/x.npy\"", "\"A\"", "\"convverify-fixtures/1\""];

    private static readonly JsonSerializerOptions Deep = new() { WriteIndented = true, MaxDepth = 5000, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One edit, at the node picked by index among the document's members and elements.</summary>
    public sealed record Mutation(int Node, int Kind, string Value);

    /// <summary>One to three edits.</summary>
    public static Gen<Mutation[]> Gen { get; } =
        CsCheck.Gen.Select(CsCheck.Gen.Int[0, 10_000], CsCheck.Gen.Int[0, 99], CsCheck.Gen.OneOf(Values), (node, kind, value) => new Mutation(node, kind, value)).Array[1, 3];

    /// <summary>
    /// One edit that keeps the text JSON and leaves one path to blame: a member or element replaced by another value, or
    /// removed (<see cref="Apply"/> with it says that path).
    /// </summary>
    public static Gen<Mutation> Edit { get; } =
        CsCheck.Gen.Select(CsCheck.Gen.Int[0, 10_000], CsCheck.Gen.Int[0, 69], CsCheck.Gen.OneOf(Values), (node, kind, value) => new Mutation(node, kind, value));

    /// <summary>The edited text, and each edit said with the JSON path it was made at.</summary>
    /// <param name="json">A valid document.</param>
    /// <param name="mutations">The edits.</param>
    /// <param name="at">Which nodes may be edited (the root always may); null for all. The text's own edits (a key given
    /// twice, the text cut short) are made anywhere.</param>
    public static (string Text, string[] Applied) Apply(string json, Mutation[] mutations, Func<JsonNode, bool>? at = null)
    {
        var root = JsonNode.Parse(json)!;
        var applied = new List<string>();
        foreach (var m in mutations)
        {
            var nodes = All(root).Where(n => n == root || at is null || at(n)).ToList();
            var target = nodes[m.Node % nodes.Count];
            var parent = target.Parent;
            applied.Add(m.Kind switch { < 55 => "set", < 70 => "remove", < 78 => "nest", < 86 => "add", < 93 => "duplicate key", _ => "truncate" }
                + $" {target.GetPath()} {m.Value}");
            switch (m.Kind)
            {
                case < 55 when parent is not null:
                    target.ReplaceWith(JsonNode.Parse(m.Value));
                    break;
                case < 70 when parent is JsonObject o:
                    o.Remove(target.GetPropertyName());
                    break;
                case < 70 when parent is JsonArray a:
                    a.Remove(target);
                    break;
                case < 78 when parent is not null:
                    int depth = 1 + m.Node % 1500; // three of them nested in one another stay within Deep's depth
                    target.ReplaceWith(JsonNode.Parse(new string('[', depth) + "1" + new string(']', depth), documentOptions: new JsonDocumentOptions { MaxDepth = 4000 }));
                    break;
                case < 86 when parent is JsonArray a:
                    a.Add(target.DeepClone());
                    break;
                case < 86 when parent is JsonObject o:
                    o["extra_" + m.Value.Length.ToString(CultureInfo.InvariantCulture)] = JsonNode.Parse(m.Value);
                    break;
            }
        }
        string text = root.ToJsonString(Deep);
        foreach (var m in mutations)
        {
            if (m.Kind is >= 86 and < 93)
            {
                // The first of the text's keys picked, given again in its object before itself.
                var keys = Key().Matches(text);
                if (keys.Count == 0) continue;
                var k = keys[m.Node % keys.Count];
                text = text.Insert(k.Index, $"{k.Value}{m.Value}, ");
            }
            else if (m.Kind >= 93) text = text[..(m.Node * 37 % (text.Length + 1))];
        }
        return (text, [.. applied]);
    }

    private static IEnumerable<JsonNode> All(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch { JsonObject o => o.Select(kv => kv.Value), JsonArray a => a, _ => [] };
        foreach (var c in children)
            if (c is not null)
                foreach (var d in All(c)) yield return d;
    }

    [GeneratedRegex("\"[a-z0-9_-]+\": ")]
    private static partial Regex Key();
}
