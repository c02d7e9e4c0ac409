using ConvVerify.Fixtures;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// The folder swap on its own, in-process (AtomicWriteTests kills real runs): what it leaves beside the target at each
/// step, which leftovers the next run restores or removes and which it must not touch, the lock, and its refusals.
/// </summary>
public class AtomicFolderTests : TempFolderTest
{
    private string Target => Path.Combine(Dir, "pack");

    private string[] Beside() => [.. Directory.GetFileSystemEntries(Dir).Select(Path.GetFileName).Where(n => n != "pack").Order(StringComparer.Ordinal)!];

    private string Aside(string kind, string name = "pack")
    {
        string path = Path.Combine(Dir, $".{name}.{kind}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    [Test]
    public void TheNewContentsGoIntoAnEmptyStagingFolderBesideTheTargetUnderALock()
    {
        using var swap = AtomicFolder.Begin(Target + Path.DirectorySeparatorChar);
        Assert.That(swap.Target, Is.EqualTo(Target), "a trailing separator names the same folder");
        Assert.That(Path.GetDirectoryName(swap.Staging), Is.EqualTo(Dir));
        Assert.That(Path.GetFileName(swap.Staging), Does.Match("^\\.pack\\.tmp-[0-9a-f]{32}$"));
        Assert.That(Directory.GetFileSystemEntries(swap.Staging), Is.Empty);
        Assert.That(Beside(), Is.EqualTo(new[] { ".pack.lock", Path.GetFileName(swap.Staging) }));
        Assert.That(Directory.Exists(Target), Is.False, "nothing is swapped in before Commit");
    }

    [Test]
    public void ACommittedSwapLeavesOnlyTheNewFolder()
    {
        Directory.CreateDirectory(Target);
        File.WriteAllText(Path.Combine(Target, "old.txt"), "old");
        using (var swap = AtomicFolder.Begin(Target))
        {
            File.WriteAllText(Path.Combine(swap.Staging, "new.txt"), "new");
            swap.Commit();
            Assert.That(Directory.Exists(swap.Staging), Is.False);
        }
        Assert.That(Directory.GetFiles(Target).Select(Path.GetFileName), Is.EqualTo(new[] { "new.txt" }));
        Assert.That(Beside(), Is.Empty, "no lock, no old folder, no staging");
    }

    [Test]
    public void AnAbandonedSwapLeavesTheTargetAsItWas()
    {
        Directory.CreateDirectory(Target);
        File.WriteAllText(Path.Combine(Target, "old.txt"), "old");
        string staging;
        using (var swap = AtomicFolder.Begin(Target))
        {
            staging = swap.Staging;
            File.WriteAllText(Path.Combine(staging, "new.txt"), "new");
        }
        Assert.That(Directory.GetFiles(Target).Select(Path.GetFileName), Is.EqualTo(new[] { "old.txt" }));
        Assert.That(Directory.Exists(staging), Is.False);
        Assert.That(Beside(), Is.Empty);
    }

    [Test]
    public void ASecondSwapOfTheSameTargetIsRefusedWhileTheFirstHoldsTheLock()
    {
        using (AtomicFolder.Begin(Target))
        {
            var e = Assert.Throws<IOException>(() => AtomicFolder.Begin(Target))!;
            Assert.That(e.Message, Is.EqualTo($"{Target}: another run is writing it (lock {Path.Combine(Dir, ".pack.lock")} is held); try again when that run has finished"));
            using (AtomicFolder.Begin(Path.Combine(Dir, "other"))) { }
        }
        using (AtomicFolder.Begin(Target)) { }
    }

    [Test]
    public void RunsThatStartAndEndAtOnceNeverHoldTheLockTogether()
    {
        // A run ending deletes its lock file and then unlocks it; a run that had opened the file just before the delete
        // got the lock after it, on a file no longer at the path, while a third run locked the new file there: two
        // holders. Three threads (flock binds each open file, so threads contend as processes do) begin and end at once.
        // Two holders showed as two at once, or as one run's cleanup deleting the other's staging folder.
        int holders = 0, most = 0, held = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var until = DateTime.UtcNow.AddSeconds(0.75);
        var threads = Enumerable.Range(0, 3).Select(_ => new Thread(() =>
        {
            try
            {
                while (DateTime.UtcNow < until)
                {
                    AtomicFolder swap;
                    try { swap = AtomicFolder.Begin(Target); }
                    catch (IOException e) when (e.Message.Contains("another run is writing it", StringComparison.Ordinal)) { continue; }
                    using (swap)
                    {
                        InterlockedMax(ref most, Interlocked.Increment(ref holders));
                        Interlocked.Increment(ref held);
                        Thread.SpinWait(200);
                        Interlocked.Decrement(ref holders);
                    }
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.That(failures.Select(e => e.Message), Is.Empty, "no run's files were removed under it");
        Assert.That(most, Is.EqualTo(1), "never two holders at once");
        Assert.That(held, Is.GreaterThan(20), "the lock was taken again and again");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    [Test]
    public void ALockCountsOnlyOnTheFileStillAtItsPath()
    {
        string path = Path.Combine(Dir, ".pack.lock");
        using var held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        if (!OperatingSystem.IsLinux())
        {
            Assert.That(FileKinds.IsEntryAt(held.SafeFileHandle, path), Is.Null, "not asked outside Linux");
            return;
        }
        Assert.That(FileKinds.IsEntryAt(held.SafeFileHandle, path), Is.True);
        Assert.That(FileKinds.IsEntryAt(held.SafeFileHandle, Path.Combine(Dir, "other")), Is.False, "a missing path");
        File.Delete(path);
        Assert.That(FileKinds.IsEntryAt(held.SafeFileHandle, path), Is.False, "deleted");
        File.WriteAllText(path, "");
        Assert.That(FileKinds.IsEntryAt(held.SafeFileHandle, path), Is.False, "another file under the same name");
        string link = Path.Combine(Dir, "link");
        File.CreateSymbolicLink(link, path);
        using var other = new FileStream(path, FileMode.Open, FileAccess.Read);
        // The lock's own entry, a link there not followed: a link planted at the lock's path is no lock (AtomicFolderGuardTests).
        Assert.That(FileKinds.IsEntryAt(other.SafeFileHandle, link), Is.False, "a link is not the file it leads to");
        Assert.That(FileKinds.IsEntryAt(other.SafeFileHandle, path), Is.True, "the file itself");
    }

    [Test]
    public void OfTwoOldFoldersTheNewestIsRestoredAndTheOtherRemoved()
    {
        string older = Aside("old"), newer = Aside("old");
        File.WriteAllText(Path.Combine(older, "which"), "older");
        File.WriteAllText(Path.Combine(newer, "which"), "newer");
        Directory.SetLastWriteTimeUtc(older, DateTime.UtcNow.AddHours(-2));
        Directory.SetLastWriteTimeUtc(newer, DateTime.UtcNow.AddHours(-1));
        using (AtomicFolder.Begin(Target)) { }
        Assert.That(File.ReadAllText(Path.Combine(Target, "which")), Is.EqualTo("newer"));
        Assert.That(Beside(), Is.Empty);
    }

    [Test]
    public void AnOldFolderBesideAnExistingTargetIsRemovedNotRestored()
    {
        Directory.CreateDirectory(Target);
        File.WriteAllText(Path.Combine(Target, "which"), "target");
        File.WriteAllText(Path.Combine(Aside("old"), "which"), "old");
        using (AtomicFolder.Begin(Target)) { }
        Assert.That(File.ReadAllText(Path.Combine(Target, "which")), Is.EqualTo("target"));
        Assert.That(Beside(), Is.Empty);
    }

    [Test]
    public void FoldersThatOnlyLookLikeLeftoversAreNotTouched()
    {
        // Not a 32-digit id, another target's leftover, an unknown kind: none of them is ours.
        Directory.CreateDirectory(Path.Combine(Dir, ".pack.tmp-notanid"));
        Directory.CreateDirectory(Path.Combine(Dir, $".pack.tmp-{Guid.NewGuid():D}"));
        Directory.CreateDirectory(Path.Combine(Dir, $".pack.tmpx{Guid.NewGuid():N}"));
        Aside("tmp", name: "pack2");
        Aside("old", name: "pac");
        Aside("stale");
        string[] before = Beside();
        using (AtomicFolder.Begin(Target)) { }
        Assert.That(Beside(), Is.EqualTo(before));
        Assert.That(Directory.Exists(Target), Is.False, "an old folder of another target is not restored here");
    }

    [Test]
    public void AFolderIsAsideOnlyWhenAnOldCopyOfItWaits()
    {
        Assert.That(AtomicFolder.HasFolderAside(Target), Is.False);
        Aside("tmp");
        Aside("trash");
        Aside("old", name: "pack2");
        Assert.That(AtomicFolder.HasFolderAside(Target), Is.False);
        Aside("old");
        Assert.That(AtomicFolder.HasFolderAside(Target), Is.True);
        Assert.That(AtomicFolder.HasFolderAside(Path.Combine(Dir, "missing", "pack")), Is.False, "its parent does not exist");
    }

    [Test]
    public void ACommitAfterTheSwapWasDisposedIsRefused()
    {
        var swap = AtomicFolder.Begin(Target);
        swap.Dispose();
        Assert.Throws<ObjectDisposedException>(swap.Commit);
        swap.Dispose();
        Assert.That(Beside(), Is.Empty, "disposing twice is harmless");
    }

    [Test]
    public void ALinkARootAndNoNameAreRefused()
    {
        string real = Path.Combine(Dir, "real");
        Directory.CreateDirectory(real);
        Directory.CreateSymbolicLink(Target, real);
        Assert.That(Assert.Throws<IOException>(() => AtomicFolder.Begin(Target))!.Message, Is.EqualTo($"{Target}: is a symbolic link (to {real}); give the folder it points to"));
        Assert.That(Assert.Throws<IOException>(() => AtomicFolder.Begin("/"))!.Message, Is.EqualTo("/: cannot replace a file-system root"));
        Assert.That(Assert.Catch<ArgumentException>(() => AtomicFolder.Begin(" "))!.ParamName, Is.EqualTo("target"));
        Assert.That(Assert.Catch<ArgumentException>(() => AtomicFolder.HasFolderAside(null!))!.ParamName, Is.EqualTo("target"));
    }

    [Test]
    public void ANameTooLongForTheFoldersBesideItIsRefusedBeforeAnythingIsMade()
    {
        // The probe: a 250-character name was "another run is writing it (lock ... is held)", with no other run (its lock's
        // name was too long), and a 220-character one .NET's "The path '.../.<name>.tmp-…' is too long", naming a folder
        // the user never made. The limit is in bytes: 107 two-byte letters and one more byte fit, 108 do not.
        string fits = Path.Combine(Dir, new string('\u00e9', 107) + "x");
        using (var swap = AtomicFolder.Begin(fits))
        {
            swap.Commit();
            Directory.CreateDirectory(Path.Combine(swap.Target, "kept"));
        }
        using (var again = AtomicFolder.Begin(fits)) again.Commit();
        Assert.That(Directory.Exists(fits), Is.True, "215 bytes: the longest name that is written, swapped and set aside");
        string tooLong = Path.Combine(Dir, new string('\u00e9', 108));
        Assert.That(Assert.Throws<IOException>(() => AtomicFolder.Begin(tooLong))!.Message, Is.EqualTo(
            $"{tooLong}: its name is 216 bytes long, more than 215: the new contents are written beside it as .<name>.tmp-<32 hex digits> "
            + "(and the old set aside as .<name>.trash-<32 hex digits>), and a file name holds at most 255 bytes; give a shorter name"));
        Assert.That(Directory.GetFileSystemEntries(Dir).Select(Path.GetFileName), Is.EqualTo(new[] { Path.GetFileName(fits) }), "nothing made for the refused name");
    }

    [Test]
    public void ALockThatCannotBeMadeSaysSoNotThatAnotherRunHoldsIt()
    {
        // The probe: in /proc, which takes no new file, it was .NET's "Could not find file '/proc/.x.lock'.", naming only
        // a file the user never made; any such failure other than a lock held elsewhere was "another run is writing it".
        Assume.That(Directory.Exists("/proc/self"), "a Linux /proc");
        string target = "/proc/convverify-no-such-folder";
        Assert.That(Assert.Throws<IOException>(() => AtomicFolder.Begin(target))!.Message,
            Does.StartWith($"{target}: its lock /proc/.convverify-no-such-folder.lock cannot be made in /proc (").And.Not.Contain("another run"));
    }

    [Test]
    public void AMissingParentIsMade()
    {
        string deep = Path.Combine(Dir, "a", "b", "pack");
        using var swap = AtomicFolder.Begin(deep);
        Assert.That(Directory.Exists(swap.Staging), Is.True);
        Assert.That(Path.GetDirectoryName(swap.Staging), Is.EqualTo(Path.Combine(Dir, "a", "b")));
    }

    [Test]
    public void ASecondDisposeLeavesTheNextHoldersLockAlone()
    {
        var first = AtomicFolder.Begin(Target);
        first.Dispose();
        using (AtomicFolder.Begin(Target))
        {
            first.Dispose();
            Assert.That(File.Exists(Path.Combine(Dir, ".pack.lock")), Is.True, "the lock file of the run that holds it now");
            Assert.Throws<IOException>(() => AtomicFolder.Begin(Target), "and it still locks");
        }
    }

    [Test]
    public void UnfinishedWritesAndDeletesAreRemovedAndOnlyDotNameLeftoversCount()
    {
        string tmp = Aside("tmp"), trash = Aside("trash");
        File.WriteAllText(Path.Combine(trash, "half"), "");
        using (AtomicFolder.Begin(Target)) { }
        Assert.That(Directory.Exists(tmp) || Directory.Exists(trash), Is.False);
        // A folder that is ".pack." only if its first characters are ignored is not aside.
        Directory.CreateDirectory(Path.Combine(Dir, $"xpackxold-{Guid.NewGuid():N}"));
        Assert.That(AtomicFolder.HasFolderAside(Target), Is.False);
    }
}
