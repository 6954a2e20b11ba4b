using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Testing.Docker;

/// <summary>Removal that treats "already gone" as done, so teardown is idempotent.</summary>
public static class DockerRemoval
{
    /// <summary>Kills and removes a container (SIGKILL: an agent never needs a graceful stop).</summary>
    public static async Task RemoveContainerAsync(IDockerClient client, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict && (ex.ResponseBody ?? "").Contains("already in progress", StringComparison.Ordinal))
        {
        }
    }

    /// <summary>Removes a network.</summary>
    public static async Task RemoveNetworkAsync(IDockerClient client, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            await client.Networks.DeleteNetworkAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNetworkNotFoundException)
        {
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
        }
    }
}
