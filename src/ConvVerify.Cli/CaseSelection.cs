using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Problems;

namespace ConvVerify.Cli;

/// <summary>The problems, dtypes and fills a command works on, from --set, --batch or descriptors.</summary>
internal sealed record CaseSelection(string Source, IReadOnlyList<ConvProblem> Problems, IReadOnlyList<DType> DTypes, IReadOnlyList<Fill> Fills)
{
    public static CaseSelection Resolve(string? set, string? batch, string[] descriptors, string? dtype, string? fill, string defaultSet)
    {
        int given = (set is null ? 0 : 1) + (batch is null ? 0 : 1) + (descriptors.Length > 0 ? 1 : 0);
        if (given > 1) throw new CliException("give only one of --set, --batch and descriptors");
        IReadOnlyList<ConvProblem> problems;
        string source;
        try
        {
            if (batch is not null)
            {
                if (!File.Exists(batch)) throw new CliException($"--batch: file not found: {batch}");
                problems = BatchFile.Read(batch);
                source = batch;
            }
            else if (descriptors.Length > 0)
            {
                problems = [.. descriptors.Select(d => BenchdnnDescriptor.Parse(d))];
                source = "command line";
            }
            else
            {
                source = set ?? defaultSet;
                problems = CaseSets.Load(source);
            }
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Plain());
        }
        if (problems.Count == 0) throw new CliException($"{source}: no cases");
        return new CaseSelection(source, problems, ParseDTypes(dtype), ParseFills(fill));
    }

    public static IReadOnlyList<DType> ParseDTypes(string? dtype) => dtype switch
    {
        null => [DType.Float32, DType.Float64],
        "f32" or "float32" => [DType.Float32],
        "f64" or "float64" => [DType.Float64],
        _ => throw new CliException($"--dtype: expected f32 or f64, got '{dtype}'"),
    };

    public static IReadOnlyList<Fill> ParseFills(string? fill) => fill switch
    {
        null => [Fill.Integer, Fill.Normal],
        "integer" => [Fill.Integer],
        "normal" => [Fill.Normal],
        _ => throw new CliException($"--fill: expected integer or normal, got '{fill}'"),
    };

    public IReadOnlyList<ConvCase> Cases(ulong seed) => ConvCase.Expand(Problems, DTypes, Fills, seed);
}
