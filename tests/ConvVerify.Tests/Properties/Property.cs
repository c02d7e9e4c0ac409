using CsCheck;

namespace ConvVerify.Tests.Properties;

/// <summary>
/// Runs a property over a fixed sequence of CsCheck seeds, one thread, so every run tries the same inputs: a failure in CI
/// is a failure on every machine. (Check.Sample seeds only its first iteration and then draws fresh ones.)
/// </summary>
internal static class Property
{
    /// <summary>Checks <paramref name="property"/> on <paramref name="iterations"/> values; a failure names the value and its seed.</summary>
    /// <remarks>The seed string in the message replays the value: <c>gen.Sample(property, seed: "...", iter: 1)</c>.</remarks>
    public static void ForAll<T>(Gen<T> gen, Action<T> property, int iterations, uint stream, Func<T, string>? describe = null)
    {
        for (int i = 0; i < iterations; i++)
        {
            var pcg = new PCG(stream, (ulong)i * 0x9E3779B97F4A7C15UL + 1);
            string seed = pcg.ToString();
            var value = gen.Generate(pcg, null, out _);
            try
            {
                property(value);
            }
            catch (Exception e)
            {
                throw new AssertionException($"iteration {i}, seed \"{seed}\", input: {(describe ?? (v => v?.ToString() ?? "null"))(value)}\n{e}");
            }
        }
    }

    /// <summary>A fresh file name for a property that writes thousands of files, in the run's scratch folder (tmpfs on Linux).</summary>
    public static string ScratchFile(string extension) =>
        Path.Combine(Path.GetTempPath(), "convverify-prop-" + Guid.NewGuid().ToString("N") + extension);
}
