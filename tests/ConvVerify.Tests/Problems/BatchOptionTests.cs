using ConvVerify.Problems;

namespace ConvVerify.Tests.Problems;

/// <summary>
/// The batch language's options one by one: which are benchdnn's defaults (and vanish), which are noted and ignored,
/// which skip an entry and with what words, the order they are printed in, and the tokenizer's edges.
/// </summary>
public class BatchOptionTests
{
    private const string Desc = "mb1ic2ih4oc2kh3";

    private static IReadOnlyList<BatchEntry> Read(string text, string? directory = null, string? fallback = null) =>
        BatchFile.ReadText(text, "t", directory, fallback);

    private static BatchEntry One(string text)
    {
        var entries = Read(text);
        Assert.That(entries, Has.Count.EqualTo(1), string.Join("\n", entries));
        return entries[0];
    }

    [TestCase("--mb=0")]
    [TestCase("--mb=")]
    [TestCase("--dir=")]
    [TestCase("--stag=any")]
    [TestCase("--stag=")]
    [TestCase("--wtag=any")]
    [TestCase("--dtag=any")]
    [TestCase("--alg=direct")]
    [TestCase("--alg=")]
    [TestCase("--bia-dt=undef")]
    [TestCase("--bia-dt=")]
    [TestCase("--strides=::")]
    [TestCase("--strides=")]
    [TestCase("--allow-enum-tags-only=true")]
    [TestCase("--allow-enum-tags-only=1")]
    [TestCase("--allow-enum-tags-only=")]
    [TestCase("--impl=")]
    public void ADefaultValueIsNoOption(string option)
    {
        var e = One($"{option} {Desc}");
        Assert.That((e.Options, e.Notes.Count, e.SkipKind), Is.EqualTo(("", 0, BatchSkipKind.None)));
        Assert.That(e.Problem, Is.Not.Null);
    }

    [TestCase("--stag=abx", "--stag=abx: plain NC(D)(H)W, torch's contiguous kernels; layout does not change the mathematics", false)]
    [TestCase("--wtag=abcd", "--wtag=abcd: plain NC(D)(H)W, torch's contiguous kernels; layout does not change the mathematics", false)]
    [TestCase("--dtag=abc", "--dtag=abc: plain NC(D)(H)W, torch's contiguous kernels; layout does not change the mathematics", false)]
    [TestCase("--stag=abcde", "--stag=abcde: plain NC(D)(H)W, torch's contiguous kernels; layout does not change the mathematics", false)]
    [TestCase("--stag=acdb", "--stag=acdb: channels-last: torch computes the case in channels_last; layout does not change the mathematics", true)]
    [TestCase("--wtag=acdb", "--wtag=acdb: channels-last; torch follows the source's layout (--stag); layout does not change the mathematics", false)]
    [TestCase("--dtag=nhwc", "--dtag=nhwc: channels-last; torch follows the source's layout (--stag); layout does not change the mathematics", false)]
    [TestCase("--stag=aBcd16b", "--stag=aBcd16b: a blocked or other oneDNN layout; layout does not change the mathematics", false)]
    [TestCase("--alg=wino", "--alg=wino: benchdnn checks Winograd with a looser threshold; against torch the exact definition is checked (a Winograd implementation of your own goes with --tolerance sound)", false)]
    [TestCase("--alg=auto", "--alg=auto: the algorithm oneDNN picks; the definition checked is the same", false)]
    [TestCase("--impl=jit", "--impl=jit: chooses or configures oneDNN's implementation; ignored here", false)]
    [TestCase("--skip-impl=ref", "--skip-impl=ref: chooses or configures oneDNN's implementation; ignored here", false)]
    [TestCase("--allow-enum-tags-only=false", "--allow-enum-tags-only=false: chooses or configures oneDNN's implementation; ignored here", false)]
    [TestCase("--attr-scratchpad=user", "--attr-scratchpad=user: chooses or configures oneDNN's implementation; ignored here", false)]
    [TestCase("--cpu-isa-hints=prefer_ymm", "--cpu-isa-hints=prefer_ymm: chooses or configures oneDNN's implementation; ignored here", false)]
    [TestCase("--check-ref-impl=true", "--check-ref-impl=true: chooses or configures oneDNN's implementation; ignored here", false)]
    public void AnOptionThatLeavesTheMathematicsAloneIsNoted(string option, string note, bool channelsLast)
    {
        var e = One($"{option} {Desc}");
        Assert.That((e.SkipKind, e.Options, e.ChannelsLast), Is.EqualTo((BatchSkipKind.None, option, channelsLast)));
        Assert.That(e.Notes, Is.EqualTo(new[] { note }));
    }

    [TestCase("axb")]
    [TestCase("acb")]
    [TestCase("acdb")]
    [TestCase("acdeb")]
    [TestCase("nwc")]
    [TestCase("nhwc")]
    [TestCase("ndhwc")]
    public void EveryChannelsLastSourceTagIsSeen(string tag)
    {
        Assert.That(One($"--stag={tag} {Desc}").ChannelsLast, Is.True);
        Assert.That(One($"--wtag={tag} {Desc}").ChannelsLast, Is.False, "only the source's layout decides torch's");
    }

    [Test]
    public void OptionsPrintInBenchdnnsOrderAndMatchIsNotOne()
    {
        var e = One($"--match=.* --impl=x --mb=3 --alg=auto --dtag=abx --wtag=abx --stag=abx --bia-dt=f32 --cfg=f32 --dir=FWD_D {Desc}");
        Assert.That(e.Options, Is.EqualTo("--dir=FWD_D --cfg=f32 --bia-dt=f32 --stag=abx --wtag=abx --dtag=abx --alg=auto --mb=3 --impl=x"));
        Assert.That(e.SkipKind, Is.EqualTo(BatchSkipKind.None));
        Assert.That((e.Problem!.Mb, e.Problem.HasBias, e.DTypeGiven), Is.EqualTo((3, true, true)));
        Assert.That(One($"--mb=2 --dt=f64 {Desc}").Options, Is.EqualTo("--dt=f64 --mb=2"), "--dt ranks with --cfg");
    }

    [TestCase("--dir=XYZ", BatchSkipKind.Invalid, "--dir=XYZ is not a benchdnn direction (FWD_B, FWD_D, FWD_I, BWD_D, BWD_W, BWD_WB)")]
    [TestCase("--attr-post-ops=relu", BatchSkipKind.Option, "option --attr-post-ops=relu is not supported (it changes what is computed)")]
    [TestCase("--dt=u8", BatchSkipKind.DType, "dtype u8 not supported")]
    [TestCase("--dir=FWD_D --bia-dt=f16", BatchSkipKind.DType, "bias dtype f16 not supported (the bias has the data's dtype here)")]
    [TestCase("--dir=FWD_I --bia-dt=bf16", BatchSkipKind.DType, "bias dtype bf16 not supported (the bias has the data's dtype here)")]
    [TestCase("--dir=BWD_W --bia-dt=f64", BatchSkipKind.DType, "bias dtype f64 not supported (the bias has the data's dtype here)")]
    [TestCase("--dir=FWD_D --dt=f64 --bia-dt=f32", BatchSkipKind.DType, "bias dtype f32 not supported (the bias has the data's dtype here)")]
    [TestCase("--mb=x", BatchSkipKind.Invalid, "--mb=x is not a minibatch (expected a whole number from 0 to 2147483647; 0: as the descriptor says)")]
    // 2^31 and a number past long are non-negative integers: the reason names the range they are outside, as the command line's --mb does.
    [TestCase("--mb=2147483648", BatchSkipKind.Invalid, "--mb=2147483648 is not a minibatch (expected a whole number from 0 to 2147483647; 0: as the descriptor says)")]
    [TestCase("--mb=99999999999999999999", BatchSkipKind.Invalid, "--mb=99999999999999999999 is not a minibatch (expected a whole number from 0 to 2147483647; 0: as the descriptor says)")]
    [TestCase("--mb=-1", BatchSkipKind.Invalid, "--mb=-1 is not a minibatch (expected a whole number from 0 to 2147483647; 0: as the descriptor says)")]
    [TestCase("--match=xyz", BatchSkipKind.Match, "not matched by --match=xyz")]
    public void AnEntryIsSkippedWithItsReason(string options, BatchSkipKind kind, string reason)
    {
        var e = One($"{options} {Desc}");
        Assert.That((e.SkipKind, e.Skip, e.Problem), Is.EqualTo((kind, reason, (ConvProblem?)null)));
    }

    [TestCase("--dir=FWD_B --bia-dt=f16", true)]
    [TestCase("--dir=BWD_WB --bia-dt=f16", true)]
    [TestCase("--dir=FWD_D --dt=f64 --bia-dt=f64", true)]
    [TestCase("--dir=FWD_D --bia-dt=f32", true)]
    [TestCase("--dir=fwd_d", false)]
    [TestCase("--cfg=f64", true)]
    [TestCase("--dir=FWD_I --bia-dt=f32", true)]
    [TestCase("--dir=BWD_W --bia-dt=f32", true)]
    [TestCase("--dir=FWD_D --bia-dt=undef", false)]
    [TestCase("--dir=FWD_I --dt=f64 --bia-dt=undef", false)]
    [TestCase("--dir=BWD_D --bia-dt=f16", false)]
    public void AcceptedCombinations(string options, bool bias)
    {
        var e = One($"{options} {Desc}");
        Assert.That(e.SkipKind, Is.EqualTo(BatchSkipKind.None), e.Skip);
        Assert.That(e.Problem!.HasBias, Is.EqualTo(bias));
        if (options.Contains("fwd_d", StringComparison.Ordinal)) Assert.That(e.Dir, Is.EqualTo("FWD_D"), "directions are read in any case");
        if (options.Contains("f64", StringComparison.Ordinal) && !options.Contains("f16", StringComparison.Ordinal)) Assert.That(e.Problem.DType, Is.EqualTo(DType.Float64));
    }

    [Test]
    public void TheLargestMinibatchIsTooLargeForTheTensorsNotAnInvalidNumber()
    {
        var e = One($"--mb=2147483647 {Desc}");
        Assert.That(e.SkipKind, Is.EqualTo(BatchSkipKind.TooLarge));
        Assert.That(e.Skip, Does.StartWith("too large at --mb=2147483647: "));
    }

    [Test]
    public void ATooLargeDescriptorSaysSoAndAnInvalidOneDoesNot()
    {
        var large = One("mb1ic2ih99999999999oc2kh3");
        Assert.That((large.SkipKind, large.Skip), Is.EqualTo((BatchSkipKind.TooLarge, "too large: descriptor 'mb1ic2ih99999999999oc2kh3': 'ih99999999999' is too large")));
        var invalid = One("mb1ic2ih4oc2kh9");
        Assert.That(invalid.SkipKind, Is.EqualTo(BatchSkipKind.Invalid));
        Assert.That(invalid.Skip, Does.StartWith("descriptor 'mb1ic2ih4oc2kh9': "));
    }

    [Test]
    public void AMatchExpressionKeepsItsCommas()
    {
        var e = One($"--match=.\\{{1,\\}} {Desc}");
        Assert.That(e.SkipKind, Is.EqualTo(BatchSkipKind.None), e.Skip);
        var bad = One($"--match=\\{{1,\\}} {Desc}");
        Assert.That(bad.SkipKind, Is.EqualTo(BatchSkipKind.Invalid));
        Assert.That(bad.Skip, Is.EqualTo("--match=\\{1,\\} is not a POSIX basic regular expression, as benchdnn compiles it: position 0: \\{ repeats nothing"));
    }

    [Test]
    public void AMatchThatRunsAwayIsStoppedAfterASecondAndNotTriedAgain()
    {
        // \(a\|aa\)\+$ tries every way of splitting the a's before it sees the '!': exponential, so the one-second limit ends
        // it. A second for each of thousands of descriptors was hours: the first timeout stands for the rest (one test, one second).
        string text = Desc + "n" + new string('a', 80) + "!";
        var e = Read($"--match=\\(a\\|aa\\)\\+$ {text} {text}b {text}c");
        Assert.That(e.Select(x => x.SkipKind), Is.All.EqualTo(BatchSkipKind.Invalid));
        Assert.That(e.Select(x => x.Skip), Is.EqualTo(new[]
        {
            "--match=\\(a\\|aa\\)\\+$ took more than a second on this descriptor",
            "--match=\\(a\\|aa\\)\\+$ took more than a second at t:1; not tried again",
            "--match=\\(a\\|aa\\)\\+$ took more than a second at t:1; not tried again",
        }));
    }

    [Test]
    public void ResetForgetsTheOptionsInForce()
    {
        var e = Read($"--dir=BWD_D {Desc} --reset {Desc}");
        Assert.That(e.Select(x => x.Dir), Is.EqualTo(new[] { "BWD_D", null }));
    }

    [TestCase("--reset=1")]
    [TestCase("--resetx")]
    public void AnythingThatStartsAsResetResetsAsInBenchdnn(string reset)
    {
        // benchdnn's parse_reset compares the token's first seven characters only; --resetx was an unknown option at its
        // default here, changing nothing.
        var e = Read($"--dir=BWD_D --mb=3 {Desc} {reset} {Desc}");
        Assert.That(e.Select(x => (x.Dir, x.Options, x.SkipKind)), Is.EqualTo(new[] { ("BWD_D", "--dir=BWD_D --mb=3", BatchSkipKind.None), ((string?)null, "", BatchSkipKind.None) }));
    }

    [TestCase("--dir", "--dir has no '=VALUE' (benchdnn stops at it as an unknown option; only --reset is written without '=')")]
    [TestCase("--dt", "--dt has no '=VALUE' (benchdnn stops at it as an unknown option; only --reset is written without '=')")]
    [TestCase("--mb", "--mb has no '=VALUE' (benchdnn stops at it as an unknown option; only --reset is written without '=')")]
    [TestCase("--attr-post-ops", "--attr-post-ops has no '=VALUE' (benchdnn stops at it as an unknown option; only --reset is written without '=')")]
    [TestCase("--impl", "--impl has no '=VALUE' (benchdnn stops at it as an unknown option; only --reset is written without '=')")]
    [TestCase("--", "-- names no option (benchdnn stops at it as an unknown option)")]
    [TestCase("--=BWD_D", "--=BWD_D names no option (benchdnn stops at it as an unknown option)")]
    public void AnOptionWithoutAValueIsRefusedNotTakenAsItsDefault(string option, string reason)
    {
        // Each was the option at its default: --dir after --dir=BWD_D silently ran every direction, --mb the written
        // minibatch. benchdnn matches options by "--NAME=" and stops at these. As an empty item is, it is refused: every
        // descriptor under it an invalid entry naming it (a warning, --strict an error), until the option is given again
        // (a bare "--": until --reset).
        var e = Read($"--dir=BWD_D --mb=3 {Desc}\n{option}\n{Desc}\n--mb=3 --dir=FWD_B {Desc}\n--reset {Desc}\n");
        Assert.That(e.Select(x => (x.Line, x.SkipKind, x.Skip)), Is.EqualTo(new[]
        {
            (1, BatchSkipKind.None, null),
            (3, BatchSkipKind.Invalid, reason),
            (4, option is "--dir" or "--mb" ? BatchSkipKind.None : BatchSkipKind.Invalid, option is "--dir" or "--mb" ? null : reason),
            (5, BatchSkipKind.None, (string?)null),
        }));
        Assert.That(e[1].Problem, Is.Null);
    }

    [Test]
    public void AnIncludeWithoutAValueIsASkippedEntryNamingIt()
    {
        var e = Read($"--batch\n{Desc}\n", directory: Path.GetTempPath());
        Assert.That(e.Select(x => (x.Descriptor, x.SkipKind, x.Skip)), Is.EqualTo(new[]
        {
            ("--batch", BatchSkipKind.Include, "--batch has no '=VALUE' (benchdnn stops at it as an unknown option; only --reset is written without '=')"),
            (Desc, BatchSkipKind.None, (string?)null),
        }));
    }

    [TestCase("\u00a0")]
    [TestCase("\u2028")]
    [TestCase("\u3000")]
    [TestCase("\u0085")]
    public void OnlyAsciiWhiteSpaceSeparatesTokens(string space)
    {
        // benchdnn reads tokens with ">>", which splits at C's isspace only: "ic1ih5oc1kh3<NBSP>--dir=BWD_D" is one token
        // there, no descriptor. Split here, its --dir changed the direction of every later line.
        var e = Read($"ic1ih5oc1kh3{space}--dir=BWD_D\n{Desc}\n");
        Assert.That(e.Select(x => (x.Descriptor, x.SkipKind, x.Dir)), Is.EqualTo(new[]
        {
            ($"ic1ih5oc1kh3{space}--dir=BWD_D", BatchSkipKind.Invalid, (string?)null),
            (Desc, BatchSkipKind.None, (string?)null),
        }));
        // The six ASCII ones do separate, \v and \f too.
        Assert.That(Read($"--dir=BWD_D\v{Desc}\f{Desc}\t{Desc}\r\n").Select(x => x.Dir), Is.EqualTo(new[] { "BWD_D", "BWD_D", "BWD_D" }));
    }

    [Test]
    public void TheTokenizerGluesContinuationsOnceAndToleratesALeadingOne()
    {
        var glued = Read("mb1ic2\\\nih4oc2kh3\n");
        Assert.That(glued.Select(x => (x.Descriptor, x.Line)), Is.EqualTo(new[] { ("mb1ic2ih4oc2kh3", 1) }));
        var lone = Read($"\\\n{Desc}\n");
        Assert.That(lone.Select(x => x.Descriptor), Is.EqualTo(new[] { Desc }));
    }

    [Test]
    public void IncludesAreResolvedBesideTheFileOrInTheFallbackAndNamedAsWritten()
    {
        string dir = Directory.CreateTempSubdirectory("convverify-batchopt-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "a", "sub"));
            File.WriteAllText(Path.Combine(dir, "a", "sub", "inc"), Desc + "\n");
            string main = Path.Combine(dir, "a", "main");
            File.WriteAllText(main, "--batch=sub/inc\n");
            var fromFile = BatchFile.Read(main);
            Assert.That(fromFile.Select(x => (x.File, x.SkipKind)), Is.EqualTo(new[] { (Path.Combine(dir, "a", "sub/inc"), BatchSkipKind.None) }));

            var beside = Read("--batch=sub/inc", directory: Path.Combine(dir, "a"));
            Assert.That(beside.Select(x => (x.File, x.SkipKind)), Is.EqualTo(new[] { ("sub/inc", BatchSkipKind.None) }));
            var fallback = Read("--batch=sub/inc", fallback: Path.Combine(dir, "a"));
            Assert.That(fallback.Select(x => (x.File, x.SkipKind)), Is.EqualTo(new[] { ("sub/inc", BatchSkipKind.None) }));

            // Included by a file, but found only in the fallback: named where it was read, not beside the file (where the
            // name pointed to nothing).
            string other = Path.Combine(dir, "other");
            Directory.CreateDirectory(other);
            File.WriteAllText(Path.Combine(other, "main"), "--batch=sub/inc\n");
            var fromFallback = BatchFile.Read(Path.Combine(other, "main"), Path.Combine(dir, "a"));
            Assert.That(fromFallback.Select(x => (x.File, x.SkipKind)), Is.EqualTo(new[] { (Path.Combine(dir, "a", "sub", "inc"), BatchSkipKind.None) }));

            // Read from text with no folder of its own, an include found in the fallback is named as written.
            var fallbackFromNamedSource = BatchFile.ReadText("--batch=sub/inc", "x/t", null, Path.Combine(dir, "a"));
            Assert.That(fallbackFromNamedSource.Select(x => x.File), Is.EqualTo(new[] { "sub/inc" }));

            var missing = Read("--batch=nope", directory: dir);
            Assert.That(missing, Has.Count.EqualTo(1));
            Assert.That((missing[0].SkipKind, missing[0].Skip, missing[0].Options, missing[0].Descriptor),
                Is.EqualTo((BatchSkipKind.Include, $"--batch=nope: file not found (looked in {dir})", "", "--batch=nope")));
            string a = Path.Combine(dir, "a");
            var missingTwice = Read("--batch=nope", directory: dir, fallback: a);
            Assert.That(missingTwice.Single().Skip, Is.EqualTo($"--batch=nope: file not found (looked in {dir}, {a})"));

            // The probe: a folder, and no name at all, were "file not found (looked in ...)" in a folder that exists.
            Assert.That(Read("--batch=a", directory: dir).Single().Skip, Is.EqualTo($"--batch=a: {a} is a folder, not a batch file"));
            Assert.That(Read("--batch=sub/", directory: dir, fallback: a).Single().Skip, Is.EqualTo($"--batch=sub/: {Path.Combine(a, "sub")}{Path.DirectorySeparatorChar} is a folder, not a batch file"));
            Assert.That(Read("--batch=", directory: dir).Single().Skip, Is.EqualTo("--batch=: names no file"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        var unresolved = Read("--batch=x");
        Assert.That((unresolved.Single().SkipKind, unresolved.Single().Skip), Is.EqualTo((BatchSkipKind.Include, "--batch=x: includes are not resolved in text without a folder")));
    }

    [Test]
    public void AFileIncludedTwiceInARowIsReadTwiceAndIsNoCycle()
    {
        string dir = Directory.CreateTempSubdirectory("convverify-batchopt-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "inc"), Desc + "\n");
            File.WriteAllText(Path.Combine(dir, "main"), "--batch=inc\n--dir=BWD_D\n--batch=inc\n");
            var entries = BatchFile.Read(Path.Combine(dir, "main"));
            Assert.That(entries.Select(e => (e.SkipKind, e.Dir)), Is.EqualTo(new[] { (BatchSkipKind.None, (string?)null), (BatchSkipKind.None, "BWD_D") }),
                string.Join("\n", entries.Select(e => e.Skip)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The files reading <paramref name="path"/> includes, from the same reading as its entries.</summary>
    internal static IReadOnlyList<string> Included(string path, string? fallback = null)
    {
        BatchFile.Read(path, fallback, out var included);
        return included;
    }

    [Test]
    public void IncludesListsEveryFileReadThroughTheIncludesOnceAndNothingMissingOrLooping()
    {
        // main → a → b (→ a: a cycle, skipped), main → b again (→ a → b: a cycle), main → missing, main → c from the fallback
        // folder: a and b once each, in the order first read.
        string dir = Directory.CreateTempSubdirectory("convverify-batchopt-").FullName;
        try
        {
            string fallback = Path.Combine(dir, "vendored");
            Directory.CreateDirectory(fallback);
            File.WriteAllText(Path.Combine(dir, "main"), "--batch=a\n--batch=b\n--batch=missing\n--batch=c\n" + Desc + "\n");
            File.WriteAllText(Path.Combine(dir, "a"), "--batch=b\n");
            File.WriteAllText(Path.Combine(dir, "b"), "--batch=a\n" + Desc + "\n");
            File.WriteAllText(Path.Combine(fallback, "c"), Desc + "\n");
            Assert.That(Included(Path.Combine(dir, "main"), fallback),
                Is.EqualTo(new[] { Path.Combine(dir, "a"), Path.Combine(dir, "b"), Path.Combine(fallback, "c") }));
            Assert.That(Included(Path.Combine(dir, "b")), Is.EqualTo(new[] { Path.Combine(dir, "a") }));
            Assert.That(() => Included(Path.Combine(dir, "none")), Throws.TypeOf<FileNotFoundException>());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void NullArgumentsAreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => BatchFile.Parse(null!, "s"), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("text"));
            Assert.That(() => BatchFile.Read(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("path"));
            Assert.That(() => BatchFile.ReadText(null!, "s", null), Throws.ArgumentNullException);
            Assert.That(() => BatchFile.ReadText("", null!, null), Throws.ArgumentNullException);
            Assert.That(() => BatchFile.DTypeOf(null!, out _), Throws.ArgumentNullException);
        });
    }
}
