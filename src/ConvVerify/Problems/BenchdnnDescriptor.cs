using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ConvVerify.Problems;

/// <summary>
/// A descriptor that could not be parsed; the message names the descriptor and the offending token or value, with every
/// control character written as <c>\uXXXX</c> (<see cref="Fixtures.PackPaths.Printable"/>): a descriptor may come from
/// someone else's batch file, and its message is printed, where a newline would forge a line and an escape sequence
/// drive the terminal.
/// </summary>
public sealed class DescriptorException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public DescriptorException(string message) : base(Fixtures.PackPaths.Printable(message)) { }

    /// <summary>Creates the exception with the problem validation error that caused it.</summary>
    public DescriptorException(string message, Exception inner) : base(Fixtures.PackPaths.Printable(message), inner) { }

    /// <summary>Creates the exception with no message.</summary>
    public DescriptorException() { }
}

/// <summary>
/// oneDNN benchdnn convolution problem descriptors, e.g. <c>mb2ic3ih5oc16oh3kh3sh1ph0n"name"</c>, parsed as benchdnn's
/// <c>str2desc</c> and <c>sanitize_desc</c> do and printed in benchdnn's order.
/// </summary>
/// <remarks>
/// Rules (benchdnn's): tokens in any order, one optional '_' between them; defaults mb 2, g 1,
/// stride 1, dilation 0; dilation is zero-based (dh1 = PyTorch dilation 2); an axis is "mentioned" when any of its
/// i/k/o/d values is non-zero, its stride is not 1 or its padding is ≥ 1; a mentioned axis needs i and k; a missing
/// output is computed (padding defaulting to 0), a missing padding with a given output is deduced as
/// ((o−1)s − i + (k−1)(d+1) + 1) / 2 (truncated); the end padding is always (o−1)s − i + (k−1)(d+1) + 1 − pb, which
/// may be negative (but never below −i: when every window lies in the begin padding, the whole input is cropped). Rank: d mentioned → 3-D (h, w copied from d when both absent), h → 2-D (w copied from h when
/// absent), w only → 1-D. Differences: a field given twice is refused (benchdnn takes the last), a name in quotes loses
/// its quotes (an opening quote must be closed at the end of the descriptor: benchdnn would keep <c>"a</c> of
/// <c>n"a</c> as the name), and a trailing <c>*K</c> repeat count in the name is dropped; bias and dtype are not part of a descriptor.
/// The printed form always states mb, the outputs and the begin paddings, so it parses back to the same problem.
/// </remarks>
public static partial class BenchdnnDescriptor
{
    // benchdnn's prefix order; within one pass each may match once, as in str2desc.
    private static readonly string[] Prefixes =
        ["g", "mb", "ic", "id", "ih", "iw", "oc", "od", "oh", "ow", "kd", "kh", "kw", "sd", "sh", "sw", "pd", "ph", "pw", "dd", "dh", "dw"];

    /// <summary>Parses one descriptor into a problem.</summary>
    /// <param name="text">The descriptor.</param>
    /// <param name="dtype">Element type of the problem (not part of descriptors).</param>
    /// <param name="hasBias">Whether the problem has a bias (benchdnn's <c>--dir=FWD_B</c> vs <c>FWD_D</c>).</param>
    /// <exception cref="DescriptorException">Unparsable text or an invalid problem; the message names the descriptor and the reason.</exception>
    public static ConvProblem Parse(string text, DType dtype = DType.Float32, bool hasBias = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Build(Read(text), dtype, hasBias);
    }

    /// <summary>
    /// A descriptor as benchdnn's <c>str2desc</c> reads it, before a problem is made of it: the fields given, the ones it
    /// computes or deduces, the rank, and the name as written after <c>n</c> (quotes included).
    /// </summary>
    /// <param name="Text">The descriptor.</param>
    /// <param name="HasGroups">Whether <c>g</c> is given (benchdnn then prints it, even <c>g1</c>).</param>
    /// <param name="G">Groups.</param>
    /// <param name="Mb">Minibatch (2 when not given).</param>
    /// <param name="Ic">Input channels.</param>
    /// <param name="Oc">Output channels.</param>
    /// <param name="Used">Per spatial axis of the rank, outermost first: output, input, kernel, stride, begin padding, zero-based dilation.</param>
    /// <param name="Letters">The axes' letters (<c>dhw</c>, <c>hw</c> or <c>w</c>).</param>
    /// <param name="Name">The name as this harness keeps it (quotes and a <c>*K</c> tail dropped), or null.</param>
    /// <param name="WrittenName">Everything after <c>n</c>, as benchdnn keeps and prints it, or "".</param>
    internal sealed record Fields(string Text, bool HasGroups, long G, long Mb, long Ic, long Oc, long[][] Used, string Letters, string? Name, string WrittenName);

    /// <summary>Reads a descriptor's fields as <see cref="Parse"/> does, refusing what it refuses before a problem is made.</summary>
    /// <exception cref="DescriptorException">Unparsable text, or fields from which no problem can be made; as <see cref="Parse"/>.</exception>
    internal static Fields Read(string text)
    {
        // Leading white space is skipped rather than trimmed off, so the positions in messages count in the text shown.
        string s = text.TrimEnd();
        int pos = s.Length - s.TrimStart().Length;
        if (pos == s.Length) throw new DescriptorException("descriptor: empty text");
        var v = new Dictionary<string, long>();
        var at = new Dictionary<string, (int Position, string Digits)>();
        string? name = null;
        string writtenName = "";
        while (pos < s.Length)
        {
            // Where this pass began: an unrecognized token is quoted from here, a '_' that no field precedes included.
            int tokenStart = pos;
            bool ok = false;
            foreach (string prefix in Prefixes)
            {
                if (string.CompareOrdinal(s, pos, prefix, 0, prefix.Length) != 0) continue;
                int start = pos + prefix.Length, end = start;
                while (end < s.Length && char.IsAsciiDigit(s[end])) end++;
                if (end == start)
                {
                    string got = start < s.Length && s[start] == '-' ? "a negative value" : "no value";
                    throw new DescriptorException($"descriptor '{Quoted(text)}': '{prefix}' has {got} at position {start} (expected a non-negative integer)");
                }
                // A zero-based dilation becomes PyTorch's by adding 1, so its largest value is one less.
                long max = prefix[0] == 'd' ? int.MaxValue - 1 : int.MaxValue;
                if (!long.TryParse(s.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value > max)
                {
                    string tooLarge = $"descriptor '{Quoted(text)}': '{Quoted(prefix + s[start..end])}' is too large";
                    throw new DescriptorException(tooLarge, new ProblemTooLargeException(tooLarge));
                }
                // benchdnn lets the last repeat win, which hides a typo such as ic3ic4 behind a plausible problem.
                if (at.TryGetValue(prefix, out var first))
                    throw new DescriptorException($"descriptor '{Quoted(text)}': '{prefix}' is given twice ({Quoted(prefix + first.Digits)} at position {first.Position}, {Quoted(prefix + s[start..end])} at position {pos})");
                at[prefix] = (pos, s[start..end]);
                v[prefix] = value;
                pos = end;
                ok = true;
            }
            if (pos < s.Length && s[pos] == 'n')
            {
                name = CleanName(text, s, pos + 1);
                writtenName = s[(pos + 1)..];
                break;
            }
            if (pos < s.Length && s[pos] == '_') pos++;
            if (!ok)
                throw new DescriptorException($"descriptor '{Quoted(text)}': unrecognized token at position {tokenStart}: '{Snip(s, tokenStart)}'");
        }

        long Get(string key, long fallback) => v.TryGetValue(key, out long x) ? x : fallback;
        long g = Get("g", 1), mb = Get("mb", 2), ic = Get("ic", 0), oc = Get("oc", 0);
        foreach (var (key, value) in new[] { ("g", g), ("ic", ic), ("oc", oc), ("sd", Get("sd", 1)), ("sh", Get("sh", 1)), ("sw", Get("sw", 1)) })
            if (value < 1) throw new DescriptorException($"descriptor '{Quoted(text)}': '{key}' must be >= 1, got {(v.ContainsKey(key) ? value.ToString(CultureInfo.InvariantCulture) : "nothing")}");

        // Per axis d, h, w: [o, i, k, s, p, dil]; p = -1 means "not given", as benchdnn's sentinel.
        var axes = new long[3][];
        string dims = "dhw";
        for (int a = 0; a < 3; a++)
        {
            char c = dims[a];
            axes[a] = [Get($"o{c}", 0), Get($"i{c}", 0), Get($"k{c}", 0), Get($"s{c}", 1), Get($"p{c}", -1), Get($"d{c}", 0)];
        }
        for (int a = 0; a < 3; a++)
        {
            var (x, c) = (axes[a], dims[a]);
            bool mentioned = x[0] != 0 || x[1] != 0 || x[2] != 0 || x[5] != 0 || x[3] != 1 || x[4] >= 1;
            if (!mentioned) continue;
            if (x[1] == 0 || x[2] == 0)
                throw new DescriptorException($"descriptor '{Quoted(text)}': axis {c} is mentioned but '{(x[1] == 0 ? "i" : "k")}{c}' is missing or 0");
            long ext = (x[2] - 1) * (x[5] + 1) + 1;
            if (x[0] == 0)
            {
                x[4] = Math.Max(x[4], 0);
                x[0] = (x[1] - ext + 2 * x[4]) / x[3] + 1;
                if (x[0] <= 0)
                    throw new DescriptorException($"descriptor '{Quoted(text)}': computed o{c} = {x[0]} is not positive (i{c}={x[1]}, k{c}={x[2]}, d{c}={x[5]}, p{c}={x[4]})");
            }
            else if (x[4] < 0)
            {
                x[4] = ((x[0] - 1) * x[3] - x[1] + ext) / 2;
                if (x[4] < 0)
                    throw new DescriptorException($"descriptor '{Quoted(text)}': o{c}{x[0]} with i{c}{x[1]} and k{c}{x[2]} deduces p{c} = {x[4]}, a negative begin padding; give p{c} explicitly");
            }
        }
        bool noD = axes[0][0] == 0, noH = axes[1][0] == 0, noW = axes[2][0] == 0;
        int rank = !noD ? 3 : !noH ? 2 : !noW ? 1 : 0;
        if (rank == 0) throw new DescriptorException($"descriptor '{Quoted(text)}': no spatial dimension (give at least iw/kw, ih/kh or id/kd)");
        if (rank == 3 && noH != noW)
            throw new DescriptorException($"descriptor '{Quoted(text)}': a 3-D problem needs either both h and w or neither (then both copy d)");
        if (rank == 3 && noH) axes[1] = axes[2] = axes[0];
        if (rank == 2 && noW) axes[2] = axes[1];

        return new Fields(text, v.ContainsKey("g"), g, mb, ic, oc, axes[(3 - rank)..], dims[(3 - rank)..], name, writtenName);
    }

    private static ConvProblem Build(Fields fields, DType dtype, bool hasBias)
    {
        var (text, used, letters, name) = (fields.Text, fields.Used, fields.Letters, fields.Name);
        var (g, mb, ic, oc) = (fields.G, fields.Mb, fields.Ic, fields.Oc);
        int[] Field(int f) => [.. used.Select(x => (int)x[f])];
        var (output, padBegin) = (Field(0), Field(4));
        // When every window lies in the begin padding the formula crops the whole input and more; crop exactly the whole
        // input, as ConvProblem stores such a problem, so its printed form parses back to it.
        long[] padEndLong = [.. used.Select(x => Math.Max(-x[1], (x[0] - 1) * x[3] - x[1] + (x[2] - 1) * (x[5] + 1) + 1 - x[4]))];
        foreach (var (pe, c) in padEndLong.Zip(letters))
            // Never below int.MinValue: an end padding is at least −i.
            if (pe > int.MaxValue) throw new DescriptorException($"descriptor '{Quoted(text)}': the end padding of {c} deduced from the other values ({pe}) is out of range");
        var padEnd = padEndLong.Select(v => (int)v).ToArray();
        try
        {
            var p = new ConvProblem((int)mb, (int)g, (int)ic, (int)oc, Field(1), Field(2), Field(3), padBegin, padEnd,
                [.. used.Select(x => (int)x[5] + 1)], hasBias, dtype, name);
            // With the end padding held at −i, an output written for windows that all lie in the begin padding can differ
            // from the one the rest gives: what is wrong is the end padding it needs, beyond the whole input, so that is what
            // is said, in ConvProblem's words, rather than "inconsistent outputs".
            for (int a = 0; a < used.Length; a++)
            {
                var x = used[a];
                long written = (x[0] - 1) * x[3] - x[1] + (x[2] - 1) * (x[5] + 1) + 1 - x[4];
                if (written < -x[1] && p.Output[a] != output[a])
                    throw new DescriptorException(string.Create(CultureInfo.InvariantCulture,
                        $"descriptor '{Quoted(text)}': pe{letters[a]}: end padding {written} would crop {-written} elements, more than the {x[1]} input elements of {letters[a]} (every window lies in the begin padding p{letters[a]}{x[4]}, which holds {p.Output[a]} of them, not {x[0]})"));
            }
            if (!p.Output.SequenceEqual(output))
                throw new DescriptorException($"descriptor '{Quoted(text)}': outputs {ConvProblem.FormatTuple(output)} are inconsistent with the rest (they give {ConvProblem.FormatTuple(p.Output)})");
            return p;
        }
        catch (ArgumentException e) when (e is not DescriptorException)
        {
            throw new DescriptorException($"descriptor '{Quoted(text)}': {e.Plain()}", e);
        }
    }

    /// <summary>
    /// The descriptor as benchdnn prints it in a problem's string (<c>desc_t</c>'s <c>operator&lt;&lt;</c> in
    /// <c>conv_aux.cpp</c>), which <c>--match</c> searches: <c>g</c> when given (even <c>g1</c>), <c>mb</c> when not 2
    /// (after a <c>--mb=</c>), <c>ic</c>, the inputs, <c>oc</c>, the outputs and kernel, the strides when any is not 1, the
    /// begin paddings, the zero-based dilations when any is not 0, then <c>n</c> and the name as written (quotes included).
    /// A 2-D problem whose h and w agree in all six fields prints h only, a 3-D one whose d, h and w agree d only
    /// (<c>print_dhw</c>); <c>mb1_ic3ih5_oc16_kh3</c> prints <c>mb1ic3ih5oc16oh3kh3ph0</c>.
    /// </summary>
    /// <param name="fields">The descriptor's fields (<see cref="Read"/>).</param>
    /// <param name="mb">benchdnn's <c>--mb</c> in force: 0 keeps the descriptor's.</param>
    internal static string BenchdnnText(Fields fields, long mb)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var used = fields.Used;
        int shown = used.All(x => x.AsSpan().SequenceEqual(used[0])) ? 1 : used.Length;
        var sb = new StringBuilder();
        void Group(char prefix, int field)
        {
            for (int a = 0; a < shown; a++) sb.Append(CultureInfo.InvariantCulture, $"{prefix}{fields.Letters[a]}{used[a][field]}");
        }
        if (fields.HasGroups) sb.Append(CultureInfo.InvariantCulture, $"g{fields.G}");
        long m = mb > 0 ? mb : fields.Mb;
        if (m != 2) sb.Append(CultureInfo.InvariantCulture, $"mb{m}");
        sb.Append(CultureInfo.InvariantCulture, $"ic{fields.Ic}");
        Group('i', 1);
        sb.Append(CultureInfo.InvariantCulture, $"oc{fields.Oc}");
        Group('o', 0);
        Group('k', 2);
        if (used.Any(x => x[3] != 1)) Group('s', 3);
        Group('p', 4);
        if (used.Any(x => x[5] != 0)) Group('d', 5);
        if (fields.WrittenName.Length > 0) sb.Append('n').Append(fields.WrittenName);
        return sb.ToString();
    }

    /// <summary>Parses a descriptor, returning false and the reason instead of throwing.</summary>
    public static bool TryParse(string text, out ConvProblem? problem, out string? error, DType dtype = DType.Float32, bool hasBias = true)
    {
        try
        {
            problem = Parse(text, dtype, hasBias);
            error = null;
            return true;
        }
        catch (ArgumentException e)
        {
            problem = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Prints the canonical descriptor in benchdnn's order: g (when not 1), mb, ic, inputs, oc, outputs, kernel, strides
    /// (when any is not 1), begin paddings, dilations (zero-based, when any is non-zero), name. A 2-D problem whose h and w
    /// agree in every field prints h only; a 3-D one whose d, h, w all agree prints d only.
    /// </summary>
    public static string Format(ConvProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var p = problem;
        int[][] fields = [[.. p.Input], [.. p.Output], [.. p.Kernel], [.. p.Stride], [.. p.PadBegin], [.. p.Dilation.Select(d => d - 1)]];
        // Same-in-every-field dims collapse to the outermost, as benchdnn's print_dhw does.
        int shown = fields.All(f => f.All(x => x == f[0])) ? 1 : p.Rank;
        string letters = p.DimLetters;
        var sb = new StringBuilder();
        void Group(char prefix, int[] values)
        {
            for (int i = 0; i < shown; i++) sb.Append(CultureInfo.InvariantCulture, $"{prefix}{letters[i]}{values[i]}");
        }
        if (p.Groups != 1) sb.Append(CultureInfo.InvariantCulture, $"g{p.Groups}");
        sb.Append(CultureInfo.InvariantCulture, $"mb{p.Mb}ic{p.IC}");
        Group('i', fields[0]);
        sb.Append(CultureInfo.InvariantCulture, $"oc{p.OC}");
        Group('o', fields[1]);
        Group('k', fields[2]);
        if (fields[3].Any(s => s != 1)) Group('s', fields[3]);
        Group('p', fields[4]);
        if (fields[5].Any(d => d != 0)) Group('d', fields[5]);
        // A name that itself ends in a repeat count ("x*3") gets a "*1" the parser drops, so the name survives the round trip.
        if (!string.IsNullOrEmpty(p.Name)) sb.Append("n\"").Append(p.Name).Append(RepeatSuffix().IsMatch(p.Name) ? "*1" : "").Append('"');
        return sb.ToString();
    }

    // An empty result is no name: ConvProblem stores it as null. benchdnn keeps everything after 'n' verbatim, quotes
    // included, so n"a would be the name "a there; here a quote that opens a name must close it at the end, since a
    // lost closing quote (or text after it) is a damaged descriptor, not a name.
    private static string CleanName(string text, string s, int start)
    {
        string raw = s[start..];
        if (raw.Length > 0 && raw[0] == '"')
        {
            int close = raw.LastIndexOf('"');
            if (close == 0)
                throw new DescriptorException($"descriptor '{Quoted(text)}': the name's quote at position {start} is never closed: '{Snip(s, start)}' (expected n\"NAME\" or a name without quotes)");
            if (close != raw.Length - 1)
                throw new DescriptorException($"descriptor '{Quoted(text)}': text after the name's closing quote at position {start + close + 1}: '{Snip(s, start + close + 1)}' (expected n\"NAME\" to end the descriptor)");
            raw = raw[1..^1];
        }
        return RepeatSuffix().Replace(raw, "");
    }

    /// <summary>Most characters of a descriptor a refusal quotes.</summary>
    internal const int MaxQuoted = 120;

    /// <summary>
    /// The descriptor as a refusal quotes it: cut after <see cref="MaxQuoted"/> characters with "…" (never between the
    /// halves of a surrogate pair). A hostile line of 600,000 characters was quoted whole into one message, in some
    /// places twice; positions still count in the whole text, and the part at a position is quoted by itself.
    /// </summary>
    internal static string Quoted(string text) =>
        Fixtures.PackPaths.Cut(text, MaxQuoted);

    // The part of the text at a position, cut as Quoted cuts (a pair's halves alone printed as two escapes of nothing).
    private static string Snip(string s, int pos) => pos >= s.Length ? "(end of text)"
        : s.Length - pos > 12 ? s.Substring(pos, char.IsHighSurrogate(s[pos + 11]) ? 11 : 12) + "…" : s[pos..];

    [GeneratedRegex(@"\*\d+$")]
    private static partial Regex RepeatSuffix();
}
