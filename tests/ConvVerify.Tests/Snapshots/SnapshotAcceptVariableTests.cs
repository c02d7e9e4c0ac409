using ConvVerify.Snapshots;

namespace ConvVerify.Tests.Snapshots;

/// <summary>Only <c>CONVVERIFY_ACCEPT_SNAPSHOTS=1</c> asks for accepting; unset or any other value does not.</summary>
/// <remarks>
/// Sets the variable for the whole process: run alone, or a snapshot test of another fixture running meanwhile would
/// accept what it received into the repository's <c>snapshots/</c>. The developer's own setting is restored.
/// </remarks>
[NonParallelizable]
public class SnapshotAcceptVariableTests
{
    [Test]
    public void OnlyTheValueOneRequestsAccepting()
    {
        string? kept = Environment.GetEnvironmentVariable(SnapshotStore.AcceptEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(SnapshotStore.AcceptEnvironmentVariable, null);
            Assert.That(SnapshotStore.AcceptRequestedByEnvironment, Is.False, "unset");
            Environment.SetEnvironmentVariable(SnapshotStore.AcceptEnvironmentVariable, "0");
            Assert.That(SnapshotStore.AcceptRequestedByEnvironment, Is.False, "0");
            Environment.SetEnvironmentVariable(SnapshotStore.AcceptEnvironmentVariable, "1");
            Assert.That(SnapshotStore.AcceptRequestedByEnvironment, Is.True, "1");
        }
        finally
        {
            Environment.SetEnvironmentVariable(SnapshotStore.AcceptEnvironmentVariable, kept);
        }
    }
}
