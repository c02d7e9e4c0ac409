using System.CommandLine;
using ConvVerify.Snapshots;
using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary><c>convverify snapshots accept</c>: turn received snapshot files into verified ones.</summary>
internal static class SnapshotsCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var cmd = new Command("snapshots", "Manage the snapshot files in snapshots/.");
        var dir = new Option<string?>("--dir") { Description = "The snapshots folder (default: snapshots/ of this repository)" }.Expecting("a folder");
        var accept = new Command("accept", "Accept every *.received.txt in the snapshots folder as the new *.verified.txt, and list what was written. "
            + "Only the folder's own received files are accepted; its subfolders are carried over as they are (and checked like it: a pipe, "
            + "or a link leading outside, refuses the whole accept). The help snapshots (snapshots/cli) and the report page's (snapshots/reports) "
            + "are accepted with --dir; received files waiting in a subfolder are listed with the command that accepts them.\n\nExamples:\n  convverify snapshots accept\n  convverify snapshots accept --dir snapshots/cli");
        accept.Options.Add(dir);
        accept.SetAction(pr =>
        {
            RunOptions.NotEmpty("--dir", pr.GetValue(dir));
            string folder = pr.GetValue(dir) ?? Locations.SnapshotsDir();
            if (!Directory.Exists(folder) && !AtomicFolder.HasFolderAside(folder))
                throw new CliException($"--dir: {Fixtures.PackPaths.NotAFolder(folder) ?? "folder not found"}: {folder}");
            var store = new SnapshotStore(folder);
            var written = store.AcceptAll();
            // The folder's name is the user's, and may hold a newline (a forged line of this output) or an escape sequence.
            foreach (string f in written) console.WriteLine(Fixtures.PackPaths.Printable($"accepted {f}"));
            console.WriteLine(Fixtures.PackPaths.Printable($"{Counted.Of(written.Count, "snapshot file")} accepted in {folder}"));
            // "0 accepted" while the help snapshots' received files waited in snapshots/cli read as nothing to accept.
            foreach (var (below, count) in store.ReceivedInSubfolders())
                console.WriteLine(Fixtures.PackPaths.Printable($"{Counted.Of(count, "received file")} {(count == 1 ? "waits" : "wait")} in the subfolder {below}, "
                    + $"accepted on its own: convverify snapshots accept --dir {SnapshotStore.ShellWord(below)}"));
            return ExitCodes.Pass;
        });
        cmd.Subcommands.Add(accept);
        return cmd;
    }
}
