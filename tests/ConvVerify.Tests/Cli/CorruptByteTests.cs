namespace ConvVerify.Tests.Cli;

/// <summary>Any single corrupted byte in any file of a committed pack: exit 1 (sha256 mismatch) or 2 (unreadable), never 0, never a crash.</summary>
public class CorruptByteTests : CliTestBase
{
    [Test]
    public void EverySeededByteFlipIsCaughtByCheckAndFixturesCheck()
    {
        string pack = CopyCommittedPack("question");
        // The data and case files; manifest.json itself carries no checksum (a flipped byte in its "created" text changes nothing checked).
        var files = Directory.GetFiles(pack, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "manifest.json").Order(StringComparer.Ordinal).ToArray();
        var rng = new Random(1013);
        for (int trial = 0; trial < 24; trial++)
        {
            string file = files[rng.Next(files.Length)];
            byte[] original = File.ReadAllBytes(file);
            byte[] bytes = (byte[])original.Clone();
            int at = rng.Next(bytes.Length);
            bytes[at] ^= (byte)(1 << rng.Next(8));
            File.WriteAllBytes(file, bytes);
            try
            {
                foreach (var r in new[] { Run("check", "--pack", pack), Run("fixtures", "check", pack) })
                {
                    Assert.That(r.Code, Is.AnyOf(1, 2), $"byte {at} of {file}\n{r}");
                    Assert.That(r.All, Does.Not.Contain("Unhandled").And.Not.Contain("   at "), r.ToString());
                }
            }
            finally
            {
                File.WriteAllBytes(file, original);
            }
        }
    }
}
