using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ConvVerify.Comparison;

namespace ConvVerify.Runs;

/// <summary>
/// The report's doubles: finite ones as numbers that read back bit for bit (<see cref="RoundTripText"/>: the runtime's
/// own writer gave some powers of two a number one value short), NaN and the infinities as the strings "NaN",
/// "Infinity" and "-Infinity", as <see cref="JsonNumberHandling.AllowNamedFloatingPointLiterals"/> writes and reads them.
/// </summary>
public sealed class RoundTripDoubleConverter : JsonConverter<double>
{
    /// <summary>A number, or one of the three named literals as a string; any other string is refused.</summary>
    /// <exception cref="JsonException">A string other than "NaN", "Infinity" or "-Infinity", or a token that is no number:
    /// without a message of its own, so that System.Text.Json says "could not be converted to System.Double" with the
    /// path, as for its own converter, and the report's reader words it by the path and the value as written.</exception>
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number) return reader.GetDouble();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString() switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                _ => throw new JsonException(),
            };
        }
        throw new JsonException();
    }

    /// <summary>Writes <paramref name="value"/> as described on the class.</summary>
    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (double.IsNaN(value)) writer.WriteStringValue("NaN");
        else if (double.IsInfinity(value)) writer.WriteStringValue(value > 0 ? "Infinity" : "-Infinity");
        else writer.WriteRawValue(RoundTripText.Of(value), skipInputValidation: true);
    }
}
