using System.Globalization;

namespace ConvVerify.Runs;

/// <summary>
/// One of n deterministic parts of a run, <c>--shard i/n</c> with 1 ≤ i ≤ n: a case belongs to the shard its id hashes
/// to (FNV-1a), so the split depends on nothing but the id and is stable when cases are added or removed.
/// </summary>
/// <param name="Index">1-based shard number.</param>
/// <param name="Count">Number of shards.</param>
public sealed record Shard(int Index, int Count)
{
    /// <summary>The whole run.</summary>
    public static Shard All { get; } = new(1, 1);

    /// <summary>
    /// Whether <paramref name="text"/>, a report's shard, is the whole run (<see cref="All"/>): a run not split, or the
    /// report merged from a run's shards.
    /// </summary>
    public static bool IsWholeRun(string text) => text == All.ToString();

    /// <summary>Parses "i/n".</summary>
    /// <exception cref="ArgumentException">Not two integers with 1 ≤ i ≤ n ≤ <see cref="int.MaxValue"/>; the message states the rule.</exception>
    public static Shard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            || n < 1 || i < 1 || i > n)
            // The upper bound said too: 1/2147483648 keeps 1 <= i <= n and was refused by a rule it met.
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"shard: expected i/n with 1 <= i <= n <= {int.MaxValue} (e.g. 1/4), got '{text}'"), nameof(text));
        return new Shard(i, n);
    }

    /// <summary>Whether the case of that id is in this shard.</summary>
    public bool Contains(string caseId)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        if (Count == 1) return true;
        ulong h = 14695981039346656037UL;
        foreach (char c in caseId)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return (int)(h % (ulong)Count) == Index - 1;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
