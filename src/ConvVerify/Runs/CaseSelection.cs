using ConvVerify.Cases;
using ConvVerify.Catalog;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Runs;

/// <summary>
/// The one case selection: problems from a named set, a benchdnn batch file or descriptors, in the requested dtypes and
/// fills; as generated cases, or looked up among the cases of packs.
/// </summary>
/// <param name="Source">Where the problems came from, for messages.</param>
/// <param name="Problems">The problems, in order.</param>
/// <param name="DTypes">The dtypes.</param>
/// <param name="Fills">The fills.</param>
/// <param name="Named">Whether the problems were named (a batch file or descriptors) rather than a whole set.</param>
/// <remarks>
/// A benchdnn batch file may fix a problem's dtype (<c>--dt=</c>) and the directions checked (<c>--dir=</c>); its entries under
/// the same problem, bias and dtype are merged into one case checking the union of their directions. Problems beyond
/// <c>--max-macs</c> or a .NET array are skipped, each with its size and the limit, and listed in <see cref="Listing"/>.
/// Where the naive engine computes, the definition's loop visits (<see cref="ConvProblem.NaiveLoopVisits"/>) are held
/// to <c>--max-macs</c> too: its dL/dx visits every input position against every kernel tap, far more than the
/// multiply-adds when the kernel is wide and the output narrow. So are they where the exact engine hands dL/dx to
/// those loops (a tap plan past <c>ExactConv.MaxPlanTerms</c>), whichever engine the run names. Problems beyond this
/// machine's memory are skipped too (<see cref="CaseBytes"/>; where live torch computes, <see cref="TorchCaseBytes"/>).
/// </remarks>
public sealed record CaseSelection(string Source, IReadOnlyList<ConvProblem> Problems, IReadOnlyList<DType> DTypes, IReadOnlyList<Fill> Fills, bool Named)
{
    /// <summary>
    /// No dtype was named: a pack's cases are then taken in whatever dtype they are (a float16 pack included), while
    /// generated cases take <see cref="DTypes"/>, the default ones.
    /// </summary>
    public bool AnyDType { get; init; }

    /// <summary>
    /// The default of <c>--max-macs</c>: multiply-adds of one direction, sized so that one case (every direction, the exact
    /// engine and torch, the bound of the normal fill) takes under a minute on a 2-core machine. Measured
    /// (docs/benchdnn.md): benchdnn's 3d_unet:conv_4 at mb 2, 8.3·10¹⁰, took longer with the normal fill.
    /// </summary>
    public const long DefaultMaxMacs = 50_000_000_000;

    /// <summary>Per problem read from a batch file: whether its dtype is fixed and which directions it checks (absent: the run's dtypes, every direction).</summary>
    public IReadOnlyDictionary<ConvProblem, SelectedProblem> Details { get; init; } = new Dictionary<ConvProblem, SelectedProblem>();

    /// <summary>Every entry read, taken or skipped, in file order, each with what became of it (a batch file; else only the skipped ones).</summary>
    public IReadOnlyList<SelectionLine> Listing { get; init; } = [];

    /// <summary>Resolves the options of a command line.</summary>
    /// <param name="set">A named set, or null.</param>
    /// <param name="batch">A benchdnn batch file, or <c>benchdnn:NAME</c> for a vendored one, or null.</param>
    /// <param name="descriptors">Descriptors (may be empty).</param>
    /// <param name="dtype">f32, f64, bf16, f16, or null for f32, f64 and bf16.</param>
    /// <param name="fill">integer, normal, or null for both.</param>
    /// <param name="defaultSet">The set when no source is given.</param>
    /// <param name="random">The number of random problems (<see cref="RandomProblems"/>), or null.</param>
    /// <param name="randomSeed">The seed of the random problems.</param>
    /// <param name="mb">Every problem at this minibatch (over a batch file's <c>--mb=</c>), or null.</param>
    /// <param name="maxMacs">Problems with more multiply-adds per direction are skipped; null for <see cref="DefaultMaxMacs"/>.</param>
    /// <param name="memoryBytes">Problems whose case would need more memory (<see cref="CaseBytes"/>) are skipped; null for what this process may use.</param>
    /// <param name="batchRead"><paramref name="batch"/> as <see cref="ReadBatch"/> read it, or null to read it here.</param>
    /// <param name="naiveEngine">Whether the naive engine computes in the run (as the engine checked or as an oracle): problems whose loop visits (<see cref="ConvProblem.NaiveLoopVisits"/>) exceed the limit of multiply-adds are skipped too.</param>
    /// <param name="randomIndex">Only problem <paramref name="randomIndex"/> (from 0) of the random stream of <paramref name="randomSeed"/>, or null.</param>
    /// <param name="torch">Whether live torch computes in the run: memory is then <see cref="TorchCaseBytes"/>, which counts the padded input and im2col columns torch builds.</param>
    /// <exception cref="ArgumentException">Two sources at once, a negative random index, an unknown set, a missing file, a bad descriptor, an unknown dtype or fill, a bad limit; the message starts with the option.</exception>
    public static CaseSelection Resolve(string? set, string? batch, IReadOnlyList<string> descriptors, string? dtype, string? fill, string defaultSet,
        int? random = null, ulong randomSeed = ConvCase.DefaultSeed, int? mb = null, long? maxMacs = null, long? memoryBytes = null, BatchRead? batchRead = null,
        bool naiveEngine = false, int? randomIndex = null, bool torch = false)
    {
        if (batchRead is not null && batchRead.Batch != batch)
            throw new ArgumentException($"the batch read is of '{batchRead.Batch}', not of --batch '{batch}'", nameof(batchRead));
        return Sources(set, batch, descriptors, dtype, fill, defaultSet, random, randomIndex, randomSeed, mb,
                new Limits(maxMacs ?? DefaultMaxMacs, memoryBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, naiveEngine, torch), batchRead)
            with { AnyDType = dtype is null };
    }

    /// <summary>Most problems <c>--random</c> draws at once: they are drawn and kept before the run starts.</summary>
    /// <remarks>
    /// Each problem is kept as one case per dtype and fill asked for, about 1.4 KB each: at 1,000,000 problems in every
    /// dtype and fill, <c>soak</c> held 8.2 GB before its first case (82 s), past what a CI runner has; 100,000 hold
    /// about 0.9 GB. More problems are more seeds.
    /// </remarks>
    public const int MaxRandom = 100_000;

    /// <summary>
    /// Bytes one case of <paramref name="p"/> may hold at once, about: inputs and two results of every tensor (the
    /// subject's and the reference's) in float64, and the comparison's float64 copy of the inputs and two bounds.
    /// </summary>
    public static long CaseBytes(ConvProblem p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return BytesPerElement * ((long)p.XSize + p.WSize + p.BSize + p.YSize);
    }

    // 8 (inputs) + 16 (two results) + 8 (float64 copies) + 16 (two bounds).
    private const long BytesPerElement = 48;

    /// <summary>
    /// Bytes one case of <paramref name="p"/> may hold at once where live torch computes it in <paramref name="dtypes"/>:
    /// <see cref="CaseBytes"/>, or, while torch computes, more where its padded input or its im2col columns are larger than
    /// the problem's tensors.
    /// </summary>
    /// <remarks>
    /// While torch computes, the case holds its inputs (float64), torch's inputs and results (in the dtype, at most 8
    /// bytes), the results copied back (float64): 32 bytes per tensor element. Torch pads x itself (<c>F.pad</c>, no
    /// <c>padding=</c>), so it holds x padded (<see cref="TorchPaddedElements"/>) and that copy's gradient, 16 bytes per
    /// element in float64; and its float64 convolutions (<c>slow_conv2d</c>, <c>slow_conv3d</c>) build im2col columns of
    /// the whole minibatch (<see cref="TorchColumnElements"/>), 8 bytes each. Measured with torch 1.13 (docs/benchdnn.md,
    /// "Memory where torch computes"): <c>mb1ic1iw1oc1kw2dw199999999pw100000000</c>, a 1-element x padded to 200,000,001,
    /// took 2.6 GB resident, which the tensors' 48 bytes per element put at 240 bytes.
    /// </remarks>
    public static long TorchCaseBytes(ConvProblem p, IReadOnlyCollection<DType> dtypes)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(dtypes);
        Int128 elements = (long)p.XSize + p.WSize + p.BSize + p.YSize;
        Int128 computing = TorchBytesPerElement * elements + TorchBytesPerPaddedElement * (Int128)TorchPaddedElements(p)
            + TorchBytesPerColumnElement * (Int128)TorchColumnElements(p, dtypes);
        return (long)Int128.Min(Int128.Max(computing, CaseBytes(p)), long.MaxValue);
    }

    // 8 (the case's inputs) + 8 (torch's inputs) + 8 (torch's results) + 8 (the results read back), float64 at most.
    private const long TorchBytesPerElement = 32;

    // The padded copy and its gradient, float64. Measured 16 (float64), 12.5 (float32), 8 (bfloat16).
    private const long TorchBytesPerPaddedElement = 16;

    // One float64 column buffer at a time (measured: mb4ic32ih64oc3kh9, 32.5 M columns, 256 MB over the inputs).
    private const long TorchBytesPerColumnElement = 8;

    /// <summary>
    /// Elements of x as torch pads it before convolving: mb·ic·Π(i + pb + pe); 0 when no padding is given (torch then
    /// convolves x itself). A negative end padding crops, and the cropped copy counts too. Saturates at <see cref="long.MaxValue"/>.
    /// </summary>
    internal static long TorchPaddedElements(ConvProblem p)
    {
        if (p.PadBegin.All(v => v == 0) && p.PadEnd.All(v => v == 0)) return 0;
        // Int128: mb·ic is below 2³¹ (it is at most x's size) and each padded extent too, so three of them stay below 2¹²⁷.
        Int128 n = (long)p.Mb * p.IC;
        for (int d = 0; d < p.Rank; d++) n *= (long)p.Input[d] + p.PadBegin[d] + p.PadEnd[d];
        return (long)Int128.Min(n, long.MaxValue);
    }

    /// <summary>
    /// Elements of the im2col columns torch builds, one group at a time, for the whole minibatch: mb·(ic/g)·Π(k)·Π(out),
    /// the multiply-adds over oc; 0 when every dtype is float32.
    /// </summary>
    /// <remarks>
    /// Float64 always takes ATen's <c>slow_conv2d</c>/<c>slow_conv3d</c>, which build them. Float32 goes to oneDNN, which
    /// builds none (mb4ic32ih64oc3kh9: 11 MB over the inputs, float64 256 MB), but for single-image ungrouped problems whose
    /// padded x has at most 20,480 elements, whose columns stay within a few times 10⁸. Bfloat16 takes oneDNN only on a CPU
    /// with AVX-512 (BW, VL and DQ), so it is counted as float64 is. Torch has no CPU float16 convolution.
    /// </remarks>
    internal static long TorchColumnElements(ConvProblem p, IReadOnlyCollection<DType> dtypes) =>
        dtypes.All(d => d == DType.Float32) ? 0 : p.MultiplyAdds / p.OC;

    private readonly record struct Limits(long MaxMacs, long MemoryBytes, bool NaiveEngine, bool Torch)
    {
        // Past the multiply-adds, only dL/dx of the definition can visit more than the limit (forward and dL/dw visit the
        // multiply-adds): where the naive engine computes, or where the exact one falls back to the definition, which
        // is asked only of a problem whose visits are past the limit (building the plan's tap lists costs its inputs).
        public bool DataGradientByDefinitionOver(ConvProblem p) =>
            p.NaiveLoopVisits > MaxMacs && (NaiveEngine || Convolution.ExactConv.DataGradientByDefinition(p));
    }

    private static CaseSelection Sources(string? set, string? batch, IReadOnlyList<string> descriptors, string? dtype, string? fill, string defaultSet,
        int? random, int? randomIndex, ulong randomSeed, int? mb, Limits limit, BatchRead? batchRead)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        int given = (set is null ? 0 : 1) + (batch is null ? 0 : 1) + (descriptors.Count > 0 ? 1 : 0) + (random is null ? 0 : 1) + (randomIndex is null ? 0 : 1);
        if (given > 1) throw new ArgumentException("give only one of --set, --batch, --random, --random-index and descriptors");
        if (mb is < 1) throw new ArgumentException($"--mb: the minibatch must be at least 1, got {mb}");
        if (limit.MaxMacs < 1) throw new ArgumentException($"--max-macs: the limit must be at least 1, got {limit.MaxMacs}");
        var dtypes = ParseDTypes(dtype);
        var fills = ParseFills(fill);
        if (random is { } n)
        {
            if (n < 1) throw new ArgumentException($"--random: the number of problems must be at least 1, got {n}");
            if (n > MaxRandom)
                throw new ArgumentException($"--random: at most {MaxRandom} problems at once (they are drawn and kept before the run), got {n}; run more seeds instead");
            return Limited(new CaseSelection($"random (seed {randomSeed})", RandomProblems.Take(randomSeed, n), dtypes, fills, Named: true), mb, limit);
        }
        // One problem of the stream alone, as its own: a descriptor cannot say "no bias", and --random i+1 reran every
        // problem before it to reproduce a soak's failure of problem i without a bias.
        if (randomIndex is { } index)
        {
            if (index < 0) throw new ArgumentException($"--random-index: the index must be 0 or more, got {index}");
            return Limited(new CaseSelection($"random problem {index} (seed {randomSeed})", [RandomProblems.At(randomSeed, index)], dtypes, fills, Named: true), mb, limit);
        }
        try
        {
            if (batch is not null) return FromBatch(batchRead ?? ReadBatch(batch), dtypes, dtype is not null, fills, mb, limit);
            if (descriptors.Count > 0)
                return Limited(new CaseSelection("command line", [.. descriptors.Select(d => BenchdnnDescriptor.Parse(d))], dtypes, fills, Named: true), mb, limit);
            string source = set ?? defaultSet;
            return Limited(new CaseSelection(source, CaseSets.Load(source), dtypes, fills, Named: false), mb, limit);
        }
        catch (ArgumentException e) when (e is not SelectionException)
        {
            throw new ArgumentException(e.Plain(), e);
        }
    }

    /// <summary>The vendored benchdnn file a <c>benchdnn:NAME</c> names, or the path itself.</summary>
    /// <exception cref="ArgumentException">No such vendored file, or one that is no batch file (LICENSE, README.md); the message says where it looked and how to list the names.</exception>
    public static string BatchPath(string batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        // An unset variable in a CI script (--batch "$LIST") gives "": .NET's refusal of it names no option.
        if (batch.Length == 0) throw new ArgumentException("--batch: the path is empty");
        // A real name, but far more often a slip than meant (as the command line's other paths, RunOptions.NotEmpty).
        if (batch.Trim().Length == 0)
            throw new ArgumentException($"--batch: the path is only blanks ('{Fixtures.PackPaths.Printable(batch)}'); for a file of that name give it as './{Fixtures.PackPaths.Printable(batch)}'");
        if (!batch.StartsWith(BenchdnnPrefix, StringComparison.Ordinal)) return batch;
        string name = batch[BenchdnnPrefix.Length..];
        string dir = Locations.BenchdnnInputs() ?? throw new ArgumentException(
            $"--batch: {batch}: the vendored benchdnn inputs were not found (no benchdnn-conv/ beside {AppContext.BaseDirectory} and no {Locations.SolutionFile} above the current folder)");
        string path = Path.Combine(dir, name);
        string known = $"the names are those of the files in {dir} but {string.Join(" and ", NotBatchFiles)}: ls {dir}";
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || !File.Exists(path))
            throw new ArgumentException($"--batch: {batch}: no such vendored benchdnn file in {dir} (e.g. benchdnn:shapes_resnet_50, benchdnn:set_conv_all; {known})");
        // Read as batch files, the license and the README made 1,596 skipped "problems" of their lines, and exit 1.
        if (NotBatchFiles.Contains(name, StringComparer.OrdinalIgnoreCase))
            throw new ArgumentException($"--batch: {batch}: {name} is no batch file but the vendored folder's {(name.Equals("LICENSE", StringComparison.OrdinalIgnoreCase) ? "license (oneDNN's)" : "note of where its files come from")} ({known})");
        return path;
    }

    /// <summary>
    /// Reads a <c>--batch</c> (a <c>benchdnn:NAME</c> resolved) once, for both what the run must not write over
    /// (<see cref="BatchRead.Files"/>) and the run's problems (<see cref="Resolve"/> given the reading). A batch that cannot
    /// be read is no exception here: <see cref="BatchRead.Files"/> then holds only what is there, and the selection says why.
    /// </summary>
    public static BatchRead ReadBatch(string batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        string path;
        try
        {
            path = BatchPath(batch);
        }
        catch (ArgumentException e)
        {
            return new BatchRead(batch, [], null, ExceptionDispatchInfo.Capture(e));
        }
        if (Directory.Exists(path)) return new BatchRead(batch, [path], null, ExceptionDispatchInfo.Capture(new SelectionException($"--batch: {batch} is a folder; give a batch file")));
        if (!File.Exists(path)) return new BatchRead(batch, [], null, ExceptionDispatchInfo.Capture(new SelectionException($"--batch: file not found: {batch}")));
        try
        {
            var entries = BatchFile.Read(path, Locations.BenchdnnInputs(), out var included);
            return new BatchRead(batch, [path, .. included], entries, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new BatchRead(batch, [path], null, ExceptionDispatchInfo.Capture(e));
        }
    }

    // The vendored folder's files that are not benchdnn's inputs (third_party/benchdnn-conv/README.md).
    private static readonly string[] NotBatchFiles = ["LICENSE", "README.md"];

    /// <summary>The prefix of a vendored benchdnn file's short name.</summary>
    public const string BenchdnnPrefix = "benchdnn:";

    private static CaseSelection FromBatch(BatchRead read, IReadOnlyList<DType> dtypes, bool dtypeGiven, IReadOnlyList<Fill> fills, int? mb, Limits limit)
    {
        read.Failure?.Throw();
        string batch = read.Batch;
        var entries = read.Entries!;
        var problems = new List<ConvProblem>();
        var caseNumber = new Dictionary<ConvProblem, int>();
        var cases = new List<BatchCase>();
        // Which case checks a problem in a dtype. Entries are merged here, once each is in the dtypes it is checked in: an
        // entry without --dt is checked in every dtype of the run, and merged on the problem as written (f32) its f64 copy
        // and a --dt=f64 entry of the same problem were two cases of one id (docs/benchdnn.md).
        var owner = new Dictionary<ConvProblem, int>();
        var listing = new List<SelectionLine>();
        foreach (var e in entries)
        {
            var line = new SelectionLine(e.Where, e.Descriptor, e.Options, e.Notes);
            // Plain null checks rather than `is not { } p`: a mutation testing tool's negated pattern leaves p unassigned,
            // which does not compile, and it then drops every mutant of the method (docs/mutation-testing.md).
            var p = e.Problem;
            if (p is null)
            {
                listing.Add(line.Skipped(e.SkipKind, e.Skip!));
                continue;
            }
            if (e.DTypeGiven && dtypeGiven && !dtypes.Contains(p.DType))
            {
                listing.Add(line.Skipped(BatchSkipKind.DType, $"dtype {DTypeName(p.DType)} not selected by --dtype"));
                continue;
            }
            var (atMb, tooLargeAtMb) = AtMb(p, mb);
            if (atMb is null)
            {
                listing.Add(line.Skipped(BatchSkipKind.TooLarge, tooLargeAtMb!));
                continue;
            }
            p = atMb;
            // The dtypes the entry is checked in: the one its --dt fixed, else the run's (it was read as f32).
            IReadOnlyList<DType> checkedIn = e.DTypeGiven ? [p.DType] : dtypes;
            if (TooLarge(p, checkedIn, limit) is { } why)
            {
                listing.Add(line.Skipped(BatchSkipKind.TooLarge, why));
                continue;
            }
            var dirs = DirectionsOf(e.Dir, p.HasBias);
            var layout = e.ChannelsLast ? TorchLayout.ChannelsLast : TorchLayout.Contiguous;
            int k = caseNumber.GetValueOrDefault(p);
            bool created = false;
            if (k == 0 && checkedIn.Any(d => !owner.ContainsKey(p.WithDType(d))))
            {
                problems.Add(p);
                cases.Add(new BatchCase(e.DTypeGiven));
                k = caseNumber[p] = problems.Count;
                created = true;
            }
            // An entry without --dt makes the case it joins one of the run's dtypes too.
            else if (k > 0 && !e.DTypeGiven) cases[k - 1].Fixed = false;
            // The cases (other than its own) the entry was merged into, with the dtypes it was merged in.
            var into = new SortedDictionary<int, List<DType>>();
            foreach (var d in checkedIn)
            {
                var instance = p.WithDType(d);
                if (owner.TryGetValue(instance, out int o))
                {
                    cases[o - 1].Add(d, dirs, layout);
                    (into.TryGetValue(o, out var list) ? list : into[o] = []).Add(d);
                }
                else
                {
                    owner[instance] = k;
                    cases[k - 1].Add(d, dirs, layout);
                    if (!created) (into.TryGetValue(k, out var list) ? list : into[k] = []).Add(d);
                }
            }
            // The dtypes are named unless the entry joined the whole case; a new case names those it did not keep.
            string merged = string.Join(", ", into.Select(kv =>
                $"case {kv.Key}{(!created && kv.Value.Count == cases[kv.Key - 1].CheckedIn.Count ? "" : " in " + string.Join(", ", kv.Value.Select(DTypeName)))} ({cases[kv.Key - 1].Describe()}{LayoutNote(e)})"));
            if (created)
                listing.Add(line with { Case = k, Status = $"case {k} ({Describe(dirs)}{LayoutNote(e)}){(merged.Length > 0 ? "; merged into " + merged : "")}" });
            else
                listing.Add(line with { Case = into.Keys.First(), Status = "merged into " + merged });
        }
        var details = new Dictionary<ConvProblem, SelectedProblem>();
        for (int i = 0; i < problems.Count; i++) details[problems[i]] = cases[i].Selected();
        return new CaseSelection(batch, problems, dtypes, fills, Named: true) { Details = details, Listing = listing };
    }

    private static CaseSelection Limited(CaseSelection s, int? mb, Limits limit)
    {
        var kept = new List<ConvProblem>();
        // A set beside the list: List.Contains made --random 1000000 (then the most allowed) take hours before the first case.
        var seen = new HashSet<ConvProblem>();
        var listing = new List<SelectionLine>();
        foreach (var original in s.Problems)
        {
            var line = new SelectionLine(s.Source, original.ToString(), "", []);
            var (p, tooLargeAtMb) = AtMb(original, mb);
            if (p is null)
            {
                listing.Add(line.Skipped(BatchSkipKind.TooLarge, tooLargeAtMb!));
                continue;
            }
            if (TooLarge(p, s.DTypes, limit) is { } why)
            {
                listing.Add(line.Skipped(BatchSkipKind.TooLarge, why));
                continue;
            }
            if (seen.Add(p)) kept.Add(p);
        }
        return s with { Problems = kept, Listing = listing };
    }

    /// <summary>The problem at minibatch <paramref name="mb"/> (null: its own), or null and why it is too large there.</summary>
    private static (ConvProblem? Problem, string? TooLarge) AtMb(ConvProblem p, int? mb)
    {
        // Not `mb is not { } m`: a mutation testing tool's flipped pattern would read m unassigned, which does not compile.
        if (mb is null || mb.Value == p.Mb) return (p, null);
        int m = mb.Value;
        try
        {
            return (p.WithMb(m), null);
        }
        catch (ProblemTooLargeException x)
        {
            return (null, $"too large at --mb {m}: {x.Plain()}");
        }
    }

    private static string? TooLarge(ConvProblem p, IReadOnlyCollection<DType> dtypes, Limits limit) => TooLarge(p, dtypes, limit, out _);

    // overWork: the reason is the work held to --max-macs (multiply-adds, or the naive engine's loop visits, which can
    // far exceed them), not memory. Said here, where it is decided: asked again, it built an exact plan's tap lists again.
    // dtypes: those the problem is checked in, which decide what torch builds (TorchCaseBytes).
    private static string? TooLarge(ConvProblem p, IReadOnlyCollection<DType> dtypes, Limits limit, out bool overWork)
    {
        overWork = true;
        if (p.MultiplyAdds > limit.MaxMacs)
            return $"too large: {p.MultiplyAdds.ToString("N0", CultureInfo.InvariantCulture)} multiply-adds per direction, more than --max-macs {limit.MaxMacs.ToString(CultureInfo.InvariantCulture)}";
        if (limit.DataGradientByDefinitionOver(p))
            return $"too large for {(limit.NaiveEngine ? "the naive engine" : $"the exact engine, whose dL/dx runs the definition's loops here (its plan would list more than {Convolution.ExactConv.MaxPlanTerms.ToString("N0", CultureInfo.InvariantCulture)} terms)")}: "
                + $"{p.DataGradientLoopVisits.ToString("N0", CultureInfo.InvariantCulture)} loop visits in its dL/dx "
                + $"(every input position against every kernel tap; {p.MultiplyAdds.ToString("N0", CultureInfo.InvariantCulture)} multiply-adds per direction), "
                + $"more than --max-macs {limit.MaxMacs.ToString(CultureInfo.InvariantCulture)}";
        overWork = false;
        long need = CaseBytes(p);
        long torchNeed = limit.Torch ? TorchCaseBytes(p, dtypes) : need;
        // Refused here, not run into an OutOfMemoryException (or the kernel's OOM killer) halfway through the run.
        // The machine's own memory stays out of the reason: shards of one run on other machines must agree on it.
        if (torchNeed > need && torchNeed > limit.MemoryBytes) return $"too large for this machine's memory with torch: about {Gib(torchNeed)} GiB, {TorchWorkspace(p, dtypes)}";
        return need > limit.MemoryBytes
            ? $"too large for this machine's memory: about {Gib(need)} GiB for its tensors, results and bounds"
            : null;
    }

    // What torch holds beyond the problem's tensors, named so that the user sees which extent to shrink.
    private static string TorchWorkspace(ConvProblem p, IReadOnlyCollection<DType> dtypes)
    {
        var parts = new List<string>();
        long padded = TorchPaddedElements(p);
        if (padded > 0)
        {
            string shape = string.Join(", ", new long[] { p.Mb, p.IC }.Concat(Enumerable.Range(0, p.Rank).Select(d => (long)p.Input[d] + p.PadBegin[d] + p.PadEnd[d]))
                .Select(v => v.ToString(CultureInfo.InvariantCulture)));
            parts.Add($"x padded to ({shape}) ({padded.ToString("N0", CultureInfo.InvariantCulture)} elements; torch holds it and its gradient)");
        }
        long columns = TorchColumnElements(p, dtypes);
        // Named only where they alone outgrow what the tensors' own estimate leaves over: otherwise they are not why.
        if ((Int128)columns * TorchBytesPerColumnElement > (BytesPerElement - TorchBytesPerElement) * (Int128)((long)p.XSize + p.WSize + p.BSize + p.YSize))
            parts.Add($"torch's im2col columns of {columns.ToString("N0", CultureInfo.InvariantCulture)} elements");
        return $"for {string.Join(" and ", parts)} beside the tensors and results";
    }

    private static string Gib(long bytes) => (bytes / (double)(1L << 30)).ToString("N1", CultureInfo.InvariantCulture);

    /// <summary>The directions a benchdnn <c>--dir=</c> checks (null: every direction the problem has).</summary>
    public static IReadOnlyList<Direction>? DirectionsOf(string? benchdnnDir, bool hasBias) => benchdnnDir switch
    {
        null => null,
        "FWD_B" or "FWD_D" or "FWD_I" => [Direction.Forward],
        "BWD_D" => [Direction.BackwardData],
        "BWD_W" or "BWD_WB" => hasBias ? [Direction.BackwardWeights, Direction.BackwardBias] : [Direction.BackwardWeights],
        _ => throw new ArgumentException($"--dir={benchdnnDir} is not a benchdnn direction ({string.Join(", ", BatchFile.Dirs)})", nameof(benchdnnDir)),
    };

    private static string LayoutNote(BatchEntry e) => e.ChannelsLast ? "; torch in channels-last" : "";

    internal static string Describe(IReadOnlyList<Direction>? dirs) =>
        dirs is null ? "every direction" : string.Join(", ", dirs.Select(d => d.TensorName()));

    private static string DTypeName(DType d) => ConvVerify.Problems.DTypes.ShortName(d);

    /// <summary>How many entries were taken as cases (merged ones counted once), and how many were skipped, by reason.</summary>
    public string Summary()
    {
        int merged = Listing.Count(l => l.Kind == BatchSkipKind.None && l.Status.StartsWith("merged", StringComparison.Ordinal));
        var skipped = Listing.Where(l => l.Kind != BatchSkipKind.None).GroupBy(l => l.Kind).OrderBy(g => g.Key)
            .Select(g => $"{g.Count().ToString(CultureInfo.InvariantCulture)} {SkipPhrase(g.Key)}").ToList();
        int skippedCount = Listing.Count(l => l.Kind != BatchSkipKind.None);
        var sb = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{Counted.Of(Problems.Count, "problem")} from {Source}");
        if (merged > 0) sb.Append(CultureInfo.InvariantCulture, $" ({Counted.Of(merged, "more entry", "more entries")} merged into {(Problems.Count == 1 ? "it" : "them")})");
        sb.Append(CultureInfo.InvariantCulture, $"; {skippedCount} skipped");
        if (skipped.Count > 0) sb.Append(": ").Append(string.Join(", ", skipped));
        return sb.ToString();
    }

    /// <summary>The entries skipped, for the run report (<see cref="RunPlan.Skipped"/>).</summary>
    public IReadOnlyList<SkippedProblem> Skipped() =>
    [
        .. Listing.Where(l => l.Kind != BatchSkipKind.None).Select(l => new SkippedProblem
        {
            Where = l.Where, Descriptor = l.Descriptor, Kind = SkippedProblem.KindName(l.Kind),
            Reason = l.Reason,
        }),
    ];

    /// <summary>
    /// The skipped entries that are mistakes in the input rather than choices of the run — a descriptor that is no
    /// problem, an include that is missing or loops — as warnings, which <c>--strict</c> makes errors. Entries left out
    /// by dtype, <c>--match</c>, size or an option the harness does not model stay plain skips.
    /// </summary>
    public IReadOnlyList<string> InputWarnings() =>
    [
        .. Listing.Where(l => l.Kind is BatchSkipKind.Invalid or BatchSkipKind.Include)
            // Printed as warnings: a batch file's control characters would reach the terminal.
            .Select(l => Fixtures.PackPaths.Printable($"{l.Where}: {l.Descriptor}: skipped: {l.Reason}")),
    ];

    // The summary line's words; the report's JSON token for a kind is SkippedProblem.KindName.
    private static string SkipPhrase(BatchSkipKind k) => k switch
    {
        BatchSkipKind.Option => "by an unsupported option",
        BatchSkipKind.DType => "by dtype",
        BatchSkipKind.Match => "not matched by --match",
        BatchSkipKind.TooLarge => "too large",
        BatchSkipKind.Invalid => "invalid",
        BatchSkipKind.Include => "includes not read (missing, cyclic or unreadable)",
        // Stryker disable once String : unreachable, only skipped entries are grouped (SkippedProblem.KindName's refusal is tested)
        _ => throw new ArgumentOutOfRangeException(nameof(k), k, "a taken entry is no reason to skip"),
    };

    /// <summary>The dtypes of <c>--dtype</c>: <see cref="ConvVerify.Problems.DTypes.Default"/> (f32, f64, bf16) when null.</summary>
    /// <exception cref="ArgumentException">Not a dtype's name.</exception>
    public static IReadOnlyList<DType> ParseDTypes(string? dtype) =>
        dtype is null ? ConvVerify.Problems.DTypes.Default
        : ConvVerify.Problems.DTypes.TryParse(dtype) is { } d ? [d]
        : throw new ArgumentException($"--dtype: expected {string.Join(" or ", ConvVerify.Problems.DTypes.All.Select(ConvVerify.Problems.DTypes.ShortName))}, got '{dtype}'");

    /// <summary>The fills of <c>--fill</c>: both when null.</summary>
    /// <exception cref="ArgumentException">Not a fill's name.</exception>
    public static IReadOnlyList<Fill> ParseFills(string? fill) => fill switch
    {
        null => [Fill.Integer, Fill.Normal],
        "integer" => [Fill.Integer],
        "normal" => [Fill.Normal],
        _ => throw new ArgumentException($"--fill: expected integer or normal, got '{fill}'"),
    };

    /// <summary>Every problem in every dtype and fill (a problem whose batch file fixed its dtype: that dtype only), inputs generated from <paramref name="seed"/>.</summary>
    public IReadOnlyList<ConvCase> Cases(ulong seed) => [.. Entries(seed).Select(e => e.Case)];

    /// <summary>As <see cref="Cases"/>, as entries of a run, each with the directions its batch file asks for.</summary>
    public IReadOnlyList<CaseEntry> Generated(ulong seed) => Entries(seed);

    private List<CaseEntry> Entries(ulong seed)
    {
        var list = new List<CaseEntry>();
        // The run's dtypes, then those of the problems (the ones a batch file fixed; the inner test rejects any other).
        foreach (var dt in DTypes.Union(Problems.Select(p => p.DType)))
            foreach (var f in Fills)
                foreach (var p in Problems)
                {
                    var detail = Details.GetValueOrDefault(p);
                    var directions = detail?.Directions;
                    if (detail?.CheckedIn is { } checkedIn)
                    {
                        if (!checkedIn.TryGetValue(dt, out directions)) continue;
                    }
                    else if (detail is { DTypeFixed: true } ? p.DType != dt : !DTypes.Contains(dt)) continue;
                    foreach (var layout in detail?.Layouts ?? [TorchLayout.Contiguous])
                    {
                        var c = ConvCase.Create(p.WithDType(dt), f, seed);
                        // The same problem in both layouts is two cases; the id says which (same inputs: same seed).
                        if (layout == TorchLayout.ChannelsLast) c = c with { Id = c.Id + "__channels-last" };
                        list.Add(new CaseEntry(c) { Directions = directions, Layout = layout });
                    }
                }
        return list;
    }

    /// <summary>
    /// A pack's cases within the work and memory limits. A pack is untrusted input: a case of a few sparse files can ask
    /// for 10¹² multiply-adds or more memory than the machine has, and would run for hours or into the OOM killer. A case
    /// beyond a <c>--max-macs</c> the user gave is skipped, as a named problem is; any other is an error row (exit 2):
    /// a pack's cases are there to be checked, and one left out silently would let a wrong candidate pass.
    /// </summary>
    /// <param name="cases">The pack cases selected.</param>
    /// <param name="maxMacs">Most multiply-adds per direction as given by the user; null for <see cref="DefaultMaxMacs"/>, whose excess is an error.</param>
    /// <param name="skipped">Receives the cases left out by a given <paramref name="maxMacs"/>.</param>
    /// <param name="errors">Receives a row for every other case beyond a limit.</param>
    /// <param name="memoryBytes">Most bytes a case may need (<see cref="CaseBytes"/>); null for what this process may use.</param>
    /// <param name="naiveEngine">Whether the naive engine computes in the run: the definition's loop visits (<see cref="ConvProblem.NaiveLoopVisits"/>) are then held to the same limit as the multiply-adds.</param>
    public static IReadOnlyList<CaseEntry> WithinLimits(IReadOnlyList<CaseEntry> cases, long? maxMacs, List<SkippedProblem> skipped, List<RunRow> errors, long? memoryBytes = null,
        bool naiveEngine = false)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(skipped);
        ArgumentNullException.ThrowIfNull(errors);
        if (maxMacs is < 1) throw new ArgumentException($"--max-macs: the limit must be at least 1, got {maxMacs}");
        // A pack case is compared with the pack's results: no torch computes it.
        var limit = new Limits(maxMacs ?? DefaultMaxMacs, memoryBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, naiveEngine, Torch: false);
        var kept = new List<CaseEntry>();
        foreach (var c in cases)
        {
            var p = c.Case.Problem;
            if (TooLarge(p, [p.DType], limit, out bool overWork) is not { } why)
            {
                kept.Add(c);
                continue;
            }
            if (maxMacs is not null && overWork)
            {
                skipped.Add(new SkippedProblem { Where = c.Pack?.Directory ?? "pack", Descriptor = c.Case.Id, Kind = SkippedProblem.KindName(BatchSkipKind.TooLarge), Reason = why });
                continue;
            }
            errors.Add(new RunRow
            {
                Case = c.Case.Id, Descriptor = p.ToString(), DType = DTypeName(p.DType), Fill = ConvCase.FillName(c.Case.Fill), Direction = "*",
                Reference = "pack", Subject = RunRow.NoSubject, Outcome = Outcome.Error, Cause = ErrorCause.Input,
                Reason = overWork ? why + "; give a larger --max-macs to check it" : why + "; it needs a machine with more memory",
            });
        }
        return kept;
    }

    /// <summary>
    /// The cases of <paramref name="available"/> (read from packs) this selection asks for: named problems are looked up
    /// by problem, dtype and fill (a descriptor without a name matches whatever the catalog called it); a set selects
    /// every available case of the requested dtypes and fills.
    /// </summary>
    /// <exception cref="ArgumentException">A named case is in none of the packs; the message names it and the packs.</exception>
    public IReadOnlyList<CaseEntry> InPacks(IReadOnlyList<CaseEntry> available, string packsDescription)
    {
        ArgumentNullException.ThrowIfNull(available);
        if (!Named) return [.. available.Where(a => (AnyDType || DTypes.Contains(a.Case.Problem.DType)) && Fills.Contains(a.Case.Fill))];
        return InPacks(available, packsDescription, EqualityComparer<ConvCase>.Default);
    }

    /// <summary>As <see cref="InPacks(IReadOnlyList{CaseEntry}, string)"/>, cases told apart by <paramref name="sameCase"/>; tests count its comparisons.</summary>
    internal IReadOnlyList<CaseEntry> InPacks(IReadOnlyList<CaseEntry> available, string packsDescription, IEqualityComparer<ConvCase> sameCase)
    {
        // Looked up, not searched: a scan of every available case for every wanted one, and of every case taken for every
        // hit, made --random 100000 against packs of as many cases take about 10¹⁰ comparisons before the first case ran.
        // The lists keep pack order, so the hits, and the first of two equal cases, are those the scans found.
        var byProblem = new Dictionary<(Fill, ConvProblem), List<CaseEntry>>();
        var byUnnamed = new Dictionary<(Fill, ConvProblem), List<CaseEntry>>();
        foreach (var a in available)
        {
            Add(byProblem, (a.Case.Fill, a.Case.Problem), a);
            Add(byUnnamed, (a.Case.Fill, a.Case.Problem.Name is null ? a.Case.Problem : a.Case.Problem.WithName(null)), a);
        }
        var selected = new List<CaseEntry>();
        // Where each pack case taken is in selected: two entries of the selection can land on one pack case (a descriptor
        // without a name and the same one named as the pack names it), and it then checks the directions of both. Taking
        // only the first entry's dropped the second's directions without a word, and a run passed having compared less.
        var taken = new Dictionary<ConvCase, int>(sameCase);
        foreach (var wanted in Entries(ConvCase.DefaultSeed))
        {
            // Plans.Matches: a wanted problem without a name matches whatever the catalog called it.
            var index = wanted.Case.Problem.Name is null ? byUnnamed : byProblem;
            var hits = index.GetValueOrDefault((wanted.Case.Fill, wanted.Case.Problem));
            if (hits is null)
                throw new ArgumentException($"case {wanted.Case.Id} is in no pack checked ({packsDescription}); "
                    + (index.GetValueOrDefault((wanted.Case.Fill, wanted.Case.Problem.WithBias(!wanted.Case.Problem.HasBias))) is [var other, ..]
                        ? OtherBias(wanted.Case.Problem.HasBias, other.Case.Id) : "use --oracle torch for cases without fixtures"));
            foreach (var h in hits)
            {
                // One hash a case taken (ReadsAndComparisonsGrowWithTheCasesNotTheirSquare counts them).
                ref int at = ref CollectionsMarshal.GetValueRefOrAddDefault(taken, h.Case, out bool seen);
                // The pack's entry may hold fewer directions than asked: what is asked is taken within them, not in
                // their place. (Those of a result file its integrity check found missing or corrupt are its LeftOut,
                // which `with` keeps: reported by the file's row alone.)
                if (seen) selected[at] = selected[at] with { Directions = IntersectionOf(h.Directions, UnionOf(selected[at].Directions, wanted.Directions)) };
                else
                {
                    at = selected.Count;
                    selected.Add(h with { Directions = IntersectionOf(h.Directions, wanted.Directions) });
                }
            }
        }
        return selected;
    }

    // How to select the pack's case of the problem asked for but with bias the other way. "Use --oracle torch" sent the
    // user of a pack imported from ONNX, whose bias-free cases a descriptor (with bias, as benchdnn's FWD_B) never
    // selects, away from the case the pack holds.
    private static string OtherBias(bool asked, string id) => asked
        ? $"they hold it without bias, as {id}, and a descriptor names the problem with bias (benchdnn's default --dir=FWD_B): select the bias-free case "
            + "with --batch FILE whose lines \"--dir=FWD_D\", \"--dir=BWD_D\" and \"--dir=BWD_W\" each precede the descriptor (y, dx and dw; docs/benchdnn.md), "
            + "or check the whole pack with --pack and no selection"
        : $"they hold it with bias, as {id}: select it with the descriptor alone, or after \"--dir=FWD_B\" or \"--dir=BWD_WB\" in a --batch file (docs/benchdnn.md)";

    // Directions both lists hold, in the usual order; null (every direction) is the other list.
    internal static IReadOnlyList<Direction>? IntersectionOf(IReadOnlyList<Direction>? a, IReadOnlyList<Direction>? b) =>
        a is null ? b : b is null ? a : [.. ConvVerify.Cases.Directions.All.Where(d => a.Contains(d) && b.Contains(d))];

    // Directions of two entries together, in the usual order; null (every direction) takes in any other.
    internal static IReadOnlyList<Direction>? UnionOf(IReadOnlyList<Direction>? a, IReadOnlyList<Direction>? b) =>
        a is null || b is null ? null : [.. ConvVerify.Cases.Directions.All.Where(d => a.Contains(d) || b.Contains(d))];

    private static void Add(Dictionary<(Fill, ConvProblem), List<CaseEntry>> index, (Fill, ConvProblem) key, CaseEntry entry)
    {
        if (index.TryGetValue(key, out var list)) list.Add(entry);
        else index[key] = [entry];
    }
}

// A case of a batch file as its entries are read: the directions checked in each dtype, and torch's layouts.
internal sealed class BatchCase(bool dtypeFixed)
{
    public bool Fixed { get; set; } = dtypeFixed;

    public Dictionary<DType, IReadOnlyList<Direction>?> CheckedIn { get; } = [];

    private readonly List<TorchLayout> layouts = [];

    // Describe's text until the next Add: a case of test_conv_all is described again for each of its many merged entries.
    private string? _described;

    public void Add(DType d, IReadOnlyList<Direction>? dirs, TorchLayout layout)
    {
        CheckedIn[d] = CheckedIn.TryGetValue(d, out var before) ? CaseSelection.UnionOf(before, dirs) : dirs;
        if (!layouts.Contains(layout)) layouts.Add(layout);
        _described = null;
    }

    // The directions, and where they differ between dtypes, which in each ("f32, bf16: dx; f64: y, dx").
    public string Describe()
    {
        if (_described is not null) return _described;
        var all = ConvVerify.Problems.DTypes.All;
        var byDirections = CheckedIn.OrderBy(kv => Enumerable.Range(0, all.Count).First(i => all[i] == kv.Key))
            .GroupBy(kv => CaseSelection.Describe(kv.Value)).ToList();
        return _described = byDirections.Count == 1 ? byDirections[0].Key
            : string.Join("; ", byDirections.Select(g => $"{string.Join(", ", g.Select(kv => ConvVerify.Problems.DTypes.ShortName(kv.Key)))}: {g.Key}"));
    }

    public SelectedProblem Selected()
    {
        IReadOnlyList<Direction>? union = [];
        foreach (var dirs in CheckedIn.Values) union = CaseSelection.UnionOf(union, dirs);
        return new SelectedProblem(Fixed, union) { Layouts = [.. layouts], CheckedIn = CheckedIn };
    }
}

/// <summary>What a batch file says about one selected problem.</summary>
/// <param name="DTypeFixed">Whether its dtype came from the file's <c>--dt=</c> (otherwise the run's dtypes apply).</param>
/// <param name="Directions">The directions checked (null: every direction the problem has).</param>
public sealed record SelectedProblem(bool DTypeFixed, IReadOnlyList<Direction>? Directions)
{
    /// <summary>The layouts torch computes it in (a benchdnn <c>--stag=axb</c>: channels-last); the directions are their union.</summary>
    public IReadOnlyList<TorchLayout> Layouts { get; init; } = [TorchLayout.Contiguous];

    /// <summary>
    /// The dtypes it is checked in, each with its directions (null: every direction), or null for what
    /// <see cref="DTypeFixed"/> and <see cref="Directions"/> say. Entries of one problem merge per dtype: one without
    /// <c>--dt=</c> checks its directions in every dtype of the run, one with <c>--dt=f32</c> its own in f32 only.
    /// </summary>
    public IReadOnlyDictionary<DType, IReadOnlyList<Direction>?>? CheckedIn { get; init; }
}

/// <summary>One entry of a selection's listing: where it was read, what it says, and what became of it.</summary>
/// <param name="Where">The file and line (for a set: its name).</param>
/// <param name="Descriptor">The descriptor as written.</param>
/// <param name="Options">The benchdnn options in force that differ from the defaults.</param>
/// <param name="Notes">Options recorded but ignored, with why.</param>
public sealed record SelectionLine(string Where, string Descriptor, string Options, IReadOnlyList<string> Notes)
{
    /// <summary>"case N (directions)", "merged into case N (…)", or "skipped: reason".</summary>
    public string Status { get; init; } = "";

    /// <summary>Why it was skipped, or <see cref="BatchSkipKind.None"/> when taken.</summary>
    public BatchSkipKind Kind { get; init; }

    /// <summary>The 1-based case it became or was merged into; 0 when skipped.</summary>
    public int Case { get; init; }

    /// <summary>Why it was skipped (the <see cref="Status"/> without "skipped: "); empty when taken.</summary>
    public string Reason { get; init; } = "";

    /// <summary>This line as skipped for <paramref name="reason"/>.</summary>
    public SelectionLine Skipped(BatchSkipKind kind, string reason) => this with { Kind = kind, Reason = reason, Status = "skipped: " + reason };
}

/// <summary>A selection error whose message is already as the user should read it.</summary>
internal sealed class SelectionException(string message) : ArgumentException(message);

/// <summary>A <c>--batch</c> as <see cref="CaseSelection.ReadBatch"/> read it, once: the files read and the entries they make, or why it could not be read.</summary>
public sealed class BatchRead
{
    internal BatchRead(string batch, IReadOnlyList<string> files, IReadOnlyList<BatchEntry>? entries, ExceptionDispatchInfo? failure)
    {
        Batch = batch;
        Files = files;
        Entries = entries;
        Failure = failure;
    }

    /// <summary>The <c>--batch</c> value read, as given.</summary>
    public string Batch { get; }

    /// <summary>The file (a <c>benchdnn:NAME</c> resolved), then every file it included, each once; only what is there when the read failed.</summary>
    public IReadOnlyList<string> Files { get; }

    internal IReadOnlyList<BatchEntry>? Entries { get; }

    // Thrown when the selection is made, where a batch that cannot be read has always been said.
    internal ExceptionDispatchInfo? Failure { get; }
}
