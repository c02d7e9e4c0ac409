using ConvVerify.Convolution;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Oracles;

/// <summary>The oracles by name: what <c>--oracle</c> lists, what each is said to be, every refusal, and the definition as an oracle.</summary>
public class OracleRegistryTests
{
    [Test]
    public void EveryEngineAndBothLiveOraclesAreListedInOrder()
    {
        var names = OracleRegistry.Names;
        Assert.That(names, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(names, Is.SupersetOf(new[] { "exact", "naive", "ort", "torch" }));
        Assert.That(names, Is.SupersetOf(ConvEngines.Names));
    }

    [Test]
    public void EachOracleIsDescribedByWhatItIs()
    {
        // Entry by entry: other tests of this process register fakes, which sort among them.
        var entries = OracleRegistry.Describe().Split("; ");
        Assert.That(entries, Does.Contain("exact (the exact engine (bitwise the definition))"));
        Assert.That(entries, Does.Contain("naive (the naive engine (bitwise the definition))"));
        Assert.That(entries, Does.Contain("ort (ONNX Runtime's CPU provider in-process, float32 and float16)"));
        Assert.That(entries, Does.Contain("torch (live PyTorch through pythonnet)"));
        Assert.That(entries, Does.Contain("torch-rounded (live PyTorch, bfloat16 and float16 computed in float32 and each result rounded once)"));
        Assert.That(entries.Select(e => e[..e.IndexOf(' ', StringComparison.Ordinal)]), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
    }

    [Test]
    public void AnEngineByNameIsThatEngineAsAnOracle()
    {
        var oracle = OracleRegistry.Create("naive");
        Assert.That(oracle, Is.TypeOf<EngineOracle>());
        Assert.That(((EngineOracle)oracle).Engine, Is.SameAs(ConvEngines.Naive));
    }

    // Registered once per process (the registry is global; a test host may run the fixture again).
    private static OracleOptions? _heard;

    static OracleRegistryTests() => OracleRegistry.Register("options-test", "a test's fake", o =>
    {
        _heard = o;
        return new EngineOracle(ConvEngines.Naive);
    });

    [Test]
    public void ARegisteredFactoryHearsTheOptions()
    {
        OracleRegistry.Create("options-test", new OracleOptions(TorchLayout.ChannelsLast));
        Assert.That(_heard, Is.EqualTo(new OracleOptions(TorchLayout.ChannelsLast)));
        OracleRegistry.Create("options-test");
        Assert.That(_heard, Is.EqualTo(new OracleOptions()), "no options: the defaults");
        Assert.That(OracleRegistry.Describe(), Does.Contain("options-test (a test's fake)"));
    }

    [Test]
    public void TorchIsCreatedExactlyWhenItsProbeSaysItCanRunAndInTheLayoutAsked()
    {
        // Both outcomes are asserted: which one a run sees depends on the machine (CI has torch; mutation runs do not).
        var probe = TorchOracle.Probe();
        if (!probe.Available)
        {
            if (LiveTorch.Required) Assert.Fail($"torch is required here ({LiveTorch.RequireVariable}=1) but unavailable: {probe.Reason}");
            var e = Assert.Throws<OracleUnavailableException>(() => OracleRegistry.Create("torch"))!;
            Assert.That(e.Message, Is.EqualTo("torch: " + probe.Reason));
            return;
        }
        Assert.That(OracleRegistry.Create("torch"), Is.SameAs(TorchOracle.Get()));
        Assert.That(OracleRegistry.Create("torch", new OracleOptions(TorchLayout.ChannelsLast)).Name, Is.EqualTo("torch-channels-last"));
    }

    [Test]
    public void OracleNamesAreCheckedOneByOne()
    {
        Assert.That(() => OracleRegistry.SplitNames("exact,,naive"), Throws.ArgumentException.With.Message.StartsWith("oracle: empty name in 'exact,,naive'"));
        Assert.That(() => OracleRegistry.SplitNames("exact,naive,exact"), Throws.ArgumentException.With.Message.StartsWith("oracle: 'exact' named twice in 'exact,naive,exact'"));
        var unknown = Assert.Catch<ArgumentException>(() => OracleRegistry.Create("oracle-of-delphi"))!;
        Assert.That(unknown.Message, Does.StartWith("oracle: unknown oracle 'oracle-of-delphi' (known: ").And.Contain("exact, ").And.Contain("naive, ").And.Contain("torch"));
        Assert.That(unknown.ParamName, Is.EqualTo("name"));
        var inList = Assert.Catch<ArgumentException>(() => OracleRegistry.SplitNames("exact, oracle-of-delphi"))!;
        // The known names apart: another fixture may register a fake oracle between the two calls.
        static string WithoutKnown(string m) => System.Text.RegularExpressions.Regex.Replace(m, @"\(known: [^)]*\)", "(known: …)");
        Assert.That(inList.Message, Does.Contain("exact, ").And.Contain("naive, ").And.Contain("torch"));
        Assert.That(WithoutKnown(inList.Message), Is.EqualTo(WithoutKnown(unknown.Message).Replace("(Parameter 'name')", "(Parameter 'names')", StringComparison.Ordinal)));
        Assert.That(inList.ParamName, Is.EqualTo("names"));
        Assert.That(() => OracleRegistry.Register("exact", "again", _ => new EngineOracle(ConvEngines.Naive)),
            Throws.ArgumentException.With.Message.StartsWith("oracle: 'exact' is registered already"));
        Assert.That(OracleRegistry.SplitNames(" exact, naive "), Is.EqualTo(new[] { "exact", "naive" }));
    }

    [Test]
    public void TheDefinitionAsAnOracleRecordsThisLibrarysVersion()
    {
        var versions = new EngineOracle(ConvEngines.Exact).Versions;
        Assert.That(versions.Keys, Is.EqualTo(new[] { "convverify" }));
        Assert.That(versions["convverify"], Does.Match(@"^\d+\.\d+\.\d+\.\d+$"));
    }

    [Test]
    public void NullAndBlankArgumentsAreRefusedByName()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Catch<ArgumentException>(() => OracleRegistry.Register(" ", "blank", _ => new EngineOracle(ConvEngines.Naive)))!.ParamName, Is.EqualTo("name"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => OracleRegistry.Register("null-factory", "none", null!))!.ParamName, Is.EqualTo("create"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => OracleRegistry.Create(null!))!.ParamName, Is.EqualTo("name"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => OracleRegistry.SplitNames(null!))!.ParamName, Is.EqualTo("names"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => new EngineOracle(null!))!.ParamName, Is.EqualTo("engine"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => new EngineOracle(ConvEngines.Naive).Compute(
                BenchdnnDescriptor.Parse("mb1ic1ih4oc1kh3"), new ConvVerify.Cases.ConvInputs<float>([], [], [], []), null!))!.ParamName, Is.EqualTo("directions"));
        });
        Assert.That(OracleRegistry.Names, Does.Not.Contain("null-factory"));
    }
}
