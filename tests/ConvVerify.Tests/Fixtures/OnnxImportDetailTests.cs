using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Tests.Cli;
using ConvVerify.Tests.Runs;
using Google.Protobuf;
using Onnx;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// <see cref="OnnxImport.Import"/> called directly on edited copies of one conformance test: the exact failure text,
/// the order of folders and data sets, opsets by domain, the oracle's part, and inputs the model names but nobody gives.
/// </summary>
public class OnnxImportDetailTests : CliTestBase
{
    private static string Node(string test) => Path.Combine(OnnxImportTests.DebianData, "node", test);

    // x (1, 1, 7, 5), W (1, 1, 3, 3), strides 2, pads 1: y (1, 1, 4, 3); no bias.
    private static readonly string Good = Node("test_conv_with_strides_padding");

    private string CopyTest(string name)
    {
        string to = TempPath(name);
        CopyDirectory(Good, to);
        return to;
    }

    private static void EditModel(string folder, Action<ModelProto> edit) => OnnxImportTests.EditModel(folder, edit);

    private static string Set(string folder, int n = 0) => Path.Combine(folder, $"test_data_set_{n}");

    [Test]
    public void ATensorFileLargerThanAnyModelIsSkippedUnread()
    {
        // Sparse: a file just past the limit costs nothing to make, and was read whole (2 GB, 7 s) when the limit was 2 GiB.
        string test = CopyTest("big"), input = Path.Combine(Set(test), "input_0.pb");
        using (var f = File.Open(input, FileMode.Truncate)) f.SetLength(OnnxTensors.MaxFileBytes + 1);
        Assert.That(OnnxTensors.MaxFileBytes, Is.EqualTo(256L << 20));
        Assert.That(() => OnnxImport.Import([test], TempPath("pack")), Throws.TypeOf<FixtureException>().With.Message.Contains(
            $"{input}: {OnnxTensors.MaxFileBytes + 1} bytes, more than a protobuf file may hold ({OnnxTensors.MaxFileBytes})"));
    }

    [Test]
    public void NoSourceAtAllIsRefused() =>
        Assert.That(() => OnnxImport.Import([], TempPath("pack")), Throws.TypeOf<FixtureException>().With.Message.EqualTo("no ONNX test folder given"));

    [Test]
    public void NothingImportableListsTheSourcesAndEverySkipOnItsOwnLine()
    {
        string relu = Node("test_relu"), transpose = Node("test_convtranspose");
        Assert.That(() => OnnxImport.Import([relu, transpose], TempPath("pack")), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{relu}, {transpose}: no importable single-node float32 Conv test (2 skipped)"
            + $"\n  {relu}/model.onnx: the node is Relu, not Conv"
            + $"\n  {transpose}/model.onnx: the node is ConvTranspose, not Conv"));
    }

    [Test]
    public void APackThatWouldReplaceOrSitInsideASourceIsRefusedAndTheSourceKept()
    {
        string parent = TempPath("sources");
        string conv = Path.Combine(parent, "a_conv");
        CopyDirectory(Good, conv);
        int files = Directory.GetFiles(parent, "*", SearchOption.AllDirectories).Length;
        Assert.Multiple(() =>
        {
            // Even with force: replacing the output would delete the source, or the source's folder.
            Assert.That(() => OnnxImport.Import([conv], conv, force: true), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
                $"{conv}: holds the ONNX test folder {conv} the import reads; replacing it would delete it"));
            Assert.That(() => OnnxImport.Import([conv], parent, force: true), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
                $"{parent}: holds the ONNX test folder {conv} the import reads; replacing it would delete it"));
            string inside = Path.Combine(parent, "pack");
            Assert.That(() => OnnxImport.Import([parent], inside), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
                $"{inside}: inside the ONNX test folder {parent} the import reads; write the pack elsewhere"));
            Assert.That(Directory.Exists(inside), Is.False);
        });
        Assert.That(Directory.GetFiles(parent, "*", SearchOption.AllDirectories), Has.Length.EqualTo(files), "the sources as they were");
    }

    [Test]
    public void TestsBelowASourceComeInOrdinalOrderAndDataSetsInNumericOrder()
    {
        string parent = TempPath("parent");
        string b = Path.Combine(parent, "b_conv"), a = Path.Combine(parent, "a_conv");
        CopyDirectory(Good, b);
        CopyDirectory(Good, a);
        Directory.Move(Set(a), Set(a, 10));
        CopyDirectory(Set(a, 10), Set(a, 9));

        var r = OnnxImport.Import([parent], TempPath("pack"));
        Assert.That(r.Imported.Select(i => i.Source), Is.EqualTo(new[] { Set(a, 9), Set(a, 10), Set(b) }));
        Assert.That(r.Imported[0].CaseId, Does.Contain("_a_conv.9_"));
        Assert.That(r.Imported[1].CaseId, Does.Contain("_a_conv.10_"));
        Assert.That(r.Skipped, Is.Empty);
    }

    [Test]
    public void OpsetsAreThoseOfTheDefaultDomainByEitherName()
    {
        string folder = CopyTest("opsets");
        EditModel(folder, m =>
        {
            m.OpsetImport.Clear();
            m.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx", Version = 13 });
            m.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example", Version = 99 });
        });
        string plain = CopyTest("plain");
        EditModel(plain, m =>
        {
            m.OpsetImport.Clear();
            m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 7 });
        });
        var r = OnnxImport.Import([folder, plain], TempPath("pack"));
        Assert.That(r.Manifest.Versions, Is.EqualTo(new Dictionary<string, string> { ["onnx-opset"] = "7, 13" }));
        Assert.That(r.Manifest.OracleName, Is.EqualTo("onnx"));
    }

    // The probe: long.MinValue was copied into the manifest's "onnx-opset" beside the real opsets.
    [TestCase(long.MinValue, "ai.onnx")]
    [TestCase(0L, "")]
    [TestCase(-1L, "")]
    public void AnOpsetBelowOneIsSkippedNamingTheModelAndTheValue(long version, string domain)
    {
        string folder = CopyTest("opset");
        EditModel(folder, m =>
        {
            m.OpsetImport.Clear();
            m.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example", Version = 0 });
            m.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        });
        var r = OnnxImport.Import([Good, folder], TempPath("pack"));
        Assert.That(r.Skipped.Select(s => s.Reason), Is.EqualTo(new[]
        {
            $"{folder}/model.onnx: opset_import gives the default domain version {version.ToString(System.Globalization.CultureInfo.InvariantCulture)} (ONNX opset versions must be >= 1)",
        }));
        Assert.That(r.Manifest.Versions["onnx-opset"], Is.EqualTo("11"), "the good test's opset alone");
    }

    [Test]
    public void ADefaultDomainListedWithTwoVersionsIsSkippedNamingBoth()
    {
        // The probe: both versions went into "onnx-opset" ("11, 13" for one model), as if the pack held two opsets' data.
        string two = CopyTest("two_opsets"), same = CopyTest("same_opset_twice");
        EditModel(two, m =>
        {
            m.OpsetImport.Clear();
            m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
            m.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example", Version = 2 });
            m.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx", Version = 7 });
        });
        // One opset under both names is no conflict: imported, and recorded once.
        EditModel(same, m =>
        {
            m.OpsetImport.Clear();
            m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 11 });
            m.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx", Version = 11 });
        });
        var r = OnnxImport.Import([two, same], TempPath("pack"));
        Assert.That(r.Skipped.Select(s => s.Reason), Is.EqualTo(new[]
        {
            $"{two}/model.onnx: opset_import lists the default domain more than once, as \"\" version 13 and \"ai.onnx\" version 7: which opset the model uses is not defined",
        }));
        Assert.That(r.Imported.Select(i => i.Source), Is.EqualTo(new[] { Set(same) }));
        Assert.That(r.Manifest.Versions["onnx-opset"], Is.EqualTo("11"));
    }

    [Test]
    public void NoDefaultDomainIsOpsetOneBeforeIrVersionThreeAndSkippedFromIt()
    {
        // The probe: a model listing no default-domain opset was imported and added nothing to "onnx-opset": a pack of
        // such models alone recorded "" as its opset. ONNX's checker takes a model from before IR version 3 (which had no
        // opset_import) as opset 1, and refuses one from IR version 3 on.
        string old = CopyTest("ir2"), later = CopyTest("ir3");
        EditModel(old, m =>
        {
            m.IrVersion = 2;
            m.OpsetImport.Clear();
        });
        EditModel(later, m =>
        {
            m.IrVersion = 3;
            m.OpsetImport.Clear();
            m.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example", Version = 5 });
        });
        var r = OnnxImport.Import([old, later], TempPath("pack"));
        Assert.That(r.Skipped.Select(s => s.Reason), Is.EqualTo(new[]
        {
            $"{later}/model.onnx: opset_import lists no version of the default domain (\"\" or \"ai.onnx\"), which ONNX requires from IR version 3 (the model's is 3): its opset is unknown",
        }));
        Assert.That(r.Imported.Select(i => i.Source), Is.EqualTo(new[] { Set(old) }));
        Assert.That(r.Manifest.Versions["onnx-opset"], Is.EqualTo("1"));
    }

    [Test]
    public void OpsetOneIsAnOpset()
    {
        string folder = CopyTest("opset_1");
        EditModel(folder, m =>
        {
            m.OpsetImport.Clear();
            m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 1 });
        });
        var r = OnnxImport.Import([folder], TempPath("pack"));
        Assert.That((r.Skipped.Count, r.Manifest.Versions["onnx-opset"]), Is.EqualTo((0, "1")));
    }

    [Test]
    public void AnOracleAddsTheGradientsButNotY()
    {
        string pack = TempPath("pack");
        // y one element short: were y asked of the oracle, it would replace ONNX's and fail to be written.
        var oracle = new DefinitionOracle("def", ("def-lib", "1.2")) { ShortForward = true };
        var r = OnnxImport.Import([Good], pack, oracle);
        Assert.That(r.Manifest.OracleName, Is.EqualTo("onnx+def"));
        Assert.That(r.Manifest.Versions["def-lib"], Is.EqualTo("1.2"));
        string id = r.Imported.Single().CaseId;
        Assert.That(Directory.GetFiles(Path.Combine(pack, id)).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "case.json", "x.npy", "w.npy", "dy.npy", "y.npy", "dx.npy", "dw.npy" }));
    }

    [Test]
    public void AnOracleThatFailsIsNamedWithTheDataSetAndProblem()
    {
        var thrown = new InvalidOperationException("no, thanks");
        var oracle = new ConvVerify.Tests.Runs.ThrowingOracle("refusing", _ => thrown);
        var e = Assert.Throws<FixtureException>(() => OnnxImport.Import([Good], TempPath("pack"), oracle))!;
        Assert.That(e.Message, Does.StartWith($"{Set(Good)}: oracle refusing failed on mb1ic1").And.EndWith(": no, thanks"));
        Assert.That(e.InnerException, Is.SameAs(thrown));
        Assert.That(Path.Exists(TempPath("pack")), Is.False);
    }

    [Test]
    public void AConvInputNobodyGivesIsSkippedNamingItsRole()
    {
        string x = CopyTest("no_x"), w = CopyTest("no_w"), b = CopyTest("no_b");
        EditModel(x, m => m.Graph.Node[0].Input[0] = "nowhere");
        EditModel(w, m => m.Graph.Node[0].Input[1] = "nowhere");
        EditModel(b, m => m.Graph.Node[0].Input.Add("nob"));
        var r = OnnxImport.Import([Good, x, w, b], TempPath("pack"));
        Assert.That(r.Skipped.Select(s => s.Reason), Is.EqualTo(new[]
        {
            $"{Set(x)}: Conv input X ('nowhere') is neither an initializer nor a test input",
            $"{Set(w)}: Conv input W ('nowhere') is neither an initializer nor a test input",
            $"{Set(b)}: Conv input B ('nob') is neither an initializer nor a test input",
        }));
        Assert.That(r.Skipped.Select(s => s.Source), Is.EqualTo(new[] { Set(x), Set(w), Set(b) }));
    }

    [Test]
    public void AnInitializerIsNamedAsTheModelsAndABiasOfTheWrongShapeIsSkipped()
    {
        string folder = CopyTest("bad_bias");
        EditModel(folder, m =>
        {
            var bias = new TensorProto { Name = "B", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 2 }, FloatData = { 1f, 2f } };
            m.Graph.Initializer.Add(bias);
            m.Graph.Node[0].Input.Add("B");
        });
        var r = OnnxImport.Import([Good, folder], TempPath("pack"));
        Assert.That(r.Skipped.Single().Reason, Is.EqualTo($"{folder}/model.onnx initializer 'B': B has shape (2,), expected (1,)"));
    }

    // Only the dims change: the problem is built from shapes before any element is read.
    private static void SetDims(string file, params long[] dims)
    {
        var tensor = TensorProto.Parser.ParseFrom(File.ReadAllBytes(file));
        tensor.Dims.Clear();
        tensor.Dims.AddRange(dims);
        File.WriteAllBytes(file, tensor.ToByteArray());
    }

    // The probe: X (input_0.pb) with a batch of 0 was reported as "model.onnx: mb: must be >= 1". Each value is now
    // named after the file it came from: X's and W's test inputs, W as the model's initializer, the model's attributes,
    // and the model with both files when only together they do not fit.
    [Test]
    public void AProblemErrorNamesTheFileItsValueCameFrom()
    {
        string x = CopyTest("x_mb_0"), w = CopyTest("w_oc_0"), initializer = CopyTest("initializer_kh_0"), strides = CopyTest("strides_0"),
            channels = CopyTest("channels"), kernel = CopyTest("kernel_past_x"), spatial = CopyTest("x_iw_0");
        SetDims(Path.Combine(Set(x), "input_0.pb"), 0, 1, 7, 5);
        SetDims(Path.Combine(Set(spatial), "input_0.pb"), 1, 1, 7, 0);
        SetDims(Path.Combine(Set(w), "input_1.pb"), 0, 1, 3, 3);
        SetDims(Path.Combine(Set(channels), "input_0.pb"), 1, 2, 7, 5);
        SetDims(Path.Combine(Set(kernel), "input_1.pb"), 1, 1, 3, 9);
        string kernelShape = CopyTest("kernel_shape");
        SetDims(Path.Combine(Set(kernelShape), "input_1.pb"), 1, 1, 3, 9);
        EditModel(kernel, m => m.Graph.Node[0].Attribute.Remove(m.Graph.Node[0].Attribute.Single(a => a.Name == "kernel_shape")));
        string wFile = Path.Combine(Set(initializer), "input_1.pb");
        var wTensor = TensorProto.Parser.ParseFrom(File.ReadAllBytes(wFile));
        File.Delete(wFile);
        wTensor.Dims.Clear();
        wTensor.Dims.AddRange([1, 1, 0, 3]);
        EditModel(initializer, m => m.Graph.Initializer.Add(wTensor));
        EditModel(strides, m => m.Graph.Node[0].Attribute.Single(a => a.Name == "strides").Ints[0] = 0);

        var r = OnnxImport.Import([Good, x, spatial, w, initializer, strides, channels, kernelShape, kernel], TempPath("pack"));
        string X(string folder) => Path.Combine(Set(folder), "input_0.pb");
        string W(string folder) => Path.Combine(Set(folder), "input_1.pb");
        Assert.That(r.Skipped.Select(s => s.Reason), Is.EqualTo(new[]
        {
            $"{X(x)}: X has shape (0, 1, 7, 5): mb: must be >= 1, got 0",
            $"{X(spatial)}: X has shape (1, 1, 7, 0): iw: must be >= 1, got 0",
            $"{W(w)}: W has shape (0, 1, 3, 3): oc: must be >= 1, got 0",
            $"{initializer}/model.onnx initializer '{wTensor.Name}': W has shape (1, 1, 0, 3): kh: must be >= 1, got 0",
            $"{strides}/model.onnx: sh: must be >= 1, got 0",
            $"{W(channels)}: W has shape (1, 1, 3, 3), but X ({X(channels)}) has (1, 2, 7, 5): W's 1 input channels differ from X's 2 (the model has no group attribute, so group is 1)",
            $"{kernelShape}/model.onnx: kernel_shape (3, 3) differs from W's spatial shape (3, 9) ({W(kernelShape)})",
            $"{kernel}/model.onnx with X (1, 1, 7, 5) from {X(kernel)} and W (1, 1, 3, 9) from {W(kernel)}: kw: dilated kernel extent 9 (k=9, dilation=1) exceeds the padded input 7 (i=5 + pb=1 + pe=1): the output would be empty",
        }));
        Assert.That(r.Imported, Has.Count.EqualTo(1));
    }
    // The probe: with graph outputs (z, y), output_0.pb (z's values) was imported as the Conv's expected y, so the correct
    // engine failed and a candidate returning z passed. ONNX's runner pairs output_N.pb with the graph's outputs in
    // order: y is output_1.pb. z is a graph input of y's shape passed through, its values y's plus 1.
    [Test]
    public void TheExpectedYIsTheOutputFileOfTheConvsPlaceAmongTheGraphOutputs()
    {
        string folder = CopyTest("z_then_y");
        var yTensor = TensorProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(Set(folder), "output_0.pb")));
        float[] y = OnnxTensors.Floats(yTensor, "output_0.pb");
        var z = new TensorProto { Name = "z", DataType = (int)TensorProto.Types.DataType.Float, Dims = { yTensor.Dims }, FloatData = { y.Select(v => v + 1) } };
        EditModel(folder, m =>
        {
            m.Graph.Input.Add(new ValueInfoProto { Name = "z" });
            m.Graph.Output.Insert(0, new ValueInfoProto { Name = "z" });
        });
        File.Move(Path.Combine(Set(folder), "output_0.pb"), Path.Combine(Set(folder), "output_1.pb"));
        File.WriteAllBytes(Path.Combine(Set(folder), "output_0.pb"), z.ToByteArray());
        File.WriteAllBytes(Path.Combine(Set(folder), "input_2.pb"), z.ToByteArray());

        string pack = TempPath("pack");
        var r = OnnxImport.Import([folder], pack);
        Assert.That(r.Skipped, Is.Empty);
        string id = r.Imported.Single().CaseId;
        var problem = FixturePack.Open(pack).ReadCase(id).Problem;
        Assert.That(Npy.Read<float>(Path.Combine(pack, id, "y.npy"), DType.Float32, problem.YShape), Is.EqualTo(y));
    }

    // input_N.pb feeds the graph's N-th input that is no initializer, and the Conv takes X and W by name: graph inputs
    // listed as (W, x) take W from input_0.pb, not X by position.
    [Test]
    public void TestInputsFeedTheGraphInputsOfTheirPlaceAndTheConvTakesThemByName()
    {
        string folder = CopyTest("w_then_x");
        EditModel(folder, m => (m.Graph.Input[0], m.Graph.Input[1]) = (m.Graph.Input[1], m.Graph.Input[0]));
        string x = Path.Combine(Set(folder), "input_0.pb"), w = Path.Combine(Set(folder), "input_1.pb"), moved = Path.Combine(Set(folder), "moved.pb");
        File.Move(x, moved);
        File.Move(w, x);
        File.Move(moved, w);
        float[] xs = OnnxTensors.Floats(TensorProto.Parser.ParseFrom(File.ReadAllBytes(w)), w), ws = OnnxTensors.Floats(TensorProto.Parser.ParseFrom(File.ReadAllBytes(x)), x);

        string pack = TempPath("pack");
        var r = OnnxImport.Import([folder], pack);
        string id = r.Imported.Single().CaseId;
        var problem = FixturePack.Open(pack).ReadCase(id).Problem;
        Assert.That(problem.XShape, Is.EqualTo(new[] { 1, 1, 7, 5 }));
        Assert.That(Npy.Read<float>(Path.Combine(pack, id, "x.npy"), DType.Float32, problem.XShape), Is.EqualTo(xs));
        Assert.That(Npy.Read<float>(Path.Combine(pack, id, "w.npy"), DType.Float32, problem.WShape), Is.EqualTo(ws));
    }

    [Test]
    public void OutputFilesThatDoNotMatchTheGraphsOutputsAreSkippedNamingThem()
    {
        // Each was imported with output_0.pb as y: a Conv output the graph does not list, a graph listing none or y
        // twice, an output_1.pb beside a graph of one output, a gap in the numbering, and y's own file missing.
        string notListed = CopyTest("y_not_listed"), none = CopyTest("no_outputs"), twice = CopyTest("y_twice"),
            extra = CopyTest("extra_output"), gap = CopyTest("output_gap"), missing = CopyTest("y_file_missing");
        EditModel(notListed, m => m.Graph.Output[0].Name = "z");
        EditModel(none, m => m.Graph.Output.Clear());
        EditModel(twice, m => m.Graph.Output.Add(m.Graph.Output[0].Clone()));
        File.Copy(Path.Combine(Set(extra), "output_0.pb"), Path.Combine(Set(extra), "output_1.pb"));
        EditModel(gap, m => m.Graph.Output.Add(new ValueInfoProto { Name = "x" }));
        File.Copy(Path.Combine(Set(gap), "output_0.pb"), Path.Combine(Set(gap), "output_2.pb"));
        EditModel(missing, m => m.Graph.Output.Insert(0, new ValueInfoProto { Name = "x" }));

        var r = OnnxImport.Import([Good, notListed, none, twice, extra, gap, missing], TempPath("pack"));
        Assert.That(r.Skipped.Select(s => s.Reason), Is.EqualTo(new[]
        {
            $"{notListed}/model.onnx: the Conv's output 'y' is not a graph output (the graph's are z): no output_N.pb holds its expected value",
            $"{none}/model.onnx: the Conv's output 'y' is not a graph output (the graph lists none): no output_N.pb holds its expected value",
            $"{twice}/model.onnx: 2 graph outputs are named 'y'",
            $"{Set(extra)}: 2 output_N.pb files, the model has 1 output (y)",
            $"{Set(gap)}/output_2.pb: output number 2 where output_1.pb was expected (test outputs are numbered 0, 1, 2, ... without gaps or repeats)",
            $"{Set(missing)}/output_1.pb: missing (the Conv's output 'y' is graph output 1)",
        }));
        Assert.That(r.Imported.Single().Source, Is.EqualTo(Set(Good)));
    }

    // The probe: one empty folder named b'junk\xff' anywhere below a DIR failed the whole import with "Could not find a
    // part of the path '.../junk\ufffd'", of a folder that exists (.NET reads 0xFF as U+FFFD and cannot open that name).
    [Test]
    public void AFolderWhoseNameIsNotUtf8IsSkippedNamingItAndTheRestImported()
    {
        string source = TempPath("source"), deep = Path.Combine(source, "deep");
        CopyDirectory(Good, Path.Combine(source, "tests", "good"));
        string junk = NonUtf8Names.MakeFolder(deep, "junk");
        try
        {
            var r = OnnxImport.Import([source], TempPath("pack"));
            Assert.That(r.Imported.Single().Source, Is.EqualTo(Set(Path.Combine(source, "tests", "good"))));
            Assert.That(r.Skipped.Select(s => (s.Source, s.Reason)), Is.EqualTo(new[]
            {
                (junk, $"{deep}/junk\\ufffd: the folder's name is not UTF-8 (.NET reads such bytes as U+FFFD, shown as \\ufffd, and cannot open the folder by that name): not read"),
            }));
        }
        finally
        {
            NonUtf8Names.RemoveFolder(deep, "junk");
        }
    }

    // ONNX's checker allows one value field per tensor, float32 values in float_data or raw_data only, and data_location
    // DEFAULT (0) or EXTERNAL (1). The probe: raw_data and float_data together imported raw_data in silence, and
    // data_location 2 was read as "not external".
    [TestCase("float_data", "values in both float_data and raw_data (ONNX allows one value field per tensor): which are the tensor's is not defined")]
    [TestCase("float_data and double_data", "values in float_data and raw_data and double_data (ONNX allows one value field per tensor): which are the tensor's is not defined")]
    [TestCase("int32_data only", "float32 values in int32_data (ONNX keeps them in float_data or raw_data)")]
    [TestCase("data_location 2", "data_location 2 is none that ONNX defines (0 DEFAULT, 1 EXTERNAL)")]
    public void ATensorWhoseValueFieldsOnnxRefusesIsSkippedNamingThem(string edit, string said)
    {
        string folder = CopyTest("fields");
        string file = Path.Combine(Set(folder), "input_0.pb");
        var t = TensorProto.Parser.ParseFrom(File.ReadAllBytes(file));
        Assert.That(t.RawData.Length, Is.GreaterThan(0), "the conformance test keeps X in raw_data");
        float[] x = OnnxTensors.Floats(t, file);
        switch (edit)
        {
            case "float_data":
                t.FloatData.AddRange(x.Select(v => v + 1));
                break;
            case "float_data and double_data":
                t.FloatData.AddRange(x);
                t.DoubleData.AddRange(x.Select(v => (double)v));
                break;
            case "int32_data only":
                t.RawData = ByteString.Empty;
                t.Int32Data.AddRange(x.Select(v => (int)v));
                break;
            default:
                t.DataLocation = (TensorProto.Types.DataLocation)2;
                break;
        }
        File.WriteAllBytes(file, t.ToByteArray());
        var r = OnnxImport.Import([Good, folder], TempPath("pack"));
        Assert.That(r.Skipped.Single().Reason, Is.EqualTo($"{file}: {said}"));
        Assert.That(r.Imported.Single().Source, Is.EqualTo(Set(Good)));
    }

    [Test]
    public void AFolderNamedModelOnnxOrInputPbIsRefusedAsAFolderNotTakenForNoFile()
    {
        // A folder named model.onnx made "no model.onnx in it or below it"; one named input_0.pb "input number 1 where
        // input_0.pb was expected": each blamed a file that was missing, of a folder that visibly held one of that name.
        string model = CopyTest("model-folder");
        File.Delete(Path.Combine(model, "model.onnx"));
        Directory.CreateDirectory(Path.Combine(model, "model.onnx"));
        string input = CopyTest("input-folder");
        string pb = Path.Combine(Set(input), "input_0.pb");
        File.Delete(pb);
        Directory.CreateDirectory(pb);
        Assert.That(() => OnnxImport.Import([model, input], TempPath("pack")), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{model}, {input}: no importable single-node float32 Conv test (2 skipped)"
            + $"\n  {model}/model.onnx: cannot be read ({model}/model.onnx: is a folder, not a protobuf file)"
            + $"\n  {pb}: cannot be read ({pb}: is a folder, not a protobuf file)"));
    }
}
