namespace ConvVerify;

/// <summary>
/// Replaces a whole folder so that readers, and a run killed at any moment, see either the old folder or the new one,
/// never a mix. The new contents are written to <see cref="Staging"/> (<c>.&lt;name&gt;.tmp-&lt;guid&gt;</c>, beside the
/// target so the renames stay on one file system) and swapped in by <see cref="Commit"/>. A lock file beside the target
/// (<c>.&lt;name&gt;.lock</c>) makes a second run on the same target fail at once instead of interleaving.
/// </summary>
/// <remarks>
/// The swap is two renames: the old folder aside to <c>.&lt;name&gt;.old-&lt;guid&gt;</c>, the new one in. A kill between
/// them leaves no target but an intact <c>.old-</c> folder; the next <see cref="Begin"/> on that target renames it back,
/// so the old folder is what a later run sees. Every other leftover (<c>.tmp-</c> of an unfinished write, <c>.trash-</c>
/// of an unfinished delete) is removed by the next <see cref="Begin"/>. The lock is the kernel's (flock on Unix), so
/// it dies with its holder: a lock file left by a killed run blocks nobody and is deleted by the next run's release.
/// The holder deletes the file before unlocking; a run that opened it in the microseconds before may still lock the
/// unlinked file and proceed beside a newer one, and then the renames of one of them fail: one pack or the other wins
/// whole, never a mix.
/// </remarks>
public sealed class AtomicFolder : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _lockPath;

    private AtomicFolder(string target, string staging, FileStream lockStream, string lockPath)
    {
        _lockPath = lockPath;
        Target = target;
        Staging = staging;
        _lock = lockStream;
    }

    /// <summary>The folder that <see cref="Commit"/> replaces (full path).</summary>
    public string Target { get; }

    /// <summary>The empty folder the new contents go into.</summary>
    public string Staging { get; }

    /// <summary>
    /// Locks <paramref name="target"/>, recovers or removes what an interrupted run left beside it, and creates an empty
    /// <see cref="Staging"/> folder.
    /// </summary>
    /// <exception cref="IOException">Another run holds the lock, the target is a symbolic link, or the parent folder cannot be written.</exception>
    public static AtomicFolder Begin(string target)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        string full = Path.GetFullPath(Path.TrimEndingDirectorySeparator(target));
        string parent = Path.GetDirectoryName(full) ?? throw new IOException($"{target}: cannot replace a file-system root");
        string name = Path.GetFileName(full);
        // The swap would replace the link itself with a folder, and the old contents live elsewhere: refuse rather than surprise.
        if (new FileInfo(full).LinkTarget is { } link)
            throw new IOException($"{full}: is a symbolic link (to {link}); give the folder it points to");
        int bytes = System.Text.Encoding.UTF8.GetByteCount(name);
        if (bytes > MaxNameBytes)
            throw new IOException($"{full}: its name is {bytes} bytes long, more than {MaxNameBytes}: the new contents are written beside it as "
                + $".<name>.tmp-<32 hex digits> (and the old set aside as .<name>.trash-<32 hex digits>), and a file name holds at most 255 bytes; give a shorter name");
        MakeParent(target, parent);
        string lockPath = Path.Combine(parent, $".{name}.lock");
        FileStream lockStream = Lock(full, parent, lockPath);
        try
        {
            Recover(parent, name, full);
            string staging = Path.Combine(parent, $".{name}.tmp-{Guid.NewGuid():N}");
            Directory.CreateDirectory(staging);
            // Given before anything is written into it: a setgid group folder's group then passes to what is made inside.
            if (Directory.Exists(full)) KeepAccess(full, staging, writable: true);
            return new AtomicFolder(full, staging, lockStream, lockPath);
        }
        catch
        {
            // Deleted before unlocking, as Dispose does: a refused run left its lock file beside the user's folder.
            try
            {
                File.Delete(lockPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The refusal being thrown says what matters; a lock file left blocks nobody (the lock died with the stream).
            }
            lockStream.Dispose();
            throw;
        }
    }

    // A run ending deletes its lock file, then unlocks it. A run that opened the file just before the delete gets the lock
    // once it is released, but on a file no longer at the path, while a third run creates a new one there and locks that:
    // two writers. So a lock counts only on the file still at the path; otherwise it is taken again on the new one.
    private static FileStream Lock(string full, string parent, string lockPath)
    {
        for (int attempt = 1; ; attempt++)
        {
            FileStream lockStream = Open(full, parent, lockPath);
            if (Fixtures.FileKinds.IsEntryAt(lockStream.SafeFileHandle, lockPath) != false) return lockStream;
            lockStream.Dispose();
            if (new FileInfo(lockPath).LinkTarget is not null) throw LinkRefused(full, lockPath);
            if (attempt == MaxLockAttempts)
                throw new IOException($"{full}: another run is writing it (its lock {lockPath} was deleted under this run {MaxLockAttempts} times); try again when that run has finished");
        }
    }

    // The lock is taken by another open file: .NET gives flock's EWOULDBLOCK as the errno itself (11 on Linux, 35 on macOS)
    // and Windows a sharing or lock violation.
    private static bool HeldElsewhere(IOException e) =>
        e.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);

    // 255 bytes, the longest file name of Linux's and macOS's file systems, less what the longest name beside the
    // target adds: "." + name + ".trash-" + 32 hex digits.
    private const int MaxNameBytes = 255 - 40;

    // Each attempt but the last found the lock file replaced by another run in the moment between opening and locking it.
    private const int MaxLockAttempts = 10;

    private static FileStream Open(string full, string parent, string lockPath)
    {
        FileStream? stream;
        try
        {
            stream = OpenUnlessLink(lockPath);
        }
        catch (IOException e) when (HeldElsewhere(e))
        {
            throw new IOException($"{full}: another run is writing it (lock {lockPath} is held); try again when that run has finished", e);
        }
        catch (IOException e)
        {
            // Any other failure was said as "another run is writing it" (a name too long for the file system), or as .NET's
            // "Could not find file '/proc/.x.lock'" (a folder that takes no new file), naming a file the user never made.
            throw new IOException($"{full}: its lock {lockPath} cannot be made in {parent} ({e.Message})", e);
        }
        catch (UnauthorizedAccessException e)
        {
            // The system's "Access to the path '.../.pack.lock' is denied" named only a file the user never made: the
            // folder that cannot be written (or a folder in the lock's place) is what to fix.
            throw new IOException(Directory.Exists(lockPath) ? $"{full}: its lock {lockPath} is a folder, not a lock file; remove it"
                : $"{full}: cannot write in {parent}, where its lock and the new contents go ({e.Message})", e);
        }
        return stream ?? throw LinkRefused(full, lockPath);
    }

    private static IOException LinkRefused(string full, string lockPath) =>
        new($"{full}: its lock {lockPath} is a symbolic link (to {new FileInfo(lockPath).LinkTarget}), not a lock file; nothing was written; remove it");

    // The lock file opened, or null when a symbolic link is in its place. FileShare.None is an exclusive flock on Unix
    // and a sharing lock on Windows; both die with the process. Opening with O_CREAT through a link planted there made a
    // file wherever it led; .NET has no O_NOFOLLOW, but O_CREAT|O_EXCL (CreateNew) never follows a link, and an open
    // without O_CREAT makes nothing (and Lock then finds the file open is not the entry at the path: IsEntryAt).
    private static FileStream? OpenUnlessLink(string lockPath)
    {
        // A run ending deletes the file between this run's two opens: made again, up to MaxLockAttempts times.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return new FileStream(lockPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (!HeldElsewhere(e) && attempt < MaxLockAttempts)
            {
                // It exists, or cannot be made, which the open below or the last attempt says.
            }
            if (new FileInfo(lockPath).LinkTarget is not null) return null;
            try
            {
                return new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (FileNotFoundException) when (attempt < MaxLockAttempts)
            {
                // Deleted since: made again.
            }
        }
    }

    // The folder the target goes in, made when missing. A file on the way was said only as "The file '/a/b' already
    // exists.", naming neither the target nor what stood in the way.
    private static void MakeParent(string target, string parent)
    {
        try
        {
            Directory.CreateDirectory(parent);
        }
        catch (IOException e)
        {
            string why = Fixtures.PackPaths.InTheWay(parent) is { } blocking ? $"{blocking} is {Fixtures.PackPaths.KindOf(blocking)}, not a folder" : e.Message;
            throw new IOException($"{target}: its folder {parent} cannot be made: {why}", e);
        }
    }

    /// <summary>
    /// Checks that <see cref="Commit"/> can delete the old <see cref="Target"/>: every folder of it writable. Called by a
    /// writer once it has judged the old folder its own to replace (a pack, a snapshot folder) and before it writes: a
    /// read-only folder was found only after the whole new folder was written, when the swap had put it in and the old
    /// one's deletion failed (the run said "Access to the path ... is denied" of a .trash- folder and exited 2 having
    /// written), and its leftover then failed every later run the same way.
    /// </summary>
    /// <exception cref="IOException">A folder of the old target cannot be emptied; the message names it.</exception>
    public void CheckReplaceable() => CheckReplaceable(Target);

    /// <summary>
    /// <see cref="CheckReplaceable()"/> of a folder not yet locked: <c>fixtures regenerate</c> checks every set's folder
    /// before it rewrites the first, so that a read-only third set cannot leave the clone's packs of two generations.
    /// </summary>
    /// <exception cref="IOException">A folder of <paramref name="target"/> cannot be emptied; the message names it.</exception>
    public static void CheckReplaceable(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        // Links are not followed: a link is deleted, not what it leads to.
        if (!Directory.Exists(target)) return;
        // The swap renames the old folder aside, and the kernel refuses to rename a mount point (EBUSY): that was found
        // only after the whole new folder was written, and said as "Device or resource busy", naming nothing.
        if (Fixtures.FileKinds.IsMountRoot(target))
            throw new IOException($"{target}: is a mount point (e.g. a bind mount), which cannot be replaced: the new contents are swapped in by renaming, "
                + $"and a mount point cannot be renamed; give a folder below it instead, e.g. {Path.Combine(target, "out")}; nothing was written");
        var folders = Directory.EnumerateDirectories(target, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Order(StringComparer.Ordinal).Prepend(target);
        foreach (string folder in folders)
        {
            if (Fixtures.FileKinds.WhyNotWritable(folder) is { } why)
                throw new IOException($"{folder}: cannot be emptied ({why}), so {(folder == target ? "it" : target)} cannot be replaced; nothing was written");
        }
    }

    /// <summary>Swaps <see cref="Staging"/> in as <see cref="Target"/> and deletes the old folder, if any.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(!_lock.CanRead, this);
        string parent = Path.GetDirectoryName(Target)!, name = Path.GetFileName(Target);
        string? old = null;
        if (Directory.Exists(Target))
        {
            KeepAccess(Target, Staging);
            old = Path.Combine(parent, $".{name}.old-{Guid.NewGuid():N}");
            Rename(Target, old, $"{Target}: written in {Staging}, but the old folder could not be set aside as {old}, so it was left as it was and the new contents were discarded");
        }
        // The window: between these two renames the target is absent; Recover puts the .old- folder back.
        Rename(Staging, Target, $"{Target}: written in {Staging}, but it could not be renamed into place"
            + (old is null ? "" : $" (the old folder is aside as {old}, and the next run on {Target} puts it back)"));
        if (old is not null) DeleteAside(parent, name, old, $"{Target}: written, but its old contents, set aside as");
    }

    // The new folder keeps who may use the old one: made by this process, it had its owner and default mode, so a private
    // 0700 folder came back 0755 and a shared setgid group folder (2770) root:root 0755, its group shut out. The owner too
    // where this process may give it (root), else the group alone (a member may), else neither; the mode last, since a
    // change of owner may clear set-id bits. Given once when the staging folder is made (so what is written inside inherits
    // a setgid group), with the owner's write and search kept until the contents are in (writable), and once more exactly
    // at the swap.
    private static void KeepAccess(string from, string to, bool writable = false)
    {
        if (OperatingSystem.IsWindows()) return;
        if (Fixtures.FileKinds.Owner(from) is { } theirs && Fixtures.FileKinds.Owner(to) is { } ours && theirs != ours
            && !Fixtures.FileKinds.TryChown(to, theirs.Uid, theirs.Gid))
            Fixtures.FileKinds.TryChown(to, uint.MaxValue, theirs.Gid);
        var mode = File.GetUnixFileMode(from);
        File.SetUnixFileMode(to, writable ? mode | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute : mode);
    }

    /// <summary>Deletes <see cref="Staging"/> unless committed, and releases and deletes the lock file.</summary>
    public void Dispose()
    {
        if (!_lock.CanRead) return;
        try
        {
            // After a commit the staging folder is the target, under its new name: nothing is left to delete.
            if (Directory.Exists(Staging)) Directory.Delete(Staging, recursive: true);
        }
        finally
        {
            // Deleted before unlocking: a later run then creates a fresh file instead of locking one about to vanish.
            File.Delete(_lockPath);
            _lock.Dispose();
        }
    }

    /// <summary>
    /// Whether a run killed between the swap's two renames left <paramref name="target"/>'s old folder aside (the next
    /// <see cref="Begin"/> puts it back), so a missing target is not yet a missing folder.
    /// </summary>
    public static bool HasFolderAside(string target) => FoldersAside(target).Count > 0;

    /// <summary>
    /// The old folders (<c>.&lt;name&gt;.old-&lt;guid&gt;</c>, symbolic links not counted) that runs killed during the swap
    /// left beside <paramref name="target"/>, full paths sorted ordinally: one a killed run left between the two renames,
    /// or one it left after them, beside the new folder.
    /// </summary>
    public static IReadOnlyList<string> FoldersAside(string target)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        string full = Path.GetFullPath(Path.TrimEndingDirectorySeparator(target));
        string? parent = Path.GetDirectoryName(full);
        string name = Path.GetFileName(full);
        if (parent is null || !Directory.Exists(parent)) return [];
        return [.. Directory.GetDirectories(parent).Where(d => Path.GetFileName(d).StartsWith($".{name}.", StringComparison.Ordinal) && Kind(Path.GetFileName(d), name) == "old"
                && new DirectoryInfo(d).LinkTarget is null).Order(StringComparer.Ordinal)];
    }

    private static void Recover(string parent, string name, string full)
    {
        var leftovers = Directory.GetDirectories(parent)
            .Where(d => Path.GetFileName(d).StartsWith($".{name}.", StringComparison.Ordinal))
            .Select(d => (Path: d, Kind: Kind(Path.GetFileName(d), name))).Where(l => l.Kind is not null).ToList();
        // The listing counts a link to a folder as a folder. A run of ours leaves only folders: a link so named was put
        // there by someone else, and a link renamed into place made the target lead outside (an accept then copied the
        // outside folder's every file into the snapshots). Refused, not deleted: it is not ours to remove.
        foreach (var (path, _) in leftovers)
        {
            if (new DirectoryInfo(path).LinkTarget is { } link)
                throw new IOException($"{full}: {path} beside it is a symbolic link (to {link}), not a folder an earlier run left; nothing was written; remove it");
        }
        var olds = leftovers.Where(l => l.Kind == "old").Select(l => l.Path)
            .OrderByDescending(Directory.GetLastWriteTimeUtc).ToList();
        if (!Directory.Exists(full) && olds.Count > 0)
        {
            Rename(olds[0], full, $"{full}: an earlier run's old folder {olds[0]} could not be put back");
            // A link swapped in for the folder between the check above and the rename: put it back where it was found.
            if (new DirectoryInfo(full).LinkTarget is { } link)
            {
                Directory.Move(full, olds[0]);
                throw new IOException($"{full}: {olds[0]} beside it is a symbolic link (to {link}), not a folder an earlier run left; nothing was written; remove it");
            }
            olds.RemoveAt(0);
        }
        foreach (string d in olds) DeleteAside(parent, name, d, $"{full}: an earlier run's leftover beside it,");
        foreach (var (path, kind) in leftovers)
            if (kind is "tmp" or "trash") Delete(path, $"{full}: an earlier run's leftover beside it,");
    }

    // The system's "Device or resource busy" or "Permission denied" said neither which rename failed nor of which folder.
    private static void Rename(string from, string to, string context)
    {
        try
        {
            Directory.Move(from, to);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{context}: {e.Message}", e);
        }
    }

    // An .old- folder is restored by Recover, so it must never be half deleted: rename it to .trash- first.
    private static void DeleteAside(string parent, string name, string old, string context)
    {
        string trash = Path.Combine(parent, $".{name}.trash-{Guid.NewGuid():N}");
        Directory.Move(old, trash);
        Delete(trash, context);
    }

    // The system's "Access to the path '.../.pack.trash-…/case' is denied" named a folder the user never made, and not
    // what to do: every run after failed on it the same way.
    private static void Delete(string folder, string context)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{context} {folder}, cannot be deleted ({e.Message}); remove it by hand", e);
        }
    }

    private static string? Kind(string folder, string name)
    {
        string rest = folder[(name.Length + 2)..];
        foreach (string kind in (string[])["tmp", "old", "trash"])
            if (rest.StartsWith(kind + "-", StringComparison.Ordinal) && Guid.TryParseExact(rest[(kind.Length + 1)..], "N", out _)) return kind;
        return null;
    }
}
