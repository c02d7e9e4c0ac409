using System.Text.Json.Serialization;
using ConvVerify.Comparison;

namespace ConvVerify.Runs;

/// <summary>Writes outcomes by their report names.</summary>
public sealed class OutcomeConverter : JsonConverter<Outcome>
{
    /// <inheritdoc/>
    public override Outcome Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        string text = reader.GetString() ?? "";
        try
        {
            return Outcomes.Parse(text);
        }
        catch (ArgumentException e)
        {
            // Without .NET's " (Parameter 'name')", which names a C# parameter, not anything in the report.
            throw new System.Text.Json.JsonException(ConvVerify.Problems.ErrorText.Plain(e), e);
        }
    }

    /// <inheritdoc/>
    public override void Write(System.Text.Json.Utf8JsonWriter writer, Outcome value, System.Text.Json.JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Name());
    }
}
