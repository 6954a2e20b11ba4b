using Xunit;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Probes;
using BotBottle.Testing.Sessions;

namespace BotBottle.Testing.Xunit;

/// <summary>
/// A bottle shared by the tests of a class (<c>IClassFixture&lt;T&gt;</c>), a collection
/// (<c>ICollectionFixture&lt;T&gt;</c>) or the assembly (<c>[assembly: AssemblyFixture(typeof(T))]</c>).
/// Subclass it and override <see cref="Configure"/> to choose backend, images, env, range and
/// neighbour. The launch happens once; every test touching <see cref="Bottle"/> then either gets it,
/// is skipped with the backend's precise reason, or fails with the launch's real cause.
/// </summary>
public class BottleFixture : IAsyncLifetime
{
    private BottleSession? _session;

    /// <summary>The session behind the fixture (gate, range, neighbour, logs).</summary>
    public BottleSession Session => _session ?? throw new InvalidOperationException("the fixture has not been initialised by xunit yet");

    /// <summary>The bottle; skips or fails the calling test when it is unavailable (see <see cref="BottleSession.Gate"/>).</summary>
    public IBottle Bottle => Session.RequireBottle(Assert.Skip);

    /// <summary>The isolation catalogue for the bottle (the fixture must be configured <c>WithProbeRange</c>).</summary>
    public IReadOnlyList<IsolationCheck> IsolationChecks => Session.RequireIsolationChecks(Assert.Skip);

    /// <summary>The whole catalogue, run once in one battery and shared by every test that asks.</summary>
    public Task<ProbeReport> IsolationReportAsync()
    {
        Session.RequireBottle(Assert.Skip);
        return Session.IsolationReportAsync(TestContext.Current.CancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        var options = Configure(new BottleSessionOptions());
        _session = await BottleSession.StartAsync(options, Log, cancellationToken: TestContext.Current.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>Attaches the bottle's and bundle's logs to the current test (call it when a test fails; <see cref="BottleTestClass{TFixture}"/> does).</summary>
    public async Task AttachLogsAsync()
    {
        if (_session is null)
        {
            return;
        }

        var logs = await _session.CollectLogsAsync(TestContext.Current.CancellationToken).ConfigureAwait(false);
        if (logs.Length > 0)
        {
            TestContext.Current.AddAttachment("bottle-logs", logs, replaceExistingValue: true);
            TestContext.Current.TestOutputHelper?.WriteLine(logs);
        }
    }

    /// <inheritdoc />
    public virtual async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Chooses what to start; the default is the reference bottle on docker.</summary>
    protected virtual BottleSessionOptions Configure(BottleSessionOptions options) => options;

    private void Log(string line)
    {
        var text = $"[botbottle] {GetType().Name}: {line}";
        TestContext.Current.SendDiagnosticMessage(text);
        TestContext.Current.TestOutputHelper?.WriteLine(text);
    }
}
