using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// <c>verify-impl --dtype</c> and <c>--fill</c>: an implementation of one dtype or fill checks its part of a pack. Before
/// them it needed <c>--require any</c>, which also passed the directions of its own dtype it left out.
/// </summary>
public class VerifyImplSelectionTests : QuestionPackTest
{
    private CliResult Verify(params string[] extra) => Run(["verify-impl", "--pack", Pack, "--candidate", Candidate, .. extra]);

    // What an implementation of part of the pack writes: the folders of the other cases are not there.
    private void KeepOnly(Func<string, bool> keep)
    {
        foreach (string folder in Directory.GetDirectories(Candidate).Where(f => !keep(Path.GetFileName(f))))
            Directory.Delete(folder, recursive: true);
    }

    // docs/report-schema.md's selection_set_hash, computed as it says: each distinct id as a netstring, sorted bytewise.
    private static string SetHash(IEnumerable<string> ids) =>
        Convert.ToHexStringLower(SHA256.HashData([.. ids.Select(Encoding.UTF8.GetBytes).OrderBy(b => b, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)))
            .SelectMany(b => Encoding.UTF8.GetBytes($"{b.Length}:").Concat(b).Append((byte)','))]));

    [Test]
    public void OneDtypeIsCheckedAloneAndItsOwnMissingDirectionsStillFail()
    {
        KeepOnly(id => id.EndsWith("__f32_integer", StringComparison.Ordinal) || id.EndsWith("__f32_normal", StringComparison.Ordinal));
        var all = Verify();
        Assert.That(all.Code, Is.EqualTo(1), all.ToString());
        Assert.That(all.Out, Does.Contain("16 passed, 0 failed, 0 suspicious, 0 not in pack, 0 not provided by oracle, 32 not provided"));

        string json = TempPath("f32.json");
        var f32 = Verify("--dtype", "f32", "--json", json);
        Assert.That(f32.Code, Is.EqualTo(0), f32.ToString());
        Assert.That(f32.Out, Does.Contain("verify-impl: 4 cases, 16 directions: 16 passed, 0 failed, 0 suspicious, 0 not in pack, 0 not provided by oracle, 0 not provided"));
        Assert.That(f32.Out, Does.Not.Contain("warning"), "the pack's other cases are not run, and their absence is no stray");
        // Recorded as check records its selection: the selection is the cases run, before sharding.
        using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
        {
            var root = doc.RootElement;
            var ids = new[] { QuestionCase("f32", "integer"), QuestionCase("f32", "normal"), "mb1ic1ih4oc1oh2kh3ph0n_answer_matrix___f32_integer", "mb1ic1ih4oc1oh2kh3ph0n_answer_matrix___f32_normal" };
            Assert.That(root.GetProperty("selection_cases").GetInt32(), Is.EqualTo(4));
            Assert.That(root.GetProperty("selection_set_hash").GetString(), Is.EqualTo(SetHash(ids)));
            Assert.That(root.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("dtype").GetString()).Distinct(), Is.EqualTo(new[] { "f32" }));
        }

        // The direction --require any would have passed over is still missing from what was asked.
        File.Delete(Path.Combine(Candidate, QuestionCase("f32", "normal"), "dw.npy"));
        var missing = Verify("--dtype", "f32");
        Assert.That(missing.Code, Is.EqualTo(1), missing.ToString());
        Assert.That(missing.Out, Does.Contain("15 passed, 0 failed, 0 suspicious, 0 not in pack, 0 not provided by oracle, 1 not provided"));
        // numpy's names are read too, as check reads them.
        Assert.That(Verify("--dtype", "float32", "--require", "any").Out, Does.Contain("verify-impl: 4 cases, 16 directions"));
    }

    [Test]
    public void OneFillAndOneDtypeOfOneFillAreCheckedAlone()
    {
        KeepOnly(id => id.EndsWith("_integer", StringComparison.Ordinal));
        var integer = Verify("--fill", "integer");
        Assert.That(integer.Code, Is.EqualTo(0), integer.ToString());
        Assert.That(integer.Out, Does.Contain("verify-impl: 6 cases, 24 directions: 24 passed, 0 failed, 0 suspicious, 0 not in pack, 0 not provided by oracle, 0 not provided"));
        var both = Verify("--fill", "integer", "--dtype", "bf16");
        Assert.That(both.Code, Is.EqualTo(0), both.ToString());
        Assert.That(both.Out, Does.Contain("verify-impl: 2 cases, 8 directions: 8 passed"));
        Assert.That(Verify("--fill", "normal").Code, Is.EqualTo(1), "the normal fill's results were not written");
    }

    [Test]
    public void ShardsOfOtherDtypesAreShardsOfAnotherSelection()
    {
        string a = TempPath("a.json"), b = TempPath("b.json"), c = TempPath("c.json");
        Assert.That(Verify("--dtype", "f32", "--shard", "1/2", "--json", a).Code, Is.EqualTo(0));
        Assert.That(Verify("--dtype", "f32", "--shard", "2/2", "--json", b).Code, Is.EqualTo(0));
        Assert.That(Verify("--dtype", "f64", "--shard", "2/2", "--json", c).Code, Is.EqualTo(0));
        var merged = Run("report", "merge", a, b);
        Assert.That(merged.Code, Is.EqualTo(0), merged.ToString());
        Assert.That(merged.Out, Does.Contain("4 cases, 16 directions: 16 passed"));
        var mixed = Run("report", "merge", a, c);
        Assert.That(mixed.Code, Is.EqualTo(2), mixed.ToString());
        Assert.That(mixed.Err, Does.Contain($"{c}: shard of another selection").And.Contain("another pack, or other cases of it (--max-macs, --dtype or --fill)"));
    }

    [TestCase("--dtype", "f8", "--dtype: expected f32 or f64 or bf16 or f16, got 'f8'")]
    [TestCase("--dtype", "F32", "--dtype: expected f32 or f64 or bf16 or f16, got 'F32'")]
    [TestCase("--fill", "both", "--fill: expected integer or normal, got 'both'")]
    public void ValuesAreReadAsCheckReadsThem(string option, string value, string message)
    {
        var r = Verify(option, value);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.StartWith($"convverify: {message}\n"), r.ToString());
        Assert.That(r.Out, Is.Empty, "refused before the pack is read");
        var check = Run("check", "--pack", Pack, option, value);
        Assert.That(check.Err, Does.StartWith($"convverify: {message}\n"), "the same words as check's: " + check);
    }

    [Test]
    public void ADtypeThePackHoldsNoneOfIsRefusedAsCheckRefusesIt()
    {
        var r = Verify("--dtype", "f16");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Is.EqualTo($"convverify: --dtype f16: {Pack} holds no float16 cases (only f32, f64, bf16)\n"));
    }

    private static readonly ConvProblem Small = BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3");

    // A pack of the given cases, computed by the naive engine, and a candidate of its own results.
    private (string Pack, string Candidate) PackOf(string name, params ConvCase[] cases)
    {
        string pack = TempPath(name);
        FixtureGenerator.Generate(pack, cases, new EngineOracle(ConvEngines.Naive), force: false);
        return (pack, CandidateFromPack(pack, name + "-candidate"));
    }

    [Test]
    public void AFillThePackHoldsNoneOfAndADtypeNotOfTheFillAreRefused()
    {
        var (pack, candidate) = PackOf("mixed",
            ConvCase.Create(Small, Fill.Normal, 1) with { Id = "a" },
            ConvCase.Create(Small.WithDType(DType.Float64), Fill.Integer, 1) with { Id = "b" });
        var r = Run("verify-impl", "--pack", pack, "--candidate", candidate, "--dtype", "f32", "--fill", "integer");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Is.EqualTo($"convverify: --dtype f32 --fill integer: {pack} holds float32 cases and integer-fill cases, but no float32 case of the integer fill\n"));
        Assert.That(Run("verify-impl", "--pack", pack, "--candidate", candidate, "--dtype", "f64", "--fill", "integer").Code, Is.EqualTo(0));

        var (integer, integerCandidate) = PackOf("integer", ConvCase.Create(Small, Fill.Integer, 1) with { Id = "c" });
        r = Run("verify-impl", "--pack", integer, "--candidate", integerCandidate, "--fill", "normal");
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Is.EqualTo($"convverify: --fill normal: {integer} holds no normal-fill cases (only integer)\n"));
    }
}
