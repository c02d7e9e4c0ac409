using ConvVerify.Problems;
using ConvVerify.Tests.Properties;
using CsCheck;

namespace ConvVerify.Tests.Problems;

/// <summary>
/// Hostile benchdnn batch files: tokens of every kind the language has (descriptors, options with odd values, includes
/// of files that are missing, looping, not text or not files, comments, continuations) in random order. Each file is
/// read, each entry a problem or a skip naming its file and line, or refused as a whole naming a file; never a crash.
/// </summary>
public class BatchPropertyTests : TempFolderTest
{
    private static readonly string[] Descriptors =
        ["mb1ic2ih4oc2kh3", "g2mb2ic4ih5oc4kh3sh2ph1n\"x\"", "ic3id4oc2kd2", "ic3iw5oc2kw3dw1", "mb1ic2ih4oc2kh3_n\"a b\"", "ic1ih2147483647oc1kh1",
         "ic0ih4oc2kh3", "mb1ic2ih4oc2kh9", "ic2ih4oc2kh3ph-1", "ic99999999999ih4oc2kh3", "x", "mb", "\u0000", "é", "ic2ih4oc2kh3ph1pw1", "2147483648"];

    private static readonly string[] Options =
        ["--dir=FWD_B", "--dir=BWD_D", "--dir=bwd_wb", "--dir=FWD_I,BWD_W", "--dir=", "--dir=UP", "--dt=f32", "--dt=f16:f32", "--dt=s8", "--cfg=bf16",
         "--dt=f32,f64,bf16", "--bia-dt=f32", "--bia-dt=f64", "--bia-dt=undef", "--mb=2", "--mb=0", "--mb=-1", "--mb=2147483648", "--mb=99999999999999999999",
         "--mb=1,2,3", "--stag=axb", "--stag=nhwc,abx", "--alg=wino", "--attr-post-ops=relu", "--match=.*", "--match=(a+)+$", "--match=[", "--match=mb1.*",
         "--match=", "--reset", "--", "--=x", "--x=1,2,3,4,5,6,7,8,9,10", "--impl=ref", "--dir=FWD_B,BWD_D,BWD_W --dt=f32,f64"];

    private static readonly string[] Includes =
        ["--batch=inc", "--batch=main", "--batch=nowhere", "--batch=", "--batch=sub", "--batch=binary", "--batch=a\u0000b", "--batch=../" , "--batch=/dev/null",
         "--batch=empty", "--batch=" + new string('x', 300)];

    private static readonly string[] Other = ["# comment", "\\", "a\\", "\n", "\n\n", " ", "\t", "\r\n", "#", "--dir=FWD_B\\", "\u001b[2J"];

    private static readonly Gen<string> Token =
        Gen.Frequency((5, Gen.OneOf(Descriptors)), (4, Gen.OneOf(Options)), (1, Gen.OneOf(Includes)), (3, Gen.OneOf(Other)));

    private static readonly Gen<string> Text = Gen.Select(Token.Array[0, 12], Gen.Int[0, 2].Array[12], (tokens, seps) =>
        string.Concat(tokens.Select((t, i) => t + (seps[i] switch { 0 => " ", 1 => "\n", _ => "\t" }))));

    /// <summary>The main file and its include.</summary>
    public sealed record Files(string Main, string Inc)
    {
        /// <inheritdoc/>
        public override string ToString() => $"main: \"{Main}\"\ninc: \"{Inc}\"";
    }

    [Test]
    public void AnyBatchIsReadOrRefusedNamingTheFile()
    {
        Directory.CreateDirectory(Path.Combine(Dir, "sub"));
        File.WriteAllBytes(Path.Combine(Dir, "binary"), [0x69, 0x63, 0xff, 0xfe, 0x0a]);
        File.WriteAllText(Path.Combine(Dir, "empty"), "");
        string main = Path.Combine(Dir, "main"), inc = Path.Combine(Dir, "inc");
        int read = 0, unread = 0, problems = 0;
        Property.ForAll(Gen.Select(Text, Text, (m, i) => new Files(m, i)), f =>
        {
            File.WriteAllText(main, f.Main);
            File.WriteAllText(inc, f.Inc);
            try
            {
                var entries = BatchFile.Read(main);
                read++;
                foreach (var e in entries)
                {
                    Assert.That(e.File, Is.EqualTo(main).Or.EqualTo(inc), e.Where);
                    Assert.That(e.Line, Is.GreaterThan(0));
                    Assert.That(e.Problem is null, Is.EqualTo(e.Skip is not null), e.Where);
                    if (e.Problem is not null) problems++;
                    // An include that is no text file, or no file, is a skipped entry naming it and why (it refused the batch).
                    if (e.SkipKind == BatchSkipKind.Include && (e.Skip!.Contains("not UTF-8", StringComparison.Ordinal) || e.Skip.Contains("not a regular file", StringComparison.Ordinal)))
                    {
                        unread++;
                        Assert.That(e.Skip, Does.StartWith(e.Descriptor + ": "), e.Where);
                    }
                }
            }
            catch (DescriptorException e)
            {
                // Only a limit refuses a whole batch, naming where.
                Assert.That(e.Message, Does.StartWith(Dir), e.ToString());
            }
            // What the command line makes of it: an exit code, and no control character of the file's on the terminal.
            {
                var r = ConvVerify.Tests.Cli.CliTestBase.Run("cases", "--batch", main);
                Assert.That(r.Code, Is.InRange(0, 2), r.ToString());
                Assert.That(r.All.Where(ch => char.IsControl(ch) && ch != '\n'), Is.Empty, r.ToString());
            }
        }, iterations: 100, stream: 14, describe: f => f.ToString());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read, Is.GreaterThan(50), "files read");
            Assert.That(unread, Is.GreaterThan(2), "includes that could not be read");
            Assert.That(problems, Is.GreaterThan(25), "problems read");
        }
    }
}
