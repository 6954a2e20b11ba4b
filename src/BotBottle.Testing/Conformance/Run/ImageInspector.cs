using BotBottle.Testing.Bottles;
using BotBottle.Testing.Docker;
using BotBottle.Testing.Launch;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Testing.Conformance.Run;

/// <summary>
/// The agent image as shipped: a labelled throwaway container with no network, PID 1 a sleeping
/// shell (the image's own entrypoint does not run), execs through the engine's own user switch.
/// Removed (killed) on dispose.
/// </summary>
internal sealed class ImageInspector : IAsyncDisposable
{
    private readonly IDockerClient _client;

    private ImageInspector(IDockerClient client, string containerId)
    {
        _client = client;
        ContainerId = containerId;
    }

    public string ContainerId { get; }

    public static async Task<ImageInspector> StartAsync(string image, CancellationToken cancellationToken)
    {
        var engine = await DockerEngineProvider.Default.GetAsync(cancellationToken).ConfigureAwait(false);
        var name = BottleNames.NewBottleName() + "-image";
        var created = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = image,
            User = "0",
            Entrypoint = ["/bin/sh", "-c", "while :; do sleep 3600; done"],
            Cmd = [],
            Labels = DockerLabels.For(name, "conformance-image"),
            HostConfig = new HostConfig { NetworkMode = "none" },
        }, CancellationToken.None).ConfigureAwait(false);
        var inspector = new ImageInspector(engine.Client, created.ID);
        try
        {
            await engine.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
            return inspector;
        }
        catch
        {
            await inspector.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task<ExecResult> ExecAsync(string script, string user, CancellationToken cancellationToken) =>
        DockerExec.RunAsync(_client, ContainerId, ["/bin/sh", "-c", script], user, ["HOME=" + GuestUsers.HomeOf(user), "USER=" + user], cancellationToken);

    public async ValueTask DisposeAsync() => await DockerRemoval.RemoveContainerAsync(_client, ContainerId, CancellationToken.None).ConfigureAwait(false);
}
