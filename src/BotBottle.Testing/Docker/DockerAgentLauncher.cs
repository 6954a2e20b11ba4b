using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Guest;
using BotBottle.Testing.Launch;

namespace BotBottle.Testing.Docker;

/// <summary>The docker backend's side of a launch: the agent container, created while the bundle comes up.</summary>
internal sealed class DockerAgentLauncher(DockerEngine engine, DockerBackendOptions options, BundleHost bundles) : AgentLauncher
{
    /// <summary>What the agent container runs as PID 1 (under docker's init, so it stops at once).</summary>
    public static readonly IReadOnlyList<string> KeepAlive = ["/bin/sh", "-c", "while :; do sleep 3600; done"];

    public override string BackendLabel => Describe(engine);

    /// <summary>The backend's column name on <paramref name="engine"/>.</summary>
    public static string Describe(DockerEngine engine) => $"{DockerBackend.BackendName} ({engine.Description})";

    public override BundleHost Bundles => bundles;

    public override BundleNetworkKind NetworkKind => BundleNetworkKind.HostIsolated;

    public override AgentDependency AgentNeeds => AgentDependency.BundleAddress;

    public override async Task<LaunchedAgent> CreateAgentAsync(string bottleName, BottleSpec spec, string network, RunningBundle? bundle, TeardownStack teardown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var resolver = bundle.Endpoint.Address;
        var container = await teardown.CreateAsync(
            "remove agent",
            () => EngineContainer.CreateAsync(engine, new ContainerRequest(bottleName + "-agent", spec.AgentImage, bottleName, "agent")
            {
                Hostname = "agent",

                // The keep-alive runs as root so root execs keep their capabilities under no-new-privileges;
                // every exec then drops to its user with runuser -u.
                User = "0",
                Entrypoint = KeepAlive,
                Network = network,

                DnsServers = AgentResolver.Servers(resolver),
                DnsOptions = AgentResolver.Options,
            }),
            (c, ct) => c.RemoveAsync(ct),
            cancellationToken,
            TeardownStack.Containers).ConfigureAwait(false);
        return new DockerAgent(container, network, options);
    }

    private sealed class DockerAgent(EngineContainer container, string network, DockerBackendOptions options) : LaunchedAgent
    {
        private DockerAgentRuntime? _runtime;

        public override IAgentRuntime Runtime => _runtime ?? throw new InvalidOperationException("the agent has not started");

        public override TimeSpan RetrySettle => options.RetrySettle;

        public override async Task StartAsync(CancellationToken cancellationToken)
        {
            await container.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = (await container.EndpointOnAsync(network, cancellationToken).ConfigureAwait(false))?.IPAddress;
            _runtime = new DockerAgentRuntime(container, address, options.DockerCli);
        }

        public override Task WaitForExecAsync(CancellationToken cancellationToken) =>
            container.WaitUntilAsync("true", options.ReadyTimeout, "agent", "answer an exec", cancellationToken);
    }
}
