namespace ConvVerify.Tests.Oracles;

/// <summary>Fake libpythons: files the locator takes for shared libraries without any process loading them.</summary>
internal static class FakeLibraries
{
    /// <summary>
    /// Writes a file starting with ELF's magic bytes and nothing of an ELF object after them: enough for the locator's
    /// look at a <c>PYTHONNET_PYDLL</c> before any interpreter is run, which fake interpreters never load.
    /// </summary>
    public static string Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0]);
        return path;
    }
}
