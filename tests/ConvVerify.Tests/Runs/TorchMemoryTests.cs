using ConvVerify.Catalog;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Runs;
using ConvVerify.Tests.Cli;
using ConvVerify.Tests.Oracles;

namespace ConvVerify.Tests.Runs;

/// <summary>
/// The memory a case needs where live torch computes it: torch pads x itself and builds float64 im2col columns, neither
/// of which the problem's tensors show. A probe's 1-element x padded to 200,000,001 took 2.6 GB resident under the
/// memory guard, which put it at 336 bytes.
/// </summary>
public class TorchMemoryTests
{
    // The probe's 2-D problem: x, b and y one element each, w 2·2 = 4 (7 elements, 48 bytes each: 336), x padded to
    // (1 + 5000 + 5000)² = 100,020,001 elements.
    private const string Padded = "mb1ic1ih1oc1kh2dh9999ph5000";

    // 32 bytes per tensor element while torch computes, 16 per padded element: 32·7 + 16·100,020,001.
    private const long PaddedF32 = 1_600_320_240;

    [Test]
    public void TorchCountsThePaddedInputAndItsGradient()
    {
        var p = BenchdnnDescriptor.Parse(Padded);
        Assert.That(CaseSelection.CaseBytes(p), Is.EqualTo(336));
        Assert.That(CaseSelection.TorchCaseBytes(p, [DType.Float32]), Is.EqualTo(PaddedF32));
        // In float64 its 1·1·2·2·1 = 4 im2col columns too, 8 bytes each.
        Assert.That(CaseSelection.TorchCaseBytes(p, [DType.Float32, DType.Float64]), Is.EqualTo(PaddedF32 + 32));

        var within = Select(Padded, "f32", PaddedF32, torch: true);
        Assert.That(within.Problems, Has.Count.EqualTo(1));
        var over = Select(Padded, "f32", PaddedF32 - 1, torch: true);
        Assert.That(over.Problems, Is.Empty);
        Assert.That(over.Listing.Single().Kind, Is.EqualTo(BatchSkipKind.TooLarge));
        Assert.That(over.Listing.Single().Reason, Is.EqualTo("too large for this machine's memory with torch: about 1.5 GiB, for x padded to (1, 1, 10001, 10001) "
            + "(100,020,001 elements; torch holds it and its gradient) beside the tensors and results"));
        // Without torch nothing holds x padded: the naive and exact engines index from the begin padding.
        Assert.That(Select(Padded, "f32", 336, torch: false).Problems, Has.Count.EqualTo(1));
        Assert.That(Select(Padded, "f32", 335, torch: false).Problems, Is.Empty);
    }

    [Test]
    public void TorchCountsFloat64ImToColColumnsOnlyWhereItBuildsThem()
    {
        // x 4·32·64² = 524,288, w 3·32·9² = 7,776, b 3, y 4·3·56² = 37,632: 569,699 elements (48 bytes each: 27,345,552).
        // Columns 4·32·81·56² = 32,514,048; torch 1.13 took 256 MB over its inputs in float64, 11 MB in float32 (oneDNN).
        const string descriptor = "mb4ic32ih64oc3kh9";
        var p = BenchdnnDescriptor.Parse(descriptor);
        Assert.That(CaseSelection.CaseBytes(p), Is.EqualTo(27_345_552));
        Assert.That(CaseSelection.TorchCaseBytes(p, [DType.Float32]), Is.EqualTo(27_345_552), "no padding, no columns: the tensors' estimate");
        // 32·569,699 + 8·32,514,048.
        const long f64 = 278_342_752;
        Assert.That(CaseSelection.TorchCaseBytes(p, [DType.Float64]), Is.EqualTo(f64));
        Assert.That(CaseSelection.TorchCaseBytes(p, [DType.BFloat16]), Is.EqualTo(f64), "bfloat16 takes the same path on a CPU without AVX-512");
        Assert.That(Select(descriptor, "f64", f64, torch: true).Problems, Has.Count.EqualTo(1));
        var over = Select(descriptor, "f64", f64 - 1, torch: true);
        Assert.That(over.Listing.Single().Reason, Is.EqualTo("too large for this machine's memory with torch: about 0.3 GiB, for torch's im2col columns of 32,514,048 elements beside the tensors and results"));
        Assert.That(Select(descriptor, "f32", 27_345_552, torch: true).Problems, Has.Count.EqualTo(1));
        // A batch entry's --dt decides, not the run's default dtypes.
        string dir = Directory.CreateTempSubdirectory("convverify-torch-memory-").FullName;
        try
        {
            string batch = Path.Combine(dir, "batch");
            File.WriteAllText(batch, $"--dt=f32 {descriptor}\n--dt=f64 {descriptor}\n");
            var s = CaseSelection.Resolve(null, batch, [], null, "integer", "question", memoryBytes: f64 - 1, torch: true);
            Assert.That(s.Problems.Select(q => q.DType), Is.EqualTo(new[] { DType.Float32 }));
            Assert.That(s.Listing[1].Reason, Does.Contain("im2col columns of 32,514,048 elements"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void ResNet50ProblemsNeedNoMoreInFloat32WithTorch()
    {
        // Their padding is a border: x padded is smaller than x and y together, and the tensors' 48 bytes already cover it.
        // (Not so for a small x with a wide border: basic's 9x9 depthwise k3 s2 p1 pads 81 elements to 121 beside 25 of y.)
        foreach (string set in new[] { "resnet50", "resnet50_mb16" })
            foreach (var p in CaseSets.Load(set))
                Assert.That(CaseSelection.TorchCaseBytes(p, [DType.Float32]), Is.EqualTo(CaseSelection.CaseBytes(p)), $"{set}: {p}");
    }

    [Test]
    public void OnlyTorchsNamesAreTorch()
    {
        Assert.That(new[] { "torch", "torch-rounded", "torch-channels-last", "torch-channels-last-rounded" }.Select(TorchOracle.Named), Is.All.True);
        Assert.That(new[] { "ort", "exact", "naive", "torchvision", "Torch", "" }.Select(TorchOracle.Named), Is.All.False);
    }

    [Test]
    public void CheckAndGenerateWithTorchSkipAProblemWhosePaddedInputExceedsMemorySayingWhy()
    {
        LiveTorch.Require();
        // x of one element padded to 200,001³ (8·10¹⁵ elements): past any machine, and past torch's allocator if it ran.
        const string descriptor = "mb1ic1id1oc1kd2dd199999pd100000";
        const string why = "skipped: too large for this machine's memory with torch: about 119,211,077.7 GiB, for x padded to (1, 1, 200001, 200001, 200001) "
            + "(8,000,120,000,600,001 elements; torch holds it and its gradient) beside the tensors and results";
        var r = CliTestBase.Run("check", "--oracle", "torch", descriptor, "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.StartWith("1 problem from command line; 1 skipped: 1 too large\n"), r.ToString());
        Assert.That(r.Out, Does.Contain("mb1ic1id1oc1od1kd2pd100000dd199999: " + why + "\n"), r.ToString());
        // The exact engine needs no padded copy: the same problem runs there, within a second.
        r = CliTestBase.Run("check", "--oracle", "exact", descriptor, "--dtype", "f32", "--fill", "integer");
        Assert.That((r.Code, r.Out.Contains("skipped", StringComparison.Ordinal)), Is.EqualTo((0, false)), r.ToString());
        string pack = Path.Combine(Path.GetTempPath(), "convverify-torch-memory-" + Guid.NewGuid().ToString("N"));
        try
        {
            r = CliTestBase.Run("fixtures", "generate", "--out", pack, descriptor, "--dtype", "f32", "--fill", "integer");
            // Nothing left to write: refused, where an empty pack was written and the run exited 0.
            Assert.That(r.Code, Is.EqualTo(2), r.ToString());
            Assert.That(r.Out, Does.Contain(why), r.ToString());
            Assert.That(r.Err, Does.Contain($"no case was selected (1 problem skipped, said above): a pack without cases checks nothing, so {pack} was not written"), r.ToString());
            Assert.That(Directory.Exists(pack), Is.False, "no pack written");
        }
        finally
        {
            if (Directory.Exists(pack)) Directory.Delete(pack, recursive: true);
        }
    }

    [Test]
    public void CheckAndGenerateSayWhyEachDescriptorOfTheCommandLineWasSkipped()
    {
        // cases says why too, but knows nothing of the run's oracles; a pack writer said nothing at all, and wrote a pack
        // without the case.
        const string why = "mb1ic3ih5oc16oh3kh3ph0: skipped: too large: 3,888 multiply-adds per direction, more than --max-macs 3887\n";
        var r = CliTestBase.Run("check", "--oracle", "exact", "--max-macs", "3887", "mb1ic3ih5oc16kh3", "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.StartWith("1 problem from command line; 1 skipped: 1 too large\n" + why), r.ToString());
        string pack = Path.Combine(Path.GetTempPath(), "convverify-skip-said-" + Guid.NewGuid().ToString("N"));
        try
        {
            r = CliTestBase.Run("fixtures", "generate", "--oracle", "exact", "--out", pack, "--max-macs", "3887", "mb1ic3ih5oc16kh3", "mb1ic2ih4oc2kh3", "--dtype", "f32", "--fill", "integer");
            Assert.That(r.Code, Is.EqualTo(0), r.ToString());
            Assert.That(r.Out, Does.StartWith("1 problem from command line; 1 skipped: 1 too large\n" + why).And.Contain($"wrote {pack}: 1 case"), r.ToString());
        }
        finally
        {
            if (Directory.Exists(pack)) Directory.Delete(pack, recursive: true);
        }
        // A batch file's skips stay counted only: cases --batch lists them, and a corpus file has hundreds.
        string batch = Path.Combine(Path.GetTempPath(), "convverify-skip-said-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(batch, "mb1ic3ih5oc16kh3\nmb1ic2ih4oc2kh3\n");
        try
        {
            r = CliTestBase.Run("check", "--oracle", "exact", "--max-macs", "3887", "--batch", batch, "--dtype", "f32", "--fill", "integer");
            Assert.That((r.Code, r.Out.Contains("skipped: too large:", StringComparison.Ordinal)), Is.EqualTo((0, false)), r.ToString());
        }
        finally
        {
            File.Delete(batch);
        }
    }

    private static CaseSelection Select(string descriptor, string dtype, long memory, bool torch) =>
        CaseSelection.Resolve(null, null, [descriptor], dtype, "integer", "question", memoryBytes: memory, torch: torch);
}
