using BenchmarkDotNet.Running;

namespace ConvVerify.Benchmarks;

/// <summary>Runs the benchmarks: <c>dotnet run -c Release --project tests/ConvVerify.Benchmarks -- --job short --filter '*'</c>.</summary>
public static class Program
{
    /// <summary>Entry point; arguments are BenchmarkDotNet's.</summary>
    public static int Main(string[] args)
    {
        try
        {
            // The environment's narrowing is read inside BenchmarkDotNet's reflection; a bad name is reported here, plainly.
            _ = EngineBenchmarks.LayerValues.Count() + EngineBenchmarks.PassValues.Count() + EngineBenchmarks.DTypeValues.Count();
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
