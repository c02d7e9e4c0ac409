using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;

namespace ConvVerify.Runs;

/// <summary>An engine's results (the definition, or one bitwise equal to it).</summary>
/// <param name="engine">The engine.</param>
public sealed class EngineSource(IConvEngine engine) : ResultSource
{
    /// <inheritdoc/>
    public override string Name => engine.Name;

    /// <inheritdoc/>
    public override bool IsDefinition => true;

    /// <inheritdoc/>
    public override SourceResults<T> Produce<T>(LoadedCase<T> c, IReadOnlyList<Direction> directions)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(directions);
        var r = new SourceResults<T>();
        foreach (var d in directions) r.Values[d] = d.Compute(engine, c.Case.Problem, c.Inputs);
        return r;
    }
}

/// <summary>An oracle's results; a direction or dtype it does not provide is "not provided by oracle", with its reason.</summary>
/// <param name="oracle">The oracle.</param>
public sealed class OracleSource(IConvOracle oracle) : ResultSource
{
    /// <summary>The oracle.</summary>
    public IConvOracle Oracle { get; } = oracle ?? throw new ArgumentNullException(nameof(oracle));

    /// <inheritdoc/>
    public override string Name => Oracle.Name;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Versions => Oracle.Versions;

    /// <inheritdoc/>
    public override double BoundFactor => Oracle.BoundFactor;

    /// <inheritdoc/>
    public override bool IsDefinition => Oracle is EngineOracle;

    /// <inheritdoc/>
    public override SourceResults<T> Produce<T>(LoadedCase<T> c, IReadOnlyList<Direction> directions)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(directions);
        var r = new SourceResults<T>();
        var provided = new List<Direction>();
        foreach (var d in directions)
        {
            if (Oracle.Provides(c.Case.Problem, d, out string? why)) provided.Add(d);
            else r.Absent[d] = new Absence(Outcome.NotProvidedByOracle, $"{d.TensorName()}: not provided by oracle {Oracle.Name}: {why}");
        }
        if (provided.Count > 0)
            foreach (var (d, v) in Oracle.Compute(c.Case.Problem, c.Inputs, provided)) r.Values[d] = v;
        return r;
    }
}

/// <summary>The results stored in the case's pack; a direction it lacks is "not in pack".</summary>
public sealed class PackSource : ResultSource
{
    /// <summary>Creates the source; <paramref name="versions"/> are those of the oracle that made the packs, when known.</summary>
    public PackSource(string name = "pack", IReadOnlyDictionary<string, string>? versions = null)
    {
        Name = name;
        if (versions is not null) Versions = versions;
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Versions { get; } = new Dictionary<string, string>();

    /// <inheritdoc/>
    public override SourceResults<T> Produce<T>(LoadedCase<T> c, IReadOnlyList<Direction> directions)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(directions);
        var r = new SourceResults<T>();
        foreach (var d in directions)
        {
            if (c.PackResults.TryGetValue(d, out var v)) r.Values[d] = v;
            else r.Absent[d] = new Absence(Outcome.NotInPack, $"{d.TensorName()}: not in pack");
        }
        return r;
    }
}

/// <summary>
/// Results another implementation wrote as <c>&lt;folder&gt;/&lt;case-id&gt;/{y,dx,dw,db}.npy</c>: a missing file is
/// "not provided", an unreadable one (wrong dtype, shape, corrupt) a failure naming the file.
/// </summary>
/// <param name="folder">The candidate folder.</param>
public sealed class CandidateFolderSource(string folder) : ResultSource
{
    /// <inheritdoc/>
    public override string Name => "candidate";

    /// <inheritdoc/>
    public override SourceResults<T> Produce<T>(LoadedCase<T> c, IReadOnlyList<Direction> directions)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(directions);
        var r = new SourceResults<T>();
        var p = c.Case.Problem;
        foreach (var d in directions)
        {
            string path = Path.Combine(folder, c.Case.Id, d.TensorName() + ".npy");
            if (!File.Exists(path))
            {
                r.Absent[d] = new Absence(Outcome.NotProvided, $"{d.TensorName()}: not provided ({path} does not exist)");
                continue;
            }
            try
            {
                r.Values[d] = Npy.Read<T>(path, p.DType, d.ShapeOf(p));
            }
            catch (FixtureException e)
            {
                r.Absent[d] = new Absence(Outcome.Fail, e.Message);
            }
        }
        return r;
    }
}

/// <summary>A .NET implementation's results: <see cref="NotSupportedException"/> is "not provided", any other exception a failure with its message.</summary>
/// <param name="implementation">The implementation.</param>
/// <param name="name">Its name in reports.</param>
public sealed class ImplementationSource(IConvImplementation implementation, string name = "implementation") : ResultSource
{
    /// <inheritdoc/>
    public override string Name => name;

    /// <inheritdoc/>
    public override SourceResults<T> Produce<T>(LoadedCase<T> c, IReadOnlyList<Direction> directions)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(directions);
        var r = new SourceResults<T>();
        foreach (var d in directions)
        {
            try
            {
                r.Values[d] = d.Compute(implementation, c.Case.Problem, c.Inputs);
            }
            catch (NotSupportedException e)
            {
                r.Absent[d] = new Absence(Outcome.NotProvided, $"{d.TensorName()}: not provided ({e.Message})");
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or ArithmeticException)
            {
                r.Absent[d] = new Absence(Outcome.Fail, $"{d.TensorName()}: the implementation threw {e.GetType().Name}: {e.Message}");
            }
        }
        return r;
    }
}
