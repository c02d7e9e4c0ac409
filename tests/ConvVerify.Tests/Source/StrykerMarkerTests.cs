using ConvVerify.Tests.Fixtures;

namespace ConvVerify.Tests.Source;

/// <summary>
/// The mutation score counts what Stryker runs; a <c>Stryker disable once</c> marker before a statement with a body hides
/// the body's mutants of the marked kind too (docs/mutation-testing.md, "Markers"). These tests keep every marker of the
/// product to the line it was written for, and show the scan finds what it must.
/// </summary>
public class StrykerMarkerTests
{
    // Read once for both product tests: parsing the library's sources is most of their time.
    private static readonly Lazy<List<(string File, List<(int Line, IReadOnlyList<string> Kinds)> Markers, List<HiddenMutant> Hidden)>> Product = new(() =>
    {
        string src = Path.Combine(CommittedPacks.Root, "src");
        return [.. Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(d => d is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .Select(f => (File.ReadAllText(f), Path.GetRelativePath(CommittedPacks.Root, f)))
            .Where(t => t.Item1.Contains("Stryker", StringComparison.OrdinalIgnoreCase))
            .Select(t => (t.Item2, StrykerMarkers.Scan(t.Item1)))
            .Select(t => (t.Item1, t.Item2.Markers, t.Item2.Hidden))];
    });

    /// <summary>
    /// Markers whose marked code holds several mutants of their kind (Stryker ignores them all), each one of which was
    /// reviewed as equivalent. Any other such marker fails the test, and so does an entry here that no marker matches.
    /// </summary>
    private static readonly (string File, string Kind, string Code, string Why)[] Reviewed =
    [
        ("src/ConvVerify/Cases/Inputs.Fast.cs", "Logical", "bool vectors = useVectors &&", "either && only chooses the vector path, which gives the same values"),
        ("src/ConvVerify/Cases/Inputs.Fast.cs", "Equality", "bool vectors = useVectors &&", "Count > 1 to < 1 or >= 1 chooses the path too (an accelerated Vector<ulong> has 2 lanes or more)"),
        ("src/ConvVerify/Cases/Inputs.Fast.cs", "Boolean", "if (fill == Fill.Integer || !vectors)", "the negated condition and the dropped ! choose the path"),
        ("src/ConvVerify/Comparison/TensorComparison.cs", "Arithmetic", "long liftedBytes", "a size handed to the collector as a hint"),
        ("src/ConvVerify/Convolution/Scratch.cs", "Equality", "length <= PoolLimit ?", "pooled or allocated, the array is long enough"),
        ("src/ConvVerify/Convolution/Scratch.cs", "all", "if (array.Length <= PoolLimit)", "whether an array goes back to the pool is memory only"),
        ("src/ConvVerify/Fixtures/Npy.cs", "Bitwise", "using var file = new FileStream(", "any buffer size, 0 (unbuffered) too, reads the same bytes"),
        ("src/ConvVerify/Problems/BatchFile.cs", "String", "var entry = new BatchEntry {", "both template strings are replaced by each entry's own"),
    ];

    private static bool Matches((string File, string Kind, string Code, string Why) r, string file, HiddenMutant h) =>
        r.File == file && r.Kind == h.Kind && h.MarkedCode?.StartsWith(r.Code, StringComparison.Ordinal) == true;

    [Test]
    public void NoMarkerOfTheProductHidesAMutantItWasNotMeantFor()
    {
        Assert.That(Product.Value.Sum(f => f.Markers.Count), Is.GreaterThan(50), "the product's markers were read");
        var found = Product.Value.SelectMany(f => f.Hidden.Select(h => (f.File, h))).ToList();
        Assert.That(found.Where(x => !Reviewed.Any(r => Matches(r, x.File, x.h))).Select(x => $"{x.File}: {x.h}"), Is.Empty,
            "move the marked code out of the statement's body, split the line, or drop the marker and list the survivor in docs/mutation-testing.md");
        Assert.That(Reviewed.Where(r => !found.Any(x => Matches(r, x.File, x.h))).Select(r => $"{r.File} {r.Kind} {r.Code}"), Is.Empty,
            "reviewed entries that no marker matches any more");
    }

    [Test]
    public void EveryMarkerOfTheProductNamesStrykersKinds()
    {
        var unknown = Product.Value.SelectMany(f => f.Markers
            .SelectMany(m => m.Kinds.Where(k => !StrykerMarkers.Kinds.Contains(k)).Select(k => $"{f.File}:{m.Line}: {k}")));
        Assert.That(unknown, Is.Empty);
    }

    private static string Method(string body) => "class C { void M(int a, int b, bool c, int[] xs) {\n" + body + "\n} }";

    // The traps: each marker (line 2 of the class text) also covers a mutant of its kind in a body or a block lambda.
    [TestCase("// Stryker disable once Equality : why\nif (a < b)\n    a = a == b ? 1 : 2;", "Equality", "a == b")]
    [TestCase("// Stryker disable once Equality : why\nfor (int i = 0; i < a; i++)\n{\n    if (i > b) break;\n}", "Equality", "i > b")]
    [TestCase("// Stryker disable once Arithmetic : why\nwhile (c)\n    a = a + b;", "Arithmetic", "a + b")]
    [TestCase("// Stryker disable once Logical : why\nforeach (int x in xs) c = c && x > 0;", "Logical", "c && x > 0")]
    [TestCase("// Stryker disable once Boolean : why\nif (c) { c = false; }", "Boolean", "false")]
    [TestCase("// Stryker disable once String : why\nusing (var s = new System.IO.StringReader(\"\"))\n    _ = s.ReadLine() + \"x\";", "String", "\"x\"")]
    [TestCase("// Stryker disable once Bitwise : why\ntry { a = a | b; } finally { }", "Bitwise", "a | b")]
    [TestCase("// Stryker disable once Linq : why\nswitch (a) { case 1: a = xs.Max(); break; }", "Linq", "xs.Max")]
    [TestCase("// Stryker disable once Update : why\nSystem.Threading.Tasks.Parallel.For(0, a, i => { a++; });", "Update", "a++")]
    [TestCase("// Stryker disable once Equality : why\nif (c) a = 1;\nelse if (a > 1) a = 0;", "Equality", "a > 1")]
    [TestCase("// Stryker disable once all : why\nif (c) a = -b;", "all", "-b")]
    [TestCase("// Stryker disable once Statement : why\nif (c) { M(a, b, c, xs); a = 1; M(a, b, c, xs); }", "Statement", "M(a, b, c, xs);")]
    [TestCase("// Stryker disable once Initializer : why\nif (c) { var o = new System.Text.StringBuilder { Capacity = 4 }; }", "Initializer", "{ Capacity = 4 }")]
    [TestCase("// Stryker disable once Linq : why\nif (c) { var r = System.StringComparison.Ordinal; _ = xs?.Max(); }", "Linq", ".Max")]
    [TestCase("// Stryker disable once String : why\nif (c) _ = string.IsNullOrEmpty(null);", "String", "string.IsNullOrEmpty")]
    [TestCase("switch (a)\n{\n// Stryker disable once Equality : why\ncase 1: c = a == b; break;\n}", "Equality", "a == b")]
    public void AHiddenMutantIsFound(string body, string kind, string code)
    {
        var hidden = StrykerMarkers.Hidden(Method(body)).ToList();
        Assert.That(hidden, Is.Not.Empty, body);
        Assert.That(hidden[0].Kind, Is.EqualTo(kind));
        Assert.That(hidden.Select(h => h.Code), Has.Some.Contains(code));
        Assert.That(hidden[0].ToString(), Does.StartWith($"marker at line {hidden[0].MarkerLine} ({kind}) also hides line "));
    }

    // A relational operator is two mutants (> to < and to >=): a marker meant for the equivalent one ignores the other too.
    [TestCase("// Stryker disable once Equality : why\nif (a > b) a = 1;", "Equality", 2)]
    [TestCase("// Stryker disable once Equality : why\nif (a < 0 || a + 64 > b) return;", "Equality", 4)]
    [TestCase("// Stryker disable once Bitwise : why\na = a >> 16;", "Bitwise", 2)]
    [TestCase("// Stryker disable once Conditional : why\na = c ? 1 : b > 0 ? 2 : 3;", "Conditional", 2)]
    [TestCase("// Stryker disable once String : why\nvar s = \"a\" + \"b\";", "String", 2)]
    public void SeveralMutantsOfTheKindInTheMarkedCodeAreFound(string body, string kind, int mutants)
    {
        var h = StrykerMarkers.Hidden(Method(body)).Single();
        Assert.That((h.Kind, h.MarkerLine, h.Line), Is.EqualTo((kind, 2, 3)));
        Assert.That(h.Code, Does.StartWith($"{mutants} mutants of its kind in the marked code itself: "));
    }

    [Test]
    public void AMarkerAfterCodeOnItsLineIsFound()
    {
        var h = StrykerMarkers.Hidden(Method("a = 1; // Stryker disable once Arithmetic : why\na = a + b;")).Single();
        Assert.That((h.MarkerLine, h.Kind), Is.EqualTo((2, "Arithmetic")));
        Assert.That(h.Code, Does.Contain("Stryker applies it to the next statement"));
    }

    // What markers are for: the header, the line itself, an expression lambda, a whole member, the one statement of a body.
    [TestCase("// Stryker disable once Equality : why\nif (a == b) a = 1;")]
    [TestCase("// Stryker disable once Equality : why\nfor (int i = 0; i != a; i++) a += i;")]
    [TestCase("// Stryker disable once Arithmetic : why\na = a + b;\na = a + b;")]
    [TestCase("// Stryker disable once Arithmetic : why\na = xs.Select(x => x + 1).Max();")]
    [TestCase("// Stryker disable once Statement : why\nif (!c) return;")]
    [TestCase("// Stryker disable once all : why\nif (c) System.Console.WriteLine();")]
    [TestCase("if (c) a = 1;\n// Stryker disable once Equality : why\nelse if (a == 1) a = 0;")]
    [TestCase("// Stryker disable once Equality : why\nvar v = a != b;\nif (a == b) a = 0;")]
    public void AMarkerOnItsOwnLineHidesNothingElse(string body)
    {
        Assert.That(StrykerMarkers.Markers(Method(body)).Count(), Is.EqualTo(1), "the marker was read");
        Assert.That(StrykerMarkers.Hidden(Method(body)), Is.Empty);
    }

    [Test]
    public void AMarkerOnAnElseIfCoversItsConditionAndItsBody()
    {
        string body = "if (c) a = 1;\n// Stryker disable once Equality : why\nelse if (a == 1) a = b == 2 ? 1 : 0;\nelse a = a != b ? 1 : 0;";
        var hidden = StrykerMarkers.Hidden(Method(body)).ToList();
        Assert.That(hidden.Select(h => (h.MarkerLine, h.Line, h.Code)), Is.EqualTo(new[] { (3, 4, "b == 2"), (3, 5, "a != b") }));
    }

    [Test]
    public void AMarkerBeforeAMemberCoversItWholeByIntent()
    {
        string code = "class C {\n// Stryker disable once Equality : why\nbool M(int a) { if (a > 1) return a == 2; return false; }\n}";
        Assert.That(StrykerMarkers.Markers(code).Single().Kinds, Is.EqualTo(new[] { "Equality" }));
        Assert.That(StrykerMarkers.Hidden(code), Is.Empty);
    }

    [Test]
    public void SeveralKindsAreReadAndEachIsLookedFor()
    {
        string body = "// Stryker disable once Logical, Arithmetic : why\nif (c || a == 0)\n    a = a * b;";
        Assert.That(StrykerMarkers.Markers(Method(body)).Single().Kinds, Is.EqualTo(new[] { "Logical", "Arithmetic" }));
        Assert.That(StrykerMarkers.Hidden(Method(body)).Select(h => (h.Kind, h.Code)), Is.EqualTo(new[] { ("Arithmetic", "a * b") }));
    }

    [Test]
    public void KindsAreReadAsWrittenSoAMissingCommaIsNamed()
    {
        string code = Method("// Stryker disable once Equality Arithmetic : why\na = a + b;");
        Assert.That(StrykerMarkers.Markers(code).Single().Kinds, Is.EqualTo(new[] { "Equality Arithmetic" }));
        Assert.That(StrykerMarkers.Kinds.Contains("Equality Arithmetic"), Is.False);
    }

    [Test]
    public void AnUnknownKindIsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => StrykerMarkers.Count(Microsoft.CodeAnalysis.CSharp.SyntaxFactory.IdentifierName("a"), "Equalty"))!;
        Assert.That(e.Message, Does.Contain("'Equalty'"));
        Assert.That(StrykerMarkers.Kinds.Contains("equality"), Is.True, "kinds are compared ignoring case, as Stryker reads them");
    }
}
