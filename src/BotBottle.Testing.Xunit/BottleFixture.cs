using Xunit;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Probes;
using BotBottle.Testing.Sessions;
using Microsoft.Extensions.Logging;

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
    private readonly List<string> _launchLog = [];
    private BottleSession? _session;

    /// <summary>Creates the fixture and its <see cref="Logger"/>.</summary>
    public BottleFixture() => Logger = new TestOutputLogger(Log);

    /// <summary>
    /// Writes into the running test's output (under <c>dotnet test</c>, the test's own output), or, while the fixture
    /// launches and no test runs, into <see cref="LaunchLog"/>. Give it to the backend you configure:
    /// <c>new DockerBackend(logger: Logger)</c> (the built-in fixtures do).
    /// </summary>
    protected ILogger Logger { get; }

    /// <summary>The lines written while no test ran (the launch and its timings); each test of a <see cref="BottleTestClass{TFixture}"/> starts its output with them.</summary>
    public IReadOnlyList<string> LaunchLog
    {
        get
        {
            lock (_launchLog)
            {
                return [.. _launchLog];
            }
        }
    }

    /// <summary>The session behind the fixture (gate, range, neighbour, logs).</summary>
    public BottleSession Session => _session ?? throw new InvalidOperationException("the fixture has not been initialised by xunit yet");

    /// <summary>The bottle; skips or fails the calling test when it is unavailable (see <see cref="BottleSession.Gate"/>).</summary>
    public IBottle Bottle => Session.RequireBottle(Assert.Skip);

    /// <summary>The isolation catalogue for the bottle (the fixture must be configured <c>WithProbeRange</c>).</summary>
    public IReadOnlyList<IsolationCheck> IsolationChecks => Session.RequireIsolationChecks(Assert.Skip);

    /// <summary>The whole catalogue, run once in one battery and shared by every test that asks.</summary>
    public Task<IsolationReport> IsolationReportAsync()
    {
        Session.RequireBottle(Assert.Skip);
        return Session.IsolationReportAsync(TestContext.Current.CancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        var options = Configure(new BottleSessionOptions());
        _session = await BottleSession.StartAsync(options, Log, Logger, TestContext.Current.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Attaches the bottle's and bundle's logs to the current test (call it when a test fails; <see cref="BottleTestClass{TFixture}"/>
    /// does): <c>bottle-logs</c> (the agent's and the bundle's console, then the bundle's log files), and each of the
    /// bundle's log files alone: <c>bundle-proxy-log</c> (allowed and denied requests), <c>bundle-dns-log</c> (every
    /// query), <c>bundle-egress-log</c>.
    /// </summary>
    public async Task AttachLogsAsync()
    {
        if (_session is null)
        {
            return;
        }

        var cancellationToken = TestContext.Current.CancellationToken;
        var logs = await _session.CollectLogsAsync(cancellationToken).ConfigureAwait(false);
        if (logs.Length > 0)
        {
            TestContext.Current.AddAttachment("bottle-logs", logs, replaceExistingValue: true);
            TestContext.Current.TestOutputHelper?.WriteLine(logs);
        }

        foreach (var (name, content) in await _session.CollectBundleLogFilesAsync(cancellationToken).ConfigureAwait(false))
        {
            TestContext.Current.AddAttachment("bundle-" + Path.GetFileNameWithoutExtension(name) + "-log", content, replaceExistingValue: true);
        }
    }

    /// <summary>Writes <see cref="LaunchLog"/> to the running test's output, headed (<see cref="BottleTestClass{TFixture}"/> does at each test's start).</summary>
    public void WriteLaunchLog()
    {
        if (TestContext.Current.TestOutputHelper is not { } output)
        {
            return;
        }

        foreach (var line in LaunchLog)
        {
            output.WriteLine(line);
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
        if (TestContext.Current.Test is not null && TestContext.Current.TestOutputHelper is { } output)
        {
            output.WriteLine(text);
            return;
        }

        lock (_launchLog)
        {
            _launchLog.Add(text);
        }
    }
}
