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
        Assert.That(lines[1], Is.EqualTo($"wrote {pack}: 1 case from ONNX test data (y from ONNX; dx, dw, db not in pack), 0 skipped as not single-node Conv models, 0 Conv tests or files not imported"));
    }

    [Test]
    public void AnOracleFillsTheGradientsIsNamedWithEveryVersionAndIsReleased()
    {
        string pack = TempPath("onnx");
        int made = CliFakeOracles.OraclesMade(CliFakeOracles.TwoVersions).Count;
        var r = Run("fixtures", "import-onnx", Good(), "--out", pack, "--oracle", CliFakeOracles.TwoVersions);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out.ReplaceLineEndings("\n"), Does.EndWith(
            $"\nwrote {pack}: 1 case from ONNX test data (y from ONNX; dx, dw, db from cli-two-versions [lib-a 1.0; lib-b 2.5]), 0 skipped as not single-node Conv models, 0 Conv tests or files not imported\n"));
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
        // A list is no misspelt name: one oracle fills the gradients.
        var list = Run("fixtures", "import-onnx", Good(), "--out", pack, "--oracle", "torch,ort");
        Assert.That(list.Code, Is.EqualTo(2), list.ToString());
        Assert.That(list.Err, Does.StartWith("convverify: --oracle: 'torch,ort' names several oracles, and only one is taken here (known: "));

        var unavailable = Run("fixtures", "import-onnx", Good(), "--out", pack, "--oracle", CliFakeOracles.Unavailable);
        Assert.That(unavailable.Code, Is.EqualTo(2), unavailable.ToString());
        Assert.That(unavailable.Err.ReplaceLineEndings("\n"), Is.EqualTo($"convverify: fixtures import-onnx --oracle needs {CliFakeOracles.UnavailableReason}\n"));
        Assert.That(Path.Exists(pack), Is.False);
    }

    /// <summary>
    /// The probe: a truncated input of one Conv test and a truncated model.onnx of another were two lines among some
    /// 900 "not Conv" skips, and the import exited 0. They are warnings on stderr now, counted apart, and fail a strict import.
    /// </summary>
    [Test]
    public void ConvTestsThatCannotBeImportedAreWarningsApartFromOtherOperatorsAndFailAStrictImport()
    {
        string node = Path.GetDirectoryName(Good())!;
        string data = TempPath("data");
        foreach (string test in new[] { "test_conv_with_strides_padding", "test_conv_with_strides_no_padding", "test_basic_conv_with_padding", "test_relu" })
            CopyDirectory(Path.Combine(node, test), Path.Combine(data, test));
        string input = Path.Combine(data, "test_conv_with_strides_no_padding", "test_data_set_0", "input_1.pb");
        File.WriteAllBytes(input, File.ReadAllBytes(input)[..20]);
        string model = Path.Combine(data, "test_basic_conv_with_padding", "model.onnx");
        File.WriteAllBytes(model, File.ReadAllBytes(model)[..50]);

        string pack = TempPath("onnx");
        var r = Run("fixtures", "import-onnx", data, "--out", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain($"skipped: {Path.Combine(data, "test_relu", "model.onnx")}: the node is Relu, not Conv"));
        Assert.That(r.Out, Does.EndWith(
            "(y from ONNX; dx, dw, db not in pack), 1 skipped as not single-node Conv models, 2 Conv tests or files not imported (warnings)\n"));
        // An unreadable model may be a Conv: it is warned about, not taken for another operator.
        string[] warnings = r.Err.TrimEnd('\n').Split('\n');
        Assert.That(warnings, Has.Length.EqualTo(2), r.ToString());
        Assert.That(warnings[0], Does.StartWith($"warning: not imported: {model}: not an ONNX model ("));
        Assert.That(warnings[1], Does.StartWith($"warning: not imported: {input}: not a TensorProto ("));
        Assert.That(FixturePack.Open(pack).CaseIds, Has.Count.EqualTo(1));

        string strictPack = TempPath("strict");
        var strict = Run("fixtures", "import-onnx", data, "--out", strictPack, "--strict");
        Assert.That(strict.Code, Is.EqualTo(2), strict.ToString());
        Assert.That(strict.Err, Does.StartWith($"convverify: {data}: 2 Conv tests or files could not be imported, and a strict import writes no pack then\n  {model}: not an ONNX model"));
        Assert.That(strict.Err, Does.Contain($"\n  {input}: not a TensorProto"));
        Assert.That(Path.Exists(strictPack), Is.False, "a strict import that warns writes nothing");

        // Other operators alone are no reason to fail it.
        var clean = Run("fixtures", "import-onnx", Good(), Path.Combine(data, "test_relu"), "--out", strictPack, "--strict");
        Assert.That(clean.Code, Is.EqualTo(0), clean.ToString());
        Assert.That(clean.Err, Is.Empty);
    }

    /// <summary>
    /// An imported pack's freshness was "not checked: oracle: unknown oracle 'onnx+NAME'", which read as a pack naming an
    /// oracle that should exist. It says the data are ONNX's own, which nothing here makes again.
    /// </summary>
    [Test]
    public void FixturesCheckOfAnImportedPackSaysWhyFreshnessIsNotChecked()
    {
        string pack = TempPath("onnx");
        Assert.That(Run("fixtures", "import-onnx", Good(), "--out", pack, "--oracle", CliFakeOracles.TwoVersions).Code, Is.Zero);
        var r = Run("fixtures", "check", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain($"warning: freshness not checked: the pack was imported from ONNX's test data (oracle 'onnx+{CliFakeOracles.TwoVersions}'): "
            + "x, w, b and y are ONNX's own, not made from the case seeds nor computed by any oracle, so there is nothing to make again and compare; "
            + $"dx, dw and db, which {CliFakeOracles.TwoVersions} computed on them at import, are not recomputed"));
        Assert.That(r.Out, Does.Not.Contain("unknown oracle"));
        Assert.That(r.Out, Does.Contain($"fixtures check {pack}: 1 case, 0 corrupt files, 0 failed directions, freshness not checked"));
    }

    /// <summary>
    /// The probe: an imported bias-free case, asked for by the descriptor the import printed, was "in no pack checked;
    /// use --oracle torch", though the pack holds it: a descriptor names the problem with bias. The message says so and
    /// how to select it, and the way it names works.
    /// </summary>
    [Test]
    public void ADescriptorOfAnImportedBiasFreeCaseIsToldHowToSelectIt()
    {
        string pack = TempPath("onnx");
        Assert.That(Run("fixtures", "import-onnx", Good(), "--out", pack).Code, Is.Zero);
        string id = FixturePack.Open(pack).CaseIds.Single();
        string descriptor = "mb1ic1ih7iw5oc1oh4ow3kh3kw3sh2sw2ph1pw1n\"test_conv_with_strides_padding\"";
        var r = Run("check", "--pack", pack, descriptor, "--fill", "normal", "--dtype", "f32");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain($"they hold it without bias, as {id}, and a descriptor names the problem with bias")
            .And.Contain("\"--dir=FWD_D\", \"--dir=BWD_D\" and \"--dir=BWD_W\" each precede the descriptor"));
        Assert.That(r.Err, Does.Not.Contain("--oracle torch"));

        string batch = TempPath("batch.txt");
        File.WriteAllText(batch, $"--dir=FWD_D {descriptor}\n");
        var selected = Run("check", "--pack", pack, "--batch", batch, "--fill", "normal", "--dtype", "f32");
        Assert.That(selected.Code, Is.EqualTo(0), selected.ToString());
        Assert.That(selected.Out, Does.Contain("check: 1 case, 1 direction: 1 passed"));
    }

    [Test]
    public void ABiasFreeEntryOfACaseThePacksHoldWithBiasIsToldSo()
    {
        string batch = TempPath("batch.txt");
        File.WriteAllText(batch, "--dir=FWD_D mb1ic3ih5oc16oh3kh3ph0n\"question\"\n");
        var r = Run("check", "--batch", batch, "--fill", "normal", "--dtype", "f32");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("they hold it with bias, as mb1ic3ih5oc16oh3kh3ph0n_question___f32_normal: select it with the descriptor alone"));
    }
}
