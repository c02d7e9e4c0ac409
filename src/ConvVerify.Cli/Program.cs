using ConvVerify.Cli;
using ConvVerify.Oracles;

try
{
    return Cli.Run(args, Console.Out, Console.Error);
}
finally
{
    TorchOracleShutdown.Run();
}

// Until the live oracle lands: nothing to shut down.
internal static class TorchOracleShutdown
{
    public static void Run() { }
}
