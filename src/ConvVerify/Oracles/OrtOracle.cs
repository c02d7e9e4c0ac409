using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Problems;
using Microsoft.ML.OnnxRuntime;

namespace ConvVerify.Oracles;

/// <summary>
/// ONNX Runtime's CPU provider, in-process: each direction of a problem is a small ONNX model (see <see cref="OrtModels"/>)
/// run on one thread — y by <c>Conv</c>, dL/dx by <c>ConvTranspose</c>, dL/dw by a <c>Conv</c> of x with dy as the kernel,
/// dL/db by <c>ReduceSum</c>. float32 and float16: the CPU provider has no float64 or bfloat16 convolution. Its float16
/// results are, as measured on the committed sets, its float32 results rounded once to float16: the definition's computation.
/// </summary>
/// <remarks>
/// A second implementation that shares no code with PyTorch, so the two oracles can be checked against each other.
/// Sessions are cached per problem and direction (the tensors are inputs, not initializers, so one session serves every
/// fill and seed); <see cref="Dispose"/> releases them.
/// Each call (the making of the sessions it needs and their runs) runs on a thread apart from the caller's, for at most a
/// time limit (by default <see cref="DefaultTimeLimit"/> of the problem and directions; <see cref="TimeLimit"/>,
/// <see cref="OracleOptions.TimeLimit"/>). One that has not returned by then (a deadlock or a loop in native code) fails
/// with an <see cref="OrtOracleException"/> and is abandoned: nothing can stop it, so it goes on running until it returns,
/// if ever. Until it does, every call of this oracle fails at once, naming it, as torch's do; another
/// <see cref="OrtOracle"/> is not concerned. The sessions it uses are released only once it has returned, however the
/// cache starts over or the oracle is disposed meanwhile.
/// </remarks>
public sealed class OrtOracle : IConvOracle, IDisposable
{
    /// <summary>The oracle's name: "ort".</summary>
    public const string OracleName = "ort";

    /// <summary>Why float64 problems are not provided; the part in parentheses is what ORT says when asked.</summary>
    public const string Float64Reason =
        "ONNX Runtime's CPU provider has no float64 Conv/ConvTranspose kernel (Could not find an implementation for Conv(11))";

    /// <summary>Why bfloat16 problems are not provided; the part in parentheses is what ORT says when asked.</summary>
    public const string BFloat16Reason =
        "ONNX Runtime's CPU provider has no bfloat16 Conv/ConvTranspose (Type 'tensor(bfloat16)' of input parameter (x) of operator (Conv) is invalid)";

    // Past this many cached sessions the cache starts over: a long run over many shapes must not hold every model alive.
    private const int DefaultMaxSessions = 1024;

    private readonly int _maxSessions;
    private readonly Lock _gate = new();
    private readonly Dictionary<(ConvProblem Problem, Direction Direction), CachedSession> _sessions = [];
    private readonly SessionOptions _options;
    private readonly LimitedCalls _calls = new(OracleName, message => new OrtOracleException(message), CallThreads);
    private readonly TimeSpan? _timeLimit;
    private bool _disposed;

    // Sessions being made outside the lock (guarded by it): the options they are made with are released by the last of
    // them once the oracle is disposed, not under a creation an abandoned call may still be in.
    private int _creating;

    private static readonly KeptThreads CallThreads = new("ConvVerify ort call");

    /// <summary>Creates an oracle with its own session cache.</summary>
    /// <exception cref="OracleUnavailableException">ONNX Runtime's native library cannot be loaded here; the message says why.</exception>
    public OrtOracle()
        : this(DefaultMaxSessions)
    {
    }

    /// <summary>An oracle whose cache starts over past <paramref name="maxSessions"/> sessions (tests use a small limit).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSessions"/> is below 1.</exception>
    /// <exception cref="OracleUnavailableException">ONNX Runtime's native library cannot be loaded here; the message says why.</exception>
    internal OrtOracle(int maxSessions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSessions, 1);
        _maxSessions = maxSessions;
        Version = NativeVersion();
        // One thread and sequential execution: the same inputs give the same bits on every run (and no thread pool to tear down).
        _options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
    }

    /// <summary>
    /// How long one call (<see cref="Compute{T}(ConvProblem, ConvInputs{T}, IReadOnlyCollection{Direction})"/>, every
    /// direction asked) may run before it fails and is abandoned; null (the default) for <see cref="DefaultTimeLimit"/> of
    /// each call's problem and directions, <see cref="Timeout.InfiniteTimeSpan"/> for none (the call then runs on the caller's thread, to step into it in a
    /// debugger). A limit that is no whole number of milliseconds is waited for the next whole one.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Zero, negative (but <see cref="Timeout.InfiniteTimeSpan"/>), or
    /// longer than <see cref="int.MaxValue"/> milliseconds.</exception>
    public TimeSpan? TimeLimit
    {
        get => _timeLimit;
        init => _timeLimit = value is { } limit && TimeLimits.Problem(limit) is { } why
            ? throw new ArgumentOutOfRangeException(nameof(TimeLimit), limit, $"TimeLimit: {why}")
            : value;
    }

    /// <summary>
    /// The time limit of a call for <paramref name="directions"/> of <paramref name="p"/> unless one is given:
    /// <see cref="TimeLimits.Floor"/> (a first call makes its sessions, other work keeps the
    /// machine busy) plus the problem's multiply-adds once for each of y, dx and dw asked, at
    /// <see cref="TimeLimits.SlowMultiplyAddsPerSecond"/>, in whole seconds (at most <see cref="int.MaxValue"/>
    /// milliseconds). Torch's rule (<see cref="TorchOracle.DefaultTimeLimit"/>) counts all three in every call, since
    /// autograd computes them all; ONNX Runtime runs a session of its own for each direction asked and none other, each
    /// y, dx or dw a convolution of the problem's multiply-adds, so it is given what it computes: torch's limit when all
    /// three are asked, an implementation's for one. db, a sum of dy's at most <see cref="int.MaxValue"/> elements, is
    /// counted as torch's rule counts it, not at all: a few seconds at worst, well within the floor.
    /// </summary>
    /// <exception cref="ArgumentNullException">A null argument.</exception>
    public static TimeSpan DefaultTimeLimit(ConvProblem p, IEnumerable<Direction> directions)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(directions);
        int convolutions = directions.Distinct().Count(d => d != Direction.BackwardBias);
        return TimeLimits.ForWork((double)convolutions * p.MultiplyAdds);
    }

    /// <summary>The version of the loaded native ONNX Runtime, e.g. "1.31.1".</summary>
    public string Version { get; }

    /// <inheritdoc/>
    public string Name => OracleName;

    /// <summary>
    /// The kernels ONNX Runtime's MLAS picks on this CPU for float32 (its SGEMM and convolution kernels: avx512f,
    /// fma3, avx, sse2 on x64; neon on Arm64), as "MLAS fma3". They decide the bits of its results, as torch's do, so a
    /// pack made on another CPU is compared within the bound rather than bitwise. Read, as MLAS reads CPUID, from the
    /// kernel's list of the CPU's flags where there is one (Linux): what .NET sees is narrowed by its own settings
    /// (DOTNET_EnableAVX512F=0 hides AVX-512 from .NET, not from MLAS).
    /// </summary>
    public static string CpuKernels { get; } = MlasKernels(CpuFeatures.OfThisMachine());

    /// <summary>What of the CPU decides MLAS's float32 kernels.</summary>
    internal readonly record struct CpuFeatures(bool X86, bool Avx, bool Avx2Fma, bool Avx512F, bool AdvSimd, System.Runtime.InteropServices.Architecture Architecture)
    {
        private static System.Runtime.InteropServices.Architecture Here => System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture;

        /// <summary>This machine's: from <paramref name="path"/> (/proc/cpuinfo) where it lists the flags, else from what .NET sees.</summary>
        internal static CpuFeatures OfThisMachine(string path = "/proc/cpuinfo")
        {
            string[]? cpuinfo = null;
            try
            {
                if (File.Exists(path)) cpuinfo = File.ReadAllLines(path);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
            return (cpuinfo is null ? null : FromCpuInfo(cpuinfo, Here)) ?? FromRuntime();
        }

        /// <summary>The features in /proc/cpuinfo's first "flags" (x86) or "Features" (Arm) line; null without one.</summary>
        internal static CpuFeatures? FromCpuInfo(IEnumerable<string> lines, System.Runtime.InteropServices.Architecture architecture)
        {
            string? line = lines.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal) || l.StartsWith("Features", StringComparison.Ordinal));
            if (line is null || !line.Contains(':', StringComparison.Ordinal)) return null;
            var flags = line.Split(':', 2)[1].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            bool x86 = architecture is System.Runtime.InteropServices.Architecture.X64 or System.Runtime.InteropServices.Architecture.X86;
            return new CpuFeatures(x86, x86 && flags.Contains("avx"), x86 && flags.Contains("avx2") && flags.Contains("fma"),
                x86 && flags.Contains("avx512f"), !x86 && flags.Contains("asimd"), architecture);
        }

        // Stryker disable once Logical : only a CPU with exactly one of AVX2 and FMA3 tells these apart, and where /proc/cpuinfo is there (every test run) it is read instead
        private static CpuFeatures FromRuntime() => new(
            System.Runtime.Intrinsics.X86.X86Base.IsSupported, System.Runtime.Intrinsics.X86.Avx.IsSupported,
            System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported,
            System.Runtime.Intrinsics.X86.Avx512F.IsSupported, System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported, Here);
    }

    /// <summary>MLAS's float32 kernel family for these features, the most capable first (its platform.cpp dispatch).</summary>
    internal static string MlasKernels(CpuFeatures cpu) => "MLAS " + (
        cpu.Avx512F ? "avx512f"
        : cpu.Avx2Fma ? "fma3"
        : cpu.Avx ? "avx"
        : cpu.X86 ? "sse2"
        : cpu.AdvSimd ? "neon"
        : cpu.Architecture.ToString().ToLowerInvariant());

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Versions => new Dictionary<string, string> { ["onnxruntime"] = Version, [IConvOracle.CpuVersionKey] = CpuKernels };

    /// <summary>
    /// 1: ORT's CPU convolutions (im2col and MLAS GEMM, direct depthwise kernels) sum plain products in float32, and on the
    /// committed sets the measured error/bound stayed below 1 (docs/tolerance.md).
    /// </summary>
    public double BoundFactor => 1.0;

    /// <summary>Whether the options sessions are made with have been released (for tests).</summary>
    internal bool OptionsReleased => _options.IsClosed;

    /// <summary>The number of sessions cached (for tests).</summary>
    internal int CachedSessions
    {
        get
        {
            lock (_gate) return _sessions.Count;
        }
    }

    /// <inheritdoc/>
    public bool Provides(ConvProblem problem, Direction direction, [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.DType is DType.Float32 or DType.Float16) return direction.Applies(problem, out reason);
        reason = problem.DType == DType.BFloat16 ? BFloat16Reason : Float64Reason;
        return false;
    }

    /// <inheritdoc/>
    /// <exception cref="OrtOracleException">ONNX Runtime failed (the message has its text and the problem), returned a
    /// tensor of another shape, did not return within <see cref="TimeLimit"/>, or has not returned from an earlier call
    /// of this oracle that did not; or the oracle was disposed (then its <see cref="Exception.InnerException"/> is an
    /// <see cref="ObjectDisposedException"/>).</exception>
    public IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions)
        where T : unmanaged, IFloatingPointIeee754<T> => Compute(problem, inputs, directions, null, null);

    /// <summary>
    /// As <see cref="Compute{T}(ConvProblem, ConvInputs{T}, IReadOnlyCollection{Direction})"/>, within
    /// <paramref name="timeLimit"/> (null for <see cref="TimeLimit"/>); for tests, <paramref name="inside"/> runs on the
    /// call's thread with each direction's session acquired, just before it runs, and <paramref name="creating"/> there
    /// just before a session is made.
    /// </summary>
    internal IReadOnlyDictionary<Direction, T[]> Compute<T>(ConvProblem problem, ConvInputs<T> inputs, IReadOnlyCollection<Direction> directions,
        Action<Direction, CachedSession>? inside, TimeSpan? timeLimit = null, Action<Direction>? creating = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(directions);
        if (typeof(T) != typeof(float) || problem.DType is not (DType.Float32 or DType.Float16))
            throw new ArgumentException($"T: ort computes float32 and float16 only, asked for {typeof(T).Name} on {Describe(problem)}: "
                + (problem.DType == DType.BFloat16 ? BFloat16Reason : Float64Reason), nameof(problem));
        foreach (var d in directions)
            if (!Provides(problem, d, out string? why)) throw new ArgumentException($"directions: ort does not provide {d.TensorName()}: {why}", nameof(directions));
        var f = (ConvInputs<float>)(object)inputs;
        CheckSize("x", f.X.Length, problem.XSize, problem);
        CheckSize("w", f.W.Length, problem.WSize, problem);
        CheckSize("b", f.B.Length, problem.BSize, problem);
        CheckSize("dy", f.Dy.Length, problem.YSize, problem);
        if (timeLimit is { } given && TimeLimits.Problem(given) is { } wrong)
            throw new ArgumentOutOfRangeException(nameof(timeLimit), given, $"timeLimit: {wrong}");
        string what = $"{string.Join(", ", directions.Select(d => d.TensorName()))} of {Describe(problem)}";
        // Before the refusal behind an abandoned call: a disposed oracle says so, whatever it left running.
        lock (_gate)
        {
            if (_disposed) throw Disposed(what);
        }
        return _calls.Run(what, timeLimit ?? _timeLimit ?? DefaultTimeLimit(problem, directions), () =>
        {
            var results = new Dictionary<Direction, T[]>();
            foreach (var d in directions) results[d] = (T[])(object)Run(problem, d, f, inside, creating);
            return results;
        });
    }

    /// <summary>This oracle's calls (for tests: whether one was abandoned and has not returned, what it is counted in).</summary>
    internal LimitedCalls Calls => _calls;

    /// <summary>
    /// Releases every cached session (one that another thread is running, or a call abandoned past its limit, is released
    /// when that run ends). Idempotent; afterwards
    /// <see cref="Compute{T}(ConvProblem, ConvInputs{T}, IReadOnlyCollection{Direction})"/> throws.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            DropAll();
            // Options serve only the creation of a session; those still running do not need them. One being made (by a
            // call abandoned there, or on its way to the lock) releases them when it is done.
            if (_creating == 0) _options.Dispose();
        }
    }

    // The oracle's own exception, as its other failures are: an ObjectDisposedException reached a run as a general one,
    // and a call disposed under (a run's end racing a case, a caller's bug) read "unusable input" for input that was fine.
    // The ObjectDisposedException underneath names the oracle's type, as .NET's own would.
    private OrtOracleException Disposed(string what) =>
        new($"ort not called for {what}: the oracle was disposed (OrtOracle.Dispose) and its sessions released", new ObjectDisposedException(GetType().FullName));

    /// <summary>The registry's factory: a new oracle, or <see cref="OracleUnavailableException"/> when ONNX Runtime cannot load.</summary>
    internal static IConvOracle Create(OracleOptions options) => new OrtOracle { TimeLimit = options.TimeLimit };

    /// <summary>
    /// Builds the session of a direction (what <see cref="Compute{T}(ConvProblem, ConvInputs{T}, IReadOnlyCollection{Direction})"/>
    /// caches); tests use it to see ORT's own errors.
    /// </summary>
    /// <exception cref="OrtOracleException">ORT refused the model.</exception>
    internal InferenceSession CreateSession(ConvProblem p, Direction direction)
    {
        try
        {
            return new InferenceSession(OrtModels.Build(p, direction), _options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OrtOracleException($"ort could not load the {direction.TensorName()} model of {Describe(p)}: {e.Message}", e);
        }
    }

    // On the call's thread (LimitedCalls), acquire to release: a call abandoned in its run keeps its session from being
    // released (DropAll, Dispose) until it returns.
    private float[] Run(ConvProblem p, Direction d, ConvInputs<float> inputs, Action<Direction, CachedSession>? inside, Action<Direction>? creating)
    {
        var cached = Acquire(p, d, creating);
        try
        {
            inside?.Invoke(d, cached);
            return Run(cached.Session, p, d, inputs);
        }
        finally
        {
            Release(cached);
        }
    }

    /// <summary>One direction on a session (tests run a held session through it).</summary>
    internal static float[] Run(InferenceSession session, ConvProblem p, Direction d, ConvInputs<float> inputs)
    {
        (string Name, float[] Data, int[] Shape)[] feeds = d switch
        {
            Direction.Forward => p.HasBias ? [("x", inputs.X, p.XShape), ("w", inputs.W, p.WShape), ("b", inputs.B, p.BShape)] : [("x", inputs.X, p.XShape), ("w", inputs.W, p.WShape)],
            Direction.BackwardData => [("dy", inputs.Dy, p.YShape), ("w", inputs.W, p.WShape)],
            Direction.BackwardWeights => [("x", inputs.X, p.XShape), ("dy", inputs.Dy, p.YShape)],
            Direction.BackwardBias => [("dy", inputs.Dy, p.YShape)],
            _ => throw Directions.Unknown(d),
        };
        var values = new List<OrtValue>();
        try
        {
            bool half = p.DType == DType.Float16;
            foreach (var feed in feeds)
            {
                long[] dims = [.. feed.Shape.Select(v => (long)v)];
                values.Add(half ? OrtValue.CreateTensorValueFromMemory(ToHalf(feed.Data), dims) : OrtValue.CreateTensorValueFromMemory(feed.Data, dims));
            }
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [.. feeds.Select(f => f.Name)], values, ["out"]);
            var output = outputs[0];
            int[] shape = d.ShapeOf(p);
            long[] got = [.. output.GetTensorTypeAndShape().Shape];
            if (!got.SequenceEqual(shape.Select(v => (long)v)))
                throw new OrtOracleException($"{d.TensorName()}: expected shape {ConvProblem.FormatTuple(shape)}, ort returned {ConvProblem.FormatShape(got)}: {Describe(p)}");
            return half ? FromHalf(output.GetTensorDataAsSpan<Float16>()) : output.GetTensorDataAsSpan<float>().ToArray();
        }
        catch (OnnxRuntimeException e)
        {
            throw new OrtOracleException($"ort failed on {d.TensorName()} of {Describe(p)}: {e.Message}", e);
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    // float16 crosses as its bits; the values were float16 values already, so both conversions are exact.
    private static Float16[] ToHalf(float[] data)
    {
        var r = new Float16[data.Length];
        for (int i = 0; i < data.Length; i++) r[i] = new Float16(BitConverter.HalfToUInt16Bits((Half)data[i]));
        return r;
    }

    private static float[] FromHalf(ReadOnlySpan<Float16> data)
    {
        var r = new float[data.Length];
        for (int i = 0; i < data.Length; i++) r[i] = (float)BitConverter.UInt16BitsToHalf(data[i].value);
        return r;
    }

    /// <summary>
    /// The cached session of a direction, counted as running until <see cref="Release"/>: when the cache starts over
    /// (or the oracle is disposed) while another thread runs a session, that session is released by the run's end,
    /// not under it.
    /// </summary>
    /// <param name="p">The problem.</param>
    /// <param name="d">The direction.</param>
    /// <param name="creating">For tests: runs just before a session is made, outside the lock, as the making does.</param>
    internal CachedSession Acquire(ConvProblem p, Direction d, Action<Direction>? creating = null)
    {
        // The name changes no result; without it equal shapes from different sets share a session.
        var key = (p.WithName(null), d);
        lock (_gate)
        {
            if (_disposed) throw Disposed($"{d.TensorName()} of {Describe(p)}");
            if (_sessions.TryGetValue(key, out var found))
            {
                found.Runs++;
                return found;
            }
            _creating++;
        }
        // Made outside the lock: a creation that hangs in native code (its call abandoned past its limit) must keep
        // neither other calls of cached sessions nor Dispose waiting for the lock for good.
        InferenceSession made;
        try
        {
            creating?.Invoke(d);
            made = CreateSession(p, d);
        }
        finally
        {
            lock (_gate)
            {
                _creating--;
                if (_disposed && _creating == 0) _options.Dispose();
            }
        }
        lock (_gate)
        {
            if (_disposed)
            {
                made.Dispose();
                throw Disposed($"{d.TensorName()} of {Describe(p)}");
            }
            // Made meanwhile by another call of the same problem and direction: one session serves both.
            if (_sessions.TryGetValue(key, out var found))
            {
                made.Dispose();
                found.Runs++;
                return found;
            }
            if (_sessions.Count >= _maxSessions) DropAll();
            var cached = new CachedSession(made) { Runs = 1 };
            _sessions[key] = cached;
            return cached;
        }
    }

    /// <summary>Ends a run begun by <see cref="Acquire"/>; the last run of a dropped session releases it.</summary>
    internal void Release(CachedSession cached)
    {
        lock (_gate)
        {
            if (cached.Runs <= 0) throw new InvalidOperationException("OrtOracle.Release: the session has no run to end (released twice?)");
            cached.Runs--;
            if (cached.Runs == 0 && cached.Dropped) cached.DisposeSession();
        }
    }

    // Under _gate.
    private void DropAll()
    {
        foreach (var cached in _sessions.Values)
        {
            cached.Dropped = true;
            if (cached.Runs == 0) cached.DisposeSession();
        }
        _sessions.Clear();
    }

    /// <summary>A session of the cache and the runs using it (both fields guarded by the oracle's lock).</summary>
    internal sealed class CachedSession(InferenceSession session)
    {
        public InferenceSession Session { get; } = session;

        /// <summary>Runs between <see cref="Acquire"/> and <see cref="Release"/>.</summary>
        public int Runs { get; set; }

        /// <summary>No longer in the cache: released by its last run.</summary>
        public bool Dropped { get; set; }

        /// <summary>Whether the session has been released.</summary>
        public bool IsDisposed { get; private set; }

        /// <summary>Releases the native session (once: a dropped session is no longer in the cache to be dropped again).</summary>
        public void DisposeSession()
        {
            Session.Dispose();
            IsDisposed = true;
        }
    }

    private static string NativeVersion()
    {
        try
        {
            return OrtEnv.Instance().GetVersionString();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or TypeInitializationException or OnnxRuntimeException)
        {
            throw new OracleUnavailableException(
                $"ort: ONNX Runtime's native library could not be loaded ({e.GetType().Name}: {(e.InnerException ?? e).Message}); "
                + "it ships in the Microsoft.ML.OnnxRuntime package as runtimes/<rid>/native/libonnxruntime.so beside the assembly", e);
        }
    }

    private static void CheckSize(string tensor, int got, int expected, ConvProblem p)
    {
        if (got != expected)
            throw new ArgumentException($"inputs.{tensor}: expected {expected} elements, got {got}: {Describe(p)}", "inputs");
    }

    private static string Describe(ConvProblem p) =>
        $"{BenchdnnDescriptor.Format(p)} ({DTypes.NumpyName(p.DType)}, {(p.HasBias ? "bias" : "no bias")})";
}
