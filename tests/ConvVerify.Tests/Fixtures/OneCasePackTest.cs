using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Fixtures;

/// <summary>A pack of one case, written by the naive loops before each test, whose case.json and manifest.json a test edits by hand.</summary>
public abstract class OneCasePackTest : TempFolderTest
{
    /// <summary>The case's descriptor; a test class may choose another.</summary>
    protected virtual string Descriptor => "mb1ic1ih4oc1kh3";

    /// <summary>The pack's folder.</summary>
    protected string PackDir { get; private set; } = "";

    /// <summary>Its one case (integer fill).</summary>
    protected ConvCase Case { get; private set; } = null!;

    /// <summary>Writes the pack.</summary>
    [SetUp]
    public void MakePack()
    {
        PackDir = Path.Combine(Dir, "pack");
        Case = ConvCase.Create(BenchdnnDescriptor.Parse(Descriptor), Fill.Integer);
        FixtureGenerator.Generate(PackDir, [Case], new EngineOracle(ConvEngines.Naive), force: false);
    }

    /// <summary>The case's case.json.</summary>
    protected string CaseJson => Path.Combine(PackDir, Case.Id, "case.json");

    /// <summary>The pack's manifest.json.</summary>
    protected string ManifestJson => Path.Combine(PackDir, "manifest.json");
}
