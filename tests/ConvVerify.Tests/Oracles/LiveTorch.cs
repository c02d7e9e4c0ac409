using ConvVerify.Oracles;

namespace ConvVerify.Tests.Oracles;

/// <summary>Gate for tests that need live PyTorch.</summary>
public static class LiveTorch
{
    /// <summary>Set to 1 (as CI with torch does) to turn a missing PyTorch into a failure instead of an ignored test.</summary>
    public const string RequireVariable = "CONVVERIFY_REQUIRE_TORCH";

    /// <summary>Whether <see cref="RequireVariable"/> is set to 1.</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>The oracle; otherwise ignores the test with the reason, or fails it when <see cref="RequireVariable"/>=1.</summary>
    public static TorchOracle Require()
    {
        var availability = TorchOracle.Probe();
        if (!availability.Available)
        {
            string reason = "live PyTorch unavailable: " + availability.Reason;
            if (Required) Assert.Fail($"{reason} ({RequireVariable}=1)");
            else Assert.Ignore(reason);
        }
        return TorchOracle.Get();
    }
}
