using System.CommandLine;
using ConvVerify.Cli;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// What the mutation run of OracleTimeLimit.cs found no test for in OracleTimeLimitTests: a null value, a fraction that
/// the number parser alone would take, and the option's expected kind as the usage errors ask for it.
/// </summary>
public class OracleTimeLimitMutationTests
{
    [Test]
    public void ANullValueIsRefusedByName() =>
        Assert.That(() => OracleTimeLimit.Parse(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("value"));

    // .NET's number parser ignores trailing NUL characters ("1.5\0" reads as 1.5): only the digit check refuses them,
    // on either side of the point ("5\0", the whole part, is in OracleTimeLimitTests).
    [TestCase("1.5\0")]
    [TestCase("1.5\0\0")]
    [TestCase("1.5x")]
    public void AFractionThatIsNotAllDigitsIsNoLimit(string value) => Assert.That(OracleTimeLimit.Parse(value), Is.Null);

    [Test]
    public void TheOptionItMakesIsKnownByItsKindAndNoOtherIs()
    {
        Assert.That(OracleTimeLimit.Expected(OracleTimeLimit.Create()), Is.EqualTo("a number of seconds above 0 and at most 2147483.647, or none"));
        Assert.That(OracleTimeLimit.Expected(new Option<TimeSpan?>("--oracle-time-limit")), Is.Null, "made elsewhere, under the same name");
    }
}
