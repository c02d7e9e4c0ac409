using System.Text;

namespace ConvVerify;

/// <summary>
/// Reads a file given by a user — a batch file, a report, a snapshot — without trusting what it is: a regular file only
/// (its kind asked of the file system before it is opened), and only as many bytes as its size says, up to a cap.
/// </summary>
/// <remarks>
/// A named pipe or a device is a "file" to .NET: opening a pipe for reading waits for a writer for ever, and a device
/// such as <c>/dev/zero</c> never ends, so reading it to its end fills memory.
/// </remarks>
internal static class InputFile
{
    /// <summary>The file's bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file is, for messages (e.g. "batch file").</param>
    /// <param name="maxBytes">Largest size read.</param>
    /// <exception cref="FileNotFoundException">No such file, or a folder of that name.</exception>
    /// <exception cref="IOException">Not a regular file (a pipe, a device, a socket), larger than <paramref name="maxBytes"/>, or shorter than its size when read.</exception>
    public static byte[] ReadAllBytes(string path, string what, long maxBytes)
    {
        var kind = Fixtures.FileKinds.Of(path);
        if (kind == Fixtures.FileKind.Missing) throw new FileNotFoundException($"{path}: {what} not found", path);
        if (kind == Fixtures.FileKind.Directory) throw new FileNotFoundException($"{path}: is a folder, not a {what}", path);
        if (kind != Fixtures.FileKind.Regular)
            throw new IOException($"{path}: {Fixtures.FileKinds.Describe(kind)}, not a regular file; refusing to read it as a {what}");
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1))
        {
            // The size of the file opened: FileInfo's is a symbolic link's own (its target's name), so a file read through a
            // link was cut to a few dozen bytes and refused as truncated.
            long size = stream.Length;
            if (size > maxBytes) throw new IOException($"{path}: {size} bytes, more than a {what} may hold ({maxBytes})");
            var bytes = new byte[size];
            int read = 0;
            while (read < bytes.Length)
            {
                int n = stream.Read(bytes, read, bytes.Length - read);
                if (n == 0) throw new IOException($"{path}: ended after {read} of its {size} bytes (it changed while it was read)");
                read += n;
            }
            return bytes;
        }
    }

    /// <summary>
    /// The file's text: strict UTF-8, a leading byte-order mark dropped (<see cref="Utf8Text"/>). A file that is not UTF-8 is
    /// refused naming its byte offset and line: decoded leniently, a bad byte became U+FFFD and the text said something the
    /// file does not; and a UTF-16 file (Windows PowerShell 5's <c>&gt;</c> writes one), once accepted by its byte-order
    /// mark, is a batch file benchdnn, which reads bytes, cannot read.
    /// </summary>
    /// <inheritdoc cref="ReadAllBytes"/>
    /// <exception cref="IOException">As <see cref="ReadAllBytes"/>, or the bytes are not UTF-8.</exception>
    public static string ReadAllText(string path, string what, long maxBytes)
    {
        byte[] bytes = ReadAllBytes(path, what, maxBytes);
        if (!Utf8Text.TryText(bytes, what, out var text, out string? refusal)) throw new IOException($"{path}: {refusal}");
        return Encoding.UTF8.GetString(text.Span);
    }
}
