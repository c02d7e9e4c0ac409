using System.Collections.Concurrent;
using ConvVerify.Oracles;

namespace ConvVerify.Tests.Cli;

/// <summary>
/// Oracles the commands find by name that no real oracle can stand in for without torch: one that cannot run here, and
/// one with two versions (the commands print versions joined) that records being disposed.
/// </summary>
internal static class CliFakeOracles
{
    /// <summary>An oracle that exists but cannot run here, as torch without Python.</summary>
    public const string Unavailable = "cli-unavailable";

    /// <summary>Why <see cref="Unavailable"/> cannot run; a real oracle's reason starts with its name too ("torch: ...").</summary>
    public const string UnavailableReason = "cli-unavailable: not on this machine";

    /// <summary>The definition (naive loops) under two versions, <c>lib-a 1.0</c> then <c>lib-b 2.5</c>, for `import-onnx`.</summary>
    public const string TwoVersions = "cli-two-versions";

    /// <summary>The same for `fixtures generate`: fixtures run in parallel, so each counts the oracles made under its own name.</summary>
    public const string TwoVersionsForGenerate = "cli-two-versions-generate";

    /// <summary>The same for `check`.</summary>
    public const string TwoVersionsForCheck = "cli-two-versions-check";

    /// <summary>The same for `soak`.</summary>
    public const string TwoVersionsForSoak = "cli-two-versions-soak";

    /// <summary>The definition, whose release fails (as a native library's can).</summary>
    public const string FailsToRelease = "cli-fails-to-release";

    /// <summary>What <see cref="FailsToRelease"/>'s failed release says.</summary>
    public const string ReleaseFailure = "the native session would not close";

    /// <summary>The definition, whose versions throw when read (a bug of the kind no command expects).</summary>
    public const string Crashes = "cli-crashes";

    /// <summary>What <see cref="Crashes"/>'s versions throw.</summary>
    public const string CrashMessage = "a bug in the oracle's versions";

    /// <summary>The definition under <see cref="Float32RoundedOnceOracle"/>, a layout oracle by type that computes in NCHW only (its inner oracle has no other layout).</summary>
    public const string RoundedNchwOnly = "cli-rounded-nchw";

    /// <summary>An oracle whose every computation fails as torch's does when it raises (no fault of the input).</summary>
    public const string TorchLikeFailure = "cli-torch-like-failure";

    /// <summary>What <see cref="TorchLikeFailure"/> throws.</summary>
    public const string TorchLikeFailureMessage = "torch failed on the fake's problem: RuntimeError: a kernel the fake pretends to lack";

    /// <summary>The commands that have an oracle recording its options (<see cref="RecordsOptions"/>), each its own: tests of different commands run in parallel.</summary>
    private static readonly string[] RecordingCommands = ["check", "soak", "fixtures generate", "fixtures check", "fixtures import-onnx"];

    /// <summary>The definition, recording the <see cref="OracleOptions"/> a command made it with (<see cref="OptionsGiven"/>); one name for each command.</summary>
    public static string RecordsOptions(string command) => "cli-records-options-" + command.Replace(' ', '-');

    /// <summary>
    /// ONNX Runtime's oracle as the registry makes it from a command's options (<see cref="OrtOracle.Create"/>), each of
    /// whose calls waits on its call's thread for <see cref="OrtGate"/>: a call that cannot return before its limit,
    /// however late the machine's load wakes the wait for it.
    /// </summary>
    public const string GatedOrt = "cli-gated-ort";

    /// <summary>What every call of a <see cref="GatedOrt"/> oracle waits for; its one test sets it when done.</summary>
    public static ManualResetEventSlim OrtGate { get; } = new();

    private static readonly ConcurrentQueue<OrtOracle> GatedOrts = new();

    /// <summary>Every ONNX Runtime oracle a <see cref="GatedOrt"/> was made around, oldest first.</summary>
    public static IReadOnlyList<OrtOracle> GatedOrtsMade => [.. GatedOrts];

    private static readonly ConcurrentDictionary<string, ConcurrentQueue<Runs.DefinitionOracle>> Created = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, ConcurrentQueue<OracleOptions>> Given = new(StringComparer.Ordinal);

    static CliFakeOracles()
    {
        OracleRegistry.Register(Unavailable, "a test's fake", _ => throw new OracleUnavailableException(UnavailableReason));
        OracleRegistry.Register(RoundedNchwOnly, "a test's fake", _ => new Float32RoundedOnceOracle(new Runs.DefinitionOracle(RoundedNchwOnly)));
        OracleRegistry.Register(TorchLikeFailure, "a test's fake", _ => new Runs.ThrowingOracle(TorchLikeFailure, _ => new TorchOracleException(TorchLikeFailureMessage)));
        OracleRegistry.Register(FailsToRelease, "a test's fake", _ => new Runs.DefinitionOracle(FailsToRelease)
        {
            Released = _ => throw new InvalidOperationException(ReleaseFailure),
        });
        var crashes = Created.GetOrAdd(Crashes, _ => new ConcurrentQueue<Runs.DefinitionOracle>());
        OracleRegistry.Register(Crashes, "a test's fake", _ =>
        {
            var o = new Runs.DefinitionOracle(Crashes) { VersionsFailure = CrashMessage };
            crashes.Enqueue(o);
            return o;
        });
        OracleRegistry.Register(GatedOrt, "a test's fake", options =>
        {
            var ort = (OrtOracle)OrtOracle.Create(options);
            GatedOrts.Enqueue(ort);
            return new Gated(ort);
        });
        foreach (string name in RecordingCommands.Select(RecordsOptions))
        {
            var given = Given.GetOrAdd(name, _ => new ConcurrentQueue<OracleOptions>());
            OracleRegistry.Register(name, "a test's fake", options =>
            {
                given.Enqueue(options);
                return new Runs.DefinitionOracle(name);
            });
        }
        foreach (string name in (string[])[TwoVersions, TwoVersionsForGenerate, TwoVersionsForCheck, TwoVersionsForSoak])
        {
            var made = Created.GetOrAdd(name, _ => new ConcurrentQueue<Runs.DefinitionOracle>());
            OracleRegistry.Register(name, "a test's fake", _ =>
            {
                var o = new Runs.DefinitionOracle(name, ("lib-a", "1.0"), ("lib-b", "2.5"));
                made.Enqueue(o);
                return o;
            });
        }
    }

    // The ONNX Runtime oracle under its own name, each call held on its thread until OrtGate is set; released as the
    // oracle is (by the run's scope).
    private sealed class Gated(OrtOracle ort) : IConvOracle, IDisposable
    {
        // A call the limit never abandoned (none given it) goes on after this rather than wait on the test for good.
        private static readonly TimeSpan GateTimeout = TimeSpan.FromMinutes(1);

        public string Name => GatedOrt;

        public IReadOnlyDictionary<string, string> Versions => ort.Versions;

        public double BoundFactor => ort.BoundFactor;

        public bool Provides(ConvVerify.Problems.ConvProblem problem, ConvVerify.Cases.Direction direction, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? reason) =>
            ort.Provides(problem, direction, out reason);

        public IReadOnlyDictionary<ConvVerify.Cases.Direction, T[]> Compute<T>(ConvVerify.Problems.ConvProblem problem, ConvVerify.Cases.ConvInputs<T> inputs, IReadOnlyCollection<ConvVerify.Cases.Direction> directions)
            where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => ort.Compute(problem, inputs, directions, (_, _) => OrtGate.Wait(GateTimeout));

        public void Dispose() => ort.Dispose();
    }

    /// <summary>Registers the fakes (once per process).</summary>
    public static void Register()
    {
        // The static constructor does the work; this only makes sure it has run.
    }

    /// <summary>Every oracle made under <paramref name="name"/> (a two-version one or <see cref="Crashes"/>) so far, oldest first.</summary>
    public static IReadOnlyList<Runs.DefinitionOracle> OraclesMade(string name) => [.. Created[name]];

    /// <summary>The options of every oracle made under <paramref name="name"/> (a <see cref="RecordsOptions"/> one) so far, oldest first.</summary>
    public static IReadOnlyList<OracleOptions> OptionsGiven(string name) => [.. Given[name]];
}
