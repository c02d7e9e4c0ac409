using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Problems;
using ConvVerify.Oracles;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Runs;

/// <summary>
/// The selection's, the report reader's, the runner's and the oracle registry's refusals, each with the exact words:
/// they reach users as one line after "convverify: ", so the line must name the option and the value.
/// </summary>
public class SelectionRefusalTests : TempFolderTest
{
    private static string Refusal(string? set = null, string? batch = null, string[]? descriptors = null, string? dtype = null, string? fill = null,
        int? random = null, int? mb = null, long? maxMacs = null) =>
        Assert.Catch<ArgumentException>(() => CaseSelection.Resolve(set, batch, descriptors ?? [], dtype, fill, "question", random, mb: mb, maxMacs: maxMacs))!.Message;

    [Test]
    public void TwoSourcesAtOnceAreRefused()
    {
        const string Message = "give only one of --set, --batch, --random, --random-index and descriptors";
        Assert.That(Refusal(set: "basic", descriptors: ["mb1ic1ih4oc1kh3"]), Is.EqualTo(Message));
        Assert.That(Refusal(set: "basic", batch: "b.txt"), Is.EqualTo(Message));
        Assert.That(Refusal(batch: "b.txt", random: 2), Is.EqualTo(Message));
        Assert.That(Refusal(random: 2, descriptors: ["mb1ic1ih4oc1kh3"]), Is.EqualTo(Message));
        // One source and the default set: fine.
        Assert.That(CaseSelection.Resolve("basic", null, [], null, null, "question").Source, Is.EqualTo("basic"));
        Assert.That(CaseSelection.Resolve(null, null, [], null, null, "question").Source, Is.EqualTo("question"));
    }

    [Test]
    public void LimitsBelowOneNameTheOptionAndTheValue()
    {
        Assert.That(Refusal(mb: 0), Is.EqualTo("--mb: the minibatch must be at least 1, got 0"));
        Assert.That(Refusal(maxMacs: 0), Is.EqualTo("--max-macs: the limit must be at least 1, got 0"));
        Assert.That(Refusal(maxMacs: -5), Is.EqualTo("--max-macs: the limit must be at least 1, got -5"));
        Assert.That(Refusal(random: 0), Is.EqualTo("--random: the number of problems must be at least 1, got 0"));
        // The limits themselves are allowed.
        Assert.That(CaseSelection.Resolve(null, null, ["mb1ic1ih4oc1kh3"], null, null, "question", mb: 1, maxMacs: 1).Listing, Has.Count.EqualTo(1));
        Assert.That(CaseSelection.Resolve(null, null, [], null, null, "question", random: 1).Problems, Has.Count.EqualTo(1));
    }

    [Test]
    public void UnknownDTypesAndFillsListWhatIsKnown()
    {
        Assert.That(Refusal(dtype: "f8"), Is.EqualTo("--dtype: expected f32 or f64 or bf16 or f16, got 'f8'"));
        Assert.That(Refusal(fill: "uniform"), Is.EqualTo("--fill: expected integer or normal, got 'uniform'"));
    }

    [Test]
    public void AMissingBatchFileIsNamed()
    {
        string missing = Path.Combine(Dir, "nope.txt");
        Assert.That(Refusal(batch: missing), Is.EqualTo($"--batch: file not found: {missing}"));
    }

    [Test]
    public void AReportFileThatIsNotAReportSaysWhatItIs()
    {
        string nullJson = Path.Combine(Dir, "null.json"), other = Path.Combine(Dir, "other.json"), broken = Path.Combine(Dir, "broken.json");
        File.WriteAllText(nullJson, "null");
        // A whole report of a run, under another schema's name.
        var small = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3"), Fill.Integer);
        Runner.Run(new RunPlan
        {
            Command = "check", Cases = [new CaseEntry(small)], References = [new OracleSource(new EngineOracle(ConvEngines.Naive))], Subject = new EngineSource(ConvEngines.Exact),
        }).Write(other);
        File.WriteAllText(other, File.ReadAllText(other).Replace($"\"{RunReport.SchemaId}\"", "\"someone-else/2\"", StringComparison.Ordinal));
        File.WriteAllText(broken, "{\"schema\": ");
        Assert.That(() => RunReport.Read(nullJson), Throws.TypeOf<InvalidDataException>().With.Message.EqualTo($"{nullJson}: not a ConvVerify report (the file must hold one JSON object, got null)"));
        Assert.That(() => RunReport.Read(other), Throws.TypeOf<InvalidDataException>().With.Message.EqualTo(
            $"{other}: schema is \"someone-else/2\", this reader knows \"{RunReport.SchemaId}\""));
        Assert.That(() => RunReport.Read(broken), Throws.TypeOf<InvalidDataException>().With.Message.StartsWith($"{broken}: not a ConvVerify report ("));
    }

    [Test]
    public void APlanWithoutReferencesIsAProgrammingError()
    {
        var plan = new RunPlan { Command = "check", Cases = [], References = [], Subject = new EngineSource(ConvEngines.Naive) };
        Assert.That(() => Runner.Run(plan), Throws.ArgumentException.With.Message.StartsWith("plan: at least one reference is needed").And.Property("ParamName").EqualTo("plan"));
    }
}
