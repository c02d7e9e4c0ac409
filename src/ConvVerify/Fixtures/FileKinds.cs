using System.Runtime.InteropServices;

namespace ConvVerify.Fixtures;

/// <summary>What a path names, its symbolic links followed.</summary>
internal enum FileKind
{
    Missing,
    Regular,
    Directory,
    NamedPipe,
    CharacterDevice,
    BlockDevice,
    Socket,
    Other,
}

/// <summary>
/// The kind of a file system entry, found without opening it. .NET tells only files from directories (a named pipe or
/// a device is a "file" to <see cref="File.Exists"/>), so on Unix this asks the C library for the entry's type bits.
/// </summary>
internal static partial class FileKinds
{
    // POSIX's type bits of st_mode; the same values on Linux and macOS.
    private const int TypeMask = 0xF000, Fifo = 0x1000, CharDevice = 0x2000, Dir = 0x4000, BlockDevice = 0x6000, Regular = 0x8000, Socket = 0xC000;

    private const int AtFdCwd = -100, StatxType = 0x1, ModeOffsetStatx = 0x1C, ModeOffsetDarwin = 4, StatBufferSize = 512;

    // statx's inode and device number (its major and minor: stx_dev_major, stx_dev_minor); macOS's 64-bit inode stat's
    // st_ino and its 4-byte st_dev at 0.
    private const int StatxIno = 0x100, InoOffsetStatx = 0x20, DevOffsetStatx = 0x88, InoOffsetDarwin = 8;
    private const int ENOENT = 2, ENOTDIR = 20, EPERM = 1, ENOSYS = 38;

    /// <summary>The kind of entry <paramref name="path"/> names, following links (a dangling link is missing).</summary>
    /// <exception cref="FixtureException">The entry exists but its kind cannot be found (e.g. no permission to look).</exception>
    public static FileKind Of(string path)
    {
        // Stryker disable once all : only a Windows run reaches it
        if (OperatingSystem.IsWindows()) return OfWindows(path);
        int mode, errno;
        try
        {
            mode = StatMode(path, out errno);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return Guess(path); // a C library without statx (glibc before 2.28, musl before 1.2.5, the BSDs)
        }
        if (mode < 0)
        {
            // ENOSYS or EPERM: a container's seccomp profile that predates statx.
            if (errno is ENOSYS or EPERM) return Guess(path);
            return errno is ENOENT or ENOTDIR ? FileKind.Missing
                : throw new FixtureException($"{path}: cannot tell what kind of file it is ({Marshal.GetPInvokeErrorMessage(errno)})");
        }
        return (mode & TypeMask) switch
        {
            Regular => FileKind.Regular,
            Dir => FileKind.Directory,
            Fifo => FileKind.NamedPipe,
            CharDevice => FileKind.CharacterDevice,
            BlockDevice => FileKind.BlockDevice,
            Socket => FileKind.Socket,
            _ => FileKind.Other,
        };
    }

    // Windows has no named pipes or devices inside a folder (\\.\pipe\ and \\.\ paths are not below a pack, and links
    // leading there are refused as outside it); the attributes of the link's final target tell the rest.
    private static FileKind OfWindows(string path)
    {
        FileSystemInfo info = new FileInfo(path);
        if (info.Exists && info.LinkTarget is not null) info = info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
        if (Directory.Exists(info.FullName)) return FileKind.Directory;
        if (!info.Exists) return FileKind.Missing;
        return info.Attributes.HasFlag(FileAttributes.Device) ? FileKind.CharacterDevice : FileKind.Regular;
    }

    /// <summary>
    /// Whether <paramref name="a"/> and <paramref name="b"/> (links followed) are one file by its device and inode, so
    /// two names of one file under hard links are seen as one, as no path comparison can. False when either is missing
    /// or the C library cannot be asked (Windows, no statx): the caller's path comparison is what is left.
    /// </summary>
    public static bool SameFile(string a, string b)
    {
        try
        {
            return Identity(a) is { } x && Identity(b) is { } y && x == y;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    private const int AtEmptyPath = 0x1000, AtSymlinkNoFollow = 0x100;

    /// <summary>
    /// Whether the file open as <paramref name="handle"/> is the entry <paramref name="path"/> names itself, a symbolic
    /// link there not followed (by device and inode): false when the path is a link, or another file, or missing; null
    /// where that cannot be asked (not Linux, no statx).
    /// </summary>
    public static unsafe bool? IsEntryAt(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string path)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!OperatingSystem.IsLinux()) return null;
        byte* buffer = stackalloc byte[StatBufferSize];
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (StatX((int)handle.DangerousGetHandle(), "", AtEmptyPath, StatxIno, buffer) != 0 || StatxIdentity(buffer) is not { } open) return null;
            if (StatX(AtFdCwd, path, AtSymlinkNoFollow, StatxIno, buffer) != 0) return false;
            return StatxIdentity(buffer) == open;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>
    /// Whether the folder <paramref name="path"/> (a link there not followed) is the root of a mount: the kernel's own
    /// flag where it gives one (statx's STATX_ATTR_MOUNT_ROOT, Linux 5.8), otherwise a mount id or a device differing
    /// from its parent's. A bind mount of a folder of the same file system has its parent's device, so the device is the
    /// last resort. False when it cannot be asked (Windows, no C library) or either is missing.
    /// </summary>
    public static unsafe bool IsMountRoot(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (OperatingSystem.IsWindows()) return false;
        string full = Path.GetFullPath(Path.TrimEndingDirectorySeparator(path));
        string? parent = Path.GetDirectoryName(full);
        if (parent is null) return true;
        try
        {
            if (!OperatingSystem.IsLinux())
                return Identity(full) is { } self && Identity(parent) is { } up && self.Device != up.Device;
            byte* buffer = stackalloc byte[StatBufferSize];
            if (StatX(AtFdCwd, full, AtSymlinkNoFollow, (uint)StatxIno | StatxMountId, buffer) != 0) return false;
            if ((*(ulong*)(buffer + AttributesMaskOffset) & AttrMountRoot) != 0) return (*(ulong*)(buffer + AttributesOffset) & AttrMountRoot) != 0;
            bool hasMountId = (*(uint*)buffer & StatxMountId) != 0;
            ulong mountId = *(ulong*)(buffer + MountIdOffset);
            var mine = StatxIdentity(buffer);
            if (StatX(AtFdCwd, parent, 0, (uint)StatxIno | StatxMountId, buffer) != 0) return false;
            if (hasMountId && (*(uint*)buffer & StatxMountId) != 0) return mountId != *(ulong*)(buffer + MountIdOffset);
            return mine is { } s && StatxIdentity(buffer) is { } p && s.Device != p.Device;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// The owner and group of <paramref name="path"/> (a link there not followed), or null where they cannot be asked
    /// (not Linux, no C library) or it is missing.
    /// </summary>
    public static unsafe (uint Uid, uint Gid)? Owner(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux()) return null;
        byte* buffer = stackalloc byte[StatBufferSize];
        try
        {
            if (StatX(AtFdCwd, path, AtSymlinkNoFollow, StatxUid | StatxGid, buffer) != 0) return null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
        if ((*(uint*)buffer & (StatxUid | StatxGid)) != (StatxUid | StatxGid)) return null;
        return (*(uint*)(buffer + UidOffsetStatx), *(uint*)(buffer + GidOffsetStatx));
    }

    /// <summary>
    /// Gives <paramref name="path"/> (a link there not followed) the owner <paramref name="uid"/> and the group
    /// <paramref name="gid"/> (<see cref="uint.MaxValue"/>: left as it is); false where this process may not (only root
    /// gives a file away; a member may give a group) or it cannot be asked.
    /// </summary>
    public static bool TryChown(string path, uint uid, uint gid)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return LChown(path, uid, gid) == 0;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    // statx's STATX_UID and STATX_GID, stx_uid and stx_gid.
    private const uint StatxUid = 0x8, StatxGid = 0x10;
    private const int UidOffsetStatx = 0x14, GidOffsetStatx = 0x18;

    [LibraryImport("libc", EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LChown(string path, uint owner, uint group);

    // statx's stx_attributes and stx_attributes_mask, STATX_ATTR_MOUNT_ROOT, STATX_MNT_ID and stx_mnt_id.
    private const int AttributesOffset = 0x08, AttributesMaskOffset = 0x38, MountIdOffset = 0x90;
    private const ulong AttrMountRoot = 0x2000;
    private const uint StatxMountId = 0x1000;

    // (device, inode) of the entry, or null when it cannot be found.
    private static unsafe (ulong Device, ulong Inode)? Identity(string path)
    {
        // Stryker disable once all : only a Windows run reaches it
        if (OperatingSystem.IsWindows()) return null;
        byte* buffer = stackalloc byte[StatBufferSize];
        if (Stat(path, StatxIno, buffer) != 0) return null;
        // Stryker disable all : a Linux run takes the second branch only
        if (OperatingSystem.IsMacOS()) return ((ulong)*(uint*)buffer, *(ulong*)(buffer + InoOffsetDarwin));
        // Stryker restore all
        return StatxIdentity(buffer);
    }

    // (device, inode) from a statx buffer, or null when the call did not fill the inode (stx_mask).
    private static unsafe (ulong Device, ulong Inode)? StatxIdentity(byte* buffer)
    {
        if ((*(uint*)buffer & StatxIno) == 0) return null;
        ulong device = ((ulong)*(uint*)(buffer + DevOffsetStatx) << 32) | *(uint*)(buffer + DevOffsetStatx + 4);
        return (device, *(ulong*)(buffer + InoOffsetStatx));
    }

    /// <summary>
    /// Null when this process may list, create and delete entries in the folder <paramref name="path"/> (read, write and
    /// search permission, as the kernel judges them; a folder is listed before it is emptied: root passes a folder's mode bits but not its immutable flag or a read-only
    /// mount); otherwise the system's reason, e.g. "Permission denied". Null too where that cannot be asked (Windows, no
    /// C library): the writes themselves then say it.
    /// </summary>
    public static string? WhyNotWritable(string path)
    {
        // Stryker disable once all : only a Windows run reaches it
        if (OperatingSystem.IsWindows()) return null;
        try
        {
            return Access(path, ReadOk | WriteOk | SearchOk) == 0 ? null : Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    private const int ReadOk = 4, WriteOk = 2, SearchOk = 1;

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Access(string path, int mode);

    /// <summary>The kind in words for messages, e.g. "a named pipe".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Missing => "missing",
        FileKind.Directory => "a directory",
        FileKind.NamedPipe => "a named pipe",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => "a special file",
    };

    /// <summary>
    /// What .NET alone can tell, where the C library cannot be asked: a folder, nothing, a file with content (regular:
    /// pipes and devices have no size), or an entry of size 0 — an empty file or a pipe or a device, which
    /// <see cref="FileKind.Other"/> keeps unopened.
    /// </summary>
    internal static FileKind Guess(string path)
    {
        if (Directory.Exists(path)) return FileKind.Directory;
        if (!File.Exists(path)) return FileKind.Missing;
        // The size of what a link leads to: a link's own is its target's name, which made a link to a pipe "regular".
        FileSystemInfo info = new FileInfo(path);
        if (info.LinkTarget is not null) info = info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
        return info is FileInfo { Length: > 0 } ? FileKind.Regular : FileKind.Other;
    }

    // st_mode of the entry, or -1 with the errno. Linux's statx has one layout on every architecture; macOS's 64-bit
    // inode stat keeps st_mode right after a 4-byte st_dev on both of its architectures.
    private static unsafe int StatMode(string path, out int errno)
    {
        byte* buffer = stackalloc byte[StatBufferSize];
        int rc = Stat(path, StatxType, buffer);
        int offset = ModeOffsetStatx;
        // Stryker disable all : a Linux run takes the statx offset only
        if (OperatingSystem.IsMacOS()) offset = ModeOffsetDarwin;
        // Stryker restore all
        errno = rc == 0 ? 0 : Marshal.GetLastPInvokeError();
        return rc == 0 ? *(ushort*)(buffer + offset) : -1;
    }

    // The entry's stat, links followed, into buffer: Linux's statx asked for statxMask, macOS's 64-bit inode stat (all
    // of it); 0, or -1 with the errno left for GetLastPInvokeError. One place for the platform's call, which the kind
    // and the identity of a file both read.
    private static unsafe int Stat(string path, uint statxMask, byte* buffer)
    {
        // Stryker disable all : a Linux run takes the statx branch only
        if (OperatingSystem.IsMacOS())
            return RuntimeInformation.ProcessArchitecture == Architecture.X64 ? StatDarwinX64(path, buffer) : StatDarwin(path, buffer);
        // Stryker restore all
        return StatX(AtFdCwd, path, 0, statxMask, buffer);
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int StatX(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int StatDarwin(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "stat$INODE64", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int StatDarwinX64(string path, byte* buffer);
}
