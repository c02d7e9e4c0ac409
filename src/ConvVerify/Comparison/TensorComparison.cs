using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Problems;

namespace ConvVerify.Comparison;

/// <summary>
/// The one comparison routine for every direction, in the style of PyTorch's <c>torch/testing/_comparison.py</c>:
/// a per-element verdict that says which element, how far off, and against what bound.
/// </summary>
/// <remarks>
/// Two summations of the same K products, each rounded in a different order, differ by at most
/// 2·γ_K·M with γ_K = K·u/(1 − K·u), where u is the unit roundoff (2^−24 for float32, 2^−53 for float64) and M is the
/// same sum taken over magnitudes (Higham, Accuracy and Stability of Numerical Algorithms, §3.1). M is the same
/// convolution applied to |x|, |w|, |dy| (and |b| for the forward), computed in float64 by an engine (bitwise the
/// definition, so the bound does not depend on which). K is the accumulation length of the direction: forward
/// IC/G·Πk (+1 with bias), dx OC/G·Πk, dw and db N·Πout. A term 2·K·η (η the smallest subnormal) covers underflow.
/// The bound can be scaled by a factor for oracles whose algorithms round more (documented where used).
/// For bfloat16 and float16, whose sums are float32 and whose results are rounded once, the rule is
/// <see cref="NarrowBounds{T}"/>: within the float32 sum's error plus half the gap from the result to its neighbour on the exact sum's side, of the exact sum.
/// </remarks>
public static class TensorComparison
{
    /// <summary>Compares <paramref name="actual"/> with <paramref name="expected"/> for one direction of a problem.</summary>
    /// <param name="p">The problem.</param>
    /// <param name="direction">Which result.</param>
    /// <param name="inputs">The inputs both results came from (the sound bound needs them).</param>
    /// <param name="expected">The oracle's result.</param>
    /// <param name="actual">The checked result.</param>
    /// <param name="tolerance">The rule.</param>
    /// <param name="boundFactor">Scale of the sound bound (≥ 1).</param>
    /// <param name="engine">Computes the bound's convolution; <see cref="ConvEngines.Default"/> when null.</param>
    /// <exception cref="ArgumentException">A tensor's length does not match the problem, <typeparamref name="T"/> is not the
    /// element type of the problem's dtype (<see cref="DTypes.Holds{T}(DType)"/>), or <paramref name="direction"/> is
    /// <see cref="Direction.BackwardBias"/> of a problem without bias (there is nothing to compare).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="boundFactor"/> is below 1, NaN or infinite, or <paramref name="tolerance"/> or
    /// <paramref name="direction"/> is not a defined value.</exception>
    public static Verdict Compare<T>(ConvProblem p, Direction direction, ConvInputs<T> inputs, ReadOnlySpan<T> expected, ReadOnlySpan<T> actual,
        Tolerance tolerance, double boundFactor = 1.0, IConvEngine? engine = null)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        CompareCore(p, direction, inputs, expected, actual, tolerance, boundFactor, engine, keepRatios: false).Verdict;

    /// <summary>
    /// <see cref="Compare{T}"/> and, where an element differs, the ratios <see cref="Ratios{T}"/> gives (null where none
    /// differs: every ratio is then 0), from the one set of bounds: a failing direction's picture computed them a second
    /// time, three float64 convolutions more under the narrow tier.
    /// </summary>
    internal static (Verdict Verdict, double[]? Ratios) CompareWithRatios<T>(ConvProblem p, Direction direction, ConvInputs<T> inputs, ReadOnlySpan<T> expected,
        ReadOnlySpan<T> actual, Tolerance tolerance, double boundFactor = 1.0, IConvEngine? engine = null)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        CompareCore(p, direction, inputs, expected, actual, tolerance, boundFactor, engine, keepRatios: true);

    private static (Verdict Verdict, double[]? Ratios) CompareCore<T>(ConvProblem p, Direction direction, ConvInputs<T> inputs, ReadOnlySpan<T> expected,
        ReadOnlySpan<T> actual, Tolerance tolerance, double boundFactor, IConvEngine? engine, bool keepRatios)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(inputs);
        CheckElementType<T>(p);
        // Checked here, not only where a bound is computed: identical tensors skip the bound, and a bad factor must not pass then.
        CheckFactor(boundFactor, nameof(boundFactor));
        CheckTolerance(tolerance);
        CheckDirection(p, direction);
        bool narrow = DTypes.IsNarrow(p.DType);
        int[] shape = direction.ShapeOf(p);
        string name = direction.TensorName();
        int count = direction.SizeOf(p);
        NaiveConv.CheckLength(expected, "expected " + name, count, shape);
        NaiveConv.CheckLength(actual, "actual " + name, count, shape);
        CheckInputs(p, direction, inputs);
        bool bitwise = tolerance == Tolerance.Bitwise;
        bool probabilistic = tolerance == Tolerance.Probabilistic;
        // Identical tensors pass under any bound; the bound costs a whole convolution, so skip it then.
        bool identical = true;
        for (int i = 0; i < expected.Length && identical; i++) identical = !Mismatch(expected[i], actual[i], bitwise);
        bool bounded = tolerance is Tolerance.SoundBound or Tolerance.Probabilistic && !identical;
        // Without a bound every element's is 0 (null here): a tensor of zeros would be a float64 copy of the result's size.
        double[]? sound = null, bounds = null;
        NarrowRule? narrowRule = null;
        if (bounded && narrow)
        {
            narrowRule = NarrowRuleOf(p, direction, inputs, expected, actual, boundFactor, engine, probabilistic, onlyWhereDiffering: true);
            sound = narrowRule.Bounds;
            bounds = narrowRule.TierBounds ?? sound;
        }
        else if (bounded)
        {
            (sound, bounds) = SoundAndTierBounds(p, direction, inputs, expected, probabilistic, boundFactor, engine);
        }

        int failures = 0, suspicious = 0, worstIndex = -1;
        double maxAbs = 0, worstRatio = 0, worstError = 0;
        double[]? ratios = null;
        for (int i = 0; i < expected.Length; i++)
        {
            bool mismatch = Mismatch(expected[i], actual[i], bitwise);
            if (!mismatch) continue;
            double err = Error(double.CreateChecked(expected[i]), double.CreateChecked(actual[i]));
            if (narrowRule is not null && narrowRule.BothCorrect(i, err, double.CreateChecked(expected[i]), double.CreateChecked(actual[i]))) continue;
            double bound = bounds?[i] ?? 0, soundBound = sound?[i] ?? 0;
            double ratio = Ratio(err, bound);
            if (keepRatios) (ratios ??= new double[expected.Length])[i] = ratio;
            // Stryker disable once Conditional : without the probabilistic rule bounds and sound are one array, so bound == soundBound
            double tight = probabilistic ? bound : soundBound;
            var judgement = bitwise ? Judgement.Fail : Judge(err, soundBound, tight);
            if (judgement == Judgement.Fail) failures++;
            else if (judgement == Judgement.Suspicious) suspicious++;
            if (err > maxAbs) maxAbs = err;
            // The first largest ratio wins; exact rules give every mismatch ratio infinity, and then the largest error does.
            if (worstIndex < 0 || ratio > worstRatio || (double.IsPositiveInfinity(ratio) && ratio == worstRatio && err > worstError))
            {
                (worstRatio, worstError, worstIndex) = (ratio, err, i);
            }
        }
        ElementError? worst = null;
        if (worstIndex >= 0)
        {
            double e = double.CreateChecked(expected[worstIndex]), a = double.CreateChecked(actual[worstIndex]);
            double rel = e == 0 ? (worstError == 0 ? 0 : double.PositiveInfinity) : worstError / Math.Abs(e);
            // The reference's own interval is the one the element was judged by: the tier's unless the element failed the sound bound.
            bool tierDecided = probabilistic && Judge(worstError, sound?[worstIndex] ?? 0, bounds?[worstIndex] ?? 0) != Judgement.Fail;
            worst = new ElementError(worstIndex, Unravel(worstIndex, shape), e, a, worstError, rel, bounds?[worstIndex] ?? 0, worstRatio,
                probabilistic ? sound?[worstIndex] ?? 0 : null, narrowRule?.Sums[worstIndex], narrowRule?.ExpectedOutside(worstIndex, e, tierDecided));
        }
        return (new Verdict(name, tolerance, expected.Length, failures, maxAbs, worstRatio, worst, suspicious, narrow && tolerance is Tolerance.SoundBound or Tolerance.Probabilistic), ratios);
    }

    /// <summary>
    /// error/bound of every element under <paramref name="tolerance"/>, against the bound <see cref="Compare{T}"/> judges it by
    /// (under the probabilistic rule the probabilistic bound capped at the sound one, <see cref="TierBound"/>, so an element
    /// that fails or is suspicious is past 1): 0 where the values agree, infinite where they do not and the bound is 0, NaN
    /// or infinite. For pictures of a failing direction.
    /// </summary>
    /// <exception cref="ArgumentException">A tensor's length does not match the problem, <typeparamref name="T"/> is not the
    /// element type of the problem's dtype (<see cref="DTypes.Holds{T}(DType)"/>), or <paramref name="direction"/> is
    /// <see cref="Direction.BackwardBias"/> of a problem without bias (there is nothing to compare).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="boundFactor"/> is below 1, NaN or infinite, or <paramref name="tolerance"/> or
    /// <paramref name="direction"/> is not a defined value.</exception>
    public static double[] Ratios<T>(ConvProblem p, Direction direction, ConvInputs<T> inputs, ReadOnlySpan<T> expected, ReadOnlySpan<T> actual,
        Tolerance tolerance, double boundFactor = 1.0, IConvEngine? engine = null)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        // Compare's own loop, its refusals included: a second copy of it was a second place for the two to drift apart.
        CompareCore(p, direction, inputs, expected, actual, tolerance, boundFactor, engine, keepRatios: true).Ratios ?? new double[expected.Length];

    // The sound bounds of a float32 or float64 direction and the bounds of its rule: the sound ones again, or under the
    // probabilistic rule each element's τ capped at its sound bound (TierBound).
    private static (double[] Sound, double[] Tier) SoundAndTierBounds<T>(ConvProblem p, Direction direction, ConvInputs<T> inputs, ReadOnlySpan<T> expected,
        bool probabilistic, double boundFactor, IConvEngine? engine)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // One set of float64 copies of the inputs serves both bounds, overwritten in turn: of a 3-D layer each is gigabytes.
        var lifted = Lift(p, direction, inputs, Lifting.Abs);
        // Stryker disable once Arithmetic : a size handed to the collector as a hint; no result depends on it
        long liftedBytes = sizeof(double) * ((long)lifted.X.Length + lifted.W.Length + lifted.B.Length + lifted.Dy.Length);
        double[] sound = BoundsOf(p, direction, lifted, boundFactor, engine);
        if (!probabilistic) return (sound, sound);
        // The engine's transposed copies, about as large as the inputs it read, are garbage before the second bound.
        // Stryker disable once all : a collection hint before the second bound; no result depends on it
        Scratch.Reclaim(liftedBytes);
        double[] tier = ProbabilisticBoundsOf(p, direction, Lift(p, direction, inputs, Lifting.Square, lifted), expected, engine);
        for (int i = 0; i < tier.Length; i++) tier[i] = TierBound(tier[i], sound[i]);
        return (sound, tier);
    }

    /// <summary>
    /// The bound of one element under the probabilistic rule: its probabilistic bound τ (<see cref="ProbabilisticBounds{T}"/>),
    /// but never more than its sound bound, and the sound bound itself where that is NaN or infinite.
    /// </summary>
    /// <remarks>
    /// At small K (a 3-wide forward, the dL/dw of a 3x3 kernel over one position) τ, which grows like √K·u, exceeds the
    /// sound bound, which grows like K·u: an element past the sound bound failed while its error/τ was below 1, the worst
    /// element was picked by error/τ, and the pictures of the failure showed nothing past its bound. Capped, an element
    /// fails exactly when it is past the sound bound, so its ratio is then above 1, and one past τ but within the sound
    /// bound is suspicious as before. A sound bound that vouches for nothing (NaN or infinite: an input held NaN or
    /// infinity, or K·u ≥ 1) is kept, not replaced by a finite τ: every element that differs fails under it
    /// (<see cref="Judge"/>), and its ratio is infinite. A NaN τ under a finite sound bound stays NaN (suspicious, as
    /// <see cref="Judge"/> reads it).
    /// </remarks>
    public static double TierBound(double probabilisticBound, double soundBound) =>
        double.IsFinite(soundBound) ? Math.Min(probabilisticBound, soundBound) : soundBound;

    /// <summary>
    /// The per-element rule: an error beyond the sound bound (or NaN) fails, and so does any error under a sound bound
    /// that is NaN or infinite; one beyond the probabilistic bound (or under a NaN one) but within the sound one is
    /// suspicious. For rules without a probabilistic tier pass the sound bound twice.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="error"/> is negative: an absolute error is at least 0 (or NaN).</exception>
    public static Judgement Judge(double error, double soundBound, double probabilisticBound) =>
        // A signed difference passed here would pass every element below its expected value, however far.
        error < 0 ? throw new ArgumentOutOfRangeException(nameof(error), error, "error: an absolute error, |actual − expected|, is never negative")
        : error == 0 ? Judgement.Pass
        // A NaN or infinite input makes M NaN or infinite: such a bound vouches for nothing, and no error may hide under it.
        : !(error <= soundBound) || !double.IsFinite(soundBound) ? Judgement.Fail
        : !(error <= probabilisticBound) ? Judgement.Suspicious
        : Judgement.Pass;

    // The bounds are the problem's dtype's: double values of a float32 problem (the default dtype of a ConvProblem and of a
    // parsed descriptor) were judged with float32's unit roundoff, so a double result off by a millionth passed, and float
    // values of a float64 problem failed for float32's own rounding.
    private static void CheckElementType<T>(ConvProblem p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!DTypes.Holds<T>(p.DType))
            throw new ArgumentException(
                $"T: problem {p} is {DTypes.NumpyName(p.DType)}, whose values are {(DTypes.Holds<float>(p.DType) ? "float" : "double")}, not {typeof(T).Name}; "
                + "its bounds would not be theirs (ConvProblem.WithDType gives the problem another dtype)", nameof(T));
    }

    // Below 1 the bound is no longer sound. An infinite factor made every bound infinite, under which the rule fails every
    // element that differs at all: exact equality, reported as "outside the sound summation bound" with a bound of Infinity.
    private static void CheckFactor(double factor, string name)
    {
        if (!(factor >= 1)) throw new ArgumentOutOfRangeException(name, factor, "a bound factor below 1 would not be sound");
        if (double.IsPositiveInfinity(factor)) throw new ArgumentOutOfRangeException(name, factor, "an infinite bound factor bounds nothing: every element that differs at all would fail");
    }

    // Named as the caller's argument: the shape's own refusal named a parameter "d" the caller never wrote. A bias gradient
    // of a problem without bias has no element: compared, it passed ("all 0 elements within ..."), having checked nothing.
    private static void CheckDirection(ConvProblem p, Direction direction)
    {
        CheckDefined(direction);
        if (!direction.Applies(p, out string? why))
            throw new ArgumentException($"direction: problem {p} has no {direction.TensorName()} to compare ({why})", nameof(direction));
    }

    // The bounds' own entry points: a bias gradient of a problem without bias has no bounds ([]), but an undefined
    // direction is the caller's, named as the caller's argument rather than the shape's own parameter "d".
    private static void CheckDefined(Direction direction)
    {
        if (!Enum.IsDefined(direction)) throw new ArgumentOutOfRangeException(nameof(direction), direction, $"direction: unknown value {(int)direction}");
    }

    // The inputs the direction's bound reads, checked whether or not a bound is made: identical results skip the bound,
    // and exact rules never make one, so inputs of the wrong length were refused only when the results happened to differ.
    private static void CheckInputs<T>(ConvProblem p, Direction direction, ConvInputs<T> inputs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (direction is Direction.Forward or Direction.BackwardWeights) NaiveConv.CheckLength<T>(inputs.X, "x", p.XSize, p.XShape);
        if (direction is Direction.Forward or Direction.BackwardData) NaiveConv.CheckLength<T>(inputs.W, "w", p.WSize, p.WShape);
        if (direction == Direction.Forward) NaiveConv.CheckLength<T>(inputs.B, "b", p.BSize, p.HasBias ? p.BShape : []);
        if (direction != Direction.Forward) NaiveConv.CheckLength<T>(inputs.Dy, "dy", p.YSize, p.YShape);
    }

    // An undefined rule fell through to exact equality while the verdict's text named the sound bound.
    private static void CheckTolerance(Tolerance tolerance)
    {
        if (!Enum.IsDefined(tolerance)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, $"tolerance: unknown value {(int)tolerance}");
    }

    // error/bound, infinite where the bound measures nothing (zero, NaN or infinite). Also the report reader's: a ratio
    // read back must be the one this makes of the worst element's error and bound (ReportChecks).
    internal static double Ratio(double error, double bound) => bound == 0 || !double.IsFinite(bound) ? double.PositiveInfinity : error / bound;

    /// <summary>λ of the probabilistic bound: docs/tolerance.md derives it and shows the evidence.</summary>
    public const double Lambda = 8.0;

    /// <summary>
    /// The per-element probabilistic bounds 2·λ·u·√(K·(Q + y²)/3) + 2·K·η of a direction, where Q is the sum of the
    /// squared terms of the element (the same convolution applied to x², w², dy², and b² for the forward), computed in
    /// float64, and y the reference's value of the element.
    /// </summary>
    /// <remarks>
    /// Model (docs/tolerance.md): the terms of one element are independent and identically distributed (the normal
    /// fill's), each implementation sums them in an order fixed before it sees the data, and its rounding errors are
    /// mean-zero and independent, with E[δ²] ≤ u²/3. Given the terms, their positions in the order are then a random
    /// permutation, so every partial sum S of k terms has E[S²] ≤ (k/K)²·y² + (k/K)·Q; over the at most K roundings of
    /// any order this gives one implementation's error a variance of at most u²/3 · K · (Q + y²). Two implementations
    /// differ by at most the sum of two such errors. λ = 8 puts a false alarm per element far below 1e-12 in the
    /// Gaussian limit; the measured errors stay far inside it (docs/tolerance.md).
    /// This is τ alone, the model's bound. The probabilistic rule judges an element by τ capped at its sound bound
    /// (<see cref="TierBound"/>): at small K τ exceeds the sound bound, which holds for any order and so never lets
    /// through more than τ should.
    /// </remarks>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not the element type of the problem's dtype, or
    /// <paramref name="reference"/>'s length does not match the problem.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="direction"/> is not a defined value.</exception>
    public static double[] ProbabilisticBounds<T>(ConvProblem p, Direction direction, ConvInputs<T> inputs, ReadOnlySpan<T> reference, IConvEngine? engine = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(inputs);
        CheckElementType<T>(p);
        CheckDefined(direction);
        NaiveConv.CheckLength(reference, "reference " + direction.TensorName(), direction.SizeOf(p), direction.ShapeOf(p));
        return ProbabilisticBoundsOf(p, direction, Lift(p, direction, inputs, Lifting.Square), reference, engine);
    }

    // ProbabilisticBounds from the squares of the inputs the direction reads.
    private static double[] ProbabilisticBoundsOf<T>(ConvProblem p, Direction direction, ConvInputs<double> squares, ReadOnlySpan<T> reference, IConvEngine? engine)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var q = p.WithDType(DType.Float64);
        double[] sums = direction == Direction.BackwardBias && !q.HasBias ? [] : direction.Compute(engine ?? ConvEngines.Default, q, squares);
        long k = direction.AccumulationLength(p);
        double u = DTypes.UnitRoundoff(p.DType);
        double eta = DTypes.SmallestSubnormal(p.DType);
        // The squares were summed in float64: a relative 2·K·u64 more keeps Q an upper bound of the exact sum.
        double slack = 1 + 2 * k * Math.ScaleB(1, -53);
        for (int i = 0; i < sums.Length; i++)
        {
            double y = double.CreateChecked(reference[i]);
            // A non-finite reference has no meaningful bound but the sound one; leave it to that.
            sums[i] = double.IsFinite(y) ? 2 * Lambda * u * Math.Sqrt(k * (sums[i] * slack + y * y) / 3) + 2 * k * eta : double.PositiveInfinity;
        }
        return sums;
    }

    /// <summary>The per-element bounds 2·γ_K·M + 2·K·η of a direction, scaled by <paramref name="factor"/>, M computed by <paramref name="engine"/>.</summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not the element type of the problem's dtype.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is below 1, NaN or infinite, or <paramref name="direction"/> is not a defined value.</exception>
    public static double[] Bounds<T>(ConvProblem p, Direction direction, ConvInputs<T> inputs, double factor = 1.0, IConvEngine? engine = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(inputs);
        CheckElementType<T>(p);
        CheckFactor(factor, nameof(factor));
        CheckDefined(direction);
        return BoundsOf(p, direction, Lift(p, direction, inputs, Lifting.Abs), factor, engine);
    }

    // Bounds from the magnitudes of the inputs the direction reads.
    private static double[] BoundsOf(ConvProblem p, Direction direction, ConvInputs<double> magnitudes, double factor, IConvEngine? engine)
    {
        var q = p.WithDType(DType.Float64);
        double[] m = direction == Direction.BackwardBias && !q.HasBias ? [] : direction.Compute(engine ?? ConvEngines.Default, q, magnitudes);
        long k = direction.AccumulationLength(p);
        double u = DTypes.UnitRoundoff(p.DType);
        double eta = DTypes.SmallestSubnormal(p.DType);
        double gamma = Gamma(k, u);
        // The magnitudes themselves were summed in float64; one more relative u64 per term keeps the bound an upper bound.
        double slack = 1 + 2 * k * Math.ScaleB(1, -53);
        for (int i = 0; i < m.Length; i++) m[i] = double.IsPositiveInfinity(gamma) ? gamma : factor * (2 * gamma * m[i] * slack + 2 * k * eta);
        return m;
    }

    // γ_K = K·u/(1 − K·u) (Higham §3.1) holds only while K·u < 1. Past it (float32 sums of 2^24 terms or more: dL/dw or
    // dL/db of a 3-D layer over a large minibatch) the formula gave a negative bound, under which a 1-ulp difference failed
    // with a negative ratio, and at K·u = 1 an infinite one. No summation bound is known there: infinite, it vouches for
    // nothing, and every element that differs at all fails (Judge), as for a NaN or infinite input.
    internal static double Gamma(long k, double u) => k * u < 1 ? k * u / (1 - k * u) : double.PositiveInfinity;

    /// <summary>
    /// The per-element bounds on |a − e| of a bfloat16 or float16 direction: each correct result v lies within
    /// γ_K·M + K·η + ½·gap(v toward S) of the exact sum S (M and S computed in float64 by <paramref name="engine"/>;
    /// gap(v toward S) the distance from v to its neighbouring value of the narrow type on S's side), scaled in its
    /// float32 part by <paramref name="factor"/>. Both sides are held to it: where the
    /// expected value e lies within its own interval, an element's bound is the distance from e to the edge of a's
    /// interval on a's side, so |a − e| exceeds it exactly when a is outside; where e does not (a reference that breaks
    /// the rule), the bound is 0 and every a that differs from e fails. A bound is infinite or NaN where an input is.
    /// </summary>
    /// <remarks>
    /// Any float32 summation s of the K exact products (bfloat16 and float16 products are exact in float32) has
    /// |s − S| ≤ γ_K·M (Higham §3.1, any order) — half the two-sided bound — plus K·η for underflow; v, s rounded once to
    /// nearest, lies within half the gap to v's neighbour on s's side, so within budget + ½·gap(v toward S) of S (an s
    /// beyond v, away from S, puts v within the budget of S already). Not ½·ulp(v): at v = ±2^k the gap toward zero is half the ulp,
    /// and a result rounded outward to ±2^k from just inside it passed by ½·ulp(v). The bound
    /// is measured against S rather than against the expected value, which was rounded too: two correct roundings may
    /// differ by a whole ulp near a half-way point, but a result rounded the wrong way (toward zero, or summed in the
    /// narrow type) lands outside ½ ulp of S on about half of the elements, and is seen. Measured against S alone, the
    /// expected value would never be read: a correct a passes beside any e, so a wrong reference (torch 1.13's bfloat16
    /// channels-last dx of a padded 1x1 convolution, off by 12) passed a check of the definition against it.
    /// docs/tolerance.md derives the rule.
    /// </remarks>
    /// <exception cref="ArgumentException">A tensor's length does not match the problem, <typeparamref name="T"/> is not the element type of the problem's dtype, or the problem's dtype is not bfloat16 or float16.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is below 1, NaN or infinite, or <paramref name="direction"/> is not a defined value.</exception>
    public static double[] NarrowBounds<T>(ConvProblem p, Direction direction, ConvInputs<T> inputs, ReadOnlySpan<T> expected, ReadOnlySpan<T> actual,
        double factor = 1.0, IConvEngine? engine = null)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        NarrowRuleOf(p, direction, inputs, expected, actual, factor, engine, probabilistic: false).Bounds;

    /// <summary>
    /// The per-element bounds on |a − e| of a bfloat16 or float16 direction under the probabilistic rule: those of
    /// <see cref="NarrowBounds{T}"/> with the float32 sum's budget γ_K·M + K·η replaced, where it is smaller, by one
    /// summation's probabilistic error λ·u·√(K·(Q + S²)/3) + K·η (Q the sum of the squared terms, S the exact sum), half
    /// of <see cref="ProbabilisticBounds{T}"/>'s τ, which covers two summations. An element past these bounds but within
    /// <see cref="NarrowBounds{T}"/>' is suspicious.
    /// </summary>
    /// <remarks>
    /// On long sums γ_K·M, growing like K·u·M, is many ulps of the narrow type wide (a median 12–15 bfloat16 ulps on
    /// ResNet-50's stem dL/dw), and a missing product term or a result several ulps off passed; one summation's error under
    /// the model of <see cref="ProbabilisticBounds{T}"/> grows like √K·u·σ and stays far below the half gap. The model is
    /// the normal fill's (docs/tolerance.md, "A probabilistic tier for bfloat16 and float16").
    /// </remarks>
    /// <exception cref="ArgumentException">A tensor's length does not match the problem, <typeparamref name="T"/> is not the element type of the problem's dtype, or the problem's dtype is not bfloat16 or float16.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is below 1, NaN or infinite, or <paramref name="direction"/> is not a defined value.</exception>
    public static double[] NarrowProbabilisticBounds<T>(ConvProblem p, Direction direction, ConvInputs<T> inputs, ReadOnlySpan<T> expected, ReadOnlySpan<T> actual,
        double factor = 1.0, IConvEngine? engine = null)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        NarrowRuleOf(p, direction, inputs, expected, actual, factor, engine, probabilistic: true).TierBounds!;

    /// <summary>
    /// <see cref="NarrowBounds{T}"/>, <see cref="NarrowProbabilisticBounds{T}"/> and the exact sums S they were made of, from one
    /// computation of S, M and Q (measurements that need all three); as Compare reads them, the bounds only of the
    /// elements whose values differ (0 elsewhere).
    /// </summary>
    internal static (double[] Sound, double[] Tier, double[] Sums) NarrowRuleParts<T>(ConvProblem p, Direction direction, ConvInputs<T> inputs, ReadOnlySpan<T> expected,
        ReadOnlySpan<T> actual, double factor = 1.0, IConvEngine? engine = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rule = NarrowRuleOf(p, direction, inputs, expected, actual, factor, engine, probabilistic: true, onlyWhereDiffering: true);
        return (rule.Bounds, rule.TierBounds!, rule.Sums);
    }

    // With onlyWhereDiffering the bounds are made only of the elements whose values differ, the only ones Compare and
    // Ratios read (0 elsewhere): an element's bound takes a few neighbour look-ups, about half a microsecond, and of a
    // bfloat16 layer's millions of elements a few differ. The public bounds are made of every element.
    private static NarrowRule NarrowRuleOf<T>(ConvProblem p, Direction direction, ConvInputs<T> inputs, ReadOnlySpan<T> expected, ReadOnlySpan<T> actual,
        double factor, IConvEngine? engine, bool probabilistic, bool onlyWhereDiffering = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(inputs);
        CheckElementType<T>(p);
        CheckFactor(factor, nameof(factor));
        CheckDefined(direction);
        // A float32 or float64 result is not rounded from a float32 sum: this rule would be wrong for it, not merely loose.
        if (!DTypes.IsNarrow(p.DType))
            throw new ArgumentException($"p: problem {p} is {DTypes.NumpyName(p.DType)}, not bfloat16 or float16; its bounds are Bounds and ProbabilisticBounds", nameof(p));
        int[] shape = direction.ShapeOf(p);
        NaiveConv.CheckLength(expected, "expected " + direction.TensorName(), direction.SizeOf(p), shape);
        NaiveConv.CheckLength(actual, "actual " + direction.TensorName(), direction.SizeOf(p), shape);
        var q = p.WithDType(DType.Float64);
        if (direction == Direction.BackwardBias && !q.HasBias) return new NarrowRule(p.DType, [], [], null, 1, 0, 0);
        engine ??= ConvEngines.Default;
        var lifted = Lift(p, direction, inputs, Lifting.Value);
        double[] sums = direction.Compute(engine, q, lifted);
        double[] m = direction.Compute(engine, q, Lift(p, direction, inputs, Lifting.Abs, lifted));
        double[]? squares = probabilistic ? direction.Compute(engine, q, Lift(p, direction, inputs, Lifting.Square, lifted)) : null;
        long k = direction.AccumulationLength(p);
        var rule = new NarrowRule(p.DType, sums, m, squares, factor, k, Gamma(k, DTypes.UnitRoundoff(p.DType)));
        for (int i = 0; i < sums.Length; i++)
        {
            double e = double.CreateChecked(expected[i]), a = double.CreateChecked(actual[i]);
            if (onlyWhereDiffering && Error(e, a) == 0) continue;
            rule.Bounds[i] = rule.BoundAt(i, e, a, tier: false);
            if (rule.TierBounds is { } tier) tier[i] = rule.BoundAt(i, e, a, tier: true);
        }
        return rule;
    }

    /// <summary>The narrow rule of one direction: the exact sums S, their magnitudes M, and the bounds made of them.</summary>
    private sealed class NarrowRule
    {
        private readonly DType _dtype;
        // The parts of an element's float32 budget that do not depend on it, taken out of the per-element loop:
        // factor·γ_K·(1 + 2·K·u64) and 2·K·u64 multiply M, factor·K·η is added.
        private readonly double _perMagnitude, _underflow;
        private readonly bool _unbounded;

        // The probabilistic budget's parts: λ·u·√(K/3) multiplies √(Q·(1 + 2·K·u64) + S²), K·η is added.
        private readonly double _perRoot, _tierUnderflow, _squareSlack, _u64Sum;
        private readonly double[]? _squares;

        public NarrowRule(DType dtype, double[] sums, double[] magnitudes, double[]? squares, double factor, long k, double gamma)
        {
            (_dtype, Sums, Magnitudes, Bounds, _squares) = (dtype, sums, magnitudes, new double[sums.Length], squares);
            TierBounds = squares is null ? null : new double[sums.Length];
            double u64 = Math.ScaleB(1, -53);
            _unbounded = double.IsPositiveInfinity(gamma);
            // The float64 S and M are themselves sums of K terms: 2·K·u64·M more keeps the interval around the exact S.
            _u64Sum = 2 * k * u64;
            _perMagnitude = factor * gamma * (1 + _u64Sum) + _u64Sum;
            _underflow = factor * k * DTypes.SmallestSubnormal(dtype);
            // One summation's half of τ (ProbabilisticBounds covers two), in float32's unit roundoff: the sums are float32.
            _perRoot = Lambda * DTypes.UnitRoundoff(dtype) * Math.Sqrt(k / 3.0);
            _tierUnderflow = k * DTypes.SmallestSubnormal(dtype);
            _squareSlack = 1 + _u64Sum;
        }

        public double[] Sums { get; }

        public double[] Magnitudes { get; }

        /// <summary>The sound rule's bounds.</summary>
        public double[] Bounds { get; }

        /// <summary>Under the probabilistic rule, its bounds (never above <see cref="Bounds"/>' where those are finite); else null.</summary>
        public double[]? TierBounds { get; }

        // How far from S the float32 sum itself may lie, before its one rounding: any order (the sound budget), or, in the
        // tier, the model's bound on one summation's error where that is the smaller (at small K it is not, as for float32:
        // TierBound). The float64 S below was itself rounded: the sound budget's 2·K·u64·M covers that in both.
        private double Budget(int i, bool tier)
        {
            double sound = _perMagnitude * Magnitudes[i] + _underflow;
            if (!tier || _squares is null) return sound;
            double s = Sums[i];
            double probable = _perRoot * Math.Sqrt(_squares[i] * _squareSlack + s * s) + _tierUnderflow + _u64Sum * Magnitudes[i];
            return Math.Min(probable, sound);
        }

        // Half the distance from v to its neighbour of the narrow type above (or below): how far that way the values
        // that round to v reach. Not ½·ulp(v): below a power of two 2^k the neighbour is half as far, so 8 in bfloat16
        // is the rounding of nothing below 8 − 2^−6, though ½·ulp(8) is 2^−5. Above the largest finite value rounding
        // overflows from half an ulp of its binade on (IEEE 754 §7.4), not from half the infinite gap to +∞.
        private double HalfGap(double v, bool above)
        {
            double n = above ? DTypes.NextUp(_dtype, v) : DTypes.NextDown(_dtype, v);
            return (double.IsFinite(n) ? Math.Abs(n - v) : DTypes.Ulp(_dtype, v)) / 2;
        }

        // How far from S a correct result v may lie: the budget plus half the gap from v to its neighbour on S's side.
        // A correct v rounds some float32 s with |s − S| ≤ budget: s on S's side of v lies within that half gap of v;
        // s on the other side puts S even nearer v than s.
        // At v = S either side would do (v is inside); the wider one, ½·ulp(v), makes the bound around it no narrower
        // than the interval of any value beside it.
        private double Allowance(double budget, double s, double v) =>
            budget + (v == s ? DTypes.Ulp(_dtype, v) / 2 : HalfGap(v, above: s > v));

        // Whether v is a correct result: within its allowance of S, or, infinite, what rounding a float32 sum within the
        // budget of S gives past the narrow type's largest value (65520 and more round to infinity in float16).
        private bool Within(double budget, double s, double v) =>
            double.IsFinite(v) ? Math.Abs(v - s) <= Allowance(budget, s, v)
            : double.IsInfinity(v) && DTypes.RoundFromDouble(_dtype, v > 0 ? s + budget : s - budget) == v;

        public double BoundAt(int i, double e, double a, bool tier)
        {
            double s = Sums[i], m = Magnitudes[i];
            // A NaN or infinite input: as the float32 rule's M, a bound that vouches for nothing (any difference fails).
            if (!double.IsFinite(m) || !double.IsFinite(s)) return double.IsNaN(m) || double.IsNaN(s) ? double.NaN : double.PositiveInfinity;
            if (_unbounded) return double.PositiveInfinity;
            double budget = Budget(i, tier);
            // A reference outside its own interval breaks the rule: no difference from it is allowed. So does an infinite
            // one beside a finite a: no finite distance separates them.
            if (!Within(budget, s, e) || !double.IsFinite(e)) return 0;
            double r;
            if (!double.IsFinite(a))
            {
                // A non-finite a has no gap and no side: the farther edge of e's own interval S ± allowance(e).
                r = Allowance(budget, s, e);
                return Math.Max(s + r - e, e - (s - r));
            }
            // The edge of a's interval S ± allowance(a) on a's side of e: |a − e| exceeds it exactly when a is outside.
            // (An a between e and S is always inside, since values between two correct ones are, and stays within
            // this bound too.)
            r = Allowance(budget, s, a);
            return Math.Max(0, a >= e ? s + r - e : e - (s - r));
        }

        /// <summary>
        /// Whether e and a, an infinite error apart, are both correct results: at the overflow threshold (float16's S = 65520,
        /// half-way between 65504 and the next binade) the largest finite value and infinity both round a float32 sum within
        /// the budget of S. No finite bound lets an infinite error pass, so the pair is judged here: as agreeing, not as an
        /// error of infinity (each failed beside the other). Finite pairs are left to the bound, which passes them already.
        /// </summary>
        public bool BothCorrect(int i, double error, double e, double a)
        {
            double s = Sums[i], m = Magnitudes[i];
            if (!double.IsPositiveInfinity(error) || double.IsNaN(e) || double.IsNaN(a) || !double.IsFinite(s) || !double.IsFinite(m) || _unbounded) return false;
            double budget = Budget(i, tier: false);
            return Within(budget, s, e) && Within(budget, s, a);
        }

        /// <summary>
        /// e's own allowance, under the tier's budget or the sound one, when e is no correct result by it (the reference
        /// breaks the rule): NaN where e is not finite; null when e is within it, or when the rule vouches for nothing.
        /// </summary>
        public double? ExpectedOutside(int i, double e, bool tier)
        {
            double s = Sums[i], m = Magnitudes[i];
            if (!double.IsFinite(s) || !double.IsFinite(m) || _unbounded) return null;
            double budget = Budget(i, tier);
            if (Within(budget, s, e)) return null;
            return double.IsFinite(e) ? Allowance(budget, s, e) : double.NaN;
        }
    }

    private static bool Mismatch<T>(T e, T a, bool bitwise) where T : unmanaged, IFloatingPointIeee754<T> =>
        bitwise ? !Bitwise.Equal(e, a) : Error(double.CreateChecked(e), double.CreateChecked(a)) != 0;

    // NaN or infinity anywhere counts as infinitely wrong, unless both sides hold the very same non-finite value. Also the
    // report reader's: a worst element's abs_error read back must be the one this makes of its expected and actual values.
    internal static double Error(double e, double a)
    {
        if (e == a || (double.IsNaN(e) && double.IsNaN(a))) return 0;
        double d = Math.Abs(a - e);
        return double.IsFinite(d) ? d : double.PositiveInfinity;
    }

    private enum Lifting
    {
        Value,
        Abs,
        Square,
    }

    /// <summary>
    /// float64 copies, transformed, of the inputs <paramref name="direction"/> reads; the others stay empty (the engines
    /// never read them), since a 3-D layer's unneeded dy alone is gigabytes in float64. With <paramref name="reuse"/>
    /// from an earlier call for the same direction, its arrays are overwritten instead of allocating new ones.
    /// </summary>
    private static ConvInputs<double> Lift<T>(ConvProblem p, Direction direction, ConvInputs<T> inputs, Lifting lifting, ConvInputs<double>? reuse = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (direction == Direction.BackwardBias && !p.HasBias) return new ConvInputs<double>([], [], [], []);
        bool x = direction is Direction.Forward or Direction.BackwardWeights, w = direction is Direction.Forward or Direction.BackwardData;
        bool b = direction == Direction.Forward, dy = direction != Direction.Forward;
        return new ConvInputs<double>(
            x ? Lift(inputs.X, lifting, reuse?.X) : [],
            // Stryker disable once Conditional : a direction that does not read w computes nothing from its copy
            w ? Lift(inputs.W, lifting, reuse?.W) : [],
            // Stryker disable once Conditional : only the forward reads b
            b ? Lift(inputs.B, lifting, reuse?.B) : [],
            dy ? Lift(inputs.Dy, lifting, reuse?.Dy) : []);
    }

    private static double[] Lift<T>(T[] v, Lifting lifting, double[]? reuse) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = reuse is not null && reuse.Length == v.Length ? reuse : new double[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            double d = double.CreateChecked(v[i]);
            r[i] = lifting switch
            {
                Lifting.Abs => Math.Abs(d),
                Lifting.Square => d * d,
                _ => d,
            };
        }
        return r;
    }

    // Row-major: the multi-index of the flat index, as the comparison numbers elements (and the report reader checks).
    internal static int[] Unravel(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }
}
