using System.Numerics;
using System.Text.RegularExpressions;
using ConvVerify.Cases;
using ConvVerify.Catalog;
using ConvVerify.Problems;
using ConvVerify.Snapshots;

namespace ConvVerify.Tests.Snapshots;

/// <summary>
/// A changed bit in any direction's naive output fails against the committed verified snapshot, and the message names
/// the case, the tensor and (when the element is printed) the element. Runs in a scratch copy of the verified file, so
/// it never writes into <c>snapshots/</c> and ignores <c>CONVVERIFY_ACCEPT_SNAPSHOTS</c>.
/// </summary>
public class SnapshotFailureTests
{
    private string scratch = "";

    [SetUp]
    public void CreateScratch() => scratch = Directory.CreateTempSubdirectory("convverify-snap-").FullName;

    [TearDown]
    public void DeleteScratch() => Directory.Delete(scratch, recursive: true);

    private static IEnumerable<TestCaseData> Flips()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            foreach (var d in Directions.All)
                foreach (var where in new[] { "last", "middle" })
                    yield return new TestCaseData(dtype, d, where).SetName($"OneFlippedBitFails({dtype},{d.TensorName()},{where})");
    }

    [TestCaseSource(nameof(Flips))]
    public void OneFlippedBitFails(DType dtype, Direction direction, string where)
    {
        // The question's case: y has 144 elements (all printed), dx 75, dw 432 (only the edges printed), db 16.
        var c = ConvCase.Create(CaseSets.Load("question", dtype)[0], Fill.Normal);
        if (dtype == DType.Float32) Check<float>(c, direction, where);
        else Check<double>(c, direction, where);
    }

    private void Check<T>(ConvCase c, Direction direction, string where) where T : unmanaged, IFloatingPointIeee754<T>, IBinaryFloatingPointIeee754<T>
    {
        string name = c.Id;
        string verifiedPath = Snapshot.Repository.VerifiedPath(name);
        Assert.That(File.Exists(verifiedPath), Is.True, $"no verified snapshot {verifiedPath} (see SnapshotCompletenessTests)");
        var store = new SnapshotStore(scratch);
        File.Copy(verifiedPath, store.VerifiedPath(name));

        var results = ResultSnapshotTests.Compute<T>(c);
        Assert.That(store.Check(name, ConvSnapshot.Format(c, results)).Outcome, Is.EqualTo(SnapshotOutcome.Matched), "unchanged results match");

        T[] tensor = results.Get(direction);
        Assert.That(tensor, Is.Not.Empty);
        int index = where == "last" ? tensor.Length - 1 : tensor.Length / 2;
        T[] flipped = [.. tensor];
        flipped[index] = FlipLowestBit(flipped[index]);
        Assert.That(flipped[index], Is.Not.EqualTo(tensor[index]));
        var changed = direction switch
        {
            Direction.Forward => results with { Y = flipped },
            Direction.BackwardData => results with { Dx = flipped },
            Direction.BackwardWeights => results with { Dw = flipped },
            _ => results with { Db = flipped },
        };

        var result = store.Check(name, ConvSnapshot.Format(c, changed));
        string t = direction.TensorName();
        bool printed = tensor.Length <= ConvSnapshot.MaxFullValues || index < ConvSnapshot.EdgeValues || index >= tensor.Length - ConvSnapshot.EdgeValues;
        TestContext.Out.WriteLine(result.Message);
        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(SnapshotOutcome.Mismatched));
            Assert.That(result.Passed, Is.False);
            Assert.That(result.Message, Does.Contain(c.Id), "names the case");
            Assert.That(result.Message, Does.Match(DiffLine('-', $"{t}.sha256: ")).And.Match(DiffLine('+', $"{t}.sha256: ")), "names the tensor through its hash");
            if (printed)
            {
                Assert.That(result.Message, Does.Match(DiffLine('-', $"{t}[{index}] = {ConvSnapshot.Value(tensor[index])}\n")), "the verified element");
                Assert.That(result.Message, Does.Match(DiffLine('+', $"{t}[{index}] = {ConvSnapshot.Value(flipped[index])}\n")), "the received element");
            }
            foreach (string other in Directions.All.Where(o => o != direction).Select(o => o.TensorName()))
                Assert.That(result.Message, Does.Not.Contain($": {other}.").And.Not.Contain($": {other}["), $"no line of {other} differs");
            Assert.That(File.Exists(store.ReceivedPath(name)), Is.True, "the received file is written beside the verified one");
            Assert.That(File.ReadAllText(store.VerifiedPath(name)), Is.EqualTo(File.ReadAllText(verifiedPath)), "the verified file is untouched");
        });
    }

    // A diff line as SnapshotDiff.Describe prints it: "  - <line number>: <text>".
    private static string DiffLine(char kind, string text) => $@"\n  {Regex.Escape(kind.ToString())} +\d+: {Regex.Escape(text)}";

    private static T FlipLowestBit<T>(T value) where T : IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return T.CreateTruncating(BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(float.CreateTruncating(value)) ^ 1));
        return T.CreateTruncating(BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(double.CreateTruncating(value)) ^ 1));
    }
}
