using System.Text;
using ConvVerify.Fixtures;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Fixtures;

/// <summary>The .npy reader's and writers' refusals that the property tests do not reach, each with the words a user reads.</summary>
public class NpyDetailTests : TempFolderTest
{
    [Test]
    public void ReadingAsAnotherElementTypeIsAProgrammingError()
    {
        string path = Path.Combine(Dir, "x.npy");
        Npy.Write(path, [2], new[] { 1f, 2f });
        Assert.That(() => Npy.Read<double>(path, DType.Float32, [2]),
            Throws.InvalidOperationException.With.Message.EqualTo($"{path}: read as Double but the pack says Float32"));
        Assert.That(Npy.Read<float>(path, DType.Float32, [2]), Is.EqualTo(new[] { 1f, 2f }));
    }

    [Test]
    public void DataThatDoesNotFillTheShapeIsNotWritten()
    {
        string wide = Path.Combine(Dir, "wide.npy"), narrow = Path.Combine(Dir, "narrow.npy");
        Assert.That(() => Npy.Write(wide, [2, 3], new[] { 1f, 2f, 3f, 4f, 5f }),
            Throws.ArgumentException.With.Message.StartsWith($"{wide}: 5 values do not fill shape (2, 3)").And.Property("ParamName").EqualTo("data"));
        Assert.That(() => Npy.Write(narrow, [2, 3], new[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f }, DType.BFloat16),
            Throws.ArgumentException.With.Message.StartsWith($"{narrow}: 7 values do not fill shape (2, 3)").And.Property("ParamName").EqualTo("data"));
        Assert.That(File.Exists(wide) || File.Exists(narrow), Is.False);
    }

    [Test]
    public void AnUnknownDTypeHasNoDescr() =>
        Assert.That(() => Npy.Descr((DType)9), Throws.ArgumentException.With.Message.StartsWith("dtype: unknown value 9"));

    [Test]
    public void AHeaderLongerThanNumpyAcceptsIsRefusedBeforeReadingIt()
    {
        // A version 2 preamble (4-byte header length) announcing 10,001 bytes of header, all present.
        const int length = 10_001;
        string path = Path.Combine(Dir, "long.npy");
        var bytes = new List<byte>([0x93, .. "NUMPY"u8.ToArray(), 2, 0, .. BitConverter.GetBytes(length)]);
        bytes.AddRange(Encoding.ASCII.GetBytes(new string(' ', length - 1) + "\n"));
        File.WriteAllBytes(path, [.. bytes]);
        Assert.That(() => Npy.Read<float>(path, DType.Float32, [1]), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{path}: not a readable .npy file (header of 10001 bytes, longer than the 10000 numpy accepts)"));
    }

    [Test]
    public void AHeaderOfExactlyTheLengthNumpyAcceptsIsRead()
    {
        const int length = 10_000;
        string path = Path.Combine(Dir, "long.npy");
        var bytes = new List<byte>([0x93, .. "NUMPY"u8.ToArray(), 2, 0, .. BitConverter.GetBytes(length)]);
        bytes.AddRange(Encoding.ASCII.GetBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }".PadRight(length - 1) + "\n"));
        bytes.AddRange([0, 0, 0x80, 0x3F]);
        File.WriteAllBytes(path, [.. bytes]);
        Assert.That(Npy.Read<float>(path, DType.Float32, [1]), Is.EqualTo(new[] { 1f }));
    }

    [Test]
    public void Version3HeadersAreUtf8AndVersions1And2Latin1()
    {
        // 'é' in a descr: two bytes in UTF-8, one in latin-1; either way the dtype is named as the writer spelled it.
        string Named(byte version, byte[] descr)
        {
            string path = Path.Combine(Dir, $"v{version}.npy");
            byte[] dict = [.. "{'descr': '"u8.ToArray(), .. descr, .. "', 'fortran_order': False, 'shape': (1,), }\n"u8.ToArray()];
            File.WriteAllBytes(path, [.. Magic, version, 0, .. BitConverter.GetBytes(dict.Length), .. dict, 0, 0, 0, 0]);
            return Assert.Throws<FixtureException>(() => Npy.Read<float>(path, DType.Float32, [1]))!.Message[(path.Length + 2)..];
        }
        Assert.That(Named(3, [(byte)'<', (byte)'f', 0xC3, 0xA9]), Is.EqualTo("dtype is '<fé', expected float32"));
        Assert.That(Named(2, [(byte)'<', (byte)'f', 0xE9]), Is.EqualTo("dtype is '<fé', expected float32"));
    }

    [Test]
    public void AnInputOutputErrorWhileReadingNamesTheFile()
    {
        // Linux's /proc/self/mem opens, but reading address 0 of this process fails with EIO.
        const string path = "/proc/self/mem";
        Assume.That(File.Exists(path), Is.True, "needs Linux's /proc");
        var e = Assert.Throws<FixtureException>(() => Npy.Read<float>(path, DType.Float32, [1]))!;
        Assert.That(e.Message, Does.StartWith($"{path}: not a readable .npy file (").And.EndWith(")"));
        Assert.That(e.InnerException, Is.InstanceOf<IOException>());
        Assert.That(e.Message, Does.Contain(e.InnerException!.Message));
    }

    // Sparse files: the data bytes are all there as far as the reader can tell, so only the element count refuses them.
    // Array.MaxLength + 1 elements is the first count refused; 2^32 float16 elements would wrap to 0 in an int.
    [TestCase("<f2", DType.Float16, 2, 0x7FFFFFC8L)]
    [TestCase("<f2", DType.Float16, 2, 1L << 32)]
    [TestCase("<f4", DType.Float32, 4, 1L << 31)]
    [TestCase("<f8", DType.Float64, 8, 1L << 31)]
    public void ATensorOfMoreElementsThanAnArrayHoldsIsAFixtureError(string descr, DType dtype, int size, long count)
    {
        Assert.That(Array.MaxLength, Is.EqualTo(0x7FFFFFC7), "the first case is one past the array limit");
        int[] shape = count == 0x7FFFFFC8L ? [8, 0x0FFFFFF9] : [(int)(count >> 16), 65536];
        string path = Path.Combine(Dir, "huge.npy");
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({shape[0]}, {shape[1]}), }}".PadRight(117) + "\n";
        using (var f = new FileStream(path, FileMode.CreateNew))
        {
            f.Write([.. Magic, 1, 0, (byte)header.Length, 0, .. Encoding.ASCII.GetBytes(header)]);
            f.SetLength(128 + count * size);
        }
        TestDelegate read = dtype == DType.Float64 ? () => Npy.Read<double>(path, dtype, shape) : () => Npy.Read<float>(path, dtype, shape);
        Assert.That(read, Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{path}: shape ({shape[0]}, {shape[1]}) holds {count} elements, more than one array holds (2147483591)"));
    }

    [Test]
    public void AFolderWhereAFileShouldBeIsUnreadableNotACrash()
    {
        // Checked for a regular file before it is opened, so the reader says what is there rather than failing to open it.
        string folder = Path.Combine(Dir, "y.npy");
        Directory.CreateDirectory(folder);
        Assert.That(() => Npy.Read<float>(folder, DType.Float32, [1]), Throws.TypeOf<FixtureException>().With.Message.EqualTo($"{folder}: a directory, not a regular file; refusing to read it"));
    }

    private static readonly byte[] Magic = [0x93, .. "NUMPY"u8.ToArray()];

    private string Refusal(byte[] bytes)
    {
        string path = Path.Combine(Dir, "p.npy");
        File.WriteAllBytes(path, bytes);
        return Assert.Throws<FixtureException>(() => Npy.Read<float>(path, DType.Float32, [1]))!.Message[(path.Length + 2)..];
    }

    [Test]
    public void ThePreambleIsCheckedPieceByPieceAndEachPieceNamed()
    {
        // Not numpy's magic: a short file, the magic's first five bytes, a wrong byte in a whole preamble.
        Assert.That(Refusal("abc"u8.ToArray()), Is.EqualTo("not a .npy file (it does not start with the magic \\x93NUMPY; 3 bytes read)"));
        Assert.That(Refusal(Magic[..5]), Is.EqualTo("not a .npy file (it does not start with the magic \\x93NUMPY; 5 bytes read)"));
        Assert.That(Refusal([0x93, .. "NUMPx"u8.ToArray(), 1, 0, 0, 0]), Is.EqualTo("not a .npy file (it does not start with the magic \\x93NUMPY; 10 bytes read)"));
        // The magic, then too little for a version and a header length.
        Assert.That(Refusal(Magic), Is.EqualTo("truncated .npy file (6 bytes, shorter than the 10-byte preamble)"));
        Assert.That(Refusal([.. Magic, 1, 0, 0]), Is.EqualTo("truncated .npy file (9 bytes, shorter than the 10-byte preamble)"));
        // Versions numpy has not made; 2.0 and 3.0 have a 4-byte header length.
        Assert.That(Refusal([.. Magic, 4, 0, 0, 0]), Is.EqualTo("unknown .npy format version 4.0 (known: 1.0, 2.0, 3.0)"));
        Assert.That(Refusal([.. Magic, 0, 1, 0, 0]), Is.EqualTo("unknown .npy format version 0.1 (known: 1.0, 2.0, 3.0)"));
        Assert.That(Refusal([.. Magic, 2, 0, 0, 0]), Is.EqualTo("truncated .npy file (shorter than the 12-byte preamble of version 2.0)"));
        Assert.That(Refusal([.. Magic, 3, 0, 0, 0, 0]), Is.EqualTo("truncated .npy file (shorter than the 12-byte preamble of version 3.0)"));
        // A whole preamble announcing an empty header: the header is what is wrong then.
        Assert.That(Refusal([.. Magic, 1, 0, 0, 0]), Does.StartWith("not a readable .npy file (header "));
        Assert.That(Refusal([.. Magic, 2, 0, 0, 0, 0, 0]), Does.StartWith("not a readable .npy file (header "));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void AMinorVersionNumpyHasNotMadeIsUnknown(byte major)
    {
        // A whole, valid file of one float32 but for the minor version: numpy refuses it, so no pack may hold it.
        byte[] header = Encoding.Latin1.GetBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }".PadRight(47) + "\n");
        byte[] length = major == 1 ? BitConverter.GetBytes((ushort)header.Length) : BitConverter.GetBytes((uint)header.Length);
        string path = Path.Combine(Dir, "v.npy");
        File.WriteAllBytes(path, [.. Magic, major, 0, .. length, .. header, 0, 0, 0x80, 0x3F]);
        Assert.That(Npy.Read<float>(path, DType.Float32, [1]), Is.EqualTo(new[] { 1f }), "the same file as version x.0 is read");
        Assert.That(Refusal([.. Magic, major, 1, .. length, .. header, 0, 0, 0x80, 0x3F]), Is.EqualTo($"unknown .npy format version {major}.1 (known: 1.0, 2.0, 3.0)"));
    }
}
