using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using ConvVerify.Fixtures;

namespace ConvVerify;

/// <summary>
/// The open file descriptors of this process as an output's path names them: <c>/dev/stdout</c>, <c>/dev/stderr</c>,
/// <c>/dev/fd/N</c> (a shell's process substitution, <c>&gt;(jq …)</c>) and <c>/proc/self/fd/N</c>. Such an output is
/// written through the descriptor itself, as a shell's <c>&gt;&amp;N</c> would: what is written before it (the console's
/// output in a file stdout is redirected to) is kept, and what follows it comes after it.
/// </summary>
public static partial class Descriptors
{
    // A link of /proc/PID/fd names what the descriptor holds, which is no path for a pipe ("pipe:[123]") and the name
    // of an open file otherwise; following it was how a pipe became "/proc/PID/fd/.convverify-<guid>.tmp" and a file
    // behind /dev/stdout was renamed over. /dev/fd is macOS's own folder of them (on Linux a link to /proc/self/fd).
    [GeneratedRegex(@"^/proc/(?<pid>[1-9][0-9]*)(/task/[1-9][0-9]*)?/fd$", RegexOptions.CultureInvariant)]
    private static partial Regex ProcFolder();

    private const int MaxLinkHops = 40, EINTR = 4, AccessModeMask = 3, ReadOnlyAccess = 0;

    /// <summary>
    /// The descriptor of this process <paramref name="path"/> names (its symbolic links followed, as the kernel follows
    /// them: <c>/dev/stdout</c> is <c>/proc/self/fd/1</c>), or null when it names none (Windows has none so named).
    /// </summary>
    /// <exception cref="FixtureException">More than 40 links in a row (a loop).</exception>
    public static int? Named(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (OperatingSystem.IsWindows()) return null;
        string at = Path.GetFullPath(path);
        for (int hop = 0; hop <= MaxLinkHops; hop++)
        {
            string name = Path.GetFileName(at);
            if (Path.GetDirectoryName(at) is not { } parent || name.Length == 0) return null;
            string folder = PackPaths.RealPath(parent);
            // As the kernel reads the name: digits without a leading zero ("/proc/self/fd/01" is no descriptor).
            if (IsDescriptorFolder(folder) && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int fd)
                && fd.ToString(CultureInfo.InvariantCulture) == name)
                return fd;
            if (new FileInfo(Path.Combine(folder, name)).LinkTarget is not { } target) return null;
            at = Path.GetFullPath(target, folder);
        }
        throw new FixtureException($"{path}: too many symbolic links (a loop?)");
    }

    private static bool IsDescriptorFolder(string folder) =>
        (folder == "/dev/fd" && !OperatingSystem.IsLinux())
        || (ProcFolder().Match(folder) is { Success: true } m && m.Groups["pid"].Value == Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Null when <paramref name="descriptor"/> is open for writing, or when that cannot be asked (not Linux: the write
    /// then says it); otherwise why not, e.g. "descriptor 3 is not open".
    /// </summary>
    public static string? WhyNotWritable(int descriptor)
    {
        if (!OperatingSystem.IsLinux()) return null;
        string info = string.Create(CultureInfo.InvariantCulture, $"/proc/self/fdinfo/{descriptor}");
        string[] lines;
        try
        {
            lines = File.ReadAllLines(info);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return string.Create(CultureInfo.InvariantCulture, $"descriptor {descriptor} is not open");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // "flags:\t0100001": the open(2) flags in octal; their low two bits are the access mode.
        string? flags = lines.FirstOrDefault(l => l.StartsWith("flags:", StringComparison.Ordinal))?["flags:".Length..].Trim();
        if (flags is null || flags.Length == 0 || flags.Any(c => c is < '0' or > '7')) return null;
        return ((flags[^1] - '0') & AccessModeMask) == ReadOnlyAccess
            ? string.Create(CultureInfo.InvariantCulture, $"descriptor {descriptor} is open for reading only") : null;
    }

    /// <summary>
    /// A stream that writes through <paramref name="descriptor"/> itself (write(2), at its own offset, which it moves on),
    /// left open when disposed: it is the process's, not the stream's.
    /// </summary>
    internal static Stream Writer(int descriptor) => new BufferedStream(new DescriptorStream(descriptor), 1 << 16);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint SysWrite(int fd, byte* buffer, nint count);

    private sealed class DescriptorStream(int descriptor) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
            // Every write went to the descriptor when it returned.
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override unsafe void Write(ReadOnlySpan<byte> buffer)
        {
            fixed (byte* start = buffer)
            {
                int done = 0;
                while (done < buffer.Length)
                {
                    nint n = SysWrite(descriptor, start + done, buffer.Length - done);
                    if (n >= 0)
                    {
                        done += (int)n;
                        continue;
                    }
                    int errno = Marshal.GetLastPInvokeError();
                    // A signal handled while the write waited (a pipe's reader slow to take it) is no failure.
                    if (errno != EINTR) throw new IOException(Marshal.GetPInvokeErrorMessage(errno));
                }
            }
        }
    }
}
