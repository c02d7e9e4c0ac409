using System.CommandLine;
using System.Globalization;
using System.Runtime.CompilerServices;
using ConvVerify.Fixtures;

namespace ConvVerify.Cli;

/// <summary>Reads an option whose value is a comma-separated list of names (<c>--oracle torch,ort</c>), with one rule for every such option.</summary>
/// <remarks>
/// Each item is trimmed of blanks (a shell line <c>--oracle "torch, ort"</c> means torch and ort); an empty item (
/// <c>torch,,ort</c>, a leading or trailing comma, a blank value) and an item given twice are refused naming the option
/// and the item, when the line is parsed. Names are compared exactly as typed: every name this tool knows is lower
/// case, and "Torch" is then an unknown name, refused by whatever knows the names (the oracle registry lists them).
/// </remarks>
internal static class CommaLists
{
    // The options made lists here, so that a test can hold every option that says "comma-separated" to this rule.
    private static readonly ConditionalWeakTable<Option, object> Lists = [];

    /// <summary>Refuses, as the line is parsed, a value of <paramref name="option"/> that is not a list by <see cref="Items"/>'s rule.</summary>
    public static Option<string> CommaList(this Option<string> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(result =>
        {
            // More or fewer than one value is said by UsageErrors.
            if (result.Tokens.Count == 1 && Refusal(option.Name, result.Tokens[0].Value) is { } why) result.AddError(why);
        });
        Lists.AddOrUpdate(option, Lists);
        return option;
    }

    /// <summary>Whether <paramref name="option"/> was made by <see cref="CommaList"/>.</summary>
    public static bool IsList(Option option) => Lists.TryGetValue(option, out _);

    /// <summary>The items of <paramref name="value"/>, trimmed, in the order given.</summary>
    /// <exception cref="CliException">An empty item or one given twice; the message names <paramref name="option"/> and the item.</exception>
    public static IReadOnlyList<string> Items(string option, string value)
    {
        // Stryker disable once Statement : Refusal refuses a null value by the same name before anything else reads it
        ArgumentNullException.ThrowIfNull(value);
        if (Refusal(option, value) is { } why) throw new CliException(why);
        return value.Split(',', StringSplitOptions.TrimEntries);
    }

    /// <summary>What <paramref name="option"/> says of <paramref name="value"/>, or null when it is a list by the rule.</summary>
    public static string? Refusal(string option, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string[] items = value.Split(',', StringSplitOptions.TrimEntries);
        string shown = PackPaths.Printable(value);
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i].Length == 0)
                return string.Create(CultureInfo.InvariantCulture, $"{option}: empty name (item {i + 1} of {items.Length}) in '{shown}'");
            if (Array.IndexOf(items, items[i]) < i) return $"{option}: '{PackPaths.Printable(items[i])}' named twice in '{shown}'";
        }
        return null;
    }
}
