using System.Text.RegularExpressions;
using ConvVerify.Snapshots;
using ConvVerify.Tests.Snapshots;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// The command line's documentation, pinned: the <c>--help</c> of every command, found by walking the help's own command
/// lists from the root, equals its verified snapshot in <c>snapshots/cli/</c>. A changed option, default or sentence is
/// then a reviewed change (accept with <c>CONVVERIFY_ACCEPT_SNAPSHOTS=1</c>), and a command nobody documented cannot slip in.
/// </summary>
public partial class HelpSnapshotTests
{
    private readonly Lazy<SnapshotStore> Store = new(() => new SnapshotStore(Path.Combine(Snapshot.Repository.Directory, "cli")));

    // A command line in a help's "Commands:" section: two spaces, the name, then its arguments or description.
    [GeneratedRegex(@"^  ([a-z][a-z0-9-]*)(?:\s|$)")]
    private static partial Regex CommandLine();

    // Oracles the other tests of this process register (their fakes) are not the tool's.
    [GeneratedRegex(@"[a-z0-9-]+ \(a test's fake\); |; [a-z0-9-]+ \(a test's fake\)")]
    private static partial Regex TestFake();

    // What the installed tool prints: its usage lines name the executable, which in a test run is the test host.
    private static string AsTheTool(string help) =>
        TestFake().Replace(help, "").Replace("\n  " + System.CommandLine.RootCommand.ExecutableName + " ", "\n  convverify ", StringComparison.Ordinal);

    private static IEnumerable<string> SubcommandsIn(string help)
    {
        bool inCommands = false;
        foreach (string line in help.Split('\n'))
        {
            if (line.StartsWith("Commands:", StringComparison.Ordinal)) inCommands = true;
            else if (line.Length > 0 && !char.IsWhiteSpace(line[0])) inCommands = false;
            else if (inCommands && CommandLine().Match(line) is { Success: true } m) yield return m.Groups[1].Value;
        }
    }

    [Test]
    public void EveryCommandsHelpIsItsVerifiedSnapshot()
    {
        var queue = new Queue<string[]>([[]]);
        var seen = new List<string>();
        var failures = new List<string>();
        while (queue.TryDequeue(out var command))
        {
            var r = CliTestBase.Run([.. command, "--help"]);
            Assert.That((r.Code, r.Err), Is.EqualTo((0, "")), string.Join(" ", command));
            string name = string.Join("_", ["convverify", .. command]);
            seen.Add(name);
            var result = Store.Value.Check(name, AsTheTool(r.Out), SnapshotStore.AcceptRequestedByEnvironment);
            if (!result.Passed) failures.Add(result.Message);
            foreach (string sub in SubcommandsIn(r.Out)) queue.Enqueue([.. command, sub]);
        }
        Assert.That(failures, Is.Empty, string.Join("\n\n", failures));
        Assert.That(seen, Does.Contain("convverify_fixtures_generate").And.Contain("convverify_snapshots_accept"), "the walk reached the subcommands");
        var audit = Store.Value.Audit(seen);
        Assert.That(audit.Orphaned, Is.Empty, "help snapshots of commands that no longer exist: " + Store.Value.DescribeOrphans(audit.Orphaned));
    }
}
