using System.Text;
using System.Text.Json.Nodes;
using ConvVerify.Cases;
using ConvVerify.Convolution;
using ConvVerify.Oracles;
using ConvVerify.Problems;
using ConvVerify.Reports;
using ConvVerify.Runs;

namespace ConvVerify.Tests.Runs;

/// <summary>
/// An oracle that fails for a reason that is not the case's input (torch or ORT raising, a time limit passed, a library
/// missing) is said as an oracle failure in every report, not as unusable input; and an interrupt of the run's own thread
/// ends the run instead of becoming a case's error row.
/// </summary>
public class OracleFailureTests
{
    private static readonly ConvCase Small = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic2ih4oc2kh3"), Fill.Integer, 1);
    private static readonly ConvCase Other = ConvCase.Create(BenchdnnDescriptor.Parse("mb1ic1ih5oc1kh3"), Fill.Integer, 1);

    private static RunPlan Plan(IConvOracle oracle, params ConvCase[] cases) => new()
    {
        Command = "check",
        Cases = [.. cases.Select(c => new CaseEntry(c))],
        References = [new OracleSource(oracle)],
        Subject = new EngineSource(ConvEngines.Naive),
    };

    // What each kind of failure throws, as its oracle would; named for the test cases.
    private static Exception Thrown(string kind) => kind switch
    {
        "torch raised" => new TorchOracleException("torch failed on mb1ic2ih4oc2kh3: RuntimeError: could not create a primitive"),
        "torch time limit" => new TorchOracleException("torch did not return within 3 s from y, dx, dw of mb1ic2ih4oc2kh3; the call was abandoned on its thread"),
        "ort raised" => new OrtOracleException("ONNX Runtime failed on mb1ic2ih4oc2kh3: [ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION"),
        "oracle gone" => new OracleUnavailableException("torch: was shut down"),
        // What the live torch oracle throws when called after TorchOracle.Shutdown (an InvalidOperationException before,
        // read as unusable input). Made, not provoked: the suite's one Python interpreter must live until the suite ends.
        "torch shut down" => TorchOracle.ShutDown(),
        "library missing" => new TypeInitializationException("Microsoft.ML.OnnxRuntime.NativeMethods", new DllNotFoundException("libonnxruntime.so: cannot open shared object file")),
        "problem rejected" => new ArgumentException("p: kernel larger than the padded input"),
        "bug of a source" => new InvalidOperationException("source x returned null, not its results"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such kind"),
    };

    [TestCase("torch raised", ErrorCause.Oracle)]
    [TestCase("torch time limit", ErrorCause.Oracle)]
    [TestCase("ort raised", ErrorCause.Oracle)]
    [TestCase("oracle gone", ErrorCause.Oracle)]
    [TestCase("torch shut down", ErrorCause.Oracle)]
    [TestCase("library missing", ErrorCause.Oracle)]
    [TestCase("problem rejected", ErrorCause.Input)]
    [TestCase("bug of a source", ErrorCause.Input)]
    public void AnErrorRowSaysWhetherTheInputOrTheOracleFailed(string kind, ErrorCause cause)
    {
        var e = Thrown(kind);
        var report = Runner.Run(Plan(new ThrowingOracle("failing", _ => e), Small));
        var row = report.Rows.Single();
        Assert.That((row.Outcome, row.Cause, row.Reason), Is.EqualTo((Outcome.Error, (ErrorCause?)cause, e.Message)));
        // Exit 2 either way (README: the run is no verdict on the subject); only the words differ.
        Assert.That(report.ExitCode(), Is.EqualTo(RunReport.ExitBadInput));
        string expected = cause == ErrorCause.Oracle
            ? "1 direction could not be checked (oracle failure, not unusable input)"
            : "1 direction could not be checked (unusable input)";
        Assert.That(report.Reasons().ToList(), Is.EqualTo(new[] { expected }));
        Assert.That(report.SummaryLine().Contains(cause == ErrorCause.Oracle ? ", 1 error, an oracle failure (" : ", 1 error (", StringComparison.Ordinal), Is.True, report.SummaryLine());
    }

    [Test]
    public void ATorchOracleShutDownSaysItsInterpreterWasShutDown()
    {
        var e = TorchOracle.ShutDown();
        Assert.That(e.Message, Does.StartWith("torch not called: ").And.Contain("Python interpreter were shut down (TorchOracle.Shutdown)"));
    }

    [Test]
    public void ADisposedOrtOracleCalledByARunIsAnOracleFailureNotUnusableInput()
    {
        // The real oracle, not a fake: disposed, its refusal was an ObjectDisposedException, which the run read as the
        // case's input being unusable.
        var ort = new OrtOracle();
        ort.Dispose();
        var report = Runner.Run(Plan(ort, Small));
        var row = report.Rows.Single();
        Assert.That((row.Outcome, row.Cause), Is.EqualTo((Outcome.Error, (ErrorCause?)ErrorCause.Oracle)), row.Reason);
        Assert.That(row.Reason, Does.StartWith("ort not called for ").And.EndWith(": the oracle was disposed (OrtOracle.Dispose) and its sessions released"));
        Assert.That(report.Reasons().ToList(), Is.EqualTo(new[] { "1 direction could not be checked (oracle failure, not unusable input)" }));
    }

    [Test]
    public void InputAndOracleFailuresOfOneRunAreCountedApart()
    {
        // Two cases: the first's problem is refused, the second's torch call timed out.
        var oracle = new ThrowingOracle("failing", p => p == Small.Problem ? Thrown("problem rejected") : Thrown("torch time limit"));
        var report = Runner.Run(Plan(oracle, Small, Other, Other with { Id = Other.Id + "-again" }));
        Assert.That(report.Rows.Select(r => r.Cause), Is.EqualTo(new ErrorCause?[] { ErrorCause.Input, ErrorCause.Oracle, ErrorCause.Oracle }));
        Assert.That(report.Reasons().ToList(), Is.EqualTo(new[]
        {
            "1 direction could not be checked (unusable input)", "2 directions could not be checked (oracle failure, not unusable input)",
        }));
        Assert.That(report.SummaryLine().Contains(", 3 errors, 2 of them oracle failures (", StringComparison.Ordinal), Is.True, report.SummaryLine());
        // One bracket group, the run's: the oracle failures are part of the sentence, not a second afterthought.
        Assert.That(report.SummaryLine().Count(c => c == '('), Is.EqualTo(1), report.SummaryLine());
        var oneOfTwo = Runner.Run(Plan(oracle, Small, Other));
        Assert.That(oneOfTwo.SummaryLine().Contains(", 2 errors, 1 of them an oracle failure (", StringComparison.Ordinal), Is.True, oneOfTwo.SummaryLine());
    }

    [Test]
    public void AnInterruptOfTheRunsOwnThreadEndsTheRun()
    {
        int calls = 0;
        var oracle = new ThrowingOracle("interrupted", _ =>
        {
            calls++;
            // The run's own thread interrupted while it waits: the wait throws, as a Ctrl-C handler's Interrupt would make it.
            Thread.CurrentThread.Interrupt();
            Thread.Sleep(1);
            return new InvalidOperationException("not reached: the sleep throws");
        });
        try
        {
            Assert.That(() => Runner.Run(Plan(oracle, Small, Other)), Throws.TypeOf<ThreadInterruptedException>());
            Assert.That(calls, Is.EqualTo(1), "the second case never ran");
        }
        finally
        {
            // Nothing must stay pending for the next test on this thread.
            try
            {
                Thread.Sleep(0);
            }
            catch (ThreadInterruptedException)
            {
            }
        }
    }

    private static RunReport WithOracleFailure() => new()
    {
        Command = "check",
        ToleranceMode = "probabilistic",
        Subject = new SourceInfo { Name = "naive" },
        References = [new SourceInfo { Name = "torch", Layout = "channels-last" }],
        Rows =
        [
            Reports.TestRows.Row("a", "*", Outcome.Error, "torch did not return within 3 s") with { Cause = ErrorCause.Oracle },
            Reports.TestRows.Row("b", "*", Outcome.Error, "x.npy: truncated") with { Cause = ErrorCause.Input },
        ],
    };

    private static string TempFile(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), "convverify-cause-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    private static JsonObject Json(RunReport r) => JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(r, RunReport.JsonOptions))!.AsObject();

    // Reads a report's JSON as report merge does, from a file; the file is removed.
    private static RunReport Read(JsonObject json)
    {
        string path = TempFile(json.ToJsonString());
        try
        {
            return RunReport.Read(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void TheCauseAndTheLayoutAreWrittenAndReadBack()
    {
        var json = Json(WithOracleFailure());
        Assert.That(json["rows"]![0]!["cause"]!.GetValue<string>(), Is.EqualTo("oracle"));
        Assert.That(json["rows"]![1]!["cause"]!.GetValue<string>(), Is.EqualTo("input"));
        Assert.That(json["references"]![0]!["layout"]!.GetValue<string>(), Is.EqualTo("channels-last"));
        var read = Read(json);
        Assert.That(read.Rows.Select(r => r.Cause), Is.EqualTo(new ErrorCause?[] { ErrorCause.Oracle, ErrorCause.Input }));
        Assert.That(read.References.Single().Layout, Is.EqualTo("channels-last"));
        Assert.That(read.Summary.Reasons, Is.EqualTo(WithOracleFailure().Reasons().ToList()));
    }

    [Test]
    public void AReportFromBeforeTheCauseSaysUnusableInputAsItDid()
    {
        var json = Json(WithOracleFailure());
        foreach (var row in json["rows"]!.AsArray()) row!.AsObject().Remove("cause");
        json["references"]![0]!.AsObject().Remove("layout");
        // What the writer of then said of them, which the reader compares with what the rows give now.
        json["summary"]!["reasons"] = new JsonArray("2 directions could not be checked (unusable input)");
        var read = Read(json);
        Assert.That(read.Rows.Select(r => r.Cause), Is.All.Null);
        Assert.That(read.Reasons().ToList(), Is.EqualTo(new[] { "2 directions could not be checked (unusable input)" }));
        Assert.That(read.References.Single().Layout, Is.Null);
    }

    [TestCase("rows", 0, "cause", "7", "rows[0].cause on line 1: expected \"input\" or \"oracle\", got the number 7)")]
    [TestCase("rows", 0, "cause", "1", "rows[0].cause on line 1: expected \"input\" or \"oracle\", got the number 1)")]
    [TestCase("rows", 0, "cause", "0", "rows[0].cause on line 1: expected \"input\" or \"oracle\", got the number 0)")]
    [TestCase("rows", 0, "cause", "\"1\"", "rows[0].cause on line 1: unknown cause '1', expected \"input\" or \"oracle\")")]
    [TestCase("rows", 0, "cause", "\"Oracle\"", "rows[0].cause on line 1: unknown cause 'Oracle', expected \"input\" or \"oracle\")")]
    [TestCase("rows", 0, "cause", "\"oracle failure\"", "rows[0].cause on line 1: unknown cause 'oracle failure', expected \"input\" or \"oracle\")")]
    [TestCase("rows", 0, "cause", "true", "rows[0].cause on line 1: expected \"input\" or \"oracle\", got true)")]
    [TestCase("rows", 0, "cause", "[]", "rows[0].cause on line 1: expected \"input\" or \"oracle\", got a list)")]
    [TestCase("rows", 0, "outcome", "\"pass\"", "rows[0].cause is given on a \"pass\" row: only ERROR rows have one")]
    [TestCase("", 0, "tolerance", "\"bogus\"", "tolerance is \"bogus\", expected \"probabilistic\" or \"sound\" (check's --tolerance) or none")]
    [TestCase("references", 0, "layout", "\"sideways\"", "references[0].layout is \"sideways\", expected \"channels-last\" or none (NCHW)")]
    [TestCase("references", 0, "layout", "\"nchw\"", "references[0].layout is \"nchw\", expected \"channels-last\" or none (NCHW)")]
    public void ACauseOrLayoutNoWriterWritesIsRefusedByItsPath(string list, int index, string field, string value, string why)
    {
        var json = Json(WithOracleFailure());
        if (list.Length == 0) json[field] = JsonNode.Parse(value);
        else json[list]![index]![field] = JsonNode.Parse(value);
        if (field == "outcome") json.Remove("summary");
        // A number or name the reader took (0 and 1 were read as the enum's values) is refused as any other value no
        // writer writes, naming it and the two it may be, and where System.Text.Json says (its position ends the message).
        string message = Assert.Throws<InvalidDataException>(() => Read(json))!.Message;
        Assert.That(message.Contains($".json: not a ConvVerify report ({why}", StringComparison.Ordinal), Is.True, message);
        Assert.That(message, Does.EndWith(")"));
    }

    [TestCase("requirement", "1", "requirement on line 1: expected \"All\" or \"Any\", got the number 1)")]
    [TestCase("requirement", "\"all\"", "requirement on line 1: unknown requirement 'all', expected \"All\" or \"Any\")")]
    [TestCase("requirement", "\"\\u001b\"", "requirement on line 1: unknown requirement '\\u001b', expected \"All\" or \"Any\")")]
    [TestCase("tolerance", "\"Sound\"", "rows[0].tolerance on line 1: unknown tolerance 'Sound', expected \"ExactValues\" or \"SoundBound\" or \"Probabilistic\" or \"Bitwise\")")]
    [TestCase("tolerance", "2", "rows[0].tolerance on line 1: expected \"ExactValues\" or \"SoundBound\" or \"Probabilistic\" or \"Bitwise\", got the number 2)")]
    public void ARequirementOrToleranceNoWriterWritesIsRefusedNamingItAndWhatItMayBe(string field, string value, string why)
    {
        // System.Text.Json's enum converter read 1 as Any and "all" as All, and said of other names only that they "could
        // not be converted to ConvVerify.Runs.Requirement".
        var json = Json(WithOracleFailure());
        if (field == "requirement") json[field] = JsonNode.Parse(value);
        else json["rows"]![0]![field] = JsonNode.Parse(value);
        string message = Assert.Throws<InvalidDataException>(() => Read(json))!.Message;
        Assert.That(message.Contains($".json: not a ConvVerify report ({why}", StringComparison.Ordinal), Is.True, message);
    }

    [Test]
    public void JUnitHtmlAndTheConsoleSayTheOracleFailed()
    {
        var report = WithOracleFailure();
        var errors = JUnitWriter.ToXml(report).Descendants("error").Select(e => (string?)e.Attribute("type")).ToList();
        Assert.That(errors, Is.EqualTo(new[] { "exit code 2", "oracle failure", "unusable input" }), "the run's verdict, then the rows");
        string dir = Path.Combine(Path.GetTempPath(), "convverify-cause-html-" + Guid.NewGuid().ToString("N"));
        try
        {
            HtmlReport.Write(report, dir);
            string page = File.ReadAllText(Path.Combine(dir, "index.html"));
            Assert.That(page.Contains("<h2 class=\"ERROR\">ERROR (oracle failure) a *</h2>", StringComparison.Ordinal), Is.True, page);
            Assert.That(page.Contains("<h2 class=\"ERROR\">ERROR b *</h2>", StringComparison.Ordinal), Is.True, page);
            Assert.That(page.Contains("<td class=\"ERROR\">ERROR (oracle failure)</td>", StringComparison.Ordinal), Is.True, page);
            Assert.That(page.Contains("<li>against: <b>torch</b> in channels-last</li>", StringComparison.Ordinal), Is.True, page);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
