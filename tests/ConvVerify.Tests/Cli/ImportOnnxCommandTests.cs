using ConvVerify.Fixtures;
using ConvVerify.Tests.Fixtures;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// <c>convverify fixtures import-onnx</c>'s own part: the oracle it makes for the gradients (named in the summary with
/// its versions, released afterwards, refused by name when unknown or unavailable). The import itself: OnnxImportTests.
/// </summary>
public class ImportOnnxCommandTests : CliTestBase
{
    static ImportOnnxCommandTests() => CliFakeOracles.Register();

    // x (1, 1, 7, 5), W (1, 1, 3, 3), strides 2, pads 1, no bias, one data set: one case.
    private static string Good()
    {
        string test = Path.Combine(OnnxImportTests.DebianData, "node", "test_conv_with_strides_padding");
        if (!Directory.Exists(test))
            Assert.Fail($"{test} not found: install the Debian package libonnx-testdata (apt-get install libonnx-testdata)");
        return test;
    }

    [Test]
    public void WithoutAnOracleTheGradientsAreNotInThePack()
    {
        string pack = TempPath("onnx");
        var r = Run("fixtures", "import-onnx", Good(), "--out", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        string[] lines = r.Out.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(2), r.ToString());
        Assert.That(lines[0], Does.StartWith($"imported {Path.Combine(Good(), "test_data_set_0")} as "));
        Assert.That(lines[1], Is.EqualTo($"wrote {pack}: 1 case from ONNX test data (y from ONNX; dx, dw, db not in pack), 0 skipped"));
    }

    [Test]
    public void AnOracleFillsTheGradientsIsNamedWithEveryVersionAndIsReleased()
    {
        string pack = TempPath("onnx");
        int made = CliFakeOracles.OraclesMade(CliFakeOracles.TwoVersions).Count;
        var r = Run("fixtures", "import-onnx", Good(), "--out", pack, "--oracle", CliFakeOracles.TwoVersions);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out.ReplaceLineEndings("\n"), Does.EndWith(
            $"\nwrote {pack}: 1 case from ONNX test data (y from ONNX; dx, dw, db from cli-two-versions [lib-a 1.0; lib-b 2.5]), 0 skipped\n"));
        var manifest = Manifest.Read(Path.Combine(pack, "manifest.json"));
        Assert.That(manifest.OracleName, Is.EqualTo("onnx+cli-two-versions"));
        // No bias: dx and dw only.
        Assert.That(Directory.GetFiles(Path.Combine(pack, manifest.Cases.Single())).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "case.json", "x.npy", "w.npy", "dy.npy", "y.npy", "dx.npy", "dw.npy" }));
        var oracle = CliFakeOracles.OraclesMade(CliFakeOracles.TwoVersions).Skip(made).Single();
        Assert.That(oracle.Disposed, Is.EqualTo(1), "the command made the oracle, so it releases it (ORT holds native sessions)");
    }

    [Test]
    public void AnOracleThatCannotBeMadeIsBadUsageAndNoPackIsWritten()
    {
        string pack = TempPath("onnx");
        var unknown = Run("fixtures", "import-onnx", Good(), "--out", pack, "--oracle", "nope");
        Assert.That(unknown.Code, Is.EqualTo(2), unknown.ToString());
        Assert.That(unknown.Err, Does.StartWith("convverify: --oracle: unknown oracle 'nope' (known: "));

        var unavailable = Run("fixtures", "import-onnx", Good(), "--out", pack, "--oracle", CliFakeOracles.Unavailable);
        Assert.That(unavailable.Code, Is.EqualTo(2), unavailable.ToString());
        Assert.That(unavailable.Err.ReplaceLineEndings("\n"), Is.EqualTo($"convverify: fixtures import-onnx --oracle needs {CliFakeOracles.UnavailableReason}\n"));
        Assert.That(Path.Exists(pack), Is.False);
    }
}
