using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;
using ConvVerify.Problems;

namespace ConvVerify.Runs;

/// <summary>
/// A .NET implementation's results: <see cref="NotSupportedException"/> is "not provided", any other exception (but
/// <see cref="OutOfMemoryException"/>) a failure of that direction naming its type, its message and its inner exceptions
/// (the exception itself, with its stack trace, is kept in <see cref="Thrown"/>). Each direction reads copies of its inputs (a
/// write into one fails it, whether the call then returned or threw) and writes a fresh output that starts as a NaN of the
/// harness's own, not the NaN arithmetic makes: an element still holding it when the call returns fails as never written.
/// </summary>
/// <remarks>
/// Each direction runs on a thread apart from the caller's (kept between calls), for at most <see cref="TimeLimit"/> (by default
/// <see cref="DefaultTimeLimit"/> of the problem). A call that has not returned by then fails its direction and is
/// abandoned: .NET cannot stop a thread, so it goes on running (and holding a CPU, if it spins) until it returns, if
/// ever. Nothing it writes afterwards is read: its output and input copies were its own. Calls of one implementation
/// object are made one at a time, from this source or any other (parallel NUnit cases of one fixture): no implementation
/// is asked to be safe for two calls at once (a scratch buffer kept in a field), so a call waits for the one before it to
/// return or be abandoned, and the wait does not count against its limit. While an abandoned call runs, the same object is
/// not called again: a second call would run alongside the first, so each later direction fails at once, naming the stuck call.
/// An output, and the copies of the inputs its call read, are held (pinned) until the implementation's next call has
/// returned, whether either returned or threw: a write into one after its call had returned (a kept pointer, a background
/// thread) fails that next direction, in place of what it threw, instead of landing on whatever the collector had moved there. A write made later still is not seen: neither an output
/// nor an input may be kept past its call.
/// A wait for a call that ends in an exception of the caller's own (its thread interrupted) is no answer of the
/// implementation's: the exception goes on up (the run reports the case as an error), and the call, left running, is
/// abandoned as if past its limit.
/// The implementation is the caller's: it is never disposed here (disposing it while an abandoned call still runs in
/// it would pull its buffers from under that call), nor is any other object made of it.
/// </remarks>
/// <param name="implementation">The implementation.</param>
/// <param name="name">Its name in reports.</param>
/// <exception cref="ArgumentNullException">An argument is null.</exception>
public sealed class ImplementationSource(IConvImplementation implementation, string name = "implementation") : ResultSource
{
    /// <summary>The least time a direction is given by default (<see cref="TimeLimits.Floor"/>).</summary>
    public static readonly TimeSpan DefaultTimeLimitFloor = TimeLimits.Floor;

    /// <summary>The rate the default limit allows for, in multiply-adds per second (<see cref="TimeLimits.SlowMultiplyAddsPerSecond"/>).</summary>
    public const double SlowMultiplyAddsPerSecond = TimeLimits.SlowMultiplyAddsPerSecond;

    // Per implementation object, whichever source calls it: the call it has abandoned and the output it was last handed.
    private static readonly ConditionalWeakTable<IConvImplementation, CallState> States = new();

    private static readonly KeptThreads CallThreads = new("ConvVerify implementation call");

    private readonly IConvImplementation _implementation = implementation ?? throw new ArgumentNullException(nameof(implementation));
    private readonly string _name = name ?? throw new ArgumentNullException(nameof(name));
    private readonly TimeSpan? _timeLimit;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string CaseId, Direction Direction), Exception> _thrown = new();

    /// <summary>
    /// How long one direction may run before it fails and is abandoned; null (the default) for
    /// <see cref="DefaultTimeLimit"/> of each case's problem, <see cref="Timeout.InfiniteTimeSpan"/> for no limit (to
    /// step through an implementation in a debugger). A limit that is no whole number of milliseconds is waited for the
    /// next whole one, the least the wait counts: a call is never abandoned before its limit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Zero, negative (but <see cref="Timeout.InfiniteTimeSpan"/>), or
    /// longer than <see cref="int.MaxValue"/> milliseconds.</exception>
    public TimeSpan? TimeLimit
    {
        get => _timeLimit;
        init => _timeLimit = value is { } limit && TimeLimitProblem(limit) is { } why
            ? throw new ArgumentOutOfRangeException(nameof(TimeLimit), limit, $"TimeLimit: {why}")
            : value;
    }

    /// <summary>
    /// What is wrong with <paramref name="limit"/> as a <see cref="TimeLimit"/>, e.g. "a direction's time limit must be
    /// positive (or Timeout.InfiniteTimeSpan for none), got 00:00:00"; null when it is one (<see cref="TimeLimits.Problem"/>).
    /// </summary>
    public static string? TimeLimitProblem(TimeSpan limit) => TimeLimits.Problem(limit);

    /// <summary>
    /// The time limit of a direction of <paramref name="p"/> unless one is given: <see cref="DefaultTimeLimitFloor"/>
    /// plus its multiply-adds at <see cref="SlowMultiplyAddsPerSecond"/>, in whole seconds (at most <see cref="int.MaxValue"/> milliseconds).
    /// </summary>
    public static TimeSpan DefaultTimeLimit(ConvProblem p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return TimeLimits.ForWork(p.MultiplyAdds);
    }

    // For tests: whether a call of the implementation that was abandoned is still running.
    internal static bool HasAbandonedCall(IConvImplementation implementation) => AbandonedCallsRunning(implementation) > 0;

    // For tests: how many calls of the implementation were abandoned and are still running.
    internal static int AbandonedCallsRunning(IConvImplementation implementation)
    {
        if (!States.TryGetValue(implementation, out var state)) return 0;
        lock (state) return state.Stuck.Count;
    }

    /// <summary>Whether the buffers of an earlier call of <paramref name="implementation"/> are held (for tests).</summary>
    internal static bool HoldsEarlierBuffers(IConvImplementation implementation)
    {
        if (!States.TryGetValue(implementation, out var state)) return false;
        lock (state) return state.Kept is not null;
    }

    /// <inheritdoc/>
    public override string Name => _name;

    /// <summary>
    /// What the implementation threw where that failed a direction, by case id and direction (not
    /// <see cref="NotSupportedException"/>, which is "not provided"): a row's reason names the exception's type and
    /// message, and this keeps its stack trace (<see cref="ImplementationFrames"/>), for the line that threw.
    /// </summary>
    public IReadOnlyDictionary<(string CaseId, Direction Direction), Exception> Thrown => _thrown;

    /// <inheritdoc/>
    // Stryker disable once Boolean : asked per direction or for all at once, it makes the same calls in the same order; only memory differs
    public override bool ComputesDirectionsAlone => true;

    /// <inheritdoc/>
    public override SourceResults<T> Produce<T>(LoadedCase<T> c, IReadOnlyList<Direction> directions)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(directions);
        var r = new SourceResults<T>();
        var state = States.GetValue(_implementation, _ => new CallState());
        var limit = _timeLimit ?? DefaultTimeLimit(c.Case.Problem);
        foreach (var d in directions)
        {
            // Only what the call threw is the implementation's answer. Anything thrown on this thread (the harness's wait
            // for the call interrupted, a fault of the harness's own) goes on up as the harness's, an error of the case:
            // caught here with the call's, a ThreadInterruptedException that interrupted the wait was reported as the
            // implementation's, which had thrown nothing.
            var (values, wrong, thrown) = Run(state, limit, d, c);
            switch (thrown?.SourceException)
            {
                case NotSupportedException e:
                    r.Absent[d] = new Absence(Outcome.NotProvided, $"{d.TensorName()}: not provided ({MessageOf(e)})");
                    break;
                // Out of memory is the machine's state, not the implementation's answer, and ends the run as anywhere else:
                // still out of memory, but naming the call, which the bare exception, thrown up through the run, did not.
                case OutOfMemoryException e:
                    throw new OutOfMemoryException($"{_name}'s call for {d.TensorName()} of case {c.Case.Id} threw {Described(e)}", e);
                // Whatever else it throws is its answer for this direction: let through, a NullReferenceException or a
                // NotImplementedException abandoned the whole case as unusable input (exit 2), its other directions unreported.
                case { } e:
                    _thrown[(c.Case.Id, d)] = e;
                    r.Absent[d] = new Absence(Outcome.Fail, $"{d.TensorName()}: the implementation threw {Described(e)}");
                    break;
                default:
                    // No values come without a reason: the call was not made or not waited for.
                    if ((wrong ?? NotOfTheDType(c.Case.Problem.DType, values!)) is { } why) r.Absent[d] = new Absence(Outcome.Fail, $"{d.TensorName()}: {why}");
                    else r.Values[d] = values!;
                    break;
            }
        }
        return r;
    }

    // The implementation reads copies of the inputs: one that writes into them anyway (through MemoryMarshal, or a native
    // call handed the wrong pointer) widened the bound of its own result by what it wrote (a forward that put 1e30 into x
    // passed a y off by 0.5), and handed it to every later direction. Compared afterwards, the write fails the direction,
    // whether the call returned or threw.
    // The result is null, with the reason, when the call was not made or not waited for; with what it threw, when it threw.
    private (T[]? Values, string? Wrong, ExceptionDispatchInfo? Thrown) Run<T>(CallState state, TimeSpan limit, Direction d, LoadedCase<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // One call of the object at a time: taken before the stuck call is looked for, so a call abandoned while this one
        // waited stands in its way; let go when this call has returned or been abandoned, and its buffers dealt with.
        lock (state.Turn) return RunInTurn(state, limit, d, c);
    }

    private (T[]? Values, string? Wrong, ExceptionDispatchInfo? Thrown) RunInTurn<T>(CallState state, TimeSpan limit, Direction d, LoadedCase<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (p, inputs) = (c.Case.Problem, c.Inputs);
        lock (state)
        {
            if (state.Stuck.FirstOrDefault() is { } stuck)
                return (null, $"not called: the implementation's {stuck.What} {stuck.Abandoned} and may still be running; "
                    + "calling it again would run it alongside that call", null);
        }
        var reads = d.InputsOf();
        // Copies, pinned and held with the output until the next call has returned, for the output's reason: a pointer
        // kept past the call and written through later (the read-only spans are no bar to MemoryMarshal or a native call)
        // went, into a copy the collector had since moved or freed, onto whatever it had put there (the case's inputs, a
        // reference's results, the runtime's own objects). Held, such a write lands in the copy, where the next call sees it.
        // Stryker disable once Conditional : a copy of an input the direction does not read changes only memory
        T[] Given(string input, T[] original) => reads.Contains(input) ? PinnedCopy(original) : original;
        var given = new ConvInputs<T>(Given("x", inputs.X), Given("w", inputs.W), Given("b", inputs.B), Given("dy", inputs.Dy));
        // NaN, not zeroed memory: an implementation that adds into its output, or leaves elements it takes for 0, is
        // wrong on any buffer it did not clear itself, and passed every case on the fresh array. A NaN of the harness's
        // own, not the one arithmetic makes: an element left as it was is told from a NaN the implementation computed.
        // Pinned: a pointer the implementation keeps past its call then still points into this array, which is held and
        // checked (Kept).
        // Stryker disable once Boolean : unpinned, the array differs only when the collector moves it under a kept pointer, which no test can provoke without writing into freed memory
        var values = GC.AllocateUninitializedArray<T>(d.SizeOf(p), pinned: true);
        values.AsSpan().Fill(Fill<T>());
        var call = new AbandonableCall($"call for {d.TensorName()} of case {c.Case.Id}", limit, state, state.Stuck,
            // Whatever the stuck call writes where, no later call is made to be blamed for it; the last call's buffers stay
            // held (a pointer the stuck call kept from them must not land in freed memory) but are not checked, and are let
            // go with the next call, made only once the stuck one has returned.
            onAbandoned: () =>
            {
                if (state.Kept is { } held) state.Kept = held with { Checked = false };
            });
        void Compute() => call.Run(() => d.Compute(_implementation, p, given, values));
        // No limit, nothing to wait for: the caller's own thread, for an implementation bound to the thread that made it
        // (a COM apartment, a CUDA or Python context), and for stepping into it in a debugger.
        // An interrupt of the caller's thread then lands inside the implementation's code, and is its answer as whatever
        // else it throws there.
        if (limit == Timeout.InfiniteTimeSpan) Compute();
        else if (!CallThreads.RunWithin(Compute, limit, e => call.Abandon($"was left running when the harness's wait for it ended in {e.GetType().Name}")))
        {
            if (call.Abandon($"did not return within {TimeLimits.Waited(limit)}"))
            {
                return (null, $"did not return within {TimeLimits.Waited(limit)}; the call was abandoned on its thread, which may still be running "
                    + "(nothing it writes is read, and the implementation is not called again while it runs)", null);
            }
        }
        // Out of memory ends the run (Produce): nothing more is made for it, least of all hashes of what it was handed.
        if (call.Thrown is { SourceException: OutOfMemoryException } outOfMemory) return (null, null, outOfMemory);
        // Held whatever the call answered: one that threw ("not provided" among them) may have kept a pointer as well as
        // one that returned, and its buffers, unheld, were freed under it. Hashed before the lock, which every call's
        // return takes; swapped in one step, so that two calls returning at once (parallel cases of one implementation)
        // each check and replace the one before: taken and set apart, one could drop the other's, unchecked and unheld.
        var kept = Kept.Of(call.What, values, [.. new[] { ("x", given.X), ("w", given.W), ("b", given.B), ("dy", given.Dy) }.Where(g => reads.Contains(g.Item1))]);
        Kept? last;
        lock (state) (last, state.Kept) = (state.Kept, kept);
        // Checked first: the write happened before this call returned, maybe in it, and is the graver misdeed. It is said
        // in place of what this call threw too: the earlier call's buffers are checked once, and a "not provided" here
        // would otherwise have let the write go unsaid.
        string? late = LateWrite(last);
        if (late is not null) return (call.Thrown is null ? values : null, late, null);
        // Checked whether the call returned or threw: a call that wrote into an input and then threw (NotSupportedException
        // among them) was "not provided", or failed for what it threw alone, and the write went unsaid. Against the case's
        // own inputs, the state before the call: the held copies' hashes (Kept) were taken after it, write included.
        string? written = WrittenInput(inputs, given);
        if (call.Thrown is { } thrown)
        {
            if (written is null) return (null, null, thrown);
            if (thrown.SourceException is not NotSupportedException) _thrown[(c.Case.Id, d)] = thrown.SourceException;
            return (null, $"{written}; the call then threw {Described(thrown.SourceException)}", null);
        }
        return (values, written ?? NeverWritten(values), null);
    }

    // The output's first value: a quiet NaN whose payload no arithmetic makes (x86 and Arm make one of no payload, or
    // carry an operand's), positive where .NET's own NaN is negative. Null for a type of another size, which is filled
    // with T.NaN and not looked at.
    private static T Fill<T>() where T : unmanaged, IFloatingPointIeee754<T> => Unsafe.SizeOf<T>() switch
    {
        4 => Unsafe.BitCast<uint, T>(FillBits32),
        8 => Unsafe.BitCast<ulong, T>(FillBits64),
        _ => T.NaN,
    };

    private const uint FillBits32 = 0x7FC0_C0DE;

    private const ulong FillBits64 = 0x7FF8_0000_C0DE_C0DE;

    // Whether the value is the NaN each output element holds when a direction's call begins (not T.NaN or arithmetic's):
    // an element that still holds it was never written.
    internal static bool IsFill<T>(T value) where T : unmanaged, IFloatingPointIeee754<T> => Unsafe.SizeOf<T>() switch
    {
        4 => Unsafe.BitCast<T, uint>(value) == FillBits32,
        8 => Unsafe.BitCast<T, ulong>(value) == FillBits64,
        _ => false,
    };

    // The elements still holding the fill: compared, they read as a NaN the implementation wrote ("expected 1.5, actual
    // NaN"), sending its author to look for a NaN computed, not for a loop that stops short. Adding into the fill keeps
    // its payload, so an element only added into reads the same.
    private static string? NeverWritten<T>(T[] values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int first = -1, count = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (!IsFill(values[i])) continue;
            if (first < 0) first = i;
            count++;
        }
        return first < 0 ? null
            : $"{Counted.Of(count, "element")} of {values.Length} never written (the first at flat index {first}): "
                + "each still holds the NaN the output is handed over with (an element only added into keeps it too); every element must be written";
    }

    // The first input whose copy the call changed, said with the element and its values before and after; null when none.
    private static string? WrittenInput<T>(ConvInputs<T> inputs, ConvInputs<T> given) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var (input, original, copy) in new[] { ("x", inputs.X, given.X), ("w", inputs.W, given.W), ("b", inputs.B, given.B), ("dy", inputs.Dy, given.Dy) })
        {
            // Bitwise: a NaN rewritten as another NaN, or 0 as -0, is a write all the same.
            var before = MemoryMarshal.AsBytes(original.AsSpan());
            int at = before.CommonPrefixLength(MemoryMarshal.AsBytes(copy.AsSpan())) / Unsafe.SizeOf<T>();
            if (at < original.Length)
                return $"the implementation wrote into its input {input} (element {at}: {Shown(original[at])} became {Shown(copy[at])}); the inputs are read-only";
        }
        return null;
    }

    private static T[] PinnedCopy<T>(T[] original) where T : unmanaged
    {
        var copy = GC.AllocateUninitializedArray<T>(original.Length, pinned: true);
        original.AsSpan().CopyTo(copy);
        return copy;
    }

    // The output and the input copies the implementation was handed last, held until now: changed since its call
    // returned, one was written through a pointer or a reference kept past the call. Not held, the write went wherever
    // the collector had since put other objects.
    private static string? LateWrite(Kept? kept)
    {
        if (kept is not { Checked: true }) return null;
        if (kept.Output.Hash() != kept.Output.Returned)
            return $"the output of the implementation's {kept.What} was written into after that call had returned; an output must not be kept past its call";
        return kept.Inputs.FirstOrDefault(i => i.Hash() != i.Returned) is { } input
            ? $"the input {input.Name} of the implementation's {kept.What} was written into after that call had returned; the inputs are read-only, and must not be kept past their call"
            : null;
    }

    private static int HashOf<T>(T[] values) where T : unmanaged
    {
        var hash = new HashCode();
        hash.AddBytes(MemoryMarshal.AsBytes(values.AsSpan()));
        return hash.ToHashCode();
    }

    // What an implementation object's calls leave: the calls it abandoned that are still running, and the output and
    // input copies of its last call that returned or threw. Locked on itself.
    private sealed class CallState
    {
        // A list, not one call: two sources calling at once (parallel NUnit cases of one fixture) can each abandon one,
        // and the first must still stand in the way once the second has returned.
        public List<AbandonableCall> Stuck { get; } = [];

        // Held by the caller's thread for the whole of one call (never by the call's own thread, which takes the state's
        // lock as it returns): the object's calls one at a time.
        public object Turn { get; } = new();

        public Kept? Kept { get; set; }
    }

    // A call's output and the copies of the inputs it read, each with its hash when the call returned.
    // Not checked once a call was abandoned after them: what the stuck call writes is blamed on no one.
    private sealed record Kept(string What, Held Output, IReadOnlyList<Held> Inputs, bool Checked = true)
    {
        public static Kept Of<T>(string what, T[] output, IEnumerable<(string Name, T[] Copy)> inputs) where T : unmanaged =>
            new(what, Held.Of("output", output), [.. inputs.Select(i => Held.Of(i.Name, i.Copy))]);
    }

    // The bytes are what matter: hashed again by the closure over the typed array.
    private sealed record Held(string Name, Func<int> Hash, int Returned)
    {
        // Made here, not by a lambda in Run: that one shared Run's closure, and held all Run's calls had captured (the
        // source, the case's inputs) with the output, until the next call or for good.
        public static Held Of<T>(string name, T[] values) where T : unmanaged => new(name, () => HashOf(values), HashOf(values));
    }

    private static string Shown<T>(T value) where T : IFormattable => value.ToString(null, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The lines of <paramref name="e"/>'s stack trace from where it was thrown down to the implementation's entry point
    /// (<c>at MyConv.Forward[T](…) in MyConv.cs:line 42</c>), without the harness's frames below it (the call's dispatch
    /// and its thread); empty when the runtime kept none, or reading them throws.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="e"/> is null.</exception>
    public static IReadOnlyList<string> ImplementationFrames(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string? trace;
        try
        {
            trace = e.StackTrace;
        }
        catch (Exception broken) when (broken is not OutOfMemoryException)
        {
            return [];
        }
        if (string.IsNullOrEmpty(trace)) return [];
        var lines = trace.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        string[] harness = [$"at {typeof(Directions).FullName}.", $"at {typeof(ImplementationSource).FullName}.", $"at {typeof(AbandonableCall).FullName}.", $"at {typeof(KeptThreads).FullName}."];
        while (lines.Count > 0 && (harness.Any(h => lines[^1].TrimStart().StartsWith(h, StringComparison.Ordinal)) || lines[^1].TrimStart().StartsWith("---", StringComparison.Ordinal)))
            lines.RemoveAt(lines.Count - 1);
        return [.. lines.Select(l => l.Trim())];
    }

    // A wrapper's own message can say nothing (a type initializer's names only the type): the chain down to the cause.
    // A loop, not a recursion: the harness's stack is not the implementation's to exhaust with a chain of wrappers.
    private static string Described(Exception e)
    {
        var text = new System.Text.StringBuilder();
        for (Exception? at = e; at is not null; at = at.InnerException)
            text.Append(at == e ? "" : " <- ").Append(at.GetType().Name).Append(": ").Append(MessageOf(at));
        return text.ToString();
    }

    // Message is virtual: one that throws, read here, was an exception of the harness's own, and abandoned the whole case
    // as an error ("*: ERROR: ..."), naming neither the direction nor the implementation, its other directions unreported.
    private static string MessageOf(Exception e)
    {
        try
        {
            return e.Message;
        }
        catch (Exception broken) when (broken is not OutOfMemoryException)
        {
            return $"no message: reading its Message threw {broken.GetType().Name}";
        }
    }

    // A bfloat16 (float16) result is stored in that type: a float32 sum handed back unrounded is not one, however close,
    // and rounding it here would pass an implementation that never rounds (or rounds the wrong way) as one that does.
    private static string? NotOfTheDType<T>(DType dtype, T[] values) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (!DTypes.IsNarrow(dtype)) return null;
        for (int i = 0; i < values.Length; i++)
        {
            double v = double.CreateTruncating(values[i]);
            if (!DTypes.Represents(dtype, v))
                return $"element {i} is {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}, not a {DTypes.NumpyName(dtype)} value: "
                    + $"a {DTypes.NumpyName(dtype)} result must be rounded to {DTypes.NumpyName(dtype)} (DTypes.Round)";
        }
        return null;
    }
}
