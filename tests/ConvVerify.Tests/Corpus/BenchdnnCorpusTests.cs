using System.Text.RegularExpressions;
using ConvVerify.Cases;
using ConvVerify.Comparison;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Runs;
using ConvVerify.Tests.Oracles;

namespace ConvVerify.Tests.Corpus;

/// <summary>
/// oneDNN's benchdnn convolution inputs, vendored in <c>third_party/benchdnn-conv</c>: every file reads, and a fast slice of
/// every shape file is checked against live torch in every direction.
/// </summary>
public class BenchdnnCorpusTests
{
    private static string Folder => Locations.BenchdnnInputs() ?? throw new InvalidOperationException("third_party/benchdnn-conv not found");

    private static IEnumerable<string> VendoredFiles() =>
        Directory.GetFiles(Folder).Select(Path.GetFileName).Where(n => n is not ("LICENSE" or "README.md")).OrderBy(n => n, StringComparer.Ordinal)!;

    private static IEnumerable<string> ShapeFiles() => VendoredFiles().Where(n => n.StartsWith("shapes_", StringComparison.Ordinal));

    [Test]
    public void TheVendoredFolderSaysWhereItCameFrom()
    {
        Assert.That(File.ReadAllText(Path.Combine(Folder, "LICENSE")), Does.Contain("Apache License").And.Contain("Version 2.0").And.Contain("Intel Corporation"));
        Assert.That(File.ReadAllText(Path.Combine(Folder, "README.md")), Does.Contain("3f27bec21fdce6b550f233bf6e0afd086ee8d543"));
        Assert.That(ShapeFiles().Count(), Is.EqualTo(106));
    }

    [Test]
    public void EveryVendoredFileReadsAndEveryIncludeNamesAVendoredFile()
    {
        // Each file on its own (its includes are entries here; following them all re-reads the corpus ~50 times over).
        // No descriptor of benchdnn's is invalid; every include resolves to a vendored file. Read as --batch reads a file
        // (strict UTF-8, a regular file within the size cap), so every one passes those rules too.
        var problems = new List<string>();
        int taken = 0;
        foreach (string name in VendoredFiles())
        {
            foreach (var e in BatchFile.ReadText(InputFile.ReadAllText(Path.Combine(Folder, name), "batch file", BatchFile.MaxBytes), name, directory: null))
            {
                if (e.SkipKind == BatchSkipKind.Include)
                {
                    string target = e.Descriptor["--batch=".Length..];
                    if (!File.Exists(Path.Combine(Folder, target))) problems.Add($"{e.Where}: include of a missing file {target}");
                }
                else if (e.SkipKind == BatchSkipKind.Invalid) problems.Add($"{e.Where}: {e.Skip}");
                else if (e.Problem is not null) taken++;
            }
        }
        Assert.That(problems, Is.Empty);
        Assert.That(taken, Is.GreaterThan(35_000));
    }

    [Test]
    public void HarnessConvF32ReadsWithItsIncludes()
    {
        // set_conv_all includes 9 shape files of 220 descriptors (counted with grep); at benchdnn's smoke minibatch 2 one,
        // 3d_unet:conv_2 (2·32·(112·128·128)·64·27 = 2.0·10¹¹ multiply-adds), is beyond 10¹¹.
        var all = CaseSelection.Resolve(null, "benchdnn:set_conv_all", [], "f32", "integer", "question", mb: 2, maxMacs: 100_000_000_000);
        Assert.That(all.Listing.Where(l => l.Kind is BatchSkipKind.Invalid or BatchSkipKind.Include), Is.Empty);
        Assert.That((all.Problems.Count, all.Listing.Count(l => l.Kind == BatchSkipKind.TooLarge)), Is.EqualTo((219, 1)));
        Assert.That(all.Listing.Single(l => l.Kind == BatchSkipKind.TooLarge).Descriptor, Does.Contain("3d_unet:conv_2"));
        // harness_conv_f32: set_conv_all at mb 2 as FWD_B, BWD_D and BWD_WB (merged into the FWD_B cases, which have a
        // bias too), then the 20 shapes of shapes_resnet_50 at their own mb 50 as BWD_WB.
        var harness = CaseSelection.Resolve(null, "benchdnn:harness_conv_f32", [], "f32", "integer", "question", maxMacs: 100_000_000_000);
        Assert.That(harness.Listing.Where(l => l.Kind is BatchSkipKind.Invalid or BatchSkipKind.Include), Is.Empty);
        Assert.That(harness.Problems, Has.Count.EqualTo(219 + 219 + 20));
        Assert.That(harness.Listing.Count(l => l.Status.StartsWith("merged", StringComparison.Ordinal)), Is.EqualTo(219));
        Assert.That(harness.Listing.Count(l => l.Kind == BatchSkipKind.TooLarge), Is.EqualTo(3));
        Assert.That(harness.Problems.Count(p => p.Mb == 50), Is.EqualTo(20));
        // By default also 3d_unet:conv_4, 2·128·(52·60·60)·64·27 = 8.3·10¹⁰.
        var byDefault = CaseSelection.Resolve(null, "benchdnn:set_conv_all", [], "f32", "integer", "question", mb: 2);
        Assert.That(byDefault.Listing.Where(l => l.Kind == BatchSkipKind.TooLarge).Select(l => l.Descriptor).ToList(),
            Has.Count.EqualTo(2).And.Some.Contains("3d_unet:conv_4"));
    }

    [Test]
    public void NoVendoredFileSelectsACaseTwice()
    {
        // test_conv_all checked shapes_regression_dw:3 twice in bf16: once from an entry without --dt (test_conv_depthwise),
        // once from one with --dt=bf16 (harness_conv_dw_bfloat16). That pair, read from the vendored file as test_conv_all
        // reads it, and every file no other includes but test_conv_all itself (whose selection alone takes 8 s; its parts
        // are these files), in every default dtype; a selection only, nothing is computed.
        string pair = Path.Combine(Path.GetTempPath(), $"convverify-dw-pair-{Guid.NewGuid():N}");
        File.WriteAllText(pair, "--reset --mb=2 --match=.*stress_conv1.*\n--dir=FWD_D,BWD_D,BWD_WB,FWD_I --batch=shapes_regression_dw\n"
            + "--reset --mb=2 --match=.*stress_conv1.* --dir=FWD_B --dt=bf16 --batch=shapes_regression_dw\n");
        try
        {
            var both = CaseSelection.Resolve(null, pair, [], null, "integer", "question");
            var entries = both.Generated(1);
            Assert.That(entries.Where(e => e.Case.Problem.DType == DType.BFloat16).Select(e => e.Case.Id), Is.Not.Empty.And.Unique);
            Assert.That(entries.Select(e => e.Case.Id), Is.Unique);
        }
        finally
        {
            File.Delete(pair);
        }
        var included = VendoredFiles().SelectMany(n => Regex.Matches(File.ReadAllText(Path.Combine(Folder, n)), @"--batch=(\S+)").Select(m => m.Groups[1].Value)).ToHashSet();
        var roots = VendoredFiles().Where(n => !included.Contains(n) && n != "test_conv_all").ToList();
        Assert.That(roots, Has.Count.GreaterThan(10));
        foreach (string name in roots)
        {
            var s = CaseSelection.Resolve(null, "benchdnn:" + name, [], null, "integer", "question");
            var twice = s.Generated(1).GroupBy(e => e.Case.Id).Where(g => g.Count() > 1).Select(g => g.Key).Take(5).ToList();
            Assert.That(twice, Is.Empty, name);
        }
    }

    [TestCase("shapes_3d_1st_strided_padding")]
    [TestCase("shapes_3d_1x1_strided_padding")]
    [TestCase("shapes_dw_2d_1d_strided_padding")]
    public void TheFilesWithAllPaddingWindowsAreTakenWhole(string name)
    {
        var s = CaseSelection.Resolve(null, "benchdnn:" + name, [], "f32", "integer", "question");
        Assert.That(s.Listing.Where(l => l.Kind != BatchSkipKind.None).Select(l => l.Status), Is.Empty);
        Assert.That(s.Problems.Count(CropsAll), Is.GreaterThan(0));
    }

    [Test]
    public void TheProblemsOfTheIssueAreWhatBenchdnnSays()
    {
        // pd-back(-2): a 2-element d dimension, begin padding 2, one window of 2 at stride 3: it reads padding only.
        var p = BenchdnnDescriptor.Parse("mb1_ic1oc16_kd2kh1kw1_id2ih1iw1_od1oh1ow1_sd3sh1sw1_pd2ph0pw0_dd0dh0dw0n\"x_pd-back(-2)\"");
        Assert.That((p.PadEnd[0], p.Output[0]), Is.EqualTo((-2, 1)));
        // Stride 1, so keeping an input element would make room for a second window: only an exact crop gives ow3.
        var q = BenchdnnDescriptor.Parse("mb2ic2iw2oc3ow3kw1pw3");
        Assert.That((q.PadEnd[0], q.Output[0]), Is.EqualTo((-2, 3)));
        var e = Assert.Catch<ArgumentException>(() => new ConvProblem(1, 1, 1, 1, [2], [1], padBegin: [3], padEnd: [-3]));
        Assert.That(e!.Message, Does.Contain("pew: end padding -3 would crop 3 elements, more than the 2 input elements of w"));
    }

    private static bool CropsAll(ConvProblem p) => Enumerable.Range(0, p.Rank).Any(i => p.Input[i] + p.PadEnd[i] == 0);

    // The slice: each shape file's first cases at mb 1 that are small enough, so the whole slice takes a few seconds.
    private const int PerFile = 2;
    private const long SliceMacs = 2_000_000;

    private static List<CaseEntry> Slice()
    {
        // Only each file's head is read: the slice must stay cheap whatever the size of the file.
        var entries = new List<CaseEntry>();
        foreach (string name in ShapeFiles())
        {
            string head = string.Join('\n', File.ReadLines(Path.Combine(Folder, name)).Take(200));
            var problems = BatchFile.ReadText(head, name, directory: null)
                .Where(e => e.Problem is not null)
                .Select(e => (e.Dir, Problem: e.Problem!.WithMb(1)))
                .Where(e => e.Problem.MultiplyAdds <= SliceMacs)
                .Take(PerFile);
            entries.AddRange(problems.Select(e => new CaseEntry(ConvCase.Create(e.Problem, Fill.Integer))
            {
                Directions = CaseSelection.DirectionsOf(e.Dir, e.Problem.HasBias),
            }));
        }
        return entries;
    }

    [Test]
    public void EveryShapeFilesFirstCasesMatchTorchInEveryDirection()
    {
        var torch = LiveTorch.Require();
        var cases = Slice();
        // Files of huge layers only (shapes_large_conv, shapes_3d_unet…) or of options we skip have no case in the slice.
        Assert.That(cases.Select(c => c.Case.Id).Distinct().Count(), Is.GreaterThan(120));
        var report = Runner.Run(new RunPlan
        {
            Command = "test",
            Cases = cases,
            References = [new OracleSource(torch)],
            Subject = new EngineSource(ConvVerify.Convolution.ConvEngines.Default),
        });
        Assert.That(report.Rows.Where(r => r.Outcome != Outcome.Pass).Select(r => $"{r.Case} {r.Direction}: {r.Outcome} {r.Reason}"), Is.Empty);
        Assert.That(report.Rows.Select(r => r.Tolerance), Is.All.EqualTo(Tolerance.ExactValues));
        Assert.That(report.Rows.Count(r => r.Direction == "dx"), Is.EqualTo(cases.Count));
    }

    [Test]
    public void TheAllPaddingProblemsMatchTorchAndOrtInEveryDirection()
    {
        var torch = LiveTorch.Require();
        var cases = new List<CaseEntry>();
        foreach (string name in new[] { "shapes_3d_1st_strided_padding", "shapes_3d_1x1_strided_padding", "shapes_dw_2d_1d_strided_padding" })
        {
            var s = CaseSelection.Resolve(null, "benchdnn:" + name, [], "f32", "integer", "question", mb: 1, maxMacs: SliceMacs);
            cases.AddRange(s.Generated(ConvCase.DefaultSeed).Where(c => CropsAll(c.Case.Problem)).Take(15));
        }
        Assert.That(cases, Has.Count.GreaterThanOrEqualTo(25));
        var report = Runner.Run(new RunPlan
        {
            Command = "test",
            Cases = cases,
            References = [new OracleSource(torch), new OracleSource(new OrtOracle())],
            Subject = new EngineSource(ConvVerify.Convolution.ConvEngines.Default),
        });
        Assert.That(report.Rows.Where(r => r.Outcome != Outcome.Pass).Select(r => $"{r.Case} {r.Direction} {r.Reference}: {r.Outcome} {r.Reason}"), Is.Empty);
        // Every direction of every case, against each oracle and each oracle against the other.
        Assert.That(report.Rows, Has.Count.EqualTo(cases.Sum(c => Directions.For(c.Case.Problem).Count) * 3));
    }
}
