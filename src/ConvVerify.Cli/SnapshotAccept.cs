namespace ConvVerify.Cli;

// Placeholder until the snapshot library lands: moves *.received.txt onto *.verified.txt.
internal static class SnapshotAccept
{
    public static IReadOnlyList<string> AcceptAll(string folder)
    {
        var written = new List<string>();
        foreach (string received in Directory.GetFiles(folder, "*.received.txt").Order(StringComparer.Ordinal))
        {
            string verified = received[..^".received.txt".Length] + ".verified.txt";
            File.Move(received, verified, overwrite: true);
            written.Add(verified);
        }
        return written;
    }
}
