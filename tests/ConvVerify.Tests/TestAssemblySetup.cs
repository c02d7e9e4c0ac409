using ConvVerify.Oracles;

// Fixtures run in parallel (no test changes process-wide state: cultures are set per thread, every CLI run has its own
// streams, every temporary folder its own name); on 2 cores a sequential queue of fixtures was most of the suite's time.
[assembly: Parallelizable(ParallelScope.Fixtures)]

namespace ConvVerify.Tests;

/// <summary>
/// Process-wide setup for every test: caches emptied at each run's start, one scratch folder for the run's temporary files,
/// the embedded Python finalized once, after the last test.
/// </summary>
[SetUpFixture]
public sealed class TestAssemblySetup
{
    /// <summary>
    /// Stryker runs one mutant after another in the same test host, and static caches outlive a run: the exact engine's
    /// position plans and the torch oracle's narrow-dtype answers in the library, and in the tests the opened committed
    /// packs, torch's remembered results and the snapshot store. What one mutant's code put there would be served to the
    /// next mutant's run and fail (or pass) its tests for it. Each run starts with none. (Per-fixture state lives in
    /// fixture instances or one-time set-ups, which every run makes anew.)
    /// </summary>
    [OneTimeSetUp]
    public void ForgetCaches()
    {
        ConvVerify.Convolution.ExactConv.ForgetPlans();
        TorchOracle.ForgetNarrowSupport();
        Fixtures.CommittedPacks.Forget();
        Oracles.LiveTorch.Forget();
        Snapshots.Snapshot.Forget();
    }

    /// <summary>Every temporary file of the run, the tests' own and the processes' they start, in one folder (see <see cref="TestScratch"/>).</summary>
    [OneTimeSetUp]
    public void EnterScratchFolder() => TestScratch.Enter();

    /// <summary>Removes the run's scratch folder and gives <c>TMPDIR</c> back its value.</summary>
    [OneTimeTearDown]
    public void LeaveScratchFolder() => TestScratch.Leave();

    /// <summary>Set to 1 by the mutation run: its test host runs one mutant after another in the same process.</summary>
    public const string KeepPythonVariable = "CONVVERIFY_KEEP_PYTHON";

    /// <summary>CPython cannot be restarted, so only the end of the test run may finalize it.</summary>
    /// <remarks>
    /// Stryker reuses a test host for the next mutant's run; finalized there, Python would be "shut down" for every
    /// later mutant, whose torch tests would then be ignored and the mutants reported as survivors.
    /// </remarks>
    [OneTimeTearDown]
    public void ShutDownPython()
    {
        if (Environment.GetEnvironmentVariable(KeepPythonVariable) != "1") TorchOracle.Shutdown();
    }
}
