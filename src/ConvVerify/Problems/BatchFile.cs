using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ConvVerify.Problems;

/// <summary>Why a descriptor of a batch file was not taken as a case.</summary>
public enum BatchSkipKind
{
    /// <summary>Taken.</summary>
    None,

    /// <summary>An option in force that changes what is computed and that this harness does not model (<c>--attr-*</c>, <c>--strides</c>, …).</summary>
    Option,

    /// <summary>A data type this harness has no element type for (<c>--dt=bf16</c>, <c>--bia-dt=f16</c>, …).</summary>
    DType,

    /// <summary>Left out by <c>--match=</c>.</summary>
    Match,

    /// <summary>Too large for this harness (more elements than a .NET array, or more multiply-adds than the limit).</summary>
    TooLarge,

    /// <summary>The descriptor is not a valid problem (the reason names the parameter).</summary>
    Invalid,

    /// <summary>A <c>--batch=</c> include that is missing, would loop, is nested too deep or cannot be read (a device, a pipe, not UTF-8, …).</summary>
    Include,
}

/// <summary>
/// One descriptor of a batch file under one combination of the options in force (benchdnn runs the cartesian product of
/// comma-separated option values): a problem, or the reason it was skipped.
/// </summary>
public sealed record BatchEntry
{
    /// <summary>The file the descriptor (or the failed include) is in.</summary>
    public required string File { get; init; }

    /// <summary>Its 1-based line.</summary>
    public required int Line { get; init; }

    /// <summary>The descriptor as written (for a failed include: the <c>--batch=</c> option).</summary>
    public required string Descriptor { get; init; }

    /// <summary>The options in force that differ from benchdnn's defaults, as benchdnn writes them, e.g. <c>--dir=BWD_D --dt=f32 --mb=2</c>.</summary>
    public string Options { get; init; } = "";

    /// <summary>benchdnn's direction (FWD_B, FWD_D, FWD_I, BWD_D, BWD_W, BWD_WB), or null when no <c>--dir=</c> is in force (every direction).</summary>
    public string? Dir { get; init; }

    /// <summary>Whether a <c>--dt=</c> (or <c>--cfg=</c>) fixed the problem's dtype; otherwise the run's dtypes apply.</summary>
    public bool DTypeGiven { get; init; }

    /// <summary>The problem, when taken.</summary>
    public ConvProblem? Problem { get; init; }

    /// <summary>Why it was skipped, or <see cref="BatchSkipKind.None"/>.</summary>
    public BatchSkipKind SkipKind { get; init; }

    /// <summary>The reason it was skipped, naming the option, dtype, limit or parameter; null when taken.</summary>
    public string? Skip { get; init; }

    /// <summary>Whether <c>--stag</c> names a channels-last layout (<c>axb</c>, <c>acdb</c>, …): torch then computes in channels-last.</summary>
    public bool ChannelsLast { get; init; }

    /// <summary>Options in force that were recorded but change nothing here (layouts, implementation choice, <c>--alg</c>).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary><c>file:line</c>.</summary>
    public string Where => $"{File}:{Line.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Reads benchdnn batch files (<c>tests/benchdnn/inputs/conv/</c> in oneDNN) as benchdnn's conv driver does: white-space
/// separated tokens, a token starting with <c>#</c> starts a comment to the end of its line, a token ending in <c>\</c> continues in the next; options
/// keep their value until changed or <c>--reset</c>, also across <c>--batch=</c> includes (benchdnn's settings are one
/// static state); a descriptor runs once per combination of the comma-separated values of the options in force.
/// </summary>
/// <remarks>
/// Understood: <c>--reset</c>, <c>--dir=</c>, <c>--dt=</c>/<c>--cfg=</c> and <c>--bia-dt=</c> (through <see cref="DTypeOf"/>),
/// <c>--mb=</c> (0: as written), <c>--match=REGEX</c> (a POSIX basic expression, <see cref="PosixBre"/>, searched for in benchdnn's
/// problem string: the options it prints and the descriptor as it prints it, <see cref="BenchdnnDescriptor.BenchdnnText"/>),
/// <c>--batch=FILE</c> (relative to the including file, then to the include fallback of <see cref="Read(string, string?)"/>; cycles, missing files
/// and files that cannot be read are skipped entries). Recorded and ignored, since they do not change the mathematics: <c>--stag/--wtag/--dtag</c>,
/// <c>--alg</c>, <c>--impl</c>, <c>--skip-impl</c>, <c>--allow-enum-tags-only</c>, <c>--attr-scratchpad</c>,
/// <c>--cpu-isa-hints</c>, <c>--check-ref-impl</c>. Any other option at a value other than its default skips the cases it
/// governs, naming it; an option written without <c>=</c> (<c>--dir</c>, a bare <c>--</c>), which benchdnn stops at, makes the descriptors under it
/// invalid entries. Bad descriptors are skipped entries too; only a read past <see cref="MaxEntries"/>, <see cref="MaxIncludes"/>,
/// <see cref="MaxTokens"/> or <see cref="MatchBudget"/> fails the whole file.
/// </remarks>
public static class BatchFile
{
    /// <summary>Parses the text of one of the catalog's shape files: every entry must be taken.</summary>
    /// <param name="text">File contents.</param>
    /// <param name="source">Name used in error messages (a path or a set name).</param>
    /// <param name="dtype">Element type of every problem.</param>
    /// <returns>The problems; here <c>--dir=</c> only decides the bias (the catalog is checked in every direction).</returns>
    /// <exception cref="DescriptorException">An entry that is not taken; the message names the source, the line number and the reason.</exception>
    public static IReadOnlyList<ConvProblem> Parse(string text, string source, DType dtype = DType.Float32)
    {
        var problems = new List<ConvProblem>();
        foreach (var e in ReadText(text, source, null))
        {
            if (e.Problem is null) throw new DescriptorException($"{e.Where}: {e.Skip}");
            if (e.DTypeGiven) throw new DescriptorException($"{e.Where}: a catalog set takes its dtype from the run, not from the file ({e.Options})");
            problems.Add(e.Problem.WithDType(dtype));
        }
        return problems;
    }

    /// <summary>
    /// Largest batch file read: 64 MiB (benchdnn's largest shape file is 30 KB). A pipe or a device is refused by name,
    /// never waited on or read without end (<see cref="InputFile"/>).
    /// </summary>
    public const long MaxBytes = 64L << 20;

    /// <summary>
    /// Deepest chain of <c>--batch=</c> includes followed (benchdnn's own nest three or four deep); an include past it is a
    /// skipped entry.
    /// </summary>
    public const int MaxIncludeDepth = 64;

    /// <summary>
    /// Most <c>--batch=</c> includes one read follows, counting every time a file is included (benchdnn's largest,
    /// test_conv_all, includes 1,035 times): the depth limit alone was no bound, since a file that includes the next twice,
    /// forty deep, is 2⁴⁰ reads. Past it the read stops with a <see cref="DescriptorException"/> naming the include.
    /// </summary>
    public const int MaxIncludes = 100_000;

    /// <summary>
    /// Most tokens one read takes in, the file's and every include's, an included file's each time it is included
    /// (test_conv_all: 348,259; the largest vendored file alone 136,869): options make no entries, so <see cref="MaxEntries"/> does not bound them, and a large file
    /// of options included thousands of times was read without end. Past it the read stops with a
    /// <see cref="DescriptorException"/> naming the token.
    /// </summary>
    public const int MaxTokens = 5_000_000;

    /// <summary>
    /// Most entries a batch file may make, descriptors times the combinations of the option values in force (benchdnn's
    /// largest file, test_conv_all, makes about 740,000): a few options with many comma-separated values multiply to
    /// billions, which were built without end.
    /// </summary>
    public const long MaxEntries = 2_000_000;

    // Longest one --match pattern may take on one descriptor; past it the descriptor is skipped and the pattern not tried again.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest all the <c>--match=</c> patterns of one read (the file and its includes) may take together: ten seconds; past it
    /// the read stops with a <see cref="DescriptorException"/> naming the line.
    /// </summary>
    /// <remarks>
    /// The per-pattern limit alone was no bound: it is kept per pattern text, so patterns that differ only by a no-op tail
    /// (<c>\(.*a\)\{40\}</c>, <c>\(.*a\)\{40\}\(\)</c>, …) each took their second, a minute for seventy. Ten seconds is far above what
    /// ordinary patterns cost (benchdnn's own, such as <c>.*[^k][^d][0-9]kh3[^0-9].*</c>, take a few µs a descriptor on a
    /// loaded 2-core machine, so a few seconds even at <see cref="MaxEntries"/>), and caps a hostile file's matching at about
    /// eleven seconds (the match that crosses the budget may run its full second).
    /// </remarks>
    public static TimeSpan MatchBudget { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Reads a batch file and its includes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="includeFallback">Where an include not found beside its including file is looked for (benchdnn's inputs folder), or null.</param>
    /// <exception cref="FileNotFoundException">No such file (an include that is missing is a skipped entry instead).</exception>
    /// <exception cref="DescriptorException">The file makes more than <see cref="MaxEntries"/> entries, includes files more than <see cref="MaxIncludes"/> times, takes in more than <see cref="MaxTokens"/> tokens, or its <c>--match=</c> patterns take more than <see cref="MatchBudget"/> together; the message names where.</exception>
    public static IReadOnlyList<BatchEntry> Read(string path, string? includeFallback = null)
    {
        string full = Path.GetFullPath(path); // refuses a null path, by that name
        var reader = new Reader(includeFallback);
        reader.File(full, path, InputFile.ReadAllText(full, "batch file", MaxBytes));
        return reader.Entries;
    }

    /// <summary>As <see cref="Read(string, string?)"/>, also giving the files it included from the same reading: full paths, each once, in the order first read, without <paramref name="path"/> itself; includes that are missing, would loop or cannot be read are left out, as they are skipped entries.</summary>
    /// <param name="path">The file.</param>
    /// <param name="includeFallback">See <see cref="Read(string, string?)"/>.</param>
    /// <param name="included">The included files, full paths, each once, in the order first read, without <paramref name="path"/>.</param>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="DescriptorException">As <see cref="Read(string, string?)"/>.</exception>
    public static IReadOnlyList<BatchEntry> Read(string path, string? includeFallback, out IReadOnlyList<string> included)
    {
        string full = Path.GetFullPath(path);
        var reader = new Reader(includeFallback);
        reader.File(full, path, InputFile.ReadAllText(full, "batch file", MaxBytes));
        included = [.. reader.Included];
        return reader.Entries;
    }

    /// <summary>Reads the text of a batch file; includes are resolved relative to <paramref name="directory"/>.</summary>
    /// <param name="text">File contents.</param>
    /// <param name="source">Name used in entries and messages.</param>
    /// <param name="directory">Folder of relative includes, or null (then every include is a skipped entry).</param>
    /// <param name="includeFallback">See <see cref="Read(string, string?)"/>.</param>
    /// <exception cref="DescriptorException">As <see cref="Read(string, string?)"/>.</exception>
    public static IReadOnlyList<BatchEntry> ReadText(string text, string source, string? directory, string? includeFallback = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        return ReadText(text, source, directory, includeFallback, MatchTimeout, MatchBudget);
    }

    // Tests' limits, small enough that running out of the budget takes a fraction of a second.
    internal static IReadOnlyList<BatchEntry> ReadText(string text, string source, string? directory, string? includeFallback, TimeSpan matchTimeout, TimeSpan matchBudget)
    {
        var reader = new Reader(includeFallback, matchTimeout, matchBudget);
        reader.File(directory is null ? null : Path.Combine(Path.GetFullPath(directory), source), source, text);
        return reader.Entries;
    }

    /// <summary>
    /// The one mapping of benchdnn data types: <c>f32</c> → float32, <c>f64</c> → float64, <c>bf16</c> → bfloat16, <c>f16</c> →
    /// float16; a <c>src:wei:dst</c> triple only when all three agree (ConvVerify's narrow dtypes round the result to the
    /// inputs' dtype, so <c>bf16:bf16:f32</c> is another computation). Any other (s8, u8, mixed, …) is null with the reason
    /// "dtype X not supported".
    /// </summary>
    public static DType? DTypeOf(string benchdnnDt, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(benchdnnDt);
        string[] parts = benchdnnDt.Split(':');
        DType? result = null;
        foreach (string part in parts)
        {
            DType? one = part switch { "f32" => DType.Float32, "f64" => DType.Float64, "bf16" => DType.BFloat16, "f16" => DType.Float16, _ => null };
            if (one is null || (result is not null && result != one))
            {
                reason = $"dtype {benchdnnDt} not supported";
                return null;
            }
            result = one;
        }
        reason = null;
        return result;
    }

    /// <summary>benchdnn's directions: whether each has a bias (FWD_B and BWD_WB always; FWD_D, FWD_I and BWD_W when <c>--bia-dt</c> names one).</summary>
    public static IReadOnlyList<string> Dirs { get; } = ["FWD_B", "FWD_D", "FWD_I", "BWD_D", "BWD_W", "BWD_WB"];

    // Options that leave the mathematics alone: layouts, which oneDNN implementation runs, memory management.
    private static readonly HashSet<string> Ignored = ["stag", "wtag", "dtag", "alg", "impl", "skip-impl", "allow-enum-tags-only", "attr-scratchpad", "cpu-isa-hints", "check-ref-impl"];

    // Options whose lists benchdnn refuses with an empty item: its parsers of a direction, dtype or minibatch take no empty value.
    private static readonly HashSet<string> EmptyItemRefused = ["dir", "dt", "cfg", "mb"];

    // Single-valued: a regular expression may hold commas (a --batch path is taken whole before the options are split).
    private static readonly HashSet<string> SingleValued = ["match"];

    private sealed class Reader(string? includeFallback, TimeSpan matchTimeout, TimeSpan matchBudget)
    {
        public Reader(string? includeFallback)
            : this(includeFallback, MatchTimeout, MatchBudget)
        {
        }

        public List<BatchEntry> Entries { get; } = [];

        // Option name → its comma-separated values; absent means benchdnn's default. One state for every file, as benchdnn's.
        private readonly Dictionary<string, string[]> state = new(StringComparer.Ordinal);

        // Options refused as written (an empty item in a list, no "=VALUE") → why every descriptor under them is refused;
        // the key is the option's name ("" for a bare "--"), so giving the option again, or --reset, lifts it.
        private readonly SortedDictionary<string, string> refused = new(StringComparer.Ordinal);

        // The files being read, outermost first: as found, for messages, and resolved, for cycles.
        private readonly List<(string Found, string Real)> stack = [];

        // Each file's tokens, by its real path: benchdnn's harnesses include the same shape files many times over.
        private readonly Dictionary<string, List<(string Token, int Line)>> read = new(StringComparer.Ordinal);

        // Included paths as found → their real paths: a file included again and again is resolved once, not a link looked
        // for at every folder of its path each time.
        private readonly Dictionary<string, string> realPaths = new(StringComparer.Ordinal);

        // The included files as found, each once, in the order first read.
        private readonly List<string> included = [];
        private readonly HashSet<string> includedSet = new(StringComparer.Ordinal);

        // What this read has taken so far, against MaxIncludes and MaxTokens.
        private int includes;
        private long tokensTaken;

        public IEnumerable<string> Included => included;

        public void File(string? fullPath, string shown, string text) =>
            File(fullPath is null ? null : (fullPath, RealPathOrSelf(fullPath)), shown, Tokens(text));

        private void File((string Found, string Real)? path, string shown, List<(string Token, int Line)> tokens)
        {
            if (path is { } p) stack.Add(p);
            try
            {
                foreach (var (token, line) in tokens)
                {
                    if (++tokensTaken > MaxTokens)
                        // (DescriptorException writes the line's control characters as \uXXXX.)
                        throw new DescriptorException(string.Create(CultureInfo.InvariantCulture,
                            $"{shown}:{line}: {BenchdnnDescriptor.Quoted(token)}: the batch takes in more than {MaxTokens:N0} tokens with its includes (an included file's each time it is included; benchdnn's test_conv_all takes 348,259); the batch is not read: include large files fewer times"));
                    if (token.StartsWith("--", StringComparison.Ordinal)) Option(token, line, path?.Found, shown);
                    else Descriptor(token, line, shown);
                }
            }
            finally
            {
                if (path is not null) stack.RemoveAt(stack.Count - 1);
            }
        }

        // A file's real path names it whatever links lead there, so a loop through a linked folder is a cycle; a path whose
        // links cannot be resolved is taken as written.
        private static string RealPathOrSelf(string fullPath)
        {
            try
            {
                return Fixtures.PackPaths.RealPath(fullPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return fullPath;
            }
        }

        // benchdnn reads a token with ">>", which stops at C's isspace: the six ASCII white-space characters only. Splitting
        // also at Unicode's (a no-break space, U+2028, …) made "ic1ih5oc1kh3<U+00A0>--dir=BWD_D" a descriptor and an option
        // that changed the direction of every later line; as one token, it is an invalid descriptor naming the character.
        private static readonly char[] AsciiWhiteSpace = [' ', '\t', '\n', '\v', '\f', '\r'];

        // benchdnn's batch(): a token ending in '\' (or a lone '\') continues in the next token, which is glued to it.
        private static List<(string Token, int Line)> Tokens(string text)
        {
            var tokens = new List<(string Token, int Line)>();
            string[] lines = text.Split('\n');
            // Stryker disable once Boolean : the first token has no token before it to be glued to
            bool continued = false;
            for (int i = 0; i < lines.Length; i++)
            {
                foreach (string raw in lines[i].Split(AsciiWhiteSpace, StringSplitOptions.RemoveEmptyEntries))
                {
                    // benchdnn starts a comment only at a token's start: a '#' inside one (mb1ic1iw3oc1kw1#pw1, n"a#1") is
                    // part of it. Cutting the line at any '#' took the first as a pw0 problem and cut the second's name.
                    if (raw.StartsWith('#')) break;
                    string token = raw;
                    int at = i + 1;
                    if (continued && tokens.Count > 0)
                    {
                        (string previous, at) = tokens[^1];
                        token = previous + token;
                        tokens.RemoveAt(tokens.Count - 1);
                    }
                    continued = token.EndsWith('\\');
                    if (continued) token = token[..^1];
                    if (token.Length > 0) tokens.Add((token, at));
                }
            }
            return tokens;
        }

        private void Option(string token, int line, string? fullPath, string shown)
        {
            // benchdnn's parse_reset matches the token's start only: --reset=1 (or --resetx) is --reset there too.
            if (token.StartsWith("--reset", StringComparison.Ordinal))
            {
                state.Clear();
                refused.Clear();
                combos = null;
                return;
            }
            string[] nameValue = token[2..].Split('=', 2);
            string name = nameValue[0], value = nameValue.Length > 1 ? nameValue[1] : "";
            if (nameValue.Length == 1 || name.Length == 0)
            {
                // benchdnn matches every option but --reset by "--NAME=", so --dir, --mb or a bare "--" is an unknown option
                // there, which stops the run. Taken as the option at its default, it silently changed what later lines ran.
                string why = name.Length == 0
                    ? $"{token} names no option (benchdnn stops at it as an unknown option)"
                    : $"{token} has no '=VALUE' (benchdnn stops at it as an unknown option; only --reset is written without '=')";
                if (name == "batch")
                {
                    Entries.Add(new BatchEntry { File = shown, Line = line, Descriptor = token, SkipKind = BatchSkipKind.Include, Skip = why });
                    return;
                }
                refused[name] = why;
                combos = null;
                return;
            }
            switch (name)
            {
                case "batch":
                    Include(value, line, fullPath, shown);
                    break;
                case "impl" or "skip-impl":
                    // benchdnn keeps one implementation filter, which either option replaces whole, its names one list: split
                    // into values, --skip-impl=ref,x64:gemm made two entries of every descriptor (merged again into one case),
                    // and --match saw neither as benchdnn prints it.
                    string other = name == "impl" ? "skip-impl" : "impl";
                    state.Remove(other);
                    refused.Remove(other);
                    refused.Remove(name);
                    state[name] = [value];
                    combos = null;
                    break;
                default:
                    string[] values = SingleValued.Contains(name) ? [value] : value.Split(',');
                    // benchdnn refuses a list with an empty item here (--dir=BWD_D, or --mb=3,); taking it as the default
                    // added a combination nobody asked for. The other items are kept so the entries say what they were.
                    // (Elsewhere an empty item is meant: --attr-post-ops=,linear:2:1 is "none, then linear".)
                    if (values.Length > 1 && values.Contains("") && EmptyItemRefused.Contains(name))
                    {
                        refused[name] = $"--{name}={value} has an empty item (benchdnn refuses the list)";
                        values = values.Where(v => v.Length > 0).DefaultIfEmpty("").ToArray();
                    }
                    else refused.Remove(name);
                    state[name] = values;
                    combos = null;
                    break;
            }
        }

        private void Include(string file, int line, string? fullPath, string shown)
        {
            BatchEntry Failed(string reason) => new()
            {
                File = shown, Line = line, Descriptor = "--batch=" + file, SkipKind = BatchSkipKind.Include, Skip = reason,
            };
            if (++includes > MaxIncludes)
                // (DescriptorException writes the line's control characters as \uXXXX.)
                throw new DescriptorException(string.Create(CultureInfo.InvariantCulture,
                    $"{shown}:{line}: --batch={file}: the batch includes files more than {MaxIncludes:N0} times (benchdnn's test_conv_all: 1,035); the batch is not read: a file that includes another twice, which includes another twice, and so on, doubles the reading at each level"));
            // A chain of includes is followed by recursion: thousands of files, each including the next, overflowed the stack.
            if (stack.Count > MaxIncludeDepth)
            {
                Entries.Add(Failed($"--batch={file}: includes nested more than {MaxIncludeDepth} deep"));
                return;
            }
            var candidates = new List<string>();
            try
            {
                if (fullPath is not null) candidates.Add(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(fullPath)!, file)));
                if (includeFallback is not null) candidates.Add(Path.GetFullPath(Path.Combine(includeFallback, file)));
            }
            catch (ArgumentException)
            {
                // A NUL in the name: .NET's "Null character in path." named neither the file nor its line, and ended the whole read.
                Entries.Add(Failed($"--batch={file}: not a file name (it holds a null character)"));
                return;
            }
            string? found = candidates.FirstOrDefault(System.IO.File.Exists);
            if (found is null)
            {
                // "--batch=" and "--batch=sub/" name the folder they are read in: said so, not "file not found" in a folder
                // that plainly exists.
                string? folder = candidates.FirstOrDefault(Directory.Exists);
                Entries.Add(Failed(candidates.Count == 0 ? $"--batch={file}: includes are not resolved in text without a folder"
                    : file.Length == 0 ? "--batch=: names no file"
                    : folder is not null ? $"--batch={file}: {folder} is a folder, not a batch file"
                    : $"--batch={file}: file not found (looked in {string.Join(", ", candidates.Select(Path.GetDirectoryName).Distinct())})"));
                return;
            }
            // By the real path: through a link to its own folder (loop -> .) a file that includes loop/a.txt names itself by a
            // new path each time, loop/loop/a.txt, …, which no comparison of paths saw until the depth limit, each level read anew.
            if (!realPaths.TryGetValue(found, out string? real)) realPaths[found] = real = RealPathOrSelf(found);
            int cycle = stack.FindIndex(s => s.Real == real);
            if (cycle >= 0)
            {
                var loop = stack.Skip(cycle).Select(s => s.Found).Append(found).Select(Path.GetFileName);
                Entries.Add(Failed($"--batch={file}: include cycle ({string.Join(" → ", loop)})"));
                return;
            }
            // shown is a file's path or a source name, never a root, so it has a directory part (perhaps empty). An include
            // found in the fallback is named where it was read: beside the including file it is not there.
            string includedShown = fullPath is null ? file
                : found == candidates[0] ? Path.Combine(Path.GetDirectoryName(shown)!, file)
                : found;
            // benchdnn's harnesses include the same shape files many times over; read and split each once.
            if (!read.TryGetValue(real, out var tokens))
            {
                try
                {
                    tokens = Tokens(InputFile.ReadAllText(found, "batch file", MaxBytes));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // A device, a pipe (refused unopened), a file too large or not UTF-8, one that cannot be opened: skipped as a
                    // missing include is. Thrown, it ended the whole read, the including file's other lines with it.
                    Entries.Add(Failed($"--batch={file}: {e.Message}"));
                    return;
                }
                read[real] = tokens;
            }
            if (includedSet.Add(found)) included.Add(found);
            File((found, real), includedShown, tokens);
        }

        private string[] Values(string name, string fallback) => state.TryGetValue(name, out var v) ? v : [fallback];

        // What the options in force make of any descriptor, one per combination of their values; rebuilt when an option changes.
        // Prefix: the options as benchdnn's problem string begins, which --match searches with the descriptor.
        private sealed record Combo(BatchEntry Template, DType? DType, bool Bias, string Match, long Mb, string Prefix);

        private List<Combo>? combos;

        // --match patterns that timed out → where they first did.
        private readonly Dictionary<string, string> slowMatches = new(StringComparer.Ordinal);

        // What every --match of this read has taken so far, against matchBudget.
        private TimeSpan matchSpent;
        private readonly Dictionary<(string, DType, bool), (ConvProblem? Problem, ArgumentException? Error)> parsed = [];

        private void Descriptor(string text, int line, string shown)
        {
            long count = combos?.Count ?? CombinationCount();
            if (Entries.Count + count > MaxEntries)
                // (DescriptorException writes the line's control characters as \uXXXX.)
                throw new DescriptorException(string.Create(CultureInfo.InvariantCulture,
                    $"{shown}:{line}: {text}: the batch makes more than {MaxEntries:N0} entries, descriptors times the combinations of the option values in force ({(count > MaxEntries ? "over " + MaxEntries.ToString("N0", CultureInfo.InvariantCulture) : count.ToString("N0", CultureInfo.InvariantCulture))} here); split it"));
            // Stryker disable once Assignment : rebuilding gives the same combinations, only slower
            combos ??= Combos();
            foreach (var combo in combos) Entries.Add(Entry(combo, text, line, shown));
        }

        // Every match counts, slow or not: a pattern that takes just under its second on each of thousands of descriptors is
        // as endless as one that runs away. (DescriptorException writes the line's control characters as \uXXXX.)
        private void Spend(TimeSpan took, BatchEntry entry, string match)
        {
            matchSpent += took;
            if (matchSpent > matchBudget)
                throw new DescriptorException(string.Create(CultureInfo.InvariantCulture,
                    $"{entry.Where}: {entry.Descriptor}: the --match patterns of the batch together took more than {matchBudget.TotalSeconds:0.###} seconds (here --match={match}); the batch is not read: use fewer or simpler patterns"));
        }

        // How many combinations Combos would make, without making them; past MaxEntries the count stops growing.
        private long CombinationCount()
        {
            long count = 1;
            foreach (var values in state.Values) count = Math.Min(count * values.Length, MaxEntries + 1);
            return count;
        }

        private List<Combo> Combos()
        {
            var names = state.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList();
            var lists = names.Select(n => state[n]).ToList();
            var pick = new int[names.Count];
            var result = new List<Combo>();
            while (true)
            {
                var chosen = new Dictionary<string, string>(StringComparer.Ordinal);
                for (int i = 0; i < names.Count; i++) chosen[names[i]] = lists[i][pick[i]];
                var combo = MakeCombo(chosen);
                // As a bad --dir is: an invalid entry, a warning that --strict makes an error.
                if (refused.Count > 0)
                    combo = combo with { Template = combo.Template with { SkipKind = BatchSkipKind.Invalid, Skip = string.Join("; ", refused.Values) } };
                result.Add(combo);
                int k = names.Count - 1;
                while (k >= 0 && ++pick[k] == lists[k].Length) pick[k--] = 0;
                if (k < 0) break;
            }
            return result;
        }

        private static Combo MakeCombo(Dictionary<string, string> chosen)
        {
            string Get(string name) => chosen.TryGetValue(name, out var v) ? v : "";
            var options = new StringBuilder();
            var notes = new List<string>();
            string? optionSkip = null;
            foreach (var (name, value) in chosen.OrderBy(kv => Order(kv.Key)).ThenBy(kv => kv.Key, StringComparer.Ordinal))
            {
                // --match selects problems; it is not one of their options (benchdnn matches it against the problem's text).
                if (IsDefault(name, value) || name == "match") continue;
                string written = $"--{name}={value}";
                if (options.Length > 0) options.Append(' ');
                options.Append(written);
                if (Ignored.Contains(name)) notes.Add(Note(name, value));
                else if (!Understood(name)) optionSkip ??= $"option {written} is not supported (it changes what is computed)";
            }
            bool channelsLast = ChannelsLastTags.Contains(Get("stag"));
            // Stryker disable once String : a template's file and descriptor are replaced by each entry's own in Entry
            var entry = new BatchEntry { File = "", Line = 0, Descriptor = "", Options = options.ToString(), Notes = notes, ChannelsLast = channelsLast };
            // Stryker disable once Boolean,String : Entry returns a skipped combination's entry before it reads the bias or the match
            Combo Skipped(BatchSkipKind kind, string? why) => new(entry with { SkipKind = kind, Skip = why }, null, false, "", 0, "");

            string dir = Get("dir").ToUpperInvariant();
            if (dir.Length > 0 && !Dirs.Contains(dir))
                return Skipped(BatchSkipKind.Invalid, $"--dir={Get("dir")} is not a benchdnn direction ({string.Join(", ", Dirs)})");
            entry = entry with { Dir = dir.Length == 0 ? null : dir };
            if (optionSkip is not null) return Skipped(BatchSkipKind.Option, optionSkip);

            DType? dtype = null;
            string dt = Get("dt").Length > 0 ? Get("dt") : Get("cfg");
            if (dt.Length > 0)
            {
                dtype = DTypeOf(dt, out string? why);
                if (dtype is null) return Skipped(BatchSkipKind.DType, why);
            }
            string biaDt = Get("bia-dt");
            bool bias = dir.Length == 0 || dir is "FWD_B" or "BWD_WB" || (dir is "FWD_D" or "FWD_I" or "BWD_W" && biaDt is not ("" or "undef"));
            // With FWD_B and BWD_WB benchdnn takes the bias in f32 (f64 for f64 data) whatever --bia-dt says.
            if (dir is "FWD_D" or "FWD_I" or "BWD_W" && biaDt is not ("" or "undef") && DTypeOf(biaDt, out _) != (dtype ?? DType.Float32))
                return Skipped(BatchSkipKind.DType, $"bias dtype {biaDt} not supported (the bias has the data's dtype here)");

            string mbText = Get("mb");
            long mb = 0;
            if (mbText.Length > 0 && (!long.TryParse(mbText, NumberStyles.None, CultureInfo.InvariantCulture, out mb) || mb > int.MaxValue))
                return Skipped(BatchSkipKind.Invalid, $"--mb={mbText} is not a minibatch (expected a whole number from 0 to {int.MaxValue}; 0: as the descriptor says)");
            return new Combo(entry, dtype, bias, Get("match"), mb, BenchdnnOptions(Get, dir));
        }

        // The options as benchdnn's prb_t::set_repro_line prints them (conv_aux.cpp), in its order, those at benchdnn's
        // default left out: --dir (FWD_B, and none given here, is the default), --dt (all f32 is; one dtype is printed as
        // the src:wei:dst triple it stands for), --bia-dt (only where the direction has no bias of its own), the tags, --alg,
        // --attr-scratchpad, then the implementation filter. --mb is in the descriptor's mb; the options that skip an entry
        // before --match is tried (post-ops, scales, strides, …) are not needed.
        private static string BenchdnnOptions(Func<string, string> get, string dir)
        {
            var sb = new StringBuilder();
            if (dir.Length > 0 && dir != "FWD_B") sb.Append("--dir=").Append(dir).Append(' ');
            string dt = get("dt").Length > 0 ? get("dt") : get("cfg");
            if (dt.Length > 0)
            {
                string[] parts = dt.Split(':');
                if (parts.Length == 1) parts = [dt, dt, dt];
                if (parts.Any(x => x != "f32")) sb.Append("--dt=").Append(string.Join(':', parts)).Append(' ');
            }
            string biaDt = get("bia-dt");
            if (biaDt is not ("" or "undef") && dir is not ("" or "FWD_B" or "BWD_WB")) sb.Append("--bia-dt=").Append(biaDt).Append(' ');
            foreach (string tag in (string[])["stag", "wtag", "dtag"])
                if (get(tag) is not ("" or "any") and var value) sb.Append("--").Append(tag).Append('=').Append(value).Append(' ');
            string alg = get("alg").ToLowerInvariant();
            if (alg is not ("" or "direct")) sb.Append("--alg=").Append(alg).Append(' ');
            if (get("attr-scratchpad") is not ("" or "library") and var scratchpad) sb.Append("--attr-scratchpad=").Append(scratchpad).Append(' ');
            foreach (string filter in (string[])["impl", "skip-impl"])
                if (get(filter) is { Length: > 0 } names)
                    // benchdnn drops the quotes of the names (they would defeat its search for them).
                    sb.Append("--").Append(filter).Append('=').Append(names.Replace("\"", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal)).Append(' ');
            return sb.ToString();
        }

        private BatchEntry Entry(Combo combo, string text, int line, string shown)
        {
            var entry = combo.Template with { File = shown, Line = line, Descriptor = text };
            if (entry.SkipKind != BatchSkipKind.None) return entry;
            if (combo.Match.Length > 0)
            {
                // benchdnn matches the problem's string, which prints the descriptor as it read it: read here first, so a
                // descriptor that cannot be read is refused for that, as benchdnn stops at it.
                if (!fieldsOf.TryGetValue(text, out var read))
                {
                    try
                    {
                        read = (BenchdnnDescriptor.Read(text), null);
                    }
                    catch (ArgumentException e)
                    {
                        read = (null, e);
                    }
                    fieldsOf[text] = read;
                }
                if (read.Error is { } unread) return Unparsed(entry, unread);
                // A second a descriptor: a pattern that backtracks without end on every one of thousands made the read take hours.
                if (slowMatches.TryGetValue(combo.Match, out string? firstSlow))
                    return entry with { SkipKind = BatchSkipKind.Invalid, Skip = $"--match={combo.Match} took more than a second at {firstSlow}; not tried again" };
                bool matched = false;
                string? skip = null;
                long started = Stopwatch.GetTimestamp();
                try
                {
                    matched = Pattern(combo.Match).IsMatch(combo.Prefix + BenchdnnDescriptor.BenchdnnText(read.Fields!, combo.Mb));
                }
                catch (ArgumentException e)
                {
                    skip = $"--match={combo.Match} is not a POSIX basic regular expression, as benchdnn compiles it: {e.Message}";
                }
                catch (RegexMatchTimeoutException)
                {
                    slowMatches[combo.Match] = entry.Where;
                    skip = $"--match={combo.Match} took more than a second on this descriptor";
                }
                Spend(Stopwatch.GetElapsedTime(started), entry, combo.Match);
                if (skip is not null) return entry with { SkipKind = BatchSkipKind.Invalid, Skip = skip };
                if (!matched) return entry with { SkipKind = BatchSkipKind.Match, Skip = $"not matched by --match={combo.Match}" };
            }
            var key = (text, combo.DType ?? DType.Float32, combo.Bias);
            if (!parsed.TryGetValue(key, out var result))
            {
                try
                {
                    result = (BenchdnnDescriptor.Parse(text, key.Item2, combo.Bias), null);
                }
                catch (ArgumentException e)
                {
                    result = (null, e);
                }
                parsed[key] = result;
            }
            if (result.Error is { } error) return Unparsed(entry, error);
            var p = result.Problem!;
            try
            {
                if (combo.Mb > 0 && combo.Mb != p.Mb) p = p.WithMb((int)combo.Mb);
            }
            catch (ProblemTooLargeException e)
            {
                return entry with { SkipKind = BatchSkipKind.TooLarge, Skip = $"too large at --mb={combo.Mb}: {e.Plain()}" };
            }
            return entry with { Problem = p, DTypeGiven = combo.DType is not null };
        }

        private static BatchEntry Unparsed(BatchEntry entry, ArgumentException error)
        {
            bool tooLarge = error is ProblemTooLargeException || error.InnerException is ProblemTooLargeException;
            return entry with { SkipKind = tooLarge ? BatchSkipKind.TooLarge : BatchSkipKind.Invalid, Skip = (tooLarge ? "too large: " : "") + error.Plain() };
        }

        // A --match pattern compiled once: benchdnn's POSIX basic expression in .NET's syntax, searched for anywhere in the
        // problem's string, as regexec does. A pattern that is no expression throws its reason each time it is asked for.
        private Regex Pattern(string match)
        {
            if (!patterns.TryGetValue(match, out var compiled))
            {
                try
                {
                    compiled = (new Regex(PosixBre.ToNet(match), PosixBre.Options, matchTimeout), null);
                }
                catch (ArgumentException e)
                {
                    compiled = (null, e);
                }
                patterns[match] = compiled;
            }
            return compiled.Regex ?? throw compiled.Error!;
        }

        private readonly Dictionary<string, (Regex? Regex, ArgumentException? Error)> patterns = new(StringComparer.Ordinal);

        // Each descriptor's fields, for the problem string --match searches.
        private readonly Dictionary<string, (BenchdnnDescriptor.Fields? Fields, ArgumentException? Error)> fieldsOf = new(StringComparer.Ordinal);

        // --match never gets here: it selects problems and is taken out before options are judged.
        private static bool Understood(string name) => name is "dir" or "dt" or "cfg" or "bia-dt" or "mb";

        private static int Order(string name) => name switch
        {
            "dir" => 0, "dt" or "cfg" => 1, "bia-dt" => 2, "stag" => 3, "wtag" => 4, "dtag" => 5, "alg" => 6, "mb" => 7, _ => 8,
        };

        private static bool IsDefault(string name, string value) => name switch
        {
            "mb" => value is "" or "0",
            "stag" or "wtag" or "dtag" => value is "" or "any",
            "alg" => value is "" or "direct",
            "bia-dt" => value is "" or "undef",
            "strides" => value.Replace(":", "", StringComparison.Ordinal).Length == 0,
            "allow-enum-tags-only" => value is "" or "true" or "1",
            _ => value.Length == 0,
        };

        private static string Note(string name, string value) => name switch
        {
            "stag" or "wtag" or "dtag" => $"--{name}={value}: {TagMeaning(name, value)}; layout does not change the mathematics",
            "alg" when value == "wino" => "--alg=wino: benchdnn checks Winograd with a looser threshold; against torch the exact definition is checked "
                + "(a Winograd implementation of your own goes with --tolerance sound)",
            "alg" => $"--alg={value}: the algorithm oneDNN picks; the definition checked is the same",
            _ => $"--{name}={value}: chooses or configures oneDNN's implementation; ignored here",
        };

        // torch picks its kernel by the input's memory format, so the source tag alone decides the layout it computes in.
        private static string TagMeaning(string name, string tag) => tag switch
        {
            "abx" or "abc" or "abcd" or "abcde" => "plain NC(D)(H)W, torch's contiguous kernels",
            _ when ChannelsLastTags.Contains(tag) && name == "stag" => "channels-last: torch computes the case in channels_last",
            _ when ChannelsLastTags.Contains(tag) => "channels-last; torch follows the source's layout (--stag)",
            _ => "a blocked or other oneDNN layout",
        };

        private static readonly HashSet<string> ChannelsLastTags = ["axb", "acb", "acdb", "acdeb", "nwc", "nhwc", "ndhwc"];
    }
}
