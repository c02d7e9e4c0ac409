using System.Text.Json.Nodes;
using ConvVerify.Cases;
using ConvVerify.Fixtures;
using ConvVerify.Problems;
using ConvVerify.Tests.Properties;
using CsCheck;

namespace ConvVerify.Tests.Fixtures;

/// <summary>Hostile case.json files: each is read or refused with a <see cref="FixtureException"/> naming the file (and the field, where one is to blame).</summary>
public class CaseFilePropertyTests
{
    private static readonly string[] Fields =
        ["id", "descriptor", "name", "rank", "mb", "groups", "ic", "oc", "input", "kernel", "stride", "pad_begin", "pad_end", "dilation", "output", "bias", "dtype", "fill", "seed"];

    private static readonly string[] Optional = ["id", "descriptor", "name", "output"];

    private static readonly string[] ArrayFields = ["input", "kernel", "stride", "pad_begin", "pad_end", "dilation", "output"];

    // Values of every JSON type, and numbers at and past every edge an int, a ulong or an array length has.
    private static readonly string[] Values =
        ["null", "\"text\"", "\"\"", "true", "1.5", "{}", "[]", "1e30", "-1", "0", "1", "3", "2147483647", "-2147483648", "2147483648", "18446744073709551615",
         "18446744073709551616", "-0", "[null]", "[1, null]", "[\"1\"]", "[2147483647, 2147483647, 2147483647]", "[-1, -1, -1]", "[0, 0, 0]", "[[1]]", "\"float16\"", "\"uniform\""];

    private static readonly string[] RankValues = ["", "", "", "", "", "", "-1", "0", "4", "2147483647", "-2147483648"];

    /// <summary>One mutation of one field: removed, replaced by a literal, or an array resized.</summary>
    public sealed record Mutation(string Field, string Kind, string Value);

    /// <summary>A case.json and the mutations made to a valid one.</summary>
    public sealed record Case(string Json, Mutation[] Mutations, bool WithWarnings)
    {
        /// <inheritdoc/>
        public override string ToString() => string.Join("; ", Mutations.Select(m => $"{m.Kind} {m.Field} {m.Value}")) + $" (warnings {WithWarnings})\n{Json}";
    }

    private static readonly Gen<ConvProblem> Problems =
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[3, 7].Array[3], Gen.Int[1, 3].Array[3], Gen.Int[0, 1].Array[3])
            .Select(t => new ConvProblem(1, t.Item2, t.Item2 * 2, t.Item2 * t.Item3, t.Item4[..t.Item1], t.Item5[..t.Item1], padBegin: t.Item6[..t.Item1]));

    private static readonly Gen<Mutation> Mutations =
        Gen.Select(Gen.OneOf(Fields), Gen.Int[0, 99], Gen.OneOf(Values), Gen.Int[0, 2000])
            .Select((field, kind, value, n) => kind switch
            {
                < 15 => new Mutation(field, "remove", ""),
                < 70 => new Mutation(field, "set", value),
                < 85 => new Mutation(ArrayFields[n % ArrayFields.Length], "resize", (n % 5).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                < 90 => new Mutation(ArrayFields[n % ArrayFields.Length], "huge", n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                < 95 => new Mutation("extra", "set", value),
                _ => new Mutation("(text)", "truncate", n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            });

    private static readonly Gen<Case> Files =
        Gen.Select(Problems, Gen.Bool, Mutations.Array[0, 3], Gen.Bool, Gen.Bool.Array[4], Gen.OneOf(RankValues))
            .Select((p, integer, mutations, withWarnings, keep, rank) =>
        {
            var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(CaseFile.From(new ConvCase(p, integer ? Fill.Integer : Fill.Normal, 7))))!.AsObject();
            // Hand-made packs leave the optional fields out; a rank that is wrong on its own must be named before it is used.
            for (int i = 0; i < Optional.Length; i++)
                if (!keep[i]) json.Remove(Optional[i]);
            if (rank.Length > 0) mutations = [.. mutations, new Mutation("rank", "set", rank)];
            string? cut = null;
            foreach (var m in mutations)
            {
                switch (m.Kind)
                {
                    case "remove": json.Remove(m.Field); break;
                    case "set": json[m.Field] = JsonNode.Parse(m.Value); break;
                    case "resize": json[m.Field] = new JsonArray([.. Enumerable.Repeat(1, int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)).Select(v => (JsonNode)v)]); break;
                    case "huge": json[m.Field] = new JsonArray([.. Enumerable.Repeat(int.MaxValue, 1 + int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)).Select(v => (JsonNode)v)]); break;
                    default: cut = m.Value; break;
                }
            }
            string text = json.ToJsonString();
            if (cut is not null) text = text[..(int.Parse(cut, System.Globalization.CultureInfo.InvariantCulture) % (text.Length + 1))];
            return new Case(text, mutations, withWarnings);
        });

    private string _path = "";

    [SetUp]
    public void CreateFile() => _path = Property.ScratchFile(".json");

    [TearDown]
    public void DeleteFile() => File.Delete(_path);

    [Test]
    public void AnyCaseJsonIsReadOrRefusedNamingFileAndField()
    {
        int read = 0, refused = 0;
        Property.ForAll(Files, c =>
        {
            File.WriteAllText(_path, c.Json);
            var warnings = c.WithWarnings ? new List<string>() : null;
            try
            {
                var kase = CaseFile.Read(_path).ToCase(_path, warnings);
                Assert.That(kase.Problem.Rank, Is.InRange(1, 3));
                read++;
                // A key the reader does not know might change what the case means: never read past.
                Assert.That(c.Mutations.Any(m => m.Field == "extra"), Is.False, "a file with an unknown key was read");
                // Leaving out an optional field changes nothing.
                if (c.Mutations.All(m => m.Kind == "remove" && Optional.Contains(m.Field)))
                    return;
                Assert.That(c.Mutations, Is.Not.Empty);
            }
            catch (FixtureException e)
            {
                refused++;
                Assert.That(e.Message, Does.StartWith(_path + ": "));
                Assert.That(c.Mutations.All(m => m.Kind == "remove" && Optional.Contains(m.Field)), Is.False, $"a valid file was refused: {e.Message}");
                if (c.Mutations is [{ Field: "extra" }])
                    Assert.That(e.Message, Does.Contain("unknown key \"extra\""), "names the unknown key");
                // One field removed or of the wrong JSON type: the message must say which.
                if (c.Mutations is [{ Kind: "remove" or "set", Field: var field, Value: var value }] && !Optional.Contains(field) && field != "extra"
                    && (value.Length == 0 || value is "null" or "true" or "{}" or "[]" or "\"text\"" or "1.5" or "1e30" or "[null]" or "[[1]]"))
                    Assert.That(e.Message, Does.Contain(field), "names the field");
            }
        }, iterations: 3000, stream: 4, describe: c => c.ToString());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read, Is.GreaterThan(300), "files read");
            Assert.That(refused, Is.GreaterThan(300), "files refused");
        }
    }

    [TestCase("-1")]
    [TestCase("2147483647")]
    [TestCase("-2147483648")]
    [TestCase("0")]
    public void AnAbsurdRankWithoutOutputIsNamed(string rank)
    {
        var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(CaseFile.From(new ConvCase(new ConvProblem(1, 1, 1, 1, [3], [1]), Fill.Normal, 7))))!.AsObject();
        json.Remove("output");
        json["rank"] = JsonNode.Parse(rank);
        File.WriteAllText(_path, json.ToJsonString());
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.That(() => CaseFile.Read(_path).ToCase(_path),
            Throws.TypeOf<FixtureException>().With.Message.EqualTo($"{_path}: rank must be 1, 2 or 3, got {rank}"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
    }
}
