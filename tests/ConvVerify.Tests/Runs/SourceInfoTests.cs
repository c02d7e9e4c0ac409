using ConvVerify.Oracles;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Runs;

/// <summary>How a report line names a source and its versions: the same words in the summary, JUnit, HTML and refusals.</summary>
public class SourceInfoTests
{
    private static SourceInfo Torch() => new()
    {
        Name = "torch",
        Versions = new(StringComparer.Ordinal) { ["torch"] = "1.13.0a0", ["numpy"] = "1.24.2", ["cpu"] = "ATen AVX2, oneDNN avx2" },
    };

    [Test]
    public void SoftwareComesInKeyOrderAndTheCpuKernelsLast()
    {
        // "cpu" sorts before "numpy": it is moved last on purpose, its value having commas of its own.
        Assert.That(Torch().Describe(), Is.EqualTo("torch [numpy 1.24.2; torch 1.13.0a0; cpu ATen AVX2, oneDNN avx2]"));
        Assert.That(SourceInfo.Describe("ort", new Dictionary<string, string> { ["onnxruntime"] = "1.31.1", [IConvOracle.CpuVersionKey] = "avx2" }),
            Is.EqualTo("ort [onnxruntime 1.31.1; cpu avx2]"));
        // Ordinal, not culture order: an upper-case key sorts first.
        Assert.That(SourceInfo.VersionsText(new Dictionary<string, string> { ["b"] = "2", ["a"] = "1", ["Z"] = "0" }), Is.EqualTo("Z 0; a 1; b 2"));
    }

    [Test]
    public void ASourceWithoutVersionsIsJustItsName()
    {
        Assert.That(new SourceInfo { Name = "exact" }.Describe(), Is.EqualTo("exact"));
        Assert.That(SourceInfo.VersionsText(new Dictionary<string, string>()), Is.Empty);
        Assert.That(SourceInfo.Describe("p", new Dictionary<string, string> { ["cpu"] = "x" }), Is.EqualTo("p [cpu x]"));
    }

    [Test]
    public void NullArgumentsAreRefusedByName()
    {
        Assert.That(Assert.Throws<ArgumentNullException>(() => SourceInfo.Describe(null!, new Dictionary<string, string>()))!.ParamName, Is.EqualTo("name"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => SourceInfo.Describe("n", null!))!.ParamName, Is.EqualTo("versions"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => SourceInfo.VersionsText(null!))!.ParamName, Is.EqualTo("versions"));
    }

    [Test]
    public void TheOraclesFileTheirCpuKernelsUnderTheKeyThatGoesLast()
    {
        using var ort = new OrtOracle();
        Assert.That(ort.Versions[IConvOracle.CpuVersionKey], Is.EqualTo(OrtOracle.CpuKernels));
        Assert.That(SourceInfo.Describe(ort.Name, ort.Versions), Does.EndWith($"; cpu {OrtOracle.CpuKernels}]"));
    }
}
