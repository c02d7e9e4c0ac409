using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using ConvVerify.Problems;

namespace ConvVerify.Cases;

/// <summary>One checked case: a problem (with its dtype and bias), the fill of its inputs and the seed that makes them.</summary>
public sealed record ConvCase(ConvProblem Problem, Fill Fill, ulong Seed)
{
    /// <summary>The base seed of the committed packs and of live runs unless another is given.</summary>
    public const ulong DefaultSeed = 20261127;

    /// <summary>
    /// Seeds a pack can record: below 2^53. Readers in other languages (JavaScript's, and any that parse JSON numbers as
    /// doubles) round a larger integer, and would then make other inputs than the pack's.
    /// </summary>
    public const ulong SeedLimit = 1UL << 53;

    /// <summary>
    /// A stable, file-system-safe id from the canonical descriptor, bias, dtype and fill, e.g.
    /// <c>mb1ic3ih5oc16oh3kh3ph0n_question___f32_integer</c>. A case read from a pack carries its folder name instead.
    /// </summary>
    public string Id { get; init; } = IdOf(Problem, Fill);

    /// <summary>
    /// Whether the inputs are someone else's values, not ConvVerify's fill from <see cref="Seed"/>: an ONNX import's
    /// arbitrary floats, or a hand-made pack's own fill. The probabilistic tier models the normal fill's independent,
    /// zero-mean terms, and a sum that cancels (1e8, then small values, then -1e8) lies far outside it however well it is
    /// computed: such a case is judged by the sound bound (<see cref="Runs.RunPlan.DefaultTolerance"/>).
    /// </summary>
    public bool ForeignInputs { get; init; }

    /// <summary>The case of <paramref name="problem"/> with <paramref name="fill"/>, its seed derived from <paramref name="baseSeed"/> and its id.</summary>
    /// <exception cref="ArgumentException"><paramref name="fill"/> is not a defined <see cref="Fill"/>.</exception>
    public static ConvCase Create(ConvProblem problem, Fill fill, ulong baseSeed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new ConvCase(problem, fill, Inputs.CaseSeed(baseSeed, IdOf(problem, fill)));
    }

    /// <summary>
    /// The id of a problem and fill (see <see cref="Id"/>). Characters outside [A-Za-z0-9.-] become '_'; a name that is
    /// not all [a-z0-9._-] also gets the first 8 hex digits of its SHA-256, so names that differ only in replaced
    /// characters or in letter case (on case-insensitive file systems) cannot share an id. An id that would be longer than
    /// <see cref="MaxIdLength"/> has its descriptor part cut to fit and followed by '-' and the first 8 hex digits of the
    /// SHA-256 of the whole descriptor, before the bias, dtype and fill.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="fill"/> is not a defined <see cref="Fill"/>.</exception>
    public static string IdOf(ConvProblem problem, Fill fill)
    {
        ArgumentNullException.ThrowIfNull(problem);
        string descriptor = BenchdnnDescriptor.Format(problem);
        var sb = new StringBuilder();
        foreach (char c in descriptor)
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_');
        if (problem.Name is { } name && !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-'))
            sb.Append('-').Append(Hash8(name));
        string tail = (problem.HasBias ? "" : "__nobias") + "__" + DTypeName(problem.DType) + "_" + FillName(fill);
        // The id is a folder name in a pack and a snapshot's file name: a long case name (a deep ONNX test folder's, a
        // batch file's n"...") made one past the file system's 255 bytes, and the whole pack write failed on it. Cut,
        // it keeps the hash of the whole descriptor, so two problems that differ only past the cut still differ.
        if (sb.Length + tail.Length > MaxIdLength)
        {
            sb.Length = MaxIdLength - tail.Length - 9;
            sb.Append('-').Append(Hash8(descriptor));
        }
        return sb.Append(tail).ToString();
    }

    /// <summary>
    /// The longest id <see cref="IdOf"/> makes: 255 bytes (a file name on common file systems) less room for what is
    /// added to it (<c>__channels-last</c>, a snapshot's <c>.received.txt</c>).
    /// </summary>
    public const int MaxIdLength = 200;

    private static string Hash8(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];

    /// <summary>The cases of the given problems in every requested dtype and fill, with seeds from <paramref name="baseSeed"/>.</summary>
    public static IReadOnlyList<ConvCase> Expand(IEnumerable<ConvProblem> problems, IEnumerable<DType> dtypes, IEnumerable<Fill> fills,
        ulong baseSeed = DefaultSeed)
    {
        var list = problems.ToList();
        var fillList = fills.ToList();
        return [.. dtypes.SelectMany(dt => fillList.SelectMany(f => list.Select(p => Create(p.WithDType(dt), f, baseSeed))))];
    }

    /// <summary>Generates the case's inputs (deterministic from <see cref="Seed"/>).</summary>
    public ConvInputs<T> MakeInputs<T>() where T : unmanaged, IFloatingPointIeee754<T> => Inputs.Generate<T>(Problem, Fill, Seed);

    /// <summary>"f32", "f64", "bf16" or "f16".</summary>
    public static string DTypeName(DType dtype) => DTypes.ShortName(dtype);

    /// <summary>"integer" or "normal".</summary>
    /// <exception cref="ArgumentException"><paramref name="fill"/> is not a defined <see cref="Fill"/>.</exception>
    public static string FillName(Fill fill) => fill switch
    {
        Fill.Integer => "integer",
        Fill.Normal => "normal",
        // Not "normal": a case id, case.json and a snapshot would claim a fill that Inputs.Generate then refuses.
        _ => throw new ArgumentException($"fill: unknown value {(int)fill}", nameof(fill)),
    };
}
