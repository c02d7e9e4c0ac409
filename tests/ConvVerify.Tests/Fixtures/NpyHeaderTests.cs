using System.Text;
using ConvVerify.Fixtures;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Fixtures;

/// <summary>
/// The .npy header as a reader of other people's files meets it: every dtype numpy names, told by its name; each way a
/// header dict can be wrong, said word for word; and the narrow writers' exact bytes (bfloat16 as raw bits, float16).
/// </summary>
public class NpyHeaderTests : TempFolderTest
{
    // A version 1.0 file with this header dict (padded as numpy pads it) and these data bytes.
    private string File(string dict, byte[]? data = null)
    {
        string path = Path.Combine(Dir, "t.npy");
        string header = dict.PadRight(117) + "\n";
        System.IO.File.WriteAllBytes(path, [0x93, .. "NUMPY"u8.ToArray(), 1, 0, .. BitConverter.GetBytes((ushort)header.Length), .. Encoding.Latin1.GetBytes(header), .. data ?? []]);
        return path;
    }

    private string Refusal(string dict, DType dtype = DType.Float32, int[]? shape = null)
    {
        string path = File(dict);
        return Assert.Throws<FixtureException>(() => Npy.Read<float>(path, dtype, shape ?? [1]))!.Message[(path.Length + 2)..];
    }

    private static string Dict(string descr, string shape = "(1,)") => $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";

    [TestCase("|b1", "bool")]
    [TestCase("|?", "bool")]
    [TestCase("|i1", "int8")]
    [TestCase("|b", "int8")]
    [TestCase("|u1", "uint8")]
    [TestCase("|B", "uint8")]
    [TestCase("<i2", "int16")]
    [TestCase(">i4", "int32")]
    [TestCase("<u4", "uint32")]
    [TestCase("<i8", "int64")]
    [TestCase("<u8", "uint64")]
    [TestCase("<f2", "float16")]
    [TestCase("<e", "float16")]
    [TestCase("<f8", "float64")]
    [TestCase("<c8", "complex64")]
    [TestCase("<c16", "complex128")]
    [TestCase("|O", "object")]
    [TestCase("<V8", "'<V8'")]
    [TestCase("=f8", "float64")]
    [TestCase("f8", "float64")]
    public void AnotherDTypeIsNamedAsNumpyNamesIt(string descr, string name) =>
        Assert.That(Refusal(Dict(descr)), Is.EqualTo($"dtype is {name}, expected float32"));

    [Test]
    public void ABFloat16MixUpSaysWhichDTypeWouldReadTheFile()
    {
        Assert.That(Refusal(Dict("<u2")), Is.EqualTo("dtype is uint16, expected float32 (uint16 arrays hold bfloat16 bits, read only when case.json's dtype is \"bfloat16\")"));
        Assert.That(Refusal(Dict("<u2"), DType.Float16), Does.EndWith("expected float16 (uint16 arrays hold bfloat16 bits, read only when case.json's dtype is \"bfloat16\")"));
        Assert.That(Refusal(Dict("<f4"), DType.BFloat16), Is.EqualTo("dtype is float32, expected bfloat16 (stored as its raw bits, '<u2')"));
        Assert.That(Refusal(Dict("<i2"), DType.Float16), Is.EqualTo("dtype is int16, expected float16"));
    }

    // The dict's text as the message quotes it, then the parser's words; a token is quoted as the next 12 characters of
    // the header (numpy pads it with spaces) and an ellipsis.
    private static string Bad(string dict, string why) => $"not a readable .npy file (header \"{dict}\": {why})";

    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1, }", "unknown key 'extra'")]
    [TestCase("{'fortran_order': False, 'shape': (1,), }", "no 'descr'")]
    [TestCase("{'descr': '<f4', 'shape': (1,), }", "no 'fortran_order'")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, }", "no 'shape'")]
    [TestCase("{'descr': '<f4', 'descr': '<f4', }", "'descr' is given twice")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'fortran_order': False, }", "'fortran_order' is given twice")]
    [TestCase("{'descr': '<f4', 'shape': (1,), 'shape': (1,), }", "'shape' is given twice")]
    [TestCase("{'descr': '<f4' 'fortran_order': False, }", "expected ',' or '}'")]
    [TestCase("{'descr' '<f4', }", "expected ':', got ''<f4', }    …'")]
    [TestCase("{descr: '<f4', }", "expected a quoted key, got 'descr: '<f4'…'")]
    [TestCase("{'descr: '<f4', }", "expected ':', got '<f4', }     …'")]
    [TestCase("{'descr", "unterminated string")]
    [TestCase("{'de\\scr': '<f4', }", "escapes in strings are not read")]
    [TestCase("{'descr': [('a', '<f4')], }", "'descr' is not a string (structured dtypes are not read)")]
    [TestCase("{'descr': '<f4', 'fortran_order': false, }", "'fortran_order' is 'false, }    …', not True or False")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (5), }", "a one-extent shape needs a trailing comma, as in (5,)")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (5 x), }", "shape holds 'x), }       …' after an extent")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (-5,), }", "shape holds '-5,), }     …', not a non-negative integer")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", "shape extent 99999999999999999999 is too large")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (01, 4), }", "shape extent 01 has a leading zero, which numpy refuses")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 00), }", "shape extent 00 has a leading zero, which numpy refuses")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x", "text after the dict")]
    [TestCase("['descr']", "expected '{', got '['descr']   …'")]
    public void EachWrongHeaderIsSaidInWords(string dict, string why) => Assert.That(Refusal(dict), Is.EqualTo(Bad(dict, why)));

    [Test]
    public void AShapeOfMoreThan64ExtentsIsRefusedAtThe65th()
    {
        string sixtyFour = Dict("<f4", "(" + string.Concat(Enumerable.Repeat("1, ", 64)) + ")");
        Assert.That(Refusal(sixtyFour), Does.Contain("shape is (" + string.Join(", ", Enumerable.Repeat("1", 64)) + "), expected (1,)"), "64 extents are read");
        string sixtyFive = Dict("<f4", "(" + string.Concat(Enumerable.Repeat("1, ", 65)) + ")");
        Assert.That(Refusal(sixtyFive), Does.EndWith(": shape has more than 64 extents (numpy's limit))"));
    }

    [Test]
    public void ALongHeaderIsQuotedToItsFirst80Characters()
    {
        string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'a_key_numpy_never_writes': 1, }";
        Assert.That(dict.Length, Is.GreaterThan(80));
        Assert.That(Refusal(dict), Is.EqualTo($"not a readable .npy file (header \"{dict[..80]}…\": unknown key 'a_key_numpy_never_writes')"));
    }

    [Test]
    public void AHeaderOfExactly80CharactersIsQuotedWhole()
    {
        string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'kkkkkkkkkkkkkkkk': 1, }";
        Assert.That(dict.Length, Is.EqualTo(80));
        Assert.That(Refusal(dict), Is.EqualTo(Bad(dict, "unknown key 'kkkkkkkkkkkkkkkk'")));
    }

    // The header is quoted in the message: its control characters are written out, so a newline cannot start a line of the
    // report (a forged summary) and an escape sequence cannot drive the terminal. Test names holding control characters are
    // not run by the test adapter, so '^' stands for ESC in the cases; compared by character, as Does.Contain ignores them.
    [TestCase("{'descr': '<f4',\n'fortran_order': False, 'shape': (1,), 'x': 1}", "not a readable .npy file (header \"{'descr': '<f4',\\u000a'fortran_order': False, 'shape': (1,), 'x': 1}\": unknown key 'x')")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), '^[2J': 1}", "not a readable .npy file (header \"{'descr': '<f4', 'fortran_order': False, 'shape': (1,), '\\u001b[2J': 1}\": unknown key '\\u001b[2J')")]
    [TestCase("{'descr': '^[31m<f4', 'fortran_order': False, 'shape': (1,), }", "dtype is '\\u001b[31m<f4', expected float32")]
    public void ControlCharactersOfTheHeaderAreWrittenOut(string dict, string message)
    {
        string said = Refusal(dict.Replace('^', '\u001b'));
        Assert.That(said.Where(char.IsControl), Is.Empty, said);
        Assert.That(said.ToCharArray(), Is.EqualTo(message.ToCharArray()), said);
    }

    [Test]
    public void SpacesBeforeACommaAreSkipped() =>
        Assert.That(Npy.Read<float>(File("{'descr': '<f4' , 'fortran_order': False  , 'shape': (1,) , }", [0, 0, 0x80, 0x3F]), DType.Float32, [1]),
            Is.EqualTo(new[] { 1f }));

    [Test]
    public void ATokenIsQuotedToTheEndOfTheHeaderWhenTwelveCharactersOrFewerRemain()
    {
        // Unpadded headers, so the bad token is the header's last characters.
        string Quoted(string header)
        {
            string path = Path.Combine(Dir, "u.npy");
            System.IO.File.WriteAllBytes(path, [0x93, .. "NUMPY"u8.ToArray(), 1, 0, (byte)header.Length, 0, .. Encoding.Latin1.GetBytes(header)]);
            return Assert.Throws<FixtureException>(() => Npy.Read<float>(path, DType.Float32, [1]))!.Message[(path.Length + 2)..];
        }
        Assert.That(Quoted("{'shape': (1, abcdefghijkl"), Is.EqualTo(Bad("{'shape': (1, abcdefghijkl", "shape holds 'abcdefghijkl', not a non-negative integer")));
        Assert.That(Quoted("{'shape': (1, abc"), Is.EqualTo(Bad("{'shape': (1, abc", "shape holds 'abc', not a non-negative integer")));
        Assert.That(Quoted("{'shape': (1, abcdefghijklm"), Is.EqualTo(Bad("{'shape': (1, abcdefghijklm", "shape holds 'abcdefghijkl…', not a non-negative integer")));
    }

    [Test]
    public void AHeaderCutShortNamesItsEnd()
    {
        // Unpadded, as no numpy writes it: the parser runs off the end of the header itself.
        string path = Path.Combine(Dir, "cut.npy");
        System.IO.File.WriteAllBytes(path, [0x93, .. "NUMPY"u8.ToArray(), 1, 0, 1, 0, (byte)'{']);
        Assert.That(() => Npy.Read<float>(path, DType.Float32, [1]), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{path}: not a readable .npy file (header \"{{\": expected a quoted key, got '(end of header)')"));
    }

    [Test]
    public void AScalarShortOfItsOneElementIsTruncated()
    {
        // Shape (): one element, four bytes of float32; two are there.
        string path = File(Dict("<f4", "()"), [0, 0]);
        Assert.That(() => Npy.Read<float>(path, DType.Float32, []), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{path}: not a readable .npy file (truncated: shape () of float32 needs 4 data bytes, the file has 2)"));
        Assert.That(Npy.Read<float>(File(Dict("<f4", "()"), [0, 0, 0x80, 0x3F]), DType.Float32, []), Is.EqualTo(new[] { 1f }));
    }

    [Test]
    public void DataBeyondTheShapeOrShortOfItIsSaidInBytes()
    {
        string path = File(Dict("<f4", "(2,)"), new byte[12]);
        Assert.That(() => Npy.Read<float>(path, DType.Float32, [2]), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{path}: not a readable .npy file (4 bytes after the data of shape (2,))"));
        // An empty shape needs no data: any byte is one too many.
        path = File(Dict("<f4", "(0,)"), new byte[4]);
        Assert.That(() => Npy.Read<float>(path, DType.Float32, [0]), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{path}: not a readable .npy file (4 bytes after the data of shape (0,))"));
        path = File(Dict("<f4", "(2,)"), new byte[5]);
        Assert.That(() => Npy.Read<float>(path, DType.Float32, [2]), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{path}: not a readable .npy file (truncated: shape (2,) of float32 needs 8 data bytes, the file has 5)"));
    }

    [Test]
    public void BigEndianFourAndTwoByteElementsReadAsTheirValues()
    {
        // Each element width swaps on its own path (NpyPropertyTests reads big-endian float64).
        byte[] be = [0x3F, 0x80, 0, 0, 0xC0, 0, 0, 0]; // 1.0f and -2.0f, most significant byte first
        string path = File(Dict(">f4", "(2,)"), be);
        Assert.That(Npy.Read<float>(path, DType.Float32, [2]), Is.EqualTo(new[] { 1f, -2f }));
        string bf16 = File(Dict(">u2", "(2,)"), [0x3F, 0x80, 0xC0, 0x00]); // bfloat16 1.0 and -2.0
        Assert.That(Npy.Read<float>(bf16, DType.BFloat16, [2]), Is.EqualTo(new[] { 1f, -2f }));
    }

    [Test]
    public void NarrowTensorsAreWrittenAsNumpyLaysThemOut()
    {
        string path = Path.Combine(Dir, "b.npy");
        Npy.Write(path, [2, 1], new[] { 1f, -2f }, DType.BFloat16);
        byte[] bytes = System.IO.File.ReadAllBytes(path);
        // The 10-byte preamble, a header padded with spaces to 118 bytes ending in '\n' (data at 128), then the bits.
        Assert.That(bytes[..10], Is.EqualTo(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0 }));
        string header = Encoding.Latin1.GetString(bytes, 10, 118);
        Assert.That(header, Is.EqualTo("{'descr': '<u2', 'fortran_order': False, 'shape': (2, 1), }".PadRight(117) + "\n"));
        Assert.That(bytes[128..], Is.EqualTo(new byte[] { 0x80, 0x3F, 0x00, 0xC0 }));
        Npy.Write(path, [3], new[] { 1f, 0.5f, 65504f }, DType.Float16);
        bytes = System.IO.File.ReadAllBytes(path);
        Assert.That(Encoding.Latin1.GetString(bytes, 10, 118).TrimEnd(), Is.EqualTo("{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }"));
        Assert.That(bytes[128..], Is.EqualTo(new byte[] { 0x00, 0x3C, 0x00, 0x38, 0xFF, 0x7B }));
        Assert.That(Npy.Read<float>(path, DType.Float16, [3]), Is.EqualTo(new[] { 1f, 0.5f, 65504f }));
    }

    [Test]
    public void ANarrowHeaderIsPaddedToTheNextMultipleOf64EvenWhenTheNewlineAloneCrossesIt()
    {
        // 22 extents make the dict 119 characters: 10 + 119 + the newline is 130, so the data starts at 192, not 128.
        string path = Path.Combine(Dir, "w.npy");
        int[] shape = [.. Enumerable.Repeat(1, 22)];
        Npy.Write(path, shape, new[] { 1f }, DType.Float16);
        byte[] bytes = System.IO.File.ReadAllBytes(path);
        string dict = "{'descr': '<f2', 'fortran_order': False, 'shape': (" + string.Join(", ", Enumerable.Repeat("1", 22)) + "), }";
        Assert.That(dict.Length, Is.EqualTo(119));
        Assert.That(bytes[8..10], Is.EqualTo(new byte[] { 182, 0 }));
        Assert.That(Encoding.Latin1.GetString(bytes, 10, 182), Is.EqualTo(dict.PadRight(181) + "\n"));
        Assert.That(bytes[192..], Is.EqualTo(new byte[] { 0x00, 0x3C }));
    }

    [Test]
    public void ANarrowWriterNeverRoundsWhatItWasGiven()
    {
        string path = Path.Combine(Dir, "r.npy");
        float notBf16 = 1 + MathF.Pow(2, -10);
        Assert.That(() => Npy.Write(path, [2], new[] { 1f, notBf16 }, DType.BFloat16), Throws.ArgumentException
            .With.Message.StartsWith($"{path}: element 1 is 1.0009766, not a bfloat16 value").And.Property("ParamName").EqualTo("data"));
        Assert.That(() => Npy.Write(path, [1], new[] { 1.0 }, DType.BFloat16), Throws.ArgumentException
            .With.Message.StartsWith($"{path}: Double values are not bfloat16's").And.Property("ParamName").EqualTo("data"));
        Assert.That(System.IO.File.Exists(path), Is.False);
    }

    [Test]
    public void NullArgumentsAreRefusedByName()
    {
        string path = Path.Combine(Dir, "n.npy");
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<ArgumentNullException>(() => Npy.Read<float>(path, DType.Float32, null!))!.ParamName, Is.EqualTo("shape"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Npy.Write(path, null!, new[] { 1f }))!.ParamName, Is.EqualTo("shape"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Npy.Write(path, [1], (float[])null!))!.ParamName, Is.EqualTo("data"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Npy.Write(null!, [1], new[] { 1f }, DType.BFloat16))!.ParamName, Is.EqualTo("path"));
            // Before the dtype check too, whose refusal would otherwise name the null path as ": Double values …".
            Assert.That(Assert.Throws<ArgumentNullException>(() => Npy.Write(null!, [1], new[] { 1.0 }, DType.BFloat16))!.ParamName, Is.EqualTo("path"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Npy.Write(path, null!, new[] { 1f }, DType.BFloat16))!.ParamName, Is.EqualTo("shape"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => Npy.Write(path, [1], (float[])null!, DType.BFloat16))!.ParamName, Is.EqualTo("data"));
        });
    }
}
