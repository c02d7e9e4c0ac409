using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using ConvVerify.Fixtures;

namespace ConvVerify;

/// <summary>
/// Writes an output file whole or not at all: into a temporary file beside it (<c>.convverify-&lt;guid&gt;.tmp&lt;extension&gt;</c>, the extension kept for writers that go by it; on
/// the same file system), renamed over the name when complete. A failure part way (a full disk) leaves the file that was
/// there as it was and removes the temporary one; written in place, a full disk had truncated the previous report. A
/// run ended by Ctrl+C (SIGINT), SIGTERM, SIGHUP or SIGQUIT while a file is written removes its temporary file too.
/// </summary>
public static class ReplacedFile
{
    // The temporary files being written, removed by a signal that ends the process: a catch or finally never runs then,
    // and a complete report was left beside the one asked for as .convverify-<guid>.tmp.json, which nothing removed.
    private static readonly ConcurrentDictionary<string, byte> Pending = new(StringComparer.Ordinal);

    private static readonly PosixSignal[] EndingSignals = [PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT];

    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/>, given the temporary file's stream. With
    /// <paramref name="followLinks"/> (a <c>--json</c> or <c>--junit</c> the user named) a symbolic link is followed and
    /// its target replaced; anything that is not a regular file (a named pipe, a device) is written in place (a reader
    /// holds the pipe; a rename would put a file where it stood); and a descriptor of this process the path names
    /// (<c>/dev/stdout</c>, <c>/dev/fd/N</c>, <c>/proc/self/fd/N</c>: <see cref="Descriptors"/>) is written through
    /// itself, whatever it holds: a regular file there (stdout redirected to one) holds the console's output before it,
    /// which a rename would have thrown away. Without it (the files the HTML page names itself) the name is replaced: a
    /// link or a hard link there is replaced, never written through, and anything that is not a regular file is refused.
    /// </summary>
    /// <exception cref="IOException">The write, or the rename, failed; or, without <paramref name="followLinks"/>, the name is not a regular file or a link.</exception>
    public static void Write(string path, Action<Stream> write, bool followLinks = true)
    {
        ArgumentNullException.ThrowIfNull(write);
        WriteByName(path, temp =>
        {
            // Shared for reading, as the outputs were always opened: a reader may look at it while it is written.
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            write(stream);
        }, followLinks, inPlace: p =>
        {
            using var stream = new FileStream(p, FileMode.Create, FileAccess.Write, FileShare.Read);
            write(stream);
        }, throughDescriptor: fd =>
        {
            using var stream = Descriptors.Writer(fd);
            write(stream);
        });
    }

    /// <summary>
    /// As <see cref="Write(string, Action{Stream}, bool)"/>, for a writer that opens a file by its name itself (a plot's
    /// SavePng): <paramref name="write"/> is given the temporary file's path, which does not exist yet.
    /// </summary>
    public static void WriteByName(string path, Action<string> write, bool followLinks = true) =>
        WriteByName(path, write, followLinks, write, fd => CopiedThrough(fd, write, Path.GetExtension(path)));

    private static void WriteByName(string path, Action<string> write, bool followLinks, Action<string> inPlace, Action<int> throughDescriptor)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        if (followLinks)
        {
            if (Descriptors.Named(path) is { } fd)
            {
                throughDescriptor(fd);
                return;
            }
            // The kind of what the name leads to as the kernel follows it: the real path below cannot follow a link of
            // /proc/PID/fd to a pipe ("pipe:[123]"), and a pipe of another process's descriptors was taken for a
            // missing file, to be made beside it in /proc. Opened by the name given, which an error then names.
            var given = FileKinds.Of(path);
            if (given is not (FileKind.Missing or FileKind.Regular))
            {
                if (given == FileKind.Directory) throw new IOException($"{path} is {FileKinds.Describe(given)}, not a regular file; not written");
                inPlace(Path.GetFullPath(path));
                return;
            }
        }
        string target = followLinks ? PackPaths.RealPath(path) : Path.GetFullPath(path);
        bool link = new FileInfo(target).LinkTarget is not null;
        var kind = link ? FileKind.Missing : FileKinds.Of(target);
        if (kind is not (FileKind.Missing or FileKind.Regular))
        {
            if (!followLinks || kind == FileKind.Directory) throw new IOException($"{path} is {FileKinds.Describe(kind)}, not a regular file; not written");
            inPlace(target);
            return;
        }
        // A name of its own length, not the target's plus a suffix: a target name near the 255-byte limit, which the
        // checks before the run could create, made a temporary name too long only after the whole run. The extension is
        // kept for writers that go by it, as long as it is short.
        string extension = Path.GetExtension(target) is { Length: <= 16 } ext ? ext : "";
        string temp = Path.Combine(Path.GetDirectoryName(target)!, $".convverify-{Guid.NewGuid():N}.tmp{extension}");
        Pending[temp] = 0;
        var signals = WatchSignals();
        try
        {
            write(temp);
            // Flushed to the disk before the rename: a crash after it must not leave the name on an empty file.
            using (var f = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite)) f.Flush(flushToDisk: true);
            // The old file's permissions go with the name (a report kept group-readable stays so).
            if (kind == FileKind.Regular && !OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, File.GetUnixFileMode(target));
            // rename(2): it replaces the name itself, a link or another name of a file (a hard link) included, never what it leads to.
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The write's own failure is the one to report; the temporary file's name says what it is.
            }
            throw;
        }
        finally
        {
            Pending.TryRemove(temp, out _);
            foreach (var registration in signals) registration.Dispose();
        }
    }

    // A writer that opens its file by name writes it into the system's temporary folder, copied through the descriptor
    // whole: opened by a name of /proc, a file stdout is redirected to would be truncated, the console's output with it.
    private static void CopiedThrough(int fd, Action<string> write, string extension)
    {
        string temp = Path.Combine(Path.GetTempPath(), $".convverify-{Guid.NewGuid():N}.tmp{(extension.Length <= 16 ? extension : "")}");
        Pending[temp] = 0;
        var signals = WatchSignals();
        try
        {
            write(temp);
            using var from = new FileStream(temp, FileMode.Open, FileAccess.Read);
            using var to = Descriptors.Writer(fd);
            from.CopyTo(to);
        }
        finally
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The write's own outcome is the one to report; the temporary file's name says what it is.
            }
            Pending.TryRemove(temp, out _);
            foreach (var registration in signals) registration.Dispose();
        }
    }

    // The signals that end the process, each calling RemovePending while a file is written. Nothing cancels the signal:
    // the process ends as it would have, without the temporary file.
    private static List<PosixSignalRegistration> WatchSignals()
    {
        var registrations = new List<PosixSignalRegistration>();
        foreach (var signal in EndingSignals)
        {
            try
            {
                registrations.Add(PosixSignalRegistration.Create(signal, _ => RemovePending()));
            }
            catch (PlatformNotSupportedException)
            {
                // A platform without the signal cannot be ended by it either.
            }
        }
        return registrations;
    }

    /// <summary>
    /// Deletes every temporary file being written, as a signal that ends the process does. A write whose file is gone
    /// fails (its rename finds nothing to move), and the name it was to replace is left as it was.
    /// </summary>
    internal static void RemovePending()
    {
        foreach (string temp in Pending.Keys)
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process is ending: a file that cannot be deleted stays, as it did before.
            }
        }
    }
}
