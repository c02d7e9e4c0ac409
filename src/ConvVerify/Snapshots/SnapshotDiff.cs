using System.Globalization;
using System.Text;

namespace ConvVerify.Snapshots;

/// <summary>One line of a diff: only in the verified text (removed) or only in the received text (added).</summary>
/// <param name="Kind">'-' for a verified line the received text lacks, '+' for a received line the verified text lacks.</param>
/// <param name="LineNumber">1-based line number in the verified (for '-') or received (for '+') text.</param>
/// <param name="Text">The line, without its line end.</param>
public readonly record struct DiffLine(char Kind, int LineNumber, string Text);

/// <summary>A line diff of a verified and a received snapshot (longest common subsequence of lines).</summary>
public static class SnapshotDiff
{
    /// <summary>How many differing lines <see cref="Describe"/> shows by default.</summary>
    public const int DefaultShownLines = 20;

    // Above this many LCS cells (verified lines × received lines) the diff pairs lines by position instead.
    private const long MaxLcsCells = 16_000_000;

    /// <summary>The lines of an LF- or CRLF-terminated text (a final line end does not start another line).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static string[] Lines(string text)
    {
        // Normalize refuses a null text, under the same parameter name.
        string t = SnapshotStore.Normalize(text);
        if (t.Length == 0) return [];
        if (t.EndsWith('\n')) t = t[..^1];
        return t.Split('\n');
    }

    /// <summary>The differing lines of two texts, in order: removed verified lines before the received lines replacing them.</summary>
    public static IReadOnlyList<DiffLine> Compute(string verified, string received)
    {
        string[] a = Lines(verified), b = Lines(received);
        // Trim the common prefix and suffix: snapshot changes are usually a few lines.
        int start = 0;
        while (start < a.Length && start < b.Length && a[start] == b[start]) start++;
        int endA = a.Length, endB = b.Length;
        while (endA > start && endB > start && a[endA - 1] == b[endB - 1]) { endA--; endB--; }
        int n = endA - start, m = endB - start;
        var result = new List<DiffLine>();
        if ((long)n * m > MaxLcsCells)
        {
            // Line i against line i; past the shorter side, each of the longer side's lines differs.
            int paired = Math.Min(n, m);
            for (int i = 0; i < paired; i++)
            {
                if (a[start + i] == b[start + i]) continue;
                result.Add(new DiffLine('-', start + i + 1, a[start + i]));
                result.Add(new DiffLine('+', start + i + 1, b[start + i]));
            }
            for (int i = paired; i < n; i++) result.Add(new DiffLine('-', start + i + 1, a[start + i]));
            for (int i = paired; i < m; i++) result.Add(new DiffLine('+', start + i + 1, b[start + i]));
            return result;
        }
        // lcs[i, j] = LCS length of a[start+i..endA) and b[start+j..endB).
        var lcs = new int[n + 1, m + 1];
        for (int i = n - 1; i >= 0; i--)
            for (int j = m - 1; j >= 0; j--)
                lcs[i, j] = a[start + i] == b[start + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        var removed = new List<DiffLine>();
        var added = new List<DiffLine>();
        void Flush()
        {
            result.AddRange(removed);
            result.AddRange(added);
            removed.Clear();
            added.Clear();
        }
        int x = 0, y = 0;
        while (x < n || y < m)
        {
            if (x < n && y < m && a[start + x] == b[start + y]) { Flush(); x++; y++; }
            else if (y >= m || (x < n && lcs[x + 1, y] >= lcs[x, y + 1])) { removed.Add(new DiffLine('-', start + x + 1, a[start + x])); x++; }
            else { added.Add(new DiffLine('+', start + y + 1, b[start + y])); y++; }
        }
        Flush();
        return result;
    }

    /// <summary>
    /// A readable account of how <paramref name="received"/> differs from <paramref name="verified"/>: line counts, how many
    /// lines were removed and added, and the first <paramref name="maxShown"/> differing lines with their line numbers.
    /// Empty when the texts are equal (after line-end normalization).
    /// </summary>
    public static string Describe(string verified, string received, int maxShown = DefaultShownLines)
    {
        ArgumentNullException.ThrowIfNull(verified);
        ArgumentNullException.ThrowIfNull(received);
        ArgumentOutOfRangeException.ThrowIfNegative(maxShown);
        var diff = Compute(verified, received);
        if (diff.Count == 0) return "";
        int removed = diff.Count(d => d.Kind == '-'), added = diff.Count - removed;
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"verified has {Lines(verified).Length} lines, received {Lines(received).Length}; ")
          .Append(inv, $"{diff.Count} differing lines ({removed} only in verified '-', {added} only in received '+')");
        sb.Append(diff.Count > maxShown ? string.Create(inv, $", first {maxShown}:") : ":").Append('\n');
        var shown = diff.Take(maxShown).ToList();
        var marked = WhiteSpaceOnlyDifferences(diff);
        if (shown.Any(marked.Contains)) sb.Append(Legend).Append('\n');
        foreach (var d in shown)
            sb.Append(inv, $"  {d.Kind} {d.LineNumber,5}: {(marked.Contains(d) ? Visible(d.Text) : d.Text)}\n");
        if (diff.Count > maxShown)
            sb.Append(inv, $"  ... and {diff.Count - maxShown} more differing lines\n");
        return sb.ToString();
    }

    /// <summary>The line <see cref="Describe"/> adds above the differing lines when some of them have their invisible characters shown.</summary>
    public const string Legend = "  (lines that differ only in white space, or hold nothing else, show it: '\u00B7' a space, '\u2192' a tab, "
        + "\\uXXXX any other invisible character or a literal '\u00B7' or '\u2192')";

    // A trailing space added by hand showed as "- 5: fill: normal " against "+ 5: fill: normal", two lines that read the
    // same: the lines that differ from a line of the other side only in invisible characters, or hold nothing else.
    private static HashSet<DiffLine> WhiteSpaceOnlyDifferences(IReadOnlyList<DiffLine> diff)
    {
        var byStripped = diff.ToLookup(d => (d.Kind, Stripped: Stripped(d.Text)));
        return [.. diff.Where(d => (d.Text.Length > 0 && Stripped(d.Text).Length == 0)
            || byStripped[(d.Kind == '-' ? '+' : '-', Stripped(d.Text))].Any(o => o.Text != d.Text))];
    }

    private static bool Invisible(Rune r) =>
        Rune.IsWhiteSpace(r) || Rune.IsControl(r) || Rune.GetUnicodeCategory(r) is UnicodeCategory.Format;

    private static string Stripped(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (Rune r in text.EnumerateRunes())
            if (!Invisible(r)) sb.Append(r.ToString());
        return sb.ToString();
    }

    // The legend's marks are written out where they stand for themselves, so a mark is never a literal.
    private static string Visible(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (Rune r in text.EnumerateRunes())
        {
            if (r.Value == ' ') sb.Append('\u00B7');
            else if (r.Value == '\t') sb.Append('\u2192');
            else if (Invisible(r) || r.Value is 0xB7 or 0x2192) sb.Append(CultureInfo.InvariantCulture, $"\\u{r.Value:X4}");
            else sb.Append(r.ToString());
        }
        return sb.ToString();
    }
}
