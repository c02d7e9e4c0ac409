using System.Diagnostics;

namespace ConvVerify.Tests.Oracles;

/// <summary>Fake interpreters: POSIX shell scripts that tests write and the locator then runs.</summary>
internal static class ShellScripts
{
    /// <summary>
    /// Writes <c>#!/bin/sh</c>, <paramref name="body"/> and a newline to <paramref name="path"/>, executable by its owner.
    /// </summary>
    /// <remarks>
    /// The file is written by a child <c>sh</c>, not by this process. Written here, a process that another test's thread
    /// forked in that instant would hold the file open for writing until its own exec, and running the script then
    /// fails with "Text file busy" (ETXTBSY): a race between parallel tests that start processes. A write fd that only a
    /// short-lived child ever had cannot be inherited by this process's forks.
    /// </remarks>
    public static string Write(string path, string body)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["-c", """cat > "$1" && chmod 700 "$1" """, "sh", path]) psi.ArgumentList.Add(a);
        using var sh = Process.Start(psi)!;
        sh.StandardInput.Write("#!/bin/sh\n" + body + "\n");
        sh.StandardInput.Close();
        string err = sh.StandardError.ReadToEnd();
        Assert.That(sh.WaitForExit(30_000), Is.True, $"writing {path} took over 30 s");
        Assert.That(sh.ExitCode, Is.Zero, $"writing {path}: {err}");
        return path;
    }
}
