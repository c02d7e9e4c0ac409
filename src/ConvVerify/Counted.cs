using System.Globalization;

namespace ConvVerify;

/// <summary>A count with its noun, singular for one: "1 direction", "2 directions". The library's messages and the command line's use it alike.</summary>
public static class Counted
{
    /// <summary>"<paramref name="n"/> <paramref name="noun"/>", the noun in the plural (<paramref name="plural"/>, or the noun and an s) unless n is 1.</summary>
    public static string Of(long n, string noun, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{n} {(n == 1 ? noun : plural ?? noun + "s")}");
}
