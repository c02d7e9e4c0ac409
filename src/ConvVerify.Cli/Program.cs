using ConvVerify.Cli;
using ConvVerify.Oracles;

try
{
    return Cli.Run(args, Console.Out, Console.Error);
}
finally
{
    TorchOracle.Shutdown();
}

