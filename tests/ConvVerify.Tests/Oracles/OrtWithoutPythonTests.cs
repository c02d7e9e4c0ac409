using System.Diagnostics;

namespace ConvVerify.Tests.Oracles;

/// <summary>The second oracle needs no Python: the real command, in a process where no interpreter can be found, checks the committed sets against ONNX Runtime.</summary>
public class OrtWithoutPythonTests
{
    [Test]
    public void CheckAgainstOrtRunsWithNoPythonAndReportsFloat64AsNotProvided()
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "convverify.dll");
        Assert.That(File.Exists(cli), Is.True, cli);
        var start = new ProcessStartInfo("dotnet", [cli, "check", "--oracle", "ort"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        // No interpreter and no libpython: torch could not start here even if something asked for it.
        start.Environment["CONVVERIFY_PYTHON"] = "/nonexistent/python3";
        start.Environment["PYTHONNET_PYDLL"] = "/nonexistent/libpython3.so";
        start.Environment["PATH"] = "/nonexistent:" + Path.GetDirectoryName(Environment.ProcessPath);
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd(), stderr = process.StandardError.ReadToEnd();
        Assert.That(process.WaitForExit(120_000), Is.True, "the check finished");
        Assert.That(process.ExitCode, Is.EqualTo(0), stdout + stderr);
        Assert.That(stdout, Does.Contain($"against ort [onnxruntime ").And.Contain($"; cpu {ConvVerify.Oracles.OrtOracle.CpuKernels}]").And.Contain("0 failed").And.Contain("not provided by oracle").And.Contain("float64"));
    }
}
