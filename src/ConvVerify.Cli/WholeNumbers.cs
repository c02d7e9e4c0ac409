using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ConvVerify.Cli;

/// <summary>Parses a numeric option's value as plain decimal digits, refusing anything else in the option's own words.</summary>
/// <remarks>
/// System.CommandLine's own conversion named .NET types ("Cannot parse argument 'xyz' for option '--random' as expected
/// type 'System.Nullable`1[System.Int32]'") and took " 5", "+5" and a current culture's digits. Every count, limit and
/// seed of the command line is a whole number written in ASCII digits and nothing else: no sign, no blanks, no
/// exponent, fraction, hex prefix or group separator, so what a script passes is what the run records and reproduces
/// from. A value outside the option's range (a negative count, a seed beyond 64 bits) is refused alike. Rules of a run
/// that carry advice of their own (at most 100,000 random problems) are still said by the run.
/// </remarks>
internal static class WholeNumbers
{
    /// <summary>Parses <paramref name="option"/>'s value as a whole number from <paramref name="min"/> to the type's largest.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="min"/> is negative: signs are not read.</exception>
    public static Option<T> WholeNumber<T>(this Option<T> option, T min) where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentOutOfRangeException.ThrowIfNegative(min);
        option.CustomParser = result => Parse(result, option.Name, min);
        Ranges.AddOrUpdate(option, Range(min));
        return option;
    }

    /// <summary>As <see cref="WholeNumber{T}(Option{T}, T)"/>, for an option that may be left out (null when it is).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="min"/> is negative: signs are not read.</exception>
    public static Option<T?> WholeNumber<T>(this Option<T?> option, T min) where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentOutOfRangeException.ThrowIfNegative(min);
        option.CustomParser = result => Parse(result, option.Name, min);
        Ranges.AddOrUpdate(option, Range(min));
        return option;
    }

    // The range each option made here takes, for the messages that are not about a value (one missing, UsageErrors).
    private static readonly ConditionalWeakTable<Option, string> Ranges = [];

    /// <summary>"a whole number from 1 to 2147483647" for an option made by <see cref="WholeNumber{T}(Option{T}, T)"/>, else null.</summary>
    public static string? Expected(Option option) => Ranges.TryGetValue(option, out string? range) ? range : null;

    private static string Range<T>(T min) where T : struct, IBinaryInteger<T>, IMinMaxValue<T> =>
        string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {T.MaxValue}");

    /// <summary>What an option parsed by <see cref="WholeNumber{T}(Option{T}, T)"/> says of a value it refuses.</summary>
    public static string Refusal<T>(string option, T min, string value) where T : struct, IBinaryInteger<T>, IMinMaxValue<T> =>
        $"{option}: expected {Range(min)}, got '{Fixtures.PackPaths.Printable(value)}'";

    // Called only with a value given: an option left out takes its default (or null) without a parse. The arity is
    // checked before, so there is exactly one token.
    private static T Parse<T>(ArgumentResult result, string option, T min) where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
    {
        string value = result.Tokens[0].Value;
        // NumberStyles.None reads ASCII digits only: no sign, blank, point, exponent or separator; too many digits fail too.
        // But for trailing NULs, which .NET's parse skips ("5\0" was 5): a response file can hold them.
        if (value.All(char.IsAsciiDigit) && T.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out T parsed) && parsed >= min) return parsed;
        result.AddError(Refusal(option, min, value));
        return default;
    }
}
