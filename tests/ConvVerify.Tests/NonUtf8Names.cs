using System.Runtime.InteropServices;
using System.Text;

namespace ConvVerify.Tests;

/// <summary>
/// Folders whose names are not UTF-8, as a Latin-1 tar file or an old disk leaves them. .NET cannot make one (it writes
/// a string's lone surrogate as the UTF-8 of U+FFFD, a valid name), so they are made and removed through libc by bytes.
/// </summary>
internal static partial class NonUtf8Names
{
    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true)]
    private static partial int MkDir(byte[] path, uint mode);

    [LibraryImport("libc", EntryPoint = "rmdir", SetLastError = true)]
    private static partial int RmDir(byte[] path);

    // The path's bytes: parent and name in UTF-8, then 0xFF (a byte UTF-8 never uses), then the terminating NUL.
    private static byte[] Bytes(string parent, string name) => [.. Encoding.UTF8.GetBytes(Path.Combine(parent, name)), 0xFF, 0];

    /// <summary>
    /// Makes the empty folder <paramref name="parent"/>/<paramref name="name"/> followed by the byte 0xFF, and returns the
    /// path as .NET reads it back (0xFF as U+FFFD); ignores the test on Windows, whose names are UTF-16.
    /// </summary>
    public static string MakeFolder(string parent, string name)
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("Windows names are UTF-16: none is 'not UTF-8'");
        Directory.CreateDirectory(parent);
        Assert.That(MkDir(Bytes(parent, name), Convert.ToUInt32("700", 8)), Is.Zero, $"mkdir {parent}/{name}\\xff: errno {Marshal.GetLastPInvokeError()}");
        return Path.Combine(parent, name + "\uFFFD");
    }

    /// <summary>Removes the folder <see cref="MakeFolder"/> made, which .NET's own delete cannot name (a test's temporary folder could not be removed).</summary>
    public static void RemoveFolder(string parent, string name) =>
        Assert.That(RmDir(Bytes(parent, name)), Is.Zero, $"rmdir {parent}/{name}\\xff: errno {Marshal.GetLastPInvokeError()}");
}
