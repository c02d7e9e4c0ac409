using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Problems;
using Python.Runtime;

namespace ConvVerify.Oracles;

/// <summary>
/// Live PyTorch, in-process through pythonnet: runs <c>python/convverify_torch.py</c>'s <c>compute</c> on a problem's
/// inputs and returns y, dL/dx, dL/dw and dL/db. One per process and safe to call from any thread.
/// </summary>
/// <remarks>
/// CPython can be initialized once per process and never again after finalization, so the oracle is a singleton
/// whose engine lives until <see cref="Shutdown"/>. Tensors cross through <c>torch.empty</c> and <c>data_ptr()</c>
/// with a memory copy: element-wise conversion is about 500 times slower.
/// Each call runs on a thread apart from the caller's, for at most a time limit (by default <see cref="DefaultTimeLimit"/>
/// of the problem; <see cref="WithTimeLimit"/>, <see cref="OracleOptions.TimeLimit"/>). One that has not returned by then
/// (a deadlock in a native library, a pathological problem) fails with a <see cref="TorchOracleException"/> and is
/// abandoned: neither .NET nor Python can stop it, so it goes on running until it returns, if ever. Until it does, every
/// call of the oracle fails at once, naming it: stuck in native code that holds Python's lock, it leaves no other thread
/// into Python, and a call would wait for good. <see cref="Shutdown"/> then leaves Python as it is (see there).
/// </remarks>
public sealed class TorchOracle : IConvOracle, ILayoutOracle
{
    private const string ModuleName = "convverify_torch";

    private static readonly Lock Gate = new();

    // A caller holds it shared while it waits for its call (at most the call's limit); Shutdown takes it exclusively so it
    // never finalizes Python under a call someone waits for. One abandoned past its limit is PythonCalls' to count.
    private static readonly ReaderWriterLockSlim Life = new(LockRecursionPolicy.NoRecursion);

    private static readonly KeptThreads CallThreads = new("ConvVerify torch call");

    // The abandoned calls still running of every torch LimitedCalls (the process's and tests' own): Python must not be
    // finalized under any of them. Torch's alone: a stuck ONNX Runtime call has no part in Python.
    private static readonly LimitedCalls.Tally PythonCalls = new();

    // The process's calls into Python: one interpreter, one GIL, so a stuck call stands in the way of every caller.
    private static readonly LimitedCalls Calls = NewCalls();
    private static TorchAvailability? _probe;
    private static TorchOracle? _instance;
    private static bool _engineStarted;
    private static bool _shutDown;

    private readonly PyObject _empty;
    private readonly PyObject _compute;
    private readonly PyObject _narrowSupport;
    private readonly PyObject _layoutSupport;

    // Stryker disable all : once per process (mutation runs reuse the process for the next mutant: a mutant here would decide every later verdict; every live test needs it, and CI requires torch)
    private TorchOracle(PyObject module, string torchVersion, string numpyVersion, string blas, string cpuKernels)
    {
        _empty = module.GetAttr("empty");
        _compute = module.GetAttr("compute");
        _narrowSupport = module.GetAttr("narrow_support");
        _layoutSupport = module.GetAttr("layout_support");
        TorchVersion = torchVersion;
        NumpyVersion = numpyVersion;
        Blas = blas;
        CpuKernels = cpuKernels;
    }
    // Stryker restore all

    /// <summary><c>torch.__version__</c> of the embedded interpreter.</summary>
    public string TorchVersion { get; }

    /// <summary><c>numpy.__version__</c> of the embedded interpreter.</summary>
    public string NumpyVersion { get; }

    /// <summary>
    /// The BLAS library torch's GEMM-based convolutions sum in (float64 ones, float32 1x1 ones), as
    /// "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0" (Debian's reference BLAS) or "OpenBLAS 0.3.21 … Zen …": torch built for a generic BLAS
    /// calls whichever library the system resolves, and another one gives other bits (python/convverify_torch.py,
    /// <c>blas_library</c>).
    /// </summary>
    public string Blas { get; }

    /// <summary>The key of <see cref="Blas"/> in <see cref="Versions"/>.</summary>
    public const string BlasVersionKey = "blas";

    /// <summary>
    /// The kernels torch runs on this CPU, as "ATen AVX2, oneDNN avx2": they decide the bits of its results (float32 on
    /// an AVX2 machine differs from AVX-512 in the last bits), so a pack made elsewhere is compared within the bound.
    /// </summary>
    public string CpuKernels { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Versions => new Dictionary<string, string> { ["torch"] = TorchVersion, ["numpy"] = NumpyVersion, [BlasVersionKey] = Blas, [IConvOracle.CpuVersionKey] = CpuKernels };

    /// <summary>The oracle's name: "torch".</summary>
    public const string OracleName = "torch";

    /// <summary>
    /// Whether an oracle of that name is live torch: <see cref="OracleName"/>, or a view of it ("torch-channels-last",
    /// "torch-rounded"). Such a run holds what torch builds beside the tensors (<see cref="Runs.CaseSelection.TorchCaseBytes"/>).
    /// </summary>
    public static bool Named(string oracleName)
    {
        ArgumentNullException.ThrowIfNull(oracleName);
        return oracleName == OracleName || oracleName.StartsWith(OracleName + "-", StringComparison.Ordinal);
    }

    /// <summary>Both: torch has contiguous and channels-last kernels.</summary>
    public static IReadOnlyCollection<TorchLayout> AllLayouts { get; } = [TorchLayout.Contiguous, TorchLayout.ChannelsLast];

    /// <inheritdoc/>
    public IReadOnlyCollection<TorchLayout> Layouts => AllLayouts;

    /// <summary><see cref="TorchLayout.Contiguous"/>: the oracle itself computes in torch's default; <see cref="In"/> gives the others.</summary>
    public TorchLayout Layout => TorchLayout.Contiguous;

    /// <inheritdoc/>
    public string Name => OracleName;

    /// <inheritdoc/>
    public string? LayoutFallback(ConvProblem problem) => LayoutFallbackOf(problem, TorchLayout.Contiguous, null);

    /// <inheritdoc/>
    public double BoundFactor => TorchTolerance.BoundFactor;

    /// <inheritdoc/>
    public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason) => ProvidesAll(problem, direction, TorchLayout.Contiguous, null, out reason);

    /// <inheritdoc/>
    /// <exception cref="TorchOracleException">PyTorch raised, returned an unexpected tensor, did not return within <see cref="DefaultTimeLimit"/>, or has not returned from an earlier call that did not.</exception>
    public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
        where T : unmanaged, IFloatingPointIeee754<T> => Compute(problem, inputs, TorchLayout.Contiguous, null, directions);

    private IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, TorchLayout layout, TimeSpan? timeLimit, IReadOnlyCollection<Direction> directions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(directions);
        return Select(problem, layout, timeLimit, Compute(problem, inputs, layout, null, timeLimit, directions), directions);
    }

    /// <summary>
    /// The time limit of a call for <paramref name="p"/> unless one is given: <see cref="TimeLimits.Floor"/>
    /// (a first call loads kernels, other work keeps the machine busy) plus the multiply-adds of y, dx and dw, which
    /// autograd computes in the one call, at <see cref="TimeLimits.SlowMultiplyAddsPerSecond"/>, in whole
    /// seconds (at most <see cref="int.MaxValue"/> milliseconds): as an implementation's direction is given, three times over.
    /// </summary>
    public static TimeSpan DefaultTimeLimit(ConvProblem p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return TimeLimits.ForWork(3.0 * p.MultiplyAdds);
    }

    /// <summary>
    /// This oracle with every call given <paramref name="limit"/> instead of <see cref="DefaultTimeLimit"/> (its narrow-dtype
    /// support probe too, instead of <see cref="TimeLimits.Floor"/>):
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none (the call then runs on the caller's thread, to step into it in a
    /// debugger). An <see cref="ILayoutOracle"/> too, whose views keep the limit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Zero, negative (but <see cref="Timeout.InfiniteTimeSpan"/>), or longer than <see cref="int.MaxValue"/> milliseconds.</exception>
    public IConvOracle WithTimeLimit(TimeSpan limit)
    {
        if (TimeLimits.Problem(limit) is { } why) throw new ArgumentOutOfRangeException(nameof(limit), limit, $"limit: {why}");
        return new LimitedView(this, limit);
    }

    // Autograd computes every direction in one pass anyway; hand back the ones asked for.
    private static IReadOnlyDictionary<Direction, T[]> Select<T>(ConvProblem problem, TorchLayout layout, TimeSpan? limit, ConvResults<T> all, IReadOnlyCollection<Direction> directions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(directions);
        foreach (var d in directions)
            if (!ProvidesAll(problem, d, layout, limit, out string? why)) throw new ArgumentException($"directions: torch does not provide {d.TensorName()}: {why}", nameof(directions));
        return directions.ToDictionary(d => d, all.Get);
    }

    // limit: the view's own (WithTimeLimit), which the narrow probe keeps too; null for none given.
    private static bool ProvidesAll(ConvProblem problem, Direction direction, TorchLayout layout, TimeSpan? limit, [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (DTypes.IsNarrow(problem.DType) && NarrowSupport(problem, layout, limit) is { Length: > 0 } why)
        {
            reason = $"torch {_instance?.TorchVersion} {why}";
            return false;
        }
        return direction.Applies(problem, out reason);
    }

    private static readonly Dictionary<(int Rank, DType DType, TorchLayout Layout), string> NarrowSupportCache = [];

    /// <summary>Empties the caches of torch's narrow-dtype and layout answers (a test run's start: an answer must not outlive the code that read it).</summary>
    // Stryker disable once all : it matters only between the runs one test host makes (mutant after mutant), which no test of a run can see
    internal static void ForgetNarrowSupport()
    {
        lock (NarrowSupportCache) NarrowSupportCache.Clear();
        lock (LayoutSupportCache) LayoutSupportCache.Clear();
    }

    private static readonly Dictionary<(int Rank, DType DType, TorchLayout Layout, LayoutKind Kind), string> LayoutSupportCache = [];

    // Whether torch computes this problem in the layout asked is torch's to say, as its narrow dtypes are: torch 1.13 on
    // CPU has no channels-last conv3d and computes it in NCDHW from channels-last inputs without a word (its y comes back
    // contiguous, bit for bit the NCDHW y), so a check in channels-last would have checked its NCDHW kernels. Which
    // kernel it picks depends on the kind of problem too (torch 1.13: a depthwise conv1d, one with a 1-wide kernel or
    // with one input channel, and a conv2d with one input channel, are computed in NC(D)(H)W though the rank's ordinary
    // problem is not), so it is asked once per rank, dtype (kernels are picked by dtype too) and kind, with a small
    // convolution of that kind, within the limit the narrow probe has. Not a refusal: torch's NCDHW result is still a
    // right reference, only not of the kernels asked for, so the run computes it and says so (a warning, which --strict
    // makes an error).
    private static string? LayoutFallbackOf(ConvProblem p, TorchLayout layout, TimeSpan? limit)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (layout == TorchLayout.Contiguous) return null;
        var kind = LayoutKind.Of(p);
        var key = (p.Rank, p.DType, layout, kind);
        string? answer;
        lock (LayoutSupportCache)
        {
            LayoutSupportCache.TryGetValue(key, out answer);
        }
        if (answer is null)
        {
            string what = $"its {DTypes.NumpyName(p.DType)} layout probe for rank {p.Rank}{kind.Described} in layout {MemoryFormat(layout)}";
            answer = Ask(what, limit, (torch, rank, dtype, format) =>
            {
                using var depthwise = kind.Depthwise.ToPython();
                using var unitKernel = kind.UnitKernel.ToPython();
                using var oneChannel = kind.OneInputChannel.ToPython();
                return torch._layoutSupport.Invoke(rank, dtype, format, depthwise, unitKernel, oneChannel);
            }, p, layout);
            lock (LayoutSupportCache) LayoutSupportCache[key] = answer;
        }
        return answer.Length == 0 ? null : $"torch {_instance?.TorchVersion} {answer}";
    }

    // The kinds of problem for which torch may pick another kernel than for the rank's ordinary one: what its layout
    // probe is asked about (layout_support). Depthwise and one input channel exclude each other (groups > 1, groups 1).
    private readonly record struct LayoutKind(bool Depthwise, bool OneInputChannel, bool UnitKernel)
    {
        public static LayoutKind Of(ConvProblem p) =>
            new(p.Groups > 1 && p.IC / p.Groups == 1, p.IC == 1, p.Kernel.All(k => k == 1));

        public string Described =>
            (Depthwise ? ", depthwise" : "") + (OneInputChannel ? ", one input channel" : "") + (UnitKernel ? ", unit kernel" : "");
    }

    // One of the module's probes, answered with a string: on a call thread within the limit (none given, the floor,
    // since a probe is a small convolution), holding the GIL. What it still raises is torch's failure, as compute's is.
    private static string Ask(string what, TimeSpan? limit, Func<TorchOracle, PyInt, PyString, PyString, PyObject> probe, ConvProblem p, TorchLayout layout)
    {
        var torch = Get();
        EnterLive();
        try
        {
            return Calls.Run(what, limit ?? TimeLimits.Floor, () =>
            {
                using (Py.GIL())
                using (var rank = new PyInt(p.Rank))
                using (var dtype = new PyString(DTypes.NumpyName(p.DType)))
                using (var format = new PyString(MemoryFormat(layout)))
                {
                    NarrowProbeInside?.Invoke();
                    try
                    {
                        using var result = probe(torch, rank, dtype, format);
                        return result.As<string>();
                    }
                    catch (PythonException e)
                    {
                        throw new TorchOracleException($"torch failed on {what}: {e.Type.Name}: {e.Message}", e);
                    }
                }
            });
        }
        finally
        {
            Life.ExitReadLock();
        }
    }

    /// <summary>
    /// For tests: runs on a probe's thread (narrow dtypes, layouts), holding the GIL, just before torch is asked (to see which thread
    /// that is). Process-wide, so a test that sets it runs alone (and forgets the cached answers first, or no probe runs).
    /// </summary>
    internal static Action? NarrowProbeInside { get; set; }

    // Whether torch runs this rank in this narrow dtype, and sums it in float32 as the narrow rule needs, is torch's to
    // say: ask it once, with a small convolution, and keep its answer as the reason (torch 1.13: "slow_conv2d_cpu" not
    // implemented for 'Half'; on a CPU without AVX-512, bfloat16 summed in bfloat16).
    // The probe is ungrouped and its answer serves grouped and depthwise problems too: in torch 1.13 on a CPU the
    // verdict cannot differ with groups. Its bfloat16 kernels are oneDNN's for every problem where the CPU has AVX-512
    // (BW, VL, DQ; mkldnn_bf16_device_check, whatever the groups) and ATen's slow ones, a group at a time, elsewhere.
    // Measured (2026-12-01, torch 1.13.0a0, AVX-512 BF16 CPU) on the probe's integer data with groups 1, 2, 4 and 8,
    // 1-3 input and 1-2 output channels per group, depthwise with multipliers 1 and 2, ranks 1-3, both layouts: oneDNN
    // (also capped at AVX512_CORE and AVX512_CORE_VNNI) sums every direction of every one in float32; capped at AVX2 it
    // raises for every one alike; ATen's kernels (oneDNN off, as without AVX-512) break the rule in every one. The
    // directions that break it do differ (channels-last 1-D depthwise y sums in bfloat16, ungrouped y in float32), but
    // dx and dw break it already ungrouped, so the verdict, which is for every direction, is the same.
    // The probe keeps the limit the oracle was given, if any: Timeout.InfiniteTimeSpan (a debugger stepping through, or
    // paused) runs it on the caller's thread, never abandoned; none given, the floor, since it is a small convolution.
    private static string NarrowSupport(ConvProblem p, TorchLayout layout, TimeSpan? limit)
    {
        var key = (p.Rank, p.DType, layout);
        lock (NarrowSupportCache)
        {
            if (NarrowSupportCache.TryGetValue(key, out string? known)) return known;
        }
        // The probe answers torch's own refusals itself; what it still raises (out of memory, a broken install) is
        // torch's failure, as compute's is: a bare PythonException read as unusable input.
        string answer = Ask($"its {DTypes.NumpyName(p.DType)} support probe for rank {p.Rank} in layout {MemoryFormat(layout)}", limit,
            (torch, rank, dtype, format) => torch._narrowSupport.Invoke(rank, dtype, format), p, layout);
        lock (NarrowSupportCache) NarrowSupportCache[key] = answer;
        return answer;
    }

    // Stryker disable all : once per process, as the constructor
    /// <summary>
    /// Finds Python (see <see cref="PythonLocator"/>), starts it in-process and imports the oracle module, once;
    /// later calls return the cached outcome. Never throws for a missing or broken Python: it reports why.
    /// </summary>
    public static TorchAvailability Probe()
    {
        lock (Gate)
        {
            if (_shutDown) return ShutDownAvailability();
            return _probe ??= Start(new PythonLocator());
        }
    }
    // Stryker restore all

    /// <summary>The oracle.</summary>
    /// <exception cref="OracleUnavailableException">PyTorch is unavailable here: the message is "torch: " and <see cref="TorchAvailability.Reason"/>, as every other oracle's that cannot run.</exception>
    /// <exception cref="TorchOracleException">The oracle was shut down (<see cref="Shutdown"/>): its failure, not a caller's input's.</exception>
    public static TorchOracle Get() => GetFor(Probe());

    // The decision on a probe's outcome, apart from the once-per-process probe: a test gives the outcome of a locator that
    // finds no Python without touching the process's interpreter. An InvalidOperationException here was the one "cannot
    // run here" that callers catching OracleUnavailableException (the CLI's exit 2 with the reason) let through.
    internal static TorchOracle GetFor(TorchAvailability availability)
    {
        lock (Gate)
        {
            // Shutdown may have run between Probe and here; say so rather than repeat a stale reason.
            if (_shutDown) throw ShutDown();
            // Start sets the instance exactly when it reports torch available.
            if (!availability.Available || _instance is null)
                throw new OracleUnavailableException("torch: " + availability.Reason);
            return _instance;
        }
    }

    // Stryker disable all : once per process, as the constructor
    /// <summary>
    /// Finalizes the embedded Python, waiting for running calls (each for at most its time limit). Idempotent.
    /// Afterwards <see cref="Get"/> throws, because CPython (and torch) cannot be started again in the same process: call
    /// it once, at process end.
    /// </summary>
    /// <remarks>
    /// While an abandoned call has not returned, Python is left as it is, and pythonnet's own finalization at process
    /// exit is called off: finalizing waits for good for the GIL a call stuck in native code holds, and crashes the
    /// process (abort, segmentation fault) when a call that released it returns into a finalized interpreter. The
    /// process then exits without it; the abandoned call's thread is a background one.
    /// </remarks>
    public static void Shutdown()
    {
        lock (Gate)
        {
            if (_shutDown) return;
            Life.EnterWriteLock();
            try
            {
                _shutDown = true;
                _instance = null;
                if (!_engineStarted) return;
                if (PythonCalls.Any)
                {
                    KeepPythonAtExit();
                    return;
                }
                using (Py.GIL())
                {
                    // Objects torch keeps in reference cycles crash the interpreter's final collections; frozen
                    // objects are never collected, so finalization skips them.
                    using var gc = Py.Import("gc");
                    gc.InvokeMethod("freeze").Dispose();
                }
                PythonEngine.Shutdown();
            }
            finally
            {
                Life.ExitWriteLock();
            }
        }
    }
    // Stryker restore all

    /// <summary>y, dL/dx, dL/dw and dL/db (empty without bias) of the problem, as PyTorch autograd computes them.</summary>
    /// <typeparam name="T">float for <see cref="DType.Float32"/>, <see cref="DType.BFloat16"/> and <see cref="DType.Float16"/> (holding only values of the narrow type), double for <see cref="DType.Float64"/>.</typeparam>
    /// <param name="p">The problem; its dtype must be <typeparamref name="T"/>'s.</param>
    /// <param name="inputs">x, w, b (empty without bias) and dL/dy, sized as the problem says.</param>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not match the problem's dtype, or an input has the wrong size.</exception>
    /// <exception cref="TorchOracleException">PyTorch raised (the message has its error text and the problem), returned an
    /// unexpected tensor, did not return within <see cref="DefaultTimeLimit"/>, or has not returned from an earlier call that did not.</exception>
    /// <exception cref="TorchOracleException">The oracle was shut down (<see cref="Shutdown"/>).</exception>
    public ConvResults<T> Compute<T>(ConvProblem p, ConvInputs<T> inputs) where T : unmanaged, IFloatingPointIeee754<T> =>
        Compute(p, inputs, TorchLayout.Contiguous, null);

    /// <summary>As <see cref="Compute{T}(ConvProblem, ConvInputs{T})"/>, with torch computing in the given memory layout (results are NC(D)(H)W either way).</summary>
    public ConvResults<T> Compute<T>(ConvProblem p, ConvInputs<T> inputs, TorchLayout layout) where T : unmanaged, IFloatingPointIeee754<T> =>
        Compute(p, inputs, layout, null);

    private static string MemoryFormat(TorchLayout layout) => layout switch
    {
        TorchLayout.Contiguous => "contiguous",
        TorchLayout.ChannelsLast => "channels_last",
        _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, "unknown layout"),
    };

    /// <summary>This oracle as an <see cref="IConvOracle"/> that makes torch compute in <paramref name="layout"/>.</summary>
    public IConvOracle In(TorchLayout layout) => new LayoutView(this, layout);

    // A layout view is a layout oracle too: what it declares is what check --layout reads, and a case's own layout may
    // move it to another.
    private sealed class LayoutView(TorchOracle torch, TorchLayout layout, TimeSpan? limit = null) : IConvOracle, ILayoutOracle
    {
        public string Name => layout == TorchLayout.Contiguous ? OracleName : OracleName + "-channels-last";

        public IReadOnlyCollection<TorchLayout> Layouts => AllLayouts;

        public TorchLayout Layout => layout;

        public IConvOracle In(TorchLayout other) => new LayoutView(torch, other, limit);

        public IReadOnlyDictionary<string, string> Versions => torch.Versions;

        public double BoundFactor => torch.BoundFactor;

        public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason) => ProvidesAll(problem, direction, layout, limit, out reason);

        public string? LayoutFallback(ConvProblem problem) => LayoutFallbackOf(problem, layout, limit);

        public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
            where T : unmanaged, IFloatingPointIeee754<T> => torch.Compute(problem, inputs, layout, limit, directions);
    }

    // The oracle with a time limit of its own, in torch's default layout; a case's channels-last keeps the limit.
    private sealed class LimitedView(TorchOracle torch, TimeSpan limit) : IConvOracle, ILayoutOracle
    {
        public string Name => torch.Name;

        public IReadOnlyCollection<TorchLayout> Layouts => AllLayouts;

        public TorchLayout Layout => TorchLayout.Contiguous;

        public IReadOnlyDictionary<string, string> Versions => torch.Versions;

        public double BoundFactor => torch.BoundFactor;

        public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason) => ProvidesAll(problem, direction, TorchLayout.Contiguous, limit, out reason);

        public string? LayoutFallback(ConvProblem problem) => LayoutFallbackOf(problem, TorchLayout.Contiguous, limit);

        public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
            where T : unmanaged, IFloatingPointIeee754<T> => torch.Compute(problem, inputs, TorchLayout.Contiguous, limit, directions);

        public IConvOracle In(TorchLayout layout) => new LayoutView(torch, layout, limit);
    }

    /// <summary>
    /// Calls into Python as the oracle makes them, refused with a <see cref="TorchOracleException"/> while one abandoned
    /// has not returned, and counted for <see cref="Shutdown"/> with every other such instance: the process's, or a test's
    /// own (a call it strands then refuses only the test's calls, and still keeps Python from being finalized under it).
    /// </summary>
    internal static LimitedCalls NewCalls() => new(OracleName, message => new TorchOracleException(message), CallThreads, PythonCalls);

    /// <summary>
    /// As <see cref="Compute{T}(ConvProblem, ConvInputs{T})"/>, within <paramref name="timeLimit"/> (null for
    /// <see cref="DefaultTimeLimit"/>); <paramref name="directions"/> are those asked for, named if the call does not return.
    /// For tests: <paramref name="tamper"/> may edit the problem dict before it goes to Python, to provoke Python errors;
    /// <paramref name="calls"/> replaces the process's calls (a call a test strands then refuses only the test's own),
    /// and <paramref name="inside"/> runs on the call's thread, holding the GIL, just before torch computes.
    /// </summary>
    internal ConvResults<T> Compute<T>(ConvProblem p, ConvInputs<T> inputs, TorchLayout layout, Action<Dictionary<string, object>>? tamper,
        TimeSpan? timeLimit = null, IReadOnlyCollection<Direction>? directions = null, LimitedCalls? calls = null, Action? inside = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(inputs);
        string dtype = DTypeOf<T>();
        string expected = DTypes.NumpyName(p.DType);
        if (!DTypes.Holds<T>(p.DType))
            throw new ArgumentException($"T: {typeof(T).Name} ({dtype}) does not match the problem's dtype {expected}: {Describe(p)}", nameof(p));
        CheckSize("x", inputs.X.Length, p.XSize, p);
        CheckSize("w", inputs.W.Length, p.WSize, p);
        CheckSize("b", inputs.B.Length, p.BSize, p);
        CheckSize("dy", inputs.Dy.Length, p.YSize, p);
        var dict = ProblemDict(p, expected, MemoryFormat(layout));
        tamper?.Invoke(dict);
        if (timeLimit is { } given && TimeLimits.Problem(given) is { } why)
            throw new ArgumentOutOfRangeException(nameof(timeLimit), given, $"timeLimit: {why}");
        var asked = directions ?? Cases.Directions.For(p);
        string what = $"{string.Join(", ", asked.Select(d => d.TensorName()))} of {Describe(p)}";

        EnterLive();
        try
        {
            return (calls ?? Calls).Run(what, timeLimit ?? DefaultTimeLimit(p), () => ComputeOnCallThread(p, inputs, dict, inside));
        }
        finally
        {
            Life.ExitReadLock();
        }
    }

    // On the call's thread (LimitedCalls); takes the GIL.
    private ConvResults<T> ComputeOnCallThread<T>(ConvProblem p, ConvInputs<T> inputs, Dictionary<string, object> dict, Action? inside)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using (Py.GIL())
        {
            var owned = new List<PyObject>();
            try
            {
                inside?.Invoke();
                PyObject Own(PyObject o)
                {
                    owned.Add(o);
                    return o;
                }
                var pyProblem = Own(ToPython(dict));
                // torch's copies of the inputs are released as soon as it has computed, before the results are
                // copied out: of a 3-D layer they are gigabytes, and nothing on the Python side keeps them.
                var tensors = new List<PyObject>();
                PyObject In(ReadOnlySpan<T> data, int[] shape)
                {
                    var t = TensorIn(data, shape);
                    tensors.Add(t);
                    return t;
                }
                PyObject result;
                try
                {
                    var x = In(inputs.X, p.XShape);
                    var w = In(inputs.W, p.WShape);
                    var b = p.HasBias ? In(inputs.B, p.BShape) : PyObject.None;
                    var dy = In(inputs.Dy, p.YShape);
                    result = Own(_compute.Invoke(pyProblem, x, w, b, dy));
                }
                finally
                {
                    foreach (var t in tensors) t.Dispose();
                }
                return Results<T>(result, p);
            }
            // Whatever Python raises in the call is torch's failure, said with the problem: in compute, and as much in the
            // making of the inputs' tensors (out of memory in torch.empty) or the reading of the results, which went up
            // as a bare PythonException, reported as unusable input.
            catch (PythonException e)
            {
                ReleaseFrames(e);
                throw new TorchOracleException($"torch failed on {Describe(p)}: {e.Type.Name}: {e.Message}", e);
            }
            finally
            {
                foreach (var o in owned) o.Dispose();
            }
        }
    }

    // The error keeps its traceback, and the traceback compute's frames, until the .NET finalizer runs: their locals are
    // torch's copies of the inputs (gigabytes for a 3-D layer). Cleared, the frames keep only their lines. The caller holds the GIL.
    private static void ReleaseFrames(PythonException e)
    {
        // Stryker disable once Statement : an error raised in Python code always has a traceback; the check is for the type system
        if (e.Traceback is null) return;
        using var traceback = Py.Import("traceback");
        using var _ = traceback.InvokeMethod("clear_frames", e.Traceback);
    }

    /// <summary>
    /// The results in <c>compute</c>'s return value <paramref name="result"/>: a tuple (y, dx, dw, db), each checked by
    /// <see cref="TensorOut"/>, db None for a problem without bias. The caller holds the GIL.
    /// </summary>
    internal static ConvResults<T> Results<T>(PyObject result, ConvProblem p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!PyTuple.IsTupleType(result) || result.Length() != 4)
            throw new TorchOracleException($"{ModuleName}.compute returned {result.Repr()} instead of (y, dx, dw, db) for {Describe(p)}");
        var r = new ConvResults<T>(new T[p.YSize], new T[p.XSize], new T[p.WSize], new T[p.BSize]);
        using (var y = result[0]) TensorOut(y, "y", p.YShape, r.Y, p);
        using (var dx = result[1]) TensorOut(dx, "dx", p.XShape, r.Dx, p);
        using (var dw = result[2]) TensorOut(dw, "dw", p.WShape, r.Dw, p);
        using var db = result[3];
        if (p.HasBias) TensorOut(db, "db", p.BShape, r.Db, p);
        else if (!db.IsNone()) throw new TorchOracleException($"db: expected None for a problem without bias, got {db.Repr()}: {Describe(p)}");
        return r;
    }

    /// <summary>A new contiguous torch tensor of <paramref name="shape"/> holding <paramref name="data"/>. The caller holds the GIL.</summary>
    internal unsafe PyObject TensorIn<T>(ReadOnlySpan<T> data, int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long count = 1;
        foreach (int d in shape) count *= d;
        if (count != data.Length) throw new ArgumentException($"data: {data.Length} elements for shape {ConvProblem.FormatTuple(shape)} of {count}", nameof(data));
        using var pyShape = new PyList();
        foreach (int d in shape)
        {
            using var dim = new PyInt(d);
            pyShape.Append(dim);
        }
        using var pyDtype = new PyString(DTypeOf<T>());
        var tensor = _empty.Invoke(pyShape, pyDtype);
        try
        {
            data.CopyTo(new Span<T>((void*)DataPtr(tensor), data.Length));
            return tensor;
        }
        // Stryker disable all : a new tensor's data pointer does not fail; were it to, this releases the tensor now rather than at the finalizer
        catch
        {
            tensor.Dispose();
            throw;
        }
        // Stryker restore all
    }

    /// <summary>
    /// Copies a torch tensor into <paramref name="destination"/> after checking it is a contiguous CPU tensor of
    /// <paramref name="shape"/> and <typeparamref name="T"/>'s dtype, since data_ptr() of anything else would read garbage.
    /// The caller holds the GIL.
    /// </summary>
    internal static unsafe void TensorOut<T>(PyObject tensor, string name, int[] shape, Span<T> destination, ConvProblem? problem = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string where = problem is null ? "" : ": " + Describe(problem);
        if (tensor.IsNone()) throw new TorchOracleException($"{name}: expected a tensor of shape {ConvProblem.FormatTuple(shape)}, got None{where}");
        using (var pyShape = tensor.GetAttr("shape"))
        {
            long n = pyShape.Length();
            var got = new long[n];
            for (int i = 0; i < n; i++)
            {
                using var dim = pyShape[i];
                got[i] = dim.As<long>();
            }
            if (!got.SequenceEqual(shape.Select(d => (long)d)))
                throw new TorchOracleException($"{name}: expected shape {ConvProblem.FormatTuple(shape)}, torch returned {ConvProblem.FormatShape(got)}{where}");
        }
        using (var dtype = tensor.GetAttr("dtype"))
        {
            string want = "torch." + DTypeOf<T>();
            string? got = dtype.ToString();
            if (got != want) throw new TorchOracleException($"{name}: expected dtype {want}, torch returned {got}{where}");
        }
        using (var device = tensor.GetAttr("device"))
        using (var type = device.GetAttr("type"))
        {
            string got = type.As<string>();
            if (got != "cpu") throw new TorchOracleException($"{name}: expected a CPU tensor, torch returned one on {got}{where}");
        }
        using (var contiguous = tensor.InvokeMethod("is_contiguous"))
        {
            if (!contiguous.IsTrue()) throw new TorchOracleException($"{name}: torch returned a non-contiguous tensor (strides would scramble a flat copy){where}");
        }
        int count = checked((int)shape.Aggregate(1L, (a, d) => a * d));
        if (destination.Length != count) throw new ArgumentException($"destination: {destination.Length} elements for {name} of {count}", nameof(destination));
        new ReadOnlySpan<T>((void*)DataPtr(tensor), count).CopyTo(destination);
    }

    /// <summary>Moves <paramref name="data"/> into a torch tensor and back out into <paramref name="destination"/>; what the transfer benchmark and tests measure.</summary>
    internal void RoundTrip<T>(ReadOnlySpan<T> data, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        EnterLive();
        try
        {
            // On the caller's thread, without a limit: what the benchmark measures is the copy, not a thread's hop. But
            // not behind a call that has not returned, which may hold the GIL for good.
            Calls.ThrowIfAbandonedRunning($"a round trip of {data.Length} elements");
            using (Py.GIL())
            {
                int[] shape = [data.Length];
                using var tensor = TensorIn(data, shape);
                // Stryker disable once String : the name appears only in a refusal, and the tensor just made always fits
                TensorOut(tensor, "tensor", shape, destination);
            }
        }
        finally
        {
            Life.ExitReadLock();
        }
    }

    // Stryker disable all : once per process, as the constructor
    private static TorchAvailability Start(PythonLocator locator)
    {
        var location = locator.Locate();
        if (location.Installation is not { } py) return new TorchAvailability(false, location.Reason, null, null, null, null);
        TorchAvailability Unavailable(string why) =>
            new(false, $"{why} (Python {py.Interpreter}, {py.LibPython})", py.Interpreter, py.LibPython, null, null);

        string? moduleDir = FindModuleDirectory(out string searched);
        if (moduleDir is null) return Unavailable($"{ModuleName}.py not found: looked in {searched}");
        if (PythonEngine.IsInitialized)
            return Unavailable("Python was already initialized in this process by other code; the oracle must start it itself to pick the interpreter with torch");
        try
        {
            Runtime.PythonDLL = py.LibPython;
            PythonEngine.ProgramName = py.Interpreter;
            PythonEngine.Initialize();
            _engineStarted = true;
            // Initialize leaves this thread holding the GIL; release it, or every other thread's Py.GIL() waits
            // forever and the process hangs at exit.
            PythonEngine.BeginAllowThreads();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Unavailable($"starting Python in-process failed: {StartFailure(e)}");
        }
        using (Py.GIL())
        {
            try
            {
                using (var sys = Py.Import("sys"))
                using (var path = sys.GetAttr("path"))
                using (var zero = new PyInt(0))
                using (var dir = new PyString(moduleDir))
                {
                    path.InvokeMethod("insert", zero, dir).Dispose();
                }
                var module = Py.Import(ModuleName);
                string torch, numpy, blas, cpu;
                using (var versions = module.InvokeMethod("versions"))
                using (var t = versions["torch"])
                using (var n = versions["numpy"])
                using (var b = versions["blas"])
                using (var c = versions["cpu"])
                {
                    // torch.__version__ is a str subclass (TorchVersion) that As<string> refuses; str() is the text.
                    torch = t.ToString() ?? "";
                    numpy = n.ToString() ?? "";
                    blas = b.ToString() ?? "";
                    cpu = c.ToString() ?? "";
                }
                _instance = new TorchOracle(module, torch, numpy, blas, cpu);
                return new TorchAvailability(true, $"using {py.Interpreter} ({py.LibPython}), torch {torch}, numpy {numpy}",
                    py.Interpreter, py.LibPython, torch, numpy);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Probe promises a reason, never an exception: a broken torch install must read as "unavailable because ...".
                string text = e is PythonException pe ? $"{pe.Type.Name}: {pe.Message}" : $"{e.GetType().Name}: {e.Message}";
                return Unavailable($"importing {Path.Combine(moduleDir, ModuleName + ".py")} failed: {text}");
            }
        }
    }

    // Stryker restore all

    /// <summary>
    /// What went wrong starting Python, in the words of what failed: pythonnet loads libpython and its symbols inside type
    /// initializers, whose own message ("The type initializer for 'Delegates' threw an exception") hides the loader's.
    /// </summary>
    internal static string StartFailure(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        while (e is TypeInitializationException or System.Reflection.TargetInvocationException && e.InnerException is { } inner) e = inner;
        string text = $"{e.GetType().Name}: {e.Message}";
        // A loader may keep dlerror's text in an exception of its own underneath.
        for (var cause = e.InnerException; cause is not null; cause = cause.InnerException)
            if (cause.Message.Length > 0 && !text.Contains(cause.Message, StringComparison.Ordinal)) text += $" ({cause.Message})";
        return text;
    }

    // Stryker disable all : once per process, as the constructor
    /// <summary>
    /// The folder holding the module: <c>python/</c> next to the assembly (where the build copies it), else the
    /// repository's <c>python/</c> above it, for hosts that load the assembly from elsewhere.
    /// </summary>
    private static string? FindModuleDirectory(out string searched)
    {
        string baseDir = AppContext.BaseDirectory;
        string local = Path.Combine(baseDir, "python");
        if (File.Exists(Path.Combine(local, ModuleName + ".py")))
        {
            searched = local;
            return local;
        }
        if (Locations.RepositoryRoot(baseDir) is { } root && File.Exists(Path.Combine(root, "python", ModuleName + ".py")))
        {
            searched = Path.Combine(root, "python");
            return searched;
        }
        searched = $"{local} and the python/ folder beside a ConvVerify.sln above {baseDir}";
        return null;
    }
    // Stryker restore all

    /// <summary>
    /// Calls off pythonnet's finalization at process exit (<c>PythonEngine.OnProcessExit</c>, which pythonnet 3.2
    /// subscribes to <see cref="AppDomain.ProcessExit"/> and unsubscribes only in its own Shutdown): with a call stuck
    /// holding the GIL it kept <c>Environment.Exit</c> and the return from Main from ever ending the process.
    /// </summary>
    /// <returns>Whether the handler was found (a later pythonnet may name it otherwise; a test pins it).</returns>
    internal static bool KeepPythonAtExit()
    {
        var handler = typeof(PythonEngine).GetMethod(PythonExitHandler, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static,
            [typeof(object), typeof(EventArgs)]);
        if (handler is null) return false;
        // Stryker disable once Statement : only the process's exit shows it, with a call stuck (measured by hand: the CLI exits after the run's report, 2 with its error rows; subscribed, it hung for good)
        AppDomain.CurrentDomain.ProcessExit -= handler.CreateDelegate<EventHandler>();
        return true;
    }

    internal const string PythonExitHandler = "OnProcessExit";

    private static void EnterLive()
    {
        Life.EnterReadLock();
        if (_shutDown)
        {
            Life.ExitReadLock();
            throw ShutDown();
        }
    }

    private const string ShutDownMessage =
        "the live PyTorch oracle and its embedded Python interpreter were shut down (TorchOracle.Shutdown); the interpreter cannot be started again in this process";

    /// <summary>
    /// What a call of the oracle after <see cref="Shutdown"/> throws: the oracle's own exception, naming the shut-down
    /// interpreter. An <see cref="InvalidOperationException"/> reached a run as a general one, and its error row read
    /// "unusable input" for a case whose input was fine.
    /// </summary>
    internal static TorchOracleException ShutDown() => new($"torch not called: {ShutDownMessage}");

    // Stryker disable all : once per process, as the constructor
    private static TorchAvailability ShutDownAvailability() =>
        new(false, ShutDownMessage, _probe?.Interpreter, _probe?.LibPython, _probe?.TorchVersion, _probe?.NumpyVersion);
    // Stryker restore all

    private static Dictionary<string, object> ProblemDict(ConvProblem p, string dtype, string memoryFormat) => new()
    {
        ["rank"] = p.Rank,
        ["mb"] = p.Mb,
        ["groups"] = p.Groups,
        ["ic"] = p.IC,
        ["oc"] = p.OC,
        ["input"] = p.Input.ToArray(),
        ["kernel"] = p.Kernel.ToArray(),
        ["stride"] = p.Stride.ToArray(),
        ["pad_begin"] = p.PadBegin.ToArray(),
        ["pad_end"] = p.PadEnd.ToArray(),
        ["dilation"] = p.Dilation.ToArray(),
        ["bias"] = p.HasBias,
        ["dtype"] = dtype,
        ["output"] = p.Output.ToArray(),
        ["memory_format"] = memoryFormat,
    };

    private static PyObject ToPython(Dictionary<string, object> dict)
    {
        var py = new PyDict();
        foreach (var (key, value) in dict)
        {
            using var v = ToPython(value, key);
            py[key] = v;
        }
        return py;
    }

    private static PyObject ToPython(object value, string key)
    {
        switch (value)
        {
            case int i: return new PyInt(i);
            case long l: return new PyInt(l);
            case bool b: return b.ToPython();
            case string s: return new PyString(s);
            case int[] a:
                var list = new PyList();
                foreach (int i in a)
                {
                    using var item = new PyInt(i);
                    list.Append(item);
                }
                return list;
            default: throw new ArgumentException($"{key}: cannot pass a {value.GetType().Name} to Python", nameof(value));
        }
    }

    private static long DataPtr(PyObject tensor)
    {
        using var ptr = tensor.InvokeMethod("data_ptr");
        return ptr.As<long>();
    }

    private static string DTypeOf<T>() where T : unmanaged, IFloatingPointIeee754<T> => DTypes.NumpyName(DTypes.Of<T>());

    private static void CheckSize(string tensor, int got, int expected, ConvProblem p)
    {
        if (got != expected)
            throw new ArgumentException($"inputs.{tensor}: expected {expected} elements, got {got}: {Describe(p)}", "inputs");
    }

    private static string Describe(ConvProblem p) =>
        $"{BenchdnnDescriptor.Format(p)} ({DTypes.NumpyName(p.DType)}, {(p.HasBias ? "bias" : "no bias")})";
}
