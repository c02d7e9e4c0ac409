using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Unicode;

namespace ConvVerify;

/// <summary>
/// The one check of a JSON file's encoding before it is parsed, for every JSON file ConvVerify reads (a pack's
/// <c>case.json</c> and <c>manifest.json</c>, the run reports <c>report merge</c> reads): strict UTF-8, as RFC 8259
/// requires of JSON exchanged between systems. A leading UTF-8 byte-order mark is skipped (RFC 8259 lets a reader
/// ignore it, and Windows editors write one); anything else that is not UTF-8 is refused, naming the byte offset.
/// </summary>
/// <remarks>
/// Decoded leniently, an invalid byte became U+FFFD and the file was read as something it does not say: a case name or
/// a warning quoted back changed, or (in a string System.Text.Json had to convert) a refusal blaming the value's kind.
/// </remarks>
internal static class Utf8Json
{
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// The JSON text of a file's <paramref name="bytes"/> (a leading UTF-8 BOM dropped), or false and the reason it is not
    /// UTF-8 in <paramref name="refusal"/>, e.g. "not UTF-8: byte offset 17 holds 0xFF, which UTF-8 never uses; a JSON file
    /// must be UTF-8". The offset counts from the file's first byte, 0-based, the BOM included.
    /// </summary>
    public static bool TryText(byte[] bytes, out ReadOnlyMemory<byte> text, [NotNullWhen(false)] out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        int start = bytes.AsSpan().StartsWith(Bom) ? Bom.Length : 0;
        text = bytes.AsMemory(start);
        refusal = null;
        if (Utf8.IsValid(text.Span)) return true;
        int at = start + FirstInvalid(text.Span);
        refusal = $"not UTF-8: byte offset {at.ToString(CultureInfo.InvariantCulture)} {Why(bytes, at)}; a JSON file must be UTF-8";
        text = default;
        return false;
    }

    // Where the first invalid sequence begins: the transcoder stops exactly there (and, told this is all the input, at a
    // sequence cut short by the end too).
    private static int FirstInvalid(ReadOnlySpan<byte> bytes)
    {
        char[] buffer = ArrayPool<char>.Shared.Rent(1 << 16);
        try
        {
            int done = 0;
            while (true)
            {
                var status = Utf8.ToUtf16(bytes[done..], buffer, out int read, out _, replaceInvalidSequences: false, isFinalBlock: true);
                done += read;
                // Stryker disable once Equality : only called on invalid bytes, so the loop always ends at InvalidData
                if (status != OperationStatus.DestinationTooSmall) return done;
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    // What is wrong with the sequence that begins at byte at, in UTF-8's terms (RFC 3629's table of well-formed sequences).
    private static string Why(byte[] bytes, int at)
    {
        byte lead = bytes[at];
        string Hex(int from, int count) => string.Join(" ", bytes.Skip(from).Take(count).Select(b => $"0x{b:X2}"));
        if (lead is >= 0x80 and <= 0xBF) return $"holds 0x{lead:X2}, a continuation byte where a character should begin";
        if (lead is 0xC0 or 0xC1 or >= 0xF5)
        {
            string bom = at == 0 && bytes.Length >= 2 && ((lead == 0xFF && bytes[1] == 0xFE) || (lead == 0xFE && bytes[1] == 0xFF))
                ? " (a UTF-16 or UTF-32 byte-order mark: the file was saved as UTF-16 or UTF-32; save it as UTF-8)" : "";
            return lead is 0xC0 or 0xC1
                ? $"holds 0x{lead:X2}, which begins only overlong encodings (of characters below U+0080)"
                : $"holds 0x{lead:X2}, which UTF-8 never uses{bom}";
        }
        int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        // The range the second byte must be in: narrower after E0, ED, F0 and F4, which rules out overlong encodings,
        // UTF-16's surrogates and code points past U+10FFFF.
        (byte low, byte high, string why) = lead switch
        {
            0xE0 => ((byte)0xA0, (byte)0xBF, "an overlong encoding (of a character below U+0800)"),
            0xED => ((byte)0x80, (byte)0x9F, "a UTF-16 surrogate (U+D800 to U+DFFF), which UTF-8 may not encode"),
            0xF0 => ((byte)0x90, (byte)0xBF, "an overlong encoding (of a character below U+10000)"),
            0xF4 => ((byte)0x80, (byte)0x8F, "a code point past U+10FFFF, the last of Unicode"),
            _ => ((byte)0x80, (byte)0xBF, ""),
        };
        for (int k = 1; k < length; k++)
        {
            if (at + k >= bytes.Length)
                return $"begins a {length}-byte sequence ({Hex(at, k)}) that the end of the file cuts short";
            byte b = bytes[at + k];
            if (k == 1 && b is >= 0x80 and <= 0xBF && (b < low || b > high)) return $"begins {Hex(at, length)}, {why}";
            if (b is < 0x80 or > 0xBF)
                return $"begins a {length}-byte sequence that byte offset {(at + k).ToString(CultureInfo.InvariantCulture)} (0x{b:X2}) cuts short: {Hex(at, k + 1)}";
        }
        // Stryker disable once String : the transcoder stopped here, so one of the rules above applies
        return $"begins an invalid sequence ({Hex(at, length)})";
    }
}
