using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;

using ConvVerify.Tests.Runs;

namespace ConvVerify.Tests.Fixtures;

/// <summary>Pack format round trips and integrity errors, on packs made here with the naive implementation as the oracle.</summary>
public class PackTests
{
    private string _dir = "";

    [SetUp]
    public void MakePack()
    {
        _dir = Path.Combine(Path.GetTempPath(), "convverify-pack-" + Guid.NewGuid().ToString("N"));
        var problems = new[] { BenchdnnDescriptor.Parse("mb1ic2ih5oc3oh3kh3n\"a\""), BenchdnnDescriptor.Parse("mb2ic2iw8oc2ow4kw1sw2pw0", hasBias: false) };
        var cases = ConvCase.Expand(problems, [DType.Float32, DType.Float64], [Fill.Integer, Fill.Normal]);
        FixtureGenerator.Generate(_dir, cases, new EngineOracle(ConvEngines.Naive), force: false);
    }

    [TearDown]
    public void RemovePack()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private string FirstCase(string fragment) => FixturePack.Open(_dir).CaseIds.First(id => id.Contains(fragment, StringComparison.Ordinal));

    [Test]
    public void RoundTripKeepsCaseInputsAndResultsBitwise()
    {
        var pack = FixturePack.Open(_dir);
        Assert.That(pack.CaseIds, Has.Count.EqualTo(8));
        Assert.That(pack.CheckIntegrity(), Is.Empty);
        foreach (string id in pack.CaseIds)
        {
            var c = pack.ReadCase(id);
            Assert.That(c.Id, Is.EqualTo(id));
            if (c.Problem.DType == DType.Float32) Same<float>(pack, id, c);
            else Same<double>(pack, id, c);
        }
    }

    private static void Same<T>(FixturePack pack, string id, ConvCase c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var read = pack.Read<T>(id);
        var inputs = c.MakeInputs<T>();
        var results = ConvVerify.Tests.Runs.Check.Naive(c.Problem, inputs);
        Assert.That(read.Inputs.X, Is.EqualTo(inputs.X));
        Assert.That(read.Inputs.Dy, Is.EqualTo(inputs.Dy));
        Assert.That(read.Expected, Has.Count.EqualTo(c.Problem.HasBias ? 4 : 3));
        foreach (var (d, values) in read.Expected) Assert.That(values, Is.EqualTo(results.Get(d)), $"{id} {d}");
    }

    [Test]
    public void NonEmptyFolderIsNotOverwrittenWithoutForce()
    {
        var e = Assert.Throws<FixtureException>(() => new PackWriter(_dir, force: false));
        Assert.That(e!.Message, Does.EndWith(": holds a fixture pack; pass --force to replace it"));
        Assert.DoesNotThrow(() => new PackWriter(_dir, force: true));
        Assert.That(Directory.EnumerateFileSystemEntries(_dir), Is.Empty);
    }

    [Test]
    public void CorruptFileFailsIntegrityNamingIt()
    {
        string id = FirstCase("f32_normal");
        string path = Path.Combine(_dir, id, "dw.npy");
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.That(FixturePack.Open(_dir).CheckIntegrity(), Is.EqualTo(new[] { $"{path}: sha256 differs from the manifest (corrupt or changed)" }));
    }

    [Test]
    public void MissingFileFailsIntegrityAndReading()
    {
        string id = FirstCase("f64_integer");
        string path = Path.Combine(_dir, id, "x.npy");
        File.Delete(path);
        var pack = FixturePack.Open(_dir);
        Assert.That(pack.CheckIntegrity(), Has.Some.EqualTo($"{path}: listed in the manifest but missing"));
        var e = Assert.Throws<FixtureException>(() => pack.Read<double>(id));
        Assert.That(e!.Message, Is.EqualTo($"{path}: file not found"));
    }

    [Test]
    public void TruncatedFileIsNamed()
    {
        string id = FirstCase("f32_integer");
        string path = Path.Combine(_dir, id, "y.npy");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^3]);
        var p = FixturePack.Open(_dir).ReadCase(id).Problem;
        var e = Assert.Throws<FixtureException>(() => FixturePack.Open(_dir).Read<float>(id));
        // The bytes the shape needs, counted: "needs more than 1727 data bytes, the file has 1727" said no more than that
        // the file was short.
        Assert.That(e!.Message, Is.EqualTo($"{path}: not a readable .npy file (truncated: shape ({string.Join(", ", p.YShape)}) of float32 "
            + $"needs {p.YSize * 4} data bytes, the file has {p.YSize * 4 - 3})"));
    }

    [Test]
    public void WrongDtypeIsNamed()
    {
        string id = FirstCase("f32_integer");
        string path = Path.Combine(_dir, id, "w.npy");
        var p = FixturePack.Open(_dir).ReadCase(id).Problem;
        Npy.Write(path, p.WShape, new double[p.WSize]);
        var e = Assert.Throws<FixtureException>(() => FixturePack.Open(_dir).Read<float>(id));
        Assert.That(e!.Message, Is.EqualTo($"{path}: dtype is float64, expected float32"));
    }

    [Test]
    public void WrongShapeIsNamed()
    {
        string id = FirstCase("f64_normal");
        string path = Path.Combine(_dir, id, "dy.npy");
        var p = FixturePack.Open(_dir).ReadCase(id).Problem;
        Npy.Write(path, [p.YSize], new double[p.YSize]);
        var e = Assert.Throws<FixtureException>(() => FixturePack.Open(_dir).Read<double>(id));
        // The file's one extent written as numpy writes a 1-tuple: the probe saw "shape is (432), expected (2, 6, 6, 6)".
        Assert.That(e!.Message, Is.EqualTo($"{path}: shape is ({p.YSize},), expected ({string.Join(", ", p.YShape)})"));
    }

    [Test]
    public void GarbageAndBadCaseJsonAreNamed()
    {
        string id = FirstCase("f64_normal");
        string npy = Path.Combine(_dir, id, "x.npy");
        File.WriteAllText(npy, "not numpy at all");
        Assert.That(Assert.Throws<FixtureException>(() => FixturePack.Open(_dir).Read<double>(id))!.Message, Does.StartWith($"{npy}: not a .npy file"));
        string json = Path.Combine(_dir, id, "case.json");
        File.WriteAllText(json, File.ReadAllText(json).Replace("\"float64\"", "\"float8\"", StringComparison.Ordinal));
        Assert.That(Assert.Throws<FixtureException>(() => FixturePack.Open(_dir).ReadCase(id))!.Message, Is.EqualTo($"{json}: dtype must be \"float32\", \"float64\", \"bfloat16\" or \"float16\", got \"float8\""));
        File.WriteAllText(json, "{ \"id\": ");
        Assert.That(Assert.Throws<FixtureException>(() => FixturePack.Open(_dir).ReadCase(id))!.Message, Does.StartWith($"{json}: not a valid case.json"));
    }

    private string ManifestPath => Path.Combine(_dir, "manifest.json");

    private void EditManifest(string from, string to)
    {
        string text = File.ReadAllText(ManifestPath);
        Assert.That(text, Does.Contain(from));
        File.WriteAllText(ManifestPath, text.Replace(from, to, StringComparison.Ordinal));
    }

    [Test]
    public void ManifestHashIsSha256OfItsBytesWithTheValueZeroed()
    {
        // The documented recipe, done here with a regex rather than the reader's byte search.
        string text = File.ReadAllText(ManifestPath);
        var m = System.Text.RegularExpressions.Regex.Match(text, "\"manifest-sha256\": \"([0-9a-f]{64})\"");
        Assert.That(m.Success, text);
        string zeroed = text.Remove(m.Groups[1].Index, 64).Insert(m.Groups[1].Index, new string('0', 64));
        string expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(zeroed)));
        Assert.That(m.Groups[1].Value, Is.EqualTo(expected));
        Assert.That(text, Does.Contain("\"format\": \"convverify-fixtures/2\""));
        Assert.That(FixturePack.Open(_dir).Warnings, Is.Empty);
    }

    [Test]
    public void AnEditedCreatedTimeFailsIntegrityNamingTheManifest()
    {
        var created = FixturePack.Open(_dir).Manifest!.Created;
        EditManifest($"\"created\": \"{created}\"", $"\"created\": \"{created.Replace('2', '3')}\"");
        Assert.That(FixturePack.Open(_dir).CheckIntegrity(),
            Is.EqualTo(new[] { $"{ManifestPath}: its \"manifest-sha256\" does not match its own bytes (corrupt or edited)" }));
    }

    [Test]
    public void ReindentedManifestFailsIntegrity()
    {
        EditManifest("\n  \"cases\"", "\n   \"cases\"");
        Assert.That(FixturePack.Open(_dir).CheckIntegrity().Single(), Does.Contain("does not match its own bytes"));
    }

    [Test]
    public void Format2WithoutItsSelfHashIsUnreadable()
    {
        // Format 2 must refuse, not skip the check: the key left out, or its name corrupted (a key the reader does not know).
        string text = File.ReadAllText(ManifestPath);
        File.WriteAllText(ManifestPath, System.Text.RegularExpressions.Regex.Replace(text, ",\\n  \"manifest-sha256\": \"[0-9a-f]{64}\"", ""));
        var e = Assert.Throws<FixtureException>(() => FixturePack.Open(_dir));
        Assert.That(e!.Message, Is.EqualTo($"{ManifestPath}: format \"convverify-fixtures/2\" requires \"manifest-sha256\", which is missing"));
        File.WriteAllText(ManifestPath, text.Replace("\"manifest-sha256\"", "\"manifest-sha257\"", StringComparison.Ordinal));
        Assert.That(() => FixturePack.Open(_dir), Throws.TypeOf<FixtureException>().With.Message.StartsWith($"{ManifestPath}: not a valid manifest.json (unknown key \"manifest-sha257\""));
    }

    [Test]
    public void Format1ManifestIsStillReadWithAWarning()
    {
        string text = File.ReadAllText(ManifestPath);
        text = System.Text.RegularExpressions.Regex.Replace(text, ",\\n  \"manifest-sha256\": \"[0-9a-f]{64}\"", "");
        File.WriteAllText(ManifestPath, text.Replace("convverify-fixtures/2", "convverify-fixtures/1", StringComparison.Ordinal));
        var pack = FixturePack.Open(_dir);
        Assert.That(pack.Manifest!.SelfSha256, Is.Null);
        Assert.That(pack.CheckIntegrity(), Is.Empty);
        Assert.That(pack.Warnings.Single(), Does.Contain("carries no hash of the manifest itself"));
    }

    [Test]
    public void UnknownFormatIsNamed()
    {
        EditManifest("convverify-fixtures/2", "convverify-fixtures/9");
        Assert.That(Assert.Throws<FixtureException>(() => FixturePack.Open(_dir))!.Message,
            Does.Contain("format is \"convverify-fixtures/9\""));
    }

    [Test]
    public void PackWithoutManifestIsReadWithAWarning()
    {
        File.Delete(Path.Combine(_dir, "manifest.json"));
        var pack = FixturePack.Open(_dir);
        Assert.That(pack.CaseIds, Has.Count.EqualTo(8));
        // By name, ordinal, whatever order the folder lists them in: the case ids a run works through and reports.
        Assert.That(pack.CaseIds, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(pack.Warnings.Single(), Does.Contain("no manifest.json"));
    }

    [Test]
    public void MissingFolderIsNamed()
    {
        string missing = _dir + "-nope";
        Assert.That(Assert.Throws<FixtureException>(() => FixturePack.Open(missing))!.Message, Is.EqualTo($"{missing}: pack folder not found"));
    }

    [Test]
    public void IntegerFillStaysExactlyRepresentable()
    {
        // The largest committed-style case must keep every partial sum below 2^24 in float32.
        var p = BenchdnnDescriptor.Parse("mb2ic64ih16oc64oh16kh3ph1");
        var inputs = Inputs.Generate<float>(p, Fill.Integer, 1);
        long bound = inputs.X.Concat(inputs.W).Max(v => (long)Math.Abs(v)) * inputs.X.Concat(inputs.W).Max(v => (long)Math.Abs(v)) * 64 * 9;
        Assert.That(bound, Is.LessThan(1L << 24));
        Assert.That(inputs.X.All(v => v == MathF.Round(v)), Is.True);
        var huge = BenchdnnDescriptor.Parse("mb1ic4096ih64oc1oh64kh65ph32");
        var e = Assert.Throws<ArgumentException>(() => Inputs.Generate<float>(huge, Fill.Integer, 1));
        Assert.That(e!.Message, Does.Contain("too large for the integer fill"));
    }

    [Test]
    public void ACaseIsKnownByItsFolderNameInAHandMadePack()
    {
        string id = FirstCase("f32_integer");
        File.Delete(Path.Combine(_dir, "manifest.json"));
        string renamed = Path.Combine(_dir, "case1");
        Directory.Move(Path.Combine(_dir, id), renamed);
        var pack = FixturePack.Open(_dir);
        Assert.That(pack.CaseIds, Does.Contain("case1"));
        var read = pack.Read<float>("case1");
        Assert.That(read.Case.Id, Is.EqualTo("case1"));
        Assert.That(ConvVerify.Tests.Runs.Check.AgainstPack(pack, "case1").Select(r => (r.Case, r.Outcome)),
            Is.All.EqualTo(("case1", ConvVerify.Runs.Outcome.Pass)));
    }

    [Test]
    public void NullOrShortArraysInCaseJsonAreNamed()
    {
        string id = FirstCase("f64_integer");
        string json = Path.Combine(_dir, id, "case.json");
        string text = File.ReadAllText(json);
        var stride = System.Text.RegularExpressions.Regex.Match(text, "\"stride\": \\[[^\\]]*\\]").Value;
        Assert.That(stride, Is.Not.Empty);
        File.WriteAllText(json, text.Replace(stride, "\"stride\": null", StringComparison.Ordinal));
        Assert.That(Assert.Throws<FixtureException>(() => FixturePack.Open(_dir).ReadCase(id))!.Message, Is.EqualTo($"{json}: stride is missing or null"));
        File.WriteAllText(json, text.Replace(stride, "\"stride\": [1, 1, 1]", StringComparison.Ordinal));
        Assert.That(Assert.Throws<FixtureException>(() => FixturePack.Open(_dir).ReadCase(id))!.Message, Is.EqualTo($"{json}: rank is 2 but stride has 3 extents"));
    }

    [Test]
    public void IdsOfNamesThatSanitizeAlikeDiffer()
    {
        var p = BenchdnnDescriptor.Parse("mb1ic2ih5oc3kh3");
        string[] ids = [.. new[] { "a b", "a/b", "A_b", "a_b" }.Select(n => ConvCase.IdOf(p.WithName(n), Fill.Integer))];
        Assert.That(ids, Is.Unique);
        Assert.That(ids[3], Is.EqualTo("mb1ic2ih5oc3oh3kh3ph0n_a_b___f32_integer"), "a safe lower-case name is kept as it is");
        Assert.That(ids.Select(i => i.ToLowerInvariant()), Is.Unique, "also on case-insensitive file systems");
    }

    [Test]
    public void ForceNeverDeletesAFolderThatIsNotAPack()
    {
        string other = _dir + "-other";
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "notes.txt"), "mine");
        try
        {
            var e = Assert.Throws<FixtureException>(() => new PackWriter(other, force: true));
            Assert.That(e!.Message, Does.Contain("not a fixture pack").And.Contain("notes.txt"));
            Assert.That(File.Exists(Path.Combine(other, "notes.txt")), Is.True);
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Test]
    public void IntegerFileIsNamedWithNumpysDtypeName()
    {
        string id = FirstCase("f32_integer");
        string path = Path.Combine(_dir, id, "x.npy");
        var p = FixturePack.Open(_dir).ReadCase(id).Problem;
        using (var flat = NumSharp.np.array(new long[p.XSize]))
        using (var shaped = flat.reshape(p.XShape))
            NumSharp.np.save(path, shaped);
        var e = Assert.Throws<FixtureException>(() => FixturePack.Open(_dir).Read<float>(id));
        Assert.That(e!.Message, Is.EqualTo($"{path}: dtype is int64, expected float32"));
    }
}

/// <summary>Garbage where a .npy should be is named for what it is, not for what a guessing reader made of it.</summary>
public class NpyPreambleTests
{
    [TestCase(new byte[] { (byte)'g', (byte)'a', (byte)'r', (byte)'b', (byte)'a', (byte)'g', (byte)'e' }, "not a .npy file")]
    [TestCase(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1 }, "truncated")]
    [TestCase(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 9, 0, 0, 0 }, "format version 9.0")]
    [TestCase(new byte[0], "not a .npy file")]
    public void APreambleThatIsNotNumpysIsNamed(byte[] bytes, string message)
    {
        string path = Path.Combine(Path.GetTempPath(), "convverify-npy-" + Guid.NewGuid().ToString("N") + ".npy");
        File.WriteAllBytes(path, bytes);
        try
        {
            Assert.That(() => Npy.Read<float>(path, DType.Float32, [2]),
                Throws.TypeOf<FixtureException>().With.Message.Contain(path).And.Message.Contain(message).And.Message.Not.Contain("pickle"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
