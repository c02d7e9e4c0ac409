using System.CommandLine;
using ConvVerify.Cases;
using ConvVerify.Fixtures;
using ConvVerify.Problems;
using ConvVerify.Runs;
using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary><c>convverify verify-impl</c>: another implementation's outputs, as .npy files, against a pack.</summary>
internal static class VerifyImplCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var pack = new Option<string>("--pack") { Description = "The fixture pack (the oracle)", Required = true }.Expecting("a folder");
        var candidate = new Option<string>("--candidate") { Description = "Folder with <case-id>/{y,dx,dw,db}.npy written by the implementation under test", Required = true }.Expecting("a folder");
        var maxMacs = new Option<long?>("--max-macs")
        {
            Description = $"Skip pack cases with more multiply-adds per direction; without it, a case above {CaseSelection.DefaultMaxMacs} is an error (exit 2), never left out silently",
        }.WholeNumber(1L);
        // An implementation of one dtype or fill checks its part of a pack: under --require any it passed with every
        // direction of its own dtype missing too.
        var dtype = SelectionOptions.DTypeOption("every dtype the pack holds; given, the pack's cases of other dtypes are not run, nor counted as missing");
        var fill = SelectionOptions.FillOption("both; given, the pack's cases of the other fill are not run, nor counted as missing");
        var run = new RunOptions("all");
        var cmd = new Command("verify-impl", "Check another implementation's results against a fixture pack, element by element. The integer fill must match exactly (+0 = -0). "
            + "In the normal fill an element beyond the sound summation bound fails, and one within it but beyond the tighter probabilistic bound "
            + "(docs/tolerance.md) is suspicious, which fails the run too unless --tolerance sound; bf16 and f16 are held to their own rule (docs/tolerance.md), with both tiers.\n"
            + "Exit 0: all pass; 1: any failed or suspicious direction, a missing result under --require all, or nothing compared; "
            + "2: bad usage, an unreadable pack, a result that is not a regular file or is named in other letters (Y.NPY), or (with --strict) any warning, e.g. candidate files that match no case.\n\n"
            + "Example:\n  convverify verify-impl --pack tests/fixtures/basic --candidate out/ --json report.json");
        cmd.Options.Add(pack);
        cmd.Options.Add(candidate);
        cmd.Options.Add(maxMacs);
        cmd.Options.Add(dtype);
        cmd.Options.Add(fill);
        run.AddTo(cmd);
        cmd.SetAction(pr =>
        {
            run.CheckOutputs(pr, ("--pack", pr.GetValue(pack)), ("--candidate", pr.GetValue(candidate)));
            var requirement = run.RequirementOf(pr);
            var (dtypes, fills) = Selected(pr.GetValue(dtype), pr.GetValue(fill));
            string packDir = pr.GetValue(pack)!, candidateDir = pr.GetValue(candidate)!;
            if (PackPaths.NotAFolder(candidateDir) is { } notAFolder) throw new CliException($"--candidate: {notAFolder}: {candidateDir}");
            FixturePack p;
            try
            {
                p = FixturePack.Open(packDir);
                // The candidate is as untrusted as the pack: a linked case folder or file must not read from elsewhere.
                PackPaths.CheckTwoLevels(candidateDir);
                // The pack holds y, dx, dw and db under the very names a candidate uses, so given as its own candidate it
                // passed every direction (under a pile of warnings about its inputs) without checking anything.
                string realPack = PackPaths.RealPath(packDir), realCandidate = PackPaths.RealPath(candidateDir);
                if (PackPaths.SamePath(realPack, realCandidate))
                    throw new CliException($"--candidate: {candidateDir} is the pack itself ({packDir}): its results would only be compared with "
                        + "themselves; give the folder the implementation under test wrote");
            }
            catch (FixtureException e)
            {
                throw new CliException(e.Message);
            }
            var broken = p.CheckIntegrity();
            if (broken.Count > 0) throw new CliException($"the pack failed its integrity check, so it cannot serve as an oracle:\n  {string.Join("\n  ", broken)}");
            var warnings = new List<string>(p.Warnings);
            var errors = new List<RunRow>();
            var skipped = new List<SkippedProblem>();
            var available = Plans.ReadCases(p, warnings, errors);
            var cases = CaseSelection.WithinLimits(InSelection(available, dtypes, fills, pr.GetValue(dtype), pr.GetValue(fill), packDir), pr.GetValue(maxMacs), skipped, errors);
            if (skipped.Count > 0) console.Profile.Out.Writer.WriteLine($"{Counted.Of(skipped.Count, "pack case")} skipped: too large");
            if (LinkedToPack(candidateDir, p, cases) is { } linked)
                throw new CliException($"--candidate: {PackPaths.Printable(linked.Mine)} is the pack's own {PackPaths.Printable(linked.Packs)} (one file under two names, "
                    + "a hard link): its result would only be compared with itself; give the folder the implementation under test wrote");
            if (CopiedFromPack(candidateDir, p, cases) is { } copied) warnings.Add(copied);
            if (run.ForeignInputsWarning(pr, cases) is { } foreign) warnings.Add(foreign);
            warnings.AddRange(Unmatched(candidateDir, p, [.. cases.Select(c => c.Case.Id)], [.. cases.Where(c => !c.Case.Problem.HasBias).Select(c => c.Case.Id)]));
            var plan = new RunPlan
            {
                Command = RunCommands.VerifyImpl,
                Cases = cases,
                Skipped = skipped,
                References = [Plans.Reference([p])],
                Subject = new CandidateFolderSource(candidateDir),
                Requirement = requirement,
                Shard = run.ShardOf(pr),
                Strict = pr.GetValue(run.Strict),
                ToleranceRule = run.ToleranceRuleOf(pr),
                ToleranceMode = pr.GetValue(run.Tolerance),
                Warnings = warnings,
                PlanningErrors = errors,
            };
            return run.Execute(console, pr, plan, "verify-impl");
        });
        return cmd;
    }

    // --dtype and --fill as check reads them; null where not given: every dtype (float16 too) and fill of the pack.
    private static (IReadOnlyList<DType>? DTypes, IReadOnlyList<Fill>? Fills) Selected(string? dtype, string? fill)
    {
        try
        {
            return (dtype is null ? null : CaseSelection.ParseDTypes(dtype), fill is null ? null : CaseSelection.ParseFills(fill));
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Plain());
        }
    }

    // The pack's cases of the dtype and fill asked for, in pack order. One the pack holds none of is refused, as check
    // refuses it: the run would only say that nothing was compared. A pack whose cases could not be read is left to the
    // rows that say why.
    private static IReadOnlyList<CaseEntry> InSelection(IReadOnlyList<CaseEntry> available, IReadOnlyList<DType>? dtypes, IReadOnlyList<Fill>? fills,
        string? dtype, string? fill, string packDir)
    {
        var selected = available.Where(e => (dtypes is null || dtypes.Contains(e.Case.Problem.DType)) && (fills is null || fills.Contains(e.Case.Fill))).ToList();
        if (selected.Count > 0 || available.Count == 0) return selected;
        string pack = PackPaths.Printable(packDir);
        if (dtypes is not null && !available.Any(e => dtypes.Contains(e.Case.Problem.DType)))
        {
            var held = DTypes.All.Where(d => available.Any(e => e.Case.Problem.DType == d)).Select(DTypes.ShortName);
            throw new CliException($"--dtype {DTypes.ShortName(dtypes[0])}: {pack} holds no {DTypes.NumpyName(dtypes[0])} cases (only {string.Join(", ", held)})");
        }
        if (fills is not null && !available.Any(e => fills.Contains(e.Case.Fill)))
        {
            var held = new[] { Fill.Integer, Fill.Normal }.Where(f => available.Any(e => e.Case.Fill == f)).Select(ConvCase.FillName);
            throw new CliException($"--fill {fill}: {pack} holds no {fill}-fill cases (only {string.Join(", ", held)})");
        }
        // Each is held, but not together (a float32 pack of the normal fill beside a float64 one of the integer fill).
        throw new CliException($"--dtype {DTypes.ShortName(dtypes![0])} --fill {fill}: {pack} holds {DTypes.NumpyName(dtypes[0])} cases and {fill}-fill cases, but no {DTypes.NumpyName(dtypes[0])} case of the {fill} fill");
    }

    // The first result file that is the pack's own file of the same name, by device and inode: a hard link (cp -al, ln)
    // passed every direction without checking anything, as the pack given as its own candidate did. Symbolic links are
    // refused already (CheckTwoLevels); a hard link looks like any file until its identity is asked.
    private static (string Mine, string Packs)? LinkedToPack(string candidateDir, FixturePack pack, IReadOnlyList<CaseEntry> cases)
    {
        foreach (var c in cases)
        {
            foreach (var d in Directions.All)
            {
                string name = d.TensorName() + ".npy", mine = Path.Combine(candidateDir, c.Case.Id, name), packs = pack.CasePath(c.Case.Id, name);
                if (PackPaths.SameFile(mine, packs)) return (mine, packs);
            }
        }
        return null;
    }

    // A copy of the pack given as the candidate (the pack itself is refused above) passed every direction: its results are
    // the pack's own. So does an exact implementation whose .npy files come out byte for byte as the pack's, which is why
    // identical results alone say nothing (the harness's own candidates are such copies). What names the situation is
    // the pack's other files beside them: a manifest.json or a case.json is never an implementation's output, so the
    // folder was copied from a pack, and each result still byte for byte the pack's passes whatever the implementation
    // computed: all of them when nothing was written into the copy, the forgotten directions when some were. One warning
    // says so (the files it holds are also warned about one by one, below, where it is easily lost).
    // It cannot be made precise. An exact implementation that writes its results into a copy of the pack leaves a
    // folder identical, byte for byte, to a copy it wrote nothing into: same pack files, same inputs, same results. Only
    // the files' metadata could differ, and it says nothing reliable: a copy (cp -r, a checkout) gives every file a new
    // time, in whatever order it copies them, and a copy that keeps times (cp -p, rsync -a) keeps the pack's. So the
    // warning says what it saw, and that it cannot tell the copy's results from the same bytes written over them.
    private static string? CopiedFromPack(string candidateDir, FixturePack pack, IReadOnlyList<CaseEntry> cases)
    {
        string top = Path.Combine(candidateDir, "manifest.json");
        string? sign = IsRegular(top) ? top
            : cases.Select(c => Path.Combine(candidateDir, c.Case.Id, "case.json")).FirstOrDefault(IsRegular);
        if (sign is null) return null;
        int results = 0, same = 0;
        foreach (var c in cases)
        {
            foreach (var d in Directions.All)
            {
                if (d == Direction.BackwardBias && !c.Case.Problem.HasBias) continue;
                string name = d.TensorName() + ".npy", mine = Path.Combine(candidateDir, c.Case.Id, name);
                if (!IsRegular(mine)) continue;
                results++;
                if (SameBytes(mine, pack.CasePath(c.Case.Id, name))) same++;
            }
        }
        if (same == 0) return null;
        string which = same == results ? $"all {Counted.Of(results, "result file")} it holds are" : $"{same} of the {Counted.Of(results, "result file")} it holds are";
        return $"{PackPaths.Printable(candidateDir)}: a copy of a pack, not only an implementation's results (it holds {PackPaths.Printable(sign)}), and {which} "
            + $"byte for byte the pack's own in {PackPaths.Printable(pack.Directory)}; whether they are the copy's or the implementation wrote the same bytes over them "
            + $"(an exact one can) cannot be told from the folder: if they are the copy's, {(same == results ? "every direction passes" : "those directions pass")} "
            + "whatever the implementation computed; give a folder holding only what the implementation under test wrote";
    }

    // Links followed; a pipe or device is never opened here (the run's read reports it).
    private static bool IsRegular(string path)
    {
        try
        {
            PackPaths.CheckRegularFile(path);
            return true;
        }
        catch (FixtureException)
        {
            return false;
        }
    }

    // Whether two regular files hold the same bytes: sizes first, then a chunk at a time (a candidate's file may be huge).
    private static bool SameBytes(string a, string b)
    {
        try
        {
            if (!IsRegular(b) || new FileInfo(a).Length != new FileInfo(b).Length) return false;
            using var fa = File.OpenRead(a);
            using var fb = File.OpenRead(b);
            var (ba, bb) = (new byte[1 << 16], new byte[1 << 16]);
            while (true)
            {
                int na = fa.ReadAtLeast(ba, ba.Length, throwOnEndOfStream: false), nb = fb.ReadAtLeast(bb, bb.Length, throwOnEndOfStream: false);
                if (na != nb || !ba.AsSpan(0, na).SequenceEqual(bb.AsSpan(0, nb))) return false;
                if (na == 0) return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable: the run's read says why; it is no copy that passes.
            return false;
        }
    }

    // A misspelt case folder or result file would otherwise read as "not provided" and pass under --require any; a db.npy
    // of a case without bias is never read, and says the implementation took the case for another. A case folder's or a
    // result's name in other letters (CASE-1, Y.NPY) is an error of its directions where the run reads them
    // (CandidateFolderSource), and said here only where it does not: a case left out (--max-macs), a db of a case without bias.
    private static IEnumerable<string> Unmatched(string candidateDir, FixturePack pack, HashSet<string> run, HashSet<string> withoutBias)
    {
        var ids = pack.CaseIds.ToHashSet(StringComparer.Ordinal);
        var names = Directions.All.Select(d => d.TensorName() + ".npy").ToHashSet(StringComparer.Ordinal);
        foreach (string entry in Directory.EnumerateFileSystemEntries(candidateDir).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(entry), shown = PackPaths.Printable(entry);
            if (!ids.Contains(name) && ids.FirstOrDefault(id => string.Equals(id, name, StringComparison.OrdinalIgnoreCase)) is { } near)
            {
                if (!run.Contains(near))
                    yield return $"{shown}: differs from the case folder {near} only in letter case, as which only a file system that ignores letter case reads it; its case is not run, so it is not read; rename it {near}";
                continue;
            }
            if (!Directory.Exists(entry))
            {
                // Said for what it is: a named pipe was called a file, and one looked for a file that is not there.
                string kind = IsRegular(entry) ? "a file" : PackPaths.KindOf(entry);
                yield return ids.Contains(name)
                    ? $"{shown}: {kind} where the case's folder is expected; no result of the case is read from it"
                    : $"{shown}: {kind} where case folders are expected; it matches no case of the pack";
                continue;
            }
            if (!ids.Contains(name))
            {
                yield return $"{shown}: candidate folder matches no case of the pack";
                continue;
            }
            foreach (string file in Directory.EnumerateFileSystemEntries(entry).Order(StringComparer.Ordinal))
            {
                string? meant = names.Contains(Path.GetFileName(file)) ? null
                    : names.FirstOrDefault(n => string.Equals(n, Path.GetFileName(file), StringComparison.OrdinalIgnoreCase));
                if (meant == "db.npy" && withoutBias.Contains(name))
                    yield return $"{PackPaths.Printable(file)}: differs from the result file db.npy only in letter case, and the case has no bias, so it has no db to compare; the file is not read";
                else if (meant is not null && !run.Contains(name))
                    yield return $"{PackPaths.Printable(file)}: differs from the result file {meant} only in letter case, as which only a file system that ignores letter case reads it; its case is not run, so it is not read; rename it {meant}";
                else if (meant is not null)
                    continue;
                else if (!names.Contains(Path.GetFileName(file)))
                    yield return $"{PackPaths.Printable(file)}: not a result file (expected y.npy, dx.npy, dw.npy or db.npy)";
                else if (Path.GetFileName(file) == "db.npy" && withoutBias.Contains(name))
                    yield return $"{PackPaths.Printable(file)}: the case has no bias, so it has no db to compare; the file is not read";
            }
        }
    }
}
