using System.Collections.Concurrent;
using Xunit.Runner.Common;
using Xunit.Sdk;
using Xunit.v3;

namespace BotBottle.Testing.Tests.Xunit;

/// <summary>Runs given test classes in-process through xunit.v3's own framework and collects the results.</summary>
public static class InProcessRunner
{
    public static async Task<IReadOnlyList<RunResult>> RunAsync(params Type[] classes)
    {
        var assembly = classes[0].Assembly;
        var framework = new XunitTestFramework();
        var cases = new List<ITestCase>();
        await framework.GetDiscoverer(assembly).Find(
            testCase =>
            {
                cases.Add(testCase);
                return new ValueTask<bool>(true);
            },
            TestFrameworkOptions.ForDiscovery(new TestAssemblyConfiguration()),
            classes,
            TestContext.Current.CancellationToken);

        var sink = new Sink();
        await framework.GetExecutor(assembly).RunTestCases(cases, sink, TestFrameworkOptions.ForExecution(new TestAssemblyConfiguration()), TestContext.Current.CancellationToken);
        return cases.Select(c => sink.ResultOf(c)).ToList();
    }

    public sealed record RunResult(string Class, string Method, string Outcome, string Message, IReadOnlyDictionary<string, IReadOnlyCollection<string>> Traits, IReadOnlyDictionary<string, TestAttachment> Attachments, string Output);

    private sealed class Sink : IMessageSink
    {
        private readonly ConcurrentDictionary<string, (string Outcome, string Message)> _outcomes = new();
        private readonly ConcurrentDictionary<string, (IReadOnlyDictionary<string, TestAttachment> Attachments, string Output)> _finished = new();
        private readonly ConcurrentDictionary<string, string> _testCaseOfTest = new();

        public bool OnMessage(IMessageSinkMessage message)
        {
            switch (message)
            {
                case ITestStarting starting:
                    _testCaseOfTest[starting.TestUniqueID] = starting.TestCaseUniqueID;
                    break;
                case ITestPassed passed:
                    _outcomes[passed.TestCaseUniqueID] = ("Passed", "");
                    break;
                case ITestSkipped skipped:
                    _outcomes[skipped.TestCaseUniqueID] = ("Skipped", skipped.Reason);
                    break;
                case ITestFailed failed:
                    _outcomes[failed.TestCaseUniqueID] = ("Failed", string.Join(" | ", failed.ExceptionTypes.Zip(failed.Messages, (t, m) => $"{t}: {m}")));
                    break;
                case ITestFinished finished:
                    _finished[finished.TestCaseUniqueID] = (finished.Attachments, finished.Output);
                    break;
            }

            return true;
        }

        public RunResult ResultOf(ITestCase testCase)
        {
            var (outcome, message) = _outcomes.TryGetValue(testCase.UniqueID, out var o) ? o : ("NotRun", "");
            var (attachments, output) = _finished.TryGetValue(testCase.UniqueID, out var f) ? f : (new Dictionary<string, TestAttachment>(), "");
            return new RunResult(testCase.TestClassName ?? "", testCase.TestMethodName ?? "", outcome, message, testCase.Traits, attachments, output);
        }
    }
}
