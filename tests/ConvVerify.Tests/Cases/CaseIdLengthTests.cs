using System.Security.Cryptography;
using System.Text;
using ConvVerify.Cases;
using ConvVerify.Problems;
using ConvVerify.Tests.Cli;

namespace ConvVerify.Tests.Cases;

/// <summary>
/// A case id is a folder and file name: a long case name made one past the file system's 255 bytes, and writing the pack
/// failed whole (a probe: <c>fixtures generate</c> with <c>n"aaa…"</c>, <c>import-onnx</c> of a test folder with a long name).
/// </summary>
public class CaseIdLengthTests : CliTestBase
{
    private static ConvProblem Named(string name) => new(1, 1, 1, 1, [5], [3], hasBias: false, name: name);

    private static string Sha8(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)))[..8];

    [Test]
    public void AnIdOfAtMost200CharactersIsKeptAndALongerOneIsCutToThemKeepingAHashOfTheWholeDescriptor()
    {
        // The descriptor mb1ic1iw5oc1ow3kw3pw0n"<name>" becomes mb1ic1iw5oc1ow3kw3pw0n_<name>_ and __nobias__f32_normal
        // follows: 24 + 20 characters around the name.
        string fits = new('a', 200 - 44);
        Assert.That(ConvCase.IdOf(Named(fits), Fill.Normal), Is.EqualTo($"mb1ic1iw5oc1ow3kw3pw0n_{fits}___nobias__f32_normal"));

        string longer = new('a', 200 - 43);
        string cut = ConvCase.IdOf(Named(longer), Fill.Normal);
        Assert.That(cut, Is.EqualTo($"mb1ic1iw5oc1ow3kw3pw0n_{longer}"[..(200 - 20 - 9)] + "-" + Sha8($"mb1ic1iw5oc1ow3kw3pw0n\"{longer}\"") + "__nobias__f32_normal"));
        Assert.That(cut, Has.Length.EqualTo(200));

        // Names that differ only past the cut still make two ids.
        Assert.That(ConvCase.IdOf(Named(new string('a', 300) + "x"), Fill.Integer), Is.Not.EqualTo(ConvCase.IdOf(Named(new string('a', 300) + "y"), Fill.Integer)));
    }

    [Test]
    public void APackOfACaseWithALongNameIsWritten()
    {
        string pack = TempPath("pack");
        var r = Run("fixtures", "generate", "--out", pack, $"mb1ic1iw5oc1kw3n{new string('a', 300)}", "--dtype", "f32", "--fill", "integer", "--oracle", "exact");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Directory.GetDirectories(pack).Select(d => Path.GetFileName(d).Length).Single(), Is.EqualTo(200));
    }
}
