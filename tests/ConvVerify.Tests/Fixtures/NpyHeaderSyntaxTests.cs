using System.Text;
using ConvVerify.Fixtures;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// Header bytes as numpy 1.24 reads them, written by hand here: the byte-order characters '|' and '=' on types of more
/// than one byte (refused, saying why, never as "float16, expected float16"), and the whitespace Python's literal_eval
/// takes between the dict's tokens (read) or does not (refused, naming the character and its offset).
/// </summary>
public class NpyHeaderSyntaxTests : TempFolderTest
{
    // A version 1.0 (Latin-1) or 3.0 (UTF-8) file of exactly this header text and these data bytes, unpadded.
    private string File(string header, byte[] data, int version = 1)
    {
        string path = Path.Combine(Dir, "h.npy");
        byte[] text = (version == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(header);
        byte[] length = version == 1 ? BitConverter.GetBytes((ushort)text.Length) : BitConverter.GetBytes((uint)text.Length);
        System.IO.File.WriteAllBytes(path, [0x93, .. "NUMPY"u8.ToArray(), (byte)version, 0, .. length, .. text, .. data]);
        return path;
    }

    // The message after "<path>: ", for a one-element file of the dtype's width.
    private string Refusal(string header, DType dtype = DType.Float32, int version = 1)
    {
        string path = File(header, new byte[DTypes.StorageSize(dtype)], version);
        var e = dtype == DType.Float64
            ? Assert.Throws<FixtureException>(() => Npy.Read<double>(path, dtype, [1]))
            : Assert.Throws<FixtureException>(() => Npy.Read<float>(path, dtype, [1]));
        return e!.Message[(path.Length + 2)..];
    }

    private static string Dict(string descr) => $"{{'descr': '{descr}', 'fortran_order': False, 'shape': (1,), }}\n";

    private const string NoOrder = "has no byte order ('|' is for one-byte types)";
    private const string Native = "is in the byte order of the machine that wrote it ('='), which the file does not record";
    private const string NoCharacter = "has no byte-order character";

    // numpy loads all of these as the reading machine's order; the file itself says nothing of the order its bytes are in.
    [TestCase("|f2", DType.Float16, NoOrder, "float16 as '<f2' or '>f2'")]
    [TestCase("=f2", DType.Float16, Native, "float16 as '<f2' or '>f2'")]
    [TestCase("f2", DType.Float16, NoCharacter, "float16 as '<f2' or '>f2'")]
    [TestCase("|u2", DType.BFloat16, NoOrder, "bfloat16 (its raw bits) as '<u2' or '>u2'")]
    [TestCase("=u2", DType.BFloat16, Native, "bfloat16 (its raw bits) as '<u2' or '>u2'")]
    [TestCase("u2", DType.BFloat16, NoCharacter, "bfloat16 (its raw bits) as '<u2' or '>u2'")]
    [TestCase("|f4", DType.Float32, NoOrder, "float32 as '<f4' or '>f4'")]
    [TestCase("=f4", DType.Float32, Native, "float32 as '<f4' or '>f4'")]
    [TestCase("f4", DType.Float32, NoCharacter, "float32 as '<f4' or '>f4'")]
    [TestCase("|f8", DType.Float64, NoOrder, "float64 as '<f8' or '>f8'")]
    [TestCase("=f8", DType.Float64, Native, "float64 as '<f8' or '>f8'")]
    [TestCase("f8", DType.Float64, NoCharacter, "float64 as '<f8' or '>f8'")]
    public void ADescrOfTheRightTypeWithoutAnExplicitByteOrderSaysSo(string descr, DType dtype, string why, string expected) =>
        Assert.That(Refusal(Dict(descr), dtype), Is.EqualTo($"dtype '{descr}' {why}; expected {expected}"));

    [TestCase("<e")]
    [TestCase("|e")]
    public void Float16UnderItsOneLetterNameIsNotCalledAnotherDType(string descr) =>
        Assert.That(Refusal(Dict(descr), DType.Float16), Is.EqualTo($"dtype '{descr}' is float16 under a name numpy does not write; expected float16 as '<f2' or '>f2'"));

    [TestCase("|f4", DType.Float64, "dtype is float32, expected float64")]
    [TestCase("=f2", DType.Float32, "dtype is float16, expected float32")]
    [TestCase("|u2", DType.Float16, "dtype is uint16, expected float16 (uint16 arrays hold bfloat16 bits, read only when case.json's dtype is \"bfloat16\")")]
    [TestCase("=f4", DType.BFloat16, "dtype is float32, expected bfloat16 (stored as its raw bits, '<u2')")]
    public void ADescrOfAnotherTypeIsNamedForItsTypeWhateverItsByteOrder(string descr, DType dtype, string message) =>
        Assert.That(Refusal(Dict(descr), dtype), Is.EqualTo(message));

    [Test]
    public void TheProbesTabbedHeaderIsRead()
    {
        // Shape (1, 16, 3, 3): 144 float32 values 0, 1, …, 143, little-endian.
        float[] values = [.. Enumerable.Range(0, 144).Select(i => (float)i)];
        string path = File("{'descr':\t'<f4', 'fortran_order': False, 'shape': (1, 16, 3, 3), }".PadRight(117) + "\n",
            [.. values.SelectMany(BitConverter.GetBytes)]);
        Assert.That(Npy.Read<float>(path, DType.Float32, [1, 16, 3, 3]), Is.EqualTo(values));
    }

    // Each gap between two of the dict's tokens, and after it; '@' marks them.
    private const string Gaps = "{@'descr'@:@'<f4'@,@'fortran_order'@:@False@,@'shape'@:@(@2@,@1@)@,@}@";

    private static IEnumerable<TestCaseData> Spaced()
    {
        // As found: numpy 1.24 loads a header with any one of these in any one gap (versions 1.0 and 3.0 alike).
        string[] spaces = [" ", "\t", "\f", "\n", "\r", "\r\n", " \t\f\r\n\n  "];
        int gaps = Gaps.Count(c => c == '@');
        foreach (string s in spaces)
            for (int g = 0; g < gaps; g++)
                yield return new TestCaseData(s, g).SetArgDisplayNames(string.Concat(s.Select(c => $"U+{(int)c:X4}")), g.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string WithGap(string space, int gap)
    {
        var sb = new StringBuilder();
        int seen = 0;
        foreach (char c in Gaps)
        {
            if (c != '@') sb.Append(c);
            else if (seen++ == gap) sb.Append(space);
        }
        return sb.ToString();
    }

    private static readonly byte[] OneTwo = [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]; // 1.0f, 2.0f

    [TestCaseSource(nameof(Spaced))]
    public void WhitespacePythonTakesBetweenTokensIsSkipped(string space, int gap) =>
        Assert.That(Npy.Read<float>(File(WithGap(space, gap) + "\n", OneTwo), DType.Float32, [2, 1]), Is.EqualTo(new[] { 1f, 2f }));

    [TestCase(" \t{")]
    [TestCase("\n\n{")]
    [TestCase(" \f\t\r\n\f\n{")]
    public void SpacesOnTheFirstLineAndBlankLinesBeforeTheDictAreSkipped(string start) =>
        Assert.That(Npy.Read<float>(File(start + Gaps[1..].Replace("@", "") + "\n", OneTwo), DType.Float32, [2, 1]), Is.EqualTo(new[] { 1f, 2f }));

    // Python refuses an indent of the dict's first line past a line break; a form feed before it on the first line is
    // read by numpy only in some cases, and not here.
    [TestCase("\n  {", 1, "U+0020")]
    [TestCase(" \n\t{", 2, "U+0009")]
    [TestCase("\f{", 0, "U+000C")]
    [TestCase("  \f{", 2, "U+000C")]
    public void AnIndentBeforeTheDictIsNamed(string start, int offset, string character)
    {
        string header = start + Gaps[1..].Replace("@", "") + "\n";
        Assert.That(Refusal(header), Does.EndWith(
            $": {character} at offset {offset} before the dict's '{{' is not read (only spaces and tabs on the header's first line, or whole blank lines))"));
    }

    // Characters numpy 1.24 refuses between tokens (Python's tokenizer takes only space, tab, form feed and line breaks):
    // each is named with its offset, wherever it stands.
    [TestCase("\v", 1)]
    [TestCase("\u001c", 1)]
    [TestCase("\u0085", 1)]
    [TestCase("\u00a0", 1)]
    [TestCase("\0", 1)]
    [TestCase("\u2028", 3)]
    [TestCase("\u3000", 3)]
    [TestCase("\v", 3)]
    public void OtherWhitespaceIsNamedWithItsOffset(string space, int version)
    {
        for (int gap = 0; gap < Gaps.Count(c => c == '@'); gap++)
        {
            string header = WithGap(space, gap) + "\n";
            int offset = header.IndexOf(space, StringComparison.Ordinal);
            Assert.That(Refusal(header, version: version), Does.EndWith(
                $": unexpected U+{(int)space[0]:X4} at offset {offset} (between tokens numpy reads only spaces, tabs, form feeds and line breaks))"),
                $"gap {gap}");
        }
    }

    [TestCase("{'descr': <f4, }", "expected a string as 'descr', got '<f4, }'")]
    [TestCase("{'descr':", "expected a string as 'descr', got '(end of header)'")]
    [TestCase("{'descr': [('a', '<f4')], }", "'descr' is not a string (structured dtypes are not read)")]
    public void OnlyAListAsDescrIsCalledAStructuredDType(string header, string why) =>
        Assert.That(Refusal(header), Is.EqualTo($"not a readable .npy file (header \"{header}\": {why})"));
}
