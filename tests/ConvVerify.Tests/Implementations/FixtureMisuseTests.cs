using System.Numerics;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.NUnit;
using ConvVerify.Problems;
using ConvVerify.Tests.Fixtures;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace ConvVerify.Tests.Implementations;

/// <summary>
/// <see cref="ConvImplementationFixture"/> as another project might get it wrong: an implementation that supports
/// nothing, no packs or empty ones, a null implementation. Each must fail its test with a message, never pass.
/// </summary>
public class FixtureMisuseTests : TempFolderTest
{
    private static readonly string Question = CommittedPacks.Dir("question");

    private static readonly string IntegerCase = CommittedPacks.Open("question").CaseIds.First(i => i.Contains("question___f32_integer", StringComparison.Ordinal));

    // Forward from the matrix view, or nothing at all; every other direction is not supported.
    private sealed class Partial(bool forward) : IConvImplementation
    {
        private readonly MatrixViewImplementation _inner = new();

        public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (!forward) throw new NotSupportedException("no forward either");
            _inner.Forward(p, x, w, b, y);
        }

        public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
            throw new NotSupportedException("no dx");

        public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T> =>
            throw new NotSupportedException("no dw");

        public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T> =>
            throw new NotSupportedException("no db");
    }

    // Generic only so that NUnit does not run it as a fixture of its own (it builds no open generic type without type
    // arguments given in an attribute); the tests call its test method themselves.
    private sealed class Lenient<TUnused>(IConvImplementation? implementation) : ConvImplementationFixture
    {
        protected override IConvImplementation Implementation => implementation!;

        protected override bool RequireAllDirections => false;

        public static IEnumerable<TestCaseData> Over(params string[] packs) => CasesIn(packs);
    }

    // Lenient, with a direction time limit of its own.
    private sealed class Timed<TUnused>(IConvImplementation implementation, TimeSpan limit) : ConvImplementationFixture
    {
        protected override IConvImplementation Implementation => implementation;

        protected override TimeSpan? DirectionTimeLimit => limit;
    }

    // Lenient, or strict about the pack's warnings.
    private sealed class Warned<TUnused>(bool strict) : ConvImplementationFixture
    {
        protected override IConvImplementation Implementation { get; } = new MatrixViewImplementation();

        protected override bool RequireAllDirections => false;

        protected override bool Strict => strict;
    }

    // Requires every direction, under the normal-fill rule given.
    private sealed class Tolerant<TUnused>(IConvImplementation implementation, ConvVerify.Comparison.Tolerance tolerance) : ConvImplementationFixture
    {
        protected override IConvImplementation Implementation => implementation;

        protected override ConvVerify.Comparison.Tolerance Tolerance => tolerance;

        public static IEnumerable<TestCaseData> Where(Func<ConvVerify.Cases.ConvCase, bool> where, params string[] packs) => CasesWhere(where, packs);
    }

    // What NUnit made of one call of MatchesThePack: the result's state and message, as a runner would show them.
    private static (ResultState State, string Message) ResultOf(ConvImplementationFixture fixture, string pack, string caseId)
    {
        using (new TestExecutionContext.IsolatedContext())
        {
            // As NUnit's own test command ends a test: the warnings and failures recorded become the result's state.
            var result = TestExecutionContext.CurrentContext.CurrentResult;
            try
            {
                fixture.MatchesThePack(pack, caseId);
                result.RecordTestCompletion();
            }
            catch (AssertionException e)
            {
                result.RecordException(e);
            }
            return (result.ResultState, result.Message);
        }
    }

    // The failure MatchesThePack reports, null when it passes; the isolated context keeps it out of this test's result.
    private static string? FailureOf(ConvImplementationFixture fixture, string caseId) => FailureOf(fixture, Question, caseId);

    private static string? FailureOf(ConvImplementationFixture fixture, string pack, string caseId)
    {
        using (new TestExecutionContext.IsolatedContext())
        {
            try
            {
                fixture.MatchesThePack(pack, caseId);
                return null;
            }
            catch (AssertionException e)
            {
                return e.Message;
            }
        }
    }

    [Test]
    public void WithoutRequireAllDirectionsACaseOfWhichNothingIsComparedStillFails()
    {
        // The probe: an implementation throwing NotSupportedException everywhere passed every case under RequireAllDirections false.
        string? failure = FailureOf(new Lenient<object>(new Partial(forward: false)), IntegerCase);
        Assert.That(failure, Does.Contain("nothing was compared").And.Contain("y: not provided (no forward either)"));
        Assert.That(FailureOf(new Lenient<object>(new Partial(forward: true)), IntegerCase), Is.Null, "one direction compared is a check: the others may be absent");
    }

    // Forward from the matrix view; every gradient dereferences a workspace it never made.
    private sealed class Crashing : IConvImplementation
    {
        private readonly MatrixViewImplementation _inner = new();

        public void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
            _inner.Forward(p, x, w, b, y);

        public void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
            throw new NullReferenceException("no workspace");

        public void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T> =>
            throw new NullReferenceException("no workspace");

        public void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T> =>
            throw new NullReferenceException("no workspace");
    }

    [Test]
    public void AnImplementationThatCrashesFailsNamingTheDirectionAndTheException()
    {
        // The probe: the failure read "*: ERROR: no workspace", as if the pack were unusable, with neither the direction nor
        // the exception's type, and y's pass went unreported.
        string? failure = FailureOf(new Lenient<object>(new Crashing()), IntegerCase);
        Assert.That(failure, Does.Contain("dx: FAIL: the implementation threw NullReferenceException: no workspace"));
        Assert.That(failure, Does.Not.Contain("ERROR"));
    }

    [Test]
    public void AnImplementationThatThrowsIsShownWhereItThrew()
    {
        // The probe: the failure gave the exception's type and message, and no line of the implementation anywhere.
        string? failure = FailureOf(new Lenient<object>(new Crashing()), IntegerCase);
        Assert.That(failure, Does.Contain("dx: FAIL: the implementation threw NullReferenceException: no workspace\n      at ")
            .And.Contain($"{nameof(FixtureMisuseTests)}.{nameof(Crashing)}.BackwardData[T]("));
        // The harness's frames below the implementation's entry point are not the author's to read.
        Assert.That(failure, Does.Not.Contain("AbandonableCall").And.Not.Contain("ImplementationSource").And.Not.Contain("Directions.Compute"));
        // A "not provided" is an answer, not a fault: no frames.
        string? absent = FailureOf(new Tolerant<object>(new Partial(forward: true), ConvVerify.Comparison.Tolerance.Probabilistic), IntegerCase);
        Assert.That(absent, Does.Contain("dx: not provided (no dx)\n  dw:"));
    }

    // Right but for forward, which runs out of memory.
    private sealed class OutOfMemory : HookedImplementation
    {
        public override void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) =>
            throw new OutOfMemoryException("no room for the workspace");
    }

    [Test]
    public void AnImplementationOutOfMemoryEndsTheCaseNamingTheImplementationAndTheDirection()
    {
        // The probe: the implementation's own OutOfMemoryException went up as it was, naming neither the implementation
        // nor the direction nor the case.
        var fixture = new Lenient<object>(new OutOfMemory());
        Assert.That(() => fixture.MatchesThePack(Question, IntegerCase), Throws.TypeOf<OutOfMemoryException>()
            .With.Message.EqualTo($"OutOfMemory's call for y of case {IntegerCase} threw OutOfMemoryException: no room for the workspace")
            .And.InnerException.Message.EqualTo("no room for the workspace"));
    }

    // Right but for forward's last element, left as the output was handed over, or written as NaN.
    private sealed class LastElement(bool writesNaN) : HookedImplementation
    {
        public override void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
        {
            var right = new T[y.Length];
            base.Forward(p, x, w, b, right);
            right.AsSpan(0, y.Length - 1).CopyTo(y);
            if (writesNaN) y[^1] = T.NaN;
        }
    }

    [Test]
    public void AnOutputElementNeverWrittenIsSaidSoAndANaNWrittenIsNot()
    {
        // The probe: an element the implementation never wrote was reported as a NaN it had computed.
        string? failure = FailureOf(new Lenient<object>(new LastElement(writesNaN: false)), IntegerCase);
        int size = CommittedPacks.Open("question").ReadCase(IntegerCase).Problem.YSize;
        Assert.That(failure, Does.Contain($"y: FAIL: 1 element of {size} never written (the first at flat index {size - 1}): "
            + "each still holds the NaN the output is handed over with (an element only added into keeps it too); every element must be written"));
        string? nan = FailureOf(new Lenient<object>(new LastElement(writesNaN: true)), IntegerCase);
        Assert.That(nan, Does.Contain("y: FAIL: ").And.Contain("actual nan").And.Not.Contain("never written"));
    }

    // Right but for forward, which adds its results into the output instead of writing them.
    private sealed class AddsInto : HookedImplementation
    {
        public override void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
        {
            var right = new T[y.Length];
            base.Forward(p, x, w, b, right);
            for (int i = 0; i < y.Length; i++) y[i] += right[i];
        }
    }

    [Test]
    public void AnOutputOnlyAddedIntoFailsEveryElement()
    {
        int size = CommittedPacks.Open("question").ReadCase(IntegerCase).Problem.YSize;
        Assert.That(FailureOf(new Lenient<object>(new AddsInto()), IntegerCase), Does.Contain($"y: FAIL: {size} elements of {size} never written (the first at flat index 0)"));
    }

    [Test]
    public void CallsOfOneImplementationFromCasesRunAtOnceAreMadeOneAtATime()
    {
        // The probe: NUnit running a fixture's cases in parallel had the fixture call one implementation object from
        // several at once, and one with a scratch buffer in a field failed about half its cases, as if its arithmetic
        // were wrong. Here every case of the pack at once, from four threads, through one fixture and one object.
        var impl = new SharedScratchImplementation();
        var fixture = new Lenient<object>(impl);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.ForEach(CommittedPacks.Open("question").CaseIds, new ParallelOptions { MaxDegreeOfParallelism = 4 }, id =>
        {
            if (FailureOf(fixture, id) is { } failure) failures.Add(failure);
        });
        Assert.That(impl.Overlaps, Is.Zero, "a call began while another ran");
        Assert.That(failures, Is.Empty);
    }

    // Right in every direction but forward, which writes 1e30 into x's first element through its read-only span and then throws.
    private sealed class WritesThenThrows(Exception thrown) : HookedImplementation
    {
        public override void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
        {
            System.Runtime.InteropServices.MemoryMarshal.GetReference(x) = T.CreateChecked(1e30);
            throw thrown;
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public void ADirectionThatWritesIntoAnInputAndThenThrowsFailsNamingTheInput(bool notSupported)
    {
        // The probe: the write went unsaid, the call being "not provided" (which a lenient fixture lets pass) or failing
        // for what it threw alone.
        Exception thrown = notSupported ? new NotSupportedException("no forward") : new InvalidOperationException("gave up");
        string? failure = FailureOf(new Lenient<object>(new WritesThenThrows(thrown)), IntegerCase);
        Assert.That(failure, Is.Not.Null, "the case passed");
        Assert.That(failure, Does.Contain("y: FAIL: the implementation wrote into its input x (element 0: "));
        Assert.That(failure, Does.Contain(" became 1E+30); the inputs are read-only; the call then threw "
            + (notSupported ? "NotSupportedException: no forward" : "InvalidOperationException: gave up")));
        Assert.That(failure, Does.Not.Contain("dx: FAIL").And.Not.Contain("dw: FAIL"), "the other directions read the case's own x");
    }

    [Test]
    public void ANullImplementationIsNamedNotANullReference()
    {
        string? failure = FailureOf(new Lenient<object>(null), IntegerCase);
        Assert.That(failure, Does.Contain("Lenient`1.Implementation is null: it must return the implementation under test"));
    }

    [Test]
    public void NoPackFolderSaysWhetherTheFolderLookedInExists()
    {
        // CONVVERIFY_FIXTURES naming a folder that is not there read "the committed packs are found under" it.
        string missing = Path.Combine(Dir, "not-there");
        Assert.That(ConvVerify.NUnit.ConvImplementationFixture.NoPackGiven(missing),
            Is.EqualTo($"no pack folder given: there is nothing to check the implementation against (the committed packs are looked for under {missing}, which does not exist; set CONVVERIFY_FIXTURES)"));
        Assert.That(ConvVerify.NUnit.ConvImplementationFixture.NoPackGiven(Dir),
            Is.EqualTo($"no pack folder given: there is nothing to check the implementation against (the committed packs are found under {Dir}, which holds none: no sub-folder with a manifest.json; set CONVVERIFY_FIXTURES)"));
        // The variable naming a file (the probe: CONVVERIFY_FIXTURES=README.md) said it did not exist.
        string file = Path.Combine(Dir, "README.md");
        File.WriteAllText(file, "not a folder");
        Assert.That(ConvVerify.NUnit.ConvImplementationFixture.NoPackGiven(file),
            Is.EqualTo($"no pack folder given: there is nothing to check the implementation against (the committed packs are looked for under {file}, which is a file, not a folder; set CONVVERIFY_FIXTURES)"));
    }

    [Test]
    public void NoPackFolderUnderTheVariableSaysItIsSetAndWhatItNames()
    {
        // The probe: CONVVERIFY_FIXTURES naming a missing folder was answered "set CONVVERIFY_FIXTURES", which it was.
        string missing = Path.Combine(Dir, "not-there");
        Assert.That(ConvImplementationFixture.NoPackGiven(missing, missing), Is.EqualTo(
            $"no pack folder given: there is nothing to check the implementation against (CONVVERIFY_FIXTURES names {missing}, which does not exist; "
            + "point it at a folder of packs, or pass pack folders to CasesIn)"));
        Assert.That(ConvImplementationFixture.NoPackGiven(Dir, Dir), Does.Contain($"CONVVERIFY_FIXTURES names {Dir}, which holds no pack: no sub-folder with a manifest.json;"));
    }

    [Test]
    public void PacksFoundAreEnoughWhenTheyAreTheUsersOwnAndAllCommittedSetsOtherwise()
    {
        // The probe: a folder of the user's own packs named by CONVVERIFY_FIXTURES (as the README says the fixture reads)
        // failed PacksAreFound for holding fewer packs than the committed sets, "(set CONVVERIFY_FIXTURES)".
        string one = Path.Combine(Dir, "mine", "question");
        Assert.That(ConvImplementationFixture.PacksProblem(Path.Combine(Dir, "mine"), Path.Combine(Dir, "mine"), [one]), Is.Null);
        string missing = Path.Combine(Dir, "not-there");
        Assert.That(ConvImplementationFixture.PacksProblem(missing, missing, []), Is.EqualTo(
            $"no fixture packs: CONVVERIFY_FIXTURES names {missing}, which does not exist; point it at a folder of packs (one sub-folder with a manifest.json each)"));
        // The committed folder (shipped or the repository's) must hold every committed set: one missing is named.
        string root = Path.Combine(Dir, "fixtures");
        Directory.CreateDirectory(root);
        Assert.That(ConvImplementationFixture.PacksProblem(null, root, [Path.Combine(root, "basic"), Path.Combine(root, "question"), Path.Combine(root, "pytorch")]), Is.Null);
        Assert.That(ConvImplementationFixture.PacksProblem(null, root, [Path.Combine(root, "basic"), Path.Combine(root, "question")]),
            Is.EqualTo($"the committed packs under {root} are incomplete: pytorch missing of question, basic, pytorch"));
        Assert.That(ConvImplementationFixture.PacksProblem(null, root, []), Is.EqualTo($"no fixture packs under {root} (no sub-folder with a manifest.json); set CONVVERIFY_FIXTURES to a folder of packs"));
        Assert.That(ConvImplementationFixture.PacksProblem(null, null, []), Does.StartWith("the fixture packs were not found: CONVVERIFY_FIXTURES is not set"));
    }

    [Test]
    public void PacksAreFoundOfAFixtureWithCasesOfItsOwnAsksOnlyForACase()
    {
        // A fixture that hides Cases() checks its own packs, wherever they are: the committed ones are not asked for.
        Assert.That(FailureOfPacksAreFound(new OwnCases<object>()), Is.Null);
        OwnCases<object>.Packs = [];
        try
        {
            Assert.That(() => new OwnCases<object>().PacksAreFound(), Throws.ArgumentException.With.Message.StartsWith("no pack folder given"));
        }
        finally
        {
            OwnCases<object>.Packs = [Question];
        }
    }

    // PacksAreFound overridden to require nothing, with no attribute of its own.
    private sealed class RequiresNothing<TUnused> : ConvImplementationFixture
    {
        protected override IConvImplementation Implementation { get; } = new MatrixViewImplementation();

        public override void PacksAreFound() => Assert.Pass("anything will do");
    }

    [Test]
    public void PacksAreFoundOverriddenIsStillATest()
    {
        // The probe: it was not virtual, so a fixture whose packs it judged wrongly could only fail. NUnit reads a test
        // method's attributes with those of the method it overrides.
        var method = typeof(RequiresNothing<object>).GetMethod(nameof(ConvImplementationFixture.PacksAreFound))!;
        Assert.That(method.DeclaringType, Is.EqualTo(typeof(RequiresNothing<object>)));
        Assert.That(method.GetCustomAttributes(typeof(TestAttribute), inherit: true), Is.Not.Empty);
    }

    private static string? FailureOfPacksAreFound(ConvImplementationFixture fixture)
    {
        using (new TestExecutionContext.IsolatedContext())
        {
            try
            {
                fixture.PacksAreFound();
                return null;
            }
            catch (AssertionException e)
            {
                return e.Message;
            }
        }
    }

    // Cases of its own: the packs in Packs.
    private sealed class OwnCases<TUnused> : ConvImplementationFixture
    {
        public static string[] Packs { get; set; } = [Question];

        protected override IConvImplementation Implementation { get; } = new MatrixViewImplementation();

        public static new IEnumerable<TestCaseData> Cases() => CasesIn(Packs);
    }

    [Test]
    public void NoPackOrAPackWithoutCasesIsAnErrorNotAnEmptySource()
    {
        // The probe: CasesIn() yielded nothing, so NUnit made no test of MatchesThePack and the suite passed having checked nothing.
        Assert.That(() => Lenient<object>.Over().ToList(), Throws.ArgumentException.With.Message.StartsWith("no pack folder given"));
        // A pack by the letter: a manifest listing no case (format 1, which needs no hash of its own).
        File.WriteAllText(Path.Combine(Dir, "manifest.json"),
            """{"format": "convverify-fixtures/1", "generator": "hand", "versions": {}, "created": "2026-12-01T00:00:00Z", "cases": [], "files": {}}""");
        Assert.That(() => Lenient<object>.Over(Dir).ToList(), Throws.ArgumentException.With.Message.StartsWith($"no case in {Dir}"));
        Assert.That(Lenient<object>.Over(Question).Count(), Is.EqualTo(12), "a pack with cases is every case");
    }

    [Test]
    public void ACaseIdsInvisibleFormatCharactersAreEscapedInItsTestsNameOnly()
    {
        // A case folder may not hold a control character, but a right-to-left override was the test's name as it was.
        string id = "ab\u202ecd";
        ConvVerify.Tests.Cli.CliTestBase.CopyDirectory(Path.Combine(Question, IntegerCase), Path.Combine(Dir, id));
        var data = Lenient<object>.Over(Dir).Single();
        // The test as NUnit builds it from the source's data.
        var test = new global::NUnit.Framework.Internal.Builders.NUnitTestCaseBuilder().BuildTestMethod(
            new MethodWrapper(typeof(Lenient<object>), nameof(ConvImplementationFixture.MatchesThePack)), null, data);
        Assert.That(test.Name, Is.EqualTo("MatchesThePack(ab\\u202ecd)"));
        Assert.That(test.Arguments, Is.EqualTo(new object[] { Dir, id }), "the test reads the folder by its own name");
    }

    [Test]
    public void APackFolderThatIsNullEmptyOrGivenTwiceIsRefusedInTheFixturesName()
    {
        // The probe: a null folder was refused as FixturePack's parameter "directory", an empty one as ": pack folder not
        // found" (naming nothing), and a pack given twice made each of its cases two tests of one name.
        Assert.That(() => Lenient<object>.Over(Question, null!).ToList(), Throws.ArgumentException.With.Property("ParamName").EqualTo("packDirectories")
            .And.Message.StartsWith("packDirectories: a pack folder is null"));
        Assert.That(() => Lenient<object>.Over("").ToList(), Throws.ArgumentException.With.Property("ParamName").EqualTo("packDirectories")
            .And.Message.StartsWith("packDirectories: a pack folder is empty"));
        string again = Path.Combine(Question, "..", Path.GetFileName(Question));
        Assert.That(() => Lenient<object>.Over(Question, again).ToList(), Throws.ArgumentException.With.Property("ParamName").EqualTo("packDirectories")
            .And.Message.StartsWith($"packDirectories: {again} is given twice (as {PackPaths.RealPath(Question)})"));
        // A symbolic link is another spelling of the folder it leads to: its cases were listed twice under one name.
        string link = Path.Combine(Dir, "question-link");
        Directory.CreateSymbolicLink(link, Question);
        Assert.That(() => Lenient<object>.Over(Question, link).ToList(), Throws.ArgumentException.With.Property("ParamName").EqualTo("packDirectories")
            .And.Message.StartsWith($"packDirectories: {link} is given twice (as {PackPaths.RealPath(Question)})"));
    }

    [Test]
    public void ADirectionThatNeverReturnsFailsTheCaseWithinTheFixturesTimeLimit()
    {
        // The probe: a forward waiting on an event nobody sets hung the test run for good.
        using var gate = new ManualResetEventSlim();
        // Forward waits until the test releases it; the other directions are the matrix view's.
        var stalling = HookedImplementation.At(ConvVerify.Cases.Direction.Forward, () => gate.Wait());
        try
        {
            string? failure = FailureOf(new Timed<object>(stalling, TimeSpan.FromMilliseconds(50)), IntegerCase);
            Assert.That(failure, Does.Contain("y: FAIL: did not return within 0.05 s; the call was abandoned on its thread"));
            Assert.That(failure, Does.Contain("dx: FAIL: not called: the implementation's call for y of case "));
        }
        finally
        {
            gate.Set();
            SpinWait.SpinUntil(() => !ConvVerify.Runs.ImplementationSource.HasAbandonedCall(stalling), TimeSpan.FromSeconds(10));
        }
    }

    // The matrix view's results; disposing it throws, and counts.
    private sealed class DisposeThrows : HookedImplementation, IDisposable
    {
        public int Disposed { get; private set; }

        public void Dispose()
        {
            Disposed++;
            throw new InvalidOperationException("disposed by someone else");
        }
    }

    [Test]
    public void AnImplementationThatIsDisposableIsNotDisposedByTheFixture()
    {
        // The fixture's author owns it: one object kept for every case (the documented form) disposed after one case would
        // fail every later one, and disposed while an abandoned call still runs in it, pull its buffers from under that call.
        // A Dispose that throws or hangs therefore ends nothing here.
        var impl = new DisposeThrows();
        var fixture = new Timed<object>(impl, TimeSpan.FromSeconds(20));
        Assert.That(FailureOf(fixture, IntegerCase), Is.Null);
        Assert.That(FailureOf(fixture, IntegerCase), Is.Null, "the same object, for a second case");
        Assert.That(impl.Disposed, Is.Zero);
    }

    // A copy of the question pack in this test's folder, so it can be broken and repaired; returns its folder.
    private string CopyOfQuestion()
    {
        string copy = Path.Combine(Dir, "question");
        foreach (string file in Directory.GetFiles(Question, "*", SearchOption.AllDirectories))
        {
            string to = Path.Combine(copy, Path.GetRelativePath(Question, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return copy;
    }

    [Test]
    public void APackThatCouldNotBeReadIsReadAgainByTheNextCase()
    {
        // The probe: the fixture kept the pack's failed opening for the process, so once the manifest had been caught
        // half-written (as `fixtures generate` rewrites it), every later case reported that stale error, repaired or not.
        string pack = CopyOfQuestion();
        string manifest = Path.Combine(pack, "manifest.json");
        byte[] whole = File.ReadAllBytes(manifest);
        File.WriteAllBytes(manifest, whole[..(whole.Length / 2)]);
        var fixture = new Lenient<object>(new MatrixViewImplementation());
        Assert.That(() => fixture.MatchesThePack(pack, IntegerCase), Throws.TypeOf<FixtureException>().With.Message.Contains(manifest));
        Assert.That(() => fixture.MatchesThePack(pack, IntegerCase), Throws.TypeOf<FixtureException>(), "still broken: the error again, from a new attempt");
        File.WriteAllBytes(manifest, whole);
        using (new TestExecutionContext.IsolatedContext())
            Assert.That(() => fixture.MatchesThePack(pack, IntegerCase), Throws.Nothing, "repaired: the same process reads it again");
    }

    [Test]
    public void AnIntegrityFailureIsKeptWhileThePackIsUnchangedAndSaysSo()
    {
        string pack = CopyOfQuestion();
        string y = Path.Combine(pack, IntegerCase, "y.npy");
        byte[] good = File.ReadAllBytes(y);
        byte[] bad = [.. good];
        bad[^1] ^= 1;
        File.WriteAllBytes(y, bad);
        var fixture = new Lenient<object>(new MatrixViewImplementation());
        string? first = FailureOf(fixture, pack, IntegerCase);
        Assert.That(first, Does.Contain($"{pack} failed its integrity check: it cannot serve as an oracle"));
        // Rehashing a broken pack for each of its cases would be quadratic: the verdict stands, dated, while nothing changed.
        string? second = FailureOf(fixture, pack, IntegerCase);
        Assert.That(second, Does.Match(@"failed its integrity check \(made at \d\d:\d\d:\d\d UTC for an earlier case; this case's files that failed still fail, and neither manifest.json nor any file's size or time has changed since\)"));
        Assert.That(second, Does.Contain("y.npy: sha256 differs from the manifest"));
        // Restored (as git checkout would), the pack is checked again and serves.
        File.WriteAllBytes(y, good);
        Assert.That(FailureOf(fixture, pack, IntegerCase), Is.Null);
    }

    [Test]
    public void ARepairThatKeepsTheFilesSizeAndTimeIsNoticed()
    {
        // The probe: the kept verdict was dropped only when a file's size or last write changed, so a byte put back by a
        // tool that restores the time (`touch -r`, an archive's extraction) left the fixture failing a good pack.
        string pack = CopyOfQuestion();
        string y = Path.Combine(pack, IntegerCase, "y.npy");
        byte[] good = File.ReadAllBytes(y);
        var time = File.GetLastWriteTimeUtc(y);
        File.WriteAllBytes(y, [.. good[..^4], (byte)(good[^4] ^ 1), .. good[^3..]]);
        File.SetLastWriteTimeUtc(y, time);
        var fixture = new Lenient<object>(new MatrixViewImplementation());
        Assert.That(FailureOf(fixture, pack, IntegerCase), Does.Contain("y.npy: sha256 differs from the manifest"));
        File.WriteAllBytes(y, good);
        File.SetLastWriteTimeUtc(y, time);
        Assert.That(FailureOf(fixture, pack, IntegerCase), Is.Null, "the file that failed matches again: the pack is checked again and serves");
    }

    [Test]
    public void ACaseHashesAgainOnlyItsOwnFilesThatFailed()
    {
        // The probe: a kept integrity failure made every later case hash every file that failed, so a pack whose files all
        // fail (regenerated under a stale manifest) was hashed whole for each of its cases, quadratic again. Here another
        // case's failed file becomes a named pipe of the same size (0) and time, which no stamp tells from it: hashed for
        // this case, it failed the case as "not a regular file"; left alone, the case fails with the kept verdict.
        string pack = CopyOfQuestion();
        string y = Path.Combine(pack, IntegerCase, "y.npy");
        File.WriteAllBytes(y, []);
        var time = File.GetLastWriteTimeUtc(y);
        var fixture = new Lenient<object>(new MatrixViewImplementation());
        Assert.That(FailureOf(fixture, pack, IntegerCase), Does.Contain("y.npy: sha256 differs from the manifest"));
        NamedPipes.Make(y);
        File.SetLastWriteTimeUtc(y, time);
        string other = CommittedPacks.Open("question").CaseIds.First(i => i != IntegerCase);
        string? failure = FailureOf(fixture, pack, other);
        Assert.That(failure, Does.Contain("for an earlier case; the files that failed are other cases', not hashed again for this one, and neither"));
        Assert.That(failure, Does.Contain($"{y}: sha256 differs from the manifest"));
    }

    [Test]
    public void TwoCasesOpeningAPackAtOnceNeitherSayTheVerdictWasAnEarlierCases()
    {
        // The probe: "earlier" was a flag of the factory the first case stored, set by whichever thread ran it. The first
        // case held here with the pack's entry stored and its verdict not yet made, the second ran that factory, checking
        // the pack itself, yet kept its own flag: it labelled the verdict "made … for an earlier case" and hashed again.
        string pack = CopyOfQuestion();
        string y = Path.Combine(pack, IntegerCase, "y.npy");
        byte[] bad = File.ReadAllBytes(y);
        bad[^1] ^= 1;
        File.WriteAllBytes(y, bad);
        string full = Path.GetFullPath(pack);
        var fixture = new Lenient<object>(new MatrixViewImplementation());
        using var arrived = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        int opening = 0;
        // Only this test's pack: the hook is the process's, and other tests open other packs meanwhile.
        ConvImplementationFixture.OpeningHook = dir =>
        {
            if (dir != full || Interlocked.Increment(ref opening) != 1) return;
            arrived.Set();
            // A guard against a test that never releases it, not a measure of time.
            release.Wait(TimeSpan.FromMinutes(1));
        };
        string? first = null;
        Exception? thrown = null;
        var held = new Thread(() =>
        {
            try
            {
                first = FailureOf(fixture, pack, IntegerCase);
            }
            catch (Exception e)
            {
                thrown = e;
            }
        });
        string? second;
        try
        {
            held.Start();
            Assert.That(arrived.Wait(TimeSpan.FromMinutes(1)), "the first case reached the pack");
            second = FailureOf(fixture, pack, IntegerCase);
        }
        finally
        {
            release.Set();
            held.Join();
            ConvImplementationFixture.OpeningHook = null;
        }
        Assert.That((thrown, opening), Is.EqualTo(((Exception?)null, 2)), "both cases opened the pack, the first held while the second did");
        string plain = $"{pack} failed its integrity check: it cannot serve as an oracle";
        Assert.That(second, Does.Contain(plain).And.Not.Contain("earlier case"), "the case that made the verdict");
        Assert.That(first, Does.Contain(plain).And.Not.Contain("earlier case"), "the case that waited for it to be made");
        // A case after both has the verdict from an earlier case, and says so.
        Assert.That(FailureOf(fixture, pack, IntegerCase), Does.Contain("UTC for an earlier case; this case's files that failed still fail"));
    }

    [Test]
    public void AManifestMadeToMatchAChangedFileIsNoticedWhateverItsTime()
    {
        // The other way to make a pack whole: the manifest takes the file's new hash (the size of a hash never changes).
        string pack = CopyOfQuestion();
        string y = Path.Combine(pack, IntegerCase, "y.npy"), manifest = Path.Combine(pack, "manifest.json");
        byte[] good = File.ReadAllBytes(y);
        File.WriteAllBytes(y, [.. good[..^4], (byte)(good[^4] ^ 1), .. good[^3..]]);
        var fixture = new Lenient<object>(new Partial(forward: false));
        Assert.That(FailureOf(fixture, pack, IntegerCase), Does.Contain("y.npy: sha256 differs from the manifest"));
        var time = File.GetLastWriteTimeUtc(manifest);
        var m = Manifest.Read(manifest);
        m.Files[$"{IntegerCase}/y.npy"] = Manifest.Sha256(y);
        m.Write(manifest);
        File.SetLastWriteTimeUtc(manifest, time);
        // Forward is not run (Partial(false)), so the changed y serves without a comparison to fail; only the pack's verdict is asked.
        Assert.That(FailureOf(fixture, pack, IntegerCase), Does.Not.Contain("integrity"));
    }

    [Test]
    public void AFileOfAGoodPackChangedLaterFailsItsCaseNamingIt()
    {
        // The probe: a pack that passed its check stayed open for the process unlooked-at, so a case.json rewritten since
        // (here harmlessly, by a trailing space: the case reads the same) served unchecked, and the case passed.
        string pack = CopyOfQuestion();
        var fixture = new Lenient<object>(new MatrixViewImplementation());
        Assert.That(FailureOf(fixture, pack, IntegerCase), Is.Null);
        string caseJson = Path.Combine(pack, IntegerCase, "case.json");
        File.AppendAllText(caseJson, " ");
        // An error of the case, as any case.json the case cannot read is.
        Assert.That(() => FailureOf(fixture, pack, IntegerCase), Throws.TypeOf<FixtureException>().With.Message.EqualTo(
            $"{caseJson}: changed since the pack's integrity check hashed it (its sha256 now matches neither that check's nor the manifest's), found as its case read it; "
            + "a file that changes under a run cannot serve as an oracle"));
        // A result: the case is an error naming the file, not a failure of whatever element the change made differ.
        string other = CommittedPacks.Open("question").CaseIds.First(i => i != IntegerCase && i.Contains("f32", StringComparison.Ordinal));
        string dx = Path.Combine(pack, other, "dx.npy");
        byte[] good = File.ReadAllBytes(dx);
        File.WriteAllBytes(dx, [.. good[..^4], (byte)(good[^4] ^ 1), .. good[^3..]]);
        Assert.That(FailureOf(fixture, pack, other), Does.Contain($"*: ERROR: {dx}: changed since the pack's integrity check hashed it"));
    }

    [Test]
    public void AZeroTimeLimitIsRefusedNamingIt()
    {
        var fixture = new Timed<object>(new MatrixViewImplementation(), TimeSpan.Zero);
        Assert.That(() => fixture.MatchesThePack(Question, IntegerCase), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith(
            "Timed`1.DirectionTimeLimit: a direction's time limit must be positive (or Timeout.InfiniteTimeSpan for none), got 00:00:00"));
    }

    [Test]
    public void AStrayFileInACaseFolderIsAWarningOncePerPackAndTheCaseIsStillChecked()
    {
        // The probe: the fixture read the pack's warnings and showed none of them, so a misnamed result sat unseen.
        string pack = CopyOfQuestion();
        string stray = Path.Combine(pack, IntegerCase, "y.npy.bak");
        File.WriteAllBytes(stray, [1, 2, 3]);
        string other = CommittedPacks.Open("question").CaseIds.First(i => i != IntegerCase);
        var (state, message) = ResultOf(new Warned<object>(strict: false), pack, IntegerCase);
        Assert.That(state, Is.EqualTo(ResultState.Warning), message);
        Assert.That(message, Does.Contain(stray + ": not a case file").And.Contain("1 warning about the pack"));
        Assert.That(message, Does.Contain("Warned`1.Strict would make them fail every case"));
        // Once per pack and process: the next case, of this fixture or another, passes with nothing said.
        Assert.That(ResultOf(new Warned<object>(strict: false), pack, other), Is.EqualTo((ResultState.Success, "")));
        Assert.That(ResultOf(new Warned<object>(strict: false), pack, IntegerCase).State, Is.EqualTo(ResultState.Success));
        // A case that fails still fails, with the warning in its result too: a warning never hides a failure.
        string copy2 = Path.Combine(Dir, "second");
        Directory.CreateDirectory(copy2);
        foreach (string file in Directory.GetFiles(pack, "*", SearchOption.AllDirectories))
        {
            string to = Path.Combine(copy2, Path.GetRelativePath(pack, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        var failing = ResultOf(new Lenient<object>(new Partial(forward: false)), copy2, IntegerCase);
        Assert.That(failing.State.Status, Is.EqualTo(TestStatus.Failed));
        Assert.That(failing.Message, Does.Contain("y.npy.bak: not a case file"));
    }

    [Test]
    public void UnderStrictAPacksWarningsFailEveryCaseNamingThem()
    {
        string pack = CopyOfQuestion();
        string stray = Path.Combine(pack, IntegerCase, "notes.txt");
        File.WriteAllText(stray, "x");
        var strict = new Warned<object>(strict: true);
        for (int i = 0; i < 2; i++)
        {
            var (state, message) = ResultOf(strict, pack, IntegerCase);
            Assert.That(state.Status, Is.EqualTo(TestStatus.Failed), $"case run {i + 1}");
            Assert.That(message, Does.StartWith($"{pack}: 1 warning about the pack, and Warned`1.Strict makes warnings errors:\n  {stray}: not a case file"));
        }
        // Dealt with, the pack is read again (as a repaired integrity failure is) and serves.
        File.Delete(stray);
        Assert.That(ResultOf(strict, pack, IntegerCase), Is.EqualTo((ResultState.Success, "")), "a strict fixture on a pack without warnings passes");
    }

    [Test]
    public void APackWithoutAManifestIsWarnedAbout()
    {
        string pack = CopyOfQuestion();
        File.Delete(Path.Combine(pack, "manifest.json"));
        var (state, message) = ResultOf(new Warned<object>(strict: false), pack, IntegerCase);
        Assert.That(state, Is.EqualTo(ResultState.Warning));
        Assert.That(message, Does.Contain($"{pack}: no manifest.json, so the integrity of its files could not be checked"));
    }

    // Right but for forward's normal-fill float32 and float64 results, each moved by 0.3 of its sound bound: beyond the
    // probabilistic bound, within the sound one (a Winograd implementation's errors, say).
    private sealed class WithinTheSoundBound : HookedImplementation
    {
        public override void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
        {
            base.Forward(p, x, w, b, y);
            var bounds = ConvVerify.Comparison.TensorComparison.Bounds(p, ConvVerify.Cases.Direction.Forward,
                new ConvVerify.Cases.ConvInputs<T>(x.ToArray(), w.ToArray(), b.ToArray(), new T[p.YSize]));
            for (int i = 0; i < y.Length; i++) y[i] += T.CreateChecked(0.3 * bounds[i]);
        }
    }

    // Right but for forward's first element, one too large.
    private sealed class Wrong : HookedImplementation
    {
        public override void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
        {
            base.Forward(p, x, w, b, y);
            y[0] += T.One;
        }
    }

    private static readonly string NormalCase = CommittedPacks.Open("question").CaseIds.First(i => i.Contains("question___f32_normal", StringComparison.Ordinal));

    [Test]
    public void TheToleranceChosenDecidesTheNormalFillAndTheAdviceNamesTheProperty()
    {
        // The probe: the fixture always used the probabilistic tier, so an implementation within the sound bound (as Tolerance
        // tells a Winograd one to be held to) failed every normal-fill case "(accepted with --tolerance sound)", a flag an
        // NUnit user cannot give.
        var impl = new WithinTheSoundBound();
        string? failure = FailureOf(new Tolerant<object>(impl, ConvVerify.Comparison.Tolerance.Probabilistic), NormalCase);
        Assert.That(failure, Does.Contain("y: suspicious: ").And.Contain("(accepted with Tolerant`1.Tolerance => Tolerance.SoundBound)"));
        Assert.That(failure, Does.Not.Contain("--tolerance"));
        Assert.That(FailureOf(new Tolerant<object>(impl, ConvVerify.Comparison.Tolerance.SoundBound), NormalCase), Is.Null);
        // The integer fill stays exact under the sound bound: the same implementation is exact there, a wrong one fails.
        Assert.That(FailureOf(new Tolerant<object>(new Wrong(), ConvVerify.Comparison.Tolerance.SoundBound), IntegerCase), Does.Contain("y: FAIL: "));
    }

    [TestCase(42, "42 is not a Tolerance; expected Tolerance.Probabilistic (the default) or Tolerance.SoundBound")]
    [TestCase((int)ConvVerify.Comparison.Tolerance.Bitwise, "Bitwise is no rule for the normal fill")]
    [TestCase((int)ConvVerify.Comparison.Tolerance.ExactValues, "ExactValues is no rule for the normal fill")]
    public void AToleranceThatIsNoNormalFillRuleIsRefusedNamingTheProperty(int value, string why)
    {
        // An undefined value fell through to the default rule unsaid.
        var fixture = new Tolerant<object>(new MatrixViewImplementation(), (ConvVerify.Comparison.Tolerance)value);
        Assert.That(() => fixture.MatchesThePack(Question, IntegerCase), Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Property("ParamName").EqualTo("Tolerance").And.Message.StartsWith("Tolerant`1.Tolerance: " + why));
    }

    [Test]
    public void AFailureNamesThePackAndItsOracleOnceEachDirectionAndNotTheAssertsCode()
    {
        // The probe: the message began with Assert.That's own code, said each direction twice ("y: FAIL: y: 1 of 48
        // elements", "dw: not provided: dw: not provided (no dw)") and named neither the pack nor its oracle.
        string? failure = FailureOf(new Tolerant<object>(new Wrong(), ConvVerify.Comparison.Tolerance.Probabilistic), IntegerCase);
        Assert.That(failure, Does.StartWith($"{IntegerCase} (Wrong vs pack {Question} (torch)): 1 direction of 4 did not pass:\n  y: FAIL: 1 of "));
        Assert.That(failure, Does.Not.Contain("Assert.That").And.Not.Contain("y: FAIL: y:"));
        string? absent = FailureOf(new Tolerant<object>(new Partial(forward: true), ConvVerify.Comparison.Tolerance.Probabilistic), IntegerCase);
        Assert.That(absent, Does.Contain("\n  dw: not provided (no dw)").And.Not.Contain("not provided: "));
    }

    [Test]
    public void CasesOfTheSameIdInTwoPacksAreTestsOfTwoNamesEachNamingItsPack()
    {
        // The probe: CasesIn(pack, another of the same ids) made two tests of each name, which runners merge.
        string copy = CopyOfQuestion();
        string other = Path.Combine(Dir, "other");
        Directory.Move(copy, other);
        var names = Lenient<object>.Over(Question, other).Select(NameOf).ToList();
        Assert.That(names, Is.Unique);
        Assert.That(names, Does.Contain($"MatchesThePack({IntegerCase}, pack question (torch))").And.Contain($"MatchesThePack({IntegerCase}, pack other (torch))"));
        // One pack alone keeps the names it had.
        Assert.That(Lenient<object>.Over(other).Select(NameOf), Does.Contain($"MatchesThePack({IntegerCase})"));
        // Two packs of one folder name (and oracle) are told apart by their paths.
        string same = Path.Combine(Dir, "elsewhere", "question");
        Directory.CreateDirectory(Path.GetDirectoryName(same)!);
        Directory.Move(other, same);
        var paths = Lenient<object>.Over(Question, same).Select(NameOf).ToList();
        Assert.That(paths, Is.Unique);
        Assert.That(paths, Does.Contain($"MatchesThePack({IntegerCase}, pack {same} (torch))"));
    }

    // The test's name as NUnit builds it from the source's data.
    private static string NameOf(TestCaseData data) => new global::NUnit.Framework.Internal.Builders.NUnitTestCaseBuilder().BuildTestMethod(
        new MethodWrapper(typeof(Lenient<object>), nameof(ConvImplementationFixture.MatchesThePack)), null, data).Name;

    [Test]
    public void CasesWhereKeepsTheCasesChosenAndThoseThatCannotBeRead()
    {
        string pack = CopyOfQuestion();
        var f32 = Tolerant<object>.Where(c => c.Problem.DType == DType.Float32, pack).Select(c => (string)c.Arguments[1]!).ToList();
        Assert.That(f32, Is.EquivalentTo(CommittedPacks.Open("question").CaseIds.Where(i => i.Contains("___f32_", StringComparison.Ordinal))));
        // Left out, a case that cannot be read would pass unseen; kept, its test fails naming the error.
        string f64 = CommittedPacks.Open("question").CaseIds.First(i => i.Contains("___f64_", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(pack, f64, "case.json"), "{");
        Assert.That(Tolerant<object>.Where(c => c.Problem.DType == DType.Float32, pack).Select(c => (string)c.Arguments[1]!), Does.Contain(f64));
        Assert.That(() => Tolerant<object>.Where(_ => false, Question).ToList(), Throws.ArgumentException.With.Message.StartsWith($"no case in {Question} is kept by the filter given"));
        Assert.That(() => Tolerant<object>.Where(null!, Question).ToList(), Throws.ArgumentNullException);
    }

    [Test]
    public void NoFolderOfPacksFoundSaysWhereItWasLookedFor()
    {
        // The probe: from a project outside the repository the message read "looked for under no folder: none was found".
        string message = ConvImplementationFixture.NoPackGiven(null);
        Assert.That(message, Does.Contain("CONVVERIFY_FIXTURES is not set").And.Contain($"no fixtures/ folder beside {AppContext.BaseDirectory}")
            .And.Contain($"above the current folder {Directory.GetCurrentDirectory()}").And.EndWith("; set CONVVERIFY_FIXTURES)"));
        Assert.That(message, Does.Not.Contain("no folder"));
    }
}
