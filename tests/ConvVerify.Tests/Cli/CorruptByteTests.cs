namespace ConvVerify.Tests.Cli;

/// <summary>Any single corrupted byte in any file of a committed pack: exit 1 (sha256 mismatch) or 2 (unreadable), never 0, never a crash.</summary>
public class CorruptByteTests : CliTestBase
{
    [Test]
    public void EverySeededByteFlipIsCaughtByCheckAndFixturesCheck()
    {
        string pack = CopyCommittedPack("question");
        var files = Directory.GetFiles(pack, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        string manifest = Path.Combine(pack, "manifest.json");
        var rng = new Random(1013);
        // Every third flip lands in manifest.json, which a uniform draw over a hundred files would hardly ever pick.
        for (int trial = 0; trial < 36; trial++)
        {
            string file = trial % 3 == 0 ? manifest : files[rng.Next(files.Length)];
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
