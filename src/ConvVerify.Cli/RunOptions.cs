using System.CommandLine;
using ConvVerify.Problems;
using ConvVerify.Runs;

namespace ConvVerify.Cli;

/// <summary>The options every run command shares: --require, --shard, --json, --verbose, --strict.</summary>
internal sealed class RunOptions(string defaultRequire)
{
    public Option<string> Require { get; } = new("--require")
    {
        Description = "all: every direction must be provided by the oracle and the checked side; any: absent directions are reported, not failures",
        DefaultValueFactory = _ => defaultRequire,
    };

    public Option<string?> Shard { get; } = new("--shard") { Description = "Run only part i of n (1 <= i <= n) of the cases, split by case id: e.g. --shard 2/4. A shard the split leaves empty passes; a selection with no case at all fails in every shard" };
    public Option<string?> Json { get; } = new Option<string?>("--json") { Description = "Also write the run report (schema convverify-report/1, docs/report-schema.md) to this file: a regular file is replaced whole; a pipe or a device, "
        + "and /dev/stdout or /dev/fd/N whatever they lead to, are written in place (--json >(jq .summary) works)" }.Expecting("a file");
    public Option<string?> JUnit { get; } = new Option<string?>("--junit") { Description = "Also write the run as JUnit XML (one test case per case x direction x reference, and one for the run's verdict, failing when the exit code is not 0) for CI systems to display; "
        + "written as --json is" }.Expecting("a file");
    public Option<string?> Report { get; } = new Option<string?>("--report") { Description = "Also write an HTML report into this folder: DIR/index.html with the summary, every row, and pictures of where each failing direction is wrong" }.Expecting("a folder");
    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Print every row, not just failures and the summary" };
    public Option<bool> Strict { get; } = new("--strict") { Description = "Treat warnings (e.g. candidate files that match no case) as errors: exit 2" };

    public Option<string> Tolerance { get; } = new("--tolerance")
    {
        Description = "Normal-fill rule. probabilistic: the sound bound is the hard limit and an element beyond the tighter probabilistic "
            + "bound (docs/tolerance.md) is suspicious, which fails the run (bf16 and f16 have that tier inside their own rule; imported packs' cases, whose inputs are not ConvVerify's fill, have the sound bound only); sound: only the sound bound, for implementations whose rounding does not "
            + "follow the model — Winograd or FFT convolutions, data-dependent summation orders",
        DefaultValueFactory = _ => "probabilistic",
    };

    public void AddTo(Command cmd)
    {
        cmd.Options.Add(Require);
        cmd.Options.Add(Shard);
        cmd.Options.Add(Json);
        cmd.Options.Add(JUnit);
        cmd.Options.Add(Report);
        cmd.Options.Add(Verbose);
        cmd.Options.Add(Strict);
        cmd.Options.Add(Tolerance);
    }

    /// <summary>The tolerance rule of --tolerance: null for the default rule, else one that replaces the probabilistic tier by the sound bound.</summary>
    public Func<Cases.ConvCase, ResultSource, ResultSource, Comparison.Tolerance>? ToleranceRuleOf(ParseResult pr) => pr.GetValue(Tolerance) switch
    {
        "probabilistic" => null,
        "sound" => RunPlan.SoundTolerance,
        var other => throw new CliException($"--tolerance: expected probabilistic or sound, got '{other}'"),
    };

    /// <summary>
    /// The warning for an explicit <c>--tolerance probabilistic</c> over cases whose inputs are not ConvVerify's fill
    /// (<see cref="Cases.ConvCase.ForeignInputs"/>): the tier models that fill, so those are judged by the sound bound
    /// all the same, and the user who asked for the tier is told rather than left to find SoundBound in the rows.
    /// </summary>
    public string? ForeignInputsWarning(ParseResult pr, IEnumerable<CaseEntry> cases)
    {
        if (pr.GetResult(Tolerance) is not { Implicit: false } || pr.GetValue(Tolerance) != "probabilistic") return null;
        int foreign = cases.Count(e => e.Case.ForeignInputs);
        return foreign == 0 ? null
            : $"--tolerance probabilistic: {Counted.Of(foreign, "case")} {(foreign == 1 ? "holds" : "hold")} inputs that are not ConvVerify's fill (imported from ONNX, or a "
                + "hand-made pack's own fill); the probabilistic tier models that fill only, so they are compared within the sound bound";
    }

    public Requirement RequirementOf(ParseResult pr) => pr.GetValue(Require) switch
    {
        "all" => Requirement.All,
        "any" => Requirement.Any,
        var other => throw new CliException($"--require: expected all or any, got '{other}'"),
    };

    public Runs.Shard ShardOf(ParseResult pr)
    {
        try
        {
            return pr.GetValue(Shard) is { } s ? Runs.Shard.Parse(s) : Runs.Shard.All;
        }
        catch (ArgumentException e)
        {
            throw new CliException("--shard: " + e.Plain()["shard: ".Length..]);
        }
    }

    /// <summary>
    /// Checks --json, --junit and --report can be written before any work is done, and that none of them would write over
    /// what the run reads: an input file (a batch file) or anything in an input folder (a pack, a candidate).
    /// </summary>
    public void CheckOutputs(ParseResult pr, params (string Option, string? Path)[] inputs) => CheckOutputs(pr, inputs, []);

    /// <summary>
    /// As <see cref="CheckOutputs(ParseResult, ValueTuple{string, string}[])"/>, and none of them may write over a file a
    /// batch includes (<paramref name="included"/>: the file and the <c>--batch</c> that pulls it in).
    /// </summary>
    public void CheckOutputs(ParseResult pr, IReadOnlyList<(string Option, string? Path)> inputs, IReadOnlyList<(string File, string Batch)> included)
    {
        string? json = pr.GetValue(Json), junit = pr.GetValue(JUnit), report = pr.GetValue(Report);
        CheckApart([("--json", json), ("--junit", junit), ("--report", report)], inputs, included);
        CheckReportApart(report, json, junit);
        CheckOutputs(json, junit);
        CheckReportFolder(report);
    }

    /// <summary>
    /// Refuses a <c>--json</c> or <c>--junit</c> file that is the <c>--report</c> folder, or that the page would write
    /// over: <c>index.html</c> or a failure's picture in that folder, or what its <c>index.html</c> links to.
    /// </summary>
    public static void CheckReportApart(string? report, string? json, string? junit)
    {
        if (report is null) return;
        string folder = Real(report);
        foreach (var (option, file) in new[] { ("--json", json), ("--junit", junit) })
        {
            if (file is null) continue;
            if (Path.GetFullPath(file) == Path.GetFullPath(report))
                throw new CliException($"{option}: {file} is also the --report folder; give each its own");
            if (WrittenByPage(folder, Real(file)) is { } name)
                throw new CliException($"{option}: {file} is where --report {report} writes {name}; give each its own");
        }
    }

    /// <summary>
    /// Refuses an output that is an input file or lies in an input folder (or is that folder), or that is a file a batch
    /// includes (<paramref name="included"/>: the file and the <c>--batch</c> that pulls it in, directly or not).
    /// </summary>
    public static void CheckApart(IEnumerable<(string Option, string? Path)> outputs, IEnumerable<(string Option, string? Path)> inputs,
        IEnumerable<(string File, string Batch)>? included = null)
    {
        var inputList = inputs.ToList();
        foreach (var (option, path) in inputList) NotEmpty(option, path);
        var given = inputList.Where(i => i.Path is not null).Select(i => (i.Option, i.Path, Full: Real(i.Path!))).ToList();
        var includes = (included ?? []).Select(i => (i.File, i.Batch, Full: Real(i.File))).ToList();
        foreach (var (option, path) in outputs)
        {
            if (path is null) continue;
            NotEmpty(option, path);
            string full = Real(path);
            foreach (var input in given)
            {
                if (Fixtures.PackPaths.SamePath(full, input.Full))
                    throw new CliException($"{option}: {path} is the {input.Option} the run reads; an output must not overwrite an input");
                // A hard link is the input under another name: report merge s1.json s2.json --json copy.json, copy.json a
                // hard link to s2.json, wrote the merged report over the shard it had read.
                if (Fixtures.PackPaths.SameFile(full, input.Full))
                    throw new CliException($"{option}: {path} is the {input.Option} {input.Path} the run reads, under another name (a hard link); an output must not overwrite an input");
                if (Directory.Exists(input.Full) && Fixtures.PackPaths.IsUnder(input.Full, full))
                    throw new CliException($"{option}: {path} is inside the {input.Option} folder {input.Path}; an output must not overwrite what the run reads");
            }
            foreach (var include in includes)
                if (Fixtures.PackPaths.SamePath(full, include.Full) || Fixtures.PackPaths.SameFile(full, include.Full))
                    throw new CliException($"{option}: {path} is {include.File}, a batch file that --batch {include.Batch} includes; an output must not overwrite what the run reads");
            if (option != "--report") continue;
            // The folder may hold inputs, but not under the names the page and its pictures take (report merge r/index.html
            // --report r wrote the page over the shard it had just read).
            foreach (var (what, inputFull) in given.Select(g => ($"the {g.Option} {g.Path}", g.Full)).Concat(includes.Select(i => ($"{i.File}, a batch file that --batch {i.Batch} includes", i.Full))))
                if (WrittenByPage(full, inputFull) is { } name)
                    throw new CliException($"--report: {path} would write {name} over {what}; an output must not overwrite what the run reads");
        }
    }

    // The name of the page's file that writing the HTML report into the (real) folder would write over the (real) file
    // with: a page file in the folder, or an entry of a page file's name there (index.html, a failure's picture) that is
    // a link to the file (or into it, a folder) or the file under another name; null when none. The page replaces its names rather than write
    // through them (HtmlReport.Write), so such a link is not written through; refused all the same, as the run would
    // replace a name the user made for the input (a link failure-0-heatmap.png to a pack's y.npy turned it into a PNG).
    private static string? WrittenByPage(string folder, string file)
    {
        if (Path.GetDirectoryName(file) is { } parent && Fixtures.PackPaths.SamePath(parent, folder) && Reports.HtmlReport.IsPageFile(Path.GetFileName(file)))
            return Path.GetFileName(file);
        if (!Directory.Exists(folder)) return null;
        foreach (string entry in Directory.EnumerateFileSystemEntries(folder).Where(e => Reports.HtmlReport.IsPageFile(Path.GetFileName(e))).Order(StringComparer.Ordinal))
        {
            string real = Real(entry);
            // The file may be an input folder (a pack): a link to its y.npy is a link into what the run reads.
            if (Fixtures.PackPaths.SamePath(real, file) || Fixtures.PackPaths.SameFile(real, file) || (Directory.Exists(file) && Fixtures.PackPaths.IsUnder(file, real)))
                return Path.GetFileName(entry);
        }
        return null;
    }

    /// <summary>
    /// Refuses a folder the command replaces whole (a pack writer's <c>--out</c>) when the replacement would take an input
    /// with it: as <see cref="CheckApart"/> (the folder is an input, lies in an input folder, or is a file a batch includes),
    /// and also when an input, or a file a batch includes, lies inside the folder.
    /// </summary>
    public static void CheckReplacedApart(string option, string? folder, IReadOnlyList<(string Option, string? Path)> inputs,
        IReadOnlyList<(string File, string Batch)>? included = null)
    {
        if (folder is null) return;
        included ??= [];
        CheckApart([(option, folder)], inputs, included);
        string full = Real(folder);
        // Equal paths were refused above; what is left is an input below the folder, which the swap would delete.
        foreach (var (what, path) in inputs)
            if (path is not null && Fixtures.PackPaths.IsUnder(full, Real(path)))
                throw new CliException($"{option}: {folder} holds the {what}{(Directory.Exists(Real(path)) ? " folder" : "")} {path} the run reads; "
                    + "replacing the folder would delete it");
        foreach (var (file, batch) in included)
            if (Fixtures.PackPaths.IsUnder(full, Real(file)))
                throw new CliException($"{option}: {folder} holds {file}, a batch file that --batch {batch} includes; replacing the folder would delete what the run reads");
    }

    // Links resolved: a link into the pack is the pack.
    private static string Real(string p) => Fixtures.PackPaths.RealPath(p);

    // An unset variable in a CI script (--candidate "$OUT") gives "", which .NET refuses naming no option; checked before
    // any path is resolved. A name of blanks only is a real name, but far more often a slip than meant: it is refused
    // saying what it is and how to give it on purpose.
    internal static void NotEmpty(string option, string? path)
    {
        if (path is null) return;
        if (path.Length == 0) throw new CliException($"{option}: the path is empty");
        if (path.Trim().Length == 0)
            throw new CliException($"{option}: the path is only blanks ('{Fixtures.PackPaths.Printable(path)}'); for a file or folder of that name give it as './{Fixtures.PackPaths.Printable(path)}'");
    }

    /// <summary>
    /// --json and --junit can each be written, and are not one file (the JUnit XML would replace the report): not by path,
    /// links followed, nor as one file under two names (a hard link).
    /// </summary>
    public static void CheckOutputs(string? json, string? junit)
    {
        CheckOutput("--json", json);
        CheckOutput("--junit", junit);
        if (json is null || junit is null) return;
        if (Path.GetFullPath(json) == Path.GetFullPath(junit))
            throw new CliException($"--junit: {junit} is also the --json file; give each its own");
        // A descriptor is written through, one output after the other, each in full: two of them may well lead to one
        // terminal or one file (--json /dev/stdout --junit /dev/stderr, 2>&1), and only one descriptor twice is one
        // output. Its real path was a name of /proc the user never gave ("/proc/PID/fd/pipe:[123]").
        int? jsonFd = Descriptors.Named(json), junitFd = Descriptors.Named(junit);
        if (jsonFd is not null || junitFd is not null)
        {
            if (jsonFd == junitFd) throw new CliException($"--junit: {junit} is descriptor {junitFd}, which --json {json} also writes; give each its own");
            return;
        }
        string a = Real(json), b = Real(junit);
        // A link j.xml -> a.json, or a hard link: the JUnit XML replaced the report, and the run passed.
        if (Fixtures.PackPaths.SamePath(a, b))
            throw new CliException($"--junit: {junit} leads to {b}, which --json {json} also writes (a symbolic link); give each its own");
        if (Fixtures.PackPaths.SameFile(a, b))
            throw new CliException($"--junit: {junit} is the --json file {json} under another name (a hard link); give each its own");
    }

    /// <summary>--report must name a folder that exists or can be made in an existing, writable parent.</summary>
    public static void CheckReportFolder(string? dir)
    {
        if (dir is null) return;
        string full = Path.GetFullPath(dir);
        // Said as what it is: a named pipe or a device was "a file", and the user looked for a file that was not there.
        if (File.Exists(full)) throw new CliException($"--report: {dir} is {Fixtures.PackPaths.KindOf(full)}; give a folder for index.html and its pictures");
        string? parent = Path.GetDirectoryName(full);
        if (parent is not null && !Directory.Exists(parent)) throw new CliException($"--report: cannot write {dir}: {NoFolder(parent)}");
        // Made to probe it, and removed again: the page makes it when it is written. Left, a run refused after this check
        // (soak --report nd1 --oracle bogus) left an empty folder behind.
        bool made = !Directory.Exists(full);
        try
        {
            Directory.CreateDirectory(full);
            string probe = Path.Combine(full, ".convverify-write-test");
            // Stryker disable once String : any content probes the same write
            File.WriteAllText(probe, "");
            File.Delete(probe);
            if (made)
            {
                Directory.Delete(full);
                return;
            }
            foreach (string entry in Directory.EnumerateFileSystemEntries(full).Where(e => Reports.HtmlReport.IsPageFile(Path.GetFileName(e))).Order(StringComparer.Ordinal))
            {
                string name = Path.GetFileName(entry);
                // A link is replaced, not written through (HtmlReport.Write); a folder, a named pipe or a device is not:
                // the whole run went by, then "Access to the path '…/index.html' is denied", or the run hung at a pipe.
                if (new FileInfo(entry).LinkTarget is not null) continue;
                string kind = Fixtures.PackPaths.KindOf(entry);
                if (Directory.Exists(entry)) throw new CliException($"--report: cannot write into {dir}: {name} there is a folder, where the page writes its {name}");
                if (kind != "a regular file")
                    throw new CliException($"--report: cannot write into {dir}: {name} there is {kind}, where the page writes its {name}; remove it");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder made only to probe goes too when the probe fails, or the refusal left it behind after all.
            if (made)
            {
                try
                {
                    Directory.Delete(full, recursive: true);
                }
                catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
                {
                    // The refusal below says what matters.
                }
            }
            throw new CliException($"--report: cannot write into {dir}: {e.Message}");
        }
    }

    // Why an output's folder is not there: a regular file in its place, or above it, was "folder ... does not exist", and
    // the user looked for a folder to make where a file stood.
    internal static string NoFolder(string folder)
    {
        string? file = Fixtures.PackPaths.InTheWay(folder);
        string what = file is null ? "" : $"{file} is {Fixtures.PackPaths.KindOf(file)}, not a folder";
        return file == folder ? what : file is null ? $"folder {folder} does not exist" : $"folder {folder} does not exist ({what})";
    }

    /// <summary>
    /// An output file must be writable before any work is done: not a folder, in a folder that exists, not read-only,
    /// and, when it is not there yet, creatable (it is created and removed again).
    /// </summary>
    public static void CheckOutput(string option, string? path)
    {
        if (path is null) return;
        NotEmpty(option, path);
        string full = Path.GetFullPath(path);
        // Written through the descriptor itself (ReplacedFile): no file is made or replaced, so no folder need take one,
        // but the descriptor must take a write, or the whole run went by before "Bad file descriptor".
        try
        {
            if (Descriptors.Named(full) is { } fd)
            {
                if (Descriptors.WhyNotWritable(fd) is { } notWritable) throw new CliException($"{option}: cannot write {path}: {notWritable}");
                return;
            }
        }
        catch (Fixtures.FixtureException e)
        {
            throw new CliException($"{option}: cannot write {path}: {e.Message}");
        }
        if (Directory.Exists(full)) throw new CliException($"{option}: cannot write {path}: it is a folder");
        string? dir = Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir)) throw new CliException($"{option}: cannot write {path}: {NoFolder(dir)}");
        try
        {
            // A link whose target's folder is missing (File.Exists is true for it): the whole run went by, then "Could not
            // find file". One whose target's folder is there makes the target.
            if (new FileInfo(full).LinkTarget is not null && Fixtures.PackPaths.KindOf(full) == "a symbolic link leading nowhere"
                && Path.GetDirectoryName(Real(full)) is { } targetFolder && !Directory.Exists(targetFolder))
                throw new CliException($"{option}: cannot write {path}: it is a symbolic link to {Real(full)}, and {NoFolder(targetFolder)}");
            // A file that is there is not opened: it may be a named pipe, whose reader would take an empty open and close
            // for the whole output, or a device.
            if (File.Exists(full))
            {
                if (File.GetAttributes(full).HasFlag(FileAttributes.ReadOnly)) throw new CliException($"{option}: cannot write {path}: it is read-only");
                // A regular file is replaced by a new one made beside it (ReplacedFile): its folder, the link's target's
                // where it is a link, must take a new entry, or the run's output was lost at its very end.
                string real = Real(full);
                if (Fixtures.PackPaths.KindOf(real) == "a regular file" && Path.GetDirectoryName(real) is { } folder
                    && Fixtures.PackPaths.WhyNotWritable(folder) is { } why)
                    throw new CliException($"{option}: cannot write {path}: it is replaced by a new file made in {folder}, which cannot be written ({why})");
                return;
            }
            using (new FileStream(full, FileMode.CreateNew, FileAccess.Write)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{option}: cannot write {path}: {e.Message}");
        }
        try
        {
            File.Delete(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The empty file stays (a scanner holding it on Windows, say); the output overwrites it at the end.
        }
    }

    /// <summary>Runs the plan, prints the report, writes the JSON, and returns the exit code.</summary>
    public int Execute(Spectre.Console.IAnsiConsole console, ParseResult pr, RunPlan plan, string what, Action<RunReport>? after = null)
    {
        // A failing row's error map is a pass over its elements: made when a file (--report, --json) will hold it.
        var report = Progress.Run(console, what, plan with { ErrorMaps = pr.GetValue(Report) is not null || pr.GetValue(Json) is not null });
        ConsoleReport.Print(console, report, pr.GetValue(Verbose));
        after?.Invoke(report);
        return Finish(report, pr.GetValue(Json), pr.GetValue(JUnit), pr.GetValue(Report));
    }

    /// <summary>Writes the report's files and returns its exit code.</summary>
    public static int Finish(RunReport report, string? json, string? junit, string? html = null)
    {
        Write("--json", json, report.Write);
        Write("--junit", junit, p => Reports.JUnitWriter.Write(report, p));
        Write("--report", html, d => Reports.HtmlReport.Write(report, d));
        return report.ExitCode();
    }

    /// <summary>
    /// Writes an output file through <paramref name="write"/>, a failure (a full disk, a device) named by its option and path
    /// as a usage error rather than a bare .NET message.
    /// </summary>
    internal static void Write(string option, string? path, Action<string> write)
    {
        if (path is null) return;
        try
        {
            write(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{option}: cannot write {path}: {e.Message}");
        }
    }
}
