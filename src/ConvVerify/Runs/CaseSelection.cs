using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Problems;

namespace ConvVerify.Runs;

/// <summary>
/// The one case selection: problems from a named set, a benchdnn batch file or descriptors, in the requested dtypes and
/// fills; as generated cases, or looked up among the cases of packs.
/// </summary>
/// <param name="Source">Where the problems came from, for messages.</param>
/// <param name="Problems">The problems, in order.</param>
/// <param name="DTypes">The dtypes.</param>
/// <param name="Fills">The fills.</param>
/// <param name="Named">Whether the problems were named (a batch file or descriptors) rather than a whole set.</param>
public sealed record CaseSelection(string Source, IReadOnlyList<ConvProblem> Problems, IReadOnlyList<DType> DTypes, IReadOnlyList<Fill> Fills, bool Named)
{
    /// <summary>
    /// No dtype was named: a pack's cases are then taken in whatever dtype they are (a float16 pack included), while
    /// generated cases take <see cref="DTypes"/>, the default ones.
    /// </summary>
    public bool AnyDType { get; init; }

    /// <summary>Resolves the options of a command line.</summary>
    /// <param name="set">A named set, or null.</param>
    /// <param name="batch">A benchdnn shape file, or null.</param>
    /// <param name="descriptors">Descriptors (may be empty).</param>
    /// <param name="dtype">f32, f64, bf16, f16, or null for f32, f64 and bf16.</param>
    /// <param name="fill">integer, normal, or null for both.</param>
    /// <param name="defaultSet">The set when no source is given.</param>
    /// <param name="random">The number of random problems (<see cref="RandomProblems"/>), or null.</param>
    /// <param name="randomSeed">The seed of the random problems.</param>
    /// <exception cref="ArgumentException">Two sources at once, an unknown set, a missing or bad file, a bad descriptor, an unknown dtype or fill; the message starts with the option.</exception>
    public static CaseSelection Resolve(string? set, string? batch, IReadOnlyList<string> descriptors, string? dtype, string? fill, string defaultSet,
        int? random = null, ulong randomSeed = ConvCase.DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        int given = (set is null ? 0 : 1) + (batch is null ? 0 : 1) + (descriptors.Count > 0 ? 1 : 0) + (random is null ? 0 : 1);
        if (given > 1) throw new ArgumentException("give only one of --set, --batch, --random and descriptors");
        if (random is { } n)
        {
            if (n < 1) throw new ArgumentException($"--random: the number of problems must be at least 1, got {n}");
            return new CaseSelection($"random (seed {randomSeed})", RandomProblems.Take(randomSeed, n), ParseDTypes(dtype), ParseFills(fill), Named: true) { AnyDType = dtype is null };
        }
        IReadOnlyList<ConvProblem> problems;
        string source;
        try
        {
            if (batch is not null)
            {
                if (!File.Exists(batch)) throw new ArgumentException($"--batch: file not found: {batch}");
                problems = BatchFile.Read(batch);
                source = batch;
            }
            else if (descriptors.Count > 0)
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
            throw new ArgumentException(e.Plain(), e);
        }
        if (problems.Count == 0) throw new ArgumentException($"{source}: no cases");
        return new CaseSelection(source, problems, ParseDTypes(dtype), ParseFills(fill), Named: batch is not null || descriptors.Count > 0) { AnyDType = dtype is null };
    }

    /// <summary>The dtypes of <c>--dtype</c>: <see cref="ConvVerify.Problems.DTypes.Default"/> (f32, f64, bf16) when null.</summary>
    /// <exception cref="ArgumentException">Not a dtype's name.</exception>
    public static IReadOnlyList<DType> ParseDTypes(string? dtype) =>
        dtype is null ? ConvVerify.Problems.DTypes.Default
        : ConvVerify.Problems.DTypes.TryParse(dtype) is { } d ? [d]
        : throw new ArgumentException($"--dtype: expected {string.Join(" or ", ConvVerify.Problems.DTypes.All.Select(ConvVerify.Problems.DTypes.ShortName))}, got '{dtype}'");

    /// <summary>The fills of <c>--fill</c>: both when null.</summary>
    /// <exception cref="ArgumentException">Not a fill's name.</exception>
    public static IReadOnlyList<Fill> ParseFills(string? fill) => fill switch
    {
        null => [Fill.Integer, Fill.Normal],
        "integer" => [Fill.Integer],
        "normal" => [Fill.Normal],
        _ => throw new ArgumentException($"--fill: expected integer or normal, got '{fill}'"),
    };

    /// <summary>Every problem in every dtype and fill, inputs generated from <paramref name="seed"/>.</summary>
    public IReadOnlyList<ConvCase> Cases(ulong seed) => ConvCase.Expand(Problems, DTypes, Fills, seed);

    /// <summary>As <see cref="Cases"/>, as entries of a run.</summary>
    public IReadOnlyList<CaseEntry> Generated(ulong seed) => [.. Cases(seed).Select(c => new CaseEntry(c))];

    /// <summary>
    /// The cases of <paramref name="available"/> (read from packs) this selection asks for: named problems are looked up
    /// by problem, dtype and fill (a descriptor without a name matches whatever the catalog called it); a set selects
    /// every available case of the requested dtypes and fills.
    /// </summary>
    /// <exception cref="ArgumentException">A named case is in none of the packs; the message names it and the packs.</exception>
    public IReadOnlyList<CaseEntry> InPacks(IReadOnlyList<CaseEntry> available, string packsDescription)
    {
        ArgumentNullException.ThrowIfNull(available);
        if (!Named) return [.. available.Where(a => (AnyDType || DTypes.Contains(a.Case.Problem.DType)) && Fills.Contains(a.Case.Fill))];
        var selected = new List<CaseEntry>();
        foreach (var wanted in Cases(ConvCase.DefaultSeed))
        {
            var hits = available.Where(a => Plans.Matches(wanted, a.Case)).ToList();
            if (hits.Count == 0)
                throw new ArgumentException($"case {wanted.Id} is in no pack checked ({packsDescription}); use --oracle torch for cases without fixtures");
            selected.AddRange(hits.Where(h => !selected.Contains(h)));
        }
        return selected;
    }
}
