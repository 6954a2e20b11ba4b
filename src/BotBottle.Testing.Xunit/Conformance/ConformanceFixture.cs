using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Checks;
using BotBottle.Testing.Conformance.Reports;
using BotBottle.Testing.Conformance.Results;
using BotBottle.Testing.Conformance.Run;
using BotBottle.Testing.Conformance.Spec;
using Xunit;

namespace BotBottle.Testing.Xunit.Conformance;

/// <summary>
/// Runs a conformance spec once for a test class (<c>IClassFixture&lt;T&gt;</c>) and turns each check on
/// each backend into a test verdict: pass, fail with the check's message, fix and evidence, or skip with
/// the precise reason (backend missing here, a needed check failed). Override <see cref="Spec"/> and
/// <see cref="Configure"/> to choose the spec, the image and the backends; pair it with
/// <see cref="ConformanceCases.For"/> so each check is its own test case.
/// </summary>
public class ConformanceFixture : IAsyncLifetime
{
    private ConformanceReport? _report;

    /// <summary>The spec to run (default: the built-in bot-bottle contract).</summary>
    public virtual ConformanceSpec Spec => ConformanceSpec.BotBottle;

    /// <summary>The report, once the fixture ran.</summary>
    public ConformanceReport Report => _report ?? throw new InvalidOperationException("the fixture has not been initialised by xunit yet");

    /// <summary>Image, bundle and backends (default: the reference images on every backend).</summary>
    protected virtual ConformanceOptions Configure(ConformanceOptions options) => options;

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        var context = TestContext.Current;
        _report = await ConformanceRunner.RunAsync(Spec, Configure(new ConformanceOptions()), line => context.SendDiagnosticMessage("[conformance] " + line), cancellationToken: context.CancellationToken).ConfigureAwait(false);
        context.SendDiagnosticMessage("[conformance]\n" + new ParityMatrix(_report).ToText());
    }

    /// <summary>Passes, fails or skips the current test with the verdict of <paramref name="checkId"/> on <paramref name="backend"/>.</summary>
    public void AssertCheck(string backend, string checkId)
    {
        var result = Report[backend][checkId];
        TestContext.Current.TestOutputHelper?.WriteLine($"{result.CheckId} on {backend}: {result.Verdict}: {result.Message}\n{result.Evidence}");
        switch (result.Verdict)
        {
            case Verdict.Passed:
                return;
            case Verdict.Skipped:
                Assert.Skip(result.Message);
                return;
            default:
                Assert.Fail($"{result.Verdict}: {result.Explain()}\n{result.Evidence}".TrimEnd());
                return;
        }
    }

    /// <inheritdoc />
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
