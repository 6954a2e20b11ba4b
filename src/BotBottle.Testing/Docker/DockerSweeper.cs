using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Docker;

/// <summary>
/// Removes labelled resources the harness left behind: those of one session, or those whose creating
/// process on this host no longer runs (a test host that died). The harness's own reaper, since
/// Testcontainers' Ryuk image cannot be pulled here.
/// </summary>
public static class DockerSweeper
{
    /// <summary>Removes every container and network labelled with <paramref name="sessionId"/>; returns how many.</summary>
    public static Task<int> RemoveSessionAsync(IDockerClient client, string sessionId, ILogger logger, CancellationToken cancellationToken) =>
        RemoveWhereAsync(client, labels => labels.TryGetValue(DockerLabels.Session, out var s) && s == sessionId, logger, cancellationToken);

    /// <summary>Removes resources created on this host by harness processes that have exited; returns how many.</summary>
    public static Task<int> RemoveOrphansAsync(IDockerClient client, ILogger logger, CancellationToken cancellationToken) =>
        RemoveWhereAsync(client, IsOrphan, logger, cancellationToken);

    /// <summary>All labelled resources, as (kind, name) pairs: what a leak check looks at.</summary>
    public static async Task<IReadOnlyList<string>> ListAsync(IDockerClient client, string? sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var filter = Filter(sessionId);
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }, cancellationToken).ConfigureAwait(false);
        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }, cancellationToken).ConfigureAwait(false);
        return [.. containers.Select(c => "container " + string.Join(',', c.Names)), .. networks.Select(n => "network " + n.Name)];
    }

    private static Dictionary<string, IDictionary<string, bool>> Filter(string? sessionId)
    {
        var label = sessionId is null ? DockerLabels.Harness + "=" + DockerLabels.HarnessName : DockerLabels.Session + "=" + sessionId;
        return new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [label] = true } };
    }

    private static bool IsOrphan(IDictionary<string, string> labels)
    {
        if (!labels.TryGetValue(DockerLabels.Host, out var host) || host != Environment.MachineName)
        {
            return false;
        }

        if (!labels.TryGetValue(DockerLabels.Pid, out var pidText) || !int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static async Task<int> RemoveWhereAsync(IDockerClient client, Func<IDictionary<string, string>, bool> predicate, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var filter = Filter(null);
        var removed = 0;
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }, cancellationToken).ConfigureAwait(false);
        foreach (var container in containers.Where(c => predicate(c.Labels)))
        {
            logger.LogInformation("sweeping container {Name}", string.Join(',', container.Names));
            await DockerRemoval.RemoveContainerAsync(client, container.ID, cancellationToken).ConfigureAwait(false);
            removed++;
        }

        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }, cancellationToken).ConfigureAwait(false);
        foreach (var network in networks.Where(n => predicate(n.Labels)))
        {
            logger.LogInformation("sweeping network {Name}", network.Name);
            await DockerRemoval.RemoveNetworkAsync(client, network.ID, cancellationToken).ConfigureAwait(false);
            removed++;
        }

        return removed;
    }
}
