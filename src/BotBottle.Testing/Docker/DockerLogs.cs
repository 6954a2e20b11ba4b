using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Testing.Docker;

/// <summary>Reads a container's logs for failure reports.</summary>
public static class DockerLogs
{
    /// <summary>The last <paramref name="tail"/> lines of stdout and stderr.</summary>
    public static async Task<string> ReadAsync(IDockerClient client, string id, CancellationToken cancellationToken, int tail = 200)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            using var stream = await client.Containers.GetContainerLogsAsync(id, new ContainerLogsParameters
            {
                ShowStdout = true,
                ShowStderr = true,
                Tail = tail.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }, cancellationToken).ConfigureAwait(false);
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(cancellationToken).ConfigureAwait(false);
            return (stdout + stderr).Trim();
        }
        catch (DockerApiException ex)
        {
            return $"(logs unavailable: {ex.Message})";
        }
    }
}
