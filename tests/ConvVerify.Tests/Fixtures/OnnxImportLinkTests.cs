using ConvVerify.Fixtures;
using ConvVerify.Problems;
using ConvVerify.Tests.Cli;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// Symbolic links in the folders <c>import-onnx</c> reads follow the rule of packs: read through only when they resolve
/// inside the DIR the user named. Before, a test's model.onnx, data-set folder or .pb file was read wherever its link
/// led (into the pack being replaced, anywhere on the machine), a link loop or a link to a folder outside was passed
/// over in silence, and a link that stayed inside was read cut to the link's own size. Now a link leading out (or
/// looping) is a skip naming it, and one that stays inside is read whole.
/// </summary>
public class OnnxImportLinkTests : CliTestBase
{
    private static readonly string Good = Path.Combine(OnnxImportTests.DebianData, "node", "test_conv_with_strides_padding");

    private string Source { get; set; } = "";

    private string Out => Path.Combine(Temp, "out");

    [SetUp]
    public void MakeSource()
    {
        if (!Directory.Exists(Good)) Assert.Fail($"{Good} not found: install the Debian package libonnx-testdata");
        Source = TempPath("src");
        CopyDirectory(Good, Path.Combine(Source, "good"));
    }

    private string Copy(string name)
    {
        string to = TempPath(name);
        CopyDirectory(Good, to);
        return to;
    }

    private OnnxImportResult Import(bool force = false) => OnnxImport.Import([Source], Out, force: force);

    private static string[] Reasons(OnnxImportResult r) => [.. r.Skipped.Select(s => s.Reason)];

    [Test]
    public void ALinkToAFolderOutsideIsSkippedNamingItAndNotWalked()
    {
        string outside = Copy("elsewhere");
        string link = Path.Combine(Source, "more");
        Directory.CreateSymbolicLink(link, outside);
        var r = Import();
        Assert.That(r.Imported.Select(i => i.Source), Is.EqualTo(new[] { Path.Combine(Source, "good", "test_data_set_0") }));
        Assert.That(Reasons(r), Is.EqualTo(new[]
        {
            $"{link}: a symbolic link to {outside}, outside {Source}: not followed; give the folder it leads to as a DIR to import what it holds",
        }));
    }

    [Test]
    public void ALinkIntoThePackBeingWrittenIsSkippedAndThePackStillReplaced()
    {
        Import();
        string intoFolder = Path.Combine(Source, "sub", "into-out");
        Directory.CreateDirectory(Path.GetDirectoryName(intoFolder)!);
        Directory.CreateSymbolicLink(intoFolder, Out);
        // A data-set file leading into the old pack, which the import is about to delete.
        string caseId = Directory.GetDirectories(Out).Select(Path.GetFileName).Single()!;
        string test = Path.Combine(Source, "reads-out");
        CopyDirectory(Good, test);
        string input = Path.Combine(test, "test_data_set_0", "input_0.pb");
        File.Delete(input);
        File.CreateSymbolicLink(input, Path.Combine(Out, caseId, "x.npy"));
        var r = Import(force: true);
        Assert.That(r.Imported, Has.Count.EqualTo(1));
        Assert.That(Reasons(r), Is.EquivalentTo(new[]
        {
            $"{intoFolder}: a symbolic link to {Out}, outside {Source} (into the pack being written): not followed",
            $"{input}: a symbolic link to {Path.Combine(Out, caseId, "x.npy")}, outside {Source}: refusing to read or write through it",
        }));
        Assert.That(FixturePack.Open(Out).CheckIntegrity(), Is.Empty);
    }

    [TestCase("model.onnx")]
    [TestCase("test_data_set_0")]
    [TestCase("test_data_set_0/input_1.pb")]
    [TestCase("test_data_set_0/output_0.pb")]
    public void AnEntryOfATestLeadingOutsideIsSkippedNamingTheLink(string entry)
    {
        // The same bytes outside: read, they would import as a second case, so only the rule can refuse them.
        string outside = Copy("elsewhere");
        string test = Path.Combine(Source, "linked");
        CopyDirectory(Good, test);
        string path = Path.Combine(test, entry), target = Path.Combine(outside, entry);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
            Directory.CreateSymbolicLink(path, target);
        }
        else
        {
            File.Delete(path);
            File.CreateSymbolicLink(path, target);
        }
        var r = Import();
        Assert.That(r.Imported, Has.Count.EqualTo(1), "the good test only");
        Assert.That(Reasons(r), Is.EqualTo(new[] { $"{path}: a symbolic link to {target}, outside {Source}: refusing to read or write through it" }));
    }

    [Test]
    public void LinksThatStayInsideAreReadWhole()
    {
        // The files behind them are read to their own size: before, to the link's, and refused as truncated.
        string test = Path.Combine(Source, "shared");
        Directory.CreateDirectory(test);
        File.CreateSymbolicLink(Path.Combine(test, "model.onnx"), "../good/model.onnx");
        Directory.CreateSymbolicLink(Path.Combine(test, "test_data_set_0"), Path.Combine(Source, "good", "test_data_set_0"));
        Directory.CreateSymbolicLink(Path.Combine(Source, "alias"), "good");
        var r = Import();
        Assert.That(Reasons(r), Is.Empty, "a link to a folder inside leads where the walk goes anyway, and is not said");
        Assert.That(r.Imported.Select(i => i.Source), Is.EqualTo(new[]
        {
            Path.Combine(Source, "good", "test_data_set_0"), Path.Combine(test, "test_data_set_0"),
        }));
        var pack = FixturePack.Open(Out);
        var a = pack.Read<float>(r.Imported[0].CaseId);
        var b = pack.Read<float>(r.Imported[1].CaseId);
        Assert.That(b.Inputs.X, Is.EqualTo(a.Inputs.X));
        Assert.That(b.Inputs.W, Is.EqualTo(a.Inputs.W));
        Assert.That(b.Expected[ConvVerify.Cases.Direction.Forward], Is.EqualTo(a.Expected[ConvVerify.Cases.Direction.Forward]));
    }

    [Test]
    public void LoopsOfLinksAreSkippedNamingTheLink()
    {
        string test = Path.Combine(Source, "loop");
        CopyDirectory(Good, test);
        string model = Path.Combine(test, "model.onnx"), other = Path.Combine(test, "other.onnx");
        File.Delete(model);
        File.CreateSymbolicLink(model, "other.onnx");
        File.CreateSymbolicLink(other, "model.onnx");
        string a = Path.Combine(Source, "a"), b = Path.Combine(Source, "b");
        Directory.CreateSymbolicLink(a, "b");
        Directory.CreateSymbolicLink(b, "a");
        var r = Import();
        Assert.That(r.Imported, Has.Count.EqualTo(1));
        Assert.That(Reasons(r), Is.EqualTo(new[] { $"{model}: too many symbolic links (a loop?)" }),
            "a loop of folder links leads to no folder, so the walk never meets it as one");
    }

    [Test]
    public void TheDirTheUserNamesMayItselfBeALink()
    {
        string link = TempPath("named");
        Directory.CreateSymbolicLink(link, Source);
        var r = OnnxImport.Import([link], Out);
        Assert.That((r.Imported.Count, r.Skipped.Count), Is.EqualTo((1, 0)));
    }
}
