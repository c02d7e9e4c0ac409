using System.Globalization;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Problems;

namespace ConvVerify.Fixtures;

/// <summary>
/// Writes a fixture pack. The manifest is written last, by <see cref="Complete(string, string, IReadOnlyDictionary{string, string}, Manifest?)"/>, so an interrupted run never leaves
/// a folder that looks like a complete pack.
/// </summary>
public sealed class PackWriter
{
    private readonly string _dir;
    private readonly string? _target;
    private readonly List<string> _cases = [];
    // The added ids, compared as folders are where names ignore case: TryGetValue gives the one added as written.
    private readonly HashSet<string> _folders = new(StringComparer.OrdinalIgnoreCase);
    private readonly SortedDictionary<string, string> _files = new(StringComparer.Ordinal);

    /// <summary>Prepares <paramref name="directory"/> for a new pack.</summary>
    /// <param name="directory">The folder written.</param>
    /// <param name="force">Replace the contents of a non-empty folder (a pack only, see <see cref="CheckReplaceable"/>).</param>
    /// <param name="swappedInAs">When <paramref name="directory"/> is a staging folder (<see cref="AtomicFolder"/>), the
    /// folder it replaces when complete: a write that fails (a full disk) is then said of that folder, the user's, and not
    /// only of a staging file the user never made and that is gone after the run.</param>
    /// <exception cref="FixtureException">The folder is not empty and <paramref name="force"/> is false.</exception>
    public PackWriter(string directory, bool force, string? swappedInAs = null)
    {
        // CheckReplaceable refuses a null directory, by this name, before anything is touched.
        _dir = directory;
        _target = swappedInAs;
        if (CheckReplaceable(directory, force))
        {
            foreach (string sub in Directory.GetDirectories(directory)) Directory.Delete(sub, recursive: true);
            foreach (string file in Directory.GetFiles(directory)) File.Delete(file);
        }
        Directory.CreateDirectory(directory);
    }

    /// <summary>
    /// Whether <paramref name="directory"/> holds something a new pack would replace: false when it is absent or empty,
    /// true when it is a pack and <paramref name="force"/> is given.
    /// </summary>
    /// <exception cref="FixtureException">It is a file; it holds anything but a pack (a file or folder at its top that is
    /// neither manifest.json nor a case folder, an entry in a case folder that is not a regular file named as a case file,
    /// a link leading outside it), whether or not <paramref name="force"/> is given; or it is a pack and
    /// <paramref name="force"/> is false.</exception>
    public static bool CheckReplaceable(string directory, bool force)
    {
        ArgumentNullException.ThrowIfNull(directory);
        // A named pipe or a device given for the folder was called "a file", and the user looked for a file that was not there.
        if (File.Exists(directory)) throw new FixtureException($"{PackPaths.Printable(directory)}: is {PackPaths.KindOf(directory)}, not a pack folder");
        if (!Directory.Exists(directory) || !Directory.EnumerateFileSystemEntries(directory).Any()) return false;
        // What --force would refuse is said first: "pass --force to replace its contents" of a folder that is no pack sent
        // the user to a --force that then refused to delete it.
        PackPaths.CheckTwoLevels(directory);
        // --force replaces a pack, never anything else: only a folder of case folders (and a manifest) is cleared.
        string[] folders = Directory.GetDirectories(directory);
        var strays = Directory.GetFiles(directory).Where(f => Path.GetFileName(f) != "manifest.json")
            .Concat(folders.Where(d => !File.Exists(Path.Combine(d, "case.json")))).ToList();
        if (strays.Count > 0)
            throw new FixtureException($"{PackPaths.Printable(directory)}: not a fixture pack ({Counted.Of(strays.Count, "entry", "entries")} {(strays.Count == 1 ? "is neither a case folder" : "are neither case folders")} nor manifest.json, e.g. "
                + $"{PackPaths.Printable(strays[0])}); refusing to delete it even with --force");
        // A case folder holds the files a writer makes there: a folder inside one (someone's notes or data kept beside a
        // case) was deleted with the pack, unseen, and so was a file of another name (notes.txt), while the same file at
        // the pack's top was refused; a named pipe or a device there is nothing a writer made either.
        foreach (string entry in folders.Order(StringComparer.Ordinal).SelectMany(d => Directory.EnumerateFileSystemEntries(d).Order(StringComparer.Ordinal)))
        {
            if (FileKinds.Of(entry) != FileKind.Regular)
                throw new FixtureException($"{PackPaths.Printable(entry)}: {PackPaths.KindOf(entry)} in a case folder, where a pack holds regular files only; "
                    + "refusing to delete it even with --force");
            if (!FixturePack.CaseFileNames.Contains(Path.GetFileName(entry)))
                throw new FixtureException($"{PackPaths.Printable(entry)}: not a case file (a pack's case folder holds {FixturePack.ExpectedCaseFiles}), so not the pack's to replace; "
                    + "refusing to delete it even with --force");
        }
        if (!force) throw new FixtureException($"{PackPaths.Printable(directory)}: holds a fixture pack; pass --force to replace it");
        return true;
    }

    /// <summary>Adds one case with its inputs and all of the oracle's results.</summary>
    public void Add<T>(ConvCase c, ConvInputs<T> inputs, ConvResults<T> results) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(results);
        Add(c, inputs, results.ToDictionary(c.Problem));
    }

    /// <summary>Adds one case with its inputs and those results the oracle gave; a direction left out is "not in pack" to readers.</summary>
    /// <remarks>An Add that throws leaves the writer, and the pack's folder, as they were before it: the case is not in
    /// the pack, and other cases may still be added.</remarks>
    /// <exception cref="FixtureException">The case id is not a plain name, is manifest.json (in any letter case), or differs from
    /// an added case's only in letter case; an input or result holds a NaN or infinite value; a write fails.</exception>
    /// <exception cref="ArgumentException">The case was added already; a tensor does not fill its shape; the problem has no
    /// bias but a b or db is given.</exception>
    public void Add<T>(ConvCase c, ConvInputs<T> inputs, IReadOnlyDictionary<Direction, T[]> results) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(results);
        // Case ids become folder names: one that is not a plain name would write outside the pack.
        PackPaths.CheckName(c.Id, $"{_dir}: case id");
        // A case folder named manifest.json takes the manifest's place, and Complete then failed to write it; where names
        // ignore case a Manifest.json is that place too.
        if (string.Equals(c.Id, "manifest.json", StringComparison.OrdinalIgnoreCase))
            throw new FixtureException($"{_dir}: case id \"{PackPaths.Printable(c.Id)}\" is the name of the pack's manifest: a case folder cannot take its place");
        string caseDir = Path.Combine(_dir, c.Id);
        _folders.TryGetValue(c.Id, out string? other);
        if (other == c.Id) throw new ArgumentException($"case {c.Id} added twice", nameof(c));
        // Such ids share one folder where names ignore case (macOS, Windows), and FixturePack.Open refuses the pack for them.
        if (other is not null)
            throw new FixtureException($"{_dir}: case ids \"{PackPaths.Printable(other)}\" and \"{PackPaths.Printable(c.Id)}\" differ only in letter case (one folder where names ignore case)");
        var tensors = Tensors(c, inputs, results);
        // Everything the pack's readers would refuse is refused before a file is written.
        foreach (var (name, shape, data) in tensors)
        {
            string path = Path.Combine(_target ?? _dir, c.Id, name + ".npy");
            long count = shape.Aggregate(1L, (a, b) => a * b);
            if (count != data.Length)
                throw new ArgumentException($"{PackPaths.Printable(path)}: {data.Length} values do not fill shape {ConvProblem.FormatTuple(shape)}", name is "x" or "w" or "b" or "dy" ? nameof(inputs) : nameof(results));
            FixturePack.Finite(PackPaths.Printable(path), data, shape);
        }
        // A write that fails part way (a full disk, a value a narrow dtype cannot hold) is undone: the files of a case not
        // in "cases" made the pack one that FixturePack.Open refuses.
        bool existed = Path.Exists(caseDir) || new FileInfo(caseDir).LinkTarget is not null;
        try
        {
            Writing(() => Write(c, tensors, caseDir));
        }
        catch
        {
            Undo(c.Id, caseDir, existed);
            throw;
        }
        _cases.Add(c.Id);
        _folders.Add(c.Id);
    }

    // The files of a case, inputs then results, each with its shape. A problem without bias has no b or db: one given was
    // dropped in silence, and whoever made it believed it in the pack.
    private static List<(string Name, int[] Shape, T[] Data)> Tensors<T>(ConvCase c, ConvInputs<T> inputs, IReadOnlyDictionary<Direction, T[]> results)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var p = c.Problem;
        if (!p.HasBias && inputs.B.Length > 0)
            throw new ArgumentException($"case {c.Id}: b holds {Counted.Of(inputs.B.Length, "value", "values")}, but the problem {p} has no bias: a case without bias has no b", nameof(inputs));
        if (!p.HasBias && results.ContainsKey(Direction.BackwardBias))
            throw new ArgumentException($"case {c.Id}: a db result is given, but the problem {p} has no bias: a case without bias has no db", nameof(results));
        var tensors = new List<(string, int[], T[])> { ("x", p.XShape, inputs.X), ("w", p.WShape, inputs.W) };
        if (p.HasBias) tensors.Add(("b", p.BShape, inputs.B));
        tensors.Add(("dy", p.YShape, inputs.Dy));
        foreach (var d in Directions.For(p))
            if (results.TryGetValue(d, out var r)) tensors.Add((d.TensorName(), d.ShapeOf(p), r ?? throw new ArgumentException($"case {c.Id}: the {d.TensorName()} result is null", nameof(results))));
        return tensors;
    }

    private void Write<T>(ConvCase c, List<(string Name, int[] Shape, T[] Data)> tensors, string caseDir) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Directory.CreateDirectory(caseDir);
        var caseFile = CaseFile.From(c);
        caseFile.Write(Path.Combine(caseDir, "case.json"));
        Track(c.Id, "case.json");
        foreach (var (name, shape, data) in tensors)
        {
            Npy.Write(Path.Combine(caseDir, name + ".npy"), shape, data, c.Problem.DType);
            Track(c.Id, name + ".npy");
        }
    }

    // Forgets the files of a case whose Add failed and removes what it wrote. The removal is best effort: the exception
    // that made the Add fail is the one the caller needs, not one from cleaning up after it.
    private void Undo(string id, string caseDir, bool existed)
    {
        var keys = _files.Keys.Where(k => k.StartsWith(id + "/", StringComparison.Ordinal)).ToList();
        foreach (string key in keys) _files.Remove(key);
        try
        {
            if (!existed && Directory.Exists(caseDir)) Directory.Delete(caseDir, recursive: true);
            else if (existed) foreach (string key in keys) File.Delete(Path.Combine(_dir, key));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    // A write into a staging folder that fails is said of the folder it was to replace, which is left as it was.
    private void Writing(Action write)
    {
        if (_target is null)
        {
            write();
            return;
        }
        try
        {
            write();
        }
        catch (Exception e) when ((e is IOException && e is not FixtureException) || e is UnauthorizedAccessException)
        {
            throw new FixtureException($"{PackPaths.Printable(_target)}: its new pack, written in {PackPaths.Printable(_dir)} to be swapped in when complete, "
                + $"could not be written (the folder is left as it was): {e.Message}", e);
        }
    }

    /// <summary>Writes manifest.json, which marks the pack complete.</summary>
    /// <param name="generator">What produced the pack.</param>
    /// <param name="oracle">The name of the oracle whose results the pack holds.</param>
    /// <param name="versions">That oracle's versions.</param>
    public Manifest Complete(string generator, string oracle, IReadOnlyDictionary<string, string> versions) => Complete(generator, oracle, versions, previous: null);

    /// <summary>
    /// As <see cref="Complete(string, string, IReadOnlyDictionary{string, string})"/>; when <paramref name="previous"/> (the
    /// manifest of the pack this one replaces) says the same in everything but its time, its <c>created</c> is kept, so
    /// that a rewrite that changed nothing leaves the manifest as it was.
    /// </summary>
    /// <param name="generator">What produced the pack.</param>
    /// <param name="oracle">The name of the oracle whose results the pack holds.</param>
    /// <param name="versions">That oracle's versions.</param>
    /// <param name="previous">The replaced pack's manifest, or null.</param>
    public Manifest Complete(string generator, string oracle, IReadOnlyDictionary<string, string> versions, Manifest? previous)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var manifest = new Manifest
        {
            Format = Manifest.CurrentFormat,
            Generator = generator,
            Oracle = oracle,
            Versions = new SortedDictionary<string, string>(versions.ToDictionary(), StringComparer.Ordinal),
            Created = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            Cases = [.. _cases],
            Files = _files,
        };
        // Every regenerate made a new "created" in every manifest, and the committed packs changed though no result had.
        if (previous is not null && previous.Format == manifest.Format && previous.Generator == manifest.Generator && previous.Oracle == manifest.Oracle
            && previous.Versions.SequenceEqual(manifest.Versions) && previous.Cases.SequenceEqual(manifest.Cases, StringComparer.Ordinal)
            && previous.Files.SequenceEqual(manifest.Files))
            manifest = manifest with { Created = previous.Created };
        Writing(() => manifest.Write(Path.Combine(_dir, "manifest.json")));
        return manifest;
    }

    private void Track(string id, string file) => _files[$"{id}/{file}"] = Manifest.Sha256(Path.Combine(_dir, id, file));
}
