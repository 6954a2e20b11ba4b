using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Guest;
using BotBottle.Testing.Provisioning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Launch;

/// <summary>
/// A way to run bottles: <c>DockerBackend</c> (agent container), <c>SmolmachinesBackend</c> (agent microVM), or one of
/// your own. Configure one with its options and a logger and hand it to <see cref="BottleBuilder.WithBackend"/> or a fixture.
/// The launch sequence itself is the harness's, the same for every backend (bottle network, bundle, the agent beside
/// it, the agent's home, provisioning, teardown in reverse order); a backend only supplies its agent.
/// </summary>
/// <remarks>
/// To add a backend, derive from this class in your own assembly and override <see cref="Name"/>,
/// <see cref="CheckPrerequisitesAsync"/> (what is missing is the skip reason) and <see cref="LaunchAgentAsync"/>:
/// start the agent on <see cref="AgentLaunchContext.Network"/> beside the bundle, register its removal with
/// <see cref="AgentLaunchContext.OnTeardown"/>, and return its <see cref="IAgentRuntime"/> (exec as root, upload, the
/// interactive host command, logs). The harness builds the user switch, the guest env and copy-in on top of it. The
/// bundle runs on the docker engine at <see cref="AgentLaunchContext.DockerEndpoint"/>.
/// </remarks>
/// <example>
/// <code>
/// var backend = new DockerBackend(new DockerBackendOptions(), logger);
/// var report = await backend.CheckPrerequisitesAsync(ct);   // report.Reason says what is missing
/// var named = new DockerBackend(new DockerBackendOptions { Endpoint = new Uri("ssh://ci@build-2") }) { Label = "docker on build-2" };
/// </code>
/// </example>
public abstract class BottleBackend
{
    /// <summary>Creates the backend; <paramref name="logger"/> receives its log, secret values masked.</summary>
    protected BottleBackend(ILogger? logger = null) => Logger = Diagnostics.MaskingLogger.Wrap(logger ?? NullLogger.Instance);

    /// <summary>The backend's kind, the name a user picks it by (<c>--backend</c>, <c>BOTBOTTLE_REQUIRE</c>, test traits): "docker", "smolmachines".</summary>
    public abstract string Name { get; }

    /// <summary>
    /// How reports, JUnit suites and the parity matrix name this backend, when set: two backends of one kind (two docker
    /// engines) need labels of their own. Null: <see cref="DescribeAsync"/>'s description.
    /// </summary>
    public string? Label { get; init; }

    /// <summary>Checks what this backend needs on this machine; every missing piece is named (a fixture skips with it as the reason).</summary>
    public abstract Task<PrerequisiteReport> CheckPrerequisitesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The backend as reports name it where it has no <see cref="Label"/>, once its prerequisites are met: "docker (Engine
    /// 20.10.24, API 1.41)", "smolmachines (emulated smolvm 1.9.3)". By default its <see cref="Name"/>.
    /// </summary>
    public virtual Task<string> DescribeAsync(CancellationToken cancellationToken = default) => Task.FromResult(Name);

    /// <summary>
    /// Launches the agent of one bottle beside its bundle, which is already on <see cref="AgentLaunchContext.Network"/> at
    /// <see cref="AgentLaunchContext.Bundle"/>: root must be able to exec in it once this returns. Register the
    /// undo of everything it creates with <see cref="AgentLaunchContext.OnTeardown"/> as soon as it exists (a failed or
    /// cancelled launch unwinds it too). The built-in backends launch their agents their own way and do not call it.
    /// </summary>
    /// <param name="context">The bottle's name, image, network, bundle and resource labels.</param>
    /// <param name="cancellationToken">Cancels the launch (what was registered is still torn down).</param>
    protected virtual Task<IAgentRuntime> LaunchAgentAsync(AgentLaunchContext context, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"the {Name} backend does not override {nameof(LaunchAgentAsync)}, so it cannot launch an agent");

    /// <summary>The launch's call of <see cref="LaunchAgentAsync"/>.</summary>
    internal Task<IAgentRuntime> LaunchForeignAgentAsync(AgentLaunchContext context, CancellationToken cancellationToken) =>
        LaunchAgentAsync(context, cancellationToken);

    internal ILogger Logger { get; }

    /// <summary>The docker engine the backend runs its bundles on (null: the discovered default), where a session's probe range goes too.</summary>
    internal virtual Uri? EngineEndpoint => null;

    /// <summary>The name reports give this backend: its <see cref="Label"/>, else its description.</summary>
    internal async Task<string> LabelAsync(CancellationToken cancellationToken) =>
        Label ?? await DescribeAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Everything a launch needs from the backend, checked and made ready once per launch (engine, tool versions, images).
    /// A backend of another assembly gets the one that launches its agent through <see cref="LaunchAgentAsync"/>.
    /// </summary>
    internal virtual Task<AgentLauncher> PrepareAsync(BottleSpec spec, CancellationToken cancellationToken) =>
        ForeignAgentLauncher.PrepareAsync(this, spec, cancellationToken);

    /// <summary>Launches a bottle from a spec (what <see cref="BottleBuilder"/> builds); everything created is torn down on failure.</summary>
    internal async Task<IBottle> LaunchAsync(BottleSpec spec, CancellationToken cancellationToken = default)
    {
        var bottle = new Bottle(this, spec);
        await bottle.StartAsync(cancellationToken).ConfigureAwait(false);
        return bottle;
    }

    /// <summary>
    /// What a backend of your own is given to launch one bottle's agent (<see cref="BottleBackend.LaunchAgentAsync"/>): the
    /// bottle, its image, the network its bundle is on and where the bundle's proxy listens, the labels every resource of
    /// the bottle carries, and where to register the agent's teardown.
    /// </summary>
    /// <example>
    /// <code>
    /// // docker run -d --network {context.Network} --dns {context.Bundle.Address} --label k=v… {context.AgentImage} …
    /// context.OnTeardown("remove agent", ct =&gt; RemoveContainerAsync(id, ct));
    /// </code>
    /// </example>
    public sealed class AgentLaunchContext
    {
        private readonly TeardownStack _teardown;

        internal AgentLaunchContext(string bottleName, string agentImage, BundleEndpoint bundle, IReadOnlyDictionary<string, string> resourceLabels, Uri dockerEndpoint, TeardownStack teardown)
        {
            BottleName = bottleName;
            AgentImage = agentImage;
            Bundle = bundle;
            ResourceLabels = resourceLabels;
            DockerEndpoint = dockerEndpoint;
            _teardown = teardown;
        }

        /// <summary>The bottle's unique name: name what you create after it (<c>{BottleName}-agent</c>).</summary>
        public string BottleName { get; }

        /// <summary>The agent image the bottle runs (it has the agent user <c>node</c>, <c>runuser</c> and <c>perl</c>).</summary>
        public string AgentImage { get; }

        /// <summary>The bundle, ready: its address (the agent's resolver and proxy host), its proxy port and its network.</summary>
        public BundleEndpoint Bundle { get; }

        /// <summary>The docker network the bundle is on (internal: no way out but the bundle), where the agent goes.</summary>
        public string Network => Bundle.NetworkName;

        /// <summary>
        /// The labels every resource of the bottle carries: put them on what you create on the engine, and the harness's
        /// reaper removes it with the rest when the test host dies, and a later launch's sweep removes what a dead host left.
        /// </summary>
        public IReadOnlyDictionary<string, string> ResourceLabels { get; }

        /// <summary>The docker engine the bundle runs on (<c>DOCKER_HOST</c> for a docker CLI of yours).</summary>
        public Uri DockerEndpoint { get; }

        /// <summary>
        /// Registers the undo of something the launch created, as soon as it exists: it runs when the bottle is disposed,
        /// or when the launch fails or is cancelled, in reverse order of registration (before the bundle and network go).
        /// </summary>
        /// <param name="description">What it undoes, for the log ("remove agent").</param>
        /// <param name="undo">The undo; its token ends it when the teardown's budget is spent.</param>
        public void OnTeardown(string description, Func<CancellationToken, Task> undo)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(description);
            ArgumentNullException.ThrowIfNull(undo);
            _teardown.Push(description, undo);
        }
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
    public virtual Task ProvisionAsync(IReadOnlyList<IAgentRuntime.GuestFile> files, CancellationToken cancellationToken) => Runtime.UploadAsync(files, cancellationToken);

    /// <summary>The agent's home created and owned by the agent user (one exec, unless the backend did it as the agent started); its uid and gid.</summary>
    /// <remarks><paramref name="reported"/> is what <see cref="WaitForExecAsync"/> returned: when there is one, the home is already owned.</remarks>
    public virtual Task<(int Uid, int Gid)> OwnHomeAsync(BottleSpec spec, (int Uid, int Gid)? reported, CancellationToken cancellationToken) =>
        reported is { } owner ? Task.FromResult(owner) : BottleProvisioner.OwnHomeAsync(Runtime, RetrySettle, spec, cancellationToken);
}
