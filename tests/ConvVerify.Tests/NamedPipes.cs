using System.Runtime.InteropServices;

namespace ConvVerify.Tests;

/// <summary>Named pipes for the tests of readers that must not open one (an open for reading waits for a writer).</summary>
internal static partial class NamedPipes
{
    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MkFifo(string path, uint mode);

    /// <summary>Makes a named pipe at <paramref name="path"/> (replacing a file there); ignores the test on Windows, which has none in a folder.</summary>
    public static string Make(string path)
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("no named pipes in a Windows folder");
        if (File.Exists(path)) File.Delete(path);
        Assert.That(MkFifo(path, Convert.ToUInt32("600", 8)), Is.Zero, $"mkfifo {path}: errno {Marshal.GetLastPInvokeError()}");
        return path;
    }
}
