using ConvVerify.Runs;

namespace ConvVerify.Tests.Reports;

/// <summary>Report rows for tests: the naive engine against torch on one small float32 problem, the rest as given.</summary>
internal static class TestRows
{
    public static RunRow Row(string id, string direction, Outcome outcome, string reason = "", string fill = "integer", double seconds = 0,
        double? ratio = null, double? maxAbs = null, ErrorMap? map = null) => new()
    {
        Case = id, Descriptor = "mb1ic3ih5oc16oh3kh3", DType = "f32", Fill = fill, Direction = direction, Reference = "torch",
        Subject = "naive", Outcome = outcome, Reason = reason, Seconds = seconds, Ratio = ratio, MaxAbsError = maxAbs, Map = map,
    };
}
