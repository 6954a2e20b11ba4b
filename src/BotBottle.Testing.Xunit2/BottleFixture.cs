using BotBottle.Testing.Bottles;
using BotBottle.Testing.Docker;
using BotBottle.Testing.Probes;
using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.Sessions;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace BotBottle.Testing.Xunit2;

/// <summary>
/// The xunit v2 bottle fixture: the same <see cref="BottleSession"/> as the v3 package's fixture.
/// Use it with <c>IClassFixture&lt;T&gt;</c> or <c>ICollectionFixture&lt;T&gt;</c>; tests touching
/// <see cref="Bottle"/> must be <c>[SkippableFact]</c>/<c>[SkippableTheory]</c> so an unavailable
/// backend skips (or, under BOTBOTTLE_REQUIRE, fails) with its precise reason.
/// </summary>
public class BottleFixture : IAsyncLifetime
{
    private readonly IMessageSink? _diagnostics;
    private BottleSession? _session;

    /// <summary>Creates the fixture; lifecycle lines go nowhere.</summary>
    public BottleFixture()
    {
    }

    /// <summary>Creates the fixture; lifecycle lines go to xunit's diagnostic messages.</summary>
    public BottleFixture(IMessageSink diagnostics) => _diagnostics = diagnostics;

    /// <summary>The session behind the fixture.</summary>
    public BottleSession Session => _session ?? throw new InvalidOperationException("the fixture has not been initialised by xunit yet");

    /// <summary>The bottle; skips or fails the calling test when it is unavailable.</summary>
    public IBottle Bottle => Session.RequireBottle(BottleGate.Skip);

    /// <summary>The isolation catalogue (the fixture must be configured <c>WithProbeRange</c>).</summary>
    public IReadOnlyList<IsolationCheck> IsolationChecks => Session.RequireIsolationChecks(BottleGate.Skip);

    /// <summary>How long the launch may take (xunit v2 has no run-wide cancellation token).</summary>
    protected virtual TimeSpan LaunchTimeout => TimeSpan.FromMinutes(5);

    /// <summary>The whole catalogue, run once in one battery and shared.</summary>
    public Task<IsolationReport> IsolationReportAsync()
    {
        Session.RequireBottle(BottleGate.Skip);
        return Session.IsolationReportAsync(CancellationToken.None);
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(LaunchTimeout);
        _session = await BottleSession.StartAsync(Configure(new BottleSessionOptions()), Log, cancellationToken: timeout.Token).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Chooses what to start; the default is the reference bottle on docker.</summary>
    protected virtual BottleSessionOptions Configure(BottleSessionOptions options) => options;

    private void Log(string line) => _diagnostics?.OnMessage(new DiagnosticMessage($"[botbottle] {GetType().Name}: {line}"));
}

/// <summary>The reference bottle on the docker backend.</summary>
public class DockerBottleFixture : BottleFixture
{
    /// <summary>Creates the fixture.</summary>
    public DockerBottleFixture(IMessageSink diagnostics)
        : base(diagnostics)
    {
    }

    /// <inheritdoc />
    protected override BottleSessionOptions Configure(BottleSessionOptions options) => base.Configure(options) with { Bottle = options.Bottle.WithBackend(new DockerBackend()) };
}

/// <summary>The reference bottle on the smolmachines backend.</summary>
public class SmolmachinesBottleFixture : BottleFixture
{
    /// <summary>Creates the fixture.</summary>
    public SmolmachinesBottleFixture(IMessageSink diagnostics)
        : base(diagnostics)
    {
    }

    /// <inheritdoc />
    protected override BottleSessionOptions Configure(BottleSessionOptions options) => base.Configure(options) with { Bottle = options.Bottle.WithBackend(new SmolmachinesBackend()) };
}
