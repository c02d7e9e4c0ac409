using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ConvVerify.Tests.Source;

/// <summary>What a <c>Stryker disable once</c> marker hides beyond the one mutant it was written for.</summary>
/// <param name="MarkerLine">The marker's line (1-based).</param>
/// <param name="Kind">The mutator kind named by the marker that also covers <paramref name="Code"/>.</param>
/// <param name="Line">The hidden code's line (1-based).</param>
/// <param name="Code">The hidden expression or statement, or what else the marker covers.</param>
/// <param name="MarkedCode">When the marked code itself holds several mutants of the kind, that code (shortened); else null.</param>
public sealed record HiddenMutant(int MarkerLine, string Kind, int Line, string Code, string? MarkedCode = null)
{
    /// <inheritdoc/>
    public override string ToString() => $"marker at line {MarkerLine} ({Kind}) also hides line {Line}: {Code}";
}

/// <summary>
/// Finds what Stryker.NET's <c>// Stryker disable once KIND : reason</c> markers hide without meaning to. Stryker applies
/// such a marker to every mutant of the marked kind in the whole syntax node it stands before: before an <c>if</c>,
/// <c>for</c>, <c>using</c>, <c>try</c> or <c>switch</c> that is the condition or header the reason speaks of <b>and every
/// statement of its body</b>, before any statement the bodies of its block lambdas too, and in the marked code itself
/// every mutant of the kind (an <c>Equality</c> mark on <c>&gt;</c> ignores both <c>&gt;=</c> and <c>&lt;</c>). A killable
/// mutant so covered is silently left out of the score. So bodies must hold no mutant of the kinds a marker names, and
/// the marked code at most one of each; a marker after code on its line is a finding too (Stryker applies it to the next
/// statement). Members (a marker before a method or a property covers it whole, by intent) and local functions are not
/// checked.
/// </summary>
/// <remarks>
/// The kinds and what each mutates follow Stryker.NET's mutator list (docs/mutations.md of stryker-net); where a kind's
/// reach is uncertain the scan takes more rather than less, so a finding is for a reader to judge, and a clean scan is a
/// real one. <c>Statement</c> and <c>Block</c> remove statements and blocks: a marker of those kinds before a compound
/// statement can only mean its body, so they count only when the body holds more than one removable statement.
/// </remarks>
public static partial class StrykerMarkers
{
    /// <summary>The mutator kinds a marker may name (Stryker.NET 5's names, compared ignoring case), and <c>all</c>.</summary>
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "all", "Arithmetic", "Equality", "Logical", "Boolean", "Assignment", "Unary", "Update", "Checked", "Linq", "String",
        "Bitwise", "Initializer", "CollectionExpression", "Regex", "Math", "StringMethod", "NullCoalescing", "Conditional",
        "Statement", "Block",
    };

    private static readonly HashSet<string> LinqMethods =
    [
        "SingleOrDefault", "Single", "FirstOrDefault", "First", "Last", "LastOrDefault", "All", "Any", "Skip", "Take",
        "SkipWhile", "TakeWhile", "Min", "Max", "Sum", "Count", "Average", "OrderBy", "OrderByDescending", "ThenBy",
        "ThenByDescending", "Reverse", "AsEnumerable", "Union", "Intersect", "Concat", "Except", "MinBy", "MaxBy",
        "SkipLast", "TakeLast", "Order", "OrderDescending", "UnionBy", "IntersectBy", "ExceptBy", "DefaultIfEmpty",
        "ElementAt", "ElementAtOrDefault", "Distinct", "DistinctBy", "Prepend", "Append", "LongCount",
    ];

    private static readonly HashSet<string> StringMethods =
    [
        "Trim", "TrimStart", "TrimEnd", "ToUpper", "ToLower", "ToUpperInvariant", "ToLowerInvariant", "PadLeft", "PadRight",
        "StartsWith", "EndsWith", "Substring", "IndexOf", "LastIndexOf", "Replace", "ElementAt", "ElementAtOrDefault",
    ];

    [GeneratedRegex(@"^//\s*Stryker\s+disable\s+once\b(?<kinds>[^:]*)", RegexOptions.IgnoreCase)]
    private static partial Regex MarkerPattern();

    /// <summary>Every <c>disable once</c> marker of <paramref name="code"/>: its line and the kinds it names, as written.</summary>
    public static IEnumerable<(int Line, IReadOnlyList<string> Kinds)> Markers(string code) => Markers(Parse(code));

    /// <summary>
    /// What the markers of <paramref name="code"/> cover beyond the one mutant they were written for: mutants of the
    /// marked kinds in bodies, more than one mutant of a marked kind in the marked code itself, and markers after code
    /// on their line.
    /// </summary>
    public static IEnumerable<HiddenMutant> Hidden(string code) => Hidden(Parse(code));

    /// <summary><see cref="Markers(string)"/> and <see cref="Hidden(string)"/> of one parse.</summary>
    public static (List<(int Line, IReadOnlyList<string> Kinds)> Markers, List<HiddenMutant> Hidden) Scan(string code)
    {
        var tree = Parse(code);
        return ([.. Markers(tree)], [.. Hidden(tree)]);
    }

    private static IEnumerable<(int Line, IReadOnlyList<string> Kinds)> Markers(SyntaxTree tree) =>
        tree.GetRoot().DescendantTrivia().Select(Marker).Where(m => m.Kinds.Count > 0);

    private static IEnumerable<HiddenMutant> Hidden(SyntaxTree tree)
    {
        foreach (var trivia in tree.GetRoot().DescendantTrivia())
        {
            var (line, kinds) = Marker(trivia);
            if (kinds.Count == 0) continue;
            var token = trivia.Token;
            if (token.TrailingTrivia.Contains(trivia))
            {
                yield return new HiddenMutant(line, string.Join(",", kinds), line, "a marker after code on its line: Stryker applies it to the next statement");
                continue;
            }
            // The node the marker stands before: the largest one that starts at its token, short of a member (a marker
            // there covers the member whole, by intent) or a local function (likewise).
            SyntaxNode? target = token.Parent?.AncestorsAndSelf()
                .TakeWhile(n => n.GetFirstToken() == token && n is not MemberDeclarationSyntax)
                .LastOrDefault();
            if (target is null or LocalFunctionStatementSyntax) continue;
            var bodies = Bodies(target).ToList();
            var inBodies = bodies.SelectMany(b => b.DescendantNodesAndSelf()).ToHashSet();
            var own = target.DescendantNodesAndSelf().Where(n => !inBodies.Contains(n)).ToList();
            foreach (string kind in kinds.Where(Kinds.Contains))
            {
                // Removals (Statement, Block) can only mean a body, so they count there only when there are several.
                var hidden = kind.ToLowerInvariant() switch
                {
                    "statement" => Removable(inBodies),
                    "block" => Blocks(bodies),
                    "all" => inBodies.Where(n => Count(n, kind) > 0).Concat(Removable(inBodies)),
                    _ => inBodies.Where(n => Count(n, kind) > 0),
                };
                foreach (var n in hidden.OrderBy(n => n.SpanStart))
                    yield return new HiddenMutant(line, kind, LineOf(n), Shorten(n.ToString()));
                int mutants = own.Sum(n => Count(n, kind));
                string marked = Shorten(target.ToString());
                if (mutants > 1)
                    yield return new HiddenMutant(line, kind, LineOf(target), $"{mutants} mutants of its kind in the marked code itself: {marked}", marked);
            }
        }
    }

    private static int LineOf(SyntaxNode n) => n.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    private static SyntaxTree Parse(string code) =>
        CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Preview, DocumentationMode.None));

    private static (int Line, IReadOnlyList<string> Kinds) Marker(SyntaxTrivia trivia)
    {
        if (!trivia.IsKind(SyntaxKind.SingleLineCommentTrivia)) return (0, []);
        var m = MarkerPattern().Match(trivia.ToString());
        if (!m.Success) return (0, []);
        // As written, so that "Equality Arithmetic" (a missing comma, which Stryker reads as no kind it knows) is named.
        string[] kinds = [.. m.Groups["kinds"].Value.Split(',', StringSplitOptions.TrimEntries)];
        return (trivia.GetLocation().GetLineSpan().StartLinePosition.Line + 1, kinds);
    }

    /// <summary>What a marker before <paramref name="s"/> covers beyond its header: embedded statements, block lambdas.</summary>
    private static IEnumerable<SyntaxNode> Bodies(SyntaxNode s)
    {
        switch (s)
        {
            case ElseClauseSyntax e when e.Statement is IfStatementSyntax inner:
                foreach (var b in Bodies(inner)) yield return b;
                yield break;
            case ElseClauseSyntax e:
                yield return e.Statement;
                yield break;
            case IfStatementSyntax i:
                yield return i.Statement;
                if (i.Else is not null) yield return i.Else;
                break;
            case CommonForEachStatementSyntax f: yield return f.Statement; break;
            case ForStatementSyntax f: yield return f.Statement; break;
            case WhileStatementSyntax w: yield return w.Statement; break;
            case DoStatementSyntax d: yield return d.Statement; break;
            case UsingStatementSyntax u: yield return u.Statement; break;
            case LockStatementSyntax l: yield return l.Statement; break;
            case FixedStatementSyntax f: yield return f.Statement; break;
            case CheckedStatementSyntax c: yield return c.Block; break;
            case UnsafeStatementSyntax u: yield return u.Block; break;
            case LabeledStatementSyntax l: yield return l.Statement; break;
            case BlockSyntax b: yield return b; break;
            case TryStatementSyntax t:
                yield return t.Block;
                foreach (var c in t.Catches) yield return c.Block;
                if (t.Finally is not null) yield return t.Finally.Block;
                break;
            case SwitchStatementSyntax sw:
                foreach (var section in sw.Sections)
                    foreach (var st in section.Statements) yield return st;
                break;
            case SwitchSectionSyntax section:
                foreach (var st in section.Statements) yield return st;
                break;
        }
        // Block lambdas in the header (its condition, initializer or expression) are bodies too.
        var header = s.DescendantNodes(n => n == s || !IsBody(s, n)).Where(n => !IsBody(s, n));
        foreach (var f in header.OfType<AnonymousFunctionExpressionSyntax>())
            if (f.Block is { } block) yield return block;
    }

    private static bool IsBody(SyntaxNode s, SyntaxNode n) =>
        n.Parent == s && (n is ElseClauseSyntax or CatchClauseSyntax or FinallyClauseSyntax or SwitchSectionSyntax
            || n is StatementSyntax && s is StatementSyntax or ElseClauseSyntax or SwitchSectionSyntax);

    // Stryker removes calls, return;, throw and yield (not assignments, return of a value, or a switch section's flow):
    // more than one of them in a body cannot all be the one the marker meant.
    private static IEnumerable<SyntaxNode> Removable(IEnumerable<SyntaxNode> nodes)
    {
        var removable = nodes.Where(n => n is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax or AwaitExpressionSyntax }
            or ReturnStatementSyntax { Expression: null } or ThrowStatementSyntax or YieldStatementSyntax
            || n is BreakStatementSyntax or ContinueStatementSyntax or GotoStatementSyntax && n.Parent is not SwitchSectionSyntax).ToList();
        return removable.Count > 1 ? removable : [];
    }

    private static IEnumerable<SyntaxNode> Blocks(IEnumerable<SyntaxNode> bodies)
    {
        var blocks = bodies.SelectMany(b => b.DescendantNodesAndSelf()).OfType<BlockSyntax>().Where(b => b.Statements.Count > 0).ToList();
        return blocks.Count > 1 ? blocks : [];
    }

    /// <summary>How many mutants of <paramref name="kind"/> Stryker makes at <paramref name="n"/> itself (not its children).</summary>
    public static int Count(SyntaxNode n, string kind) => kind.ToLowerInvariant() switch
    {
        "all" => Kinds.Where(k => k is not ("all" or "Statement" or "Block")).Sum(k => Count(n, k)),
        "arithmetic" => n.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression or SyntaxKind.MultiplyExpression
            or SyntaxKind.DivideExpression or SyntaxKind.ModuloExpression ? 1 : 0,
        // <, >, <= and >= become two operators each (> to < and >=); == and != one.
        "equality" => n.Kind() switch
        {
            SyntaxKind.LessThanExpression or SyntaxKind.LessThanOrEqualExpression or SyntaxKind.GreaterThanExpression
                or SyntaxKind.GreaterThanOrEqualExpression or SyntaxKind.RelationalPattern => 2,
            SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression or SyntaxKind.IsPatternExpression => 1,
            _ => 0,
        },
        "logical" => n.Kind() is SyntaxKind.LogicalAndExpression or SyntaxKind.LogicalOrExpression
            or SyntaxKind.ExclusiveOrExpression or SyntaxKind.AndPattern or SyntaxKind.OrPattern ? 1 : 0,
        // Literals, a removed '!', and a negated condition of if, while, do and ?:.
        "boolean" => n.Kind() is SyntaxKind.TrueLiteralExpression or SyntaxKind.FalseLiteralExpression
            or SyntaxKind.LogicalNotExpression or SyntaxKind.IfStatement or SyntaxKind.WhileStatement
            or SyntaxKind.DoStatement or SyntaxKind.ConditionalExpression ? 1 : 0,
        "assignment" => n is AssignmentExpressionSyntax a && !a.IsKind(SyntaxKind.SimpleAssignmentExpression) ? 1 : 0,
        "unary" => n.Kind() is SyntaxKind.UnaryMinusExpression or SyntaxKind.UnaryPlusExpression or SyntaxKind.BitwiseNotExpression ? 1 : 0,
        "update" => n.Kind() is SyntaxKind.PreIncrementExpression or SyntaxKind.PreDecrementExpression
            or SyntaxKind.PostIncrementExpression or SyntaxKind.PostDecrementExpression ? 1 : 0,
        "checked" => n.IsKind(SyntaxKind.CheckedExpression) ? 1 : 0,
        // By name, wherever it is accessed (Stryker turns an enum's Any into All as readily as a call).
        "linq" => n is MemberAccessExpressionSyntax { Name.Identifier.Text: var a } && LinqMethods.Contains(a)
            || n is MemberBindingExpressionSyntax { Name.Identifier.Text: var b } && LinqMethods.Contains(b) ? 1 : 0,
        "string" => n.Kind() is SyntaxKind.StringLiteralExpression or SyntaxKind.InterpolatedStringExpression
            or SyntaxKind.Utf8StringLiteralExpression
            || n is MemberAccessExpressionSyntax { Name.Identifier.Text: "Empty" or "IsNullOrEmpty" or "IsNullOrWhiteSpace" } s
                && s.Expression.ToString() is "string" or "String" ? 1 : 0,
        // A shift becomes the other shift and, for >>, the unsigned one.
        "bitwise" => n.Kind() switch
        {
            SyntaxKind.LeftShiftExpression or SyntaxKind.RightShiftExpression or SyntaxKind.UnsignedRightShiftExpression => 2,
            SyntaxKind.BitwiseAndExpression or SyntaxKind.BitwiseOrExpression or SyntaxKind.ExclusiveOrExpression => 1,
            _ => 0,
        },
        "initializer" => n.Kind() is SyntaxKind.ArrayInitializerExpression or SyntaxKind.CollectionInitializerExpression
            or SyntaxKind.ComplexElementInitializerExpression or SyntaxKind.ObjectInitializerExpression ? 1 : 0,
        "collectionexpression" => n.IsKind(SyntaxKind.CollectionExpression) ? 1 : 0,
        "regex" => n is BaseObjectCreationExpressionSyntax o && o.ToString().Contains("Regex", StringComparison.Ordinal)
            || n is AttributeSyntax { Name: var an } && an.ToString().StartsWith("GeneratedRegex", StringComparison.Ordinal) ? 1 : 0,
        "math" => n is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: var e } } && e.ToString() is "Math" or "MathF" ? 1 : 0,
        "stringmethod" => n is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax m } && StringMethods.Contains(m.Name.Identifier.Text) ? 1 : 0,
        "nullcoalescing" => n.Kind() is SyntaxKind.CoalesceExpression or SyntaxKind.CoalesceAssignmentExpression ? 1 : 0,
        "conditional" => n.IsKind(SyntaxKind.ConditionalExpression) ? 1 : 0,
        "statement" or "block" => 0,
        _ => throw new ArgumentException($"kind: '{kind}' is not a Stryker.NET mutator kind ({string.Join(", ", Kinds)})", nameof(kind)),
    };

    private static string Shorten(string code)
    {
        string one = Regex.Replace(code, @"\s+", " ").Trim();
        return one.Length <= 100 ? one : one[..97] + "...";
    }
}
