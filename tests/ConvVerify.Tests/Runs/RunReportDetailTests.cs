using System.Text.Json;
using ConvVerify.Runs;
using ConvVerify.Tests.Reports;

namespace ConvVerify.Tests.Runs;

/// <summary>The report's own rules: every reason a run does not pass, word for word; the summary line; its defaults.</summary>
public class RunReportDetailTests : TempFolderTest
{
    private static RunReport Report(params RunRow[] rows) => Report(rows, strict: false);

    private static RunReport Report(RunRow[] rows, bool strict = false, List<string>? warnings = null, string? shard = null, bool requireComparison = true,
        List<SourceInfo>? references = null, int selectionCases = 0) => new()
    {
        SelectionCases = selectionCases,
        Command = "check",
        ToleranceMode = "probabilistic",
        Subject = new SourceInfo { Name = "naive" },
        References = references ?? [new SourceInfo { Name = "torch" }],
        Rows = [.. rows],
        Strict = strict,
        Warnings = warnings ?? [],
        Shard = shard ?? Shard.All.ToString(),
        RequireComparison = requireComparison,
    };

    private static RunRow Row(Outcome o, string id = "c1", string direction = "y") => TestRows.Row(id, direction, o, reason: "why");

    [Test]
    public void EveryReasonIsOneSentenceInOneOrder()
    {
        var report = Report(Row(Outcome.Suspicious), Row(Outcome.Fail), Row(Outcome.Fail, direction: "dx"), Row(Outcome.Error, direction: "*"));
        Assert.That(report.Reasons(), Is.EqualTo(new[]
        {
            "1 direction could not be checked (unusable input)", "2 directions failed",
            "1 direction is suspicious (beyond the probabilistic bound)",
        }));
        Assert.That(report.ExitCode(), Is.EqualTo(RunReport.ExitBadInput));
        var strict = Report([Row(Outcome.Pass)], strict: true, warnings: ["w1", "w2"]);
        Assert.That(strict.Reasons(), Is.EqualTo(new[] { "2 warnings, and --strict makes warnings errors" }));
        Assert.That(strict.ExitCode(), Is.EqualTo(RunReport.ExitBadInput));
    }

    [Test]
    public void APacksCorruptFilesAreCountedAsFilesNotAsCasesOrDirections()
    {
        // As the pack's own check has it (a failure) and as a run against the pack does (an error): one row per file.
        var checkedPack = Report(Row(Outcome.Pass), Row(Outcome.Fail, direction: "dx"), Row(Outcome.Fail, Plans.PackCase, "*"), Row(Outcome.Fail, Plans.PackCase, "*"));
        Assert.That(checkedPack.Reasons(), Is.EqualTo(new[] { "2 files of the pack fail their manifest's sha256 or are missing", "1 direction failed" }));
        Assert.That(checkedPack.ExitCode(), Is.EqualTo(RunReport.ExitFail));
        Assert.That(checkedPack.Summary.Cases, Is.EqualTo(1));
        // The files are counted as files, not as directions that failed (docs/report-schema.md, summary.files).
        Assert.That(checkedPack.SummaryLine(), Does.StartWith("check: 1 case, 2 directions: 1 passed, 1 failed").And.Contains(", 2 files of the pack corrupt or missing"));
        var asOracle = Report(Row(Outcome.Pass), Row(Outcome.Error, Plans.PackCase, "*"));
        Assert.That(asOracle.Reasons(), Is.EqualTo(new[] { "1 file of the pack fails its manifest's sha256 or is missing" }));
        Assert.That(asOracle.ExitCode(), Is.EqualTo(RunReport.ExitBadInput));
        Assert.That(Report(Row(Outcome.Error, Plans.PackCase, "*")).Summary.Cases, Is.Zero);
    }

    [Test]
    public void ARunWhoseOnlyRowsAreErrorsIsNotSaidToHaveAbsentDirections()
    {
        // A bad case.json gives one error row: "every direction was absent on one side" beside it sent users looking
        // for missing files that were all there.
        var errors = Report(Row(Outcome.Error, direction: "*"), Row(Outcome.Error, id: "c2", direction: "*"));
        Assert.That(errors.Reasons(), Is.EqualTo(new[] { "2 directions could not be checked (unusable input)" }));
        Assert.That(errors.ExitCode(), Is.EqualTo(RunReport.ExitBadInput));
        var mixed = Report(Row(Outcome.Error, direction: "*"), Row(Outcome.NotProvided, id: "c2"));
        Assert.That(mixed.Reasons().Last(), Is.EqualTo("nothing was compared: every direction was absent on one side or could not be checked"));
        var absent = Report(Row(Outcome.NotProvided), Row(Outcome.NotInPack, direction: "dx"));
        Assert.That(absent.Reasons().Last(), Is.EqualTo("nothing was compared: every direction was absent on one side"));
        Assert.That(absent.ExitCode(), Is.EqualTo(RunReport.ExitFail));
    }

    [Test]
    public void APassingRunHasNoReasonAndExitsZeroEvenWhenStrict()
    {
        Assert.That(Report(Row(Outcome.Pass)).Reasons(), Is.Empty);
        var strict = Report([Row(Outcome.Pass)], strict: true);
        Assert.That((strict.Reasons().Count(), strict.ExitCode()), Is.EqualTo((0, RunReport.ExitPass)));
        var warned = Report([Row(Outcome.Pass)], warnings: ["only a warning"]);
        Assert.That(warned.ExitCode(), Is.EqualTo(RunReport.ExitPass));
        Assert.That(Report(Row(Outcome.Suspicious)).ExitCode(), Is.EqualTo(RunReport.ExitFail));
    }

    [Test]
    public void AnEmptyRunFailsWhenItsSelectionIsEmptyNotWhenOnlyItsShardIs()
    {
        Assert.That(Report().Reasons(), Is.EqualTo(new[] { "no case was selected" }));
        Assert.That(Report().ExitCode(), Is.EqualTo(RunReport.ExitFail));
        Assert.That(Report([], shard: "2/3", selectionCases: 2).Reasons(), Is.Empty, "an empty shard of a small run is normal");
        // Every shard of an empty selection was empty and passed, so a CI matrix was green while the whole run failed.
        var emptySelection = Report([], shard: "2/3");
        Assert.That(emptySelection.Reasons(), Is.EqualTo(new[] { "no case was selected, in shard 2/3 or any other: the selection is empty before --shard splits it" }));
        Assert.That(emptySelection.ExitCode(), Is.EqualTo(RunReport.ExitFail));
        Assert.That(Report([], requireComparison: false).Reasons(), Is.Empty);
        Assert.That(Report([], shard: "2/3", requireComparison: false).Reasons(), Is.Empty);
    }

    [Test]
    public void TheSummaryLineNamesEveryOutcomeTheSidesTheirVersionsAndTheShard()
    {
        RunRow[] rows = [Row(Outcome.Pass), Row(Outcome.Fail, direction: "dx"), Row(Outcome.Pass, id: "c2")];
        List<SourceInfo> references =
            [new SourceInfo { Name = "torch", Versions = new(StringComparer.Ordinal) { ["numpy"] = "1.24.2", ["torch"] = "1.13.1" } }, new SourceInfo { Name = "pack" }];
        var report = Report(rows, references: references);
        report.Seconds = 1.5;
        Assert.That(report.SummaryLine(), Is.EqualTo(
            "check: 2 cases, 3 directions: 2 passed, 1 failed, 0 suspicious, 0 not in pack, 0 not provided by oracle, 0 not provided, 0 errors "
            + "(naive against torch [numpy 1.24.2; torch 1.13.1], pack, 1.5 s)"));
        var shard = Report(rows, references: references, shard: "1/2");
        shard.Seconds = 1.5;
        Assert.That(shard.SummaryLine(), Does.EndWith("(naive against torch [numpy 1.24.2; torch 1.13.1], pack, shard 1/2, 1.5 s)"));
    }

    [Test]
    public void ANewReportSaysWhenItStartedInUtc()
    {
        var report = Report();
        Assert.That(report.Started, Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"));
        var started = DateTime.ParseExact(report.Started, "yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
        Assert.That(started, Is.EqualTo(DateTime.UtcNow).Within(TimeSpan.FromMinutes(5)));
        Assert.That(report.SelectionHash, Is.Empty);
    }

    [Test]
    public void AReportWithoutTheNewerFieldsReadsWithTheirDefaults()
    {
        string path = Path.Combine(Dir, "old.json");
        // fixtures check records neither --tolerance nor --seed (a check report without its --tolerance is refused).
        File.WriteAllText(path, """{"schema": "convverify-report/1", "command": "fixtures check", "subject": {"name": "naive"}, "references": [{"name": "torch"}], "started": "2026-11-29T03:00:05Z", "rows": []}""");
        var report = RunReport.Read(path);
        Assert.That((report.RequireComparison, report.SelectionHash, report.Shard, report.Strict), Is.EqualTo((true, "", "1/1", false)));
        Assert.That((report.ToleranceMode, report.Seed, report.WrittenSummary, report.CaseDirections), Is.EqualTo(((string?)null, (ulong?)null, (RunSummary?)null, (SortedDictionary<string, List<string>>?)null)), "not recorded");
    }

    [Test]
    public void AReportReadBackKeepsTheSummaryItsFileHeldApartFromItsRows()
    {
        string path = Path.Combine(Dir, "r.json");
        var written = Report(Row(Outcome.Pass), Row(Outcome.Fail, direction: "dx"));
        Assert.That(written.WrittenSummary, Is.Null, "made in memory");
        written.Write(path);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"exit_code\": 1", "\"exit_code\": 0", StringComparison.Ordinal));
        // Deserialized as such, both are there to compare (report merge does, for reports it is handed in memory)...
        var read = JsonSerializer.Deserialize<RunReport>(File.ReadAllText(path), RunReport.JsonOptions)!;
        Assert.That((read.WrittenSummary!.ExitCode, read.WrittenSummary.Directions, read.WrittenSummary.Outcomes["FAIL"]), Is.EqualTo((0, 2, 1)));
        Assert.That(read.Summary.ExitCode, Is.EqualTo(RunReport.ExitFail), "the rows' own");
        // ... and the file reader refuses the file, naming both.
        var e = Assert.Throws<InvalidDataException>(() => RunReport.Read(path))!;
        Assert.That(e.Message, Is.EqualTo($"{path}: not a ConvVerify report (summary.exit_code is 0, but its rows give 1)"));
    }

    [Test]
    public void ANullListOrAReportThatIsNoObjectIsSaidInTheReadersWords()
    {
        // The probe: System.Text.Json's "The property or field 'references' on type 'ConvVerify.Runs.RunReport' doesn't
        // allow setting null values" and "could not be converted to ConvVerify.Runs.RunReport", naming C# types.
        string path = Path.Combine(Dir, "r.json");
        Report(Row(Outcome.Pass)).Write(path);
        string text = File.ReadAllText(path);
        int line = text[..text.IndexOf("\"references\"", StringComparison.Ordinal)].Count(c => c == '\n') + 1;
        File.WriteAllText(path, System.Text.RegularExpressions.Regex.Replace(text, "\"references\": \\[[^\\]]*\\]", "\"references\": null"));
        Assert.That(Assert.Throws<InvalidDataException>(() => RunReport.Read(path))!.Message,
            Is.EqualTo($"{path}: not a ConvVerify report (references on line {line} is null)"));
        File.WriteAllText(path, "\"hello\"");
        Assert.That(Assert.Throws<InvalidDataException>(() => RunReport.Read(path))!.Message,
            Is.EqualTo($"{path}: not a ConvVerify report (the file must hold one JSON object, got \"hello\")"));
        File.WriteAllText(path, "[1, 2]");
        Assert.That(Assert.Throws<InvalidDataException>(() => RunReport.Read(path))!.Message,
            Is.EqualTo($"{path}: not a ConvVerify report (the file must hold one JSON object, got [1, 2])"));
    }

    [TestCase("\"seconds\": 0.5,", "\"seconds\": \"NaN\",", "(seconds is NaN, not a time)")]
    [TestCase("\"seconds\": 0.5,", "\"seconds\": -1,", "(seconds is -1, not a time)")]
    [TestCase("\"seconds\": 0.25", "\"seconds\": \"-Infinity\"", "(rows[0].seconds is -Infinity, not a time)")]
    public void AReportWhoseTimeIsNoTimeIsRefusedNamingIt(string was, string edited, string why)
    {
        // The JSON reader takes "NaN" for any number; JUnit's time attribute then said time="NaN", which is no decimal.
        string path = Path.Combine(Dir, "r.json");
        var report = Report(Row(Outcome.Pass) with { Seconds = 0.25 });
        report.Seconds = 0.5;
        report.Write(path);
        string text = File.ReadAllText(path);
        Assert.That(text, Does.Contain(was));
        File.WriteAllText(path, text.Replace(was, edited, StringComparison.Ordinal));
        var e = Assert.Throws<InvalidDataException>(() => RunReport.Read(path))!;
        Assert.That(e.Message, Is.EqualTo($"{path}: not a ConvVerify report {why}"));
    }

    [TestCase("!", "(started is \"!\", expected a UTC time as yyyy-MM-ddTHH:mm:ssZ)")]
    [TestCase("2026-13-01T00:00:00Z", "(started is \"2026-13-01T00:00:00Z\", expected a UTC time as yyyy-MM-ddTHH:mm:ssZ)")]
    [TestCase("2026-11-29 03:00:05", "(started is \"2026-11-29 03:00:05\", expected a UTC time as yyyy-MM-ddTHH:mm:ssZ)")]
    [TestCase("1999-01-02T03:04:05Z", null)]
    public void AReportWhoseStartIsNoTimeIsRefusedNamingIt(string started, string? why)
    {
        // report merge takes the earliest start by comparing strings: "!" was the merged run's start and JUnit's timestamp.
        string path = Path.Combine(Dir, "r.json");
        var report = Report(Row(Outcome.Pass));
        report.Write(path);
        string text = File.ReadAllText(path);
        string was = $"\"started\": \"{report.Started}\"";
        Assert.That(text, Does.Contain(was));
        File.WriteAllText(path, text.Replace(was, $"\"started\": \"{started}\"", StringComparison.Ordinal));
        if (why is null)
        {
            Assert.That(RunReport.Read(path).Started, Is.EqualTo(started));
            return;
        }
        var e = Assert.Throws<InvalidDataException>(() => RunReport.Read(path))!;
        Assert.That(e.Message, Is.EqualTo($"{path}: not a ConvVerify report {why}"));
    }

    [Test]
    public void AStringEscapingALoneSurrogateIsSaidToHoldNoTextNamingItsPath()
    {
        // JSON allows "\ud800"; no .NET string holds it, and System.Text.Json called the plain string a value that "could
        // not be converted to System.String".
        string path = Path.Combine(Dir, "r.json");
        Report(Row(Outcome.Pass)).Write(path);
        string text = File.ReadAllText(path);
        int at = text.IndexOf("\"subject\": \"", StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThan(0));
        int line = text[..at].Count(c => c == '\n') + 1;
        string value = text[(at + 12)..text.IndexOf('"', at + 12)];
        File.WriteAllText(path, text[..(at + 12)] + "\\ud800" + text[(at + 12)..]);
        var e = Assert.Throws<InvalidDataException>(() => RunReport.Read(path))!;
        Assert.That(e.Message, Is.EqualTo($"{path}: not a ConvVerify report (rows[0].subject on line {line} is \"\\ud800{value}\", "
            + "which escapes half of a UTF-16 surrogate pair alone: no character, so no text)"));
    }

    // A key so escaped failed the object holding it in .NET's words: "could not be converted to System.String. Path:
    // $.skipped_by_kind" for a map's, "… to ConvVerify.Runs.RunSummary" for a record's.
    [TestCase("\"skipped_by_kind\": {", "\"option\\ud800\": 1, ", "skipped_by_kind on line {0} has the key \"option\\ud800\"")]
    [TestCase("\"summary\": {", "\"cases\\udc00\": 1, ", "summary on line {0} has the key \"cases\\udc00\"")]
    [TestCase("{", "\"x\\ud800\": 1, ", "the report on line {0} has the key \"x\\ud800\"")]
    public void AKeyEscapingALoneSurrogateIsNamedAsWritten(string opening, string key, string said)
    {
        string path = Path.Combine(Dir, "k.json");
        Report(Row(Outcome.Pass)).Write(path);
        string text = File.ReadAllText(path);
        int at = text.IndexOf(opening, StringComparison.Ordinal) + opening.Length;
        Assert.That(at, Is.GreaterThan(opening.Length - 1));
        // Into an empty object (a report's skipped_by_kind when nothing was skipped) without the comma.
        if (text[at..].TrimStart().StartsWith('}')) key = key.TrimEnd(' ', ',');
        File.WriteAllText(path, text[..at] + key + text[at..]);
        var e = Assert.Throws<InvalidDataException>(() => RunReport.Read(path))!;
        string frame = $"{path}: not a ConvVerify report (";
        Assert.That(e.Message, Does.StartWith(frame));
        string why = e.Message[frame.Length..];
        // The line is System.Text.Json's, where it stopped; the words are the file's.
        var m = System.Text.RegularExpressions.Regex.Match(why, " on line (\\d+) ");
        Assert.That(m.Success, why);
        Assert.That(why, Is.EqualTo(string.Format(System.Globalization.CultureInfo.InvariantCulture, said, m.Groups[1].Value)
            + ", which escapes half of a UTF-16 surrogate pair alone: no character, so no text)"));
    }

    // skipped lists the first 1,000 problems and skipped_by_kind counts them all: a list that is not their first
    // problems, or counts past what a report holds, would be merged into a run that skipped other problems.
    [TestCase("option", 1, "skipped lists 2 \"option\" problems by skipped[2], but skipped_by_kind[\"option\"] is 1")]
    [TestCase("option", 3, "skipped_by_kind[\"option\"] is 3, but skipped lists 2: a report lists every skipped problem up to 1000")]
    [TestCase("dtype", 0, "skipped_by_kind[\"dtype\"] is 0, not a count of skipped problems (1 or more)")]
    [TestCase("dtype", -4, "skipped_by_kind[\"dtype\"] is -4, not a count of skipped problems (1 or more)")]
    [TestCase("match", 1, "skipped_by_kind[\"match\"] is 1, but skipped lists 0: a report lists every skipped problem up to 1000")]
    [TestCase("option", 1500, "skipped lists 3 problems, but skipped_by_kind counts 1501: a report lists the first 1000")]
    [TestCase("option", int.MaxValue, "skipped_by_kind counts 2147483648 problems in all, more than a report counts (2147483647)")]
    public void ASkippedListThatIsNotItsCountsFirstProblemsIsRefused(string kind, int count, string why)
    {
        string path = Path.Combine(Dir, "r.json");
        var (listed, byKind) = RunReport.SkippedOf(new[] { "option", "dtype", "option" }.Select(k => new SkippedProblem { Where = "b:1", Descriptor = "mb1ic1ih5oc1kh3", Kind = k, Reason = "--" + k }));
        var report = Report(Row(Outcome.Pass));
        report.Skipped.AddRange(listed);
        foreach (var (k, n) in byKind) report.SkippedByKind[k] = n;
        report.Write(path);
        Assert.That(RunReport.Read(path).SkippedTotal, Is.EqualTo(3), "as written, it reads");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        json["skipped_by_kind"]![kind] = count;
        File.WriteAllText(path, json.ToJsonString());
        var e = Assert.Throws<InvalidDataException>(() => RunReport.Read(path))!;
        Assert.That(e.Message, Is.EqualTo($"{path}: not a ConvVerify report ({why})"));
    }

    [Test]
    public void MoreThanAThousandListedOrAnOutcomeNoRowHasIsRefused()
    {
        string path = Path.Combine(Dir, "r.json");
        var report = Report(Row(Outcome.Pass));
        report.Skipped.AddRange(Enumerable.Range(0, 1001).Select(i => new SkippedProblem { Where = "b:" + i, Descriptor = "mb1ic1ih5oc1kh3", Kind = "dtype", Reason = "--dt" }));
        report.SkippedByKind["dtype"] = 1001;
        report.Write(path);
        var e = Assert.Throws<InvalidDataException>(() => RunReport.Read(path))!;
        Assert.That(e.Message, Is.EqualTo($"{path}: not a ConvVerify report (skipped lists 1001 problems, more than the 1000 a report lists)"));
        Report(Row(Outcome.Pass)).Write(path);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"pass\": 1,", "\"pass\": 1, \"passed\": 0,", StringComparison.Ordinal));
        e = Assert.Throws<InvalidDataException>(() => RunReport.Read(path))!;
        Assert.That(e.Message, Does.StartWith($"{path}: not a ConvVerify report (summary.outcomes[\"passed\"] is given, but it is no outcome: expected \"pass\", \"FAIL\""));
    }

    [Test]
    public void AReportSavedWithAByteOrderMarkReads()
    {
        string path = Path.Combine(Dir, "bom.json");
        Report(Row(Outcome.Pass)).Write(path);
        File.WriteAllText(path, File.ReadAllText(path), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.That(File.ReadAllBytes(path)[..3], Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }));
        Assert.That(RunReport.Read(path).Rows.Single().Case, Is.EqualTo("c1"));
    }

    [Test]
    public void TheToleranceAndSeedAreWrittenWhenKnown()
    {
        string path = Path.Combine(Dir, "r.json");
        new RunReport { Command = "check", Subject = new SourceInfo { Name = "naive" }, References = [], ToleranceMode = "sound", Seed = 18446744073709551615 }.Write(path);
        string json = File.ReadAllText(path);
        Assert.That(json, Does.Contain("\"tolerance\": \"sound\"").And.Contain("\"seed\": 18446744073709551615"));
        Assert.That((RunReport.Read(path).ToleranceMode, RunReport.Read(path).Seed), Is.EqualTo(("sound", (ulong?)ulong.MaxValue)));
        new RunReport { Command = "fixtures check", Subject = new SourceInfo { Name = "naive" }, References = [], Rows = [Row(Outcome.Pass)] }.Write(path);
        Assert.That(File.ReadAllText(path), Does.Not.Contain("\"tolerance\"").And.Not.Contain("\"seed\""), "neither is written when the run had none");
    }

    [Test]
    public void AWrittenReportEndsInANewline()
    {
        string path = Path.Combine(Dir, "r.json");
        Report(Row(Outcome.Pass)).Write(path);
        Assert.That(File.ReadAllText(path), Does.EndWith("}\n"));
    }

    [Test]
    public void TheOutcomeConverterRefusesANullWriter() =>
        Assert.That(Assert.Throws<ArgumentNullException>(() => new OutcomeConverter().Write(null!, Outcome.Pass, new JsonSerializerOptions()))!.ParamName,
            Is.EqualTo("writer"));

    // Every source's reason names its tensor ("dw: not provided (...)"): printed after the row's direction, it said "dw: dw:".
    [Test]
    public void TheFirstAbsentDirectionIsNamedOnce()
    {
        var absent = Report(Row(Outcome.Pass), Row(Outcome.NotProvided, direction: "dw") with { Reason = "dw: not provided (c1/dw.npy does not exist)" },
            Row(Outcome.NotProvided, direction: "dx") with { Reason = "dx: not provided (c1/dx.npy does not exist)" });
        Assert.That(absent.Reasons().Single(), Does.StartWith("--require all: 2 directions not provided (first: c1 dw: not provided (c1/dw.npy does not exist));"));
    }

    [Test]
    public void AbsentDirectionsFailARunUnlessAnyIsRequired()
    {
        var absent = Report(Row(Outcome.Pass), Row(Outcome.NotProvided, direction: "dx"));
        Assert.That(absent.Requirement, Is.EqualTo(Requirement.All), "all is the default");
        Assert.That(absent.Reasons().Single(), Does.StartWith("--require all: 1 direction not provided (first: c1 dx: why)"));
        var plan = new RunPlan { Command = "c", Cases = [], References = [new PackSource()], Subject = new PackSource() };
        Assert.That(plan.Requirement, Is.EqualTo(Requirement.All));
    }

    [Test]
    public void TheSelectionHashIsTheSha256OfTheIdsOnePerLine()
    {
        // sha256(b"a\nb"), by Python's hashlib.
        Assert.That(RunReport.HashOf(["a", "b"]), Is.EqualTo("7e18f737311b2dc3b2f269dd78396b0351f14fb66efa879f768cb23181883c78"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => RunReport.HashOf(null!))!.ParamName, Is.EqualTo("caseIds"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => RunReport.SkippedOf(null!))!.ParamName, Is.EqualTo("skipped"));
    }

    // Writes the report, reads it back as written (it must read), applies the edit to its JSON, and returns why the
    // reader refuses the result, without the file's name and the frame every such message has.
    // The JSON is written on one line. (A string escaping a lone surrogate, which no JsonNode holds, is set as a
    // placeholder and replaced in the text, by <paramref name="text"/>.)
    private string Refusal(RunReport report, Action<System.Text.Json.Nodes.JsonNode> edit, Func<string, string>? text = null)
    {
        string path = Path.Combine(Dir, "r.json");
        report.Write(path);
        Assert.That(() => RunReport.Read(path), Throws.Nothing, "as written, it reads");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        edit(json);
        File.WriteAllText(path, (text ?? (t => t))(json.ToJsonString()));
        var e = Assert.Throws<InvalidDataException>(() => RunReport.Read(path))!;
        string frame = $"{path}: not a ConvVerify report (";
        Assert.That(e.Message, Does.StartWith(frame).And.EndWith(")"));
        return e.Message[frame.Length..^1];
    }

    // The skip kinds are the writer's six words: another would be merged and counted as a reason no run gives.
    [Test]
    public void ASkipKindTheWriterHasNoWordForIsRefused()
    {
        var report = Report(Row(Outcome.Pass));
        var (listed, byKind) = RunReport.SkippedOf(new[] { "option", "too-large" }.Select(k => new SkippedProblem { Where = "b:1", Descriptor = "mb1ic1ih5oc1kh3", Kind = k, Reason = "--" + k }));
        report.Skipped.AddRange(listed);
        foreach (var (k, n) in byKind) report.SkippedByKind[k] = n;
        const string expected = "expected \"option\", \"dtype\", \"match\", \"too-large\", \"invalid\", \"include\"";
        Assert.That(Refusal(report, j => j["skipped"]![1]!["kind"] = "too_large"),
            Is.EqualTo("skipped[1].kind is \"too_large\", not a kind of skipped problem: " + expected));
        Assert.That(Refusal(report, j => j["skipped_by_kind"]!["Option"] = 2),
            Is.EqualTo("skipped_by_kind[\"Option\"] is 2, but \"Option\" is no kind of skipped problem: " + expected));
    }

    // y of mb1ic3ih5oc16oh3kh3 is 1 x 16 x 3 x 3 (144 elements): flat 40 is channel 4 (40 = 4 * 9 + 4), row 1, column 1.
    private static RunRow Compared(double maxAbs = 0.5, double worstError = 0.25) => TestRows.Row("c1", "y", Outcome.Fail, "y: 1 of 144 elements beyond the bound", ratio: 2, maxAbs: maxAbs) with
    {
        Elements = 144, Failures = 1, Tolerance = ConvVerify.Comparison.Tolerance.SoundBound,
        Worst = new WorstElement { Index = 40, Position = [0, 4, 1, 1], Expected = 1, Actual = 1 + worstError, AbsError = worstError, Bound = worstError / 2 },
    };

    [TestCase("worst.index", "144", "rows[0].worst.index is 144, but rows[0].elements is 144: the worst element is one of those compared (0 to elements - 1)")]
    [TestCase("worst.index", "-1", "rows[0].worst.index is -1, but rows[0].elements is 144: the worst element is one of those compared (0 to elements - 1)")]
    [TestCase("worst.position", "[0, 4, 1, 2]",
        "rows[0].worst.position is [0, 4, 1, 2], but rows[0].worst.index 40 is [0, 4, 1, 1] in the shape [1, 16, 3, 3] of rows[0].direction \"y\" of rows[0].descriptor")]
    // A position of another length is said by its count, not listed: a hostile report's position of 100,000 indices was
    // written out whole into the message.
    [TestCase("worst.position", "[4, 1, 1]",
        "rows[0].worst.position has 3 indices, but the shape [1, 16, 3, 3] of rows[0].direction \"y\" of rows[0].descriptor has 4 dimensions")]
    [TestCase("worst.position", "[0, 4, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]",
        "rows[0].worst.position has 42 indices, but the shape [1, 16, 3, 3] of rows[0].direction \"y\" of rows[0].descriptor has 4 dimensions")]
    [TestCase("elements", "145", "rows[0].elements is 145, but rows[0].direction \"y\" of rows[0].descriptor has 144 (shape [1, 16, 3, 3])")]
    // dw is 16 x 3 x 3 x 3.
    [TestCase("direction", "\"dw\"", "rows[0].elements is 144, but rows[0].direction \"dw\" of rows[0].descriptor has 432 (shape [16, 3, 3, 3])")]
    [TestCase("direction", "\"*\"", "rows[0].ratio is given, but rows[0].direction is \"*\": a row about a whole case compared nothing")]
    public void AWorstElementNotWhereItsIndexIsInTheRowsShapeIsRefused(string member, string value, string why)
    {
        string[] path = member.Split('.');
        Assert.That(Refusal(Report(Compared()), j =>
        {
            var node = j["rows"]![0]!;
            foreach (string step in path[..^1]) node = node[step]!;
            node[path[^1]] = System.Text.Json.Nodes.JsonNode.Parse(value);
        }), Is.EqualTo(why));
    }

    [Test]
    public void AComparedRowsDescriptorMustGiveItsShape()
    {
        Assert.That(Refusal(Report(Compared()), j => j["rows"]![0]!["descriptor"] = "mb1ic1"),
            Is.EqualTo("rows[0].descriptor is \"mb1ic1\", but rows[0].worst is given: a compared row's descriptor gives its result's shape ('oc' must be >= 1, got nothing)"));
        // The name decides no shape: one the parser would refuse is no reason to refuse the report.
        string path = Path.Combine(Dir, "named.json");
        Report(Compared() with { Descriptor = "mb1ic3ih5oc16oh3kh3n\"a\"b\u0007\"" }).Write(path);
        Assert.That(RunReport.Read(path).Rows[0].Worst!.Position, Is.EqualTo(new[] { 0, 4, 1, 1 }));
    }

    // The worst element is the one of the largest error/bound: its error may be below the largest, never above.
    [Test]
    public void AWorstElementsErrorPastTheLargestIsRefused()
    {
        string path = Path.Combine(Dir, "below.json");
        Report(Compared(maxAbs: 0.5, worstError: 0.125)).Write(path);
        Assert.That(RunReport.Read(path).Rows[0].Worst!.AbsError, Is.EqualTo(0.125), "below the largest: read");
        Assert.That(Refusal(Report(Compared()), j => j["rows"]![0]!["max_abs_error"] = 0.125),
            Is.EqualTo("rows[0].worst.abs_error is 0.25, but rows[0].max_abs_error is 0.125: the largest error is at least the worst element's"));
        Assert.That(Refusal(Report(Compared()), j => j["rows"]![0]!["worst"]!["abs_error"] = "Infinity"),
            Is.EqualTo("rows[0].worst.abs_error is Infinity, but rows[0].max_abs_error is 0.5: the largest error is at least the worst element's"));
    }

    // The reader compares the ratio with the worst element's error over its bound exactly: that holds only if every double
    // reads back as the one written, the quotients that are no short decimal and the subnormals among them.
    [TestCase(0.1, 0.3)]
    [TestCase(1e-310, 3e-320)]
    [TestCase(2.2250738585072014E-308, 1.7976931348623157E+308)]
    [TestCase(1, double.Epsilon)]
    public void ARatioAsWrittenReadsBackAsTheWorstElementsErrorOverItsBound(double error, double bound)
    {
        string path = Path.Combine(Dir, "ratio.json");
        // The worst element's values are 0 and the error itself, whose difference is the error exactly; a ratio past 1 fails.
        var row = Compared(maxAbs: error);
        row = row with { Ratio = error / bound, Worst = row.Worst! with { Expected = 0, Actual = error, AbsError = error, Bound = bound } };
        Report(error / bound > 1 ? row : row with { Outcome = Outcome.Pass, Failures = 0 }).Write(path);
        var read = RunReport.Read(path).Rows[0];
        Assert.That((read.Ratio, read.Worst!.AbsError, read.Worst.Bound), Is.EqualTo(((double?)(error / bound), error, bound)));
    }

    [Test]
    public void ReasonsTheRowsDoNotGiveAreRefused()
    {
        var report = Report(Row(Outcome.Fail), Row(Outcome.Pass, direction: "dx"));
        Assert.That(Refusal(report, j => j["summary"]!["reasons"]![0] = "2 directions failed"),
            Is.EqualTo("summary.reasons[0] is \"2 directions failed\", but its rows give \"1 direction failed\""));
        Assert.That(Refusal(report, j => j["summary"]!["reasons"] = new System.Text.Json.Nodes.JsonArray()),
            Is.EqualTo("summary.reasons lists 0, but its rows give 1: the next is \"1 direction failed\""));
        Assert.That(Refusal(report, j => j["summary"]!["reasons"]!.AsArray().Add("3 warnings, and --strict makes warnings errors")),
            Is.EqualTo("summary.reasons[1] is \"3 warnings, and --strict makes warnings errors\", but its rows give 1 reason"));
        // A control character is shown escaped, as the console shows it.
        Assert.That(Refusal(report, j => j["summary"]!["reasons"]![0] = "1 direction\u001b[2Jfailed"),
            Is.EqualTo("summary.reasons[0] is \"1 direction\\u001b[2Jfailed\", but its rows give \"1 direction failed\""));
    }

    [Test]
    public void ASelectionSmallerThanTheCasesItsRowsHoldIsRefused()
    {
        // Two cases compared, and a third whose case.json could not be read (its row, about the pack, is no case of the selection).
        var unreadable = Row(Outcome.Error, id: "c3", direction: "*") with { Subject = RunRow.NoSubject, Reference = "pack", Cause = ErrorCause.Input };
        var report = new RunReport
        {
            Command = "check", ToleranceMode = "probabilistic", Subject = new SourceInfo { Name = "naive" }, References = [new SourceInfo { Name = "torch" }], Shard = "1/2",
            SelectionCases = 2, SelectionHash = RunReport.HashOf(["c1", "c2", "c4"]), Rows = [Row(Outcome.Pass), Row(Outcome.Pass, id: "c2"), unreadable],
        };
        Assert.That(Refusal(report, j => j["selection_cases"] = 1),
            Is.EqualTo("selection_cases is 1, but the rows hold 2 cases (those about the pack, subject \"-\", left out): a shard holds at most the whole selection's"));
        Assert.That(Refusal(report, j => j["selection_cases"] = -2), Is.EqualTo("selection_cases is -2, not a count (0 or more)"));
        Assert.That(Refusal(report, j => j["selection_hash"] = ""),
            Is.EqualTo("selection_cases is 2, but selection_hash is empty: a report records both, or neither (one from before they were)"));
        Assert.That(Refusal(report, j => j["selection_hash"] = "ABC"), Is.EqualTo("selection_hash is \"ABC\", not a SHA-256 (64 lower-case hex digits) or empty"));
        Assert.That(Refusal(report, j => j["selection_hash"] = new string('A', 64)), Does.StartWith("selection_hash is \"AAAA"));
    }

    [Test]
    public void ASelectionSetHashIsASha256GivenWithTheSelectionHash()
    {
        var report = new RunReport
        {
            Command = "check", ToleranceMode = "probabilistic", Subject = new SourceInfo { Name = "naive" }, References = [new SourceInfo { Name = "torch" }], Shard = "1/2",
            SelectionCases = 2, SelectionHash = RunReport.HashOf(["c1", "c2"]), SelectionSetHash = RunReport.SetHashOf(["c1", "c2"]),
            Rows = [Row(Outcome.Pass), Row(Outcome.Pass, id: "c2")],
        };
        Assert.That(Refusal(report, j => j["selection_set_hash"] = "ABC"), Is.EqualTo("selection_set_hash is \"ABC\", not a SHA-256 (64 lower-case hex digits) or empty"));
        Assert.That(Refusal(report, j => j["selection_set_hash"] = new string('A', 64)), Does.StartWith("selection_set_hash is \"AAAA"));
        Assert.That(Refusal(report, j => { j["selection_hash"] = ""; j["selection_cases"] = 0; }),
            Is.EqualTo("selection_set_hash is given, but selection_hash is empty: a report that records the one records the other"));
    }

    [Test]
    public void TheSelectionSetHashIsTheSha256OfTheSortedIdsAsNetstrings()
    {
        // By Python's hashlib: sha256(b"1:a,1:b,"), whatever the order or repetition of the ids.
        const string ab = "9f2b0d502d181b391c81652fdca2ccb0b747828fe438ba90c3e0092bcb39b3a4";
        Assert.That(RunReport.SetHashOf(["b", "a"]), Is.EqualTo(ab));
        Assert.That(RunReport.SetHashOf(["a", "b", "a"]), Is.EqualTo(ab), "a set: an id twice is the id once");
        // Sorted by UTF-8 bytes (U+FF61 is EF BD A1, U+1F600 F0 9F 98 80), not by UTF-16 code units (where the
        // surrogate D83D of U+1F600 comes first): sorted(b) in Python, for anyone recomputing it.
        Assert.That(RunReport.SetHashOf(["\U0001F600", "\uFF61"]), Is.EqualTo("b85454a4323475306270d6ec11155ce8fbe00e89b5e6822891f716df47f6f55f"));
        Assert.That(RunReport.SetHashOf([]), Is.EqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), "sha256 of nothing");
        // One id per line would make these one text, "a\nb\nc".
        Assert.That(RunReport.SetHashOf(["a\nb", "c"]), Is.Not.EqualTo(RunReport.SetHashOf(["a", "b\nc"])));
        Assert.That(Assert.Throws<ArgumentNullException>(() => RunReport.SetHashOf(null!))!.ParamName, Is.EqualTo("caseIds"));
    }

    // Someone else's text is quoted cut after 80 characters, as a manifest's refusals quote it: a hostile report's
    // descriptor, reason or kind of 10 MB was echoed whole into the one line a refusal is.
    [TestCase("skipped[0].kind", "skipped[0].kind is \"")]
    [TestCase("skipped_by_kind", "skipped_by_kind[\"")]
    [TestCase("summary.reasons[0]", "summary.reasons[0] is \"")]
    [TestCase("rows[0].descriptor", "rows[0].descriptor is \"mb1ic3")]
    [TestCase("rows[0].descriptor digits", "rows[0].descriptor is \"mb1ic3")]
    [TestCase("rows[0].outcome", "unknown outcome 'x")]
    [TestCase("rows[0].tolerance", "unknown tolerance 'x")]
    [TestCase("references[0].layout", "references[0].layout is \"")]
    [TestCase("tolerance", "tolerance is \"")]
    [TestCase("subject.versions", "subject.versions[\"")]
    [TestCase("started", "started is \"x")]
    public void AVastHostileStringIsQuotedCut(string member, string said)
    {
        string vast = "x\u001b" + new string('x', 100_000);
        var report = Report(Compared());
        report.Skipped.Add(new SkippedProblem { Where = "b:1", Descriptor = "mb1ic1ih5oc1kh3", Kind = "dtype", Reason = "--dt" });
        report.SkippedByKind["dtype"] = 1;
        string why = Refusal(report, j =>
        {
            var row = j["rows"]![0]!;
            switch (member)
            {
                case "skipped[0].kind": j["skipped"]![0]!["kind"] = vast; break;
                case "skipped_by_kind": j["skipped_by_kind"]![vast] = 1; break;
                case "summary.reasons[0]": j["summary"]!["reasons"]![0] = vast; break;
                case "rows[0].descriptor": row["descriptor"] = "mb1ic3ih5oc16oh3kh3" + vast; break;
                // The parser's reason quotes the digits it finds too large.
                case "rows[0].descriptor digits": row["descriptor"] = "mb1ic3ih5oc16oh3kh3g" + new string('9', 100_000); break;
                case "rows[0].outcome": row["outcome"] = vast; break;
                case "rows[0].tolerance": row["tolerance"] = vast; break;
                case "references[0].layout": j["references"]![0]!["layout"] = vast; break;
                case "tolerance": j["tolerance"] = vast; break;
                case "started": j["started"] = vast; break;
                default: j["subject"]!["versions"] = new System.Text.Json.Nodes.JsonObject { [vast] = null }; break;
            }
        });
        Assert.That(why.Contains(said, StringComparison.Ordinal), Is.True, $"names the path: {why}");
        Assert.That(why, Has.Length.LessThan(400));
        Assert.That(why.Contains('…', StringComparison.Ordinal), Is.True, why);
        Assert.That(why.Any(char.IsControl), Is.False, why);
    }

    [Test]
    public void AVastSchemaIsQuotedCut()
    {
        string path = Path.Combine(Dir, "schema.json");
        Report(Row(Outcome.Pass)).Write(path);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"convverify-report/1\"", "\"" + new string('s', 100_000) + "\"", StringComparison.Ordinal));
        var e = Assert.Throws<InvalidDataException>(() => RunReport.Read(path))!;
        Assert.That(e.Message, Is.EqualTo($"{path}: schema is \"{new string('s', 80)}…\", this reader knows \"convverify-report/1\""));
    }

    [Test]
    public void AStringIsCutAfterEightyCharactersButNeverWithinASurrogatePair()
    {
        Assert.That(ReportChecks.Printable(new string('a', 80)), Is.EqualTo(new string('a', 80)), "80 fit");
        Assert.That(ReportChecks.Printable(new string('a', 81)), Is.EqualTo(new string('a', 80) + "…"));
        // U+1F600 is two UTF-16 units: cut between them, the first alone would be no character.
        Assert.That(ReportChecks.Printable(new string('a', 79) + "\U0001F600b"), Is.EqualTo(new string('a', 79) + "…"));
        Assert.That(ReportChecks.Printable(new string('a', 78) + "\U0001F600b"), Is.EqualTo(new string('a', 78) + "\U0001F600…"));
    }

    // A value of the wrong kind, or an enum's name escaping a lone surrogate, was refused in .NET's words ("The JSON value
    // could not be converted to System.Int32", "… to ConvVerify.Runs.Outcome"), naming neither the value nor what a writer
    // puts there, and with the path as .NET writes it.
    [TestCase("rows[0].outcome", "\"\\ud800\"", "is \"\\ud800\", which escapes half of a UTF-16 surrogate pair alone: no character, so no text")]
    [TestCase("rows[0].tolerance", "\"Sound\\udc00\"", "is \"Sound\\udc00\", which escapes half of a UTF-16 surrogate pair alone: no character, so no text")]
    [TestCase("requirement", "\"\\ud800All\"", "is \"\\ud800All\", which escapes half of a UTF-16 surrogate pair alone: no character, so no text")]
    [TestCase("rows[0].outcome", "3", "is 3, not an outcome: expected \"pass\", \"FAIL\", \"suspicious\", \"not in pack\", \"not provided by oracle\", \"not provided\", \"ERROR\"")]
    [TestCase("rows[0].outcome", "[\"FAIL\"]", "is [\"FAIL\"], not an outcome: expected \"pass\", \"FAIL\", \"suspicious\", \"not in pack\", \"not provided by oracle\", \"not provided\", \"ERROR\"")]
    [TestCase("rows[0].elements", "\"144\"", "is \"144\", not an integer from -2147483648 to 2147483647")]
    [TestCase("rows[0].elements", "144.5", "is 144.5, not an integer from -2147483648 to 2147483647")]
    [TestCase("rows[0].failures", "3000000000", "is 3000000000, not an integer from -2147483648 to 2147483647")]
    [TestCase("rows[0].ratio", "true", "is true, not a number, \"NaN\", \"Infinity\" or \"-Infinity\"")]
    [TestCase("rows[0].worst.bound", "\"inf\"", "is \"inf\", not a number, \"NaN\", \"Infinity\" or \"-Infinity\"")]
    [TestCase("rows[0].worst.position", "\"0, 4, 1, 1\"", "is \"0, 4, 1, 1\", not a list of integers")]
    [TestCase("rows[0].worst", "40", "is 40, not an object")]
    [TestCase("rows", "{}", "is {}, not a list")]
    [TestCase("strict", "1", "is 1, not true or false")]
    [TestCase("seed", "-1", "is -1, not an integer from 0 to 18446744073709551615")]
    [TestCase("command", "5", "is 5, not a string")]
    public void AValueOfTheWrongKindIsRefusedNamingItsPathAndTheValueAsWritten(string member, string value, string said)
    {
        string[] steps = member.Split('.');
        const string Placeholder = "LONE-SURROGATE";
        bool lone = value.Contains("\\u", StringComparison.Ordinal);
        string why = Refusal(Report(Compared()), j =>
        {
            var node = j;
            foreach (string step in steps[..^1]) node = step.EndsWith(']') ? node[step[..step.IndexOf('[')]]![int.Parse(step[(step.IndexOf('[') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)]! : node[step]!;
            string last = steps[^1];
            var set = lone ? System.Text.Json.Nodes.JsonValue.Create(Placeholder) : System.Text.Json.Nodes.JsonNode.Parse(value);
            if (last.EndsWith(']')) node[last[..last.IndexOf('[')]]![int.Parse(last[(last.IndexOf('[') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)] = set;
            else node[last] = set;
        }, t => lone ? t.Replace($"\"{Placeholder}\"", value, StringComparison.Ordinal) : t);
        // The JSON is one line.
        Assert.That(why, Is.EqualTo($"{member} on line 1 {said}"));
    }
}
