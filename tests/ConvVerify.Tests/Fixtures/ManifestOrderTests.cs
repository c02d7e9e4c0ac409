using System.Globalization;
using ConvVerify.Fixtures;

namespace ConvVerify.Tests.Fixtures;

/// <summary>A manifest read from disk keeps the writer's ordinal order whatever the user's locale.</summary>
public class ManifestOrderTests
{
    [Test]
    public void ReadingSortsOrdinallyInEveryCulture()
    {
        string dir = Directory.CreateTempSubdirectory("convverify-manifest-").FullName;
        var saved = CultureInfo.CurrentCulture;
        try
        {
            // Ordinal: 'B' (0x42) < '_' (0x5F) < 'b' (0x62); a culture's collation puts them otherwise (punctuation first,
            // lower case before upper case).
            string[] ordinal = ["aB/x.npy", "a_b/x.npy", "ab/x.npy"];
            var m = new Manifest
            {
                Format = Manifest.CurrentFormat, Generator = "test", Created = "2026-11-28T00:00:00Z", Cases = ["aB", "a_b", "ab"],
                Versions = new(new Dictionary<string, string> { ["torch"] = "1", ["Numpy"] = "2", ["_x"] = "3" }, StringComparer.Ordinal),
                Files = new(ordinal.ToDictionary(f => f, _ => string.Concat(Enumerable.Repeat("ab", 32))), StringComparer.Ordinal),
            };
            string path = Path.Combine(dir, "manifest.json");
            m.Write(path);
            byte[] written = File.ReadAllBytes(path);
            foreach (string culture in (string[])["en-US", "sv-SE", "tr-TR", ""])
            {
                CultureInfo.CurrentCulture = new CultureInfo(culture);
                var read = Manifest.Read(path);
                Assert.That(read.Files.Keys, Is.EqualTo(ordinal), culture);
                Assert.That(read.Versions.Keys, Is.EqualTo(new[] { "Numpy", "_x", "torch" }), culture);
                Assert.That(read.SelfHashMatches, Is.True);
                read.Write(path);
                Assert.That(File.ReadAllBytes(path), Is.EqualTo(written), $"{culture}: read and written again, byte for byte");
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
            Directory.Delete(dir, recursive: true);
        }
    }
}
