using System.Globalization;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Problems;

namespace ConvVerify.Fixtures;

/// <summary>One case read from a pack: its inputs and those of PyTorch's results the pack holds.</summary>
/// <typeparam name="T">float or double, as the case's dtype.</typeparam>
public sealed record PackCase<T>(ConvCase Case, ConvInputs<T> Inputs, IReadOnlyDictionary<Direction, T[]> Expected)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// A fixture pack on disk (format: docs/fixture-format.md): <c>manifest.json</c> and one folder per case with
/// <c>case.json</c>, inputs <c>x w [b] dy</c> and results <c>y dx dw [db]</c> as .npy.
/// </summary>
public sealed class FixturePack
{
    private FixturePack(string directory, Manifest? manifest, IReadOnlyList<string> caseIds, IReadOnlyList<string> warnings)
    {
        Directory = directory;
        Manifest = manifest;
        CaseIds = caseIds;
        Warnings = warnings;
    }

    /// <summary>The pack's folder.</summary>
    public string Directory { get; }

    /// <summary>The manifest, or null for a pack without one (accepted with a warning).</summary>
    public Manifest? Manifest { get; }

    /// <summary>
    /// Whether the manifest says the pack was imported from ONNX's test data (oracle <c>onnx</c> or <c>onnx+NAME</c>):
    /// its cases' inputs are ONNX's, not ConvVerify's fill (<see cref="ConvCase.ForeignInputs"/>).
    /// </summary>
    public bool Imported => Manifest?.Oracle is { } o
        && (o == OnnxImport.OracleName || o.StartsWith(OnnxImport.OracleName + "+", StringComparison.Ordinal));

    /// <summary>Case ids: the manifest's, or every sub-folder holding a case.json.</summary>
    public IReadOnlyList<string> CaseIds { get; }

    /// <summary>Things a user should know, e.g. that integrity could not be checked, or that the pack's folder or a case folder holds a file no case reads.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The files a case may hold, all of them read when present: <c>case.json</c>, the inputs and the results.</summary>
    internal static IReadOnlyList<string> CaseFileNames { get; } =
        ["case.json", "x.npy", "w.npy", "b.npy", "dy.npy", .. Directions.All.Select(d => d.TensorName() + ".npy")];

    /// <summary>Opens a pack.</summary>
    /// <remarks>A manifest whose <c>cases</c> is empty opens as a pack of no cases; only a folder without a manifest needs a
    /// case folder to be a pack at all.</remarks>
    /// <exception cref="FixtureException">No such folder, an unreadable manifest, a folder holding neither a manifest.json nor
    /// any case folder, a case id, file
    /// name or symbolic link that would lead outside the pack (<see cref="PackPaths"/>), a case file that is not a
    /// regular file, a listed case's folder that is something else (a named pipe, a file), or a manifest that does not account for the pack: a case listed twice, a case file it does not
    /// list, a case folder or <c>files</c> key of a case not in <c>cases</c>; a file or <c>files</c> key whose name differs
    /// from a case file's only in letter case (<c>Y.NPY</c>). Any other file in a case folder that the manifest does not list,
    /// and anything in the pack's folder that is neither manifest.json nor a case folder, is one of <see cref="Warnings"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is null or empty.</exception>
    public static FixturePack Open(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        // Refused by name: looked for, it was ": pack folder not found", a message that names nothing.
        if (directory.Length == 0) throw new ArgumentException("directory: an empty path names no pack folder", nameof(directory));
        if (PackPaths.NotAFolder(directory, "pack folder") is { } notAFolder) throw new FixtureException($"{directory}: {notAFolder}");
        string manifestPath = Path.Combine(directory, "manifest.json");
        PackPaths.CheckLink(directory, manifestPath);
        if (Path.Exists(manifestPath))
        {
            var manifest = Manifest.Read(manifestPath);
            foreach (string id in manifest.Cases) PackPaths.CheckName(id, $"{manifestPath}: case id");
            var keys = manifest.Files.Keys.Select(key => (Key: key, Parts: PackPaths.SplitFileKey(key, manifestPath))).ToList();
            CheckCasesOnce(manifest.Cases, manifestPath);
            var cases = manifest.Cases.ToHashSet(StringComparer.Ordinal);
            // A key of a case that is not run would be hashed and then never read: the manifest says something it does not mean.
            foreach (var (key, (id, file)) in keys)
            {
                if (!cases.Contains(id))
                    throw new FixtureException($"{manifestPath}: files key \"{key}\" belongs to no listed case: case \"{id}\" is not in \"cases\"");
                if (CaseFileNameInOtherCase(file) is { } meant)
                    throw new FixtureException($"{manifestPath}: files key \"{PackPaths.Printable(key)}\" differs from the case file {meant} only in letter case; {InOtherCase(meant)}");
            }
            // Links are checked before anything below the pack is read, so nothing outside it ever is.
            PackPaths.CheckTwoLevels(directory);
            var strays = new List<string>();
            foreach (string entry in System.IO.Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
            {
                if (Path.GetFileName(entry) is "manifest.json" || cases.Contains(Path.GetFileName(entry))) continue;
                if (System.IO.Directory.Exists(entry) && HoldsCaseJson(entry))
                    throw new FixtureException($"{entry}: a case folder (it holds a case.json) whose case is not in {manifestPath}'s \"cases\"");
                strays.Add(RootStray(entry, manifestPath));
            }
            foreach (string id in manifest.Cases) CheckCaseFiles(directory, id, manifest, manifestPath, strays);
            return new FixturePack(directory, manifest, manifest.Cases, manifest.SelfHashMatches is null
                ? [$"{manifestPath}: format \"{manifest.Format}\" carries no hash of the manifest itself, so only the files it lists are checked", .. strays]
                : strays);
        }
        PackPaths.CheckTwoLevels(directory);
        // A Manifest.json is the manifest where names ignore case; elsewhere the pack was read as one without a manifest,
        // its hashes unchecked, with only a warning that it had none.
        foreach (string entry in System.IO.Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
            if (string.Equals(Path.GetFileName(entry), "manifest.json", StringComparison.OrdinalIgnoreCase))
                throw new FixtureException($"{PackPaths.Printable(entry)}: differs from manifest.json only in letter case; {InOtherCase("manifest.json")}");
        var ids = new List<string>();
        var unread = new List<string>();
        foreach (string entry in System.IO.Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            if (System.IO.Directory.Exists(entry) && HoldsCaseJson(entry)) ids.Add(Path.GetFileName(entry));
            else unread.Add(RootStray(entry, null));
        }
        foreach (string id in ids) PackPaths.CheckName(id, $"{directory}: case folder");
        if (ids.Count == 0) throw new FixtureException($"{directory}: neither a manifest.json nor any <case>/case.json: not a fixture pack");
        foreach (string id in ids) CheckCaseFiles(directory, id, null, null, unread);
        return new FixturePack(directory, null, ids,
            [$"{directory}: no manifest.json, so the integrity of its files could not be checked", .. unread]);
    }

    // A case run twice is counted twice; ids equal up to letter case share one folder where names ignore case (macOS,
    // Windows), and the writers refuse them for that.
    private static void CheckCasesOnce(List<string> ids, string manifestPath)
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string id in ids)
        {
            if (!seen.TryAdd(id, id))
            {
                throw new FixtureException(seen[id] == id
                    ? $"{manifestPath}: case id \"{id}\" is listed twice in \"cases\""
                    : $"{manifestPath}: case ids \"{seen[id]}\" and \"{id}\" differ only in letter case (one folder where names ignore case)");
            }
        }
    }

    // Every case file present, and every file the manifest lists, must be a regular file (a named pipe would hang the
    // read or the hash, a device flood it). With a manifest, every case file a case reads must be listed too, or its hash
    // was never checked; b.npy and db.npy belong only to a case with bias, which case.json says, so they are left to the
    // read: refused there when unlisted in a case with bias (ListedPath), and in a case without bias whether listed or not
    // (CheckNoBiasFiles).
    // Any other entry is never read. One whose name differs from a case file's only in letter case (Y.NPY, DY.npy) is
    // refused: where names ignore case it is read as that file, where they do not it is not, so the pack would hold one
    // result on a Mac and none on Linux (and a missing result is a direction not checked). Any other entry the manifest
    // does not list (notes.txt, x.npy.bak) is a warning, as a stray file in a candidate folder is (an error under
    // --strict): it cannot change a verdict, since it is not read, but it may be a case file misnamed. An entry the
    // manifest lists is accounted for: its hash is checked with the others.
    private static void CheckCaseFiles(string directory, string id, Manifest? manifest, string? manifestPath, List<string> warnings)
    {
        string folder = Path.Combine(directory, id);
        // A case folder that is missing leaves its files to the integrity check, which names each; one that is something
        // else (a named pipe, a file) was said to hold no case.json ("file not found"), as if the folder were empty.
        var kind = FileKinds.Of(folder);
        if (kind == FileKind.Missing) return;
        if (kind != FileKind.Directory) throw new FixtureException($"{PackPaths.Printable(folder)}: {PackPaths.KindOf(folder)}, not a case folder; refusing to read it");
        foreach (string entry in System.IO.Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(entry);
            if (CaseFileNameInOtherCase(name) is { } meant)
                throw new FixtureException($"{PackPaths.Printable(entry)}: differs from the case file {meant} only in letter case; {InOtherCase(meant)}");
            bool listed = manifest is not null && manifest.Files.ContainsKey($"{id}/{name}");
            if (!listed && !CaseFileNames.Contains(name))
            {
                // A named pipe, device or folder is said as what it is, as at the pack's top (RootStray).
                string what = FileKinds.Of(entry) is FileKind.Regular ? "" : PackPaths.KindOf(entry) + ", ";
                warnings.Add($"{PackPaths.Printable(entry)}: {what}not a case file (expected {Expected}){(manifest is null ? "" : $" and not listed in {manifestPath}")}; it is not read");
                continue;
            }
            PackPaths.CheckRegularFile(entry);
            if (manifest is not null && !listed && name is not ("b.npy" or "db.npy")) throw new FixtureException(Unlisted(entry, manifestPath!));
        }
    }

    // The pack's own folder holds manifest.json and case folders and nothing else a reader looks at, so anything else
    // there was passed over in silence, as a stray file in a case folder used to be: a folder whose case.json was lost
    // (in a pack without a manifest, a case gone without a word), a misplaced result or a note. It is warned about as a
    // case folder's stray is (an error under --strict); the writer refuses to clear such a folder with --force alike.
    private static string RootStray(string entry, string? manifestPath) =>
        PackPaths.Printable(entry) + (System.IO.Directory.Exists(entry)
            ? $": a folder without a case.json{(manifestPath is null ? "" : $" and not in {manifestPath}'s \"cases\"")}, so no case; it is not read"
            // A named pipe or a device is said as what it is: "neither a case folder nor manifest.json" read as a file
            // the user could open, and opening a pipe waits for a writer.
            : FileKinds.Of(entry) is FileKind.Regular ? ": neither a case folder nor manifest.json; it is not read"
            : $": {PackPaths.KindOf(entry)}, neither a case folder nor manifest.json; it is not read");

    // Whether a folder is a case folder. A Case.json instead of case.json is refused: where names ignore case the folder is
    // a case, where they do not it was passed over, and a pack without a manifest lost the case without a word.
    private static bool HoldsCaseJson(string folder)
    {
        foreach (string entry in System.IO.Directory.EnumerateFileSystemEntries(folder))
            if (CaseFileNameInOtherCase(Path.GetFileName(entry)) == "case.json")
                throw new FixtureException($"{PackPaths.Printable(entry)}: differs from the case file case.json only in letter case; {InOtherCase("case.json")}");
        return Path.Exists(Path.Combine(folder, "case.json"));
    }

    // The case file a name differs from only in letter case, or null (for a case file's own name too).
    private static string? CaseFileNameInOtherCase(string name) =>
        CaseFileNames.Contains(name) ? null : CaseFileNames.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));

    // Also the candidate folders' rule (CandidateFolderSource): one result file under two spellings is judged one way.
    internal static string InOtherCase(string meant) =>
        $"a file system that ignores letter case would read it as {meant} and one that does not would never read it; rename it {meant} or remove it";

    private static readonly string Expected = string.Join(", ", CaseFileNames.SkipLast(1)) + " or " + CaseFileNames[^1];

    /// <summary>The case file names, listed for a message: "case.json, x.npy, ... or db.npy".</summary>
    internal static string ExpectedCaseFiles => Expected;

    private static string Unlisted(string path, string manifestPath) =>
        $"{path}: not listed in {manifestPath}, so its integrity cannot be checked; list it with its sha256 or remove it";

    /// <summary>
    /// Checks every file against the manifest's sha256 and that every case file the manifest lists exists.
    /// Returns one line per problem; empty when the pack is intact (or has no manifest to check against).
    /// </summary>
    /// <remarks>The hashes found are kept: a file read later must still have one of them or the manifest's (<see cref="Read{T}(ConvCase)"/>).</remarks>
    public IReadOnlyList<string> CheckIntegrity() => CheckIntegrity(null);

    /// <summary>
    /// As <see cref="CheckIntegrity()"/>, adding to <paramref name="failed"/> the <c>files</c> key of each file that is
    /// missing or differs from its sha256, for <see cref="CheckFiles(IEnumerable{string})"/> to look at again.
    /// </summary>
    public IReadOnlyList<string> CheckIntegrity(ICollection<string>? failed)
    {
        if (Manifest is null) return [];
        var problems = new List<string>();
        if (Manifest.SelfHashMatches == false)
            problems.Add($"{Path.Combine(Directory, "manifest.json")}: its \"manifest-sha256\" does not match its own bytes (corrupt or edited)");
        problems.AddRange(CheckFiles(Manifest.Files.Keys, failed));
        foreach (string id in CaseIds)
            if (!Manifest.Files.ContainsKey($"{id}/case.json")) problems.Add($"{Path.Combine(Directory, id)}: case listed without a case.json in the manifest");
        return problems;
    }

    /// <summary>
    /// Checks only the files of the given <c>files</c> keys against the manifest's sha256: one line per file that is
    /// missing or differs, as <see cref="CheckIntegrity()"/> words it; a key the manifest does not list is passed over.
    /// A long-lived process looks again at the files that failed, rather than hashing the whole pack again.
    /// </summary>
    public IReadOnlyList<string> CheckFiles(IEnumerable<string> keys) => CheckFiles(keys, null);

    private List<string> CheckFiles(IEnumerable<string> keys, ICollection<string>? failed)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var problems = new List<string>();
        if (Manifest is null) return problems;
        foreach (string file in keys)
        {
            if (!Manifest.Files.TryGetValue(file, out string? hash)) continue;
            // Stryker disable once String : Open checked every key already (unless a caller edits Manifest.Files since), so its "where" is not shown
            var (id, name) = PackPaths.SplitFileKey(file, Path.Combine(Directory, "manifest.json"));
            string path = CasePath(id, name);
            string? problem = null;
            if (!File.Exists(path))
            {
                _hashed.TryRemove(file, out _);
                _corrupt.TryRemove(file, out _);
                _missing[file] = true;
                problem = $"{path}: listed in the manifest but missing";
            }
            else
            {
                _missing.TryRemove(file, out _);
                string actual = _hashed[file] = Manifest.Sha256(path);
                if (actual != hash)
                {
                    _corrupt[file] = true;
                    problem = $"{path}: sha256 differs from the manifest (corrupt or changed)";
                }
                else _corrupt.TryRemove(file, out _);
            }
            if (problem is null) continue;
            problems.Add(problem);
            failed?.Add(file);
        }
        return problems;
    }

    /// <summary>Reads a case's description.</summary>
    /// <exception cref="FixtureException">Missing, unlisted (in a pack with a manifest) or invalid case.json.</exception>
    /// <remarks>The case's id is its folder name, whatever case.json's <c>id</c> says, so renamed or hand-made cases still work.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
    public ConvCase ReadCase(string id) => ReadCase(id, null);

    /// <summary>As <see cref="ReadCase(string)"/>, reading an unknown fill as the normal fill with a line in <paramref name="warnings"/>.</summary>
    /// <exception cref="FixtureException">Missing, unlisted (in a pack with a manifest) or invalid case.json, or one whose
    /// bytes match neither the manifest's sha256 nor the one <see cref="CheckIntegrity()"/> found.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
    public ConvCase ReadCase(string id, ICollection<string>? warnings)
    {
        ArgumentNullException.ThrowIfNull(id);
        string path = ListedPath(id, "case.json");
        byte[] bytes = PackPaths.ReadWhole(path, "case.json", CaseFile.MaxBytes);
        var said = new List<string>();
        var c = CaseFile.Parse(path, bytes).ToCase(path, said);
        CheckHash(id, "case.json", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        foreach (string line in said) warnings?.Add(line);
        // An import's x, w and b are ONNX's values, whatever case.json's fill says (it says "normal" for dy's sake).
        var read = c with { Id = id, ForeignInputs = c.ForeignInputs || Imported };
        _given[id] = read;
        return read;
    }

    /// <summary>Reads a case's inputs and expected results; a result file the pack does not hold is absent from <see cref="PackCase{T}.Expected"/>.</summary>
    /// <exception cref="FixtureException">A missing input, a file the manifest does not list or that is not a regular file, or any
    /// file with the wrong dtype, shape or content, a NaN or infinite value among it; a <c>b.npy</c> or <c>db.npy</c> in a case
    /// without bias.</exception>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the case's element type (float for a float32
    /// or bfloat16 case, double for a float64 one).</exception>
    public PackCase<T> Read<T>(string id) where T : unmanaged, IFloatingPointIeee754<T> => ReadOf<T>(ReadCase(id));

    /// <summary>As <see cref="Read{T}(string)"/> for a case already read with <see cref="ReadCase(string)"/>, which callers need first to pick <typeparamref name="T"/>.</summary>
    /// <exception cref="FixtureException">A missing input, a file the manifest does not list or that is not a regular file, or any
    /// file with the wrong dtype, shape or content, a NaN or infinite value among it; a <c>b.npy</c> or <c>db.npy</c> in a case
    /// without bias; a file that reads well but whose bytes match neither the manifest's sha256 nor the one
    /// <see cref="CheckIntegrity()"/> found (changed since it was checked).</exception>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the case's element type.</exception>
    /// <exception cref="ArgumentException"><paramref name="c"/> is not the case its case.json describes (another problem, dtype,
    /// bias, fill or seed, or inputs of ConvVerify's fill where the pack's are imported, <see cref="ConvCase.ForeignInputs"/>):
    /// the pack's files are that case's.</exception>
    public PackCase<T> Read<T>(ConvCase c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(c);
        // Taken on the caller's word, a case edited after ReadCase came back with the pack's results labelled as its own
        // problem, and a bias dropped from it was blamed on case.json. The very object ReadCase last gave for the id (a
        // run's cases) is case.json's already, and is not read and hashed again.
        if (_given.TryGetValue(c.Id, out var given) && ReferenceEquals(given, c)) return ReadOf<T>(c);
        var onFile = ReadCase(c.Id, new List<string>());
        // ForeignInputs too: a case made anew (ConvCase.Create) for an imported pack's id would have had its ONNX data
        // judged by the probabilistic tier, which models ConvVerify's own fill.
        if (!c.Problem.Equals(onFile.Problem) || c.Fill != onFile.Fill || c.Seed != onFile.Seed || c.ForeignInputs != onFile.ForeignInputs)
            throw new ArgumentException(
                $"c: case {c.Id} is given as {Described(c)}, but its case.json describes {Described(onFile)}; the pack's files are that case's (read it with ReadCase)", nameof(c));
        return ReadOf<T>(c);
    }

    private static string Described(ConvCase c) =>
        $"{c.Problem} ({DTypes.ShortName(c.Problem.DType)}, {(c.Problem.HasBias ? "bias" : "no bias")}, {ConvCase.FillName(c.Fill)} fill, seed {c.Seed}"
        + $"{(c.ForeignInputs ? ", inputs not ConvVerify's fill" : "")})";

    private PackCase<T> ReadOf<T>(ConvCase c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (p, id) = (c.Problem, c.Id);
        if (!DTypes.Holds<T>(p.DType))
            throw new InvalidOperationException($"case {id} is {p.DType}, read as {typeof(T).Name}");
        T[] In(string name, int[] shape)
        {
            string path = ListedPath(id, name + ".npy");
            // Said in the case's terms: "file not found" alone left the reader to work out why a b was wanted.
            if (name == "b" && !Path.Exists(path) && new FileInfo(path).LinkTarget is null)
                throw new FixtureException($"{path}: file not found; case.json says \"bias\": true, so the case's inputs include b.npy");
            return ReadListed<T>(id, name + ".npy", p.DType, shape);
        }
        if (!p.HasBias) CheckNoBiasFiles(id);
        var inputs = new ConvInputs<T>(In("x", p.XShape), In("w", p.WShape), p.HasBias ? In("b", p.BShape) : [], In("dy", p.YShape));
        var expected = new Dictionary<Direction, T[]>();
        foreach (var d in Directions.All)
        {
            if (d == Direction.BackwardBias && !p.HasBias) continue;
            string path = ListedPath(id, d.TensorName() + ".npy");
            if (Path.Exists(path)) expected[d] = ReadListed<T>(id, d.TensorName() + ".npy", p.DType, d.ShapeOf(p));
        }
        return new PackCase<T>(c, inputs, expected);
    }

    // A b.npy or db.npy in a case whose case.json says "bias": false contradicts the case's own description: either the
    // bias was dropped from case.json (and the pack's y holds it) or the file belongs to another case. Neither is read,
    // so it was passed over in silence and the case checked as whatever case.json says. It is refused like a key
    // case.json does not know, not warned about like a stray candidate file: the pack is the oracle, and one of its cases
    // that says two things cannot serve as one. A link counts as an entry even when it leads nowhere.
    private void CheckNoBiasFiles(string id)
    {
        foreach (string file in (ReadOnlySpan<string>)["b.npy", "db.npy"])
        {
            string path = CasePath(id, file);
            if (Path.Exists(path) || new FileInfo(path).LinkTarget is not null)
                throw new FixtureException($"{path}: case.json says \"bias\": false, but the case's folder holds {file}; a case without bias has neither b.npy nor db.npy: remove the file, or set \"bias\": true if the case has one");
        }
    }

    // Generated packs hold finite values only. A NaN or infinite input makes every bound of the elements it reaches NaN
    // or infinite, and a NaN expected value is matched by a NaN result: either would let a wrong candidate pass.
    // PackWriter.Add refuses them in the same words, so a pack its readers would refuse is never written.
    internal static T[] Finite<T>(string path, T[] values, int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = Array.FindIndex(values, v => !T.IsFinite(v));
        if (i < 0) return values;
        var index = new int[shape.Length];
        for (int d = shape.Length - 1, rest = i; d >= 0; d--)
        {
            index[d] = rest % shape[d];
            rest /= shape[d];
        }
        throw new FixtureException(string.Create(CultureInfo.InvariantCulture,
            $"{path}: element {i} [{string.Join(", ", index)}] is {values[i]}: a pack holds finite values only (a non-finite input or result makes its comparison bounds meaningless)"));
    }

    // A pack's file is compared with the manifest's sha256 as it is read, not only by CheckIntegrity: a process that keeps
    // a pack open (the NUnit fixture, for a whole test run) would otherwise use a file rewritten after the check as if it
    // had been checked. The bytes hashed are the bytes used, read once; the cost is one more sha256 of each file a run
    // reads (docs/benchmarks.md). What the file says is judged first: a file that does not read, or holds a NaN, is
    // refused for that, in its own words, whether or not its hash matches; only one that reads well is refused for its
    // hash. A file the integrity check found corrupt, and that is unchanged since, is read: that check reported it, and
    // `fixtures check` goes on to show which directions the corruption breaks.
    private T[] ReadListed<T>(string id, string file, DType dtype, int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string path = CasePath(id, file);
        var values = Finite(path, Npy.Read<T>(path, dtype, shape, out string read), shape);
        CheckHash(id, file, read);
        return values;
    }

    // The sha256 each listed file had when CheckIntegrity or CheckFiles last hashed it, by files key.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _hashed = new(StringComparer.Ordinal);

    // The files keys the last check of each found missing (FoundMissing).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _missing = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the last integrity check of this file (<see cref="CheckIntegrity()"/>, <see cref="CheckFiles(IEnumerable{string})"/>)
    /// found it missing, though the manifest lists it: that check reported it, so a run leaves out the direction it held
    /// rather than report it a second time as "not in pack" (<see cref="Runs.Plans.ReadCases(FixturePack, List{string}, List{Runs.RunRow}, IReadOnlyCollection{string}?, bool)"/>).
    /// </summary>
    /// <param name="id">The case id.</param>
    /// <param name="file">The file's name in the case folder, e.g. "dw.npy".</param>
    public bool FoundMissing(string id, string file) => _missing.ContainsKey($"{id}/{file}");

    // The files keys the last check of each found present but differing from the manifest's sha256 (FoundCorrupt).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _corrupt = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the last integrity check of this file (<see cref="CheckIntegrity()"/>, <see cref="CheckFiles(IEnumerable{string})"/>)
    /// found its bytes differing from the manifest's sha256: that check reported it, so a run that takes the pack as its
    /// oracle leaves out the direction it held rather than compare with it
    /// (<see cref="Runs.Plans.ReadCases(FixturePack, List{string}, List{Runs.RunRow}, IReadOnlyCollection{string}?, bool)"/>).
    /// </summary>
    /// <param name="id">The case id.</param>
    /// <param name="file">The file's name in the case folder, e.g. "dx.npy".</param>
    public bool FoundCorrupt(string id, string file) => _corrupt.ContainsKey($"{id}/{file}");

    // The case ReadCase last gave for each id, so that Read(case) knows it without reading case.json again.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ConvCase> _given = new(StringComparer.Ordinal);

    private void CheckHash(string id, string file, string actual)
    {
        string key = $"{id}/{file}";
        if (Manifest is null || !Manifest.Files.TryGetValue(key, out string? listed) || actual == listed) return;
        bool known = _hashed.TryGetValue(key, out string? seen);
        if (known && actual == seen) return;
        throw new FixtureException(known
            ? $"{CasePath(id, file)}: changed since the pack's integrity check hashed it (its sha256 now matches neither that check's nor the manifest's), found as its case read it; a file that changes under a run cannot serve as an oracle"
            : $"{CasePath(id, file)}: sha256 differs from the manifest (corrupt or changed), found as its case read it; a file that does not match its hash cannot serve as an oracle");
    }

    // The manifest's hashes are what make a pack's files trustworthy: one it does not list was never checked.
    private string ListedPath(string id, string file)
    {
        string path = CasePath(id, file);
        if (Manifest is not null && !Manifest.Files.ContainsKey($"{id}/{file}") && Path.Exists(path))
            throw new FixtureException(Unlisted(path, Path.Combine(Directory, "manifest.json")));
        return path;
    }

    /// <summary>The path of a file of a case, confined to the pack.</summary>
    /// <exception cref="FixtureException"><paramref name="id"/> or <paramref name="file"/> is not a plain name, or a link leads outside the pack.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="file"/> is null.</exception>
    public string CasePath(string id, string file)
    {
        // A null name was refused as 'name "" is empty', as if the caller had given an empty one.
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(file);
        return PackPaths.Inside(Directory, id, file);
    }
}
