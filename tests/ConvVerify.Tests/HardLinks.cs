using System.Runtime.InteropServices;

namespace ConvVerify.Tests;

/// <summary>Hard links for the tests of outputs kept off their inputs: .NET makes symbolic links only.</summary>
internal static partial class HardLinks
{
    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string name);

    /// <summary>Makes <paramref name="name"/> a second name of <paramref name="existing"/>; ignores the test on Windows.</summary>
    public static string Make(string existing, string name)
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("SameFile asks the C library, which Windows has not");
        Assert.That(Link(existing, name), Is.Zero, $"link {existing} {name}: errno {Marshal.GetLastPInvokeError()}");
        return name;
    }
}
