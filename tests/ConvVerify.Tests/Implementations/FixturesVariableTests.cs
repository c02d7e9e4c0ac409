using ConvVerify.Convolution;
using ConvVerify.NUnit;
using ConvVerify.Tests.Fixtures;
using NUnit.Framework.Internal;

namespace ConvVerify.Tests.Implementations;

/// <summary>
/// <see cref="ConvImplementationFixture.PacksAreFound"/> with <c>CONVVERIFY_FIXTURES</c> set, as a user with packs of
/// their own sets it. Not parallel: the variable is the process's, and every other test reading the committed packs
/// would read it too.
/// </summary>
[NonParallelizable]
public class FixturesVariableTests : TempFolderTest
{
    // Generic only so that NUnit does not run it as a fixture of its own.
    private sealed class Plain<TUnused> : ConvImplementationFixture
    {
        protected override IConvImplementation Implementation { get; } = new MatrixViewImplementation();
    }

    private static string? FailureOf(Action test)
    {
        using (new TestExecutionContext.IsolatedContext())
        {
            try
            {
                test();
                return null;
            }
            catch (AssertionException e)
            {
                return e.Message;
            }
        }
    }

    private static string? WithVariable(string value, Action test)
    {
        string? before = Environment.GetEnvironmentVariable(ConvImplementationFixture.FixturesVariable);
        Environment.SetEnvironmentVariable(ConvImplementationFixture.FixturesVariable, value);
        try
        {
            return FailureOf(test);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ConvImplementationFixture.FixturesVariable, before);
        }
    }

    [Test]
    public void OnePackOfTheUsersOwnIsEnough()
    {
        // The probe: the folder held the user's one pack, and PacksAreFound wanted as many as the committed sets (3).
        string mine = Path.Combine(Dir, "mine");
        Cli.CliTestBase.CopyDirectory(CommittedPacks.Dir("question"), Path.Combine(mine, "question"));
        var fixture = new Plain<object>();
        Assert.That(WithVariable(mine, fixture.PacksAreFound), Is.Null);
    }

    [Test]
    public void AFolderThatIsNotThereIsSaidSoWithoutAskingToSetTheVariable()
    {
        // The probe: "no fixture packs under X (set CONVVERIFY_FIXTURES)", with the variable naming X.
        string missing = Path.Combine(Dir, "not-there");
        string? failure = WithVariable(missing, new Plain<object>().PacksAreFound);
        Assert.That(failure, Does.StartWith($"no fixture packs: CONVVERIFY_FIXTURES names {missing}, which does not exist; point it at a folder of packs"));
        Assert.That(failure, Does.Not.Contain("set CONVVERIFY_FIXTURES"));
    }
}
