using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using ConvVerify.Fixtures;
using ConvVerify.Problems;
using ConvVerify.Tests.Properties;
using CsCheck;

namespace ConvVerify.Tests.Fixtures;

/// <summary>Hostile .npy files: every one is read or refused with a <see cref="FixtureException"/> naming it, and none makes the reader allocate more than the file holds.</summary>
public class NpyPropertyTests
{
    // Every dtype string numpy writes, and some it never would.
    private static readonly string[] Descrs =
        ["<f4", ">f4", "<f8", ">f8", "|f4", "=f8", "f4", "<f2", ">f2", "<f16", "|b1", "?", "<i8", ">i8", "<i4", "<i2", "|i1", "|u1", "<u2", "<u4", "<u8",
         "<c8", "<c16", "|O", "<U10", "|S3", "|V8", "V8", "<M8[s]", "<m8[ns]", "", "<", "<f", "<f4 ", "<F4", "\u00e9f4", "<f4\u0000"];

    private static readonly string[] BadFortran = ["True", "true", "false", "0", "1", "None", "Tru", "", "'False'", "(False,)"];

    private static readonly string[] BadShapes =
        ["(1099511627776,)", "(-1,)", "(2.5,)", "(None,)", "(1e3,)", "()", "(3)", "[2, 3]", "(99999999999999999999999,)", "(0,)", "(4294967296, 4294967296)",
         "(2147483647, 2147483647, 2147483647, 2147483647)", "(1,", "(,)", "(1 2,)", "(0x10,)", "(1_000,)", "(+1,)", "(" + string.Join(", ", Enumerable.Repeat("1", 70)) + ")"];

    /// <summary>One generated file and whether every part of it was left valid.</summary>
    public sealed record Case(byte[] Bytes, bool Valid, int[] Shape, bool IsDouble, string Header, byte[] ExpectedLittleEndian)
    {
        /// <inheritdoc/>
        public override string ToString() =>
            $"{(Valid ? "valid" : "invalid")} {(IsDouble ? "float64" : "float32")} {ConvProblem.FormatTuple(Shape)}, {Bytes.Length} bytes, header {Header.TrimEnd()}";
    }

    private static readonly Gen<Case> Files =
        Gen.Select(Gen.Int[0, 4].Array[0, 3], Gen.Bool, Gen.Frequency((6, Gen.Const("<")), (2, Gen.Const(">")), (2, Gen.OneOf(Descrs))),
                Gen.Frequency((6, Gen.Const("False")), (1, Gen.OneOf(BadFortran))), Gen.Frequency((6, Gen.Const("")), (1, Gen.OneOf(BadShapes))),
                Gen.Int[0, 99].Array[8], Gen.String, Gen.Byte.Array[0, 8])
            .Select(Gen.Int[0, 1000].Array[3], Gen.UInt, (t, picks, rawLength) =>
            {
                var (shape, isDouble, descrPick, fortran, badShape, knobs, junk, noise) = t;
                bool valid = true;
                int size = isDouble ? 8 : 4;
                string descr = descrPick is "<" or ">" ? descrPick + (isDouble ? "f8" : "f4") : descrPick;
                valid &= descrPick is "<" or ">" || descr == (isDouble ? "<f8" : "<f4") || descr == (isDouble ? ">f8" : ">f4");
                valid &= fortran == "False";
                string shapeText = badShape.Length > 0 ? badShape : "(" + string.Join(", ", shape) + (shape.Length == 1 ? ",)" : ")");
                valid &= badShape.Length == 0;
                char q = knobs[0] < 80 ? '\'' : '"';
                var entries = new List<string> { $"{q}descr{q}: {q}{descr}{q}", $"{q}fortran_order{q}: {fortran}", $"{q}shape{q}: {shapeText}" };
                // Reordered keys are still a valid header; a missing, repeated or extra key is not.
                if (knobs[1] < 30) entries.Reverse();
                if (knobs[2] < 5) { entries.RemoveAt(knobs[2] % 3); valid = false; }
                else if (knobs[2] < 10) { entries.Add(entries[knobs[2] % 3]); valid = false; }
                else if (knobs[2] < 13) { entries.Add($"{q}x{q}: 1"); valid = false; }
                string dict = "{" + string.Join(", ", entries) + (knobs[3] < 50 ? ", }" : "}");
                if (knobs[4] < 4) { dict = junk; valid = false; }
                int version = knobs[5] < 90 ? 1 + knobs[5] % 3 : knobs[5] % 6;
                valid &= version is 1 or 2 or 3;
                int preamble = version == 1 ? 10 : 12;
                // numpy pads the header with spaces to a multiple of 64 and ends it with a newline.
                string header = dict + new string(' ', (64 - (preamble + dict.Length + 1) % 64) % 64) + "\n";
                byte[] headerBytes = (version == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(header);
                long count = shape.Aggregate(1L, (a, b) => a * b);
                var data = new byte[count * size];
                new Random(picks[0]).NextBytes(data);
                var expected = (byte[])data.Clone();
                if (descr.StartsWith('>'))
                    for (int i = 0; i < expected.Length; i += size) expected.AsSpan(i, size).Reverse();
                var file = new List<byte>();
                byte[] magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
                if (knobs[6] < 4) { magic[knobs[6] % 6] ^= (byte)(1 + noise.Length); valid = false; }
                file.AddRange(magic);
                file.Add((byte)version);
                file.Add(0);
                long length = headerBytes.Length;
                if (knobs[7] < 5) { length = knobs[7] < 2 ? rawLength : Math.Max(0, length + picks[1] % 21 - 10); valid &= length == headerBytes.Length; }
                if (version == 1) { valid &= length <= ushort.MaxValue; file.AddRange(BitConverter.GetBytes((ushort)length)); }
                else file.AddRange(BitConverter.GetBytes((uint)length));
                file.AddRange(headerBytes);
                file.AddRange(data);
                int tail = picks[2] % 100;
                if (tail < 5) { file.RemoveRange(file.Count - Math.Min(file.Count, 1 + picks[1] % 16), Math.Min(file.Count, 1 + picks[1] % 16)); valid = false; }
                else if (tail < 8) { file.AddRange(noise); valid &= noise.Length == 0; }
                else if (tail < 10) { file.RemoveRange(picks[1] % file.Count, file.Count - picks[1] % file.Count); valid = false; }
                return new Case([.. file], valid, shape, isDouble, header, expected);
            });

    private string _path = "";

    [SetUp]
    public void CreateFile() => _path = Property.ScratchFile(".npy");

    [TearDown]
    public void DeleteFile() => File.Delete(_path);

    [Test]
    public void AnyFileIsReadOrRefusedByNameWithinItsOwnSize()
    {
        int read = 0, refused = 0;
        Property.ForAll(Files, c =>
        {
            File.WriteAllBytes(_path, c.Bytes);
            long before = GC.GetAllocatedBytesForCurrentThread();
            byte[]? got = null;
            try
            {
                got = c.IsDouble
                    ? MemoryMarshal.AsBytes(Npy.Read<double>(_path, DType.Float64, c.Shape).AsSpan()).ToArray()
                    : MemoryMarshal.AsBytes(Npy.Read<float>(_path, DType.Float32, c.Shape).AsSpan()).ToArray();
                read++;
            }
            catch (FixtureException e)
            {
                Assert.That(e.Message, Does.StartWith(_path + ": "));
                Assert.That(c.Valid, Is.False, $"a valid file was refused: {e.Message}");
                refused++;
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            // The data twice (ours and the copy above), the header as bytes and text, a stream buffer, an exception.
            Assert.That(allocated, Is.LessThan(4L * c.Bytes.Length + 256 * 1024), "allocated bytes");
            if (got is not null)
                Assert.That(got, Is.EqualTo(c.ExpectedLittleEndian), "values");
        }, iterations: 4000, stream: 3);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read, Is.GreaterThan(400), "files read");
            Assert.That(refused, Is.GreaterThan(400), "files refused");
        }
    }

    // Examples the property found or that the brief named; each is a regular test so a regression is named plainly
    // (the header's other refusals, word for word: NpyHeaderTests).
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776,), }", "shape is (1099511627776,), expected (2,)")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,), }", "shape holds '.5,)")]
    [TestCase("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", "fortran_order is True")]
    [TestCase("{'descr': '<f4', 'fortran_order': 1, 'shape': (2,), }", "'fortran_order' is '1")]
    [TestCase("{'descr': '<U10', 'fortran_order': False, 'shape': (2,), }", "dtype is '<U10', expected float32")]
    public void ABadHeaderIsNamed(string dict, string message)
    {
        File.WriteAllBytes(_path, [.. NpyBytes(1, dict), .. new byte[8]]);
        Assert.That(() => Npy.Read<float>(_path, DType.Float32, [2]),
            Throws.TypeOf<FixtureException>().With.Message.StartsWith(_path + ": ").And.Message.Contain(message));
    }

    [Test]
    public void AHeaderLengthPastTheEndIsNamed()
    {
        byte[] bytes = NpyBytes(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }");
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), uint.MaxValue);
        File.WriteAllBytes(_path, bytes);
        Assert.That(() => Npy.Read<float>(_path, DType.Float32, [2]),
            Throws.TypeOf<FixtureException>().With.Message.EqualTo($"{_path}: truncated .npy file (the header is {uint.MaxValue} bytes, the file has {bytes.Length - 12} after the preamble)"));
    }

    [Test]
    public void AHugeShapeThatMatchesIsRefusedBeforeAllocating()
    {
        // The shape matches what the caller expects, but the file holds 8 bytes, not 4 GiB: nothing that size may be allocated.
        File.WriteAllBytes(_path, [.. NpyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1073741824,), }"), .. new byte[8]]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.That(() => Npy.Read<float>(_path, DType.Float32, [1 << 30]),
            Throws.TypeOf<FixtureException>().With.Message.Contain("truncated: shape (1073741824,) of float32 needs 4294967296 data bytes, the file has 8"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
    }

    [Test]
    public void BigEndianFloatsAreRead()
    {
        byte[] data = new byte[16];
        BinaryPrimitives.WriteDoubleBigEndian(data, 1.5);
        BinaryPrimitives.WriteDoubleBigEndian(data.AsSpan(8), -2.25);
        File.WriteAllBytes(_path, [.. NpyBytes(3, "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }"), .. data]);
        Assert.That(Npy.Read<double>(_path, DType.Float64, [2]), Is.EqualTo(new[] { 1.5, -2.25 }));
    }

    private static byte[] NpyBytes(int version, string dict)
    {
        int preamble = version == 1 ? 10 : 12;
        string header = dict + new string(' ', (64 - (preamble + dict.Length + 1) % 64) % 64) + "\n";
        var bytes = new byte[preamble + header.Length];
        bytes[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY", bytes.AsSpan(1));
        bytes[6] = (byte)version;
        if (version == 1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)header.Length);
        Encoding.ASCII.GetBytes(header, bytes.AsSpan(preamble));
        return bytes;
    }
}
