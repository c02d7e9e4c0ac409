using System.Globalization;

namespace ConvVerify.Problems;

/// <summary>
/// Reads benchdnn shape files: descriptors separated by white space, <c>#</c> to the end of a line is a comment.
/// Of benchdnn's options only <c>--dir=</c> is understood (it decides bias: FWD_B and BWD_WB have one, FWD_D,
/// FWD_I, BWD_D and BWD_W do not) and applies to the descriptors after it; any other option is an error rather
/// than silently ignored, since it could change what the file means.
/// </summary>
public static class BatchFile
{
    /// <summary>Parses the text of a shape file.</summary>
    /// <param name="text">File contents.</param>
    /// <param name="source">Name used in error messages (a path or a set name).</param>
    /// <param name="dtype">Element type of every problem.</param>
    /// <exception cref="DescriptorException">A bad line; the message names the source, the line number and the reason.</exception>
    public static IReadOnlyList<ConvProblem> Parse(string text, string source, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(text);
        var problems = new List<ConvProblem>();
        bool bias = true;
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0) line = line[..hash];
            foreach (string token in line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                string where = $"{source}:{(i + 1).ToString(CultureInfo.InvariantCulture)}";
                if (token.StartsWith("--", StringComparison.Ordinal))
                {
                    bias = DirOption(token, where) ?? bias;
                    continue;
                }
                try
                {
                    problems.Add(BenchdnnDescriptor.Parse(token, dtype, bias));
                }
                catch (DescriptorException e)
                {
                    throw new DescriptorException($"{where}: {e.Message}", e);
                }
            }
        }
        return problems;
    }

    /// <summary>Reads and parses a shape file.</summary>
    /// <exception cref="DescriptorException">A bad line.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static IReadOnlyList<ConvProblem> Read(string path, DType dtype = DType.Float32) =>
        Parse(File.ReadAllText(path), path, dtype);

    private static bool? DirOption(string token, string where)
    {
        if (!token.StartsWith("--dir=", StringComparison.Ordinal))
            throw new DescriptorException($"{where}: option '{token}' is not supported in a shape file (only --dir=)");
        return token["--dir=".Length..].ToUpperInvariant() switch
        {
            "FWD_B" or "BWD_WB" => true,
            "FWD_D" or "FWD_I" or "BWD_D" or "BWD_W" => false,
            var other => throw new DescriptorException($"{where}: --dir={other} is not a benchdnn direction (FWD_B, FWD_D, FWD_I, BWD_D, BWD_W, BWD_WB)"),
        };
    }
}
