using ConvVerify.Cases;
using ConvVerify.Problems;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Problems;

/// <summary>benchdnn's batch-file language as <c>--batch</c> reads it: options, combinations, includes, skips.</summary>
public class BatchLanguageTests
{
    private string _dir = "";

    [SetUp]
    public void MakeFolder() => _dir = Directory.CreateTempSubdirectory("convverify-batch-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_dir, recursive: true);

    private static IReadOnlyList<BatchEntry> Read(string text) => BatchFile.ReadText(text, "t", directory: null);

    private string Write(string relative, string text)
    {
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void ACommentStartsOnlyAtATokensStart()
    {
        // benchdnn reads mb1ic1iw3oc1kw1#pw1 as one token, no problem: here too (it was a pw0 problem, the rest a comment),
        // and a name may hold '#' (it was cut, and the entry refused as a quote never closed).
        var e = Read("mb1ic1iw3oc1kw1#pw1\nmb1ic1iw3oc1kw1n\"a#1\"  # a comment mb1ic1iw5oc1kw1\n#mb1ic1iw7oc1kw1\n");
        Assert.That(e, Has.Count.EqualTo(2));
        Assert.That((e[0].Descriptor, e[0].SkipKind, e[0].Problem), Is.EqualTo(("mb1ic1iw3oc1kw1#pw1", BatchSkipKind.Invalid, (ConvProblem?)null)));
        Assert.That(e[0].Skip, Does.Contain("'#pw1'"));
        Assert.That((e[1].SkipKind, e[1].Problem?.Name), Is.EqualTo((BatchSkipKind.None, "a#1")));
    }

    [TestCase("--dir=BWD_D,", "--dir=BWD_D, has an empty item (benchdnn refuses the list)", "--dir=BWD_D")]
    [TestCase("--dt=f64,", "--dt=f64, has an empty item (benchdnn refuses the list)", "--dt=f64")]
    [TestCase("--mb=3,", "--mb=3, has an empty item (benchdnn refuses the list)", "--mb=3")]
    [TestCase("--cfg=,f32", "--cfg=,f32 has an empty item (benchdnn refuses the list)", "--cfg=f32")]
    public void AnEmptyItemOfAListIsRefusedNotTakenAsTheDefault(string option, string reason, string options)
    {
        // It added a combination at the default (every direction, the run's dtypes, the written minibatch) silently.
        var e = Read($"{option} mb1ic1iw3oc1kw1\n--reset mb1ic1iw4oc1kw1\n");
        Assert.That(e.Select(x => (x.Options, x.SkipKind, x.Skip)), Is.EqualTo(new[]
        {
            (options, BatchSkipKind.Invalid, reason),
            ("", BatchSkipKind.None, null),
        }));
        // Under --strict an invalid entry is an error: the selection lists it among the input's warnings.
        string path = Write("empty-item", $"{option} mb1ic1iw3oc1kw1\n");
        Assert.That(CaseSelection.Resolve(null, path, [], "f32", "integer", "question").InputWarnings().Single(), Does.Contain(reason));
        // An empty value alone is the default, and other options' empty items are meant (--attr-post-ops=,linear:2:1).
        Assert.That(Read("--dir= mb1ic1iw3oc1kw1\n").Single().SkipKind, Is.EqualTo(BatchSkipKind.None));
        Assert.That(Read("--attr-post-ops=,linear:2:1 mb1ic1iw3oc1kw1\n").Select(x => x.SkipKind), Is.EqualTo(new[] { BatchSkipKind.None, BatchSkipKind.Option }));
    }

    [Test]
    public void AFileOfCommentsOnlyIsAnEmptySetNotAnError()
    {
        Assert.That(Read("# a comment\n\n   # another\n"), Is.Empty);
        var selection = CaseSelection.Resolve(null, Write("empty", "# nothing\n"), [], "f32", "integer", "question");
        Assert.That(selection.Problems, Is.Empty);
        Assert.That(selection.Summary(), Does.StartWith("0 problems from"));
    }

    [Test]
    public void DirDecidesTheBiasAsBenchdnnDoes()
    {
        // benchdnn: FWD_B and BWD_WB always have a bias; FWD_D, FWD_I, BWD_W only with a --bia-dt other than undef.
        var e = Read("mb1ic2ih4oc2kh3\n--dir=FWD_B mb1ic2ih4oc2kh3 --dir=FWD_D mb1ic2ih4oc2kh3 --dir=FWD_I mb1ic2ih4oc2kh3\n"
            + "--dir=BWD_D mb1ic2ih4oc2kh3 --dir=BWD_W mb1ic2ih4oc2kh3 --dir=BWD_WB mb1ic2ih4oc2kh3\n--bia-dt=f32 --dir=BWD_W mb1ic2ih4oc2kh3\n");
        Assert.That(e.Select(x => (x.Dir, x.Problem!.HasBias)), Is.EqualTo(new (string?, bool)[]
        {
            (null, true), ("FWD_B", true), ("FWD_D", false), ("FWD_I", false), ("BWD_D", false), ("BWD_W", false), ("BWD_WB", true), ("BWD_W", true),
        }));
    }

    [Test]
    public void DirDecidesTheDirections()
    {
        Assert.Multiple(() =>
        {
            Assert.That(CaseSelection.DirectionsOf(null, true), Is.Null);
            Assert.That(CaseSelection.DirectionsOf("FWD_B", true), Is.EqualTo(new[] { Direction.Forward }));
            Assert.That(CaseSelection.DirectionsOf("FWD_I", false), Is.EqualTo(new[] { Direction.Forward }));
            Assert.That(CaseSelection.DirectionsOf("BWD_D", false), Is.EqualTo(new[] { Direction.BackwardData }));
            Assert.That(CaseSelection.DirectionsOf("BWD_W", false), Is.EqualTo(new[] { Direction.BackwardWeights }));
            Assert.That(CaseSelection.DirectionsOf("BWD_WB", true), Is.EqualTo(new[] { Direction.BackwardWeights, Direction.BackwardBias }));
        });
    }

    [Test]
    public void CommaSeparatedValuesRunEveryCombination()
    {
        var e = Read("--dir=FWD_B,BWD_D --dt=f32,f64 mb1ic2ih4oc2kh3\n");
        Assert.That(e.Select(x => (x.Dir, x.Problem!.DType)), Is.EqualTo(new (string?, DType)[]
        {
            ("FWD_B", DType.Float32), ("FWD_B", DType.Float64), ("BWD_D", DType.Float32), ("BWD_D", DType.Float64),
        }));
        Assert.That(e.All(x => x.DTypeGiven));
        Assert.That(e[1].Options, Is.EqualTo("--dir=FWD_B --dt=f64"));
    }

    [TestCase("f32", DType.Float32)]
    [TestCase("f64", DType.Float64)]
    [TestCase("f32:f32:f32", DType.Float32)]
    [TestCase("bf16", DType.BFloat16)]
    [TestCase("f16", DType.Float16)]
    [TestCase("bf16:bf16:bf16", DType.BFloat16)]
    public void SupportedDTypesMap(string dt, DType expected)
    {
        Assert.That(BatchFile.DTypeOf(dt, out string? why), Is.EqualTo(expected));
        Assert.That(why, Is.Null);
        Assert.That(Read($"--dt={dt} mb1ic2ih4oc2kh3")[0].Problem!.DType, Is.EqualTo(expected));
        Assert.That(Read($"--cfg={dt} mb1ic2ih4oc2kh3")[0].Problem!.DType, Is.EqualTo(expected));
    }

    [TestCase("bf16:bf16:f32")]
    [TestCase("f16:f16:f32")]
    [TestCase("s8:s8:f32")]
    [TestCase("f32:f32:f64")]
    [TestCase("u8")]
    public void OtherDTypesSkipTheirCasesNamingTheDType(string dt)
    {
        var e = Read($"--dt={dt},f32 mb1ic2ih4oc2kh3");
        Assert.That(e, Has.Count.EqualTo(2));
        Assert.That(e[0].Problem, Is.Null);
        Assert.That(e[0].SkipKind, Is.EqualTo(BatchSkipKind.DType));
        Assert.That(e[0].Skip, Is.EqualTo($"dtype {dt} not supported"));
        Assert.That(e[1].Problem!.DType, Is.EqualTo(DType.Float32));
    }

    [Test]
    public void ABiasOfAnotherDTypeIsSkipped()
    {
        var e = Read("--dir=FWD_D --bia-dt=f16 mb1ic2ih4oc2kh3 --dir=FWD_B mb1ic2ih4oc2kh3");
        Assert.That(e[0].SkipKind, Is.EqualTo(BatchSkipKind.DType));
        Assert.That(e[0].Skip, Does.Contain("bias dtype f16"));
        // FWD_B takes its bias in f32 whatever --bia-dt says.
        Assert.That(e[1].Problem!.HasBias, Is.True);
    }

    [Test]
    public void AnyOtherOptionSkipsTheCasesItGovernsNamingIt()
    {
        var e = Read("--attr-post-ops=,relu mb1ic2ih4oc2kh3\n--attr-post-ops= --strides=:: mb1ic2ih5oc2kh3 --strides=1x2x3x4:: mb1ic2ih6oc2kh3 --mode=P mb1ic2ih7oc2kh3");
        Assert.That(e.Select(x => x.Skip), Is.EqualTo(new string?[]
        {
            null,
            "option --attr-post-ops=relu is not supported (it changes what is computed)",
            null,
            "option --strides=1x2x3x4:: is not supported (it changes what is computed)",
            "option --mode=P is not supported (it changes what is computed)",
        }));
        Assert.That(e.Where(x => x.Skip is not null).Select(x => x.SkipKind), Is.All.EqualTo(BatchSkipKind.Option));
    }

    [Test]
    public void ResetRestoresEveryDefault()
    {
        var e = Read("--dir=BWD_D --mb=7 --dt=f64 --attr-post-ops=relu --match=x\n--reset\nmb1ic2ih4oc2kh3\n");
        Assert.That(e, Has.Count.EqualTo(1));
        Assert.That((e[0].Dir, e[0].Problem!.Mb, e[0].Problem!.DType, e[0].DTypeGiven, e[0].Options), Is.EqualTo(((string?)null, 1, DType.Float32, false, "")));
    }

    [Test]
    public void MbReplacesTheWrittenMinibatchAndZeroKeepsIt()
    {
        var e = Read("--mb=3 mb1ic2ih4oc2kh3 ic2ih4oc2kh3 --mb=0 mb5ic2ih4oc2kh3 ic2ih4oc2kh3");
        // benchdnn's default minibatch is 2.
        Assert.That(e.Select(x => x.Problem!.Mb), Is.EqualTo(new[] { 3, 3, 5, 2 }));
        Assert.That(Read("--mb=x mb1ic2ih4oc2kh3")[0].Skip, Does.Contain("--mb=x"));
    }

    [Test]
    public void LayoutsAndAlgorithmsAreRecordedAsNotesAndTaken()
    {
        var e = Read("--stag=axb --wtag=abx --alg=wino --skip-impl=ref mb1ic2ih4oc2kh3");
        Assert.That(e[0].Problem, Is.Not.Null);
        Assert.That(e[0].Notes, Has.Count.EqualTo(4));
        Assert.That(string.Join("\n", e[0].Notes), Does.Contain("channels-last").And.Contain("contiguous").And.Contain("--tolerance sound").And.Contain("--skip-impl=ref"));
    }

    [Test]
    public void MatchSearchesBenchdnnsProblemString()
    {
        // benchdnn searches its problem string, the options it prints and the descriptor as it prints it, with a POSIX
        // basic expression: "(" is an ordinary character there, "[" opens a bracket expression.
        var e = Read("--match=.*keep.* mb1ic2ih4oc2kh3n\"keep\" mb1ic2ih5oc2kh3n\"drop\" --match=--dir=BWD_D.* --dir=BWD_D mb1ic2ih6oc2kh3 --match=( mb1ic2ih7oc2kh3n\"(\" --match=[ mb1ic2ih7oc2kh3");
        Assert.That(e.Select(x => x.SkipKind), Is.EqualTo(new[] { BatchSkipKind.None, BatchSkipKind.Match, BatchSkipKind.None, BatchSkipKind.None, BatchSkipKind.Invalid }));
        Assert.That(e[1].Skip, Is.EqualTo("not matched by --match=.*keep.*"));
        Assert.That(e[4].Skip, Is.EqualTo("--match=[ is not a POSIX basic regular expression, as benchdnn compiles it: position 0: a [ is never closed by ]"));
    }

    [Test]
    public void AnInvalidDescriptorIsASkippedEntryNamingTheParameter()
    {
        var e = Read("mb1ic2ih4oc2kh9\nmb1ic2ih4oc2kh3\n");
        Assert.That(e[0].SkipKind, Is.EqualTo(BatchSkipKind.Invalid));
        Assert.That(e[0].Skip, Does.Contain("kh"));
        Assert.That(e[0].Where, Is.EqualTo("t:1"));
        Assert.That(e[1].Problem, Is.Not.Null);
    }

    [Test]
    public void ABackslashContinuesAnOptionOnTheNextLine()
    {
        var e = Read("--dir=FWD_B, \\\n     BWD_D,\\\nBWD_W\nmb1ic2ih4oc2kh3\n");
        Assert.That(e.Select(x => x.Dir), Is.EqualTo(new[] { "FWD_B", "BWD_D", "BWD_W" }));
        Assert.That(e[0].Line, Is.EqualTo(4));
    }

    [Test]
    public void IncludesAreRelativeToTheIncludingFileAndOptionsOutliveThem()
    {
        string a = Write("a", "--dir=BWD_D\n--batch=sub/b\nmb1ic2ih6oc2kh3\n");
        Write("sub/b", "mb1ic2ih4oc2kh3\n--dir=FWD_B\n--batch=c\n");
        Write("sub/c", "# c\nmb1ic2ih5oc2kh3\n");
        var e = BatchFile.Read(a);
        Assert.That(e.Select(x => (x.Problem!.Input[0], x.Dir, Path.GetFileName(x.File), x.Line)), Is.EqualTo(new (int, string?, string, int)[]
        {
            (4, "BWD_D", "b", 1), (5, "FWD_B", "c", 2), (6, "FWD_B", "a", 3),
        }));
    }

    [Test]
    public void AnIncludeCycleIsASkippedEntryNamingTheLoop()
    {
        string a = Write("a", "mb1ic2ih4oc2kh3\n--batch=b\n");
        Write("b", "--batch=a\nmb1ic2ih5oc2kh3\n");
        var e = BatchFile.Read(a);
        Assert.That(e, Has.Count.EqualTo(3));
        Assert.That(e[1].SkipKind, Is.EqualTo(BatchSkipKind.Include));
        Assert.That(e[1].Skip, Is.EqualTo("--batch=a: include cycle (a → b → a)"));
        Assert.That(e[2].Problem!.Input[0], Is.EqualTo(5));
    }

    [Test]
    public void AMissingIncludeIsASkippedEntry()
    {
        var e = BatchFile.Read(Write("a", "--batch=nope\nmb1ic2ih4oc2kh3\n"));
        Assert.That(e[0].SkipKind, Is.EqualTo(BatchSkipKind.Include));
        Assert.That(e[0].Skip, Does.StartWith("--batch=nope: file not found"));
        Assert.That(e[1].Problem, Is.Not.Null);
    }

    [Test]
    public void TheCatalogStillRefusesWhatItCannotTake()
    {
        var e = Assert.Throws<DescriptorException>(() => BatchFile.Parse("--dt=f64\nmb1ic3ih5oc3kh3\n", "set"));
        Assert.That(e!.Message, Does.Contain("set:2").And.Contain("--dt=f64"));
    }
}
