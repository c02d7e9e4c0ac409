using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using ConvVerify.Problems;
using NumSharp;
using DType = ConvVerify.Problems.DType;

namespace ConvVerify.Fixtures;

/// <summary>
/// .npy files: read by a small, strict reader of our own (every size checked against the file before anything is
/// allocated), written through NumSharp; errors name the file and say what is wrong.
/// </summary>
public static class Npy
{
    // numpy's default max_header_size; no header it writes comes close, so anything longer is not a header.
    private const int MaxHeaderLength = 10000;

    /// <summary>Reads a tensor of exactly the expected shape, stored as the dtype is (see <see cref="Descr"/>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="dtype">The element type the pack says the tensor has.</param>
    /// <param name="shape">The shape the problem gives the tensor.</param>
    /// <exception cref="FixtureException">Missing, not a regular file, unreadable, truncated, another dtype or another shape.</exception>
    /// <remarks>bfloat16 arrives as <c>&lt;u2</c> raw bits and float16 as <c>&lt;f2</c>; both come back as the float values they hold, exactly.</remarks>
    public static T[] Read<T>(string path, DType dtype, int[] shape) where T : unmanaged, IFloatingPointIeee754<T> =>
        Read<T>(path, dtype, shape, null);

    /// <summary>
    /// As <see cref="Read{T}(string, DType, int[])"/>, with the sha256 (lower-case hex) of the very bytes read: a pack
    /// compares a file with its manifest as it reads it, so a file changed after the pack's integrity check is never used
    /// unchecked, and a separate hash would read the file twice and leave a moment between the check and the read.
    /// </summary>
    internal static T[] Read<T>(string path, DType dtype, int[] shape, out string sha256) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var data = Read<T>(path, dtype, shape, hash);
        sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        return data;
    }

    private static T[] Read<T>(string path, DType dtype, int[] shape, IncrementalHash? hash) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (!DTypes.Holds<T>(dtype))
            throw new InvalidOperationException($"{path}: read as {typeof(T).Name} but the pack says {dtype}");
        PackPaths.CheckRegularFile(path);
        try
        {
            // Stryker disable once Bitwise : the buffer size only tunes speed; 0 (unbuffered) reads the same bytes
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            // Every byte of a file read whole passes through: the data runs to the file's end (checked below).
            using Stream f = hash is null ? file : new HashingStream(file, hash);
            var header = ReadHeader(path, f);
            string expectedDescr = Descr(dtype)[1..];
            if (header.Descr.Length != 3 || header.Descr[0] is not ('<' or '>') || header.Descr[1..] != expectedDescr)
                throw new FixtureException($"{path}: {DTypeRefusal(header.Descr, dtype)}");
            if (header.FortranOrder)
                throw new FixtureException($"{path}: fortran_order is True; only C-order arrays are read (save a C-contiguous copy)");
            if (!header.Shape.SequenceEqual(shape.Select(d => (long)d)))
                throw new FixtureException($"{path}: shape is {FormatShape(header.Shape)}, expected {ConvProblem.FormatTuple(shape)}");
            // The shape matches the caller's, so it fits in an int per extent; the product still may not fit in memory,
            // and a hostile file must not make us allocate what it does not hold: compare with the bytes there first.
            long available = f.Length - f.Position;
            int size = DTypes.StorageSize(dtype);
            long needed = DataBytes(header.Shape, size, available);
            // DataBytes gives up (-1) as soon as the product passes what the file holds, so a shape that fits never needs
            // more than is there: a count that differs is either short (-1) or leaves bytes over.
            if (needed != available)
                throw new FixtureException(needed < 0
                    ? $"{path}: not a readable .npy file (truncated: shape {FormatShape(header.Shape)} of {NpyName(dtype)} needs {ShapeBytes(shape, size)} data bytes, the file has {available})"
                    : $"{path}: not a readable .npy file ({available - needed} bytes after the data of shape {FormatShape(header.Shape)})");
            // A shape whose extents each fit in an int can still hold more elements than one .NET array does; the file
            // may even hold them all (a sparse file costs nothing), so this is the reader's limit, said as such.
            long count = needed / size;
            if (count > Array.MaxLength)
                throw new FixtureException($"{path}: shape {FormatShape(header.Shape)} holds {count} elements, more than one array holds ({Array.MaxLength})");
            bool swap = (header.Descr[0] == '<') != BitConverter.IsLittleEndian;
            if (size == 2) return ReadNarrow<T>(f, (int)count, swap, dtype);
            var data = new T[count];
            f.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
            if (swap)
            {
                if (size == 4) BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<T, uint>(data.AsSpan()), MemoryMarshal.Cast<T, uint>(data.AsSpan()));
                else BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<T, ulong>(data.AsSpan()), MemoryMarshal.Cast<T, ulong>(data.AsSpan()));
            }
            return data;
        }
        catch (Exception e) when (e is (IOException or UnauthorizedAccessException) and not FixtureException)
        {
            throw new FixtureException($"{path}: not a readable .npy file ({e.Message})", e);
        }
    }

    /// <summary>The .npy descr a dtype is written as: "&lt;f4", "&lt;f8", "&lt;u2" (bfloat16's raw bits: numpy has no bfloat16), "&lt;f2".</summary>
    public static string Descr(DType dtype) => dtype switch
    {
        DType.Float32 => "<f4",
        DType.Float64 => "<f8",
        DType.BFloat16 => "<u2",
        DType.Float16 => "<f2",
        _ => throw new ArgumentException($"dtype: unknown value {(int)dtype}", nameof(dtype)),
    };

    private static T[] ReadNarrow<T>(Stream f, int count, bool swap, DType dtype) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bits = new ushort[count];
        f.ReadExactly(MemoryMarshal.AsBytes(bits.AsSpan()));
        if (swap) BinaryPrimitives.ReverseEndianness(bits, bits);
        var data = new T[count];
        for (int i = 0; i < count; i++)
        {
            float v = dtype == DType.BFloat16 ? (float)BFloat16.FromBits(bits[i]) : (float)BitConverter.UInt16BitsToHalf(bits[i]);
            data[i] = T.CreateTruncating(v);
        }
        return data;
    }

    // Why a descr is not the dtype's. A type of the right width whose byte order the file does not give ('|', '=' or no
    // character: numpy reads all three as the reading machine's order, and never writes them for a type of more than one
    // byte) is refused for that, as is float16 under its other name 'e': naming the type alone would read "float16,
    // expected float16".
    private static string DTypeRefusal(string descr, DType dtype)
    {
        string want = Descr(dtype)[1..];
        string expected = $"expected {NpyName(dtype)}{(dtype == DType.BFloat16 ? " (its raw bits)" : "")} as '<{want}' or '>{want}'";
        bool ordered = descr.Length > 0 && descr[0] is '<' or '>' or '|' or '=';
        if ((ordered ? descr[1..] : descr) == want)
        {
            string why = descr[0] switch
            {
                '|' => "has no byte order ('|' is for one-byte types)",
                '=' => "is in the byte order of the machine that wrote it ('='), which the file does not record",
                _ => "has no byte-order character",
            };
            return $"dtype '{descr}' {why}; {expected}";
        }
        string name = DescrName(descr);
        if (name == NpyName(dtype)) return $"dtype '{descr}' is {name} under a name numpy does not write; {expected}";
        return $"dtype is {name}, expected {NpyName(dtype)}{DTypeHint(descr, dtype)}";
    }

    // A <u2 array is how bfloat16 is stored, so a float32 case holding one is most likely a bfloat16 tensor under the
    // wrong case.json dtype; say which dtype would read it, rather than only that it is not the one expected.
    private static string DTypeHint(string descr, DType expected)
    {
        if (descr.Length == 3 && descr[1..] == "u2" && expected != DType.BFloat16)
            return " (uint16 arrays hold bfloat16 bits, read only when case.json's dtype is \"bfloat16\")";
        if (expected == DType.BFloat16) return " (stored as its raw bits, '<u2')";
        return "";
    }

    /// <summary>Writes a C-order, little-endian .npy file.</summary>
    /// <exception cref="ArgumentException">The data does not fill the shape.</exception>
    public static void Write<T>(string path, int[] shape, T[] data) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length)
            throw new ArgumentException($"{path}: {data.Length} values do not fill shape {ConvProblem.FormatTuple(shape)}", nameof(data));
        using var flat = np.array(data);
        using var shaped = flat.reshape(shape);
        np.save(path, shaped);
    }

    /// <summary>Writes a C-order, little-endian .npy file of <paramref name="dtype"/>: bfloat16 as raw bits (<c>&lt;u2</c>), float16 as <c>&lt;f2</c>.</summary>
    /// <exception cref="ArgumentException">The data does not fill the shape, is not of <paramref name="dtype"/>'s .NET type, or holds a value
    /// <paramref name="dtype"/> cannot (a writer must never round what it was given).</exception>
    public static void Write<T>(string path, int[] shape, T[] data, DType dtype) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (!DTypes.Holds<T>(dtype)) throw new ArgumentException($"{path}: {typeof(T).Name} values are not {DTypes.NumpyName(dtype)}'s", nameof(data));
        if (!DTypes.IsNarrow(dtype))
        {
            Write(path, shape, data);
            return;
        }
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length)
            throw new ArgumentException($"{path}: {data.Length} values do not fill shape {ConvProblem.FormatTuple(shape)}", nameof(data));
        var bits = new ushort[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            float v = float.CreateTruncating(data[i]);
            if (!DTypes.Represents(dtype, v))
                throw new ArgumentException($"{path}: element {i} is {v.ToString(CultureInfo.InvariantCulture)}, not a {DTypes.NumpyName(dtype)} value", nameof(data));
            bits[i] = dtype == DType.BFloat16 ? ((BFloat16)v).Bits : BitConverter.HalfToUInt16Bits((Half)v);
        }
        // Stryker disable once Statement : only a big-endian machine runs it
        if (!BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(bits, bits);
        string dims = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
        // numpy's own layout: version 1.0, the dict padded with spaces so that the data starts at a multiple of 64, then '\n'.
        string dict = $"{{'descr': '{Descr(dtype)}', 'fortran_order': False, 'shape': {dims}, }}";
        int total = (10 + dict.Length + 1 + 63) / 64 * 64;
        string header = dict.PadRight(total - 10 - 1) + "\n";
        using var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Span<byte> preamble = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 0, 0];
        BinaryPrimitives.WriteUInt16LittleEndian(preamble[8..], (ushort)header.Length);
        f.Write(preamble);
        f.Write(Encoding.Latin1.GetBytes(header));
        f.Write(MemoryMarshal.AsBytes(bits.AsSpan()));
    }

    // A read-only view of a file that feeds every byte read to a hash; its length and position are the file's.
    private sealed class HashingStream(FileStream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => throw new NotSupportedException();
        }

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            hash.AppendData(buffer[..n]);
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed record Header(string Descr, bool FortranOrder, long[] Shape);

    // The preamble first, so garbage is named for what it is and not for what a guessing reader made of it
    // (NumSharp's np.load reads a 7-byte file as "pickled data").
    private static Header ReadHeader(string path, Stream f)
    {
        Span<byte> head = stackalloc byte[12];
        int read = f.ReadAtLeast(head[..10], 10, throwOnEndOfStream: false);
        ReadOnlySpan<byte> magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        if (read < magic.Length || !head[..magic.Length].SequenceEqual(magic))
            throw new FixtureException($"{path}: not a .npy file (it does not start with the magic \\x93NUMPY; {read} bytes read)");
        if (read < 10)
            throw new FixtureException($"{path}: truncated .npy file ({read} bytes, shorter than the 10-byte preamble)");
        // numpy reads only these three exactly: a 1.1 is a format it does not know either, whatever its header says.
        if (head[6] is not (1 or 2 or 3) || head[7] != 0)
            throw new FixtureException($"{path}: unknown .npy format version {head[6]}.{head[7]} (known: 1.0, 2.0, 3.0)");
        long length;
        if (head[6] == 1)
        {
            length = BinaryPrimitives.ReadUInt16LittleEndian(head[8..10]);
        }
        else
        {
            if (f.ReadAtLeast(head[10..12], 2, throwOnEndOfStream: false) < 2)
                throw new FixtureException($"{path}: truncated .npy file (shorter than the 12-byte preamble of version {head[6]}.0)");
            length = BinaryPrimitives.ReadUInt32LittleEndian(head[8..12]);
        }
        long rest = f.Length - f.Position;
        if (length > rest)
            throw new FixtureException($"{path}: truncated .npy file (the header is {length} bytes, the file has {rest} after the preamble)");
        if (length > MaxHeaderLength)
            throw new FixtureException($"{path}: not a readable .npy file (header of {length} bytes, longer than the {MaxHeaderLength} numpy accepts)");
        var bytes = new byte[length];
        f.ReadExactly(bytes);
        // Versions 1 and 2 are latin-1, 3 is UTF-8; a non-ASCII character can only end up in an unknown dtype.
        string text = (head[6] == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes);
        try
        {
            return new HeaderParser(text).Parse();
        }
        catch (FormatException e)
        {
            // The header is someone else's text: a newline in it would start a line of its own in the report, an escape
            // sequence drive the terminal.
            throw new FixtureException($"{path}: not a readable .npy file (header {PackPaths.Printable($"{Snip(text)}: {e.Message}")})", e);
        }
    }

    // Bytes of the data, or -1 when they are more than available (so no product can overflow).
    private static long DataBytes(long[] shape, int itemSize, long available)
    {
        if (shape.Contains(0)) return 0;
        // A shape of no extents (a scalar) still holds one element.
        if (itemSize > available) return -1;
        long n = itemSize;
        foreach (long d in shape)
        {
            if (n > available / d) return -1;
            n *= d;
        }
        return n;
    }

    // The bytes a shape's data takes, counted in full for the message only: DataBytes stops where the file runs out, and
    // "needs more than 1727 data bytes, the file has 1727" left the reader to work out how many. The shape is the
    // caller's (it matched), so its extents are ints, and their product is exact as a BigInteger however large.
    private static BigInteger ShapeBytes(int[] shape, int itemSize) =>
        shape.Aggregate(new BigInteger(itemSize), (n, d) => n * d);

    private static string FormatShape(long[] shape) => ConvProblem.FormatShape(shape);

    private static string Snip(string text)
    {
        string t = text.TrimEnd();
        return "\"" + PackPaths.Cut(t, 80) + "\"";
    }

    /// <summary>
    /// The header dict, as numpy writes it: a Python literal with exactly the keys 'descr' (a string), 'fortran_order'
    /// (True or False) and 'shape' (a tuple of non-negative integers), then spaces and a newline; between tokens, the
    /// whitespace numpy's literal_eval skips. Structured dtypes (a list as descr) and any other Python (comments included)
    /// are refused: no fixture has them.
    /// </summary>
    private ref struct HeaderParser(string text)
    {
        private int _pos;

        public Header Parse()
        {
            string? descr = null;
            bool? fortran = null;
            long[]? shape = null;
            SkipToDict();
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (Peek() == '}') break;
                string key = ReadString();
                Expect(':');
                switch (key)
                {
                    case "descr" when descr is null:
                        SkipSpace();
                        descr = Peek() switch
                        {
                            '\'' or '"' => ReadString(),
                            // numpy's descr of a structured dtype is a list of fields.
                            '[' => throw Error("'descr' is not a string (structured dtypes are not read)"),
                            _ => throw Error($"expected a string as 'descr', got '{Token(_pos)}'"),
                        };
                        break;
                    case "fortran_order" when fortran is null:
                        fortran = ReadBool();
                        break;
                    case "shape" when shape is null:
                        shape = ReadShape();
                        break;
                    case "descr" or "fortran_order" or "shape":
                        throw Error($"'{key}' is given twice");
                    default:
                        throw Error($"unknown key '{key}'");
                }
                SkipSpace();
                if (Peek() == ',') _pos++;
                else if (Peek() != '}') throw Error("expected ',' or '}'");
            }
            _pos++;
            SkipSpace();
            if (_pos < text.Length) throw Error("text after the dict");
            if (descr is null) throw Error("no 'descr'");
            if (fortran is null) throw Error("no 'fortran_order'");
            if (shape is null) throw Error("no 'shape'");
            return new Header(descr, fortran.Value, shape);
        }

        private long[] ReadShape()
        {
            Expect('(');
            var dims = new List<long>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')') break;
                int start = _pos;
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
                if (_pos == start) throw Error($"shape holds '{Token(start)}', not a non-negative integer");
                // numpy reads the header as a Python literal, where 01 is a syntax error: a file it would refuse is refused.
                if (text[start] == '0' && _pos - start > 1) throw Error($"shape extent {text[start.._pos]} has a leading zero, which numpy refuses");
                if (!long.TryParse(text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out long d))
                    throw Error($"shape extent {text[start.._pos]} is too large");
                dims.Add(d);
                if (dims.Count > 64) throw Error("shape has more than 64 extents (numpy's limit)");
                SkipSpace();
                if (Peek() == ',') _pos++;
                else if (Peek() != ')') throw Error($"shape holds '{Token(_pos)}' after an extent");
                else if (dims.Count == 1) throw Error("a one-extent shape needs a trailing comma, as in (5,)");
            }
            _pos++;
            return [.. dims];
        }

        private bool ReadBool()
        {
            SkipSpace();
            if (string.CompareOrdinal(text, _pos, "True", 0, 4) == 0) { _pos += 4; return true; }
            if (string.CompareOrdinal(text, _pos, "False", 0, 5) == 0) { _pos += 5; return false; }
            throw Error($"'fortran_order' is '{Token(_pos)}', not True or False");
        }

        private string ReadString()
        {
            // Both callers skip the spaces before it.
            char quote = Peek();
            if (quote is not ('\'' or '"')) throw Error($"expected a quoted key, got '{Token(_pos)}'");
            int end = text.IndexOf(quote, _pos + 1);
            if (end < 0) throw Error("unterminated string");
            string s = text[(_pos + 1)..end];
            if (s.Contains('\\') || s.Contains('\n')) throw Error("escapes in strings are not read");
            _pos = end + 1;
            return s;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c) throw Error($"expected '{c}', got '{Token(_pos)}'");
            _pos++;
        }

        // Between tokens (the dict is in braces, so Python joins its lines) numpy's literal_eval skips what Python's tokenizer
        // does: space, tab, form feed and line breaks. Anything else blank or unprintable where a token should start is
        // named here, as no later message would say what is wrong with it.
        private void SkipSpace()
        {
            while (_pos < text.Length && text[_pos] is ' ' or '\t' or '\f' or '\r' or '\n') _pos++;
            if (_pos < text.Length && (char.IsWhiteSpace(text[_pos]) || char.IsControl(text[_pos])))
                throw Error($"unexpected {Name(text[_pos])} at offset {_pos} (between tokens numpy reads only spaces, tabs, form feeds and line breaks)");
        }

        // Before the dict literal_eval strips spaces and tabs, and Python skips blank lines; past a line break, though, what
        // stands before the '{' is an indent, which it refuses, as it does a form feed there in some cases: neither is read.
        private readonly void SkipToDict()
        {
            int lineStart = 0, i = 0;
            for (; i < text.Length && text[i] is ' ' or '\t' or '\f' or '\r' or '\n'; i++)
                if (text[i] is '\r' or '\n') lineStart = i + 1;
            int bad = lineStart == 0 ? text.IndexOf('\f', 0, i) : i > lineStart ? lineStart : -1;
            if (bad >= 0)
                throw Error($"{Name(text[bad])} at offset {bad} before the dict's '{{' is not read (only spaces and tabs on the header's first line, or whole blank lines)");
        }

        private static string Name(char c) => $"U+{(int)c:X4}";

        private readonly char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private readonly string Token(int at) =>
            at >= text.Length ? "(end of header)" : text.Length - at > 12 ? text.Substring(at, 12) + "…" : text[at..];

        private readonly FormatException Error(string message) => new(message);
    }

    // numpy's names for the dtypes it knows, so the message reads like what the writer of the file chose.
    private static string DescrName(string descr)
    {
        string body = descr.Length > 0 && descr[0] is '<' or '>' or '|' or '=' ? descr[1..] : descr;
        string? name = body switch
        {
            "b1" or "?" => "bool",
            "i1" or "b" => "int8",
            "u1" or "B" => "uint8",
            "i2" => "int16",
            "u2" => "uint16",
            "i4" => "int32",
            "u4" => "uint32",
            "i8" => "int64",
            "u8" => "uint64",
            "f2" or "e" => "float16",
            "f4" => "float32",
            "f8" => "float64",
            "c8" => "complex64",
            "c16" => "complex128",
            "O" => "object",
            _ => null,
        };
        return name is null ? $"'{PackPaths.Printable(descr)}'" : name;
    }

    private static string NpyName(DType dtype) => DTypes.NumpyName(dtype);
}
