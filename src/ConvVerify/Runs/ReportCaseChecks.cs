using ConvVerify.Cases;
using ConvVerify.Problems;
using static ConvVerify.Runs.ReportChecks;

namespace ConvVerify.Runs;

/// <summary>
/// What the rows of one case must hold together, as <see cref="Runner"/> writes them: every direction the case was
/// checked in (<see cref="RunReport.CaseDirections"/>), each compared with every reference by the names the report's
/// header gives, under one descriptor, dtype and fill, with the consensus of its references when there are several. A
/// direction's rows cut from a shard, its summary recounted, merged as a run that checked less; a <c>db</c> row added to
/// a case without bias, or a row naming another reference, was merged as checked. Each check says what is wrong by the
/// JSON path of a row (or of the header's member); null when nothing is.
/// </summary>
internal static class ReportCaseChecks
{
    private const string WholeCase = "*";

    private static readonly string[] Names = RunReport.CheckedDirectionNames;

    /// <summary>The first thing the rows of a case of <paramref name="r"/> do not hold together, or null.</summary>
    public static string? Inconsistent(RunReport r)
    {
        var subject = r.Subject.Name;
        var references = r.References.Select(x => x.Name).ToList();
        var pairs = Pairs(subject, references);
        string all = string.Join(",", references);
        var cases = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < r.Rows.Count; i++)
        {
            var row = r.Rows[i];
            // Rows about the pack (subject "-") are made before the cases are read and named "pack": no case's rows.
            if (row.Subject == RunRow.NoSubject) continue;
            if ((BadNames($"rows[{i}]", row, subject, references, pairs, all) ?? BadConsensusWord($"rows[{i}]", row, references.Count)) is { } why) return why;
            if (!cases.TryGetValue(row.Case, out var rows)) cases[row.Case] = rows = [];
            else if (Unlike(i, row, rows[0], r.Rows[rows[0]]) is { } unlike) return unlike;
            rows.Add(i);
        }
        if (BadCaseDirections(r, cases) is { } listed) return listed;
        foreach (var (id, rows) in cases)
            if (BadCase(r, id, rows, pairs) is { } why) return why;
        return null;
    }

    // Each reference is compared with the subject, and with several, each with every later one that is not the subject
    // itself (Runner: CrossCheckReferences); such a row names the later one as its subject.
    private static HashSet<(string Subject, string Reference)> Pairs(string subject, List<string> references)
    {
        var pairs = references.Select(x => (subject, x)).ToHashSet();
        for (int i = 0; i < references.Count; i++)
            for (int j = i + 1; j < references.Count; j++)
                if (references[i] != subject && references[j] != subject) pairs.Add((references[j], references[i]));
        return pairs;
    }

    private static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"\"{Printable(n)}\""));

    // A row of a case names the report's subject and one of its references (or two references, compared with each
    // other); a row about a whole case the run could not check names them all, joined by commas (Runner.ErrorRow).
    private static string? BadNames(string what, RunRow row, string subject, List<string> references, HashSet<(string, string)> pairs, string all)
    {
        if (row.Direction == WholeCase)
        {
            if (row.Subject != subject)
                return $"{what}.subject is \"{Printable(row.Subject)}\", but subject.name is \"{Printable(subject)}\": a row about a whole case names the subject checked";
            return row.Reference == all ? null
                : $"{what}.reference is \"{Printable(row.Reference)}\", but a row about a whole case names every one of the references, \"{Printable(all)}\"";
        }
        if (pairs.Contains((row.Subject, row.Reference))) return null;
        if (row.Subject != subject && !references.Contains(row.Subject))
            return $"{what}.subject is \"{Printable(row.Subject)}\", but subject.name is \"{Printable(subject)}\" and the references are {Quoted(references)}: a row names what it checked";
        if (!references.Contains(row.Reference))
            return $"{what}.reference is \"{Printable(row.Reference)}\", but the references are {Quoted(references)}: a row names what it was checked against";
        return $"{what} compares \"{Printable(row.Subject)}\" with \"{Printable(row.Reference)}\", which the run does not: its rows compare subject.name \"{Printable(subject)}\" with each of the references, and each reference with every later one";
    }

    // With several references a row may say whether they agree on its direction (Runner; whether it must, BadConsensus
    // decides from the direction's rows); with one, none does.
    private static string? BadConsensusWord(string what, RunRow row, int references)
    {
        if (references < 2)
            return row.Consensus is null ? null
                : $"{what}.consensus is \"{Printable(row.Consensus)}\", but the report has {(references == 1 ? "one reference" : "no references")}: only the rows of a run with several have a consensus";
        if (row.Direction == WholeCase)
            return row.Consensus is null ? null : $"{what}.consensus is \"{Printable(row.Consensus)}\", but {what}.direction is \"*\": a case that could not be checked has no consensus";
        return row.Consensus switch
        {
            null or "agree" or "disagree" => null,
            var other => $"{what}.consensus is \"{Printable(other)}\", expected \"agree\" or \"disagree\"",
        };
    }

    // The rows of a case are of one problem, dtype and fill: Runner writes them all from the one case.
    private static string? Unlike(int i, RunRow row, int first, RunRow head)
    {
        string? field = row.Descriptor != head.Descriptor ? "descriptor" : row.DType != head.DType ? "dtype" : row.Fill != head.Fill ? "fill" : null;
        if (field is null) return null;
        string Of(RunRow x) => field == "descriptor" ? x.Descriptor : field == "dtype" ? x.DType : x.Fill;
        return $"rows[{i}].{field} is \"{Printable(Of(row))}\", but rows[{first}], of the same case \"{Printable(row.Case)}\", says \"{Printable(Of(head))}\": the rows of a case share its descriptor, dtype and fill";
    }

    // case_directions lists cases of the rows, each with some of the four directions, in their order, each once, and not
    // all four (a case checked in all four is not listed).
    private static string? BadCaseDirections(RunReport r, Dictionary<string, List<int>> cases)
    {
        if (r.CaseDirections is not { } listed) return null;
        foreach (var (id, directions) in listed)
        {
            string what = $"case_directions[\"{Printable(id)}\"]";
            if (directions is null) return $"{what} is null";
            if (directions.Any(d => d is null)) return $"{what}[{directions.FindIndex(d => d is null)}] is null";
            int at = 0;
            bool inOrder = directions.All(d => (at = Array.IndexOf(Names, d, at)) >= 0 && ++at > 0);
            if (!inOrder || directions.Count is 0 || directions.Count >= Names.Length)
                return $"{what} is [{Quoted(directions)}], expected some of {Quoted(Names)}, each once and in that order, but not all four (a case checked in all four is not listed)";
            if (!cases.ContainsKey(id)) return $"{what} is given, but no rows are of case \"{Printable(id)}\": it lists the cases of the report's rows";
            // A run that selected no directions checks each case in all its problem's: all four, or y, dx and dw without
            // bias. Only a result file its pack's integrity check found missing or corrupt takes another out, and a row
            // about the pack's files says so. A shard whose FAIL row was cut, its direction struck from this list and its
            // summary recounted, was merged as a case checked in fewer directions.
            if (r.DirectionsSelected == false && !directions.SequenceEqual(WithoutBias) && !r.Rows.Any(x => x.Case == Plans.PackCase))
                return $"{what} is [{Quoted(directions)}], but directions_selected is false and no file of the pack failed its check: such a run checks a case in all four directions, "
                    + "or in y, dx and dw (a problem without bias)";
        }
        return null;
    }

    private static readonly string[] WithoutBias = [.. Names.Where(n => n != Direction.BackwardBias.TensorName())];

    private static string? BadCase(RunReport r, string id, List<int> rows, HashSet<(string Subject, string Reference)> pairs)
    {
        // A case the run could not check at all is that one row (Runner.RunCase): nothing of it was compared.
        if (rows.FirstOrDefault(i => r.Rows[i].Direction == WholeCase, -1) is var whole and >= 0)
        {
            int other = rows.FirstOrDefault(i => i != whole, -1);
            return rows.Count == 1 ? BadId(r, id, rows) : $"rows[{whole}] is about the whole of case \"{Printable(id)}\" (direction \"*\"), but rows[{other}] of that case is about its {Printable(r.Rows[other].Direction)}: the rows of a case that could not be checked are that one row";
        }
        var byDirection = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (int i in rows)
        {
            if (!byDirection.TryGetValue(r.Rows[i].Direction, out var these)) byDirection[r.Rows[i].Direction] = these = [];
            these.Add(i);
        }
        foreach (var (direction, these) in byDirection)
        {
            var held = these.Select(i => (r.Rows[i].Subject, r.Rows[i].Reference)).ToHashSet();
            if (pairs.FirstOrDefault(p => !held.Contains(p)) is ({ } s, { } reference))
                return $"the rows of case \"{Printable(id)}\" in {direction} (rows[{these[0]}] the first) do not compare \"{Printable(s)}\" with \"{Printable(reference)}\": each direction of a case is compared with every reference";
            if (BadConsensus(r, id, direction, these) is { } why) return why;
        }
        // Checked in the directions case_directions lists, or in all four (a report from before it was recorded: unknown).
        if (r.CaseDirections is { } listed)
        {
            bool isListed = listed.TryGetValue(id, out var expected);
            expected ??= [.. Names];
            string said = isListed ? $"case_directions[\"{Printable(id)}\"] is [{Quoted(expected)}]" : $"case_directions does not list case \"{Printable(id)}\", so it was checked in all four";
            if (expected.FirstOrDefault(d => !byDirection.ContainsKey(d)) is { } lost)
                return $"case \"{Printable(id)}\" has no {lost} rows (rows[{rows[0]}] is its first), but {said}: a direction's rows were cut";
            if (byDirection.Keys.FirstOrDefault(d => !expected.Contains(d)) is { } added)
                return $"rows[{byDirection[added][0]}].direction is \"{Printable(added)}\", but {said}: the case was not checked in {Printable(added)}";
        }
        return BadId(r, id, rows);
    }

    // The references agree on a direction when every comparison of it (subject against each, each against every other)
    // passed; the rows of its absences and errors do not count (Runner).
    private static string? BadConsensus(RunReport r, string id, string direction, List<int> rows)
    {
        if (r.References.Count < 2) return null;
        // Only a direction two or more references computed has a consensus (ort's absent float64 and bfloat16 beside torch
        // has none): a reference computed it when a comparison it takes part in was made.
        var computed = rows.Where(i => r.Rows[i].Outcome is Outcome.Pass or Outcome.Fail or Outcome.Suspicious)
            .SelectMany(i => new[] { r.Rows[i].Subject, r.Rows[i].Reference })
            .Where(name => r.References.Any(x => x.Name == name)).ToHashSet(StringComparer.Ordinal);
        if (computed.Count < 2)
        {
            return rows.FirstOrDefault(i => r.Rows[i].Consensus is not null, -1) is var said and >= 0
                ? $"rows[{said}].consensus is \"{Printable(r.Rows[said].Consensus!)}\", but {(computed.Count == 0 ? "no reference" : "only one reference")} computed case \"{Printable(id)}\" in {direction}: a consensus needs two"
                : null;
        }
        if (rows.FirstOrDefault(i => r.Rows[i].Consensus is null, -1) is var silent and >= 0)
            return ReportChecks.Say($"rows[{silent}].consensus is not given, but {computed.Count} references computed case \"{Printable(id)}\" in {direction}: each row of such a direction says whether they agree on it");
        int failed = rows.FirstOrDefault(i => r.Rows[i].Outcome is Outcome.Fail or Outcome.Suspicious, -1);
        string given = failed < 0 ? "agree" : "disagree";
        if (rows.FirstOrDefault(i => r.Rows[i].Consensus != given, -1) is var bad and >= 0)
        {
            return failed < 0
                ? $"rows[{bad}].consensus is \"{Printable(r.Rows[bad].Consensus!)}\", but every comparison of case \"{Printable(id)}\" in {direction} passed: the references agree on it"
                : $"rows[{bad}].consensus is \"{Printable(r.Rows[bad].Consensus!)}\", but rows[{failed}] of case \"{Printable(id)}\" in {direction} is \"{r.Rows[failed].Outcome.Name()}\": the references agree on a direction only when every comparison of it passed";
        }
        return null;
    }

    // A run with a seed (a live oracle's, soak's) made its cases and named each by its problem and fill
    // (ConvCase.IdOf: the descriptor, "__nobias" for a problem without bias, the dtype and the fill; "__channels-last"
    // after it for a batch file's --stag=axb): a row whose dtype or fill is not its case's, or a db row of a case without
    // bias, is no row of that case. A pack's cases are named by their folders, which may be anything.
    private static string? BadId(RunReport r, string id, List<int> rows)
    {
        if (r.Seed is not { } seed) return null;
        var head = r.Rows[rows[0]];
        string what = $"rows[{rows[0]}]";
        if (DTypes.TryParse(head.DType) is not { } dtype || head.Fill is not ("integer" or "normal")) return null;
        var fill = head.Fill == "integer" ? Fill.Integer : Fill.Normal;
        if (!BenchdnnDescriptor.TryParse(head.Descriptor, out var parsed, out string? error, dtype) || parsed is null)
            return $"{what}.descriptor is \"{Printable(head.Descriptor)}\", but seed is {seed}: the cases of a run with a seed are its problems, named by their descriptors ({Printable(error ?? "", 2 * MaxQuoted)})";
        string withBias = ConvCase.IdOf(parsed, fill), withoutBias = ConvCase.IdOf(parsed.WithBias(false), fill);
        const string ChannelsLast = "__channels-last";
        bool biased = id == withBias || id == withBias + ChannelsLast;
        if (!biased && id != withoutBias && id != withoutBias + ChannelsLast)
            return $"{what}.case is \"{Printable(id)}\", but seed is {seed}, and the case of {what}.descriptor, {what}.dtype and {what}.fill is \"{Printable(withBias)}\" (\"{Printable(withoutBias)}\" without bias): a run with a seed names its cases so";
        if (!biased && rows.FirstOrDefault(i => r.Rows[i].Direction == "db", -1) is var db and >= 0)
            return $"rows[{db}].direction is \"db\", but rows[{db}].case \"{Printable(id)}\" is a problem without bias (seed is {seed}, and its id says so): it has no db";
        // Its id says whether it has a bias, and so, where no direction was selected, in which directions it was checked:
        // a db that failed, cut with its name in case_directions, left a case with bias listed as one without.
        if (biased && r.DirectionsSelected == false && r.CaseDirections is { } listed && listed.TryGetValue(id, out var directions))
            return $"case_directions[\"{Printable(id)}\"] is [{Quoted(directions)}], but its id says the problem has a bias (seed is {seed}) and directions_selected is false: it was checked in all four directions";
        return null;
    }
}
