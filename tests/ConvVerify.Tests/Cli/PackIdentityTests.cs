using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ConvVerify.Fixtures;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// A pack is recorded in a report by the sha256 of its manifest.json, and <c>report merge</c> refuses shards that read
/// other contents at the same folder; a result file of a pack that is the oracle and fails its sha256 is no expected
/// value (the probe's repros).
/// </summary>
public class PackIdentityTests : CliTestBase
{
    private static string Sha256Of(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    // The probe's pack2: one y value changed, one dw removed, the manifest rehashed (so the pack is whole, only other).
    private static void Regenerate(string pack)
    {
        string id = QuestionCase("f32", "integer"), other = QuestionCase("f64", "integer");
        string y = Bump(pack, id, "y", [1, 16, 3, 3], 40);
        File.Delete(Path.Combine(pack, other, "dw.npy"));
        string path = Path.Combine(pack, "manifest.json");
        var m = Manifest.Read(path);
        var files = new SortedDictionary<string, string>(m.Files, StringComparer.Ordinal) { [$"{id}/y.npy"] = Manifest.Sha256(y) };
        files.Remove($"{other}/dw.npy");
        (m with { Files = files }).Write(path);
    }

    private static JsonObject PackOf(string report) =>
        JsonNode.Parse(File.ReadAllText(report))!["references"]![0]!["packs"]!.AsArray().Single()!.AsObject();

    [Test]
    public void CheckShardsOfAPackChangedBetweenThemAreNotMerged()
    {
        string px = CopyCommittedPack("question", "px");
        string s1 = TempPath("px1.json"), s2 = TempPath("px2.json");
        Run("check", "--pack", px, "--shard", "1/2", "--json", s1);
        string before = Sha256Of(Path.Combine(px, "manifest.json"));
        Regenerate(px);
        string after = Sha256Of(Path.Combine(px, "manifest.json"));
        Assert.That(FixturePack.Open(px).CheckIntegrity(), Is.Empty, "the regenerated pack is whole");
        Run("check", "--pack", px, "--shard", "2/2", "--json", s2);
        Assert.That(PackOf(s1).ToJsonString(), Is.EqualTo(new JsonObject { ["folder"] = px, ["manifest_sha256"] = before }.ToJsonString()));
        Assert.That((string?)PackOf(s2)["manifest_sha256"], Is.EqualTo(after));

        var r = Run("report", "merge", s1, s2);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err.Trim(), Is.EqualTo($"convverify: report merge: {s2}: read the pack {px} with manifest.json sha256 {after}, but {s1} read the pack {px} with manifest.json sha256 {before}: "
            + "the pack changed between the shards (regenerated, or edited and its manifest rehashed), so they were judged against other results; run every shard against one pack"), r.ToString());
    }

    [Test]
    public void VerifyImplShardsOfAPackChangedBetweenThemAreNotMerged()
    {
        string pack = CopyCommittedPack("question");
        string candidate = CandidateFromPack(pack);
        string s1 = TempPath("s1.json"), s2 = TempPath("s2.json");
        Run("verify-impl", "--pack", pack, "--candidate", candidate, "--shard", "1/2", "--json", s1);
        string before = Sha256Of(Path.Combine(pack, "manifest.json"));
        Regenerate(pack);
        Run("verify-impl", "--pack", pack, "--candidate", candidate, "--shard", "2/2", "--json", s2);
        var r = Run("report", "merge", s1, s2);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain($"{s2}: read the pack {pack} with manifest.json sha256 {Sha256Of(Path.Combine(pack, "manifest.json"))}, but {s1} read the pack {pack} with manifest.json sha256 {before}: "), r.ToString());
    }

    [Test]
    public void ShardsOfOnePackStillMerge()
    {
        string pack = CopyCommittedPack("question");
        string s1 = TempPath("s1.json"), s2 = TempPath("s2.json");
        Run("check", "--pack", pack, "--shard", "1/2", "--json", s1);
        Run("check", "--pack", pack, "--shard", "2/2", "--json", s2);
        string merged = TempPath("merged.json");
        var r = Run("report", "merge", s1, s2, "--json", merged);
        Assert.That((r.Code, r.Err), Is.EqualTo((0, "")), r.ToString());
        Assert.That((string?)PackOf(merged)["manifest_sha256"], Is.EqualTo(Sha256Of(Path.Combine(pack, "manifest.json"))));
    }

    [Test]
    public void AShardWithoutThePacksIdentityIsNotMergedWithOneWithIt()
    {
        string pack = CopyCommittedPack("question");
        string s1 = TempPath("s1.json"), s2 = TempPath("s2.json");
        Run("check", "--pack", pack, "--shard", "1/2", "--json", s1);
        Run("check", "--pack", pack, "--shard", "2/2", "--json", s2);
        var json = JsonNode.Parse(File.ReadAllText(s2))!;
        json["references"]![0]!.AsObject().Remove("packs");
        File.WriteAllText(s2, json.ToJsonString());
        var r = Run("report", "merge", s1, s2);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain($"{s2}: records no manifest sha256 of the packs of pack {pack} (torch) (a report from before it was recorded, 2026-12-02), but {s1} does"), r.ToString());
    }

    [TestCase("\"0123\"", "references[0].packs[0].manifest_sha256 is \"0123\", not a SHA-256 (64 lower-case hex digits), or absent for a pack without manifest.json")]
    [TestCase("null", "references[0].packs[0] is null")]
    public void APackIdentityNoWriterWritesIsRefused(string edit, string why)
    {
        string pack = CopyCommittedPack("question");
        string report = TempPath("r.json");
        Run("check", "--pack", pack, "--json", report);
        var json = JsonNode.Parse(File.ReadAllText(report))!;
        var packs = json["references"]![0]!["packs"]!.AsArray();
        if (edit == "null") packs[0] = null;
        else packs[0]!["manifest_sha256"] = JsonNode.Parse(edit);
        File.WriteAllText(report, json.ToJsonString());
        var r = Run("report", "merge", report);
        Assert.That(r.Err.Trim(), Is.EqualTo($"convverify: {report}: not a ConvVerify report ({why})"), r.ToString());
    }

    [Test]
    public void TheSubjectReadsNoPack()
    {
        string pack = CopyCommittedPack("question");
        string report = TempPath("r.json");
        Run("check", "--pack", pack, "--json", report);
        var json = JsonNode.Parse(File.ReadAllText(report))!;
        json["subject"]!["packs"] = json["references"]![0]!["packs"]!.DeepClone();
        File.WriteAllText(report, json.ToJsonString());
        Assert.That(Run("report", "merge", report).Err.Trim(), Is.EqualTo($"convverify: {report}: not a ConvVerify report "
            + "(subject.packs is given, but the subject checked reads no pack: packs are recorded of the references that read them)"));
    }

    [Test]
    public void ACorruptResultFileOfThePackAsOracleIsNotCompared()
    {
        // The probe: a byte of dx's data changed, its hash left as it was. The file's row said so, and the dx was also
        // compared with the corrupt values and its FAIL blamed on the engine.
        string pack = CopyCommittedPack("question");
        string id = QuestionCase("f32", "normal");
        string dx = Path.Combine(pack, id, "dx.npy");
        byte[] bytes = File.ReadAllBytes(dx);
        bytes[^1] ^= 0x40; // the last float32's sign-and-exponent byte: a value far from the engine's
        File.WriteAllBytes(dx, bytes);
        string json = TempPath("r.json");
        var r = Run("check", "--pack", pack, "--json", json);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        var report = RunReport.Read(json);
        var file = report.Rows.Single(x => x.Case == Plans.PackCase);
        Assert.Multiple(() =>
        {
            Assert.That((file.Outcome, file.Cause, file.Reason), Is.EqualTo((Outcome.Error, (ErrorCause?)ErrorCause.Input, $"corrupt: {dx}: sha256 differs from the manifest (corrupt or changed)")));
            Assert.That(report.Rows.Where(x => x.Case == id).Select(x => x.Direction), Is.EqualTo(new[] { "y", "dw", "db" }), "dx left out of its case");
            Assert.That(report.Rows.Where(x => x.Case != Plans.PackCase).Select(x => x.Outcome).Distinct(), Is.EqualTo(new[] { Outcome.Pass }));
            Assert.That(report.CaseDirections, Is.EqualTo(new SortedDictionary<string, List<string>>(StringComparer.Ordinal) { [id] = ["y", "dw", "db"] }));
            Assert.That(report.Summary.Reasons, Is.EqualTo(new[] { "1 file of the pack fails its manifest's sha256 or is missing" }));
            Assert.That(report.DirectionsSelected, Is.False, "the file's row says why dx was left out, not a selection");
        });
        // Where the pack is what is checked (fixtures check), its corrupt file is still compared, to show which directions
        // the corruption breaks: PackFileRowTests.TheSummaryCountsThePacksFilesApartFromTheDirections.
    }
}
