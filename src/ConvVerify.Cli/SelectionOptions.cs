using System.CommandLine;
using ConvVerify.Runs;

namespace ConvVerify.Cli;

/// <summary>The --set / --batch / DESCRIPTOR… / --dtype / --fill options several commands share.</summary>
internal sealed class SelectionOptions
{
    public Option<string?> Set { get; } = new("--set") { Description = "A named case set: question, basic, pytorch, resnet50, resnet50_mb16" };
    public Option<string?> Batch { get; } = new Option<string?>("--batch") { Description = "A benchdnn batch file (descriptors and options, docs/benchdnn.md), or benchdnn:NAME for a vendored one, e.g. benchdnn:set_conv_all" }.Expecting("a file");
    public Option<int?> Mb { get; } = new Option<int?>("--mb") { Description = "Every problem at this minibatch (over a batch file's --mb=)" }.WholeNumber(1);
    public Option<long?> MaxMacs { get; } = new Option<long?>("--max-macs") { Description = $"Skip problems with more multiply-adds per direction, or, where the definition's loops compute, more loop visits (default {CaseSelection.DefaultMaxMacs}: one case under a minute)" }.WholeNumber(1L);
    public Argument<string[]> Descriptors { get; } = new Argument<string[]>("DESCRIPTOR") { Description = "benchdnn descriptors, e.g. mb1ic3ih5oc16kh3", Arity = ArgumentArity.ZeroOrMore }.RefusingOptions();
    public Option<int?> Random { get; } = new Option<int?>("--random") { Description = "N problems drawn at random (docs/random-problems.md), from --seed: each is named r<seed>_<i> and reproduces" }.WholeNumber(1);
    public Option<int?> RandomIndex { get; } = new Option<int?>("--random-index") { HelpName = "i", Description = "Only problem i (from 0) of the random problems of --seed, named r<seed>_<i>: the one problem a soak failure names, with or without its bias" }.WholeNumber(0);
    public Option<string?> DType { get; } = DTypeOption("f32, f64 and bf16; f16 only when named");
    public Option<string?> Fill { get; } = FillOption("both");

    /// <summary>
    /// The --dtype option, its values those <see cref="CaseSelection.ParseDTypes"/> reads; <paramref name="byDefault"/>
    /// says what a command selects without it. One definition, so verify-impl's takes the values check's does.
    /// </summary>
    public static Option<string?> DTypeOption(string byDefault) => new("--dtype") { Description = $"f32, f64, bf16 or f16 (default: {byDefault})" };

    /// <summary>The --fill option, its values those <see cref="CaseSelection.ParseFills"/> reads, as <see cref="DTypeOption"/>.</summary>
    public static Option<string?> FillOption(string byDefault) => new("--fill") { Description = $"integer or normal (default: {byDefault})" };

    public void AddTo(Command cmd, bool withDtypeFill = true)
    {
        cmd.Options.Add(Set);
        cmd.Options.Add(Batch);
        cmd.Arguments.Add(Descriptors);
        cmd.Options.Add(Random);
        cmd.Options.Add(RandomIndex);
        cmd.Options.Add(Mb);
        cmd.Options.Add(MaxMacs);
        if (!withDtypeFill) return;
        cmd.Options.Add(DType);
        cmd.Options.Add(Fill);
    }

    public bool Given(ParseResult pr) =>
        pr.GetValue(Set) is not null || pr.GetValue(Batch) is not null || (pr.GetValue(Descriptors)?.Length ?? 0) > 0 || pr.GetValue(Random) is not null
        || pr.GetValue(RandomIndex) is not null;

    /// <summary>With no source given: each of <paramref name="sets"/> as the default set, under the command's dtype, fill, --mb and --max-macs.</summary>
    public IReadOnlyList<CaseSelection> Resolve(ParseResult pr, IEnumerable<string> sets, ulong seed, bool naiveEngine = false, bool torch = false) =>
        [.. sets.Select(s => Resolve(pr, s, seed, naiveEngine: naiveEngine, torch: torch))];

    /// <summary>Whether descriptors were given on the command line.</summary>
    public bool NamesDescriptors(ParseResult pr) => (pr.GetValue(Descriptors)?.Length ?? 0) > 0;

    /// <summary>The --batch file read once (null without --batch): its files are kept apart from the outputs, its entries are the run's.</summary>
    public BatchRead? ReadBatch(ParseResult pr) => pr.GetValue(Batch) is { } batch ? CaseSelection.ReadBatch(batch) : null;

    /// <summary>
    /// The selection; random problems are drawn from <paramref name="seed"/> (the command's --seed); a --batch from <paramref name="batch"/> when given;
    /// with <paramref name="naiveEngine"/> (the naive engine computes in the run) the definition's loop visits are held to --max-macs too;
    /// with <paramref name="torch"/> (live torch computes in the run) memory counts what torch builds (<see cref="CaseSelection.TorchCaseBytes"/>).
    /// </summary>
    public CaseSelection Resolve(ParseResult pr, string defaultSet, ulong seed = Cases.ConvCase.DefaultSeed, BatchRead? batch = null, bool naiveEngine = false, bool torch = false) =>
        // Stryker disable once NullCoalescing : a zero-or-more argument given no descriptor is an empty array, never null
        CaseSelection.Resolve(pr.GetValue(Set), pr.GetValue(Batch), pr.GetValue(Descriptors) ?? [], pr.GetValue(DType), pr.GetValue(Fill), defaultSet,
            pr.GetValue(Random), seed, pr.GetValue(Mb), pr.GetValue(MaxMacs), batchRead: batch, naiveEngine: naiveEngine, randomIndex: pr.GetValue(RandomIndex), torch: torch);
}
