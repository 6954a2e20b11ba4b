using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Guest;
using BotBottle.Testing.Provisioning;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Launch;

/// <summary>
/// A way to run bottles: <c>DockerBackend</c> (agent container) or <c>SmolmachinesBackend</c> (agent microVM).
/// Configure one with its options and a logger and hand it to <see cref="BottleBuilder.WithBackend"/> or a fixture.
/// The launch sequence itself is the harness's, the same for every backend; a backend only supplies its agent.
/// </summary>
/// <example>
/// <code>
/// var backend = new DockerBackend(new DockerBackendOptions(), logger);
/// var report = await backend.CheckPrerequisitesAsync(ct);   // report.Reason says what is missing
/// </code>
/// </example>
public abstract class BottleBackend
{
    private protected BottleBackend(ILogger logger) => Logger = Diagnostics.MaskingLogger.Wrap(logger);

    /// <summary>The backend's name: "docker" or "smolmachines".</summary>
    public abstract string Name { get; }

    /// <summary>Checks what this backend needs on this machine; every missing piece is named.</summary>
    public abstract Task<PrerequisiteReport> CheckPrerequisitesAsync(CancellationToken cancellationToken = default);

    internal ILogger Logger { get; }

    /// <summary>The docker engine the backend runs its bundles on (null: the discovered default), where a session's probe range goes too.</summary>
    internal abstract Uri? EngineEndpoint { get; }

    /// <summary>How reports name this backend's column: "docker (Engine 20.10.24, API 1.41)", "smolmachines (emulated smolvm 1.9.3)".</summary>
    internal abstract Task<string> DescribeAsync(CancellationToken cancellationToken);

    /// <summary>Everything a launch needs from the backend, checked and made ready once per launch (engine, tool versions, images).</summary>
    internal abstract Task<AgentLauncher> PrepareAsync(BottleSpec spec, CancellationToken cancellationToken);

    /// <summary>Launches a bottle from a spec (what <see cref="BottleBuilder"/> builds); everything created is torn down on failure.</summary>
    internal async Task<IBottle> LaunchAsync(BottleSpec spec, CancellationToken cancellationToken = default)
    {
        var bottle = new Bottle(this, spec);
        await bottle.StartAsync(cancellationToken).ConfigureAwait(false);
        return bottle;
    }
}

/// <summary>One launch's agent side, from <see cref="BottleBackend.PrepareAsync"/>.</summary>
internal abstract class AgentLauncher
{
    /// <summary>How the backend is named in reports for this launch ("docker", "smolmachines (emulated smolvm 1.9.3)").</summary>
    public abstract string BackendLabel { get; }

    /// <summary>Where the bundle runs.</summary>
    public abstract BundleHost Bundles { get; }

    /// <summary>The kind of network the bundle gets.</summary>
    public abstract BundleNetworkKind NetworkKind { get; }

    /// <summary>What the agent's creation waits for: nothing, the bundle's address, or the bundle ready.</summary>
    public abstract AgentDependency AgentNeeds { get; }

    /// <summary>Where the agent reaches the proxy of <paramref name="bundle"/>.</summary>
    public virtual BundleEndpoint AgentEndpoint(BundleEndpoint bundle) => bundle;

    /// <summary>How a person removes a kept bottle's resources by hand (see <see cref="BottleBuilder.WithKeepOnFailure"/>).</summary>
    public virtual string RemoveByHand(string bottleName) =>
        $"docker rm -f -v $(docker ps -aq --filter label=dev.botbottle.bottle={bottleName}); docker network rm $(docker network ls -q --filter label=dev.botbottle.bottle={bottleName})";

    /// <summary>
    /// Starts the launch's wire witness on <paramref name="network"/> as soon as it exists, beside the bundle; the agent is
    /// started only once it captures. <paramref name="bundle"/> completes with the bundle created. Null: the backend has none.
    /// </summary>
    public virtual Task<Witness.WireWitness?> StartWitnessAsync(string bottleName, BottleSpec spec, BottleNetwork network, Task<RunningBundle> bundle, TeardownStack teardown, CancellationToken cancellationToken) =>
        Task.FromResult<Witness.WireWitness?>(null);

    /// <summary>
    /// Starts the reaper of this session's resources before the launch creates any (the bundle's engine; a backend adds
    /// its own agents'), unless the user turned reaping off (<c>TESTCONTAINERS_RYUK_DISABLED</c>).
    /// </summary>
    public virtual Task StartReaperAsync(ILogger logger) => Reaping.ReaperStart.WatchDockerAsync(Bundles.Engine, logger);

    /// <summary>Creates the agent (not started). <paramref name="bundle"/> is null when <see cref="AgentNeeds"/> is <see cref="AgentDependency.Nothing"/>.</summary>
    public abstract Task<LaunchedAgent> CreateAgentAsync(string bottleName, BottleSpec spec, string network, RunningBundle? bundle, TeardownStack teardown, CancellationToken cancellationToken);
}

/// <summary>A created agent: its runtime, and the steps that bring it up.</summary>
internal abstract class LaunchedAgent
{
    public abstract IAgentRuntime Runtime { get; }

    /// <summary>Starts the agent.</summary>
    public abstract Task StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Waits until the agent answers an exec (the steps after this one exec in it). Returns the agent user's uid and gid
    /// when the agent reported its home owned as it came up (the next step then needs no exec), else null.
    /// </summary>
    public abstract Task<(int Uid, int Gid)?> WaitForExecAsync(CancellationToken cancellationToken);

    /// <summary>The pause before the single retry of an exec killed with 137.</summary>
    public abstract TimeSpan RetrySettle { get; }

    /// <summary>The wire witness the agent's own launch set up (smolmachines: its host relay), for a backend whose <see cref="AgentLauncher.StartWitnessAsync"/> has none.</summary>
    public virtual Witness.WireWitness? Witness => null;

    /// <summary>The agent's security settings as its backend reports them once it has started (null where it reports none).</summary>
    public virtual string? Security { get; protected set; }

    /// <summary>Places the launch's files (prompt, skills), before any agent code has run: one upload, unless the backend has a cheaper way.</summary>
    public virtual Task ProvisionAsync(IReadOnlyList<GuestFile> files, CancellationToken cancellationToken) => Runtime.UploadAsync(files, cancellationToken);

    /// <summary>The agent's home created and owned by the agent user (one exec, unless the backend did it as the agent started); its uid and gid.</summary>
    /// <remarks><paramref name="reported"/> is what <see cref="WaitForExecAsync"/> returned: when there is one, the home is already owned.</remarks>
    public virtual Task<(int Uid, int Gid)> OwnHomeAsync(BottleSpec spec, (int Uid, int Gid)? reported, CancellationToken cancellationToken) =>
        reported is { } owner ? Task.FromResult(owner) : BottleProvisioner.OwnHomeAsync(Runtime, RetrySettle, spec, cancellationToken);
}
