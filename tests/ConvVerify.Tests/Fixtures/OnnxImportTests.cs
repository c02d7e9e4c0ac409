using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Tests.Cli;
using ConvVerify.Tests.Oracles;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace ConvVerify.Tests.Fixtures;

/// <summary>ONNX's own conformance data (Debian's libonnx-testdata) imported as a pack, and the importer's handling of bad input.</summary>
public class OnnxImportTests : CliTestBase
{
    /// <summary>Where Debian's libonnx-testdata puts ONNX's backend test data; CI installs the package.</summary>
    public const string DebianData = "/usr/share/libonnx-testdata/data";

    private static string Node(string test) => Path.Combine(DebianData, "node", test);

    private static string Data()
    {
        if (!Directory.Exists(DebianData))
            Assert.Fail($"{DebianData} not found: install the Debian package libonnx-testdata (apt-get install libonnx-testdata), which holds ONNX's conformance test data");
        return DebianData;
    }

    /// <summary>The single-node Conv tests of libonnx-testdata 1.12 (node/ and pytorch-converted/, pytorch-operator/).</summary>
    private static readonly string[] ExpectedConvTests =
    [
        "node/test_basic_conv_with_padding", "node/test_basic_conv_without_padding", "node/test_conv_with_autopad_same",
        "node/test_conv_with_strides_and_asymmetric_padding", "node/test_conv_with_strides_no_padding", "node/test_conv_with_strides_padding",
        "pytorch-converted/test_Conv1d", "pytorch-converted/test_Conv1d_dilated", "pytorch-converted/test_Conv1d_groups",
        "pytorch-converted/test_Conv1d_pad2size1", "pytorch-converted/test_Conv1d_stride", "pytorch-converted/test_Conv2d_depthwise_with_multiplier",
        "pytorch-converted/test_Conv2d_dilated", "pytorch-converted/test_Conv2d_groups", "pytorch-converted/test_Conv2d_no_bias",
        "pytorch-converted/test_Conv3d_dilated_strided", "pytorch-converted/test_Conv3d_groups", "pytorch-converted/test_Conv3d_stride_padding",
        "pytorch-operator/test_operator_conv",
    ];

    [Test]
    public void DebianConformanceDataImportsAndPassesTheChecks()
    {
        string pack = TempPath("onnx");
        var r = Run("fixtures", "import-onnx", Data(), "--out", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        foreach (string test in ExpectedConvTests)
            Assert.That(r.Out, Does.Contain($"imported {Path.Combine(DebianData, test, "test_data_set_0")} as "), test);
        Assert.That(r.Out, Does.Contain("test_convtranspose/model.onnx: the node is ConvTranspose, not Conv"));
        Assert.That(r.Out, Does.Contain("test_basic_convinteger/model.onnx: the node is ConvInteger, not Conv"));
        Assert.That(r.Out, Does.Match(@"wrote .*: 33 cases from ONNX test data \(y from ONNX; dx, dw, db not in pack\), \d+ skipped as not single-node Conv models, 0 Conv tests or files not imported\n"));
        Assert.That(r.Err, Is.Empty, "every test left out is one of another operator");

        var manifest = Manifest.Read(Path.Combine(pack, "manifest.json"));
        Assert.That(manifest.OracleName, Is.EqualTo("onnx"));
        Assert.That(manifest.Versions["onnx-opset"], Is.EqualTo("6, 11"));
        Assert.That(manifest.Cases, Has.Count.EqualTo(33));

        // SAME_LOWER with stride 2 on 5 elements: out 3, one padding element on each side.
        var same = FixturePack.Open(pack).ReadCase(manifest.Cases.Single(id => id.Contains("autopad_same", StringComparison.Ordinal)));
        Assert.That((same.Problem.PadBegin[0], same.Problem.PadEnd[0], same.Problem.Output[0]), Is.EqualTo((1, 1, 3)));
        Assert.That(same.Fill, Is.EqualTo(Fill.Normal));

        var check = Run("check", "--pack", pack);
        Assert.That(check.Code, Is.EqualTo(0), check.ToString());
        Assert.That(check.Out, Does.Contain("check: 33 cases, 123 directions: 33 passed, 0 failed, 0 suspicious, 90 not in pack"));

        // A wrong expected value, with the manifest updated to match so only the comparison can catch it.
        string id = manifest.Cases.Single(c => c.Contains("test_Conv2d_groups_-", StringComparison.Ordinal));
        var p = FixturePack.Open(pack).ReadCase(id).Problem;
        string yPath = Path.Combine(pack, id, "y.npy");
        var y = Npy.Read<float>(yPath, DType.Float32, p.YShape);
        y[7] += 1e-3f;
        Npy.Write(yPath, p.YShape, y);
        manifest.Files[$"{id}/y.npy"] = Manifest.Sha256(yPath);
        manifest.Write(Path.Combine(pack, "manifest.json"));
        var failed = Run("check", "--pack", pack);
        Assert.That(failed.Code, Is.EqualTo(1), failed.ToString());
        Assert.That(failed.Out, Does.Contain("32 passed, 1 failed").And.Contain(id));
    }

    [Test]
    public void AnOracleFillsTheGradients()
    {
        LiveTorch.Require();
        string pack = TempPath("onnx");
        var r = Run("fixtures", "import-onnx", Node("test_conv_with_strides_and_asymmetric_padding"),
            Path.Combine(Data(), "pytorch-converted", "test_Conv2d_depthwise_with_multiplier"), "--out", pack, "--oracle", "torch");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("2 cases from ONNX test data (y from ONNX; dx, dw, db from torch"));
        Assert.That(Manifest.Read(Path.Combine(pack, "manifest.json")).OracleName, Is.EqualTo("onnx+torch"));
        var check = Run("check", "--pack", pack);
        Assert.That(check.Code, Is.EqualTo(0), check.ToString());
        Assert.That(check.Out, Does.Contain("check: 2 cases, 7 directions: 7 passed, 0 failed, 0 suspicious, 0 not in pack"));
    }

    [Test]
    public void FoldersWithoutAConvTestAreRejectedNamingTheFile()
    {
        string pack = TempPath("onnx");
        var r = Run("fixtures", "import-onnx", Node("test_convtranspose"), Node("test_relu"), "--out", pack);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("no importable single-node float32 Conv test (2 skipped)")
            .And.Contain(Path.Combine(Node("test_convtranspose"), "model.onnx") + ": the node is ConvTranspose, not Conv")
            .And.Contain(Path.Combine(Node("test_relu"), "model.onnx") + ": the node is Relu, not Conv"));
        Assert.That(Path.Exists(pack), Is.False, "--out is written only on success");
        Assert.That(Directory.GetFileSystemEntries(Temp), Is.Empty, "no temporary folder is left behind");

        string empty = TempPath("empty");
        Directory.CreateDirectory(empty);
        var none = Run("fixtures", "import-onnx", empty, "--out", pack);
        Assert.That(none.Code, Is.EqualTo(2), none.ToString());
        Assert.That(none.Err, Does.Contain($"{empty}: no model.onnx in it or below it: not an ONNX test folder"));

        var missing = Run("fixtures", "import-onnx", Path.Combine(Temp, "nowhere"), "--out", pack);
        Assert.That(missing.Code, Is.EqualTo(2), missing.ToString());
        Assert.That(missing.Err, Does.Contain("nowhere: folder not found"));

        string file = TempPath("model.onnx");
        File.WriteAllText(file, "");
        var notAFolder = Run("fixtures", "import-onnx", file, "--out", pack);
        Assert.That(notAFolder.Code, Is.EqualTo(2), notAFolder.ToString());
        Assert.That(notAFolder.Err, Does.Contain($"{file}: a regular file, not a folder"));
    }

    [Test]
    public void BrokenTestsAreSkippedWithTheFileAndReasonAndTheRestImported()
    {
        string good = Node("test_conv_with_strides_padding");
        string truncated = CopyTest(good, "truncated");
        string input = Path.Combine(truncated, "test_data_set_0", "input_0.pb");
        var bytes = File.ReadAllBytes(input);
        File.WriteAllBytes(input, bytes[..(bytes.Length - 9)]);
        string attribute = CopyTest(good, "attribute");
        EditModel(attribute, m => m.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "fancy", Type = AttributeProto.Types.AttributeType.Int, I = 1 }));
        string twoNodes = CopyTest(good, "two_nodes");
        EditModel(twoNodes, m => m.Graph.Node.Add(new NodeProto { OpType = "Relu", Input = { "y" }, Output = { "z" } }));
        string doubles = CopyTest(good, "doubles");
        string w = Path.Combine(doubles, "test_data_set_0", "input_1.pb");
        var tensor = TensorProto.Parser.ParseFrom(File.ReadAllBytes(w));
        tensor.DataType = (int)TensorProto.Types.DataType.Double;
        File.WriteAllBytes(w, tensor.ToByteArray());
        string badPads = CopyTest(good, "bad_pads");
        EditModel(badPads, m => m.Graph.Node[0].Attribute.Single(a => a.Name == "pads").Ints.RemoveAt(0));

        string pack = TempPath("onnx");
        var r = Run("fixtures", "import-onnx", good, truncated, attribute, twoNodes, doubles, badPads, "--out", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("wrote " + pack + ": 1 case from ONNX test data")
            .And.Contain("1 skipped as not single-node Conv models, 4 Conv tests or files not imported (warnings)"));
        // A Conv test that could not be imported is a warning; a graph of two nodes is no Conv test.
        Assert.That(r.Err, Does.Contain($"warning: not imported: {input}:"), "the truncated file is named");
        Assert.That(r.Err, Does.Contain($"warning: not imported: {Path.Combine(attribute, "model.onnx")}: unsupported Conv attribute 'fancy'"));
        Assert.That(r.Out, Does.Contain($"skipped: {Path.Combine(twoNodes, "model.onnx")}: 2 nodes (Conv, Relu), only single-node Conv models are imported"));
        Assert.That(r.Err, Does.Contain($"warning: not imported: {w}: element type DOUBLE, only float32 is imported"));
        Assert.That(r.Err, Does.Contain($"warning: not imported: {Path.Combine(badPads, "model.onnx")}: attribute pads has 3 values (1, 1, 1), expected 4 for this rank"));
    }

    [Test]
    public void DataSetsThatDoNotFitTheirModelAreSkippedNamingTheFile()
    {
        string good = Node("test_conv_with_strides_padding");
        string noOutput = CopyTest(good, "no_output");
        string output = Path.Combine(noOutput, "test_data_set_0", "output_0.pb");
        File.Delete(output);
        string extraInput = CopyTest(good, "extra_input");
        File.Copy(Path.Combine(extraInput, "test_data_set_0", "input_1.pb"), Path.Combine(extraInput, "test_data_set_0", "input_2.pb"));
        string noSets = CopyTest(good, "no_sets");
        Directory.Move(Path.Combine(noSets, "test_data_set_0"), Path.Combine(noSets, "data"));
        string wrongY = CopyTest(good, "wrong_y");
        string y = Path.Combine(wrongY, "test_data_set_0", "output_0.pb");
        var yTensor = TensorProto.Parser.ParseFrom(File.ReadAllBytes(y));
        yTensor.Dims[3] += 1;
        File.WriteAllBytes(y, yTensor.ToByteArray());
        string twoSets = CopyTest(good, "two_sets");
        CopyDirectory(Path.Combine(twoSets, "test_data_set_0"), Path.Combine(twoSets, "test_data_set_1"));

        string pack = TempPath("onnx");
        var r = Run("fixtures", "import-onnx", good, noOutput, extraInput, noSets, wrongY, twoSets, good, "--out", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Err, Does.Contain($"{output}: missing"));
        Assert.That(r.Err, Does.Contain($"{Path.Combine(extraInput, "test_data_set_0")}: 3 input_N.pb files, the model has 2 inputs besides its initializers (x, W)"));
        Assert.That(r.Err, Does.Contain($"{noSets}: no test_data_set_N folder"));
        Assert.That(r.Err, Does.Match(@"output_0\.pb: shape \(1, 1, 4, 4\), the Conv of .* gives \(1, 1, 4, 3\)"));
        // Several data sets of one model are cases named by their number; a folder named twice is imported once.
        var ids = FixturePack.Open(pack).CaseIds;
        Assert.That(ids.Count(id => id.Contains("two_sets.0", StringComparison.Ordinal)), Is.EqualTo(1), string.Join(", ", ids));
        Assert.That(ids.Count(id => id.Contains("two_sets.1", StringComparison.Ordinal)), Is.EqualTo(1), string.Join(", ", ids));
        Assert.That(r.Out, Does.Contain($"skipped: {good}: the same test folder as {good} (given twice, or inside two DIRs given): imported once"));
        Assert.That(ids, Has.Count.EqualTo(3));
    }

    [Test]
    public void TestsInFoldersOfOneNameAreNamedByTheirPathsAndTheSameFolderTwiceIsImportedOnce()
    {
        // The probe: opset11/test_conv and opset13/test_conv, one model, other data, made one case id, and the second
        // was dropped as "a folder given twice?".
        string good = Node("test_conv_with_strides_padding");
        string root = TempPath("twins");
        string first = Path.Combine(root, "opset11", "test_conv"), second = Path.Combine(root, "opset13", "test_conv");
        CopyDirectory(good, first);
        CopyDirectory(good, second);
        string x = Path.Combine(second, "test_data_set_0", "input_0.pb");
        var tensor = TensorProto.Parser.ParseFrom(File.ReadAllBytes(x));
        float[] values = OnnxTensors.Floats(tensor, x);
        tensor.FloatData.Clear();
        tensor.RawData = ByteString.CopyFrom([.. values.SelectMany(v => BitConverter.GetBytes(v + 1))]);
        File.WriteAllBytes(x, tensor.ToByteArray());

        string pack = TempPath("onnx");
        // root holds both; root/opset11 given as well reaches the first a second time.
        var r = Run("fixtures", "import-onnx", root, Path.Combine(root, "opset11"), "--out", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        var opened = FixturePack.Open(pack);
        var names = opened.CaseIds.Select(id => opened.ReadCase(id).Problem.Name).Order(StringComparer.Ordinal);
        Assert.That(names, Is.EqualTo(new[] { "opset11/test_conv", "opset13/test_conv" }), r.ToString());
        Assert.That(r.Out, Does.Contain($"skipped: {first}: the same test folder as {first} (given twice, or inside two DIRs given): imported once"));
        Assert.That(r.Out, Does.Contain(", 0 skipped as not single-node Conv models, 1 test folder reached twice (imported once), 0 Conv tests or files not imported"));
        Assert.That(r.Err, Is.Empty);

        // A folder given with a trailing separator is named after the folder: the name was empty and the case had none.
        string alone = TempPath("alone");
        var trailing = Run("fixtures", "import-onnx", first + Path.DirectorySeparatorChar, "--out", alone);
        Assert.That(trailing.Code, Is.EqualTo(0), trailing.ToString());
        var one = FixturePack.Open(alone);
        Assert.That(one.ReadCase(one.CaseIds.Single()).Problem.Name, Is.EqualTo("test_conv"));
    }

    [TestCase("input_0.pb", float.NaN, "NaN")]
    [TestCase("output_0.pb", float.NegativeInfinity, "-Infinity")]
    public void ADataSetHoldingANonFiniteValueIsSkippedNamingIt(string file, float value, string said)
    {
        // Readers refuse a pack holding one, so the importer must not write it.
        string good = Node("test_conv_with_strides_padding");
        string bad = CopyTest(good, "non_finite");
        string path = Path.Combine(bad, "test_data_set_0", file);
        var tensor = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
        if (tensor.RawData.Length > 0)
        {
            byte[] raw = tensor.RawData.ToByteArray();
            BitConverter.TryWriteBytes(raw.AsSpan(4, 4), value);
            tensor.RawData = ByteString.CopyFrom(raw);
        }
        else
        {
            tensor.FloatData[1] = value;
        }
        File.WriteAllBytes(path, tensor.ToByteArray());
        ImportsTheGoodOneAndSkipsTheBad(good, bad, $"{path}: element 1 is {said}: a pack holds finite values only");
    }

    // The good test becomes the pack's one case, the bad one a warning: a skip never stops the import.
    private void ImportsTheGoodOneAndSkipsTheBad(string good, string bad, string line)
    {
        string pack = TempPath("onnx");
        var r = Run("fixtures", "import-onnx", good, bad, "--out", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Err, Does.Contain(line), r.ToString());
        Assert.That(FixturePack.Open(pack).CaseIds, Has.Count.EqualTo(1));
    }

    [TestCase("input_0.pb", "a TensorProto")]
    [TestCase("input_1.pb", "a TensorProto")]
    [TestCase("output_0.pb", "a TensorProto")]
    [TestCase("../model.onnx", "an ONNX model")]
    public void AnEmptyFileIsSkippedNamingIt(string file, string what)
    {
        // Zero bytes parse as a message with nothing set: an empty input_0.pb was reported as model.onnx's X of shape ().
        string good = Node("test_conv_with_strides_padding");
        string bad = CopyTest(good, "empty");
        string path = Path.GetFullPath(Path.Combine(bad, "test_data_set_0", file));
        File.WriteAllBytes(path, []);
        ImportsTheGoodOneAndSkipsTheBad(good, bad, $"warning: not imported: {path}: empty (0 bytes), not {what}");
    }

    [TestCase(new int[0], "X has shape (); conv1d–3d need rank 3 to 5")]
    [TestCase(new[] { 1, 35 }, "X has shape (1, 35); conv1d–3d need rank 3 to 5")]
    [TestCase(new[] { 1, 1, 1, 7, 5, 1 }, "X has shape (1, 1, 1, 7, 5, 1); conv1d–3d need rank 3 to 5")]
    public void AnInputFileWhoseXHasNoDimsOrTheWrongRankIsSkippedNamingThatFile(int[] dims, string said)
    {
        // The rank was reported as model.onnx's fault, though the model is fine and input_0.pb holds the bad tensor.
        string good = Node("test_conv_with_strides_padding");
        string bad = CopyTest(good, "x_rank");
        string x = Path.Combine(bad, "test_data_set_0", "input_0.pb");
        var tensor = TensorProto.Parser.ParseFrom(File.ReadAllBytes(x));
        tensor.Dims.Clear();
        tensor.Dims.AddRange(dims.Select(d => (long)d));
        File.WriteAllBytes(x, tensor.ToByteArray());
        ImportsTheGoodOneAndSkipsTheBad(good, bad, $"warning: not imported: {x}: {said}");
    }

    [Test]
    public void AWOfAnotherRankThanXIsSkippedNamingWhereWComesFrom()
    {
        string good = Node("test_conv_with_strides_padding");
        string bad = CopyTest(good, "w_rank");
        string x = Path.Combine(bad, "test_data_set_0", "input_0.pb"), w = Path.Combine(bad, "test_data_set_0", "input_1.pb");
        var tensor = TensorProto.Parser.ParseFrom(File.ReadAllBytes(w));
        tensor.Dims.Clear();
        tensor.Dims.AddRange([1, 1, 9]);
        File.WriteAllBytes(w, tensor.ToByteArray());
        // The same tensor as the model's initializer: the model is then what holds it.
        string initializer = CopyTest(good, "w_initializer_rank");
        File.Delete(Path.Combine(initializer, "test_data_set_0", "input_1.pb"));
        EditModel(initializer, m => m.Graph.Initializer.Add(tensor));
        string pack = TempPath("onnx");
        var r = Run("fixtures", "import-onnx", good, bad, initializer, "--out", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Err, Does.Contain($"warning: not imported: {w}: W has shape (1, 1, 9), but X ({x}) has (1, 1, 7, 5): ranks differ"), r.ToString());
        Assert.That(r.Err, Does.Contain($"warning: not imported: {Path.Combine(initializer, "model.onnx")} initializer '{tensor.Name}': W has shape (1, 1, 9), "
            + $"but X ({Path.Combine(initializer, "test_data_set_0", "input_0.pb")}) has (1, 1, 7, 5): ranks differ"), r.ToString());
        Assert.That(FixturePack.Open(pack).CaseIds, Has.Count.EqualTo(1));
    }

    [Test]
    public void OutIsUntouchedWhenTheImportFails()
    {
        string pack = TempPath("onnx");
        Assert.That(Run("fixtures", "import-onnx", Node("test_conv_with_strides_padding"), "--out", pack).Code, Is.EqualTo(0));
        var before = Directory.GetFiles(pack, "*", SearchOption.AllDirectories).ToDictionary(f => f, Manifest.Sha256);

        var again = Run("fixtures", "import-onnx", Node("test_basic_conv_with_padding"), "--out", pack);
        Assert.That(again.Code, Is.EqualTo(2), again.ToString());
        Assert.That(again.Err, Does.Contain($"{pack}: holds a fixture pack; pass --force to replace it"));
        var failing = Run("fixtures", "import-onnx", Node("test_relu"), "--out", pack, "--force");
        Assert.That(failing.Code, Is.EqualTo(2), failing.ToString());
        Assert.That(Directory.GetFiles(pack, "*", SearchOption.AllDirectories).ToDictionary(f => f, Manifest.Sha256), Is.EqualTo(before));
        Assert.That(Directory.GetDirectories(Temp), Has.Length.EqualTo(1), "no temporary folder is left behind");

        var replaced = Run("fixtures", "import-onnx", Node("test_basic_conv_with_padding"), "--out", pack, "--force");
        Assert.That(replaced.Code, Is.EqualTo(0), replaced.ToString());
        Assert.That(FixturePack.Open(pack).CaseIds.Single(), Does.Contain("test_basic_conv_with_padding"));

        string notAPack = TempPath("stuff");
        Directory.CreateDirectory(notAPack);
        File.WriteAllText(Path.Combine(notAPack, "notes.txt"), "mine");
        var refused = Run("fixtures", "import-onnx", Node("test_basic_conv_with_padding"), "--out", notAPack, "--force");
        Assert.That(refused.Code, Is.EqualTo(2), refused.ToString());
        Assert.That(refused.Err, Does.Contain("not a fixture pack"));
        Assert.That(File.ReadAllText(Path.Combine(notAPack, "notes.txt")), Is.EqualTo("mine"));
    }

    /// <summary>
    /// SAME_UPPER and SAME_LOWER differ only when the total padding is odd, which the conformance data never has: the
    /// mapping is checked against ONNX Runtime running the same model (integer data, so every sum is exact).
    /// </summary>
    [TestCase("SAME_UPPER", 1, 2)]
    [TestCase("SAME_LOWER", 2, 1)]
    [TestCase("VALID", 0, 0)]
    public void AutoPadMeansWhatOnnxRuntimeComputes(string autoPad, int begin, int end)
    {
        var model = ConvModel([1, 2, 6], [3, 2, 4], a => a.Add(new AttributeProto { Name = "auto_pad", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(autoPad) }));
        var mapped = OnnxConvModel.From(model, "model.onnx").Problem([1, 2, 6], "x.pb", [3, 2, 4], "w.pb", hasBias: false, "same", "model.onnx");
        Assert.That((mapped.PadBegin[0], mapped.PadEnd[0]), Is.EqualTo((begin, end)));

        var inputs = ConvCase.Create(mapped, Fill.Integer).MakeInputs<float>();
        using var session = new InferenceSession(model.ToByteArray());
        using var x = OrtValue.CreateTensorValueFromMemory(inputs.X, [1, 2, 6]);
        using var w = OrtValue.CreateTensorValueFromMemory(inputs.W, [3, 2, 4]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["x", "w"], [x, w], ["y"]);
        Assert.That(outputs[0].GetTensorTypeAndShape().Shape, Is.EqualTo(mapped.YShape.Select(v => (long)v)));
        var naive = Directions.Compute(Direction.Forward, ConvEngines.Naive, mapped, inputs);
        Oracles.Bitwise.AssertEqual(naive, outputs[0].GetTensorDataAsSpan<float>().ToArray(), autoPad);
    }

    private static AttributeProto IntsAttribute(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private static string ProblemSkip(int[] x, int[] w, params AttributeProto[] attributes) =>
        Assert.Throws<OnnxSkipException>(() => OnnxConvModel.From(ConvModel(x, w, a => a.AddRange(attributes)), "m.onnx").Problem(x, "x.pb", w, "w.pb", false, "n", "m.onnx"))!.Message;

    [Test]
    public void AConvWhoseAttributesDoNotFitItsShapesIsSkippedWithTheReason()
    {
        Assert.That(ProblemSkip([1, 4, 6], [2, 3, 3], new AttributeProto { Name = "group", Type = AttributeProto.Types.AttributeType.Int, I = 2 }),
            Is.EqualTo("m.onnx: group=2 does not fit X's 4 channels and W's 3 per group"));
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], IntsAttribute("kernel_shape", 2)),
            Is.EqualTo("m.onnx: kernel_shape (2,) differs from W's spatial shape (3,) (w.pb)"));
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], new AttributeProto { Name = "auto_pad", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("SAME") }),
            Is.EqualTo("m.onnx: unsupported auto_pad 'SAME' (expected NOTSET, SAME_UPPER, SAME_LOWER or VALID)"));
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], new AttributeProto { Name = "auto_pad", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("VALID") }, IntsAttribute("pads", 1, 1)),
            Is.EqualTo("m.onnx: both auto_pad=VALID and pads are given"));
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], IntsAttribute("pads", -1, 0)),
            Is.EqualTo("m.onnx: negative pads (-1, 0) (ONNX pads must be >= 0)"));
        // What ConvProblem itself refuses comes back under the model's name.
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], IntsAttribute("strides", 0)), Is.EqualTo("m.onnx: sw: must be >= 1, got 0"));
    }

    [Test]
    public void AnAttributeOfTheWrongTypeOrOutOfRangeIsSkippedNamingIt()
    {
        var type = AttributeProto.Types.AttributeType.Int;
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], IntsAttribute("group", 1)), Is.EqualTo("m.onnx: attribute group is Ints, expected INT"));
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], new AttributeProto { Name = "group", Type = type, I = 1L << 40 }),
            Is.EqualTo("m.onnx: attribute group=1099511627776 is out of range"));
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], new AttributeProto { Name = "group", Type = type, I = -(1L << 40) }),
            Is.EqualTo("m.onnx: attribute group=-1099511627776 is out of range"));
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], new AttributeProto { Name = "strides", Type = type, I = 1 }), Is.EqualTo("m.onnx: attribute strides is Int, expected INTS"));
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], IntsAttribute("strides", 1L << 40)), Is.EqualTo("m.onnx: attribute strides (1099511627776) is out of range"));
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], IntsAttribute("dilations", -(1L << 40))), Is.EqualTo("m.onnx: attribute dilations (-1099511627776) is out of range"));
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], new AttributeProto { Name = "auto_pad", Type = type, I = 1 }), Is.EqualTo("m.onnx: attribute auto_pad is Int, expected STRING"));
        // The extremes an int holds are read, and then judged by the problem.
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], new AttributeProto { Name = "group", Type = type, I = int.MaxValue }),
            Is.EqualTo("m.onnx: group=2147483647 does not fit X's 2 channels and W's 2 per group"));
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], new AttributeProto { Name = "group", Type = type, I = int.MinValue }),
            Is.EqualTo("m.onnx: group=-2147483648 does not fit X's 2 channels and W's 2 per group"));
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], IntsAttribute("strides", int.MinValue)), Is.EqualTo("m.onnx: sw: must be >= 1, got -2147483648"));
    }

    private static ConvProblem Mapped(int[] x, int[] w, params AttributeProto[] attributes) =>
        OnnxConvModel.From(ConvModel(x, w, a => a.AddRange(attributes)), "m.onnx").Problem(x, "x.pb", w, "w.pb", false, "n", "m.onnx");

    private static AttributeProto AutoPad(string value) =>
        new() { Name = "auto_pad", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    [Test]
    public void AttributeValuesAtTheEdgesAreReadAsGiven()
    {
        // An empty auto_pad is NOTSET: the explicit pads apply.
        var empty = Mapped([1, 2, 6], [3, 2, 3], AutoPad(""), IntsAttribute("pads", 1, 2));
        Assert.That((empty.PadBegin[0], empty.PadEnd[0]), Is.EqualTo((1, 2)));
        // So is NOTSET written out.
        var notSet = Mapped([1, 2, 6], [3, 2, 3], AutoPad("NOTSET"), IntsAttribute("pads", 2, 1));
        Assert.That((notSet.PadBegin[0], notSet.PadEnd[0]), Is.EqualTo((2, 1)));
        // The largest int is a stride like any other.
        Assert.That(Mapped([1, 2, 6], [3, 2, 3], IntsAttribute("strides", int.MaxValue)).Stride[0], Is.EqualTo(int.MaxValue));
        // SAME_UPPER counts the dilated kernel: 2 * (3 - 1) + 1 = 5 elements, so 4 of padding at stride 1.
        var dilated = Mapped([1, 2, 6], [3, 2, 3], AutoPad("SAME_UPPER"), IntsAttribute("dilations", 2));
        Assert.That((dilated.PadBegin[0], dilated.PadEnd[0], dilated.Output[0]), Is.EqualTo((2, 2, 6)));
        // The largest SAME padding there is: 6 + 2147483642 elements, the last index int.MaxValue itself.
        var widest = Mapped([1, 2, 6], [3, 2, 2], AutoPad("SAME_LOWER"), IntsAttribute("dilations", 2_147_483_642));
        Assert.That((widest.PadBegin[0], widest.PadEnd[0], widest.Output[0]), Is.EqualTo((1_073_741_821, 1_073_741_821, 6)));
    }

    [Test]
    public void AWrongValueIsSkippedWhereverItStands()
    {
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], IntsAttribute("pads", 0, 1L << 40)), Is.EqualTo("m.onnx: attribute pads (0, 1099511627776) is out of range"));
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], new AttributeProto { Name = "group", Type = AttributeProto.Types.AttributeType.Int, I = 0 }),
            Is.EqualTo("m.onnx: group=0 does not fit X's 2 channels and W's 2 per group"));
        // The dilated kernel spans 2 * (2^31 - 1) + 1 elements, so SAME pads one less: more than an int holds. The
        // attributes are named, not a wrapped pad (it was "begin padding must be >= 0, got -1").
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], AutoPad("SAME_UPPER"), IntsAttribute("dilations", int.MaxValue)),
            Is.EqualTo("m.onnx: auto_pad=SAME_UPPER with dilations (2147483647,), strides (1,) and W's kernel (3,) pads X's axis 2 (6 elements) by 4294967294: "
                + "its last padded index 4294967299 is past 2147483647, the largest ConvVerify's loops index with"));
        // Padding that fits an int but puts the last index one past the largest is refused the same way, naming the attributes.
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 2], AutoPad("SAME_LOWER"), IntsAttribute("dilations", 2_147_483_643)),
            Is.EqualTo("m.onnx: auto_pad=SAME_LOWER with dilations (2147483643,), strides (1,) and W's kernel (2,) pads X's axis 2 (6 elements) by 2147483643: "
                + "its last padded index 2147483648 is past 2147483647, the largest ConvVerify's loops index with"));
        // SAME_UPPER leaves a stride below 1 to the problem, which names it.
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], AutoPad("SAME_UPPER"), IntsAttribute("strides", 0)), Is.EqualTo("m.onnx: sw: must be >= 1, got 0"));
    }

    // What ConvProblem refuses is named after where the value came from: a dilation below 1 is the model's (with and
    // without auto_pad, which leaves it to the problem); output channels the group does not divide are W's and the
    // model's together.
    [Test]
    public void ADilationBelowOneIsTheModelsAndOutputChannelsTheGroupDoesNotDivideAreBothFiles()
    {
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], IntsAttribute("dilations", 0)), Is.EqualTo("m.onnx: dw: must be >= 1, got 0"));
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3], AutoPad("SAME_LOWER"), IntsAttribute("dilations", 0)), Is.EqualTo("m.onnx: dw: must be >= 1, got 0"));
        Assert.That(ProblemSkip([1, 4, 6], [3, 2, 3], new AttributeProto { Name = "group", Type = AttributeProto.Types.AttributeType.Int, I = 2 }),
            Is.EqualTo("m.onnx with X (1, 4, 6) from x.pb and W (3, 2, 3) from w.pb: oc: 3 output channels are not divisible by groups=2"));
    }

    [Test]
    public void AnEmptyBiasNameIsNoBias()
    {
        var model = ConvModel([1, 2, 6], [3, 2, 3], _ => { });
        model.Graph.Node[0].Input.Add("");
        Assert.That(OnnxConvModel.From(model, "m.onnx").B, Is.Null);
        model.Graph.Node[0].Input[2] = "b";
        Assert.That(OnnxConvModel.From(model, "m.onnx").B, Is.EqualTo("b"));
    }

    [Test]
    public void ANodeOtherThanOneConvOfTheDefaultDomainIsSkippedNamingIt()
    {
        var relu = ConvModel([1, 2, 6], [3, 2, 3], _ => { });
        relu.Graph.Node[0].OpType = "Relu";
        relu.Graph.Node[0].Domain = "ai.onnx";
        Assert.That(() => OnnxConvModel.From(relu, "m.onnx"), Throws.TypeOf<OnnxSkipException>().With.Message.EqualTo("m.onnx: the node is Relu, not Conv"),
            "the default domain is not named, by either of its names");
        var foreign = ConvModel([1, 2, 6], [3, 2, 3], _ => { });
        foreign.Graph.Node[0].Domain = "com.example";
        Assert.That(() => OnnxConvModel.From(foreign, "m.onnx"), Throws.TypeOf<OnnxSkipException>().With.Message.EqualTo("m.onnx: the node is com.example.Conv, not Conv"));
        var onnxDomain = ConvModel([1, 2, 6], [3, 2, 3], _ => { });
        onnxDomain.Graph.Node[0].Domain = "ai.onnx";
        Assert.That(OnnxConvModel.From(onnxDomain, "m.onnx"), Is.Not.Null, "ai.onnx is the default domain by name");
        var many = ConvModel([1, 2, 6], [3, 2, 3], _ => { });
        foreach (string op in (string[])["Relu", "Add", "Mul", "Sub"]) many.Graph.Node.Add(new NodeProto { OpType = op });
        Assert.That(() => OnnxConvModel.From(many, "m.onnx"), Throws.TypeOf<OnnxSkipException>().With.Message.EqualTo(
            "m.onnx: 5 nodes (Conv, Relu, Add, Mul, ...), only single-node Conv models are imported"));
        many.Graph.Node.RemoveAt(4);
        many.Graph.Node.Add(new NodeProto { OpType = "Relu" });
        Assert.That(() => OnnxConvModel.From(many, "m.onnx"), Throws.TypeOf<OnnxSkipException>().With.Message.EqualTo(
            "m.onnx: 5 nodes (Conv, Relu, Add, Mul), only single-node Conv models are imported"), "each operator named once");
    }

    [Test]
    public void ShapesOfAnotherRankOrRanksThatDifferAreSkippedWithTheShapes()
    {
        Assert.That(ProblemSkip([1, 2], [3, 2], []), Is.EqualTo("x.pb: X has shape (1, 2); conv1d–3d need rank 3 to 5"));
        Assert.That(ProblemSkip([1, 2, 2, 2, 2, 2], [3, 2, 1, 1, 1, 1], []), Is.EqualTo("x.pb: X has shape (1, 2, 2, 2, 2, 2); conv1d–3d need rank 3 to 5"));
        Assert.That(ProblemSkip([1, 2, 6], [3, 2, 3, 3], []), Is.EqualTo("w.pb: W has shape (3, 2, 3, 3), but X (x.pb) has (1, 2, 6): ranks differ"));
        // Ranks 3 and 5 are conv1d and conv3d.
        var conv1d = OnnxConvModel.From(ConvModel([1, 2, 6], [3, 2, 3], _ => { }), "m.onnx").Problem([1, 2, 6], "x.pb", [3, 2, 3], "w.pb", false, "n", "m.onnx");
        var conv3d = OnnxConvModel.From(ConvModel([1, 2, 4, 4, 4], [3, 2, 3, 3, 3], _ => { }), "m.onnx").Problem([1, 2, 4, 4, 4], "x.pb", [3, 2, 3, 3, 3], "w.pb", false, "n", "m.onnx");
        Assert.That((conv1d.Rank, conv3d.Rank), Is.EqualTo((1, 3)));
    }

    [Test]
    public void ATensorTooLargeForTheProblemIsNamedAfterItsFile()
    {
        // x holds 2^30 elements; W (4, 2, 2^28) holds 2^31, past a .NET array: W's file is to blame, not the model.
        Assert.That(ProblemSkip([1, 2, 1 << 29], [4, 2, 1 << 28], []),
            Is.EqualTo($"w.pb: w: shape (4, 2, 268435456) holds more elements than a .NET array can ({Array.MaxLength})"));
        Assert.That(ProblemSkip([1, 4, 1 << 29], [4, 4, 1], []),
            Is.EqualTo($"x.pb: x: shape (1, 4, 536870912) holds more elements than a .NET array can ({Array.MaxLength})"));
        // Channels are the data's too, checked before the group: X's 0 channels, with a group given, is X's fault.
        Assert.That(ProblemSkip([1, 0, 6], [3, 2, 3], new AttributeProto { Name = "group", Type = AttributeProto.Types.AttributeType.Int, I = 2 }),
            Is.EqualTo("x.pb: X has shape (1, 0, 6): ic: must be >= 1, got 0"));
        Assert.That(ProblemSkip([1, 2, 6], [3, 0, 3], []), Is.EqualTo("w.pb: W has shape (3, 0, 3): ic per group: must be >= 1, got 0"));
    }

    [Test]
    public void AModelWithoutAGraphIsSkipped() =>
        Assert.That(() => OnnxConvModel.From(new ModelProto { IrVersion = 8 }, "m.onnx"),
            Throws.TypeOf<OnnxSkipException>().With.Message.EqualTo("m.onnx: the model has no graph"));

    [Test]
    public void AConvWithTheWrongNumberOfInputsOrOutputsIsSkipped()
    {
        var model = ConvModel([1, 2, 6], [3, 2, 3], _ => { });
        model.Graph.Node[0].Input.RemoveAt(1);
        Assert.That(() => OnnxConvModel.From(model, "m.onnx"), Throws.TypeOf<OnnxSkipException>().With.Message.EqualTo(
            "m.onnx: Conv with 1 inputs and 1 outputs (expected X, W[, B] and Y)"));
        var twoOut = ConvModel([1, 2, 6], [3, 2, 3], _ => { });
        twoOut.Graph.Node[0].Output.Add("z");
        Assert.That(() => OnnxConvModel.From(twoOut, "m.onnx"), Throws.TypeOf<OnnxSkipException>().With.Message.EqualTo(
            "m.onnx: Conv with 2 inputs and 2 outputs (expected X, W[, B] and Y)"));
    }

    /// <summary>
    /// Hostile test folders (a second adversarial probe): a pipe or a link to /dev/zero as model.onnx hung or filled
    /// memory; a 20-digit data-set number crashed on the parse; two initializers of one name stopped the whole import
    /// without naming the file; two links to a parent folder made the walk exponential; a tensor claiming 10⁹ elements
    /// with none in it had the importer generate dL/dy at that size first. Each is a skip naming its file now.
    /// </summary>
    [Test]
    [Platform("Linux")]
    [CancelAfter(60_000)]
    public void HostileTestFoldersAreSkippedNamingTheFile()
    {
        string good = Node("test_conv_with_strides_padding");
        string pipe = CopyTest(good, "pipe");
        NamedPipes.Make(Path.Combine(pipe, "model.onnx"));
        string zero = CopyTest(good, "zero");
        File.Delete(Path.Combine(zero, "model.onnx"));
        File.CreateSymbolicLink(Path.Combine(zero, "model.onnx"), "/dev/zero");
        string digits = CopyTest(good, "digits");
        Directory.Move(Path.Combine(digits, "test_data_set_0"), Path.Combine(digits, "test_data_set_99999999999999999999"));
        string twice = CopyTest(good, "twice");
        EditModel(twice, m =>
        {
            m.Graph.Initializer.Add(new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 1 }, FloatData = { 1 } });
            m.Graph.Initializer.Add(new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 1 }, FloatData = { 2 } });
        });
        string huge = CopyTest(good, "huge");
        string x = Path.Combine(huge, "test_data_set_0", "input_0.pb");
        File.WriteAllBytes(x, new TensorProto { Name = "x", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 1, 1, 1_000_000_000, 1 } }.ToByteArray());
        File.WriteAllBytes(Path.Combine(huge, "test_data_set_0", "output_0.pb"),
            new TensorProto { Name = "y", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 1, 1, 500_000_000, 1 } }.ToByteArray());
        string loops = TempPath("loops");
        Directory.CreateDirectory(Path.Combine(loops, "a"));
        CopyDirectory(good, Path.Combine(loops, "a", "good"));
        File.CreateSymbolicLink(Path.Combine(loops, "a", "l1"), "..");
        File.CreateSymbolicLink(Path.Combine(loops, "a", "l2"), "..");

        string pack = TempPath("onnx");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var r = Run("fixtures", "import-onnx", good, pipe, zero, digits, twice, huge, loops, "--out", pack);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1L << 30), "nothing was made at a claimed size");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("wrote " + pack + ": 2 cases from ONNX test data"), "the good test, and the copy reached through the folder of links once");
        Assert.That(r.Err, Does.Contain($"{Path.Combine(pipe, "model.onnx")}: cannot be read ({Path.Combine(pipe, "model.onnx")}: a named pipe, not a regular file"));
        // A link out of the folder given is not read at all now (OnnxImportLinkTests); the device check stays for what is inside.
        Assert.That(r.Err, Does.Contain($"{Path.Combine(zero, "model.onnx")}: a symbolic link to /dev/zero, outside {zero}: refusing to read or write through it"));
        Assert.That(r.Err, Does.Contain($"{digits}: no test_data_set_N folder"));
        Assert.That(r.Err, Does.Contain($"{Path.Combine(twice, "model.onnx")}: two initializers are named 'w'"));
        Assert.That(r.Err, Does.Contain($"{x}: float_data holds 0 values"));
        Assert.That(r.Out + r.Err, Does.Not.Contain("l1").And.Not.Contain("l2"), "links to folders are not walked");
    }

    [Test]
    public void AnOracleResultThatOverflowsIsSkippedNotWrittenIntoAPackItsReadersRefuse()
    {
        // Finite data, but dL/dw sums dy·x over the positions with x near float.MaxValue: infinite. Written, the pack
        // then failed every reader (a probe found it); now the data set is skipped, naming the element.
        string good = Node("test_conv_with_strides_padding");
        string big = CopyTest(good, "big");
        string x = Path.Combine(big, "test_data_set_0", "input_0.pb");
        var t = TensorProto.Parser.ParseFrom(File.ReadAllBytes(x));
        var values = Enumerable.Repeat(3.4e38f, t.FloatData.Count > 0 ? t.FloatData.Count : t.RawData.Length / 4).ToArray();
        t.FloatData.Clear();
        t.RawData = ByteString.CopyFrom(values.SelectMany(BitConverter.GetBytes).ToArray());
        File.WriteAllBytes(x, t.ToByteArray());
        string pack = TempPath("onnx");
        var r = Run("fixtures", "import-onnx", good, big, "--out", pack, "--oracle", "naive");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("1 case from ONNX test data"));
        Assert.That(r.Err, Does.Contain($"warning: not imported: {Path.Combine(big, "test_data_set_0")}: dw[").And.Contain("Infinity: a pack holds finite values only"));
        Assert.That(Run("check", "--pack", pack, "--oracle", "fixtures").Code, Is.Zero, "what was written reads back");
    }

    [Test]
    public void AConvAttributeGivenTwiceIsSkippedNamingIt()
    {
        // The probe: a second strides was passed over and the first one read, a Conv the test's other readers may not take.
        var model = ConvModel([1, 2, 6], [3, 2, 3], a => a.AddRange([IntsAttribute("strides", 2), IntsAttribute("pads", 0, 0), IntsAttribute("strides", 1)]));
        Assert.That(() => OnnxConvModel.From(model, "m.onnx"), Throws.TypeOf<OnnxSkipException>().With.Message.EqualTo(
            "m.onnx: Conv attribute 'strides' is given 2 times (ONNX allows each attribute once)"));
    }

    [Test]
    public void WsChannelsTimesTheGroupsAreNotWrappedToFitX()
    {
        // The probe: 4 groups of 2^30 + 1 channels is 2^32 + 4, which wrapped in int to X's 4 channels, and the shapes passed.
        Assert.That(ProblemSkip([1, 4, 6], [3, (1 << 30) + 1, 3], new AttributeProto { Name = "group", Type = AttributeProto.Types.AttributeType.Int, I = 4 }),
            Is.EqualTo("m.onnx: group=4 does not fit X's 4 channels and W's 1073741825 per group"));
    }

    [TestCase("input_2.pb", 2, 1)]
    [TestCase("input_00.pb", 0, 1)]
    public void TestInputsNumberedWithAGapOrANumberTwiceAreSkippedNamingTheFile(string wName, int number, int expected)
    {
        // The probe: W was read from whichever file came second (input_2.pb with no input_1.pb, or input_00.pb).
        string good = Node("test_conv_with_strides_padding");
        string bad = CopyTest(good, "numbering");
        string w = Path.Combine(bad, "test_data_set_0", wName);
        File.Move(Path.Combine(bad, "test_data_set_0", "input_1.pb"), w);
        ImportsTheGoodOneAndSkipsTheBad(good, bad,
            $"warning: not imported: {w}: input number {number} where input_{expected}.pb was expected (test inputs are numbered 0, 1, 2, ... without gaps or repeats)");
    }

    [Test]
    public void AGraphInputListedTwiceIsSkippedNamingIt()
    {
        // The probe: inputs x, W, x took X from input_2.pb, the last file fed to the name.
        string good = Node("test_conv_with_strides_padding");
        string bad = CopyTest(good, "input_twice");
        EditModel(bad, m => m.Graph.Input.Add(m.Graph.Input[0].Clone()));
        File.Copy(Path.Combine(bad, "test_data_set_0", "input_1.pb"), Path.Combine(bad, "test_data_set_0", "input_2.pb"));
        ImportsTheGoodOneAndSkipsTheBad(good, bad, $"warning: not imported: {Path.Combine(bad, "model.onnx")}: 2 graph inputs are named 'x'");
    }

    [Test]
    public void AnExpectedOutputThatIsAFolderIsSaidToBeOne()
    {
        string good = Node("test_conv_with_strides_padding");
        string bad = CopyTest(good, "output_folder");
        string y = Path.Combine(bad, "test_data_set_0", "output_0.pb");
        File.Delete(y);
        Directory.CreateDirectory(y);
        ImportsTheGoodOneAndSkipsTheBad(good, bad, $"warning: not imported: {y}: cannot be read ({y}: is a folder, not a protobuf file)");
    }

    [Test]
    public void ATestFolderWithANameLongerThanACaseIdMayBeIsImported()
    {
        // The probe: the case id took the whole name, past 255 bytes, and the whole import failed on the folder it named.
        string good = Node("test_conv_with_strides_padding");
        string pack = TempPath("onnx");
        var r = Run("fixtures", "import-onnx", good, CopyTest(good, new string('a', 240)), "--out", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(FixturePack.Open(pack).CaseIds, Has.Count.EqualTo(2));
    }

    /// <summary>
    /// Folder names, attribute names and values and operator types come from someone else's files: printed as they were,
    /// an escape sequence drove the terminal and a newline forged a line of the output ("imported evil").
    /// </summary>
    [Test]
    public void ControlCharactersFromTheTestsAreEscapedInWhatTheImportPrints()
    {
        string good = Node("test_conv_with_strides_padding");
        string folder = CopyTest(good, "esc\u001b[31m_name");
        string attribute = CopyTest(good, "attribute");
        EditModel(attribute, m => m.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "x\u001b[2J\nimported evil", Type = AttributeProto.Types.AttributeType.Int, I = 1 }));
        string op = CopyTest(good, "op");
        EditModel(op, m => m.Graph.Node[0].OpType = "Relu\nimported evil");
        string pack = TempPath("onnx");
        var r = Run("fixtures", "import-onnx", folder, attribute, op, "--out", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That((r.Out + r.Err).Where(c => char.IsControl(c) && c is not ('\n' or '\r')), Is.Empty, r.ToString());
        Assert.That(r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3), "one line imported, one skipped, the summary");
        Assert.That(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1), "one warning");
        Assert.That(r.Out.Contains("esc\\u001b[31m_name/test_data_set_0 as ", StringComparison.Ordinal), r.ToString());
        Assert.That(r.Err.Contains("unsupported Conv attribute 'x\\u001b[2J\\u000aimported evil'", StringComparison.Ordinal), r.ToString());
        Assert.That(r.Out.Contains("the node is Relu\\u000aimported evil, not Conv", StringComparison.Ordinal), r.ToString());

        // Nothing importable: the skips are the error's lines, one each.
        var none = Run("fixtures", "import-onnx", attribute, op, "--out", pack, "--force");
        Assert.That(none.Code, Is.EqualTo(2), none.ToString());
        Assert.That(none.Err.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(3), none.ToString());
        Assert.That(none.Err.Contains("the node is Relu\\u000aimported evil, not Conv", StringComparison.Ordinal), none.ToString());
    }

    // A Conv model with inputs x and w and output y, opset 17, as the conformance tests are laid out.
    private static ModelProto ConvModel(int[] x, int[] w, Action<Google.Protobuf.Collections.RepeatedField<AttributeProto>> attributes)
    {
        static ValueInfoProto Value(string name, int[]? shape)
        {
            var t = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float };
            if (shape is not null)
            {
                t.Shape = new TensorShapeProto();
                foreach (int d in shape) t.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
            }
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = t } };
        }
        var node = new NodeProto { OpType = "Conv", Input = { "x", "w" }, Output = { "y" } };
        attributes(node.Attribute);
        var graph = new GraphProto { Name = "g", Node = { node }, Input = { Value("x", x), Value("w", w) }, Output = { Value("y", null) } };
        return new ModelProto { IrVersion = 8, Graph = graph, OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 17 } } };
    }

    private string CopyTest(string from, string name)
    {
        string to = TempPath(name);
        CopyDirectory(from, to);
        return to;
    }

    /// <summary>Rewrites <c>model.onnx</c> of a copied conformance test through <paramref name="edit"/>.</summary>
    internal static void EditModel(string folder, Action<ModelProto> edit)
    {
        string path = Path.Combine(folder, "model.onnx");
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        edit(model);
        File.WriteAllBytes(path, model.ToByteArray());
    }
}
