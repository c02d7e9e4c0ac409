using ConvVerify.Oracles;

// Fixtures run in parallel (no test changes process-wide state: cultures are set per thread, every CLI run has its own
// streams, every temporary folder its own name); on 2 cores a sequential queue of fixtures was most of the suite's time.
[assembly: Parallelizable(ParallelScope.Fixtures)]

namespace ConvVerify.Tests;

/// <summary>Process-wide setup for every test: the embedded Python is finalized once, after the last test.</summary>
[SetUpFixture]
public sealed class TestAssemblySetup
{
    /// <summary>CPython cannot be restarted, so only the end of the test run may finalize it.</summary>
    [OneTimeTearDown]
    public void ShutDownPython() => TorchOracle.Shutdown();
}
