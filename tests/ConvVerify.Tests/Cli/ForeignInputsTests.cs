using ConvVerify.Comparison;
using ConvVerify.Fixtures;
using ConvVerify.Runs;
using Google.Protobuf;
using Onnx;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// A pack imported from ONNX holds ONNX's floats, not ConvVerify's normal fill, so its cases are judged by the sound bound
/// (docs/fixture-format.md, "Packs imported from ONNX"): the probabilistic tier, which models the fill's independent
/// terms, called a correctly computed sum that cancels suspicious, the default engine against its own pack included.
/// </summary>
public class ForeignInputsTests : CliTestBase
{
    private const int Small = 2000;

    // A 1x1 Conv summing 1e8, 2000 values of 3.9 and -1e8 over its input channels, w all ones: the exact sum is 7800.0002,
    // a float32 sum in order loses every 3.9 against 1e8 (its ulp is 8) and gives 0, 0.16 of the sound bound.
    private string CancellingOnnxTest()
    {
        string test = TempPath("cancel");
        string set = Path.Combine(test, "test_data_set_0");
        Directory.CreateDirectory(set);
        int c = Small + 2;
        float[] x = [1e8f, .. Enumerable.Repeat(3.9f, Small), -1e8f];
        float y = (float)x.Sum(v => (double)v);
        static TensorProto Tensor(string name, long[] dims, float[] values) =>
            new() { Name = name, DataType = (int)TensorProto.Types.DataType.Float, Dims = { dims }, FloatData = { values } };
        static ValueInfoProto Value(string name) =>
            new() { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } };
        var graph = new GraphProto
        {
            Name = "g",
            Node = { new NodeProto { OpType = "Conv", Input = { "x", "w" }, Output = { "y" } } },
            Input = { Value("x"), Value("w") },
            Output = { Value("y") },
        };
        var model = new ModelProto { IrVersion = 8, Graph = graph, OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 11 } } };
        File.WriteAllBytes(Path.Combine(test, "model.onnx"), model.ToByteArray());
        File.WriteAllBytes(Path.Combine(set, "input_0.pb"), Tensor("x", [1, c, 1, 1], x).ToByteArray());
        File.WriteAllBytes(Path.Combine(set, "input_1.pb"), Tensor("w", [1, c, 1, 1], [.. Enumerable.Repeat(1f, c)]).ToByteArray());
        File.WriteAllBytes(Path.Combine(set, "output_0.pb"), Tensor("y", [1, 1, 1, 1], [y]).ToByteArray());
        return test;
    }

    private string ImportedPack()
    {
        string pack = TempPath("onnx");
        var r = Run("fixtures", "import-onnx", CancellingOnnxTest(), "--out", pack);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        return pack;
    }

    [Test]
    public void TheEngineIsJudgedByTheSoundBoundAgainstItsOwnImportedPack()
    {
        string pack = ImportedPack();
        string json = TempPath("r.json");
        var r = Run("check", "--pack", pack, "--json", json);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        var y = RunReport.Read(json).Rows.Single(row => row.Direction == "y");
        Assert.That(y.Outcome, Is.EqualTo(Outcome.Pass), r.ToString());
        Assert.That(y.Tolerance, Is.EqualTo(Tolerance.SoundBound), "the row records the rule used");
    }

    [Test]
    public void ACaseMadeAnewForAnImportedPacksIdIsRefusedNotJudgedAsOurFill()
    {
        // The review: Read(ConvCase) compared problem, fill and seed only, so ConvCase.Create for an imported case's id
        // read the ONNX data under a case that claims ConvVerify's fill, and the default rule gave it the probabilistic tier.
        var pack = FixturePack.Open(ImportedPack());
        var onFile = pack.ReadCase(pack.CaseIds.Single());
        Assert.That(onFile.ForeignInputs, Is.True);
        var ours = onFile with { ForeignInputs = false };
        Assert.That(() => pack.Read<float>(ours), Throws.ArgumentException.With.Message.Contains("inputs not ConvVerify's fill").And.Message.Contains("read it with ReadCase"));
        Assert.That(pack.Read<float>(onFile with { }).Case.ForeignInputs, Is.True, "a copy of the pack's own case is read");
    }

    [Test]
    public void AFloat32LoopPassesAndAnExplicitProbabilisticTierIsWarnedOfNotApplied()
    {
        string pack = ImportedPack();
        string id = Manifest.Read(Path.Combine(pack, "manifest.json")).Cases.Single();
        string candidate = TempPath("candidate");
        Directory.CreateDirectory(Path.Combine(candidate, id));
        float sum = 0;
        foreach (float v in new[] { 1e8f }.Concat(Enumerable.Repeat(3.9f, Small)).Append(-1e8f)) sum += v;
        Assert.That(sum, Is.Zero, "the candidate's float32 loop loses the small terms");
        Npy.Write(Path.Combine(candidate, id, "y.npy"), [1, 1, 1, 1], new[] { sum });

        var plain = Run("verify-impl", "--pack", pack, "--candidate", candidate, "--require", "any");
        Assert.That(plain.Code, Is.EqualTo(0), plain.ToString());
        Assert.That(plain.All, Does.Not.Contain("warning"), plain.ToString());

        string json = TempPath("r.json");
        var asked = Run("verify-impl", "--pack", pack, "--candidate", candidate, "--require", "any", "--tolerance", "probabilistic", "--json", json);
        Assert.That(asked.Code, Is.EqualTo(0), asked.ToString());
        const string Warning = "--tolerance probabilistic: 1 case holds inputs that are not ConvVerify's fill (imported from ONNX, or a hand-made pack's own fill); "
            + "the probabilistic tier models that fill only, so they are compared within the sound bound";
        var report = RunReport.Read(json);
        Assert.That(report.Warnings, Is.EqualTo(new[] { Warning }), asked.ToString());
        Assert.That(report.Rows.Single(row => row.Direction == "y").Tolerance, Is.EqualTo(Tolerance.SoundBound));

        var strict = Run("verify-impl", "--pack", pack, "--candidate", candidate, "--require", "any", "--tolerance", "probabilistic", "--strict");
        Assert.That(strict.Code, Is.EqualTo(2), strict.ToString());
    }
}
