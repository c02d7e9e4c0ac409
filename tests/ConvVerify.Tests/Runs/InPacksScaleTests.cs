using System.Collections;
using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Problems;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Runs;

/// <summary>
/// <see cref="CaseSelection.InPacks(IReadOnlyList{CaseEntry}, string)"/> looks named cases up rather than scanning every
/// pack case for each: the same cases, in the same order, with the same refusal as the scan it replaced, and a number of
/// reads and comparisons that grows with the cases, not with their square.
/// </summary>
public class InPacksScaleTests : TempFolderTest
{
    // The lookup before it was indexed, as it was: every available case scanned for every wanted one, every hit compared
    // with every case taken.
    private static List<CaseEntry> Scanned(CaseSelection s, IReadOnlyList<CaseEntry> available, string packsDescription)
    {
        var selected = new List<CaseEntry>();
        foreach (var wanted in s.Generated(ConvCase.DefaultSeed))
        {
            var hits = available.Where(a => Plans.Matches(wanted.Case, a.Case)).ToList();
            if (hits.Count == 0)
                throw new ArgumentException($"case {wanted.Case.Id} is in no pack checked ({packsDescription}); use --oracle torch for cases without fixtures");
            foreach (var h in hits)
            {
                int at = selected.FindIndex(x => x.Case == h.Case);
                if (at < 0) selected.Add(h with { Directions = wanted.Directions });
                else if (selected[at].Directions is { } before && wanted.Directions is { } more)
                    selected[at] = selected[at] with { Directions = [.. Directions.All.Where(d => before.Contains(d) || more.Contains(d))] };
                else selected[at] = selected[at] with { Directions = null };
            }
        }
        return selected;
    }

    private CaseSelection Batch(string text, string? dtype = "f32", string? fill = "integer")
    {
        string path = Path.Combine(Dir, "batch");
        File.WriteAllText(path, text);
        return CaseSelection.Resolve(null, path, [], dtype, fill, "question");
    }

    private static CaseEntry Have(string descriptor, Fill fill = Fill.Integer, string? id = null, DType dtype = DType.Float32)
    {
        var c = ConvCase.Create(BenchdnnDescriptor.Parse(descriptor).WithDType(dtype), fill, 5);
        return new CaseEntry(id is null ? c : c with { Id = id });
    }

    // The entries as the run uses them: the case, and the directions it checks.
    private static IEnumerable<(ConvCase, string)> Seen(IEnumerable<CaseEntry> entries) =>
        entries.Select(e => (e.Case, e.Directions is null ? "every" : string.Join(",", e.Directions)));

    private static void SameAsTheScan(CaseSelection s, IReadOnlyList<CaseEntry> available, string what)
    {
        var expected = Scanned(s, available, "p");
        var actual = s.InPacks(available, "p");
        Assert.That(Seen(actual), Is.EqualTo(Seen(expected)), what);
        // Reference for reference: the very entries, so "the first of two equal cases" is the same one.
        Assert.That(actual.Zip(expected, (a, e) => ReferenceEquals(a.Case, e.Case)), Is.All.True, what);
    }

    [Test]
    public void TheLookupFindsWhatTheScanFound()
    {
        var a = Have("mb1ic2ih4oc2kh3");
        var aNamed = Have("mb1ic2ih4oc2kh3n\"catalog\"");
        var aOtherName = Have("mb1ic2ih4oc2kh3n\"other\"");
        var aNormal = Have("mb1ic2ih4oc2kh3", Fill.Normal);
        var aF64 = Have("mb1ic2ih4oc2kh3", dtype: DType.Float64);
        var b = Have("mb1ic2ih6oc2kh3");
        var bAgain = new CaseEntry(b.Case); // the same case in a second pack: one equal record
        var bCopy = Have("mb1ic2ih6oc2kh3"); // an equal case read again, another object
        var bFolder = Have("mb1ic2ih6oc2kh3", id: "renamed-folder"); // same problem, another folder: another case
        var c = Have("mb2ic2ih4oc2kh3");

        // Unnamed descriptors match every name in pack order; the dtype and fill not asked for are left.
        SameAsTheScan(Batch("mb1ic2ih4oc2kh3\n"), [aOtherName, aNormal, a, aF64, aNamed], "an unnamed descriptor");
        // A named one matches that name only.
        SameAsTheScan(Batch("mb1ic2ih4oc2kh3n\"catalog\"\n"), [a, aOtherName, aNamed], "a named descriptor");
        // Wanted order, not pack order; duplicates taken once (the first), another folder of the same problem kept.
        SameAsTheScan(Batch("mb2ic2ih4oc2kh3\nmb1ic2ih6oc2kh3\nmb1ic2ih4oc2kh3\n"), [a, b, bAgain, bCopy, bFolder, c], "order and duplicates");
        // A problem wanted twice (two layouts, both fills, a repeated directions entry) takes its cases once.
        SameAsTheScan(Batch("mb1ic2ih6oc2kh3\n--stag=axb mb1ic2ih6oc2kh3\n", fill: null),
            [b, Have("mb1ic2ih6oc2kh3", Fill.Normal), bCopy], "two layouts, two fills");
        // The first entry's directions stay with the case (the scan gave later duplicates nothing).
        SameAsTheScan(Batch("--dir=BWD_WB mb1ic2ih6oc2kh3\n--dir=FWD_B mb2ic2ih4oc2kh3\n"), [c, b], "directions");
        // Every dtype of the run, f32, f64 and bf16, in the selection's order.
        SameAsTheScan(Batch("mb1ic2ih4oc2kh3\n", dtype: null), [aF64, a, Have("mb1ic2ih4oc2kh3", dtype: DType.BFloat16)], "dtypes");
    }

    [Test]
    public void TheCaseInNoPackIsRefusedWordForWordAsBefore()
    {
        // The second wanted case is missing: the first missing one is named, with the packs and the way out.
        var s = Batch("mb1ic2ih4oc2kh3\nmb1ic2ih9oc2kh3\nmb1ic2ih7oc2kh3\n");
        IReadOnlyList<CaseEntry> available = [Have("mb1ic2ih4oc2kh3"), Have("mb1ic2ih7oc2kh3")];
        var before = Assert.Catch<ArgumentException>(() => Scanned(s, available, "packs a, b"))!;
        var now = Assert.Catch<ArgumentException>(() => s.InPacks(available, "packs a, b"))!;
        Assert.That(now.Message, Is.EqualTo(before.Message));
        Assert.That(now.Message, Is.EqualTo("case mb1ic2ih9oc2oh7kh3ph0__f32_integer is in no pack checked (packs a, b); use --oracle torch for cases without fixtures"));
        // A name the packs do not have is no match for a case of another name.
        var named = Batch("mb1ic2ih4oc2kh3n\"absent\"\n");
        Assert.That(Assert.Catch<ArgumentException>(() => named.InPacks(available, "p"))!.Message, Does.StartWith("case mb1ic2ih4oc2oh2kh3ph0n_absent___f32_integer is in no pack checked (p)"));
        // Nothing available: the first case is missing.
        Assert.That(Assert.Catch<ArgumentException>(() => s.InPacks([], "none"))!.Message, Does.StartWith("case mb1ic2ih4oc2oh2kh3ph0__f32_integer is in no pack checked (none)"));
    }

    // A list that counts the elements read from it.
    private sealed class CountingList(IReadOnlyList<CaseEntry> inner) : IReadOnlyList<CaseEntry>
    {
        public long Reads { get; private set; }

        public CaseEntry this[int index]
        {
            get
            {
                Reads++;
                return inner[index];
            }
        }

        public int Count => inner.Count;

        public IEnumerator<CaseEntry> GetEnumerator()
        {
            for (int i = 0; i < inner.Count; i++) yield return this[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    // Counts what the lookup asks of case equality.
    private sealed class CountingComparer : IEqualityComparer<ConvCase>
    {
        public long Calls { get; private set; }

        public bool Equals(ConvCase? x, ConvCase? y)
        {
            Calls++;
            return EqualityComparer<ConvCase>.Default.Equals(x, y);
        }

        public int GetHashCode(ConvCase obj)
        {
            Calls++;
            return EqualityComparer<ConvCase>.Default.GetHashCode(obj);
        }
    }

    [Test]
    public void ReadsAndComparisonsGrowWithTheCasesNotTheirSquare()
    {
        // 1,000 random problems against packs holding them in reverse order: the scan read 1,000,000 pack cases and
        // compared about 500,000 pairs of taken cases; --random 100000 made that 10¹⁰, minutes before the first case ran.
        const int N = 1_000;
        var s = CaseSelection.Resolve(null, null, [], "f32", "integer", "question", random: N, randomSeed: 3);
        var cases = s.Generated(ConvCase.DefaultSeed);
        Assert.That(cases, Has.Count.EqualTo(N));
        var available = new CountingList([.. cases.Reverse()]);
        var comparer = new CountingComparer();
        var found = s.InPacks(available, "p", comparer);
        Assert.That(found.Select(e => e.Case), Is.EqualTo(cases.Select(e => e.Case)), "every case, in the selection's order");
        Assert.That(available.Reads, Is.LessThanOrEqualTo(N), "each pack case read once");
        // One hash per case taken, and an equality test only where hashes meet.
        Assert.That(comparer.Calls, Is.LessThanOrEqualTo(2 * N));
    }
}
