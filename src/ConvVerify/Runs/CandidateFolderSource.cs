using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Fixtures;
using ConvVerify.Oracles;

namespace ConvVerify.Runs;

/// <summary>
/// Results another implementation wrote as <c>&lt;folder&gt;/&lt;case-id&gt;/{y,dx,dw,db}.npy</c>: a missing file is
/// "not provided", an unreadable one (wrong dtype, shape, corrupt) a failure naming the file, and one that is not a regular
/// file (a named pipe, a device, a folder, a link leading nowhere) an error: it is no result, and opening it could hang.
/// </summary>
/// <param name="folder">The candidate folder.</param>
/// <exception cref="ArgumentNullException"><paramref name="folder"/> is null.</exception>
public sealed class CandidateFolderSource(string folder) : ResultSource
{
    private readonly string _folder = folder ?? throw new ArgumentNullException(nameof(folder));

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
            var (path, refused) = FileOf(c.Case.Id, d);
            if (path is null)
            {
                r.Absent[d] = new Absence(Outcome.Error, refused!);
                continue;
            }
            // Only nothing at all is "not provided": File.Exists is false for a folder named y.npy too, and that read as
            // a result not given passed under --require any.
            if (!Path.Exists(path) && new FileInfo(path).LinkTarget is null)
            {
                r.Absent[d] = new Absence(Outcome.NotProvided, $"{d.TensorName()}: not provided ({path} does not exist)");
                continue;
            }
            if (NotRegular(path) is { } why)
            {
                // Not a result at all (a pipe or device would hang or flood the read): unusable input, not a wrong answer.
                r.Absent[d] = new Absence(Outcome.Error, why);
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

    private static string? NotRegular(string path)
    {
        try
        {
            PackPaths.CheckRegularFile(path);
            return null;
        }
        catch (FixtureException e)
        {
            return e.Message;
        }
    }

    // A result, not an assignment inside try: a mutation testing tool's removed `continue` after the catch would read
    // the path unassigned, which does not compile, and it then drops every mutant of Produce (docs/mutation-testing.md).
    private (string? Path, string? Refused) FileOf(string id, Direction d)
    {
        try
        {
            return (PackPaths.Inside(_folder, id, d.TensorName() + ".npy"), null);
        }
        catch (FixtureException e)
        {
            return (null, e.Message);
        }
    }
}
