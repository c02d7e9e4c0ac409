using System.Text;

namespace ConvVerify;

/// <summary>
/// Reads a file given by a user — a batch file, a report, a snapshot — without trusting what it is: only as many bytes as
/// its size says, and a file whose size is 0 is not opened at all.
/// </summary>
/// <remarks>
/// A named pipe or a character device (<c>/dev/zero</c>) has size 0: opening a pipe for reading waits for a writer for
/// ever, and a device never ends, so reading it to its end fills memory. .NET has no portable way to ask for a file's
/// type, but every such file reports size 0, and an empty regular file has nothing to read either: both read as empty.
/// </remarks>
internal static class InputFile
{
    /// <summary>The file's bytes: empty when its size is 0 (an empty file, a pipe or a device).</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file is, for messages (e.g. "batch file").</param>
    /// <param name="maxBytes">Largest size read.</param>
    /// <exception cref="FileNotFoundException">No such file (or a folder of that name).</exception>
    /// <exception cref="IOException">Larger than <paramref name="maxBytes"/>, or shorter than its size when read.</exception>
    public static byte[] ReadAllBytes(string path, string what, long maxBytes)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new FileNotFoundException(Directory.Exists(path) ? $"{path}: is a folder, not a {what}" : $"{path}: {what} not found", path);
        long size = info.Length;
        if (size == 0) return [];
        if (size > maxBytes) throw new IOException($"{path}: {size} bytes, more than a {what} may hold ({maxBytes})");
        var bytes = new byte[size];
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
        {
            int read = 0;
            while (read < bytes.Length)
            {
                int n = stream.Read(bytes, read, bytes.Length - read);
                if (n == 0) throw new IOException($"{path}: ended after {read} of its {size} bytes (it changed while it was read)");
                read += n;
            }
        }
        return bytes;
    }

    /// <summary>The file's text (UTF-8, a byte-order mark dropped): empty when its size is 0.</summary>
    /// <inheritdoc cref="ReadAllBytes"/>
    public static string ReadAllText(string path, string what, long maxBytes)
    {
        byte[] bytes = ReadAllBytes(path, what, maxBytes);
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith(Encoding.UTF8.Preamble)) span = span[Encoding.UTF8.Preamble.Length..];
        return Encoding.UTF8.GetString(span);
    }
}
