using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Fixtures;

/// <summary>What the generator reports as it goes.</summary>
public class FixtureGeneratorProgressTests : TempFolderTest
{
    [Test]
    public void ProgressHearsEachCaseDoneOutOfTheTotalInOrder()
    {
        ConvCase[] cases =
        [
            ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3"), Fill.Integer, 1) with { Id = "first" },
            ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic1ih5oc1kh3"), Fill.Integer, 1) with { Id = "second" },
        ];
        var heard = new List<(int, int, string)>();
        var progress = new Recorder(heard);
        var manifest = FixtureGenerator.Generate(Path.Combine(Dir, "pack"), cases, new EngineOracle(ConvEngines.Naive), force: false, progress);
        Assert.That(heard, Is.EqualTo(new[] { (1, 2, "first"), (2, 2, "second") }));
        Assert.That(manifest.Cases, Is.EqualTo(new[] { "first", "second" }));
    }

    // Synchronous, unlike Progress<T>, which posts to the thread pool.
    private sealed class Recorder(List<(int, int, string)> heard) : IProgress<(int Done, int Total, ConvCase Case)>
    {
        public void Report((int Done, int Total, ConvCase Case) value) => heard.Add((value.Done, value.Total, value.Case.Id));
    }
}
