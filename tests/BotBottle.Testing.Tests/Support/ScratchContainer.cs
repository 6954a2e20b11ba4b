using BotBottle.Testing.Bundles;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Tests.Support;

/// <summary>
/// A labelled container a test starts by hand, as root, either without a network or on a bottle network of its own;
/// dispose removes the container, then the network (also when the start fails half-way).
/// </summary>
internal sealed class ScratchContainer : IAsyncDisposable
{
    private ScratchContainer(DockerEngine engine, EngineContainer container, BottleNetwork? network) => (Engine, Container, Network) = (engine, container, network);

    public DockerEngine Engine { get; }

    public EngineContainer Container { get; }

    /// <summary>The container's bottle network, or null when it has none.</summary>
    public BottleNetwork? Network { get; }

    /// <param name="shape">What the test changes in the request (hardening, capabilities); the request as is when null.</param>
    public static async Task<ScratchContainer> StartAsync(DockerEngine engine, string image, IReadOnlyList<string> entrypoint, bool onBottleNetwork, string role, Func<ContainerRequest, ContainerRequest>? shape = null)
    {
        shape ??= request => request;
        var ct = TestContext.Current.CancellationToken;
        var name = BottleNames.NewBottleName();
        var network = onBottleNetwork
            ? await new BundleHost(engine, NullLogger.Instance, TimeSpan.FromSeconds(30)).CreateNetworkAsync(name, BundleNetworkKind.HostIsolated, new Dictionary<string, string>())
            : null;
        EngineContainer? container = null;
        try
        {
            container = await EngineContainer.CreateAsync(engine, shape(new ContainerRequest(name + "-" + role, image, name, role)
            {
                User = "0",
                Network = network?.Name ?? "none",
                Entrypoint = entrypoint,
            }));
            await container.StartAsync(ct);
            return new ScratchContainer(engine, container, network);
        }
        catch
        {
            await RemoveAsync(container, network);
            throw;
        }
    }

    public ValueTask DisposeAsync() => new(RemoveAsync(Container, Network));

    private static async Task RemoveAsync(EngineContainer? container, BottleNetwork? network)
    {
        if (container is not null)
        {
            await container.RemoveAsync(CancellationToken.None);
        }

        if (network is not null)
        {
            await network.RemoveAsync(CancellationToken.None);
        }
    }
}
