using System.CommandLine;
using ConvVerify.Runs;

namespace ConvVerify.Cli;

/// <summary>The --set / --batch / DESCRIPTOR… / --dtype / --fill options several commands share.</summary>
internal sealed class SelectionOptions
{
    public Option<string?> Set { get; } = new("--set") { Description = "A named case set: question, basic, pytorch, resnet50, resnet50_mb16" };
    public Option<string?> Batch { get; } = new("--batch") { Description = "A benchdnn shape file (one descriptor a line, # comments)" };
    public Argument<string[]> Descriptors { get; } = new("DESCRIPTOR") { Description = "benchdnn descriptors, e.g. mb1ic3ih5oc16kh3", Arity = ArgumentArity.ZeroOrMore };
    public Option<int?> Random { get; } = new("--random") { Description = "N problems drawn at random (docs/random-problems.md), from --seed: each is named r<seed>_<i> and reproduces" };
    public Option<string?> DType { get; } = new("--dtype") { Description = "f32, f64, bf16 or f16 (default: f32, f64 and bf16; f16 only when named)" };
    public Option<string?> Fill { get; } = new("--fill") { Description = "integer or normal (default: both)" };

    public void AddTo(Command cmd, bool withDtypeFill = true)
    {
        cmd.Options.Add(Set);
        cmd.Options.Add(Batch);
        cmd.Arguments.Add(Descriptors);
        cmd.Options.Add(Random);
        if (!withDtypeFill) return;
        cmd.Options.Add(DType);
        cmd.Options.Add(Fill);
    }

    public bool Given(ParseResult pr) =>
        pr.GetValue(Set) is not null || pr.GetValue(Batch) is not null || (pr.GetValue(Descriptors)?.Length ?? 0) > 0 || pr.GetValue(Random) is not null;

    /// <summary>The selection; random problems are drawn from <paramref name="seed"/> (the command's --seed).</summary>
    public CaseSelection Resolve(ParseResult pr, string defaultSet, ulong seed = Cases.ConvCase.DefaultSeed) =>
        CaseSelection.Resolve(pr.GetValue(Set), pr.GetValue(Batch), pr.GetValue(Descriptors) ?? [], pr.GetValue(DType), pr.GetValue(Fill), defaultSet,
            pr.GetValue(Random), seed);
}
