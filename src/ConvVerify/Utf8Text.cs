using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Unicode;

namespace ConvVerify;

/// <summary>
/// The one check of a text file's encoding before it is parsed, for every text file ConvVerify reads: the JSON files (a
/// pack's <c>case.json</c> and <c>manifest.json</c>, the run reports <c>report merge</c> reads), benchdnn batch and shape
/// files (the catalog's embedded sets too), and snapshot files. Strict UTF-8, as RFC 8259 requires of JSON exchanged between systems and as benchdnn, which
/// reads its files as bytes, can read them. A leading UTF-8 byte-order mark is skipped (RFC 8259 lets a reader ignore it,
/// and Windows editors write one); anything else that is not UTF-8 is refused, naming the byte offset and the line.
/// </summary>
/// <remarks>
/// Decoded leniently, an invalid byte became U+FFFD and the file was read as something it does not say: a case name or
/// a warning quoted back changed, or (in a string System.Text.Json had to convert) a refusal blaming the value's kind.
/// </remarks>
internal static class Utf8Text
{
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// The text of a file's <paramref name="bytes"/> (a leading UTF-8 BOM dropped), or false and the reason it is not
    /// UTF-8 in <paramref name="refusal"/> (<see cref="Refusal"/>).
    /// </summary>
    /// <param name="bytes">The file's bytes.</param>
    /// <param name="kind">What the file is, for the refusal: "JSON file", "batch file".</param>
    /// <param name="text">The bytes after the BOM, if any.</param>
    /// <param name="refusal">Why the bytes are not UTF-8.</param>
    public static bool TryText(byte[] bytes, string kind, out ReadOnlyMemory<byte> text, [NotNullWhen(false)] out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        refusal = Refusal(bytes, kind);
        text = refusal is null ? bytes.AsMemory(bytes.AsSpan().StartsWith(Bom) ? Bom.Length : 0) : default;
        return refusal is null;
    }

    /// <summary>
    /// Null when <paramref name="bytes"/> are UTF-8 (a BOM is U+FEFF, UTF-8 like any character); otherwise why not, e.g.
    /// "not UTF-8: byte offset 17 (line 2) holds 0xFF, which UTF-8 never uses; a JSON file must be UTF-8". The offset counts
    /// from the file's first byte, 0-based, a BOM included; lines count from 1, each ended by a line feed.
    /// </summary>
    /// <param name="bytes">The file's bytes.</param>
    /// <param name="kind">What the file is: "a {kind} must be UTF-8".</param>
    public static string? Refusal(ReadOnlySpan<byte> bytes, string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (Utf8.IsValid(bytes)) return null;
        int at = FirstInvalid(bytes);
        int line = bytes[..at].Count((byte)'\n') + 1;
        return string.Create(CultureInfo.InvariantCulture, $"not UTF-8: byte offset {at} (line {line}) {Why(bytes, at)}; a {kind} must be UTF-8");
    }

    // Where the first invalid sequence begins: the transcoder stops exactly there, at a sequence cut short by the end too
    // (whether or not told this is all the input, as it is by default: only the status it stops with differs).
    private static int FirstInvalid(ReadOnlySpan<byte> bytes)
    {
        // Not pooled: only a file about to be refused comes here.
        char[] buffer = new char[1 << 16];
        int done = 0;
        while (true)
        {
            var status = Utf8.ToUtf16(bytes[done..], buffer, out int read, out _, replaceInvalidSequences: false);
            done += read;
            // Stryker disable once Equality : only called on invalid bytes, so the loop always ends at InvalidData
            if (status != OperationStatus.DestinationTooSmall) return done;
        }
    }

    // What is wrong with the sequence that begins at byte at, in UTF-8's terms (RFC 3629's table of well-formed sequences).
    private static string Why(ReadOnlySpan<byte> bytes, int at)
    {
        byte lead = bytes[at];
        static string Hex(ReadOnlySpan<byte> all, int from, int count)
        {
            var part = all.Slice(from, Math.Min(count, all.Length - from));
            return string.Join(" ", part.ToArray().Select(b => $"0x{b:X2}"));
        }
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
        (byte low, byte high, string? why) = lead switch
        {
            0xE0 => ((byte)0xA0, (byte)0xBF, "an overlong encoding (of a character below U+0800)"),
            0xED => ((byte)0x80, (byte)0x9F, "a UTF-16 surrogate (U+D800 to U+DFFF), which UTF-8 may not encode"),
            0xF0 => ((byte)0x90, (byte)0xBF, "an overlong encoding (of a character below U+10000)"),
            0xF4 => ((byte)0x80, (byte)0x8F, "a code point past U+10FFFF, the last of Unicode"),
            // Any continuation byte is allowed: no second byte is refused for a reason of its own.
            _ => ((byte)0x80, (byte)0xBF, null),
        };
        for (int k = 1; k < length; k++)
        {
            if (at + k >= bytes.Length)
                return $"begins a {length}-byte sequence ({Hex(bytes, at, k)}) that the end of the file cuts short";
            byte b = bytes[at + k];
            if (k == 1 && b is >= 0x80 and <= 0xBF && (b < low || b > high)) return $"begins {Hex(bytes, at, length)}, {why}";
            if (b is < 0x80 or > 0xBF)
                return $"begins a {length}-byte sequence that byte offset {(at + k).ToString(CultureInfo.InvariantCulture)} (0x{b:X2}) cuts short: {Hex(bytes, at, k + 1)}";
        }
        // Stryker disable once String : the transcoder stopped here, so one of the rules above applies
        return $"begins an invalid sequence ({Hex(bytes, at, length)})";
    }
}
