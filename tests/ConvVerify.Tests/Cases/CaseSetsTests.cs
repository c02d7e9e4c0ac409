using ConvVerify.Catalog;

namespace ConvVerify.Tests.Cases;

/// <summary>The named sets in process: the CLI's refusal of an unknown set is tested through a child process, which mutation runs leave out.</summary>
public class CaseSetsTests
{
    [Test]
    public void AnUnknownSetIsRefusedWithTheKnownOnesListed()
    {
        Assert.That(() => CaseSets.Text("nosuchset"), Throws.ArgumentException
            .With.Message.StartsWith("set: unknown case set 'nosuchset' (known: question, basic, pytorch, resnet50, resnet50_mb16)")
            .And.Property("ParamName").EqualTo("name"));
        Assert.That(() => CaseSets.Text(null!), Throws.ArgumentNullException);
        Assert.That(CaseSets.Load("question"), Is.Not.Empty);
    }
}
