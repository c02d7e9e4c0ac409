using System.Globalization;
using System.Text.RegularExpressions;
using ConvVerify.Cases;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using Onnx;

namespace ConvVerify.Fixtures;

/// <summary>One ONNX test data set that became a pack case.</summary>
/// <param name="Source">The data set's folder.</param>
/// <param name="CaseId">The case id (folder name in the pack).</param>
/// <param name="Descriptor">The problem as a benchdnn descriptor.</param>
public sealed record OnnxImported(string Source, string CaseId, string Descriptor);

/// <summary>Why an ONNX test folder or data set was left out, as the command sorts it.</summary>
public enum OnnxSkipKind
{
    /// <summary>
    /// A Conv test that could not be imported, or a file or folder that may hold one and could not be read (an
    /// unreadable model.onnx, a link not followed, a DIR without tests): the command warns, and a strict import fails.
    /// </summary>
    NotImported,

    /// <summary>A test whose model is not a single-node Conv: most of ONNX's data, left out as a matter of course.</summary>
    NotConv,

    /// <summary>A test folder reached a second time (given twice, or inside two DIRs given): imported the first time.</summary>
    Repeated,
}

/// <summary>One ONNX test folder or data set that was not imported.</summary>
/// <param name="Source">The folder, or the file that is at fault.</param>
/// <param name="Reason">Why, naming the offending file and value.</param>
/// <param name="Kind">Whether it is a Conv test (or may be one) that could not be imported, or left out as a matter of course.</param>
public sealed record OnnxSkipped(string Source, string Reason, OnnxSkipKind Kind = OnnxSkipKind.NotImported);

/// <summary>What <see cref="OnnxImport.Import"/> wrote and left out.</summary>
/// <param name="Manifest">The written pack's manifest.</param>
/// <param name="Imported">The imported data sets, in pack order.</param>
/// <param name="Skipped">The folders and data sets left out, with reasons.</param>
public sealed record OnnxImportResult(Manifest Manifest, IReadOnlyList<OnnxImported> Imported, IReadOnlyList<OnnxSkipped> Skipped);

/// <summary>
/// Turns ONNX's own conformance data (folders of <c>model.onnx</c> and <c>test_data_set_N/input_N.pb, output_N.pb</c>,
/// as in onnx/backend/test/data and Debian's libonnx-testdata) into a fixture pack: every single-node float32 <c>Conv</c>
/// model becomes one case per data set, with ONNX's x, w, b and expected y (docs/fixture-format.md, "Packs imported from ONNX").
/// </summary>
public static partial class OnnxImport
{
    /// <summary>The generator string recorded in the manifest.</summary>
    public const string Generator = "ConvVerify OnnxImport (x, w, b, y: ONNX test data; dy: ConvVerify.Cases.Inputs normal fill from the case seed; dx, dw, db: the manifest's oracle after '+', if any)";

    /// <summary>The manifest's oracle name for ONNX's expected outputs.</summary>
    public const string OracleName = "onnx";

    /// <summary>
    /// Imports every ONNX test folder in or below <paramref name="sources"/> into a new pack at <paramref name="output"/>.
    /// The pack is written to a temporary folder beside it and moved into place only when complete, so on any error
    /// <paramref name="output"/> is left as it was.
    /// </summary>
    /// <param name="sources">ONNX test folders, or folders holding them at any depth.</param>
    /// <param name="output">The pack folder to write.</param>
    /// <param name="oracle">Computes dL/dx, dL/dw and dL/db on the imported inputs; null leaves them out of the pack ("not in pack").</param>
    /// <param name="force">Replace an existing pack at <paramref name="output"/>.</param>
    /// <param name="strict">Write no pack when anything is <see cref="OnnxSkipKind.NotImported"/>.</param>
    /// <exception cref="FixtureException">A source folder is missing, nothing is importable (the message lists every skip), <paramref name="output"/>
    /// cannot be replaced, the oracle failed, or (<paramref name="strict"/>) a Conv test or a file could not be imported (the message lists them).</exception>
    public static OnnxImportResult Import(IReadOnlyList<string> sources, string output, IConvOracle? oracle = null, bool force = false, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(output);
        if (sources.Count == 0) throw new FixtureException("no ONNX test folder given");
        foreach (string s in sources)
            if (PackPaths.NotAFolder(s) is { } notAFolder) throw new FixtureException($"{s}: {notAFolder}");
        // The pack replaces what is at output whole: a source there or below it would be deleted, and an output inside a
        // source would be written while the source is walked. Links resolved: a link to a folder is that folder.
        string target = PackPaths.RealPath(output);
        foreach (string s in sources)
        {
            string source = PackPaths.RealPath(s);
            if (PackPaths.IsUnder(target, source))
                throw new FixtureException($"{output}: holds the ONNX test folder {s} the import reads; replacing it would delete it");
            if (PackPaths.IsUnder(source, target))
                throw new FixtureException($"{output}: inside the ONNX test folder {s} the import reads; write the pack elsewhere");
        }
        using var swap = AtomicFolder.Begin(output);
        PackWriter.CheckReplaceable(swap.Target, force);
        swap.CheckReplaceable();
        // Stryker disable once Boolean : the staging folder is new and empty, and force only matters for one that is not
        var writer = new PackWriter(swap.Staging, force: false, swappedInAs: swap.Target);
        var imported = new List<OnnxImported>();
        var skipped = new List<OnnxSkipped>();
        var opsets = new SortedSet<long>();
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var found = sources.SelectMany(s => TestFolders(s, target, skipped).Select(f => (Source: s, Folder: f))).ToList();
        var names = TestNames(found.Select(f => f.Folder));
        // The same folder reached twice (a DIR given twice, a DIR inside another given) is one test, imported once; two
        // folders are two tests, whatever their names.
        var reached = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (source, folder) in found)
        {
            string real = RealOrFull(folder);
            if (!reached.TryAdd(real, folder))
            {
                skipped.Add(new OnnxSkipped(folder, $"{folder}: the same test folder as {reached[real]} (given twice, or inside two DIRs given): imported once",
                    OnnxSkipKind.Repeated));
                continue;
            }
            var sets = ReadOrSkip(source, folder, names[folder], skipped);
            if (sets is null) continue;
            foreach (var set in sets)
            {
                if (set.Skip is { } why)
                {
                    skipped.Add(new OnnxSkipped(set.Source, why));
                    continue;
                }
                var c = set.Case!;
                // Names tell apart the tests that share a folder name, but a folder named as another's numbered data set
                // (test_conv.0 beside test_conv with two sets) can still make its id.
                if (seen.TryGetValue(c.Id, out string? first))
                {
                    skipped.Add(new OnnxSkipped(set.Source, $"{set.Source}: the same case id {c.Id} as {first}, another test: rename one of their folders to import both"));
                    continue;
                }
                var results = Results(c, set, oracle);
                // Finite inputs can still overflow (3e38 summed): the pack's readers would refuse the result, so it is
                // not written.
                if (NonFinite(results) is { } bad)
                {
                    skipped.Add(new OnnxSkipped(set.Source, $"{set.Source}: {bad}: a pack holds finite values only"));
                    continue;
                }
                seen[c.Id] = set.Source;
                writer.Add(c, set.Inputs!, results);
                imported.Add(new OnnxImported(set.Source, c.Id, c.Problem.ToString()));
                opsets.UnionWith(set.Opsets);
            }
        }
        if (imported.Count == 0)
            throw new FixtureException($"{string.Join(", ", sources)}: no importable single-node float32 Conv test ({skipped.Count} skipped)"
                + string.Concat(skipped.Select(s => "\n  " + PackPaths.Printable(s.Reason))));
        var notImported = skipped.Where(s => s.Kind == OnnxSkipKind.NotImported).ToList();
        if (strict && notImported.Count > 0)
            throw new FixtureException($"{string.Join(", ", sources)}: {Counted.Of(notImported.Count, "Conv test or file", "Conv tests or files")} could not be imported, "
                + "and a strict import writes no pack then" + string.Concat(notImported.Select(s => "\n  " + PackPaths.Printable(s.Reason))));
        var versions = new Dictionary<string, string> { ["onnx-opset"] = string.Join(", ", opsets) };
        if (oracle is not null)
            foreach (var (k, v) in oracle.Versions) versions[k] = v;
        var manifest = writer.Complete(Generator, oracle is null ? OracleName : $"{OracleName}+{oracle.Name}", versions);
        swap.Commit();
        return new OnnxImportResult(manifest, imported, skipped);
    }

    // The first non-finite result element, as "dw[3] is Infinity", or null.
    private static string? NonFinite(Dictionary<Direction, float[]> results)
    {
        foreach (var (d, v) in results)
        {
            int i = Array.FindIndex(v, e => !float.IsFinite(e));
            if (i >= 0) return string.Create(CultureInfo.InvariantCulture, $"{d.TensorName()}[{i}] is {v[i]}");
        }
        return null;
    }

    // y is ONNX's; the oracle, if any, adds the gradients on the same inputs.
    private static Dictionary<Direction, float[]> Results(ConvCase c, DataSet set, IConvOracle? oracle)
    {
        var results = new Dictionary<Direction, float[]> { [Direction.Forward] = set.Y! };
        if (oracle is null) return results;
        var wanted = Directions.For(c.Problem).Where(d => d != Direction.Forward && oracle.Provides(c.Problem, d, out _)).ToList();
        try
        {
            foreach (var (d, v) in oracle.Compute(c.Problem, set.Inputs!, wanted)) results[d] = v;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new FixtureException($"{set.Source}: oracle {oracle.Name} failed on {c.Problem}: {e.Plain()}", e);
        }
        return results;
    }

    // A folder with model.onnx is a test; otherwise every folder below it that has one, in ordinal order.
    private static IEnumerable<string> TestFolders(string source, string output, List<OnnxSkipped> skipped)
    {
        if (HasModel(source)) return [source];
        var below = FoldersBelow(source, skipped);
        string root = PackPaths.RealPath(source);
        foreach (string folder in below.Prepend(source))
            LinksOut(source, root, folder, output, skipped);
        var found = below.Where(HasModel).Order(StringComparer.Ordinal).ToList();
        if (found.Count == 0) skipped.Add(new OnnxSkipped(source, $"{source}: no model.onnx in it or below it: not an ONNX test folder"));
        return found;
    }

    // Every folder below source, one level at a time. Links to folders are not followed: two links to a parent would make
    // the walk exponential. One that stays inside the source leads to a folder the walk reaches by its own path; one that
    // leads out of it is said (LinksOut).
    private static List<string> FoldersBelow(string source, List<OnnxSkipped> skipped)
    {
        var below = new List<string>();
        var pending = new Stack<string>([source]);
        var options = new EnumerationOptions { AttributesToSkip = FileAttributes.ReparsePoint };
        while (pending.TryPop(out string? folder))
        {
            // Stryker disable once String : .NET reads an empty search pattern as "*" (tried: the folders below are found all the same)
            var inners = Directory.EnumerateDirectories(folder, "*", options);
            foreach (string inner in inners)
            {
                // .NET reads a name's bytes that are not UTF-8 as U+FFFD and cannot open the folder by the name it made:
                // walked into, one such empty folder anywhere below failed the whole import with "Could not find a part of
                // the path" of a folder that exists. No test of ONNX's is named so; a real U+FFFD in a name is refused
                // alike, as on the command line (the two cannot be told apart).
                if (Path.GetFileName(inner).Contains('\uFFFD', StringComparison.Ordinal))
                {
                    skipped.Add(new OnnxSkipped(inner, $"{PackPaths.Printable(inner).Replace("\uFFFD", "\\ufffd", StringComparison.Ordinal)}: "
                        + "the folder's name is not UTF-8 (.NET reads such bytes as U+FFFD, shown as \\ufffd, and cannot open the folder by that name): not read"));
                    continue;
                }
                below.Add(inner);
                pending.Push(inner);
            }
        }
        return below;
    }

    // A model.onnx that is a link leading nowhere or in a loop still makes a test folder: one skipped, naming the link,
    // rather than no test at all. So does a folder named model.onnx, which the reader says is one: taken for no model,
    // it made "no model.onnx in it or below it" of a folder that visibly held one.
    private static bool HasModel(string folder)
    {
        string model = Path.Combine(folder, "model.onnx");
        return Path.Exists(model) || new FileInfo(model).LinkTarget is not null;
    }

    // The links to folders in folder that lead outside the source the user named (or loop), each a skip naming it: walked,
    // they would read what the user did not name (the pack being written, too); passed over in silence, a folder of links
    // to tests elsewhere said only "no model.onnx in it or below it".
    private static void LinksOut(string source, string root, string folder, string output, List<OnnxSkipped> skipped)
    {
        bool test = HasModel(folder);
        foreach (var link in new DirectoryInfo(folder).EnumerateDirectories().Where(d => d.LinkTarget is not null).OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            // A test's data-set folders are the test's reading to judge (Read), and said there once.
            if (test && DataSetName().IsMatch(link.Name)) continue;
            string path = Path.Combine(folder, link.Name), real;
            try
            {
                real = PackPaths.RealPath(path);
            }
            catch (FixtureException e)
            {
                skipped.Add(new OnnxSkipped(path, e.Message));
                continue;
            }
            if (PackPaths.IsUnder(root, real)) continue;
            string what = PackPaths.IsUnder(output, real) ? " (into the pack being written): not followed"
                : ": not followed; give the folder it leads to as a DIR to import what it holds";
            skipped.Add(new OnnxSkipped(path, $"{PackPaths.Printable(path)}: a symbolic link to {PackPaths.Printable(real)}, outside {PackPaths.Printable(source)}{what}"));
        }
    }

    // A test's file or data-set folder is read through a symbolic link only when the link resolves inside the source the
    // user named, the rule of packs (PackPaths): otherwise the import would read what the user did not name, the pack
    // it is writing among it. A loop of links is a skip too, not a hang.
    private static void Confined(string source, string path)
    {
        try
        {
            PackPaths.CheckLink(source, path);
        }
        catch (FixtureException e)
        {
            throw new OnnxSkipException(e.Message);
        }
    }

    private sealed record DataSet(string Source, ConvCase? Case, ConvInputs<float>? Inputs, float[]? Y, long[] Opsets, string? Skip);

    // Up to 9 digits, so the number always parses (a longer one is no data set of ONNX's and is not read).
    [GeneratedRegex(@"^test_data_set_(\d{1,9})$")]
    private static partial Regex DataSetName();

    [GeneratedRegex(@"^input_(\d{1,9})\.pb$")]
    private static partial Regex InputName();

    [GeneratedRegex(@"^output_(\d{1,9})\.pb$")]
    private static partial Regex OutputName();

    // A result, not an assignment inside try: a mutation testing tool's removed `continue` after the catch would read
    // the sets unassigned, which does not compile, and it then drops every mutant of Import (docs/mutation-testing.md).
    private static List<DataSet>? ReadOrSkip(string source, string folder, string name, List<OnnxSkipped> skipped)
    {
        try
        {
            return Read(source, folder, name);
        }
        catch (OnnxSkipException e)
        {
            skipped.Add(new OnnxSkipped(folder, e.Message, e.NotConv ? OnnxSkipKind.NotConv : OnnxSkipKind.NotImported));
            return null;
        }
    }

    // The folder's real path, or its full path where it has none (a loop of links, said when it is read).
    private static string RealOrFull(string folder)
    {
        try
        {
            return PackPaths.RealPath(folder);
        }
        catch (FixtureException)
        {
            return Path.GetFullPath(folder);
        }
    }

    /// <summary>
    /// The case name of each test folder: its own name, or, where folders of other tests have that name too, the last
    /// parts of its path as far as they tell those tests apart, joined by '/' (<c>opset11/test_conv</c> and
    /// <c>opset13/test_conv</c>). Named by the folder's name alone, two such tests of the same problem made one case id,
    /// and the second was left out as "a folder given twice". Paths are read in full, so <c>.</c> or a trailing separator
    /// is named after the folder it is.
    /// </summary>
    internal static Dictionary<string, string> TestNames(IEnumerable<string> folders)
    {
        var tests = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string folder in folders) tests.TryAdd(RealOrFull(folder), folder);
        var full = tests.Values.ToDictionary(f => f, f => Path.TrimEndingDirectorySeparator(Path.GetFullPath(f)), StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in full.GroupBy(f => Path.GetFileName(f.Value), StringComparer.Ordinal))
        {
            var parts = group.ToDictionary(f => f.Key, f => f.Value.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
            // Distinct real paths have distinct full paths, so the whole path, the longest tail, always tells them apart.
            int k = 1;
            while (group.Select(f => Tail(f.Value, parts[f.Key], k)).Distinct(StringComparer.Ordinal).Count() < group.Count()) k++;
            foreach (var f in group) names[f.Key] = Tail(f.Value, parts[f.Key], k);
        }
        // A folder reached again by another path is named as it was first: it is left out as the same test.
        foreach (string folder in folders) names.TryAdd(folder, names[tests[RealOrFull(folder)]]);
        return names;
    }

    private static string Tail(string full, string[] parts, int k) => k >= parts.Length ? full : string.Join('/', parts[^k..]);

    // The model's problems are decided per data set: the shapes come from the data.
    private static List<DataSet> Read(string source, string folder, string baseName)
    {
        string modelPath = Path.Combine(folder, "model.onnx");
        Confined(source, modelPath);
        var model = OnnxConvModel.From(OnnxTensors.ReadModel(modelPath), modelPath);
        long[] opsets = DefaultOpset(model.Model, modelPath);
        var graph = model.Model.Graph;
        // Each test input feeds the graph input of its position: a name listed twice would have its value taken from
        // whichever file comes last.
        if (graph.Input.GroupBy(i => i.Name).FirstOrDefault(g => g.Count() > 1) is { } input)
            throw new OnnxSkipException($"{modelPath}: {input.Count()} graph inputs are named '{input.Key}'");
        var initializers = new Dictionary<string, TensorProto>();
        foreach (var t in graph.Initializer)
            if (!initializers.TryAdd(t.Name, t)) throw new OnnxSkipException($"{modelPath}: two initializers are named '{t.Name}'");
        // Test inputs feed the graph inputs that are not initializers, in order (IR < 4 lists initializers as inputs too).
        var feeds = graph.Input.Select(i => i.Name).Where(n => !initializers.ContainsKey(n)).ToList();
        // ONNX's runner pairs output_N.pb with the graph's outputs in order, so the Conv's expected y is the file of its
        // output's place there. output_0.pb was taken as y whatever the graph said: with outputs (x, y), x's values were
        // the expected y, the correct engine failed and a candidate copying x into y passed.
        var outputs = graph.Output.Select(o => o.Name).ToList();
        if (outputs.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } output)
            throw new OnnxSkipException($"{modelPath}: {output.Count()} graph outputs are named '{output.Key}'");
        int yIndex = outputs.IndexOf(model.Y);
        if (yIndex < 0)
            throw new OnnxSkipException($"{modelPath}: the Conv's output '{model.Y}' is not a graph output "
                + (outputs.Count == 0 ? "(the graph lists none)" : $"(the graph's are {string.Join(", ", outputs)})")
                + ": no output_N.pb holds its expected value");
        var sets = Directory.GetDirectories(folder)
            .Select(d => (Dir: d, Match: DataSetName().Match(Path.GetFileName(d))))
            .Where(s => s.Match.Success)
            .OrderBy(s => long.Parse(s.Match.Groups[1].Value, CultureInfo.InvariantCulture))
            .Select(s => s.Dir).ToList();
        if (sets.Count == 0) throw new OnnxSkipException($"{folder}: no test_data_set_N folder");
        var result = new List<DataSet>();
        for (int k = 0; k < sets.Count; k++)
        {
            string name = sets.Count == 1 ? baseName : $"{baseName}.{Path.GetFileName(sets[k])["test_data_set_".Length..]}";
            try
            {
                Confined(source, sets[k]);
                result.Add(ReadSet(source, sets[k], model, feeds, initializers, outputs, yIndex, name, opsets));
            }
            catch (OnnxSkipException e)
            {
                result.Add(new DataSet(sets[k], null, null, null, opsets, e.Message));
            }
        }
        return result;
    }

    // The model's opset of the default domain, as the manifest's "onnx-opset" records it. ONNX (onnx.proto, ModelProto)
    // requires a model to list which version of the ONNX operator set it imports, under "" or its other name "ai.onnx";
    // IR versions before 3 had no opset_import, and ONNX's checker takes such a model's operators as opset 1.
    private static long[] DefaultOpset(ModelProto model, string modelPath)
    {
        var listed = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").ToList();
        // ONNX numbers its opsets from 1; a version below that was copied into the manifest's "onnx-opset" as it was
        // (-9223372036854775808 stood there beside the real ones), describing data of an opset that does not exist.
        if (listed.FirstOrDefault(o => o.Version < 1) is { } bad)
            throw new OnnxSkipException(string.Create(CultureInfo.InvariantCulture, $"{modelPath}: opset_import gives the default domain version {bad.Version} (ONNX opset versions must be >= 1)"));
        // Two versions of one domain name no one operator set (ONNX's checker and ONNX Runtime each keep the last they
        // read): both went into "onnx-opset", as if the pack held data of two opsets. The same version twice is one.
        if (listed.Select(o => o.Version).Distinct().Count() > 1)
            throw new OnnxSkipException($"{modelPath}: opset_import lists the default domain more than once, as "
                + string.Join(" and ", listed.Select(o => string.Create(CultureInfo.InvariantCulture, $"\"{o.Domain}\" version {o.Version}")))
                + ": which opset the model uses is not defined");
        if (listed.Count > 0) return [listed[0].Version];
        // None listed added nothing to "onnx-opset", so a pack of only such models named no opset at all.
        if (model.IrVersion < 3) return [1];
        throw new OnnxSkipException(string.Create(CultureInfo.InvariantCulture,
            $"{modelPath}: opset_import lists no version of the default domain (\"\" or \"ai.onnx\"), which ONNX requires from IR version 3 (the model's is {model.IrVersion}): its opset is unknown"));
    }

    // The data set's input_N.pb or output_N.pb files in order of N. Every entry, not only files: a folder named
    // input_0.pb was passed over, and the data set was said to lack input 0 ("input number 1 where input_0.pb was
    // expected"); read, it is refused as the folder it is.
    private static List<string> Numbered(string dir, Regex pattern, string kind)
    {
        var numbered = Directory.GetFileSystemEntries(dir)
            .Select(f => (File: f, Match: pattern.Match(Path.GetFileName(f))))
            .Where(i => i.Match.Success)
            .Select(i => (i.File, Number: long.Parse(i.Match.Groups[1].Value, CultureInfo.InvariantCulture)))
            .OrderBy(i => i.Number).ThenBy(i => i.File, StringComparer.Ordinal).ToList();
        // ONNX's runner reads input_0.pb to input_{n-1}.pb (and output_N.pb alike): with a gap (input_0, input_2) or a
        // number written twice (input_0, input_00) the files were fed by their order, W from whichever came second.
        for (int i = 0; i < numbered.Count; i++)
            if (numbered[i].Number != i)
                throw new OnnxSkipException(string.Create(CultureInfo.InvariantCulture,
                    $"{numbered[i].File}: {kind} number {numbered[i].Number} where {kind}_{i}.pb was expected (test {kind}s are numbered 0, 1, 2, ... without gaps or repeats)"));
        return [.. numbered.Select(i => i.File)];
    }

    private static DataSet ReadSet(string source, string dir, OnnxConvModel model, List<string> feeds, Dictionary<string, TensorProto> initializers,
        List<string> outputs, int yIndex, string name, long[] opsets)
    {
        var inputs = Numbered(dir, InputName(), "input");
        if (inputs.Count != feeds.Count)
            throw new OnnxSkipException($"{dir}: {inputs.Count} input_N.pb files, the model has {feeds.Count} inputs besides its initializers ({string.Join(", ", feeds)})");
        var expected = Numbered(dir, OutputName(), "output");
        string outputPath = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"output_{yIndex}.pb"));
        foreach (string file in inputs.Append(outputPath)) Confined(source, file);
        // A folder of that name is left to the reader, which says it is one ("missing" sent the user looking for a file).
        if (!Path.Exists(outputPath)) throw new OnnxSkipException($"{outputPath}: missing (the Conv's output '{model.Y}' is graph output {yIndex})");
        // ONNX's runner compares as many outputs as there are files with those the model gives, and fails on a count that
        // differs: an output_1.pb beside a graph of one output was passed over in silence.
        if (expected.Count != outputs.Count)
            throw new OnnxSkipException($"{dir}: {Counted.Of(expected.Count, "output_N.pb file")}, the model has {Counted.Of(outputs.Count, "output")} ({string.Join(", ", outputs)})");
        var values = new Dictionary<string, (TensorProto Tensor, string Where)>();
        foreach (var (n, t) in initializers) values[n] = (t, $"{Path.Combine(Path.GetDirectoryName(dir)!, "model.onnx")} initializer '{n}'");
        for (int i = 0; i < inputs.Count; i++) values[feeds[i]] = (OnnxTensors.ReadTensor(inputs[i]), inputs[i]);

        (TensorProto Tensor, string Where) Value(string role, string tensorName) =>
            values.TryGetValue(tensorName, out var v) ? v
                : throw new OnnxSkipException($"{dir}: Conv input {role} ('{tensorName}') is neither an initializer nor a test input");
        var x = Value("X", model.X);
        var w = Value("W", model.W);
        (TensorProto Tensor, string Where)? b = model.B is null ? null : Value("B", model.B);
        var problem = model.Problem(OnnxTensors.Shape(x.Tensor, x.Where), x.Where, OnnxTensors.Shape(w.Tensor, w.Where), w.Where, b is not null, name,
            Path.Combine(Path.GetDirectoryName(dir)!, "model.onnx"));
        if (b is { } bias && !OnnxTensors.Shape(bias.Tensor, bias.Where).SequenceEqual(problem.BShape))
            throw new OnnxSkipException($"{bias.Where}: B has shape {ConvProblem.FormatTuple(OnnxTensors.Shape(bias.Tensor, bias.Where))}, expected {ConvProblem.FormatTuple(problem.BShape)}");
        var yTensor = OnnxTensors.ReadTensor(outputPath);
        int[] yShape = OnnxTensors.Shape(yTensor, outputPath);
        if (!yShape.SequenceEqual(problem.YShape))
            throw new OnnxSkipException($"{outputPath}: shape {ConvProblem.FormatTuple(yShape)}, the Conv of {problem} gives {ConvProblem.FormatTuple(problem.YShape)}");
        var c = ConvCase.Create(problem, Fill.Normal);
        // The data first: shapes cost nothing to claim, so nothing is generated at their size before the values are there.
        float[] xs = Finite(x.Tensor, x.Where), ws = Finite(w.Tensor, w.Where), bs = b is { } bb ? Finite(bb.Tensor, bb.Where) : [], ys = Finite(yTensor, outputPath);
        // ONNX tests have no dL/dy; a deterministic one from the case's seed lets oracles and subjects compute the gradients.
        var dy = Inputs.Generate<float>(problem, Fill.Normal, c.Seed).Dy;
        return new DataSet(dir, c, new ConvInputs<float>(xs, ws, bs, dy), ys, opsets, null);
    }

    // Pack readers refuse a NaN or infinite value (its comparison bounds would mean nothing), so such data is not imported.
    private static float[] Finite(TensorProto tensor, string where)
    {
        float[] values = OnnxTensors.Floats(tensor, where);
        int i = Array.FindIndex(values, v => !float.IsFinite(v));
        return i < 0 ? values
            : throw new OnnxSkipException(string.Create(CultureInfo.InvariantCulture, $"{where}: element {i} is {values[i]}: a pack holds finite values only"));
    }
}
