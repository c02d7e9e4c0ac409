using System.Runtime.InteropServices;
using ConvVerify.Problems;
using ConvVerify.Tests.Properties;
using CsCheck;

namespace ConvVerify.Tests.Problems;

/// <summary>
/// <c>--match</c> as benchdnn runs it (<c>bench_conv.cpp</c>: <c>match_regex(prb-&gt;str(), pattern)</c>): the pattern is a POSIX
/// basic expression (<c>regcomp</c> without flags), searched for anywhere in the problem's string, the options benchdnn
/// prints and the descriptor as it prints it. It was a .NET expression matched whole against the descriptor as written.
/// </summary>
public partial class BenchdnnMatchTests
{
    private const string Desc = "mb1ic2ih4oc2kh3";

    private static IReadOnlyList<BatchEntry> Read(string text) => BatchFile.ReadText(text, "t", null);

    // What the problem string of one descriptor is found to be: the entry is taken when the anchored pattern of exactly
    // that string matches it.
    private static bool Prints(string options, string descriptor, string problemString) =>
        Read($"{options} --match=^{Bre(problemString)}$ {descriptor}").Single().SkipKind == BatchSkipKind.None;

    // A literal string as a basic expression, written without white space (a batch file's token cannot hold any).
    private static string Bre(string s) =>
        string.Concat(s.Select(c => c is '.' or '[' or '\\' or '*' or '^' or '$' ? "\\" + c : c == ' ' ? "[[:blank:]]" : c.ToString()));

    [TestCase("mb1_ic3ih5_oc16_kh3", "mb1ic3ih5oc16oh3kh3ph0")]
    [TestCase("ic3ih5oc16kh3", "ic3ih5oc16oh3kh3ph0")]
    [TestCase("g1ic3ih5oc3kh3", "g1ic3ih5oc3oh3kh3ph0")]
    [TestCase("g3mb2ic3ih5oc3kh3", "g3ic3ih5oc3oh3kh3ph0")]
    [TestCase("mb1ic3id5oc3kd3", "mb1ic3id5oc3od3kd3pd0")]
    [TestCase("mb1ic3id5ih5iw5oc3kd3kh3kw3", "mb1ic3id5oc3od3kd3pd0")]
    [TestCase("mb1ic3ih132iw132id116oc32kh3kw3kd3ph0pw0pd0sh1sw1sd1n\"3d_unet:conv_1\"",
        "mb1ic3id116ih132iw132oc32od114oh130ow130kd3kh3kw3pd0ph0pw0n\"3d_unet:conv_1\"")]
    [TestCase("ic3ih5iw7oc3kh3kw1sh2", "ic3ih5iw7oc3oh2ow7kh3kw1sh2sw1ph0pw0")]
    [TestCase("ic3ih9oc3kh3dh1", "ic3ih9oc3oh5kh3ph0dh1")]
    [TestCase("mb1_ic128ih1_oc16oh1_kh3_ph1", "mb1ic128ih1oc16oh1kh3ph1")]
    [TestCase("mb1ic3iw7oc3ow7kw3pw1n\"x:y*2\"", "mb1ic3iw7oc3ow7kw3pw1n\"x:y*2\"")]
    [TestCase("mb1ic3ih5oc3oh5kh3", "mb1ic3ih5oc3oh5kh3ph1")]
    public void TheDescriptorIsPrintedAsBenchdnnPrintsIt(string descriptor, string printed)
    {
        // By hand from conv_aux.cpp's operator<< and print_dhw: g only when given, mb only when not 2, every extent and the
        // begin padding, strides and dilations only when not all default; h alone when h and w agree in all six fields, d
        // alone when d, h and w do; the name as written after 'n', quotes and all.
        Assert.That(Prints("", descriptor, printed), Is.True, string.Join("\n", Read($"--match=^{Bre(printed)}$ {descriptor}").Select(e => e.Skip)));
        Assert.That(BenchdnnDescriptor.BenchdnnText(BenchdnnDescriptor.Read(descriptor), 0), Is.EqualTo(printed));
    }

    [Test]
    public void MbIsTheMinibatchInForceAndTwoIsNotPrinted()
    {
        Assert.That(Prints("--mb=7", "mb1ic3ih5oc16kh3", "mb7ic3ih5oc16oh3kh3ph0"), Is.True);
        Assert.That(Prints("--mb=2", "mb1ic3ih5oc16kh3", "ic3ih5oc16oh3kh3ph0"), Is.True);
        Assert.That(Prints("--mb=0", "mb1ic3ih5oc16kh3", "mb1ic3ih5oc16oh3kh3ph0"), Is.True);
    }

    [TestCase("", "")]
    [TestCase("--dir=FWD_B", "")]
    [TestCase("--dir=bwd_d", "--dir=BWD_D ")]
    [TestCase("--dt=f32", "")]
    [TestCase("--dt=f32:f32:f32", "")]
    [TestCase("--dt=bf16", "--dt=bf16:bf16:bf16 ")]
    [TestCase("--cfg=f64", "--dt=f64:f64:f64 ")]
    [TestCase("--dir=FWD_D --bia-dt=f32", "--dir=FWD_D --bia-dt=f32 ")]
    [TestCase("--dir=FWD_B --bia-dt=f32", "")]
    [TestCase("--bia-dt=f32", "")]
    [TestCase("--stag=any --wtag=abx --dtag=axb", "--wtag=abx --dtag=axb ")]
    [TestCase("--alg=WINO", "--alg=wino ")]
    [TestCase("--alg=direct", "")]
    [TestCase("--attr-scratchpad=user", "--attr-scratchpad=user ")]
    [TestCase("--attr-scratchpad=library", "")]
    [TestCase("--skip-impl=ref,x64:gemm", "--skip-impl=ref,x64:gemm ")]
    [TestCase("--impl=\"jit\",'ref'", "--impl=jit,ref ")]
    [TestCase("--impl=ref --skip-impl=jit", "--skip-impl=jit ")]
    [TestCase("--skip-impl=jit --impl=", "")]
    [TestCase("--mb=3 --allow-enum-tags-only=false --cpu-isa-hints=prefer_ymm --check-ref-impl=true", "")]
    [TestCase("--stag=axb --alg=wino --dt=f16 --dir=BWD_WB --impl=brg", "--dir=BWD_WB --dt=f16:f16:f16 --stag=axb --alg=wino --impl=brg ")]
    public void TheOptionsArePrintedAsBenchdnnPrintsThem(string options, string printed)
    {
        // By hand from prb_t::set_repro_line: its order, only what differs from benchdnn's defaults, --mb in the descriptor.
        string descriptor = "mb1ic3ih5oc16kh3", problem = options.Contains("--mb=3", StringComparison.Ordinal) ? "mb3ic3ih5oc16oh3kh3ph0" : "mb1ic3ih5oc16oh3kh3ph0";
        Assert.That(Prints(options, descriptor, printed + problem), Is.True,
            string.Join("\n", Read($"{options} --match=^{Bre(printed + problem)}$ {descriptor}").Select(e => e.Skip)));
    }

    [Test]
    public void TheImplementationFilterIsOneListThatEitherOptionReplaces()
    {
        // Split at its commas, --skip-impl=ref,x64:gemm made two entries of each descriptor; benchdnn keeps one filter.
        Assert.That(Read($"--skip-impl=ref,x64:gemm {Desc}").Select(e => e.Options), Is.EqualTo(new[] { "--skip-impl=ref,x64:gemm" }));
        Assert.That(Read($"--impl=ref --skip-impl=jit {Desc}").Select(e => e.Options), Is.EqualTo(new[] { "--skip-impl=jit" }));
        Assert.That(Read($"--skip-impl=jit --impl=ref {Desc}").Select(e => e.Options), Is.EqualTo(new[] { "--impl=ref" }));
    }

    [Test]
    public void ThePatternIsSearchedForNotMatchedWhole()
    {
        var e = Read($"--match=kh3 {Desc} --match=^kh3 {Desc} --match=ph0$ {Desc} --match=^mb1ic2ih4oc2oh2kh3ph0$ {Desc} --match=^mb1ic2ih4oc2kh3$ {Desc}");
        Assert.That(e.Select(x => x.SkipKind), Is.EqualTo(new[] { BatchSkipKind.None, BatchSkipKind.Match, BatchSkipKind.None, BatchSkipKind.None, BatchSkipKind.Match }));
    }

    [Test]
    public void BenchdnnsWinogradGpuPatternSelectsWhatBenchdnnSelects()
    {
        // .*[^k][^d][0-9]kh3[^0-9].* is meant to keep 2-D 3x3 problems: a 3-D problem prints kd3kh3, so nothing before its kh3
        // is [^k][^d][0-9]. As written (kh3kw3kd3, "…oc32kh3…") it was taken; and mb1_ic128ih1_oc16oh1_kh3_ph1, printed
        // …oh1kh3ph1, was left out for the '_' before its kh3.
        string path = Path.Combine(Locations.BenchdnnInputs()!, "test_conv_wino_gpu");
        var e = BatchFile.Read(path, Path.GetDirectoryName(path));
        var unet = e.Where(x => x.Descriptor.Contains("3d_unet:conv_1", StringComparison.Ordinal)).ToList();
        var padding = e.Where(x => x.Descriptor == "mb1_ic128ih1_oc16oh1_kh3_ph1").ToList();
        Assert.That(unet, Is.Not.Empty);
        Assert.That(unet.Select(x => x.SkipKind), Is.All.EqualTo(BatchSkipKind.Match));
        Assert.That(padding, Has.Count.EqualTo(2 * 2 * 2), "f16 and f32, any and nhwc, mb 2 and 32");
        Assert.That(padding.Select(x => x.SkipKind), Is.All.EqualTo(BatchSkipKind.None));
    }

    // glibc's regcomp/regexec, to compare the translation with on this machine (benchdnn's Linux build calls them).
    [LibraryImport("libc", EntryPoint = "regcomp", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RegComp(nint preg, string pattern, int cflags);

    [LibraryImport("libc", EntryPoint = "regexec", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RegExec(nint preg, string text, nuint nmatch, nint pmatch, int eflags);

    [LibraryImport("libc", EntryPoint = "regfree")]
    private static partial void RegFree(nint preg);

    // Whether glibc compiles the pattern, and for each text whether it finds it.
    private static (bool Compiles, bool[] Found) Glibc(string pattern, string[] texts)
    {
        nint preg = Marshal.AllocHGlobal(1024); // regex_t is 64 bytes on x86-64 glibc
        try
        {
            if (RegComp(preg, pattern, 0) != 0) return (false, []);
            try
            {
                return (true, [.. texts.Select(t => RegExec(preg, t, 0, 0, 0) == 0)]);
            }
            finally
            {
                RegFree(preg);
            }
        }
        finally
        {
            Marshal.FreeHGlobal(preg);
        }
    }

    private static (bool Compiles, bool[] Found) Translated(string pattern, string[] texts)
    {
        string net;
        try
        {
            net = PosixBre.ToNet(pattern);
        }
        catch (ArgumentException)
        {
            return (false, []);
        }
        var regex = new System.Text.RegularExpressions.Regex(net, PosixBre.Options, TimeSpan.FromSeconds(5));
        return (true, [.. texts.Select(t => regex.IsMatch(t))]);
    }

    private static readonly string[] Texts =
    [
        "", "a", "aa", "ab", "aab", "abab", "ababc", "c", "b", "*a", "a*", "x$y", "a^b", "^ab", "[a]", "]", "\\", "a\\b", "(", ")", "(a)",
        "{1}", "a{1}", "+", "?", "a+", "-", "a-c", "z", "Z", "_", " ", "kh3 k", "a|b", "a|", "word end", "aXa", "0", "09", "x.y",
        "mb1ic3ih5oc16oh3kh3ph0", "mb1ic128ih1oc16oh1kh3ph1", "--dir=BWD_D --dt=f16:f16:f16 --stag=nhwc --alg=wino mb32ic3id116ih132iw132oc32od114oh130ow130kd3kh3kw3pd0ph0pw0n\"3d_unet:conv_1\"",
        "ic3ih5oc16oh3kh3ph0nconv_basic_2d", "g2mb1ic4ih5oc4oh5kh3ph1n\"fc6\"",
    ];

    private static readonly string[] Patterns =
    [
        ".*kh3[^0-9].*", ".*[^k][^d][0-9]kh3[^0-9].*", ".*k[dhw]3.*", ".*fc6.*", ".*conv_basic_2d.*", "kh3", "^kh3", "ph0$",
        "(", ")", "(a)", "a|b", "a\\|b", "\\(ab\\)*c", "*a", "^*a", "\\(*a\\)", "a\\|*b", "a**", "a\\{2\\}", "a\\{2\\}*", "a\\{,2\\}b", "a\\{1,\\}b",
        "\\(a\\)\\1", "\\(a*\\)b\\1", "\\(\\(a\\)b\\)\\2", "[]a]", "[^]a]", "[a\\]", "[[:digit:]]", "[[:alpha:][:digit:]]", "[^[:alnum:]]", "[[:punct:]]",
        "[[:space:]]", "[[:upper:]]", "[[:xdigit:]]\\{2\\}", "x$y", "a^b", "^ab", "ab$", "\\(^a\\)", "\\(a$\\)", "a\\|^b", "a$\\|b", "a\\+", "a\\?b", "\\.",
        "\\w\\+", "\\W", "\\s", "\\S", "\\<w", "d\\>", "\\bw", "\\Bo", "\\`a", "b\\'", "[a-c-]", "[-a]", "[a-]", "{1}", "a{1}", "+", "?", "a\\+\\?",
        "\\$", "\\^", "\\[", "\\*", "\\\\", "\\a", "[[.a.]]", "[[=a=]]b", "[[.-.]]", ".\\{1,\\}", "\\(a\\|aa\\)\\+$", "a.c", "a[^b]", "^$", "$", "^",
        "\\(\\)", "\\(a\\)\\(b\\)", "\\(a\\|\\)b",
        // refused by regcomp: each must be refused here too
        "\\", "[", "[a", "\\(", "\\)", "a\\)", "\\{1\\}", "a\\{1", "a\\{2,1\\}", "a\\{x\\}", "\\1", "\\(a\\1\\)", "[[:foo:]]", "[z-a]", "a\\{32768\\}",
        "[[.ab.]]", "[a-[:digit:]]", "^\\{1\\}", "\\(\\{1\\}\\)",
    ];

    [Test]
    public void TheTranslationFindsWhatGlibcFinds()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("compared with glibc's regexec");
        var failures = new List<string>();
        foreach (string pattern in Patterns)
        {
            var (glibc, ours) = (Glibc(pattern, Texts), Translated(pattern, Texts));
            if (glibc.Compiles != ours.Compiles) failures.Add($"{pattern}: glibc {(glibc.Compiles ? "compiles" : "refuses")} it, the translation {(ours.Compiles ? "compiles" : "refuses")} it");
            else
                for (int t = 0; t < Texts.Length && glibc.Compiles; t++)
                    if (glibc.Found[t] != ours.Found[t]) failures.Add($"{pattern} in '{Texts[t]}': glibc {glibc.Found[t]}, the translation {ours.Found[t]}");
        }
        Assert.That(failures, Is.Empty);
    }

    // Pieces of basic expressions, joined at random: every construct next to every other.
    private static readonly string[] Pieces =
    [
        "a", "b", "k", "3", ".", "*", "^", "$", "\\(", "\\)", "\\|", "\\+", "\\?", "\\{1\\}", "\\{0,2\\}", "\\{,1\\}", "\\{2,\\}", "[ab]", "[^a]", "[]b]",
        "[[:digit:]]", "[a-c]", "(", ")", "|", "+", "?", "{", "}", "\\.", "\\*", "\\w", "\\W", "\\s", "\\<", "\\>", "\\b", "\\B", "\\`", "\\'", "-", "_",
    ];

    private static readonly string[] RandomTexts =
        ["", "a", "ab", "ba", "aab", "abba", "k3", "kh3", "a.b", "a*b", "(a)", "a|b", "a+b?", "{1}", "^a$", "3k", "a b", "_a_", "a-c", "]b", "bbb", "mb1ic3ih5oc16oh3kh3ph0"];

    [Test]
    public void RandomExpressionsAreFoundAsGlibcFindsThem()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("compared with glibc's regexec");
        Property.ForAll(Gen.OneOf(Pieces).Array[1, 7].Select(p => string.Concat(p)), pattern =>
        {
            var (glibc, ours) = (Glibc(pattern, RandomTexts), Translated(pattern, RandomTexts));
            Assert.That(ours.Compiles, Is.EqualTo(glibc.Compiles), $"{pattern}: compiles");
            if (glibc.Compiles) Assert.That(ours.Found, Is.EqualTo(glibc.Found), $"{pattern}: found in {string.Join(", ", RandomTexts.Select(t => $"'{t}'"))}");
        }, iterations: 3000, stream: 41);
    }
}
