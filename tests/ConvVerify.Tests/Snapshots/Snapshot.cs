using ConvVerify.Snapshots;

namespace ConvVerify.Tests.Snapshots;

/// <summary>
/// NUnit glue for <see cref="SnapshotStore"/>: the repository's <c>snapshots/</c> folder, snapshot names from the running
/// test (<c>&lt;Class&gt;.&lt;Method&gt;_&lt;case-id&gt;</c>) and <c>CONVVERIFY_ACCEPT_SNAPSHOTS=1</c>.
/// </summary>
public static class Snapshot
{
    private static Lazy<SnapshotStore> _repositoryStore = NewStore();

    private static Lazy<SnapshotStore> NewStore() =>
        new(() => Open(SnapshotStore.FindRepositoryFolder(TestContext.CurrentContext.TestDirectory)));

    /// <summary>
    /// The store over the repository's <c>snapshots/</c> folder (found by walking up to ConvVerify.sln), opened once by
    /// <see cref="Open"/>: a refusal there fails every snapshot test with its message.
    /// </summary>
    public static SnapshotStore Repository => _repositoryStore.Value;

    /// <summary>
    /// A store over <paramref name="folder"/>, put back first if a killed <c>snapshots accept</c> left it aside
    /// (<see cref="SnapshotStore.RecoverInterruptedAccept"/>), or refused beside an old folder holding what it lacks.
    /// </summary>
    /// <remarks>
    /// Without it a missing <c>snapshots/</c> with its old contents aside failed every snapshot test as "no verified
    /// snapshot", wrote a new folder of received files only, and the next accept deleted the old folder, the only copy.
    /// </remarks>
    public static SnapshotStore Open(string folder)
    {
        var store = new SnapshotStore(folder);
        store.RecoverInterruptedAccept();
        return store;
    }

    /// <summary>Forgets the store, so the next run makes it with its own code (see <see cref="TestAssemblySetup"/>).</summary>
    public static void Forget() => _repositoryStore = NewStore();

    /// <summary>The snapshot name of a test method and case.</summary>
    public static string NameOf(Type testClass, string method, string caseId)
    {
        ArgumentNullException.ThrowIfNull(testClass);
        return SnapshotStore.NameOf(testClass.Name, method, caseId);
    }

    /// <summary>
    /// Checks <paramref name="received"/> against the verified snapshot of the running test and <paramref name="caseId"/>:
    /// fails with the diff on a mismatch or absence, or, with <c>CONVVERIFY_ACCEPT_SNAPSHOTS=1</c>, accepts it and says
    /// which file it wrote.
    /// </summary>
    public static void Verify(string caseId, string received)
    {
        var test = TestContext.CurrentContext.Test;
        string className = test.ClassName ?? throw new InvalidOperationException("snapshots: not inside a test method");
        className = className[(className.LastIndexOf('.') + 1)..];
        string method = test.MethodName ?? throw new InvalidOperationException("snapshots: not inside a test method");
        VerifyNamed(SnapshotStore.NameOf(className, method, caseId), received);
    }

    /// <summary>As <see cref="Verify"/> for a snapshot named <paramref name="name"/> (the result snapshots are named by case id alone).</summary>
    public static void VerifyNamed(string name, string received)
    {
        var result = Repository.Check(name, received, SnapshotStore.AcceptRequestedByEnvironment);
        switch (result.Outcome)
        {
            case SnapshotOutcome.Matched:
                return;
            case SnapshotOutcome.Accepted:
                TestContext.Progress.WriteLine(result.Message);
                TestContext.Error.WriteLine(result.Message);
                return;
            default:
                Assert.Fail(result.Message);
                return;
        }
    }
}
