using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConvVerify.Runs;

/// <summary>
/// Reads and writes an enum of a report by the names its writer writes (a member's <see cref="JsonStringEnumMemberNameAttribute"/>,
/// else its own name), and reads nothing else: System.Text.Json's enum converter also took numbers and numeric strings
/// ("cause": 1 read as an oracle failure), names in other letter case, and said of a name it did not know only that it
/// "could not be converted to System.Nullable`1[…]", naming neither the value nor what was expected.
/// </summary>
/// <typeparam name="T">The enum.</typeparam>
/// <param name="field">The report's name of the field, which begins every refusal ("requirement: …").</param>
public abstract class ExactNameConverter<T>(string field) : JsonConverter<T> where T : struct, Enum
{
    private static readonly IReadOnlyList<(string Name, T Value)> Names = [.. typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name, (T)f.GetValue(null)!))];

    private string Expected => $"expected {string.Join(" or ", Names.Select(n => $"\"{n.Name}\""))}";

    /// <inheritdoc/>
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            string got = reader.TokenType switch
            {
                JsonTokenType.Number => "the number " + System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
                JsonTokenType.True => "true",
                JsonTokenType.False => "false",
                // Said as JSON says them, not by the reader's token names ("StartArray").
                JsonTokenType.StartArray => "a list",
                JsonTokenType.StartObject => "an object",
                JsonTokenType.Null => "null",
                var other => other.ToString(),
            };
            throw new JsonException($"{field}: {Expected}, got {got}");
        }
        string text = reader.GetString()!;
        foreach (var (name, value) in Names)
            if (name == text) return value;
        throw new JsonException($"{field}: unknown {field} '{ReportChecks.Printable(text)}', {Expected}");
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var (name, known) in Names)
        {
            if (EqualityComparer<T>.Default.Equals(known, value))
            {
                writer.WriteStringValue(name);
                return;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(value), value, string.Create(CultureInfo.InvariantCulture, $"{field}: {Expected}, got {Convert.ToInt64(value, CultureInfo.InvariantCulture)}"));
    }
}

/// <summary>A report's <c>requirement</c>: "All" or "Any".</summary>
public sealed class RequirementConverter() : ExactNameConverter<Requirement>("requirement");

/// <summary>A row's <c>tolerance</c>, by the <see cref="Comparison.Tolerance"/> member's name.</summary>
public sealed class ToleranceConverter() : ExactNameConverter<Comparison.Tolerance>("tolerance");

/// <summary>An error row's <c>cause</c>: "input" or "oracle".</summary>
public sealed class ErrorCauseConverter() : ExactNameConverter<ErrorCause>("cause");
