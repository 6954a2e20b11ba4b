using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Guest;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Provisioning;

namespace BotBottle.Testing.Docker;

/// <summary>The docker backend's side of a launch: the agent container, created while the bundle comes up.</summary>
internal sealed class DockerAgentLauncher(DockerEngine engine, DockerBackendOptions options, BundleHost bundles) : AgentLauncher
{
    /// <summary>
    /// What the agent's PID 1 prints once it has given the agent its home: this prefix, then a versioned JSON object,
    /// <c>{"version":1,"status":0,"uid":1000,"gid":1000}</c> (only the status when the home script failed).
    /// </summary>
    internal const string HomeOwnedLine = "bbt-home-owned ";

    private const string Loop = GuestCommand.KeepAliveLoop;

    /// <summary>
    /// What the agent container runs under docker's init (the engine's own, PID 1, so it stops at once): as root, it gives
    /// the agent its home first and reports it on its output, so the launch needs no exec for that; then it becomes the
    /// agent user for good (<c>setpriv</c>, else <c>runuser</c>) and stays alive as that user, so no program of the image
    /// runs as root for the bottle's life on the harness's behalf. (Where the home could not be given, the launch fails
    /// on its own exec of the script, which names the reason; the keep-alive only waits for that.) Root execs are unaffected: the engine gives each its
    /// capabilities from the container's settings, not from this process.
    /// </summary>
    public static IReadOnlyList<string> KeepAlive(BottleSpec spec) =>
    [
        "/bin/sh", "-c",
        $"if ids=$({BottleProvisioner.HomeScript(spec)}); then set -- $ids; " +
        $"printf '{HomeOwnedLine}{{\"version\":1,\"status\":0,\"uid\":%s,\"gid\":%s}}\\n' \"$1\" \"$2\"; " +
        $"if command -v setpriv >/dev/null 2>&1; then exec setpriv --reuid=\"$1\" --regid=\"$2\" --init-groups /bin/sh -c '{Loop}'; fi; " +
        $"exec runuser -u {GuestUsers.Agent} -- /bin/sh -c '{Loop}'; " +
        $"else printf '{HomeOwnedLine}{{\"version\":1,\"status\":%s}}\\n' \"$?\"; fi; {Loop}",
    ];

    public override string BackendLabel => Describe(engine, options.Endpoint);

    /// <summary>
    /// The backend's column name on <paramref name="engine"/>: "docker (Engine 28.2.1, API 1.51)", or with the engine's
    /// address when one was configured, "docker@ssh://ci@build-2 (…)", so two engines of one version differ.
    /// </summary>
    public static string Describe(DockerEngine engine, Uri? endpoint) =>
        $"{DockerBackend.BackendName}{(endpoint is null ? "" : "@" + endpoint)} ({engine.Description})";

    public override BundleHost Bundles => bundles;

    public override BundleNetworkKind NetworkKind => BundleNetworkKind.HostIsolated;

    public override AgentDependency AgentNeeds => AgentDependency.BundleAddress;

    public override async Task<Witness.WireWitness?> StartWitnessAsync(string bottleName, BottleSpec spec, BottleNetwork network, Task<RunningBundle> bundle, TeardownStack teardown, CancellationToken cancellationToken) =>
        await Witness.Docker.BridgeWitness.StartAsync(engine, bottleName, spec, network, bundle, teardown, options.ReadyTimeout, cancellationToken).ConfigureAwait(false);

    public override async Task<LaunchedAgent> CreateAgentAsync(string bottleName, BottleSpec spec, string network, RunningBundle? bundle, TeardownStack teardown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var resolver = bundle.Address ?? throw new InvalidOperationException("the agent was created before the bundle's address was known");
        var container = await teardown.CreateContainerAsync(
            "remove agent",
            () => EngineContainer.CreateAsync(engine, AgentHardening.Apply(new ContainerRequest(bottleName + "-agent", spec.AgentImage, bottleName, "agent")
            {
                Hostname = "agent",

                // The keep-alive starts as root to give the agent its home, then drops to the agent user; root execs
                // keep the container's capabilities under no-new-privileges, and every exec drops to its user with runuser -u.
                User = "0",
                Entrypoint = KeepAlive(spec),
                Network = network,

                DnsServers = AgentResolver.Servers(resolver),
                DnsOptions = AgentResolver.Options,
                Labels = spec.ResourceLabels,
            }, spec.Limits)),
            cancellationToken,
            TeardownStack.Containers).ConfigureAwait(false);
        return new DockerAgent(container, network, options, new DockerAgentObserver(engine, container, bottleName, spec.ResourceLabels, teardown));
    }

    private sealed class DockerAgent(EngineContainer container, string network, DockerBackendOptions options, DockerAgentObserver observer) : LaunchedAgent
    {
        private DockerAgentRuntime? _runtime;

        public override IAgentRuntime Runtime => Started;

        private DockerAgentRuntime Started => _runtime ?? throw new InvalidOperationException("the agent has not started");

        public override TimeSpan RetrySettle => options.RetrySettle;

        public override string? Security { get; protected set; }

        public override async Task StartAsync(CancellationToken cancellationToken)
        {
            await container.StartAsync(cancellationToken).ConfigureAwait(false);
            var inspect = await container.InspectAsync(cancellationToken).ConfigureAwait(false);
            var address = inspect.AddressOn(network)?.IPAddress;
            Security = AgentHardening.Describe(inspect);
            _runtime = new DockerAgentRuntime(container, address, options.DockerCli, options.ExecChannel, observer);

            // It opens while the home is given and the files are placed, so the first exec does not wait for it.
            _runtime.OpenChannelEarly();
        }

        /// <summary>
        /// The keep-alive's line says the home is owned (and the container runs, so it answers execs): its owner is
        /// returned. When the poll decides instead (no readable line), or the home script failed, none is, and the
        /// home step runs the script as an exec, which reports its own failure.
        /// </summary>
        public override async Task<(int Uid, int Gid)?> WaitForExecAsync(CancellationToken cancellationToken)
        {
            var reported = await container.WaitUntilAsync(
                "true", line => GuestReport.Read<HomeReport>(line, HomeOwnedLine) is not null, options.ReadyTimeout, "agent", "answer an exec", cancellationToken).ConfigureAwait(false);
            return reported is null ? null : OwnerFrom(reported);
        }

        public override Task ProvisionAsync(IReadOnlyList<IAgentRuntime.GuestFile> files, CancellationToken cancellationToken) =>
            Started.ProvisionAsync(files, cancellationToken);
    }

    /// <summary>The agent user's uid and gid from the keep-alive's report, or null when it is not a successful version 1 report.</summary>
    internal static (int Uid, int Gid)? OwnerFrom(string line) =>
        GuestReport.Read<HomeReport>(line, HomeOwnedLine) is { Version: 1, Status: 0, Uid: { } uid, Gid: { } gid } ? (uid, gid) : null;

    private sealed record HomeReport(int Version, int Status, int? Uid, int? Gid);
}
