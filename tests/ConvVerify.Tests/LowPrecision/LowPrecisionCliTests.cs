using System.Diagnostics;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Tests.Cli;
using ConvVerify.Tests.Fixtures;
using ConvVerify.Tests.Oracles;

namespace ConvVerify.Tests.LowPrecision;

/// <summary>bf16 and f16 on the command line: bad input is exit 2 with the reason; packs are read by numpy as documented.</summary>
public class LowPrecisionCliTests : CliTestBase
{
    private const string Question = "mb1ic3ih5oc16oh3kh3ph0n_question";

    [Test]
    public void AUint16ArrayInAFloat32CaseIsUnusableInputNamingTheFile()
    {
        string pack = CopyCommittedPack("question");
        // Without the manifest, the edit below is not "corrupt": what remains is the dtype disagreement itself.
        File.Delete(Path.Combine(pack, "manifest.json"));
        string id = Question + "___bf16_integer";
        string json = Path.Combine(pack, id, "case.json");
        File.WriteAllText(json, File.ReadAllText(json).Replace("\"bfloat16\"", "\"float32\"", StringComparison.Ordinal));
        var r = Run("check", "--pack", pack, "--verbose");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.All, Does.Contain(Path.Combine(pack, id, "x.npy") + ": dtype is uint16, expected float32 (uint16 arrays hold bfloat16 bits"));
    }

    [Test]
    public void AFloat32ArrayInABFloat16CaseIsUnusableInput()
    {
        string pack = CopyCommittedPack("question");
        File.Delete(Path.Combine(pack, "manifest.json"));
        string id = Question + "___bf16_normal";
        File.Copy(Path.Combine(pack, Question + "___f32_normal", "dy.npy"), Path.Combine(pack, id, "dy.npy"), overwrite: true);
        var r = Run("check", "--pack", pack, "--verbose");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.All, Does.Contain("dy.npy: dtype is float32, expected bfloat16 (stored as its raw bits, '<u2')"));
    }

    [Test]
    public void BFloat16AskedOfOrtIsBadUsageWithItsReason()
    {
        var r = Run("check", "--oracle", "ort", "--dtype", "bf16", "--set", "question");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("--dtype bf16 (bfloat16) is not provided by this oracle: oracle ort: " + OrtOracle.BFloat16Reason));
        r = Run("soak", "--oracle", "ort", "--dtype", "bf16", "--cases", "3");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain(OrtOracle.BFloat16Reason));
    }

    [Test]
    public void Float16AskedOfTorchIsBadUsageWithTorchsOwnReasonAndWritesNoPack()
    {
        LiveTorch.Require();
        var r = Run("check", "--oracle", "torch", "--dtype", "f16", "--set", "question");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("not provided by this oracle: oracle torch: ").And.Contain("\"slow_conv2d_cpu\" not implemented for 'Half'"));
        string pack = TempPath("f16-pack");
        r = Run("fixtures", "generate", "--oracle", "torch", "--dtype", "f16", "--out", pack, "mb1ic3ih5oc16kh3");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(Directory.Exists(pack), Is.False);
    }

    [Test]
    public void Float16WithTorchAndOrtChecksAgainstOrtAndSaysWhyTorchCannot()
    {
        LiveTorch.Require();
        var r = Run("check", "--oracle", "torch,ort", "--dtype", "f16", "--set", "question", "--json", TempPath("r.json"));
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("4 cases, 48 directions: 16 passed, 0 failed, 0 suspicious, 0 not in pack, 32 not provided by oracle"));
        Assert.That(r.All, Does.Contain("not implemented for 'Half'"));
    }

    [Test]
    public void AnOrtFloat16PackIsFloat16FilesAndChecksClean()
    {
        string pack = TempPath("f16");
        var r = Run("fixtures", "generate", "--oracle", "ort", "--dtype", "f16", "--set", "question", "--out", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        string y = Path.Combine(pack, Question + "___f16_normal", "y.npy");
        Assert.That(Header(y), Does.Contain("'descr': '<f2'"));
        r = Run("check", "--pack", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("4 cases, 16 directions: 16 passed, 0 failed"));
        r = Run("fixtures", "check", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
    }

    private static string Header(string npy)
    {
        using var f = File.OpenRead(npy);
        var head = new byte[64];
        f.ReadExactly(head);
        return System.Text.Encoding.Latin1.GetString(head);
    }

    /// <summary>docs/fixture-format.md's one-liner, run by numpy on a committed bf16 file, gives the values ConvVerify reads.</summary>
    [Test]
    public void TheDocumentedNumpyOneLinerReadsBFloat16Files()
    {
        LiveTorch.Require();
        string python = TorchOracle.Probe().Interpreter!;
        var p = CommittedPacks.Open("question");
        string id = Question + "___bf16_normal";
        var c = p.Read<float>(id);
        string file = p.CasePath(id, "y.npy");
        Assert.That(Header(file), Does.Contain("'descr': '<u2'"));
        string doc = File.ReadAllText(Path.Combine(CommittedPacks.Root, "docs", "fixture-format.md"));
        const string OneLiner = "(np.load(f).astype(np.uint32) << 16).view(np.float32)";
        Assert.That(doc, Does.Contain(OneLiner));
        var start = new ProcessStartInfo(python, ["-c", $"import numpy as np, sys; f = sys.argv[1]; print(' '.join(repr(float(v)) for v in {OneLiner}.ravel()))", file])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var proc = Process.Start(start)!;
        string output = proc.StandardOutput.ReadToEnd();
        string err = proc.StandardError.ReadToEnd();
        proc.WaitForExit();
        Assert.That(proc.ExitCode, Is.EqualTo(0), err);
        float[] numpy = [.. output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => float.Parse(s, System.Globalization.CultureInfo.InvariantCulture))];
        Assert.That(numpy, Is.EqualTo(c.Expected[ConvVerify.Cases.Direction.Forward]));
        Assert.That(numpy.Distinct().Count(), Is.GreaterThan(100), "real values, not a degenerate file");
    }

    [Test]
    public void TheWriterRefusesValuesTheDTypeCannotHold()
    {
        string file = TempPath("x.npy");
        var e = Assert.Throws<ArgumentException>(() => Npy.Write(file, [2], [1.0f, 1.00390625f], DType.BFloat16))!;
        Assert.That(e.Message, Does.Contain("element 1 is 1.0039062, not a bfloat16 value"));
        Npy.Write(file, [3], [1.0f, -2.5f, float.NegativeInfinity], DType.BFloat16);
        Assert.That(Npy.Read<float>(file, DType.BFloat16, [3]), Is.EqualTo(new[] { 1.0f, -2.5f, float.NegativeInfinity }));
        Npy.Write(file, [2], [65504f, -6.1035156e-05f], DType.Float16);
        Assert.That(Npy.Read<float>(file, DType.Float16, [2]), Is.EqualTo(new[] { 65504f, -6.1035156e-05f }));
    }
}
