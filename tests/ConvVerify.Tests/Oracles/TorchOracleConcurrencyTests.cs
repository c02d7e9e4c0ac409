using ConvVerify.Problems;

namespace ConvVerify.Tests.Oracles;

/// <summary>Many threads calling the oracle at once must neither deadlock on the GIL nor mix up tensors.</summary>
public class TorchOracleConcurrencyTests
{
    [Test]
    public void SixteenConcurrentCasesFinishAndMatch()
    {
        LiveTorch.Require();
        var problems = Enumerable.Range(0, 16).Select(i => BenchdnnDescriptor.Parse(
            $"mb{1 + i % 2}ic{2 + i % 3}ih{5 + i % 4}oc{3 + i % 5}kh{1 + i % 3}ph{i % 2}", i % 3 == 0 ? DType.Float64 : DType.Float32)).ToArray();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var run = Task.Run(() => Parallel.For(0, problems.Length, new ParallelOptions { MaxDegreeOfParallelism = problems.Length }, i =>
        {
            try
            {
                if (problems[i].DType == DType.Float32) TorchOracleTests.Check<float>(problems[i]);
                else TorchOracleTests.Check<double>(problems[i]);
            }
            catch (Exception e)
            {
                errors.Enqueue($"{problems[i]}: {e.Message}");
            }
        }));
        // A generous limit: the point is to turn a deadlock into a failure, not to time anything.
        using var cts = new CancellationTokenSource();
        cts.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            run.Wait(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("16 concurrent live cases did not finish within 2 minutes: deadlock");
        }
        Assert.That(errors, Is.Empty);
    }
}
