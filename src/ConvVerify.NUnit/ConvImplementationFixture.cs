using ConvVerify.Catalog;
using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Runs;
using NUnit.Framework;

namespace ConvVerify.NUnit;

/// <summary>
/// Derive from this in an NUnit project to check a .NET convolution against every case of the committed fixture packs,
/// every direction: exactly for the integer fill; for the normal fill, by <see cref="Tolerance"/>, by default within the
/// probabilistic bound inside the sound one (an element beyond the first but within the second is suspicious, and fails).
/// </summary>
/// <example>
/// <code>
/// // [TestFixture] is needed: the NUnit test adapter looks for tests only in an assembly that references NUnit itself, and
/// // a class derived from this one does not make the compiler reference it. Without it (and nothing else of NUnit's in
/// // the assembly) `dotnet test` says "No test is available" and exits 0: a broken implementation passes.
/// [TestFixture]
/// public class MyConvTests : ConvImplementationFixture
/// {
///     protected override IConvImplementation Implementation { get; } = new MyConv();
/// }
///
/// // A Winograd or FFT convolution rounds other than the summations the probabilistic bound models: the sound bound only.
/// // It supports float32 only, so the other cases are left out (each would fail, its directions not provided).
/// [TestFixture]
/// public class MyWinogradTests : ConvImplementationFixture
/// {
///     protected override IConvImplementation Implementation { get; } = new MyWinograd();
///     protected override Tolerance Tolerance => Tolerance.SoundBound;
///     public static new IEnumerable&lt;TestCaseData&gt; Cases() =>
///         CasesWhere(c => c.Problem.DType == DType.Float32, [.. PackDirectories()]);
/// }
/// </code>
/// </example>
/// <remarks>
/// <para>The packs are the sub-folders of <see cref="Locations.CommittedPacksRoot"/>: the folder named by
/// <c>CONVVERIFY_FIXTURES</c>, else the packs shipped beside the assembly, else <c>tests/fixtures</c> of the repository.
/// Every pack's files are checked against its manifest before a case is trusted.</para>
/// <para>Mark the derived class <c>[TestFixture]</c>, as in the example: the NUnit test adapter runs an assembly only
/// if it references nunit.framework itself, and deriving from this class does not make it; an assembly that uses
/// nothing else of NUnit's then holds no test the adapter sees, and <c>dotnet test</c> passes, exit code 0, having run
/// none.</para>
/// <para>The fixture calls <see cref="Implementation"/> one direction at a time, also when NUnit runs its cases in
/// parallel (<c>[Parallelizable(ParallelScope.All)]</c>): no implementation is asked to be safe for two calls at once
/// (<see cref="ImplementationSource"/>). The packs are read and the results compared in parallel all the same.</para>
/// <para>A test is named by its case id, <c>MatchesThePack(ID)</c>; when packs given together hold cases of the same id,
/// the tests of those ids name their pack too, <c>MatchesThePack(ID, pack FOLDER (ORACLE))</c>. A failure names the
/// implementation, the pack and the oracle that made the pack's results.</para>
/// </remarks>
public abstract class ConvImplementationFixture
{
    // Opening a pack (manifest, link checks) and hashing it once per case would make the fixture quadratic in the
    // pack's size: once per pack and process, while it stays good. A pack that could not be read is not kept: the
    // error may be passing (an I/O error, a manifest half-written by `fixtures generate` at that moment), and kept it
    // would fail every later fixture of the process with a stale message; the next case tries again. A pack read whole
    // whose files do not match its manifest is kept with the files' sizes and times, the files that failed and the
    // manifest's own hash: the next case checks the whole pack again only if a size or time has changed, the manifest's
    // bytes have, or one of its own files that failed now matches. Sizes and times alone missed a repair that keeps both
    // (a byte put back by a tool that restores the time, `touch -r`); the time of a file's last status change, which no
    // tool sets, would catch it, but .NET does not show it. Each case hashes again only its own files that failed, so
    // each such file is hashed about once a run: every case hashing every file that failed was quadratic again when they
    // were many (a pack regenerated under a stale manifest fails every file: each case then hashed the whole pack). A
    // repair that keeps sizes and times is noticed by the first case of the repaired files, or by a later check of the
    // whole pack. The message says the verdict is from that earlier check.
    // A pack that was good stays open; each case's files are compared with the manifest as the case reads them
    // (FixturePack.Read), so a file rewritten later fails its case instead of serving unchecked.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<OpenedPack>> Packs =
        new(StringComparer.Ordinal);

    private sealed record OpenedPack(
        FixturePack Pack, IReadOnlyList<string> Integrity, IReadOnlyList<string> Failed, string? ManifestHash, string Stamp, DateTime CheckedAt)
    {
        private int _warned;

        // True for the one caller that is to show the pack's warnings: once per pack opened, whichever case comes first.
        public bool FirstToWarn() => Interlocked.Exchange(ref _warned, 1) == 0;
    }

    /// <summary>Environment variable naming a folder of packs.</summary>
    public const string FixturesVariable = Locations.FixturesVariable;

    /// <summary>The implementation under test, read once per case.</summary>
    /// <remarks>Never disposed by the fixture, <see cref="IDisposable"/> or not: one object kept for every case (as in
    /// the example) would be disposed under the next case, and an abandoned call (<see cref="DirectionTimeLimit"/>) may
    /// still be running in it. Dispose of it in a <c>[OneTimeTearDown]</c> of your own, if it is safe to.</remarks>
    protected abstract IConvImplementation Implementation { get; }

    /// <summary>
    /// Whether a direction the implementation does not support, or the pack does not hold (a forward-only pack of
    /// <c>fixtures import-onnx</c>), fails the case (default, as <c>verify-impl --require all</c>) or is only reported; a
    /// case of which no direction is compared at all fails either way.
    /// </summary>
    protected virtual bool RequireAllDirections => true;

    /// <summary>
    /// How long one direction may run before it fails and is abandoned (<see cref="ImplementationSource.TimeLimit"/>):
    /// null (the default) for <see cref="ImplementationSource.DefaultTimeLimit"/> of each case's problem,
    /// <see cref="Timeout.InfiniteTimeSpan"/> for no limit, to step through the implementation in a debugger. An abandoned
    /// call goes on running on its thread; while it does, the implementation is not called again, and every later
    /// direction fails at once, naming it.
    /// </summary>
    protected virtual TimeSpan? DirectionTimeLimit => null;

    /// <summary>
    /// Whether a pack's warnings (<see cref="FixturePack.Warnings"/>: no manifest.json, so no integrity check; a file in a
    /// case folder that is not a case file and not in the manifest, anything in the pack's own folder but manifest.json and
    /// case folders) fail every case of the pack, as the command line's
    /// <c>--strict</c> makes warnings errors. By default (false) they are shown once per pack and process, as an NUnit
    /// warning (<see cref="Assert.Warn(string)"/>) on the first case that reads the pack; that case is checked all the same.
    /// </summary>
    /// <remarks>
    /// That case's result is NUnit's Warning when it passes, which the NUnit test adapter shows as Skipped by default
    /// (<c>dotnet test</c> counts it among the skipped tests, a .trx file says NotExecuted) although it ran and passed; the
    /// warning's text is its message. The adapter's <c>MapWarningTo</c> setting shows it otherwise:
    /// <c>dotnet test -- NUnit.MapWarningTo=Passed</c>, or <c>&lt;MapWarningTo&gt;Passed&lt;/MapWarningTo&gt;</c> in the
    /// <c>NUnit</c> section of a .runsettings file. A case that fails still fails, the warning in its message.
    /// </remarks>
    protected virtual bool Strict => false;

    /// <summary>
    /// The rule for the normal fill's results: <see cref="Tolerance.Probabilistic"/> (the
    /// default, as the command line's) or <see cref="Tolerance.SoundBound"/>, the command line's <c>--tolerance sound</c>.
    /// </summary>
    /// <remarks>
    /// Under <see cref="Tolerance.Probabilistic"/> an element beyond the probabilistic bound (docs/tolerance.md) but within
    /// the sound one is suspicious, and a suspicious direction fails its case: right for an implementation that sums the
    /// products as a convolution does, in whatever order. One whose rounding does not follow that model (Winograd, FFT,
    /// an order that depends on the data) is held to the sound bound only: override this with
    /// <see cref="Tolerance.SoundBound"/>. The integer fill is compared exactly whatever this says; bfloat16 and float16
    /// results are held to their own rule, a float32 sum rounded once (<see cref="TensorComparison.NarrowBounds{T}"/>,
    /// with <see cref="TensorComparison.NarrowProbabilisticBounds{T}"/> as its tier). <see cref="Tolerance.ExactValues"/> and <see cref="Tolerance.Bitwise"/>,
    /// and values that are no <see cref="Comparison.Tolerance"/>, fail every case naming this property: the normal fill's
    /// results depend on the order of summation, which the pack's oracle chose apart from the implementation.
    /// </remarks>
    protected virtual Tolerance Tolerance => Tolerance.Probabilistic;

    /// <summary>
    /// Every case of every pack: (pack folder, case id). To check other packs, or some cases only, hide it in the derived class:
    /// <c>public static new IEnumerable&lt;TestCaseData&gt; Cases() => CasesIn("path/to/pack");</c>, or
    /// <c>... => CasesWhere(c => c.Problem.DType == DType.Float32, [.. PackDirectories()]);</c>
    /// </summary>
    public static IEnumerable<TestCaseData> Cases() => CasesIn([.. PackDirectories()]);

    /// <summary>Every case of the given packs.</summary>
    /// <exception cref="FixtureException">A folder is not a pack, or its path holds a loop of symbolic links.</exception>
    /// <exception cref="ArgumentException">No folder is given, one is null or empty or given twice (under any spelling, symbolic
    /// links resolved), or the folders hold no
    /// case at all (NUnit then reports the exception against <see cref="MatchesThePack"/>).</exception>
    protected static IEnumerable<TestCaseData> CasesIn(params string[] packDirectories) => Select(null, packDirectories);

    /// <summary>
    /// The cases of the given packs that <paramref name="where"/> keeps, e.g. <c>c => c.Problem.DType == DType.Float32</c> for an
    /// implementation of float32 only (every other case would fail, its directions not provided). A case whose case.json
    /// cannot be read is kept, to fail naming the error.
    /// </summary>
    /// <exception cref="FixtureException">A folder is not a pack, or its path holds a loop of symbolic links.</exception>
    /// <exception cref="ArgumentException">As for <see cref="CasesIn"/>, or <paramref name="where"/> keeps no case.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="where"/> is null.</exception>
    protected static IEnumerable<TestCaseData> CasesWhere(Func<ConvCase, bool> where, params string[] packDirectories)
    {
        ArgumentNullException.ThrowIfNull(where);
        return Select(where, packDirectories);
    }

    private static IEnumerable<TestCaseData> Select(Func<ConvCase, bool>? where, string[] packDirectories)
    {
        ArgumentNullException.ThrowIfNull(packDirectories);
        var packs = new List<(string Dir, FixturePack Pack)>();
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (string dir in packDirectories)
        {
            // Named as the fixture's argument: FixturePack's refusal named its own parameter, and an empty path read
            // ": pack folder not found", naming nothing.
            if (string.IsNullOrEmpty(dir))
                throw new ArgumentException($"packDirectories: a pack folder is {(dir is null ? "null" : "empty")}", nameof(packDirectories));
            // A pack given twice (or as two spellings of one folder, a symbolic link to it included) made every case of it
            // two tests of one name.
            string real = PackPaths.RealPath(dir);
            if (!given.Add(real))
                throw new ArgumentException($"packDirectories: {dir} is given twice (as {real})", nameof(packDirectories));
            packs.Add((dir, FixturePack.Open(dir)));
        }
        var labels = Labels(packs.ConvertAll(p => p.Pack));
        int cases = 0, kept = 0;
        foreach (var (dir, pack) in packs)
        {
            foreach (string id in pack.CaseIds)
            {
                cases++;
                if (where is not null && !Keeps(where, pack, id)) continue;
                kept++;
                // The id is a folder name from someone else's pack: a right-to-left override in it reordered the test's
                // name as a test explorer or log shows it. Shown as the command line shows it; the case still reads the folder.
                var data = new TestCaseData(dir, id);
                yield return labels.TryGetValue((pack, id), out string? label)
                    ? data.SetArgDisplayNames(PackPaths.Printable(id), label)
                    : data.SetArgDisplayNames(PackPaths.Printable(id));
            }
        }
        // NUnit shows a source that yields nothing as no test at all, and the suite stays green having checked nothing.
        if (cases == 0)
        {
            throw new ArgumentException(packDirectories.Length == 0
                ? NoPackGiven(Locations.CommittedPacksRoot())
                : $"no case in {string.Join(", ", packDirectories)}: there is nothing to check the implementation against", nameof(packDirectories));
        }
        if (kept == 0)
            throw new ArgumentException($"no case in {string.Join(", ", packDirectories)} is kept by the filter given: there is nothing to check the implementation against", "where");
    }

    // Whether the filter keeps a case; one whose case.json cannot be read now stays, to fail its own test with the error:
    // thrown from the source, NUnit would report it against every case of the fixture at once; dropped, it went unseen.
    private static bool Keeps(Func<ConvCase, bool> where, FixturePack pack, string id)
    {
        ConvCase c;
        try
        {
            c = pack.ReadCase(id);
        }
        catch (FixtureException)
        {
            return true;
        }
        return where(c);
    }

    // The second display name of the cases whose id another pack given holds too: two packs of the same ids (one made by
    // another oracle, or a copy) made tests of one name, which test explorers merge or report as one. The pack's folder name
    // and oracle; its whole path where two such packs share both. Other tests keep the id alone, the names they always had.
    private static Dictionary<(FixturePack, string), string> Labels(List<FixturePack> packs)
    {
        var labels = new Dictionary<(FixturePack, string), string>();
        var holders = packs.SelectMany(p => p.CaseIds.Select(id => (Pack: p, Id: id))).GroupBy(c => c.Id, StringComparer.Ordinal).Where(g => g.Count() > 1);
        foreach (var clash in holders)
        {
            var shortNames = clash.Select(c => (c.Pack, Name: Label(c.Pack, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(c.Pack.Directory)))))).ToList();
            bool unique = shortNames.Select(n => n.Name).Distinct(StringComparer.Ordinal).Count() == shortNames.Count;
            foreach (var (pack, name) in shortNames)
                labels[(pack, clash.Key)] = unique ? name : Label(pack, Path.GetFullPath(pack.Directory));
        }
        return labels;
    }

    private static string Label(FixturePack pack, string where) =>
        $"pack {PackPaths.Printable(where)}" + (pack.Manifest is { } m ? $" ({PackPaths.Printable(m.OracleName)})" : "");

    // Why no pack folder came: "found under X" read as if X held packs when the variable named a folder that is not there.
    internal static string NoPackGiven(string? root) => NoPackGiven(root, Variable());

    // The variable set, its folder is what was looked in: "set CONVVERIFY_FIXTURES" told a user who had set it to set it.
    internal static string NoPackGiven(string? root, string? variable) =>
        "no pack folder given: there is nothing to check the implementation against ("
        + (variable is not null ? $"{NoPackUnder(variable)}; point it at a folder of packs, or pass pack folders to CasesIn)"
            : "the committed packs are "
            + (root is null ? NoRootFound()
                : Directory.Exists(root) ? $"found under {root}, which holds none: no sub-folder with a manifest.json"
                // A file there exists: "does not exist" sent the user looking for a path that is plainly there.
                : File.Exists(root) ? $"looked for under {root}, which is a file, not a folder"
                : $"looked for under {root}, which does not exist")
            + $"; set {FixturesVariable})");

    // Why the folder the variable names gave no pack.
    private static string NoPackUnder(string variable) =>
        $"{FixturesVariable} names {variable}, which "
        + (Directory.Exists(variable) ? "holds no pack: no sub-folder with a manifest.json"
            : File.Exists(variable) ? "is a file, not a folder"
            : "does not exist");

    // The folder of packs CONVVERIFY_FIXTURES names, as Locations reads it; null when it is not set.
    private static string? Variable() => Environment.GetEnvironmentVariable(FixturesVariable) is { Length: > 0 } dir ? dir : null;

    // Where Locations.CommittedPacksRoot looked and found nothing: "under no folder" told a project outside the repository
    // neither where it looked nor what to do.
    internal static string NoRootFound() =>
        $"not found: {FixturesVariable} is not set, there is no fixtures/ folder beside {AppContext.BaseDirectory} (where the "
        + $"ConvVerify.NUnit package puts the packs it ships), and no {Locations.SolutionFile} above the current folder "
        + Directory.GetCurrentDirectory()
        + (Path.TrimEndingDirectorySeparator(Directory.GetCurrentDirectory()) == Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory) ? "" : $" or above {AppContext.BaseDirectory}");

    /// <summary>The pack folders checked: every sub-folder with a manifest.json of <see cref="Locations.CommittedPacksRoot"/>.</summary>
    public static IReadOnlyList<string> PackDirectories()
    {
        string? root = Locations.CommittedPacksRoot();
        return root is not null && Directory.Exists(root)
            ? [.. Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "manifest.json"))).Order(StringComparer.Ordinal)]
            : [];
    }

    /// <summary>The implementation reproduces the pack's results for one case.</summary>
    [TestCaseSource(nameof(Cases))]
    public void MatchesThePack(string packDirectory, string caseId)
    {
        ArgumentException.ThrowIfNullOrEmpty(packDirectory);
        ArgumentException.ThrowIfNullOrEmpty(caseId);
        var implementation = Implementation;
        Assert.That(implementation, Is.Not.Null, $"{GetType().Name}.Implementation is null: it must return the implementation under test");
        var (opened, earlier) = Open(Path.GetFullPath(packDirectory), Strict, caseId);
        var warnings = opened.Pack.Warnings;
        // Once, not for each case: a warning on every case of a pack would bury the cases' own results (and the NUnit
        // adapter shows a warned test as skipped by default), where one says it and the rest report as they are.
        if (!Strict && warnings.Count > 0 && opened.FirstToWarn())
            Assert.Warn($"{packDirectory}: {Counted.Of(warnings.Count, "warning")} about the pack (shown once, with the first of its cases run; "
                + $"this case is checked all the same, and {GetType().Name}.Strict would make them fail every case):\n  {string.Join("\n  ", warnings)}");
        Assert.That(opened.Integrity, Is.Empty, $"{packDirectory} failed its integrity check"
            + (earlier ? $" (made at {opened.CheckedAt.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)} UTC for an earlier case; "
                + (OwnFiles(opened.Failed, caseId).Count > 0 ? "this case's files that failed still fail" : "the files that failed are other cases', not hashed again for this one")
                + ", and neither manifest.json nor any file's size or time has changed since)" : "")
            + ": it cannot serve as an oracle");
        // Every case, as an integrity failure does: under Strict the pack does not serve until its warnings are dealt with.
        if (Strict && warnings.Count > 0)
            Assert.Fail($"{packDirectory}: {Counted.Of(warnings.Count, "warning")} about the pack, and {GetType().Name}.Strict makes warnings errors:\n  {string.Join("\n  ", warnings)}");
        var pack = opened.Pack;
        // Refused in the fixture's own name: "TimeLimit" is the library's, which the fixture's author never wrote.
        if (DirectionTimeLimit is { } limit && ImplementationSource.TimeLimitProblem(limit) is { } why)
            throw new ArgumentOutOfRangeException(nameof(DirectionTimeLimit), limit, $"{GetType().Name}.{nameof(DirectionTimeLimit)}: {why}");
        // Refused before any case passes by it: a rule the run does not know was applied as the default.
        var tolerance = Tolerance;
        if (ToleranceProblem(tolerance) is { } wrong)
            throw new ArgumentOutOfRangeException(nameof(Tolerance), tolerance, $"{GetType().Name}.{nameof(Tolerance)}: {wrong}");
        var subject = new ImplementationSource(implementation, implementation.GetType().Name) { TimeLimit = DirectionTimeLimit };
        var plan = new RunPlan
        {
            Command = GetType().Name,
            Cases = [new CaseEntry(pack.ReadCase(caseId), pack)],
            References = [Plans.Reference([pack])],
            Subject = subject,
            Requirement = RequireAllDirections ? Requirement.All : Requirement.Any,
            // As the command line's --tolerance sound: only the probabilistic tier is replaced.
            ToleranceRule = tolerance == Tolerance.Probabilistic ? null : RunPlan.SoundTolerance,
        };
        var report = Runner.Run(plan);
        // The pack and its oracle, as the command line's rows say them: two packs of the same case ids read alike otherwise.
        string against = $"{plan.Subject.Name} vs {plan.References[0].Name}";
        var failed = report.Rows.Where(r => r.Outcome is Outcome.Fail or Outcome.Suspicious or Outcome.Error
            || (RequireAllDirections && r.Outcome is Outcome.NotInPack or Outcome.NotProvided or Outcome.NotProvidedByOracle)).ToList();
        // Said by the fixture: Assert.That's own message was the code of its call, and "Expected: <empty>" after the list.
        if (failed.Count > 0)
            Assert.Fail($"{caseId} ({against}): {Counted.Of(failed.Count, "direction")} of {report.Rows.Count} did not pass:\n  "
                + string.Join("\n  ", failed.Select(r => Line(r) + Frames(subject, caseId, r))));
        // Without RequireAllDirections no absent direction fails, so a case where every one was absent (an implementation
        // that supports nothing) passed having compared nothing; the run's own rule says so.
        if (report.Reasons().ToList() is { Count: > 0 } reasons)
            Assert.Fail($"{caseId} ({against}): {string.Join("; ", reasons)}:\n  {string.Join("\n  ", report.Rows.Select(Line))}");
    }

    // A row as "y: FAIL: 1 of 48 elements …": its reason begins with the direction (and an absent one's with the outcome
    // too), which said again read "y: FAIL: y: …" and "dw: not provided: dw: not provided (…)". The command line's advice
    // to use --tolerance sound, which an NUnit user cannot give, is said as this fixture's property.
    private string Line(RunRow r)
    {
        string reason = r.Reason.StartsWith(r.Direction + ": ", StringComparison.Ordinal) ? r.Reason[(r.Direction.Length + 2)..] : r.Reason;
        reason = reason.Replace("--tolerance sound", $"{GetType().Name}.{nameof(Tolerance)} => Tolerance.{nameof(Tolerance.SoundBound)}", StringComparison.Ordinal);
        return reason.StartsWith(r.Outcome.Name(), StringComparison.Ordinal) ? $"{r.Direction}: {reason}" : $"{r.Direction}: {r.OutcomeText}: {reason}";
    }

    // Where the implementation threw, below its row: the type and message alone left its author to find the line that threw.
    private static string Frames(ImplementationSource subject, string caseId, RunRow r) =>
        subject.Thrown.FirstOrDefault(t => t.Key.CaseId == caseId && t.Key.Direction.TensorName() == r.Direction).Value is { } e
            && ImplementationSource.ImplementationFrames(e) is { Count: > 0 } frames
            ? "\n      " + string.Join("\n      ", frames) : "";

    // Why the rule cannot be the normal fill's, or null when it can.
    internal static string? ToleranceProblem(Tolerance tolerance) => tolerance switch
    {
        Tolerance.Probabilistic or Tolerance.SoundBound => null,
        Tolerance.ExactValues or Tolerance.Bitwise =>
            $"{tolerance} is no rule for the normal fill, whose results depend on the order of summation that the pack's oracle chose "
            + "apart from the implementation; expected Tolerance.Probabilistic (the default) or Tolerance.SoundBound (the integer fill is compared exactly either way)",
        _ => $"{(int)tolerance} is not a Tolerance; expected Tolerance.Probabilistic (the default) or Tolerance.SoundBound",
    };

    /// <summary>
    /// For tests: runs with the pack's folder once a case has found the pack's entry and whether it holds a verdict,
    /// before it waits for the verdict (so that another case can open the pack at that moment).
    /// </summary>
    internal static Action<string>? OpeningHook { get; set; }

    // The pack, opened and checked now or by an earlier case (earlier: true) when its verdict still holds. A verdict that
    // fails the case (an integrity failure; warnings, under strict) holds only while no file has changed.
    private static (OpenedPack Pack, bool Earlier) Open(string dir, bool strict, string caseId)
    {
        var lazy = Packs.GetOrAdd(dir, d => new(() => OpenNow(d)));
        // Earlier: the verdict was there before this case asked. Not "whose factory ran": the factory stored may be
        // another case's, run on whichever thread asks first, so a flag it set told one case that another had checked
        // the pack when it had itself (labelling the verdict "for an earlier case", and hashing again). A verdict still
        // being made when asked for is made while this case waits: as fresh as its own, so it is neither.
        bool earlier = lazy.IsValueCreated;
        OpeningHook?.Invoke(dir);
        OpenedPack opened;
        try
        {
            opened = lazy.Value;
        }
        catch
        {
            // Only this attempt: the cases waiting on it report its error, the next one reads the pack again.
            Packs.TryRemove(KeyValuePair.Create(dir, lazy));
            throw;
        }
        if (earlier && (opened.Integrity.Count > 0 || (strict && opened.Pack.Warnings.Count > 0)) && Changed(dir, opened, caseId))
        {
            Packs.TryRemove(KeyValuePair.Create(dir, lazy));
            return Open(dir, strict, caseId);
        }
        return (opened, earlier);
    }

    private static OpenedPack OpenNow(string dir)
    {
        // Taken before the manifest is read, as the stamp is before the hashes, so a file changed meanwhile makes the next
        // case check again.
        string? manifestHash = ManifestHash(dir);
        var pack = FixturePack.Open(dir);
        string stamp = Stamp(dir);
        var at = DateTime.UtcNow;
        var failed = new List<string>();
        var integrity = pack.CheckIntegrity(failed);
        return new OpenedPack(pack, integrity, failed, manifestHash, stamp, at);
    }

    // Whether a verdict that fails the pack may no longer hold, as far as the case about to run can tell: the stamp first
    // (metadata only, and it is all a warning depends on), then the manifest's bytes and the case's own files that failed.
    private static bool Changed(string dir, OpenedPack opened, string caseId)
    {
        if (Stamp(dir) != opened.Stamp) return true;
        if (opened.Integrity.Count == 0) return false;
        if (ManifestHash(dir) != opened.ManifestHash) return true;
        var own = OwnFiles(opened.Failed, caseId);
        return own.Count > 0 && opened.Pack.CheckFiles(own).Count < own.Count;
    }

    // The files keys ("<case>/<file>") of one case among those that failed.
    private static List<string> OwnFiles(IReadOnlyList<string> failed, string caseId) =>
        [.. failed.Where(key => key.StartsWith(caseId + "/", StringComparison.Ordinal))];

    // The sha256 of manifest.json's bytes; null when there is none or it cannot be read now (Open says why).
    private static string? ManifestHash(string dir)
    {
        try
        {
            return Manifest.Sha256(Path.Combine(dir, "manifest.json"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // Every file of the pack and its case folders (two levels, as a pack is; Open refused links leading out) with its
    // size and last write: a pack rewritten or restored changes one of them. Metadata only, nothing is read.
    private static string Stamp(string dir)
    {
        var text = new System.Text.StringBuilder();
        var options = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 1, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var f in new DirectoryInfo(dir).EnumerateFiles("*", options).OrderBy(f => f.FullName, StringComparer.Ordinal))
            text.Append(f.FullName).Append('|').Append(f.Length).Append('|').Append(f.LastWriteTimeUtc.Ticks).Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// The packs were found: a fixture that silently checked nothing would pass. With the committed packs (shipped beside
    /// the assembly, or the repository's), a pack of every committed set (<see cref="CaseSets.Committed"/>); with a folder of
    /// your own named by <c>CONVVERIFY_FIXTURES</c>, at least one pack; with cases of your own (a <c>Cases()</c> hidden in
    /// the derived class), at least one case. Override it (it stays a test) to require something else.
    /// </summary>
    [Test]
    public virtual void PacksAreFound()
    {
        // Cases of its own: the packs it names, wherever they are, are what it checks; the source refuses none found itself.
        if (OwnCases(GetType()) is { } own)
        {
            Assert.That(own().Cast<object>().Count(), Is.GreaterThan(0), $"{GetType().Name}.Cases() gives no case: there is nothing to check the implementation against");
            return;
        }
        if (PacksProblem(Variable(), Locations.CommittedPacksRoot(), PackDirectories()) is { } problem)
            Assert.Fail(problem);
    }

    // What is wrong with the packs found, or null: a folder of the user's own packs (the variable) needs one at least,
    // where the committed folder needs every committed set; each message says what was looked at, and what to do.
    internal static string? PacksProblem(string? variable, string? root, IReadOnlyList<string> found)
    {
        if (variable is not null)
            return found.Count > 0 ? null : $"no fixture packs: {NoPackUnder(variable)}; point it at a folder of packs (one sub-folder with a manifest.json each)";
        if (root is null) return $"the fixture packs were {NoRootFound()}; set {FixturesVariable}";
        var names = found.Select(d => Path.GetFileName(Path.TrimEndingDirectorySeparator(d))).ToHashSet(StringComparer.Ordinal);
        var missing = CaseSets.Committed.Where(set => !names.Contains(set)).ToList();
        if (missing.Count == 0) return null;
        return found.Count == 0
            ? $"no fixture packs under {root} ({(Directory.Exists(root) ? "no sub-folder with a manifest.json" : File.Exists(root) ? "a file, not a folder" : "it does not exist")}); set {FixturesVariable} to a folder of packs"
            : $"the committed packs under {root} are incomplete: {string.Join(", ", missing)} missing of {string.Join(", ", CaseSets.Committed)}";
    }

    // The Cases a derived class declares in place of this one's (as the documented `public static new ... Cases()`), as
    // NUnit's TestCaseSource finds it by name; null when none does.
    private static Func<System.Collections.IEnumerable>? OwnCases(Type type)
    {
        const System.Reflection.BindingFlags declared = System.Reflection.BindingFlags.DeclaredOnly | System.Reflection.BindingFlags.Static
            | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic;
        for (var t = type; t is not null && t != typeof(ConvImplementationFixture); t = t.BaseType)
        {
            if (t.GetMethod(nameof(Cases), declared, Type.EmptyTypes) is { } method && typeof(System.Collections.IEnumerable).IsAssignableFrom(method.ReturnType))
                return () => (System.Collections.IEnumerable)method.Invoke(null, System.Reflection.BindingFlags.DoNotWrapExceptions, null, null, null)!;
            if (t.GetProperty(nameof(Cases), declared) is { GetMethod: not null } property && typeof(System.Collections.IEnumerable).IsAssignableFrom(property.PropertyType))
                return () => (System.Collections.IEnumerable)property.GetValue(null, System.Reflection.BindingFlags.DoNotWrapExceptions, null, null, null)!;
        }
        return null;
    }
}
