using BenchmarkDotNet.Running;

namespace ConvVerify.Benchmarks;

/// <summary>Runs the benchmarks: <c>dotnet run -c Release --project tests/ConvVerify.Benchmarks -- --job short --filter '*'</c>.</summary>
public static class Program
{
    /// <summary>Entry point; arguments are BenchmarkDotNet's.</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
