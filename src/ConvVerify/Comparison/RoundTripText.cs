using System.Globalization;
using System.Numerics;

namespace ConvVerify.Comparison;

/// <summary>
/// A floating-point value as the shortest text that reads back as the very same value, on every runtime this builds
/// for.
/// </summary>
/// <remarks>
/// .NET 10's shortest formatting (<c>ToString("R")</c>, the default <c>ToString()</c>, and System.Text.Json's writer)
/// writes some exact powers of two of a double one value short: 2^−25 (1 ulp of a float32 value in [0.25, 0.5), a
/// common error of a result) came out as <c>2.980232238769531E-08</c>, which reads back as the double below it, where
/// <c>2.9802322387695312E-08</c> was due. Dragon4 took the margins below and above a power of two as equal
/// (dotnet/runtime pull request 131131, "Fix Dragon4 shortest formatting for exact powers of two", merged after the 10.0
/// runtime this project runs on). A report's worst element then read back with another error, and its ratio no longer
/// matched the error over the bound written beside it, so the report reader refused a report ConvVerify itself wrote.
/// Text that does not read back is written with 17 significant digits instead, which always read back.
/// </remarks>
public static class RoundTripText
{
    /// <summary>The shortest text of <paramref name="value"/> that parses back to it bit for bit ("NaN", "Infinity" and "-Infinity" as .NET writes them; "-0" for negative zero).</summary>
    /// <typeparam name="T">A binary floating-point type: float, double or Half.</typeparam>
    public static string Of<T>(T value) where T : IFloatingPointIeee754<T>
    {
        // Stryker disable once String : "" gives the same shortest text as "R" for float, double and Half (since .NET Core 3.0); "R" says it is meant
        string shortest = value.ToString("R", CultureInfo.InvariantCulture);
        if (!T.IsFinite(value) || Same(T.Parse(shortest, NumberStyles.Float, CultureInfo.InvariantCulture), value)) return shortest;
        // 17 significant digits read back as any double, and so as any float or Half, which have fewer; the runtime's
        // fault is double's alone (a shift of 1U by its 52 fraction bits), so this is the fallback's only use.
        return value.ToString("G17", CultureInfo.InvariantCulture);
    }

    // Equal and of one sign: 0 and −0 are two values here, as they are two results.
    private static bool Same<T>(T a, T b) where T : IFloatingPointIeee754<T> => a == b && T.IsNegative(a) == T.IsNegative(b);
}
