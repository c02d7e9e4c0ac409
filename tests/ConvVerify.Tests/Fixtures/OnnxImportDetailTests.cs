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
    public void ACallerThatCheckedTheOutputApartIsNotCheckedAgain()
    {
        // The command line refuses such an --out in its own words before the import; the import then does not look again.
        string parent = TempPath("sources");
        CopyDirectory(Good, Path.Combine(parent, "a_conv"));
        string inside = Path.Combine(parent, "pack");
        Assert.That(() => OnnxImport.Import([parent], inside), Throws.TypeOf<FixtureException>(), "unchecked, the import checks");
        Assert.That(OnnxImport.Import([parent], inside, apartChecked: true).Imported, Has.Count.EqualTo(1));
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
        Assert.That(r.Skipped.Single().Reason, Is.EqualTo($"{folder}/model.onnx initializer 'B': B has shape (2), expected (1)"));
    }
}
