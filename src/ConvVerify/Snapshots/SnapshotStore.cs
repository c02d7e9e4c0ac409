using System.Runtime.ExceptionServices;
using System.Text;

namespace ConvVerify.Snapshots;

/// <summary>What <see cref="SnapshotStore.Check"/> found.</summary>
public enum SnapshotOutcome
{
    /// <summary>The verified file exists and equals the received text.</summary>
    Matched,

    /// <summary>The verified file differs from the received text; the received file was written.</summary>
    Mismatched,

    /// <summary>There is no verified file; the received file was written.</summary>
    Missing,

    /// <summary>The verified file was missing or different and accepting was on: the received text became the verified file.</summary>
    Accepted,
}

/// <summary>The result of checking one snapshot.</summary>
/// <param name="Name">The snapshot's name (file name without <c>.verified.txt</c>).</param>
/// <param name="Outcome">What was found.</param>
/// <param name="VerifiedPath">The verified file's full path.</param>
/// <param name="ReceivedPath">The received file written on a mismatch or absence, otherwise null.</param>
/// <param name="Message">A readable account: for a mismatch the diff, for an acceptance the file written.</param>
public sealed record SnapshotResult(string Name, SnapshotOutcome Outcome, string VerifiedPath, string? ReceivedPath, string Message)
{
    /// <summary>Whether the check passes: matched or accepted.</summary>
    public bool Passed => Outcome is SnapshotOutcome.Matched or SnapshotOutcome.Accepted;
}

/// <summary>Verified snapshots that have no expected name, and expected names that have no verified snapshot.</summary>
/// <param name="Missing">Expected names without a verified file, sorted ordinally.</param>
/// <param name="Orphaned">Verified files (as names) that no expected name accounts for, sorted ordinally.</param>
public sealed record SnapshotAudit(IReadOnlyList<string> Missing, IReadOnlyList<string> Orphaned)
{
    /// <summary>Whether the set is complete and has no stale files.</summary>
    public bool IsClean => Missing.Count == 0 && Orphaned.Count == 0;
}

/// <summary>
/// A folder of snapshot files following Verify's conventions: <c>&lt;name&gt;.verified.txt</c> is the approved text,
/// <c>&lt;name&gt;.received.txt</c> the text of a run that did not match (git-ignored) and is turned into the verified file
/// only by an explicit accept. Files are UTF-8 without BOM with LF line ends.
/// </summary>
public sealed class SnapshotStore
{
    /// <summary>Suffix of approved snapshot files.</summary>
    public const string VerifiedSuffix = ".verified.txt";

    /// <summary>Suffix of snapshot files written by a run that did not match.</summary>
    public const string ReceivedSuffix = ".received.txt";

    /// <summary>The environment variable that, set to <c>1</c>, makes snapshot tests accept what they receive.</summary>
    public const string AcceptEnvironmentVariable = "CONVVERIFY_ACCEPT_SNAPSHOTS";

    /// <summary>The name of the repository's snapshot folder, beside the solution file.</summary>
    public const string FolderName = "snapshots";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Creates a store over <paramref name="directory"/> (created when a file is first written).</summary>
    public SnapshotStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The folder's full path.</summary>
    public string Directory { get; }

    /// <summary>Whether <see cref="AcceptEnvironmentVariable"/> is set to <c>1</c> in this process.</summary>
    public static bool AcceptRequestedByEnvironment =>
        Environment.GetEnvironmentVariable(AcceptEnvironmentVariable) == "1";

    /// <summary>
    /// The repository's <c>snapshots/</c> folder: walks up from <paramref name="startDirectory"/> to the first folder that
    /// holds <paramref name="solutionFile"/> and returns its <see cref="FolderName"/> subfolder (which need not exist yet).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No ancestor holds the solution file.</exception>
    public static string FindRepositoryFolder(string startDirectory, string solutionFile = "ConvVerify.sln")
    {
        string? root = Locations.RepositoryRoot(startDirectory, solutionFile);
        if (root is not null) return Path.Combine(root, FolderName);
        throw new DirectoryNotFoundException($"snapshots: no folder at or above '{startDirectory}' contains {solutionFile}");
    }

    /// <summary>
    /// The conventional snapshot name <c>&lt;Class&gt;.&lt;Method&gt;_&lt;case-id&gt;</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A part is empty or holds a character that is not file-system safe.</exception>
    public static string NameOf(string className, string methodName, string caseId)
    {
        string name = $"{className}.{methodName}_{caseId}";
        ValidateName(name);
        return name;
    }

    /// <summary>Full path of a snapshot's verified file.</summary>
    public string VerifiedPath(string name)
    {
        ValidateName(name);
        return Path.Combine(Directory, name + VerifiedSuffix);
    }

    /// <summary>Full path of a snapshot's received file.</summary>
    public string ReceivedPath(string name)
    {
        ValidateName(name);
        return Path.Combine(Directory, name + ReceivedSuffix);
    }

    /// <summary>
    /// Compares <paramref name="received"/> (line ends normalized to LF) with the verified file of <paramref name="name"/>.
    /// On a match a stale received file is deleted. On a mismatch or absence the received file is written beside the
    /// verified one, and then, when <paramref name="accept"/> is true, moved onto the verified file.
    /// </summary>
    /// <param name="name">The snapshot's name (see <see cref="NameOf"/>).</param>
    /// <param name="received">The text this run produced.</param>
    /// <param name="accept">Turn a missing or different snapshot into the verified one instead of failing.</param>
    public SnapshotResult Check(string name, string received, bool accept = false)
    {
        ArgumentNullException.ThrowIfNull(received);
        string verifiedPath = VerifiedPath(name), receivedPath = ReceivedPath(name);
        string text = Normalize(received);
        string? verified = File.Exists(verifiedPath) ? Normalize(ReadText(verifiedPath)) : null;
        if (verified == text)
        {
            File.Delete(receivedPath);
            return new SnapshotResult(name, SnapshotOutcome.Matched, verifiedPath, null, $"snapshot {name} matches");
        }

        WriteText(receivedPath, text);
        string detail = verified is null
            ? $"no verified snapshot {verifiedPath}"
            : $"snapshot {name} differs from {verifiedPath}\n{SnapshotDiff.Describe(verified, text)}";
        if (accept)
        {
            File.Move(receivedPath, verifiedPath, overwrite: true);
            return new SnapshotResult(name, SnapshotOutcome.Accepted, verifiedPath, null,
                $"accepted snapshot {name}: wrote {verifiedPath} ({(verified is null ? "new" : "changed")})"
                + (verified is null ? "" : "\n" + detail));
        }

        string preview = verified is null ? "\n" + Preview(text) : "";
        return new SnapshotResult(name, verified is null ? SnapshotOutcome.Missing : SnapshotOutcome.Mismatched, verifiedPath, receivedPath,
            $"{detail}{preview}\nreceived text written to {receivedPath}\n{AcceptAdvice}");
    }

    /// <summary>
    /// What a failed check says to do if the change is intended: the command that accepts every received file of this
    /// folder (from the repository's root), the environment variable, or moving the file by hand.
    /// </summary>
    public string AcceptAdvice =>
        $"if the change is intended, accept it: dotnet run --project src/ConvVerify.Cli -- snapshots accept --dir {ShellWord(Directory)} "
        + $"(from the repository's root; it accepts every received file of that folder), or rerun with {AcceptEnvironmentVariable}=1, "
        + "or move the received file onto the verified one";

    /// <summary>Moves one received file onto its verified file.</summary>
    /// <returns>The verified file's full path.</returns>
    /// <exception cref="FileNotFoundException">There is no received file of that name.</exception>
    public string Accept(string name)
    {
        string receivedPath = ReceivedPath(name), verifiedPath = VerifiedPath(name);
        if (!File.Exists(receivedPath))
            throw new FileNotFoundException($"snapshots: no received file for '{name}'", receivedPath);
        // Normalize on the way in, in case the received file was edited by hand.
        WriteText(verifiedPath, Normalize(ReadText(receivedPath)));
        File.Delete(receivedPath);
        return verifiedPath;
    }

    /// <summary>
    /// Accepts every received file in the folder (see <see cref="Accept"/>), all or nothing: the folder is copied beside
    /// itself, the copy updated and swapped in (<see cref="AtomicFolder"/>), so a run killed at any moment leaves the old
    /// folder or the new one, and a concurrent accept fails at once. Every error names the folder's own files, never the copy's.
    /// </summary>
    /// <returns>The full paths of the verified files written, sorted ordinally; empty when there was nothing to accept.</returns>
    /// <exception cref="Fixtures.FixtureException">An entry is a symbolic link leading outside the folder.</exception>
    /// <exception cref="IOException">Another run is writing the folder; a received file's name is no snapshot name, its text
    /// is not UTF-8, or its verified file is a folder; a folder is named as a received file; an entry is not a regular file or folder, or cannot be copied.</exception>
    public IReadOnlyList<string> AcceptAll()
    {
        string? parent = Path.GetDirectoryName(Path.GetFullPath(Directory));
        if (parent is null || !System.IO.Directory.Exists(parent)) return [];
        // Before the lock is taken: AtomicFolder.Begin deletes an old folder aside when the folder exists.
        RefuseUnacceptedFolderAside();
        // Begun even when there is nothing to accept: that restores a folder a killed accept left aside and removes its leftovers.
        using var swap = AtomicFolder.Begin(Directory);
        // A folder so named is no received file, and the snapshot meant was never accepted: refused, as its verified twin is.
        // Only in a folder that exists: one that does not has nothing to accept, as ReceivedNames says below.
        if (System.IO.Directory.Exists(Directory)
            && System.IO.Directory.EnumerateDirectories(Directory, "*" + ReceivedSuffix).Where(d => d.EndsWith(ReceivedSuffix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).FirstOrDefault() is { } folder)
            throw new IOException(Fixtures.PackPaths.Printable($"{folder}: is a folder, not a received snapshot file; rename or remove it"));
        var names = ReceivedNames();
        if (names.Count == 0) return [];
        foreach (string name in names)
        {
            string receivedPath = Path.Combine(Directory, name + ReceivedSuffix);
            // Refused rather than skipped, like every other odd entry: a skipped file would be copied on and never accepted.
            // A name may hold any character but '/': written out, a newline or escape sequence in it cannot forge a line
            // or drive the terminal.
            if (NameProblem(name) is { } problem)
                throw new IOException(Fixtures.PackPaths.Printable($"{receivedPath}: not a received snapshot file: {problem}; rename or remove it"));
            if (System.IO.Directory.Exists(VerifiedPath(name)))
                throw new IOException($"{VerifiedPath(name)}: is a folder; {receivedPath} cannot be accepted onto it");
        }
        swap.CheckReplaceable();
        CopyConfined(Directory, Directory, swap.Staging);
        foreach (string name in names)
        {
            // Read from the folder, not from the copy: a message about the text then names the file the user has.
            string text = Normalize(ReadText(ReceivedPath(name)));
            string stagedVerified = Path.Combine(swap.Staging, name + VerifiedSuffix);
            InStaging(ReceivedPath(name), stagedVerified, () =>
            {
                // The copy of a read-only verified file is read-only too: written anew, not opened for writing, and given
                // the mode the user chose for it back.
                UnixFileMode? mode = OperatingSystem.IsWindows() || !File.Exists(stagedVerified) ? null : File.GetUnixFileMode(stagedVerified);
                File.Delete(stagedVerified);
                WriteText(stagedVerified, text);
                if (mode is { } m && !OperatingSystem.IsWindows()) File.SetUnixFileMode(stagedVerified, m);
                File.Delete(Path.Combine(swap.Staging, name + ReceivedSuffix));
            });
        }
        swap.Commit();
        return [.. names.Select(VerifiedPath)];
    }

    /// <summary>
    /// Puts the folder back where a <see cref="AcceptAll"/> killed between its swap's two renames left it aside as
    /// <c>.&lt;name&gt;.old-&lt;guid&gt;</c> and the folder is missing, as the next accept does (<see cref="AtomicFolder.Begin"/>);
    /// refuses, as that accept does, when the folder exists beside an old one that holds what it lacks. Called before
    /// writing into the folder: a check writing its received file into a missing folder made a new one, beside which the
    /// old one, holding every snapshot, was then deleted by the next accept.
    /// </summary>
    /// <exception cref="IOException">The folder and an old one aside both exist and the old one holds a file the folder
    /// lacks or holds otherwise (the message names both and how to put the old one back); another run is writing the folder;
    /// or the old folder cannot be put back.</exception>
    public void RecoverInterruptedAccept()
    {
        if (System.IO.Directory.Exists(Directory)) RefuseUnacceptedFolderAside();
        else if (AtomicFolder.HasFolderAside(Directory)) using (AtomicFolder.Begin(Directory)) { }
    }

    // An old folder aside beside the folder is either a killed accept's, left after its second rename beside the new folder
    // (deleting it loses nothing), or one left between the renames, beside a folder made anew since (a snapshot test run
    // writes its received files into a missing folder), and then it holds every snapshot. Told apart by the folder being
    // what accepting the old one makes.
    private void RefuseUnacceptedFolderAside()
    {
        if (!System.IO.Directory.Exists(Directory)) return;
        foreach (string old in AtomicFolder.FoldersAside(Directory))
        {
            string? lacking;
            try
            {
                lacking = Unaccepted(old, old);
            }
            catch (DirectoryNotFoundException)
            {
                lacking = null;
            }
            // Gone meanwhile: a concurrent accept deleting its own (which the lock then refuses to this one).
            if (lacking is null || !System.IO.Directory.Exists(old)) continue;
            // A name not taken: mv onto an existing folder would move the folder into it.
            string renamed = Enumerable.Range(1, int.MaxValue).Select(i => Directory + (i == 1 ? ".new" : $".new{i}")).First(p => !Path.Exists(p));
            throw new IOException(Fixtures.PackPaths.Printable(
                $"{Directory}: an interrupted snapshots accept left the folder's old contents aside as {old}, and {Directory} {lacking}: {Directory} was "
                + "likely made anew since (a snapshot test run writes its received files into a missing folder), so the old folder "
                + $"may hold the only copy of the snapshots; nothing was changed. To put it back: mv {ShellWord(Directory)} {ShellWord(renamed)} && mv {ShellWord(old)} {ShellWord(Directory)} "
                + $"(then run the tests again; {renamed} holds what was written since); to keep {Directory} as it is instead: rm -r {ShellWord(old)}"));
        }
    }

    // How this folder differs from what accepting the old one makes, at the old one's first entry (under folder) where it
    // does ("lacks its a.verified.txt"); null when it does not. Accepting keeps every entry and turns each received file
    // at the top into its verified file.
    private string? Unaccepted(string old, string folder)
    {
        foreach (string entry in System.IO.Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(old, entry), mine = Path.Combine(Directory, relative);
            bool top = folder == old;
            try
            {
                if (new FileInfo(entry).LinkTarget is not null || System.IO.Directory.Exists(entry))
                {
                    // Accepting copies what a link leads to; its name is enough (a link leading outside refuses the accept).
                    if (!Path.Exists(mine)) return $"lacks its {relative}";
                    if (new FileInfo(entry).LinkTarget is null && Unaccepted(old, entry) is { } inside) return inside;
                }
                else if (top && relative.EndsWith(ReceivedSuffix, StringComparison.Ordinal))
                {
                    string name = relative[..^ReceivedSuffix.Length];
                    if (NameProblem(name) is not null || !SameBytes(Path.Combine(Directory, name + VerifiedSuffix), Utf8NoBom.GetBytes(Normalize(ReadText(entry)))))
                        return $"lacks its {relative} accepted as {name}{VerifiedSuffix}";
                }
                else if (!(top && relative.EndsWith(VerifiedSuffix, StringComparison.Ordinal)
                    && File.Exists(Path.Combine(old, relative[..^VerifiedSuffix.Length] + ReceivedSuffix))))
                {
                    if (!Path.Exists(mine)) return $"lacks its {relative}";
                    if (Fixtures.FileKinds.Of(entry) is not Fixtures.FileKind.Regular || !SameBytes(mine, File.ReadAllBytes(entry))) return $"holds its {relative} otherwise";
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Fixtures.FixtureException)
            {
                // What cannot be read cannot be shown to be kept.
                return $"cannot be compared at {relative} ({e.Message})";
            }
        }
        return null;
    }

    private static bool SameBytes(string path, byte[] bytes) =>
        Fixtures.FileKinds.Of(path) is Fixtures.FileKind.Regular && new FileInfo(path).Length == bytes.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes);

    /// <summary>
    /// The folders below this one (at any depth, symbolic links not followed) that hold received files, with how many each:
    /// <see cref="AcceptAll"/> accepts only the folder's own, and a folder below is accepted on its own.
    /// </summary>
    /// <returns>Full paths and counts, sorted ordinally by path; empty when the folder does not exist.</returns>
    public IReadOnlyList<(string Folder, int Count)> ReceivedInSubfolders()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        return [.. System.IO.Directory.EnumerateDirectories(Directory, "*", options)
            .Select(d => (Folder: d, Count: System.IO.Directory.EnumerateFiles(d, "*" + ReceivedSuffix, new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true })
                .Count(f => f.EndsWith(ReceivedSuffix, StringComparison.Ordinal))))
            .Where(f => f.Count > 0)
            .OrderBy(f => f.Folder, StringComparer.Ordinal)];
    }

    /// <summary>
    /// What to do about verified files that no expected name accounts for (<see cref="SnapshotAudit.Orphaned"/>): every one
    /// of them, in full, and the command that deletes them.
    /// </summary>
    /// <param name="orphaned">Snapshot names (without <see cref="VerifiedSuffix"/>).</param>
    /// <returns>Empty when there are none.</returns>
    public string DescribeOrphans(IReadOnlyList<string> orphaned)
    {
        ArgumentNullException.ThrowIfNull(orphaned);
        if (orphaned.Count == 0) return "";
        var files = orphaned.Select(n => Path.GetFileName(VerifiedPath(n))).ToList();
        return $"{Counted.Of(files.Count, "verified snapshot")} in {Directory} {(files.Count == 1 ? "belongs" : "belong")} to no case (a case renamed or removed):\n"
            + string.Concat(files.Select(f => $"  {f}\n"))
            + $"delete {(files.Count == 1 ? "it" : "them")} (and commit the deletion): (cd {ShellWord(Directory)} && rm -- {string.Join(' ', files)})";
    }

    /// <summary>
    /// <paramref name="s"/> as one word of a POSIX shell command, as the store's advice writes paths: single-quoted unless
    /// it holds only characters no shell treats specially.
    /// </summary>
    public static string ShellWord(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+' or ':' or '@' or '%' or ',' or '=')
            ? s : "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    // A received file linked to, say, a private key would otherwise be copied into a verified snapshot and committed.
    private static void CopyConfined(string root, string from, string to)
    {
        InStaging(from, to, () => System.IO.Directory.CreateDirectory(to));
        foreach (string entry in System.IO.Directory.EnumerateFileSystemEntries(from))
        {
            Fixtures.PackPaths.CheckLink(root, entry);
            string dest = Path.Combine(to, Path.GetFileName(entry));
            if (System.IO.Directory.Exists(entry)) CopyConfined(root, entry, dest);
            else if (Fixtures.FileKinds.Of(entry) is not Fixtures.FileKind.Regular)
                // A named pipe would wait for a writer for ever; nothing but files and folders belongs here.
                throw new IOException($"{Fixtures.PackPaths.Printable(entry)}: not a regular file; a snapshot folder holds files and folders only");
            else
            {
                try
                {
                    File.Copy(entry, dest);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // File.Copy's refusal to read the user's file read as a failure to write the copy: asked only then,
                    // which of the two it was.
                    CheckReadable(entry);
                    InStaging(entry, dest, () => ExceptionDispatchInfo.Throw(e));
                }
            }
        }
    }

    private static void CheckReadable(string path)
    {
        try
        {
            using var _ = new FileStream(path, FileMode.Open, FileAccess.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{Fixtures.PackPaths.Printable(path)}: cannot be read (nothing was accepted): {e.Message}", e);
        }
    }

    // The system's message names only the staging copy, a folder the user never made and that is gone after the run:
    // the user's own entry leads, and the system's reason follows.
    private static void InStaging(string userPath, string stagedPath, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{Fixtures.PackPaths.Printable(userPath)}: its copy {Fixtures.PackPaths.Printable(stagedPath)}, in the folder swapped in when complete, could not be written "
                + $"(nothing was accepted): {e.Message}", e);
        }
    }

    /// <summary>The names of all verified files in the folder, sorted ordinally.</summary>
    public IReadOnlyList<string> VerifiedNames() => NamesWithSuffix(VerifiedSuffix);

    /// <summary>The names of all received files in the folder, sorted ordinally.</summary>
    public IReadOnlyList<string> ReceivedNames() => NamesWithSuffix(ReceivedSuffix);

    /// <summary>Compares the verified files with the names that should have one.</summary>
    public SnapshotAudit Audit(IEnumerable<string> expectedNames)
    {
        ArgumentNullException.ThrowIfNull(expectedNames);
        var expected = new HashSet<string>(expectedNames, StringComparer.Ordinal);
        var present = new HashSet<string>(VerifiedNames(), StringComparer.Ordinal);
        return new SnapshotAudit(
            [.. expected.Where(n => !present.Contains(n)).Order(StringComparer.Ordinal)],
            [.. present.Where(n => !expected.Contains(n)).Order(StringComparer.Ordinal)]);
    }

    /// <summary>The text with CRLF and CR line ends turned into LF, a leading BOM dropped, and a final LF ensured (unless empty).</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        if (t.Length > 0 && t[0] == '\uFEFF') t = t[1..];
        return t.Length == 0 || t.EndsWith('\n') ? t : t + "\n";
    }

    /// <summary>Reads a snapshot file as UTF-8 (a BOM, if any, is kept as U+FEFF so it shows up as a difference).</summary>
    /// <remarks>A pipe or a device in the folder is refused by name (<see cref="InputFile"/>), and so is a file past 64 MiB
    /// or one that is not UTF-8 (<see cref="Utf8Text"/>, naming the byte offset and line).</remarks>
    public static string ReadText(string path)
    {
        byte[] bytes = InputFile.ReadAllBytes(path, "snapshot file", MaxSnapshotBytes);
        if (Utf8Text.Refusal(bytes, "snapshot file") is { } refusal) throw new IOException($"{path}: {refusal}");
        return Utf8NoBom.GetString(bytes);
    }

    /// <summary>Largest snapshot file read: 64 MiB (the largest committed one is under 20 KB).</summary>
    public const long MaxSnapshotBytes = 64L << 20;

    /// <summary>Writes a snapshot file as UTF-8 without BOM, exactly as given (callers normalize first).</summary>
    public static void WriteText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) System.IO.Directory.CreateDirectory(dir);
        File.WriteAllBytes(path, Utf8NoBom.GetBytes(text));
    }

    private IReadOnlyList<string> NamesWithSuffix(string suffix)
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return [.. System.IO.Directory.EnumerateFiles(Directory, "*" + suffix)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(f => f.EndsWith(suffix, StringComparison.Ordinal))
            .Select(f => f[..^suffix.Length])
            .Order(StringComparer.Ordinal)];
    }

    private static string Preview(string text)
    {
        var lines = SnapshotDiff.Lines(text);
        var shown = lines.Take(SnapshotDiff.DefaultShownLines).Select(l => "  + " + l);
        string more = lines.Length > SnapshotDiff.DefaultShownLines ? $"\n  ... and {lines.Length - SnapshotDiff.DefaultShownLines} more lines" : "";
        return $"received ({lines.Length} lines), first {Math.Min(lines.Length, SnapshotDiff.DefaultShownLines)}:\n{string.Join('\n', shown)}{more}";
    }

    private static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (NameProblem(name) is { } problem) throw new ArgumentException(problem, nameof(name));
    }

    // Why the name is no snapshot name, or null when it is one.
    private static string? NameProblem(string name)
    {
        if (name.Length == 0) return "snapshot name: empty";
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                return $"snapshot name: '{name}' holds '{c}'; only ASCII letters, digits, '-', '_' and '.' are allowed";
        }
        if (name.StartsWith('.') || name.EndsWith('.'))
            return $"snapshot name: '{name}' must not start or end with '.'";
        return null;
    }
}
