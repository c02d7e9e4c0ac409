using ConvVerify.Fixtures;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// A pack (and a candidate folder) comes from anyone: a named pipe where a file should be, a file the manifest does not
/// vouch for, a case listed twice or not at all, NaN or infinite data. Each must stop every reader with exit 2 and a
/// message naming the file or value, never hang, crash or pass.
/// </summary>
public class UntrustedPackTests : QuestionPackTest
{
    // The question pack's f32 normal case: x (1, 3, 5, 5), w (16, 3, 3, 3), b (16), y and dy (1, 16, 3, 3).
    private static readonly string NormalCase = QuestionCase("f32", "normal");
    private static readonly int[] XShape = [1, 3, 5, 5], WShape = [16, 3, 3, 3], YShape = [1, 16, 3, 3];


    private string[][] Commands =>
    [
        ["check", "--pack", Pack],
        ["fixtures", "check", Pack],
        ["verify-impl", "--pack", Pack, "--candidate", Candidate],
    ];

    private string ManifestPath => Path.Combine(Pack, "manifest.json");

    // Rewrites the manifest through an edit, sealed again with its own hash: only the rules about its content can refuse it.
    private void EditManifest(Action<Manifest> edit)
    {
        var m = Manifest.Read(ManifestPath);
        edit(m);
        m.Write(ManifestPath);
    }

    // Writes a float32 tensor of the pack and records its new hash, as someone making a pack by hand would.
    private void Replace(string id, string tensor, int[] shape, Func<float[], float[]> change)
    {
        string path = Path.Combine(Pack, id, tensor + ".npy");
        Npy.Write(path, shape, change(Npy.Read<float>(path, DType.Float32, shape)));
        EditManifest(m => m.Files[$"{id}/{tensor}.npy"] = Manifest.Sha256(path));
    }

    private static void AssertBadInput(CliResult r, params string[] said)
    {
        Assert.Multiple(() =>
        {
            Assert.That(r.Code, Is.EqualTo(2), r.ToString());
            foreach (string s in said) Assert.That(r.All, Does.Contain(s), r.ToString());
        });
    }

    private void AssertEveryReaderRefuses(params string[] said)
    {
        foreach (string[] command in Commands) AssertBadInput(Run(command), said);
    }

    // ---- named pipes and devices ----

    // Runs the command line, failing (not hanging) when it blocks on the pipe: a writer that comes and goes then lets
    // the blocked open and read go on to an empty file, so the test host is not left with a stuck thread.
    private static CliResult RunBeside(string fifo, string[] args)
    {
        var run = Task.Run(() => Run(args));
        if (run.Wait(TimeSpan.FromSeconds(20))) return run.Result;
        var release = new Thread(() =>
        {
            while (!run.IsCompleted)
            {
                // Read-write never waits for a partner, and counts as the writer the blocked reader waits for.
                try
                {
                    using (new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite)) { }
                }
                catch (IOException)
                {
                }
                Thread.Sleep(10);
            }
        }) { IsBackground = true };
        release.Start();
        run.Wait(TimeSpan.FromSeconds(60));
        Assert.Fail($"convverify {string.Join(' ', args)} hung on the named pipe {fifo}");
        return null!;
    }

    [TestCase("x.npy")]
    [TestCase("w.npy")]
    [TestCase("b.npy")]
    [TestCase("dy.npy")]
    [TestCase("y.npy")]
    [TestCase("dx.npy")]
    [TestCase("dw.npy")]
    [TestCase("db.npy")]
    [TestCase("case.json")]
    public void ANamedPipeAsACaseFileIsRefusedByEveryReader(string file)
    {
        string fifo = Path.Combine(Pack, NormalCase, file);
        NamedPipes.Make(fifo);
        foreach (string[] command in Commands)
            AssertBadInput(RunBeside(fifo, command), $"{fifo}: a named pipe, not a regular file");
    }

    [Test]
    public void ANamedPipeAsTheManifestIsRefusedByEveryReader()
    {
        NamedPipes.Make(ManifestPath);
        foreach (string[] command in Commands)
            AssertBadInput(RunBeside(ManifestPath, command), $"{ManifestPath}: a named pipe, not a regular file");
    }

    [Test]
    public void ANamedPipeInAPackWithoutManifestIsRefused()
    {
        File.Delete(ManifestPath);
        string fifo = Path.Combine(Pack, NormalCase, "case.json");
        NamedPipes.Make(fifo);
        AssertBadInput(RunBeside(fifo, ["check", "--pack", Pack]), $"{fifo}: a named pipe, not a regular file");
        string x = Path.Combine(Pack, QuestionCase("f64", "integer"), "x.npy");
        File.Delete(fifo);
        File.Copy(Path.Combine(Pack, QuestionCase("f32", "integer"), "case.json"), fifo);
        NamedPipes.Make(x);
        AssertBadInput(RunBeside(x, ["check", "--pack", Pack]), $"{x}: a named pipe, not a regular file");
    }

    [TestCase("y")]
    [TestCase("dw")]
    public void ANamedPipeAsACandidateResultIsRefused(string tensor)
    {
        string fifo = Path.Combine(Candidate, NormalCase, tensor + ".npy");
        NamedPipes.Make(fifo);
        var r = RunBeside(fifo, ["verify-impl", "--pack", Pack, "--candidate", Candidate]);
        AssertBadInput(r, $"{fifo}: a named pipe, not a regular file");
        Assert.That(r.Out, Does.Contain("47 passed"), "only the pipe's direction is not checked");
    }

    [Test]
    public void ANamedPipeAsACaseFolderIsRefusedByEveryReader()
    {
        // The probe: a listed case whose folder was a pipe was said to be missing its files ("case.json: file not found",
        // "listed in the manifest but missing"), as if an empty folder stood there.
        string fifo = Path.Combine(Pack, NormalCase);
        Directory.Delete(fifo, recursive: true);
        NamedPipes.Make(fifo);
        foreach (string[] command in Commands)
            AssertBadInput(RunBeside(fifo, command), $"{fifo}: a named pipe, not a case folder; refusing to read it");
    }

    [Test]
    public void NamedPipesInACandidateAreNamedForWhatTheyAreAndNeverOpened()
    {
        // The probes: a pipe standing for a case folder, or at the top where only case folders belong, was called "a file",
        // and the case's results were said not to exist as files; a pipe named case.json beside the results, or named as a
        // result, must not be opened either (the copy-of-a-pack check looks for a case.json and a manifest.json).
        string folder = Path.Combine(Candidate, NormalCase), manifest = Path.Combine(Candidate, "manifest.json");
        string otherCase = QuestionCase("f64", "integer");
        string caseJson = Path.Combine(Candidate, otherCase, "case.json"), y = Path.Combine(Candidate, otherCase, "y.npy");
        Directory.Delete(folder, recursive: true);
        foreach (string pipe in new[] { folder, manifest, caseJson, y }) NamedPipes.Make(pipe);
        var r = RunBeside(y, ["verify-impl", "--pack", Pack, "--candidate", Candidate, "--require", "any"]);
        AssertBadInput(r,
            $"warning: {folder}: a named pipe where the case's folder is expected; no result of the case is read from it",
            $"warning: {manifest}: a named pipe where case folders are expected; it matches no case of the pack",
            $"warning: {caseJson}: not a result file",
            $"y: not provided ({folder} is a named pipe, not a folder)",
            $"{y}: a named pipe, not a regular file");
        Assert.That(r.All, Does.Not.Contain("a file where"), r.ToString());
    }

    [Test]
    public void ADeviceIsNotARegularFile()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("no /dev");
        Assert.That(() => PackPaths.CheckRegularFile("/dev/zero"),
            Throws.TypeOf<FixtureException>().With.Message.EqualTo("/dev/zero: a character device, not a regular file; refusing to read it"));
        Assert.That(() => Npy.Read<float>("/dev/zero", DType.Float32, [1]),
            Throws.TypeOf<FixtureException>().With.Message.StartsWith("/dev/zero: a character device"));
        Assert.That(() => PackPaths.CheckRegularFile(Pack),
            Throws.TypeOf<FixtureException>().With.Message.EqualTo($"{Pack}: a directory, not a regular file; refusing to read it"));
        string missing = Path.Combine(Pack, "none.npy");
        Assert.That(() => PackPaths.CheckRegularFile(missing), Throws.TypeOf<FixtureException>().With.Message.EqualTo($"{missing}: file not found"));
        Assert.That(() => PackPaths.CheckRegularFile(ManifestPath), Throws.Nothing);
    }

    [Test]
    public void ALinkInsideThePackToARegularFileIsStillRead()
    {
        string file = Path.Combine(Pack, NormalCase, "x.npy");
        string moved = Path.Combine(Pack, NormalCase, "x-data");
        File.Move(file, moved);
        File.CreateSymbolicLink(file, "x-data");
        EditManifest(m => m.Files[$"{NormalCase}/x-data"] = Manifest.Sha256(moved));
        foreach (string[] command in Commands)
        {
            var r = Run(command);
            Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        }
    }

    // ---- what the manifest vouches for ----

    // b and db: read only because this case has a bias, so refused when read rather than when the pack is opened.
    [TestCase("dx")]
    [TestCase("x")]
    [TestCase("b")]
    [TestCase("db")]
    public void ACaseFileTheManifestDoesNotListIsRefused(string tensor)
    {
        // Changed and unlisted: were it read unchecked, the changed data would be the oracle's.
        string path = Path.Combine(Pack, NormalCase, tensor + ".npy");
        Replace(NormalCase, tensor, tensor switch { "dx" or "x" => XShape, _ => [16] }, v => [.. v.Select(e => e + 1)]);
        EditManifest(m => m.Files.Remove($"{NormalCase}/{tensor}.npy"));
        AssertEveryReaderRefuses($"{path}: not listed in {ManifestPath}");
    }

    [Test]
    public void ACaseJsonTheManifestDoesNotListIsRefused()
    {
        string json = Path.Combine(Pack, NormalCase, "case.json");
        EditManifest(m => m.Files.Remove($"{NormalCase}/case.json"));
        AssertEveryReaderRefuses($"{json}: not listed in {ManifestPath}");
    }

    [Test]
    public void ACaseListedTwiceIsRefused()
    {
        EditManifest(m => m.Cases.Add(NormalCase));
        AssertEveryReaderRefuses($"{ManifestPath}: case id \"{NormalCase}\" is listed twice in \"cases\"");
    }

    [Test]
    public void CaseIdsEqualUpToLetterCaseAreRefused()
    {
        // Two folders on Linux, one on macOS and Windows: the writers refuse such ids, so a reader does too.
        string upper = NormalCase.ToUpperInvariant();
        CopyDirectory(Path.Combine(Pack, NormalCase), Path.Combine(Pack, upper));
        EditManifest(m =>
        {
            m.Cases.Add(upper);
            foreach (var (key, hash) in m.Files.Where(f => f.Key.StartsWith(NormalCase + "/", StringComparison.Ordinal)).ToList())
                m.Files[upper + key[NormalCase.Length..]] = hash;
        });
        AssertEveryReaderRefuses($"{ManifestPath}: case ids \"{NormalCase}\" and \"{upper}\" differ only in letter case");
    }

    [Test]
    public void ACaseFolderNotInCasesIsRefused()
    {
        // Listed in "files" and hashed, but not in "cases": the old reader skipped it without a word.
        EditManifest(m => m.Cases.Remove(NormalCase));
        AssertEveryReaderRefuses($"{ManifestPath}: files key \"{NormalCase}/", $"case \"{NormalCase}\" is not in \"cases\"");
    }

    [Test]
    public void AnUnlistedCaseFolderIsRefused()
    {
        string extra = Path.Combine(Pack, "extra");
        CopyDirectory(Path.Combine(Pack, NormalCase), extra);
        AssertEveryReaderRefuses($"{extra}: a case folder (it holds a case.json) whose case is not in {ManifestPath}'s \"cases\"");
    }

    // ---- non-finite data ----

    [TestCase("x", float.NaN, "NaN")]
    [TestCase("w", float.PositiveInfinity, "Infinity")]
    [TestCase("b", float.NegativeInfinity, "-Infinity")]
    [TestCase("dy", float.NaN, "NaN")]
    [TestCase("y", float.NaN, "NaN")]
    [TestCase("dw", float.PositiveInfinity, "Infinity")]
    public void ANonFiniteValueInAPackIsRefusedNamingFileIndexAndValue(string tensor, float value, string said)
    {
        int[] shape = tensor switch { "x" => XShape, "w" or "dw" => WShape, "b" => [16], _ => YShape };
        // Element 7 only, so the message must name the first offending index, not just any.
        Replace(NormalCase, tensor, shape, v => { v[7] = value; return v; });
        string path = Path.Combine(Pack, NormalCase, tensor + ".npy");
        AssertEveryReaderRefuses($"{path}: element 7 ", $" is {said}");
    }

    [Test]
    public void AllNaNInputsDoNotLetAZeroCandidatePass()
    {
        // The probe: x all NaN, rehashed; a candidate of zeros for y and dw passed with exit 0, its bounds being NaN.
        Replace(NormalCase, "x", XShape, v => [.. v.Select(_ => float.NaN)]);
        Npy.Write(Path.Combine(Candidate, NormalCase, "y.npy"), YShape, new float[16 * 9]);
        Npy.Write(Path.Combine(Candidate, NormalCase, "dw.npy"), WShape, new float[16 * 27]);
        var r = Run("verify-impl", "--pack", Pack, "--candidate", Candidate);
        AssertBadInput(r, $"{Path.Combine(Pack, NormalCase, "x.npy")}: element 0 [0, 0, 0, 0] is NaN");
    }

    [Test]
    public void ANaNExpectedValueAndANaNCandidateDoNotPass()
    {
        Replace(NormalCase, "y", YShape, v => [.. v.Select(_ => float.NaN)]);
        Npy.Write(Path.Combine(Candidate, NormalCase, "y.npy"), YShape, Enumerable.Repeat(float.NaN, 16 * 9).ToArray());
        AssertBadInput(Run("verify-impl", "--pack", Pack, "--candidate", Candidate), $"{Path.Combine(Pack, NormalCase, "y.npy")}: element 0 [0, 0, 0, 0] is NaN");
    }
}
