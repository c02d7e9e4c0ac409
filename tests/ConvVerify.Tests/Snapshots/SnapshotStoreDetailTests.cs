using ConvVerify.Snapshots;

namespace ConvVerify.Tests.Snapshots;

/// <summary>
/// The store's messages word for word (what a developer reads when a snapshot is new, differs or is accepted), the
/// audit's verdict, text normalization, and the refusals of names and folders.
/// </summary>
public class SnapshotStoreDetailTests : TempFolderTest
{
    private SnapshotStore _store = null!;

    [SetUp]
    public void MakeStore() => _store = new SnapshotStore(Path.Combine(Dir, "snapshots"));

    // The command comes first: the variable and the move by hand were all a failure said, never `snapshots accept`.
    private string Advice => "if the change is intended, accept it: dotnet run --project src/ConvVerify.Cli -- snapshots accept --dir "
        + $"{_store.Directory} (from the repository's root; it accepts every received file of that folder), or rerun with CONVVERIFY_ACCEPT_SNAPSHOTS=1, "
        + "or move the received file onto the verified one";

    [Test]
    public void ANewSnapshotShowsWhatWasReceivedAndWhereItWasWritten()
    {
        var r = _store.Check("n", "a\nb");
        string verified = _store.VerifiedPath("n"), received = _store.ReceivedPath("n");
        Assert.That((r.Outcome, r.Passed, r.ReceivedPath), Is.EqualTo((SnapshotOutcome.Missing, false, received)));
        Assert.That(r.Message, Is.EqualTo($"no verified snapshot {verified}\nreceived (2 lines), first 2:\n  + a\n  + b\nreceived text written to {received}\n{Advice}"));
        Assert.That(File.ReadAllText(received), Is.EqualTo("a\nb\n"), "the folder was created and the text normalized");

        string longText = string.Join("\n", Enumerable.Range(1, 23).Select(i => $"l{i}"));
        var many = _store.Check("long", longText);
        Assert.That(many.Message, Does.Contain("received (23 lines), first 20:\n  + l1\n").And.Contain("  + l20\n  ... and 3 more lines\n"));
        Assert.That(many.Message, Does.Not.Contain("l21"));
    }

    [Test]
    public void AMatchRemovesTheReceivedFileAndADifferenceShowsTheDiffNotAPreview()
    {
        SnapshotStore.WriteText(_store.VerifiedPath("n"), "a\nb\n");
        _store.Check("n", "a\nc");
        Assert.That(File.Exists(_store.ReceivedPath("n")), Is.True);
        var differs = _store.Check("n", "a\nc");
        Assert.That(differs.Outcome, Is.EqualTo(SnapshotOutcome.Mismatched));
        Assert.That(differs.Message, Does.StartWith($"snapshot n differs from {_store.VerifiedPath("n")}\n"));
        Assert.That(differs.Message, Does.Not.Contain("received ("), "a difference shows the diff, not the whole text");
        Assert.That(differs.Message, Does.EndWith($"received text written to {_store.ReceivedPath("n")}\n{Advice}"));

        var same = _store.Check("n", "a\r\nb");
        Assert.That((same.Outcome, same.Passed, same.Message), Is.EqualTo((SnapshotOutcome.Matched, true, "snapshot n matches")));
        Assert.That(File.Exists(_store.ReceivedPath("n")), Is.False, "a match removes the stale received file");
    }

    [Test]
    public void ADifferenceIsReportedWordForWord()
    {
        SnapshotStore.WriteText(_store.VerifiedPath("n"), "a\nb\n");
        var r = _store.Check("n", "a\nc");
        // The diff's own text ends in a line end; the received file's path follows after an empty line, with no preview.
        Assert.That(r.Message, Is.EqualTo(
            $"snapshot n differs from {_store.VerifiedPath("n")}\n"
            + "verified has 2 lines, received 2; 2 differing lines (1 only in verified '-', 1 only in received '+'):\n"
            + "  -     2: b\n  +     2: c\n"
            + $"\nreceived text written to {_store.ReceivedPath("n")}\n{Advice}"));
    }

    [Test]
    public void ANewSnapshotOfExactlyTwentyLinesIsPreviewedWhole()
    {
        string text = string.Join("\n", Enumerable.Range(1, 20).Select(i => $"l{i}"));
        var r = _store.Check("n", text);
        string shown = string.Join("\n", Enumerable.Range(1, 20).Select(i => $"  + l{i}"));
        Assert.That(r.Message, Is.EqualTo(
            $"no verified snapshot {_store.VerifiedPath("n")}\nreceived (20 lines), first 20:\n{shown}\nreceived text written to {_store.ReceivedPath("n")}\n{Advice}"));
    }

    [Test]
    public void NullArgumentsAreRefusedByName()
    {
        Assert.That(() => _store.Check("n", null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("received"));
        Assert.That(() => _store.Audit(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("expectedNames"));
        Assert.That(() => SnapshotStore.Normalize(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("text"));
        // The path is checked first, and a null text is refused before the file's folder is created.
        Assert.That(() => SnapshotStore.WriteText(null!, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("path"));
        string folder = Path.Combine(Dir, "new");
        Assert.That(() => SnapshotStore.WriteText(Path.Combine(folder, "f.txt"), null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("text"));
        Assert.That(Directory.Exists(folder), Is.False);
    }

    [Test]
    public void AcceptingSaysWhetherTheSnapshotIsNewOrChanged()
    {
        var created = _store.Check("n", "a", accept: true);
        Assert.That((created.Outcome, created.Message), Is.EqualTo((SnapshotOutcome.Accepted, $"accepted snapshot n: wrote {_store.VerifiedPath("n")} (new)")));
        var changed = _store.Check("n", "b", accept: true);
        Assert.That(changed.Message, Does.StartWith($"accepted snapshot n: wrote {_store.VerifiedPath("n")} (changed)\nsnapshot n differs from "));
        Assert.That(SnapshotStore.ReadText(_store.VerifiedPath("n")), Is.EqualTo("b\n"));
        Assert.That(File.Exists(_store.ReceivedPath("n")), Is.False);
    }

    [Test]
    public void TheAuditIsCleanOnlyWithNothingMissingAndNothingOrphaned()
    {
        SnapshotStore.WriteText(_store.VerifiedPath("b"), "x\n");
        SnapshotStore.WriteText(_store.VerifiedPath("a"), "x\n");
        Assert.That(_store.Audit(["a", "b"]).IsClean, Is.True);
        var orphan = _store.Audit(["b"]);
        Assert.That((orphan.IsClean, orphan.Missing, orphan.Orphaned), Is.EqualTo((false, Array.Empty<string>(), new[] { "a" })));
        var missing = _store.Audit(["a", "b", "d", "c"]);
        Assert.That((missing.IsClean, missing.Missing, missing.Orphaned), Is.EqualTo((false, new[] { "c", "d" }, Array.Empty<string>())));
        var both = _store.Audit(["z", "y"]);
        Assert.That((both.Missing, both.Orphaned), Is.EqualTo((new[] { "y", "z" }, new[] { "a", "b" })), "both sorted");
        Assert.That(() => _store.Audit(null!), Throws.ArgumentNullException);
    }

    [Test]
    public void TheAdvisedCommandQuotesAFolderTheShellWouldSplit()
    {
        var store = new SnapshotStore(Path.Combine(Dir, "my snaps", "it's"));
        Assert.That(store.AcceptAdvice, Does.Contain($" snapshots accept --dir '{Dir}/my snaps/it'\\''s' (from the repository's root;"));
        Assert.That(SnapshotStore.ShellWord("a/b-c_d.e+f:g@h%i,j=k"), Is.EqualTo("a/b-c_d.e+f:g@h%i,j=k"), "nothing the shell treats specially");
        Assert.That(SnapshotStore.ShellWord(""), Is.EqualTo("''"));
        Assert.That(SnapshotStore.ShellWord("$HOME"), Is.EqualTo("'$HOME'"));
        Assert.That(() => SnapshotStore.ShellWord(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("s"));
    }

    [Test]
    public void OrphansAreListedInFullWithTheCommandThatDeletesThem()
    {
        // Past ten the constraint's own listing was cut off ("..."): which files to delete could not be read.
        var names = Enumerable.Range(0, 12).Select(i => $"gone{i:D2}").ToList();
        foreach (string n in names.Append("kept")) SnapshotStore.WriteText(_store.VerifiedPath(n), "x\n");
        var audit = _store.Audit(["kept"]);
        string message = _store.DescribeOrphans(audit.Orphaned);
        Assert.That(message, Is.EqualTo(
            $"12 verified snapshots in {_store.Directory} belong to no case (a case renamed or removed):\n"
            + string.Concat(names.Select(n => $"  {n}.verified.txt\n"))
            + $"delete them (and commit the deletion): (cd {_store.Directory} && rm -- {string.Join(' ', names.Select(n => n + ".verified.txt"))})"));
        Assert.That(_store.DescribeOrphans(["one"]), Is.EqualTo(
            $"1 verified snapshot in {_store.Directory} belongs to no case (a case renamed or removed):\n  one.verified.txt\n"
            + $"delete it (and commit the deletion): (cd {_store.Directory} && rm -- one.verified.txt)"));
        Assert.That(_store.DescribeOrphans([]), Is.Empty);
        Assert.That(() => _store.DescribeOrphans(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("orphaned"));
        if (!OperatingSystem.IsLinux()) return;
        // The command, run as given, deletes the orphans and nothing else.
        var psi = new System.Diagnostics.ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(message[(message.LastIndexOf("): ", StringComparison.Ordinal) + 3)..]);
        using (var p = System.Diagnostics.Process.Start(psi)!) p.WaitForExit();
        Assert.That(_store.Audit(["kept"]).IsClean, Is.True);
        Assert.That(_store.VerifiedNames(), Is.EqualTo(new[] { "kept" }));
    }

    [TestCase("a\r\nb\rc", "a\nb\nc\n")]
    [TestCase("\uFEFFx", "x\n")]
    [TestCase("x\n", "x\n")]
    [TestCase("", "")]
    [TestCase("\n", "\n")]
    public void TextIsNormalizedToLfWithAFinalNewline(string text, string normalized) =>
        Assert.That(SnapshotStore.Normalize(text), Is.EqualTo(normalized));

    [Test]
    public void NamesAndFoldersAreRefusedWithTheReason()
    {
        Assert.That(() => _store.VerifiedPath("a b"), Throws.ArgumentException.With.Message.StartsWith("snapshot name: 'a b' holds ' '; only ASCII letters, digits, '-', '_' and '.' are allowed"));
        Assert.That(() => _store.ReceivedPath("a/b"), Throws.ArgumentException.With.Message.StartsWith("snapshot name: 'a/b' holds '/'"));
        Assert.That(() => _store.VerifiedPath(""), Throws.ArgumentException);
        Assert.That(_store.VerifiedPath("A-z_0.9"), Is.EqualTo(Path.Combine(_store.Directory, "A-z_0.9.verified.txt")));
        Assert.That(() => new SnapshotStore(" "), Throws.ArgumentException);
        Assert.That(() => _store.Check("n", null!), Throws.ArgumentNullException);
        Assert.That(() => _store.VerifiedPath(".hidden"), Throws.ArgumentException.With.Message.StartsWith("snapshot name: '.hidden' must not start or end with '.'"));
        Assert.That(() => _store.VerifiedPath("name."), Throws.ArgumentException.With.Message.StartsWith("snapshot name: 'name.' must not start or end with '.'"));
        Assert.That(() => SnapshotStore.FindRepositoryFolder(Dir, "NoSuch.sln"),
            Throws.TypeOf<DirectoryNotFoundException>().With.Message.EqualTo($"snapshots: no folder at or above '{Dir}' contains NoSuch.sln"));
    }

    [Test]
    public void AcceptingWhatWasNeverReceivedIsRefusedWithThePathLookedFor()
    {
        var e = Assert.Throws<FileNotFoundException>(() => _store.Accept("never-received"))!;
        Assert.That(e.Message, Is.EqualTo("snapshots: no received file for 'never-received'"));
        Assert.That(e.FileName, Is.EqualTo(_store.ReceivedPath("never-received")));
    }
}

/// <summary>
/// A snapshot file that is not UTF-8 is refused with the shared check's words (the byte offset, its line, what is wrong).
/// The offset the decoder reported before was checked and was already the file's, for ASCII and for multi-byte text alike.
/// </summary>
public class SnapshotEncodingTests : TempFolderTest
{
    // The bad sequence after n copies of the filler, on line 2 (the filler's first copy is preceded by "t\n").
    [TestCase("61", 0, "FF", "holds 0xFF, which UTF-8 never uses")]
    [TestCase("61", 200_000, "ED A0 80", "begins 0xED 0xA0 0x80, a UTF-16 surrogate (U+D800 to U+DFFF), which UTF-8 may not encode")]
    [TestCase("C3 A9", 100_000, "E2 82 41", "begins a 3-byte sequence that byte offset {1} (0x41) cuts short: 0xE2 0x82 0x41")]
    [TestCase("F0 9F 98 80", 50_000, "BF", "holds 0xBF, a continuation byte where a character should begin")]
    public void ABadSequenceIsNamedAtItsOffsetInTheFile(string filler, int copies, string bad, string why)
    {
        string path = Path.Combine(Dir, "a.verified.txt");
        byte[] one = Convert.FromHexString(filler.Replace(" ", "", StringComparison.Ordinal));
        int at = 2 + one.Length * copies;
        File.WriteAllBytes(path, [.. "t\n"u8.ToArray(), .. Enumerable.Repeat(one, copies).SelectMany(b => b), .. Convert.FromHexString(bad.Replace(" ", "", StringComparison.Ordinal)), .. "\n"u8.ToArray()]);
        var e = Assert.Throws<IOException>(() => SnapshotStore.ReadText(path));
        Assert.That(e!.Message, Is.EqualTo($"{path}: not UTF-8: byte offset {at} (line 2) {why.Replace("{1}", (at + 2).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)}; a snapshot file must be UTF-8"));
    }

    [Test]
    public void AByteOrderMarkIsKeptToShowAsADifference()
    {
        string path = Path.Combine(Dir, "a.verified.txt");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, (byte)'a', (byte)'\n']);
        Assert.That(SnapshotStore.ReadText(path), Is.EqualTo("\uFEFFa\n"));
    }
}
