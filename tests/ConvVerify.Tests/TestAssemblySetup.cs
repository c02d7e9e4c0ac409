using ConvVerify.Oracles;

namespace ConvVerify.Tests;

/// <summary>Process-wide setup for every test: the embedded Python is finalized once, after the last test.</summary>
[SetUpFixture]
public sealed class TestAssemblySetup
{
    /// <summary>CPython cannot be restarted, so only the end of the test run may finalize it.</summary>
    [OneTimeTearDown]
    public void ShutDownPython() => TorchOracle.Shutdown();
}
