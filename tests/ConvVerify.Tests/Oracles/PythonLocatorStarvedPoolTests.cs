using System.Runtime.CompilerServices;
using ConvVerify.Oracles;

namespace ConvVerify.Tests.Oracles;

/// <summary>
/// The locator in a process whose thread pool has no thread free, as in a busy test run or an application searching
/// from one of its own pool threads: a probe's answer must still be read before the timeout. Alone in the run: it holds
/// every pool thread.
/// </summary>
[NonParallelizable]
public class PythonLocatorStarvedPoolTests
{
    [Test]
    public void AnAnswerIsReadWhileEveryPoolThreadIsBusy()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("fake interpreters are POSIX shell scripts");
        string dir = Directory.CreateTempSubdirectory("convverify-locator-starved-").FullName;
        string works = Path.Combine(dir, "works");
        ShellScripts.Write(works, """echo 'CONVVERIFY-PROBE {"executable": "/fake/bin/python3.99", "prefix": "/fake", "version": "3.99.0", "torch": "9.9", "numpy": "8.8", "libpython": "/fake/lib/libpython3.99.so"}'""");
        ThreadPool.GetMinThreads(out int minWorkers, out int minIo);
        ThreadPool.GetMaxThreads(out int maxWorkers, out int maxIo);
        // As many pool threads as there are now (some may be held by the test host's own work), and as many items that
        // wait: once they have started, or wait behind the host's, no pool thread is free. Not disposed: an item still
        // queued when the test ends runs after it.
        int cap = Math.Max(Environment.ProcessorCount, ThreadPool.ThreadCount);
        var release = new ManualResetEventSlim();
        try
        {
            Assert.That(ThreadPool.SetMaxThreads(cap, maxIo) && ThreadPool.SetMinThreads(cap, minIo), Is.True, $"could not hold the pool at {cap} threads");
            for (int i = 0; i < cap; i++)
                ThreadPool.UnsafeQueueUserWorkItem(_ => release.Wait(), null);
            Assert.That(Starved(), Is.True, "a pool thread was still free after 10 s");
            var location = new PythonLocator(_ => null, [works], TimeSpan.FromSeconds(2)).Locate();
            Assert.That(location.Attempts, Is.EqualTo(new[] { $"{works}: torch 9.9, numpy 8.8, /fake/lib/libpython3.99.so" }));
        }
        finally
        {
            release.Set();
            ThreadPool.SetMinThreads(minWorkers, minIo);
            ThreadPool.SetMaxThreads(maxWorkers, maxIo);
            Directory.Delete(dir, recursive: true);
        }
    }

    // Whether an item queued to the pool stays unrun for 0.3 s, tried until the waiting items hold every thread.
    private static bool Starved()
    {
        for (int attempt = 0; attempt < 33; attempt++)
        {
            var flag = new StrongBox<bool>();
            ThreadPool.UnsafeQueueUserWorkItem(f => f.Value = true, flag, preferLocal: false);
            Thread.Sleep(300);
            if (!Volatile.Read(ref flag.Value)) return true;
        }
        return false;
    }
}
