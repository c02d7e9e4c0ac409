using ConvVerify.Runs;
using Spectre.Console;

namespace ConvVerify.Cli;

/// <summary>A progress bar for long runs on a terminal; nothing at all when output is not a terminal (logs get the summary only).</summary>
internal static class Progress
{
    public static RunReport Run(IAnsiConsole console, string what, RunPlan plan)
    {
        if (!console.Profile.Capabilities.Interactive) return Runner.Run(plan);
        RunReport report = null!;
        console.Progress().Start(ctx =>
        {
            var task = ctx.AddTask(what, maxValue: Math.Max(1, plan.Cases.Count));
            report = Runner.Run(plan, (done, total) =>
            {
                task.MaxValue = Math.Max(1, total);
                task.Value = done;
            });
        });
        return report;
    }
}
