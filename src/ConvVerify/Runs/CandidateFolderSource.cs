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
/// A file whose name differs from a result's only in letter case (<c>Y.NPY</c>, <c>DX.npy</c>) is an error of that
/// direction too, on every system, as a pack refuses such a name (docs/fixture-format.md).
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
            // Where names ignore case (macOS, Windows) Y.NPY is read as y.npy, where they do not (Linux) y is not provided:
            // the same folder would pass under --require any on one system and fail on the other. Refused everywhere, it
            // is judged alike, and a result the implementation wrote is never passed over as one it did not.
            // So too a case folder in other letters (CASE-1 for case-1), which is every direction of its case.
            if ((FolderInOtherCase(c.Case.Id) ?? OtherCase(path)) is { } other)
            {
                string meant = Path.GetFileName(path), kind = "result file";
                if (other.Folder) (meant, kind) = (c.Case.Id, "case folder");
                r.Absent[d] = new Absence(Outcome.Error, $"{PackPaths.Printable(other.Path)}: differs from the {kind} {meant} only in letter case; {FixturePack.InOtherCase(meant)}");
                continue;
            }
            // Only nothing at all is "not provided": File.Exists is false for a folder named y.npy too, and that read as
            // a result not given passed under --require any.
            if (!Path.Exists(path) && new FileInfo(path).LinkTarget is null)
            {
                r.Absent[d] = NotThere(d, path);
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

    // An entry beside the result's path whose name is the result's in other letters, or null. Names only are listed, as
    // the file system stores them, so the answer is the same where names ignore case; a folder that cannot be listed is
    // left to the read, which says why.
    private static (string Path, bool Folder)? OtherCase(string path)
    {
        string? folder = Path.GetDirectoryName(path);
        return folder is null ? null : InOtherCase(Listing(folder), folder, Path.GetFileName(path)) is { } other ? (other, false) : null;
    }

    // The candidate folder's own entries are listed once, not once for each case: a folder of many cases would be
    // listed as many times over.
    private (string Path, bool Folder)? FolderInOtherCase(string id) =>
        InOtherCase(LazyInitializer.EnsureInitialized(ref _entries, () => Listing(_folder)), _folder, id) is { } other ? (other, true) : null;

    private string[]? _entries;

    private static string? InOtherCase(string[] names, string folder, string name) =>
        names.FirstOrDefault(other => other != name && string.Equals(other, name, StringComparison.OrdinalIgnoreCase)) is { } found
            ? Path.Combine(folder, found)
            : null;

    // The names in a folder, in ordinal order; none when it does not exist or cannot be listed.
    private static string[] Listing(string folder)
    {
        try
        {
            return Directory.Exists(folder)
                ? [.. Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]
                : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    // Nothing at a result's path: not provided, said of the case folder when that is not a folder (a named pipe or a file
    // standing for it, never opened): "y.npy does not exist" had the user look for a file in a folder that is not one.
    private static Absence NotThere(Direction d, string path)
    {
        string folder = Path.GetDirectoryName(path)!;
        FileKind kind;
        try
        {
            kind = FileKinds.Of(folder);
        }
        catch (FixtureException e)
        {
            return new Absence(Outcome.Error, e.Message);
        }
        string why = kind is FileKind.Directory or FileKind.Missing ? $"{path} does not exist" : $"{folder} is {FileKinds.Describe(kind)}, not a folder";
        return new Absence(Outcome.NotProvided, $"{d.TensorName()}: not provided ({why})");
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
