using System.CommandLine;

namespace ConvVerify.Cli;

/// <summary>Refuses, in a list of positional values, a token that is an option the command does not have.</summary>
/// <remarks>
/// A command that takes any number of values (descriptors, shard reports, ONNX folders) takes a mistyped option as one
/// of them: <c>check --orcale torch --set basic</c> said "give only one of --set, --batch, --random and descriptors",
/// and <c>report merge a.json --frob</c> looked for a report named --frob. No descriptor starts with '-', and a file
/// that does can be named <c>./-name</c>.
/// </remarks>
internal static class OptionLikeTokens
{
    /// <summary>Adds the check to <paramref name="argument"/>; the parse error is then followed by the command's help hint.</summary>
    public static T RefusingOptions<T>(this T argument) where T : Argument
    {
        argument.Validators.Add(result =>
        {
            if (result.Tokens.FirstOrDefault(t => t.Value.StartsWith('-')) is { } token)
                result.AddError($"unknown option '{Fixtures.PackPaths.Printable(token.Value)}'");
        });
        return argument;
    }
}
