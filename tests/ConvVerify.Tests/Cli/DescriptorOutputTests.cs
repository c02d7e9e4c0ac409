using System.Diagnostics;
using System.IO.Pipes;
using System.Text.Json;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// A report-only probe: <c>--json</c> and <c>--junit</c> to <c>/dev/stdout</c> or a process substitution
/// (<c>--json &gt;(jq …)</c>, which the README promised) failed after the whole run, naming a file of /proc the user never
/// gave; with stdout redirected to a file the report was renamed over it, and the console's output in it was lost. A
/// path that names a descriptor of the process is now written through that descriptor.
/// </summary>
public class DescriptorOutputTests : CliTestBase
{
    private const string Summary = "check: 12 cases, 48 directions: 48 passed";

    // The CLI run by bash, so the descriptors are the shell's own making, as a user's are.
    private CliResult Shell(string script)
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("descriptors named by /dev/fd and /proc are Linux's here");
        string cli = $"\"{Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet"}\" \"{Path.Combine(TestContext.CurrentContext.TestDirectory, "convverify.dll")}\"";
        var psi = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TempPath("") };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script.Replace("CLI", cli, StringComparison.Ordinal));
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.That(p.WaitForExit(120_000), Is.True, "bash did not end");
        return new CliResult(p.ExitCode, output, err.Result);
    }

    private static void IsTheReport(string json)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.That((doc.RootElement.GetProperty("schema").GetString(), doc.RootElement.GetProperty("summary").GetProperty("exit_code").GetInt32()),
            Is.EqualTo(("convverify-report/1", 0)));
    }

    [Test]
    public void AProcessSubstitutionTakesTheReport()
    {
        // wait $!: bash waits for the substitution's cat, so j.json is whole when it is read.
        var r = Shell("CLI check --set question --json >(cat > j.json); code=$?; wait $!; exit $code");
        Assert.That((r.Code, r.Err), Is.EqualTo((0, "")), r.ToString());
        IsTheReport(File.ReadAllText(Path.Combine(Temp, "j.json")));
    }

    [Test]
    public void DevStdoutIntoAPipeTakesTheReportAfterTheConsoleOutput()
    {
        var r = Shell("CLI check --set question --json /dev/stdout | cat > out.txt");
        Assert.That((r.Code, r.Err), Is.EqualTo((0, "")), r.ToString());
        string out_ = File.ReadAllText(Path.Combine(Temp, "out.txt"));
        Assert.That(out_, Does.StartWith(Summary), out_);
        IsTheReport(out_[out_.IndexOf('{', StringComparison.Ordinal)..]);
    }

    [Test]
    public void AFileStdoutIsRedirectedToKeepsTheConsoleOutputBeforeAndAfterTheReport()
    {
        // Renamed over out.txt, the report replaced "before" and the summary line; "after", written by the shell at the
        // descriptor's offset, lands after the report only if the report moved that offset on.
        var r = Shell("(echo before; CLI check --set question --junit /dev/stdout; echo after) > out.txt");
        Assert.That((r.Code, r.Err), Is.EqualTo((0, "")), r.ToString());
        string[] lines = File.ReadAllLines(Path.Combine(Temp, "out.txt"));
        // The XML ends without a line feed, so the shell's line follows its last element.
        Assert.That((lines[0], lines[1].StartsWith(Summary, StringComparison.Ordinal), lines[2], lines[^1]),
            Is.EqualTo(("before", true, "\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?>", "</testsuites>after")), string.Join("\n", lines));
    }

    [Test]
    public void ADescriptorOpenForReadingOnlyIsRefusedBeforeTheRunByTheNameGiven()
    {
        var r = Shell("CLI check --set question --junit /dev/fd/3 3< /dev/null");
        Assert.That((r.Code, r.Out, r.Err), Is.EqualTo((2, "", "convverify: --junit: cannot write /dev/fd/3: descriptor 3 is open for reading only\n")), r.ToString());
    }

    [Test]
    public void TheSameDescriptorForBothOutputsIsRefusedByTheNamesGiven()
    {
        var r = Run("check", "--set", "question", "--json", "/dev/stdout", "--junit", "/proc/self/fd/1");
        Assert.That((r.Code, r.Err), Is.EqualTo((2, "convverify: --junit: /proc/self/fd/1 is descriptor 1, which --json /dev/stdout also writes; give each its own\n")), r.ToString());
    }

    [Test]
    public void AnAnonymousPipeOfThisProcessTakesTheReport()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("descriptors named by /dev/fd and /proc are Linux's here");
        using var pipe = new AnonymousPipeServerStream(PipeDirection.In);
        int fd = (int)pipe.ClientSafePipeHandle.DangerousGetHandle();
        var read = Task.Run(() =>
        {
            using var reader = new StreamReader(pipe, leaveOpen: true);
            return reader.ReadToEnd();
        });
        try
        {
            // Opened by its /proc name the pipe would do as well; it is the rename beside that name that failed.
            ConvVerify.ReplacedFile.Write($"/proc/self/fd/{fd}", s => s.Write("whole\n"u8));
        }
        finally
        {
            // The reader's end of file, whatever the write did: a failed write left the reader, and the test, waiting.
            pipe.DisposeLocalCopyOfClientHandle();
        }
        Assert.That(read.Result, Is.EqualTo("whole\n"));
    }
}
