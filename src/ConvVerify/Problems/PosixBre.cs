using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ConvVerify.Problems;

/// <summary>
/// POSIX basic regular expressions as benchdnn compiles <c>--match</c> (<c>regcomp</c> without <c>REG_EXTENDED</c>, glibc,
/// the C locale), written in .NET's syntax so that a search with them finds what <c>regexec</c> finds.
/// </summary>
/// <remarks>
/// In a basic expression <c>( ) { } | + ?</c> are ordinary characters: <c>\( \)</c> group, <c>\{m,n\}</c> repeats,
/// <c>\1</c>–<c>\9</c> refer back, and glibc adds <c>\| \+ \?</c>, <c>\w \W \s \S</c>, <c>\b \B \&lt; \&gt;</c> and
/// <c>\` \'</c>; <c>*</c> or <c>\{</c> after a repeat (<c>a**</c>) is refused, <c>\+</c> or <c>\?</c> repeats the repeat. <c>*</c> is ordinary at the start of the expression or of a group (or after a leading <c>^</c>), <c>^</c>
/// an anchor only there and <c>$</c> only at the end of the expression or of a group. In a bracket expression a backslash
/// is ordinary, a <c>]</c> first is ordinary, and <c>[:alpha:]</c> and the other classes are the C locale's (ASCII).
/// </remarks>
internal static class PosixBre
{
    /// <summary>The options the translation is meant for: <c>.</c> takes a newline too (no <c>REG_NEWLINE</c>), and case counts.</summary>
    public const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.Singleline;

    // The C locale's classes, as .NET class contents.
    private static readonly Dictionary<string, string> Classes = new(StringComparer.Ordinal)
    {
        ["alpha"] = "a-zA-Z", ["digit"] = "0-9", ["alnum"] = "a-zA-Z0-9", ["upper"] = "A-Z", ["lower"] = "a-z",
        ["space"] = " \\t\\n\\v\\f\\r", ["blank"] = " \\t", ["punct"] = "!-/:-@\\[-`{-~", ["print"] = " -~", ["graph"] = "!-~",
        ["cntrl"] = "\\x00-\\x1F\\x7F", ["xdigit"] = "0-9A-Fa-f",
    };

    private const string Word = "[A-Za-z0-9_]", NotWord = "[^A-Za-z0-9_]";

    /// <summary>The expression in .NET's syntax, for <see cref="Options"/> and an unanchored search.</summary>
    /// <param name="bre">A POSIX basic regular expression.</param>
    /// <exception cref="ArgumentException">Not one (what <c>regcomp</c> refuses): the message names the position and what is wrong.</exception>
    public static string ToNet(string bre)
    {
        ArgumentNullException.ThrowIfNull(bre);
        var sb = new StringBuilder();
        var open = new Stack<(int Start, int Number)>(); // the groups open: where each starts in sb, and its number
        int opened = 0;
        var closed = new HashSet<int>(); // groups closed so far: a back reference may name only those
        bool atStart = true; // start of the expression, of a group or of an alternative: '*' is ordinary, '^' an anchor
        bool repeatable = false; // whether the last item is one a repeat may follow
        int itemStart = 0; // where that item starts in sb
        bool repeated = false; // whether it already has a repeat
        int i = 0;

        void Atom(string net)
        {
            repeatable = true;
            itemStart = sb.Length;
            sb.Append(net);
            repeated = false;
            atStart = false;
        }

        ArgumentException Bad(int at, string what) =>
            new(string.Create(CultureInfo.InvariantCulture, $"position {at}: {what}"));

        void Repeat(string quantifier, int at)
        {
            if (repeated)
            {
                // glibc's basic syntax (RE_CONTEXT_INVALID_DUP) refuses * or \{ after a repeat (a**, a\+*, a\{2\}*), and takes
                // \+ or \? as a repeat of the repeated item (a*\? is (a*)?; in .NET a*? would be a lazy a*).
                if (quantifier is not ("+" or "?")) throw Bad(at, $"{bre[at..i]} repeats a repeat");
                sb.Insert(itemStart, "(?:").Append(')');
            }
            sb.Append(quantifier);
            repeated = true;
        }

        while (i < bre.Length)
        {
            char c = bre[i];
            int at = i++;
            switch (c)
            {
                case '^' when atStart:
                    // A '*' after it is still ordinary (nothing to repeat), a second '^' is.
                    sb.Append('^');
                    repeatable = false;
                    atStart = false;
                    break;
                case '$' when i == bre.Length || bre.AsSpan(i).StartsWith("\\)") || bre.AsSpan(i).StartsWith("\\|"):
                    // .NET's $ also matches before a last newline; regexec's only at the end.
                    sb.Append("\\z");
                    repeatable = false;
                    atStart = false;
                    break;
                case '*' when atStart:
                    Atom("\\*");
                    break;
                case '*':
                    if (!repeatable) Atom("\\*");
                    else Repeat("*", at);
                    break;
                case '.':
                    Atom(".");
                    break;
                case '[':
                    Atom(Bracket(bre, ref i, at, Bad));
                    break;
                case '\\':
                    if (i == bre.Length) throw Bad(at, "a trailing backslash");
                    char n = bre[i++];
                    switch (n)
                    {
                        case '(':
                            open.Push((sb.Length, ++opened));
                            sb.Append('(');
                            repeatable = false;
                            atStart = true;
                            break;
                        case ')':
                            if (open.Count == 0) throw Bad(at, "\\) closes no \\(");
                            var (start, number) = open.Pop();
                            sb.Append(')');
                            closed.Add(number);
                            repeatable = true;
                            itemStart = start;
                            repeated = false;
                            atStart = false;
                            break;
                        case '|':
                            sb.Append('|');
                            repeatable = false;
                            atStart = true;
                            break;
                        case '{':
                            {
                                int close = bre.IndexOf("\\}", i, StringComparison.Ordinal);
                                if (close < 0) throw Bad(at, "\\{ is never closed by \\}");
                                string inner = bre[i..close];
                                // glibc also takes \{,n\}, from 0.
                                var m = Regex.Match(inner, @"^(\d*)(,(\d*))?$", RegexOptions.CultureInvariant);
                                if (!m.Success || (m.Groups[1].Length == 0 && !m.Groups[2].Success))
                                    throw Bad(at, $"\\{{{inner}\\}} is no repeat count (\\{{m\\}}, \\{{m,\\}}, \\{{m,n\\}} or \\{{,n\\}})");
                                // RE_DUP_MAX: glibc refuses more.
                                string loText = m.Groups[1].Length == 0 ? "0" : m.Groups[1].Value;
                                if (!int.TryParse(loText, NumberStyles.None, CultureInfo.InvariantCulture, out int lo) || lo > 0x7fff
                                    || (m.Groups[3].Length > 0 && (!int.TryParse(m.Groups[3].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int hi) || hi > 0x7fff || hi < lo)))
                                    throw Bad(at, $"\\{{{inner}\\}} is no valid repeat count (at most 32767, the first no larger than the second)");
                                if (!repeatable) throw Bad(at, "\\{ repeats nothing");
                                i = close + 2;
                                Repeat("{" + loText + m.Groups[2].Value + "}", at);
                                break;
                            }
                        case >= '1' and <= '9':
                            if (!closed.Contains(n - '0')) throw Bad(at, $"\\{n} refers to no group closed before it");
                            Atom($"\\k<{n}>");
                            break;
                        case '+' or '?' when repeatable:
                            Repeat(n.ToString(), at);
                            break;
                        case 'w':
                            Atom(Word);
                            break;
                        case 'W':
                            Atom(NotWord);
                            break;
                        case 's':
                            Atom("[ \\t\\n\\v\\f\\r]");
                            break;
                        case 'S':
                            Atom("[^ \\t\\n\\v\\f\\r]");
                            break;
                        case 'b':
                            sb.Append($"(?:(?<={Word})(?!{Word})|(?<!{Word})(?={Word}))");
                            repeatable = false;
                            atStart = false;
                            break;
                        case 'B':
                            sb.Append($"(?:(?<={Word})(?={Word})|(?<!{Word})(?!{Word}))");
                            repeatable = false;
                            atStart = false;
                            break;
                        case '<':
                            sb.Append($"(?<!{Word})(?={Word})");
                            repeatable = false;
                            atStart = false;
                            break;
                        case '>':
                            sb.Append($"(?<={Word})(?!{Word})");
                            repeatable = false;
                            atStart = false;
                            break;
                        case '`':
                            sb.Append("\\A");
                            repeatable = false;
                            atStart = false;
                            break;
                        case '\'':
                            sb.Append("\\z");
                            repeatable = false;
                            atStart = false;
                            break;
                        default:
                            // Any other escaped character is itself: \. \* \[ \^ \$ \\, and \+ or \? with nothing to repeat.
                            Atom(Regex.Escape(n.ToString()));
                            break;
                    }
                    break;
                default:
                    // ( ) { } | + ? and every other character are ordinary in a basic expression.
                    Atom(Regex.Escape(c.ToString()));
                    break;
            }
        }
        if (open.Count > 0) throw Bad(bre.Length, "a \\( is never closed by \\)");
        return sb.ToString();
    }

    // A bracket expression from just after its '[' to just after its ']', as a .NET class.
    private static string Bracket(string bre, ref int i, int at, Func<int, string, ArgumentException> bad)
    {
        var sb = new StringBuilder("[");
        if (i < bre.Length && bre[i] == '^')
        {
            sb.Append('^');
            i++;
        }
        int first = i;
        while (true)
        {
            if (i >= bre.Length) throw bad(at, "a [ is never closed by ]");
            char c = bre[i];
            if (c == ']' && i > first)
            {
                i++;
                break;
            }
            if (c == '[' && i + 1 < bre.Length && bre[i + 1] == ':')
            {
                int end = bre.IndexOf(":]", i + 2, StringComparison.Ordinal);
                if (end < 0) throw bad(i, "a [: is never closed by :]");
                string name = bre[(i + 2)..end];
                if (!Classes.TryGetValue(name, out string? members)) throw bad(i, $"[:{name}:] is no character class ({string.Join(", ", Classes.Keys)})");
                sb.Append(members);
                i = end + 2;
                continue;
            }
            char low = Element(bre, ref i, bad);
            // A range: '-' between two elements; a '-' first or last is itself.
            if (i + 1 < bre.Length && bre[i] == '-' && bre[i + 1] != ']')
            {
                i++;
                int rangeAt = i;
                if (bre[i] == '[' && i + 1 < bre.Length && bre[i + 1] == ':') throw bad(rangeAt, "a range cannot end in a character class");
                char high = Element(bre, ref i, bad);
                if (high < low) throw bad(rangeAt, $"the range {low}-{high} ends before it starts");
                sb.Append(Member(low)).Append('-').Append(Member(high));
            }
            else sb.Append(Member(low));
        }
        return sb.Append(']').ToString();
    }

    // One character of a bracket expression: itself, or a collating symbol [.c.] or an equivalence class [=c=] of one character.
    private static char Element(string bre, ref int i, Func<int, string, ArgumentException> bad)
    {
        if (bre[i] == '[' && i + 1 < bre.Length && bre[i + 1] is '.' or '=')
        {
            char kind = bre[i + 1];
            int end = bre.IndexOf(kind + "]", i + 2, StringComparison.Ordinal);
            if (end != i + 3) throw bad(i, $"[{kind}…{kind}] holds one character here (the C locale has no others)");
            char one = bre[i + 2];
            i = end + 2;
            return one;
        }
        return bre[i++];
    }

    // A character inside a .NET class, escaped where .NET gives it a meaning there.
    private static string Member(char c) => c is '\\' or ']' or '[' or '^' or '-' ? "\\" + c : c.ToString();
}
