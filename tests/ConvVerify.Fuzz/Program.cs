using ConvVerify.Fixtures;
using ConvVerify.Problems;
using SharpFuzz;

// Every input becomes a .npy file (or a case.json) and goes through the reader (both element types for .npy): a FixtureException is the expected refusal,
// any other exception is a crash for the fuzzer to keep. The shape asked for is fixed; a fuzzer that finds a header
// matching it then exercises the data checks.
string target = args.Length > 0 ? args[0] : "npy";
string path = Path.Combine(Path.GetTempPath(), $"convverify-fuzz-{Environment.ProcessId}{(target == "case" ? ".json" : ".npy")}");
int[] shape = [2, 3];

void One(ReadOnlySpan<byte> input)
{
    File.WriteAllBytes(path, input.ToArray());
    try
    {
        if (target == "case") CaseFile.Read(path).ToCase(path, []);
        else Npy.Read<float>(path, DType.Float32, shape);
    }
    catch (FixtureException e) when (e.Message.StartsWith(path + ": ", StringComparison.Ordinal))
    {
    }
    if (target != "case")
    {
        try
        {
            Npy.Read<double>(path, DType.Float64, shape);
        }
        catch (FixtureException e) when (e.Message.StartsWith(path + ": ", StringComparison.Ordinal))
        {
        }
    }
}

switch (args.Length > 1 ? args[1] : "afl")
{
    case "libfuzzer":
        Fuzzer.LibFuzzer.Run(span => One(span));
        break;
    case "replay":
        // Replays saved inputs (a crash from either fuzzer, or a corpus) without instrumentation.
        foreach (string file in args.Skip(2).SelectMany(a => Directory.Exists(a) ? Directory.GetFiles(a) : [a]))
        {
            Console.WriteLine(file);
            One(File.ReadAllBytes(file));
        }
        break;
    default:
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            One(copy.ToArray());
        });
        break;
}
