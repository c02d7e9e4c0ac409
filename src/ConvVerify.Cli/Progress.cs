using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary>A progress bar for long runs on a terminal; plain work otherwise.</summary>
internal static class Progress
{
    public static void Run(IAnsiConsole console, int count, string what, Action<int> step)
    {
        if (!console.Profile.Capabilities.Interactive || count < 20)
        {
            for (int i = 0; i < count; i++) step(i);
            return;
        }
        console.Progress().Start(ctx =>
        {
            var task = ctx.AddTask(what, maxValue: count);
            for (int i = 0; i < count; i++)
            {
                step(i);
                task.Increment(1);
            }
        });
    }
}
