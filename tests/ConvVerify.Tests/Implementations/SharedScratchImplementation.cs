using System.Numerics;
using ConvVerify.Problems;

namespace ConvVerify.Tests.Implementations;

/// <summary>
/// The matrix view's results, computed into a scratch buffer kept in a field and copied out, as an implementation that
/// reuses its workspace between calls does: right one call at a time, wrong when two calls overlap (each copies out what
/// the other last wrote). It counts the calls that began while another was running.
/// </summary>
internal sealed class SharedScratchImplementation : HookedImplementation
{
    private object? _scratch;
    private int _inside;
    private int _overlaps;

    /// <summary>How many calls began while another call of this object was running.</summary>
    public int Overlaps => Volatile.Read(ref _overlaps);

    public override void Forward<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
    {
        var s = Enter<T>(y.Length);
        try
        {
            Right.Forward(p, x, w, b, s.AsSpan(0, y.Length));
            Leave(s, y);
        }
        finally
        {
            Interlocked.Decrement(ref _inside);
        }
    }

    public override void BackwardData<T>(ConvProblem p, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx)
    {
        var s = Enter<T>(dx.Length);
        try
        {
            Right.BackwardData(p, dy, w, s.AsSpan(0, dx.Length));
            Leave(s, dx);
        }
        finally
        {
            Interlocked.Decrement(ref _inside);
        }
    }

    public override void BackwardWeights<T>(ConvProblem p, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw)
    {
        var s = Enter<T>(dw.Length);
        try
        {
            Right.BackwardWeights(p, x, dy, s.AsSpan(0, dw.Length));
            Leave(s, dw);
        }
        finally
        {
            Interlocked.Decrement(ref _inside);
        }
    }

    public override void BackwardBias<T>(ConvProblem p, ReadOnlySpan<T> dy, Span<T> db)
    {
        var s = Enter<T>(db.Length);
        try
        {
            Right.BackwardBias(p, dy, s.AsSpan(0, db.Length));
            Leave(s, db);
        }
        finally
        {
            Interlocked.Decrement(ref _inside);
        }
    }

    // The scratch of this element type, grown as needed and shared by every problem; the call counted in.
    private T[] Enter<T>(int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Interlocked.Increment(ref _inside) > 1) Interlocked.Increment(ref _overlaps);
        if (_scratch is not T[] s || s.Length < length) _scratch = s = new T[length];
        return s;
    }

    // A pause between computing and copying out, where another call's overlap lands.
    private static void Leave<T>(T[] scratch, Span<T> output)
    {
        Thread.Sleep(1);
        scratch.AsSpan(0, output.Length).CopyTo(output);
    }
}
