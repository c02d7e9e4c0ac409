using System.Globalization;

namespace ConvVerify.Cli;

/// <summary>A count with its noun, singular for one: "1 case", "2 cases". The library's own is internal to it.</summary>
internal static class Counted
{
    public static string Of(long n, string noun, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{n} {(n == 1 ? noun : plural ?? noun + "s")}");
}
