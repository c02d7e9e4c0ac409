using ConvVerify.Fixtures;
using ConvVerify.Tests.Fixtures;

namespace ConvVerify.Tests.Cli;

/// <summary>What one in-process run of the command line returned and wrote.</summary>
public sealed record CliResult(int Code, string Out, string Err)
{
    /// <summary>Both streams, for messages that may go to either.</summary>
    public string All => Out + "\n" + Err;

    public override string ToString() => $"exit {Code}\n--- stdout ---\n{Out}\n--- stderr ---\n{Err}";
}

/// <summary>Runs <c>convverify</c> in-process and owns a temporary folder that is removed after each test.</summary>
public abstract class CliTestBase
{
    /// <summary>A fresh temporary folder of the current test (created on first use).</summary>
    protected string Temp { get; private set; } = "";

    [SetUp]
    public void MakeTemp() => Temp = Path.Combine(Path.GetTempPath(), "convverify-cli-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void RemoveTemp()
    {
        if (Directory.Exists(Temp)) Directory.Delete(Temp, recursive: true);
    }

    /// <summary>Runs the command line with StringWriter streams.</summary>
    public static CliResult Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = ConvVerify.Cli.Cli.Run(args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs the command line with StringWriter streams and a console of the caller's making on stdout (e.g. an interactive one).</summary>
    public static CliResult Run(Func<TextWriter, Spectre.Console.IAnsiConsole> console, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(console);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = ConvVerify.Cli.Cli.Run(args, console(stdout), stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A path inside the temporary folder (the folder is created, the path is not).</summary>
    protected string TempPath(string name)
    {
        Directory.CreateDirectory(Temp);
        return Path.Combine(Temp, name);
    }

    /// <summary>Copies a committed pack into the temporary folder and returns the copy's path.</summary>
    protected string CopyCommittedPack(string set, string name = "pack")
    {
        string target = TempPath(name);
        CopyDirectory(CommittedPacks.Dir(set), target);
        return target;
    }

    /// <summary>
    /// A candidate folder holding the pack's own results (y, dx, dw, db of every case): one that passes, so that whatever
    /// fails in a test is what the test changed.
    /// </summary>
    protected string CandidateFromPack(string pack, string name = "candidate")
    {
        string candidate = TempPath(name);
        foreach (string id in CaseFolders(pack))
        {
            Directory.CreateDirectory(Path.Combine(candidate, id));
            foreach (string t in new[] { "y", "dx", "dw", "db" })
                File.Copy(Path.Combine(pack, id, t + ".npy"), Path.Combine(candidate, id, t + ".npy"));
        }
        return candidate;
    }

    /// <summary>Adds 1 to element <paramref name="flat"/> of a float32 result file (shape <paramref name="shape"/>) of a pack case; returns the file's path.</summary>
    protected static string Bump(string pack, string id, string tensor, int[] shape, int flat)
    {
        string path = Path.Combine(pack, id, tensor + ".npy");
        var values = Npy.Read<float>(path, ConvVerify.Problems.DType.Float32, shape);
        values[flat] += 1;
        Npy.Write(path, shape, values);
        return path;
    }

    public static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string dir in Directory.GetDirectories(from)) CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    /// <summary>The id of the committed question case with the given dtype and fill, e.g. ("f32", "normal").</summary>
    public static string QuestionCase(string dtype, string fill) => $"mb1ic3ih5oc16oh3kh3ph0n_question___{dtype}_{fill}";

    /// <summary>Case ids (folder names) of a pack folder, from the folders holding a case.json.</summary>
    public static IEnumerable<string> CaseFolders(string pack) =>
        Directory.GetDirectories(pack).Where(d => File.Exists(Path.Combine(d, "case.json"))).Select(d => Path.GetFileName(d)!);
}

/// <summary>A command-line test with a fresh copy of the committed question pack and a candidate holding its own results.</summary>
public abstract class QuestionPackTest : CliTestBase
{
    /// <summary>The copy of the question pack.</summary>
    protected string Pack { get; private set; } = "";

    /// <summary>A candidate folder with the pack's own results, which passes.</summary>
    protected string Candidate { get; private set; } = "";

    [SetUp]
    public void MakePackAndCandidate()
    {
        Pack = CopyCommittedPack("question");
        Candidate = CandidateFromPack(Pack);
    }
}
