using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ConvVerify.Cases;
using ConvVerify.Problems;

namespace ConvVerify.Runs;

/// <summary>
/// The typed, versioned result of a run (schema in docs/report-schema.md): every row, the sides compared, warnings,
/// timings, and the one exit-code rule every command uses. Every report writer consumes this.
/// </summary>
public sealed class RunReport
{
    /// <summary>The schema id written into every report.</summary>
    public const string SchemaId = "convverify-report/1";

    /// <summary>Exit code: every compared direction passed and every requirement held.</summary>
    public const int ExitPass = 0;

    /// <summary>Exit code: a direction failed or was suspicious, or a required direction was absent.</summary>
    public const int ExitFail = 1;

    /// <summary>Exit code: unusable input (unreadable pack, rejected problem, bad usage), or an oracle that failed on the input (no verdict either way).</summary>
    public const int ExitBadInput = 2;

    /// <summary>The schema id of this report (required of a report read: docs/report-schema.md says readers check it).</summary>
    [JsonPropertyName("schema")] [JsonRequired] public string Schema { get; init; } = SchemaId;

    /// <summary>The command that ran, e.g. "check".</summary>
    [JsonPropertyName("command")] public required string Command { get; init; }

    /// <summary>What was checked.</summary>
    [JsonPropertyName("subject")] public required SourceInfo Subject { get; init; }

    /// <summary>What it was checked against, in order.</summary>
    [JsonPropertyName("references")] public required List<SourceInfo> References { get; init; }

    /// <summary>Whether absent directions fail the run.</summary>
    [JsonPropertyName("requirement")] [JsonConverter(typeof(RequirementConverter))] public Requirement Requirement { get; init; } = Requirement.All;

    /// <summary>Whether warnings are errors (exit 2).</summary>
    [JsonPropertyName("strict")] public bool Strict { get; init; }

    /// <summary>Whether comparing nothing fails the run.</summary>
    [JsonPropertyName("require_comparison")] public bool RequireComparison { get; init; } = true;

    /// <summary>
    /// The normal-fill rule the run was given (<c>--tolerance</c>: "probabilistic" or "sound"); null where the command
    /// sets its own rule (<c>fixtures check</c>), or in a report from before it was recorded.
    /// </summary>
    [JsonPropertyName("tolerance")] public string? ToleranceMode { get; init; }

    /// <summary>The base seed of the inputs (<c>--seed</c>) of a run with a live oracle; null where a pack holds the inputs.</summary>
    [JsonPropertyName("seed")] public ulong? Seed { get; init; }

    /// <summary>The shard this report covers, "i/n".</summary>
    [JsonPropertyName("shard")] public string Shard { get; init; } = Runs.Shard.All.ToString();

    /// <summary>How many cases the whole selection held, before sharding.</summary>
    [JsonPropertyName("selection_cases")] public int SelectionCases { get; init; }

    /// <summary>A hash of every case id of the whole selection, before sharding: shards of one run share it.</summary>
    [JsonPropertyName("selection_hash")] public string SelectionHash { get; init; } = "";

    /// <summary>
    /// <see cref="SetHashOf"/> the case ids of the whole selection, before sharding: unlike <see cref="SelectionHash"/>
    /// (the ids in plan order) it does not depend on their order, so <c>report merge</c> recomputes it from the cases of
    /// the shards' rows and sees whether they are the selection's. Empty in a report from before it was recorded.
    /// </summary>
    [JsonPropertyName("selection_set_hash")] public string SelectionSetHash { get; init; } = "";

    /// <summary>
    /// UTC start time, ISO 8601. Required of a report read: its default is the time the object is made, and a report
    /// without it was merged as a run that started when the merge ran.
    /// </summary>
    [JsonPropertyName("started")] [JsonRequired] public string Started { get; init; } = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>Wall time of the run in seconds.</summary>
    [JsonPropertyName("seconds")] public double Seconds { get; set; }

    /// <summary>Things a user should know that are not rows: unmatched candidate files, packs without manifest.</summary>
    [JsonPropertyName("warnings")] public List<string> Warnings { get; init; } = [];

    /// <summary>
    /// Problems the selection named but the run left out, each with why (benchdnn entries with unsupported options, too
    /// large, …): the first <see cref="MaxSkippedListed"/> of them, in order; <see cref="SkippedByKind"/> counts them all.
    /// </summary>
    [JsonPropertyName("skipped")] public List<SkippedProblem> Skipped { get; init; } = [];

    /// <summary>How many problems were left out, by <see cref="SkippedProblem.Kind"/>: all of them, listed or not.</summary>
    [JsonPropertyName("skipped_by_kind")] public SortedDictionary<string, int> SkippedByKind { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Most skipped problems a report lists: benchdnn's whole corpus skips about 200,000 entries (options and dtypes
    /// this harness does not model), which would make every report tens of megabytes of the same few reasons.
    /// </summary>
    public const int MaxSkippedListed = 1000;

    /// <summary>How many problems were left out in all.</summary>
    [JsonIgnore] public int SkippedTotal => SkippedByKind.Values.Sum();

    /// <summary>The report's <see cref="Skipped"/> and <see cref="SkippedByKind"/> for a run that left out <paramref name="skipped"/>.</summary>
    public static (List<SkippedProblem> Listed, SortedDictionary<string, int> ByKind) SkippedOf(IEnumerable<SkippedProblem> skipped)
    {
        ArgumentNullException.ThrowIfNull(skipped);
        var all = skipped.ToList();
        var byKind = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var g in all.GroupBy(k => k.Kind)) byKind[g.Key] = g.Count();
        return ([.. all.Take(MaxSkippedListed)], byKind);
    }

    /// <summary>
    /// The cases of this report checked in other directions than y, dx, dw and db (a problem without bias has no db; a
    /// benchdnn batch file's <c>--dir=</c>, a pack's result file found missing, or corrupt where the pack is the oracle, leave some out), each with the directions
    /// it was checked in, in that order; a case checked in all four is not listed. With it a reader sees a direction's rows
    /// cut from a case; null in a report from before it was recorded (2026-12-02), which <c>report merge</c> refuses.
    /// </summary>
    [JsonPropertyName("case_directions")] public SortedDictionary<string, List<string>>? CaseDirections { get; init; }

    /// <summary>
    /// Whether a direction selection (a benchdnn batch file's <c>--dir=</c>, a plan's <see cref="RunPlan.Directions"/>)
    /// left some direction of a case of the whole selection out. When false, every case is checked in all its problem's
    /// directions (y, dx and dw without bias, and db with it) but those whose result file its pack's integrity check found
    /// missing or corrupt, which rows of case <see cref="Plans.PackCase"/> report: without them, a case of
    /// <see cref="CaseDirections"/> is listed with y, dx and dw only, and a shard whose failing direction was cut along with
    /// its name in that list is refused. Null in a report from before it was recorded (2026-12-02).
    /// </summary>
    [JsonPropertyName("directions_selected")] public bool? DirectionsSelected { get; init; }

    /// <summary>
    /// The <see cref="CaseDirections"/> of cases checked in the directions given (each case's id with its directions): those
    /// checked in some but not all of y, dx, dw and db. A case given twice is checked in the directions of both.
    /// </summary>
    public static SortedDictionary<string, List<string>> CaseDirectionsOf(IEnumerable<(string Case, IReadOnlyCollection<Direction> Directions)> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var checkedIn = new Dictionary<string, HashSet<Direction>>(StringComparer.Ordinal);
        foreach (var (id, directions) in cases)
        {
            if (!checkedIn.TryGetValue(id, out var set)) checkedIn[id] = set = [];
            set.UnionWith(directions);
        }
        var listed = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (id, set) in checkedIn)
            // A case with no direction has no rows to check against a list; one with all four is the default.
            if (set.Count > 0 && set.Count < Cases.Directions.All.Count)
                listed[id] = [.. Cases.Directions.All.Where(set.Contains).Select(d => d.TensorName())];
        return listed;
    }

    /// <summary>Every row, in run order.</summary>
    [JsonPropertyName("rows")] public List<RunRow> Rows { get; init; } = [];

    /// <summary>
    /// Counts and the exit code, computed from the rows: what is written. What a file read back held is kept apart, as
    /// <see cref="WrittenSummary"/>, so a reader can see whether the rows still agree with it.
    /// </summary>
    [JsonPropertyName("summary")] public RunSummary Summary
    {
        get => Summarise();
        init => WrittenSummary = value;
    }

    /// <summary>The summary a report read from a file held; null for a report made in memory, or a file without one.</summary>
    [JsonIgnore] public RunSummary? WrittenSummary { get; init; }

    private RunSummary Summarise() => new()
    {
        Cases = CaseCount(),
        Directions = Rows.Count - FileCount(),
        Files = FileCount(),
        Skipped = SkippedTotal,
        Outcomes = new SortedDictionary<string, int>(Enum.GetValues<Outcome>().ToDictionary(o => o.Name(), DirectionCount), StringComparer.Ordinal),
        ExitCode = ExitCode(),
        Reasons = [.. Reasons()],
    };

    // The rows about a pack's files are no case of it: counted, a pack with a corrupt file had one case more than it holds.
    private int CaseCount() => Rows.Select(r => r.Case).Where(c => c != Plans.PackCase).Distinct(StringComparer.Ordinal).Count();

    /// <summary>Rows with that outcome, those about a pack's files included (each is a JUnit test case, and an ERROR among them still exits 2).</summary>
    public int Count(Outcome outcome) => Rows.Count(r => r.Outcome == outcome);

    // A pack's corrupt or missing file is a file, not a direction: counted among the directions that failed, the summary
    // line said "3 failed" where the reasons said "1 direction failed" and "2 files of the pack …".
    private int DirectionCount(Outcome outcome) => Rows.Count(r => r.Outcome == outcome && r.Case != Plans.PackCase);

    private int FileCount() => Rows.Count(r => r.Case == Plans.PackCase);

    /// <summary>
    /// The one exit-code rule: 2 when any input was unusable or an oracle failed on it (or, when <see cref="Strict"/>, anything was warned about);
    /// 1 when any direction failed or was suspicious, a required direction was absent, or nothing was compared at all
    /// (no case selected; a shard left empty by the split of a selection that has cases is not that); else 0.
    /// </summary>
    public int ExitCode()
    {
        if (Count(Outcome.Error) > 0 || (Strict && Warnings.Count > 0)) return ExitBadInput;
        return Reasons().Any() ? ExitFail : ExitPass;
    }

    /// <summary>Why the run does not pass, one sentence each (empty when it does).</summary>
    public IEnumerable<string> Reasons()
    {
        // A pack's corrupt or missing files are rows too (an error where the pack is the oracle, a failure where it is
        // checked), said as files: "2 directions failed" for one failed direction and one corrupt file miscounts both.
        int files = Rows.Count(r => r.Case == Plans.PackCase);
        int errors = Rows.Count(r => r.Outcome == Outcome.Error && r.Case != Plans.PackCase && r.ErrorCauseOrInput == ErrorCause.Input);
        int oracleFailures = Rows.Count(r => r.Outcome == Outcome.Error && r.Case != Plans.PackCase && r.ErrorCauseOrInput == ErrorCause.Oracle);
        int failed = Rows.Count(r => r.Outcome == Outcome.Fail && r.Case != Plans.PackCase);
        if (files > 0) yield return $"{Counted.Of(files, "file")} of the pack {(files == 1 ? "fails its" : "fail their")} manifest's sha256 or {(files == 1 ? "is" : "are")} missing";
        if (errors > 0) yield return $"{Counted.Of(errors, "direction")} could not be checked ({ErrorCause.Input.Name()})";
        // A broken dependency (torch raising or timing out, a library missing) is no fault of the input: said apart, so
        // nobody goes looking for one. Still exit 2: the run is no verdict on the subject.
        if (oracleFailures > 0) yield return $"{Counted.Of(oracleFailures, "direction")} could not be checked ({ErrorCause.Oracle.Name()}, not unusable input)";
        if (Strict && Warnings.Count > 0) yield return $"{Counted.Of(Warnings.Count, "warning")}, and --strict makes warnings errors";
        if (failed > 0) yield return $"{Counted.Of(failed, "direction")} failed";
        if (Count(Outcome.Suspicious) is > 0 and var suspicious)
            yield return $"{Counted.Of(suspicious, "direction")} {(suspicious == 1 ? "is" : "are")} suspicious (beyond the probabilistic bound)";
        if (Requirement == Requirement.All)
        {
            // The pack is the oracle where it is the reference: a direction it does not hold was not provided by it, and
            // under --require all fails as one the oracle declined would. Counted as informational, a pack stripped of
            // every dw.npy (and its manifest re-hashed) passed a candidate whose dw were all garbage.
            foreach (var o in new[] { Outcome.NotInPack, Outcome.NotProvided, Outcome.NotProvidedByOracle })
            {
                var absent = Rows.Where(r => r.Outcome == o).ToList();
                if (absent.Count > 0)
                    yield return $"--require all: {Counted.Of(absent.Count, "direction")} {o.Name()} (first: {absent[0].Case} {absent[0].Direction}: {WithoutDirection(absent[0])}); --require any accepts absent directions";
            }
        }
        // Rows that are all errors have their reason above: saying they were absent sent users looking for files that were there.
        if (RequireComparison && Rows.Count > 0 && Rows.All(r => r.Outcome is not (Outcome.Pass or Outcome.Fail or Outcome.Suspicious))
            && Rows.Any(r => r.Outcome != Outcome.Error))
        {
            yield return "nothing was compared: every direction was absent on one side" + (Count(Outcome.Error) > 0 ? " or could not be checked" : "");
        }
        // An empty shard of a selection that has cases is normal: a CI matrix's job for it must not fail. An empty
        // selection is the user's filters matching nothing, and fails in every shard: split or not, the verdict is one.
        if (RequireComparison && Rows.Count == 0)
        {
            if (Shard == Runs.Shard.All.ToString()) yield return "no case was selected";
            else if (SelectionCases == 0) yield return $"no case was selected, in shard {Shard} or any other: the selection is empty before --shard splits it";
        }
    }

    // Every source's reason begins with its tensor ("dw: not provided (...)"), which the row's direction already says.
    private static string WithoutDirection(RunRow r) =>
        r.Reason.StartsWith(r.Direction + ": ", StringComparison.Ordinal) ? r.Reason[(r.Direction.Length + 2)..] : r.Reason;

    /// <summary>"check: 74 cases, 290 directions: 290 passed, 0 failed, …" — the line every writer ends with.</summary>
    public string SummaryLine()
    {
        // Every outcome, always, in one order: the line is read by people and by grep.
        var parts = new List<string> { $"{DirectionCount(Outcome.Pass)} passed", $"{DirectionCount(Outcome.Fail)} failed" };
        foreach (var o in new[] { Outcome.Suspicious, Outcome.NotInPack, Outcome.NotProvidedByOracle, Outcome.NotProvided })
            parts.Add($"{DirectionCount(o)} {o.Name()}");
        int oracleFailures = Rows.Count(r => r.Outcome == Outcome.Error && r.Case != Plans.PackCase && r.ErrorCauseOrInput == ErrorCause.Oracle);
        // The count of every error stays as grep reads it; how many of them an oracle's failure made is said after it,
        // without a bracket of its own: "1 error (1 oracle failure) (naive against …)" read as two afterthoughts.
        int errors = DirectionCount(Outcome.Error);
        parts.Add(Counted.Of(errors, "error") + (oracleFailures == 0 ? ""
            : errors == 1 ? ", an " + ErrorCause.Oracle.Name()
            : $", {oracleFailures} of them {(oracleFailures == 1 ? "an " + ErrorCause.Oracle.Name() : ErrorCause.Oracle.Name() + "s")}"));
        // Said only when there are any: a run of a hand-picked set skips nothing, a benchdnn corpus run usually does.
        if (SkippedTotal > 0) parts.Add($"{Counted.Of(SkippedTotal, "problem")} skipped");
        // Said only when there are any, as files, apart from the directions (the reasons say them so too).
        if (FileCount() is > 0 and var files) parts.Add($"{Counted.Of(files, "file")} of the pack corrupt or missing");
        string against = string.Join(", ", References.Select(r => r.Describe()));
        return string.Create(CultureInfo.InvariantCulture,
            $"{Command}: {Counted.Of(CaseCount(), "case")}, {Counted.Of(Rows.Count - FileCount(), "direction")}: {string.Join(", ", parts)} ({Subject.Name} against {against}{(Shard == Runs.Shard.All.ToString() ? "" : ", shard " + Shard)}, {Seconds:0.0} s)");
    }

    /// <summary>The <see cref="SelectionHash"/> of a list of case ids: SHA-256 of the ids, one per line, in order.</summary>
    public static string HashOf(IEnumerable<string> caseIds)
    {
        ArgumentNullException.ThrowIfNull(caseIds);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", caseIds))));
    }

    /// <summary>
    /// The <see cref="SelectionSetHash"/> of a set of case ids: SHA-256 of the distinct ids' UTF-8 bytes sorted bytewise,
    /// each written as a netstring (its byte count in decimal, ':', its bytes, ','), so no id's own characters (a line
    /// feed in a folder name) can make two sets hash alike.
    /// </summary>
    public static string SetHashOf(IEnumerable<string> caseIds)
    {
        ArgumentNullException.ThrowIfNull(caseIds);
        var ids = caseIds.Distinct(StringComparer.Ordinal).Select(System.Text.Encoding.UTF8.GetBytes).ToList();
        ids.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (byte[] id in ids)
        {
            sha.AppendData(System.Text.Encoding.ASCII.GetBytes(id.Length.ToString(CultureInfo.InvariantCulture) + ":"));
            sha.AppendData(id);
            sha.AppendData(","u8);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>
    /// JSON settings of reports: indented, NaN and infinities as "NaN"/"Infinity" strings (JSON has no such numbers), every
    /// other double as a number that reads back bit for bit (<see cref="RoundTripDoubleConverter"/>); a key given twice in
    /// an object or map is refused when read rather than the last taken.
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowDuplicateProperties = false,
        Converters = { new RoundTripDoubleConverter() },
    };

    // A report read is someone else's file (a CI job's shard): a null where the model has none crashed the merge with a
    // NullReferenceException, or said "Value cannot be null" naming no file. Nullable annotations cover the members;
    // elements of lists and maps, which they do not, are checked by Malformed.
    private static readonly JsonSerializerOptions ReadOptions = new(JsonOptions) { RespectNullableAnnotations = true };

    // What the writer never writes and the readers of a report would trip over, named by its JSON path; null when none.
    private static string? Malformed(RunReport r)
    {
        static string? NullIn<T>(string what, IReadOnlyList<T?> items) where T : class =>
            Enumerable.Range(0, items.Count).Where(i => items[i] is null).Select(i => $"{what}[{i}] is null").FirstOrDefault();
        static string? NullVersion(string what, SourceInfo s) =>
            s.Versions.Where(kv => kv.Value is null).Select(kv => $"{what}.versions[\"{ReportChecks.Printable(kv.Key)}\"] is null").FirstOrDefault();
        string? why = NullIn("rows", r.Rows) ?? NullIn("references", r.References) ?? NullIn("warnings", r.Warnings) ?? NullIn("skipped", r.Skipped)
            ?? NullVersion("subject", r.Subject)
            ?? Enumerable.Range(0, r.References.Count).Select(i => NullVersion($"references[{i}]", r.References[i])).FirstOrDefault(w => w is not null)
            ?? (r.WrittenSummary is { } written ? NullIn("summary.reasons", written.Reasons) : null);
        return why ?? BadToleranceMode(r.ToleranceMode) ?? BadLayout("subject", r.Subject)
            ?? (r.Subject.Packs is null ? null : "subject.packs is given, but the subject checked reads no pack: packs are recorded of the references that read them")
            ?? Enumerable.Range(0, r.References.Count).Select(i => BadPacks($"references[{i}]", r.References[i])).FirstOrDefault(w => w is not null)
            ?? (r.CaseDirections is { } listed ? listed.Where(kv => kv.Value is null).Select(kv => $"case_directions[\"{ReportChecks.Printable(kv.Key)}\"] is null").FirstOrDefault() : null)
            ?? Enumerable.Range(0, r.References.Count).Select(i => BadLayout($"references[{i}]", r.References[i])).FirstOrDefault(w => w is not null)
            ?? Enumerable.Range(0, r.Rows.Count).Select(i => BadCause($"rows[{i}]", r.Rows[i])).FirstOrDefault(w => w is not null)
            ?? BadCommand(r.Command)
            ?? MissingOption(r)
            ?? Enumerable.Range(0, r.Rows.Count).Select(i => BadWords($"rows[{i}]", r.Rows[i])).FirstOrDefault(w => w is not null)
            ?? BadStarted(r.Started)
            ?? BadSeconds("seconds", r.Seconds)
            ?? Enumerable.Range(0, r.Rows.Count).Select(i => BadSeconds($"rows[{i}].seconds", r.Rows[i].Seconds)).FirstOrDefault(w => w is not null)
            ?? Enumerable.Range(0, r.Rows.Count).Select(i => r.Rows[i].Map is { } map ? MalformedMap($"rows[{i}].map", map) : null).FirstOrDefault(w => w is not null)
            ?? ReportChecks.Inconsistent(r);
    }

    // check's --tolerance as the run was given it, or none: another word was merged and written back as if a run had used it.
    private static string? BadToleranceMode(string? mode) => mode is null or "probabilistic" or "sound" ? null
        : $"tolerance is \"{ReportChecks.Printable(mode)}\", expected \"probabilistic\" or \"sound\" (check's --tolerance) or none";

    // A layout the writer never writes (NCHW is left out) would be shown and compared by report merge as if it were one.
    private static string? BadLayout(string what, SourceInfo s) => s.Layout is null or "channels-last" ? null
        : $"{what}.layout is \"{ReportChecks.Printable(s.Layout)}\", expected \"channels-last\" or none (NCHW)";

    // The packs a reference read: report merge compares their manifests' sha256, which a null or another text would
    // make equal or different for no pack's reason.
    private static string? BadPacks(string what, SourceInfo s)
    {
        if (s.Packs is not { } packs) return null;
        if (packs.Count == 0) return $"{what}.packs is empty: a reference that reads packs reads one at least (a reference that reads none has no packs)";
        for (int i = 0; i < packs.Count; i++)
        {
            if (packs[i] is null) return $"{what}.packs[{i}] is null";
            if (packs[i].ManifestSha256 is { } sha && !(sha.Length == 64 && sha.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')))
                return $"{what}.packs[{i}].manifest_sha256 is \"{ReportChecks.Printable(sha)}\", not a SHA-256 (64 lower-case hex digits), or absent for a pack without manifest.json";
        }
        return null;
    }

    // The cause says why an ERROR row could not be checked; on another row it says nothing true. (Its value is one of
    // the two already: the reader takes nothing else, ErrorCauseConverter.)
    private static string? BadCause(string what, RunRow row) => row.Cause is not null && row.Outcome != Outcome.Error
        ? $"{what}.cause is given on a \"{row.Outcome.Name()}\" row: only ERROR rows have one"
        : null;

    // The writer's form only: report merge takes the earliest shard's start by comparing the strings, which orders times
    // of this form alone; "garbage" or "!" was taken as is, and "!" became the merged run's start and JUnit's timestamp.
    private static string? BadStarted(string started) =>
        DateTime.TryParseExact(started, "yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out _)
            ? null
            : $"started is \"{ReportChecks.Printable(started)}\", expected a UTC time as yyyy-MM-ddTHH:mm:ssZ";

    /// <summary>
    /// Most seconds a report's run, or a row, may take: about 31 years. More is no run's time: 1.7e308 was read, and
    /// printed as a number of 309 digits in the summary line and JUnit's time attribute.
    /// </summary>
    public const double MaxSeconds = 1e9;

    // A time is a finite count of seconds: "NaN" or "-Infinity", which the JSON reader takes, went into JUnit's time
    // attribute, a decimal there, and into the summary line as "NaN s".
    private static string? BadSeconds(string what, double seconds) =>
        !(double.IsFinite(seconds) && seconds >= 0) ? string.Create(CultureInfo.InvariantCulture, $"{what} is {seconds}, not a time")
        : seconds > MaxSeconds ? string.Create(CultureInfo.InvariantCulture, $"{what} is {seconds}, more than the {MaxSeconds:0} seconds (about 31 years) a run may take")
        : null;

    // What every run of its command records: check, verify-impl and soak their --tolerance, soak its --seed (from which
    // its random cases and their inputs are made); fixtures check sets its own rule, and a pack holds the inputs of
    // verify-impl and fixtures check. A shard without them was read as one from before they were recorded, and merged as
    // if run under whatever its partners were (or refused only as differing from them).
    private static string? MissingOption(RunReport r) => r.Command switch
    {
        RunCommands.Check or RunCommands.VerifyImpl or RunCommands.Soak when r.ToleranceMode is null =>
            $"tolerance is not given: a {r.Command} report records the --tolerance it was run with",
        RunCommands.FixturesCheck when r.ToleranceMode is { } mode =>
            $"tolerance is \"{ReportChecks.Printable(mode)}\", but a {r.Command} report has none: that command sets its own rule",
        RunCommands.Soak when r.Seed is null => "seed is not given: a soak report records the --seed its cases and their inputs were made from",
        RunCommands.VerifyImpl or RunCommands.FixturesCheck when r.Seed is { } seed =>
            string.Create(CultureInfo.InvariantCulture, $"seed is {seed}, but a {r.Command} report has none: a pack holds its inputs"),
        _ => null,
    };

    // The words the writers write: another command was merged and shown as the run's ("rm -rf"), another dtype or fill
    // shown and counted as if a case had it. The rows about the pack (subject "-") that could not read a case say "?" or
    // "-" for what they could not tell.
    private static string? BadCommand(string command) => RunCommands.All.Contains(command, StringComparer.Ordinal) ? null
        : $"command is \"{ReportChecks.Printable(command)}\", expected {string.Join(", ", RunCommands.All.Select(c => $"\"{c}\""))}";

    private static readonly string[] DTypeNames = [.. Enum.GetValues<Problems.DType>().Select(Problems.DTypes.ShortName)];
    private static readonly string[] FillNames = [.. Enum.GetValues<Cases.Fill>().Select(Cases.ConvCase.FillName)];

    private static string? BadWords(string what, RunRow row)
    {
        bool aboutPack = row.Subject == RunRow.NoSubject;
        bool Known(string[] names, string value) => names.Contains(value, StringComparer.Ordinal) || (aboutPack && value is "?" or "-");
        string Expected(string[] names) => string.Join(", ", names.Select(n => $"\"{n}\"")) + (aboutPack ? ", or \"?\" or \"-\" on a row about the pack" : "");
        if (!Known(DTypeNames, row.DType)) return $"{what}.dtype is \"{ReportChecks.Printable(row.DType)}\", expected {Expected(DTypeNames)}";
        if (!Known(FillNames, row.Fill)) return $"{what}.fill is \"{ReportChecks.Printable(row.Fill)}\", expected {Expected(FillNames)}";
        // A direction is one of the four, or "*" for a row about a whole case or a file: another ("dz") was counted and
        // merged as a direction checked.
        return DirectionNames.Contains(row.Direction, StringComparer.Ordinal) ? null
            : $"{what}.direction is \"{ReportChecks.Printable(row.Direction)}\", expected {string.Join(", ", DirectionNames.SkipLast(1).Select(d => $"\"{d}\""))}, or \"*\" for a row about a whole case";
    }

    /// <summary>The four directions' names as rows and <c>case_directions</c> write them, in the order the run takes them.</summary>
    internal static readonly string[] CheckedDirectionNames = [.. Directions.All.Select(d => d.TensorName())];

    private static readonly string[] DirectionNames = [.. CheckedDirectionNames, "*"];

    // The pictures index the ratios as height x width and the counts by the edges: a map that does not hold them threw
    // IndexOutOfRangeException, and a vast height ran out of memory, while the HTML page was drawn.
    private static string? MalformedMap(string what, ErrorMap m)
    {
        if (m.Height < 1 || m.Width < 1) return string.Create(CultureInfo.InvariantCulture, $"{what} is {m.Height} x {m.Width}: a slice has at least one row and one column");
        if ((long)m.Height * m.Width != m.Ratios.Length)
            return string.Create(CultureInfo.InvariantCulture, $"{what} is {m.Height} x {m.Width}, but holds {m.Ratios.Length} ratios");
        if (m.HistogramEdges.Length != m.HistogramCounts.Length)
            return string.Create(CultureInfo.InvariantCulture, $"{what} has {m.HistogramEdges.Length} histogram edges, but {m.HistogramCounts.Length} counts");
        return m.HistogramCounts.Any(c => c < 0) ? $"{what} has a negative histogram count" : null;
    }

    // The kind of JSON value a report holds where System.Text.Json wanted the C# type named; null for a type no member of
    // a report has by itself (a list of rows, a record), whose failures System.Text.Json words.
    private static string? KindOf(string type)
    {
        type = type.StartsWith("System.Nullable`1[", StringComparison.Ordinal) ? type["System.Nullable`1[".Length..^1] : type;
        return type.StartsWith("System.Collections.Generic.List`1[", StringComparison.Ordinal) ? "a list"
            : type.StartsWith("System.Collections.Generic.SortedDictionary`2[", StringComparison.Ordinal) ? "an object"
            : Kinds.GetValueOrDefault(type);
    }

    private static readonly Dictionary<string, string> Kinds = new(StringComparer.Ordinal)
    {
        [typeof(int).FullName!] = string.Create(CultureInfo.InvariantCulture, $"an integer from {int.MinValue} to {int.MaxValue}"),
        [typeof(ulong).FullName!] = string.Create(CultureInfo.InvariantCulture, $"an integer from 0 to {ulong.MaxValue}"),
        [typeof(long).FullName!] = string.Create(CultureInfo.InvariantCulture, $"an integer from {long.MinValue} to {long.MaxValue}"),
        [typeof(double).FullName!] = "a number, \"NaN\", \"Infinity\" or \"-Infinity\"",
        [typeof(bool).FullName!] = "true or false",
        [typeof(string).FullName!] = "a string",
        [typeof(int[]).FullName!] = "a list of integers",
        [typeof(double[]).FullName!] = "a list of numbers",
        [typeof(long[]).FullName!] = "a list of integers",
        [typeof(RunRow).FullName!] = "an object", [typeof(SourceInfo).FullName!] = "an object", [typeof(WorstElement).FullName!] = "an object",
        [typeof(ErrorMap).FullName!] = "an object", [typeof(RunSummary).FullName!] = "an object", [typeof(SkippedProblem).FullName!] = "an object",
        // The converters of the other enums say their own refusals (ExactNameConverter); an outcome's said only its name.
        [typeof(Outcome).FullName!] = $"an outcome: expected {string.Join(", ", Enum.GetValues<Outcome>().Select(o => $"\"{o.Name()}\""))}",
    };

    /// <summary>
    /// Writes the report as JSON: into a file beside <paramref name="path"/>, renamed over it when whole (a named pipe or
    /// a device is written in place, and a descriptor such as /dev/stdout through itself), so a full disk leaves the
    /// previous report as it was (<see cref="ReplacedFile"/>).
    /// </summary>
    public void Write(string path)
    {
        // Streamed into the file: made as one string first, a run of 100,000 cases (a 215 MB file) held the text three
        // times over (the string, it with its newline, its UTF-8), 1.3 GB more at its peak than the run itself.
        ReplacedFile.Write(path, file =>
        {
            JsonSerializer.Serialize(file, this, JsonOptions);
            file.WriteByte((byte)'\n');
        });
    }

    /// <summary>
    /// Most bytes a report file may have (1 GiB): far past what a run writes, and a file past it, read whole, would
    /// only exhaust memory.
    /// </summary>
    /// <remarks>
    /// Measured: a row takes about 650 bytes (<c>check --oracle fixtures --set basic --json</c>: 1,248 rows, 810 KB), so
    /// 1 GiB holds some 1.6 million rows, twice the entries of benchdnn's largest batch file; a failing direction's error
    /// map adds one 2-D slice of its output (a 224×224 slice, some 50,000 numbers).
    /// </remarks>
    public const long MaxReportBytes = 1L << 30;

    /// <summary>Reads a report written by <see cref="Write"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no such file, or it is a folder.</exception>
    /// <exception cref="InvalidDataException">
    /// Not a regular file (a named pipe, a device: <see cref="InputFile"/>), an empty one, one of more than
    /// <see cref="MaxReportBytes"/>; not UTF-8 (<see cref="Utf8Text"/>: a leading byte-order mark is skipped), not JSON, or another schema; or holding what no report is written with: a null (a row,
    /// a warning, a member), an error map whose ratios or histogram do not fill its own sizes; a negative or NaN error or
    /// ratio, a negative bound, histogram edges not finite and strictly increasing, or a count that disagrees with what it
    /// counts (failures and the histogram with the elements, skipped with skipped_by_kind, the summary and its reasons
    /// with the rows, selection_cases with the cases the rows hold); a skip kind the writer has no word for; a worst
    /// element not among those compared, not at its index in the shape the row's descriptor and direction give, with
    /// an error past max_abs_error, or whose error over its bound is not the row's ratio; a row without one whose
    /// failures, error, ratio or map say an element differed; an outcome, a rule or a worst element's numbers that do not
    /// give one another; rows of a case that lost a direction (<see cref="CaseDirections"/>), name another subject or
    /// reference than the report's, or disagree with its id; a member every report of its command holds missing
    /// (<c>schema</c>, <c>started</c>, <c>tolerance</c>, a soak's <c>seed</c>); a value of the wrong JSON kind. The
    /// message names the file, the member's JSON path and its value (text cut after <see cref="ReportChecks.MaxQuoted"/>
    /// characters), and a line counted from 1.
    /// </exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static RunReport Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] content;
        try
        {
            content = InputFile.ReadAllBytes(path, "report", MaxReportBytes);
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw new InvalidDataException(e.Message, e);
        }
        if (content.Length == 0) throw new InvalidDataException($"{path}: empty, not a report");
        if (!Utf8Text.TryText(content, "JSON file", out var text, out string? notUtf8)) throw new InvalidDataException($"{path}: not a ConvVerify report ({notUtf8})");
        try
        {
            // The literal null is JSON, and System.Text.Json makes no report of it.
            var report = JsonSerializer.Deserialize<RunReport>(text.Span, ReadOptions)
                ?? throw new InvalidDataException($"{path}: not a ConvVerify report ({Fixtures.JsonRefusal.NoObject("null")})");
            if (report.Schema != SchemaId) throw OtherSchemaRefusal(path, report.Schema);
            if (Malformed(report) is { } why) throw new InvalidDataException($"{path}: not a ConvVerify report ({why})");
            return report;
        }
        // A file of another schema is said to be one, not refused for what this schema's reader misses in it (a key given
        // twice aside: which of its schemas is meant is not said).
        catch (JsonException e) when (!e.Message.StartsWith("Duplicate propert", StringComparison.Ordinal) && OtherSchema(text.Span) is { } other)
        {
            throw OtherSchemaRefusal(path, other, e);
        }
        catch (JsonException e) when (Fixtures.JsonRefusal.ValueRefusal(e, () => System.Text.Encoding.UTF8.GetString(text.Span), KindOf) is { } said)
        {
            // System.Text.Json calls a string escaping a lone surrogate a value that "could not be converted to
            // System.String", which it plainly is, and any value of the wrong kind one that could not be converted to a
            // C# type ("System.Int32", "ConvVerify.Runs.Outcome"), naming neither the value nor what a writer must put there.
            throw new InvalidDataException($"{path}: not a ConvVerify report ({said})", e);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a ConvVerify report ({Said(e)})", e);
        }
    }

    private static InvalidDataException OtherSchemaRefusal(string path, string schema, Exception? inner = null) =>
        new($"{path}: schema is \"{ReportChecks.Printable(schema)}\", this reader knows \"{SchemaId}\"", inner);

    // The top-level "schema" of a text the reader refused, when it is a string naming another schema; else null.
    private static string? OtherSchema(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool schema = reader.ValueTextEquals("schema"u8);
                if (!reader.Read()) return null;
                if (schema) return reader.TokenType == JsonTokenType.String && reader.GetString() is { } name && name != SchemaId ? name : null;
                reader.Skip();
            }
            return null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    // System.Text.Json's refusals in the reader's words: where by the report's path and a line counted from 1, as the
    // reader's own refusals say it (its LineNumber counts from 0: "LineNumber: 19" was line 20), and a member missing by its
    // name, not by the C# type that holds it ("'ConvVerify.Runs.RunReport' was missing required properties including: …").
    private static string Said(JsonException e)
    {
        string message = System.Text.RegularExpressions.Regex.Replace(e.Message,
            @"\s*Path: .*? \| LineNumber: \d+ \| BytePositionInLine: \d+\.$", "", System.Text.RegularExpressions.RegexOptions.Singleline)
            // System.Text.Json's advice on a null speaks to the program's author, not to whoever holds the file.
            .Replace(" Consider updating its nullability annotation.", "", StringComparison.Ordinal).TrimEnd().TrimEnd('.');
        // An invalid literal is quoted with the rest of its line and more: a report's text, cut as the reader cuts quotes.
        message = ReportChecks.Printable(message, 2 * ReportChecks.MaxQuoted);
        string where = e.Path is null or "$" ? "" : Fixtures.PackPaths.Printable(System.Text.RegularExpressions.Regex.Replace(e.Path["$".Length..].TrimStart('.'), @"\['(.*?)'\]", "[\"$1\"]"));
        string line = e.LineNumber is long n ? string.Create(CultureInfo.InvariantCulture, $"line {n + 1}") : "";
        if (message.StartsWith("The input does not contain any JSON tokens", StringComparison.Ordinal)) return Fixtures.JsonRefusal.NoObject("nothing");
        var missing = System.Text.RegularExpressions.Regex.Match(message, "^JSON deserialization for type '[^']*' was missing required properties including: (.*)$", System.Text.RegularExpressions.RegexOptions.Singleline);
        if (missing.Success)
        {
            var names = System.Text.RegularExpressions.Regex.Matches(missing.Groups[1].Value, "'([^']*)'").Select(m => $"\"{m.Groups[1].Value}\"");
            // System.Text.Json finds a member missing at the end of its object, and says that line.
            string holder = where.Length == 0 ? "the report" : line.Length == 0 ? where : $"{where} (ending on {line})";
            return $"{holder} has no {string.Join(" or ", names)}, which the writer always writes";
        }
        // A key twice, in a map ("Duplicate properties not allowed …") or a record ("Duplicate property 'schema' encountered
        // during deserialization of type 'ConvVerify.Runs.RunReport'"): at its path, said of the object that holds it.
        if ((message.StartsWith("Duplicate properties not allowed", StringComparison.Ordinal) || message.StartsWith("Duplicate property '", StringComparison.Ordinal)) && where.Length > 0)
        {
            // A key System.Text.Json writes in brackets (["a.b"]) may hold a dot of its own.
            int dot = where.EndsWith("\"]", StringComparison.Ordinal) ? where.LastIndexOf("[\"", StringComparison.Ordinal) : Math.Max(where.LastIndexOf('.'), where.LastIndexOf('['));
            string key = dot < 0 ? where : where[dot] == '.' ? where[(dot + 1)..] : where[dot..].TrimStart('[').TrimEnd(']')[1..^1];
            string parent = dot <= 0 ? "the report" : where[..dot];
            return $"{parent}{(line.Length == 0 ? "" : " on " + line)} has the key \"{key}\" twice: which of the two is meant is not said";
        }
        // The converters of the report's enums begin with the member's name ("requirement: unknown requirement 'all', …"):
        // said by its path instead.
        string last = where[(Math.Max(where.LastIndexOf('.'), where.LastIndexOf(']')) + 1)..];
        if (last.Length > 0 && message.StartsWith(last + ": ", StringComparison.Ordinal)) message = message[(last.Length + 2)..];
        string at = (where, line) switch
        {
            ("", "") => "",
            ("", _) => line,
            (_, "") => where,
            _ => $"{where} on {line}",
        };
        return at.Length == 0 ? message : $"{at}: {message}";
    }
}
